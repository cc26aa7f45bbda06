// syncpub.c -- a publisher that waits for its subscribers before sending.
//
// What it shows
//   PUB/SUB gives no delivery guarantee to a subscriber that is still
//   joining ("slow joiner"). To make sure a known set of subscribers sees
//   every update, the publisher first collects one REQ/REP handshake from
//   each of them. Subscribers only ask once they have actually received
//   something on the SUB socket: while waiting, the publisher keeps sending
//   "PROBE" messages, so a subscriber that hears one knows its subscription
//   is live. Then the updates go out, followed by "END". High-water marks
//   are lifted (0 = no limit) so nothing is dropped.
//
// Run it
//   syncpub [pub-endpoint] [sync-endpoint] [subscribers] [updates]
//     pub-endpoint   data channel (bind)          (default tcp://*:5561)
//     sync-endpoint  handshake channel (bind)     (default tcp://*:5562)
//     subscribers    how many to wait for         (default 3)
//     updates        how many updates to publish  (default 10000)
//   Gives up (exit 1) if the subscribers have not all checked in after 30 s.
//   e.g.  ./syncsub & ./syncsub & ./syncsub & ./syncpub
#define GUIDE_PROGRAM "syncpub"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECKIN_SECONDS 30

static void send_text(void *socket, const char *text)
{
    size_t len = strlen(text);
    while (zmq_send(socket, text, len, 0) != (int) len)
        if (zmq_errno() != EINTR)
            die("zmq_send");
}

int main(int argc, char **argv)
{
    const char *pub_ep = argc > 1 ? argv[1] : "tcp://*:5561";
    const char *sync_ep = argc > 2 ? argv[2] : "tcp://*:5562";
    long subscribers = argc > 3 ? strtol(argv[3], NULL, 10) : 3;
    long updates = argc > 4 ? strtol(argv[4], NULL, 10) : 10000;
    int unlimited = 0;
    int linger_ms = 5000; /* bounded time to flush the backlog on close */
    long synced = 0;

    if (subscribers < 1 || updates < 0) {
        fprintf(stderr, "syncpub: need subscribers >= 1 and updates >= 0\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    void *sync = zmq_socket(ctx, ZMQ_REP);
    if (pub == NULL || sync == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(pub, ZMQ_SNDHWM, &unlimited, sizeof unlimited) != 0)
        die("zmq_setsockopt(SNDHWM)");
    if (zmq_setsockopt(pub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(sync, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(pub, pub_ep) != 0 || zmq_bind(sync, sync_ep) != 0)
        die("zmq_bind");
    printf("syncpub: data on %s, handshakes on %s; waiting for %ld subscriber(s)\n",
           pub_ep, sync_ep, subscribers);

    time_t give_up = time(NULL) + CHECKIN_SECONDS;
    while (synced < subscribers) {
        if (time(NULL) > give_up) {
            fprintf(stderr, "syncpub: only %ld of %ld subscribers checked in\n", synced,
                    subscribers);
            exit(EXIT_FAILURE);
        }
        send_text(pub, "PROBE"); /* "if you can hear this, come and check in" */

        zmq_pollitem_t item;
        memset(&item, 0, sizeof item);
        item.socket = sync;
        item.events = ZMQ_POLLIN;
        int ready = zmq_poll(&item, 1, 20);
        if (ready == -1) {
            if (zmq_errno() == EINTR)
                continue;
            die("zmq_poll");
        }
        if (ready == 0)
            continue;

        char hello[64];
        int n = zmq_recv(sync, hello, sizeof hello - 1, 0);
        if (n == -1)
            die("zmq_recv");
        if (n > (int) sizeof hello - 1)
            n = (int) sizeof hello - 1;
        hello[n] = '\0';
        send_text(sync, "GO");
        synced++;
        printf("syncpub: subscriber %ld/%ld checked in (\"%s\")\n", synced, subscribers, hello);
    }

    for (long i = 1; i <= updates; i++) {
        char text[32];
        snprintf(text, sizeof text, "UPDATE %ld", i);
        send_text(pub, text);
    }
    send_text(pub, "END");
    printf("syncpub: published %ld update(s) and END\n", updates);

    if (zmq_close(pub) != 0 || zmq_close(sync) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
