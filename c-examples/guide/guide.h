// guide.h -- what the guide programs here all do the same way.
//
// Each program defines GUIDE_PROGRAM (its name, for messages) and then
// includes this header first:
//   die(what)              report a failed ZeroMQ call and exit
//   catch_stop_signals()   for programs that run until stopped: Ctrl-C and
//                          SIGTERM set a flag, and (no SA_RESTART) make a
//                          blocking zmq_recv/zmq_poll/zmq_proxy return -1
//                          with EINTR so the program notices at once
//   stop_requested()       whether such a signal arrived
//   term_context(ctx)      zmq_ctx_term, retried when a signal interrupts it
#ifndef GUIDE_H
#define GUIDE_H

#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <zmq.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GUIDE_PROGRAM
#error "define GUIDE_PROGRAM before including guide.h"
#endif

static inline void die(const char *what)
{
    fprintf(stderr, GUIDE_PROGRAM ": %s failed: %s\n", what, zmq_strerror(zmq_errno()));
    exit(EXIT_FAILURE);
}

static inline void term_context(void *ctx)
{
    while (zmq_ctx_term(ctx) != 0)
        if (zmq_errno() != EINTR)
            die("zmq_ctx_term");
}

static inline volatile sig_atomic_t *stop_flag(void)
{
    static volatile sig_atomic_t flag = 0;
    return &flag;
}

static inline int stop_requested(void)
{
    return *stop_flag() != 0;
}

static inline void on_stop_signal(int signo)
{
    (void) signo;
    *stop_flag() = 1;
}

static inline void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        perror(GUIDE_PROGRAM ": sigaction");
        exit(EXIT_FAILURE);
    }
}

#endif
