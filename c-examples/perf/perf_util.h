/* perf_util.h: small helpers shared by ferrozmq's perf programs.
 *
 * Everything here is static inline so each perf program stays a single
 * translation unit that needs only <zmq.h> and the C library.
 *
 * Every blocking call is bounded: sockets get ZMQ_RCVTIMEO, ZMQ_SNDTIMEO
 * and ZMQ_LINGER of PERF_TIMEOUT_MS (10 s unless the environment variable
 * PERF_TIMEOUT_MS says otherwise), so a broken peer or library makes the
 * program fail with a message instead of hanging.
 *
 * PERF_CURVE=1 secures the network programs' sockets with CURVE: the
 * binding side (local_*) is the CURVE server, the connecting side
 * (remote_*) the client, with the fixed key pairs below. Both sides must
 * agree, so a driver sets it for both or neither.
 */
#ifndef FERROZMQ_PERF_UTIL_H
#define FERROZMQ_PERF_UTIL_H

#include <zmq.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *perf_prog = "perf";

static inline int perf_timeout_ms(void);

/* Print "<prog>: <what> failed: <error>" and exit(1). Safe to call from
 * any thread: the process ends, which is what a failed benchmark wants. */
static inline void perf_die_err(const char *what, int err)
{
    if (err == EAGAIN)
        fprintf(stderr, "%s: %s failed: timed out after %d ms (%s)\n",
                perf_prog, what, perf_timeout_ms(), zmq_strerror(err));
    else
        fprintf(stderr, "%s: %s failed: %s\n", perf_prog, what,
                zmq_strerror(err));
    fflush(stdout);
    exit(1);
}

/* The same with the error of the last failed zmq call. */
static inline void perf_die(const char *what)
{
    perf_die_err(what, zmq_errno());
}

static inline void perf_fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", perf_prog, what);
    fflush(stdout);
    exit(1);
}

static inline void perf_usage(const char *args)
{
    fprintf(stderr, "usage: %s %s\n", perf_prog, args);
    exit(2);
}

/* Parse a positive decimal number no larger than max. */
static inline unsigned long perf_parse(const char *text, const char *name,
                                unsigned long min, unsigned long max)
{
    char *end = NULL;
    unsigned long value;

    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        goto bad;
    value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min
        || value > max)
        goto bad;
    return value;
bad:
    fprintf(stderr, "%s: invalid %s '%s' (expected %lu..%lu)\n", perf_prog,
            name, text, min, max);
    exit(2);
}

static inline int perf_timeout_ms(void)
{
    const char *env = getenv("PERF_TIMEOUT_MS");
    if (env != NULL && *env != '\0')
        return (int) perf_parse(env, "PERF_TIMEOUT_MS", 1, INT_MAX);
    return 10000;
}

static inline void perf_setopt_int(void *sock, int option, int value,
                            const char *what)
{
    if (zmq_setsockopt(sock, option, &value, sizeof value) != 0)
        perf_die(what);
}

/* Create a socket with bounded send, receive and linger times. */
static inline void *perf_socket(void *ctx, int type)
{
    int timeout = perf_timeout_ms();
    void *sock = zmq_socket(ctx, type);
    if (sock == NULL)
        perf_die("zmq_socket");
    perf_setopt_int(sock, ZMQ_RCVTIMEO, timeout, "zmq_setsockopt(ZMQ_RCVTIMEO)");
    perf_setopt_int(sock, ZMQ_SNDTIMEO, timeout, "zmq_setsockopt(ZMQ_SNDTIMEO)");
    perf_setopt_int(sock, ZMQ_LINGER, timeout, "zmq_setsockopt(ZMQ_LINGER)");
    return sock;
}

static inline void perf_bind(void *sock, const char *endpoint)
{
    if (zmq_bind(sock, endpoint) != 0) {
        fprintf(stderr, "%s: zmq_bind(%s) failed: %s\n", perf_prog, endpoint,
                zmq_strerror(zmq_errno()));
        exit(1);
    }
}

static inline void perf_connect(void *sock, const char *endpoint)
{
    if (zmq_connect(sock, endpoint) != 0) {
        fprintf(stderr, "%s: zmq_connect(%s) failed: %s\n", perf_prog,
                endpoint, zmq_strerror(zmq_errno()));
        exit(1);
    }
}

/* Print "bound <endpoint>" with the endpoint the socket really bound (so a
 * tcp port of '*' is resolved) and flush, so a driver script can start the
 * peer as soon as the line appears. */
static inline void perf_report_bound(void *sock, char *buf, size_t bufsize)
{
    size_t len = bufsize;
    if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, buf, &len) != 0)
        perf_die("zmq_getsockopt(ZMQ_LAST_ENDPOINT)");
    if (len == 0 || len > bufsize || buf[len - 1] != '\0')
        perf_fail("zmq_getsockopt(ZMQ_LAST_ENDPOINT) returned a bad string");
    printf("bound %s\n", buf);
    if (fflush(stdout) != 0)
        perf_fail("cannot write to stdout");
}

/* Send one fresh message of size bytes. */
static inline void perf_send_new(void *sock, size_t size)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0)
        perf_die("zmq_msg_init_size");
    if (zmq_msg_send(&msg, sock, 0) != (int) size)
        perf_die("zmq_msg_send"); /* exits; the message dies with us */
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");
}

/* Receive into an initialised message and check its size; done is how many
 * messages this socket received before (for the error message). */
static inline void perf_recv_check(void *sock, zmq_msg_t *msg, size_t size,
                                   unsigned long done)
{
    int rc = zmq_msg_recv(msg, sock, 0);
    if (rc < 0) {
        int err = zmq_errno();
        char what[80];
        snprintf(what, sizeof what, "zmq_msg_recv (after %lu received)", done);
        perf_die_err(what, err);
    }
    if ((size_t) rc != size || zmq_msg_size(msg) != size) {
        fprintf(stderr, "%s: received a message of %d bytes, expected %zu\n",
                perf_prog, rc, size);
        exit(1);
    }
    if (zmq_msg_more(msg)) {
        fprintf(stderr, "%s: received an unexpected multipart message\n",
                perf_prog);
        exit(1);
    }
}

static inline void perf_close(void *sock)
{
    if (zmq_close(sock) != 0)
        perf_die("zmq_close");
}

static inline void perf_ctx_term(void *ctx)
{
    if (zmq_ctx_term(ctx) != 0)
        perf_die("zmq_ctx_term");
}

static inline void *perf_ctx_new(void)
{
    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        perf_die("zmq_ctx_new");
    return ctx;
}

static inline void *perf_stopwatch_start(void)
{
    void *watch = zmq_stopwatch_start();
    if (watch == NULL)
        perf_die("zmq_stopwatch_start");
    return watch;
}

/* Key pairs for PERF_CURVE=1, made once with zmq_curve_keypair for these
 * programs. They protect nothing (they are published here); a fixed pair
 * keeps key generation out of the measurement. */
static const char perf_server_public[] = "pgC+9[RxvQ&30f[vN:OFq@:@dfQOpJ<2d+@Zo-Xo";
static const char perf_server_secret[] = "lZeZXbREh6bC!e20}$>>E{Wd=)Ng3$1mZt!C=PDu";
static const char perf_client_public[] = "mdC0e5D*eJCb$/j/K.h%?<V.bTcQ&+F6?LMAd/hH";
static const char perf_client_secret[] = "r(]2@/968be:N#@]NZWI(Wajej&sM[lc#ec^7B0S";

/* Whether PERF_CURVE asks for CURVE (unset or "0": no, "1": yes). */
static inline int perf_curve(void)
{
    const char *env = getenv("PERF_CURVE");
    if (env == NULL || *env == '\0')
        return 0;
    return (int) perf_parse(env, "PERF_CURVE", 0, 1);
}

static inline void perf_setopt_key(void *sock, int option, const char *z85,
                                   const char *what)
{
    if (zmq_setsockopt(sock, option, z85, 40) != 0)
        perf_die(what);
}

/* With PERF_CURVE=1, make sock the CURVE server (as_server) or a client of
 * it; call before binding or connecting. */
static inline void perf_secure(void *sock, int as_server)
{
    if (!perf_curve())
        return;
    if (as_server) {
        perf_setopt_int(sock, ZMQ_CURVE_SERVER, 1, "zmq_setsockopt(ZMQ_CURVE_SERVER)");
        perf_setopt_key(sock, ZMQ_CURVE_SECRETKEY, perf_server_secret,
                        "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)");
    } else {
        perf_setopt_key(sock, ZMQ_CURVE_SERVERKEY, perf_server_public,
                        "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)");
        perf_setopt_key(sock, ZMQ_CURVE_PUBLICKEY, perf_client_public,
                        "zmq_setsockopt(ZMQ_CURVE_PUBLICKEY)");
        perf_setopt_key(sock, ZMQ_CURVE_SECRETKEY, perf_client_secret,
                        "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)");
    }
}

/* Limits shared by all programs. A message size up to 256 MiB; counts up
 * to 2^31 so every product below stays exact in a double. */
#define PERF_MAX_SIZE (256UL * 1024 * 1024)
#define PERF_MAX_COUNT 2147483647UL

#endif
