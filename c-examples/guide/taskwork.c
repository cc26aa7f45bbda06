// taskwork.c -- a pipeline worker that can be told to stop.
//
// What it shows
//   PULL tasks from the ventilator, PUSH results to the sink, and also
//   SUBscribe to the sink's control channel. zmq_poll() waits on both the
//   PULL and the SUB socket at once; a "KILL" on the control channel ends
//   the worker. An idle timeout means a worker never waits forever.
//
// Run it
//   taskwork [tasks-endpoint] [results-endpoint] [control-endpoint] [idle-s]
//     tasks-endpoint    ventilator's PUSH        (default tcp://localhost:5557)
//     results-endpoint  sink's PULL              (default tcp://localhost:5558)
//     control-endpoint  sink's PUB               (default tcp://localhost:5559)
//     idle-s            give up (exit 1) after this long with no message
//                                                (default 30)
//   Run several at once; see taskvent and tasksink.
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "taskwork[%ld]: %s failed: %s\n", (long) getpid(), what,
            zmq_strerror(zmq_errno()));
    exit(EXIT_FAILURE);
}

static int recv_text(void *socket, char *buf, size_t cap)
{
    int n = zmq_recv(socket, buf, cap - 1, 0);
    if (n == -1)
        return -1;
    if (n > (int) cap - 1)
        n = (int) cap - 1;
    buf[n] = '\0';
    return n;
}

int main(int argc, char **argv)
{
    const char *tasks_ep = argc > 1 ? argv[1] : "tcp://localhost:5557";
    const char *results_ep = argc > 2 ? argv[2] : "tcp://localhost:5558";
    const char *control_ep = argc > 3 ? argv[3] : "tcp://localhost:5559";
    long idle_s = argc > 4 ? strtol(argv[4], NULL, 10) : 30;
    long me = (long) getpid();
    int linger_ms = 2000;
    long done = 0, worked_ms = 0;
    int killed = 0;

    if (idle_s < 1) {
        fprintf(stderr, "taskwork: idle-s must be at least 1\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *tasks = zmq_socket(ctx, ZMQ_PULL);
    void *results = zmq_socket(ctx, ZMQ_PUSH);
    void *control = zmq_socket(ctx, ZMQ_SUB);
    if (tasks == NULL || results == NULL || control == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(results, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_connect(tasks, tasks_ep) != 0 || zmq_connect(results, results_ep) != 0
        || zmq_connect(control, control_ep) != 0)
        die("zmq_connect");
    if (zmq_setsockopt(control, ZMQ_SUBSCRIBE, "", 0) != 0)
        die("zmq_setsockopt(SUBSCRIBE)");
    printf("taskwork[%ld]: ready (tasks %s, results %s, control %s)\n", me, tasks_ep,
           results_ep, control_ep);

    while (!killed) {
        zmq_pollitem_t items[2];
        memset(items, 0, sizeof items);
        items[0].socket = tasks;
        items[0].events = ZMQ_POLLIN;
        items[1].socket = control;
        items[1].events = ZMQ_POLLIN;

        int ready = zmq_poll(items, 2, idle_s * 1000);
        if (ready == -1) {
            if (zmq_errno() == EINTR)
                continue;
            die("zmq_poll");
        }
        if (ready == 0) {
            fprintf(stderr, "taskwork[%ld]: nothing for %ld s (no KILL either), giving up\n",
                    me, idle_s);
            exit(EXIT_FAILURE);
        }

        if (items[0].revents & ZMQ_POLLIN) {
            char task[64], result[64];
            long id;
            int ms;
            if (recv_text(tasks, task, sizeof task) == -1)
                die("zmq_recv(task)");
            if (sscanf(task, "%ld %d", &id, &ms) != 2 || ms < 0 || ms > 10000) {
                fprintf(stderr, "taskwork[%ld]: bad task \"%s\"\n", me, task);
                exit(EXIT_FAILURE);
            }
            struct timespec work = { ms / 1000, (ms % 1000) * 1000000L };
            while (nanosleep(&work, &work) == -1 && errno == EINTR)
                ;
            int len = snprintf(result, sizeof result, "DONE %ld %ld", id, me);
            if (zmq_send(results, result, (size_t) len, 0) != len)
                die("zmq_send(result)");
            done++;
            worked_ms += ms;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            char order[32];
            if (recv_text(control, order, sizeof order) == -1)
                die("zmq_recv(control)");
            if (strcmp(order, "KILL") == 0)
                killed = 1;
            else
                printf("taskwork[%ld]: ignoring control message \"%s\"\n", me, order);
        }
    }

    printf("taskwork[%ld]: got KILL after %ld task(s), %ld ms of work\n", me, done, worked_ms);
    if (zmq_close(tasks) != 0 || zmq_close(results) != 0 || zmq_close(control) != 0)
        die("zmq_close");
    while (zmq_ctx_term(ctx) != 0)
        if (zmq_errno() != EINTR)
            die("zmq_ctx_term");
    return EXIT_SUCCESS;
}
