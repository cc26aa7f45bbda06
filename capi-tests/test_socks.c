/* ZMQ_SOCKS_PROXY, ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD: tcp connects
   through a SOCKS5 proxy (RFC 1928, username/password of RFC 1929), as
   libzmq makes them. The proxy is played by a thread here, which records
   what each connection asked for and answers as each case wants. */
#include "rawsock.h"

#include <netdb.h>
#include <pthread.h>

/* Draft options in libzmq 4.3.4's header. */
#ifndef ZMQ_SOCKS_USERNAME
#define ZMQ_SOCKS_USERNAME 99
#define ZMQ_SOCKS_PASSWORD 100
#endif

static void *ctx;

/* ---- a SOCKS5 proxy ----------------------------------------------------- */

struct proxy {
    int lfd, port;
    pthread_t thread;
    pthread_mutex_t lock;
    volatile int stop;
    /* How it answers. */
    int choose;   /* the method it picks: 0x00, 0x02 or 0xFF; -1 stalls */
    int auth_rep; /* RFC 1929 status: 0 accepts */
    int rep;      /* CONNECT reply: 0 succeeds */
    /* What the last connection asked (under lock). */
    int connections;
    unsigned char greeting[8];
    int greeting_len;
    int auth_seen;
    char user[256], pass[256];
    int atyp, dport;
    char host[256];
};

static void write_all(int fd, const void *buf, size_t n)
{
    if (write(fd, buf, n) != (ssize_t) n)
        printf("  proxy: short write\n");
}

/* Connects to what the request named: 127.0.0.1 for "localhost". */
static int target_connect(int atyp, const unsigned char *addr, const char *host, int port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd;
    memset(&ss, 0, sizeof ss);
    if (atyp == 4) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *) &ss;
        a6->sin6_family = AF_INET6;
        memcpy(&a6->sin6_addr, addr, 16);
        a6->sin6_port = htons((unsigned short) port);
        len = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *) &ss;
        a4->sin_family = AF_INET;
        if (atyp == 1)
            memcpy(&a4->sin_addr, addr, 4);
        else if (strcmp(host, "localhost") == 0)
            a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        else
            return -1;
        a4->sin_port = htons((unsigned short) port);
        len = sizeof *a4;
    }
    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *) &ss, len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Copies bytes both ways until either side closes or the proxy stops. */
static void relay(struct proxy *p, int a, int b)
{
    char buf[4096];
    while (!p->stop) {
        struct pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        int i;
        if (poll(fds, 2, 50) <= 0)
            continue;
        for (i = 0; i < 2; i++) {
            ssize_t n;
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0)
                return;
            write_all(i == 0 ? b : a, buf, (size_t) n);
        }
    }
}

static void serve(struct proxy *p, int fd)
{
    unsigned char head[4], buf[256], reply[10] = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    int n, target;
    pthread_mutex_lock(&p->lock);
    p->connections++;
    p->greeting_len = 0;
    p->auth_seen = 0;
    p->atyp = 0;
    pthread_mutex_unlock(&p->lock);

    /* Greeting: version, method count, methods. */
    if (!raw_read(fd, head, 2) || head[0] != 5 || head[1] == 0 || head[1] > 6 ||
        !raw_read(fd, buf, head[1]))
        return;
    pthread_mutex_lock(&p->lock);
    memcpy(p->greeting, head, 2);
    memcpy(p->greeting + 2, buf, head[1]);
    p->greeting_len = 2 + head[1];
    pthread_mutex_unlock(&p->lock);
    if (p->choose < 0) {
        /* A proxy that stalls: holds the connection, says nothing, until
           the client gives up. */
        while (!p->stop) {
            struct pollfd q = {fd, POLLIN, 0};
            if (poll(&q, 1, 50) == 1 && read(fd, buf, 1) <= 0)
                break;
        }
        return;
    }
    buf[0] = 5;
    buf[1] = (unsigned char) p->choose;
    write_all(fd, buf, 2);
    if (p->choose == 0xFF)
        return;

    if (p->choose == 2) {
        unsigned char ulen, plen;
        char user[256], pass[256];
        if (!raw_read(fd, head, 2) || head[0] != 1)
            return;
        ulen = head[1];
        if (!raw_read(fd, user, ulen) || !raw_read(fd, &plen, 1) || !raw_read(fd, pass, plen))
            return;
        user[ulen] = pass[plen] = '\0';
        pthread_mutex_lock(&p->lock);
        p->auth_seen = 1;
        strcpy(p->user, user);
        strcpy(p->pass, pass);
        pthread_mutex_unlock(&p->lock);
        buf[0] = 1;
        buf[1] = (unsigned char) p->auth_rep;
        write_all(fd, buf, 2);
        if (p->auth_rep != 0)
            return;
    }

    /* Request: version, CONNECT, reserved, address type, address, port. */
    if (!raw_read(fd, head, 4) || head[0] != 5 || head[1] != 1 || head[2] != 0)
        return;
    pthread_mutex_lock(&p->lock);
    p->atyp = head[3];
    p->host[0] = '\0';
    pthread_mutex_unlock(&p->lock);
    if (head[3] == 1)
        n = 4;
    else if (head[3] == 4)
        n = 16;
    else if (head[3] == 3) {
        unsigned char len;
        if (!raw_read(fd, &len, 1))
            return;
        n = len;
    } else
        return;
    if (!raw_read(fd, buf, (size_t) n + 2))
        return;
    pthread_mutex_lock(&p->lock);
    p->dport = buf[n] << 8 | buf[n + 1];
    if (head[3] == 3) {
        memcpy(p->host, buf, (size_t) n);
        p->host[n] = '\0';
    } else {
        inet_ntop(head[3] == 1 ? AF_INET : AF_INET6, buf, p->host, sizeof p->host);
    }
    pthread_mutex_unlock(&p->lock);

    reply[1] = (unsigned char) p->rep;
    if (p->rep != 0) {
        write_all(fd, reply, sizeof reply);
        return;
    }
    target = target_connect(head[3], buf, p->host, p->dport);
    if (target < 0) {
        reply[1] = 5;
        write_all(fd, reply, sizeof reply);
        return;
    }
    write_all(fd, reply, sizeof reply);
    relay(p, fd, target);
    close(target);
}

static void *proxy_main(void *arg)
{
    struct proxy *p = arg;
    while (!p->stop) {
        struct pollfd pfd = {p->lfd, POLLIN, 0};
        int fd;
        if (poll(&pfd, 1, 50) != 1)
            continue;
        fd = accept(p->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve(p, fd);
        close(fd);
    }
    return NULL;
}

static void proxy_start(struct proxy *p, int choose, int auth_rep, int rep)
{
    memset(p, 0, sizeof *p);
    p->choose = choose;
    p->auth_rep = auth_rep;
    p->rep = rep;
    pthread_mutex_init(&p->lock, NULL);
    p->lfd = raw_listen(&p->port);
    pthread_create(&p->thread, NULL, proxy_main, p);
}

static void proxy_stop(struct proxy *p)
{
    p->stop = 1;
    pthread_join(p->thread, NULL);
    close(p->lfd);
    pthread_mutex_destroy(&p->lock);
}

static int proxy_connections(struct proxy *p)
{
    int n;
    pthread_mutex_lock(&p->lock);
    n = p->connections;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* ---- helpers ------------------------------------------------------------ */

static void set_str(void *s, int option, const char *value)
{
    CHECK_OK(zmq_setsockopt(s, option, value, strlen(value)));
}

static void set_proxy(void *s, struct proxy *p)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", p->port);
    set_str(s, ZMQ_SOCKS_PROXY, addr);
}

/* A PULL on 127.0.0.1 and a PUSH set to go through proxy p; the PUSH
   connects to `host`:port of the PULL. */
static void pair_via(struct proxy *p, const char *host, void **pull, void **push)
{
    char ep[128];
    *pull = sock(ctx, ZMQ_PULL);
    *push = sock(ctx, ZMQ_PUSH);
    set_int(*push, ZMQ_RECONNECT_IVL, 50);
    CHECK_OK(zmq_bind(*pull, "tcp://127.0.0.1:*"));
    set_proxy(*push, p);
    snprintf(ep, sizeof ep, "tcp://%s:%d", host, port_of(*pull));
    CHECK_OK(zmq_connect(*push, ep));
}

/* Waits up to ms for the proxy to have seen n connections. */
static int proxy_saw(struct proxy *p, int n, int ms)
{
    double until = now_ms() + ms;
    while (proxy_connections(p) < n && now_ms() < until)
        usleep(10 * 1000);
    return proxy_connections(p) >= n;
}

/* ---- cases -------------------------------------------------------------- */

static void test_no_auth(void)
{
    struct proxy p;
    void *pull, *push;
    static const unsigned char greeting[] = {5, 1, 0};
    proxy_start(&p, 0, 0, 0);
    pair_via(&p, "127.0.0.1", &pull, &push);
    CHECK(send_str(push, "through the proxy", 0) == 17);
    CHECK(recv_is(pull, "through the proxy", 0));
    pthread_mutex_lock(&p.lock);
    CHECK(p.connections == 1);
    CHECK(p.greeting_len == 3 && memcmp(p.greeting, greeting, 3) == 0);
    CHECK(!p.auth_seen);
    CHECK(p.atyp == 1);
    CHECK(strcmp(p.host, "127.0.0.1") == 0);
    CHECK(p.dport == port_of(pull));
    pthread_mutex_unlock(&p.lock);
    /* The other way too: the connection carries ZMTP both ways. */
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

static void test_names_go_to_the_proxy(void)
{
    /* A host name is not resolved locally: the proxy gets it. */
    struct proxy p;
    void *pull, *push;
    proxy_start(&p, 0, 0, 0);
    pair_via(&p, "localhost", &pull, &push);
    CHECK(send_str(push, "by name", 0) == 7);
    CHECK(recv_is(pull, "by name", 0));
    pthread_mutex_lock(&p.lock);
    CHECK(p.atyp == 3);
    CHECK(strcmp(p.host, "localhost") == 0);
    CHECK(p.dport == port_of(pull));
    pthread_mutex_unlock(&p.lock);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

static void test_ipv6_literal(void)
{
    struct proxy p;
    void *pull = sock(ctx, ZMQ_PULL), *push = sock(ctx, ZMQ_PUSH);
    char ep[128];
    set_int(pull, ZMQ_IPV6, 1);
    if (zmq_bind(pull, "tcp://[::1]:*") != 0) {
        printf("  (no IPv6 loopback here: skipped)\n");
        CHECK_OK(zmq_close(push));
        CHECK_OK(zmq_close(pull));
        return;
    }
    proxy_start(&p, 0, 0, 0);
    set_int(push, ZMQ_IPV6, 1);
    set_proxy(push, &p);
    snprintf(ep, sizeof ep, "tcp://[::1]:%d", port_of(pull));
    CHECK_OK(zmq_connect(push, ep));
    CHECK(send_str(push, "six", 0) == 3);
    CHECK(recv_is(pull, "six", 0));
    pthread_mutex_lock(&p.lock);
    CHECK(p.atyp == 4);
    CHECK(strcmp(p.host, "::1") == 0);
    pthread_mutex_unlock(&p.lock);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

static void test_username_password(void)
{
    struct proxy p;
    void *pull, *push;
    static const unsigned char greeting[] = {5, 1, 2};
    proxy_start(&p, 2, 0, 0);
    pull = sock(ctx, ZMQ_PULL);
    push = sock(ctx, ZMQ_PUSH);
    CHECK_OK(zmq_bind(pull, "tcp://127.0.0.1:*"));
    set_proxy(push, &p);
    set_str(push, ZMQ_SOCKS_USERNAME, "alice");
    set_str(push, ZMQ_SOCKS_PASSWORD, "s3cret");
    {
        char ep[64];
        snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(pull));
        CHECK_OK(zmq_connect(push, ep));
    }
    CHECK(send_str(push, "authenticated", 0) == 13);
    CHECK(recv_is(pull, "authenticated", 0));
    pthread_mutex_lock(&p.lock);
    CHECK(p.greeting_len == 3 && memcmp(p.greeting, greeting, 3) == 0);
    CHECK(p.auth_seen);
    CHECK(strcmp(p.user, "alice") == 0 && strcmp(p.pass, "s3cret") == 0);
    pthread_mutex_unlock(&p.lock);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

static void test_unasked_auth_is_answered(void)
{
    /* A proxy that picks username/password when only "none" was offered
       gets empty credentials, as libzmq sends them. */
    struct proxy p;
    void *pull, *push;
    proxy_start(&p, 2, 0, 0);
    pair_via(&p, "127.0.0.1", &pull, &push);
    CHECK(send_str(push, "empty creds", 0) == 11);
    CHECK(recv_is(pull, "empty creds", 0));
    pthread_mutex_lock(&p.lock);
    CHECK(p.greeting_len == 3 && p.greeting[2] == 0);
    CHECK(p.auth_seen && p.user[0] == '\0' && p.pass[0] == '\0');
    pthread_mutex_unlock(&p.lock);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

/* A refusal at any step: nothing gets through, and the endpoint keeps
   trying (RECONNECT_IVL 50 ms), as libzmq's socks_connecter means to. */
static void refused(int choose, int auth_rep, int rep, const char *what)
{
    struct proxy p;
    void *pull, *push, *mon;
    char ep[64], mon_ep[64], proxy_ep[64], got[256];
    printf("  refused at: %s\n", what);
    if (!tu_ferrozmq) {
        /* libzmq 4.3.4 aborts on every SOCKS failure (its error path
           removes the fd twice: epoll.cpp:113, Bad file descriptor). It
           means to close and reconnect, which is what is checked here. */
        printf("  (skipped on libzmq: it aborts)\n");
        return;
    }
    proxy_start(&p, choose, auth_rep, rep);
    pull = sock(ctx, ZMQ_PULL);
    push = sock(ctx, ZMQ_PUSH);
    mon = sock_timeout(ctx, ZMQ_PAIR, 2000);
    snprintf(mon_ep, sizeof mon_ep, "inproc://socks-refused-%d", choose * 100 + auth_rep * 10 + rep);
    CHECK_OK(zmq_socket_monitor(push, mon_ep, ZMQ_EVENT_CLOSED | ZMQ_EVENT_CONNECT_RETRIED));
    CHECK_OK(zmq_connect(mon, mon_ep));
    set_int(push, ZMQ_RECONNECT_IVL, 50);
    CHECK_OK(zmq_bind(pull, "tcp://127.0.0.1:*"));
    set_proxy(push, &p);
    if (choose == 2) {
        set_str(push, ZMQ_SOCKS_USERNAME, "mallory");
        set_str(push, ZMQ_SOCKS_PASSWORD, "guess");
    }
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(pull));
    CHECK_OK(zmq_connect(push, ep));
    CHECK(send_str(push, "blocked", ZMQ_DONTWAIT) == 7);
    CHECK(nothing_within(pull, 300));
    CHECK(proxy_saw(&p, 3, 3000));
    /* The socket given up, then the retry, both naming the proxy. */
    snprintf(proxy_ep, sizeof proxy_ep, "tcp://127.0.0.1:%d", p.port);
    CHECK(expect_monitor_event(mon, ZMQ_EVENT_CLOSED, got, sizeof got));
    CHECK(strcmp(got, proxy_ep) == 0);
    CHECK(expect_monitor_event(mon, ZMQ_EVENT_CONNECT_RETRIED, got, sizeof got));
    CHECK(strcmp(got, proxy_ep) == 0);
    CHECK_OK(zmq_socket_monitor(push, NULL, 0));
    CHECK_OK(zmq_close(mon));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

static void test_refusals(void)
{
    refused(0xFF, 0, 0, "no acceptable method");
    refused(2, 1, 0, "credentials");
    refused(0, 0, 5, "the CONNECT request");
}

static void test_stalled_proxy(void)
{
    /* A proxy that never answers holds nothing up: the socket closes and
       the context ends at once. CONNECT_TIMEOUT covers the exchange, so
       ferrozmq tries again (libzmq 4.3.4 waits on such a proxy forever). */
    struct proxy p;
    void *pull, *push;
    double start;
    proxy_start(&p, -1, 0, 0);
    pull = sock(ctx, ZMQ_PULL);
    push = sock(ctx, ZMQ_PUSH);
    set_int(push, ZMQ_RECONNECT_IVL, 50);
    set_int(push, ZMQ_CONNECT_TIMEOUT, 100);
    CHECK_OK(zmq_bind(pull, "tcp://127.0.0.1:*"));
    set_proxy(push, &p);
    {
        char ep[64];
        snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(pull));
        CHECK_OK(zmq_connect(push, ep));
    }
    CHECK(proxy_saw(&p, 1, 2000));
    CHECK(send_str(push, "stuck", ZMQ_DONTWAIT) == 5);
    CHECK(nothing_within(pull, 300));
    FERROZMQ_ONLY CHECK(proxy_saw(&p, 2, 2000));
    start = now_ms();
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    CHECK(now_ms() - start < 500);
    proxy_stop(&p);
}

static void test_events(void)
{
    /* Which events a connect through a proxy raises, and with which
       endpoint: libzmq names the proxy in all of them. */
    struct proxy p;
    void *pull = sock(ctx, ZMQ_PULL), *push = sock(ctx, ZMQ_PUSH);
    void *mon = sock_timeout(ctx, ZMQ_PAIR, 2000);
    char ep[128], proxy_ep[64], got[256];
    uint32_t value;
    int event;
    proxy_start(&p, 0, 0, 0);
    CHECK_OK(zmq_socket_monitor(push, "inproc://socks-mon", ZMQ_EVENT_ALL));
    CHECK_OK(zmq_connect(mon, "inproc://socks-mon"));
    CHECK_OK(zmq_bind(pull, "tcp://127.0.0.1:*"));
    set_proxy(push, &p);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(pull));
    snprintf(proxy_ep, sizeof proxy_ep, "tcp://127.0.0.1:%d", p.port);
    CHECK_OK(zmq_connect(push, ep));
    CHECK(send_str(push, "watched", 0) == 7);
    CHECK(recv_is(pull, "watched", 0));
    while ((event = monitor_event(mon, &value, got, sizeof got)) != 0) {
        printf("  event 0x%x value %u endpoint %s\n", event, value, got);
        if (event == ZMQ_EVENT_CONNECTED)
            CHECK(strcmp(got, proxy_ep) == 0);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            CHECK(strcmp(got, proxy_ep) == 0);
            break;
        }
    }
    CHECK(event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    {
        size_t len = sizeof got;
        CHECK_OK(zmq_getsockopt(push, ZMQ_LAST_ENDPOINT, got, &len));
        CHECK(strcmp(got, ep) == 0);
    }
    CHECK_OK(zmq_socket_monitor(push, NULL, 0));
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    CHECK_OK(zmq_close(mon));
    proxy_stop(&p);
}

static void test_disconnect(void)
{
    /* zmq_disconnect takes the endpoint as connected, not the proxy's. */
    struct proxy p;
    void *pull, *push;
    char ep[64];
    proxy_start(&p, 0, 0, 0);
    pair_via(&p, "127.0.0.1", &pull, &push);
    CHECK(send_str(push, "one", 0) == 3);
    CHECK(recv_is(pull, "one", 0));
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port_of(pull));
    CHECK_OK(zmq_disconnect(push, ep));
    CHECK_ERR(send_str(push, "two", ZMQ_DONTWAIT), EAGAIN);
    CHECK_OK(zmq_close(push));
    CHECK_OK(zmq_close(pull));
    proxy_stop(&p);
}

int main(void)
{
    tu_start("test_socks");
    ctx = zmq_ctx_new();
    printf("no authentication\n");
    test_no_auth();
    printf("host names\n");
    test_names_go_to_the_proxy();
    printf("IPv6 literal\n");
    test_ipv6_literal();
    printf("username and password\n");
    test_username_password();
    printf("authentication the proxy asked for\n");
    test_unasked_auth_is_answered();
    printf("refusals\n");
    test_refusals();
    printf("a proxy that stalls\n");
    test_stalled_proxy();
    printf("monitor events\n");
    test_events();
    printf("zmq_disconnect\n");
    test_disconnect();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
