// psenvsub.c -- subscribe to one key of an enveloped pub/sub stream.
//
// What it shows
//   Reading a two-frame message: the key frame, then (ZMQ_RCVMORE says
//   there is more) the content frame. The SUB filter is the key, so only
//   that key's messages arrive. Each message is checked to be well formed.
//
// Run it
//   psenvsub [endpoint] [key] [count]
//     endpoint  publisher to connect to       (default tcp://localhost:5563)
//     key       envelope key to follow        (default B)
//     count     messages to receive           (default 5)
//   Fails (exit 1) if nothing arrives for 5 seconds.
#define GUIDE_PROGRAM "psenvsub"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Receive one frame as text; returns whether more frames follow. */
static int recv_frame(void *socket, char *buf, size_t cap)
{
    int more = 0;
    size_t more_size = sizeof more;
    int n = zmq_recv(socket, buf, cap - 1, 0);
    if (n == -1) {
        if (zmq_errno() == EAGAIN) {
            fprintf(stderr, "psenvsub: nothing received for 5 s\n");
            exit(EXIT_FAILURE);
        }
        die("zmq_recv");
    }
    if (n > (int) cap - 1)
        n = (int) cap - 1;
    buf[n] = '\0';
    if (zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &more_size) != 0)
        die("zmq_getsockopt(RCVMORE)");
    return more;
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "tcp://localhost:5563";
    const char *key = argc > 2 ? argv[2] : "B";
    long count = argc > 3 ? strtol(argv[3], NULL, 10) : 5;
    int timeout_ms = 5000;
    int linger_ms = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    if (sub == NULL)
        die("zmq_socket(SUB)");
    if (zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0
        || zmq_setsockopt(sub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    if (zmq_connect(sub, endpoint) != 0)
        die("zmq_connect");
    if (zmq_setsockopt(sub, ZMQ_SUBSCRIBE, key, strlen(key)) != 0)
        die("zmq_setsockopt(SUBSCRIBE)");
    printf("psenvsub: listening to key \"%s\" on %s\n", key, endpoint);

    for (long i = 0; i < count; i++) {
        char envelope[64], content[256];
        if (!recv_frame(sub, envelope, sizeof envelope)) {
            fprintf(stderr, "psenvsub: message without a content frame\n");
            exit(EXIT_FAILURE);
        }
        if (recv_frame(sub, content, sizeof content)) {
            fprintf(stderr, "psenvsub: unexpected third frame\n");
            exit(EXIT_FAILURE);
        }
        if (strcmp(envelope, key) != 0) {
            fprintf(stderr, "psenvsub: got key \"%s\", subscribed to \"%s\"\n", envelope, key);
            exit(EXIT_FAILURE);
        }
        printf("psenvsub: [%s] %s\n", envelope, content);
    }

    printf("psenvsub: got %ld message(s) for key %s\n", count, key);
    if (zmq_close(sub) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
