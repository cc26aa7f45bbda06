/* Helpers shared by the socket tests (after testutil.h). Each is inline so
   a test that does not use one gets no unused-function warning. */
#ifndef FERROZMQ_SOCKUTIL_H
#define FERROZMQ_SOCKUTIL_H

#include "testutil.h"

#include <stdint.h>
#include <time.h>

/* A socket whose blocking calls give up after timeout_ms (so a failing
   test never hangs) and which never lingers at close. */
static inline void *sock_timeout(void *ctx, int type, int timeout_ms)
{
    void *s = zmq_socket(ctx, type);
    int timeout = timeout_ms, linger = 0;
    if (!s) {
        printf("zmq_socket(%d) failed: %s\n", type, zmq_strerror(errno));
        exit(1);
    }
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    return s;
}

static inline void *sock(void *ctx, int type)
{
    return sock_timeout(ctx, type, 1000);
}

static inline void set_int(void *s, int option, int value)
{
    CHECK_OK(zmq_setsockopt(s, option, &value, sizeof value));
}

static inline int send_str(void *s, const char *str, int flags)
{
    return zmq_send(s, str, strlen(str), flags);
}

/* 1 if the next part is exactly `expect` with the given RCVMORE. */
static inline int recv_is(void *s, const char *expect, int more)
{
    char buf[256];
    int rcvmore = -1;
    size_t len = sizeof rcvmore;
    int n = zmq_recv(s, buf, sizeof buf - 1, 0);
    if (n < 0) {
        printf("  recv: %s (expected \"%s\")\n", zmq_strerror(errno), expect);
        return 0;
    }
    buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = '\0';
    zmq_getsockopt(s, ZMQ_RCVMORE, &rcvmore, &len);
    if (n != (int) strlen(expect) || memcmp(buf, expect, n) != 0 || rcvmore != more) {
        printf("  recv: \"%s\" (%d bytes) more=%d (expected \"%s\" more=%d)\n", buf, n,
               rcvmore, expect, more);
        return 0;
    }
    return 1;
}

/* 1 if nothing arrives on s within ms (RCVTIMEO goes back to 1 s). */
static inline int nothing_within(void *s, int ms)
{
    char buf[64];
    int timeout = ms, rc, err;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    rc = zmq_recv(s, buf, sizeof buf, 0);
    err = errno;
    timeout = 1000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (rc >= 0)
        printf("  unexpected message of %d bytes\n", rc);
    return rc == -1 && err == EAGAIN;
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Receives one part as a message; returns its size or -1, and RCVMORE. */
static inline int recv_part(void *s, void *buf, size_t cap, int *more)
{
    zmq_msg_t msg;
    int n;
    zmq_msg_init(&msg);
    n = zmq_msg_recv(&msg, s, 0);
    if (n >= 0) {
        memcpy(buf, zmq_msg_data(&msg), (size_t) n < cap ? (size_t) n : cap);
        *more = zmq_msg_more(&msg);
    }
    zmq_msg_close(&msg);
    return n;
}

/* The next event on a PAIR connected to a monitor endpoint: its number,
   value and endpoint; 0 when none came within the PAIR's RCVTIMEO. */
static inline int monitor_event(void *mon, uint32_t *value, char *endpoint, size_t cap)
{
    uint8_t head[6];
    uint16_t event;
    int n = zmq_recv(mon, head, sizeof head, 0);
    if (n != 6)
        return 0;
    memcpy(&event, head, 2);
    memcpy(value, head + 2, 4);
    n = zmq_recv(mon, endpoint, cap - 1, 0);
    endpoint[n < 0 ? 0 : (size_t) n < cap ? n : (int) cap - 1] = '\0';
    return event;
}

/* Waits for event `want`, skipping others; 1 if it came. */
static inline int expect_monitor_event(void *mon, int want, char *endpoint, size_t cap)
{
    uint32_t value;
    int event;
    while ((event = monitor_event(mon, &value, endpoint, cap)) != 0) {
        if (event == want)
            return 1;
    }
    printf("  event 0x%x did not come\n", want);
    return 0;
}

#endif
