// interrupt.c -- shutting down cleanly on Ctrl-C.
//
// What it shows
//   A signal handler that only sets a flag, installed without SA_RESTART.
//   When SIGINT (Ctrl-C) or SIGTERM arrives while the program is blocked in
//   zmq_recv(), the call returns -1 with errno EINTR; the loop notices the
//   flag, and the program closes its socket and terminates the context
//   instead of dying mid-call.
//
// Run it
//   interrupt [endpoint] [max-seconds]
//     endpoint     address of the REP socket to bind  (default tcp://*:5555)
//     max-seconds  safety limit on the run time        (default 0 = none:
//                  block until interrupted)
//   Press Ctrl-C (or: kill -INT <pid>). Any requests that do arrive are
//   answered with "ack". Exit status 0 means a clean shutdown after a signal.
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <zmq.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t caught = 0;

static void on_signal(int signo)
{
    caught = signo; /* the only thing a handler should do here */
}

static void die(const char *what)
{
    fprintf(stderr, "interrupt: %s failed: %s\n", what, zmq_strerror(zmq_errno()));
    exit(EXIT_FAILURE);
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5555";
    long max_seconds = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    int timeout_ms = max_seconds > 0 ? (int) max_seconds * 1000 : -1;
    int linger_ms = 0;
    struct sigaction sa;
    int status = EXIT_SUCCESS;

    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = 0; /* deliberately no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        perror("interrupt: sigaction");
        return EXIT_FAILURE;
    }

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (rep == NULL)
        die("zmq_socket(REP)");
    if (zmq_setsockopt(rep, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0
        || zmq_setsockopt(rep, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    if (zmq_bind(rep, endpoint) != 0)
        die("zmq_bind");
    printf("interrupt: blocking in zmq_recv on %s -- press Ctrl-C to stop\n", endpoint);

    while (!caught) {
        char buf[256];
        int n = zmq_recv(rep, buf, sizeof buf, 0);
        if (n == -1) {
            int err = zmq_errno();
            if (err == EINTR) {
                printf("interrupt: zmq_recv returned -1, errno EINTR (%s)\n", zmq_strerror(err));
                continue; /* the loop condition sees the flag */
            }
            if (err == EAGAIN) {
                printf("interrupt: no signal within %ld s, giving up\n", max_seconds);
                status = EXIT_FAILURE;
                break;
            }
            die("zmq_recv");
        }
        printf("interrupt: got a %d-byte request, answering\n", n);
        if (zmq_send(rep, "ack", 3, 0) != 3)
            die("zmq_send");
    }
    if (caught)
        printf("interrupt: caught %s, closing the socket and terminating the context\n",
               caught == SIGINT ? "SIGINT" : "SIGTERM");

    if (zmq_close(rep) != 0)
        die("zmq_close");
    while (zmq_ctx_term(ctx) != 0)
        if (zmq_errno() != EINTR)
            die("zmq_ctx_term");
    printf("interrupt: clean exit\n");
    return status;
}
