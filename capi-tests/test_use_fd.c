/* ZMQ_USE_FD: zmq_bind takes a listening socket the application made
   (socket activation, say) instead of making one; the address given only
   names the transport. */
#include "rawsock.h"

#include <sys/un.h>

static void *ctx;

static void test_tcp(void)
{
    int port, fd = raw_listen(&port);
    void *server = sock(ctx, ZMQ_PULL), *client = sock(ctx, ZMQ_PUSH);
    char ep[256], want[64];
    size_t len = sizeof ep;

    set_int(server, ZMQ_USE_FD, fd);
    CHECK_OK(zmq_bind(server, "tcp://127.0.0.1:*"));
    CHECK_OK(zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, ep, &len));
    snprintf(want, sizeof want, "tcp://127.0.0.1:%d", port);
    CHECK(strcmp(ep, want) == 0);
    CHECK_OK(zmq_connect(client, want));
    CHECK(send_str(client, "through the given fd", 0) == 20);
    CHECK(recv_is(server, "through the given fd", 0));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));
}

static void test_ipc(void)
{
    struct sockaddr_un a;
    const char *path = "/tmp/ferrozmq-test-use-fd.sock";
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    void *server = sock(ctx, ZMQ_PULL), *client = sock(ctx, ZMQ_PUSH);
    char ep[256];
    size_t len = sizeof ep;

    unlink(path);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    CHECK(bind(fd, (struct sockaddr *) &a, sizeof a) == 0);
    CHECK(listen(fd, 4) == 0);
    set_int(server, ZMQ_USE_FD, fd);
    CHECK_OK(zmq_bind(server, "ipc:///tmp/ferrozmq-test-use-fd.sock"));
    CHECK_OK(zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, ep, &len));
    CHECK(strcmp(ep, "ipc:///tmp/ferrozmq-test-use-fd.sock") == 0);
    CHECK_OK(zmq_connect(client, ep));
    CHECK(send_str(client, "over ipc", 0) == 8);
    CHECK(recv_is(server, "over ipc", 0));
    CHECK_OK(zmq_close(client));
    CHECK_OK(zmq_close(server));
    unlink(path);
}

int main(void)
{
    tu_start("test_use_fd");
    ctx = zmq_ctx_new();
    test_tcp();
    test_ipc();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
