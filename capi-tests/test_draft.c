/* The draft API that works today: message routing ids and groups,
   zmq_msg_init_buffer, zmq_ctx_set_ext/zmq_ctx_get_ext, and the argument
   checks of the poller. Debian's libzmq does not export the draft API, so
   this test runs on ferrozmq only. */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

static void test_routing_id_and_group(void)
{
    zmq_msg_t msg;
    char long_group[300];
    CHECK_OK(zmq_msg_init(&msg));
    CHECK(zmq_msg_routing_id(&msg) == 0);
    CHECK_ERR(zmq_msg_set_routing_id(&msg, 0), EINVAL);
    CHECK_OK(zmq_msg_set_routing_id(&msg, 12345));
    CHECK(zmq_msg_routing_id(&msg) == 12345);

    CHECK(strcmp(zmq_msg_group(&msg), "") == 0);
    CHECK_OK(zmq_msg_set_group(&msg, "weather"));
    CHECK(strcmp(zmq_msg_group(&msg), "weather") == 0);
    memset(long_group, 'g', 255);
    long_group[255] = '\0';
    CHECK_OK(zmq_msg_set_group(&msg, long_group));
    CHECK(strlen(zmq_msg_group(&msg)) == ZMQ_GROUP_MAX_LENGTH);
    long_group[255] = 'g';
    long_group[256] = '\0';
    CHECK_ERR(zmq_msg_set_group(&msg, long_group), EINVAL);
    CHECK_ERR(zmq_msg_set_group(&msg, NULL), EINVAL);
    CHECK_OK(zmq_msg_close(&msg));

    CHECK_ERR(zmq_msg_set_routing_id(NULL, 1), EFAULT);
    CHECK(zmq_msg_routing_id(NULL) == 0);
    CHECK_ERR(zmq_msg_set_group(NULL, "x"), EFAULT);
    CHECK_NULL_ERR(zmq_msg_group(NULL), EFAULT);
}

static void test_init_buffer(void)
{
    zmq_msg_t msg;
    char buf[100];
    memset(buf, 'b', sizeof buf);
    CHECK_OK(zmq_msg_init_buffer(&msg, buf, sizeof buf));
    buf[0] = 'X';
    CHECK(zmq_msg_size(&msg) == 100 && ((char *) zmq_msg_data(&msg))[0] == 'b');
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_OK(zmq_msg_init_buffer(&msg, NULL, 0));
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_ERR(zmq_msg_init_buffer(&msg, NULL, 10), EFAULT);
    CHECK_ERR(zmq_msg_init_buffer(NULL, buf, 10), EFAULT);
}

static void test_ctx_ext(void)
{
    void *ctx = zmq_ctx_new();
    char name[32];
    size_t len = sizeof name;
    int value = 3;
    CHECK_OK(zmq_ctx_set_ext(ctx, ZMQ_THREAD_NAME_PREFIX, "svc", 3));
    CHECK_OK(zmq_ctx_get_ext(ctx, ZMQ_THREAD_NAME_PREFIX, name, &len));
    CHECK(len == 3 && memcmp(name, "svc", 3) == 0);
    CHECK_ERR(zmq_ctx_set_ext(ctx, ZMQ_THREAD_NAME_PREFIX, "0123456789abcdefg", 17), EINVAL);
    CHECK_OK(zmq_ctx_set_ext(ctx, ZMQ_IO_THREADS, &value, sizeof value));
    len = sizeof value;
    value = 0;
    CHECK_OK(zmq_ctx_get_ext(ctx, ZMQ_IO_THREADS, &value, &len));
    CHECK(value == 3 && len == sizeof value);
    CHECK_ERR(zmq_ctx_set_ext(ctx, ZMQ_IO_THREADS, &value, 2), EINVAL);
    len = 2;
    CHECK_ERR(zmq_ctx_get_ext(ctx, ZMQ_IO_THREADS, &value, &len), EINVAL);
    CHECK_ERR(zmq_ctx_set_ext(NULL, ZMQ_IO_THREADS, &value, sizeof value), EFAULT);
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_poller_not_built(void)
{
    void *poller = NULL;
    zmq_poller_event_t event;
    CHECK_NULL_ERR(zmq_poller_new(), ENOTSUP);
    CHECK_ERR(zmq_poller_destroy(&poller), EFAULT);
    CHECK_ERR(zmq_poller_size(NULL), EFAULT);
    CHECK_ERR(zmq_poller_wait(NULL, &event, 0), EFAULT);
    CHECK(event.socket == NULL && event.fd == -1);
    CHECK_ERR(zmq_poller_wait_all(NULL, &event, -1, 0), EINVAL);
}

int main(void)
{
    tu_start("test_draft");
    test_routing_id_and_group();
    test_init_buffer();
    test_ctx_ext();
    test_poller_not_built();
    return tu_finish();
}
