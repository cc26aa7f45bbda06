/* Many threads, tiny HWMs, every wake-up path: messages must all arrive,
   nothing may hang. Each scenario is bounded (socket timeouts, and an
   alarm for the whole program). */
#include "sockutil.h"

#include <pthread.h>
#include <unistd.h>

#define PUSHERS 4
#define PULLERS 2
#define PER_PUSHER 20000

static void *ctx;

struct counter {
    pthread_mutex_t lock;
    long value;
};

static struct counter received = {PTHREAD_MUTEX_INITIALIZER, 0};

static void add(struct counter *c, long n)
{
    pthread_mutex_lock(&c->lock);
    c->value += n;
    pthread_mutex_unlock(&c->lock);
}

static void *pusher(void *arg)
{
    void *s = sock(ctx, ZMQ_PUSH);
    int i, hwm = 1 + (int) (size_t) arg % 3;
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_connect(s, "inproc://stress-pipeline");
    zmq_connect(s, "inproc://stress-pipeline-2");
    for (i = 0; i < PER_PUSHER; i++) {
        /* Blocking sends through a full pipe: the reader must wake us. */
        if (zmq_send(s, &i, sizeof i, 0) != (int) sizeof i) {
            printf("  pusher send failed at %d: %s\n", i, zmq_strerror(errno));
            break;
        }
    }
    zmq_close(s);
    return NULL;
}

static void *puller(void *arg)
{
    void *s = arg;
    long n = 0;
    int value;
    while (zmq_recv(s, &value, sizeof value, 0) >= 0)
        n++;
    add(&received, n);
    return NULL;
}

/* PUSH/PULL across threads with HWMs of 1..3: every message arrives. */
static void test_pipeline(void)
{
    pthread_t push[PUSHERS], pull[PULLERS];
    void *pulls[PULLERS];
    int i, hwm = 1;
    for (i = 0; i < PULLERS; i++) {
        pulls[i] = sock(ctx, ZMQ_PULL);
        zmq_setsockopt(pulls[i], ZMQ_RCVHWM, &hwm, sizeof hwm);
    }
    /* Each pusher connects to both pullers and load-balances over them. */
    CHECK_OK(zmq_bind(pulls[0], "inproc://stress-pipeline"));
    CHECK_OK(zmq_bind(pulls[1], "inproc://stress-pipeline-2"));
    for (i = 0; i < PULLERS; i++)
        pthread_create(&pull[i], NULL, puller, pulls[i]);
    for (i = 0; i < PUSHERS; i++)
        pthread_create(&push[i], NULL, pusher, (void *) (size_t) i);
    for (i = 0; i < PUSHERS; i++)
        pthread_join(push[i], NULL);
    for (i = 0; i < PULLERS; i++)
        pthread_join(pull[i], NULL);
    for (i = 0; i < PULLERS; i++)
        zmq_close(pulls[i]);
    if (received.value != (long) PUSHERS * PER_PUSHER)
        printf("  received %ld of %ld\n", received.value, (long) PUSHERS * PER_PUSHER);
    CHECK(received.value == (long) PUSHERS * PER_PUSHER);
}

#define CLIENTS 4
#define WORKERS 3
#define REQUESTS 1500

static struct counter answered = {PTHREAD_MUTEX_INITIALIZER, 0};

static void *client(void *arg)
{
    void *s = sock(ctx, ZMQ_REQ);
    int i, id = (int) (size_t) arg, reply;
    long ok = 0;
    zmq_connect(s, "inproc://stress-front");
    for (i = 0; i < REQUESTS; i++) {
        int request = id * 1000000 + i;
        if (zmq_send(s, &request, sizeof request, 0) != (int) sizeof request)
            break;
        if (zmq_recv(s, &reply, sizeof reply, 0) != (int) sizeof reply)
            break;
        ok += reply == request + 1;
    }
    add(&answered, ok);
    zmq_close(s);
    return NULL;
}

static void *worker(void *arg)
{
    void *s = sock(ctx, ZMQ_REP);
    int value;
    (void) arg;
    zmq_connect(s, "inproc://stress-back");
    while (zmq_recv(s, &value, sizeof value, 0) == (int) sizeof value) {
        value++;
        if (zmq_send(s, &value, sizeof value, 0) < 0)
            break;
    }
    zmq_close(s);
    return NULL;
}

static void *proxy(void *arg)
{
    void **s = arg;
    zmq_proxy(s[0], s[1], NULL);
    return NULL;
}

/* REQ clients, ROUTER-proxy-DEALER, REP workers: every request answered
   by the right reply. */
static void test_broker(void)
{
    pthread_t clients[CLIENTS], workers[WORKERS], proxy_thread;
    void *ends[2];
    int i;
    ends[0] = zmq_socket(ctx, ZMQ_ROUTER);
    ends[1] = zmq_socket(ctx, ZMQ_DEALER);
    CHECK_OK(zmq_bind(ends[0], "inproc://stress-front"));
    CHECK_OK(zmq_bind(ends[1], "inproc://stress-back"));
    pthread_create(&proxy_thread, NULL, proxy, ends);
    for (i = 0; i < WORKERS; i++)
        pthread_create(&workers[i], NULL, worker, NULL);
    for (i = 0; i < CLIENTS; i++)
        pthread_create(&clients[i], NULL, client, (void *) (size_t) i);
    for (i = 0; i < CLIENTS; i++)
        pthread_join(clients[i], NULL);
    if (answered.value != (long) CLIENTS * REQUESTS)
        printf("  answered %ld of %ld\n", answered.value, (long) CLIENTS * REQUESTS);
    CHECK(answered.value == (long) CLIENTS * REQUESTS);
    /* Stop the proxy and the workers (their 1 s timeouts end them too). */
    zmq_ctx_shutdown(ctx);
    pthread_join(proxy_thread, NULL);
    for (i = 0; i < WORKERS; i++)
        pthread_join(workers[i], NULL);
    zmq_close(ends[0]);
    zmq_close(ends[1]);
}

int main(void)
{
    tu_start("test_stress");
    alarm(60);
    ctx = zmq_ctx_new();
    test_pipeline();
    test_broker();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
