// hwclient.c -- the asking half of "hello world" over REQ/REP.
//
// What it shows
//   A REQ socket connects (before or after the server binds -- ZeroMQ keeps
//   retrying in the background), sends "Hello", and must receive the reply
//   before it may send again. A receive timeout keeps a missing server from
//   hanging the client forever.
//
// Run it
//   hwclient [endpoint] [count]
//     endpoint  server to connect to           (default tcp://localhost:5555)
//     count     number of round trips           (default 10)
//   Start hwserver first (or afterwards, within the 5 s reply timeout).
//   Exit status is 0 only if every request got its "World".
#define GUIDE_PROGRAM "hwclient"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5555";
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
    int timeout_ms = 5000;
    int linger_ms = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *req = zmq_socket(ctx, ZMQ_REQ);
    if (req == NULL)
        die("zmq_socket(REQ)");
    if (zmq_setsockopt(req, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_setsockopt(req, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_connect(req, endpoint) != 0)
        die("zmq_connect");
    printf("hwclient: connected to %s, sending %ld request(s)\n", endpoint, rounds);

    for (long i = 1; i <= rounds; i++) {
        char reply[64];
        if (zmq_send(req, "Hello", 5, 0) != 5)
            die("zmq_send");
        int n = zmq_recv(req, reply, sizeof reply - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "hwclient: no reply to request %ld within %d ms\n", i, timeout_ms);
                exit(EXIT_FAILURE);
            }
            die("zmq_recv");
        }
        if (n > (int) sizeof reply - 1)
            n = (int) sizeof reply - 1;
        reply[n] = '\0';
        printf("hwclient: reply %ld: \"%s\"\n", i, reply);
        if (strcmp(reply, "World") != 0) {
            fprintf(stderr, "hwclient: unexpected reply\n");
            exit(EXIT_FAILURE);
        }
    }

    printf("hwclient: all %ld round trips done\n", rounds);
    if (zmq_close(req) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
