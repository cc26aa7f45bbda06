/* ZMQ_CONFLATE: the receiver gets only the newest message, and the
   sender never blocks on the HWM. */
#include "sockutil.h"

static void test_pull_keeps_newest(void)
{
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL), *push = zmq_socket(ctx, ZMQ_PUSH);
    char buf[16];
    int i, rc;
    set_int(pull, ZMQ_CONFLATE, 1);
    set_int(push, ZMQ_CONFLATE, 1);
    set_int(push, ZMQ_SNDHWM, 2);
    set_int(pull, ZMQ_RCVTIMEO, 1000);
    CHECK_OK(zmq_bind(pull, "inproc://conflate"));
    CHECK_OK(zmq_connect(push, "inproc://conflate"));
    /* Far past any HWM: a conflating sender never blocks. */
    for (i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "%d", i);
        CHECK(zmq_send(push, buf, strlen(buf), ZMQ_DONTWAIT) == (int) strlen(buf));
    }
    rc = zmq_recv(pull, buf, sizeof buf, 0);
    CHECK(rc == 3 && memcmp(buf, "999", 3) == 0);
    set_int(pull, ZMQ_RCVTIMEO, 50);
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, 0), EAGAIN);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_read_back(void)
{
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int value = -1;
    size_t len = sizeof value;
    CHECK_OK(zmq_getsockopt(s, ZMQ_CONFLATE, &value, &len));
    CHECK(value == 0);
    set_int(s, ZMQ_CONFLATE, 1);
    CHECK_OK(zmq_getsockopt(s, ZMQ_CONFLATE, &value, &len));
    CHECK(value == 1);
    value = 2;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_CONFLATE, &value, sizeof value), EINVAL);
    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_ctx_term(ctx));
}

int main(void)
{
    tu_start("test_conflate");
    test_pull_keeps_newest();
    test_read_back();
    return tu_finish();
}
