/* zmq_proxy, zmq_proxy_steerable and zmq_device over inproc: forwarding
   between ROUTER and DEALER, the capture socket, termination by context
   shutdown, and the control commands.

   libzmq 4.3.5 changed zmq_proxy_steerable: a REP control socket gets an
   empty reply to PAUSE/RESUME/TERMINATE (and to anything else), STATISTICS
   counts every part as a message, and unknown commands are ignored (4.3.4
   prints an error and aborts). ferrozmq follows 4.3.5, so those checks are
   FERROZMQ_ONLY; the reference run (Debian's 4.3.4) checks only what both
   versions share: a PAIR control socket, single-part traffic for message
   counts, byte counts. */
#include "sockutil.h"

#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

enum { RUN_PROXY, RUN_STEERABLE, RUN_DEVICE };

struct proxy_run {
    int how;
    void *frontend, *backend, *capture, *control;
    int rc, err;
};

static void *proxy_thread(void *arg)
{
    struct proxy_run *run = arg;
    errno = 0;
    if (run->how == RUN_PROXY)
        run->rc = zmq_proxy(run->frontend, run->backend, run->capture);
    else if (run->how == RUN_STEERABLE)
        run->rc = zmq_proxy_steerable(run->frontend, run->backend, run->capture,
                                      run->control);
    else
        run->rc = zmq_device(ZMQ_QUEUE, run->frontend, run->backend);
    run->err = errno;
    return NULL;
}

/* Proxy-side sockets block forever (the proxy itself polls). */
static void *proxy_sock(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int linger = 0;
    if (!s) {
        printf("zmq_socket(%d) failed: %s\n", type, zmq_strerror(errno));
        exit(1);
    }
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    return s;
}

/* Starts the proxy thread on the given sockets. */
static void start_proxy(struct proxy_run *run, pthread_t *thread, int how, void *frontend,
                        void *backend, void *capture, void *control)
{
    memset(run, 0, sizeof *run);
    run->how = how;
    run->frontend = frontend;
    run->backend = backend;
    run->capture = capture;
    run->control = control;
    CHECK(pthread_create(thread, NULL, proxy_thread, run) == 0);
}

/* A steerable proxy from inproc://<name>-front to inproc://<name>-back,
   commanded by `steer` over inproc://<name>-control. */
struct steered {
    void *frontend, *backend, *control, *steer;
    struct proxy_run run;
    pthread_t thread;
};

static void bind_named(void *s, const char *name, const char *role)
{
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://%s-%s", name, role);
    CHECK_OK(zmq_bind(s, endpoint));
}

static void steered_start(void *ctx, struct steered *p, const char *name, int front_type,
                          int back_type, int control_type, int steer_type)
{
    char endpoint[64];
    p->frontend = proxy_sock(ctx, front_type);
    p->backend = proxy_sock(ctx, back_type);
    p->control = proxy_sock(ctx, control_type);
    p->steer = sock(ctx, steer_type);
    bind_named(p->frontend, name, "front");
    bind_named(p->backend, name, "back");
    bind_named(p->steer, name, "control");
    snprintf(endpoint, sizeof endpoint, "inproc://%s-control", name);
    CHECK_OK(zmq_connect(p->control, endpoint));
    start_proxy(&p->run, &p->thread, RUN_STEERABLE, p->frontend, p->backend, NULL, p->control);
}

/* Waits for the proxy to end after TERMINATE; it must return 0. */
static void steered_join(struct steered *p)
{
    pthread_join(p->thread, NULL);
    CHECK(p->run.rc == 0);
}

static void steered_close(struct steered *p)
{
    CHECK_OK(zmq_close(p->frontend));
    CHECK_OK(zmq_close(p->backend));
    CHECK_OK(zmq_close(p->control));
    CHECK_OK(zmq_close(p->steer));
}

/* One REQ -> proxy -> REP -> proxy -> REQ round trip, served by whichever
   worker gets it; returns the worker's index or -1. */
static int round_trip(void *client, void **workers, int nworkers, const char *request,
                      const char *reply)
{
    zmq_pollitem_t items[4];
    int i, served = -1;
    char buf[64];

    if (send_str(client, request, 0) != (int) strlen(request))
        return -1;
    for (i = 0; i < nworkers; i++) {
        items[i].socket = workers[i];
        items[i].fd = 0;
        items[i].events = ZMQ_POLLIN;
        items[i].revents = 0;
    }
    if (zmq_poll(items, nworkers, 2000) < 1)
        return -1;
    for (i = 0; i < nworkers; i++)
        if (items[i].revents & ZMQ_POLLIN) {
            int n = zmq_recv(workers[i], buf, sizeof buf, 0);
            if (n != (int) strlen(request) || memcmp(buf, request, n) != 0)
                return -1;
            if (send_str(workers[i], reply, 0) != (int) strlen(reply))
                return -1;
            served = i;
            break;
        }
    if (served < 0 || !recv_is(client, reply, 0))
        return -1;
    return served;
}

/* Reads one captured message and checks its shape: a 5-byte routing id,
   the empty delimiter, then the body, with MORE on all but the last. */
static int captured_is(void *capture, const char *body)
{
    unsigned char buf[64];
    int more = 0, ok = 1;
    ok &= recv_part(capture, buf, sizeof buf, &more) == 5 && more && buf[0] == 0;
    ok &= recv_part(capture, buf, sizeof buf, &more) == 0 && more;
    ok &= recv_part(capture, buf, sizeof buf, &more) == (int) strlen(body) && !more
          && memcmp(buf, body, strlen(body)) == 0;
    return ok;
}

static void test_proxy(void)
{
    void *ctx = zmq_ctx_new();
    void *frontend = proxy_sock(ctx, ZMQ_ROUTER), *backend = proxy_sock(ctx, ZMQ_DEALER);
    void *capture = proxy_sock(ctx, ZMQ_PUSH), *sink = sock(ctx, ZMQ_PULL);
    void *clients[2], *workers[2];
    struct proxy_run run;
    pthread_t thread;
    int i, served[2] = {0, 0};

    CHECK_OK(zmq_bind(frontend, "inproc://front"));
    CHECK_OK(zmq_bind(backend, "inproc://back"));
    CHECK_OK(zmq_bind(sink, "inproc://capture"));
    CHECK_OK(zmq_connect(capture, "inproc://capture"));
    for (i = 0; i < 2; i++) {
        clients[i] = sock(ctx, ZMQ_REQ);
        workers[i] = sock(ctx, ZMQ_REP);
        CHECK_OK(zmq_connect(clients[i], "inproc://front"));
        CHECK_OK(zmq_connect(workers[i], "inproc://back"));
    }
    start_proxy(&run, &thread, RUN_PROXY, frontend, backend, capture, NULL);

    /* Requests from both clients, spread over both workers. */
    for (i = 0; i < 4; i++) {
        char request[8], reply[8];
        int w;
        snprintf(request, sizeof request, "req%d", i);
        snprintf(reply, sizeof reply, "rep%d", i);
        w = round_trip(clients[i % 2], workers, 2, request, reply);
        CHECK(w >= 0);
        if (w >= 0)
            served[w]++;
        /* The capture socket saw the request and the reply, every part
           with its MORE flag. */
        CHECK(captured_is(sink, request));
        CHECK(captured_is(sink, reply));
    }
    CHECK(served[0] == 2 && served[1] == 2);
    CHECK(nothing_within(sink, 50));

    /* A multipart request crosses whole. */
    CHECK(send_str(clients[0], "a", ZMQ_SNDMORE) == 1);
    CHECK(send_str(clients[0], "b", 0) == 1);
    {
        zmq_pollitem_t items[2] = {{workers[0], 0, ZMQ_POLLIN, 0},
                                   {workers[1], 0, ZMQ_POLLIN, 0}};
        void *w;
        CHECK(zmq_poll(items, 2, 2000) == 1);
        w = items[0].revents ? workers[0] : workers[1];
        CHECK(recv_is(w, "a", 1));
        CHECK(recv_is(w, "b", 0));
        CHECK(send_str(w, "c", ZMQ_SNDMORE) == 1);
        CHECK(send_str(w, "d", 0) == 1);
        CHECK(recv_is(clients[0], "c", 1));
        CHECK(recv_is(clients[0], "d", 0));
    }

    /* Context shutdown ends the proxy with ETERM. */
    CHECK_OK(zmq_ctx_shutdown(ctx));
    pthread_join(thread, NULL);
    CHECK(run.rc == -1);
    CHECK(run.err == ETERM);
    for (i = 0; i < 2; i++) {
        CHECK_OK(zmq_close(clients[i]));
        CHECK_OK(zmq_close(workers[i]));
    }
    CHECK_OK(zmq_close(frontend));
    CHECK_OK(zmq_close(backend));
    CHECK_OK(zmq_close(capture));
    CHECK_OK(zmq_close(sink));
    CHECK_OK(zmq_ctx_term(ctx));
}

/* Reads the 8-frame STATISTICS reply into vals; 1 if well formed. */
static int recv_stats(void *control, uint64_t vals[8])
{
    int i, more = 0, ok = 1;
    for (i = 0; i < 8; i++) {
        ok &= recv_part(control, &vals[i], sizeof vals[i], &more) == 8;
        ok &= more == (i < 7);
    }
    return ok;
}

static void test_steerable(void)
{
    void *ctx = zmq_ctx_new();
    void *source = sock(ctx, ZMQ_PUSH), *sink = sock(ctx, ZMQ_PULL);
    struct steered p;
    uint64_t stats[8];

    steered_start(ctx, &p, "s", ZMQ_PULL, ZMQ_PUSH, ZMQ_PAIR, ZMQ_PAIR);
    CHECK_OK(zmq_connect(source, "inproc://s-front"));
    CHECK_OK(zmq_connect(sink, "inproc://s-back"));

    CHECK(send_str(source, "m1", 0) == 2);
    CHECK(recv_is(sink, "m1", 0));

    /* PAUSE: nothing is forwarded; a PAIR control socket gets no reply. */
    CHECK(send_str(p.steer, "PAUSE", 0) == 5);
    usleep(50000);
    CHECK(send_str(source, "m2", 0) == 2);
    CHECK(send_str(source, "m3x", 0) == 3);
    CHECK(nothing_within(sink, 300));
    CHECK(nothing_within(p.steer, 10));

    /* RESUME: what queued meanwhile flows, in order. */
    CHECK(send_str(p.steer, "RESUME", 0) == 6);
    CHECK(recv_is(sink, "m2", 0));
    CHECK(recv_is(sink, "m3x", 0));
    CHECK(nothing_within(p.steer, 10));

    /* STATISTICS: 8 native-endian uint64 frames: frontend msgs in, bytes
       in, msgs out, bytes out, then the same for the backend. */
    CHECK(send_str(p.steer, "STATISTICS", 0) == 10);
    CHECK(recv_stats(p.steer, stats));
    CHECK(stats[0] == 3 && stats[1] == 7);
    CHECK(stats[2] == 0 && stats[3] == 0);
    CHECK(stats[4] == 0 && stats[5] == 0);
    CHECK(stats[6] == 3 && stats[7] == 7);
    CHECK(nothing_within(p.steer, 10));

    /* Still forwarding after STATISTICS. */
    CHECK(send_str(source, "m4", 0) == 2);
    CHECK(recv_is(sink, "m4", 0));

    /* Unknown commands: 4.3.5 ignores them, 4.3.4 aborts the process. */
    FERROZMQ_ONLY {
        CHECK(send_str(p.steer, "BOGUS", 0) == 5);
        CHECK(send_str(source, "m5", 0) == 2);
        CHECK(recv_is(sink, "m5", 0));
        CHECK(nothing_within(p.steer, 10));
    }

    /* TERMINATE: zmq_proxy_steerable returns 0. */
    CHECK(send_str(p.steer, "TERMINATE", 0) == 9);
    steered_join(&p);
    /* The proxy no longer forwards. */
    CHECK(send_str(source, "late", 0) == 4);
    CHECK(nothing_within(sink, 100));

    CHECK_OK(zmq_close(source));
    CHECK_OK(zmq_close(sink));
    steered_close(&p);
    CHECK_OK(zmq_ctx_term(ctx));
}

/* STATISTICS with multipart traffic (ROUTER/DEALER, REQ/REP): byte counts
   agree between versions; 4.3.5 counts parts, 4.3.4 whole messages. */
static void test_statistics_multipart(void)
{
    void *ctx = zmq_ctx_new();
    void *client = sock(ctx, ZMQ_REQ), *worker = sock(ctx, ZMQ_REP);
    struct steered p;
    uint64_t stats[8];

    steered_start(ctx, &p, "m", ZMQ_ROUTER, ZMQ_DEALER, ZMQ_PAIR, ZMQ_PAIR);
    CHECK_OK(zmq_connect(client, "inproc://m-front"));
    CHECK_OK(zmq_connect(worker, "inproc://m-back"));

    CHECK(round_trip(client, &worker, 1, "ab", "xyz") == 0);
    CHECK(send_str(p.steer, "STATISTICS", 0) == 10);
    CHECK(recv_stats(p.steer, stats));
    /* Request: [5-byte id][empty]["ab"] = 7 bytes; reply: 5 + 0 + 3. */
    CHECK(stats[1] == 7 && stats[3] == 8 && stats[5] == 8 && stats[7] == 7);
    FERROZMQ_ONLY CHECK(stats[0] == 3 && stats[2] == 3 && stats[4] == 3 && stats[6] == 3);

    CHECK(send_str(p.steer, "TERMINATE", 0) == 9);
    steered_join(&p);
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(worker));
    steered_close(&p);
    CHECK_OK(zmq_ctx_term(ctx));
}

/* 4.3.5: a REP control socket gets an empty reply to every command but
   STATISTICS (which gets the 8 frames). 4.3.4 sends no reply, so a REQ
   peer would wait forever. */
static void test_steerable_rep_control(void)
{
    void *ctx = zmq_ctx_new();
    void *source = sock(ctx, ZMQ_PUSH), *sink = sock(ctx, ZMQ_PULL);
    struct steered p;
    uint64_t stats[8];

    steered_start(ctx, &p, "r", ZMQ_PULL, ZMQ_PUSH, ZMQ_REP, ZMQ_REQ);
    CHECK_OK(zmq_connect(source, "inproc://r-front"));
    CHECK_OK(zmq_connect(sink, "inproc://r-back"));

    CHECK(send_str(p.steer, "PAUSE", 0) == 5);
    CHECK(recv_is(p.steer, "", 0));
    CHECK(send_str(source, "p1", 0) == 2);
    CHECK(nothing_within(sink, 200));
    CHECK(send_str(p.steer, "RESUME", 0) == 6);
    CHECK(recv_is(p.steer, "", 0));
    CHECK(recv_is(sink, "p1", 0));
    CHECK(send_str(p.steer, "NONSENSE", 0) == 8);
    CHECK(recv_is(p.steer, "", 0));
    CHECK(send_str(p.steer, "STATISTICS", 0) == 10);
    CHECK(recv_stats(p.steer, stats));
    CHECK(stats[0] == 1 && stats[1] == 2 && stats[6] == 1 && stats[7] == 2);
    CHECK(send_str(p.steer, "TERMINATE", 0) == 9);
    CHECK(recv_is(p.steer, "", 0));
    steered_join(&p);

    CHECK_OK(zmq_close(source));
    CHECK_OK(zmq_close(sink));
    steered_close(&p);
    CHECK_OK(zmq_ctx_term(ctx));
}

/* zmq_device(ZMQ_QUEUE, ...) is zmq_proxy without capture. */
static void test_device(void)
{
    void *ctx = zmq_ctx_new();
    void *frontend = proxy_sock(ctx, ZMQ_ROUTER), *backend = proxy_sock(ctx, ZMQ_DEALER);
    void *client = sock(ctx, ZMQ_REQ), *worker = sock(ctx, ZMQ_REP);
    struct proxy_run run;
    pthread_t thread;
    int i, ok = 1;

    CHECK_OK(zmq_bind(frontend, "inproc://d-front"));
    CHECK_OK(zmq_bind(backend, "inproc://d-back"));
    CHECK_OK(zmq_connect(client, "inproc://d-front"));
    CHECK_OK(zmq_connect(worker, "inproc://d-back"));
    start_proxy(&run, &thread, RUN_DEVICE, frontend, backend, NULL, NULL);
    for (i = 0; i < 10; i++)
        ok &= round_trip(client, &worker, 1, "ping", "pong") == 0;
    CHECK(ok);
    CHECK_OK(zmq_ctx_shutdown(ctx));
    pthread_join(thread, NULL);
    CHECK(run.rc == -1);
    CHECK(run.err == ETERM);
    CHECK_OK(zmq_close(frontend));
    CHECK_OK(zmq_close(backend));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(worker));
    CHECK_OK(zmq_ctx_term(ctx));
}

static void test_single_socket(void)
{
    /* One REP socket as both frontend and backend echoes each request
       back: the proxy reads it, then sends it on the same socket, whose
       POLLOUT only comes from that read (pyzmq's single-socket devices). */
    void *ctx = zmq_ctx_new();
    void *rep = proxy_sock(ctx, ZMQ_REP), *req = sock(ctx, ZMQ_REQ);
    struct proxy_run run;
    pthread_t thread;
    int i, ok = 1;
    CHECK_OK(zmq_bind(rep, "inproc://echo"));
    CHECK_OK(zmq_connect(req, "inproc://echo"));
    start_proxy(&run, &thread, RUN_PROXY, rep, rep, NULL, NULL);
    for (i = 0; i < 5; i++) {
        ok &= send_str(req, "echo me", 0) == 7;
        ok &= recv_is(req, "echo me", 0);
    }
    CHECK(ok);
    CHECK_OK(zmq_ctx_shutdown(ctx));
    pthread_join(thread, NULL);
    CHECK(run.rc == -1 && run.err == ETERM);
    CHECK_OK(zmq_close(rep));
    CHECK_OK(zmq_close(req));
    CHECK_OK(zmq_ctx_term(ctx));
}

int main(void)
{
    tu_start("test_proxy");
    alarm(20);
    test_proxy();
    test_steerable();
    test_statistics_multipart();
    FERROZMQ_ONLY test_steerable_rep_control();
    test_device();
    test_single_socket();
    return tu_finish();
}
