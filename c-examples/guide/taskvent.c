// taskvent.c -- the ventilator of a divide-and-conquer pipeline.
//
// What it shows
//   PUSH distributes messages round-robin over every connected PULL peer,
//   so tasks spread across however many taskwork processes are running.
//   Before the tasks, the ventilator tells the sink how many results to
//   expect ("START n") on a second PUSH socket, which starts its clock.
//
// Run it
//   taskvent [tasks-endpoint] [sink-endpoint] [tasks] [settle-ms]
//     tasks-endpoint  where workers fetch tasks (bind)  (default tcp://*:5557)
//     sink-endpoint   the sink's result socket (connect)
//                                                (default tcp://localhost:5558)
//     tasks           number of tasks                   (default 100)
//     settle-ms       wait before sending so that all workers have connected
//                     (otherwise the first to connect gets a bigger share)
//                                                       (default 1000)
//   Each task is "ID MS": sleep for MS (1..20) milliseconds.
//   Start tasksink and a few taskwork processes, then this.
#define GUIDE_PROGRAM "taskvent"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void send_text(void *socket, const char *text, const char *what)
{
    size_t len = strlen(text);
    if (zmq_send(socket, text, len, 0) != (int) len) {
        if (zmq_errno() == EAGAIN)
            fprintf(stderr, "taskvent: nobody took the %s within the send timeout\n", what);
        else
            fprintf(stderr, "taskvent: sending the %s failed: %s\n", what,
                    zmq_strerror(zmq_errno()));
        exit(EXIT_FAILURE);
    }
}

int main(int argc, char **argv)
{
    const char *tasks_ep = argc > 1 ? argv[1] : "tcp://*:5557";
    const char *sink_ep = argc > 2 ? argv[2] : "tcp://localhost:5558";
    long tasks = argc > 3 ? strtol(argv[3], NULL, 10) : 100;
    long settle_ms = argc > 4 ? strtol(argv[4], NULL, 10) : 1000;
    int send_timeout_ms = 10000; /* a bound PUSH with no workers would block */
    int linger_ms = 2000;        /* bounded wait for queued messages on exit */
    long total_ms = 0;
    char text[64];

    if (tasks < 1 || settle_ms < 0) {
        fprintf(stderr, "taskvent: need tasks >= 1 and settle-ms >= 0\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    srand((unsigned) time(NULL) ^ (unsigned) getpid());

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *workers = zmq_socket(ctx, ZMQ_PUSH);
    void *sink = zmq_socket(ctx, ZMQ_PUSH);
    if (workers == NULL || sink == NULL)
        die("zmq_socket(PUSH)");
    if (zmq_setsockopt(workers, ZMQ_SNDTIMEO, &send_timeout_ms, sizeof send_timeout_ms) != 0
        || zmq_setsockopt(sink, ZMQ_SNDTIMEO, &send_timeout_ms, sizeof send_timeout_ms) != 0)
        die("zmq_setsockopt(SNDTIMEO)");
    if (zmq_setsockopt(workers, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(sink, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(workers, tasks_ep) != 0)
        die("zmq_bind");
    if (zmq_connect(sink, sink_ep) != 0)
        die("zmq_connect");

    printf("taskvent: tasks on %s, sink at %s; letting workers connect for %ld ms\n",
           tasks_ep, sink_ep, settle_ms);
    struct timespec settle = { settle_ms / 1000, (settle_ms % 1000) * 1000000L };
    while (nanosleep(&settle, &settle) == -1 && errno == EINTR)
        ;

    snprintf(text, sizeof text, "START %ld", tasks);
    send_text(sink, text, "start signal");

    for (long id = 1; id <= tasks; id++) {
        int ms = 1 + rand() % 20;
        total_ms += ms;
        snprintf(text, sizeof text, "%ld %d", id, ms);
        send_text(workers, text, "task");
    }
    printf("taskvent: sent %ld task(s) worth %ld ms of work in total\n", tasks, total_ms);

    if (zmq_close(workers) != 0 || zmq_close(sink) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
