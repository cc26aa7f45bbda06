/*
 * zmq.h -- public C interface of ferrozmq.
 *
 * ferrozmq is a Rust implementation of libzmq 4.3.5 that is binary- and
 * source-compatible with it: this header declares exactly the constants,
 * types and functions a program built against libzmq 4.3.5 expects, with the
 * same numeric values and the same C signatures.  It was written for
 * ferrozmq; values were checked against libzmq's documented interface.
 *
 * Layout of this file:
 *    1. version
 *    2. platform plumbing (includes, export macro, fd type)
 *    3. error numbers
 *    4. errors and version functions
 *    5. contexts
 *    6. messages
 *    7. socket types, socket options, send/recv flags, security constants
 *    8. socket functions
 *    9. monitor events and handshake protocol errors
 *   10. polling
 *   11. proxies, devices and capabilities
 *   12. legacy message I/O
 *   13. Z85 / CURVE helpers, atomic counters, timers, misc utilities
 *   14. draft API (only with ZMQ_BUILD_DRAFT_API defined)
 *
 * Everything in section 14 is unstable upstream API: it is only visible when
 * the includer defines ZMQ_BUILD_DRAFT_API before including this file.
 */

#ifndef FERROZMQ_ZMQ_H_INCLUDED
#define FERROZMQ_ZMQ_H_INCLUDED

/* ========================================================================
 * 1. Version
 * ===================================================================== */

#define ZMQ_VERSION_MAJOR 4
#define ZMQ_VERSION_MINOR 3
#define ZMQ_VERSION_PATCH 5

/* Packs a version triple into one comparable integer: 4.3.5 -> 40305. */
#define ZMQ_MAKE_VERSION(major, minor, patch)                                  \
    ((major) * 10000 + (minor) * 100 + (patch))
#define ZMQ_VERSION                                                            \
    ZMQ_MAKE_VERSION (ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH)

/* ========================================================================
 * 2. Platform plumbing
 * ===================================================================== */

#if !defined _WIN32_WCE
#include <errno.h> /* the E* codes below extend the platform's set */
#endif
#include <stddef.h> /* size_t */
#include <stdio.h>  /* kept for source compatibility: callers rely on it */
#include <stdint.h> /* uint8_t, uint32_t, uint64_t used in signatures */
#define ZMQ_DEFINED_STDINT 1

/* The draft zmq_ppoll takes a POSIX signal mask (sigset_t).  In strict ISO
 * C mode glibc's <signal.h> hides the name sigset_t; its underlying type
 * __sigset_t is the very same type, so the prototype uses that instead. */
#if defined ZMQ_BUILD_DRAFT_API && !defined _WIN32
#include <signal.h>
#if defined __GLIBC__ && !defined __USE_POSIX && defined __has_include
#if __has_include(<bits/types/__sigset_t.h>)
#include <bits/types/__sigset_t.h>
#endif
#endif
#endif

/* 32-bit AIX renames the pollfd members through macros in <poll.h>; pulling
 * it in first keeps those macros from rewriting zmq_pollitem_t later on. */
#ifdef ZMQ_HAVE_AIX
#include <poll.h>
#endif

/* Symbol visibility.  Left defined after this header (and only defined if
 * the includer has not chosen a value) because some code refers to it. */
#ifndef ZMQ_EXPORT
#if defined _WIN32
#if defined ZMQ_STATIC
#define ZMQ_EXPORT
#elif defined DLL_EXPORT
#define ZMQ_EXPORT __declspec (dllexport)
#else
#define ZMQ_EXPORT __declspec (dllimport)
#endif
#elif defined __GNUC__ && __GNUC__ >= 4
#define ZMQ_EXPORT __attribute__ ((visibility ("default")))
#elif defined __SUNPRO_C || defined __SUNPRO_CC
#define ZMQ_EXPORT __global
#else
#define ZMQ_EXPORT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Native descriptor type used in poll items and the poller.  On Windows it
 * is the integer representation of a SOCKET handle (UINT_PTR), spelled out
 * so that <winsock2.h> does not have to be dragged into every includer. */
#if defined _WIN32
#if defined _WIN64
typedef unsigned __int64 zmq_fd_t;
#else
typedef unsigned int zmq_fd_t;
#endif
#else
typedef int zmq_fd_t;
#endif

/* ========================================================================
 * 3. Error numbers
 *
 * Functions report failure by returning -1 (or NULL) and setting errno.
 * Socket-style codes below are normally supplied by <errno.h>; where a
 * platform (typically Windows) lacks one, a private value above
 * ZMQ_HAUSNUMERO is used instead.  The last four codes are libzmq's own and
 * always come from that private range.
 * ===================================================================== */

/* Base of the private range; large enough to stay clear of any OS errno. */
#define ZMQ_HAUSNUMERO 156384712

#ifndef ENOTSUP
#define ENOTSUP (ZMQ_HAUSNUMERO + 1)
#endif
#ifndef EPROTONOSUPPORT
#define EPROTONOSUPPORT (ZMQ_HAUSNUMERO + 2)
#endif
#ifndef ENOBUFS
#define ENOBUFS (ZMQ_HAUSNUMERO + 3)
#endif
#ifndef ENETDOWN
#define ENETDOWN (ZMQ_HAUSNUMERO + 4)
#endif
#ifndef EADDRINUSE
#define EADDRINUSE (ZMQ_HAUSNUMERO + 5)
#endif
#ifndef EADDRNOTAVAIL
#define EADDRNOTAVAIL (ZMQ_HAUSNUMERO + 6)
#endif
#ifndef ECONNREFUSED
#define ECONNREFUSED (ZMQ_HAUSNUMERO + 7)
#endif
#ifndef EINPROGRESS
#define EINPROGRESS (ZMQ_HAUSNUMERO + 8)
#endif
#ifndef ENOTSOCK
#define ENOTSOCK (ZMQ_HAUSNUMERO + 9)
#endif
#ifndef EMSGSIZE
#define EMSGSIZE (ZMQ_HAUSNUMERO + 10)
#endif
#ifndef EAFNOSUPPORT
#define EAFNOSUPPORT (ZMQ_HAUSNUMERO + 11)
#endif
#ifndef ENETUNREACH
#define ENETUNREACH (ZMQ_HAUSNUMERO + 12)
#endif
#ifndef ECONNABORTED
#define ECONNABORTED (ZMQ_HAUSNUMERO + 13)
#endif
#ifndef ECONNRESET
#define ECONNRESET (ZMQ_HAUSNUMERO + 14)
#endif
#ifndef ENOTCONN
#define ENOTCONN (ZMQ_HAUSNUMERO + 15)
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT (ZMQ_HAUSNUMERO + 16)
#endif
#ifndef EHOSTUNREACH
#define EHOSTUNREACH (ZMQ_HAUSNUMERO + 17)
#endif
#ifndef ENETRESET
#define ENETRESET (ZMQ_HAUSNUMERO + 18)
#endif

/* Library-specific conditions. */
#define EFSM (ZMQ_HAUSNUMERO + 51)           /* wrong state for this call */
#define ENOCOMPATPROTO (ZMQ_HAUSNUMERO + 52) /* transport vs socket type */
#define ETERM (ZMQ_HAUSNUMERO + 53)          /* context was terminated */
#define EMTHREAD (ZMQ_HAUSNUMERO + 54)       /* no I/O thread available */

/* ========================================================================
 * 4. Errors and version
 * ===================================================================== */

/* errno as seen by the library (useful when the caller links another CRT). */
ZMQ_EXPORT int zmq_errno (void);
/* Human-readable text for any errno value, including the private ones. */
ZMQ_EXPORT const char *zmq_strerror (int errnum_);
/* Version of the library actually loaded at run time. */
ZMQ_EXPORT void zmq_version (int *major_, int *minor_, int *patch_);

/* ========================================================================
 * 5. Contexts
 * ===================================================================== */

/* Options for zmq_ctx_set / zmq_ctx_get. */
#define ZMQ_IO_THREADS 1
#define ZMQ_MAX_SOCKETS 2
#define ZMQ_SOCKET_LIMIT 3    /* get only */
#define ZMQ_THREAD_PRIORITY 3 /* set only; shares its number with the above */
#define ZMQ_THREAD_SCHED_POLICY 4
#define ZMQ_MAX_MSGSZ 5
#define ZMQ_MSG_T_SIZE 6 /* get only: sizeof (zmq_msg_t), for bindings */
#define ZMQ_THREAD_AFFINITY_CPU_ADD 7
#define ZMQ_THREAD_AFFINITY_CPU_REMOVE 8
#define ZMQ_THREAD_NAME_PREFIX 9

/* Default values of the context options above. */
#define ZMQ_IO_THREADS_DFLT 1
#define ZMQ_MAX_SOCKETS_DFLT 1023
#define ZMQ_THREAD_PRIORITY_DFLT (-1)
#define ZMQ_THREAD_SCHED_POLICY_DFLT (-1)

ZMQ_EXPORT void *zmq_ctx_new (void);
ZMQ_EXPORT int zmq_ctx_term (void *context_);
ZMQ_EXPORT int zmq_ctx_shutdown (void *context_);
ZMQ_EXPORT int zmq_ctx_set (void *context_, int option_, int optval_);
ZMQ_EXPORT int zmq_ctx_get (void *context_, int option_);

/* Older spellings of context creation and teardown. */
ZMQ_EXPORT void *zmq_init (int io_threads_);
ZMQ_EXPORT int zmq_term (void *context_);
ZMQ_EXPORT int zmq_ctx_destroy (void *context_);

/* ========================================================================
 * 6. Messages
 * ===================================================================== */

/* An opaque 64-byte message handle that callers may place on the stack or
 * inside their own structures.  Its contents are private to the library;
 * always go through zmq_msg_* to initialise, move, copy and close it.  The
 * alignment must match libzmq's so that structures embedding it keep the
 * same layout. */
typedef struct zmq_msg_t
{
#if defined _MSC_VER && (defined _M_X64 || defined _M_ARM64)
    __declspec (align (8)) unsigned char _[64];
#elif defined _MSC_VER /* 32-bit targets */
    __declspec (align (4)) unsigned char _[64];
#elif defined __GNUC__ || defined __clang__ || defined __INTEL_COMPILER      \
  || (defined __SUNPRO_C && __SUNPRO_C >= 0x590)                              \
  || (defined __SUNPRO_CC && __SUNPRO_CC >= 0x590)
    unsigned char _[64] __attribute__ ((aligned (sizeof (void *))));
#else
    unsigned char _[64];
#endif
} zmq_msg_t;

/* Called once the last reference to zero-copy message data is dropped.
 * May run on any thread. */
typedef void (zmq_free_fn) (void *data_, void *hint_);

/* Integer message properties for zmq_msg_get. */
#define ZMQ_MORE 1   /* another part of the same message follows */
#define ZMQ_SRCFD 2  /* deprecated: descriptor the message arrived on */
#define ZMQ_SHARED 3 /* the body is shared with another message */

ZMQ_EXPORT int zmq_msg_init (zmq_msg_t *msg_);
ZMQ_EXPORT int zmq_msg_init_size (zmq_msg_t *msg_, size_t size_);
ZMQ_EXPORT int zmq_msg_init_data (
  zmq_msg_t *msg_, void *data_, size_t size_, zmq_free_fn *ffn_, void *hint_);
ZMQ_EXPORT int zmq_msg_send (zmq_msg_t *msg_, void *s_, int flags_);
ZMQ_EXPORT int zmq_msg_recv (zmq_msg_t *msg_, void *s_, int flags_);
ZMQ_EXPORT int zmq_msg_close (zmq_msg_t *msg_);
ZMQ_EXPORT int zmq_msg_move (zmq_msg_t *dest_, zmq_msg_t *src_);
ZMQ_EXPORT int zmq_msg_copy (zmq_msg_t *dest_, zmq_msg_t *src_);
ZMQ_EXPORT void *zmq_msg_data (zmq_msg_t *msg_);
ZMQ_EXPORT size_t zmq_msg_size (const zmq_msg_t *msg_);
ZMQ_EXPORT int zmq_msg_more (const zmq_msg_t *msg_);
ZMQ_EXPORT int zmq_msg_get (const zmq_msg_t *msg_, int property_);
ZMQ_EXPORT int zmq_msg_set (zmq_msg_t *msg_, int property_, int optval_);
/* Connection metadata ("Socket-Type", "Peer-Address", ...) by name. */
ZMQ_EXPORT const char *zmq_msg_gets (const zmq_msg_t *msg_,
                                     const char *property_);

/* ========================================================================
 * 7. Socket types, socket options, flags and security constants
 * ===================================================================== */

/* Socket types (the draft types 12..20 are in section 14). */
#define ZMQ_PAIR 0
#define ZMQ_PUB 1
#define ZMQ_SUB 2
#define ZMQ_REQ 3
#define ZMQ_REP 4
#define ZMQ_DEALER 5
#define ZMQ_ROUTER 6
#define ZMQ_PULL 7
#define ZMQ_PUSH 8
#define ZMQ_XPUB 9
#define ZMQ_XSUB 10
#define ZMQ_STREAM 11

/* Names DEALER and ROUTER had before 3.x. */
#define ZMQ_XREQ ZMQ_DEALER
#define ZMQ_XREP ZMQ_ROUTER

/* Socket options for zmq_setsockopt / zmq_getsockopt.
 * Gaps in the numbering are retired options and are rejected with EINVAL. */
#define ZMQ_AFFINITY 4
#define ZMQ_ROUTING_ID 5
#define ZMQ_SUBSCRIBE 6
#define ZMQ_UNSUBSCRIBE 7
#define ZMQ_RATE 8
#define ZMQ_RECOVERY_IVL 9
#define ZMQ_SNDBUF 11
#define ZMQ_RCVBUF 12
#define ZMQ_RCVMORE 13
#define ZMQ_FD 14
#define ZMQ_EVENTS 15
#define ZMQ_TYPE 16
#define ZMQ_LINGER 17
#define ZMQ_RECONNECT_IVL 18
#define ZMQ_BACKLOG 19
#define ZMQ_RECONNECT_IVL_MAX 21
#define ZMQ_MAXMSGSIZE 22
#define ZMQ_SNDHWM 23
#define ZMQ_RCVHWM 24
#define ZMQ_MULTICAST_HOPS 25
#define ZMQ_RCVTIMEO 27
#define ZMQ_SNDTIMEO 28
#define ZMQ_LAST_ENDPOINT 32
#define ZMQ_ROUTER_MANDATORY 33
#define ZMQ_TCP_KEEPALIVE 34
#define ZMQ_TCP_KEEPALIVE_CNT 35
#define ZMQ_TCP_KEEPALIVE_IDLE 36
#define ZMQ_TCP_KEEPALIVE_INTVL 37
#define ZMQ_IMMEDIATE 39
#define ZMQ_XPUB_VERBOSE 40
#define ZMQ_ROUTER_RAW 41
#define ZMQ_IPV6 42
#define ZMQ_MECHANISM 43
#define ZMQ_PLAIN_SERVER 44
#define ZMQ_PLAIN_USERNAME 45
#define ZMQ_PLAIN_PASSWORD 46
#define ZMQ_CURVE_SERVER 47
#define ZMQ_CURVE_PUBLICKEY 48
#define ZMQ_CURVE_SECRETKEY 49
#define ZMQ_CURVE_SERVERKEY 50
#define ZMQ_PROBE_ROUTER 51
#define ZMQ_REQ_CORRELATE 52
#define ZMQ_REQ_RELAXED 53
#define ZMQ_CONFLATE 54
#define ZMQ_ZAP_DOMAIN 55
#define ZMQ_ROUTER_HANDOVER 56
#define ZMQ_TOS 57
#define ZMQ_CONNECT_ROUTING_ID 61
#define ZMQ_GSSAPI_SERVER 62
#define ZMQ_GSSAPI_PRINCIPAL 63
#define ZMQ_GSSAPI_SERVICE_PRINCIPAL 64
#define ZMQ_GSSAPI_PLAINTEXT 65
#define ZMQ_HANDSHAKE_IVL 66
#define ZMQ_SOCKS_PROXY 68
#define ZMQ_XPUB_NODROP 69
#define ZMQ_BLOCKY 70 /* a context option despite living in this block */
#define ZMQ_XPUB_MANUAL 71
#define ZMQ_XPUB_WELCOME_MSG 72
#define ZMQ_STREAM_NOTIFY 73
#define ZMQ_INVERT_MATCHING 74
#define ZMQ_HEARTBEAT_IVL 75
#define ZMQ_HEARTBEAT_TTL 76
#define ZMQ_HEARTBEAT_TIMEOUT 77
#define ZMQ_XPUB_VERBOSER 78
#define ZMQ_CONNECT_TIMEOUT 79
#define ZMQ_TCP_MAXRT 80
#define ZMQ_THREAD_SAFE 81
#define ZMQ_MULTICAST_MAXTPDU 84
#define ZMQ_VMCI_BUFFER_SIZE 85
#define ZMQ_VMCI_BUFFER_MIN_SIZE 86
#define ZMQ_VMCI_BUFFER_MAX_SIZE 87
#define ZMQ_VMCI_CONNECT_TIMEOUT 88
#define ZMQ_USE_FD 89
#define ZMQ_GSSAPI_PRINCIPAL_NAMETYPE 90
#define ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE 91
#define ZMQ_BINDTODEVICE 92

/* Deprecated options that are still honoured. */
#define ZMQ_IPV4ONLY 31 /* inverse of ZMQ_IPV6 */
#define ZMQ_TCP_ACCEPT_FILTER 38
#define ZMQ_IPC_FILTER_PID 58
#define ZMQ_IPC_FILTER_UID 59
#define ZMQ_IPC_FILTER_GID 60

/* Former names of current options. */
#define ZMQ_IDENTITY ZMQ_ROUTING_ID
#define ZMQ_CONNECT_RID ZMQ_CONNECT_ROUTING_ID
#define ZMQ_DELAY_ATTACH_ON_CONNECT ZMQ_IMMEDIATE
#define ZMQ_FAIL_UNROUTABLE ZMQ_ROUTER_MANDATORY
#define ZMQ_ROUTER_BEHAVIOR ZMQ_ROUTER_MANDATORY

/* Flags for zmq_send / zmq_recv and friends. */
#define ZMQ_DONTWAIT 1
#define ZMQ_SNDMORE 2
#define ZMQ_NOBLOCK ZMQ_DONTWAIT /* pre-3.x name */

/* Values of ZMQ_MECHANISM. */
#define ZMQ_NULL 0
#define ZMQ_PLAIN 1
#define ZMQ_CURVE 2
#define ZMQ_GSSAPI 3

/* Longest RADIO/DISH group name, in bytes, excluding the terminator. */
#define ZMQ_GROUP_MAX_LENGTH 255

/* Name types for the two *_PRINCIPAL_NAMETYPE GSSAPI options. */
#define ZMQ_GSSAPI_NT_HOSTBASED 0
#define ZMQ_GSSAPI_NT_USER_NAME 1
#define ZMQ_GSSAPI_NT_KRB5_PRINCIPAL 2

/* ========================================================================
 * 8. Sockets
 * ===================================================================== */

ZMQ_EXPORT void *zmq_socket (void *, int type_);
ZMQ_EXPORT int zmq_close (void *s_);
ZMQ_EXPORT int
zmq_setsockopt (void *s_, int option_, const void *optval_, size_t optvallen_);
ZMQ_EXPORT int
zmq_getsockopt (void *s_, int option_, void *optval_, size_t *optvallen_);
ZMQ_EXPORT int zmq_bind (void *s_, const char *addr_);
ZMQ_EXPORT int zmq_connect (void *s_, const char *addr_);
ZMQ_EXPORT int zmq_unbind (void *s_, const char *addr_);
ZMQ_EXPORT int zmq_disconnect (void *s_, const char *addr_);
ZMQ_EXPORT int zmq_send (void *s_, const void *buf_, size_t len_, int flags_);
/* Like zmq_send, but the buffer is referenced rather than copied: it must
 * stay valid and unchanged forever. */
ZMQ_EXPORT int
zmq_send_const (void *s_, const void *buf_, size_t len_, int flags_);
/* Returns the full message size, which exceeds len_ if it was truncated. */
ZMQ_EXPORT int zmq_recv (void *s_, void *buf_, size_t len_, int flags_);
ZMQ_EXPORT int zmq_socket_monitor (void *s_, const char *addr_, int events_);

/* ========================================================================
 * 9. Monitor events and handshake protocol errors
 * ===================================================================== */

/* Event bits selected with zmq_socket_monitor; each event message carries
 * the bit plus one value (a descriptor, an errno, an interval, ...). */
#define ZMQ_EVENT_CONNECTED 0x0001
#define ZMQ_EVENT_CONNECT_DELAYED 0x0002
#define ZMQ_EVENT_CONNECT_RETRIED 0x0004
#define ZMQ_EVENT_LISTENING 0x0008
#define ZMQ_EVENT_BIND_FAILED 0x0010
#define ZMQ_EVENT_ACCEPTED 0x0020
#define ZMQ_EVENT_ACCEPT_FAILED 0x0040
#define ZMQ_EVENT_CLOSED 0x0080
#define ZMQ_EVENT_CLOSE_FAILED 0x0100
#define ZMQ_EVENT_DISCONNECTED 0x0200
#define ZMQ_EVENT_MONITOR_STOPPED 0x0400
#define ZMQ_EVENT_ALL 0xFFFF

/* Handshake outcome events.  NO_DETAIL carries an errno; PROTOCOL carries
 * one of the ZMQ_PROTOCOL_ERROR_* codes; AUTH carries the ZAP status. */
#define ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL 0x0800
#define ZMQ_EVENT_HANDSHAKE_SUCCEEDED 0x1000
#define ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL 0x2000
#define ZMQ_EVENT_HANDSHAKE_FAILED_AUTH 0x4000

/* ZMTP framing and command errors. */
#define ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED 0x10000000
#define ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND 0x10000001
#define ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE 0x10000002
#define ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE 0x10000003
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED 0x10000011
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE 0x10000012
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO 0x10000013
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE 0x10000014
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR 0x10000015
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY 0x10000016
#define ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME 0x10000017
#define ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA 0x10000018
/* Security mechanism errors. */
#define ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC 0x11000001
#define ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH 0x11000002
/* Bad replies from the ZAP (authentication) handler. */
#define ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED 0x20000000
#define ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY 0x20000001
#define ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID 0x20000002
#define ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION 0x20000003
#define ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE 0x20000004
#define ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA 0x20000005
/* WebSocket transport errors. */
#define ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED 0x30000000

/* ========================================================================
 * 10. Polling
 *
 * zmq_poll waits on any mix of library sockets and native descriptors.
 * For a socket item set `socket` (fd is ignored); for a descriptor item set
 * `socket` to NULL and fill in `fd`.
 * ===================================================================== */

#define ZMQ_POLLIN 1
#define ZMQ_POLLOUT 2
#define ZMQ_POLLERR 4 /* descriptors only */
#define ZMQ_POLLPRI 8 /* descriptors only */

typedef struct zmq_pollitem_t
{
    void *socket;
    zmq_fd_t fd;
    short events;  /* requested, ZMQ_POLL* bits */
    short revents; /* returned, ZMQ_POLL* bits */
} zmq_pollitem_t;

/* Historical default size of a poll set; kept for compatibility. */
#define ZMQ_POLLITEMS_DFLT 16

/* timeout_ in milliseconds; -1 waits forever, 0 returns at once. */
ZMQ_EXPORT int zmq_poll (zmq_pollitem_t *items_, int nitems_, long timeout_);

/* ========================================================================
 * 11. Proxies, devices and capabilities
 * ===================================================================== */

ZMQ_EXPORT int zmq_proxy (void *frontend_, void *backend_, void *capture_);
/* Like zmq_proxy, also obeying PAUSE / RESUME / TERMINATE / STATISTICS
 * commands received on control_. */
ZMQ_EXPORT int zmq_proxy_steerable (void *frontend_,
                                    void *backend_,
                                    void *capture_,
                                    void *control_);

/* zmq_has reports which optional features this build provides. */
#define ZMQ_HAS_CAPABILITIES 1
ZMQ_EXPORT int zmq_has (const char *capability_);

/* Device kinds for the deprecated zmq_device; the kind is ignored and the
 * call behaves as zmq_proxy without a capture socket. */
#define ZMQ_STREAMER 1
#define ZMQ_FORWARDER 2
#define ZMQ_QUEUE 3
ZMQ_EXPORT int zmq_device (int type_, void *frontend_, void *backend_);

/* ========================================================================
 * 12. Legacy message I/O
 * ===================================================================== */

/* Same as zmq_msg_send / zmq_msg_recv with the older argument order. */
ZMQ_EXPORT int zmq_sendmsg (void *s_, zmq_msg_t *msg_, int flags_);
ZMQ_EXPORT int zmq_recvmsg (void *s_, zmq_msg_t *msg_, int flags_);

/* Scatter/gather variants; only pointers to iovec are needed here. */
struct iovec;
ZMQ_EXPORT int
zmq_sendiov (void *s_, struct iovec *iov_, size_t count_, int flags_);
ZMQ_EXPORT int
zmq_recviov (void *s_, struct iovec *iov_, size_t *count_, int flags_);

/* ========================================================================
 * 13. Helpers
 * ===================================================================== */

/* Z85 text encoding (ZeroMQ RFC 32).  Encoding needs size_ % 4 == 0 and a
 * destination of size_ * 5 / 4 + 1 bytes. */
ZMQ_EXPORT char *
zmq_z85_encode (char *dest_, const uint8_t *data_, size_t size_);
ZMQ_EXPORT uint8_t *zmq_z85_decode (uint8_t *dest_, const char *string_);

/* CURVE keys as 40 Z85 characters plus terminator (41-byte buffers).
 * Both fail with ENOTSUP when CURVE is not available. */
ZMQ_EXPORT int zmq_curve_keypair (char *z85_public_key_, char *z85_secret_key_);
ZMQ_EXPORT int zmq_curve_public (char *z85_public_key_,
                                 const char *z85_secret_key_);

/* Portable atomic integer counters. */
ZMQ_EXPORT void *zmq_atomic_counter_new (void);
ZMQ_EXPORT void zmq_atomic_counter_set (void *counter_, int value_);
ZMQ_EXPORT int zmq_atomic_counter_inc (void *counter_); /* old value */
ZMQ_EXPORT int zmq_atomic_counter_dec (void *counter_); /* 0 once zero */
ZMQ_EXPORT int zmq_atomic_counter_value (void *counter_);
ZMQ_EXPORT void zmq_atomic_counter_destroy (void **counter_p_);

/* Timer sets for single-threaded event loops (not thread-safe).
 * Intervals and timeouts are in milliseconds. */
#define ZMQ_HAVE_TIMERS

typedef void (zmq_timer_fn) (int timer_id_, void *arg_);

ZMQ_EXPORT void *zmq_timers_new (void);
ZMQ_EXPORT int zmq_timers_destroy (void **timers_p_);
ZMQ_EXPORT int zmq_timers_add (void *timers_,
                               size_t interval_,
                               zmq_timer_fn handler_,
                               void *arg_);
ZMQ_EXPORT int zmq_timers_cancel (void *timers_, int timer_id_);
ZMQ_EXPORT int
zmq_timers_set_interval (void *timers_, int timer_id_, size_t interval_);
ZMQ_EXPORT int zmq_timers_reset (void *timers_, int timer_id_);
ZMQ_EXPORT long zmq_timers_timeout (void *timers_);
ZMQ_EXPORT int zmq_timers_execute (void *timers_);

/* Stopwatch measuring microseconds; _stop also releases the watch. */
ZMQ_EXPORT void *zmq_stopwatch_start (void);
ZMQ_EXPORT unsigned long zmq_stopwatch_intermediate (void *watch_);
ZMQ_EXPORT unsigned long zmq_stopwatch_stop (void *watch_);

/* Sleeps for whole seconds. */
ZMQ_EXPORT void zmq_sleep (int seconds_);

/* Minimal portable threads: start one running func_(arg_), then join it. */
typedef void (zmq_thread_fn) (void *);
ZMQ_EXPORT void *zmq_threadstart (zmq_thread_fn *func_, void *arg_);
ZMQ_EXPORT void zmq_threadclose (void *thread_);

/* ========================================================================
 * 14. Draft API
 *
 * Unstable interfaces, exposed only when ZMQ_BUILD_DRAFT_API is defined by
 * the includer.  They may change or disappear in later releases.
 * ===================================================================== */

#ifdef ZMQ_BUILD_DRAFT_API

/* Thread-safe and/or datagram socket types. */
#define ZMQ_SERVER 12
#define ZMQ_CLIENT 13
#define ZMQ_RADIO 14
#define ZMQ_DISH 15
#define ZMQ_GATHER 16
#define ZMQ_SCATTER 17
#define ZMQ_DGRAM 18
#define ZMQ_PEER 19
#define ZMQ_CHANNEL 20

/* Draft socket options. */
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#define ZMQ_LOOPBACK_FASTPATH 94
#define ZMQ_METADATA 95
#define ZMQ_MULTICAST_LOOP 96
#define ZMQ_ROUTER_NOTIFY 97
#define ZMQ_XPUB_MANUAL_LAST_VALUE 98
#define ZMQ_SOCKS_USERNAME 99
#define ZMQ_SOCKS_PASSWORD 100
#define ZMQ_IN_BATCH_SIZE 101
#define ZMQ_OUT_BATCH_SIZE 102
#define ZMQ_WSS_KEY_PEM 103
#define ZMQ_WSS_CERT_PEM 104
#define ZMQ_WSS_TRUST_PEM 105
#define ZMQ_WSS_HOSTNAME 106
#define ZMQ_WSS_TRUST_SYSTEM 107
#define ZMQ_ONLY_FIRST_SUBSCRIBE 108
#define ZMQ_RECONNECT_STOP 109
#define ZMQ_HELLO_MSG 110
#define ZMQ_DISCONNECT_MSG 111
#define ZMQ_PRIORITY 112
#define ZMQ_BUSY_POLL 113
#define ZMQ_HICCUP_MSG 114
#define ZMQ_XSUB_VERBOSE_UNSUBSCRIBE 115
#define ZMQ_TOPICS_COUNT 116
#define ZMQ_NORM_MODE 117
#define ZMQ_NORM_UNICAST_NACK 118
#define ZMQ_NORM_BUFFER_SIZE 119
#define ZMQ_NORM_SEGMENT_SIZE 120
#define ZMQ_NORM_BLOCK_SIZE 121
#define ZMQ_NORM_NUM_PARITY 122
#define ZMQ_NORM_NUM_AUTOPARITY 123
#define ZMQ_NORM_PUSH 124

/* Values of ZMQ_NORM_MODE (congestion control flavour). */
#define ZMQ_NORM_FIXED 0
#define ZMQ_NORM_CC 1
#define ZMQ_NORM_CCL 2
#define ZMQ_NORM_CCE 3
#define ZMQ_NORM_CCE_ECNONLY 4

/* Bits of ZMQ_RECONNECT_STOP.  AFTER_DISCONNECT is 0x4 as of 4.3.5; 4.3.4
 * used 0x3, which overlapped the other two bits. */
#define ZMQ_RECONNECT_STOP_CONN_REFUSED 0x1
#define ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED 0x2
#define ZMQ_RECONNECT_STOP_AFTER_DISCONNECT 0x4

/* Draft context option. */
#define ZMQ_ZERO_COPY_RECV 10

/* Bits of ZMQ_ROUTER_NOTIFY. */
#define ZMQ_NOTIFY_CONNECT 1
#define ZMQ_NOTIFY_DISCONNECT 2

/* Well-known property names for zmq_msg_gets. */
#define ZMQ_MSG_PROPERTY_ROUTING_ID "Routing-Id"
#define ZMQ_MSG_PROPERTY_SOCKET_TYPE "Socket-Type"
#define ZMQ_MSG_PROPERTY_USER_ID "User-Id"
#define ZMQ_MSG_PROPERTY_PEER_ADDRESS "Peer-Address"

/* Typed context option access (e.g. a string ZMQ_THREAD_NAME_PREFIX). */
ZMQ_EXPORT int zmq_ctx_set_ext (void *context_,
                                int option_,
                                const void *optval_,
                                size_t optvallen_);
ZMQ_EXPORT int zmq_ctx_get_ext (void *context_,
                                int option_,
                                void *optval_,
                                size_t *optvallen_);

/* RADIO/DISH groups. */
ZMQ_EXPORT int zmq_join (void *s_, const char *group_);
ZMQ_EXPORT int zmq_leave (void *s_, const char *group_);

/* PEER / SERVER routing: connect returns the peer's routing id (0 on
 * error); disconnect_peer drops the connection with that id. */
ZMQ_EXPORT uint32_t zmq_connect_peer (void *s_, const char *addr_);
ZMQ_EXPORT int zmq_disconnect_peer (void *s_, uint32_t routing_id_);

/* Per-message routing id and group. */
ZMQ_EXPORT int zmq_msg_set_routing_id (zmq_msg_t *msg_, uint32_t routing_id_);
ZMQ_EXPORT uint32_t zmq_msg_routing_id (zmq_msg_t *msg_);
ZMQ_EXPORT int zmq_msg_set_group (zmq_msg_t *msg_, const char *group_);
ZMQ_EXPORT const char *zmq_msg_group (zmq_msg_t *msg_);
/* Initialise a message with a copy of buf_. */
ZMQ_EXPORT int
zmq_msg_init_buffer (zmq_msg_t *msg_, const void *buf_, size_t size_);

/* Poller: a persistent set of sockets and descriptors, usable with the
 * thread-safe socket types that zmq_poll cannot wait on directly. */
#define ZMQ_HAVE_POLLER

typedef struct zmq_poller_event_t
{
    void *socket;
    zmq_fd_t fd;
    void *user_data;
    short events;
} zmq_poller_event_t;

ZMQ_EXPORT void *zmq_poller_new (void);
ZMQ_EXPORT int zmq_poller_destroy (void **poller_p_);
ZMQ_EXPORT int zmq_poller_size (void *poller_);
ZMQ_EXPORT int
zmq_poller_add (void *poller_, void *socket_, void *user_data_, short events_);
ZMQ_EXPORT int zmq_poller_modify (void *poller_, void *socket_, short events_);
ZMQ_EXPORT int zmq_poller_remove (void *poller_, void *socket_);
ZMQ_EXPORT int
zmq_poller_wait (void *poller_, zmq_poller_event_t *event_, long timeout_);
/* Returns the number of events stored (never 0: a timeout is EAGAIN). */
ZMQ_EXPORT int zmq_poller_wait_all (void *poller_,
                                    zmq_poller_event_t *events_,
                                    int n_events_,
                                    long timeout_);
ZMQ_EXPORT int zmq_poller_fd (void *poller_, zmq_fd_t *fd_);
ZMQ_EXPORT int zmq_poller_add_fd (void *poller_,
                                  zmq_fd_t fd_,
                                  void *user_data_,
                                  short events_);
ZMQ_EXPORT int
zmq_poller_modify_fd (void *poller_, zmq_fd_t fd_, short events_);
ZMQ_EXPORT int zmq_poller_remove_fd (void *poller_, zmq_fd_t fd_);

/* ROUTER only: ZMQ_POLL* state of the peer with the given routing id. */
ZMQ_EXPORT int zmq_socket_get_peer_state (void *s_,
                                          const void *routing_id_,
                                          size_t routing_id_size_);

/* Monitoring with a selectable event format and monitor socket type.
 * Version 2 events are 64-bit and may carry several values. */
#define ZMQ_EVENT_PIPES_STATS 0x10000 /* queue depths, version 2 only */

#define ZMQ_CURRENT_EVENT_VERSION 1
#define ZMQ_CURRENT_EVENT_VERSION_DRAFT 2

#define ZMQ_EVENT_ALL_V1 ZMQ_EVENT_ALL
#define ZMQ_EVENT_ALL_V2 (ZMQ_EVENT_ALL_V1 | ZMQ_EVENT_PIPES_STATS)

ZMQ_EXPORT int zmq_socket_monitor_versioned (
  void *s_, const char *addr_, uint64_t events_, int event_version_, int type_);
/* Ask every pipe to report its queue depths as ZMQ_EVENT_PIPES_STATS. */
ZMQ_EXPORT int zmq_socket_monitor_pipes_stats (void *s_);

/* zmq_poll that atomically swaps in sigmask_ while waiting (like pselect).
 * Windows has no signal masks; the parameter is untyped there. */
#if defined _WIN32
ZMQ_EXPORT int zmq_ppoll (zmq_pollitem_t *items_,
                          int nitems_,
                          long timeout_,
                          const void *sigmask_);
#elif defined __GLIBC__ && !defined __USE_POSIX
/* Strict ISO C on glibc: see the <signal.h> note in section 2. */
ZMQ_EXPORT int zmq_ppoll (zmq_pollitem_t *items_,
                          int nitems_,
                          long timeout_,
                          const __sigset_t *sigmask_);
#else
ZMQ_EXPORT int zmq_ppoll (zmq_pollitem_t *items_,
                          int nitems_,
                          long timeout_,
                          const sigset_t *sigmask_);
#endif

#endif /* ZMQ_BUILD_DRAFT_API */

#ifdef __cplusplus
}
#endif

#endif /* FERROZMQ_ZMQ_H_INCLUDED */
