// curve_client.c -- a REQ client that proves who it is with CURVE.
//
// What it shows
//   A CURVE client sets three options before zmq_connect():
//     ZMQ_CURVE_SERVERKEY  the server's public key, known beforehand: the
//                          handshake fails unless the server holds the
//                          matching secret key
//     ZMQ_CURVE_PUBLICKEY  its own long-term key pair, which the server's
//     ZMQ_CURVE_SECRETKEY  ZAP handler judges by the public half
//   Only the secret key file is read: zmq_curve_public() derives the public
//   key from it.
//
//   A client the server refuses never gets a connection, so its requests
//   just wait. A socket monitor says why: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
//   whose value is the ZAP status code (400); the client watches for it
//   while it waits for a reply.
//
// Run it
//   curve_client ENDPOINT SERVER.pub CLIENT.key COUNT
//   e.g.  ./curve_client tcp://127.0.0.1:5555 server.pub alice.key 3
//   Exit status: 0 every request answered, 2 refused by the server,
//   1 anything else (e.g. no answer within 5 s).
#define GUIDE_PROGRAM "curve_client"
#include "../guide/guide.h"
#include "keyfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONITOR_ENDPOINT "inproc://curve-client-monitor"
#define REPLY_TIMEOUT_MS 5000

// A monitor message is two frames: 2 bytes event id and 4 bytes value,
// then the endpoint. Returns the event id and stores the value.
static int read_event(void *monitor, uint32_t *value)
{
    uint8_t head[6];
    char endpoint[256];
    if (zmq_recv(monitor, head, sizeof head, 0) != (int) sizeof head)
        die("zmq_recv(monitor)");
    zmq_recv(monitor, endpoint, sizeof endpoint, 0);
    uint16_t event;
    memcpy(&event, head, 2);
    memcpy(value, head + 2, 4);
    return event;
}

int main(int argc, char **argv)
{
    char server_key[41], secret_key[41], public_key[41];
    int linger_ms = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: curve_client ENDPOINT SERVER.pub CLIENT.key COUNT\n");
        return EXIT_FAILURE;
    }
    read_key(argv[2], server_key);
    read_key(argv[3], secret_key);
    long rounds = strtol(argv[4], NULL, 10);
    if (zmq_curve_public(public_key, secret_key) != 0)
        die("zmq_curve_public");
    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *req = zmq_socket(ctx, ZMQ_REQ);
    if (req == NULL)
        die("zmq_socket(REQ)");
    if (zmq_setsockopt(req, ZMQ_CURVE_SERVERKEY, server_key, 40) != 0
        || zmq_setsockopt(req, ZMQ_CURVE_PUBLICKEY, public_key, 40) != 0
        || zmq_setsockopt(req, ZMQ_CURVE_SECRETKEY, secret_key, 40) != 0)
        die("zmq_setsockopt(CURVE keys)");
    if (zmq_setsockopt(req, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");

    // Watch the handshake outcome; the PAIR connects before zmq_connect()
    // so no event is missed.
    if (zmq_socket_monitor(req, MONITOR_ENDPOINT,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                             | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                             | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        != 0)
        die("zmq_socket_monitor");
    void *monitor = zmq_socket(ctx, ZMQ_PAIR);
    if (monitor == NULL || zmq_connect(monitor, MONITOR_ENDPOINT) != 0)
        die("connecting the monitor");

    if (zmq_connect(req, argv[1]) != 0)
        die("zmq_connect");
    printf("curve_client: I am %s; connecting to %s, whose key is %s\n", public_key, argv[1],
           server_key);

    int status = EXIT_SUCCESS;
    for (long i = 1; i <= rounds && status == EXIT_SUCCESS; i++) {
        char request[32], reply[128];
        int n = snprintf(request, sizeof request, "Hello %ld", i);
        if (zmq_send(req, request, (size_t) n, 0) != n)
            die("zmq_send");

        // Wait for the reply, reporting handshake events as they come.
        int answered = 0;
        while (!answered && status == EXIT_SUCCESS) {
            zmq_pollitem_t items[] = {{req, 0, ZMQ_POLLIN, 0}, {monitor, 0, ZMQ_POLLIN, 0}};
            int rc = zmq_poll(items, 2, REPLY_TIMEOUT_MS);
            if (rc == -1)
                die("zmq_poll");
            if (rc == 0) {
                fprintf(stderr, "curve_client: no reply within %d ms\n", REPLY_TIMEOUT_MS);
                status = EXIT_FAILURE;
            }
            if (items[1].revents & ZMQ_POLLIN) {
                uint32_t value;
                int event = read_event(monitor, &value);
                if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
                    printf("curve_client: handshake done, the link is encrypted\n");
                else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
                    printf("curve_client: refused by the server (ZAP status %u)\n", value);
                    status = 2;
                } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
                    // A server that cannot read our HELLO drops the
                    // connection without a word.
                    printf("curve_client: the server hung up during the handshake (%s); "
                           "wrong server key?\n", zmq_strerror((int) value));
                    status = EXIT_FAILURE;
                } else {
                    printf("curve_client: handshake failed (protocol error 0x%x)\n", value);
                    status = EXIT_FAILURE;
                }
            }
            if (items[0].revents & ZMQ_POLLIN) {
                n = zmq_recv(req, reply, sizeof reply - 1, 0);
                if (n < 0)
                    die("zmq_recv");
                if (n > (int) sizeof reply - 1)
                    n = (int) sizeof reply - 1;
                reply[n] = '\0';
                printf("curve_client: \"%s\" -> \"%s\"\n", request, reply);
                answered = 1;
            }
        }
    }

    zmq_socket_monitor(req, NULL, 0);
    zmq_close(monitor);
    if (zmq_close(req) != 0)
        die("zmq_close");
    term_context(ctx);
    return status;
}
