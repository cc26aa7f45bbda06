/* local_lat: echoing side of the latency test over any transport.
 *
 *     local_lat <bind-endpoint> <message-size> <roundtrip-count>
 *
 * Binds a REP socket, prints "bound <endpoint>" (the resolved endpoint),
 * then echoes <roundtrip-count> requests of <message-size> bytes from
 * remote_lat, which does the timing. Exits non-zero with a message on any
 * failure or timeout. With PERF_CURVE=1 the REP socket is a CURVE server
 * (see perf_util.h).
 */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    char endpoint[256];
    void *ctx, *rep;
    zmq_msg_t msg;
    size_t size;
    unsigned long count, i;

    perf_prog = "local_lat";
    if (argc != 4)
        perf_usage("<bind-endpoint> <message-size> <roundtrip-count>");
    size = perf_parse(argv[2], "message size", 0, PERF_MAX_SIZE);
    count = perf_parse(argv[3], "roundtrip count", 2, PERF_MAX_COUNT);

    ctx = perf_ctx_new();
    rep = perf_socket(ctx, ZMQ_REP);
    perf_secure(rep, 1);
    perf_bind(rep, argv[1]);
    perf_report_bound(rep, endpoint, sizeof endpoint);

    if (zmq_msg_init(&msg) != 0)
        perf_die("zmq_msg_init");
    for (i = 0; i < count; i++) {
        perf_recv_check(rep, &msg, size, i);
        if (zmq_msg_send(&msg, rep, 0) != (int) size)
            perf_die("zmq_msg_send");
    }
    if (zmq_msg_close(&msg) != 0)
        perf_die("zmq_msg_close");

    perf_close(rep);
    perf_ctx_term(ctx);
    return 0;
}
