/* Plain POSIX TCP sockets for the tests that play a peer by hand (after
   sockutil.h). Inline, so a test that skips one gets no warning. */
#ifndef FERROZMQ_RAWSOCK_H
#define FERROZMQ_RAWSOCK_H

#include "sockutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The port of a socket's last tcp endpoint. */
static inline int port_of(void *s)
{
    char ep[256];
    size_t len = sizeof ep;
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &len);
    return atoi(strrchr(ep, ':') + 1);
}

/* A connection to 127.0.0.1:port, or -1. */
static inline int raw_connect(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A listening socket on an ephemeral loopback port. */
static inline int raw_listen(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *) &a, sizeof a);
    listen(fd, 4);
    getsockname(fd, (struct sockaddr *) &a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Reads exactly n bytes from fd within 2 s; 1 on success. */
static inline int raw_read(int fd, void *buf, size_t n)
{
    size_t have = 0;
    while (have < n) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;
        if (poll(&p, 1, 2000) != 1)
            return 0;
        r = read(fd, (char *) buf + have, n - have);
        if (r <= 0)
            return 0;
        have += (size_t) r;
    }
    return 1;
}

#endif
