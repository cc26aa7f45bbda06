// rrclient.c -- a REQ client that talks to workers through a broker.
//
// What it shows
//   The client only knows the broker's address; it has no idea how many
//   workers exist. Each reply names the worker that produced it, so running
//   several workers shows the broker spreading requests across them.
//
// Run it
//   rrclient [endpoint] [count]
//     endpoint  broker frontend to connect to   (default tcp://localhost:5559)
//     count     number of requests              (default 10)
//   Fails (exit 1) if a reply takes longer than 5 seconds.
//   e.g.  ./rrbroker & ./rrworker & ./rrworker & ./rrclient
#define GUIDE_PROGRAM "rrclient"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5559";
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
    long me = (long) getpid();
    int timeout_ms = 5000;
    int linger_ms = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *req = zmq_socket(ctx, ZMQ_REQ);
    if (req == NULL)
        die("zmq_socket(REQ)");
    if (zmq_setsockopt(req, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0
        || zmq_setsockopt(req, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    if (zmq_connect(req, endpoint) != 0)
        die("zmq_connect");
    printf("rrclient[%ld]: sending %ld request(s) via %s\n", me, count, endpoint);

    for (long i = 1; i <= count; i++) {
        char request[64], reply[128];
        int len = snprintf(request, sizeof request, "Hello %ld from %ld", i, me);
        if (zmq_send(req, request, (size_t) len, 0) != len)
            die("zmq_send");
        int n = zmq_recv(req, reply, sizeof reply - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "rrclient[%ld]: request %ld unanswered after %d ms\n", me,
                        i, timeout_ms);
                exit(EXIT_FAILURE);
            }
            die("zmq_recv");
        }
        if (n > (int) sizeof reply - 1)
            n = (int) sizeof reply - 1;
        reply[n] = '\0';
        printf("rrclient[%ld]: %ld -> \"%s\"\n", me, i, reply);
    }

    printf("rrclient[%ld]: done, %ld replies\n", me, count);
    if (zmq_close(req) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
