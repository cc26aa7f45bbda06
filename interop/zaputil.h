/* zaputil.h: the handler side of ZAP (RFC 27) for the interop programs.
 *
 * A handler binds a REP socket to inproc://zeromq.zap.01 in the same
 * context as the secured sockets. libzmq's PLAIN and CURVE servers send it
 * one request per handshake:
 *   "1.0", request id, domain, address, routing id, mechanism, credentials...
 * (PLAIN: username, password; CURVE: the client's 32-byte public key) and
 * wait for [ "1.0", request id, status code, status text, user id, metadata ].
 * The metadata uses ZMTP's property encoding (name-len, name, 4-octet
 * big-endian value length, value); the server attaches these properties and
 * the user id to every message it then receives from that peer, which is
 * what zmq_msg_gets() reads back.
 *
 * Only <zmq.h> and libc are used; everything is static so each program
 * stays one translation unit.
 */
#ifndef INTEROP_ZAPUTIL_H
#define INTEROP_ZAPUTIL_H

#include <zmq.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_MAX_FRAMES 10
#define ZAP_MAX_FRAME 256

/* One request, copied out of its frames. Frames longer than ZAP_MAX_FRAME
 * are cut (none of ours are; a cut frame makes the check it feeds fail). */
typedef struct {
    int nframes;
    size_t len[ZAP_MAX_FRAMES];
    unsigned char data[ZAP_MAX_FRAMES][ZAP_MAX_FRAME];
} zap_request_t;

/* Frame indexes of a request (the REP socket strips the envelope). */
enum { ZAP_VERSION, ZAP_REQUEST_ID, ZAP_DOMAIN, ZAP_ADDRESS, ZAP_IDENTITY, ZAP_MECHANISM, ZAP_CRED0, ZAP_CRED1 };

/* Receives one request. Returns 0, or -1 with zmq_errno() set (ETERM when
 * the context is being terminated: the handler's cue to close and exit). */
static inline int zap_recv_request(void *rep, zap_request_t *req)
{
    int more = 1;
    req->nframes = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, rep, 0) < 0) {
            int err = zmq_errno();
            zmq_msg_close(&m);
            if (req->nframes > 0 && err == EAGAIN)
                continue; /* a timeout must not split a request */
            errno = err;
            return -1;
        }
        more = zmq_msg_more(&m);
        if (req->nframes < ZAP_MAX_FRAMES) {
            size_t n = zmq_msg_size(&m);
            if (n > ZAP_MAX_FRAME)
                n = ZAP_MAX_FRAME;
            memcpy(req->data[req->nframes], zmq_msg_data(&m), n);
            req->len[req->nframes] = n;
            req->nframes++;
        }
        zmq_msg_close(&m);
    }
    return 0;
}

/* Whether frame i of the request equals the len bytes at s. */
static inline int zap_frame_is(const zap_request_t *req, int i, const void *s, size_t len)
{
    return i < req->nframes && req->len[i] == len && memcmp(req->data[i], s, len) == 0;
}

static inline int zap_frame_is_str(const zap_request_t *req, int i, const char *s)
{
    return zap_frame_is(req, i, s, strlen(s));
}

/* Appends one ZMTP property to buf (of size cap) at *len; returns -1 if it
 * does not fit. */
static inline int zap_add_property(unsigned char *buf, size_t cap, size_t *len, const char *name,
                            const char *value)
{
    size_t n = strlen(name), v = strlen(value);
    if (n == 0 || n > 255 || *len + 1 + n + 4 + v > cap)
        return -1;
    buf[(*len)++] = (unsigned char)n;
    memcpy(buf + *len, name, n);
    *len += n;
    buf[(*len)++] = (unsigned char)(v >> 24);
    buf[(*len)++] = (unsigned char)(v >> 16);
    buf[(*len)++] = (unsigned char)(v >> 8);
    buf[(*len)++] = (unsigned char)v;
    memcpy(buf + *len, value, v);
    *len += v;
    return 0;
}

/* Sends the reply to req. status is "200", "300", "400" or "500". */
static inline int zap_send_reply(void *rep, const zap_request_t *req, const char *status, const char *text,
                          const char *user_id, const void *metadata, size_t metadata_len)
{
    const char *version = "1.0";
    const void *id = req->nframes > ZAP_REQUEST_ID ? req->data[ZAP_REQUEST_ID] : (const void *)"";
    size_t id_len = req->nframes > ZAP_REQUEST_ID ? req->len[ZAP_REQUEST_ID] : 0;
    if (zmq_send(rep, version, strlen(version), ZMQ_SNDMORE) < 0
        || zmq_send(rep, id, id_len, ZMQ_SNDMORE) < 0
        || zmq_send(rep, status, strlen(status), ZMQ_SNDMORE) < 0
        || zmq_send(rep, text, strlen(text), ZMQ_SNDMORE) < 0
        || zmq_send(rep, user_id, strlen(user_id), ZMQ_SNDMORE) < 0
        || zmq_send(rep, metadata, metadata_len, 0) < 0)
        return -1;
    return 0;
}

#endif
