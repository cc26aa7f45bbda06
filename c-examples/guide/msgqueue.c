// msgqueue.c -- the request-reply broker again, as a single zmq_proxy().
//
// What it shows
//   rrbroker.c's hand-written poll loop is exactly what zmq_proxy() does
//   internally: ROUTER frontend for REQ clients, DEALER backend for REP
//   workers, messages shuttled both ways with their envelopes intact.
//   rrclient and rrworker work unchanged against either broker.
//
// Run it
//   msgqueue [frontend] [backend]
//     frontend  address for clients (bind)  (default tcp://*:5559)
//     backend   address for workers (bind)  (default tcp://*:5560)
//   Runs until Ctrl-C or SIGTERM: the signal makes zmq_proxy() return -1
//   with EINTR, and the program shuts down cleanly.
#define GUIDE_PROGRAM "msgqueue"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *frontend_ep = argc > 1 ? argv[1] : "tcp://*:5559";
    const char *backend_ep = argc > 2 ? argv[2] : "tcp://*:5560";
    int linger_ms = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *frontend = zmq_socket(ctx, ZMQ_ROUTER);
    void *backend = zmq_socket(ctx, ZMQ_DEALER);
    if (frontend == NULL || backend == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(frontend, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(backend, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(frontend, frontend_ep) != 0 || zmq_bind(backend, backend_ep) != 0)
        die("zmq_bind");
    printf("msgqueue: proxying clients on %s to workers on %s\n", frontend_ep, backend_ep);

    /* zmq_proxy() only ever returns -1; what matters is why. */
    int why = EINTR;
    if (!stop_requested() && zmq_proxy(frontend, backend, NULL) == -1) {
        why = zmq_errno();
        if (why != EINTR && why != ETERM)
            die("zmq_proxy");
    }

    printf("msgqueue: proxy stopped (%s), shutting down\n", zmq_strerror(why));
    if (zmq_close(frontend) != 0 || zmq_close(backend) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
