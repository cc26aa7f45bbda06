/* mtserver: a multithreaded request-reply server inside one process.
 *
 *   REQ clients --> ROUTER "inproc://frontend"
 *                      | zmq_proxy (main thread's helper thread)
 *                   DEALER "inproc://backend" --> REP workers
 *
 * Each client sends a few requests; the proxy spreads them over the
 * workers and routes every reply back to the client that asked. When all
 * clients are done, the context is shut down and the proxy returns ETERM.
 */
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 3
#define CLIENTS 4
#define REQUESTS 5

static void *ctx;
static int served[WORKERS];

static void die(const char *what)
{
    fprintf(stderr, "mtserver: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static void worker(void *arg)
{
    int id = (int) (size_t) arg;
    char request[64], reply[96];
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (!rep || zmq_connect(rep, "inproc://backend") != 0)
        die("worker connect");
    for (;;) {
        int n = zmq_recv(rep, request, sizeof request - 1, 0);
        if (n < 0)
            break; /* ETERM: the context is shutting down */
        request[n < (int) sizeof request ? n : (int) sizeof request - 1] = '\0';
        served[id]++;
        n = snprintf(reply, sizeof reply, "worker %d handled '%s'", id, request);
        if (zmq_send(rep, reply, (size_t) n, 0) < 0)
            break;
    }
    zmq_close(rep);
}

static void client(void *arg)
{
    int id = (int) (size_t) arg, i;
    char request[64], reply[96];
    void *req = zmq_socket(ctx, ZMQ_REQ);
    if (!req || zmq_connect(req, "inproc://frontend") != 0)
        die("client connect");
    for (i = 0; i < REQUESTS; i++) {
        int n = snprintf(request, sizeof request, "client %d request %d", id, i);
        if (zmq_send(req, request, (size_t) n, 0) < 0)
            die("client send");
        n = zmq_recv(req, reply, sizeof reply - 1, 0);
        if (n < 0)
            die("client recv");
        reply[n] = '\0';
        printf("  client %d <- %s\n", id, reply);
    }
    zmq_close(req);
}

static void proxy(void *arg)
{
    void **sockets = arg;
    int rc = zmq_proxy(sockets[0], sockets[1], NULL);
    printf("proxy stopped: %s\n", rc < 0 ? zmq_strerror(zmq_errno()) : "ok");
    zmq_close(sockets[0]);
    zmq_close(sockets[1]);
}

int main(void)
{
    void *threads[WORKERS + CLIENTS + 1], *sockets[2];
    int i, total = 0;
    ctx = zmq_ctx_new();
    sockets[0] = zmq_socket(ctx, ZMQ_ROUTER);
    sockets[1] = zmq_socket(ctx, ZMQ_DEALER);
    if (zmq_bind(sockets[0], "inproc://frontend") != 0 || zmq_bind(sockets[1], "inproc://backend") != 0)
        die("bind");
    printf("mtserver: %d workers behind a ROUTER-DEALER proxy, %d clients x %d requests\n",
           WORKERS, CLIENTS, REQUESTS);
    threads[0] = zmq_threadstart(proxy, sockets);
    for (i = 0; i < WORKERS; i++)
        threads[1 + i] = zmq_threadstart(worker, (void *) (size_t) i);
    for (i = 0; i < CLIENTS; i++)
        threads[1 + WORKERS + i] = zmq_threadstart(client, (void *) (size_t) i);
    for (i = 0; i < CLIENTS; i++)
        zmq_threadclose(threads[1 + WORKERS + i]);
    /* Every client has its replies: stop the workers and the proxy. */
    zmq_ctx_shutdown(ctx);
    for (i = 0; i <= WORKERS; i++)
        zmq_threadclose(threads[i]);
    for (i = 0; i < WORKERS; i++) {
        printf("worker %d served %d requests\n", i, served[i]);
        total += served[i];
    }
    zmq_ctx_term(ctx);
    printf("%d of %d requests answered\n", total, CLIENTS * REQUESTS);
    return total == CLIENTS * REQUESTS ? 0 : 1;
}
