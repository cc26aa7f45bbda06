// psenvpub.c -- publish messages with a separate envelope (key) frame.
//
// What it shows
//   A pub/sub "envelope": each message is two frames, a key frame followed
//   (ZMQ_SNDMORE) by the content frame. Subscriptions match the start of
//   the first frame only, so subscribers filter on the key without the
//   content ever being inspected. Multi-frame messages are delivered whole
//   or not at all.
//
// Run it
//   psenvpub [endpoint] [rounds] [interval-ms]
//     endpoint     address to bind                  (default tcp://*:5563)
//     rounds       rounds to publish, each one message per key "A" and "B"
//                  (default 0 = until Ctrl-C or SIGTERM, which stop it cleanly)
//     interval-ms  pause between rounds             (default 200)
//   e.g.  ./psenvpub & ./psenvsub tcp://localhost:5563 B 5
#define GUIDE_PROGRAM "psenvpub"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void send_frame(void *socket, const char *text, int flags)
{
    size_t len = strlen(text);
    while (zmq_send(socket, text, len, flags) != (int) len)
        if (zmq_errno() != EINTR)
            die("zmq_send");
}

int main(int argc, char **argv)
{
    static const char *const keys[] = { "A", "B" };
    const char *endpoint = argc > 1 ? argv[1] : "tcp://*:5563";
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    long interval_ms = argc > 3 ? strtol(argv[3], NULL, 10) : 200;
    int linger_ms = 0;
    long round = 0;

    if (interval_ms < 0) {
        fprintf(stderr, "psenvpub: interval-ms must not be negative\n");
        return EXIT_FAILURE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

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
    printf("psenvpub: publishing keys A and B on %s\n", endpoint);

    while (!stop_requested() && (rounds <= 0 || round < rounds)) {
        round++;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            char content[64];
            snprintf(content, sizeof content, "round %ld, for %s-subscribers only", round,
                     keys[k]);
            send_frame(pub, keys[k], ZMQ_SNDMORE); /* envelope */
            send_frame(pub, content, 0);           /* body */
        }
        struct timespec pause = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
        nanosleep(&pause, NULL); /* a signal cuts the pause short; fine */
    }

    printf("psenvpub: published %ld round(s), shutting down\n", round);
    if (zmq_close(pub) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
