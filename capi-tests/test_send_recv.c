/* Sending and receiving over inproc: zmq_send/zmq_recv, zmq_send_const,
   the zmq_msg_* and deprecated message calls, iovec I/O, multipart,
   DONTWAIT and timeouts, ZMQ_TYPE/ZMQ_RCVMORE/ZMQ_EVENTS, ENOTSUP on the
   wrong direction, and a large message. */
#include "sockutil.h"

#include <sys/uio.h>
#include <unistd.h>

static void *ctx;
static int name_seq;

/* Connects *a (type ta) to *b (type tb, bound) over a fresh inproc name. */
static void mk_pair(int ta, void **a, int tb, void **b)
{
    char name[64];
    snprintf(name, sizeof name, "inproc://sr-%d", name_seq++);
    *b = sock_timeout(ctx, tb, 2000);
    *a = sock_timeout(ctx, ta, 2000);
    if (zmq_bind(*b, name) != 0 || zmq_connect(*a, name) != 0) {
        printf("bind/connect %s failed: %s\n", name, zmq_strerror(errno));
        exit(1);
    }
}

static int get_int(void *s, int option)
{
    int v = -12345;
    size_t len = sizeof v;
    if (zmq_getsockopt(s, option, &v, &len) != 0 || len != sizeof v)
        return -12345;
    return v;
}

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

static void test_send_recv_basic(void)
{
    void *a, *b;
    char buf[32];
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);

    CHECK(zmq_send(a, "0123456789", 10, 0) == 10);
    /* Truncation: the full size is returned, only len bytes are written. */
    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, 4, 0) == 10);
    CHECK(memcmp(buf, "0123", 4) == 0 && buf[4] == '#');
    /* the rest of a truncated message is gone, not left for the next recv */
    CHECK_ERR(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* A larger buffer: bytes after the message are untouched. */
    CHECK(zmq_send(a, "abcdef", 6, 0) == 6);
    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0 && buf[6] == '#');

    /* Zero-length messages, and a NULL buffer when the length is 0. */
    CHECK(zmq_send(a, "", 0, 0) == 0);
    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);
    CHECK(buf[0] == '#');
    CHECK(zmq_send(a, NULL, 0, 0) == 0);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);
    CHECK(zmq_send(a, "abc", 3, 0) == 3);
    CHECK(zmq_recv(b, NULL, 0, 0) == 3);
    CHECK(zmq_send(a, "xyz", 3, 0) == 3);
    CHECK(zmq_recv(b, buf, 0, 0) == 3);

    /* Both directions, order preserved. */
    CHECK(zmq_send(b, "r1", 2, 0) == 2);
    CHECK(zmq_send(b, "r2", 2, 0) == 2);
    CHECK(recv_eq(a, "r1", 0));
    CHECK(recv_eq(a, "r2", 0));

    /* zmq_send_const: the buffer is referenced, content arrives intact. */
    {
        static const char constant[] = "constant data, never freed";
        CHECK(zmq_send_const(a, constant, sizeof constant - 1, ZMQ_SNDMORE)
              == (int) sizeof constant - 1);
        CHECK(zmq_send_const(a, constant, 8, 0) == 8);
        CHECK(recv_eq(b, "constant data, never freed", 0));
        CHECK(get_int(b, ZMQ_RCVMORE) == 1);
        CHECK(recv_eq(b, "constant", 0));
        CHECK(get_int(b, ZMQ_RCVMORE) == 0);
        CHECK(zmq_send_const(a, NULL, 0, 0) == 0);
        CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);
    }

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

static void test_msg_calls(void)
{
    void *a, *b;
    zmq_msg_t msg;
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);

    /* zmq_msg_send consumes the message: it is left empty. */
    CHECK_OK(zmq_msg_init_size(&msg, 5));
    memcpy(zmq_msg_data(&msg), "hello", 5);
    CHECK(zmq_msg_send(&msg, a, 0) == 5);
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK_OK(zmq_msg_close(&msg));

    /* zmq_msg_recv replaces whatever the message held. */
    CHECK_OK(zmq_msg_init_size(&msg, 11));
    memcpy(zmq_msg_data(&msg), "old content", 11);
    CHECK(zmq_msg_recv(&msg, b, 0) == 5);
    CHECK(zmq_msg_size(&msg) == 5 && memcmp(zmq_msg_data(&msg), "hello", 5) == 0);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK_OK(zmq_msg_close(&msg));

    /* Deprecated argument order. */
    CHECK_OK(zmq_msg_init_size(&msg, 3));
    memcpy(zmq_msg_data(&msg), "old", 3);
    CHECK(zmq_sendmsg(a, &msg, 0) == 3);
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_OK(zmq_msg_init(&msg));
    CHECK(zmq_recvmsg(b, &msg, 0) == 3);
    CHECK(zmq_msg_size(&msg) == 3 && memcmp(zmq_msg_data(&msg), "old", 3) == 0);
    CHECK_OK(zmq_msg_close(&msg));

    /* Empty message through the msg API. */
    CHECK_OK(zmq_msg_init(&msg));
    CHECK(zmq_msg_send(&msg, a, 0) == 0);
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_OK(zmq_msg_init_size(&msg, 4));
    CHECK(zmq_msg_recv(&msg, b, 0) == 0);
    CHECK(zmq_msg_size(&msg) == 0);

    /* DONTWAIT on an empty queue leaves the message as it was. */
    CHECK_ERR(zmq_msg_recv(&msg, b, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_recvmsg(b, &msg, ZMQ_DONTWAIT), EAGAIN);
    CHECK_OK(zmq_msg_close(&msg));

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

static void test_iov(void)
{
    void *a, *b;
    struct iovec out[3], in[8];
    size_t count, i;
    int ok;
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);

    out[0].iov_base = (void *) "one";
    out[0].iov_len = 3;
    out[1].iov_base = (void *) "three";
    out[1].iov_len = 5;
    out[2].iov_base = (void *) "xy";
    out[2].iov_len = 2;

    /* With SNDMORE the vector is one 3-part message; the result is the
       size of the last part. */
    CHECK(zmq_sendiov(a, out, 3, ZMQ_SNDMORE) == 2);
    count = 8;
    CHECK(zmq_recviov(b, in, &count, 0) == 3);
    CHECK(count == 3);
    ok = count == 3;
    for (i = 0; i < count && i < 3; i++) {
        ok &= in[i].iov_len == out[i].iov_len
              && memcmp(in[i].iov_base, out[i].iov_base, in[i].iov_len) == 0;
        free(in[i].iov_base);
    }
    CHECK(ok);
    CHECK(get_int(b, ZMQ_RCVMORE) == 0);

    /* Without it, three separate messages. */
    CHECK(zmq_sendiov(a, out, 3, 0) == 2);
    ok = 1;
    for (i = 0; i < 3; i++) {
        count = 8;
        ok &= zmq_recviov(b, in, &count, 0) == 1 && count == 1;
        ok &= in[0].iov_len == out[i].iov_len
              && memcmp(in[0].iov_base, out[i].iov_base, in[0].iov_len) == 0;
        free(in[0].iov_base);
    }
    CHECK(ok);
    count = 8;
    CHECK_ERR(zmq_recviov(b, in, &count, ZMQ_DONTWAIT), EAGAIN);

    /* A vector shorter than the message: the rest stays queued. */
    CHECK(zmq_sendiov(a, out, 3, ZMQ_SNDMORE) == 2);
    count = 2;
    CHECK(zmq_recviov(b, in, &count, 0) == 2);
    CHECK(count == 2);
    free(in[0].iov_base);
    free(in[1].iov_base);
    CHECK(get_int(b, ZMQ_RCVMORE) == 1);
    count = 8;
    CHECK(zmq_recviov(b, in, &count, 0) == 1);
    CHECK(count == 1 && in[0].iov_len == 2 && memcmp(in[0].iov_base, "xy", 2) == 0);
    free(in[0].iov_base);

    /* Empty parts come back with length 0. */
    CHECK(zmq_send(a, "ab", 2, ZMQ_SNDMORE) == 2);
    CHECK(zmq_send(a, "", 0, ZMQ_SNDMORE) == 0);
    CHECK(zmq_send(a, "c", 1, 0) == 1);
    count = 8;
    CHECK(zmq_recviov(b, in, &count, 0) == 3);
    CHECK(count == 3 && in[0].iov_len == 2 && in[1].iov_len == 0 && in[2].iov_len == 1);
    for (i = 0; i < count && i < 8; i++)
        free(in[i].iov_base);

    CHECK_ERR(zmq_sendiov(a, out, 0, 0), EINVAL);
    CHECK_ERR(zmq_sendiov(a, NULL, 1, 0), EINVAL);
    count = 0;
    CHECK_ERR(zmq_recviov(b, in, &count, 0), EINVAL);
    count = 1;
    CHECK_ERR(zmq_recviov(b, NULL, &count, 0), EINVAL);
    CHECK_ERR(zmq_recviov(b, in, NULL, 0), EINVAL);

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

static void test_multipart(void)
{
    void *a, *b;
    zmq_msg_t msg;
    int i, ok;
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);

    CHECK(get_int(b, ZMQ_RCVMORE) == 0);
    /* Parts are held back until the last one is sent. */
    CHECK(zmq_send(a, "A", 1, ZMQ_SNDMORE) == 1);
    CHECK(zmq_send(a, "BB", 2, ZMQ_SNDMORE) == 2);
    CHECK_ERR(zmq_recv(b, NULL, 0, ZMQ_DONTWAIT), EAGAIN);
    CHECK(!(get_int(b, ZMQ_EVENTS) & ZMQ_POLLIN));
    CHECK(zmq_send(a, "CCC", 3, 0) == 3);
    CHECK(get_int(b, ZMQ_EVENTS) == (ZMQ_POLLIN | ZMQ_POLLOUT));
    CHECK(recv_eq(b, "A", ZMQ_DONTWAIT));
    CHECK(get_int(b, ZMQ_RCVMORE) == 1);
    CHECK(recv_eq(b, "BB", ZMQ_DONTWAIT));
    CHECK(get_int(b, ZMQ_RCVMORE) == 1);
    CHECK(recv_eq(b, "CCC", ZMQ_DONTWAIT));
    CHECK(get_int(b, ZMQ_RCVMORE) == 0);

    /* ZMQ_RCVMORE accepts a larger buffer and writes an int. */
    {
        long long wide = -1;
        size_t len = sizeof wide;
        CHECK(zmq_send(a, "p", 1, ZMQ_SNDMORE) == 1);
        CHECK(zmq_send(a, "q", 1, 0) == 1);
        CHECK(recv_eq(b, "p", 0));
        CHECK_OK(zmq_getsockopt(b, ZMQ_RCVMORE, &wide, &len));
        CHECK(len == sizeof(int));
        CHECK(recv_eq(b, "q", 0));
        len = 2;
        CHECK_ERR(zmq_getsockopt(b, ZMQ_RCVMORE, &wide, &len), EINVAL);
    }

    /* Ten parts through the msg API; zmq_msg_more on each. */
    ok = 1;
    for (i = 0; i < 10; i++) {
        CHECK_OK(zmq_msg_init_size(&msg, (size_t) i + 1));
        memset(zmq_msg_data(&msg), 'a' + i, (size_t) i + 1);
        ok &= zmq_msg_send(&msg, a, i < 9 ? ZMQ_SNDMORE : 0) == i + 1;
        zmq_msg_close(&msg);
    }
    CHECK(ok);
    ok = 1;
    for (i = 0; i < 10; i++) {
        char expect[16];
        memset(expect, 'a' + i, (size_t) i + 1);
        zmq_msg_init(&msg);
        ok &= zmq_msg_recv(&msg, b, 0) == i + 1;
        ok &= memcmp(zmq_msg_data(&msg), expect, (size_t) i + 1) == 0;
        ok &= zmq_msg_more(&msg) == (i < 9);
        ok &= zmq_msg_get(&msg, ZMQ_MORE) == (i < 9);
        ok &= get_int(b, ZMQ_RCVMORE) == (i < 9);
        zmq_msg_close(&msg);
    }
    CHECK(ok);
    CHECK_ERR(zmq_recv(b, NULL, 0, ZMQ_DONTWAIT), EAGAIN);

    /* Two multipart messages back to back stay separate. */
    CHECK(zmq_send(a, "m1a", 3, ZMQ_SNDMORE) == 3);
    CHECK(zmq_send(a, "m1b", 3, 0) == 3);
    CHECK(zmq_send(a, "m2a", 3, ZMQ_SNDMORE) == 3);
    CHECK(zmq_send(a, "m2b", 3, 0) == 3);
    CHECK(recv_eq(b, "m1a", 0) && get_int(b, ZMQ_RCVMORE) == 1);
    CHECK(recv_eq(b, "m1b", 0) && get_int(b, ZMQ_RCVMORE) == 0);
    CHECK(recv_eq(b, "m2a", 0) && get_int(b, ZMQ_RCVMORE) == 1);
    CHECK(recv_eq(b, "m2b", 0) && get_int(b, ZMQ_RCVMORE) == 0);

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

static void test_dontwait_and_timeouts(void)
{
    void *a, *b, *lonely_push = sock_timeout(ctx, ZMQ_PUSH, 2000), *lonely_pair = sock_timeout(ctx, ZMQ_PAIR, 2000);
    void *watch;
    unsigned long us;
    int t;
    char buf[8];
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);

    CHECK_ERR(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_send(lonely_push, "x", 1, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_send(lonely_pair, "x", 1, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_recv(lonely_pair, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* RCVTIMEO: EAGAIN after about the timeout. */
    t = 100;
    CHECK_OK(zmq_setsockopt(b, ZMQ_RCVTIMEO, &t, sizeof t));
    watch = zmq_stopwatch_start();
    CHECK_ERR(zmq_recv(b, buf, sizeof buf, 0), EAGAIN);
    us = zmq_stopwatch_stop(watch);
    CHECK(us >= 95000 && us < 1100000);

    /* SNDTIMEO on a PUSH with no peer. */
    CHECK_OK(zmq_setsockopt(lonely_push, ZMQ_SNDTIMEO, &t, sizeof t));
    watch = zmq_stopwatch_start();
    CHECK_ERR(zmq_send(lonely_push, "x", 1, 0), EAGAIN);
    us = zmq_stopwatch_stop(watch);
    CHECK(us >= 95000 && us < 1100000);

    /* zmq_msg_recv honours RCVTIMEO too. */
    {
        zmq_msg_t msg;
        t = 50;
        CHECK_OK(zmq_setsockopt(b, ZMQ_RCVTIMEO, &t, sizeof t));
        zmq_msg_init(&msg);
        watch = zmq_stopwatch_start();
        CHECK_ERR(zmq_msg_recv(&msg, b, 0), EAGAIN);
        us = zmq_stopwatch_stop(watch);
        CHECK(us >= 45000 && us < 1050000);
        zmq_msg_close(&msg);
    }

    /* Timeout 0 acts like DONTWAIT. */
    t = 0;
    CHECK_OK(zmq_setsockopt(b, ZMQ_RCVTIMEO, &t, sizeof t));
    watch = zmq_stopwatch_start();
    CHECK_ERR(zmq_recv(b, buf, sizeof buf, 0), EAGAIN);
    us = zmq_stopwatch_stop(watch);
    CHECK(us < 50000);
    CHECK_OK(zmq_setsockopt(lonely_push, ZMQ_SNDTIMEO, &t, sizeof t));
    CHECK_ERR(zmq_send(lonely_push, "x", 1, 0), EAGAIN);

    /* A message that is there is returned at once despite the timeout. */
    t = 1000;
    CHECK_OK(zmq_setsockopt(b, ZMQ_RCVTIMEO, &t, sizeof t));
    CHECK(zmq_send(a, "now", 3, 0) == 3);
    watch = zmq_stopwatch_start();
    CHECK(recv_eq(b, "now", 0));
    us = zmq_stopwatch_stop(watch);
    CHECK(us < 500000);

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
    CHECK_OK(zmq_close(lonely_push));
    CHECK_OK(zmq_close(lonely_pair));
}

static void test_type_and_events(void)
{
    /* observed on libzmq 4.3.4: a fresh unconnected socket reports
       POLLOUT for PUB, ROUTER, XPUB, XSUB, STREAM; 0 for the rest. */
    static const int fresh_events[12] = {
        0,           /* PAIR */
        ZMQ_POLLOUT, /* PUB */
        0,           /* SUB */
        0,           /* REQ */
        0,           /* REP */
        0,           /* DEALER */
        ZMQ_POLLOUT, /* ROUTER */
        0,           /* PULL */
        0,           /* PUSH */
        ZMQ_POLLOUT, /* XPUB */
        ZMQ_POLLOUT, /* XSUB */
        ZMQ_POLLOUT, /* STREAM */
    };
    int type, ok_type = 1, ok_events = 1;
    void *a, *b;

    for (type = 0; type <= 11; type++) {
        void *s = zmq_socket(ctx, type);
        int t = get_int(s, ZMQ_TYPE), e = get_int(s, ZMQ_EVENTS);
        if (t != type) {
            printf("  type %d: ZMQ_TYPE %d\n", type, t);
            ok_type = 0;
        }
        if (e != fresh_events[type]) {
            printf("  type %d: ZMQ_EVENTS %d, expected %d\n", type, e, fresh_events[type]);
            ok_events = 0;
        }
        zmq_close(s);
    }
    CHECK(ok_type);
    CHECK(ok_events);
    CHECK(ZMQ_XREQ == ZMQ_DEALER && ZMQ_XREP == ZMQ_ROUTER);

    /* ZMQ_EVENTS follows the queue. */
    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);
    CHECK(get_int(a, ZMQ_EVENTS) == ZMQ_POLLOUT);
    CHECK(get_int(b, ZMQ_EVENTS) == ZMQ_POLLOUT);
    CHECK(zmq_send(a, "1", 1, 0) == 1);
    CHECK(zmq_send(a, "2", 1, 0) == 1);
    CHECK(get_int(b, ZMQ_EVENTS) == (ZMQ_POLLIN | ZMQ_POLLOUT));
    CHECK(get_int(a, ZMQ_EVENTS) == ZMQ_POLLOUT);
    CHECK(recv_eq(b, "1", 0));
    CHECK(get_int(b, ZMQ_EVENTS) == (ZMQ_POLLIN | ZMQ_POLLOUT));
    CHECK(recv_eq(b, "2", 0));
    CHECK(get_int(b, ZMQ_EVENTS) == ZMQ_POLLOUT);
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));

    /* A PULL never reports POLLOUT, a PUSH never POLLIN. */
    mk_pair(ZMQ_PUSH, &a, ZMQ_PULL, &b);
    CHECK(zmq_send(a, "x", 1, 0) == 1);
    CHECK(get_int(a, ZMQ_EVENTS) == ZMQ_POLLOUT);
    CHECK(get_int(b, ZMQ_EVENTS) == ZMQ_POLLIN);
    CHECK(recv_eq(b, "x", 0));
    CHECK(get_int(b, ZMQ_EVENTS) == 0);
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

static void test_wrong_direction(void)
{
    void *pull = sock_timeout(ctx, ZMQ_PULL, 2000), *sub = sock_timeout(ctx, ZMQ_SUB, 2000), *push = sock_timeout(ctx, ZMQ_PUSH, 2000), *pub = sock_timeout(ctx, ZMQ_PUB, 2000);
    char buf[8];
    zmq_msg_t msg;

    CHECK_ERR(zmq_send(pull, "x", 1, 0), ENOTSUP);
    CHECK_ERR(zmq_send(pull, "x", 1, ZMQ_DONTWAIT), ENOTSUP);
    CHECK_ERR(zmq_send(sub, "x", 1, 0), ENOTSUP);
    CHECK_ERR(zmq_send_const(sub, "x", 1, 0), ENOTSUP);
    CHECK_ERR(zmq_recv(push, buf, sizeof buf, 0), ENOTSUP);
    CHECK_ERR(zmq_recv(push, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);
    CHECK_ERR(zmq_recv(pub, buf, sizeof buf, 0), ENOTSUP);

    /* A failed send leaves the message with the caller. */
    CHECK_OK(zmq_msg_init_size(&msg, 4));
    memcpy(zmq_msg_data(&msg), "kept", 4);
    CHECK_ERR(zmq_msg_send(&msg, pull, 0), ENOTSUP);
    CHECK(zmq_msg_size(&msg) == 4 && memcmp(zmq_msg_data(&msg), "kept", 4) == 0);
    CHECK_ERR(zmq_msg_recv(&msg, pub, 0), ENOTSUP);
    CHECK_OK(zmq_msg_close(&msg));

    /* PUB with no subscriber drops: the send succeeds at once. */
    CHECK(zmq_send(pub, "dropped", 7, ZMQ_DONTWAIT) == 7);

    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(sub));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pub));
}

static void test_large(void)
{
    const size_t size = 1024 * 1024;
    unsigned char *out = malloc(size), *in = malloc(size + 16);
    void *a, *b;
    zmq_msg_t msg;
    size_t i;
    mk_pair(ZMQ_PUSH, &a, ZMQ_PULL, &b);

    for (i = 0; i < size; i++)
        out[i] = (unsigned char) (i * 31 + 7 + (i >> 12));
    CHECK(zmq_send(a, out, size, 0) == (int) size);
    CHECK(zmq_send(a, out, size, 0) == (int) size);

    CHECK_OK(zmq_msg_init(&msg));
    CHECK(zmq_msg_recv(&msg, b, 0) == (int) size);
    CHECK(zmq_msg_size(&msg) == size && memcmp(zmq_msg_data(&msg), out, size) == 0);
    CHECK_OK(zmq_msg_close(&msg));

    memset(in, 0, size + 16);
    CHECK(zmq_recv(b, in, size + 16, 0) == (int) size);
    CHECK(memcmp(in, out, size) == 0 && in[size] == 0);

    free(out);
    free(in);
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

int main(void)
{
    tu_start("test_send_recv");
    alarm(30); /* a hang is a failure */
    ctx = zmq_ctx_new();
    test_send_recv_basic();
    test_msg_calls();
    test_iov();
    test_multipart();
    test_dontwait_and_timeouts();
    test_type_and_events();
    test_wrong_direction();
    test_large();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
