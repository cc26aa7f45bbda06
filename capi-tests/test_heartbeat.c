/* Heartbeats over tcp: a DEALER with HEARTBEAT_IVL/TIMEOUT drops a peer
   that stops answering (a child process stopped with SIGSTOP), and its
   monitor reports DISCONNECTED; a live peer answers PINGs and stays. */
#include "sockutil.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static int next_event(void *mon)
{
    uint8_t head[6];
    char ep[256];
    uint16_t event;
    if (zmq_recv(mon, head, sizeof head, 0) != 6)
        return 0;
    zmq_recv(mon, ep, sizeof ep, 0);
    memcpy(&event, head, 2);
    return event;
}

static void *dealer_with_heartbeats(void *ctx, const char *monitor)
{
    void *d = sock(ctx, ZMQ_DEALER);
    set_int(d, ZMQ_HEARTBEAT_IVL, 100);
    set_int(d, ZMQ_HEARTBEAT_TIMEOUT, 300);
    CHECK_OK(zmq_socket_monitor(d, monitor, ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED));
    return d;
}

int main(void)
{
    void *ctx, *d, *mon;
    pid_t child;
    int port = 20000 + getpid() % 20000;
    char endpoint[64];

    tu_start("test_heartbeat");
    alarm(30);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);

    child = fork();
    if (child == 0) {
        void *c = zmq_ctx_new();
        void *r = zmq_socket(c, ZMQ_ROUTER);
        if (zmq_bind(r, endpoint) != 0)
            _exit(1);
        pause();
        _exit(0);
    }
    usleep(300000);

    ctx = zmq_ctx_new();
    d = dealer_with_heartbeats(ctx, "inproc://hb-monitor");
    mon = sock_timeout(ctx, ZMQ_PAIR, 3000);
    CHECK_OK(zmq_connect(mon, "inproc://hb-monitor"));
    CHECK_OK(zmq_connect(d, endpoint));
    CHECK(next_event(mon) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    /* A live peer answers PINGs: several intervals pass without trouble. */
    set_int(mon, ZMQ_RCVTIMEO, 600);
    CHECK(next_event(mon) == 0);

    /* The peer stops answering: dropped after the timeout. */
    kill(child, SIGSTOP);
    set_int(mon, ZMQ_RCVTIMEO, 3000);
    CHECK(next_event(mon) == ZMQ_EVENT_DISCONNECTED);

    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_OK(zmq_close(d));
    CHECK_OK(zmq_close(mon));
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
