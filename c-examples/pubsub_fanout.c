/* pubsub_fanout: one publisher, several subscribers with different
 * subscriptions, all in one process over inproc.
 *
 * The publisher sends weather updates "<zip> <temperature>" for a handful
 * of zip codes; each subscriber subscribes to the zip codes it cares about
 * (prefix matching) and reports what it got. A final "END" message, which
 * every subscriber also subscribes to, tells them to stop.
 */
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBSCRIBERS 3
#define UPDATES 3000

static void *ctx;
static const char *zips[] = {"10001", "10002", "20001", "30001", "30002"};
static const char *interests[SUBSCRIBERS][2] = {{"10001", NULL}, {"100", NULL}, {"3", "20001"}};
static int received[SUBSCRIBERS];
static long temperature_sum[SUBSCRIBERS];

static void subscriber(void *arg)
{
    int id = (int) (size_t) arg, j;
    char update[64];
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    zmq_connect(sub, "inproc://weather");
    for (j = 0; j < 2 && interests[id][j]; j++)
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, interests[id][j], strlen(interests[id][j]));
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "END", 3);
    for (;;) {
        int n = zmq_recv(sub, update, sizeof update - 1, 0);
        if (n < 0)
            break;
        update[n] = '\0';
        if (strcmp(update, "END") == 0)
            break;
        received[id]++;
        temperature_sum[id] += atoi(update + 6);
    }
    zmq_close(sub);
}

int main(void)
{
    void *threads[SUBSCRIBERS], *pub;
    int i;
    char update[64];
    ctx = zmq_ctx_new();
    pub = zmq_socket(ctx, ZMQ_XPUB);
    zmq_bind(pub, "inproc://weather");
    for (i = 0; i < SUBSCRIBERS; i++)
        threads[i] = zmq_threadstart(subscriber, (void *) (size_t) i);
    /* XPUB shows each new subscription: wait until every subscriber has
       subscribed to END, so nobody misses the start (the slow joiner). */
    zmq_setsockopt(pub, ZMQ_XPUB_VERBOSE, &(int){1}, sizeof(int));
    for (i = 0; i < SUBSCRIBERS;) {
        int n = zmq_recv(pub, update, sizeof update, 0);
        if (n == 4 && memcmp(update, "\1END", 4) == 0)
            i++;
    }
    printf("pubsub_fanout: %d subscribers ready, publishing %d updates for %d zip codes\n",
           SUBSCRIBERS, UPDATES, (int) (sizeof zips / sizeof zips[0]));
    for (i = 0; i < UPDATES; i++) {
        int n = snprintf(update, sizeof update, "%s %d", zips[i % 5], 10 + i % 25);
        zmq_send(pub, update, (size_t) n, 0);
    }
    zmq_send(pub, "END", 3, 0);
    for (i = 0; i < SUBSCRIBERS; i++) {
        zmq_threadclose(threads[i]);
        printf("  subscriber %d (%s%s%s): %d updates, average %.1f degrees\n", i, interests[i][0],
               interests[i][1] ? ", " : "", interests[i][1] ? interests[i][1] : "", received[i],
               received[i] ? (double) temperature_sum[i] / received[i] : 0.0);
    }
    zmq_close(pub);
    zmq_ctx_term(ctx);
    /* 10001 is 1/5 of the updates; "100" matches two zips; "3"+"20001" three. */
    return received[0] == UPDATES / 5 && received[1] == 2 * UPDATES / 5 &&
                   received[2] == 3 * UPDATES / 5
               ? 0
               : 1;
}
