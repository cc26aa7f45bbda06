/* zmq_version, zmq_errno, zmq_strerror, zmq_has. */
#include "testutil.h"

static void test_version(void)
{
    int major = -1, minor = -1, patch = -1;
    zmq_version(&major, &minor, &patch);
    CHECK(major == 4 && minor == 3);
    FERROZMQ_ONLY CHECK(patch == 5);
    FERROZMQ_ONLY CHECK(ZMQ_MAKE_VERSION(major, minor, patch) == ZMQ_VERSION);
    FERROZMQ_ONLY zmq_version(NULL, NULL, NULL); /* must not crash */
}

static void test_errno(void)
{
    errno = EINTR;
    CHECK(zmq_errno() == EINTR);
    errno = ETERM;
    CHECK(zmq_errno() == ETERM);
}

static int text_is(int err, const char *want)
{
    const char *got = zmq_strerror(err);
    if (got && strcmp(got, want) == 0)
        return 1;
    printf("  zmq_strerror(%d) = \"%s\", want \"%s\"\n", err, got ? got : "(null)", want);
    return 0;
}

static void test_strerror(void)
{
    CHECK(text_is(EFSM, "Operation cannot be accomplished in current state"));
    CHECK(text_is(ENOCOMPATPROTO, "The protocol is not compatible with the socket type"));
    CHECK(text_is(ETERM, "Context was terminated"));
    CHECK(text_is(EMTHREAD, "No thread available"));
    CHECK(text_is(EHOSTUNREACH, "Host unreachable"));
    CHECK(text_is(EINVAL, "Invalid argument"));
    CHECK(text_is(ENOTSUP, "Operation not supported"));
    CHECK(text_is(EAGAIN, "Resource temporarily unavailable"));
    CHECK(text_is(ENOTSOCK, "Socket operation on non-socket"));
    CHECK(text_is(EADDRINUSE, "Address already in use"));
    /* A fallback number Linux does not use is just an unknown error. */
    CHECK(text_is(ZMQ_HAUSNUMERO + 1, "Unknown error 156384713"));
    /* Every system error zmq.h names reads as the platform says, except
       EHOSTUNREACH, which libzmq words its own way (checked above). */
    {
        static const int system_codes[] = {
            ENOTSUP, EPROTONOSUPPORT, ENOBUFS, ENETDOWN, EADDRINUSE, EADDRNOTAVAIL,
            ECONNREFUSED, EINPROGRESS, ENOTSOCK, EMSGSIZE, EAFNOSUPPORT, ENETUNREACH,
            ECONNABORTED, ECONNRESET, ENOTCONN, ETIMEDOUT, ENETRESET, EAGAIN, EINTR,
            EFAULT, EINVAL, ENOMEM, EMFILE, ENOENT, ENODEV, EBADF, EPROTO, EACCES};
        size_t i;
        int same = 1;
        for (i = 0; i < sizeof system_codes / sizeof system_codes[0]; i++)
            same &= text_is(system_codes[i], strerror(system_codes[i]));
        CHECK(same);
    }
    CHECK(zmq_strerror(-1) != NULL);
    CHECK(zmq_strerror(99999) != NULL);
}

static void test_has(void)
{
    /* What ferrozmq provides so far: see docs/STATUS.md. */
    /* Names libzmq never answers 1 for (wrong case, always-built
       transports, or not in Debian's build). */
    static const char *const absent[] = {"vmci", "WSS", "ws", "wss", "tcp", "inproc", "udp",
                                         "vsock", "", "IPC", "Curve", "draft"};
    size_t i;
    for (i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        int has = zmq_has(absent[i]);
        if (has != 0)
            printf("  zmq_has(\"%s\") = %d\n", absent[i], has);
        CHECK(has == 0);
    }
    CHECK(ZMQ_HAS_CAPABILITIES == 1);
    FERROZMQ_ONLY CHECK(zmq_has(NULL) == 0);
    /* Capabilities answer 1 only when the whole feature works. */
    CHECK(zmq_has("ipc") == 1);
    CHECK(zmq_has("curve") == 1);
    FERROZMQ_ONLY CHECK(zmq_has("WS") == 0);
    FERROZMQ_ONLY CHECK(zmq_has("pgm") + zmq_has("tipc") + zmq_has("norm") + zmq_has("gssapi") == 0);
    /* Debian's build has these. */
    if (!tu_ferrozmq) {
        static const char *const present[] = {"WS", "pgm", "tipc", "norm", "gssapi"};
        for (i = 0; i < sizeof present / sizeof present[0]; i++)
            CHECK(zmq_has(present[i]) == 1);
    }
}

int main(void)
{
    tu_start("test_version");
    test_version();
    test_errno();
    test_strerror();
    test_has();
    return tu_finish();
}
