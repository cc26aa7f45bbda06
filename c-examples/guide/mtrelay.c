// mtrelay.c -- a relay race between threads over inproc PAIR sockets.
//
// What it shows
//   Threads in one process coordinating through ZeroMQ rather than locks.
//   Each leg of the race is an exclusive PAIR-to-PAIR link over inproc://,
//   which needs a shared context. Every stage binds its incoming leg, then
//   starts the stage before it (so the bind always precedes the connect),
//   waits for the baton, adds its name and hands it on. The last leg ends
//   in the main thread.
//
// Run it
//   mtrelay [stages]
//     stages  number of runner threads, 1..16   (default 3)
//   Each wait is bounded by a 5 second receive timeout.
#define GUIDE_PROGRAM "mtrelay"
#include "guide.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STAGES 16
#define BATON_SIZE 512

struct stage {
    void *ctx;
    int number; /* 1 runs first; stage N hands the baton to main */
};

static void leg_name(char *buf, size_t cap, int leg)
{
    snprintf(buf, cap, "inproc://relay-leg-%d", leg);
}

static void *open_pair(void *ctx)
{
    int timeout_ms = 5000, linger_ms = 1000;
    void *pair = zmq_socket(ctx, ZMQ_PAIR);
    if (pair == NULL)
        die("zmq_socket(PAIR)");
    if (zmq_setsockopt(pair, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0
        || zmq_setsockopt(pair, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    return pair;
}

static void receive_baton(void *pair, char *baton, const char *who)
{
    int n = zmq_recv(pair, baton, BATON_SIZE - 1, 0);
    if (n == -1) {
        if (zmq_errno() == EAGAIN)
            fprintf(stderr, "mtrelay: %s never got the baton\n", who);
        die("zmq_recv");
    }
    if (n > BATON_SIZE - 1)
        n = BATON_SIZE - 1;
    baton[n] = '\0';
}

static void *run_stage(void *arg)
{
    struct stage *self = (struct stage *) arg;
    char baton[BATON_SIZE] = "start";
    char endpoint[64];
    pthread_t previous;
    struct stage before;
    void *inbox = NULL;

    if (self->number > 1) {
        inbox = open_pair(self->ctx);
        leg_name(endpoint, sizeof endpoint, self->number - 1);
        if (zmq_bind(inbox, endpoint) != 0)
            die("zmq_bind");
        before.ctx = self->ctx;
        before.number = self->number - 1;
        if (pthread_create(&previous, NULL, run_stage, &before) != 0) {
            fprintf(stderr, "mtrelay: pthread_create failed\n");
            exit(EXIT_FAILURE);
        }
        char who[32];
        snprintf(who, sizeof who, "stage %d", self->number);
        receive_baton(inbox, baton, who);
    }
    printf("mtrelay: stage %d has the baton, running on\n", self->number);

    size_t used = strlen(baton);
    snprintf(baton + used, sizeof baton - used, " -> stage %d", self->number);

    void *outbox = open_pair(self->ctx);
    leg_name(endpoint, sizeof endpoint, self->number);
    if (zmq_connect(outbox, endpoint) != 0)
        die("zmq_connect");
    size_t len = strlen(baton);
    if (zmq_send(outbox, baton, len, 0) != (int) len)
        die("zmq_send");

    if (zmq_close(outbox) != 0)
        die("zmq_close");
    if (inbox != NULL) {
        if (zmq_close(inbox) != 0)
            die("zmq_close");
        if (pthread_join(previous, NULL) != 0) {
            fprintf(stderr, "mtrelay: pthread_join failed\n");
            exit(EXIT_FAILURE);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long stages = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
    char endpoint[64], baton[BATON_SIZE];
    pthread_t last;
    struct stage anchor;

    if (stages < 1 || stages > MAX_STAGES) {
        fprintf(stderr, "mtrelay: stages must be 1..%d\n", MAX_STAGES);
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *finish = open_pair(ctx);
    leg_name(endpoint, sizeof endpoint, (int) stages);
    if (zmq_bind(finish, endpoint) != 0)
        die("zmq_bind");

    anchor.ctx = ctx;
    anchor.number = (int) stages;
    if (pthread_create(&last, NULL, run_stage, &anchor) != 0) {
        fprintf(stderr, "mtrelay: pthread_create failed\n");
        return EXIT_FAILURE;
    }
    receive_baton(finish, baton, "the main thread");
    if (pthread_join(last, NULL) != 0) {
        fprintf(stderr, "mtrelay: pthread_join failed\n");
        return EXIT_FAILURE;
    }
    printf("mtrelay: main thread received \"%s\" -- race over\n", baton);

    if (zmq_close(finish) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
