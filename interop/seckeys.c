/* seckeys: CURVE keys and the security socket options, on one library.
 *
 *   seckeys keygen     print "<public> <secret>" in Z85: a pair from
 *                      zmq_curve_keypair whose public key zmq_curve_public
 *                      derives again from the secret (exit 1 otherwise)
 *   seckeys options    check ZMQ_MECHANISM and the key options in-process;
 *                      prints "N passed, N failed"
 *
 * security.sh runs both under each side's library: the key pairs of the
 * scenarios come from here, so one library's keys are used by the other.
 *
 * Only <zmq.h> and libc are used.
 */
#include <zmq.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

static int check(int ok, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    fputs("options: FAIL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 0;
}

static const char *err(void)
{
    return zmq_strerror(zmq_errno());
}

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

static int keygen(void)
{
    char pub[41], sec[41], derived[41];
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "seckeys: zmq_curve_keypair: %s\n", err());
        return 1;
    }
    if (zmq_curve_public(derived, sec) != 0 || strcmp(derived, pub) != 0 || strlen(pub) != 40) {
        fprintf(stderr, "seckeys: zmq_curve_public does not give back the keypair's public key\n");
        return 1;
    }
    printf("%s %s\n", pub, sec);
    return 0;
}

/* Which ZMQ_MECHANISM each option leaves a fresh socket with, and how keys
 * read back. Observed on libzmq 4.3.4: a socket starts NULL; PLAIN_SERVER
 * and PLAIN_USERNAME make it PLAIN, CURVE_SERVER and CURVE_SERVERKEY make
 * it CURVE; the last such option wins; CURVE_SERVER 0 and an empty
 * PLAIN_USERNAME go back to NULL; keys are accepted as 32 bytes, 40 Z85
 * characters or 41 with the NUL, anything else is EINVAL; they read back
 * in binary into exactly 32 bytes and in Z85 into exactly 41 (any other
 * buffer size, larger ones included, is EINVAL). */
static int options_checks(void *ctx)
{
    char pub[41], sec[41], z85[41], buf[64];
    uint8_t bin[32];
    size_t len;
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int rc;

    if (!check(s != NULL, "zmq_socket: %s", err()))
        return -1;
    check(zmq_has("curve") == 1, "zmq_has(\"curve\") is not 1");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL, "a new socket's ZMQ_MECHANISM is not ZMQ_NULL");
    set_int(s, ZMQ_PLAIN_SERVER, 1, "ZMQ_PLAIN_SERVER");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN, "PLAIN_SERVER 1: mechanism is not ZMQ_PLAIN");
    set_int(s, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE, "CURVE_SERVER 1: mechanism is not ZMQ_CURVE");
    check(get_int(s, ZMQ_PLAIN_SERVER) == 0, "CURVE_SERVER 1: PLAIN_SERVER still reads 1");
    set_int(s, ZMQ_CURVE_SERVER, 0, "ZMQ_CURVE_SERVER");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL, "CURVE_SERVER 0: mechanism is not ZMQ_NULL");
    set_bytes(s, ZMQ_PLAIN_USERNAME, "u", 1, "ZMQ_PLAIN_USERNAME");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN, "PLAIN_USERNAME: mechanism is not ZMQ_PLAIN");
    len = sizeof buf;
    rc = zmq_getsockopt(s, ZMQ_PLAIN_USERNAME, buf, &len);
    check(rc == 0 && len == 2 && strcmp(buf, "u") == 0, "PLAIN_USERNAME reads back rc=%d len=%lu", rc,
          (unsigned long)len);
    set_bytes(s, ZMQ_PLAIN_USERNAME, NULL, 0, "ZMQ_PLAIN_USERNAME (empty)");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL, "empty PLAIN_USERNAME: mechanism is not ZMQ_NULL");

    check(zmq_curve_keypair(pub, sec) == 0, "zmq_curve_keypair: %s", err());
    check(strlen(pub) == 40 && strlen(sec) == 40, "zmq_curve_keypair: keys are not 40 characters");
    check(zmq_curve_public(z85, sec) == 0 && strcmp(z85, pub) == 0, "zmq_curve_public differs from the pair");
    check(zmq_z85_decode(bin, pub) != NULL, "zmq_z85_decode of a public key failed");
    set_bytes(s, ZMQ_CURVE_SERVERKEY, bin, 32, "ZMQ_CURVE_SERVERKEY (binary)");
    check(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE, "CURVE_SERVERKEY: mechanism is not ZMQ_CURVE");
    check(get_int(s, ZMQ_CURVE_SERVER) == 0, "CURVE_SERVERKEY: CURVE_SERVER does not read 0");
    len = sizeof z85;
    rc = zmq_getsockopt(s, ZMQ_CURVE_SERVERKEY, z85, &len);
    check(rc == 0 && len == 41 && strcmp(z85, pub) == 0, "binary key read back as Z85: rc=%d len=%lu", rc,
          (unsigned long)len);
    set_bytes(s, ZMQ_CURVE_PUBLICKEY, pub, 40, "ZMQ_CURVE_PUBLICKEY (40 Z85)");
    len = sizeof bin;
    rc = zmq_getsockopt(s, ZMQ_CURVE_PUBLICKEY, bin, &len);
    check(rc == 0 && len == 32, "Z85 key read back in binary: rc=%d len=%lu", rc, (unsigned long)len);
    check(zmq_z85_encode(z85, bin, 32) != NULL && strcmp(z85, pub) == 0, "binary read-back differs");
    set_bytes(s, ZMQ_CURVE_SECRETKEY, sec, 41, "ZMQ_CURVE_SECRETKEY (41 Z85+NUL)");
    len = 41;
    rc = zmq_getsockopt(s, ZMQ_CURVE_SECRETKEY, buf, &len);
    check(rc == 0 && len == 41 && strcmp(buf, sec) == 0, "Z85+NUL key read back as Z85: rc=%d len=%lu", rc,
          (unsigned long)len);
    rc = zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 39);
    check(rc == -1 && zmq_errno() == EINVAL, "a 39-byte key: rc=%d, expected EINVAL", rc);
    len = 40;
    rc = zmq_getsockopt(s, ZMQ_CURVE_SECRETKEY, buf, &len);
    check(rc == -1 && zmq_errno() == EINVAL, "a 40-byte read buffer: rc=%d, expected EINVAL", rc);
    len = sizeof buf;
    rc = zmq_getsockopt(s, ZMQ_CURVE_SECRETKEY, buf, &len);
    check(rc == -1 && zmq_errno() == EINVAL, "a 64-byte read buffer: rc=%d, expected EINVAL", rc);
    check(zmq_close(s) == 0, "zmq_close: %s", err());
    return 0;
}

int main(int argc, char **argv)
{
    void *ctx;
    if (argc == 2 && strcmp(argv[1], "keygen") == 0)
        return keygen();
    if (argc != 2 || strcmp(argv[1], "options") != 0) {
        fprintf(stderr, "usage: seckeys keygen | seckeys options\n");
        return 2;
    }
    ctx = zmq_ctx_new();
    if (check(ctx != NULL, "zmq_ctx_new: %s", err())) {
        options_checks(ctx);
        check(zmq_ctx_term(ctx) == 0, "zmq_ctx_term: %s", err());
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
