// syncsub.c -- a subscriber that checks in with syncpub before data flows.
//
// What it shows
//   The subscriber side of a synchronised publish: subscribe, wait until
//   the first PROBE arrives (proof that the subscription reached the
//   publisher), then say hello over REQ/REP and count updates until "END".
//   With both high-water marks lifted, none of the updates is lost.
//
// Run it
//   syncsub [pub-endpoint] [sync-endpoint] [expected]
//     pub-endpoint   syncpub's data channel     (default tcp://localhost:5561)
//     sync-endpoint  syncpub's handshake        (default tcp://localhost:5562)
//     expected       if > 0, exit 1 unless exactly this many updates arrive
//                                                (default 0 = just report)
//   Every wait is bounded by a 10 s timeout.
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long me;

static void die(const char *what)
{
    fprintf(stderr, "syncsub[%ld]: %s failed: %s\n", me, what, zmq_strerror(zmq_errno()));
    exit(EXIT_FAILURE);
}

/* Receive a text frame; a timeout is fatal and reported as such. */
static void recv_text(void *socket, char *buf, size_t cap, const char *waiting_for)
{
    int n;
    while ((n = zmq_recv(socket, buf, cap - 1, 0)) == -1) {
        if (zmq_errno() == EINTR)
            continue;
        if (zmq_errno() == EAGAIN) {
            fprintf(stderr, "syncsub[%ld]: timed out waiting for %s\n", me, waiting_for);
            exit(EXIT_FAILURE);
        }
        die("zmq_recv");
    }
    if (n > (int) cap - 1)
        n = (int) cap - 1;
    buf[n] = '\0';
}

int main(int argc, char **argv)
{
    const char *pub_ep = argc > 1 ? argv[1] : "tcp://localhost:5561";
    const char *sync_ep = argc > 2 ? argv[2] : "tcp://localhost:5562";
    long expected = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
    int timeout_ms = 10000;
    int unlimited = 0;
    int linger_ms = 0;
    long updates = 0, probes = 1;
    char text[64];

    me = (long) getpid();
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    void *sync = zmq_socket(ctx, ZMQ_REQ);
    if (sub == NULL || sync == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(sub, ZMQ_RCVHWM, &unlimited, sizeof unlimited) != 0)
        die("zmq_setsockopt(RCVHWM)");
    if (zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0
        || zmq_setsockopt(sync, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_setsockopt(sub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(sync, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_connect(sub, pub_ep) != 0)
        die("zmq_connect(sub)");
    if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0)
        die("zmq_setsockopt(SUBSCRIBE)");

    /* Step 1: hear the publisher, so we know our subscription is in place. */
    recv_text(sub, text, sizeof text, "the publisher's first PROBE");
    if (strcmp(text, "PROBE") != 0) {
        fprintf(stderr, "syncsub[%ld]: expected PROBE, got \"%s\"\n", me, text);
        exit(EXIT_FAILURE);
    }

    /* Step 2: check in, and wait for the go-ahead. */
    if (zmq_connect(sync, sync_ep) != 0)
        die("zmq_connect(sync)");
    char hello[32];
    int len = snprintf(hello, sizeof hello, "ready %ld", me);
    if (zmq_send(sync, hello, (size_t) len, 0) != len)
        die("zmq_send");
    recv_text(sync, text, sizeof text, "the publisher's GO");
    printf("syncsub[%ld]: subscribed and checked in, publisher said \"%s\"\n", me, text);

    /* Step 3: count updates until END, skipping leftover probes. */
    for (;;) {
        recv_text(sub, text, sizeof text, "updates");
        if (strcmp(text, "END") == 0)
            break;
        if (strcmp(text, "PROBE") == 0)
            probes++;
        else
            updates++;
    }

    printf("syncsub[%ld]: received %ld update(s) (and %ld probe(s)) before END\n", me,
           updates, probes);
    if (zmq_close(sub) != 0 || zmq_close(sync) != 0)
        die("zmq_close");
    while (zmq_ctx_term(ctx) != 0)
        if (zmq_errno() != EINTR)
            die("zmq_ctx_term");
    if (expected > 0 && updates != expected) {
        fprintf(stderr, "syncsub[%ld]: expected %ld updates, lost %ld\n", me, expected,
                expected - updates);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
