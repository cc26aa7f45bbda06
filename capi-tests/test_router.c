/* ROUTER/DEALER routing: routing-id frames, explicit and generated ids,
   ROUTER_MANDATORY, ROUTER_HANDOVER, PROBE_ROUTER, CONNECT_ROUTING_ID,
   ROUTER-to-ROUTER and malformed sends. inproc only. */
#include "sockutil.h"

#include <unistd.h>

static void *ctx;

static int events_of(void *s)
{
    int events = -1;
    size_t len = sizeof events;
    if (zmq_getsockopt(s, ZMQ_EVENTS, &events, &len) != 0)
        return -1;
    return events;
}

static void test_routing_ids(void)
{
    void *router = sock(ctx, ZMQ_ROUTER);
    void *dealer[3];
    unsigned char anon_id[2][8];
    int i, more = 0;
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://ids"));
    for (i = 0; i < 3; i++) {
        char id[4] = {'D', (char) ('0' + i), 0, 0};
        dealer[i] = sock(ctx, ZMQ_DEALER);
        CHECK_OK(zmq_setsockopt(dealer[i], ZMQ_ROUTING_ID, id, 2));
        CHECK_OK(zmq_connect(dealer[i], "inproc://ids"));
    }
    /* Each DEALER's ROUTING_ID is the first frame at the ROUTER. */
    for (i = 0; i < 3; i++) {
        char id[3] = {'D', (char) ('0' + i), 0}, body[3] = {'m', (char) ('0' + i), 0};
        CHECK(send_str(dealer[i], body, 0) == 2);
        CHECK(recv_is(router, id, 1));
        CHECK(recv_is(router, body, 0));
    }
    /* Replies in reverse order reach the right DEALER, and only it. */
    for (i = 2; i >= 0; i--) {
        char id[3] = {'D', (char) ('0' + i), 0}, body[3] = {'r', (char) ('0' + i), 0};
        CHECK(send_str(router, id, ZMQ_SNDMORE) == 2);
        CHECK(send_str(router, body, ZMQ_SNDMORE) == 2);
        CHECK(send_str(router, "end", 0) == 3);
    }
    for (i = 0; i < 3; i++) {
        char body[3] = {'r', (char) ('0' + i), 0};
        CHECK(recv_is(dealer[i], body, 1));
        CHECK(recv_is(dealer[i], "end", 0));
        CHECK_ERR(zmq_recv(dealer[i], buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    }
    /* Multipart from a DEALER: id prepended, all parts follow. */
    CHECK(send_str(dealer[1], "p1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(dealer[1], "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(dealer[1], "p3", 0) == 2);
    CHECK(recv_is(router, "D1", 1));
    CHECK(recv_is(router, "p1", 1));
    CHECK(recv_is(router, "", 1));
    CHECK(recv_is(router, "p3", 0));

    /* Anonymous peers get 5-byte ids: 0x00 + a big-endian counter, one
       more per new peer. */
    for (i = 0; i < 2; i++) {
        void *anon = sock(ctx, ZMQ_DEALER);
        int n;
        CHECK_OK(zmq_connect(anon, "inproc://ids"));
        CHECK(send_str(anon, "anon", 0) == 4);
        n = recv_part(router, anon_id[i], sizeof anon_id[i], &more);
        CHECK(n == 5 && more && anon_id[i][0] == 0);
        CHECK(recv_is(router, "anon", 0));
        /* The generated id routes back to it. */
        CHECK(zmq_send(router, anon_id[i], 5, ZMQ_SNDMORE) == 5);
        CHECK(send_str(router, "back", 0) == 4);
        CHECK(recv_is(anon, "back", 0));
        CHECK_OK(zmq_close(anon));
    }
    {
        unsigned long a = 0, b = 0;
        for (i = 1; i < 5; i++) {
            a = a << 8 | anon_id[0][i];
            b = b << 8 | anon_id[1][i];
        }
        CHECK(((b - a) & 0xffffffffUL) == 1);
    }

    for (i = 0; i < 3; i++)
        CHECK_OK(zmq_close(dealer[i]));
    CHECK_OK(zmq_close(router));
}

static void test_mandatory(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *dealer = sock(ctx, ZMQ_DEALER);
    char buf[16];

    /* Without peers: POLLOUT is always reported by a default ROUTER. */
    CHECK(events_of(router) == ZMQ_POLLOUT);

    CHECK_OK(zmq_bind(router, "inproc://mandatory"));
    CHECK_OK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "known", 5));
    CHECK_OK(zmq_connect(dealer, "inproc://mandatory"));
    CHECK(send_str(dealer, "hello", 0) == 5);
    CHECK(recv_is(router, "known", 1));
    CHECK(recv_is(router, "hello", 0));

    /* Default: unknown ids are dropped silently, every part "succeeds". */
    CHECK(send_str(router, "nobody", ZMQ_SNDMORE) == 6);
    CHECK(send_str(router, "lost", ZMQ_SNDMORE) == 4);
    CHECK(send_str(router, "lost", 0) == 4);
    CHECK(send_str(router, "known", ZMQ_SNDMORE) == 5);
    CHECK(send_str(router, "found", 0) == 5);
    CHECK(recv_is(dealer, "found", 0));

    /* ROUTER_MANDATORY: EHOSTUNREACH on the id frame. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 1);
    CHECK_ERR(send_str(router, "nobody", ZMQ_SNDMORE), EHOSTUNREACH);
    CHECK_ERR(send_str(router, "nobody", ZMQ_SNDMORE | ZMQ_DONTWAIT), EHOSTUNREACH);
    CHECK_ERR(send_str(router, "", ZMQ_SNDMORE), EHOSTUNREACH);
    /* After the error the next frame is again an id frame. */
    CHECK(send_str(router, "known", ZMQ_SNDMORE) == 5);
    CHECK(send_str(router, "again", 0) == 5);
    CHECK(recv_is(dealer, "again", 0));
    CHECK_ERR(zmq_recv(dealer, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    /* ...and back off. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 0);
    CHECK(send_str(router, "nobody", ZMQ_SNDMORE) == 6);
    CHECK(send_str(router, "x", 0) == 1);

    /* A peer that went away becomes unreachable. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 1);
    CHECK_OK(zmq_close(dealer));
    {
        int rc = 0, tries;
        for (tries = 0; tries < 100; tries++) {
            rc = send_str(router, "known", ZMQ_SNDMORE | ZMQ_DONTWAIT);
            if (rc == -1)
                break;
            send_str(router, "x", 0);
            usleep(10000);
        }
        CHECK(rc == -1 && errno == EHOSTUNREACH);
    }
    /* With MANDATORY and no peer at all, no POLLOUT (once the closed
       pipe is gone: a terminating pipe that is not full still counts). */
    {
        int tries, events = -1;
        for (tries = 0; tries < 100; tries++) {
            events = events_of(router);
            if (events == 0)
                break;
            usleep(10000);
        }
        CHECK(events == 0);
        set_int(router, ZMQ_ROUTER_MANDATORY, 0);
        CHECK(events_of(router) == ZMQ_POLLOUT);
    }
    CHECK_OK(zmq_close(router));
}

/* A second peer claiming an id already in use. */
static void test_handover(int handover)
{
    void *router = sock(ctx, ZMQ_ROUTER), *first = sock(ctx, ZMQ_DEALER),
         *second = sock(ctx, ZMQ_DEALER);
    char buf[16];

    char endpoint[32];
    snprintf(endpoint, sizeof endpoint, "inproc://handover%d", handover);
    set_int(router, ZMQ_ROUTER_HANDOVER, handover);
    CHECK_OK(zmq_bind(router, endpoint));
    CHECK_OK(zmq_setsockopt(first, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK(zmq_setsockopt(second, ZMQ_ROUTING_ID, "X", 1));
    CHECK_OK(zmq_connect(first, endpoint));
    CHECK(send_str(first, "one", 0) == 3);
    CHECK(recv_is(router, "X", 1));
    CHECK(recv_is(router, "one", 0));

    CHECK_OK(zmq_connect(second, endpoint));
    CHECK(send_str(second, "two", 0) == 3);
    set_int(first, ZMQ_RCVTIMEO, 200);
    set_int(second, ZMQ_RCVTIMEO, 200);
    if (!handover) {
        /* Refused: nothing from the second peer arrives, "X" stays with
           the first. */
        set_int(router, ZMQ_RCVTIMEO, 200);
        CHECK_ERR(zmq_recv(router, buf, sizeof buf, 0), EAGAIN);
        CHECK(send_str(router, "X", ZMQ_SNDMORE) == 1);
        CHECK(send_str(router, "reply", 0) == 5);
        CHECK(recv_is(first, "reply", 0));
        CHECK_ERR(zmq_recv(second, buf, sizeof buf, 0), EAGAIN);
        CHECK(send_str(first, "three", 0) == 5);
        CHECK(recv_is(router, "X", 1));
        CHECK(recv_is(router, "three", 0));
    } else {
        /* The newcomer takes the id; the old connection is closed. */
        CHECK(recv_is(router, "X", 1));
        CHECK(recv_is(router, "two", 0));
        CHECK(send_str(router, "X", ZMQ_SNDMORE) == 1);
        CHECK(send_str(router, "reply", 0) == 5);
        CHECK(recv_is(second, "reply", 0));
        CHECK_ERR(zmq_recv(first, buf, sizeof buf, 0), EAGAIN);
        /* first has lost its only pipe by now: no peer to send to. */
        CHECK_ERR(send_str(first, "orphan", ZMQ_DONTWAIT), EAGAIN);
        CHECK(send_str(second, "three", 0) == 5);
        CHECK(recv_is(router, "X", 1));
        CHECK(recv_is(router, "three", 0));
    }
    CHECK_OK(zmq_close(first));
    CHECK_OK(zmq_close(second));
    CHECK_OK(zmq_close(router));
}

static void test_probe_router(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *dealer = sock(ctx, ZMQ_DEALER);
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://probe"));
    CHECK_OK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "prober", 6));
    set_int(dealer, ZMQ_PROBE_ROUTER, 1);
    CHECK_OK(zmq_connect(dealer, "inproc://probe"));
    /* Without the DEALER sending anything, the ROUTER gets [id][empty]. */
    CHECK(recv_is(router, "prober", 1));
    CHECK(recv_is(router, "", 0));
    CHECK(send_str(dealer, "data", 0) == 4);
    CHECK(recv_is(router, "prober", 1));
    CHECK(recv_is(router, "data", 0));
    CHECK(send_str(router, "prober", ZMQ_SNDMORE) == 6);
    CHECK(send_str(router, "ack", 0) == 3);
    CHECK(recv_is(dealer, "ack", 0));
    CHECK_OK(zmq_close(dealer));

    /* Without PROBE_ROUTER, connecting sends nothing. */
    dealer = sock(ctx, ZMQ_DEALER);
    CHECK_OK(zmq_connect(dealer, "inproc://probe"));
    set_int(router, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(router, buf, sizeof buf, 0), EAGAIN);
    CHECK_OK(zmq_close(dealer));

    /* A connecting ROUTER with PROBE_ROUTER probes a bound DEALER: the
       DEALER receives one empty message. */
    {
        void *bdealer = sock(ctx, ZMQ_DEALER), *crouter = sock(ctx, ZMQ_ROUTER);
        CHECK_OK(zmq_bind(bdealer, "inproc://probe2"));
        set_int(crouter, ZMQ_PROBE_ROUTER, 1);
        CHECK_OK(zmq_connect(crouter, "inproc://probe2"));
        CHECK(recv_is(bdealer, "", 0));
        set_int(bdealer, ZMQ_RCVTIMEO, 100);
        CHECK_ERR(zmq_recv(bdealer, buf, sizeof buf, 0), EAGAIN);
        CHECK_OK(zmq_close(crouter));
        CHECK_OK(zmq_close(bdealer));
    }
    CHECK_OK(zmq_close(router));
}

static void test_router_to_router(void)
{
    void *server = sock(ctx, ZMQ_ROUTER), *client = sock(ctx, ZMQ_ROUTER),
         *other = sock(ctx, ZMQ_ROUTER);

    CHECK_OK(zmq_setsockopt(server, ZMQ_ROUTING_ID, "srv", 3));
    CHECK_OK(zmq_bind(server, "inproc://r2r"));
    set_int(server, ZMQ_ROUTER_MANDATORY, 1);

    /* CONNECT_ROUTING_ID names the peer of the next connect; it is usable
       at once (MANDATORY proves the id is known). */
    CHECK_OK(zmq_setsockopt(client, ZMQ_ROUTING_ID, "cli", 3));
    CHECK_OK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "my-server", 9));
    set_int(client, ZMQ_ROUTER_MANDATORY, 1);
    CHECK_OK(zmq_connect(client, "inproc://r2r"));
    CHECK(send_str(client, "my-server", ZMQ_SNDMORE) == 9);
    CHECK(send_str(client, "hello", 0) == 5);
    CHECK_ERR(send_str(client, "srv", ZMQ_SNDMORE), EHOSTUNREACH);
    /* The server knows the client by the client's own ROUTING_ID. */
    CHECK(recv_is(server, "cli", 1));
    CHECK(recv_is(server, "hello", 0));
    CHECK(send_str(server, "cli", ZMQ_SNDMORE) == 3);
    CHECK(send_str(server, "world", 0) == 5);
    CHECK(recv_is(client, "my-server", 1));
    CHECK(recv_is(client, "world", 0));

    /* Without CONNECT_ROUTING_ID, the connecting ROUTER knows the bound
       one by its ROUTING_ID, right after zmq_connect. */
    CHECK_OK(zmq_setsockopt(other, ZMQ_ROUTING_ID, "oth", 3));
    set_int(other, ZMQ_ROUTER_MANDATORY, 1);
    CHECK_OK(zmq_connect(other, "inproc://r2r"));
    CHECK(send_str(other, "srv", ZMQ_SNDMORE) == 3);
    CHECK(send_str(other, "hi", ZMQ_SNDMORE) == 2);
    CHECK(send_str(other, "there", 0) == 5);
    CHECK(recv_is(server, "oth", 1));
    CHECK(recv_is(server, "hi", 1));
    CHECK(recv_is(server, "there", 0));
    CHECK(send_str(server, "oth", ZMQ_SNDMORE) == 3);
    CHECK(send_str(server, "yo", 0) == 2);
    CHECK(recv_is(other, "srv", 1));
    CHECK(recv_is(other, "yo", 0));

    /* CONNECT_ROUTING_ID applies to one connect only. */
    {
        void *bound2 = sock(ctx, ZMQ_ROUTER);
        CHECK_OK(zmq_setsockopt(bound2, ZMQ_ROUTING_ID, "b2", 2));
        CHECK_OK(zmq_bind(bound2, "inproc://r2r-second"));
        CHECK_OK(zmq_connect(client, "inproc://r2r-second"));
        CHECK(send_str(client, "b2", ZMQ_SNDMORE) == 2);
        CHECK(send_str(client, "second", 0) == 6);
        CHECK(recv_is(bound2, "cli", 1));
        CHECK(recv_is(bound2, "second", 0));
        CHECK_OK(zmq_close(bound2));
    }
    /* Invalid CONNECT_ROUTING_ID values. */
    CHECK_ERR(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, NULL, 0), EINVAL);
    CHECK_ERR(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "x", 0), EINVAL);

    CHECK_OK(zmq_close(other));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));
}

/* A ROUTER message needs an id frame with SNDMORE: a lone frame is dropped
   (even if it names a peer) and sending succeeds. */
static void test_single_frame(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *dealer = sock(ctx, ZMQ_DEALER);
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://single"));
    CHECK_OK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "d", 1));
    CHECK_OK(zmq_connect(dealer, "inproc://single"));
    CHECK(send_str(dealer, "hi", 0) == 2);
    CHECK(recv_is(router, "d", 1));
    CHECK(recv_is(router, "hi", 0));

    CHECK(send_str(router, "d", 0) == 1);
    CHECK(send_str(router, "d", 0) == 1);
    set_int(dealer, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(dealer, buf, sizeof buf, 0), EAGAIN);
    /* Also with MANDATORY: no error, still dropped. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 1);
    CHECK(send_str(router, "d", 0) == 1);
    CHECK(send_str(router, "nobody", 0) == 6);
    CHECK(send_str(router, "d", ZMQ_SNDMORE) == 1);
    CHECK(send_str(router, "real", 0) == 4);
    CHECK(recv_is(dealer, "real", 0));
    CHECK_ERR(zmq_recv(dealer, buf, sizeof buf, 0), EAGAIN);

    /* An empty id frame with SNDMORE is just an unknown id. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 0);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, "void", 0) == 4);
    CHECK_ERR(zmq_recv(dealer, buf, sizeof buf, 0), EAGAIN);

    CHECK_OK(zmq_close(dealer));
    CHECK_OK(zmq_close(router));
}

/* DEALER round-robins outgoing and fair-queues incoming. */
static void test_dealer(void)
{
    void *dealer = sock(ctx, ZMQ_DEALER), *r[2];
    int i;

    for (i = 0; i < 2; i++) {
        char name[32];
        r[i] = sock(ctx, ZMQ_ROUTER);
        snprintf(name, sizeof name, "inproc://dealer%d", i);
        CHECK_OK(zmq_bind(r[i], name));
        CHECK_OK(zmq_connect(dealer, name));
    }
    CHECK_OK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "dl", 2));
    /* (ROUTING_ID set after connect does not apply to those connects.) */
    for (i = 0; i < 4; i++) {
        int more = 0;
        unsigned char id[16];
        char body[2] = {(char) ('0' + i), 0};
        CHECK(send_str(dealer, body, 0) == 1);
        CHECK(recv_part(r[i % 2], id, sizeof id, &more) == 5 && more && id[0] == 0);
        CHECK(recv_is(r[i % 2], body, 0));
    }
    for (i = 0; i < 2; i++)
        CHECK_OK(zmq_close(r[i]));
    CHECK_OK(zmq_close(dealer));
}

int main(void)
{
    tu_start("test_router");
    alarm(20);
    ctx = zmq_ctx_new();
    test_routing_ids();
    test_mandatory();
    test_handover(0);
    test_handover(1);
    test_probe_router();
    test_router_to_router();
    test_single_frame();
    test_dealer();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
