// rrworker.c -- a REP worker sitting behind a broker.
//
// What it shows
//   Workers connect to the broker's backend rather than binding: they can
//   come and go while the broker stays put. The REP socket strips and
//   restores the reply envelope, so the worker only sees the request body.
//
// Run it
//   rrworker [endpoint] [count]
//     endpoint  broker backend to connect to     (default tcp://localhost:5560)
//     count     exit after this many requests    (default 0 = until Ctrl-C or
//               SIGTERM, both of which stop it cleanly)
//   Replies "World from worker PID".
#define GUIDE_PROGRAM "rrworker"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5560";
    long limit = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    long me = (long) getpid();
    int tick_ms = 250;
    int linger_ms = 1000;
    long served = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (rep == NULL)
        die("zmq_socket(REP)");
    if (zmq_setsockopt(rep, ZMQ_RCVTIMEO, &tick_ms, sizeof tick_ms) != 0
        || zmq_setsockopt(rep, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    if (zmq_connect(rep, endpoint) != 0)
        die("zmq_connect");
    printf("rrworker[%ld]: serving requests from %s\n", me, endpoint);

    while (!stop_requested() && (limit <= 0 || served < limit)) {
        char request[128], reply[64];
        int n = zmq_recv(rep, request, sizeof request - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN || zmq_errno() == EINTR)
                continue;
            die("zmq_recv");
        }
        if (n > (int) sizeof request - 1)
            n = (int) sizeof request - 1;
        request[n] = '\0';

        struct timespec work = { 0, 5000000L }; /* 5 ms of pretend work */
        nanosleep(&work, NULL);

        int len = snprintf(reply, sizeof reply, "World from worker %ld", me);
        if (zmq_send(rep, reply, (size_t) len, 0) != len)
            die("zmq_send");
        served++;
    }

    printf("rrworker[%ld]: answered %ld request(s), shutting down\n", me, served);
    if (zmq_close(rep) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
