/* evlog.h: a socket's monitor events, collected by a thread, for tests
 * that check them after the fact.
 *
 *   evlog_start(ctx, s, who)   monitor s (ZMQ_EVENT_ALL); call before s
 *                              binds or connects so no event is missed;
 *                              who != NULL prints each event to stderr
 *   evlog_stop(s)              stop monitoring and wait for the thread
 *                              (again: nothing happens)
 *   evlog_handshake(out, max)  the HANDSHAKE_* events so far, in order
 *   evlog_format(e, buf, cap)  "NAME 0xVALUE"
 *
 * One monitored socket per process (the events live in static storage).
 * Only <zmq.h>, POSIX threads and libc are used.
 */
#ifndef INTEROP_EVLOG_H
#define INTEROP_EVLOG_H

#include <zmq.h>

#include "peerutil.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EVLOG_MAX 256
#define EVLOG_ENDPOINT "inproc://evlog-monitor"

typedef struct {
    uint16_t id;
    uint32_t value;
} evlog_event_t;

static evlog_event_t evlog_events[EVLOG_MAX];
static int evlog_count;
static pthread_mutex_t evlog_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int evlog_stopping;
static const char *evlog_who;
static pthread_t evlog_thread;
static int evlog_running;

static inline int evlog_is_handshake(uint16_t id)
{
    return id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED || id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
           || id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
}

static inline void evlog_format(const evlog_event_t *e, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s 0x%x", event_name(e->id), e->value);
}

static inline void *evlog_run(void *arg)
{
    void *mon = arg;
    int t = 100, stopped = 0;
    zmq_setsockopt(mon, ZMQ_RCVTIMEO, &t, sizeof t);
    /* Ends at MONITOR_STOPPED or, should a library not send it, at the
     * first quiet 100 ms after evlog_stop() was called. */
    while (!stopped) {
        zmq_msg_t ev, addr;
        evlog_event_t e = {0, 0};
        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, mon, 0) < 0) {
            zmq_msg_close(&ev);
            if (evlog_stopping)
                break;
            continue;
        }
        if (zmq_msg_size(&ev) >= 6) {
            memcpy(&e.id, zmq_msg_data(&ev), 2);
            memcpy(&e.value, (char *)zmq_msg_data(&ev) + 2, 4);
        }
        zmq_msg_init(&addr);
        if (zmq_msg_more(&ev))
            zmq_msg_recv(&addr, mon, 0);
        zmq_msg_close(&addr);
        zmq_msg_close(&ev);
        stopped = e.id == ZMQ_EVENT_MONITOR_STOPPED;
        pthread_mutex_lock(&evlog_lock);
        if (evlog_count < EVLOG_MAX)
            evlog_events[evlog_count++] = e;
        pthread_mutex_unlock(&evlog_lock);
        if (evlog_who)
            fprintf(stderr, "%s: event %s %u\n", evlog_who, event_name(e.id), e.value);
    }
    zmq_close(mon);
    return NULL;
}

/* Returns 0, or -1 (zmq_errno() tells why, unless the thread failed). */
static inline int evlog_start(void *ctx, void *s, const char *who)
{
    void *mon;
    evlog_who = who;
    if (zmq_socket_monitor(s, EVLOG_ENDPOINT, ZMQ_EVENT_ALL) != 0)
        return -1;
    mon = zmq_socket(ctx, ZMQ_PAIR);
    if (!mon || zmq_connect(mon, EVLOG_ENDPOINT) != 0)
        return -1;
    if (pthread_create(&evlog_thread, NULL, evlog_run, mon) != 0)
        return -1;
    evlog_running = 1;
    return 0;
}

static inline void evlog_stop(void *s)
{
    if (!evlog_running)
        return;
    zmq_socket_monitor(s, NULL, 0);
    evlog_stopping = 1;
    pthread_join(evlog_thread, NULL);
    evlog_running = 0;
}

static inline int evlog_handshake(evlog_event_t *out, int max)
{
    int i, n = 0;
    pthread_mutex_lock(&evlog_lock);
    for (i = 0; i < evlog_count && n < max; i++)
        if (evlog_is_handshake(evlog_events[i].id))
            out[n++] = evlog_events[i];
    pthread_mutex_unlock(&evlog_lock);
    return n;
}

#endif
