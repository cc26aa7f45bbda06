// identity.c -- what a ROUTER socket sees of its peers.
//
// What it shows
//   A ROUTER socket puts the sender's routing id in front of every message
//   it receives. Two REQ sockets talk to one ROUTER:
//     - the first sets nothing, so the ROUTER invents a 5-byte binary id;
//     - the second sets ZMQ_ROUTING_ID before connecting, and that string
//       is what the ROUTER reports.
//   Every frame is dumped: routing id, the empty delimiter REQ adds, body.
//
// Run it
//   identity [endpoint]
//     endpoint  where the ROUTER binds and the REQs connect
//               (default inproc://identity; tcp:// and ipc:// work too)
#define GUIDE_PROGRAM "identity"
#include "guide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_int(void *socket, int option, int value, const char *name)
{
    if (zmq_setsockopt(socket, option, &value, sizeof value) != 0)
        die(name);
}

/* Print every frame of the next message on the socket. */
static void dump_message(void *socket, const char *title)
{
    int more = 1, index = 0;
    printf("identity: %s\n", title);
    while (more) {
        zmq_msg_t frame;
        if (zmq_msg_init(&frame) != 0)
            die("zmq_msg_init");
        if (zmq_msg_recv(&frame, socket, 0) == -1) {
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "identity: nothing arrived within the timeout\n");
                exit(EXIT_FAILURE);
            }
            die("zmq_msg_recv");
        }
        const unsigned char *bytes = (const unsigned char *) zmq_msg_data(&frame);
        size_t size = zmq_msg_size(&frame);
        int printable = 1;
        for (size_t i = 0; i < size; i++)
            if (bytes[i] < 0x20 || bytes[i] > 0x7e)
                printable = 0;

        printf("  frame %d, %2zu byte(s): ", index++, size);
        if (size == 0)
            printf("(empty delimiter)");
        else if (printable)
            printf("\"%.*s\"", (int) size, (const char *) bytes);
        else
            for (size_t i = 0; i < size; i++)
                printf("%02X", bytes[i]);
        putchar('\n');

        more = zmq_msg_more(&frame);
        if (zmq_msg_close(&frame) != 0)
            die("zmq_msg_close");
    }
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : "inproc://identity";
    const char *chosen_id = "CUSTOMER-42";

    setvbuf(stdout, NULL, _IOLBF, 0);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    void *anonymous = zmq_socket(ctx, ZMQ_REQ);
    void *named = zmq_socket(ctx, ZMQ_REQ);
    if (router == NULL || anonymous == NULL || named == NULL)
        die("zmq_socket");
    set_int(router, ZMQ_RCVTIMEO, 5000, "zmq_setsockopt(RCVTIMEO)");
    set_int(router, ZMQ_LINGER, 0, "zmq_setsockopt(LINGER)");
    set_int(anonymous, ZMQ_LINGER, 0, "zmq_setsockopt(LINGER)");
    set_int(named, ZMQ_LINGER, 0, "zmq_setsockopt(LINGER)");
    if (zmq_bind(router, endpoint) != 0)
        die("zmq_bind");
    printf("identity: ROUTER bound to %s\n", endpoint);

    if (zmq_connect(anonymous, endpoint) != 0)
        die("zmq_connect");
    if (zmq_send(anonymous, "who am I?", 9, 0) != 9)
        die("zmq_send");
    dump_message(router, "from a REQ without ZMQ_ROUTING_ID (id made up by the ROUTER):");

    /* The routing id must be set before connecting to take effect. */
    if (zmq_setsockopt(named, ZMQ_ROUTING_ID, chosen_id, strlen(chosen_id)) != 0)
        die("zmq_setsockopt(ROUTING_ID)");
    if (zmq_connect(named, endpoint) != 0)
        die("zmq_connect");
    if (zmq_send(named, "and me?", 7, 0) != 7)
        die("zmq_send");
    dump_message(router, "from a REQ with ZMQ_ROUTING_ID = \"CUSTOMER-42\":");

    if (zmq_close(anonymous) != 0 || zmq_close(named) != 0 || zmq_close(router) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
