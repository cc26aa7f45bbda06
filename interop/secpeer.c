/* secpeer: one side of a cross-process security scenario (PLAIN, CURVE,
 * ZAP), run by security.sh with each process on its own libzmq.so.5.
 *
 *   secpeer <server|client> <@ep|>ep> <scenario>
 *
 * "@ep" binds (and writes the real endpoint to $PEER_READY_FILE), ">ep"
 * connects, as in peer.c. The security role is independent of who binds.
 * The server is a REP socket with a ZAP handler thread; the client a REQ.
 *
 * Scenarios (what each side expects is what libzmq 4.3.4 does, see the
 * expectation tables further down):
 *   plain-ok                PLAIN, right password: messages both ways,
 *                           ZAP's user id and metadata on every frame
 *   plain-denied            PLAIN, wrong password: ZAP says 400
 *   curve-ok                CURVE, client key on ZAP's allow-list: messages
 *                           both ways (up to 3 MiB, multipart), user id and
 *                           metadata, mechanism and keys read back
 *   curve-unknown-key       CURVE, client key not on the allow-list
 *   curve-wrong-server-key  CURVE, the client trusts another server key
 *
 * Keys come from the environment, in Z85, made by "seckeys keygen" under
 * either side's library: SEC_SERVER_PUBLIC/SECRET, SEC_CLIENT_PUBLIC/SECRET
 * and SEC_STRANGER_PUBLIC/SECRET (a pair nobody trusts). Every process
 * re-derives each public key it uses from its secret with zmq_curve_public.
 *
 * Output: diagnostics on stderr (SECPEER_VERBOSE=1 adds every monitor
 * event), one line "N passed, N failed" on stdout; exit status 0 only if
 * nothing failed. RCVTIMEO/SNDTIMEO and alarm() bound every run.
 *
 * Only <zmq.h>, POSIX threads and libc are used.
 */
#define _POSIX_C_SOURCE 200809L

#include <zmq.h>

#include "peerutil.h"

#include "evlog.h"
#include "zaputil.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 3000
#define ALARM_S 20
/* how long a refused side records events and checks that nothing gets
 * through, from its first handshake event */
#define QUIET_MS 600
/* A binder facing a connecter that keeps retrying records only this long,
 * then stays open without recording until the connecter has gone: so
 * neither side records an attempt cut short by the other one closing (it
 * would end with EPIPE instead of being refused). */
#define BINDER_RECORD_MS 400
#define BINDER_LINGER_MS 700

#define DOMAIN "secpeer"
#define PLAIN_USER "admin"
#define PLAIN_PASSWORD "open sesame"
#define PLAIN_WRONG_PASSWORD "open barley"
#define CURVE_USER "alice"
/* metadata the ZAP handler attaches to accepted connections */
#define META_NAME "X-Tenant"
#define META_VALUE "blue"

static int passed, failed;
static const char *role = "?";
static int verbose;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------ */
/* results (the ZAP handler thread checks too, hence the lock)         */

static int check(int ok, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&lock);
    if (ok)
        passed++;
    else {
        failed++;
        fprintf(stderr, "%s: FAIL: ", role);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

static int finish(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}

static void on_alarm(int sig)
{
    static const char m[] = "secpeer: timeout (alarm)\n";
    static const char r[] = "0 passed, 1 failed\n";
    (void)sig;
    if (write(2, m, sizeof m - 1) < 0 || write(1, r, sizeof r - 1) < 0) { /* nothing to do */
    }
    _exit(3);
}

static const char *err(void)
{
    return zmq_strerror(zmq_errno());
}

/* ------------------------------------------------------------------ */
/* keys                                                                */

typedef struct {
    char z85[41];
    uint8_t bin[32];
} zkey_t;

/* Reads a Z85 key from the environment; a key the library cannot decode
 * fails the run (a wrong key would make every scenario meaningless). */
static int env_key(const char *name, zkey_t *k)
{
    const char *v = getenv(name);
    if (!v || strlen(v) != 40) {
        check(0, "%s is missing or not 40 characters", name);
        return -1;
    }
    memcpy(k->z85, v, 41);
    if (!zmq_z85_decode(k->bin, k->z85)) {
        check(0, "zmq_z85_decode(%s) failed", name);
        return -1;
    }
    return 0;
}

/* A public/secret pair from the environment; the public key must be what
 * this library derives from the secret (the pair may come from the other
 * side's library). */
static int env_pair(const char *pub_name, const char *sec_name, zkey_t *pub, zkey_t *sec)
{
    char derived[41];
    if (env_key(pub_name, pub) != 0 || env_key(sec_name, sec) != 0)
        return -1;
    if (!check(zmq_curve_public(derived, sec->z85) == 0, "zmq_curve_public(%s): %s", sec_name, err()))
        return -1;
    return check(strcmp(derived, pub->z85) == 0, "zmq_curve_public(%s) = %s, not %s", sec_name,
                 derived, pub->z85) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* handshake events (evlog.h collects them)                            */

/* Waits until a handshake event (success or failure) was seen. */
static int wait_handshake_event(long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    evlog_event_t e;
    while (evlog_handshake(&e, 1) == 0) {
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(20);
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* deterministic messages                                              */

#define MAX_FRAMES 8
#define MIB (1024 * 1024)

typedef struct {
    int nframes;
    size_t sizes[MAX_FRAMES];
} spec_t;

/* Frame sizes around the short/long frame boundary of ZMTP (255/256) and
 * of CURVE's box (the 1-octet flags make a 255-octet payload a 256-octet
 * plaintext), large ones, and multipart mixes. */
static const spec_t specs[] = {
    {1, {0}},
    {1, {1}},
    {1, {254}},
    {1, {255}},
    {1, {256}},
    {1, {65536}},
    {1, {MIB}},
    {1, {3 * MIB + 17}},
    {3, {0, 1, 256}},
    {4, {MIB, 0, 1, 70000}},
    {8, {1, 2, 3, 4, 5, 6, 7, 8}},
};
#define NSPECS ((int)(sizeof specs / sizeof specs[0]))

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
    size_t i;
    for (i = 0; i < len; i++)
        buf[i] = (unsigned char)((i * 167u + (i >> 9) * 13u + seed * 29u) & 0xff);
}

static unsigned seed_of(int idx, int dir, int frame)
{
    return (unsigned)(idx * 101 + dir * 7 + frame * 3 + 1);
}

static int send_spec(void *s, int idx, int dir)
{
    const spec_t *sp = &specs[idx];
    int f;
    for (f = 0; f < sp->nframes; f++) {
        size_t len = sp->sizes[f];
        unsigned char *buf = malloc(len ? len : 1);
        int rc;
        if (!buf)
            return -1;
        fill(buf, len, seed_of(idx, dir, f));
        rc = zmq_send(s, buf, len, f < sp->nframes - 1 ? ZMQ_SNDMORE : 0);
        free(buf);
        if (!check(rc == (int)len, "message %d frame %d: zmq_send: %s", idx, f, err()))
            return -1;
    }
    return 0;
}

/* What the receiving side expects zmq_msg_gets() to say about every frame
 * it receives: property name and value, NULL for "no such property". */
typedef struct {
    const char *name, *value;
} prop_t;

static void check_props(zmq_msg_t *m, const prop_t *props, int nprops, int idx, int f)
{
    int i;
    for (i = 0; i < nprops; i++) {
        const char *got = zmq_msg_gets(m, props[i].name);
        if (props[i].value)
            check(got && strcmp(got, props[i].value) == 0,
                  "message %d frame %d: zmq_msg_gets(%s) = %s, expected %s", idx, f, props[i].name,
                  got ? got : "NULL", props[i].value);
        else
            check(!got && zmq_errno() == EINVAL,
                  "message %d frame %d: zmq_msg_gets(%s) = %s, expected NULL/EINVAL", idx, f,
                  props[i].name, got ? got : "NULL");
    }
}

/* Receives message idx/dir and checks every frame's size, content and
 * properties. */
static int recv_spec(void *s, int idx, int dir, const prop_t *props, int nprops)
{
    const spec_t *sp = &specs[idx];
    int f = 0, more = 1, ok = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, 0) < 0) {
            zmq_msg_close(&m);
            return check(0, "message %d: zmq_msg_recv after %d frames: %s", idx, f, err()), -1;
        }
        more = zmq_msg_more(&m);
        if (f < sp->nframes) {
            size_t len = sp->sizes[f];
            if (zmq_msg_size(&m) != len) {
                ok = check(0, "message %d frame %d: %lu bytes, expected %lu", idx, f,
                           (unsigned long)zmq_msg_size(&m), (unsigned long)len);
            } else {
                unsigned char *want = malloc(len ? len : 1);
                if (!want)
                    exit(2);
                fill(want, len, seed_of(idx, dir, f));
                if (len && memcmp(zmq_msg_data(&m), want, len) != 0)
                    ok = check(0, "message %d frame %d (%lu bytes): content differs", idx, f,
                               (unsigned long)len);
                free(want);
            }
            check_props(&m, props, nprops, idx, f);
        }
        zmq_msg_close(&m);
        f++;
    }
    if (f != sp->nframes)
        ok = check(0, "message %d: %d frames, expected %d", idx, f, sp->nframes);
    else if (ok)
        check(1, "");
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* the ZAP handler                                                     */

typedef struct {
    void *rep;              /* bound by main, then used only by the thread */
    const char *mechanism;  /* "PLAIN" or "CURVE": what requests must say */
    uint8_t allowed[32];    /* CURVE: the one client key on the allow-list */
    int requests, accepted; /* read by main after the thread ended */
} zap_t;

static void zap_answer(void *rep, zap_t *z, const zap_request_t *req)
{
    unsigned char meta[64];
    size_t meta_len = 0;
    int ok;
    z->requests++;
    check(zap_frame_is_str(req, ZAP_VERSION, "1.0"), "ZAP: version is not 1.0");
    check(zap_frame_is_str(req, ZAP_DOMAIN, DOMAIN), "ZAP: domain is not " DOMAIN);
    check(zap_frame_is_str(req, ZAP_ADDRESS, "127.0.0.1"), "ZAP: address is not 127.0.0.1");
    check(zap_frame_is_str(req, ZAP_MECHANISM, z->mechanism), "ZAP: mechanism is not %s", z->mechanism);
    if (strcmp(z->mechanism, "PLAIN") == 0) {
        check(req->nframes == ZAP_CRED1 + 1, "ZAP: PLAIN request of %d frames, expected 8",
              req->nframes);
        check(zap_frame_is_str(req, ZAP_CRED0, PLAIN_USER), "ZAP: PLAIN username differs");
        ok = zap_frame_is_str(req, ZAP_CRED1, PLAIN_PASSWORD);
    } else {
        check(req->nframes == ZAP_CRED0 + 1 && req->len[ZAP_CRED0] == 32,
              "ZAP: CURVE request of %d frames, expected 7 with a 32-byte key", req->nframes);
        ok = zap_frame_is(req, ZAP_CRED0, z->allowed, 32);
    }
    zap_add_property(meta, sizeof meta, &meta_len, META_NAME, META_VALUE);
    if (ok) {
        z->accepted++;
        zap_send_reply(rep, req, "200", "OK", z->mechanism[0] == 'P' ? PLAIN_USER : CURVE_USER, meta,
                       meta_len);
    } else {
        zap_send_reply(rep, req, "400", "not allowed", "", "", 0);
    }
}

static void *zap_thread(void *arg)
{
    zap_t *z = arg;
    zap_request_t req;
    /* until zmq_ctx_term() in main makes the blocking receive fail (ETERM) */
    while (zap_recv_request(z->rep, &req) == 0)
        zap_answer(z->rep, z, &req);
    zmq_close(z->rep);
    return NULL;
}

/* RFC 27: the handler is bound before any server starts; binding it here
 * means the server socket cannot come first. */
static int start_zap(void *ctx, zap_t *z, pthread_t *th)
{
    int linger = 0;
    z->rep = zmq_socket(ctx, ZMQ_REP);
    if (!check(z->rep != NULL, "ZAP: zmq_socket: %s", err()))
        return -1;
    zmq_setsockopt(z->rep, ZMQ_LINGER, &linger, sizeof linger);
    if (!check(zmq_bind(z->rep, ZAP_ENDPOINT) == 0, "ZAP: bind %s: %s", ZAP_ENDPOINT, err()))
        return -1;
    return check(pthread_create(th, NULL, zap_thread, z) == 0, "pthread_create") ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* sockets and options                                                 */

static void set_int(void *s, int opt, int v, const char *name)
{
    check(zmq_setsockopt(s, opt, &v, sizeof v) == 0, "%s: %s", name, err());
}

static void set_bytes(void *s, int opt, const void *v, size_t len, const char *name)
{
    check(zmq_setsockopt(s, opt, v, len) == 0, "%s (%lu bytes): %s", name, (unsigned long)len, err());
}

static int get_int(void *s, int opt)
{
    int v = -12345;
    size_t len = sizeof v;
    if (zmq_getsockopt(s, opt, &v, &len) != 0)
        return -12345;
    return v;
}

/* The key option reads back as 32 binary bytes and as 40 Z85 characters
 * plus NUL, both equal to k. */
static void check_key_readback(void *s, int opt, const zkey_t *k, const char *name)
{
    uint8_t bin[32];
    char z85[41];
    size_t len = sizeof bin;
    int rc = zmq_getsockopt(s, opt, bin, &len);
    check(rc == 0 && len == 32 && memcmp(bin, k->bin, 32) == 0, "%s read back in binary: rc=%d len=%lu %s",
          name, rc, (unsigned long)len, rc ? err() : "(differs)");
    len = sizeof z85;
    rc = zmq_getsockopt(s, opt, z85, &len);
    check(rc == 0 && len == 41 && strcmp(z85, k->z85) == 0, "%s read back in Z85: rc=%d len=%lu %s", name,
          rc, (unsigned long)len, rc ? err() : "(differs)");
}

static void *make_socket(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s) {
        check(0, "zmq_socket: %s", err());
        exit(finish());
    }
    set_int(s, ZMQ_RCVTIMEO, IO_TIMEOUT_MS, "ZMQ_RCVTIMEO");
    set_int(s, ZMQ_SNDTIMEO, IO_TIMEOUT_MS, "ZMQ_SNDTIMEO");
    set_int(s, ZMQ_LINGER, 2000, "ZMQ_LINGER");
    return s;
}

static int attach(void *s, const char *spec)
{
    if (spec[0] == '@') {
        const char *ready = getenv("PEER_READY_FILE");
        char last[256], tmp[512];
        size_t len = sizeof last;
        FILE *f;
        if (!check(zmq_bind(s, spec + 1) == 0, "zmq_bind(%s): %s", spec + 1, err()))
            return -1;
        if (!check(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, last, &len) == 0, "ZMQ_LAST_ENDPOINT: %s", err()))
            return -1;
        if (ready) {
            /* rename() so the other side never reads a half-written file */
            snprintf(tmp, sizeof tmp, "%s.tmp", ready);
            f = fopen(tmp, "w");
            if (!f || fprintf(f, "%s", last) < 0 || fclose(f) != 0 || rename(tmp, ready) != 0)
                return check(0, "cannot write %s", ready), -1;
        }
        return 0;
    }
    if (spec[0] == '>')
        return check(zmq_connect(s, spec + 1) == 0, "zmq_connect(%s): %s", spec + 1, err()) ? 0 : -1;
    return check(0, "endpoint must start with '@' or '>': %s", spec), -1;
}

/* ------------------------------------------------------------------ */
/* scenarios                                                           */

typedef enum { PLAIN_OK, PLAIN_DENIED, CURVE_OK, CURVE_UNKNOWN_KEY, CURVE_WRONG_SERVER_KEY } scenario_t;

static const char *const scenario_names[] = {"plain-ok", "plain-denied", "curve-ok", "curve-unknown-key",
                                             "curve-wrong-server-key"};

typedef struct {
    zkey_t server_pub, server_sec, client_pub, client_sec, stranger_pub, stranger_sec;
} keys_t;

static int load_keys(keys_t *k)
{
    return env_pair("SEC_SERVER_PUBLIC", "SEC_SERVER_SECRET", &k->server_pub, &k->server_sec) == 0
                   && env_pair("SEC_CLIENT_PUBLIC", "SEC_CLIENT_SECRET", &k->client_pub, &k->client_sec) == 0
                   && env_pair("SEC_STRANGER_PUBLIC", "SEC_STRANGER_SECRET", &k->stranger_pub,
                               &k->stranger_sec) == 0
               ? 0
               : -1;
}

/* Security options of each side. The keys go in through every accepted
 * form: the server's secret as 40 Z85 characters, the client's secret in
 * binary, the client's public key as Z85 with its NUL (41 bytes). */
static void secure_server(void *s, scenario_t sc, const keys_t *k)
{
    set_bytes(s, ZMQ_ZAP_DOMAIN, DOMAIN, strlen(DOMAIN), "ZMQ_ZAP_DOMAIN");
    if (sc == PLAIN_OK || sc == PLAIN_DENIED) {
        set_int(s, ZMQ_PLAIN_SERVER, 1, "ZMQ_PLAIN_SERVER");
        check(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN, "server ZMQ_MECHANISM is not ZMQ_PLAIN");
    } else {
        set_int(s, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
        set_bytes(s, ZMQ_CURVE_SECRETKEY, k->server_sec.z85, 40, "ZMQ_CURVE_SECRETKEY");
        check(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE, "server ZMQ_MECHANISM is not ZMQ_CURVE");
        check(get_int(s, ZMQ_CURVE_SERVER) == 1, "server ZMQ_CURVE_SERVER does not read back 1");
        check_key_readback(s, ZMQ_CURVE_SECRETKEY, &k->server_sec, "server ZMQ_CURVE_SECRETKEY");
    }
}

static void secure_client(void *s, scenario_t sc, const keys_t *k)
{
    const zkey_t *pub = sc == CURVE_UNKNOWN_KEY ? &k->stranger_pub : &k->client_pub;
    const zkey_t *sec = sc == CURVE_UNKNOWN_KEY ? &k->stranger_sec : &k->client_sec;
    const zkey_t *server = sc == CURVE_WRONG_SERVER_KEY ? &k->stranger_pub : &k->server_pub;
    if (sc == PLAIN_OK || sc == PLAIN_DENIED) {
        const char *pw = sc == PLAIN_OK ? PLAIN_PASSWORD : PLAIN_WRONG_PASSWORD;
        set_bytes(s, ZMQ_PLAIN_USERNAME, PLAIN_USER, strlen(PLAIN_USER), "ZMQ_PLAIN_USERNAME");
        set_bytes(s, ZMQ_PLAIN_PASSWORD, pw, strlen(pw), "ZMQ_PLAIN_PASSWORD");
        check(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN, "client ZMQ_MECHANISM is not ZMQ_PLAIN");
        check(get_int(s, ZMQ_PLAIN_SERVER) == 0, "client ZMQ_PLAIN_SERVER does not read back 0");
    } else {
        set_bytes(s, ZMQ_CURVE_SERVERKEY, server->z85, 41, "ZMQ_CURVE_SERVERKEY");
        set_bytes(s, ZMQ_CURVE_PUBLICKEY, pub->z85, 41, "ZMQ_CURVE_PUBLICKEY");
        set_bytes(s, ZMQ_CURVE_SECRETKEY, sec->bin, 32, "ZMQ_CURVE_SECRETKEY");
        check(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE, "client ZMQ_MECHANISM is not ZMQ_CURVE");
        check(get_int(s, ZMQ_CURVE_SERVER) == 0, "client ZMQ_CURVE_SERVER does not read back 0");
        check_key_readback(s, ZMQ_CURVE_SERVERKEY, server, "client ZMQ_CURVE_SERVERKEY");
        check_key_readback(s, ZMQ_CURVE_PUBLICKEY, pub, "client ZMQ_CURVE_PUBLICKEY");
        check_key_readback(s, ZMQ_CURVE_SECRETKEY, sec, "client ZMQ_CURVE_SECRETKEY");
    }
}

/* The accepted exchange: the client sends message i, the server checks it
 * (content, and ZAP's user id and metadata, the client's socket type and
 * address on every frame) and answers with message i in the other
 * direction, which the client checks (the server's socket type; no user
 * id, as the client side has no ZAP). Then "bye"/"ack", so that no checked
 * message is the last thing a process sends before closing (see peer.c). */
static void exchange_server(void *s, scenario_t sc)
{
    const prop_t props[] = {
        {"User-Id", sc == PLAIN_OK ? PLAIN_USER : CURVE_USER},
        {META_NAME, META_VALUE},
        {"Socket-Type", "REQ"},
        {"Peer-Address", "127.0.0.1"},
    };
    char bye[8];
    int i;
    for (i = 0; i < NSPECS; i++) {
        if (recv_spec(s, i, 0, props, 4) != 0 || send_spec(s, i, 1) != 0)
            return;
    }
    check(zmq_recv(s, bye, sizeof bye, 0) == 3 && memcmp(bye, "bye", 3) == 0, "expected \"bye\"");
    check(zmq_send(s, "ack", 3, 0) == 3, "sending ack: %s", err());
}

static void exchange_client(void *s)
{
    const prop_t props[] = {{"Socket-Type", "REP"}, {"User-Id", NULL}};
    char ack[8];
    int i, t = 1000;
    for (i = 0; i < NSPECS; i++) {
        if (send_spec(s, i, 0) != 0 || recv_spec(s, i, 1, props, 2) != 0)
            return;
    }
    check(zmq_send(s, "bye", 3, 0) == 3, "sending bye: %s", err());
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &t, sizeof t);
    if (zmq_recv(s, ack, sizeof ack, 0) < 0) /* best effort, not checked */
        fprintf(stderr, "%s: (no ack before closing; not a failure)\n", role);
}

/* A refused side must not get a message through within ms. Polled, not
 * received: a REQ whose request could not be queued may not call recv at
 * all (EFSM). */
static void expect_nothing(void *s, int ms)
{
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, ms);
    check(rc == 0, "a refused connection delivered a message (zmq_poll rc=%d)", rc);
}

/* The handshake events libzmq 4.3.4 reports (values in hex: a ZAP status
 * code, a ZMQ_PROTOCOL_ERROR_* or an errno), per scenario and side.
 *
 * A refused connection is retried only by the side that did not get a
 * verdict: after ZAP's 400 the server sends ERROR and, when it is the
 * connecting side, reconnects (and is refused again); the client that got
 * the ERROR gives up for good. When the server cannot open the HELLO (wrong
 * server key) it drops the connection without ERROR and, if connecting,
 * gives up; the client only sees the connection go (EPIPE) and, if
 * connecting, retries. So the side named "retrier" sees its event once
 * per attempt, and so does its peer (at least twice in QUIET_MS, as it
 * retries every 100 ms), when the retrier connects; in every other case
 * each side sees its event exactly once. */
typedef enum { NOBODY, SERVER, CLIENT } side_t;

typedef struct {
    const char *server, *client;
    side_t retrier;
} expect_t;

static const expect_t expected[] = {
    [PLAIN_OK] = {"HANDSHAKE_SUCCEEDED 0x0", "HANDSHAKE_SUCCEEDED 0x0", NOBODY},
    [PLAIN_DENIED] = {"HANDSHAKE_FAILED_AUTH 0x190", "HANDSHAKE_FAILED_AUTH 0x190", SERVER},
    [CURVE_OK] = {"HANDSHAKE_SUCCEEDED 0x0", "HANDSHAKE_SUCCEEDED 0x0", NOBODY},
    [CURVE_UNKNOWN_KEY] = {"HANDSHAKE_FAILED_AUTH 0x190", "HANDSHAKE_FAILED_AUTH 0x190", SERVER},
    /* server: ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC; client: EPIPE */
    [CURVE_WRONG_SERVER_KEY] = {"HANDSHAKE_FAILED_PROTOCOL 0x11000001", "HANDSHAKE_FAILED_NO_DETAIL 0x20", CLIENT},
};

/* Whether the case's retrier is the connecting side, so that it does
 * retry, given whether this process (the server or not) connects. */
static int retrying(scenario_t sc, int is_server, int connects)
{
    int server_connects = is_server ? connects : !connects;
    return (expected[sc].retrier == SERVER && server_connects)
           || (expected[sc].retrier == CLIENT && !server_connects);
}

static void check_events(scenario_t sc, int is_server, int connects)
{
    const expect_t *e = &expected[sc];
    const char *want = is_server ? e->server : e->client;
    evlog_event_t got[64];
    int i, n = evlog_handshake(got, 64), same = 1;
    /* each attempt is a new connection, so both sides see every one */
    int retries = retrying(sc, is_server, connects);
    char all[2048] = "";
    size_t len = 0;

    for (i = 0; i < n && len < sizeof all; i++) {
        char one[64];
        evlog_format(&got[i], one, sizeof one);
        same &= strcmp(one, want) == 0;
        len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", i ? ", " : "", one);
    }
    check(same && n >= 1, "handshake events [%s], expected only %s", all, want);
    if (retries)
        check(n >= 2, "handshake events [%s]: expected a retry (at least 2)", all);
    else
        check(n == 1, "handshake events [%s]: expected exactly one", all);
    if (verbose)
        fprintf(stderr, "%s: handshake events: %s\n", role, all);
}

static int run_scenario(void *ctx, int is_server, const char *ep, scenario_t sc, const keys_t *k)
{
    zap_t zap;
    pthread_t zap_th;
    void *s;
    int ok_case = sc == PLAIN_OK || sc == CURVE_OK;

    memset(&zap, 0, sizeof zap);
    if (is_server) {
        zap.mechanism = sc == PLAIN_OK || sc == PLAIN_DENIED ? "PLAIN" : "CURVE";
        memcpy(zap.allowed, k->client_pub.bin, 32);
        if (start_zap(ctx, &zap, &zap_th) != 0)
            return -1;
    }
    s = make_socket(ctx, is_server ? ZMQ_REP : ZMQ_REQ);
    if (is_server)
        secure_server(s, sc, k);
    else
        secure_client(s, sc, k);
    if (!check(evlog_start(ctx, s, verbose ? role : NULL) == 0, "socket monitor: %s", err()))
        return -1;
    if (attach(s, ep) == 0) {
        if (ok_case && is_server)
            exchange_server(s, sc);
        else if (ok_case)
            exchange_client(s);
        else {
            int outlive = ep[0] == '@' && retrying(sc, is_server, 0);
            if (!is_server) {
                /* A connecting REQ queues the request at once; a binding
                 * one has no peer to queue it for (EAGAIN). Either way it
                 * must never be answered. */
                int rc = zmq_send(s, "let me in", 9, ZMQ_DONTWAIT);
                if (verbose)
                    fprintf(stderr, "%s: send while refused: rc=%d %s\n", role, rc, rc < 0 ? err() : "");
            }
            check(wait_handshake_event(IO_TIMEOUT_MS), "no handshake event within %d ms", IO_TIMEOUT_MS);
            if (outlive) {
                expect_nothing(s, BINDER_RECORD_MS);
                evlog_stop(s);
                expect_nothing(s, BINDER_LINGER_MS);
            } else {
                expect_nothing(s, QUIET_MS);
            }
        }
        if (sc == CURVE_OK)
            check(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE, "ZMQ_MECHANISM after the exchange");
    }
    if (!ok_case) /* the refused request must not hold up zmq_ctx_term */
        set_int(s, ZMQ_LINGER, 0, "ZMQ_LINGER");
    evlog_stop(s);
    check_events(sc, is_server, ep[0] == '>');
    check(zmq_close(s) == 0, "zmq_close: %s", err());
    check(zmq_ctx_term(ctx) == 0, "zmq_ctx_term: %s", err());
    if (is_server) {
        pthread_join(zap_th, NULL);
        if (ok_case)
            check(zap.requests == 1 && zap.accepted == 1, "ZAP saw %d request(s), accepted %d; expected 1/1",
                  zap.requests, zap.accepted);
        else if (sc == CURVE_WRONG_SERVER_KEY)
            check(zap.requests == 0, "ZAP saw %d request(s) for a HELLO it cannot open", zap.requests);
        else
            check(zap.requests >= 1 && zap.accepted == 0, "ZAP saw %d request(s), accepted %d; expected >=1/0",
                  zap.requests, zap.accepted);
    }
    return 0;
}

/* ------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr, "usage: secpeer <server|client> <@ep|>ep> <scenario>\n"
                    "  scenarios: plain-ok plain-denied curve-ok curve-unknown-key curve-wrong-server-key\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    void *ctx;
    keys_t keys;
    int i, sc = -1, is_server;
    long t0 = now_ms();

    if (argc != 4)
        return usage();
    role = argv[1];
    verbose = getenv("SECPEER_VERBOSE") && *getenv("SECPEER_VERBOSE") == '1';
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(ALARM_S);

    ctx = zmq_ctx_new();
    if (!check(ctx != NULL, "zmq_ctx_new: %s", err()))
        return finish();
    is_server = strcmp(role, "server") == 0;
    if (!is_server && strcmp(role, "client") != 0)
        return usage();
    for (i = 0; i < (int)(sizeof scenario_names / sizeof scenario_names[0]); i++)
        if (strcmp(argv[3], scenario_names[i]) == 0)
            sc = i;
    if (sc < 0)
        return usage();
    if (load_keys(&keys) == 0)
        run_scenario(ctx, is_server, argv[2], (scenario_t)sc, &keys);
    fprintf(stderr, "%s: done in %ld ms\n", role, now_ms() - t0);
    return finish();
}
