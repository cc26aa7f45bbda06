/* inproc:// transport: bind/connect in either order, many peers on one
   bound socket, unbind/disconnect, ZMQ_LAST_ENDPOINT, endpoint validation,
   closed sockets and sockets of a shut-down context. */
#include "sockutil.h"

#include <unistd.h>

static void *ctx;

/* 1 if the next message on s is exactly `expect`. */
static int recv_eq(void *s, const char *expect, int flags)
{
    char buf[256];
    int n = zmq_recv(s, buf, sizeof buf, flags);
    if (n < 0) {
        printf("  recv failed: %s\n", zmq_strerror(errno));
        return 0;
    }
    return (size_t) n == strlen(expect) && memcmp(buf, expect, n) == 0;
}

/* 1 if nothing is waiting on s. */
static int nothing_waiting(void *s)
{
    char buf[16];
    errno = 0;
    return zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && errno == EAGAIN;
}

static int last_endpoint_is(void *s, const char *expect)
{
    char buf[1024];
    size_t len = sizeof buf;
    memset(buf, '#', sizeof buf);
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &len) != 0)
        return 0;
    if (len != strlen(expect) + 1 || strcmp(buf, expect) != 0) {
        printf("  LAST_ENDPOINT '%.*s' (len %zu), expected '%s'\n", (int) len, buf, len,
               expect);
        return 0;
    }
    return 1;
}

static void test_bind_then_connect(void)
{
    void *b = sock_timeout(ctx, ZMQ_PAIR, 2000), *c = sock_timeout(ctx, ZMQ_PAIR, 2000);
    CHECK_OK(zmq_bind(b, "inproc://btc"));
    CHECK_OK(zmq_connect(c, "inproc://btc"));
    CHECK(send_str(c, "hello", 0) == 5);
    CHECK(recv_eq(b, "hello", 0));
    CHECK(send_str(b, "world", 0) == 5);
    CHECK(recv_eq(c, "world", 0));
    CHECK(nothing_waiting(b));
    CHECK(nothing_waiting(c));
    CHECK_OK(zmq_close(b));
    CHECK_OK(zmq_close(c));
}

static void test_connect_then_bind(void)
{
    void *push = sock_timeout(ctx, ZMQ_PUSH, 2000), *pull = sock_timeout(ctx, ZMQ_PULL, 2000);
    void *p1 = sock_timeout(ctx, ZMQ_PAIR, 2000), *p2 = sock_timeout(ctx, ZMQ_PAIR, 2000);

    /* A connect to a name nobody has bound yet succeeds, and the pipe
       exists at once: messages queue for the future peer. */
    CHECK_OK(zmq_connect(push, "inproc://ctb"));
    CHECK(send_str(push, "one", ZMQ_DONTWAIT) == 3);
    CHECK(send_str(push, "two", ZMQ_DONTWAIT) == 3);
    CHECK(send_str(push, "three", ZMQ_DONTWAIT) == 5);
    CHECK_OK(zmq_bind(pull, "inproc://ctb"));
    CHECK(recv_eq(pull, "one", 0));
    CHECK(recv_eq(pull, "two", 0));
    CHECK(recv_eq(pull, "three", 0));
    CHECK(nothing_waiting(pull));
    /* and the connection then works like any other */
    CHECK(send_str(push, "four", 0) == 4);
    CHECK(recv_eq(pull, "four", 0));

    /* Same with PAIR, both directions after the bind. */
    CHECK_OK(zmq_connect(p1, "inproc://ctb-pair"));
    CHECK(send_str(p1, "early", ZMQ_DONTWAIT) == 5);
    CHECK(nothing_waiting(p2));
    CHECK_OK(zmq_bind(p2, "inproc://ctb-pair"));
    CHECK(recv_eq(p2, "early", 0));
    CHECK(send_str(p2, "reply", 0) == 5);
    CHECK(recv_eq(p1, "reply", 0));

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(p1));
    CHECK_OK(zmq_close(p2));
}

#define NPEERS 20

static void test_many_peers(void)
{
    void *pull = sock_timeout(ctx, ZMQ_PULL, 2000), *push = sock_timeout(ctx, ZMQ_PUSH, 2000), *router = sock_timeout(ctx, ZMQ_ROUTER, 2000);
    void *peers[NPEERS];
    int seen[NPEERS], counts[4];
    int i, ok;

    /* Fan-in: 20 PUSH sockets into one bound PULL. */
    CHECK_OK(zmq_bind(pull, "inproc://fan-in"));
    ok = 1;
    for (i = 0; i < NPEERS; i++) {
        peers[i] = sock_timeout(ctx, ZMQ_PUSH, 2000);
        ok &= zmq_connect(peers[i], "inproc://fan-in") == 0;
        ok &= zmq_send(peers[i], &i, sizeof i, 0) == (int) sizeof i;
    }
    CHECK(ok);
    memset(seen, 0, sizeof seen);
    ok = 1;
    for (i = 0; i < NPEERS; i++) {
        int v = -1;
        ok &= zmq_recv(pull, &v, sizeof v, 0) == (int) sizeof v;
        if (v >= 0 && v < NPEERS)
            seen[v]++;
        else
            ok = 0;
    }
    CHECK(ok);
    ok = 1;
    for (i = 0; i < NPEERS; i++)
        ok &= seen[i] == 1;
    CHECK(ok);
    CHECK(nothing_waiting(pull));
    for (i = 0; i < NPEERS; i++)
        zmq_close(peers[i]);

    /* Fan-out: one bound PUSH round-robins over 4 connected PULLs. Reading
       ZMQ_EVENTS makes the bound socket take in its pending connections. */
    CHECK_OK(zmq_bind(push, "inproc://fan-out"));
    for (i = 0; i < 4; i++) {
        peers[i] = sock_timeout(ctx, ZMQ_PULL, 2000);
        CHECK_OK(zmq_connect(peers[i], "inproc://fan-out"));
    }
    {
        int events;
        size_t len = sizeof events;
        CHECK_OK(zmq_getsockopt(push, ZMQ_EVENTS, &events, &len));
        CHECK(events == ZMQ_POLLOUT);
    }
    ok = 1;
    for (i = 0; i < 8; i++)
        ok &= zmq_send(push, "rr", 2, 0) == 2;
    CHECK(ok);
    for (i = 0; i < 4; i++) {
        char buf[8];
        counts[i] = 0;
        while (zmq_recv(peers[i], buf, sizeof buf, ZMQ_DONTWAIT) == 2)
            counts[i]++;
    }
    CHECK(counts[0] == 2 && counts[1] == 2 && counts[2] == 2 && counts[3] == 2);
    for (i = 0; i < 4; i++)
        zmq_close(peers[i]);

    /* A bound ROUTER answering many DEALERs by routing id. */
    CHECK_OK(zmq_bind(router, "inproc://router-many"));
    ok = 1;
    for (i = 0; i < NPEERS; i++) {
        char id[16];
        peers[i] = sock_timeout(ctx, ZMQ_DEALER, 2000);
        snprintf(id, sizeof id, "peer-%02d", i);
        ok &= zmq_setsockopt(peers[i], ZMQ_ROUTING_ID, id, strlen(id)) == 0;
        ok &= zmq_connect(peers[i], "inproc://router-many") == 0;
        ok &= zmq_send(peers[i], id, strlen(id), 0) == (int) strlen(id);
    }
    CHECK(ok);
    ok = 1;
    for (i = 0; i < NPEERS; i++) {
        char id[32], body[32];
        int idlen = zmq_recv(router, id, sizeof id, 0);
        int more = 0;
        size_t len = sizeof more;
        zmq_getsockopt(router, ZMQ_RCVMORE, &more, &len);
        int bodylen = zmq_recv(router, body, sizeof body, 0);
        /* the routing id frame equals the body each dealer sent */
        ok &= more == 1 && idlen == 7 && bodylen == 7 && memcmp(id, body, 7) == 0;
        if (idlen > 0 && idlen <= (int) sizeof id) {
            ok &= zmq_send(router, id, idlen, ZMQ_SNDMORE) == idlen;
            ok &= zmq_send(router, "ack", 3, 0) == 3;
        }
    }
    CHECK(ok);
    ok = 1;
    for (i = 0; i < NPEERS; i++) {
        ok &= recv_eq(peers[i], "ack", 0);
        ok &= nothing_waiting(peers[i]);
        zmq_close(peers[i]);
    }
    CHECK(ok);

    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(router));
}

static void test_unbind(void)
{
    void *b1 = sock_timeout(ctx, ZMQ_PAIR, 2000), *b2 = sock_timeout(ctx, ZMQ_PAIR, 2000), *c = sock_timeout(ctx, ZMQ_PAIR, 2000);
    void *pull = sock_timeout(ctx, ZMQ_PULL, 2000), *push1 = sock_timeout(ctx, ZMQ_PUSH, 2000), *push2 = sock_timeout(ctx, ZMQ_PUSH, 2000);

    CHECK_ERR(zmq_unbind(b1, "inproc://never-bound"), ENOENT);
    CHECK_OK(zmq_bind(b1, "inproc://unbind"));
    CHECK_OK(zmq_unbind(b1, "inproc://unbind"));
    CHECK_ERR(zmq_unbind(b1, "inproc://unbind"), ENOENT);
    /* The name is free again: another socket can take it... */
    CHECK_OK(zmq_bind(b2, "inproc://unbind"));
    CHECK_ERR(zmq_bind(b1, "inproc://unbind"), EADDRINUSE);
    /* ...and new connections go to it, not to the old binder. */
    CHECK_OK(zmq_connect(c, "inproc://unbind"));
    CHECK(send_str(c, "foobar", 0) == 6);
    CHECK(recv_eq(b2, "foobar", 0));
    CHECK(nothing_waiting(b1));
    /* The same socket can bind the name again after unbinding it. */
    CHECK_OK(zmq_unbind(b2, "inproc://unbind"));
    CHECK_OK(zmq_bind(b2, "inproc://unbind"));
    CHECK_OK(zmq_unbind(b2, "inproc://unbind"));
    CHECK_OK(zmq_bind(b1, "inproc://unbind"));

    /* Unbinding an inproc name only withdraws the name: a connection made
       before the unbind keeps working, one made after it does not reach
       the old binder. */
    CHECK_OK(zmq_bind(pull, "inproc://unbind-live"));
    CHECK_OK(zmq_connect(push1, "inproc://unbind-live"));
    CHECK_OK(zmq_unbind(pull, "inproc://unbind-live"));
    CHECK(send_str(push1, "still", 0) == 5);
    CHECK(recv_eq(pull, "still", 0));
    CHECK_OK(zmq_connect(push2, "inproc://unbind-live"));
    CHECK(send_str(push2, "lost", ZMQ_DONTWAIT) == 4);
    CHECK(nothing_waiting(pull));

    CHECK_OK(zmq_close(b1));
    CHECK_OK(zmq_close(b2));
    CHECK_OK(zmq_close(c));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(push1));
    CHECK_OK(zmq_close(push2));
}

static void test_disconnect(void)
{
    void *push = sock_timeout(ctx, ZMQ_PUSH, 2000), *a = sock_timeout(ctx, ZMQ_PULL, 2000), *b = sock_timeout(ctx, ZMQ_PULL, 2000);
    void *pending = sock_timeout(ctx, ZMQ_PUSH, 2000), *binder = sock_timeout(ctx, ZMQ_PAIR, 2000), *conn = sock_timeout(ctx, ZMQ_PAIR, 2000);
    int i, ok;

    CHECK_OK(zmq_bind(a, "inproc://disc-a"));
    CHECK_OK(zmq_bind(b, "inproc://disc-b"));
    CHECK_ERR(zmq_disconnect(push, "inproc://disc-a"), ENOENT);
    CHECK_OK(zmq_connect(push, "inproc://disc-a"));
    CHECK_OK(zmq_connect(push, "inproc://disc-b"));
    CHECK_ERR(zmq_disconnect(push, "inproc://disc-nothing"), ENOENT);
    CHECK_OK(zmq_disconnect(push, "inproc://disc-a"));
    CHECK_ERR(zmq_disconnect(push, "inproc://disc-a"), ENOENT);
    /* Every message now goes to b. */
    ok = 1;
    for (i = 0; i < 4; i++)
        ok &= send_str(push, "tob", 0) == 3;
    CHECK(ok);
    ok = 1;
    for (i = 0; i < 4; i++)
        ok &= recv_eq(b, "tob", 0);
    CHECK(ok);
    CHECK(nothing_waiting(a));
    CHECK(nothing_waiting(b));
    /* Disconnecting the last peer leaves nothing to send to. */
    CHECK_OK(zmq_disconnect(push, "inproc://disc-b"));
    CHECK_ERR(send_str(push, "x", ZMQ_DONTWAIT), EAGAIN);

    /* A connection still waiting for its bind can be disconnected too. */
    CHECK_OK(zmq_connect(pending, "inproc://disc-pending"));
    CHECK(send_str(pending, "q", ZMQ_DONTWAIT) == 1);
    CHECK_OK(zmq_disconnect(pending, "inproc://disc-pending"));
    CHECK_ERR(send_str(pending, "q", ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_disconnect(pending, "inproc://disc-pending"), ENOENT);

    /* zmq_disconnect and zmq_unbind share one routine: each accepts the
       other kind of endpoint. */
    CHECK_OK(zmq_bind(binder, "inproc://disc-either"));
    CHECK_OK(zmq_disconnect(binder, "inproc://disc-either"));
    CHECK_ERR(zmq_unbind(binder, "inproc://disc-either"), ENOENT);
    CHECK_OK(zmq_bind(binder, "inproc://disc-either"));
    CHECK_OK(zmq_connect(conn, "inproc://disc-either"));
    CHECK_OK(zmq_unbind(conn, "inproc://disc-either"));
    CHECK_ERR(zmq_disconnect(conn, "inproc://disc-either"), ENOENT);

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
    CHECK_OK(zmq_close(pending));
    CHECK_OK(zmq_close(binder));
    CHECK_OK(zmq_close(conn));
}

static void test_last_endpoint(void)
{
    void *s = sock_timeout(ctx, ZMQ_PAIR, 2000), *other = sock_timeout(ctx, ZMQ_PAIR, 2000);
    char buf[64];
    size_t len;

    /* Initially the empty string, length 1. */
    len = sizeof buf;
    memset(buf, '#', sizeof buf);
    CHECK_OK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK(len == 1 && buf[0] == '\0');

    CHECK_OK(zmq_bind(s, "inproc://le-bind"));
    CHECK(last_endpoint_is(s, "inproc://le-bind"));
    /* "*" is no wildcard for inproc: the name is taken literally. */
    CHECK_OK(zmq_bind(s, "inproc://*"));
    CHECK(last_endpoint_is(s, "inproc://*"));
    CHECK_OK(zmq_connect(s, "inproc://le-connect"));
    CHECK(last_endpoint_is(s, "inproc://le-connect"));

    /* Failed binds and connects leave it alone. */
    CHECK_OK(zmq_bind(other, "inproc://le-other"));
    CHECK_ERR(zmq_bind(s, "inproc://le-other"), EADDRINUSE);
    CHECK_ERR(zmq_bind(s, "inproc:/bad"), EINVAL);
    CHECK_ERR(zmq_connect(s, "foo://bad"), EPROTONOSUPPORT);
    CHECK(last_endpoint_is(s, "inproc://le-connect"));
    /* So does unbind. */
    CHECK_OK(zmq_unbind(s, "inproc://le-bind"));
    CHECK(last_endpoint_is(s, "inproc://le-connect"));
    /* A socket whose only bind failed still reports "". */
    {
        void *fresh = sock_timeout(ctx, ZMQ_PAIR, 2000);
        CHECK_ERR(zmq_bind(fresh, "inproc://le-other"), EADDRINUSE);
        CHECK(last_endpoint_is(fresh, ""));
        zmq_close(fresh);
    }

    /* The buffer must hold the string and its terminator. */
    len = strlen("inproc://le-connect"); /* one short */
    memset(buf, '#', sizeof buf);
    CHECK_ERR(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &len), EINVAL);
    CHECK(buf[0] == '#');
    len = strlen("inproc://le-connect") + 1;
    CHECK_OK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &len));
    CHECK(len == strlen("inproc://le-connect") + 1 && strcmp(buf, "inproc://le-connect") == 0);

    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_close(other));
}

static void test_addr_in_use(void)
{
    void *a = sock_timeout(ctx, ZMQ_PAIR, 2000), *b = sock_timeout(ctx, ZMQ_PAIR, 2000), *c = sock_timeout(ctx, ZMQ_PULL, 2000);
    CHECK_OK(zmq_bind(a, "inproc://taken"));
    CHECK_ERR(zmq_bind(a, "inproc://taken"), EADDRINUSE);
    CHECK_ERR(zmq_bind(b, "inproc://taken"), EADDRINUSE);
    CHECK_ERR(zmq_bind(c, "inproc://taken"), EADDRINUSE);
    /* names are case-sensitive and compared whole */
    CHECK_OK(zmq_bind(b, "inproc://Taken"));
    CHECK_OK(zmq_bind(c, "inproc://taken2"));
    CHECK_OK(zmq_bind(c, "inproc://take"));
    /* one socket may bind several names */
    CHECK_OK(zmq_bind(a, "inproc://taken-too"));
    CHECK_ERR(zmq_bind(b, "inproc://taken-too"), EADDRINUSE);
    /* the same name in another context is a different endpoint */
    {
        void *ctx2 = zmq_ctx_new();
        void *d = zmq_socket(ctx2, ZMQ_PAIR);
        CHECK_OK(zmq_bind(d, "inproc://taken"));
        CHECK_OK(zmq_close(d));
        CHECK_OK(zmq_ctx_term(ctx2));
    }
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
    CHECK_OK(zmq_close(c));
}

static void test_bad_endpoints(void)
{
    static const char *const invalid[] = { "inproc:/x", "inproc://", "://x", "x", "",
                                           "inproc:x" };
    void *s = sock_timeout(ctx, ZMQ_PAIR, 2000);
    size_t i;

    for (i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        CHECK_ERR(zmq_bind(s, invalid[i]), EINVAL);
        CHECK_ERR(zmq_connect(s, invalid[i]), EINVAL);
        CHECK_ERR(zmq_unbind(s, invalid[i]), EINVAL);
        CHECK_ERR(zmq_disconnect(s, invalid[i]), EINVAL);
    }
    CHECK_ERR(zmq_bind(s, "foo://x"), EPROTONOSUPPORT);
    CHECK_ERR(zmq_connect(s, "foo://x"), EPROTONOSUPPORT);
    CHECK_ERR(zmq_unbind(s, "foo://x"), EPROTONOSUPPORT);
    CHECK_ERR(zmq_disconnect(s, "foo://x"), EPROTONOSUPPORT);
    /* scheme names are case-sensitive */
    CHECK_ERR(zmq_bind(s, "INPROC://x"), EPROTONOSUPPORT);

    CHECK_ERR(zmq_unbind(s, NULL), EINVAL);
    CHECK_ERR(zmq_disconnect(s, NULL), EINVAL);
    /* libzmq 4.3.4 aborts on a NULL bind/connect endpoint (assertion
       "uri_ != NULL" in socket_base.cpp); ferrozmq answers EINVAL like
       unbind/disconnect do. */
    FERROZMQ_ONLY {
        CHECK_ERR(zmq_bind(s, NULL), EINVAL);
        CHECK_ERR(zmq_connect(s, NULL), EINVAL);
    }

    /* Long names are fine. */
    {
        char name[600];
        void *peer = sock_timeout(ctx, ZMQ_PAIR, 2000);
        memset(name, 'n', sizeof name - 1);
        name[sizeof name - 1] = '\0';
        memcpy(name, "inproc://", 9);
        CHECK_OK(zmq_bind(s, name));
        CHECK_OK(zmq_connect(peer, name));
        CHECK(send_str(peer, "long", 0) == 4);
        CHECK(recv_eq(s, "long", 0));
        CHECK(last_endpoint_is(peer, name));
        zmq_close(peer);
    }
    CHECK_OK(zmq_close(s));
}

static void test_closed_socket(void)
{
    /* Checked right after the close (no allocation in between): libzmq's
       closed socket keeps its poisoned tag until the memory is reused. */
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK_OK(zmq_close(s));
    CHECK_ERR(zmq_bind(s, "inproc://closed"), ENOTSOCK);
    CHECK_ERR(zmq_connect(s, "inproc://closed"), ENOTSOCK);
    CHECK_ERR(zmq_close(s), ENOTSOCK);
}

static void test_after_shutdown(void)
{
    void *c = zmq_ctx_new();
    void *s = zmq_socket(c, ZMQ_PAIR), *peer = zmq_socket(c, ZMQ_PAIR);
    int v = 0;
    size_t len = sizeof v;
    char buf[8];

    CHECK_OK(zmq_bind(s, "inproc://shut"));
    CHECK_OK(zmq_connect(peer, "inproc://shut"));
    CHECK_OK(zmq_ctx_shutdown(c));
    /* bind comes first: libzmq notices the shutdown only when a call
       processes the socket's commands (bind, send, recv, ZMQ_EVENTS...). */
    CHECK_ERR(zmq_bind(s, "inproc://shut2"), ETERM);
    CHECK_ERR(zmq_connect(s, "inproc://shut3"), ETERM);
    CHECK_ERR(zmq_send(s, "x", 1, 0), ETERM);
    CHECK_ERR(zmq_send(s, "x", 1, ZMQ_DONTWAIT), ETERM);
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, 0), ETERM);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_LINGER, &v, sizeof v), ETERM);
    CHECK_ERR(zmq_getsockopt(s, ZMQ_LINGER, &v, &len), ETERM);
    CHECK_ERR(zmq_unbind(s, "inproc://shut"), ETERM);
    CHECK_ERR(zmq_disconnect(s, "inproc://shut"), ETERM);
    CHECK_ERR(zmq_connect(peer, "inproc://shut"), ETERM);
    CHECK_ERR(zmq_recv(peer, buf, sizeof buf, ZMQ_DONTWAIT), ETERM);
    CHECK_NULL_ERR(zmq_socket(c, ZMQ_PAIR), ETERM);
    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_close(peer));
    CHECK_OK(zmq_ctx_term(c));
}

int main(void)
{
    tu_start("test_inproc");
    ctx = zmq_ctx_new();
    test_bind_then_connect();
    test_connect_then_bind();
    test_many_peers();
    test_unbind();
    test_disconnect();
    test_last_endpoint();
    test_addr_in_use();
    test_bad_endpoints();
    test_closed_socket();
    test_after_shutdown();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
