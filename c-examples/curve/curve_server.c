// curve_server.c -- a REP server that only talks to clients it knows.
//
// What it shows
//   A CURVE server: ZMQ_CURVE_SERVER = 1 and its own secret key in
//   ZMQ_CURVE_SECRETKEY, set before zmq_bind(). Every connection is then
//   encrypted, and every client must know the server's public key.
//
//   Which clients get in is decided by a ZAP handler (RFC 27): a thread
//   with a REP socket bound to inproc://zeromq.zap.01 in the same context,
//   started before the server socket binds. For each client handshake,
//   libzmq sends it a request whose credential is the client's long-term
//   public key; the handler answers "200" for a key on its allow-list and
//   "400" for any other, and the client is refused.
//
//   The handler also names the user ("alice" for alice.pub). libzmq
//   attaches that name to every message from that connection, and the
//   server reads it with zmq_msg_gets(msg, "User-Id").
//
// Run it
//   curve_server ENDPOINT SERVER.key COUNT CLIENT.pub...
//     ENDPOINT    where to bind, e.g. tcp://127.0.0.1:5555 (a port of *
//                 lets the system choose; the real one is printed)
//     SERVER.key  the server's secret key file (see curve_keygen)
//     COUNT       answer this many requests, then exit (0 = until Ctrl-C
//                 or SIGTERM)
//     CLIENT.pub  the public keys allowed in; the file name (without
//                 .pub) becomes the User-Id
//   e.g.  ./curve_server tcp://127.0.0.1:5555 server.key 3 alice.pub
#define GUIDE_PROGRAM "curve_server"
#include "../guide/guide.h"
#include "keyfile.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS 16

typedef struct {
    char name[64];
    uint8_t key[32];
} client_t;

typedef struct {
    void *zap; // the handler's REP socket, bound by main, used by the thread
    client_t clients[MAX_CLIENTS];
    int nclients;
} allow_list_t;

// "dir/alice.pub" -> "alice"
static void name_of(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    if (len >= size)
        len = size - 1;
    memcpy(name, base, len);
    name[len] = '\0';
}

// Receives one frame into buf (at most size bytes); returns its length,
// or -1 when the context is being terminated (or another error).
static int recv_frame(void *socket, void *buf, size_t size, int *more)
{
    int n = zmq_recv(socket, buf, size, 0);
    if (n < 0)
        return -1;
    int value = 0;
    size_t len = sizeof value;
    zmq_getsockopt(socket, ZMQ_RCVMORE, &value, &len);
    *more = value;
    return n > (int) size ? (int) size : n;
}

// The ZAP handler. A request is: version "1.0", request id, domain,
// address, routing id, mechanism, and then the credentials (for CURVE one
// frame: the client's 32-byte public key). The reply is: version, the
// same request id, status code, status text, user id, metadata.
static void *zap_handler(void *arg)
{
    allow_list_t *allow = arg;
    void *zap = allow->zap;

    for (;;) {
        char frames[7][256];
        int sizes[7] = {0}, count = 0, more = 1;
        while (more) {
            char scratch[256];
            char *buf = count < 7 ? frames[count] : scratch;
            int n = recv_frame(zap, buf, 256, &more);
            if (n < 0) { // ETERM: main is shutting the context down
                zmq_close(zap);
                return NULL;
            }
            if (count < 7)
                sizes[count] = n;
            count++;
        }

        const char *user = NULL;
        if (count == 7 && sizes[5] == 5 && memcmp(frames[5], "CURVE", 5) == 0 && sizes[6] == 32)
            for (int i = 0; i < allow->nclients && user == NULL; i++)
                if (memcmp(frames[6], allow->clients[i].key, 32) == 0)
                    user = allow->clients[i].name;

        char key_z85[41] = "(not a CURVE key)";
        if (count == 7 && sizes[6] == 32)
            zmq_z85_encode(key_z85, (const uint8_t *) frames[6], 32);
        if (user)
            printf("curve_server: ZAP: %s (%s) from %.*s: allowed\n", user, key_z85, sizes[3],
                   frames[3]);
        else
            printf("curve_server: ZAP: unknown key %s from %.*s: refused\n", key_z85, sizes[3],
                   frames[3]);

        zmq_send(zap, "1.0", 3, ZMQ_SNDMORE);
        zmq_send(zap, frames[1], (size_t) sizes[1], ZMQ_SNDMORE);
        zmq_send(zap, user ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send(zap, user ? "OK" : "unknown key", user ? 2 : 11, ZMQ_SNDMORE);
        zmq_send(zap, user ? user : "", user ? strlen(user) : 0, ZMQ_SNDMORE);
        zmq_send(zap, "", 0, 0); // no extra metadata
    }
}

int main(int argc, char **argv)
{
    static allow_list_t allow;
    char secret_key[41];
    int one = 1, poll_ms = 250, linger_ms = 1000;
    long served = 0;

    if (argc < 5) {
        fprintf(stderr, "usage: curve_server ENDPOINT SERVER.key COUNT CLIENT.pub...\n");
        return EXIT_FAILURE;
    }
    long limit = strtol(argv[3], NULL, 10);
    read_key(argv[2], secret_key);
    for (int i = 4; i < argc && allow.nclients < MAX_CLIENTS; i++) {
        char public_key[41];
        client_t *c = &allow.clients[allow.nclients++];
        read_key(argv[i], public_key);
        zmq_z85_decode(c->key, public_key);
        name_of(argv[i], c->name, sizeof c->name);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    // The handler must be bound before the server socket takes clients, so
    // it is bound here; from then on only the handler thread uses it.
    allow.zap = zmq_socket(ctx, ZMQ_REP);
    if (allow.zap == NULL || zmq_bind(allow.zap, "inproc://zeromq.zap.01") != 0)
        die("binding the ZAP handler");
    pthread_t handler;
    if (pthread_create(&handler, NULL, zap_handler, &allow) != 0) {
        fprintf(stderr, "curve_server: cannot start the ZAP handler\n");
        return EXIT_FAILURE;
    }

    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (rep == NULL)
        die("zmq_socket(REP)");
    if (zmq_setsockopt(rep, ZMQ_CURVE_SERVER, &one, sizeof one) != 0)
        die("zmq_setsockopt(CURVE_SERVER)");
    if (zmq_setsockopt(rep, ZMQ_CURVE_SECRETKEY, secret_key, 40) != 0)
        die("zmq_setsockopt(CURVE_SECRETKEY)");
    if (zmq_setsockopt(rep, ZMQ_RCVTIMEO, &poll_ms, sizeof poll_ms) != 0
        || zmq_setsockopt(rep, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt");
    if (zmq_bind(rep, argv[1]) != 0)
        die("zmq_bind");
    char bound[256]; // the real endpoint: a wildcard port resolved
    size_t bound_len = sizeof bound;
    if (zmq_getsockopt(rep, ZMQ_LAST_ENDPOINT, bound, &bound_len) != 0)
        die("zmq_getsockopt(LAST_ENDPOINT)");
    printf("curve_server: listening on %s with CURVE, %d client key(s) allowed\n", bound,
           allow.nclients);

    while (!stop_requested() && (limit <= 0 || served < limit)) {
        zmq_msg_t request;
        zmq_msg_init(&request);
        if (zmq_msg_recv(&request, rep, 0) == -1) {
            zmq_msg_close(&request);
            if (zmq_errno() == EAGAIN || zmq_errno() == EINTR)
                continue; // idle tick or signal: re-check the loop condition
            die("zmq_msg_recv");
        }
        // Set by the ZAP handler's reply for this client's connection.
        const char *user = zmq_msg_gets(&request, "User-Id");
        printf("curve_server: request from %s: \"%.*s\"\n", user ? user : "(no User-Id)",
               (int) zmq_msg_size(&request), (const char *) zmq_msg_data(&request));
        zmq_msg_close(&request);

        char reply[128];
        int n = snprintf(reply, sizeof reply, "Welcome, %s", user ? user : "stranger");
        if (zmq_send(rep, reply, (size_t) n, 0) != n)
            die("zmq_send");
        served++;
    }

    printf("curve_server: answered %ld request(s), shutting down\n", served);
    if (zmq_close(rep) != 0)
        die("zmq_close");
    term_context(ctx); // ends the ZAP handler's blocking receive (ETERM)
    pthread_join(handler, NULL);
    return EXIT_SUCCESS;
}
