/* High-water marks over inproc: SNDHWM + RCVHWM per pipe, 0 = unlimited,
   resuming after the reader catches up, connect-before-bind, blocking vs
   dropping socket types, ROUTER_MANDATORY on a full pipe, lossless
   streaming below the HWM, multipart messages and HWM, CONFLATE, and a
   sender closing mid-message. */
#include "sockutil.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void *ctx;

/* Sends 1-byte messages with DONTWAIT until one fails (or `limit`);
   returns how many went and leaves errno from the failure. */
static int fill(void *s, int limit)
{
    int n = 0;
    while (n < limit && zmq_send(s, "x", 1, ZMQ_DONTWAIT) == 1)
        n++;
    return n;
}

static int drain(void *s)
{
    char buf[8];
    int n = 0;
    while (zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
        n++;
    return n;
}

static int endpoint_no;

static void next_endpoint(char *buf, size_t size)
{
    snprintf(buf, size, "inproc://hwm%d", endpoint_no++);
}

/* PULL binds, PUSH connects (or the reverse): sndhwm + rcvhwm messages
   fit, then EAGAIN. */
static void check_sum(int sndhwm, int rcvhwm, int push_binds)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    char ep[32];
    int sent, err;

    next_endpoint(ep, sizeof ep);
    set_int(push, ZMQ_SNDHWM, sndhwm);
    set_int(pull, ZMQ_RCVHWM, rcvhwm);
    if (push_binds) {
        CHECK_OK(zmq_bind(push, ep));
        CHECK_OK(zmq_connect(pull, ep));
    } else {
        CHECK_OK(zmq_bind(pull, ep));
        CHECK_OK(zmq_connect(push, ep));
    }
    sent = fill(push, 100000);
    err = errno;
    if (sent != sndhwm + rcvhwm)
        printf("  SNDHWM %d + RCVHWM %d (push %s): %d queued\n", sndhwm, rcvhwm,
               push_binds ? "binds" : "connects", sent);
    CHECK(sent == sndhwm + rcvhwm);
    CHECK(err == EAGAIN);
    CHECK(drain(pull) == sent);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

static void test_sum(void)
{
    check_sum(10, 10, 0);
    check_sum(10, 10, 1);
    check_sum(3, 7, 0);
    check_sum(7, 3, 1);
    check_sum(1, 1, 0);
}

/* After the reader drains, the writer can queue again. */
static void test_resume(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    int sent, more, i, ok = 1;
    char buf[8];

    set_int(push, ZMQ_SNDHWM, 10);
    set_int(pull, ZMQ_RCVHWM, 10);
    CHECK_OK(zmq_bind(pull, "inproc://resume"));
    CHECK_OK(zmq_connect(push, "inproc://resume"));
    CHECK(fill(push, 1000) == 20);
    CHECK_ERR(send_str(push, "x", ZMQ_DONTWAIT), EAGAIN);

    /* Read half: the writer is told (a blocking send waits for that) and
       can queue exactly that many again. */
    for (i = 0; i < 10; i++)
        ok &= zmq_recv(pull, buf, sizeof buf, 0) == 1;
    CHECK(ok);
    CHECK(send_str(push, "x", 0) == 1);
    more = fill(push, 1000);
    CHECK(more == 9);
    set_int(push, ZMQ_SNDTIMEO, 100);
    CHECK_ERR(send_str(push, "x", 0), EAGAIN);

    /* Drain everything: 20 are waiting; then 20 fit again. */
    CHECK(drain(pull) == 20);
    set_int(push, ZMQ_SNDTIMEO, 1000);
    CHECK(send_str(push, "x", 0) == 1);
    sent = fill(push, 1000);
    CHECK(sent == 19);
    CHECK(drain(pull) == 20);

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

static void test_unlimited(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    int sent;

    /* 0 on either side makes the pipe unlimited. */
    set_int(push, ZMQ_SNDHWM, 0);
    CHECK_OK(zmq_bind(pull, "inproc://unlimited"));
    CHECK_OK(zmq_connect(push, "inproc://unlimited"));
    sent = fill(push, 100000);
    CHECK(sent == 100000);
    CHECK(drain(pull) == 100000);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));

    push = sock(ctx, ZMQ_PUSH);
    pull = sock(ctx, ZMQ_PULL);
    set_int(pull, ZMQ_RCVHWM, 0);
    set_int(push, ZMQ_SNDHWM, 5);
    CHECK_OK(zmq_bind(pull, "inproc://unlimited2"));
    CHECK_OK(zmq_connect(push, "inproc://unlimited2"));
    sent = fill(push, 100000);
    CHECK(sent == 100000);
    CHECK(drain(pull) == 100000);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* Connecting before the peer binds: until the bind, only the connecting
   side's own SNDHWM applies; afterwards the sum, as with bind-first. */
static void test_connect_before_bind(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    int before, after;

    set_int(push, ZMQ_SNDHWM, 10);
    set_int(pull, ZMQ_RCVHWM, 10);
    CHECK_OK(zmq_connect(push, "inproc://cbb1"));
    CHECK_OK(zmq_bind(pull, "inproc://cbb1"));
    CHECK(fill(push, 1000) == 20);
    CHECK(drain(pull) == 20);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));

    push = sock(ctx, ZMQ_PUSH);
    pull = sock(ctx, ZMQ_PULL);
    set_int(push, ZMQ_SNDHWM, 3);
    set_int(pull, ZMQ_RCVHWM, 7);
    CHECK_OK(zmq_connect(push, "inproc://cbb2"));
    before = fill(push, 1000);
    CHECK(before == 3);
    CHECK_OK(zmq_bind(pull, "inproc://cbb2"));
    /* A blocking send notices the extra room the bind brought. */
    CHECK(send_str(push, "x", 0) == 1);
    after = fill(push, 1000);
    CHECK(before + 1 + after == 10);
    CHECK(drain(pull) == 10);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));

    /* Binder's RCVHWM 0: unlimited once bound. */
    push = sock(ctx, ZMQ_PUSH);
    pull = sock(ctx, ZMQ_PULL);
    set_int(push, ZMQ_SNDHWM, 4);
    set_int(pull, ZMQ_RCVHWM, 0);
    CHECK_OK(zmq_connect(push, "inproc://cbb3"));
    CHECK_OK(zmq_bind(pull, "inproc://cbb3"));
    CHECK(fill(push, 5000) == 5000);
    CHECK(drain(pull) == 5000);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* PUB drops at HWM: every send succeeds, fewer messages arrive. */
static void test_pub_drops(void)
{
    void *pub = sock(ctx, ZMQ_PUB), *sub = sock(ctx, ZMQ_SUB);
    int i, ok = 1, received, tries, got = 0;
    char buf[8];

    set_int(pub, ZMQ_SNDHWM, 5);
    set_int(sub, ZMQ_RCVHWM, 5);
    CHECK_OK(zmq_bind(pub, "inproc://pubdrop"));
    CHECK_OK(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK(zmq_connect(sub, "inproc://pubdrop"));
    /* Wait for the subscription to be in force. */
    for (tries = 0; tries < 500 && !got; tries++) {
        send_str(pub, "s", 0);
        usleep(2000);
        got = zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) == 1;
    }
    CHECK(got);
    drain(sub);

    for (i = 0; i < 100; i++)
        ok &= send_str(pub, "x", ZMQ_DONTWAIT) == 1;
    CHECK(ok);
    set_int(pub, ZMQ_SNDTIMEO, -1);
    CHECK(send_str(pub, "x", 0) == 1); /* never blocks */
    received = drain(sub);
    CHECK(received > 0 && received <= 10);

    /* Once drained, messages flow again (the PUB learns of the room
       asynchronously; until then it keeps dropping). */
    got = 0;
    for (tries = 0; tries < 500 && !got; tries++) {
        send_str(pub, "y", 0);
        usleep(1000);
        got = zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) == 1 && buf[0] == 'y';
    }
    CHECK(got);
    CHECK_OK(zmq_close(pub));
    CHECK_OK(zmq_close(sub));
}

/* DEALER (like PUSH, REQ, PAIR) blocks at the HWM. */
static void test_dealer_blocks(void)
{
    void *dealer = sock(ctx, ZMQ_DEALER), *router = sock(ctx, ZMQ_ROUTER);
    double t0, elapsed;
    int i, ok = 1;
    char buf[8];

    set_int(dealer, ZMQ_SNDHWM, 5);
    set_int(router, ZMQ_RCVHWM, 5);
    CHECK_OK(zmq_bind(router, "inproc://dealerhwm"));
    CHECK_OK(zmq_connect(dealer, "inproc://dealerhwm"));
    CHECK(fill(dealer, 1000) == 10);
    CHECK_ERR(send_str(dealer, "x", ZMQ_DONTWAIT), EAGAIN);
    set_int(dealer, ZMQ_SNDTIMEO, 100);
    t0 = now_ms();
    CHECK_ERR(send_str(dealer, "x", 0), EAGAIN);
    elapsed = now_ms() - t0;
    CHECK(elapsed >= 80 && elapsed < 1000);
    /* The ROUTER sees the 10 messages (id + body each), no more. */
    for (i = 0; i < 10; i++) {
        ok &= zmq_recv(router, buf, sizeof buf, 0) == 5;
        ok &= zmq_recv(router, buf, sizeof buf, 0) == 1;
    }
    CHECK(ok);
    CHECK_ERR(zmq_recv(router, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    set_int(dealer, ZMQ_SNDTIMEO, 1000);
    CHECK(send_str(dealer, "y", 0) == 1);
    CHECK_OK(zmq_close(dealer));
    CHECK_OK(zmq_close(router));
}

/* ROUTER towards a full pipe: dropped by default, EAGAIN with MANDATORY. */
static void test_router_full(int mandatory)
{
    void *router = sock(ctx, ZMQ_ROUTER), *dealer = sock(ctx, ZMQ_DEALER);
    char ep[32], buf[8];
    int sent = 0, rc, err, received;

    next_endpoint(ep, sizeof ep);
    set_int(router, ZMQ_SNDHWM, 5);
    set_int(router, ZMQ_ROUTER_MANDATORY, mandatory);
    set_int(dealer, ZMQ_RCVHWM, 5);
    CHECK_OK(zmq_bind(router, ep));
    CHECK_OK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "D", 1));
    CHECK_OK(zmq_connect(dealer, ep));
    CHECK(send_str(dealer, "hi", 0) == 2);
    CHECK(recv_is(router, "D", 1));
    CHECK(recv_is(router, "hi", 0));

    for (;;) {
        rc = send_str(router, "D", ZMQ_SNDMORE | ZMQ_DONTWAIT);
        err = errno;
        if (rc != 1 || sent >= 100)
            break;
        if (send_str(router, "x", ZMQ_DONTWAIT) != 1)
            break;
        sent++;
    }
    if (mandatory) {
        CHECK(sent == 10);
        CHECK(rc == -1 && err == EAGAIN);
        set_int(router, ZMQ_SNDTIMEO, 50);
        CHECK_ERR(send_str(router, "D", ZMQ_SNDMORE), EAGAIN);
        /* An unknown peer is still EHOSTUNREACH, not EAGAIN. */
        CHECK_ERR(send_str(router, "E", ZMQ_SNDMORE | ZMQ_DONTWAIT), EHOSTUNREACH);
    } else {
        CHECK(sent == 100);
    }
    received = drain(dealer);
    CHECK(received == 10);
    /* With room again, the next message goes through. */
    set_int(router, ZMQ_SNDTIMEO, 1000);
    {
        int tries, delivered = 0;
        for (tries = 0; tries < 100 && !delivered; tries++) {
            if (send_str(router, "D", ZMQ_SNDMORE) == 1 && send_str(router, "z", 0) == 1)
                delivered = zmq_recv(dealer, buf, sizeof buf, ZMQ_DONTWAIT) == 1;
            if (!delivered)
                usleep(1000);
        }
        CHECK(delivered);
    }
    CHECK_OK(zmq_close(router));
    CHECK_OK(zmq_close(dealer));
}

#define STREAM_COUNT 100000

static void *streamer(void *push)
{
    int i, ok = 1;
    for (i = 0; i < STREAM_COUNT && ok; i++)
        ok = zmq_send(push, &i, sizeof i, 0) == (int) sizeof i;
    return ok ? push : NULL;
}

/* Below the HWM nothing is lost: 100k blocking sends arrive in order. */
static void test_lossless(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    pthread_t thread;
    void *result = NULL;
    int i, value, in_order = 1, count = 0;

    set_int(push, ZMQ_SNDHWM, 100);
    set_int(pull, ZMQ_RCVHWM, 100);
    set_int(push, ZMQ_SNDTIMEO, 3000);
    set_int(pull, ZMQ_RCVTIMEO, 3000);
    CHECK_OK(zmq_bind(pull, "inproc://lossless"));
    CHECK_OK(zmq_connect(push, "inproc://lossless"));
    CHECK(pthread_create(&thread, NULL, streamer, push) == 0);
    for (i = 0; i < STREAM_COUNT; i++) {
        if (zmq_recv(pull, &value, sizeof value, 0) != (int) sizeof value)
            break;
        count++;
        if (value != i)
            in_order = 0;
    }
    pthread_join(thread, &result);
    CHECK(result == push);
    CHECK(count == STREAM_COUNT);
    CHECK(in_order);
    CHECK_ERR(zmq_recv(pull, &value, sizeof value, ZMQ_DONTWAIT), EAGAIN);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* HWM counts messages, not parts. */
static void test_multipart_hwm(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    int m, p, ok = 1, parts = 0, more = 0;
    size_t len = sizeof more;
    char buf[8];

    set_int(push, ZMQ_SNDHWM, 1);
    set_int(pull, ZMQ_RCVHWM, 1);
    CHECK_OK(zmq_bind(pull, "inproc://parts"));
    CHECK_OK(zmq_connect(push, "inproc://parts"));
    for (m = 0; m < 2; m++)
        for (p = 0; p < 50; p++)
            ok &= zmq_send(push, "p", 1, ZMQ_DONTWAIT | (p < 49 ? ZMQ_SNDMORE : 0)) == 1;
    CHECK(ok);
    /* The third message is refused on its first part. */
    CHECK_ERR(zmq_send(push, "p", 1, ZMQ_DONTWAIT | ZMQ_SNDMORE), EAGAIN);
    for (m = 0; m < 2; m++) {
        do {
            ok &= zmq_recv(pull, buf, sizeof buf, 0) == 1;
            zmq_getsockopt(pull, ZMQ_RCVMORE, &more, &len);
            parts++;
        } while (more && parts < 200);
    }
    CHECK(ok);
    CHECK(parts == 100);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* CONFLATE on the connecting PULL keeps only the newest message. */
static void test_conflate(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    int i, value = -1;
    size_t len = sizeof value;

    set_int(pull, ZMQ_CONFLATE, 1);
    CHECK_OK(zmq_getsockopt(pull, ZMQ_CONFLATE, &value, &len));
    CHECK(value == 1);
    CHECK_OK(zmq_bind(push, "inproc://conflate"));
    CHECK_OK(zmq_connect(pull, "inproc://conflate"));
    for (i = 0; i < 10; i++) {
        char m[4];
        snprintf(m, sizeof m, "%d", i);
        CHECK(send_str(push, m, ZMQ_DONTWAIT) == 1);
    }
    CHECK(recv_is(pull, "9", 0));
    CHECK_ERR(zmq_recv(pull, &value, sizeof value, ZMQ_DONTWAIT), EAGAIN);
    /* A conflated pipe never fills. */
    CHECK(fill(push, 5000) == 5000);
    CHECK(drain(pull) == 1);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* A sender closing mid-message: the receiver never sees the partial
   message, parts already delivered stay whole, and nothing deadlocks (a
   separate context with the default infinite LINGER is terminated). */
static void test_close_mid_message(void)
{
    void *ctx2 = zmq_ctx_new();
    void *push = zmq_socket(ctx2, ZMQ_PUSH), *pull = zmq_socket(ctx2, ZMQ_PULL);
    int timeout = 200, linger = -1;
    size_t len = sizeof linger;
    char buf[8];

    CHECK_OK(zmq_getsockopt(push, ZMQ_LINGER, &linger, &len));
    CHECK(linger == -1);
    CHECK_OK(zmq_setsockopt(pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    set_int(push, ZMQ_SNDHWM, 2);
    CHECK_OK(zmq_bind(pull, "inproc://midclose"));
    CHECK_OK(zmq_connect(push, "inproc://midclose"));

    CHECK(send_str(push, "w1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(push, "w2", ZMQ_SNDMORE) == 2);
    CHECK(send_str(push, "w3", 0) == 2);
    CHECK(send_str(push, "h1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(push, "h2", ZMQ_SNDMORE) == 2);
    /* The receiver is inside the whole message when the sender goes. */
    CHECK(recv_is(pull, "w1", 1));
    CHECK_OK(zmq_close(push));
    CHECK(recv_is(pull, "w2", 1));
    CHECK(recv_is(pull, "w3", 0));
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, 0), EAGAIN);

    /* A new sender on the same PULL is unaffected. */
    push = zmq_socket(ctx2, ZMQ_PUSH);
    CHECK_OK(zmq_connect(push, "inproc://midclose"));
    CHECK(send_str(push, "n1", 0) == 2);
    CHECK(recv_is(pull, "n1", 0));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_ctx_term(ctx2));
}

int main(void)
{
    tu_start("test_hwm");
    alarm(30);
    ctx = zmq_ctx_new();
    test_sum();
    test_resume();
    test_unlimited();
    test_connect_before_bind();
    test_pub_drops();
    test_dealer_blocks();
    test_router_full(0);
    test_router_full(1);
    test_lossless();
    test_multipart_hwm();
    test_conflate();
    test_close_mid_message();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
