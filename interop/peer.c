/* peer: one side of a cross-process interoperability scenario.
 *
 *   peer <role> <endpoint> <scenario>
 *
 * <endpoint> is "@<zmq endpoint>" to bind or ">" <zmq endpoint> to connect
 * (the CZMQ convention), e.g. "@tcp://127.0.0.1:*" or ">ipc:///tmp/x/ep".
 * After a successful bind the actual endpoint (ZMQ_LAST_ENDPOINT, so a
 * wildcard port becomes a real one) is written to $PEER_READY_FILE, if set,
 * via a temporary file and rename(), so the other side can connect to it.
 *
 * Scenarios and their two roles:
 *   reqrep        req / rep          request, reply, lockstep
 *   pubsub        pub / sub          prefix filter "A"; rounds (see below)
 *   pushpull      push / pull        one way
 *   dealerrouter  dealer / router    ZMQ_ROUTING_ID on the dealer, router
 *                                    replies by id (ROUTER_MANDATORY)
 *   pair          pair-a / pair-b    lockstep both ways
 *   xpubxsub      xpub / xsub        subscribe/unsubscribe seen on XPUB
 *   heartbeat     hb-dealer / hb-router  dealerrouter with ZMQ_HEARTBEAT_*
 *                                    and idle gaps longer than the heartbeat
 *                                    timeout; ZMQ_RECONNECT_IVL=-1 so a
 *                                    dropped connection cannot heal silently
 *
 * Every scenario exchanges the same deterministic messages: single frames of
 * 0, 1, 255, 256, 65536 and 70000 bytes, and multipart messages; each frame
 * is filled with a pattern that depends on message index, direction and
 * frame index, and is verified byte for byte.
 *
 * Output: diagnostics on stderr, exactly one line "N passed, N failed" on
 * stdout. Exit status 0 only if nothing failed. RCVTIMEO/SNDTIMEO and
 * alarm() bound every run.
 *
 * Only <zmq.h> and libc (POSIX) are used.
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include "peerutil.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 3000
#define ALARM_S 15
#define LINGER_MS 2000

static int passed, failed;
static const char *role = "?";

/* ------------------------------------------------------------------ */
/* results                                                             */

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "%s: FAIL: ", role);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int finish(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}

/* async-signal-safe result line for the alarm */
static void put_int(char *buf, size_t *len, int v)
{
    char tmp[16];
    int n = 0;
    if (v < 0)
        v = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 15);
    while (n)
        buf[(*len)++] = tmp[--n];
}

static void on_alarm(int sig)
{
    char buf[96];
    size_t len = 0;
    const char *a = " passed, ", *b = " failed\n", *m = "peer: timeout (alarm)\n";
    (void)sig;
    if (write(2, m, strlen(m)) < 0) { /* nothing to do */
    }
    put_int(buf, &len, passed);
    memcpy(buf + len, a, strlen(a));
    len += strlen(a);
    put_int(buf, &len, failed + 1);
    memcpy(buf + len, b, strlen(b));
    len += strlen(b);
    if (write(1, buf, len) < 0) { /* nothing to do */
    }
    _exit(3);
}

/* ------------------------------------------------------------------ */
/* deterministic messages                                              */

#define MAX_FRAMES 8

typedef struct {
    int nframes;
    size_t sizes[MAX_FRAMES];
} spec_t;

static const spec_t specs[] = {
    {1, {0}},
    {1, {1}},
    {1, {255}},
    {1, {256}},
    {1, {65536}},
    {1, {70000}},
    {2, {0, 1}},
    {3, {255, 256, 65536}},
    {5, {1, 0, 70000, 0, 1}},
    {8, {0, 1, 2, 255, 256, 257, 1024, 65537}},
};
#define NSPECS ((int)(sizeof specs / sizeof specs[0]))

static unsigned seed_of(int idx, int dir, int frame)
{
    return (unsigned)(idx * 7919 + dir * 104729 + frame * 31 + 1);
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
    size_t i;
    for (i = 0; i < len; i++)
        buf[i] = (unsigned char)((i * 131u + (i >> 8) * 17u + seed * 7u + (seed >> 8)) & 0xff);
}

static unsigned char *pattern(size_t len, unsigned seed)
{
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", role);
        exit(2);
    }
    fill(buf, len, seed);
    return buf;
}

static int send_frame(void *s, const void *data, size_t len, int more)
{
    int rc = zmq_send(s, data, len, more ? ZMQ_SNDMORE : 0);
    if (rc != (int)len) {
        fprintf(stderr, "%s: zmq_send(%lu bytes) failed: %s\n", role, (unsigned long)len,
                zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

/* Sends message idx in direction dir, optionally preceded by one envelope
 * frame (routing id or topic). */
static int send_spec(void *s, int idx, int dir, const void *env, size_t env_len, int has_env)
{
    const spec_t *sp = &specs[idx];
    int f, rc = 0;
    if (has_env && send_frame(s, env, env_len, 1) != 0)
        return -1;
    for (f = 0; f < sp->nframes && rc == 0; f++) {
        unsigned char *buf = pattern(sp->sizes[f], seed_of(idx, dir, f));
        rc = send_frame(s, buf, sp->sizes[f], f < sp->nframes - 1);
        free(buf);
    }
    return rc;
}

/* Receives one whole message (all frames). Returns the frame count, or -1 on
 * error (timeout). Frames are stored in msgs[0..max-1]; extra frames are
 * counted but dropped. */
static int recv_all(void *s, zmq_msg_t *msgs, int max)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, 0) < 0) {
            fprintf(stderr, "%s: zmq_msg_recv failed after %d frames: %s\n", role, n,
                    zmq_strerror(zmq_errno()));
            zmq_msg_close(&m);
            while (n > 0 && n <= max)
                zmq_msg_close(&msgs[--n]);
            return -1;
        }
        more = zmq_msg_more(&m);
        if (n < max)
            msgs[n] = m;
        else
            zmq_msg_close(&m);
        n++;
    }
    return n;
}

static void close_all(zmq_msg_t *msgs, int n, int max)
{
    int i;
    for (i = 0; i < n && i < max; i++)
        zmq_msg_close(&msgs[i]);
}

static int frame_is(zmq_msg_t *m, const void *data, size_t len)
{
    return zmq_msg_size(m) == len && (len == 0 || memcmp(zmq_msg_data(m), data, len) == 0);
}

/* Checks frames msgs[off..n-1] against message idx/dir. Returns 1 if equal. */
static int match_spec(zmq_msg_t *msgs, int n, int off, int idx, int dir, char *why, size_t whylen)
{
    const spec_t *sp = &specs[idx];
    int f;
    if (n - off != sp->nframes) {
        snprintf(why, whylen, "expected %d frames, got %d", sp->nframes, n - off);
        return 0;
    }
    for (f = 0; f < sp->nframes; f++) {
        zmq_msg_t *m = &msgs[off + f];
        size_t len = sp->sizes[f];
        if (zmq_msg_size(m) != len) {
            snprintf(why, whylen, "frame %d: expected %lu bytes, got %lu", f, (unsigned long)len,
                     (unsigned long)zmq_msg_size(m));
            return 0;
        } else {
            unsigned char *want = pattern(len, seed_of(idx, dir, f));
            int same = len == 0 || memcmp(zmq_msg_data(m), want, len) == 0;
            free(want);
            if (!same) {
                snprintf(why, whylen, "frame %d (%lu bytes): content differs", f, (unsigned long)len);
                return 0;
            }
        }
    }
    return 1;
}

/* Receives and checks message idx/dir, with an optional envelope frame that
 * must equal env (if env != NULL) and is returned in *env_out. */
static int recv_spec(void *s, int idx, int dir, const void *env, size_t env_len, int has_env,
                     zmq_msg_t *env_out)
{
    zmq_msg_t msgs[MAX_FRAMES + 2];
    char why[160] = "";
    int ok, n = recv_all(s, msgs, MAX_FRAMES + 2);
    if (n < 0) {
        check(0, "message %d (dir %d): receive failed", idx, dir);
        return -1;
    }
    ok = 1;
    if (has_env) {
        if (n < 1 || (env && !frame_is(&msgs[0], env, env_len))) {
            ok = 0;
            snprintf(why, sizeof why, "envelope frame differs");
        }
    }
    if (ok)
        ok = match_spec(msgs, n, has_env ? 1 : 0, idx, dir, why, sizeof why);
    check(ok, "message %d (dir %d, %d frames): %s", idx, dir, specs[idx].nframes, why);
    if (has_env && env_out && n >= 1) {
        zmq_msg_init(env_out);
        zmq_msg_copy(env_out, &msgs[0]);
    }
    close_all(msgs, n, MAX_FRAMES + 2);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* socket setup                                                        */

static void *ctx;

static void set_int(void *s, int opt, int v, const char *name)
{
    int rc = zmq_setsockopt(s, opt, &v, sizeof v);
    check(rc == 0, "zmq_setsockopt(%s=%d): %s", name, v, zmq_strerror(zmq_errno()));
}

static void *make_socket(int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s) {
        check(0, "zmq_socket(%d): %s", type, zmq_strerror(zmq_errno()));
        exit(finish());
    }
    set_int(s, ZMQ_LINGER, LINGER_MS, "ZMQ_LINGER");
    set_int(s, ZMQ_RCVTIMEO, IO_TIMEOUT_MS, "ZMQ_RCVTIMEO");
    set_int(s, ZMQ_SNDTIMEO, IO_TIMEOUT_MS, "ZMQ_SNDTIMEO");
    return s;
}

static void write_ready(const char *endpoint)
{
    const char *path = getenv("PEER_READY_FILE");
    char tmp[4096];
    FILE *f;
    if (!path || !*path)
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f) {
        check(0, "cannot write %s", tmp);
        return;
    }
    fprintf(f, "%s\n", endpoint);
    fclose(f);
    check(rename(tmp, path) == 0, "cannot rename %s", tmp);
}

/* Binds or connects s according to the endpoint prefix. */
static int attach(void *s, const char *spec)
{
    int rc;
    if (spec[0] == '@') {
        char last[1024];
        size_t len = sizeof last;
        rc = zmq_bind(s, spec + 1);
        check(rc == 0, "zmq_bind(%s): %s", spec + 1, zmq_strerror(zmq_errno()));
        if (rc != 0)
            return -1;
        rc = zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, last, &len);
        check(rc == 0, "ZMQ_LAST_ENDPOINT: %s", zmq_strerror(zmq_errno()));
        if (rc != 0)
            return -1;
        fprintf(stderr, "%s: bound %s\n", role, last);
        write_ready(last);
        return 0;
    }
    if (spec[0] == '>') {
        rc = zmq_connect(s, spec + 1);
        check(rc == 0, "zmq_connect(%s): %s", spec + 1, zmq_strerror(zmq_errno()));
        return rc == 0 ? 0 : -1;
    }
    check(0, "endpoint must start with '@' (bind) or '>' (connect): %s", spec);
    return -1;
}

/* ------------------------------------------------------------------ */
/* scenarios                                                           */

/* End-of-run handshake. libzmq does not reliably deliver the last message
 * of a socket that is closed right after sending it, even with ZMQ_LINGER
 * (libzmq issues #1264, #1922), so no checked message may be the last thing
 * a process sends before closing. The side that received the last checked
 * message sends "bye" and stays open until the other side's "ack" arrives
 * (or 1 s passes); the "ack" itself is not checked. */
static void best_effort_wait(void *s, const char *what)
{
    zmq_msg_t msgs[4];
    int n, t = 1000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &t, sizeof t);
    n = recv_all(s, msgs, 4);
    if (n < 0)
        fprintf(stderr, "%s: (no %s before closing; not a failure)\n", role, what);
    else
        close_all(msgs, n, 4);
}

static void goodbye_client(void *s)
{
    check(send_frame(s, "bye", 3, 0) == 0, "sending bye failed");
    best_effort_wait(s, "ack");
}

/* receives "bye", optionally after a routing id, and answers "ack" */
static void goodbye_server(void *s, int routed)
{
    zmq_msg_t msgs[4];
    int n = recv_all(s, msgs, 4);
    int off = routed ? 1 : 0;
    check(n == off + 1 && frame_is(&msgs[off], "bye", 3), "expected \"bye\" at the end");
    if (n == off + 1) {
        if (routed)
            send_frame(s, zmq_msg_data(&msgs[0]), zmq_msg_size(&msgs[0]), 1);
        send_frame(s, "ack", 3, 0);
    }
    if (n > 0)
        close_all(msgs, n, 4);
}

/* REQ/REP, PAIR, DEALER/ROUTER: lockstep; the "client" sends message i in
 * direction 0 and gets message i in direction 1 back. */
static void lockstep_client(void *s, int gaps_ms)
{
    int i;
    for (i = 0; i < NSPECS; i++) {
        if (gaps_ms && (i == NSPECS / 3 || i == 2 * NSPECS / 3)) {
            fprintf(stderr, "%s: idle %d ms\n", role, gaps_ms);
            sleep_ms(gaps_ms);
        }
        if (send_spec(s, i, 0, NULL, 0, 0) != 0) {
            check(0, "message %d: send failed", i);
            return;
        }
        if (recv_spec(s, i, 1, NULL, 0, 0, NULL) != 0)
            return;
    }
    goodbye_client(s);
}

static void lockstep_server(void *s)
{
    int i;
    for (i = 0; i < NSPECS; i++) {
        if (recv_spec(s, i, 0, NULL, 0, 0, NULL) != 0)
            return;
        if (send_spec(s, i, 1, NULL, 0, 0) != 0) {
            check(0, "message %d: reply failed", i);
            return;
        }
    }
    goodbye_server(s, 0);
}

static const char dealer_id[] = "dlr-\x01\xfe\x00x"; /* 8 bytes, embedded NUL */
#define DEALER_ID_LEN 8

static void router_server(void *s)
{
    int i, rc;
    /* ROUTER_MANDATORY: a reply to an unknown id must fail, not vanish */
    rc = zmq_send(s, "nobody", 6, ZMQ_SNDMORE);
    check(rc == -1 && zmq_errno() == EHOSTUNREACH,
          "send to unknown routing id: rc=%d errno=%s (want EHOSTUNREACH)", rc,
          zmq_strerror(zmq_errno()));
    for (i = 0; i < NSPECS; i++) {
        zmq_msg_t id;
        if (recv_spec(s, i, 0, dealer_id, DEALER_ID_LEN, 1, &id) != 0)
            return;
        rc = send_spec(s, i, 1, zmq_msg_data(&id), zmq_msg_size(&id), 1);
        zmq_msg_close(&id);
        if (rc != 0) {
            check(0, "message %d: reply by routing id failed", i);
            return;
        }
    }
    goodbye_server(s, 1);
}

/* PUB/SUB. A PUB cannot learn when a subscriber has joined, so the publisher
 * sends the whole sequence in rounds, each framed by "A-begin"/"A-end"
 * markers, PUB_ROUNDS times PUB_ROUND_GAP_MS apart. The subscriber skips
 * everything before the first "A-begin" it sees (slow joiner) and then must
 * get one complete round, exactly the matching messages in order: a lost or
 * reordered message shows as a mismatch. Anything not starting with "A" at
 * any time is a filtering failure. */
#define PUB_ROUNDS 10
#define PUB_ROUND_GAP_MS 100

static const char *const pub_topics[] = {"A", "B", "", "Ab", "a", "BA"};
#define NTOPICS 6
static int topic_matches(const char *t)
{
    return t[0] == 'A';
}

static int pub_round(void *s)
{
    int i, t;
    if (send_frame(s, "A-begin", 7, 0) != 0)
        return -1;
    for (i = 0; i < NSPECS; i++) {
        for (t = 0; t < NTOPICS; t++) {
            const char *topic = pub_topics[(i + t) % NTOPICS];
            if (send_spec(s, i, t, topic, strlen(topic), 1) != 0)
                return -1;
        }
    }
    /* single-frame messages whose first byte decides the match */
    for (i = 0; i < NSPECS; i++) {
        const spec_t *sp = &specs[i];
        if (sp->nframes == 1 && sp->sizes[0] > 0) {
            unsigned char *buf = pattern(sp->sizes[0], seed_of(i, 9, 0));
            int rc;
            buf[0] = 'A';
            rc = send_frame(s, buf, sp->sizes[0], 0);
            buf[0] = 'B';
            if (rc == 0)
                rc = send_frame(s, buf, sp->sizes[0], 0);
            free(buf);
            if (rc != 0)
                return -1;
        }
    }
    return send_frame(s, "A-end", 5, 0);
}

static void pub_side(void *s)
{
    int r;
    for (r = 0; r < PUB_ROUNDS; r++) {
        check(pub_round(s) == 0, "round %d: send failed", r);
        sleep_ms(PUB_ROUND_GAP_MS);
    }
}

static int first_byte_is_A(zmq_msg_t *m)
{
    return zmq_msg_size(m) > 0 && ((const char *)zmq_msg_data(m))[0] == 'A';
}

static void sub_side(void *s)
{
    zmq_msg_t msgs[MAX_FRAMES + 2];
    int n, i, t, skipped = 0, bad_filter = 0;
    check(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "A", 1) == 0, "ZMQ_SUBSCRIBE: %s",
          zmq_strerror(zmq_errno()));
    /* wait for the start of a round */
    for (;;) {
        n = recv_all(s, msgs, MAX_FRAMES + 2);
        if (n < 0) {
            check(0, "no \"A-begin\" within %d ms", IO_TIMEOUT_MS);
            return;
        }
        if (!first_byte_is_A(&msgs[0]))
            bad_filter++;
        if (n == 1 && frame_is(&msgs[0], "A-begin", 7)) {
            close_all(msgs, n, MAX_FRAMES + 2);
            break;
        }
        skipped++;
        close_all(msgs, n, MAX_FRAMES + 2);
    }
    fprintf(stderr, "%s: joined after skipping %d messages\n", role, skipped);
    for (i = 0; i < NSPECS; i++) {
        for (t = 0; t < NTOPICS; t++) {
            const char *topic = pub_topics[(i + t) % NTOPICS];
            if (!topic_matches(topic))
                continue;
            if (recv_spec(s, i, t, topic, strlen(topic), 1, NULL) != 0)
                return;
        }
    }
    for (i = 0; i < NSPECS; i++) {
        const spec_t *sp = &specs[i];
        if (sp->nframes == 1 && sp->sizes[0] > 0) {
            unsigned char *want = pattern(sp->sizes[0], seed_of(i, 9, 0));
            want[0] = 'A';
            n = recv_all(s, msgs, MAX_FRAMES + 2);
            check(n == 1 && frame_is(&msgs[0], want, sp->sizes[0]),
                  "single-frame message of %lu bytes starting with 'A' differs",
                  (unsigned long)sp->sizes[0]);
            if (n > 0)
                close_all(msgs, n, MAX_FRAMES + 2);
            free(want);
            if (n < 0)
                return;
        }
    }
    n = recv_all(s, msgs, MAX_FRAMES + 2);
    check(n == 1 && frame_is(&msgs[0], "A-end", 5), "expected \"A-end\" after one round");
    if (n > 0)
        close_all(msgs, n, MAX_FRAMES + 2);
    check(bad_filter == 0, "%d messages not starting with 'A' passed the filter", bad_filter);
}

/* XPUB/XSUB: the XSUB subscribes "A" and "BB"; the XPUB must see both
 * subscription messages (\x01 + topic) before publishing, so nothing is lost
 * to the slow joiner. Phase 1 publishes topics A, BB, C (only A and BB
 * arrive). Then the XSUB unsubscribes "BB" (\x00BB), the XPUB must see that,
 * and phase 2 publishes the same again (only A arrives). */
static const char *const x_topics[] = {"A", "BB", "C"};

static void xpub_expect(void *s, const char *sub, size_t len, const char *what)
{
    zmq_msg_t msgs[4];
    int n = recv_all(s, msgs, 4);
    check(n == 1 && frame_is(&msgs[0], sub, len), "XPUB did not see %s", what);
    if (n > 0)
        close_all(msgs, n, 4);
}

static void xpub_publish(void *s, int phase)
{
    int i, t;
    for (i = 0; i < NSPECS; i++)
        for (t = 0; t < 3; t++)
            if (send_spec(s, i, t + 3 * phase, x_topics[t], strlen(x_topics[t]), 1) != 0) {
                check(0, "phase %d message %d: send failed", phase, i);
                return;
            }
    check(send_frame(s, phase ? "A-end2" : "A-end1", 6, 0) == 0, "end marker send failed");
}

static void xpub_side(void *s)
{
    /* both subscriptions, in either order (an XSUB that subscribed before
     * connecting replays its subscriptions in its own order) */
    zmq_msg_t msgs[4];
    int k, seen_a = 0, seen_bb = 0;
    for (k = 0; k < 2; k++) {
        int n = recv_all(s, msgs, 4);
        if (n == 1 && frame_is(&msgs[0], "\x01" "A", 2))
            seen_a++;
        else if (n == 1 && frame_is(&msgs[0], "\x01" "BB", 3))
            seen_bb++;
        if (n > 0)
            close_all(msgs, n, 4);
    }
    check(seen_a == 1, "XPUB did not see subscribe \"A\" exactly once");
    check(seen_bb == 1, "XPUB did not see subscribe \"BB\" exactly once");
    xpub_publish(s, 0);
    xpub_expect(s, "\x00" "BB", 3, "unsubscribe \"BB\"");
    xpub_publish(s, 1);
    /* wait for the XSUB's goodbye so everything was delivered */
    xpub_expect(s, "\x01" "Z", 2, "final subscribe \"Z\" (done marker)");
    send_frame(s, "A-ack", 5, 0); /* best effort, see goodbye_client() */
}

static void xsub_receive(void *s, int phase)
{
    zmq_msg_t msgs[MAX_FRAMES + 2];
    int i, t, n;
    for (i = 0; i < NSPECS; i++)
        for (t = 0; t < 3; t++) {
            if (t == 2 || (phase == 1 && t == 1))
                continue; /* filtered out by the XPUB */
            if (recv_spec(s, i, t + 3 * phase, x_topics[t], strlen(x_topics[t]), 1, NULL) != 0)
                return;
        }
    n = recv_all(s, msgs, MAX_FRAMES + 2);
    check(n == 1 && frame_is(&msgs[0], phase ? "A-end2" : "A-end1", 6),
          "phase %d: expected end marker (unsubscribed/unknown topic leaked?)", phase);
    if (n > 0)
        close_all(msgs, n, MAX_FRAMES + 2);
}

static void xsub_side(void *s)
{
    check(send_frame(s, "\x01" "A", 2, 0) == 0, "subscribe A");
    check(send_frame(s, "\x01" "BB", 3, 0) == 0, "subscribe BB");
    xsub_receive(s, 0);
    check(send_frame(s, "\x00" "BB", 3, 0) == 0, "unsubscribe BB");
    xsub_receive(s, 1);
    check(send_frame(s, "\x01" "Z", 2, 0) == 0, "done marker");
    best_effort_wait(s, "A-ack");
}

/* heartbeat: ZMQ_HEARTBEAT_IVL 50 ms, TIMEOUT 250 ms, TTL 500 ms on both
 * sides, and two idle gaps of HB_IDLE_MS. Without PING/PONG answered by the
 * peer the connection would be dropped after 250 ms; with
 * ZMQ_RECONNECT_IVL=-1 it would not come back and the exchange after the gap
 * would time out. */
#define HB_IDLE_MS 700

static void heartbeat_opts(void *s)
{
    set_int(s, ZMQ_HEARTBEAT_IVL, 50, "ZMQ_HEARTBEAT_IVL");
    set_int(s, ZMQ_HEARTBEAT_TIMEOUT, 250, "ZMQ_HEARTBEAT_TIMEOUT");
    set_int(s, ZMQ_HEARTBEAT_TTL, 500, "ZMQ_HEARTBEAT_TTL");
    set_int(s, ZMQ_RECONNECT_IVL, -1, "ZMQ_RECONNECT_IVL");
}

/* ------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr,
            "usage: peer <role> <@bind-endpoint|>connect-endpoint> <scenario>\n"
            "  reqrep: req rep | pubsub: pub sub | pushpull: push pull\n"
            "  dealerrouter: dealer router | pair: pair-a pair-b\n"
            "  xpubxsub: xpub xsub | heartbeat: hb-dealer hb-router\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *ep, *scen;
    void *s = NULL;
    int type = -1, i;
    struct sigaction sa;
    long t0 = now_ms();

    if (argc != 4)
        return usage();
    role = argv[1];
    ep = argv[2];
    scen = argv[3];

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(getenv("PEER_ALARM") ? (unsigned)atoi(getenv("PEER_ALARM")) : ALARM_S);

    static const struct {
        const char *scen, *role;
        int type;
    } roles[] = {
        {"reqrep", "req", ZMQ_REQ},          {"reqrep", "rep", ZMQ_REP},
        {"pubsub", "pub", ZMQ_PUB},          {"pubsub", "sub", ZMQ_SUB},
        {"pushpull", "push", ZMQ_PUSH},      {"pushpull", "pull", ZMQ_PULL},
        {"dealerrouter", "dealer", ZMQ_DEALER}, {"dealerrouter", "router", ZMQ_ROUTER},
        {"pair", "pair-a", ZMQ_PAIR},        {"pair", "pair-b", ZMQ_PAIR},
        {"xpubxsub", "xpub", ZMQ_XPUB},      {"xpubxsub", "xsub", ZMQ_XSUB},
        {"heartbeat", "hb-dealer", ZMQ_DEALER}, {"heartbeat", "hb-router", ZMQ_ROUTER},
    };
    for (i = 0; i < (int)(sizeof roles / sizeof roles[0]); i++)
        if (strcmp(roles[i].scen, scen) == 0 && strcmp(roles[i].role, role) == 0)
            type = roles[i].type;
    if (type < 0)
        return usage();

    ctx = zmq_ctx_new();
    if (!ctx) {
        check(0, "zmq_ctx_new: %s", zmq_strerror(zmq_errno()));
        return finish();
    }
    s = make_socket(type);
    if (strcmp(scen, "heartbeat") == 0)
        heartbeat_opts(s);
    if (type == ZMQ_DEALER) {
        int rc = zmq_setsockopt(s, ZMQ_ROUTING_ID, dealer_id, DEALER_ID_LEN);
        check(rc == 0, "ZMQ_ROUTING_ID: %s", zmq_strerror(zmq_errno()));
    }
    if (type == ZMQ_ROUTER)
        set_int(s, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");

    if (attach(s, ep) == 0) {
        if (!strcmp(role, "req") || !strcmp(role, "pair-a") || !strcmp(role, "dealer"))
            lockstep_client(s, 0);
        else if (!strcmp(role, "hb-dealer"))
            lockstep_client(s, HB_IDLE_MS);
        else if (!strcmp(role, "rep") || !strcmp(role, "pair-b"))
            lockstep_server(s);
        else if (!strcmp(role, "router") || !strcmp(role, "hb-router"))
            router_server(s);
        else if (!strcmp(role, "push")) {
            for (i = 0; i < NSPECS; i++)
                check(send_spec(s, i, 0, NULL, 0, 0) == 0, "message %d: send failed", i);
            /* PULL cannot answer; give the last message time to leave
             * before closing (see goodbye_client()) */
            sleep_ms(300);
        }
        else if (!strcmp(role, "pull"))
            for (i = 0; i < NSPECS && recv_spec(s, i, 0, NULL, 0, 0, NULL) == 0; i++) {
            }
        else if (!strcmp(role, "pub"))
            pub_side(s);
        else if (!strcmp(role, "sub"))
            sub_side(s);
        else if (!strcmp(role, "xpub"))
            xpub_side(s);
        else if (!strcmp(role, "xsub"))
            xsub_side(s);
    }

    check(zmq_close(s) == 0, "zmq_close: %s", zmq_strerror(zmq_errno()));
    check(zmq_ctx_term(ctx) == 0, "zmq_ctx_term: %s", zmq_strerror(zmq_errno()));
    fprintf(stderr, "%s: done in %ld ms\n", role, now_ms() - t0);
    return finish();
}
