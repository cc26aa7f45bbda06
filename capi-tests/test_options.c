/* Socket options: defaults for every stable socket type, libzmq 4.3.4's
   length and range rules, string/binary/CURVE key forms, mechanism side
   effects, and which socket types accept the type-specific options
   (including libzmq's inheritance leaks). Draft option numbers that the
   stable library accepts are written as raw numbers. */
#include "testutil.h"

#define NTYPES 12
#define ALL_TYPES 0xFFF
#define BIT(t) (1 << (t))

static void *ctx;

static void *open_socket(int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s) {
        printf("FAIL: zmq_socket(%d): %s\n", type, zmq_strerror(errno));
        exit(1);
    }
    return s;
}

static void close_socket(void *s)
{
    int zero = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    CHECK_OK(zmq_close(s));
}

static int setopt_int(void *s, int option, int value)
{
    return zmq_setsockopt(s, option, &value, sizeof value);
}

/* The int value of an option, or INT_MIN when the get fails or does not
   answer with exactly sizeof(int). */
static int get_int(void *s, int option)
{
    int value = 0;
    size_t len = sizeof value;
    if (zmq_getsockopt(s, option, &value, &len) != 0 || len != sizeof value)
        return INT_MIN;
    return value;
}

static int get_len(void *s, int option, void *buf, size_t len)
{
    return zmq_getsockopt(s, option, buf, &len);
}

/* Reads a string option into buf; returns the reported length or -1. */
static long get_str(void *s, int option, char *buf, size_t size)
{
    size_t len = size;
    memset(buf, 'x', size);
    if (zmq_getsockopt(s, option, buf, &len) != 0)
        return -1;
    for (size_t i = len; i < size; i++)
        if (buf[i] != 0)
            return -2; /* rest of the buffer must be zeroed */
    return (long) len;
}

/* ------------------------------------------------------------------ */

struct int_default {
    int option;
    int value;
};

static const struct int_default int_defaults[] = {
    {ZMQ_SNDHWM, 1000},          {ZMQ_RCVHWM, 1000},
    {ZMQ_RATE, 100},             {ZMQ_RECOVERY_IVL, 10000},
    {ZMQ_SNDBUF, -1},            {ZMQ_RCVBUF, -1},
    {ZMQ_RECONNECT_IVL, 100},    {ZMQ_BACKLOG, 100},
    {ZMQ_RECONNECT_IVL_MAX, 0},  {ZMQ_MULTICAST_HOPS, 1},
    {ZMQ_RCVTIMEO, -1},          {ZMQ_SNDTIMEO, -1},
    {ZMQ_IPV4ONLY, 1},           {ZMQ_TCP_KEEPALIVE, -1},
    {ZMQ_TCP_KEEPALIVE_CNT, -1}, {ZMQ_TCP_KEEPALIVE_IDLE, -1},
    {ZMQ_TCP_KEEPALIVE_INTVL, -1}, {ZMQ_IMMEDIATE, 0},
    {ZMQ_IPV6, 0},               {ZMQ_MECHANISM, ZMQ_NULL},
    {ZMQ_PLAIN_SERVER, 0},       {ZMQ_CURVE_SERVER, 0},
    {ZMQ_CONFLATE, 0},           {ZMQ_TOS, 0},
    {ZMQ_HANDSHAKE_IVL, 30000},  {ZMQ_INVERT_MATCHING, 0},
    {ZMQ_HEARTBEAT_IVL, 0},      {ZMQ_HEARTBEAT_TTL, 0},
    {ZMQ_HEARTBEAT_TIMEOUT, -1}, {ZMQ_CONNECT_TIMEOUT, 0},
    {ZMQ_TCP_MAXRT, 0},          {ZMQ_THREAD_SAFE, 0},
    {ZMQ_MULTICAST_MAXTPDU, 1500}, {ZMQ_USE_FD, -1},
    {ZMQ_RCVMORE, 0},
    {93 /* ZAP_ENFORCE_DOMAIN */, 0}, {94 /* LOOPBACK_FASTPATH */, 0},
    {96 /* MULTICAST_LOOP */, 1}, {109 /* RECONNECT_STOP */, 0},
};

static const int string_options[] = {
    ZMQ_LAST_ENDPOINT, ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD, ZMQ_ZAP_DOMAIN,
    ZMQ_SOCKS_PROXY,   ZMQ_BINDTODEVICE,   99 /* SOCKS_USERNAME */,
    100 /* SOCKS_PASSWORD */,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_defaults(void)
{
    for (int t = 0; t < NTYPES; t++) {
        void *s = open_socket(t);
        for (size_t i = 0; i < COUNT(int_defaults); i++) {
            int got = get_int(s, int_defaults[i].option);
            if (got != int_defaults[i].value)
                printf("  type %d option %d: got %d\n", t,
                       int_defaults[i].option, got);
            CHECK(got == int_defaults[i].value);
        }
        CHECK(get_int(s, ZMQ_TYPE) == t);
        CHECK(get_int(s, ZMQ_LINGER)
              == (t == ZMQ_SUB || t == ZMQ_XSUB ? 0 : -1));

        uint64_t affinity = 99;
        size_t len = sizeof affinity;
        CHECK_OK(zmq_getsockopt(s, ZMQ_AFFINITY, &affinity, &len));
        CHECK(affinity == 0 && len == 8);
        int64_t maxmsgsize = 0;
        len = sizeof maxmsgsize;
        CHECK_OK(zmq_getsockopt(s, ZMQ_MAXMSGSIZE, &maxmsgsize, &len));
        CHECK(maxmsgsize == -1 && len == 8);

        char buf[64];
        len = sizeof buf;
        CHECK_OK(zmq_getsockopt(s, ZMQ_ROUTING_ID, buf, &len));
        CHECK(len == 0);
        for (size_t i = 0; i < COUNT(string_options); i++)
            CHECK(get_str(s, string_options[i], buf, sizeof buf) == 1
                  && buf[0] == 0);

        unsigned char key[32];
        memset(key, 1, sizeof key);
        len = 32;
        CHECK_OK(zmq_getsockopt(s, ZMQ_CURVE_SERVERKEY, key, &len));
        int zeros = 1;
        for (int i = 0; i < 32; i++)
            zeros &= key[i] == 0;
        CHECK(zeros && len == 32);
        char z85[41];
        len = 41;
        CHECK_OK(zmq_getsockopt(s, ZMQ_CURVE_PUBLICKEY, z85, &len));
        CHECK(len == 41
              && strcmp(z85, "0000000000000000000000000000000000000000") == 0);

        /* No GSSAPI in ferrozmq: as a build without it, EINVAL. */
        FERROZMQ_ONLY {
            CHECK_ERR(get_len(s, ZMQ_GSSAPI_SERVER, buf, 4), EINVAL);
            CHECK_ERR(get_len(s, ZMQ_GSSAPI_PRINCIPAL, buf, 64), EINVAL);
        }
        close_socket(s);
    }
}

static void test_context_seeds(void)
{
    void *c = zmq_ctx_new();
    CHECK_OK(zmq_ctx_set(c, ZMQ_IPV6, 1));
    CHECK_OK(zmq_ctx_set(c, ZMQ_BLOCKY, 0));
    for (int t = 0; t < NTYPES; t++) {
        void *s = zmq_socket(c, t);
        CHECK(s != NULL);
        CHECK(get_int(s, ZMQ_LINGER) == 0);
        CHECK(get_int(s, ZMQ_IPV6) == 1);
        CHECK(get_int(s, ZMQ_IPV4ONLY) == 0);
        CHECK_OK(zmq_close(s));
    }
    CHECK_OK(zmq_ctx_term(c));
}

/* ------------------------------------------------------------------ */

static void test_refused_numbers(void)
{
    static const int unused[] = {0,  1,  2,  3,   10,  20,  26,   29, 30,
                                 67, 82, 83, 125, 200, -1,  1000};
    static const int refused[] = {
        70 /* BLOCKY is a context option */,
        85, 86, 87, 88 /* VMCI */,
        97, 101, 102, 103, 104, 105, 106, 107, 110, 111, 112, 113, 114,
        115, 116, 117, 118, 119, 120, 121, 122, 123, 124 /* draft build */,
    };
    static const int read_only[] = {ZMQ_RCVMORE, ZMQ_FD, ZMQ_EVENTS,
                                    ZMQ_TYPE, ZMQ_LAST_ENDPOINT,
                                    ZMQ_MECHANISM, ZMQ_THREAD_SAFE};
    static const int set_only[] = {
        ZMQ_SUBSCRIBE,      ZMQ_UNSUBSCRIBE,    ZMQ_ROUTER_MANDATORY,
        ZMQ_TCP_ACCEPT_FILTER, ZMQ_XPUB_VERBOSE, ZMQ_ROUTER_RAW,
        ZMQ_PROBE_ROUTER,   ZMQ_REQ_CORRELATE,  ZMQ_REQ_RELAXED,
        ZMQ_ROUTER_HANDOVER, ZMQ_IPC_FILTER_PID, ZMQ_IPC_FILTER_UID,
        ZMQ_IPC_FILTER_GID, ZMQ_CONNECT_ROUTING_ID, ZMQ_XPUB_NODROP,
        ZMQ_XPUB_MANUAL,    ZMQ_XPUB_WELCOME_MSG, ZMQ_STREAM_NOTIFY,
        ZMQ_XPUB_VERBOSER,  95 /* METADATA */, 98, 108,
    };
    char buf[256];
    for (int t = 0; t < NTYPES; t++) {
        void *s = open_socket(t);
        for (size_t i = 0; i < COUNT(unused); i++) {
            CHECK_ERR(setopt_int(s, unused[i], 1), EINVAL);
            CHECK_ERR(zmq_setsockopt(s, unused[i], "abcdefgh", 8), EINVAL);
            CHECK_ERR(get_len(s, unused[i], buf, 4), EINVAL);
            CHECK_ERR(get_len(s, unused[i], buf, sizeof buf), EINVAL);
        }
        for (size_t i = 0; i < COUNT(refused); i++) {
            CHECK_ERR(setopt_int(s, refused[i], 0), EINVAL);
            CHECK_ERR(setopt_int(s, refused[i], 1), EINVAL);
            CHECK_ERR(zmq_setsockopt(s, refused[i], "abcdefgh", 8), EINVAL);
            CHECK_ERR(get_len(s, refused[i], buf, 4), EINVAL);
            CHECK_ERR(get_len(s, refused[i], buf, 8), EINVAL);
        }
        for (size_t i = 0; i < COUNT(read_only); i++) {
            CHECK_ERR(setopt_int(s, read_only[i], 0), EINVAL);
            CHECK_ERR(setopt_int(s, read_only[i], 1), EINVAL);
        }
        for (size_t i = 0; i < COUNT(set_only); i++) {
            CHECK_ERR(get_len(s, set_only[i], buf, 4), EINVAL);
            CHECK_ERR(get_len(s, set_only[i], buf, sizeof buf), EINVAL);
        }
        FERROZMQ_ONLY {
            static const int gssapi[] = {62, 63, 64, 65, 90, 91};
            for (size_t i = 0; i < COUNT(gssapi); i++) {
                CHECK_ERR(setopt_int(s, gssapi[i], 1), EINVAL);
                CHECK_ERR(zmq_setsockopt(s, gssapi[i], "principal", 9), EINVAL);
                CHECK_ERR(get_len(s, gssapi[i], buf, 4), EINVAL);
            }
        }
        close_socket(s);
    }
}

/* ------------------------------------------------------------------ */

#define MAX_VALUES 6

struct int_rule {
    int option;
    int good[MAX_VALUES];
    int ngood;
    int bad[MAX_VALUES];
    int nbad;
    int boolean; /* reads back as 0/1 */
};

static const struct int_rule int_rules[] = {
    {ZMQ_SNDHWM, {0, 1, INT_MAX}, 3, {-1, INT_MIN}, 2, 0},
    {ZMQ_RCVHWM, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_RATE, {1, 1000}, 2, {0, -1}, 2, 0},
    {ZMQ_RECOVERY_IVL, {0, 7}, 2, {-1}, 1, 0},
    {ZMQ_SNDBUF, {-1, 0, 9}, 3, {-2}, 1, 0},
    {ZMQ_RCVBUF, {-1, 0, 9}, 3, {-2}, 1, 0},
    {ZMQ_LINGER, {-1, 0, 5}, 3, {-2}, 1, 0},
    {ZMQ_RECONNECT_IVL, {-1, 0, 5}, 3, {-2}, 1, 0},
    {ZMQ_BACKLOG, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_RECONNECT_IVL_MAX, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_MULTICAST_HOPS, {1, 5}, 2, {0, -1}, 2, 0},
    {ZMQ_RCVTIMEO, {-1, 0, 5}, 3, {-2}, 1, 0},
    {ZMQ_SNDTIMEO, {-1, 0, 5}, 3, {-2}, 1, 0},
    {ZMQ_IPV4ONLY, {0, 1}, 2, {2, -1}, 2, 1},
    {ZMQ_TCP_KEEPALIVE, {-1, 0, 1}, 3, {2, -2}, 2, 0},
    {ZMQ_TCP_KEEPALIVE_CNT, {-1, 0, 9}, 3, {-2}, 1, 0},
    {ZMQ_TCP_KEEPALIVE_IDLE, {-1, 0, 9}, 3, {-2}, 1, 0},
    {ZMQ_TCP_KEEPALIVE_INTVL, {-1, 0, 9}, 3, {-2}, 1, 0},
    {ZMQ_IMMEDIATE, {0, 1}, 2, {2, -1}, 2, 1},
    {ZMQ_IPV6, {0, 1}, 2, {2, -1}, 2, 1},
    {ZMQ_CONFLATE, {0, 1}, 2, {2, -1}, 2, 1},
    {ZMQ_TOS, {0, 255, 1000}, 3, {-1}, 1, 0},
    {ZMQ_HANDSHAKE_IVL, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_INVERT_MATCHING, {-2, 0, 7}, 3, {0}, 0, 1},
    {ZMQ_HEARTBEAT_IVL, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_HEARTBEAT_TIMEOUT, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_CONNECT_TIMEOUT, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_TCP_MAXRT, {0, 5}, 2, {-1}, 1, 0},
    {ZMQ_MULTICAST_MAXTPDU, {1, 9000}, 2, {0, -1}, 2, 0},
    {ZMQ_USE_FD, {-1, 3}, 2, {-2}, 1, 0},
    {93 /* ZAP_ENFORCE_DOMAIN */, {-1, 0, 5}, 3, {0}, 0, 1},
    {94 /* LOOPBACK_FASTPATH */, {-1, 0, 5}, 3, {0}, 0, 1},
    {96 /* MULTICAST_LOOP */, {-1, 0, 5}, 3, {0}, 0, 1},
    {109 /* RECONNECT_STOP */, {-5, 0, 3, 99}, 4, {0}, 0, 0},
};

static void test_int_rules(void)
{
    for (int t = 0; t < NTYPES; t++) {
        void *s = open_socket(t);
        for (size_t i = 0; i < COUNT(int_rules); i++) {
            const struct int_rule *r = &int_rules[i];
            for (int g = 0; g < r->ngood; g++) {
                int v = r->good[g];
                CHECK_OK(setopt_int(s, r->option, v));
                int expect = r->boolean ? v != 0 : v;
                int got = get_int(s, r->option);
                if (got != expect)
                    printf("  type %d option %d set %d read %d\n", t,
                           r->option, v, got);
                CHECK(got == expect);
            }
            for (int b = 0; b < r->nbad; b++)
                CHECK_ERR(setopt_int(s, r->option, r->bad[b]), EINVAL);
            /* exactly sizeof(int), to set and to get */
            int64_t wide = 1;
            char buf[16] = {1};
            CHECK_ERR(zmq_setsockopt(s, r->option, &wide, 8), EINVAL);
            CHECK_ERR(zmq_setsockopt(s, r->option, buf, 3), EINVAL);
            CHECK_ERR(zmq_setsockopt(s, r->option, buf, 5), EINVAL);
            CHECK_ERR(zmq_setsockopt(s, r->option, NULL, 0), EINVAL);
            CHECK_ERR(get_len(s, r->option, buf, 3), EINVAL);
            CHECK_ERR(get_len(s, r->option, buf, 5), EINVAL);
            CHECK_ERR(get_len(s, r->option, buf, 8), EINVAL);
            CHECK_ERR(get_len(s, r->option, buf, 0), EINVAL);
        }
        CHECK_OK(setopt_int(s, ZMQ_IPV4ONLY, 0));
        CHECK(get_int(s, ZMQ_IPV6) == 1);
        CHECK_OK(setopt_int(s, ZMQ_IPV6, 0));
        CHECK(get_int(s, ZMQ_IPV4ONLY) == 1);
        close_socket(s);
    }

    /* Read-only ints: TYPE needs exactly 4 bytes; RCVMORE, EVENTS, FD and
       THREAD_SAFE take any buffer of at least 4, zero the rest and report
       4. */
    void *s = open_socket(ZMQ_DEALER);
    char buf[16];
    CHECK_ERR(get_len(s, ZMQ_TYPE, buf, 8), EINVAL);
    CHECK_ERR(get_len(s, ZMQ_MECHANISM, buf, 8), EINVAL);
    static const int wide_ok[] = {ZMQ_RCVMORE, ZMQ_EVENTS, ZMQ_FD,
                                  ZMQ_THREAD_SAFE};
    for (size_t i = 0; i < COUNT(wide_ok); i++) {
        size_t len = 8;
        memset(buf, 'x', sizeof buf);
        CHECK_OK(zmq_getsockopt(s, wide_ok[i], buf, &len));
        CHECK(len == 4 && buf[4] == 0 && buf[7] == 0 && buf[8] == 'x');
        len = sizeof buf;
        CHECK_OK(zmq_getsockopt(s, wide_ok[i], buf, &len));
        CHECK(len == 4);
        CHECK_ERR(get_len(s, wide_ok[i], buf, 3), EINVAL);
        CHECK_ERR(get_len(s, wide_ok[i], buf, 0), EINVAL);
    }
    CHECK(get_int(s, ZMQ_FD) >= 0);
    close_socket(s);
}

static void test_heartbeat_ttl(void)
{
    void *s = open_socket(ZMQ_DEALER);
    CHECK_OK(setopt_int(s, ZMQ_HEARTBEAT_TTL, 6553599));
    CHECK(get_int(s, ZMQ_HEARTBEAT_TTL) == 6553500);
    CHECK_ERR(setopt_int(s, ZMQ_HEARTBEAT_TTL, 6553600), EINVAL);
    CHECK_ERR(setopt_int(s, ZMQ_HEARTBEAT_TTL, INT_MAX), EINVAL);
    CHECK_OK(setopt_int(s, ZMQ_HEARTBEAT_TTL, 199));
    CHECK(get_int(s, ZMQ_HEARTBEAT_TTL) == 100);
    CHECK_OK(setopt_int(s, ZMQ_HEARTBEAT_TTL, 99));
    CHECK(get_int(s, ZMQ_HEARTBEAT_TTL) == 0);
    /* truncated to deciseconds before the range check */
    CHECK_OK(setopt_int(s, ZMQ_HEARTBEAT_TTL, -99));
    CHECK(get_int(s, ZMQ_HEARTBEAT_TTL) == 0);
    CHECK_ERR(setopt_int(s, ZMQ_HEARTBEAT_TTL, -100), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_HEARTBEAT_TTL, "ab", 2), EINVAL);
    close_socket(s);
}

static void test_64bit(void)
{
    void *s = open_socket(ZMQ_PUSH);
    uint64_t affinity = 7;
    int64_t size = 1 << 20;
    char buf[16];
    size_t len;

    CHECK_OK(zmq_setsockopt(s, ZMQ_AFFINITY, &affinity, 8));
    CHECK_ERR(zmq_setsockopt(s, ZMQ_AFFINITY, &affinity, 4), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_AFFINITY, buf, 16), EINVAL);
    affinity = 0;
    len = 8;
    CHECK_OK(zmq_getsockopt(s, ZMQ_AFFINITY, &affinity, &len));
    CHECK(affinity == 7 && len == 8);
    CHECK_ERR(get_len(s, ZMQ_AFFINITY, buf, 4), EINVAL);
    CHECK_ERR(get_len(s, ZMQ_AFFINITY, buf, 16), EINVAL);

    CHECK_OK(zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &size, 8));
    size = -5; /* any value */
    CHECK_OK(zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &size, 8));
    CHECK_ERR(setopt_int(s, ZMQ_MAXMSGSIZE, 100), EINVAL);
    size = 0;
    len = 8;
    CHECK_OK(zmq_getsockopt(s, ZMQ_MAXMSGSIZE, &size, &len));
    CHECK(size == -5 && len == 8);
    CHECK_ERR(get_len(s, ZMQ_MAXMSGSIZE, buf, 4), EINVAL);
    CHECK_ERR(get_len(s, ZMQ_MAXMSGSIZE, buf, 16), EINVAL);
    close_socket(s);
}

/* ------------------------------------------------------------------ */

static void test_routing_id(void)
{
    void *s = open_socket(ZMQ_DEALER);
    char big[600], buf[300];
    memset(big, 'a', sizeof big);
    size_t len;

    CHECK_OK(zmq_setsockopt(s, ZMQ_ROUTING_ID, big, 255));
    len = sizeof buf;
    CHECK_OK(zmq_getsockopt(s, ZMQ_ROUTING_ID, buf, &len));
    CHECK(len == 255 && buf[254] == 'a' && buf[255] == 0);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ROUTING_ID, big, 256), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ROUTING_ID, NULL, 0), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ROUTING_ID, "", 0), EINVAL);
    /* any bytes, even a leading zero; exactly 4 bytes is fine too */
    CHECK_OK(zmq_setsockopt(s, ZMQ_ROUTING_ID, "\0abc", 4));
    CHECK_ERR(get_len(s, ZMQ_ROUTING_ID, buf, 3), EINVAL);
    len = 4;
    CHECK_OK(zmq_getsockopt(s, ZMQ_ROUTING_ID, buf, &len));
    CHECK(len == 4 && memcmp(buf, "\0abc", 4) == 0);
    len = 10;
    memset(buf, 'x', sizeof buf);
    CHECK_OK(zmq_getsockopt(s, ZMQ_ROUTING_ID, buf, &len));
    CHECK(len == 4 && buf[4] == 0 && buf[9] == 0 && buf[10] == 'x');
    close_socket(s);

    s = open_socket(ZMQ_ROUTER);
    len = 0;
    CHECK_OK(zmq_getsockopt(s, ZMQ_ROUTING_ID, buf, &len));
    CHECK(len == 0);
    close_socket(s);
}

static void test_strings(void)
{
    void *s = open_socket(ZMQ_DEALER);
    char big[600], buf[600];
    memset(big, 'z', sizeof big);

    /* ZAP_DOMAIN: 1..255 bytes, never empty */
    CHECK_OK(zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, big, 255));
    CHECK(get_str(s, ZMQ_ZAP_DOMAIN, buf, sizeof buf) == 256);
    CHECK(buf[254] == 'z' && buf[255] == 0);
    CHECK_ERR(get_len(s, ZMQ_ZAP_DOMAIN, buf, 255), EINVAL);
    CHECK_ERR(get_len(s, ZMQ_ZAP_DOMAIN, buf, 0), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, big, 256), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, NULL, 0), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "", 0), EINVAL);
    CHECK_OK(zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "global", 6));
    CHECK(get_str(s, ZMQ_ZAP_DOMAIN, buf, 7) == 7
          && strcmp(buf, "global") == 0);

    /* SOCKS_PROXY: any length; NULL/0 clears, ("", 0) is refused */
    CHECK_OK(zmq_setsockopt(s, ZMQ_SOCKS_PROXY, big, 600));
    CHECK(get_str(s, ZMQ_SOCKS_PROXY, buf, sizeof buf) == -1);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_SOCKS_PROXY, "", 0), EINVAL);
    CHECK_OK(zmq_setsockopt(s, ZMQ_SOCKS_PROXY, "127.0.0.1:1080", 14));
    CHECK(get_str(s, ZMQ_SOCKS_PROXY, buf, sizeof buf) == 15
          && strcmp(buf, "127.0.0.1:1080") == 0);
    CHECK_OK(zmq_setsockopt(s, ZMQ_SOCKS_PROXY, NULL, 0));
    CHECK(get_str(s, ZMQ_SOCKS_PROXY, buf, sizeof buf) == 1);

    /* SOCKS_USERNAME/PASSWORD (99/100): <= 255; NULL or empty clears */
    for (int opt = 99; opt <= 100; opt++) {
        CHECK_OK(zmq_setsockopt(s, opt, big, 255));
        CHECK(get_str(s, opt, buf, sizeof buf) == 256);
        CHECK_ERR(zmq_setsockopt(s, opt, big, 256), EINVAL);
        CHECK_OK(zmq_setsockopt(s, opt, "", 0));
        CHECK(get_str(s, opt, buf, sizeof buf) == 1);
        CHECK_OK(zmq_setsockopt(s, opt, "user", 4));
        CHECK(get_str(s, opt, buf, sizeof buf) == 5);
        CHECK_OK(zmq_setsockopt(s, opt, NULL, 0));
        CHECK(get_str(s, opt, buf, 1) == 1);
    }

    /* BINDTODEVICE: 1..16 bytes stored as given; NULL/0 clears */
    CHECK_OK(zmq_setsockopt(s, ZMQ_BINDTODEVICE, big, 16));
    CHECK(get_str(s, ZMQ_BINDTODEVICE, buf, sizeof buf) == 17);
    CHECK_ERR(get_len(s, ZMQ_BINDTODEVICE, buf, 16), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_BINDTODEVICE, big, 17), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_BINDTODEVICE, "", 0), EINVAL);
    CHECK_OK(zmq_setsockopt(s, ZMQ_BINDTODEVICE, "a\0b", 3));
    CHECK(get_str(s, ZMQ_BINDTODEVICE, buf, sizeof buf) == 4
          && memcmp(buf, "a\0b\0", 4) == 0);
    CHECK_OK(zmq_setsockopt(s, ZMQ_BINDTODEVICE, NULL, 0));
    CHECK(get_str(s, ZMQ_BINDTODEVICE, buf, sizeof buf) == 1);
    close_socket(s);

    /* LAST_ENDPOINT follows the last bind */
    s = open_socket(ZMQ_PAIR);
    CHECK_OK(zmq_bind(s, "inproc://test_options"));
    CHECK_ERR(get_len(s, ZMQ_LAST_ENDPOINT, buf, 21), EINVAL);
    CHECK(get_str(s, ZMQ_LAST_ENDPOINT, buf, 22) == 22
          && strcmp(buf, "inproc://test_options") == 0);
    CHECK(get_str(s, ZMQ_LAST_ENDPOINT, buf, sizeof buf) == 22);
    close_socket(s);
}

/* ------------------------------------------------------------------ */

static void test_plain(void)
{
    void *s = open_socket(ZMQ_DEALER);
    char big[300], buf[300];
    memset(big, 'u', sizeof big);

    CHECK_OK(zmq_setsockopt(s, ZMQ_PLAIN_USERNAME, big, 255));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 0);
    CHECK(get_str(s, ZMQ_PLAIN_USERNAME, buf, sizeof buf) == 256);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_PLAIN_USERNAME, big, 256), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_PLAIN_USERNAME, "", 0), EINVAL);
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN);
    /* NULL/0 resets the mechanism but keeps the stored name */
    CHECK_OK(zmq_setsockopt(s, ZMQ_PLAIN_USERNAME, NULL, 0));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);
    CHECK(get_str(s, ZMQ_PLAIN_USERNAME, buf, sizeof buf) == 256);

    CHECK_OK(zmq_setsockopt(s, ZMQ_PLAIN_PASSWORD, "secret", 6));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN);
    CHECK(get_str(s, ZMQ_PLAIN_PASSWORD, buf, 7) == 7
          && strcmp(buf, "secret") == 0);
    CHECK_ERR(get_len(s, ZMQ_PLAIN_PASSWORD, buf, 6), EINVAL);
    CHECK_OK(zmq_setsockopt(s, ZMQ_PLAIN_PASSWORD, NULL, 0));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);

    CHECK_OK(setopt_int(s, ZMQ_PLAIN_SERVER, 1));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 1);
    CHECK_ERR(setopt_int(s, ZMQ_PLAIN_SERVER, 2), EINVAL);
    CHECK_ERR(setopt_int(s, ZMQ_PLAIN_SERVER, -1), EINVAL);
    /* CURVE_SERVER takes over; PLAIN_SERVER reads 0 again */
    CHECK_OK(setopt_int(s, ZMQ_CURVE_SERVER, 1));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 0);
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 1);
    /* a PLAIN credential makes it a PLAIN client */
    CHECK_OK(zmq_setsockopt(s, ZMQ_PLAIN_USERNAME, "u", 1));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_PLAIN);
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 0);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 0);
    CHECK_OK(setopt_int(s, ZMQ_PLAIN_SERVER, 1));
    CHECK_OK(setopt_int(s, ZMQ_PLAIN_SERVER, 0));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 0);
    close_socket(s);
}

static void test_curve(void)
{
    void *s = open_socket(ZMQ_DEALER);
    uint8_t bin[32], other[32], out[32];
    char text[41], other_text[41], z85[64];
    size_t len;
    for (int i = 0; i < 32; i++) {
        bin[i] = (uint8_t) (i * 7 + 1);
        other[i] = (uint8_t) (255 - i * 3);
    }
    CHECK(zmq_z85_encode(text, bin, 32) != NULL);
    CHECK(zmq_z85_encode(other_text, other, 32) != NULL);

    static const int keys[] = {ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY,
                               ZMQ_CURVE_SERVERKEY};
    for (size_t k = 0; k < COUNT(keys); k++) {
        int opt = keys[k];
        CHECK_OK(setopt_int(s, ZMQ_CURVE_SERVER, 0));
        CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);
        CHECK_OK(zmq_setsockopt(s, opt, bin, 32));
        CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE);
        len = 32;
        CHECK_OK(zmq_getsockopt(s, opt, out, &len));
        CHECK(len == 32 && memcmp(out, bin, 32) == 0);
        len = 41;
        memset(z85, 'x', sizeof z85);
        CHECK_OK(zmq_getsockopt(s, opt, z85, &len));
        CHECK(len == 41 && strcmp(z85, text) == 0);
        static const size_t bad_get[] = {0, 31, 33, 40, 42, 64};
        for (size_t i = 0; i < COUNT(bad_get); i++)
            CHECK_ERR(get_len(s, opt, z85, bad_get[i]), EINVAL);

        /* Z85 text: 40 bytes, or 41 with the NUL */
        CHECK_OK(zmq_setsockopt(s, opt, other_text, 40));
        len = 32;
        CHECK_OK(zmq_getsockopt(s, opt, out, &len));
        CHECK(memcmp(out, other, 32) == 0);
        CHECK_OK(zmq_setsockopt(s, opt, text, 41));
        len = 32;
        CHECK_OK(zmq_getsockopt(s, opt, out, &len));
        CHECK(memcmp(out, bin, 32) == 0);

        static const size_t bad_set[] = {1, 31, 33, 39, 42};
        for (size_t i = 0; i < COUNT(bad_set); i++)
            CHECK_ERR(zmq_setsockopt(s, opt, z85, bad_set[i]), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, opt, NULL, 0), EINVAL);
        char bad[41];
        memcpy(bad, text, 41);
        bad[40] = 'x'; /* 41 bytes without the NUL */
        CHECK_ERR(zmq_setsockopt(s, opt, bad, 41), EINVAL);
        memcpy(bad, text, 41);
        bad[10] = ' '; /* not a Z85 digit */
        CHECK_ERR(zmq_setsockopt(s, opt, bad, 40), EINVAL);
        memcpy(bad, "#####", 5); /* group above 2^32 */
        CHECK_ERR(zmq_setsockopt(s, opt, bad, 40), EINVAL);
        memcpy(bad, text, 41);
        bad[0] = 0;
        CHECK_ERR(zmq_setsockopt(s, opt, bad, 41), EINVAL);
        memcpy(bad, text, 41);
        bad[33] = 0; /* 33 characters: not a multiple of 5 */
        CHECK_ERR(zmq_setsockopt(s, opt, bad, 40), EINVAL);
    }

    /* The decoder writes group by group: text that ends early (NUL after
       35 characters) replaces only the first 28 bytes, and a bad group
       leaves the groups before it written, with the mechanism unchanged. */
    char partial[41];
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, bin, 32));
    memcpy(partial, other_text, 41);
    partial[35] = 0;
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, partial, 40));
    len = 32;
    CHECK_OK(zmq_getsockopt(s, ZMQ_CURVE_PUBLICKEY, out, &len));
    CHECK(memcmp(out, other, 28) == 0 && memcmp(out + 28, bin + 28, 4) == 0);

    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, bin, 32));
    CHECK_OK(setopt_int(s, ZMQ_CURVE_SERVER, 0));
    memcpy(partial, other_text, 41);
    partial[17] = '~'; /* fourth group */
    CHECK_ERR(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, partial, 40), EINVAL);
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);
    len = 32;
    CHECK_OK(zmq_getsockopt(s, ZMQ_CURVE_PUBLICKEY, out, &len));
    CHECK(memcmp(out, other, 12) == 0 && memcmp(out + 12, bin + 12, 20) == 0);

    /* Roles: SERVERKEY makes a client; PUBLIC/SECRET keep the role. */
    CHECK_OK(setopt_int(s, ZMQ_CURVE_SERVER, 1));
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 1);
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, text, 41));
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, text, 41));
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 1);
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, text, 41));
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 0);
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_CURVE);
    CHECK_ERR(setopt_int(s, ZMQ_CURVE_SERVER, 2), EINVAL);
    CHECK_ERR(setopt_int(s, ZMQ_CURVE_SERVER, -1), EINVAL);
    /* as_server survives a switch to PLAIN_SERVER and back by key */
    CHECK_OK(setopt_int(s, ZMQ_PLAIN_SERVER, 1));
    CHECK_OK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, bin, 32));
    CHECK(get_int(s, ZMQ_CURVE_SERVER) == 1);
    CHECK(get_int(s, ZMQ_PLAIN_SERVER) == 0);
    CHECK_OK(setopt_int(s, ZMQ_CURVE_SERVER, 0));
    CHECK(get_int(s, ZMQ_MECHANISM) == ZMQ_NULL);
    close_socket(s);
}

/* ------------------------------------------------------------------ */

static void test_metadata(void)
{
    void *s = open_socket(ZMQ_DEALER);
    const int md = 95; /* ZMQ_METADATA */
    static const char *good[] = {"X-a:b", "X-ab:c", "X-:bc", "X-a:b:c",
                                 "X-key:value with spaces"};
    for (size_t i = 0; i < COUNT(good); i++)
        CHECK_OK(zmq_setsockopt(s, md, good[i], strlen(good[i])));
    CHECK_OK(zmq_setsockopt(s, md, "X-a:b\0", 6));
    CHECK_OK(zmq_setsockopt(s, md, "X-\0:bb", 6));
    CHECK_OK(zmq_setsockopt(s, md, "X-a:z", 5)); /* same name again */
    /* exactly sizeof(int) bytes is taken for an int and refused */
    static const char *bad[] = {"X-:b", "X-a:", "X-ab:", ":abcd", "Y-a:b",
                                "x-a:b", "X-abc", "X:bcd", "Xa-b:c"};
    for (size_t i = 0; i < COUNT(bad); i++)
        CHECK_ERR(zmq_setsockopt(s, md, bad[i], strlen(bad[i])), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, md, NULL, 0), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, md, "", 0), EINVAL);
    char name[300];
    memset(name, 'k', sizeof name);
    name[0] = 'X';
    name[1] = '-';
    name[255] = ':';
    name[256] = 'v';
    CHECK_OK(zmq_setsockopt(s, md, name, 257)); /* 255-byte name */
    name[255] = 'k';
    name[256] = ':';
    name[257] = 'v';
    CHECK_ERR(zmq_setsockopt(s, md, name, 258), EINVAL);
    char buf[64];
    CHECK_ERR(get_len(s, md, buf, sizeof buf), EINVAL);
    close_socket(s);
}

static void test_accept_filter(void)
{
    void *s = open_socket(ZMQ_ROUTER);
    const int f = ZMQ_TCP_ACCEPT_FILTER;
    static const char *good4[] = {
        "127.0.0.1",   "10.0.0.0/8",  "10.0.0.0/0",   "10.0.0.0/8x",
        "1.2.3.4/ 8",  "1.2.3.4/+8",  "[127.0.0.1]",  "1.2.3",
        "1",           "0x7f.1",      "017.0.0.1",    "1.2.65535",
        "1.16777215",  "4294967295",  "127.0.0.1%1",  "127.0.0.1%lo",
        "127.0.0.1%1x", "0.0.0.0/32",
    };
    static const char *bad4[] = {
        "10.0.0.0/33", "10.0.0.0/",   "10.0.0.0/abc", "10.0.0.0/00",
        "10.0.0.0/-1", "::1",         "localhost",    "*",
        "lo",          "08.0.0.1",    "256.0.0.1",    "1.2.3.4.5",
        " 1.2.3.4",    "1.2.3.4 ",    "1.2.65536",    "4294967296",
        "0x",          "0x1g",        "127.0.0.1%nosuch", "127.0.0.1%",
        "127.0.0.1%0", "[1.2.3.4",    "1.2.3.4]",     "[]",
        "1.2.3.4/32/8", "1.2.3.4//8", "1..2",         "1.2.3.",
        ".1.2.3",      "[::1]",
    };
    for (size_t i = 0; i < COUNT(good4); i++) {
        errno = 0;
        int rc = zmq_setsockopt(s, f, good4[i], strlen(good4[i]));
        if (rc != 0)
            printf("  filter '%s' refused\n", good4[i]);
        CHECK(rc == 0);
    }
    for (size_t i = 0; i < COUNT(bad4); i++) {
        errno = 0;
        int rc = zmq_setsockopt(s, f, bad4[i], strlen(bad4[i]));
        if (rc != -1 || errno != EINVAL)
            printf("  filter '%s' accepted\n", bad4[i]);
        CHECK(rc == -1 && errno == EINVAL);
    }
    /* the text is read as a C string */
    CHECK_OK(zmq_setsockopt(s, f, "127.0.0.1\0junk", 14));
    CHECK_ERR(zmq_setsockopt(s, f, "\0", 1), EINVAL);
    char big[256];
    memset(big, '1', sizeof big);
    CHECK_ERR(zmq_setsockopt(s, f, big, 256), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, f, "", 0), EINVAL);
    CHECK_OK(zmq_setsockopt(s, f, NULL, 0));

    /* With IPV6=1, IPv6 text is accepted and IPv4 becomes v4-mapped
       (so a mask up to 128 is fine). */
    CHECK_OK(setopt_int(s, ZMQ_IPV6, 1));
    static const char *good6[] = {
        "1",         "::",           "::1",        "fe80::1%1",
        "fe80::1%lo", "::1%lo",      "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8",
        "::1/0",     "::1/128",      "1.2.3.4/128", "0x7f.1",
        "[::1]",     "::1/64x",      "::1%1%1",    "10.0.0.0/33",
        "127.0.0.1",
    };
    static const char *bad6[] = {
        "::ffff:01.2.3.4", "1:2:3:4:5:6:7:8:9", "12345::", "::1/129",
        "1.2.3.4/129",     "1::2::3",           "fe80::1%a%1", "::1%",
        "::1%0",           "localhost",
    };
    for (size_t i = 0; i < COUNT(good6); i++) {
        int rc = zmq_setsockopt(s, f, good6[i], strlen(good6[i]));
        if (rc != 0)
            printf("  ipv6 filter '%s' refused\n", good6[i]);
        CHECK(rc == 0);
    }
    for (size_t i = 0; i < COUNT(bad6); i++) {
        errno = 0;
        int rc = zmq_setsockopt(s, f, bad6[i], strlen(bad6[i]));
        if (rc != -1 || errno != EINVAL)
            printf("  ipv6 filter '%s' accepted\n", bad6[i]);
        CHECK(rc == -1 && errno == EINVAL);
    }
    CHECK_OK(zmq_setsockopt(s, f, NULL, 0));
    close_socket(s);
}

static void test_ipc_filters(void)
{
    void *s = open_socket(ZMQ_PAIR);
    static const int opts[] = {ZMQ_IPC_FILTER_PID, ZMQ_IPC_FILTER_UID,
                               ZMQ_IPC_FILTER_GID};
    for (size_t i = 0; i < COUNT(opts); i++) {
        int id = 1000;
        int64_t wide = 1000;
        CHECK_OK(zmq_setsockopt(s, opts[i], &id, sizeof id));
        id = -1;
        CHECK_OK(zmq_setsockopt(s, opts[i], &id, sizeof id));
        CHECK_ERR(zmq_setsockopt(s, opts[i], &wide, 8), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, opts[i], &id, 2), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, opts[i], "", 0), EINVAL);
        CHECK_OK(zmq_setsockopt(s, opts[i], NULL, 0));
        CHECK_ERR(get_len(s, opts[i], &id, sizeof id), EINVAL);
    }
    close_socket(s);
}

/* ------------------------------------------------------------------ */

struct type_rule {
    int option;
    int accept; /* bit per socket type that accepts value 1 */
};

#define M_PUB BIT(ZMQ_PUB)
#define M_XPUB BIT(ZMQ_XPUB)
#define M_ROUTER (BIT(ZMQ_ROUTER) | BIT(ZMQ_REP))

static const struct type_rule type_rules[] = {
    {ZMQ_ROUTER_MANDATORY, M_ROUTER},
    {ZMQ_ROUTER_RAW, M_ROUTER},
    {ZMQ_ROUTER_HANDOVER, M_ROUTER},
    {ZMQ_PROBE_ROUTER, M_ROUTER | BIT(ZMQ_DEALER) | BIT(ZMQ_REQ)},
    {ZMQ_REQ_CORRELATE, BIT(ZMQ_REQ)},
    {ZMQ_REQ_RELAXED, BIT(ZMQ_REQ)},
    {ZMQ_CONNECT_ROUTING_ID, M_ROUTER | BIT(ZMQ_STREAM)},
    {ZMQ_XPUB_VERBOSE, M_PUB | M_XPUB},
    {ZMQ_XPUB_VERBOSER, M_PUB | M_XPUB},
    {ZMQ_XPUB_NODROP, M_PUB | M_XPUB},
    {ZMQ_XPUB_MANUAL, M_PUB | M_XPUB},
    {ZMQ_XPUB_WELCOME_MSG, M_PUB | M_XPUB},
    {98 /* XPUB_MANUAL_LAST_VALUE */, M_PUB | M_XPUB},
    {108 /* ONLY_FIRST_SUBSCRIBE */, M_PUB | M_XPUB | BIT(ZMQ_XSUB)},
    {ZMQ_STREAM_NOTIFY, BIT(ZMQ_STREAM)},
    {ZMQ_SUBSCRIBE, BIT(ZMQ_SUB)},
    {ZMQ_UNSUBSCRIBE, BIT(ZMQ_SUB)},
    {ZMQ_CONFLATE, ALL_TYPES},
    {ZMQ_INVERT_MATCHING, ALL_TYPES},
};

static void test_type_acceptance(void)
{
    for (size_t i = 0; i < COUNT(type_rules); i++) {
        for (int t = 0; t < NTYPES; t++) {
            void *s = open_socket(t);
            errno = 0;
            int rc = setopt_int(s, type_rules[i].option, 1);
            int accepted = (type_rules[i].accept & BIT(t)) != 0;
            if (accepted ? rc != 0 : (rc != -1 || errno != EINVAL))
                printf("  option %d type %d: rc=%d errno=%d\n",
                       type_rules[i].option, t, rc, errno);
            CHECK(accepted ? rc == 0 : rc == -1 && errno == EINVAL);
            close_socket(s);
        }
    }

    /* The ">= 0" type options, where accepted: any non-negative int,
       exactly 4 bytes. */
    static const struct {
        int type, option;
    } ge0[] = {
        {ZMQ_ROUTER, ZMQ_ROUTER_MANDATORY}, {ZMQ_REP, ZMQ_ROUTER_MANDATORY},
        {ZMQ_ROUTER, ZMQ_ROUTER_RAW},       {ZMQ_REP, ZMQ_ROUTER_HANDOVER},
        {ZMQ_DEALER, ZMQ_PROBE_ROUTER},     {ZMQ_REQ, ZMQ_PROBE_ROUTER},
        {ZMQ_REQ, ZMQ_REQ_CORRELATE},       {ZMQ_REQ, ZMQ_REQ_RELAXED},
        {ZMQ_XPUB, ZMQ_XPUB_VERBOSE},       {ZMQ_PUB, ZMQ_XPUB_VERBOSER},
        {ZMQ_PUB, ZMQ_XPUB_NODROP},         {ZMQ_XPUB, ZMQ_XPUB_MANUAL},
        {ZMQ_XPUB, 98},                     {ZMQ_XSUB, 108},
        {ZMQ_PUB, 108},
    };
    for (size_t i = 0; i < COUNT(ge0); i++) {
        void *s = open_socket(ge0[i].type);
        CHECK_OK(setopt_int(s, ge0[i].option, 0));
        CHECK_OK(setopt_int(s, ge0[i].option, 2));
        CHECK_OK(setopt_int(s, ge0[i].option, INT_MAX));
        CHECK_ERR(setopt_int(s, ge0[i].option, -1), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ge0[i].option, "abc", 3), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ge0[i].option, "abcdefgh", 8), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ge0[i].option, NULL, 0), EINVAL);
        close_socket(s);
    }

    /* STREAM_NOTIFY is strictly 0/1 */
    void *s = open_socket(ZMQ_STREAM);
    CHECK_OK(setopt_int(s, ZMQ_STREAM_NOTIFY, 0));
    CHECK_ERR(setopt_int(s, ZMQ_STREAM_NOTIFY, 2), EINVAL);
    CHECK_ERR(setopt_int(s, ZMQ_STREAM_NOTIFY, -1), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_STREAM_NOTIFY, "abc", 3), EINVAL);
    close_socket(s);

    /* CONNECT_ROUTING_ID: any non-empty length (no 255 limit) */
    static const int crid_types[] = {ZMQ_ROUTER, ZMQ_REP, ZMQ_STREAM};
    char big[600];
    memset(big, 'c', sizeof big);
    for (size_t i = 0; i < COUNT(crid_types); i++) {
        s = open_socket(crid_types[i]);
        CHECK_OK(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, "x", 1));
        CHECK_OK(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, big, 255));
        CHECK_OK(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, big, 600));
        CHECK_ERR(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, NULL, 0), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, "", 0), EINVAL);
        close_socket(s);
    }

    /* XPUB_WELCOME_MSG: any bytes; empty (NULL or not) disables */
    static const int pub_types[] = {ZMQ_PUB, ZMQ_XPUB};
    for (size_t i = 0; i < COUNT(pub_types); i++) {
        s = open_socket(pub_types[i]);
        CHECK_OK(zmq_setsockopt(s, ZMQ_XPUB_WELCOME_MSG, "hello", 5));
        CHECK_OK(zmq_setsockopt(s, ZMQ_XPUB_WELCOME_MSG, big, 600));
        CHECK_OK(zmq_setsockopt(s, ZMQ_XPUB_WELCOME_MSG, "", 0));
        CHECK_OK(zmq_setsockopt(s, ZMQ_XPUB_WELCOME_MSG, NULL, 0));
        close_socket(s);
    }
}

static void test_subscribe(void)
{
    /* SUB: any topic, any length, including empty and NULL/0 */
    void *s = open_socket(ZMQ_SUB);
    char big[600];
    memset(big, 't', sizeof big);
    CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, NULL, 0));
    CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "abc", 3));
    CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, big, 600));
    CHECK_OK(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "abc", 3));
    CHECK_OK(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "never", 5));
    CHECK_OK(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, NULL, 0));
    CHECK_ERR(setopt_int(s, 108 /* ONLY_FIRST_SUBSCRIBE */, 1), EINVAL);
    close_socket(s);

    /* XSUB subscribes by sending, not by option */
    s = open_socket(ZMQ_XSUB);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "a", 1), EINVAL);
    close_socket(s);

    /* XPUB and PUB: only in manual mode */
    static const int pub_types[] = {ZMQ_PUB, ZMQ_XPUB};
    for (size_t i = 0; i < COUNT(pub_types); i++) {
        s = open_socket(pub_types[i]);
        CHECK_ERR(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "a", 1), EINVAL);
        CHECK_OK(setopt_int(s, ZMQ_XPUB_MANUAL, 1));
        CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1));
        CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, NULL, 0));
        CHECK_OK(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "a", 1));
        CHECK_OK(setopt_int(s, ZMQ_XPUB_MANUAL, 0));
        CHECK_ERR(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1), EINVAL);
        /* XPUB_MANUAL_LAST_VALUE also switches manual mode on */
        CHECK_OK(setopt_int(s, 98, 1));
        CHECK_OK(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1));
        CHECK_OK(setopt_int(s, 98, 0));
        CHECK_ERR(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "a", 1), EINVAL);
        close_socket(s);
    }

    /* Nobody else takes them */
    static const int others[] = {ZMQ_PAIR, ZMQ_REQ,  ZMQ_REP,  ZMQ_DEALER,
                                 ZMQ_ROUTER, ZMQ_PULL, ZMQ_PUSH, ZMQ_STREAM};
    for (size_t i = 0; i < COUNT(others); i++) {
        s = open_socket(others[i]);
        CHECK_ERR(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0), EINVAL);
        CHECK_ERR(zmq_setsockopt(s, ZMQ_UNSUBSCRIBE, "a", 1), EINVAL);
        close_socket(s);
    }
}

int main(void)
{
    tu_start("test_options");
    ctx = zmq_ctx_new();
    CHECK(ctx != NULL);
    test_defaults();
    test_context_seeds();
    test_refused_numbers();
    test_int_rules();
    test_heartbeat_ttl();
    test_64bit();
    test_routing_id();
    test_strings();
    test_plain();
    test_curve();
    test_metadata();
    test_accept_filter();
    test_ipc_filters();
    test_type_acceptance();
    test_subscribe();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
