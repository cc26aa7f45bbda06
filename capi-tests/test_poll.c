/* zmq_poll over sockets and raw fds, its timeouts, and the ZMQ_FD /
   ZMQ_EVENTS edge-triggered contract driven from a plain poll(2) loop. */
#include "sockutil.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

static void *ctx;
static int name_seq;

static void mk_pair(int ta, void **a, int tb, void **b)
{
    char name[64];
    snprintf(name, sizeof name, "inproc://poll-%d", name_seq++);
    *b = sock_timeout(ctx, tb, 2000);
    *a = sock_timeout(ctx, ta, 2000);
    if (zmq_bind(*b, name) != 0 || zmq_connect(*a, name) != 0) {
        printf("bind/connect %s failed: %s\n", name, zmq_strerror(errno));
        exit(1);
    }
}

static int get_events(void *s)
{
    int v = -1;
    size_t len = sizeof v;
    if (zmq_getsockopt(s, ZMQ_EVENTS, &v, &len) != 0)
        return -1;
    return v;
}

static zmq_pollitem_t sock_item(void *s, short events)
{
    zmq_pollitem_t it;
    it.socket = s;
    it.fd = -1;
    it.events = events;
    it.revents = 0x7f; /* garbage: zmq_poll must clear it */
    return it;
}

static zmq_pollitem_t fd_item(int fd, short events)
{
    zmq_pollitem_t it;
    it.socket = NULL;
    it.fd = fd;
    it.events = events;
    it.revents = 0x7f;
    return it;
}

/* poll(2) on a raw fd for readability. */
static int fd_readable(int fd, int timeout)
{
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return poll(&p, 1, timeout);
}

static void test_sockets(void)
{
    void *a, *b, *c, *d;
    zmq_pollitem_t it[4];
    char buf[8];

    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);
    mk_pair(ZMQ_PUSH, &c, ZMQ_PULL, &d);

    it[0] = sock_item(b, ZMQ_POLLIN);
    CHECK(zmq_poll(it, 1, 0) == 0);
    CHECK(it[0].revents == 0);
    it[0] = sock_item(b, ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLOUT);
    it[0] = sock_item(b, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLOUT);

    CHECK(zmq_send(a, "m", 1, 0) == 1);
    it[0] = sock_item(b, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == (ZMQ_POLLIN | ZMQ_POLLOUT));
    /* level-triggered: still ready on the next call */
    it[0].revents = 0x7f;
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == (ZMQ_POLLIN | ZMQ_POLLOUT));
    /* no events asked, none reported */
    it[0] = sock_item(b, 0);
    CHECK(zmq_poll(it, 1, 0) == 0);
    CHECK(it[0].revents == 0);
    /* POLLERR and POLLPRI are never reported for sockets */
    it[0] = sock_item(b, ZMQ_POLLIN | ZMQ_POLLERR | ZMQ_POLLPRI);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLIN);
    /* the fd member of a socket item is ignored */
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[0].fd = 0;
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLIN);

    /* The same socket twice, and the count of ready items. */
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = sock_item(b, ZMQ_POLLOUT);
    it[2] = sock_item(a, ZMQ_POLLIN);
    it[3] = sock_item(d, ZMQ_POLLIN);
    CHECK(zmq_poll(it, 4, 0) == 2);
    CHECK(it[0].revents == ZMQ_POLLIN && it[1].revents == ZMQ_POLLOUT);
    CHECK(it[2].revents == 0 && it[3].revents == 0);

    CHECK(zmq_send(c, "p", 1, 0) == 1);
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = sock_item(b, ZMQ_POLLOUT);
    it[2] = sock_item(a, ZMQ_POLLIN);
    it[3] = sock_item(d, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 4, 0) == 3);
    CHECK(it[0].revents == ZMQ_POLLIN && it[1].revents == ZMQ_POLLOUT);
    CHECK(it[2].revents == 0 && it[3].revents == ZMQ_POLLIN);

    /* After the reads, POLLIN is gone again. */
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1);
    CHECK(zmq_recv(d, buf, sizeof buf, 0) == 1);
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = sock_item(d, ZMQ_POLLIN);
    CHECK(zmq_poll(it, 2, 0) == 0);
    CHECK(it[0].revents == 0 && it[1].revents == 0);

    /* A PUSH with no peer is not writable; a PULL never is. */
    {
        void *lonely = sock_timeout(ctx, ZMQ_PUSH, 2000);
        it[0] = sock_item(lonely, ZMQ_POLLOUT);
        it[1] = sock_item(d, ZMQ_POLLOUT);
        it[2] = sock_item(c, ZMQ_POLLOUT);
        CHECK(zmq_poll(it, 3, 0) == 1);
        CHECK(it[0].revents == 0 && it[1].revents == 0 && it[2].revents == ZMQ_POLLOUT);
        zmq_close(lonely);
    }

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
    CHECK_OK(zmq_close(c));
    CHECK_OK(zmq_close(d));
}

static void test_mixed_fds(void)
{
    void *a, *b;
    int p[2], q[2];
    zmq_pollitem_t it[3];
    char buf[8];

    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);
    CHECK_OK(pipe(p));

    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = fd_item(p[0], ZMQ_POLLIN);
    it[2] = fd_item(p[1], ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 3, 0) == 1);
    CHECK(it[0].revents == 0 && it[1].revents == 0 && it[2].revents == ZMQ_POLLOUT);

    CHECK(write(p[1], "x", 1) == 1);
    it[0].revents = it[1].revents = it[2].revents = 0x7f;
    CHECK(zmq_poll(it, 3, 0) == 2);
    CHECK(it[0].revents == 0 && it[1].revents == ZMQ_POLLIN && it[2].revents == ZMQ_POLLOUT);

    CHECK(zmq_send(a, "m", 1, 0) == 1);
    CHECK(zmq_poll(it, 3, 0) == 3);
    CHECK(it[0].revents == ZMQ_POLLIN && it[1].revents == ZMQ_POLLIN
          && it[2].revents == ZMQ_POLLOUT);

    CHECK(read(p[0], buf, sizeof buf) == 1);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1);
    CHECK(zmq_poll(it, 3, 0) == 1);
    CHECK(it[0].revents == 0 && it[1].revents == 0 && it[2].revents == ZMQ_POLLOUT);

    /* Raw fds: any poll() condition besides IN/OUT/PRI becomes POLLERR.
       A pipe whose writer is closed reports hang-up (POLLERR), with POLLIN
       only while data is left, and even when no event was asked for. */
    CHECK(write(p[1], "y", 1) == 1);
    CHECK_OK(close(p[1]));
    it[0] = fd_item(p[0], ZMQ_POLLIN);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == (ZMQ_POLLIN | ZMQ_POLLERR));
    CHECK(read(p[0], buf, sizeof buf) == 1);
    it[0] = fd_item(p[0], ZMQ_POLLIN);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLERR);
    it[0] = fd_item(p[0], 0);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == ZMQ_POLLERR);
    CHECK_OK(close(p[0]));

    /* A pipe whose reader is closed: writable, and in error. */
    CHECK_OK(pipe(q));
    CHECK_OK(close(q[0]));
    it[0] = fd_item(q[1], ZMQ_POLLOUT);
    CHECK(zmq_poll(it, 1, 0) == 1);
    CHECK(it[0].revents == (ZMQ_POLLOUT | ZMQ_POLLERR));
    CHECK_OK(close(q[1]));

    /* An fd that is not open (POLLNVAL) is an error too, not a failure of
       the whole call. */
    {
        int bad = 1000;
        while (fcntl(bad, F_GETFD) != -1)
            bad++;
        it[0] = fd_item(bad, ZMQ_POLLIN);
        it[1] = sock_item(b, ZMQ_POLLOUT);
        CHECK(zmq_poll(it, 2, 0) == 2);
        CHECK(it[0].revents == ZMQ_POLLERR && it[1].revents == ZMQ_POLLOUT);
    }

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

struct delayed {
    void *sock; /* send one message on it after the delay, or */
    int fd;     /* write one byte to it */
    int delay_ms;
    int rc;
};

static void *delayed_thread(void *arg)
{
    struct delayed *d = arg;
    usleep((useconds_t) d->delay_ms * 1000);
    if (d->sock)
        d->rc = zmq_send(d->sock, "late", 4, 0);
    else
        d->rc = (int) write(d->fd, "z", 1);
    return NULL;
}

static void test_timeouts(void)
{
    void *a, *b;
    zmq_pollitem_t it[2];
    void *watch;
    unsigned long us;
    pthread_t th;
    struct delayed d;
    int p[2];
    char buf[8];

    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);
    CHECK_OK(pipe(p));

    /* 0: return at once. */
    it[0] = sock_item(b, ZMQ_POLLIN);
    watch = zmq_stopwatch_start();
    CHECK(zmq_poll(it, 1, 0) == 0);
    us = zmq_stopwatch_stop(watch);
    CHECK(us < 50000);

    /* Positive: 0 after about the timeout. */
    it[0] = sock_item(b, ZMQ_POLLIN);
    watch = zmq_stopwatch_start();
    CHECK(zmq_poll(it, 1, 100) == 0);
    us = zmq_stopwatch_stop(watch);
    CHECK(us >= 95000 && us < 1100000);
    CHECK(it[0].revents == 0);

    /* Raw fds only. */
    it[0] = fd_item(p[0], ZMQ_POLLIN);
    watch = zmq_stopwatch_start();
    CHECK(zmq_poll(it, 1, 100) == 0);
    us = zmq_stopwatch_stop(watch);
    CHECK(us >= 95000 && us < 1100000);

    /* No items: just sleeps. */
    watch = zmq_stopwatch_start();
    CHECK(zmq_poll(NULL, 0, 50) == 0);
    us = zmq_stopwatch_stop(watch);
    CHECK(us >= 45000 && us < 1050000);

    /* -1: wait until another thread sends, 100 ms later. */
    d.sock = a;
    d.fd = -1;
    d.delay_ms = 100;
    d.rc = -2;
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = fd_item(p[0], ZMQ_POLLIN);
    watch = zmq_stopwatch_start();
    CHECK_OK(pthread_create(&th, NULL, delayed_thread, &d));
    CHECK(zmq_poll(it, 2, -1) == 1);
    us = zmq_stopwatch_stop(watch);
    pthread_join(th, NULL);
    CHECK(d.rc == 4);
    CHECK(it[0].revents == ZMQ_POLLIN && it[1].revents == 0);
    CHECK(us >= 90000 && us < 1100000);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);

    /* A long timeout ends early when a raw fd becomes readable. */
    d.sock = NULL;
    d.fd = p[1];
    d.delay_ms = 100;
    d.rc = -2;
    it[0] = sock_item(b, ZMQ_POLLIN);
    it[1] = fd_item(p[0], ZMQ_POLLIN);
    watch = zmq_stopwatch_start();
    CHECK_OK(pthread_create(&th, NULL, delayed_thread, &d));
    CHECK(zmq_poll(it, 2, 3000) == 1);
    us = zmq_stopwatch_stop(watch);
    pthread_join(th, NULL);
    CHECK(d.rc == 1);
    CHECK(it[0].revents == 0 && it[1].revents == ZMQ_POLLIN);
    CHECK(us >= 90000 && us < 1500000);

    CHECK_OK(close(p[0]));
    CHECK_OK(close(p[1]));
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

/* ---- ZMQ_FD ---- */

#define FD_TOTAL 3000
#define FD_BURST 300

struct burst_sender {
    void *push;
    int failures;
};

static void *burst_thread(void *arg)
{
    struct burst_sender *bs = arg;
    int i;
    usleep(20000); /* let the receiver go to sleep on the fd first */
    for (i = 0; i < FD_TOTAL; i++) {
        if (zmq_send(bs->push, &i, sizeof i, 0) != (int) sizeof i)
            bs->failures++;
        if (i % FD_BURST == FD_BURST - 1)
            usleep(2000);
    }
    return NULL;
}

/* The receiver sleeps only in poll(2) on ZMQ_FD; when woken it reads
   ZMQ_EVENTS and drains with DONTWAIT until EAGAIN, and re-reads
   ZMQ_EVENTS before sleeping again. */
static void test_fd_event_loop(void)
{
    void *push, *pull;
    zmq_fd_t fd = -1;
    size_t len = sizeof fd;
    struct burst_sender bs;
    pthread_t th;
    int got = 0, in_order = 1, sleeps = 0, wakeups = 0, timed_out = 0, other_err = 0;

    mk_pair(ZMQ_PUSH, &push, ZMQ_PULL, &pull);
    CHECK_OK(zmq_getsockopt(pull, ZMQ_FD, &fd, &len));
    CHECK(len == sizeof fd && fd >= 0);

    bs.push = push;
    bs.failures = 0;
    CHECK_OK(pthread_create(&th, NULL, burst_thread, &bs));
    while (got < FD_TOTAL) {
        int events = get_events(pull);
        if (events < 0) {
            other_err = 1;
            break;
        }
        if (events & ZMQ_POLLIN) {
            for (;;) {
                int v = -1;
                int rc = zmq_recv(pull, &v, sizeof v, ZMQ_DONTWAIT);
                if (rc == -1) {
                    if (errno != EAGAIN)
                        other_err = 1;
                    break;
                }
                if (rc != (int) sizeof v || v != got)
                    in_order = 0;
                got++;
            }
            if (other_err)
                break;
            continue;
        }
        sleeps++;
        if (fd_readable(fd, 2000) != 1) {
            timed_out = 1;
            break;
        }
        wakeups++;
    }
    pthread_join(th, NULL);
    if (got != FD_TOTAL || timed_out)
        printf("  got %d of %d, sleeps %d, wakeups %d, timed out %d\n", got, FD_TOTAL,
               sleeps, wakeups, timed_out);
    CHECK(bs.failures == 0);
    CHECK(!other_err);
    CHECK(!timed_out);
    CHECK(got == FD_TOTAL);
    CHECK(in_order);
    CHECK(wakeups >= 1);

    /* ZMQ_FD is stable for the socket's life. */
    {
        zmq_fd_t again = -1;
        len = sizeof again;
        CHECK_OK(zmq_getsockopt(pull, ZMQ_FD, &again, &len));
        CHECK(again == fd);
    }
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

static void test_fd_edge(void)
{
    void *a, *b;
    zmq_fd_t fd = -1;
    size_t len = sizeof fd;
    char buf[8];
    int round, ok;

    mk_pair(ZMQ_PAIR, &a, ZMQ_PAIR, &b);
    CHECK_OK(zmq_getsockopt(b, ZMQ_FD, &fd, &len));

    CHECK(zmq_send(a, "1", 1, 0) == 1);
    CHECK(zmq_send(a, "2", 1, 0) == 1);
    CHECK(zmq_send(a, "3", 1, 0) == 1);
    CHECK(get_events(b) == (ZMQ_POLLIN | ZMQ_POLLOUT));
    ok = 1;
    ok &= zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT) == 1;
    ok &= zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT) == 1;
    ok &= zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT) == 1;
    CHECK(ok);
    CHECK_ERR(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    for (round = 0; round < 3; round++) {
        /* Drained and ZMQ_EVENTS read: the fd stays quiet... */
        CHECK(get_events(b) == ZMQ_POLLOUT);
        CHECK(fd_readable(fd, 0) == 0);
        CHECK(fd_readable(fd, 30) == 0);
        /* ...until there is new activity. */
        CHECK(zmq_send(a, "n", 1, 0) == 1);
        CHECK(fd_readable(fd, 1000) == 1);
        CHECK(get_events(b) == (ZMQ_POLLIN | ZMQ_POLLOUT));
        CHECK(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT) == 1);
        CHECK_ERR(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    }
    CHECK(get_events(b) == ZMQ_POLLOUT);
    CHECK(fd_readable(fd, 0) == 0);

    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

/* ZMQ_EVENTS reflects every send and recv. */
static void test_events_track(void)
{
    void *push, *pull;
    int hwm = 1, sent = 0, i, ok;
    char name[64];

    snprintf(name, sizeof name, "inproc://poll-%d", name_seq++);
    pull = sock_timeout(ctx, ZMQ_PULL, 2000);
    push = sock_timeout(ctx, ZMQ_PUSH, 2000);
    zmq_setsockopt(pull, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    CHECK_OK(zmq_bind(pull, name));
    CHECK_OK(zmq_connect(push, name));

    CHECK(get_events(push) == ZMQ_POLLOUT);
    CHECK(get_events(pull) == 0);
    while (sent < 100 && zmq_send(push, "h", 1, ZMQ_DONTWAIT) == 1) {
        sent++;
        CHECK(get_events(pull) == ZMQ_POLLIN);
    }
    CHECK(sent >= 1 && sent < 100);
    CHECK(get_events(push) == 0);
    ok = 1;
    for (i = 0; i < sent; i++) {
        ok &= zmq_recv(pull, name, sizeof name, ZMQ_DONTWAIT) == 1;
        ok &= get_events(pull) == (i < sent - 1 ? ZMQ_POLLIN : 0);
    }
    CHECK(ok);
    CHECK(get_events(push) == ZMQ_POLLOUT);
    CHECK(zmq_send(push, "h", 1, ZMQ_DONTWAIT) == 1);
    CHECK(get_events(pull) == ZMQ_POLLIN);

    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

int main(void)
{
    tu_start("test_poll");
    alarm(30); /* a hang is a failure */
    ctx = zmq_ctx_new();
    test_sockets();
    test_mixed_fds();
    test_timeouts();
    test_fd_event_loop();
    test_fd_edge();
    test_events_track();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
