/* REQ/REP: the lock-step state machine (EFSM), round-robin, envelopes with
   DEALER and ROUTER peers, REQ_CORRELATE, REQ_RELAXED and REP's handling of
   malformed requests. inproc only. */
#include "sockutil.h"

#include <unistd.h>

static void *ctx;

static void test_basic(void)
{
    void *rep = sock(ctx, ZMQ_REP), *req = sock(ctx, ZMQ_REQ);
    char buf[16];
    int i;

    CHECK_OK(zmq_bind(rep, "inproc://basic"));
    CHECK_OK(zmq_connect(req, "inproc://basic"));

    /* State machine errors before anything is sent. */
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, ZMQ_DONTWAIT), EFSM);
    CHECK_ERR(send_str(rep, "x", 0), EFSM);
    CHECK_ERR(send_str(rep, "x", ZMQ_DONTWAIT), EFSM);

    for (i = 0; i < 3; i++) {
        CHECK(send_str(req, "ping", 0) == 4);
        CHECK_ERR(send_str(req, "again", 0), EFSM);
        CHECK_ERR(send_str(req, "again", ZMQ_DONTWAIT), EFSM);
        CHECK(recv_is(rep, "ping", 0));
        CHECK_ERR(zmq_recv(rep, buf, sizeof buf, ZMQ_DONTWAIT), EFSM);
        CHECK(send_str(rep, "pong", 0) == 4);
        CHECK_ERR(send_str(rep, "pong", 0), EFSM);
        CHECK(recv_is(req, "pong", 0));
        CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);
    }

    /* Multipart request and reply keep their parts. */
    CHECK(send_str(req, "a", ZMQ_SNDMORE) == 1);
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);
    CHECK(send_str(req, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(req, "c", 0) == 1);
    CHECK(recv_is(rep, "a", 1));
    CHECK(recv_is(rep, "", 1));
    CHECK(recv_is(rep, "c", 0));
    CHECK(send_str(rep, "x", ZMQ_SNDMORE) == 1);
    CHECK(send_str(rep, "y", 0) == 1);
    CHECK(recv_is(req, "x", 1));
    CHECK(recv_is(req, "y", 0));

    /* An empty request and reply. */
    CHECK(send_str(req, "", 0) == 0);
    CHECK(recv_is(rep, "", 0));
    CHECK(send_str(rep, "", 0) == 0);
    CHECK(recv_is(req, "", 0));

    CHECK_OK(zmq_close(req));
    CHECK_OK(zmq_close(rep));
}

/* One REQ connected to two REPs alternates between them; one REP fair-
   queues two REQs and routes each reply to its requester. */
static void test_round_robin(void)
{
    void *req = sock(ctx, ZMQ_REQ), *rep[2];
    char buf[16];
    int i;

    for (i = 0; i < 2; i++) {
        char name[32];
        rep[i] = sock(ctx, ZMQ_REP);
        snprintf(name, sizeof name, "inproc://rr%d", i);
        CHECK_OK(zmq_bind(rep[i], name));
        CHECK_OK(zmq_connect(req, name));
    }
    for (i = 0; i < 4; i++) {
        void *target = rep[i % 2], *other = rep[1 - i % 2];
        CHECK(send_str(req, "q", 0) == 1);
        CHECK(recv_is(target, "q", 0));
        CHECK_ERR(zmq_recv(other, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
        CHECK(send_str(target, i % 2 ? "r1" : "r0", 0) == 2);
        CHECK(recv_is(req, i % 2 ? "r1" : "r0", 0));
    }
    CHECK_OK(zmq_close(req));
    for (i = 0; i < 2; i++)
        CHECK_OK(zmq_close(rep[i]));

    {
        void *server = sock(ctx, ZMQ_REP), *c1 = sock(ctx, ZMQ_REQ), *c2 = sock(ctx, ZMQ_REQ);
        char first[8];
        int n;
        CHECK_OK(zmq_bind(server, "inproc://fanin"));
        CHECK_OK(zmq_connect(c1, "inproc://fanin"));
        CHECK_OK(zmq_connect(c2, "inproc://fanin"));
        CHECK(send_str(c1, "one", 0) == 3);
        CHECK(send_str(c2, "two", 0) == 3);
        n = zmq_recv(server, first, sizeof first - 1, 0);
        first[n > 0 ? n : 0] = '\0';
        CHECK(n == 3);
        CHECK(send_str(server, first, 0) == 3);  /* echo */
        CHECK(zmq_recv(server, buf, sizeof buf, 0) == 3);
        CHECK(send_str(server, strcmp(first, "one") == 0 ? "two" : "one", 0) == 3);
        CHECK(recv_is(c1, "one", 0));
        CHECK(recv_is(c2, "two", 0));
        CHECK_OK(zmq_close(c1));
        CHECK_OK(zmq_close(c2));
        CHECK_OK(zmq_close(server));
    }
}

/* REP behind a DEALER: the DEALER supplies the envelope; REP strips it up
   to the empty delimiter and puts it back on the reply. */
static void test_rep_dealer(void)
{
    void *rep = sock(ctx, ZMQ_REP), *dealer = sock(ctx, ZMQ_DEALER);
    char buf[16];

    CHECK_OK(zmq_bind(rep, "inproc://rep-dealer"));
    CHECK_OK(zmq_connect(dealer, "inproc://rep-dealer"));

    CHECK(send_str(dealer, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(dealer, "hello", 0) == 5);
    CHECK(recv_is(rep, "hello", 0));
    CHECK(send_str(rep, "world", 0) == 5);
    CHECK(recv_is(dealer, "", 1));
    CHECK(recv_is(dealer, "world", 0));

    /* A deeper envelope comes back intact. */
    CHECK(send_str(dealer, "hop2", ZMQ_SNDMORE) == 4);
    CHECK(send_str(dealer, "hop1", ZMQ_SNDMORE) == 4);
    CHECK(send_str(dealer, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(dealer, "body", ZMQ_SNDMORE) == 4);
    CHECK(send_str(dealer, "tail", 0) == 4);
    CHECK(recv_is(rep, "body", 1));
    CHECK(recv_is(rep, "tail", 0));
    CHECK(send_str(rep, "ok", 0) == 2);
    CHECK(recv_is(dealer, "hop2", 1));
    CHECK(recv_is(dealer, "hop1", 1));
    CHECK(recv_is(dealer, "", 1));
    CHECK(recv_is(dealer, "ok", 0));

    /* Without a delimiter the request is dropped: a single frame, then a
       multipart message with no empty frame; the next good one gets through. */
    CHECK(send_str(dealer, "bad", 0) == 3);
    CHECK(send_str(dealer, "bad1", ZMQ_SNDMORE) == 4);
    CHECK(send_str(dealer, "bad2", 0) == 4);
    CHECK(send_str(dealer, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(dealer, "good", 0) == 4);
    CHECK(recv_is(rep, "good", 0));
    CHECK(send_str(rep, "fine", 0) == 4);
    CHECK(recv_is(dealer, "", 1));
    CHECK(recv_is(dealer, "fine", 0));
    set_int(rep, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(rep, buf, sizeof buf, 0), EAGAIN);

    /* Several requests queued by the DEALER are answered in order. */
    {
        int i;
        for (i = 0; i < 3; i++) {
            char m[2] = {(char) ('0' + i), 0};
            CHECK(send_str(dealer, "", ZMQ_SNDMORE) == 0);
            CHECK(send_str(dealer, m, 0) == 1);
        }
        for (i = 0; i < 3; i++) {
            char m[2] = {(char) ('0' + i), 0};
            CHECK(recv_is(rep, m, 0));
            CHECK(send_str(rep, m, 0) == 1);
            CHECK(recv_is(dealer, "", 1));
            CHECK(recv_is(dealer, m, 0));
        }
    }

    CHECK_OK(zmq_close(dealer));
    CHECK_OK(zmq_close(rep));
}

/* REQ talking to a ROUTER: [routing id][empty][body]. */
static void test_req_router(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *req = sock(ctx, ZMQ_REQ), *anon = sock(ctx, ZMQ_REQ);
    unsigned char part[64];
    int more = 0, n;
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://req-router"));
    CHECK_OK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "client", 6));
    CHECK_OK(zmq_connect(req, "inproc://req-router"));
    CHECK_OK(zmq_connect(anon, "inproc://req-router"));

    CHECK(send_str(req, "hi", 0) == 2);
    CHECK(recv_is(router, "client", 1));
    CHECK(recv_is(router, "", 1));
    CHECK(recv_is(router, "hi", 0));

    /* A reply without the delimiter is not a reply: REQ drops it. */
    CHECK(send_str(router, "client", ZMQ_SNDMORE) == 6);
    CHECK(send_str(router, "nodelim", 0) == 7);
    set_int(req, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EAGAIN);
    /* The proper reply. */
    CHECK(send_str(router, "client", ZMQ_SNDMORE) == 6);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, "ho", 0) == 2);
    CHECK(recv_is(req, "ho", 0));

    /* Anonymous REQ: 5-byte generated id starting with 0. */
    CHECK(send_str(anon, "x", 0) == 1);
    n = recv_part(router, part, sizeof part, &more);
    CHECK(n == 5 && part[0] == 0 && more);
    CHECK(recv_is(router, "", 1));
    CHECK(recv_is(router, "x", 0));
    CHECK(zmq_send(router, part, 5, ZMQ_SNDMORE) == 5);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, "y", 0) == 1);
    CHECK(recv_is(anon, "y", 0));

    CHECK_OK(zmq_close(anon));
    CHECK_OK(zmq_close(req));
    CHECK_OK(zmq_close(router));
}

/* REQ accepts replies only from the peer its request went to. */
static void test_reply_from_other_peer(void)
{
    void *req = sock(ctx, ZMQ_REQ), *r[2];
    int i;

    CHECK_OK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "me", 2));
    for (i = 0; i < 2; i++) {
        char name[32];
        r[i] = sock(ctx, ZMQ_ROUTER);
        snprintf(name, sizeof name, "inproc://other%d", i);
        CHECK_OK(zmq_bind(r[i], name));
        CHECK_OK(zmq_connect(req, name));
    }
    /* Requests 1 and 2 reach both routers (so both know "me"). */
    for (i = 0; i < 2; i++) {
        CHECK(send_str(req, "q", 0) == 1);
        CHECK(recv_is(r[i], "me", 1));
        CHECK(recv_is(r[i], "", 1));
        CHECK(recv_is(r[i], "q", 0));
        CHECK(send_str(r[i], "me", ZMQ_SNDMORE) == 2);
        CHECK(send_str(r[i], "", ZMQ_SNDMORE) == 0);
        CHECK(send_str(r[i], "a", 0) == 1);
        CHECK(recv_is(req, "a", 0));
    }
    /* Request 3 goes to router 0; router 1 answers first and is ignored. */
    CHECK(send_str(req, "q3", 0) == 2);
    CHECK(recv_is(r[0], "me", 1));
    CHECK(recv_is(r[0], "", 1));
    CHECK(recv_is(r[0], "q3", 0));
    CHECK(send_str(r[1], "me", ZMQ_SNDMORE) == 2);
    CHECK(send_str(r[1], "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(r[1], "intruder", 0) == 8);
    CHECK(send_str(r[0], "me", ZMQ_SNDMORE) == 2);
    CHECK(send_str(r[0], "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(r[0], "genuine", 0) == 7);
    CHECK(recv_is(req, "genuine", 0));

    CHECK_OK(zmq_close(req));
    for (i = 0; i < 2; i++)
        CHECK_OK(zmq_close(r[i]));
}

/* Reads [id][4-byte request id][empty][body] into reqid; 1 if well formed. */
static int recv_correlated(void *router, const char *id, unsigned char reqid[4],
                           const char *body)
{
    int more = 0, ok;
    ok = recv_is(router, id, 1);
    ok &= recv_part(router, reqid, 4, &more) == 4 && more;
    ok &= recv_is(router, "", 1);
    ok &= recv_is(router, body, 0);
    return ok;
}

static void send_correlated(void *router, const char *id, const unsigned char reqid[4],
                            const char *body)
{
    CHECK(send_str(router, id, ZMQ_SNDMORE) == (int) strlen(id));
    CHECK(zmq_send(router, reqid, 4, ZMQ_SNDMORE) == 4);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, body, 0) == (int) strlen(body));
}

static void test_correlate(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *req = sock(ctx, ZMQ_REQ);
    unsigned char id1[4], id2[4], wrong[4];
    unsigned int v1, v2;
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://correlate"));
    CHECK_OK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "c", 1));
    set_int(req, ZMQ_REQ_CORRELATE, 1);
    CHECK_OK(zmq_connect(req, "inproc://correlate"));

    CHECK(send_str(req, "r1", 0) == 2);
    CHECK(recv_correlated(router, "c", id1, "r1"));
    /* A reply carrying a different request id is dropped. */
    memcpy(wrong, id1, 4);
    wrong[0] ^= 0x5a;
    send_correlated(router, "c", wrong, "forged");
    set_int(req, ZMQ_RCVTIMEO, 100);
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EAGAIN);
    /* So is one with no request id at all. */
    CHECK(send_str(router, "c", ZMQ_SNDMORE) == 1);
    CHECK(send_str(router, "", ZMQ_SNDMORE) == 0);
    CHECK(send_str(router, "noid", 0) == 4);
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EAGAIN);
    set_int(req, ZMQ_RCVTIMEO, 1000);
    send_correlated(router, "c", id1, "a1");
    CHECK(recv_is(req, "a1", 0));

    /* The next request carries the next id (host byte order). */
    CHECK(send_str(req, "r2", 0) == 2);
    CHECK(recv_correlated(router, "c", id2, "r2"));
    memcpy(&v1, id1, 4);
    memcpy(&v2, id2, 4);
    CHECK(v2 == v1 + 1);
    send_correlated(router, "c", id2, "a2");
    CHECK(recv_is(req, "a2", 0));

    /* A REP peer echoes the request id transparently. */
    {
        void *rep = sock(ctx, ZMQ_REP), *creq = sock(ctx, ZMQ_REQ);
        CHECK_OK(zmq_bind(rep, "inproc://correlate-rep"));
        set_int(creq, ZMQ_REQ_CORRELATE, 1);
        CHECK_OK(zmq_connect(creq, "inproc://correlate-rep"));
        CHECK(send_str(creq, "x", 0) == 1);
        CHECK(recv_is(rep, "x", 0));
        CHECK(send_str(rep, "y", 0) == 1);
        CHECK(recv_is(creq, "y", 0));
        CHECK_OK(zmq_close(creq));
        CHECK_OK(zmq_close(rep));
    }

    CHECK_OK(zmq_close(req));
    CHECK_OK(zmq_close(router));
}

static void test_relaxed(void)
{
    void *router = sock(ctx, ZMQ_ROUTER), *req = sock(ctx, ZMQ_REQ);
    unsigned char id1[4], id2[4];
    char buf[16];

    CHECK_OK(zmq_bind(router, "inproc://relaxed"));
    CHECK_OK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "c", 1));
    set_int(req, ZMQ_REQ_RELAXED, 1);
    set_int(req, ZMQ_REQ_CORRELATE, 1);
    CHECK_OK(zmq_connect(req, "inproc://relaxed"));

    /* Still EFSM: receiving before any request. */
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);
    CHECK(send_str(req, "first", 0) == 5);
    CHECK(send_str(req, "second", 0) == 6);
    CHECK(recv_correlated(router, "c", id1, "first"));
    CHECK(recv_correlated(router, "c", id2, "second"));
    /* The late reply to the first request is discarded. */
    send_correlated(router, "c", id1, "late");
    send_correlated(router, "c", id2, "current");
    CHECK(recv_is(req, "current", 0));
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);

    CHECK_OK(zmq_close(req));
    CHECK_OK(zmq_close(router));

    /* Relaxed without correlate, against a REP: a resent request is
       answered; REP sees both. */
    {
        void *rep = sock(ctx, ZMQ_REP), *rreq = sock(ctx, ZMQ_REQ);
        CHECK_OK(zmq_bind(rep, "inproc://relaxed-rep"));
        set_int(rreq, ZMQ_REQ_RELAXED, 1);
        CHECK_OK(zmq_connect(rreq, "inproc://relaxed-rep"));
        CHECK(send_str(rreq, "a", 0) == 1);
        CHECK(send_str(rreq, "b", 0) == 1);
        CHECK(recv_is(rep, "a", 0));
        CHECK(send_str(rep, "A", 0) == 1);
        CHECK(recv_is(rep, "b", 0));
        CHECK(send_str(rep, "B", 0) == 1);
        /* Without correlation both replies come from the current peer, so
           the first one to arrive is taken as the answer. */
        CHECK(recv_is(rreq, "A", 0));
        CHECK_OK(zmq_close(rreq));
        CHECK_OK(zmq_close(rep));
    }

    /* Strict REQ (the default) keeps refusing. */
    {
        void *strict = sock(ctx, ZMQ_REQ);
        CHECK_OK(zmq_connect(strict, "inproc://nowhere-strict"));
        CHECK(send_str(strict, "a", 0) == 1);
        CHECK_ERR(send_str(strict, "b", 0), EFSM);
        set_int(strict, ZMQ_REQ_RELAXED, 1);
        CHECK(send_str(strict, "b", 0) == 1);
        CHECK_OK(zmq_close(strict));
    }
}

/* REQ without a peer blocks (EAGAIN after SNDTIMEO) and stays ready to
   send. */
static void test_no_peer(void)
{
    void *req = sock(ctx, ZMQ_REQ);
    char buf[4];
    CHECK_OK(zmq_bind(req, "inproc://req-alone"));
    CHECK_ERR(send_str(req, "x", ZMQ_DONTWAIT), EAGAIN);
    set_int(req, ZMQ_SNDTIMEO, 50);
    CHECK_ERR(send_str(req, "x", 0), EAGAIN);
    /* The failed send left REQ ready to send, not waiting for a reply. */
    CHECK_ERR(zmq_recv(req, buf, sizeof buf, 0), EFSM);
    CHECK_OK(zmq_close(req));
}

int main(void)
{
    tu_start("test_reqrep");
    alarm(20);
    ctx = zmq_ctx_new();
    test_basic();
    test_round_robin();
    test_rep_dealer();
    test_req_router();
    test_reply_from_other_peer();
    test_correlate();
    test_relaxed();
    test_no_peer();
    CHECK_OK(zmq_ctx_term(ctx));
    return tu_finish();
}
