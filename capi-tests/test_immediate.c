/* ZMQ_IMMEDIATE on tcp and ipc connects: messages are queued only for
   completed connections, and a lost connection takes its queue along. */
#include "sockutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void *ctx;
static int dead_fd = -1;

/* An endpoint that refuses connections: a port bound (so no one else gets
   it) but not listening. A closed ZMQ socket would not do: libzmq closes
   its listener asynchronously. */
static void dead_endpoint(char *ep, size_t cap)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (dead_fd < 0) {
        dead_fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK(bind(dead_fd, (struct sockaddr *) &a, sizeof a) == 0);
    }
    CHECK(getsockname(dead_fd, (struct sockaddr *) &a, &len) == 0);
    snprintf(ep, cap, "tcp://127.0.0.1:%d", ntohs(a.sin_port));
}

static void test_no_queue_without_connection(void)
{
    char dead[256];
    void *plain = sock(ctx, ZMQ_PUSH), *imm = sock(ctx, ZMQ_PUSH);
    dead_endpoint(dead, sizeof dead);

    /* Without IMMEDIATE a message queues for the endpoint... */
    CHECK_OK(zmq_connect(plain, dead));
    CHECK(send_str(plain, "queued", ZMQ_DONTWAIT) == 6);

    /* ...with it there is nowhere to send. */
    set_int(imm, ZMQ_IMMEDIATE, 1);
    CHECK_OK(zmq_connect(imm, dead));
    CHECK_ERR(send_str(imm, "nowhere", ZMQ_DONTWAIT), EAGAIN);
    {
        int events = 0;
        size_t len = sizeof events;
        CHECK_OK(zmq_getsockopt(imm, ZMQ_EVENTS, &events, &len));
        CHECK(!(events & ZMQ_POLLOUT));
    }
    /* The endpoint is known to zmq_disconnect all the same. */
    CHECK_OK(zmq_disconnect(imm, dead));
    CHECK_ERR(zmq_disconnect(imm, dead), ENOENT);
    CHECK_OK(zmq_close(plain));
    CHECK_OK(zmq_close(imm));
}

/* With one live and one dead endpoint, every message goes to the live
   one; without IMMEDIATE, round-robin would strand some. */
static void test_only_live_peers(const char *transport)
{
    char dead[256], live[256];
    size_t len = sizeof live;
    void *pull = sock(ctx, ZMQ_PULL), *push = sock(ctx, ZMQ_PUSH);
    int i, got = 0;

    dead_endpoint(dead, sizeof dead);
    CHECK_OK(zmq_bind(pull, transport));
    CHECK_OK(zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, live, &len));
    set_int(push, ZMQ_IMMEDIATE, 1);
    CHECK_OK(zmq_connect(push, dead));
    CHECK_OK(zmq_connect(push, live));
    /* Sends block until the live connection completes (SNDTIMEO 1 s). */
    for (i = 0; i < 10; i++)
        CHECK(send_str(push, "m", 0) == 1);
    for (i = 0; i < 10; i++) {
        char buf[8];
        if (zmq_recv(pull, buf, sizeof buf, 0) == 1)
            got++;
    }
    if (got != 10)
        printf("  %s: got %d of 10\n", transport, got);
    CHECK(got == 10);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

/* A peer that goes away takes its connection's queue with it; a new peer
   on the same endpoint gets only what is sent after it connected. */
static void test_reconnect_drops_queue(void)
{
    char ep[256];
    size_t len = sizeof ep;
    void *pull = sock(ctx, ZMQ_PULL), *push = sock(ctx, ZMQ_PUSH);
    int i;

    set_int(pull, ZMQ_RCVHWM, 1);
    CHECK_OK(zmq_bind(pull, "tcp://127.0.0.1:*"));
    CHECK_OK(zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, ep, &len));
    set_int(push, ZMQ_IMMEDIATE, 1);
    set_int(push, ZMQ_SNDHWM, 1);
    set_int(push, ZMQ_RECONNECT_IVL, 50);
    CHECK_OK(zmq_connect(push, ep));
    CHECK(send_str(push, "first", 0) == 5);
    CHECK(recv_is(pull, "first", 0));
    /* Fill what the connection can hold, then lose the peer. */
    for (i = 0; i < 5; i++)
        send_str(push, "stale", ZMQ_DONTWAIT);
    CHECK_OK(zmq_close(pull));
    zmq_sleep(1);
    CHECK_ERR(send_str(push, "gone", ZMQ_DONTWAIT), EAGAIN);

    pull = sock(ctx, ZMQ_PULL);
    CHECK_OK(zmq_bind(pull, ep));
    CHECK(send_str(push, "fresh", 0) == 5);
    CHECK(recv_is(pull, "fresh", 0));
    CHECK(nothing_within(pull, 200));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
}

int main(void)
{
    tu_start("test_immediate");
    ctx = zmq_ctx_new();
    test_no_queue_without_connection();
    test_only_live_peers("tcp://127.0.0.1:*");
    test_only_live_peers("ipc:///tmp/ferrozmq-test-immediate.sock");
    test_reconnect_drops_queue();
    CHECK_OK(zmq_ctx_term(ctx));
    close(dead_fd);
    return tu_finish();
}
