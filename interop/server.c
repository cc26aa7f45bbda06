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
 * CURVE (for hostile_curve.py), from the environment:
 *   SERVER_CURVE_SECRET=<Z85 secret key>   makes the ROUTER a CURVE server
 *   SERVER_ZAP_ALLOW="<Z85 public> ..."    runs a ZAP handler (polled in the
 *       same loop) that accepts exactly these client keys (status 200, user
 *       id "allowed") and refuses every other with 400; each request is
 *       printed as "zap <200|400> <mechanism>"
 * Without them the server is the NULL server hostile.py attacks.
 *
 * Only <zmq.h> and libc (POSIX) are used.
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include "peerutil.h"

#include "zaputil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAMES 64
#define MAX_ALLOWED 8

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

/* The ZAP allow-list: up to MAX_ALLOWED Z85 keys separated by spaces. */
static int parse_allow(const char *list, uint8_t keys[][32])
{
    int n = 0;
    while (*list && n < MAX_ALLOWED) {
        char z85[41];
        if (*list == ' ') {
            list++;
            continue;
        }
        if (strlen(list) < 40 || (list[40] != ' ' && list[40] != '\0'))
            return -1;
        memcpy(z85, list, 40);
        z85[40] = '\0';
        if (!zmq_z85_decode(keys[n++], z85))
            return -1;
        list += 40;
    }
    return n;
}

static void answer_zap(void *zap, uint8_t allowed[][32], int nallowed)
{
    zap_request_t req;
    int i, ok = 0;
    if (zap_recv_request(zap, &req) != 0)
        return;
    for (i = 0; i < nallowed; i++)
        ok |= zap_frame_is(&req, ZAP_CRED0, allowed[i], 32);
    printf("zap %s %.*s\n", ok ? "200" : "400", (int)req.len[ZAP_MECHANISM],
           (const char *)req.data[ZAP_MECHANISM]);
    if (ok)
        zap_send_reply(zap, &req, "200", "OK", "allowed", "", 0);
    else
        zap_send_reply(zap, &req, "400", "not allowed", "", "", 0);
}

/* CURVE and ZAP as the environment asks; returns the ZAP handler socket
 * (NULL without SERVER_ZAP_ALLOW), or exits on a bad setting. */
static void *setup_curve(void *ctx, void *router, uint8_t allowed[][32], int *nallowed)
{
    const char *secret = getenv("SERVER_CURVE_SECRET");
    const char *allow = getenv("SERVER_ZAP_ALLOW");
    void *zap = NULL;
    int one = 1;
    *nallowed = 0;
    if (allow) {
        /* RFC 27: the handler binds before the server starts */
        *nallowed = parse_allow(allow, allowed);
        zap = zmq_socket(ctx, ZMQ_REP);
        if (*nallowed < 0 || !zap || zmq_bind(zap, ZAP_ENDPOINT) != 0) {
            fprintf(stderr, "server: SERVER_ZAP_ALLOW: bad key list or no ZAP handler\n");
            exit(1);
        }
    }
    if (secret && (zmq_setsockopt(router, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
                   || zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, secret, strlen(secret)) != 0)) {
        fprintf(stderr, "server: SERVER_CURVE_SECRET: %s\n", zmq_strerror(zmq_errno()));
        exit(1);
    }
    return zap;
}

int main(int argc, char **argv)
{
    void *ctx, *router, *mon = NULL, *zap;
    uint8_t allowed[MAX_ALLOWED][32];
    int nallowed;
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
    zap = setup_curve(ctx, router, allowed, &nallowed);
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
        /* router, then the monitor and the ZAP handler where present */
        zmq_pollitem_t items[3] = {{NULL, 0, ZMQ_POLLIN, 0}, {NULL, 0, ZMQ_POLLIN, 0}, {NULL, 0, ZMQ_POLLIN, 0}};
        int n = 1, mon_i = -1, zap_i = -1, rc;
        items[0].socket = router;
        if (mon) {
            mon_i = n;
            items[n++].socket = mon;
        }
        if (zap) {
            zap_i = n;
            items[n++].socket = zap;
        }
        rc = zmq_poll(items, n, 100);
        if (rc < 0) {
            fprintf(stderr, "server: zmq_poll: %s\n", zmq_strerror(zmq_errno()));
            continue;
        }
        if (mon_i > 0 && (items[mon_i].revents & ZMQ_POLLIN))
            print_event(mon);
        if (zap_i > 0 && (items[zap_i].revents & ZMQ_POLLIN))
            answer_zap(zap, allowed, nallowed);
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
    if (zap)
        zmq_close(zap);
    zmq_close(router);
    zmq_ctx_term(ctx);
    printf("clean exit\n");
    return 0;
}
