// hwserver.c -- the answering half of "hello world" over REQ/REP.
//
// What it shows
//   A REP socket binds an endpoint and loops: receive a request, pretend to
//   work for a moment, send "World" back. REP enforces the strict
//   receive-then-send rhythm and remembers who asked, so every reply finds
//   its way back to the right client.
//
// Run it
//   hwserver [endpoint] [count]
//     endpoint  address to bind                  (default tcp://*:5555)
//     count     exit after this many replies      (default 0 = until Ctrl-C
//               or SIGTERM, both of which stop it cleanly)
//   e.g.  ./hwserver tcp://*:5555 5 &   ./hwclient tcp://localhost:5555 5
//         ./hwserver ipc:///tmp/hw.ipc 5 & ./hwclient ipc:///tmp/hw.ipc 5
#define GUIDE_PROGRAM "hwserver"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void nap_ms(long ms)
{
    struct timespec left;
    left.tv_sec = ms / 1000;
    left.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&left, &left) == -1 && errno == EINTR && !stop_requested())
        ;
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5555";
    long limit = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    int poll_ms = 250;   /* wake up now and then to notice a stop request */
    int linger_ms = 1000; /* give the final reply time to leave on close */
    long served = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (rep == NULL)
        die("zmq_socket(REP)");
    if (zmq_setsockopt(rep, ZMQ_RCVTIMEO, &poll_ms, sizeof poll_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_setsockopt(rep, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(rep, endpoint) != 0)
        die("zmq_bind");

    if (limit > 0)
        printf("hwserver: listening on %s, will answer %ld request(s)\n", endpoint, limit);
    else
        printf("hwserver: listening on %s until interrupted\n", endpoint);

    while (!stop_requested() && (limit <= 0 || served < limit)) {
        char request[256];
        int n = zmq_recv(rep, request, sizeof request - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN || zmq_errno() == EINTR)
                continue; /* idle tick or signal: re-check the loop condition */
            die("zmq_recv");
        }
        if (n > (int) sizeof request - 1)
            n = (int) sizeof request - 1; /* zmq_recv reports the untruncated size */
        request[n] = '\0';
        printf("hwserver: request %ld: \"%s\"\n", served + 1, request);

        nap_ms(10); /* the "work" */

        if (zmq_send(rep, "World", 5, 0) != 5)
            die("zmq_send");
        served++;
    }

    printf("hwserver: answered %ld request(s), shutting down\n", served);
    if (zmq_close(rep) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
