/* Sockets, polling and proxies: the argument checks libzmq makes before
   anything else. (Socket behaviour itself is tested with the core
   messaging work.) */
#include "testutil.h"

static void test_null_sockets(void)
{
    char buf[8];
    zmq_msg_t msg;
    size_t len = sizeof buf;

    CHECK_ERR(zmq_close(NULL), ENOTSOCK);
    CHECK_ERR(zmq_setsockopt(NULL, ZMQ_LINGER, buf, sizeof(int)), ENOTSOCK);
    CHECK_ERR(zmq_getsockopt(NULL, ZMQ_LINGER, buf, &len), ENOTSOCK);
    CHECK_ERR(zmq_bind(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_connect(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_unbind(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_disconnect(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_send(NULL, buf, 1, 0), ENOTSOCK);
    CHECK_ERR(zmq_send_const(NULL, buf, 1, 0), ENOTSOCK);
    CHECK_ERR(zmq_recv(NULL, buf, sizeof buf, 0), ENOTSOCK);
    CHECK_ERR(zmq_socket_monitor(NULL, "inproc://monitor", ZMQ_EVENT_ALL), ENOTSOCK);

    CHECK_OK(zmq_msg_init(&msg));
    CHECK_ERR(zmq_msg_send(&msg, NULL, 0), ENOTSOCK);
    CHECK_ERR(zmq_msg_recv(&msg, NULL, 0), ENOTSOCK);
    CHECK_ERR(zmq_sendmsg(NULL, &msg, 0), ENOTSOCK);
    CHECK_ERR(zmq_recvmsg(NULL, &msg, 0), ENOTSOCK);
    CHECK_OK(zmq_msg_close(&msg));
}

static void test_poll_args(void)
{
    zmq_pollitem_t item;
    memset(&item, 0, sizeof item);
    CHECK_ERR(zmq_poll(&item, -1, 0), EINVAL);
    CHECK(zmq_poll(NULL, 0, 0) == 0);
    CHECK(zmq_poll(NULL, 0, 10) == 0);
    CHECK_ERR(zmq_poll(NULL, 1, 0), EFAULT);
}

static void test_proxy_args(void)
{
    CHECK_ERR(zmq_proxy(NULL, NULL, NULL), EFAULT);
    CHECK_ERR(zmq_proxy_steerable(NULL, NULL, NULL, NULL), EFAULT);
}

/* What ferrozmq does not provide yet fails cleanly with ENOTSUP (see
   docs/STATUS.md), after the same argument checks. */
static void test_not_built_yet(void)
{
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s != NULL);
    CHECK_ERR(zmq_bind(s, "ws://127.0.0.1:*"), ENOTSUP);
    /* Draft socket types are refused in this stable build. */
    CHECK_NULL_ERR(zmq_socket(ctx, 12), EINVAL);
    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_ctx_term(ctx));
}

int main(void)
{
    tu_start("test_sockets");
    test_null_sockets();
    test_poll_args();
    test_proxy_args();
    FERROZMQ_ONLY test_not_built_yet();
    return tu_finish();
}
