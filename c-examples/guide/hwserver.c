// hwserver.c -- the answering half of "hello world" over REQ/REP.
//
// What it shows
//   A REP socket binds an endpoint and loops: receive a request, pretend to
//   work for a moment, send "World" back. REP enforces the strict
//   receive-then-send rhythm and remembers who asked, so every reply finds
//   its way back to the right client.
//
// Run it
//   hwserver [endpoint] [count]
//     endpoint  address to bind                  (default tcp://*:5555)
//     count     exit after this many replies      (default 0 = until Ctrl-C
//               or SIGTERM, both of which stop it cleanly)
//   e.g.  ./hwserver tcp://*:5555 5 &   ./hwclient tcp://localhost:5555 5
//         ./hwserver ipc:///tmp/hw.ipc 5 & ./hwclient ipc:///tmp/hw.ipc 5
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <zmq.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signo)
{
    (void) signo;
    stopping = 1;
}

static void die(const char *what)
{
    fprintf(stderr, "hwserver: %s failed: %s\n", what, zmq_strerror(zmq_errno()));
    exit(EXIT_FAILURE);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: let blocking calls see EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        perror("hwserver: sigaction");
        exit(EXIT_FAILURE);
    }
}

static void nap_ms(long ms)
{
    struct timespec left;
    left.tv_sec = ms / 1000;
    left.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&left, &left) == -1 && errno == EINTR && !stopping)
        ;
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5555";
    long limit = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    int poll_ms = 250;   /* wake up now and then to notice a stop request */
    int linger_ms = 1000; /* give the final reply time to leave on close */
    long served = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (rep == NULL)
        die("zmq_socket(REP)");
    if (zmq_setsockopt(rep, ZMQ_RCVTIMEO, &poll_ms, sizeof poll_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_setsockopt(rep, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(rep, endpoint) != 0)
        die("zmq_bind");

    if (limit > 0)
        printf("hwserver: listening on %s, will answer %ld request(s)\n", endpoint, limit);
    else
        printf("hwserver: listening on %s until interrupted\n", endpoint);

    while (!stopping && (limit <= 0 || served < limit)) {
        char request[256];
        int n = zmq_recv(rep, request, sizeof request - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN || zmq_errno() == EINTR)
                continue; /* idle tick or signal: re-check the loop condition */
            die("zmq_recv");
        }
        if (n > (int) sizeof request - 1)
            n = (int) sizeof request - 1; /* zmq_recv reports the untruncated size */
        request[n] = '\0';
        printf("hwserver: request %ld: \"%s\"\n", served + 1, request);

        nap_ms(10); /* the "work" */

        if (zmq_send(rep, "World", 5, 0) != 5)
            die("zmq_send");
        served++;
    }

    printf("hwserver: answered %ld request(s), shutting down\n", served);
    if (zmq_close(rep) != 0)
        die("zmq_close");
    while (zmq_ctx_term(ctx) != 0)
        if (zmq_errno() != EINTR)
            die("zmq_ctx_term");
    return EXIT_SUCCESS;
}
