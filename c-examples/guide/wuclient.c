// wuclient.c -- subscribe to one zip code's weather and average it.
//
// What it shows
//   A SUB socket receives nothing until it subscribes. The subscription is
//   a byte prefix; we subscribe to "ZIP " (with the space) so 1000 would not
//   also match 10001. Because joining takes a moment, the first updates a
//   publisher sends may be missed -- fine for a stream like this one.
//
// Run it
//   wuclient [endpoint] [zipcode] [updates]
//     endpoint  publisher (or wuproxy) to connect to (default tcp://localhost:5556)
//     zipcode   the zip code to follow                (default 10001)
//     updates   how many updates to collect           (default 50)
//   Gives up with exit status 1 if no update arrives for 5 seconds.
#define GUIDE_PROGRAM "wuclient"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5556";
    const char *zipcode = argc > 2 ? argv[2] : "10001";
    long wanted = argc > 3 ? strtol(argv[3], NULL, 10) : 50;
    int timeout_ms = 5000;
    char filter[32];
    long total = 0;
    int coldest = 1000, warmest = -1000;

    if (wanted < 1) {
        fprintf(stderr, "wuclient: updates must be at least 1\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int flen = snprintf(filter, sizeof filter, "%s ", zipcode);
    if (flen < 0 || flen >= (int) sizeof filter) {
        fprintf(stderr, "wuclient: zip code too long\n");
        return EXIT_FAILURE;
    }

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    if (sub == NULL)
        die("zmq_socket(SUB)");
    if (zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0)
        die("zmq_setsockopt(RCVTIMEO)");
    if (zmq_connect(sub, endpoint) != 0)
        die("zmq_connect");
    if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, filter, (size_t) flen) != 0)
        die("zmq_setsockopt(SUBSCRIBE)");
    printf("wuclient: following zip code %s via %s\n", zipcode, endpoint);

    for (long got = 0; got < wanted; got++) {
        char update[64];
        int zip, celsius, humidity;
        int n = zmq_recv(sub, update, sizeof update - 1, 0);
        if (n == -1) {
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "wuclient: no update for %d ms after %ld of %ld\n",
                        timeout_ms, got, wanted);
                exit(EXIT_FAILURE);
            }
            die("zmq_recv");
        }
        if (n > (int) sizeof update - 1)
            n = (int) sizeof update - 1;
        update[n] = '\0';
        if (sscanf(update, "%d %d %d", &zip, &celsius, &humidity) != 3
            || strncmp(update, filter, (size_t) flen) != 0) {
            fprintf(stderr, "wuclient: malformed or unexpected update \"%s\"\n", update);
            exit(EXIT_FAILURE);
        }
        if (got < 3)
            printf("wuclient: update %ld: %d C, %d%% humidity\n", got + 1, celsius, humidity);
        else if (got == 3)
            printf("wuclient: ...\n");
        total += celsius;
        if (celsius < coldest)
            coldest = celsius;
        if (celsius > warmest)
            warmest = celsius;
    }

    printf("wuclient: %ld updates for %s: average %.1f C (min %d, max %d)\n",
           wanted, zipcode, (double) total / (double) wanted, coldest, warmest);
    if (zmq_close(sub) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
