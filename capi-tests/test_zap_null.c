/* ZAP with the NULL mechanism: a server with ZMQ_ZAP_DOMAIN asks the
   handler at inproc://zeromq.zap.01 about every client (no credentials),
   passes on its User-Id, and refuses whom it refuses; without a handler,
   only ZMQ_ZAP_ENFORCE_DOMAIN refuses. */
#include "sockutil.h"

#include <pthread.h>

/* A draft option in zmq.h, which Debian's stable build accepts too. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

static void *ctx;
static pthread_t handler_thread;

/* The handler answers every request with this status ("200", "400"). */
static const char *zap_status;

static void *zap_handler(void *arg)
{
    void *h = arg;
    for (;;) {
        char frames[8][64];
        int sizes[8], n = 0, more = 1;
        size_t len = sizeof more;
        while (more && n < 8) {
            sizes[n] = zmq_recv(h, frames[n], sizeof frames[n], 0);
            if (sizes[n] < 0) { /* ETERM: the context is terminating */
                zmq_close(h);
                return NULL;
            }
            zmq_getsockopt(h, ZMQ_RCVMORE, &more, &len);
            n++;
        }
        /* version, request id, domain, address, routing id, mechanism */
        if (n == 6 && sizes[2] == 6 && memcmp(frames[2], "global", 6) == 0
            && sizes[5] == 4 && memcmp(frames[5], "NULL", 4) == 0) {
            zmq_send(h, "1.0", 3, ZMQ_SNDMORE);
            zmq_send(h, frames[1], sizes[1], ZMQ_SNDMORE);
        } else {
            zmq_send(h, "bad", 3, ZMQ_SNDMORE); /* fails the handshake */
            zmq_send(h, "", 0, ZMQ_SNDMORE);
        }
        zmq_send(h, zap_status, 3, ZMQ_SNDMORE);
        zmq_send(h, "", 0, ZMQ_SNDMORE);
        zmq_send(h, "anon", 4, ZMQ_SNDMORE);
        zmq_send(h, "", 0, 0);
    }
}

/* A server with the given ZAP options and a client connected to it. */
static void pair_up(void **server, void **client, const char *domain, int enforce)
{
    char ep[256];
    *server = sock(ctx, ZMQ_PULL);
    *client = sock(ctx, ZMQ_PUSH);
    if (domain)
        CHECK_OK(zmq_setsockopt(*server, ZMQ_ZAP_DOMAIN, domain, strlen(domain)));
    if (enforce)
        set_int(*server, ZMQ_ZAP_ENFORCE_DOMAIN, 1);
    size_t len = sizeof ep;
    CHECK_OK(zmq_bind(*server, "tcp://127.0.0.1:*"));
    CHECK_OK(zmq_getsockopt(*server, ZMQ_LAST_ENDPOINT, ep, &len));
    CHECK_OK(zmq_connect(*client, ep));
}

static int gets_is(zmq_msg_t *m, const char *prop, const char *want)
{
    const char *v = zmq_msg_gets(m, prop);
    return v != NULL && strcmp(v, want) == 0;
}

static void test_with_handler(void)
{
    void *h = zmq_socket(ctx, ZMQ_REP), *server, *client;
    zmq_msg_t m;

    /* The handler thread owns h from here; it closes it at ETERM. */
    CHECK_OK(zmq_bind(h, "inproc://zeromq.zap.01"));
    pthread_create(&handler_thread, NULL, zap_handler, h);

    /* Accepted: the handler's user id comes with every message. */
    zap_status = "200";
    pair_up(&server, &client, "global", 0);
    CHECK(send_str(client, "hello", 0) == 5);
    zmq_msg_init(&m);
    CHECK(zmq_msg_recv(&m, server, 0) == 5);
    CHECK(gets_is(&m, "User-Id", "anon"));
    CHECK(gets_is(&m, "Socket-Type", "PUSH"));
    zmq_msg_close(&m);
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));

    /* Refused with 400: nothing gets through. */
    zap_status = "400";
    pair_up(&server, &client, "global", 0);
    CHECK(send_str(client, "denied", 0) == 6);
    CHECK(nothing_within(server, 300));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));

    /* Without a domain the server does not ask the handler. */
    pair_up(&server, &client, NULL, 0);
    CHECK(send_str(client, "no zap", 0) == 6);
    zmq_msg_init(&m);
    CHECK(zmq_msg_recv(&m, server, 0) == 6);
    CHECK(zmq_msg_gets(&m, "User-Id") == NULL);
    zmq_msg_close(&m);
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));
}

static void test_without_handler(void)
{
    void *server, *client;

    /* A domain alone: no handler, no check. */
    pair_up(&server, &client, "global", 0);
    CHECK(send_str(client, "open", 0) == 4);
    CHECK(recv_is(server, "open", 0));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));

    /* Enforced: every client is refused. */
    pair_up(&server, &client, "global", 1);
    CHECK(send_str(client, "closed", 0) == 6);
    CHECK(nothing_within(server, 300));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));
}

int main(void)
{
    tu_start("test_zap_null");
    ctx = zmq_ctx_new();
    test_without_handler();
    test_with_handler();
    CHECK_OK(zmq_ctx_term(ctx));
    pthread_join(handler_thread, NULL);
    return tu_finish();
}
