/* remote_lat: timing side of the latency test over any transport.
 *
 *     remote_lat <connect-endpoint> <message-size> <roundtrip-count>
 *
 * Connects a REQ socket to local_lat and times <roundtrip-count> round
 * trips of a <message-size>-byte message. Prints one line with the one-way
 * latency (half a round trip), as libzmq's perf tools report it:
 *
 *     remote_lat endpoint=... size=16 count=... avg_latency_us=...
 *
 * The first round trip (which also waits for the connection) is not
 * timed: the latency is averaged over the remaining count-1 round trips.
 * Exits non-zero with a message on any failure or timeout. With
 * PERF_CURVE=1 the REQ socket is a CURVE client of local_lat (see
 * perf_util.h).
 */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    void *ctx, *req, *watch;
    zmq_msg_t msg;
    size_t size;
    unsigned long count, i, elapsed_us;
    double latency_us;

    perf_prog = "remote_lat";
    if (argc != 4)
        perf_usage("<connect-endpoint> <message-size> <roundtrip-count>");
    size = perf_parse(argv[2], "message size", 0, PERF_MAX_SIZE);
    count = perf_parse(argv[3], "roundtrip count", 2, PERF_MAX_COUNT);

    ctx = perf_ctx_new();
    req = perf_socket(ctx, ZMQ_REQ);
    perf_secure(req, 0);
    perf_connect(req, argv[1]);

    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    perf_send_new(req, size);
    perf_recv_check(req, &msg, size, 0);
    watch = perf_stopwatch_start();
    for (i = 1; i < count; i++) {
        perf_send_new(req, size);
        perf_recv_check(req, &msg, size, i);
    }
    elapsed_us = zmq_stopwatch_stop(watch);
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");

    perf_close(req);
    perf_ctx_term(ctx);

    latency_us = (double) elapsed_us / ((double) (count - 1) * 2.0);
    if (printf("remote_lat endpoint=%s size=%zu count=%lu avg_latency_us=%.3f"
               " elapsed_us=%lu\n",
               argv[1], size, count, latency_us, elapsed_us) < 0
        || fflush(stdout) != 0)
        perf_fail("cannot write the result to stdout");
    return 0;
}
