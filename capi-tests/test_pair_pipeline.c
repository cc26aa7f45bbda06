/* PAIR and PUSH/PULL routing: exclusive PAIR connections, round-robin,
   fair-queuing, blocking without a peer, multipart atomicity and
   direction errors. inproc only. */
#include "sockutil.h"

#include <time.h>
#include <unistd.h>

static void *ctx;

/* Receives one part into buf (NUL-terminated); returns its size or -1. */
static int recv_str(void *s, char *buf, size_t cap, int flags)
{
    int n = zmq_recv(s, buf, cap - 1, flags);
    buf[n < 0 ? 0 : (size_t) n < cap - 1 ? (size_t) n : cap - 1] = '\0';
    return n;
}

static void test_pair(void)
{
    void *a = sock(ctx, ZMQ_PAIR), *b = sock(ctx, ZMQ_PAIR), *c = sock(ctx, ZMQ_PAIR);
    void *d = sock(ctx, ZMQ_PAIR);
    char buf[16];
    int events = -1;
    size_t len = sizeof events;

    CHECK_OK(zmq_bind(a, "inproc://pair"));
    CHECK_OK(zmq_connect(b, "inproc://pair"));

    /* Both directions, several messages, order kept. */
    CHECK(send_str(b, "b1", 0) == 2);
    CHECK(send_str(b, "b2", 0) == 2);
    CHECK(recv_is(a, "b1", 0));
    CHECK(recv_is(a, "b2", 0));
    CHECK(send_str(a, "a1", 0) == 2);
    CHECK(recv_is(b, "a1", 0));
    CHECK(send_str(a, "", 0) == 0);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);

    /* A second PAIR connecting to the bound one: zmq_connect succeeds and
       (inproc) the connecting side has a pipe at once, so its first send is
       accepted; the binder refuses the pipe, so that message is never
       delivered, and once the refusal arrives the second PAIR has no peer:
       sends block until SNDTIMEO and fail with EAGAIN. */
    CHECK_OK(zmq_connect(c, "inproc://pair"));
    CHECK(send_str(c, "c1", ZMQ_DONTWAIT) == 2);
    set_int(a, ZMQ_RCVTIMEO, 200);
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, 0), EAGAIN);
    set_int(c, ZMQ_SNDTIMEO, 100);
    CHECK_ERR(send_str(c, "c2", 0), EAGAIN);
    CHECK_ERR(send_str(c, "c3", ZMQ_DONTWAIT), EAGAIN);
    CHECK_OK(zmq_getsockopt(c, ZMQ_EVENTS, &events, &len));
    CHECK(events == 0);
    /* The first connection still works both ways; c receives nothing. */
    CHECK(send_str(a, "a2", 0) == 2);
    CHECK(recv_is(b, "a2", 0));
    CHECK(send_str(b, "b3", 0) == 2);
    CHECK(recv_is(a, "b3", 0));
    set_int(c, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(c, buf, sizeof buf, 0), EAGAIN);

    /* When the first peer goes away, a new PAIR can take its place (c stays
       disconnected: inproc does not reconnect). */
    CHECK_OK(zmq_close(b));
    {
        int ok = 0, tries;
        CHECK_OK(zmq_connect(d, "inproc://pair"));
        for (tries = 0; tries < 50 && !ok; tries++) {
            /* The old pipe may still be closing; retry with new sockets. */
            if (send_str(d, "d1", 0) == 2 && recv_str(a, buf, sizeof buf, 0) == 2)
                ok = strcmp(buf, "d1") == 0;
            if (!ok) {
                zmq_close(d);
                d = sock(ctx, ZMQ_PAIR);
                zmq_connect(d, "inproc://pair");
            }
        }
        CHECK(ok);
    }
    CHECK(send_str(a, "a3", 0) == 2);
    CHECK(recv_is(d, "a3", 0));
    CHECK_ERR(zmq_recv(c, buf, sizeof buf, 0), EAGAIN);

    /* PAIR with nobody: EAGAIN, never silently accepted. */
    {
        void *lonely = sock(ctx, ZMQ_PAIR);
        CHECK_OK(zmq_bind(lonely, "inproc://pair-lonely"));
        CHECK_ERR(send_str(lonely, "x", ZMQ_DONTWAIT), EAGAIN);
        CHECK_OK(zmq_close(lonely));
    }

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(c));
    CHECK_OK(zmq_close(d));
}

/* PUSH connects to three bound PULLs: pipes are attached in connect order,
   so message k goes to PULL k % 3. */
static void test_push_round_robin(void)
{
    void *push = sock(ctx, ZMQ_PUSH);
    void *pull[3];
    char name[32], expect[8];
    int i, k;

    for (i = 0; i < 3; i++) {
        pull[i] = sock(ctx, ZMQ_PULL);
        snprintf(name, sizeof name, "inproc://rr%d", i);
        CHECK_OK(zmq_bind(pull[i], name));
        CHECK_OK(zmq_connect(push, name));
    }
    for (k = 0; k < 6; k++) {
        snprintf(expect, sizeof expect, "m%d", k);
        CHECK(send_str(push, expect, 0) == 2);
    }
    for (i = 0; i < 3; i++) {
        char buf[8];
        for (k = i; k < 6; k += 3) {
            snprintf(expect, sizeof expect, "m%d", k);
            CHECK(recv_is(pull[i], expect, 0));
        }
        CHECK_ERR(zmq_recv(pull[i], buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    }

    /* A multipart message goes whole to one PULL; the next one to the next. */
    CHECK(send_str(push, "p1", ZMQ_SNDMORE) == 2);
    CHECK(send_str(push, "p2", ZMQ_SNDMORE) == 2);
    CHECK(send_str(push, "p3", 0) == 2);
    CHECK(send_str(push, "q1", 0) == 2);
    CHECK(recv_is(pull[0], "p1", 1));
    CHECK(recv_is(pull[0], "p2", 1));
    CHECK(recv_is(pull[0], "p3", 0));
    CHECK(recv_is(pull[1], "q1", 0));

    /* Bound PUSH, three connecting PULLs: still an even 2/2/2 split. */
    {
        void *bpush = sock(ctx, ZMQ_PUSH);
        void *bpull[3];
        int counts[3] = {0, 0, 0}, total = 0, even = 1;
        char buf[8];
        CHECK_OK(zmq_bind(bpush, "inproc://rr-bound"));
        for (i = 0; i < 3; i++) {
            bpull[i] = sock(ctx, ZMQ_PULL);
            CHECK_OK(zmq_connect(bpull[i], "inproc://rr-bound"));
        }
        for (k = 0; k < 6; k++)
            CHECK(send_str(bpush, "x", 0) == 1);
        for (i = 0; i < 3; i++) {
            while (zmq_recv(bpull[i], buf, sizeof buf, ZMQ_DONTWAIT) == 1)
                counts[i]++;
            total += counts[i];
            even &= counts[i] == 2;
        }
        CHECK(total == 6);
        CHECK(even);
        for (i = 0; i < 3; i++)
            CHECK_OK(zmq_close(bpull[i]));
        CHECK_OK(zmq_close(bpush));
    }

    for (i = 0; i < 3; i++)
        CHECK_OK(zmq_close(pull[i]));
    CHECK_OK(zmq_close(push));
}

/* PULL fair-queues: with two messages queued from each of three PUSHes,
   receives take one from each sender in turn. */
static void test_pull_fair_queue(void)
{
    void *pull = sock(ctx, ZMQ_PULL);
    void *push[3];
    int i, k, seen[2][3], order_ok = 1, rounds_ok = 1;
    char buf[8];

    CHECK_OK(zmq_bind(pull, "inproc://fq"));
    for (i = 0; i < 3; i++) {
        push[i] = sock(ctx, ZMQ_PUSH);
        CHECK_OK(zmq_connect(push[i], "inproc://fq"));
    }
    for (i = 0; i < 3; i++)
        for (k = 0; k < 2; k++) {
            char m[3] = {(char) ('A' + i), (char) ('1' + k), 0};
            CHECK(send_str(push[i], m, 0) == 2);
        }
    memset(seen, 0, sizeof seen);
    for (k = 0; k < 6; k++) {
        int n = recv_str(pull, buf, sizeof buf, 0);
        int sender = buf[0] - 'A', seq = buf[1] - '1';
        if (n != 2 || sender < 0 || sender > 2 || seq < 0 || seq > 1) {
            order_ok = 0;
            continue;
        }
        /* Round k/3 takes the (k/3)-th message of every sender. */
        if (seq != k / 3)
            rounds_ok = 0;
        seen[k / 3][sender]++;
    }
    CHECK(order_ok);
    CHECK(rounds_ok);
    for (k = 0; k < 2; k++)
        CHECK(seen[k][0] == 1 && seen[k][1] == 1 && seen[k][2] == 1);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    for (i = 0; i < 3; i++)
        CHECK_OK(zmq_close(push[i]));
    CHECK_OK(zmq_close(pull));
}

static void test_no_peer(void)
{
    void *push = sock(ctx, ZMQ_PUSH);
    void *pull;
    double t0, elapsed;
    char buf[8];

    /* Bound PUSH without peers. */
    CHECK_OK(zmq_bind(push, "inproc://nopeer"));
    CHECK_ERR(send_str(push, "x", ZMQ_DONTWAIT), EAGAIN);
    set_int(push, ZMQ_SNDTIMEO, 150);
    t0 = now_ms();
    CHECK_ERR(send_str(push, "x", 0), EAGAIN);
    elapsed = now_ms() - t0;
    CHECK(elapsed >= 120 && elapsed < 1000);
    set_int(push, ZMQ_SNDTIMEO, 0);
    CHECK_ERR(send_str(push, "x", 0), EAGAIN);

    /* Nothing was queued: a PULL connecting now receives nothing. */
    pull = sock(ctx, ZMQ_PULL);
    set_int(pull, ZMQ_RCVTIMEO, 100);
    CHECK_OK(zmq_connect(pull, "inproc://nopeer"));
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, 0), EAGAIN);
    set_int(push, ZMQ_SNDTIMEO, 1000);
    CHECK(send_str(push, "y", 0) == 1);
    CHECK(recv_is(pull, "y", 0));
    CHECK_OK(zmq_close(pull));

    /* PUSH connecting to an endpoint nobody has bound yet: the pipe exists
       from zmq_connect on, so sends queue for the future peer. */
    {
        void *early = sock(ctx, ZMQ_PUSH);
        void *late = sock(ctx, ZMQ_PULL);
        CHECK_OK(zmq_connect(early, "inproc://later"));
        CHECK(send_str(early, "queued", ZMQ_DONTWAIT) == 6);
        CHECK_OK(zmq_bind(late, "inproc://later"));
        CHECK(recv_is(late, "queued", 0));
        CHECK_OK(zmq_close(early));
        CHECK_OK(zmq_close(late));
    }
    CHECK_OK(zmq_close(push));
}

static void test_multipart_atomic(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    char buf[8];
    int more = -1;
    size_t len = sizeof more;

    CHECK_OK(zmq_bind(pull, "inproc://multi"));
    CHECK_OK(zmq_connect(push, "inproc://multi"));

    /* Parts sent with SNDMORE are not visible until the last part. */
    CHECK(send_str(push, "one", ZMQ_SNDMORE) == 3);
    CHECK(send_str(push, "two", ZMQ_SNDMORE) == 3);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    set_int(pull, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, 0), EAGAIN);
    CHECK(send_str(push, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(push, "four", 0) == 4);
    CHECK(recv_is(pull, "one", 1));
    CHECK(recv_is(pull, "two", 1));
    CHECK(recv_is(pull, "", 1));
    CHECK(recv_is(pull, "four", 0));
    CHECK_OK(zmq_getsockopt(pull, ZMQ_RCVMORE, &more, &len));
    CHECK(more == 0);

    /* A message interleaved between two senders stays whole. */
    {
        void *push2 = sock(ctx, ZMQ_PUSH);
        CHECK_OK(zmq_connect(push2, "inproc://multi"));
        CHECK(send_str(push, "a1", ZMQ_SNDMORE) == 2);
        CHECK(send_str(push2, "b1", ZMQ_SNDMORE) == 2);
        CHECK(send_str(push2, "b2", 0) == 2);
        CHECK(send_str(push, "a2", 0) == 2);
        {
            /* Whichever comes first, its two parts are adjacent. */
            char first[8];
            int n = recv_str(pull, first, sizeof first, 0);
            CHECK(n == 2 && (first[0] == 'a' || first[0] == 'b'));
            if (n == 2 && first[0] == 'a') {
                CHECK(recv_is(pull, "a2", 0));
                CHECK(recv_is(pull, "b1", 1));
                CHECK(recv_is(pull, "b2", 0));
            } else {
                CHECK(recv_is(pull, "b2", 0));
                CHECK(recv_is(pull, "a1", 1));
                CHECK(recv_is(pull, "a2", 0));
            }
        }
        CHECK_OK(zmq_close(push2));
    }

    /* A sender closing mid-message: the partial message is never seen. */
    {
        void *quitter = sock(ctx, ZMQ_PUSH);
        CHECK_OK(zmq_connect(quitter, "inproc://multi"));
        CHECK(send_str(quitter, "half", ZMQ_SNDMORE) == 4);
        CHECK_OK(zmq_close(quitter));
        CHECK_ERR(zmq_recv(pull, buf, sizeof buf, 0), EAGAIN);
        CHECK(send_str(push, "whole", 0) == 5);
        CHECK(recv_is(pull, "whole", 0));
    }

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

static void test_wrong_direction(void)
{
    void *push = sock(ctx, ZMQ_PUSH), *pull = sock(ctx, ZMQ_PULL);
    char buf[8];
    zmq_msg_t msg;

    CHECK_OK(zmq_bind(pull, "inproc://dir"));
    CHECK_OK(zmq_connect(push, "inproc://dir"));
    CHECK_ERR(zmq_recv(push, buf, sizeof buf, 0), ENOTSUP);
    CHECK_ERR(zmq_recv(push, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);
    CHECK_ERR(send_str(pull, "x", 0), ENOTSUP);
    CHECK_ERR(send_str(pull, "x", ZMQ_DONTWAIT | ZMQ_SNDMORE), ENOTSUP);
    CHECK_OK(zmq_msg_init(&msg));
    CHECK_ERR(zmq_msg_recv(&msg, push, 0), ENOTSUP);
    CHECK_ERR(zmq_msg_send(&msg, pull, 0), ENOTSUP);
    CHECK_OK(zmq_msg_close(&msg));
    /* The failed calls did not disturb the pipe. */
    CHECK(send_str(push, "ok", 0) == 2);
    CHECK(recv_is(pull, "ok", 0));
    {
        int events = -1;
        size_t len = sizeof events;
        CHECK_OK(zmq_getsockopt(pull, ZMQ_EVENTS, &events, &len));
        CHECK(events == 0);
        CHECK_OK(zmq_getsockopt(push, ZMQ_EVENTS, &events, &len));
        CHECK(events == ZMQ_POLLOUT);
    }
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

int main(void)
{
    tu_start("test_pair_pipeline");
    alarm(20);
    ctx = zmq_ctx_new();
    test_pair();
    test_push_round_robin();
    test_pull_fair_queue();
    test_no_peer();
    test_multipart_atomic();
    test_wrong_direction();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
