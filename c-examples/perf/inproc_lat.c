/* inproc_lat: request-reply latency over inproc:// within one process.
 *
 *     inproc_lat <message-size> <roundtrip-count>
 *
 * The main thread binds a REP socket and echoes every request; a second
 * thread connects a REQ socket and times <roundtrip-count> round trips of a
 * <message-size>-byte message. Prints one line with the one-way latency
 * (half a round trip), as libzmq's perf tools report it, averaged over all
 * round trips but the first (which also waits for the connection):
 *
 *     inproc_lat size=16 count=100000 avg_latency_us=...
 *
 * Exits non-zero with a message on any failure or timeout.
 */
#include "perf_util.h"

#define ENDPOINT "inproc://ferrozmq-perf-lat"

struct requester {
    void *ctx;
    size_t size;
    unsigned long count;
    unsigned long elapsed_us;
};

static void run_requests(void *arg)
{
    struct requester *r = arg;
    unsigned long i;
    zmq_msg_t msg;
    void *watch;
    void *req = perf_socket(r->ctx, ZMQ_REQ);

    perf_connect(req, ENDPOINT);
    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    perf_send_new(req, r->size);
    perf_recv_check(req, &msg, r->size, 0);
    watch = perf_stopwatch_start();
    for (i = 1; i < r->count; i++) {
        perf_send_new(req, r->size);
        perf_recv_check(req, &msg, r->size, i);
    }
    r->elapsed_us = zmq_stopwatch_stop(watch);
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");
    perf_close(req);
}

int main(int argc, char *argv[])
{
    struct requester r;
    void *ctx, *rep, *thread;
    zmq_msg_t msg;
    unsigned long i;
    double latency_us;

    perf_prog = "inproc_lat";
    if (argc != 3)
        perf_usage("<message-size> <roundtrip-count>");
    r.size = perf_parse(argv[1], "message size", 0, PERF_MAX_SIZE);
    r.count = perf_parse(argv[2], "roundtrip count", 2, PERF_MAX_COUNT);
    r.elapsed_us = 0;

    ctx = perf_ctx_new();
    r.ctx = ctx;
    rep = perf_socket(ctx, ZMQ_REP);
    perf_bind(rep, ENDPOINT);

    thread = zmq_threadstart(run_requests, &r);
    if (thread == NULL)
        perf_die("zmq_threadstart");

    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    for (i = 0; i < r.count; i++) {
        perf_recv_check(rep, &msg, r.size, i);
        if (zmq_msg_send(&msg, rep, 0) != (int) r.size)
            perf_die("zmq_msg_send");
    }
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");

    zmq_threadclose(thread);
    perf_close(rep);
    perf_ctx_term(ctx);

    latency_us = (double) r.elapsed_us / ((double) (r.count - 1) * 2.0);
    if (printf("inproc_lat size=%zu count=%lu avg_latency_us=%.3f elapsed_us=%lu\n",
               r.size, r.count, latency_us, r.elapsed_us) < 0
        || fflush(stdout) != 0)
        perf_fail("cannot write the result to stdout");
    return 0;
}
