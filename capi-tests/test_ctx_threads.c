/* The context's thread options reach the I/O threads: their number
   (ZMQ_IO_THREADS), their name with
   ZMQ_THREAD_NAME_PREFIX, its CPUs (THREAD_AFFINITY_CPU_ADD/REMOVE) and,
   as root, its policy and priority (THREAD_SCHED_POLICY, THREAD_PRIORITY).
   The thread is found by name in /proc/self/task. */
#include "sockutil.h"

#include <dirent.h>
#include <sched.h>
#include <unistd.h>

/* The thread id whose name is `name`, or -1. */
static pid_t find_thread(const char *name)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    pid_t found = -1;
    while (d && (e = readdir(d)) != NULL && found < 0) {
        char path[300], comm[64] = "";
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        f = fopen(path, "r");
        if (f && fgets(comm, sizeof comm, f)) {
            comm[strcspn(comm, "\n")] = '\0';
            if (strcmp(comm, name) == 0)
                found = (pid_t) atoi(e->d_name);
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

/* As find_thread, waiting up to 2 s: the thread names and schedules
   itself once it runs, which may be after zmq_bind returned. */
static pid_t thread_named(const char *name)
{
    int i;
    for (i = 0; i < 200; i++) {
        pid_t tid = find_thread(name);
        if (tid > 0)
            return tid;
        usleep(10000);
    }
    return -1;
}

/* Starts the context's I/O thread (a tcp bind does); the socket is
   returned for closing. */
static void *start_io(void *ctx)
{
    void *s = sock(ctx, ZMQ_PULL);
    CHECK_OK(zmq_bind(s, "tcp://127.0.0.1:*"));
    return s;
}

static void test_name_and_affinity(void)
{
    void *ctx = zmq_ctx_new();
    void *s;
    pid_t tid;
    cpu_set_t set;

    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_NAME_PREFIX, 7));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 0));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 1));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1));
    s = start_io(ctx);
    tid = thread_named("7/ZMQbg/IO/0");
    CHECK(tid > 0);
    /* It applies its scheduling right after taking its name. */
    usleep(100000);
    CPU_ZERO(&set);
    CHECK(tid > 0 && sched_getaffinity(tid, sizeof set, &set) == 0);
    CHECK(CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set));
    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_policy_and_priority(void)
{
    void *ctx = zmq_ctx_new();
    void *s;
    pid_t tid;
    struct sched_param param;

    /* Real-time scheduling needs the privilege; libzmq aborts without
       it, so only root tries. */
    if (geteuid() != 0) {
        printf("  (not root: scheduling policy not tested)\n");
        CHECK_OK(zmq_ctx_term(ctx));
        return;
    }
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, SCHED_RR));
    CHECK_OK(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, 3));
    s = start_io(ctx);
    tid = thread_named("ZMQbg/IO/0");
    CHECK(tid > 0);
    usleep(100000);
    CHECK(tid > 0 && sched_getscheduler(tid) == SCHED_RR);
    CHECK(tid > 0 && sched_getparam(tid, &param) == 0 && param.sched_priority == 3);
    CHECK_OK(zmq_close(s));
    CHECK_OK(zmq_ctx_term(ctx));
}

/* ZMQ_IO_THREADS=2: two I/O threads, and connections served across
   them carry every message. */
static void test_two_io_threads(void)
{
    void *ctx = zmq_ctx_new();
    void *pull, *push[6];
    char ep[256];
    size_t len = sizeof ep;
    int i, n, got = 0;

    CHECK_OK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 2));
    pull = start_io(ctx);
    CHECK_OK(zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, ep, &len));
    for (i = 0; i < 6; i++) {
        push[i] = sock(ctx, ZMQ_PUSH);
        CHECK_OK(zmq_connect(push[i], ep));
    }
    CHECK(thread_named("ZMQbg/IO/0") > 0);
    CHECK(thread_named("ZMQbg/IO/1") > 0);
    for (n = 0; n < 100; n++)
        for (i = 0; i < 6; i++)
            send_str(push[i], "m", 0);
    while (got < 600 && recv_is(pull, "m", 0))
        got++;
    CHECK(got == 600);
    for (i = 0; i < 6; i++)
        CHECK_OK(zmq_close(push[i]));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_ctx_term(ctx));
}

int main(void)
{
    tu_start("test_ctx_threads");
    test_name_and_affinity();
    test_policy_and_priority();
    test_two_io_threads();
    return tu_finish();
}
