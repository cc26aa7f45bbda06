// wuproxy.c -- re-publish a PUB stream on another endpoint (XSUB -> XPUB).
//
// What it shows
//   A forwarding proxy built from zmq_proxy(). The XSUB side connects to the
//   real publisher; the XPUB side binds for downstream subscribers. Unlike
//   plain SUB/PUB, XSUB/XPUB pass subscription messages upstream too, so a
//   subscriber behind the proxy still gets publisher-side filtering.
//
// Run it
//   wuproxy [upstream] [downstream]
//     upstream    publisher to connect to      (default tcp://localhost:5556)
//     downstream  address to bind for clients  (default tcp://*:8100)
//   Runs until Ctrl-C or SIGTERM, which interrupt zmq_proxy (EINTR) and
//   lead to a clean shutdown.
//   e.g.  ./wuserver & ./wuproxy & ./wuclient tcp://localhost:8100 10001 20
#define GUIDE_PROGRAM "wuproxy"
#include "guide.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *upstream = argc > 1 ? argv[1] : "tcp://localhost:5556";
    const char *downstream = argc > 2 ? argv[2] : "tcp://*:8100";
    int linger_ms = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    void *ctx = zmq_ctx_new();
    if (ctx == NULL)
        die("zmq_ctx_new");
    void *xsub = zmq_socket(ctx, ZMQ_XSUB);
    void *xpub = zmq_socket(ctx, ZMQ_XPUB);
    if (xsub == NULL || xpub == NULL)
        die("zmq_socket");
    if (zmq_setsockopt(xsub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0
        || zmq_setsockopt(xpub, ZMQ_LINGER, &linger_ms, sizeof linger_ms) != 0)
        die("zmq_setsockopt(LINGER)");
    if (zmq_connect(xsub, upstream) != 0)
        die("zmq_connect");
    if (zmq_bind(xpub, downstream) != 0)
        die("zmq_bind");
    printf("wuproxy: forwarding %s -> %s\n", upstream, downstream);

    /* zmq_proxy() only ever returns -1; what matters is why. */
    int why = EINTR;
    if (!stop_requested() && zmq_proxy(xsub, xpub, NULL) == -1) {
        why = zmq_errno();
        if (why != EINTR && why != ETERM)
            die("zmq_proxy");
    }

    printf("wuproxy: proxy stopped (%s), shutting down\n", zmq_strerror(why));
    if (zmq_close(xsub) != 0 || zmq_close(xpub) != 0)
        die("zmq_close");
    term_context(ctx);
    return EXIT_SUCCESS;
}
