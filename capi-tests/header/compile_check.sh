#!/bin/sh
# Compile-only checks of ferrozmq's public headers.
#
# Usage: compile_check.sh OUR_INCLUDE_DIR
#
# Builds two small translation units -- one including <zmq.h>, one including
# <zmq_utils.h> (and then <zmq.h> again, to exercise the include guards) --
# with gcc -std=c99, gcc -std=c11 and g++ -std=c++11, each once without and
# once with -DZMQ_BUILD_DRAFT_API, always with -Wall -Wextra -pedantic
# -Werror.  The TUs assert the ABI layout of zmq_msg_t, zmq_pollitem_t and
# (draft) zmq_poller_event_t at compile time and take the address of every
# public function, so a missing or malformed declaration fails the build.
# Environment: CC (default gcc), CXX (default g++).
#
# Prints one line per build, then "N passed, M failed"; exits 1 on failure.

set -u

if [ $# -lt 1 ] || [ ! -f "$1/zmq.h" ]; then
    echo "usage: $0 OUR_INCLUDE_DIR   (directory holding zmq.h)" >&2
    echo "0 passed, 1 failed"
    exit 2
fi
INC=$(cd "$1" && pwd)
CC=${CC:-gcc}
CXX=${CXX:-g++}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/zmqhdr-compile.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT INT TERM

# ---------------------------------------------------------------------------
# Shared body: layout assertions and a table of every public function.
# ---------------------------------------------------------------------------
cat > "$WORK/body.h" <<'EOF'
#include <stddef.h>

/* STATIC_CHECK(name, condition): C11 / C++11 static assertions, or the
 * negative-array-size trick for C99. */
#if defined __cplusplus
#define STATIC_CHECK(name, cond) static_assert (cond, #name)
#define ALIGN_OF(type) alignof (type)
#elif defined __STDC_VERSION__ && __STDC_VERSION__ >= 201112L
#define STATIC_CHECK(name, cond) _Static_assert (cond, #name)
#define ALIGN_OF(type) _Alignof (type)
#else
#define STATIC_CHECK(name, cond)                                               \
    typedef char static_check_##name[(cond) ? 1 : -1]
/* C99 has no alignof: a char followed by the type lands at its alignment. */
struct align_probe_msg
{
    char c;
    zmq_msg_t m;
};
#define ALIGN_OF(type) offsetof (struct align_probe_msg, m)
#endif

STATIC_CHECK (msg_size, sizeof (zmq_msg_t) == 64);
STATIC_CHECK (msg_align, ALIGN_OF (zmq_msg_t) == sizeof (void *));
STATIC_CHECK (msg_member, sizeof (((zmq_msg_t *) 0)->_) == 64);

STATIC_CHECK (pollitem_socket, offsetof (zmq_pollitem_t, socket) == 0);
STATIC_CHECK (pollitem_fd, offsetof (zmq_pollitem_t, fd) == sizeof (void *));
#if defined __LP64__ || defined _LP64
STATIC_CHECK (lp64_fd, sizeof (zmq_fd_t) == 4);
STATIC_CHECK (lp64_pollitem_size, sizeof (zmq_pollitem_t) == 16);
STATIC_CHECK (lp64_pollitem_fd, offsetof (zmq_pollitem_t, fd) == 8);
STATIC_CHECK (lp64_pollitem_events, offsetof (zmq_pollitem_t, events) == 12);
STATIC_CHECK (lp64_pollitem_revents,
              offsetof (zmq_pollitem_t, revents) == 14);
#endif

#ifdef ZMQ_BUILD_DRAFT_API
STATIC_CHECK (poller_event_socket,
              offsetof (zmq_poller_event_t, socket) == 0);
#if defined __LP64__ || defined _LP64
STATIC_CHECK (lp64_poller_event_size, sizeof (zmq_poller_event_t) == 32);
STATIC_CHECK (lp64_poller_event_fd, offsetof (zmq_poller_event_t, fd) == 8);
STATIC_CHECK (lp64_poller_event_user_data,
              offsetof (zmq_poller_event_t, user_data) == 16);
STATIC_CHECK (lp64_poller_event_events,
              offsetof (zmq_poller_event_t, events) == 24);
#endif
#endif

/* A few values whose spelling matters to callers. */
STATIC_CHECK (version, ZMQ_VERSION == ZMQ_MAKE_VERSION (4, 3, 5));
STATIC_CHECK (hausnumero, ETERM == ZMQ_HAUSNUMERO + 53);
#ifdef ZMQ_BUILD_DRAFT_API
STATIC_CHECK (reconnect_stop, ZMQ_RECONNECT_STOP_AFTER_DISCONNECT == 4);
STATIC_CHECK (event_all_v2, (ZMQ_EVENT_ALL_V2 & 0) == 0);
#endif

/* Every function, as a plain code pointer (void (*)(void) is the one
 * function pointer type that casts do not warn about). */
typedef void (*any_fn) (void);
#define FN(f) ((any_fn) (f))
const any_fn every_function[] = {
  FN (zmq_errno), FN (zmq_strerror), FN (zmq_version),
  FN (zmq_ctx_new), FN (zmq_ctx_term), FN (zmq_ctx_shutdown),
  FN (zmq_ctx_set), FN (zmq_ctx_get), FN (zmq_init), FN (zmq_term),
  FN (zmq_ctx_destroy),
  FN (zmq_msg_init), FN (zmq_msg_init_size), FN (zmq_msg_init_data),
  FN (zmq_msg_send), FN (zmq_msg_recv), FN (zmq_msg_close),
  FN (zmq_msg_move), FN (zmq_msg_copy), FN (zmq_msg_data),
  FN (zmq_msg_size), FN (zmq_msg_more), FN (zmq_msg_get), FN (zmq_msg_set),
  FN (zmq_msg_gets),
  FN (zmq_socket), FN (zmq_close), FN (zmq_setsockopt), FN (zmq_getsockopt),
  FN (zmq_bind), FN (zmq_connect), FN (zmq_unbind), FN (zmq_disconnect),
  FN (zmq_send), FN (zmq_send_const), FN (zmq_recv),
  FN (zmq_socket_monitor),
  FN (zmq_poll), FN (zmq_proxy), FN (zmq_proxy_steerable), FN (zmq_has),
  FN (zmq_device),
  FN (zmq_sendmsg), FN (zmq_recvmsg), FN (zmq_sendiov), FN (zmq_recviov),
  FN (zmq_z85_encode), FN (zmq_z85_decode), FN (zmq_curve_keypair),
  FN (zmq_curve_public),
  FN (zmq_atomic_counter_new), FN (zmq_atomic_counter_set),
  FN (zmq_atomic_counter_inc), FN (zmq_atomic_counter_dec),
  FN (zmq_atomic_counter_value), FN (zmq_atomic_counter_destroy),
  FN (zmq_timers_new), FN (zmq_timers_destroy), FN (zmq_timers_add),
  FN (zmq_timers_cancel), FN (zmq_timers_set_interval),
  FN (zmq_timers_reset), FN (zmq_timers_timeout), FN (zmq_timers_execute),
  FN (zmq_stopwatch_start), FN (zmq_stopwatch_intermediate),
  FN (zmq_stopwatch_stop), FN (zmq_sleep), FN (zmq_threadstart),
  FN (zmq_threadclose),
#ifdef ZMQ_BUILD_DRAFT_API
  FN (zmq_ctx_set_ext), FN (zmq_ctx_get_ext), FN (zmq_join), FN (zmq_leave),
  FN (zmq_connect_peer), FN (zmq_disconnect_peer),
  FN (zmq_msg_set_routing_id), FN (zmq_msg_routing_id),
  FN (zmq_msg_set_group), FN (zmq_msg_group), FN (zmq_msg_init_buffer),
  FN (zmq_poller_new), FN (zmq_poller_destroy), FN (zmq_poller_size),
  FN (zmq_poller_add), FN (zmq_poller_modify), FN (zmq_poller_remove),
  FN (zmq_poller_wait), FN (zmq_poller_wait_all), FN (zmq_poller_fd),
  FN (zmq_poller_add_fd), FN (zmq_poller_modify_fd),
  FN (zmq_poller_remove_fd), FN (zmq_socket_get_peer_state),
  FN (zmq_socket_monitor_versioned), FN (zmq_socket_monitor_pipes_stats),
  FN (zmq_ppoll),
#endif
};

#ifdef ZMQ_BUILD_DRAFT_API
#define EXPECTED_FUNCTIONS (70 + 27)
#else
#define EXPECTED_FUNCTIONS 70
#endif
STATIC_CHECK (function_count,
              sizeof every_function / sizeof every_function[0]
                == EXPECTED_FUNCTIONS);

/* Typed uses of the callback typedefs and of the message type. */
static void free_cb (void *data, void *hint)
{
    (void) data;
    (void) hint;
}
static void timer_cb (int timer_id, void *arg)
{
    (void) timer_id;
    (void) arg;
}
static void thread_cb (void *arg)
{
    (void) arg;
}
zmq_free_fn *const use_free_fn = free_cb;
zmq_timer_fn *const use_timer_fn = timer_cb;
zmq_thread_fn *const use_thread_fn = thread_cb;

int header_probe (void);
int header_probe (void)
{
    zmq_msg_t msg;
    zmq_pollitem_t item = {NULL, 0, ZMQ_POLLIN, 0};
    msg._[0] = 0;
    return (int) msg._[0] + item.events + ZMQ_SNDMORE + ZMQ_DONTWAIT;
}
EOF

cat > "$WORK/tu_zmq.c" <<'EOF'
#include <zmq.h>
#include "body.h"
EOF

cat > "$WORK/tu_utils.c" <<'EOF'
#include <zmq_utils.h>
#include <zmq.h>
#include <zmq_utils.h>
#include "body.h"
EOF

cp "$WORK/tu_zmq.c" "$WORK/tu_zmq.cpp"
cp "$WORK/tu_utils.c" "$WORK/tu_utils.cpp"

passed=0
failed=0
WARN="-Wall -Wextra -pedantic -Werror"

try() { # label compiler std draft-flag source
    label=$1 compiler=$2 std=$3 draft=$4 src=$5
    # shellcheck disable=SC2086
    if "$compiler" -std="$std" $WARN $draft -I "$INC" -I "$WORK" \
        -c "$WORK/$src" -o "$WORK/out.o" > "$WORK/log" 2>&1; then
        passed=$((passed + 1))
        echo "ok    $label"
    else
        failed=$((failed + 1))
        echo "FAIL  $label"
        sed 's/^/      /' "$WORK/log" | head -n 40
    fi
}

for tu in zmq utils; do
    for draft in "" "-DZMQ_BUILD_DRAFT_API"; do
        mode=${draft:+draft}
        mode=${mode:-stable}
        hdr=zmq.h
        [ "$tu" = utils ] && hdr=zmq_utils.h
        try "$CC -std=c99   $mode <$hdr>" "$CC" c99 "$draft" "tu_$tu.c"
        try "$CC -std=c11   $mode <$hdr>" "$CC" c11 "$draft" "tu_$tu.c"
        try "$CXX -std=c++11 $mode <$hdr>" "$CXX" c++11 "$draft" "tu_$tu.cpp"
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
