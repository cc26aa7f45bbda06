/* The zmq_timers_* API. */
#include "testutil.h"

static int fired[8];
static void *the_timers;

static void on_timer(int id, void *arg)
{
    (void) arg;
    if (id > 0 && id < 8)
        fired[id]++;
}

static void cancel_self(int id, void *arg)
{
    (void) arg;
    fired[id]++;
    CHECK_OK(zmq_timers_cancel(the_timers, id));
}

static void sleep_ms(long ms)
{
    void *watch = zmq_stopwatch_start();
    while (zmq_stopwatch_intermediate(watch) < (unsigned long) ms * 1000)
        ;
    zmq_stopwatch_stop(watch);
}

static void test_basics(void)
{
    void *timers = zmq_timers_new();
    int a, b, c;
    long left;
    CHECK(timers != NULL);
    CHECK(zmq_timers_timeout(timers) == -1);
    CHECK_ERR(zmq_timers_add(timers, 10, NULL, NULL), EFAULT);
    a = zmq_timers_add(timers, 100, on_timer, NULL);
    b = zmq_timers_add(timers, 200, on_timer, NULL);
    c = zmq_timers_add(timers, 300, on_timer, NULL);
    CHECK(a == 1 && b == 2 && c == 3);
    left = zmq_timers_timeout(timers);
    CHECK(left > 50 && left <= 100);

    CHECK_ERR(zmq_timers_cancel(timers, 99), EINVAL);
    CHECK_OK(zmq_timers_cancel(timers, a));
    CHECK_ERR(zmq_timers_cancel(timers, a), EINVAL);
    left = zmq_timers_timeout(timers);
    CHECK(left > 150 && left <= 200);
    CHECK_ERR(zmq_timers_set_interval(timers, 99, 10), EINVAL);
    CHECK_ERR(zmq_timers_reset(timers, 99), EINVAL);

    /* Nothing due yet. */
    memset(fired, 0, sizeof fired);
    CHECK_OK(zmq_timers_execute(timers));
    CHECK(fired[1] + fired[2] + fired[3] == 0);

    /* Shorten b: it becomes due first. */
    CHECK_OK(zmq_timers_set_interval(timers, b, 20));
    left = zmq_timers_timeout(timers);
    CHECK(left >= 0 && left <= 20);
    sleep_ms(30);
    CHECK(zmq_timers_timeout(timers) == 0);
    CHECK_OK(zmq_timers_execute(timers));
    CHECK(fired[2] == 1 && fired[3] == 0 && fired[1] == 0);
    /* b re-armed one interval after it ran. */
    left = zmq_timers_timeout(timers);
    CHECK(left >= 0 && left <= 20);
    CHECK_OK(zmq_timers_reset(timers, c));

    CHECK_OK(zmq_timers_destroy(&timers));
    CHECK(timers == NULL);
}

static void test_cancel_inside_handler(void)
{
    int id;
    the_timers = zmq_timers_new();
    memset(fired, 0, sizeof fired);
    id = zmq_timers_add(the_timers, 0, cancel_self, NULL);
    sleep_ms(2);
    CHECK_OK(zmq_timers_execute(the_timers));
    CHECK(fired[id] == 1);
    CHECK(zmq_timers_timeout(the_timers) == -1);
    sleep_ms(2);
    CHECK_OK(zmq_timers_execute(the_timers));
    CHECK(fired[id] == 1);
    CHECK_OK(zmq_timers_destroy(&the_timers));
}

static void test_bad_handles(void)
{
    void *timers = NULL;
    CHECK_ERR(zmq_timers_add(NULL, 10, on_timer, NULL), EFAULT);
    CHECK_ERR(zmq_timers_cancel(NULL, 1), EFAULT);
    CHECK_ERR(zmq_timers_set_interval(NULL, 1, 10), EFAULT);
    CHECK_ERR(zmq_timers_reset(NULL, 1), EFAULT);
    CHECK_ERR(zmq_timers_timeout(NULL), EFAULT);
    CHECK_ERR(zmq_timers_execute(NULL), EFAULT);
    CHECK_ERR(zmq_timers_destroy(&timers), EFAULT);
    FERROZMQ_ONLY {
        void *dead = zmq_timers_new();
        void *copy = dead;
        CHECK_ERR(zmq_timers_destroy(NULL), EFAULT);
        CHECK_OK(zmq_timers_destroy(&dead));
        CHECK_ERR(zmq_timers_destroy(&copy), EFAULT);
        CHECK_ERR(zmq_timers_add(copy, 10, on_timer, NULL), EFAULT);
        CHECK_ERR(zmq_timers_execute(copy), EFAULT);
    }
}

int main(void)
{
    tu_start("test_timers");
    test_basics();
    test_cancel_inside_handler();
    test_bad_handles();
    return tu_finish();
}
