/* ZMQ_STREAM over tcp: raw peers (plain POSIX sockets here) addressed by
   routing ids, connect/disconnect notifications, closing by an empty
   frame, ids after zmq_connect, CONNECT_ROUTING_ID, metadata. */
#include "rawsock.h"

static void *ctx;

/* 1 if the raw peer sees end-of-stream within 2 s. The socket is asked
   for ZMQ_EVENTS meanwhile: libzmq finishes closing a connection only
   while the application calls into the socket. */
static int raw_sees_eof(void *s, int fd)
{
    int i;
    for (i = 0; i < 40; i++) {
        char c;
        int events;
        size_t len = sizeof events;
        struct pollfd p = {fd, POLLIN, 0};
        zmq_getsockopt(s, ZMQ_EVENTS, &events, &len);
        if (poll(&p, 1, 50) == 1)
            return read(fd, &c, 1) == 0;
    }
    return 0;
}

/* Receives [id][data] from a STREAM socket; the id is copied to id
   (5 bytes expected), the data to data. Returns the data size or -1. */
static int stream_recv(void *s, unsigned char *id, size_t *id_len, char *data, size_t cap)
{
    int more = 0;
    int n = recv_part(s, id, 256, &more);
    if (n < 0 || !more)
        return -1;
    *id_len = (size_t) n;
    n = recv_part(s, data, cap, &more);
    return more ? -1 : n;
}

/* Receives bytes from one peer until `expect` (its length) arrived: raw
   TCP may split the bytes over several messages. */
static int stream_recv_bytes(void *s, const unsigned char *id, size_t id_len, const char *expect)
{
    size_t want = strlen(expect), have = 0;
    char buf[4096];
    while (have < want) {
        unsigned char got_id[256];
        size_t got_len;
        int n = stream_recv(s, got_id, &got_len, buf + have, sizeof buf - have);
        if (n <= 0 || got_len != id_len || memcmp(got_id, id, id_len) != 0)
            return 0;
        have += (size_t) n;
    }
    return have == want && memcmp(buf, expect, want) == 0;
}

static int stream_send(void *s, const unsigned char *id, size_t id_len, const char *data)
{
    if (zmq_send(s, id, id_len, ZMQ_SNDMORE) != (int) id_len)
        return 0;
    return zmq_send(s, data, strlen(data), 0) == (int) strlen(data);
}

static void test_server(void)
{
    void *server = sock(ctx, ZMQ_STREAM);
    unsigned char id[256], id2[256];
    size_t id_len = 0, id2_len = 0;
    char buf[256];
    int fd, fd2, port;
    zmq_msg_t msg;

    CHECK_OK(zmq_bind(server, "tcp://127.0.0.1:*"));
    port = port_of(server);
    fd = raw_connect(port);
    CHECK(fd >= 0);

    /* The connection is announced as [id][empty]. */
    CHECK(stream_recv(server, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 5 && id[0] == 0);

    /* Bytes from the peer arrive as [id][bytes], with Peer-Address. */
    CHECK(write(fd, "GET / HTTP/1.0\r\n\r\n", 18) == 18);
    {
        int more = 0;
        CHECK(recv_part(server, id2, sizeof id2, &more) == 5 && more);
        CHECK(memcmp(id2, id, 5) == 0);
        zmq_msg_init(&msg);
        CHECK(zmq_msg_recv(&msg, server, 0) > 0);
        CHECK(!zmq_msg_more(&msg));
        CHECK(zmq_msg_gets(&msg, "Peer-Address") != NULL
              && strcmp(zmq_msg_gets(&msg, "Peer-Address"), "127.0.0.1") == 0);
        /* The deprecated ZMQ_SRCFD is the connection's own fd. */
        {
            struct sockaddr_in mine, theirs;
            socklen_t l1 = sizeof mine, l2 = sizeof theirs;
            int srcfd = zmq_msg_get(&msg, ZMQ_SRCFD);
            CHECK(srcfd >= 0);
            CHECK(getsockname(fd, (struct sockaddr *) &mine, &l1) == 0);
            CHECK(getpeername(srcfd, (struct sockaddr *) &theirs, &l2) == 0
                  && theirs.sin_port == mine.sin_port);
        }
        zmq_msg_close(&msg);
    }

    /* [id][bytes] writes them raw; SNDMORE on the data frame is ignored. */
    CHECK(zmq_send(server, id, id_len, ZMQ_SNDMORE) == 5);
    CHECK(zmq_send(server, "HTTP/1.0 200 OK\r\n", 17, ZMQ_SNDMORE) == 17);
    CHECK(raw_read(fd, buf, 17) && memcmp(buf, "HTTP/1.0 200 OK\r\n", 17) == 0);

    /* A second peer gets another id. */
    fd2 = raw_connect(port);
    CHECK(stream_recv(server, id2, &id2_len, buf, sizeof buf) == 0);
    CHECK(id2_len == 5 && memcmp(id, id2, 5) != 0);
    CHECK(stream_send(server, id2, id2_len, "second"));
    CHECK(raw_read(fd2, buf, 6) && memcmp(buf, "second", 6) == 0);

    /* [id][empty] closes that connection only. */
    CHECK(zmq_send(server, id, id_len, ZMQ_SNDMORE) == 5);
    CHECK(zmq_send(server, "", 0, 0) == 0);
    CHECK(raw_sees_eof(server, fd));
    close(fd);
    CHECK(stream_send(server, id2, id2_len, "still"));
    CHECK(raw_read(fd2, buf, 5) && memcmp(buf, "still", 5) == 0);

    /* Sending to a closed or unknown id: EHOSTUNREACH. */
    {
        const unsigned char bogus[5] = {0, 1, 2, 3, 4};
        CHECK_ERR(zmq_send(server, bogus, 5, ZMQ_SNDMORE), EHOSTUNREACH);
    }

    /* The peer closing is announced as [id][empty]. */
    CHECK(write(fd2, "bye", 3) == 3);
    CHECK(stream_recv_bytes(server, id2, id2_len, "bye"));
    close(fd2);
    CHECK(stream_recv(server, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == id2_len && memcmp(id, id2, id_len) == 0);

    CHECK_OK(zmq_close(server));
}

static void test_client(void)
{
    void *client = sock(ctx, ZMQ_STREAM);
    unsigned char id[256], got[256];
    size_t id_len = sizeof id, got_len = 0;
    char buf[256];
    int port, lfd = raw_listen(&port), fd;
    char ep[64];

    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK(zmq_connect(client, ep));
    /* The new connection's id is readable at once. */
    CHECK_OK(zmq_getsockopt(client, ZMQ_ROUTING_ID, id, &id_len));
    CHECK(id_len == 5 && id[0] == 0);

    fd = accept(lfd, NULL, NULL);
    CHECK(fd >= 0);
    CHECK(stream_recv(client, got, &got_len, buf, sizeof buf) == 0);
    CHECK(got_len == id_len && memcmp(got, id, id_len) == 0);
    CHECK(stream_send(client, id, id_len, "hello"));
    CHECK(raw_read(fd, buf, 5) && memcmp(buf, "hello", 5) == 0);
    CHECK(write(fd, "world", 5) == 5);
    CHECK(stream_recv_bytes(client, id, id_len, "world"));
    close(fd);
    CHECK_OK(zmq_close(client));

    /* CONNECT_ROUTING_ID names the connection; no notifications with
       STREAM_NOTIFY off. */
    client = sock(ctx, ZMQ_STREAM);
    set_int(client, ZMQ_STREAM_NOTIFY, 0);
    CHECK_OK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "web", 3));
    CHECK_OK(zmq_connect(client, ep));
    fd = accept(lfd, NULL, NULL);
    CHECK(fd >= 0);
    CHECK(write(fd, "data", 4) == 4);
    CHECK(stream_recv_bytes(client, (const unsigned char *) "web", 3, "data"));
    CHECK(stream_send(client, (const unsigned char *) "web", 3, "back"));
    CHECK(raw_read(fd, buf, 4) && memcmp(buf, "back", 4) == 0);
    close(fd);
    CHECK(nothing_within(client, 200));
    CHECK_OK(zmq_close(client));
    close(lfd);
}

/* Two STREAM sockets, one bound and one connected, exchange bytes. */
static void test_stream_to_stream(void)
{
    void *a = sock(ctx, ZMQ_STREAM), *b = sock(ctx, ZMQ_STREAM);
    unsigned char ida[256], idb[256];
    size_t ida_len = sizeof ida, idb_len = 0;
    char buf[64];
    char ep[64];

    CHECK_OK(zmq_bind(a, "tcp://127.0.0.1:*"));
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(a));
    CHECK_OK(zmq_connect(b, ep));
    CHECK_OK(zmq_getsockopt(b, ZMQ_ROUTING_ID, ida, &ida_len));
    CHECK(stream_recv(b, ida, &ida_len, buf, sizeof buf) == 0);
    CHECK(stream_recv(a, idb, &idb_len, buf, sizeof buf) == 0);
    CHECK(stream_send(b, ida, ida_len, "ping"));
    CHECK(stream_recv_bytes(a, idb, idb_len, "ping"));
    CHECK(stream_send(a, idb, idb_len, "pong"));
    CHECK(stream_recv_bytes(b, ida, ida_len, "pong"));
    CHECK_OK(zmq_close(a));
    CHECK_OK(zmq_close(b));
}

/* ROUTER with ROUTER_RAW (deprecated) behaves as STREAM on its
   connections: generated ids, notifications, raw bytes, close by an empty
   frame. */
static void test_router_raw(void)
{
    void *router = sock(ctx, ZMQ_ROUTER);
    unsigned char id[256];
    size_t id_len = 0;
    char buf[64];
    int fd;

    set_int(router, ZMQ_ROUTER_RAW, 1);
    CHECK_OK(zmq_bind(router, "tcp://127.0.0.1:*"));
    fd = raw_connect(port_of(router));
    CHECK(stream_recv(router, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 5 && id[0] == 0);
    CHECK(write(fd, "abc", 3) == 3);
    CHECK(stream_recv_bytes(router, id, id_len, "abc"));
    CHECK(stream_send(router, id, id_len, "xyz"));
    CHECK(raw_read(fd, buf, 3) && memcmp(buf, "xyz", 3) == 0);
    CHECK(zmq_send(router, id, id_len, ZMQ_SNDMORE) == (int) id_len);
    CHECK(zmq_send(router, "", 0, 0) == 0);
    CHECK(raw_sees_eof(router, fd));
    close(fd);
    CHECK_OK(zmq_close(router));
}

/* Next monitor event, or 0 when none arrives within 1 s. */
static int next_event(void *mon, uint32_t *value)
{
    zmq_msg_t f;
    uint16_t event = 0;
    zmq_msg_init(&f);
    if (zmq_msg_recv(&f, mon, 0) == 6) {
        memcpy(&event, zmq_msg_data(&f), 2);
        memcpy(value, (char *) zmq_msg_data(&f) + 2, 4);
        zmq_msg_recv(&f, mon, 0);
    }
    zmq_msg_close(&f);
    return event;
}

/* A raw connection has no handshake: when its peer leaves, libzmq reports
   a failed handshake with EPIPE before the disconnection. */
static void test_events(void)
{
    void *server = sock(ctx, ZMQ_STREAM), *mon = sock(ctx, ZMQ_PAIR);
    unsigned char id[256];
    size_t id_len;
    char buf[64];
    uint32_t value = 0;
    int fd;

    CHECK_OK(zmq_socket_monitor(server, "inproc://stream-mon", ZMQ_EVENT_ALL));
    CHECK_OK(zmq_connect(mon, "inproc://stream-mon"));
    CHECK_OK(zmq_bind(server, "tcp://127.0.0.1:*"));
    fd = raw_connect(port_of(server));
    CHECK(stream_recv(server, id, &id_len, buf, sizeof buf) == 0);
    close(fd);
    CHECK(stream_recv(server, id, &id_len, buf, sizeof buf) == 0);
    CHECK(next_event(mon, &value) == ZMQ_EVENT_LISTENING);
    CHECK(next_event(mon, &value) == ZMQ_EVENT_ACCEPTED);
    CHECK(next_event(mon, &value) == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL && value == EPIPE);
    CHECK(next_event(mon, &value) == ZMQ_EVENT_DISCONNECTED);
    CHECK_OK(zmq_close(server));
    CHECK_OK(zmq_close(mon));
}

int main(void)
{
    tu_start("test_stream");
    ctx = zmq_ctx_new();
    test_server();
    test_client();
    test_stream_to_stream();
    test_events();
    test_router_raw();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
