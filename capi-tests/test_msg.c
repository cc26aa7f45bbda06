/* zmq_msg_*: every stable message function, and bad input. */
#include "testutil.h"

#include <stdint.h>

static int free_calls;
static void *free_data, *free_hint;

static void count_free(void *data, void *hint)
{
    free_calls++;
    free_data = data;
    free_hint = hint;
}

static void test_empty(void)
{
    zmq_msg_t msg;
    CHECK_OK(zmq_msg_init(&msg));
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK(zmq_msg_data(&msg) != NULL);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 0);
    CHECK_ERR(zmq_msg_get(&msg, ZMQ_SRCFD), EINVAL);
    CHECK_ERR(zmq_msg_get(&msg, 99), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, ZMQ_MORE, 1), EINVAL);
    CHECK_NULL_ERR(zmq_msg_gets(&msg, "Socket-Type"), EINVAL);
    CHECK_OK(zmq_msg_close(&msg));

    CHECK_OK(zmq_msg_init_size(&msg, 0));
    CHECK(zmq_msg_size(&msg) == 0 && zmq_msg_data(&msg) != NULL);
    CHECK_OK(zmq_msg_close(&msg));
}

static void test_sizes(void)
{
    size_t sizes[] = {1, 33, 34, 255, 256, 65536, 1 << 20};
    size_t i, j;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        zmq_msg_t msg;
        unsigned char *data;
        int intact = 1;
        CHECK_OK(zmq_msg_init_size(&msg, sizes[i]));
        CHECK(zmq_msg_size(&msg) == sizes[i]);
        data = (unsigned char *) zmq_msg_data(&msg);
        for (j = 0; j < sizes[i]; j++)
            data[j] = (unsigned char) (j * 7);
        for (j = 0; j < sizes[i]; j++)
            intact &= data[j] == (unsigned char) (j * 7);
        CHECK(intact);
        CHECK_OK(zmq_msg_close(&msg));
    }
}

static void test_copy(void)
{
    zmq_msg_t small, big, copy;
    CHECK_OK(zmq_msg_init_size(&small, 10));
    memcpy(zmq_msg_data(&small), "0123456789", 10);
    CHECK_OK(zmq_msg_init(&copy));
    CHECK_OK(zmq_msg_copy(&copy, &small));
    CHECK(zmq_msg_size(&copy) == 10 && memcmp(zmq_msg_data(&copy), "0123456789", 10) == 0);
    CHECK(zmq_msg_get(&small, ZMQ_SHARED) == 0 && zmq_msg_get(&copy, ZMQ_SHARED) == 0);
    CHECK_OK(zmq_msg_close(&small));
    CHECK_OK(zmq_msg_close(&copy));

    CHECK_OK(zmq_msg_init_size(&big, 100));
    memset(zmq_msg_data(&big), 'x', 100);
    CHECK(zmq_msg_get(&big, ZMQ_SHARED) == 0);
    CHECK_OK(zmq_msg_init(&copy));
    CHECK_OK(zmq_msg_copy(&copy, &big));
    CHECK(zmq_msg_get(&big, ZMQ_SHARED) == 1 && zmq_msg_get(&copy, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_data(&big) == zmq_msg_data(&copy));
    CHECK_OK(zmq_msg_close(&big));
    CHECK(zmq_msg_size(&copy) == 100 && ((char *) zmq_msg_data(&copy))[99] == 'x');
    CHECK_OK(zmq_msg_close(&copy));
}

static void test_init_data(void)
{
    static char body[] = "zero-copy body, long enough to be interesting";
    static const char constant[] = "constant";
    int hint_target;
    zmq_msg_t msg, copy1, copy2;

    free_calls = 0;
    CHECK_OK(zmq_msg_init_data(&msg, body, sizeof body, count_free, &hint_target));
    CHECK(zmq_msg_data(&msg) == body && zmq_msg_size(&msg) == sizeof body);
    CHECK_OK(zmq_msg_init(&copy1));
    CHECK_OK(zmq_msg_init(&copy2));
    CHECK_OK(zmq_msg_copy(&copy1, &msg));
    CHECK_OK(zmq_msg_copy(&copy2, &copy1));
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_OK(zmq_msg_close(&copy1));
    CHECK(free_calls == 0);
    CHECK(zmq_msg_data(&copy2) == body);
    CHECK_OK(zmq_msg_close(&copy2));
    CHECK(free_calls == 1 && free_data == body && free_hint == &hint_target);

    /* A small zero-copy body is still freed exactly once. */
    free_calls = 0;
    CHECK_OK(zmq_msg_init_data(&msg, body, 3, count_free, NULL));
    CHECK_OK(zmq_msg_close(&msg));
    CHECK(free_calls == 1);

    /* No free function: constant data, reported shared. */
    CHECK_OK(zmq_msg_init_data(&msg, (void *) constant, sizeof constant, NULL, NULL));
    CHECK(zmq_msg_data(&msg) == constant);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 1);
    CHECK_OK(zmq_msg_close(&msg));
}

static void test_move(void)
{
    zmq_msg_t src, dest;
    CHECK_OK(zmq_msg_init_size(&src, 200));
    memset(zmq_msg_data(&src), 'm', 200);
    CHECK_OK(zmq_msg_init_size(&dest, 5));
    CHECK_OK(zmq_msg_move(&dest, &src));
    CHECK(zmq_msg_size(&dest) == 200 && ((char *) zmq_msg_data(&dest))[0] == 'm');
    CHECK(zmq_msg_size(&src) == 0);
    CHECK_OK(zmq_msg_close(&src));
    CHECK_OK(zmq_msg_close(&dest));
}

/* libzmq's representation holds no pointer into itself, and bindings rely
   on moving initialised messages with memcpy. */
static void test_relocation(void)
{
    zmq_msg_t a, b[2];
    CHECK_OK(zmq_msg_init_size(&a, 8));
    memcpy(zmq_msg_data(&a), "relocate", 8);
    memcpy(&b[1], &a, sizeof a);
    CHECK(zmq_msg_size(&b[1]) == 8 && memcmp(zmq_msg_data(&b[1]), "relocate", 8) == 0);
    CHECK(zmq_msg_data(&b[1]) != zmq_msg_data(&a) || zmq_msg_size(&a) > 33);
    CHECK_OK(zmq_msg_close(&b[1]));
}

static void test_bad_input(void)
{
    zmq_msg_t msg, zeroed;
    memset(&zeroed, 0, sizeof zeroed);

    CHECK_ERR(zmq_msg_init_size(&msg, SIZE_MAX), ENOMEM);

    CHECK_OK(zmq_msg_init(&msg));
    CHECK_OK(zmq_msg_close(&msg));
    CHECK_ERR(zmq_msg_close(&msg), EFAULT);

    CHECK_OK(zmq_msg_init(&msg));
    CHECK_ERR(zmq_msg_copy(&zeroed, &msg), EFAULT);
    CHECK_ERR(zmq_msg_move(&msg, &zeroed), EFAULT);
    CHECK_ERR(zmq_msg_copy(&msg, &zeroed), EFAULT);
    CHECK_OK(zmq_msg_close(&msg));

    /* Where libzmq crashes, ferrozmq answers EFAULT. */
    FERROZMQ_ONLY {
        CHECK_ERR(zmq_msg_init(NULL), EFAULT);
        CHECK_ERR(zmq_msg_init_size(NULL, 10), EFAULT);
        CHECK_ERR(zmq_msg_init_data(NULL, "x", 1, NULL, NULL), EFAULT);
        CHECK_ERR(zmq_msg_init_data(&msg, NULL, 10, NULL, NULL), EINVAL);
        CHECK_ERR(zmq_msg_close(NULL), EFAULT);
        CHECK_ERR(zmq_msg_move(NULL, NULL), EFAULT);
        CHECK_ERR(zmq_msg_copy(NULL, NULL), EFAULT);
        CHECK_ERR(zmq_msg_get(NULL, ZMQ_MORE), EFAULT);
        CHECK_ERR(zmq_msg_set(NULL, ZMQ_MORE, 1), EFAULT);
        CHECK_NULL_ERR(zmq_msg_gets(NULL, "Identity"), EFAULT);
        CHECK_NULL_ERR(zmq_msg_data(NULL), EFAULT);
        CHECK_NULL_ERR(zmq_msg_data(&zeroed), EFAULT);
        CHECK(zmq_msg_size(NULL) == 0);
        CHECK(zmq_msg_size(&zeroed) == 0);
        CHECK(zmq_msg_more(NULL) == 0);
        CHECK_OK(zmq_msg_init(&msg));
        CHECK_NULL_ERR(zmq_msg_gets(&msg, NULL), EINVAL);
        CHECK_OK(zmq_msg_close(&msg));
    }
}

int main(void)
{
    tu_start("test_msg");
    test_empty();
    test_sizes();
    test_copy();
    test_init_data();
    test_move();
    test_relocation();
    test_bad_input();
    return tu_finish();
}
