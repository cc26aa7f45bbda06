/* Contexts: creation, termination, options with libzmq's validation, and
   bad handles. */
#include "testutil.h"

static void test_defaults(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx != NULL);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == ZMQ_IO_THREADS_DFLT);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == ZMQ_MAX_SOCKETS_DFLT);
    CHECK(zmq_ctx_get(ctx, ZMQ_SOCKET_LIMIT) == 65535);
    errno = 0;
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_SCHED_POLICY) == -1 && errno == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_MSGSZ) == INT_MAX);
    CHECK(zmq_ctx_get(ctx, ZMQ_MSG_T_SIZE) == (int) sizeof(zmq_msg_t));
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_NAME_PREFIX) == 0);
    CHECK(zmq_ctx_get(ctx, 10 /* ZMQ_ZERO_COPY_RECV */) == 1);
    CHECK(zmq_ctx_get(ctx, ZMQ_IPV6) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 1);
    CHECK_ERR(zmq_ctx_get(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, 0), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, 11), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, 99), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, -1), EINVAL);
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_set(void)
{
    void *ctx = zmq_ctx_new();

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IO_THREADS, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 0));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 4));
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 4);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 0), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 1));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 100000));
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == 100000);

    /* 3 is THREAD_PRIORITY to set but SOCKET_LIMIT to get. */
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, 5));
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_PRIORITY) == 65535);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, 1));
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_SCHED_POLICY) == 1);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_MSGSZ, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_MAX_MSGSZ, 100));
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_MSGSZ) == 100);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MSG_T_SIZE, 64), EINVAL);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 1));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 1));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1));
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 7), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, -1), EINVAL);

    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_NAME_PREFIX, 5));
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_NAME_PREFIX) == 5);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_NAME_PREFIX, -1));
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_NAME_PREFIX) == -1);

    CHECK_OK(zmq_ctx_set(ctx, 10 /* ZMQ_ZERO_COPY_RECV */, 0));
    CHECK(zmq_ctx_get(ctx, 10) == 0);
    CHECK_ERR(zmq_ctx_set(ctx, 10, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, 10, 7));
    CHECK(zmq_ctx_get(ctx, 10) == 1);

    CHECK_OK(zmq_ctx_set(ctx, ZMQ_IPV6, 2));
    CHECK(zmq_ctx_get(ctx, ZMQ_IPV6) == 1);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IPV6, -1), EINVAL);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_BLOCKY, 5));
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 1);
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_BLOCKY, 0));
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 0);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_BLOCKY, -1), EINVAL);

    CHECK_ERR(zmq_ctx_set(ctx, 0, 1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, 11, 1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, 99, 1), EINVAL);
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_lifecycle(void)
{
    void *ctx;

    ctx = zmq_ctx_new();
    CHECK_OK(zmq_ctx_shutdown(ctx));
    CHECK_OK(zmq_ctx_shutdown(ctx));
    CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PAIR), ETERM);
    CHECK_OK(zmq_ctx_term(ctx));

    ctx = zmq_ctx_new();
    CHECK_NULL_ERR(zmq_socket(ctx, 99), EINVAL);
    CHECK_NULL_ERR(zmq_socket(ctx, -1), EINVAL);
    CHECK_OK(zmq_ctx_destroy(ctx));

    ctx = zmq_init(2);
    CHECK(ctx != NULL && zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 2);
    CHECK_OK(zmq_term(ctx));
    ctx = zmq_init(0);
    CHECK(ctx != NULL && zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 0);
    CHECK_OK(zmq_term(ctx));
    CHECK_NULL_ERR(zmq_init(-1), EINVAL);

    /* Many contexts at once are independent. */
    {
        void *ctxs[50];
        int i, ok = 1;
        for (i = 0; i < 50; i++) {
            ctxs[i] = zmq_ctx_new();
            ok &= ctxs[i] != NULL && zmq_ctx_set(ctxs[i], ZMQ_MAX_SOCKETS, i + 1) == 0;
        }
        for (i = 0; i < 50; i++)
            ok &= zmq_ctx_get(ctxs[i], ZMQ_MAX_SOCKETS) == i + 1;
        for (i = 0; i < 50; i++)
            ok &= zmq_ctx_term(ctxs[i]) == 0;
        CHECK(ok);
    }
}

static void test_bad_handles(void)
{
    int garbage[64];
    memset(garbage, 0x55, sizeof garbage);

    CHECK_ERR(zmq_ctx_get(NULL, ZMQ_IO_THREADS), EFAULT);
    CHECK_ERR(zmq_ctx_set(NULL, ZMQ_IO_THREADS, 1), EFAULT);
    CHECK_ERR(zmq_ctx_term(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_destroy(NULL), EFAULT);
    CHECK_ERR(zmq_term(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_shutdown(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_get(garbage, ZMQ_IO_THREADS), EFAULT);
    CHECK_NULL_ERR(zmq_socket(NULL, ZMQ_PAIR), EFAULT);

    /* A terminated context is dead: libzmq reads freed memory here and
       usually answers EFAULT; ferrozmq always does. */
    FERROZMQ_ONLY {
        void *ctx = zmq_ctx_new();
        CHECK_OK(zmq_ctx_term(ctx));
        CHECK_ERR(zmq_ctx_term(ctx), EFAULT);
        CHECK_ERR(zmq_ctx_get(ctx, ZMQ_IO_THREADS), EFAULT);
        CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 1), EFAULT);
        CHECK_ERR(zmq_ctx_shutdown(ctx), EFAULT);
        CHECK_NULL_ERR(zmq_socket(ctx, ZMQ_PAIR), EFAULT);
        CHECK_ERR(zmq_ctx_term(garbage), EFAULT);
    }
}

int main(void)
{
    tu_start("test_ctx");
    test_defaults();
    test_set();
    test_lifecycle();
    test_bad_handles();
    return tu_finish();
}
