/* Context termination with live sockets: zmq_ctx_term and zmq_ctx_shutdown
   wake blocked calls with ETERM, term waits for the sockets to be closed,
   ZMQ_MAX_SOCKETS, LINGER at term, delivery of messages queued before a
   close, and many sockets. */
#include "testutil.h"

#include <pthread.h>
#include <unistd.h>

static void must_set_int(void *s, int option, int value)
{
    if (zmq_setsockopt(s, option, &value, sizeof value) != 0) {
        printf("setsockopt %d failed: %s\n", option, zmq_strerror(errno));
        exit(1);
    }
}

/* ---- term while another thread blocks in recv ---- */

struct term_recv {
    void *ctx;
    int ready_fd; /* written once the socket exists */
    int rc, err, close_rc;
};

static void *term_recv_thread(void *arg)
{
    struct term_recv *t = arg;
    char buf[8];
    void *s = zmq_socket(t->ctx, ZMQ_PULL);
    must_set_int(s, ZMQ_RCVTIMEO, 3000); /* only reached if term fails to wake us */
    zmq_bind(s, "inproc://term-recv");
    if (write(t->ready_fd, "r", 1) != 1)
        exit(1);
    errno = 0;
    t->rc = zmq_recv(s, buf, sizeof buf, 0);
    t->err = errno;
    /* term must wait for this close */
    usleep(100000);
    t->close_rc = zmq_close(s);
    return NULL;
}

static void test_term_wakes_recv(void)
{
    struct term_recv t;
    pthread_t th;
    int p[2];
    char c;
    void *watch;
    unsigned long us;

    CHECK_OK(pipe(p));
    t.ctx = zmq_ctx_new();
    t.ready_fd = p[1];
    t.rc = t.err = t.close_rc = -2;
    CHECK_OK(pthread_create(&th, NULL, term_recv_thread, &t));
    CHECK(read(p[0], &c, 1) == 1);
    usleep(50000); /* let it block in zmq_recv */
    watch = zmq_stopwatch_start();
    CHECK_OK(zmq_ctx_term(t.ctx));
    us = zmq_stopwatch_stop(watch);
    pthread_join(th, NULL);
    CHECK(t.rc == -1 && t.err == ETERM);
    CHECK(t.close_rc == 0);
    /* term returned only after the close, and not by the recv timeout */
    CHECK(us >= 90000 && us < 2000000);
    close(p[0]);
    close(p[1]);
}

/* ---- shutdown wakes blocked recv, send and zmq_poll ---- */

enum { OP_RECV, OP_SEND, OP_POLL, OP_MSG_RECV };

struct blocked {
    void *sock;
    int op;
    int ready_fd;
    int rc, err;
};

static void *blocked_thread(void *arg)
{
    struct blocked *b = arg;
    char buf[8];
    if (write(b->ready_fd, "r", 1) != 1)
        exit(1);
    errno = 0;
    switch (b->op) {
    case OP_RECV:
        b->rc = zmq_recv(b->sock, buf, sizeof buf, 0);
        break;
    case OP_SEND:
        b->rc = zmq_send(b->sock, "x", 1, 0);
        break;
    case OP_POLL: {
        zmq_pollitem_t it;
        it.socket = b->sock;
        it.fd = -1;
        it.events = ZMQ_POLLIN;
        it.revents = 0;
        b->rc = zmq_poll(&it, 1, 3000);
        break;
    }
    case OP_MSG_RECV: {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        b->rc = zmq_msg_recv(&msg, b->sock, 0);
        b->err = errno;
        zmq_msg_close(&msg);
        return NULL;
    }
    }
    b->err = errno;
    return NULL;
}

static void test_shutdown_wakes_blocked(void)
{
    void *ctx = zmq_ctx_new();
    struct blocked b[4];
    pthread_t th[4];
    int p[2], i;
    char c;
    void *watch;
    unsigned long us;

    CHECK_OK(pipe(p));
    b[0].sock = zmq_socket(ctx, ZMQ_PULL);
    b[0].op = OP_RECV;
    CHECK_OK(zmq_bind(b[0].sock, "inproc://shut-recv"));
    b[1].sock = zmq_socket(ctx, ZMQ_PUSH); /* no peer: send blocks */
    b[1].op = OP_SEND;
    b[2].sock = zmq_socket(ctx, ZMQ_PAIR);
    b[2].op = OP_POLL;
    CHECK_OK(zmq_bind(b[2].sock, "inproc://shut-poll"));
    b[3].sock = zmq_socket(ctx, ZMQ_DEALER);
    b[3].op = OP_MSG_RECV;
    for (i = 0; i < 4; i++) {
        /* the timeouts only matter if shutdown fails to wake them */
        must_set_int(b[i].sock, ZMQ_RCVTIMEO, 3000);
        must_set_int(b[i].sock, ZMQ_SNDTIMEO, 3000);
        must_set_int(b[i].sock, ZMQ_LINGER, 0);
        b[i].ready_fd = p[1];
        b[i].rc = b[i].err = -2;
        CHECK_OK(pthread_create(&th[i], NULL, blocked_thread, &b[i]));
    }
    for (i = 0; i < 4; i++)
        CHECK(read(p[0], &c, 1) == 1);
    usleep(50000);
    watch = zmq_stopwatch_start();
    CHECK_OK(zmq_ctx_shutdown(ctx));
    for (i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    us = zmq_stopwatch_stop(watch);
    CHECK(b[0].rc == -1 && b[0].err == ETERM);
    CHECK(b[1].rc == -1 && b[1].err == ETERM);
    CHECK(b[2].rc == -1 && b[2].err == ETERM);
    CHECK(b[3].rc == -1 && b[3].err == ETERM);
    CHECK(us < 2000000);

    /* No new sockets; the old ones can still be closed. */
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PAIR), ETERM);
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PUSH), ETERM);
    for (i = 0; i < 4; i++)
        CHECK_OK(zmq_close(b[i].sock));
    CHECK_OK(zmq_ctx_term(ctx));
    close(p[0]);
    close(p[1]);
}

static void test_max_sockets(void)
{
    void *ctx = zmq_ctx_new();
    void *s[3], *extra = NULL;
    int i, waited = 0;

    CHECK_OK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 3));
    for (i = 0; i < 3; i++) {
        s[i] = zmq_socket(ctx, ZMQ_PAIR);
        CHECK(s[i] != NULL);
    }
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PAIR), EMFILE);
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PUB), EMFILE);

    /* Closing one frees its slot. libzmq frees it asynchronously (in the
       reaper), so allow a little time. */
    CHECK_OK(zmq_close(s[0]));
    while (waited < 2000) {
        errno = 0;
        extra = zmq_socket(ctx, ZMQ_PAIR);
        if (extra || errno != EMFILE)
            break;
        usleep(1000);
        waited++;
    }
    CHECK(extra != NULL);
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PAIR), EMFILE);

    if (extra)
        CHECK_OK(zmq_close(extra));
    CHECK_OK(zmq_close(s[1]));
    CHECK_OK(zmq_close(s[2]));
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_linger_zero(void)
{
    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    void *push2 = zmq_socket(ctx, ZMQ_PUSH), *pull = zmq_socket(ctx, ZMQ_PULL);
    void *watch;
    unsigned long us;
    int i, ok = 1;

    /* Messages queued for a peer that never binds. */
    CHECK_OK(zmq_connect(push, "inproc://nobody-home"));
    for (i = 0; i < 10; i++)
        ok &= zmq_send(push, "unsent", 6, ZMQ_DONTWAIT) == 6;
    CHECK(ok);
    must_set_int(push, ZMQ_LINGER, 0);

    /* Messages a peer never reads. */
    must_set_int(pull, ZMQ_LINGER, 0);
    CHECK_OK(zmq_bind(pull, "inproc://never-read"));
    CHECK_OK(zmq_connect(push2, "inproc://never-read"));
    ok = 1;
    for (i = 0; i < 10; i++)
        ok &= zmq_send(push2, "unread", 6, ZMQ_DONTWAIT) == 6;
    CHECK(ok);
    must_set_int(push2, ZMQ_LINGER, 0);

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(push2));
    CHECK_OK(zmq_close(pull));
    watch = zmq_stopwatch_start();
    CHECK_OK(zmq_ctx_term(ctx));
    us = zmq_stopwatch_stop(watch);
    CHECK(us < 1000000);
}

static void test_queued_before_close(void)
{
    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH), *pull = zmq_socket(ctx, ZMQ_PULL);
    void *late_push = zmq_socket(ctx, ZMQ_PUSH), *late_pull = zmq_socket(ctx, ZMQ_PULL);
    char buf[16];
    int i, ok;

    must_set_int(pull, ZMQ_RCVTIMEO, 2000);
    must_set_int(late_pull, ZMQ_RCVTIMEO, 2000);

    /* Sender closes (default linger) right after sending. */
    CHECK_OK(zmq_bind(pull, "inproc://queued"));
    CHECK_OK(zmq_connect(push, "inproc://queued"));
    ok = 1;
    for (i = 0; i < 10; i++)
        ok &= zmq_send(push, &i, sizeof i, 0) == (int) sizeof i;
    ok &= zmq_send(push, "part1", 5, ZMQ_SNDMORE) == 5;
    ok &= zmq_send(push, "part2", 5, 0) == 5;
    CHECK(ok);
    CHECK_OK(zmq_close(push));
    ok = 1;
    for (i = 0; i < 10; i++) {
        int v = -1;
        ok &= zmq_recv(pull, &v, sizeof v, 0) == (int) sizeof v && v == i;
    }
    CHECK(ok);
    CHECK(zmq_recv(pull, buf, sizeof buf, 0) == 5 && memcmp(buf, "part1", 5) == 0);
    CHECK(zmq_recv(pull, buf, sizeof buf, 0) == 5 && memcmp(buf, "part2", 5) == 0);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* Even when the peer binds only after the sender closed. */
    CHECK_OK(zmq_connect(late_push, "inproc://queued-late"));
    CHECK(zmq_send(late_push, "a", 1, ZMQ_DONTWAIT) == 1);
    CHECK(zmq_send(late_push, "b", 1, ZMQ_DONTWAIT) == 1);
    CHECK(zmq_send(late_push, "c", 1, ZMQ_DONTWAIT) == 1);
    CHECK_OK(zmq_close(late_push));
    CHECK_OK(zmq_bind(late_pull, "inproc://queued-late"));
    CHECK(zmq_recv(late_pull, buf, sizeof buf, 0) == 1 && buf[0] == 'a');
    CHECK(zmq_recv(late_pull, buf, sizeof buf, 0) == 1 && buf[0] == 'b');
    CHECK(zmq_recv(late_pull, buf, sizeof buf, 0) == 1 && buf[0] == 'c');
    CHECK_ERR(zmq_recv(late_pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(late_pull));
    CHECK_OK(zmq_ctx_term(ctx));
}

#define NSOCK 200

static void test_many_sockets(void)
{
    void *ctx = zmq_ctx_new();
    void *s[NSOCK];
    int i, created = 1, wired = 1, delivered = 1, closed = 1;

    for (i = 0; i < NSOCK; i++) {
        s[i] = zmq_socket(ctx, ZMQ_PAIR);
        created &= s[i] != NULL;
        if (s[i])
            must_set_int(s[i], ZMQ_RCVTIMEO, 2000);
    }
    CHECK(created);
    if (!created)
        return;
    for (i = 0; i < NSOCK; i += 2) {
        char name[32];
        snprintf(name, sizeof name, "inproc://many-%d", i);
        wired &= zmq_bind(s[i], name) == 0;
        wired &= zmq_connect(s[i + 1], name) == 0;
        wired &= zmq_send(s[i + 1], &i, sizeof i, 0) == (int) sizeof i;
    }
    CHECK(wired);
    for (i = 0; i < NSOCK; i += 2) {
        int v = -1;
        delivered &= zmq_recv(s[i], &v, sizeof v, 0) == (int) sizeof v && v == i;
    }
    CHECK(delivered);
    for (i = 0; i < NSOCK; i++)
        closed &= zmq_close(s[i]) == 0;
    CHECK(closed);
    CHECK_OK(zmq_ctx_term(ctx));
}

int main(void)
{
    tu_start("test_ctx_term");
    alarm(30); /* a hang is a failure */
    test_term_wakes_recv();
    test_shutdown_wakes_blocked();
    test_max_sockets();
    test_linger_zero();
    test_queued_before_close();
    test_many_sockets();
    return tu_finish();
}
