/* Old wire protocols, byte for byte: ZMTP 1.0 (unversioned) and ZMTP 2.0
   peers played by plain POSIX sockets, against PUB, ROUTER and SUB. */
#include "rawsock.h"

static void *ctx;

/* 1 if exactly these n bytes arrive on fd within 2 s. */
static int raw_expect(int fd, const void *want, size_t n)
{
    char buf[512];
    size_t have = 0;
    while (have < n) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 2000) != 1)
            break;
        r = read(fd, buf + have, n - have);
        if (r <= 0)
            break;
        have += (size_t) r;
    }
    if (have != n || memcmp(buf, want, n) != 0) {
        size_t i;
        printf("  got %zu bytes:", have);
        for (i = 0; i < have; i++)
            printf(" %02x", (unsigned char) buf[i]);
        printf("\n");
        return 0;
    }
    return 1;
}

static int raw_send(int fd, const void *data, size_t n)
{
    return write(fd, data, n) == (ssize_t) n;
}

/* The 10-byte signature both sides open with; for an empty routing id its
   padding says 1 (a 1.0 peer reads it as the length of an identity frame
   holding just the flags byte). */
static const unsigned char SIG[10] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f};

/* An unversioned ZMTP 1.0 subscriber sends no subscriptions: PUB treats it
   as subscribed to everything. */
static void test_v1_subscriber(void)
{
    void *pub = sock(ctx, ZMQ_PUB);
    int fd, i, ok = 0;

    CHECK_OK(zmq_bind(pub, "tcp://127.0.0.1:*"));
    fd = raw_connect(port_of(pub));
    /* Our identity frame, 1.0 style: size 1 (flags only), flags 0. */
    CHECK(raw_send(fd, "\x01\x00", 2));
    /* PUB's signature is its identity frame's header; the body (its empty
       routing id) adds nothing. */
    CHECK(raw_expect(fd, SIG, 10));
    /* The phantom subscription takes a moment to reach the PUB. */
    for (i = 0; i < 20 && !ok; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        CHECK(send_str(pub, "news", 0) == 4);
        ok = poll(&p, 1, 100) == 1;
    }
    CHECK(ok);
    /* size 5 = flags + "news", flags 0. */
    CHECK(raw_expect(fd, "\x05\x00news", 6));
    close(fd);
    CHECK_OK(zmq_close(pub));
}

/* A ZMTP 2.0 DEALER with identity "abc" talks to a ROUTER. */
static void test_v2_dealer(void)
{
    void *router = sock(ctx, ZMQ_ROUTER);
    const unsigned char greeting[12] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, ZMQ_DEALER};
    unsigned char reply[12];
    int fd;

    CHECK_OK(zmq_bind(router, "tcp://127.0.0.1:*"));
    fd = raw_connect(port_of(router));
    CHECK(raw_send(fd, greeting, sizeof greeting));
    /* Signature, major version 3, then our socket type (not a 3.x
       greeting): 12 bytes. */
    memcpy(reply, SIG, 10);
    reply[10] = 3;
    reply[11] = ZMQ_ROUTER;
    CHECK(raw_expect(fd, reply, 12));
    /* ROUTER's identity frame (empty), 2.0 framing. */
    CHECK(raw_expect(fd, "\x00\x00", 2));
    CHECK(raw_send(fd, "\x00\x03" "abc", 5));
    CHECK(raw_send(fd, "\x01\x00\x00\x05hello", 9));
    CHECK(recv_is(router, "abc", 1));
    CHECK(recv_is(router, "", 1));
    CHECK(recv_is(router, "hello", 0));
    CHECK(send_str(router, "abc", ZMQ_SNDMORE) == 3);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, "world", 0) == 5);
    CHECK(raw_expect(fd, "\x01\x00\x00\x05world", 9));
    close(fd);
    CHECK_OK(zmq_close(router));
}

/* SUB connects to a ZMTP 2.0 publisher: subscriptions go as messages. */
static void test_sub_to_v2_publisher(void)
{
    void *sub = sock(ctx, ZMQ_SUB);
    int port, lfd = raw_listen(&port), fd;
    char ep[64];

    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "news", 4));
    CHECK_OK(zmq_connect(sub, ep));
    fd = accept(lfd, NULL, NULL);
    CHECK(fd >= 0);
    CHECK(raw_expect(fd, SIG, 10));
    CHECK(raw_send(fd, SIG, 10));
    CHECK(raw_expect(fd, "\x03", 1));
    CHECK(raw_send(fd, "\x01\x01", 2)); /* revision 1, PUB */
    CHECK(raw_expect(fd, "\x02", 1));   /* SUB's socket type */
    CHECK(raw_expect(fd, "\x00\x00", 2)); /* its identity frame */
    CHECK(raw_send(fd, "\x00\x00", 2));
    CHECK(raw_expect(fd, "\x00\x05\x01news", 7));
    CHECK(raw_send(fd, "\x00\x08news-one", 10));
    CHECK(recv_is(sub, "news-one", 0));
    close(fd);
    close(lfd);
    CHECK_OK(zmq_close(sub));
}

int main(void)
{
    tu_start("test_zmtp_old");
    ctx = zmq_ctx_new();
    test_v1_subscriber();
    test_v2_dealer();
    test_sub_to_v2_publisher();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
