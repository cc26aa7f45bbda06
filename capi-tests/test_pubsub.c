/* PUB/SUB and XPUB/XSUB: prefix filtering, counted subscriptions,
   multipart filtering, subscription messages and XPUB options (VERBOSE,
   VERBOSER, MANUAL, MANUAL_LAST_VALUE, WELCOME_MSG, NODROP),
   INVERT_MATCHING and unsubscription on close. inproc only.

   inproc subscriptions reach the publisher asynchronously, so each test
   first publishes a sync topic until every subscriber has seen it (a SUB's
   subscriptions travel in order on its pipe, so once the sync topic flows,
   the earlier ones are in force too), then drains the sync messages. */
#include "sockutil.h"

#include <unistd.h>

static void *ctx;

static void subscribe(void *s, const char *topic)
{
    CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, topic, strlen(topic)));
}

static void unsubscribe(void *s, const char *topic)
{
    CHECK_OK(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, topic, strlen(topic)));
}

/* 1 if the next part is exactly `expect` (any bytes) with the given
   RCVMORE. */
static int recv_bytes(void *s, const char *expect, size_t size, int more)
{
    char buf[256];
    int rcvmore = -1;
    size_t len = sizeof rcvmore, i;
    int n = zmq_recv(s, buf, sizeof buf, 0);
    if (n < 0) {
        printf("  recv: %s (expected %zu bytes)\n", zmq_strerror(errno), size);
        return 0;
    }
    zmq_getsockopt(s, ZMQ_RCVMORE, &rcvmore, &len);
    if ((size_t) n != size || memcmp(buf, expect, size) != 0 || rcvmore != more) {
        printf("  recv: ");
        for (i = 0; i < (size_t) n && i < sizeof buf; i++)
            printf(buf[i] >= 32 && buf[i] < 127 ? "%c" : "\\x%02x", (unsigned char) buf[i]);
        printf(" more=%d (expected ", rcvmore);
        for (i = 0; i < size; i++)
            printf(expect[i] >= 32 && expect[i] < 127 ? "%c" : "\\x%02x", (unsigned char) expect[i]);
        printf(" more=%d)\n", more);
        return 0;
    }
    return 1;
}

/* A subscription message received on an XPUB: byte `kind` + topic. */
static int recv_sub_msg(void *xpub, int kind, const char *topic)
{
    char expect[64];
    expect[0] = (char) kind;
    memcpy(expect + 1, topic, strlen(topic));
    return recv_bytes(xpub, expect, strlen(topic) + 1, 0);
}

/* Publishes `topic` until each of the n receivers got one, then drains. */
static int sync_subs(void *pub, void **subs, int n, const char *topic)
{
    int got[8] = {0}, all = 0, tries, i;
    char buf[64];
    for (tries = 0; tries < 500 && !all; tries++) {
        send_str(pub, topic, 0);
        usleep(2000);
        all = 1;
        for (i = 0; i < n; i++) {
            if (!got[i] && zmq_recv(subs[i], buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
                got[i] = 1;
            all &= got[i];
        }
    }
    for (i = 0; i < n; i++)
        while (zmq_recv(subs[i], buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
            ;
    if (!all)
        printf("  sync on \"%s\" failed\n", topic);
    return all;
}

static int sync_sub(void *pub, void *sub, const char *topic)
{
    return sync_subs(pub, &sub, 1, topic);
}

static void test_filtering(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *none = sock(ctx, ZMQ_SUB), *a = sock(ctx, ZMQ_SUB),
         *all = sock(ctx, ZMQ_SUB), *bin = sock(ctx, ZMQ_SUB);
    void *synced[3];

    CHECK_OK(zmq_bind(pub, "inproc://filter"));
    subscribe(a, "A");
    subscribe(a, "Z");
    subscribe(all, "");
    CHECK_OK(zmq_setsockopt(bin, ZMQ_SUBSCRIBE, "\0x", 2));
    subscribe(bin, "Z");
    CHECK_OK(zmq_connect(none, "inproc://filter"));
    CHECK_OK(zmq_connect(a, "inproc://filter"));
    CHECK_OK(zmq_connect(all, "inproc://filter"));
    CHECK_OK(zmq_connect(bin, "inproc://filter"));
    synced[0] = a;
    synced[1] = all;
    synced[2] = bin;
    CHECK(sync_subs(pub, synced, 3, "Z"));

    CHECK(send_str(pub, "BA", 0) == 2);
    CHECK(send_str(pub, "AB", 0) == 2);
    CHECK(send_str(pub, "A", 0) == 1);
    CHECK(send_str(pub, "", 0) == 0);
    CHECK(send_str(pub, "a", 0) == 1);
    CHECK(zmq_send(pub, "\0xy", 3, 0) == 3);
    CHECK(zmq_send(pub, "\0y", 2, 0) == 2);
    CHECK(send_str(pub, "Zend", 0) == 4);

    /* "A" matches "AB" and "A" but not "BA", "", "a" or binary topics. */
    CHECK(recv_is(a, "AB", 0));
    CHECK(recv_is(a, "A", 0));
    CHECK(recv_is(a, "Zend", 0));
    /* "" matches everything, the empty message included. */
    CHECK(recv_is(all, "BA", 0));
    CHECK(recv_is(all, "AB", 0));
    CHECK(recv_is(all, "A", 0));
    CHECK(recv_is(all, "", 0));
    CHECK(recv_is(all, "a", 0));
    CHECK(recv_bytes(all, "\0xy", 3, 0));
    CHECK(recv_bytes(all, "\0y", 2, 0));
    CHECK(recv_is(all, "Zend", 0));
    /* Topics are bytes: a NUL inside is matched like any byte. */
    CHECK(recv_bytes(bin, "\0xy", 3, 0));
    CHECK(recv_is(bin, "Zend", 0));
    /* No subscription: nothing at all, not even the sync messages. */
    CHECK(nothing_within(none, 100));

    CHECK_OK(zmq_close(none));
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(all));
    CHECK_OK(zmq_close(bin));
    CHECK_OK(zmq_close(pub));
}

/* Two SUBSCRIBE of the same topic need two UNSUBSCRIBE. */
static void test_counted(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *sub = sock(ctx, ZMQ_SUB);

    CHECK_OK(zmq_bind(pub, "inproc://counted"));
    subscribe(sub, "A");
    subscribe(sub, "A");
    subscribe(sub, "Z");
    CHECK_OK(zmq_connect(sub, "inproc://counted"));
    CHECK(sync_sub(pub, sub, "Z"));

    unsubscribe(sub, "A");
    subscribe(sub, "Y");
    CHECK(sync_sub(pub, sub, "Y"));
    CHECK(send_str(pub, "A1", 0) == 2);
    CHECK(send_str(pub, "Z1", 0) == 2);
    CHECK(recv_is(sub, "A1", 0));
    CHECK(recv_is(sub, "Z1", 0));

    unsubscribe(sub, "A");
    subscribe(sub, "X");
    CHECK(sync_sub(pub, sub, "X"));
    CHECK(send_str(pub, "A2", 0) == 2);
    CHECK(send_str(pub, "Z2", 0) == 2);
    CHECK(recv_is(sub, "Z2", 0));

    /* Unsubscribing something never subscribed is accepted and harmless. */
    unsubscribe(sub, "never");
    unsubscribe(sub, "A");
    CHECK(send_str(pub, "Z3", 0) == 2);
    CHECK(recv_is(sub, "Z3", 0));

    /* Subscribing again after the count reached zero works. */
    subscribe(sub, "A");
    subscribe(sub, "W");
    CHECK(sync_sub(pub, sub, "W"));
    CHECK(send_str(pub, "A4", 0) == 2);
    CHECK(recv_is(sub, "A4", 0));

    CHECK_OK(zmq_close(sub));
    CHECK_OK(zmq_close(pub));
}

/* Filtering looks at the first frame only; messages arrive whole. */
static void test_multipart(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *sub = sock(ctx, ZMQ_SUB);

    CHECK_OK(zmq_bind(pub, "inproc://multipart"));
    subscribe(sub, "A");
    CHECK_OK(zmq_connect(sub, "inproc://multipart"));
    CHECK(sync_sub(pub, sub, "A"));

    CHECK(send_str(pub, "B1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(pub, "A-in-second-frame", 0) == 17);
    CHECK(send_str(pub, "A1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(pub, "B-part", ZMQ_SNDMORE) == 6);
    CHECK(send_str(pub, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(pub, "last", 0) == 4);
    CHECK(send_str(pub, "A2", 0) == 2);
    CHECK(recv_is(sub, "A1", 1));
    CHECK(recv_is(sub, "B-part", 1));
    CHECK(recv_is(sub, "", 1));
    CHECK(recv_is(sub, "last", 0));
    CHECK(recv_is(sub, "A2", 0));

    CHECK_OK(zmq_close(sub));
    CHECK_OK(zmq_close(pub));
}

static void test_enotsup(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *sub = sock(ctx, ZMQ_SUB);
    char buf[8];

    CHECK_OK(zmq_bind(pub, "inproc://enotsup"));
    CHECK_OK(zmq_connect(sub, "inproc://enotsup"));
    CHECK_ERR(zmq_recv(pub, buf, sizeof buf, 0), ENOTSUP);
    CHECK_ERR(zmq_recv(pub, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);
    CHECK_ERR(send_str(sub, "x", 0), ENOTSUP);
    CHECK_ERR(send_str(sub, "\001x", ZMQ_DONTWAIT), ENOTSUP);
    /* SUBSCRIBE is a SUB option; PUB does not take it outside manual XPUB. */
    CHECK_ERR(zmq_setsockopt(pub, ZMQ_SUBSCRIBE, "x", 1), EINVAL);
    /* PUB without subscribers: sends succeed (dropped), never block. */
    CHECK(send_str(pub, "x", 0) == 1);
    CHECK(send_str(pub, "x", ZMQ_DONTWAIT) == 1);
    CHECK_OK(zmq_close(sub));
    CHECK_OK(zmq_close(pub));
}

static void test_many_subs(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *subs[3];
    const char *topics[3] = {"A", "B", ""};
    int i;

    CHECK_OK(zmq_bind(pub, "inproc://many"));
    for (i = 0; i < 3; i++) {
        subs[i] = sock(ctx, ZMQ_SUB);
        subscribe(subs[i], topics[i]);
        subscribe(subs[i], "S");
        CHECK_OK(zmq_connect(subs[i], "inproc://many"));
    }
    CHECK(sync_subs(pub, subs, 3, "S"));
    CHECK(send_str(pub, "A1", 0) == 2);
    CHECK(send_str(pub, "B1", 0) == 2);
    CHECK(send_str(pub, "C1", 0) == 2);
    CHECK(send_str(pub, "A2", 0) == 2);
    CHECK(send_str(pub, "S-end", 0) == 5);
    CHECK(recv_is(subs[0], "A1", 0));
    CHECK(recv_is(subs[0], "A2", 0));
    CHECK(recv_is(subs[0], "S-end", 0));
    CHECK(recv_is(subs[1], "B1", 0));
    CHECK(recv_is(subs[1], "S-end", 0));
    CHECK(recv_is(subs[2], "A1", 0));
    CHECK(recv_is(subs[2], "B1", 0));
    CHECK(recv_is(subs[2], "C1", 0));
    CHECK(recv_is(subs[2], "A2", 0));
    CHECK(recv_is(subs[2], "S-end", 0));
    for (i = 0; i < 3; i++)
        CHECK_OK(zmq_close(subs[i]));
    CHECK_OK(zmq_close(pub));
}

/* mode 0: default, 1: XPUB_VERBOSE, 2: XPUB_VERBOSER. Two SUBs subscribe
   and unsubscribe the same topic; a unique marker topic after each step
   shows what the XPUB was told before it. */
static void test_xpub_verbosity(int mode)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *s1 = sock(ctx, ZMQ_SUB), *s2 = sock(ctx, ZMQ_SUB);
    char endpoint[32];

    snprintf(endpoint, sizeof endpoint, "inproc://verbose%d", mode);
    if (mode == 1)
        set_int(xpub, ZMQ_XPUB_VERBOSE, 1);
    if (mode == 2)
        set_int(xpub, ZMQ_XPUB_VERBOSER, 1);
    CHECK_OK(zmq_bind(xpub, endpoint));
    CHECK_OK(zmq_connect(s1, endpoint));
    CHECK_OK(zmq_connect(s2, endpoint));

    subscribe(s1, "T");
    CHECK(recv_sub_msg(xpub, 1, "T"));
    subscribe(s2, "T");
    subscribe(s2, "M1");
    if (mode >= 1)
        CHECK(recv_sub_msg(xpub, 1, "T"));
    CHECK(recv_sub_msg(xpub, 1, "M1"));

    /* The same SUB subscribing twice sends two subscriptions upstream. */
    subscribe(s1, "T");
    subscribe(s1, "M2");
    if (mode >= 1)
        CHECK(recv_sub_msg(xpub, 1, "T"));
    CHECK(recv_sub_msg(xpub, 1, "M2"));

    /* s1 drops both of its "T" subscriptions; only its last unsubscribe
       goes upstream, and the XPUB still has s2 on "T". */
    unsubscribe(s1, "T");
    unsubscribe(s1, "T");
    subscribe(s1, "M3");
    if (mode == 2)
        CHECK(recv_sub_msg(xpub, 0, "T"));
    CHECK(recv_sub_msg(xpub, 1, "M3"));

    /* The last subscriber leaves: every mode reports it. */
    unsubscribe(s2, "T");
    subscribe(s2, "M4");
    CHECK(recv_sub_msg(xpub, 0, "T"));
    CHECK(recv_sub_msg(xpub, 1, "M4"));
    CHECK(nothing_within(xpub, 50));

    /* Data still flows by the remaining subscriptions. */
    CHECK(send_str(xpub, "M1-data", 0) == 7);
    CHECK(recv_is(s2, "M1-data", 0));

    CHECK_OK(zmq_close(s1));
    CHECK_OK(zmq_close(s2));
    CHECK_OK(zmq_close(xpub));
}

static void test_xsub(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *xsub = sock(ctx, ZMQ_XSUB);
    void *xpub = sock(ctx, ZMQ_XPUB), *xsub2 = sock(ctx, ZMQ_XSUB);

    CHECK_OK(zmq_bind(pub, "inproc://xsub"));
    CHECK_OK(zmq_connect(xsub, "inproc://xsub"));
    CHECK(zmq_send(xsub, "\001A", 2, 0) == 2);
    CHECK(sync_sub(pub, xsub, "A-sync"));
    CHECK(send_str(pub, "B1", 0) == 2);
    CHECK(send_str(pub, "A1", 0) == 2);
    CHECK(recv_is(xsub, "A1", 0));

    /* Unsubscribe by sending \0topic. */
    CHECK(zmq_send(xsub, "\000A", 2, 0) == 2);
    CHECK(zmq_send(xsub, "\001M", 2, 0) == 2);
    CHECK(sync_sub(pub, xsub, "M"));
    CHECK(send_str(pub, "A2", 0) == 2);
    CHECK(send_str(pub, "M2", 0) == 2);
    CHECK(recv_is(xsub, "M2", 0));

    /* XSUB towards an XPUB: subscriptions and other messages go upstream
       as sent. */
    CHECK_OK(zmq_bind(xpub, "inproc://xsub-xpub"));
    CHECK_OK(zmq_connect(xsub2, "inproc://xsub-xpub"));
    CHECK(zmq_send(xsub2, "\001T", 2, 0) == 2);
    CHECK(recv_sub_msg(xpub, 1, "T"));
    CHECK(send_str(xsub2, "hello", 0) == 5);
    CHECK(recv_is(xpub, "hello", 0));
    CHECK(send_str(xsub2, "", 0) == 0);
    CHECK(recv_is(xpub, "", 0));
    CHECK(send_str(xsub2, "up1", ZMQ_SNDMORE) == 3);
    CHECK(send_str(xsub2, "up2", 0) == 3);
    CHECK(recv_is(xpub, "up1", 1));
    CHECK(recv_is(xpub, "up2", 0));
    /* Non-subscription messages did not change filtering. */
    CHECK(send_str(xpub, "hello", 0) == 5);
    CHECK(send_str(xpub, "T1", 0) == 2);
    CHECK(recv_is(xsub2, "T1", 0));

    CHECK_OK(zmq_close(xsub2));
    CHECK_OK(zmq_close(xpub));
    CHECK_OK(zmq_close(xsub));
    CHECK_OK(zmq_close(pub));
}

static void test_xpub_manual(void)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *s1 = sock(ctx, ZMQ_SUB), *s2 = sock(ctx, ZMQ_SUB);

    set_int(xpub, ZMQ_XPUB_MANUAL, 1);
    CHECK_OK(zmq_bind(xpub, "inproc://manual"));
    subscribe(s1, "A");
    subscribe(s1, "B");
    CHECK_OK(zmq_connect(s1, "inproc://manual"));
    CHECK(recv_sub_msg(xpub, 1, "A"));
    CHECK(recv_sub_msg(xpub, 1, "B"));
    /* Nothing is applied automatically: the app subscribes s1 (the pipe of
       the last subscription received) to "B" only. */
    subscribe(xpub, "B");
    CHECK(send_str(xpub, "A1", 0) == 2);
    CHECK(send_str(xpub, "B1", 0) == 2);
    CHECK(recv_is(s1, "B1", 0));
    subscribe(xpub, "A");
    CHECK(send_str(xpub, "A2", 0) == 2);
    CHECK(recv_is(s1, "A2", 0));
    unsubscribe(xpub, "B");
    CHECK(send_str(xpub, "B2", 0) == 2);
    CHECK(send_str(xpub, "A3", 0) == 2);
    CHECK(recv_is(s1, "A3", 0));

    /* Manual mode passes duplicate subscriptions up; SUBSCRIBE then
       applies to s2, the last subscriber, not to s1. */
    subscribe(s2, "A");
    subscribe(s2, "C");
    CHECK_OK(zmq_connect(s2, "inproc://manual"));
    CHECK(recv_sub_msg(xpub, 1, "A"));
    CHECK(recv_sub_msg(xpub, 1, "C"));
    subscribe(xpub, "C");
    CHECK(send_str(xpub, "C1", 0) == 2);
    CHECK(send_str(xpub, "A4", 0) == 2);
    CHECK(recv_is(s2, "C1", 0));
    CHECK(recv_is(s1, "A4", 0));
    CHECK(nothing_within(s2, 50));

    CHECK_OK(zmq_close(s1));
    CHECK_OK(zmq_close(s2));
    CHECK_OK(zmq_close(xpub));
}

/* XPUB_MANUAL_LAST_VALUE (option 98): manual mode, and the next message
   after a subscription goes only to that subscriber. */
static void test_xpub_manual_last_value(void)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *s1 = sock(ctx, ZMQ_SUB), *s2 = sock(ctx, ZMQ_SUB);

    set_int(xpub, 98 /* ZMQ_XPUB_MANUAL_LAST_VALUE */, 1);
    CHECK_OK(zmq_bind(xpub, "inproc://last-value"));
    subscribe(s1, "A");
    CHECK_OK(zmq_connect(s1, "inproc://last-value"));
    CHECK(recv_sub_msg(xpub, 1, "A"));
    subscribe(xpub, "A");
    CHECK(send_str(xpub, "A-for-s1", 0) == 8);
    CHECK(recv_is(s1, "A-for-s1", 0));

    subscribe(s2, "A");
    CHECK_OK(zmq_connect(s2, "inproc://last-value"));
    CHECK(recv_sub_msg(xpub, 1, "A"));
    subscribe(xpub, "A");
    CHECK(send_str(xpub, "A-for-s2", 0) == 8);
    CHECK(send_str(xpub, "A-for-all", 0) == 9);
    CHECK(recv_is(s2, "A-for-s2", 0));
    CHECK(recv_is(s2, "A-for-all", 0));
    CHECK(recv_is(s1, "A-for-all", 0));

    CHECK_OK(zmq_close(s1));
    CHECK_OK(zmq_close(s2));
    CHECK_OK(zmq_close(xpub));
}

static void test_welcome(void)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *s1 = sock(ctx, ZMQ_SUB), *s2 = sock(ctx, ZMQ_SUB);

    CHECK_OK(zmq_setsockopt(xpub, ZMQ_XPUB_WELCOME_MSG, "W", 1));
    CHECK_OK(zmq_bind(xpub, "inproc://welcome"));
    subscribe(s1, "W");
    CHECK_OK(zmq_connect(s1, "inproc://welcome"));
    CHECK(recv_sub_msg(xpub, 1, "W"));
    CHECK(recv_is(s1, "W", 0));
    CHECK(nothing_within(s1, 50));

    /* A subscriber not subscribed to the welcome topic filters it out. */
    subscribe(s2, "X");
    CHECK_OK(zmq_connect(s2, "inproc://welcome"));
    CHECK(recv_sub_msg(xpub, 1, "X"));
    CHECK(send_str(xpub, "X1", 0) == 2);
    CHECK(recv_is(s2, "X1", 0));

    /* (NULL, 0) disables the welcome message. */
    CHECK_OK(zmq_setsockopt(xpub, ZMQ_XPUB_WELCOME_MSG, NULL, 0));
    {
        void *s3 = sock(ctx, ZMQ_SUB);
        subscribe(s3, "");
        CHECK_OK(zmq_connect(s3, "inproc://welcome"));
        CHECK(recv_sub_msg(xpub, 1, ""));
        CHECK(send_str(xpub, "first", 0) == 5);
        CHECK(recv_is(s3, "first", 0));
        CHECK_OK(zmq_close(s3));
    }

    CHECK_OK(zmq_close(s1));
    CHECK_OK(zmq_close(s2));
    CHECK_OK(zmq_close(xpub));
}

static void test_invert(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *xsub = sock(ctx, ZMQ_XSUB);
    void *pub2 = sock(ctx, ZMQ_PUB), *sub = sock(ctx, ZMQ_SUB);
    int value = -1;
    size_t len = sizeof value;

    /* Publisher side: an inverting PUB sends what does NOT match. */
    set_int(pub, ZMQ_INVERT_MATCHING, 1);
    CHECK_OK(zmq_getsockopt(pub, ZMQ_INVERT_MATCHING, &value, &len));
    CHECK(value == 1);
    CHECK_OK(zmq_bind(pub, "inproc://invert"));
    CHECK_OK(zmq_connect(xsub, "inproc://invert"));
    CHECK(zmq_send(xsub, "\001A", 2, 0) == 2);
    CHECK(sync_sub(pub, xsub, "B-sync"));
    CHECK(send_str(pub, "A1", 0) == 2);
    CHECK(send_str(pub, "AB", 0) == 2);
    CHECK(send_str(pub, "B1", 0) == 2);
    CHECK(send_str(pub, "", 0) == 0);
    CHECK(recv_is(xsub, "B1", 0));
    CHECK(recv_is(xsub, "", 0));

    /* Both ends inverting. */
    set_int(pub2, ZMQ_INVERT_MATCHING, 1);
    set_int(sub, ZMQ_INVERT_MATCHING, 1);
    CHECK_OK(zmq_getsockopt(sub, ZMQ_INVERT_MATCHING, &value, &len));
    CHECK(value == 1);
    CHECK_OK(zmq_bind(pub2, "inproc://invert2"));
    subscribe(sub, "A");
    CHECK_OK(zmq_connect(sub, "inproc://invert2"));
    CHECK(sync_sub(pub2, sub, "C-sync"));
    CHECK(send_str(pub2, "A1", 0) == 2);
    CHECK(send_str(pub2, "B1", 0) == 2);
    CHECK(send_str(pub2, "A2", 0) == 2);
    CHECK(send_str(pub2, "C1", 0) == 2);
    CHECK(recv_is(sub, "B1", 0));
    CHECK(recv_is(sub, "C1", 0));

    CHECK_OK(zmq_close(sub));
    CHECK_OK(zmq_close(pub2));
    CHECK_OK(zmq_close(xsub));
    CHECK_OK(zmq_close(pub));
}

/* XPUB_NODROP: at the high-water mark, EAGAIN instead of silent drops. */
static void test_nodrop(void)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *sub = sock(ctx, ZMQ_SUB);
    int sent = 0, received = 0;
    char buf[8];

    set_int(xpub, ZMQ_XPUB_NODROP, 1);
    set_int(xpub, ZMQ_SNDHWM, 5);
    set_int(sub, ZMQ_RCVHWM, 5);
    CHECK_OK(zmq_bind(xpub, "inproc://nodrop"));
    subscribe(sub, "");
    CHECK_OK(zmq_connect(sub, "inproc://nodrop"));
    CHECK(recv_sub_msg(xpub, 1, ""));

    while (sent < 1000 && send_str(xpub, "x", ZMQ_DONTWAIT) == 1)
        sent++;
    CHECK(errno == EAGAIN);
    /* inproc: both ends' HWMs add up. */
    CHECK(sent == 10);
    set_int(xpub, ZMQ_SNDTIMEO, 50);
    CHECK_ERR(send_str(xpub, "x", 0), EAGAIN);
    while (zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
        received++;
    CHECK(received == sent);
    /* Room again once the subscriber has read. */
    set_int(xpub, ZMQ_SNDTIMEO, 1000);
    CHECK(send_str(xpub, "y", 0) == 1);
    CHECK(recv_is(sub, "y", 0));

    /* Messages nobody subscribed to never block, even with NODROP. */
    CHECK_OK(zmq_close(sub));
    CHECK(send_str(xpub, "z", ZMQ_DONTWAIT) == 1);
    CHECK_OK(zmq_close(xpub));
}

/* Closing a SUB makes its subscriptions disappear upstream. */
static void test_unsub_on_close(void)
{
    void *xpub = sock(ctx, ZMQ_XPUB), *s1 = sock(ctx, ZMQ_SUB), *s2 = sock(ctx, ZMQ_SUB);

    CHECK_OK(zmq_bind(xpub, "inproc://close"));
    subscribe(s1, "T");
    subscribe(s1, "only1");
    CHECK_OK(zmq_connect(s1, "inproc://close"));
    CHECK(recv_sub_msg(xpub, 1, "T"));
    CHECK(recv_sub_msg(xpub, 1, "only1"));
    subscribe(s2, "T");
    subscribe(s2, "only2");
    CHECK_OK(zmq_connect(s2, "inproc://close"));
    CHECK(recv_sub_msg(xpub, 1, "only2"));

    /* s1 goes: "only1" is gone, "T" still has s2. */
    CHECK_OK(zmq_close(s1));
    CHECK(recv_sub_msg(xpub, 0, "only1"));
    CHECK(nothing_within(xpub, 100));
    /* s2 goes: both of its topics are reported (in trie order). */
    CHECK_OK(zmq_close(s2));
    {
        char a[16], b[16];
        int na = zmq_recv(xpub, a, sizeof a, 0);
        int nb = zmq_recv(xpub, b, sizeof b, 0);
        int t_first = na == 2 && memcmp(a, "\000T", 2) == 0 && nb == 6
                      && memcmp(b, "\000only2", 6) == 0;
        int t_last = nb == 2 && memcmp(b, "\000T", 2) == 0 && na == 6
                     && memcmp(a, "\000only2", 6) == 0;
        CHECK(t_first || t_last);
    }
    CHECK(nothing_within(xpub, 50));
    CHECK_OK(zmq_close(xpub));
}

int main(void)
{
    tu_start("test_pubsub");
    alarm(20);
    ctx = zmq_ctx_new();
    test_filtering();
    test_counted();
    test_multipart();
    test_enotsup();
    test_many_subs();
    test_xpub_verbosity(0);
    test_xpub_verbosity(1);
    test_xpub_verbosity(2);
    test_xsub();
    test_xpub_manual();
    test_xpub_manual_last_value();
    test_welcome();
    test_invert();
    test_nodrop();
    test_unsub_on_close();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
