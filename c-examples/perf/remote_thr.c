/* remote_thr: sending side of the throughput test over any transport.
 *
 *     remote_thr <connect-endpoint> <message-size> <message-count> [--hold]
 *
 * Connects a PUSH socket to local_thr and sends <message-count> messages of
 * <message-size> bytes, then closes the socket, waiting (up to the linger
 * time) for the messages to leave. Prints nothing on success; exits
 * non-zero with a message on any failure or timeout. With PERF_CURVE=1
 * the PUSH socket is a CURVE client of local_thr (see perf_util.h).
 *
 * --hold: after sending, keep the connection open until standard input
 * reaches end of file (at most the timeout), then close. A driver closes
 * our input once local_thr has exited. Without it, the disconnect can
 * overtake the data: libzmq 4.3.4 drops messages still queued at the PULL
 * side when its peer disconnects, and local_thr then times out.
 */
#define _POSIX_C_SOURCE 200809L
#include "perf_util.h"

#include <poll.h>
#include <unistd.h>

/* Wait for end of file on standard input, at most timeout_ms. */
static void hold_until_eof(int timeout_ms)
{
    char buf[256];
    void *watch = perf_stopwatch_start();

    for (;;) {
        unsigned long waited_ms = zmq_stopwatch_intermediate(watch) / 1000;
        struct pollfd pfd;
        int rc;

        if (waited_ms >= (unsigned long) timeout_ms) {
            zmq_stopwatch_stop(watch);
            fprintf(stderr,
                    "%s: --hold: no end of input after %d ms; giving up\n",
                    perf_prog, timeout_ms);
            exit(1);
        }
        pfd.fd = 0;
        pfd.events = POLLIN;
        pfd.revents = 0;
        rc = poll(&pfd, 1, timeout_ms - (int) waited_ms);
        if (rc < 0 && errno != EINTR) {
            perror("remote_thr: poll(stdin)");
            exit(1);
        }
        if (rc <= 0)
            continue;
        if (pfd.revents & POLLNVAL)
            perf_fail("--hold: standard input is not open");
        rc = (int) read(0, buf, sizeof buf);
        if (rc == 0)
            break;
        if (rc < 0 && errno != EINTR && errno != EAGAIN) {
            perror("remote_thr: read(stdin)");
            exit(1);
        }
    }
    zmq_stopwatch_stop(watch);
}

int main(int argc, char *argv[])
{
    void *ctx, *push;
    size_t size;
    unsigned long count, i;
    int hold = 0;

    perf_prog = "remote_thr";
    if (argc == 5 && strcmp(argv[4], "--hold") == 0)
        hold = 1;
    else if (argc != 4)
        perf_usage("<connect-endpoint> <message-size> <message-count> [--hold]");
    size = perf_parse(argv[2], "message size", 0, PERF_MAX_SIZE);
    count = perf_parse(argv[3], "message count", 2, PERF_MAX_COUNT);

    ctx = perf_ctx_new();
    push = perf_socket(ctx, ZMQ_PUSH);
    perf_secure(push, 0);
    perf_connect(push, argv[1]);
    for (i = 0; i < count; i++)
        perf_send_new(push, size);
    if (hold)
        hold_until_eof(perf_timeout_ms());
    perf_close(push);
    perf_ctx_term(ctx);
    return 0;
}
