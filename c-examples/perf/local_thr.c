/* local_thr: receiving side of the throughput test over any transport.
 *
 *     local_thr <bind-endpoint> <message-size> <message-count>
 *
 * Binds a PULL socket, prints "bound <endpoint>" (the resolved endpoint,
 * so "tcp://127.0.0.1:*" reports the port the system chose), then receives
 * <message-count> messages of <message-size> bytes from remote_thr, times
 * from the first to the last message and prints one line:
 *
 *     local_thr endpoint=... size=16 count=... msgs_per_sec=... mbit_per_sec=...
 *
 * Rates are over the count-1 intervals between the first and the last
 * message. Exits non-zero with a message on any failure or timeout.
 * With PERF_CURVE=1 the PULL socket is a CURVE server (see perf_util.h).
 */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    char endpoint[256];
    void *ctx, *pull, *watch;
    zmq_msg_t msg;
    size_t size;
    unsigned long count, i, elapsed_us;
    double msgs_per_sec, mbit_per_sec;

    perf_prog = "local_thr";
    if (argc != 4)
        perf_usage("<bind-endpoint> <message-size> <message-count>");
    size = perf_parse(argv[2], "message size", 0, PERF_MAX_SIZE);
    count = perf_parse(argv[3], "message count", 2, PERF_MAX_COUNT);

    ctx = perf_ctx_new();
    pull = perf_socket(ctx, ZMQ_PULL);
    perf_secure(pull, 1);
    perf_bind(pull, argv[1]);
    perf_report_bound(pull, endpoint, sizeof endpoint);

    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    perf_recv_check(pull, &msg, size, 0);
    watch = perf_stopwatch_start();
    for (i = 1; i < count; i++)
        perf_recv_check(pull, &msg, size, i);
    elapsed_us = zmq_stopwatch_stop(watch);
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");

    perf_close(pull);
    perf_ctx_term(ctx);

    if (elapsed_us == 0)
        elapsed_us = 1;
    msgs_per_sec = (double) (count - 1) * 1e6 / (double) elapsed_us;
    mbit_per_sec = msgs_per_sec * (double) size * 8.0 / 1e6;
    if (printf("local_thr endpoint=%s size=%zu count=%lu msgs_per_sec=%.0f"
               " mbit_per_sec=%.1f elapsed_us=%lu\n",
               endpoint, size, count, msgs_per_sec, mbit_per_sec, elapsed_us) < 0
        || fflush(stdout) != 0)
        perf_fail("cannot write the result to stdout");
    return 0;
}
