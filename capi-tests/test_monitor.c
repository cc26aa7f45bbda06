/* zmq_socket_monitor: libzmq's version 1 events over tcp, as seen by a
   PAIR connected to the monitor endpoint. */
#include "sockutil.h"

static void *ctx;

static void test_events(void)
{
    void *server = sock(ctx, ZMQ_REP), *client = sock(ctx, ZMQ_REQ);
    void *smon = sock_timeout(ctx, ZMQ_PAIR, 2000), *cmon = sock_timeout(ctx, ZMQ_PAIR, 2000);
    char endpoint[256], bound[256], ep[256];
    size_t len = sizeof bound;
    uint32_t value;

    CHECK_OK(zmq_socket_monitor(server, "inproc://monitor-server", ZMQ_EVENT_ALL));
    CHECK_OK(zmq_socket_monitor(client, "inproc://monitor-client", ZMQ_EVENT_ALL));
    CHECK_OK(zmq_connect(smon, "inproc://monitor-server"));
    CHECK_OK(zmq_connect(cmon, "inproc://monitor-client"));

    CHECK_OK(zmq_bind(server, "tcp://127.0.0.1:*"));
    CHECK_OK(zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, bound, &len));
    CHECK(monitor_event(smon, &value, ep, sizeof ep) == ZMQ_EVENT_LISTENING);
    CHECK(strcmp(ep, bound) == 0);

    CHECK_OK(zmq_connect(client, bound));
    CHECK(send_str(client, "ping", 0) == 4);
    CHECK(recv_is(server, "ping", 0));
    CHECK(send_str(server, "pong", 0) == 4);
    CHECK(recv_is(client, "pong", 0));

    CHECK(expect_monitor_event(smon, ZMQ_EVENT_ACCEPTED, endpoint, sizeof endpoint));
    CHECK(strcmp(endpoint, bound) == 0);
    CHECK(expect_monitor_event(smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, endpoint, sizeof endpoint));
    CHECK(expect_monitor_event(cmon, ZMQ_EVENT_CONNECTED, endpoint, sizeof endpoint));
    CHECK(strcmp(endpoint, bound) == 0);
    CHECK(expect_monitor_event(cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, endpoint, sizeof endpoint));

    /* The client goes away: the server's connection is reported gone. */
    CHECK_OK(zmq_close(client));
    CHECK(expect_monitor_event(smon, ZMQ_EVENT_DISCONNECTED, endpoint, sizeof endpoint));

    /* Stopping the monitor says so, with an empty endpoint. */
    CHECK_OK(zmq_socket_monitor(server, NULL, 0));
    CHECK(monitor_event(smon, &value, endpoint, sizeof endpoint) == ZMQ_EVENT_MONITOR_STOPPED);
    CHECK(value == 0 && endpoint[0] == '\0');

    CHECK_OK(zmq_close(server));
    CHECK_OK(zmq_close(smon));
    CHECK_OK(zmq_close(cmon));
}

static void test_bad_arguments(void)
{
    void *s = sock(ctx, ZMQ_DEALER);
    CHECK_ERR(zmq_socket_monitor(s, "tcp://127.0.0.1:5999", ZMQ_EVENT_ALL), EPROTONOSUPPORT);
    CHECK_ERR(zmq_socket_monitor(s, "inproc://m", 0x10000), EINVAL);
    CHECK_ERR(zmq_socket_monitor(s, "bogus", ZMQ_EVENT_ALL), EINVAL);
    CHECK_ERR(zmq_socket_monitor(NULL, "inproc://m", ZMQ_EVENT_ALL), ENOTSOCK);
    /* Filtering: only what was asked for arrives. */
    {
        void *mon = sock_timeout(ctx, ZMQ_PAIR, 300);
        uint32_t value;
        char ep[64];
        CHECK_OK(zmq_socket_monitor(s, "inproc://m-filter", ZMQ_EVENT_LISTENING));
        CHECK_OK(zmq_connect(mon, "inproc://m-filter"));
        CHECK_OK(zmq_bind(s, "tcp://127.0.0.1:*"));
        CHECK(monitor_event(mon, &value, ep, sizeof ep) == ZMQ_EVENT_LISTENING);
        CHECK_OK(zmq_socket_monitor(s, NULL, 0));
        CHECK(monitor_event(mon, &value, ep, sizeof ep) == 0);
        CHECK_OK(zmq_close(mon));
    }
    CHECK_OK(zmq_close(s));
}

int main(void)
{
    tu_start("test_monitor");
    ctx = zmq_ctx_new();
    test_events();
    test_bad_arguments();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
