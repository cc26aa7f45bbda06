// mspoller.c -- read from two sockets at once with zmq_poll().
//
// What it shows
//   One thread serving a PULL socket (tasks from taskvent) and a SUB socket
//   (weather from wuserver) fairly: zmq_poll() reports which sockets have
//   something to read, and we take one message from each ready socket per
//   pass. No busy loop, no blocking on one socket while the other starves.
//
// Run it
//   mspoller [tasks-endpoint] [weather-endpoint] [want] [seconds]
//     tasks-endpoint    taskvent's PUSH        (default tcp://localhost:5557)
//     weather-endpoint  wuserver's PUB         (default tcp://localhost:5556)
//     want              stop once this many messages arrived on EACH socket
//                       (default 0 = keep reading until time is up)
//     seconds           upper bound on the run time  (default 10)
//   Weather is filtered to zip code 10001. Exit status is 1 if "want" was
//   not reached in time (or, with want = 0, if nothing arrived at all).
//   e.g.  ./wuserver & ./taskvent & ./mspoller
//         ./mspoller ipc:///tmp/tasks.ipc ipc:///tmp/weather.ipc 10 20
#define GUIDE_PROGRAM "mspoller"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("mspoller: clock_gettime");
        exit(EXIT_FAILURE);
    }
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Take one message off a ready socket, returning its text for display. */
static void take(void *socket, char *buf, size_t cap)
{
    int n = zmq_recv(socket, buf, cap - 1, 0);
    if (n == -1)
        die("zmq_recv");
    if (n > (int) cap - 1)
        n = (int) cap - 1;
    buf[n] = '\0';
}

int main(int argc, char **argv)
{
    const char *tasks_ep = argc > 1 ? argv[1] : "tcp://localhost:5557";
    const char *weather_ep = argc > 2 ? argv[2] : "tcp://localhost:5556";
    long want = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
    long seconds = argc > 4 ? strtol(argv[4], NULL, 10) : 10;
    int linger_ms = 0;
    long tasks_seen = 0, weather_seen = 0;
    char text[64];

    if (seconds < 1) {
        fprintf(stderr, "mspoller: seconds must be at least 1\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *tasks = zmq_socket(ctx, ZMQ_PULL);
    void *weather = zmq_socket(ctx, ZMQ_SUB);
    if (tasks == NULL || weather == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(tasks, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(weather, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_connect(tasks, tasks_ep) != 0 || zmq_connect(weather, weather_ep) != 0)
        die("zmq_connect");
    if (zmq_setsockopt(weather, ZMQ_SUBSCRIBE, "10001 ", 6) != 0)
        die("zmq_setsockopt(SUBSCRIBE)");
    printf("mspoller: polling tasks from %s and weather from %s\n", tasks_ep, weather_ep);

    long long deadline = now_ms() + seconds * 1000;
    for (;;) {
        if (want > 0 && tasks_seen >= want && weather_seen >= want)
            break;
        long long left = deadline - now_ms();
        if (left <= 0)
            break;

        zmq_pollitem_t items[2];
        memset(items, 0, sizeof items);
        items[0].socket = tasks;
        items[0].events = ZMQ_POLLIN;
        items[1].socket = weather;
        items[1].events = ZMQ_POLLIN;
        int ready = zmq_poll(items, 2, (long) left);
        if (ready == -1) {
            if (zmq_errno() == EINTR)
                continue;
            die("zmq_poll");
        }
        if (items[0].revents & ZMQ_POLLIN) {
            take(tasks, text, sizeof text);
            if (++tasks_seen <= 2)
                printf("mspoller: task    \"%s\"\n", text);
        }
        if (items[1].revents & ZMQ_POLLIN) {
            take(weather, text, sizeof text);
            if (++weather_seen <= 2)
                printf("mspoller: weather \"%s\"\n", text);
        }
    }

    printf("mspoller: %ld task(s) and %ld weather update(s) received\n", tasks_seen,
           weather_seen);
    if (zmq_close(tasks) != 0 || zmq_close(weather) != 0)
        die("zmq_close");
    term_context(ctx);

    if (want > 0 ? (tasks_seen < want || weather_seen < want)
                 : (tasks_seen + weather_seen == 0)) {
        fprintf(stderr, "mspoller: ran out of time\n");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
