/* server: the victim for hostile.py. A ROUTER echo server.
 *
 *   server <endpoint> <seconds> <maxmsgsize|-> <handshake_ivl_ms|->
 *
 * "-" leaves the option at libzmq's default (ZMQ_MAXMSGSIZE -1 = unlimited,
 * ZMQ_HANDSHAKE_IVL 30000 ms). Prints "endpoint <ZMQ_LAST_ENDPOINT>" once
 * bound (a wildcard tcp port becomes the real one). Then, until <seconds>
 * pass or a client sends "QUIT":
 *   - every message [id, frames...] is echoed back to its sender (DONTWAIT,
 *     so a client that never reads cannot block the server);
 *   - [id, "STATS"] is answered with "msgs=N frames=N bytes=N" (counting
 *     everything except STATS/QUIT requests);
 *   - [id, "QUIT"] is answered with "bye" and ends the loop.
 * Socket monitor events (ZMQ_EVENT_ALL over inproc) are printed as
 *   "event <NAME> <value> <address>"
 * if zmq_socket_monitor() is available; they are informational only.
 * At the end it prints "stats ..." and "clean exit" and returns 0.
 * alarm() kills it if the loop ever wedges.
 *
 * Only <zmq.h> and libc (POSIX) are used.
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAMES 64

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *event_name(unsigned ev)
{
    switch (ev) {
    case ZMQ_EVENT_CONNECTED: return "CONNECTED";
    case ZMQ_EVENT_CONNECT_DELAYED: return "CONNECT_DELAYED";
    case ZMQ_EVENT_CONNECT_RETRIED: return "CONNECT_RETRIED";
    case ZMQ_EVENT_LISTENING: return "LISTENING";
    case ZMQ_EVENT_BIND_FAILED: return "BIND_FAILED";
    case ZMQ_EVENT_ACCEPTED: return "ACCEPTED";
    case ZMQ_EVENT_ACCEPT_FAILED: return "ACCEPT_FAILED";
    case ZMQ_EVENT_CLOSED: return "CLOSED";
    case ZMQ_EVENT_CLOSE_FAILED: return "CLOSE_FAILED";
    case ZMQ_EVENT_DISCONNECTED: return "DISCONNECTED";
    case ZMQ_EVENT_MONITOR_STOPPED: return "MONITOR_STOPPED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: return "HANDSHAKE_FAILED_NO_DETAIL";
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "HANDSHAKE_SUCCEEDED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return "HANDSHAKE_FAILED_PROTOCOL";
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return "HANDSHAKE_FAILED_AUTH";
    default: return "UNKNOWN";
    }
}

static void print_event(void *mon)
{
    zmq_msg_t ev, addr;
    uint16_t id = 0;
    uint32_t value = 0;
    zmq_msg_init(&ev);
    zmq_msg_init(&addr);
    if (zmq_msg_recv(&ev, mon, ZMQ_DONTWAIT) < 0)
        goto out;
    if (zmq_msg_more(&ev))
        zmq_msg_recv(&addr, mon, 0);
    if (zmq_msg_size(&ev) >= 6) {
        memcpy(&id, zmq_msg_data(&ev), 2);
        memcpy(&value, (char *)zmq_msg_data(&ev) + 2, 4);
    }
    printf("event %s 0x%x %.*s\n", event_name(id), value, (int)zmq_msg_size(&addr),
           (const char *)zmq_msg_data(&addr));
out:
    zmq_msg_close(&ev);
    zmq_msg_close(&addr);
}

int main(int argc, char **argv)
{
    void *ctx, *router, *mon = NULL;
    char last[1024];
    size_t len = sizeof last;
    long deadline, seconds;
    unsigned long msgs = 0, frames = 0, bytes = 0, echoed = 0, dropped = 0;
    int quit = 0, zero = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: server <endpoint> <seconds> <maxmsgsize|-> <handshake_ivl_ms|->\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    seconds = atol(argv[2]);
    alarm((unsigned)seconds + 10);

    ctx = zmq_ctx_new();
    router = zmq_socket(ctx, ZMQ_ROUTER);
    if (!router) {
        fprintf(stderr, "server: zmq_socket: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_setsockopt(router, ZMQ_LINGER, &zero, sizeof zero);
    if (strcmp(argv[3], "-") != 0) {
        int64_t max = atoll(argv[3]);
        if (zmq_setsockopt(router, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0) {
            fprintf(stderr, "server: ZMQ_MAXMSGSIZE: %s\n", zmq_strerror(zmq_errno()));
            return 1;
        }
    }
    if (strcmp(argv[4], "-") != 0) {
        int ivl = atoi(argv[4]);
        if (zmq_setsockopt(router, ZMQ_HANDSHAKE_IVL, &ivl, sizeof ivl) != 0) {
            fprintf(stderr, "server: ZMQ_HANDSHAKE_IVL: %s\n", zmq_strerror(zmq_errno()));
            return 1;
        }
    }
    if (zmq_socket_monitor(router, "inproc://server-monitor", ZMQ_EVENT_ALL) == 0) {
        mon = zmq_socket(ctx, ZMQ_PAIR);
        if (!mon || zmq_connect(mon, "inproc://server-monitor") != 0) {
            printf("monitor unavailable: %s\n", zmq_strerror(zmq_errno()));
            mon = NULL;
        }
    } else {
        printf("monitor unavailable: %s\n", zmq_strerror(zmq_errno()));
    }
    if (zmq_bind(router, argv[1]) != 0) {
        fprintf(stderr, "server: zmq_bind(%s): %s\n", argv[1], zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, last, &len);
    printf("endpoint %s\n", last);

    deadline = now_ms() + seconds * 1000;
    while (!quit && now_ms() < deadline) {
        zmq_pollitem_t items[2];
        int n = 1, rc;
        items[0].socket = router;
        items[0].fd = 0;
        items[0].events = ZMQ_POLLIN;
        items[0].revents = 0;
        if (mon) {
            items[1].socket = mon;
            items[1].fd = 0;
            items[1].events = ZMQ_POLLIN;
            items[1].revents = 0;
            n = 2;
        }
        rc = zmq_poll(items, n, 100);
        if (rc < 0) {
            fprintf(stderr, "server: zmq_poll: %s\n", zmq_strerror(zmq_errno()));
            continue;
        }
        if (n == 2 && (items[1].revents & ZMQ_POLLIN))
            print_event(mon);
        if (items[0].revents & ZMQ_POLLIN) {
            zmq_msg_t parts[MAX_FRAMES];
            int np = 0, more = 1, i, total = 0;
            unsigned long b = 0;
            while (more) {
                zmq_msg_t m;
                zmq_msg_init(&m);
                if (zmq_msg_recv(&m, router, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&m);
                    break;
                }
                more = zmq_msg_more(&m);
                b += zmq_msg_size(&m);
                total++;
                if (np < MAX_FRAMES)
                    parts[np++] = m;
                else
                    zmq_msg_close(&m);
            }
            if (np == 2 && zmq_msg_size(&parts[1]) == 5 && !memcmp(zmq_msg_data(&parts[1]), "STATS", 5)) {
                char buf[128];
                int l = snprintf(buf, sizeof buf, "msgs=%lu frames=%lu bytes=%lu", msgs, frames, bytes);
                zmq_send(router, zmq_msg_data(&parts[0]), zmq_msg_size(&parts[0]), ZMQ_SNDMORE);
                zmq_send(router, buf, (size_t)l, ZMQ_DONTWAIT);
            } else if (np == 2 && zmq_msg_size(&parts[1]) == 4 &&
                       !memcmp(zmq_msg_data(&parts[1]), "QUIT", 4)) {
                zmq_send(router, zmq_msg_data(&parts[0]), zmq_msg_size(&parts[0]), ZMQ_SNDMORE);
                zmq_send(router, "bye", 3, ZMQ_DONTWAIT);
                quit = 1;
            } else {
                msgs++;
                frames += (unsigned long)(total - 1);
                bytes += b - (np ? zmq_msg_size(&parts[0]) : 0);
                if (total == np) {
                    int ok = 1;
                    for (i = 0; i < np && ok; i++)
                        ok = zmq_msg_send(&parts[i], router,
                                          (i < np - 1 ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT) >= 0;
                    if (ok)
                        echoed++;
                    else
                        dropped++;
                    /* sent parts are consumed (re-initialised) by zmq_msg_send */
                } else {
                    dropped++;
                }
            }
            for (i = 0; i < np; i++)
                zmq_msg_close(&parts[i]);
        }
    }
    if (mon)
        while (1) {
            zmq_pollitem_t it = {mon, 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&it, 1, 0) <= 0)
                break;
            print_event(mon);
        }
    printf("stats msgs=%lu frames=%lu bytes=%lu echoed=%lu dropped=%lu\n", msgs, frames, bytes,
           echoed, dropped);
    zmq_socket_monitor(router, NULL, 0);
    if (mon)
        zmq_close(mon);
    zmq_close(router);
    zmq_ctx_term(ctx);
    printf("clean exit\n");
    return 0;
}
