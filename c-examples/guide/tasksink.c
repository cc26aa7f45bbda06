// tasksink.c -- collects pipeline results, then stops the workers.
//
// What it shows
//   A PULL socket fair-queues results from every worker. The ventilator's
//   "START n" says how many to expect; once all have arrived the sink
//   reports the elapsed time and how the work was shared, then broadcasts
//   "KILL" on a PUB socket that every worker subscribes to.
//
// Run it
//   tasksink [results-endpoint] [control-endpoint] [timeout-s]
//     results-endpoint  where results arrive (bind)     (default tcp://*:5558)
//     control-endpoint  where KILL is published (bind)  (default tcp://*:5559)
//     timeout-s         fail (exit 1) if nothing arrives for this long
//                                                       (default 30)
//   e.g.  ./tasksink & ./taskwork & ./taskwork & ./taskwork & ./taskvent
#define GUIDE_PROGRAM "tasksink"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WORKERS 64

static double now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("tasksink: clock_gettime");
        exit(EXIT_FAILURE);
    }
    return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    const char *results_ep = argc > 1 ? argv[1] : "tcp://*:5558";
    const char *control_ep = argc > 2 ? argv[2] : "tcp://*:5559";
    long timeout_s = argc > 3 ? strtol(argv[3], NULL, 10) : 30;
    int timeout_ms;
    int linger_ms = 2000; /* let KILL reach the workers before we go */
    long expected = -1, received = 0;
    long worker_pid[MAX_WORKERS], worker_count[MAX_WORKERS];
    int workers_seen = 0;
    double started = 0.0;

    if (timeout_s < 1 || timeout_s > 3600) {
        fprintf(stderr, "tasksink: timeout-s must be 1..3600\n");
        return EXIT_FAILURE;
    }
    timeout_ms = (int) timeout_s * 1000;
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *results = zmq_socket(ctx, ZMQ_PULL);
    void *control = zmq_socket(ctx, ZMQ_PUB);
    if (results == NULL || control == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(results, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_setsockopt(control, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(results, results_ep) != 0 || zmq_bind(control, control_ep) != 0)
        die("zmq_bind");
    printf("tasksink: collecting on %s, KILL goes out on %s\n", results_ep, control_ep);

    /* Results can in principle overtake the START message (they come over
     * different connections), so just count until both sides add up. */
    while (expected < 0 || received < expected) {
        char text[64];
        long id, pid;
        int n = zmq_recv(results, text, sizeof text - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EINTR)
                continue;
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "tasksink: nothing for %ld s (%ld of %ld results)\n",
                        timeout_s, received, expected);
                exit(EXIT_FAILURE);
            }
            die("zmq_recv");
        }
        if (n > (int) sizeof text - 1)
            n = (int) sizeof text - 1;
        text[n] = '\0';

        if (sscanf(text, "START %ld", &expected) == 1) {
            started = now_ms();
            printf("tasksink: ventilator announced %ld task(s)\n", expected);
        } else if (sscanf(text, "DONE %ld %ld", &id, &pid) == 2) {
            int w = 0;
            while (w < workers_seen && worker_pid[w] != pid)
                w++;
            if (w == workers_seen && workers_seen < MAX_WORKERS) {
                worker_pid[w] = pid;
                worker_count[w] = 0;
                workers_seen++;
            }
            if (w < workers_seen)
                worker_count[w]++;
            received++;
        } else {
            fprintf(stderr, "tasksink: unexpected message \"%s\"\n", text);
            exit(EXIT_FAILURE);
        }
    }

    printf("tasksink: all %ld result(s) in after %.0f ms\n", received, now_ms() - started);
    for (int w = 0; w < workers_seen; w++)
        printf("tasksink:   worker %ld did %ld\n", worker_pid[w], worker_count[w]);

    if (zmq_send(control, "KILL", 4, 0) != 4)
        die("zmq_send(KILL)");
    printf("tasksink: KILL published to the workers\n");

    if (zmq_close(results) != 0 || zmq_close(control) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
