// wuserver.c -- a weather station broadcasting on a PUB socket.
//
// What it shows
//   PUB/SUB fan-out. Each update is one text frame "ZZZZZ TEMP HUMIDITY".
//   Subscribers filter by prefix (the zip code), and over tcp/ipc libzmq
//   applies the filter on the publisher side, so unwanted updates are not
//   even sent. A PUB socket never blocks: with nobody listening, updates
//   are simply dropped.
//
// Run it
//   wuserver [endpoint] [seconds] [zipcodes]
//     endpoint  address to bind                        (default tcp://*:5556)
//     seconds   how long to publish                    (default 0 = until
//               Ctrl-C or SIGTERM, both stop it cleanly)
//     zipcodes  number of distinct zip codes, starting at 10000
//               (default 100, at most 90000)
//   Updates are paced at roughly 10,000 per second to stay light on CPU.
//   e.g.  ./wuserver tcp://*:5556 & ./wuclient tcp://localhost:5556 10001 20
#define GUIDE_PROGRAM "wuserver"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UPDATES_PER_TICK 10 /* one tick is about a millisecond */

static double now_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("wuserver: clock_gettime");
        exit(EXIT_FAILURE);
    }
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5556";
    double seconds = argc > 2 ? strtod(argv[2], NULL) : 0.0;
    long zipcodes = argc > 3 ? strtol(argv[3], NULL, 10) : 100;
    int linger_ms = 0;
    unsigned long long published = 0;
    struct timespec tick = { 0, 1000000L };

    if (zipcodes < 1 || zipcodes > 90000) {
        fprintf(stderr, "wuserver: zipcodes must be between 1 and 90000\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();
    srand((unsigned) time(NULL) ^ (unsigned) getpid());

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    if (pub == NULL)
        die("zmq_socket(PUB)");
    if (zmq_setsockopt(pub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_bind(pub, endpoint) != 0)
        die("zmq_bind");
    printf("wuserver: publishing weather for zip codes 10000..%ld on %s\n",
           10000 + zipcodes - 1, endpoint);

    double deadline = seconds > 0 ? now_seconds() + seconds : 0.0;
    while (!stop_requested() && (deadline == 0.0 || now_seconds() < deadline)) {
        for (int i = 0; i < UPDATES_PER_TICK; i++) {
            char update[64];
            int zip = 10000 + rand() % (int) zipcodes;
            int celsius = rand() % 55 - 15;
            int humidity = 10 + rand() % 90;
            int len = snprintf(update, sizeof update, "%05d %d %d", zip, celsius, humidity);
            if (zmq_send(pub, update, (size_t) len, 0) != len) {
                if (zmq_errno() == EINTR)
                    break;
                die("zmq_send");
            }
            published++;
        }
        nanosleep(&tick, NULL); /* EINTR here just ends the nap early */
    }

    printf("wuserver: published %llu update(s), shutting down\n", published);
    if (zmq_close(pub) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
