/* inproc_thr: message throughput over inproc:// within one process.
 *
 *     inproc_thr <message-size> <message-count>
 *
 * The main thread binds a PULL socket; a second thread connects a PUSH
 * socket and sends <message-count> messages of <message-size> bytes. The
 * main thread times from the first to the last message received and prints
 * one line:
 *
 *     inproc_thr size=16 count=1000000 msgs_per_sec=... mbit_per_sec=...
 *
 * Rates are over the count-1 intervals between the first and the last
 * message. Exits non-zero with a message on any failure or timeout.
 */
#include "perf_util.h"

#define ENDPOINT "inproc://ferrozmq-perf-thr"

struct pusher {
    void *ctx;
    size_t size;
    unsigned long count;
};

static void push_messages(void *arg)
{
    struct pusher *p = arg;
    unsigned long i;
    void *push = perf_socket(p->ctx, ZMQ_PUSH);

    perf_connect(push, ENDPOINT);
    for (i = 0; i < p->count; i++)
        perf_send_new(push, p->size);
    perf_close(push);
}

int main(int argc, char *argv[])
{
    struct pusher p;
    void *ctx, *pull, *thread, *watch;
    zmq_msg_t msg;
    unsigned long i, elapsed_us;
    double msgs_per_sec, mbit_per_sec;

    perf_prog = "inproc_thr";
    if (argc != 3)
        perf_usage("<message-size> <message-count>");
    p.size = perf_parse(argv[1], "message size", 0, PERF_MAX_SIZE);
    p.count = perf_parse(argv[2], "message count", 2, PERF_MAX_COUNT);

    ctx = perf_ctx_new();
    p.ctx = ctx;
    pull = perf_socket(ctx, ZMQ_PULL);
    perf_bind(pull, ENDPOINT);

    thread = zmq_threadstart(push_messages, &p);
    if (thread == NULL)
        perf_die("zmq_threadstart");

    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    perf_recv_check(pull, &msg, p.size, 0);
    watch = perf_stopwatch_start();
    for (i = 1; i < p.count; i++)
        perf_recv_check(pull, &msg, p.size, i);
    elapsed_us = zmq_stopwatch_stop(watch);
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");

    zmq_threadclose(thread);
    perf_close(pull);
    perf_ctx_term(ctx);

    if (elapsed_us == 0)
        elapsed_us = 1;
    msgs_per_sec = (double) (p.count - 1) * 1e6 / (double) elapsed_us;
    mbit_per_sec = msgs_per_sec * (double) p.size * 8.0 / 1e6;
    if (printf("inproc_thr size=%zu count=%lu msgs_per_sec=%.0f mbit_per_sec=%.1f"
               " elapsed_us=%lu\n",
               p.size, p.count, msgs_per_sec, mbit_per_sec, elapsed_us) < 0
        || fflush(stdout) != 0)
        perf_fail("cannot write the result to stdout");
    return 0;
}
