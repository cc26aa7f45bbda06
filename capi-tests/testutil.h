/* Harness for the C API tests.
 *
 * Each test program includes only <zmq.h> (plus this file), links with
 * -lzmq, counts its checks and ends with "N passed, N failed".
 *
 * tu_start() first proves which library was loaded: the freshly built
 * ferrozmq (the ferrozmq_version marker symbol, mapped from TEST_LIBDIR),
 * not some other libzmq.so.5 on the system. With FERROZMQ_REFERENCE=1 the
 * same tests run on Debian's libzmq to validate their own expectations;
 * checks inside FERROZMQ_ONLY cover inputs where libzmq crashes or where
 * ferrozmq knowingly differs (version, features not built yet).
 */
#ifndef FERROZMQ_TESTUTIL_H
#define FERROZMQ_TESTUTIL_H

#include <zmq.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_passed, tu_failed;
static int tu_ferrozmq;

#define FERROZMQ_ONLY if (tu_ferrozmq)

static void tu_result(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        tu_passed++;
    } else {
        tu_failed++;
        printf("FAIL %s:%d: %s\n", file, line, what);
    }
}

#define CHECK(cond) tu_result(!!(cond), #cond, __FILE__, __LINE__)

/* `call` must return -1 and set errno to `err`. */
#define CHECK_ERR(call, err)                                                   \
    do {                                                                       \
        errno = 0;                                                             \
        long tu_rc_ = (long) (call);                                           \
        int tu_errno_ = errno;                                                 \
        if (tu_rc_ != -1 || tu_errno_ != (err))                                \
            printf("  got rc=%ld errno=%d (%s)\n", tu_rc_, tu_errno_,          \
                   zmq_strerror (tu_errno_));                                  \
        tu_result(tu_rc_ == -1 && tu_errno_ == (err), #call " -> " #err,       \
                  __FILE__, __LINE__);                                         \
    } while (0)

/* `call` must return NULL and set errno to `err`. */
#define CHECK_NULL_ERR(call, err)                                              \
    do {                                                                       \
        errno = 0;                                                             \
        const void *tu_p_ = (const void *) (call);                             \
        int tu_errno_ = errno;                                                 \
        if (tu_p_ != NULL || tu_errno_ != (err))                               \
            printf("  got %p errno=%d (%s)\n", tu_p_, tu_errno_,               \
                   zmq_strerror (tu_errno_));                                  \
        tu_result(tu_p_ == NULL && tu_errno_ == (err), #call " -> NULL, " #err,\
                  __FILE__, __LINE__);                                         \
    } while (0)

/* `call` must return 0. */
#define CHECK_OK(call)                                                         \
    do {                                                                       \
        errno = 0;                                                             \
        long tu_rc_ = (long) (call);                                           \
        if (tu_rc_ != 0)                                                       \
            printf("  got rc=%ld errno=%d (%s)\n", tu_rc_, errno,              \
                   zmq_strerror (errno));                                      \
        tu_result(tu_rc_ == 0, #call " -> 0", __FILE__, __LINE__);             \
    } while (0)

#ifdef TEST_STATIC
extern const char *ferrozmq_version (void);
#endif

/* Path of the mapped libzmq, or "" (static builds have none). */
static void tu_mapped_libzmq(char *out, size_t size)
{
    char line[4096];
    FILE *maps = fopen("/proc/self/maps", "r");
    out[0] = '\0';
    if (!maps)
        return;
    while (fgets(line, sizeof line, maps)) {
        char *path = strchr(line, '/');
        if (path && strstr(path, "/libzmq.so")) {
            path[strcspn(path, "\n")] = '\0';
            snprintf(out, size, "%s", path);
            break;
        }
    }
    fclose(maps);
}

static void tu_start(const char *name)
{
    char mapped[4096];
    setvbuf(stdout, NULL, _IOLBF, 0);
    tu_mapped_libzmq(mapped, sizeof mapped);
#ifdef TEST_STATIC
    tu_ferrozmq = strncmp(ferrozmq_version(), "ferrozmq ", 9) == 0;
    printf("%s: statically linked %s\n", name, ferrozmq_version());
    if (mapped[0]) {
        printf("FAIL: a static build mapped %s\n", mapped);
        exit(1);
    }
#else
    int reference = getenv("FERROZMQ_REFERENCE") != NULL;
    tu_ferrozmq = dlsym(RTLD_DEFAULT, "ferrozmq_version") != NULL;
    printf("%s: running on %s (%s)\n", name, mapped[0] ? mapped : "?",
           tu_ferrozmq ? "ferrozmq" : "not ferrozmq");
    if (!reference) {
#ifdef TEST_LIBDIR
        int from_build = strncmp(mapped, TEST_LIBDIR "/", strlen(TEST_LIBDIR) + 1) == 0;
#else
        int from_build = 1;
#endif
        if (!tu_ferrozmq || !from_build) {
            printf("FAIL: expected the ferrozmq just built%s%s\n",
#ifdef TEST_LIBDIR
                   " in ", TEST_LIBDIR
#else
                   "", ""
#endif
            );
            printf("0 passed, 1 failed\n");
            exit(1);
        }
    } else if (tu_ferrozmq) {
        printf("FAIL: reference run loaded ferrozmq, not Debian's libzmq\n");
        printf("0 passed, 1 failed\n");
        exit(1);
    }
#endif
}

static int tu_finish(void)
{
    printf("%d passed, %d failed\n", tu_passed, tu_failed);
    return tu_failed ? 1 : 0;
}

#endif
