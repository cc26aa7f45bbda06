/* Atomic counters, stopwatch, zmq_sleep, zmq_threadstart/zmq_threadclose. */
#include "testutil.h"

#include <pthread.h>

static void test_atomic_counter(void)
{
    void *counter = zmq_atomic_counter_new();
    CHECK(counter != NULL);
    CHECK(zmq_atomic_counter_value(counter) == 0);
    CHECK(zmq_atomic_counter_inc(counter) == 0); /* returns the old value */
    CHECK(zmq_atomic_counter_inc(counter) == 1);
    CHECK(zmq_atomic_counter_value(counter) == 2);
    CHECK(zmq_atomic_counter_dec(counter) == 1); /* 1 while non-zero */
    CHECK(zmq_atomic_counter_dec(counter) == 0); /* 0 on reaching zero */
    zmq_atomic_counter_set(counter, 42);
    CHECK(zmq_atomic_counter_value(counter) == 42);
    zmq_atomic_counter_destroy(&counter);
    CHECK(counter == NULL);
    FERROZMQ_ONLY {
        zmq_atomic_counter_destroy(&counter); /* already NULL: nothing */
        zmq_atomic_counter_destroy(NULL);
        CHECK(zmq_atomic_counter_inc(NULL) == 0);
        CHECK(zmq_atomic_counter_value(NULL) == 0);
    }
}

static void *counter_for_threads;

static void *bump_many(void *arg)
{
    int i;
    (void) arg;
    for (i = 0; i < 100000; i++)
        zmq_atomic_counter_inc(counter_for_threads);
    return NULL;
}

static void test_atomic_counter_threads(void)
{
    pthread_t threads[4];
    int i;
    counter_for_threads = zmq_atomic_counter_new();
    for (i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, bump_many, NULL);
    for (i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    CHECK(zmq_atomic_counter_value(counter_for_threads) == 400000);
    zmq_atomic_counter_destroy(&counter_for_threads);
}

static void test_stopwatch(void)
{
    void *watch = zmq_stopwatch_start();
    unsigned long first, total;
    CHECK(watch != NULL);
    zmq_sleep(1);
    first = zmq_stopwatch_intermediate(watch);
    total = zmq_stopwatch_stop(watch);
    /* Microseconds. */
    CHECK(first >= 1000000 && first < 10000000);
    CHECK(total >= first);
    FERROZMQ_ONLY {
        CHECK(zmq_stopwatch_intermediate(NULL) == 0);
        CHECK(zmq_stopwatch_stop(NULL) == 0);
    }
}

static int thread_ran;
static pthread_t thread_id;
static char thread_name[32];

static void thread_body(void *arg)
{
    thread_ran = *(int *) arg;
    thread_id = pthread_self();
    pthread_getname_np(thread_id, thread_name, sizeof thread_name);
}

static void test_threads(void)
{
    int value = 7;
    void *thread = zmq_threadstart(thread_body, &value);
    CHECK(thread != NULL);
    zmq_threadclose(thread);
    CHECK(thread_ran == 7);
    CHECK(!pthread_equal(thread_id, pthread_self()));
    CHECK(strcmp(thread_name, "ZMQapp") == 0);
    FERROZMQ_ONLY {
        CHECK_NULL_ERR(zmq_threadstart(NULL, NULL), EINVAL);
        zmq_threadclose(NULL);
    }
}

int main(void)
{
    tu_start("test_utils");
    test_atomic_counter();
    test_atomic_counter_threads();
    test_stopwatch();
    test_threads();
    return tu_finish();
}
