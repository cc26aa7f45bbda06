// rrbroker.c -- a request-reply broker written out by hand with zmq_poll.
//
// What it shows
//   ROUTER (frontend, for REQ clients) and DEALER (backend, for REP workers)
//   joined by a poll loop. Whatever arrives on one side is copied, frame by
//   frame and keeping the ZMQ_SNDMORE flags, to the other. The ROUTER
//   prefixes each request with the client's routing id; the reply carries it
//   back, which is how it reaches the right client. DEALER load-balances
//   requests over the connected workers.
//
// Run it
//   rrbroker [frontend] [backend]
//     frontend  address for clients (bind)  (default tcp://*:5559)
//     backend   address for workers (bind)  (default tcp://*:5560)
//   Runs until Ctrl-C or SIGTERM, then prints traffic counts and exits.
//   msgqueue.c is the same broker in one zmq_proxy() call.
#define GUIDE_PROGRAM "rrbroker"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Move one complete (possibly multi-frame) message from one socket to the
 * other. Returns 0, or -1 if a stop signal interrupted it. */
static int relay(void *from, void *to)
{
    int more;
    do {
        zmq_msg_t frame;
        if (zmq_msg_init(&frame) != 0)
            die("zmq_msg_init");
        while (zmq_msg_recv(&frame, from, 0) == -1) {
            int err = zmq_errno();
            if (err == EINTR && !stop_requested())
                continue; /* a stray signal: just try again */
            zmq_msg_close(&frame);
            if (err == EINTR)
                return -1;
            errno = err;
            die("zmq_msg_recv");
        }
        more = zmq_msg_more(&frame);
        /* DEALER blocks here while no worker is connected yet */
        while (zmq_msg_send(&frame, to, more ? ZMQ_SNDMORE : 0) == -1) {
            int err = zmq_errno();
            if (err == EINTR && !stop_requested())
                continue;
            zmq_msg_close(&frame);
            if (err == EINTR)
                return -1;
            errno = err;
            die("zmq_msg_send");
        }
        /* a sent message is emptied by libzmq; closing it is still correct */
        if (zmq_msg_close(&frame) != 0)
            die("zmq_msg_close");
    } while (more);
    return 0;
}

int main(int argc, char **argv)
{
    const char *frontend_ep = argc > 1 ? argv[1] : "tcp://*:5559";
    const char *backend_ep = argc > 2 ? argv[2] : "tcp://*:5560";
    int linger_ms = 0;
    long requests = 0, replies = 0;

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
    printf("rrbroker: clients on %s, workers on %s\n", frontend_ep, backend_ep);

    while (!stop_requested()) {
        zmq_pollitem_t items[2];
        memset(items, 0, sizeof items);
        items[0].socket = frontend;
        items[0].events = ZMQ_POLLIN;
        items[1].socket = backend;
        items[1].events = ZMQ_POLLIN;

        int ready = zmq_poll(items, 2, 500); /* wake up to notice a signal */
        if (ready == -1) {
            if (zmq_errno() == EINTR)
                continue;
            die("zmq_poll");
        }
        if ((items[0].revents & ZMQ_POLLIN) && relay(frontend, backend) == 0)
            requests++;
        if ((items[1].revents & ZMQ_POLLIN) && relay(backend, frontend) == 0)
            replies++;
    }

    printf("rrbroker: relayed %ld request(s) and %ld reply(ies), shutting down\n",
           requests, replies);
    if (zmq_close(frontend) != 0 || zmq_close(backend) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
