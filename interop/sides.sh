# sides.sh: what run.sh and security.sh share (sourced, POSIX sh). Each
# case is two processes, side A and side B, each on the libzmq.so.5 its
# LD_LIBRARY_PATH picks. The caller sets HERE and ROOT first.

DEFAULT_LIBDIR=/usr/lib/x86_64-linux-gnu
SIDE_A_LIBDIR=${SIDE_A_LIBDIR:-$DEFAULT_LIBDIR}
SIDE_B_LIBDIR=${SIDE_B_LIBDIR:-$DEFAULT_LIBDIR}
CC=${CC:-cc}
CFLAGS="-std=c99 -O1 -g -Wall -Wextra -I $ROOT/include"

# make_out_dir NAME: $OUT is $INTEROP_OUT (kept) or a temporary directory
# removed at exit.
make_out_dir() {
    if [ -n "${INTEROP_OUT:-}" ]; then
        OUT=$INTEROP_OUT
        mkdir -p "$OUT"
    else
        OUT=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
        trap 'rm -rf "$OUT"' EXIT
        trap 'rm -rf "$OUT"; exit 130' INT TERM
    fi
}

# no_rpath BINARY: the loader, not the binary, must choose the library.
no_rpath() {
    if readelf -d "$1" 2>/dev/null | grep -Eq 'RPATH|RUNPATH'; then
        echo "FAIL: $1 was linked with an rpath"; exit 2
    fi
}

canon_dir() { (cd "$1" 2>/dev/null && pwd -P); }

# verify_side NAME LIBDIR: $OUT/which, run there, must load a libzmq from
# LIBDIR.
verify_side() {
    line=$(LD_LIBRARY_PATH=$2 "$OUT/which") || { echo "FAIL: which failed for side $1"; exit 2; }
    echo "side $1: LD_LIBRARY_PATH=$2 -> $line"
    lib=${line#lib=}; lib=${lib%% version=*}
    want=$(canon_dir "$2")
    got=$(canon_dir "$(dirname "$lib")")
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
        echo "FAIL: side $1 loaded $lib, not a libzmq from $2"; exit 2
    fi
}

result_of() { # log file -> "N passed, N failed" or "no result"
    r=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" 2>/dev/null | tail -n 1)
    echo "${r:-no result}"
}

# start_side DIR SIDE LIBDIR PROGRAM ARGS...: one side in the background,
# its output in DIR/SIDE.out and DIR/SIDE.err, its pid in $!. A binding
# side writes its endpoint to DIR/ready.
start_side() {
    s_dir=$1; s_side=$2; s_lib=$3
    shift 3
    LD_LIBRARY_PATH=$s_lib PEER_READY_FILE=$s_dir/ready "$@" \
        >"$s_dir/$s_side.out" 2>"$s_dir/$s_side.err" &
}

# wait_ready DIR PID: waits up to 5 s for the binding side's ready file;
# without it, stops that side and returns 1.
wait_ready() {
    w_i=0
    while [ ! -f "$1/ready" ] && [ $w_i -lt 100 ] && kill -0 "$2" 2>/dev/null; do
        sleep 0.05; w_i=$((w_i + 1))
    done
    [ -f "$1/ready" ] && return 0
    kill "$2" 2>/dev/null; wait "$2" 2>/dev/null
    return 1
}
