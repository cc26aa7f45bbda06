#!/bin/sh
# bench/run.sh: ferrozmq vs Debian's libzmq, same C binaries, library swapped
# with LD_LIBRARY_PATH. Run from the repository root (make bench does).
#
# The perf programs in c-examples/perf are compiled once against
# include/zmq.h and linked with -lzmq against build/lib (no rpath), then
# every case runs under
#     libzmq:   LD_LIBRARY_PATH=$BENCH_LIBZMQ_LIBDIR  (/usr/lib/x86_64-linux-gnu)
#     ferrozmq: LD_LIBRARY_PATH=$BENCH_FERRO_LIBDIR   (build/lib)
# after checking which libzmq.so each of them really loads. Each case runs
# BENCH_REPS times per library (interleaved) and the median is reported.
# Ratios are oriented so that > 1.0 means ferrozmq is better:
#     throughput: ferrozmq / libzmq      latency: libzmq / ferrozmq
# A ferrozmq run that fails shows as "n/a" (with the reason below the
# table); a failing libzmq run makes the script exit 1 at the end.
# The tcp_curve_* cases are tcp with CURVE on both ends (PERF_CURVE=1, see
# c-examples/perf/perf_util.h): the local_* side is the CURVE server.
#
# Environment:
#     BENCH_SCALE=1          multiply every message/round-trip count (e.g. 0.1)
#     BENCH_REPS=7           runs per case and library
#     BENCH_FILTER=regex     only cases whose name matches (grep -E)
#     BENCH_FERRO_LIBDIR     library dir for the ferrozmq column (build/lib)
#     BENCH_LIBZMQ_LIBDIR    library dir for the libzmq column
#     BENCH_RUN_TIMEOUT=120  seconds before one run is killed
#     CC=cc
# Output: the table on stdout and in build/bench/results.txt; per-run
# stdout/stderr in build/bench/logs.

set -u

CC=${CC:-cc}
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-7}
FILTER=${BENCH_FILTER:-}
FERRO_DIR=${BENCH_FERRO_LIBDIR:-build/lib}
LIBZMQ_DIR=${BENCH_LIBZMQ_LIBDIR:-/usr/lib/x86_64-linux-gnu}
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-120}

OUT=build/bench
BIN=$OUT/bin
LOGS=$OUT/logs
RESULTS=$OUT/results.txt
PROGS="inproc_thr inproc_lat local_thr remote_thr local_lat remote_lat which_zmq"

die() {
    echo "bench: $*" >&2
    exit 1
}

case $SCALE in
    '' | *[!0-9.]* | *.*.* | .) die "BENCH_SCALE must be a positive number, got '$SCALE'" ;;
esac
awk -v s="$SCALE" 'BEGIN { exit !(s > 0) }' || die "BENCH_SCALE must be > 0"
case $REPS in
    '' | *[!0-9]* | 0) die "BENCH_REPS must be a positive integer, got '$REPS'" ;;
esac
case $RUN_TIMEOUT in
    '' | *[!0-9]* | 0) die "BENCH_RUN_TIMEOUT must be a positive integer" ;;
esac
[ -f include/zmq.h ] && [ -d c-examples/perf ] ||
    die "run me from the ferrozmq repository root (make bench)"
command -v timeout >/dev/null 2>&1 || die "needs timeout(1) from coreutils"
# --foreground lets Ctrl-C reach the perf programs (GNU timeout otherwise
# puts them in a process group of their own).
TIMEOUT="timeout"
timeout --foreground 5 true 2>/dev/null && TIMEOUT="timeout --foreground"

# --- libraries --------------------------------------------------------------

if [ ! -e "$LIBZMQ_DIR/libzmq.so.5" ]; then
    if [ "$LIBZMQ_DIR" = /usr/lib/x86_64-linux-gnu ] && [ "$(id -u)" = 0 ]; then
        echo "bench: installing Debian's libzmq5 (reference library)"
        apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libzmq5 >/dev/null ||
            die "apt-get install libzmq5 failed"
        [ -e "$LIBZMQ_DIR/libzmq.so.5" ] || die "libzmq5 installed but $LIBZMQ_DIR/libzmq.so.5 is missing"
    elif [ "$LIBZMQ_DIR" = /usr/lib/x86_64-linux-gnu ]; then
        die "$LIBZMQ_DIR/libzmq.so.5 is missing; install Debian's libzmq5 (apt-get install libzmq5) as root"
    else
        die "$LIBZMQ_DIR/libzmq.so.5 is missing (BENCH_LIBZMQ_LIBDIR)"
    fi
fi
[ -e build/lib/libzmq.so ] || die "build/lib/libzmq.so is missing; run 'make build' first"
[ -e "$FERRO_DIR/libzmq.so.5" ] || die "$FERRO_DIR/libzmq.so.5 is missing; run 'make build' first"

LIBZMQ_DIR=$(cd "$LIBZMQ_DIR" && pwd -P) || die "cannot resolve $LIBZMQ_DIR"
FERRO_DIR=$(cd "$FERRO_DIR" && pwd -P) || die "cannot resolve $FERRO_DIR"

# --- build ------------------------------------------------------------------

mkdir -p "$BIN" "$LOGS" || die "cannot create $OUT"
rm -f "$LOGS"/*.out "$LOGS"/*.err "$LOGS"/*.rc "$LOGS"/*.pid
echo "bench: compiling c-examples/perf with $CC against include/zmq.h, -Lbuild/lib -lzmq"
for p in $PROGS; do
    $CC -std=c99 -O2 -Wall -Wextra -Iinclude -o "$BIN/$p" "c-examples/perf/$p.c" \
        -Lbuild/lib -lzmq || die "compiling c-examples/perf/$p.c failed"
done
if command -v readelf >/dev/null 2>&1; then
    for p in $PROGS; do
        if readelf -d "$BIN/$p" | grep -Eq 'RPATH|RUNPATH'; then
            die "$BIN/$p has an rpath/runpath; LD_LIBRARY_PATH would not decide the library"
        fi
    done
fi

# --- which library does each column load? -----------------------------------

# check_lib LABEL DIR: print what the binaries load under LD_LIBRARY_PATH=DIR
# and fail unless it is DIR's libzmq.so.5.
check_lib() {
    line=$(LD_LIBRARY_PATH=$2 "$BIN/which_zmq" 2>&1) || die "$1: which_zmq failed: $line"
    path=$(printf '%s\n' "$line" | sed -n 's/^which_zmq path=\([^ ]*\) .*/\1/p')
    want=$(cd "$2" && realpath libzmq.so.5 2>/dev/null) || want=""
    [ -n "$path" ] || die "$1: cannot parse which_zmq output: $line"
    [ "$path" = "$want" ] || die "$1: loaded $path, expected $want (from $2)"
    ldd_line=$(LD_LIBRARY_PATH=$2 ldd "$BIN/inproc_thr" 2>/dev/null | grep 'libzmq' | sed 's/^[[:space:]]*//')
    [ -n "$ldd_line" ] || die "$1: ldd does not show libzmq for $BIN/inproc_thr"
    printf '  %-9s LD_LIBRARY_PATH=%s\n' "$1" "$2"
    printf '            loads %s (%s)\n' "$path" "$(printf '%s\n' "$line" | sed 's/^which_zmq path=[^ ]* //')"
    printf '            ldd:  %s\n' "$ldd_line"
}

echo "bench: libraries"
check_lib libzmq "$LIBZMQ_DIR"
LIBZMQ_INFO=$line
check_lib ferrozmq "$FERRO_DIR"
FERRO_INFO=$line
case $FERRO_INFO in
    *ferrozmq=no) echo "bench: note: the ferrozmq column's library is not ferrozmq (BENCH_FERRO_LIBDIR=$FERRO_DIR)" ;;
esac
# Which CURVE crypto each library was built with (make SODIUM=...).
curve_crypto() {
    if LD_LIBRARY_PATH=$1 ldd "$BIN/inproc_thr" 2>/dev/null | grep -q libsodium; then
        echo libsodium
    else
        echo "built-in"
    fi
}
LIBZMQ_INFO="$LIBZMQ_INFO curve_crypto=$(curve_crypto "$LIBZMQ_DIR")"
FERRO_INFO="$FERRO_INFO curve_crypto=$(curve_crypto "$FERRO_DIR")"

# --- cases ------------------------------------------------------------------

# name kind transport size base-count (count at BENCH_SCALE=1)
CASES="inproc_thr_16 thr inproc 16 1500000
inproc_thr_1k thr inproc 1024 800000
inproc_thr_64k thr inproc 65536 150000
inproc_lat_16 lat inproc 16 30000
tcp_thr_16 thr tcp 16 1500000
tcp_thr_1k thr tcp 1024 300000
tcp_thr_64k thr tcp 65536 12000
tcp_lat_16 lat tcp 16 6000
ipc_thr_16 thr ipc 16 1500000
ipc_thr_1k thr ipc 1024 300000
ipc_thr_64k thr ipc 65536 12000
ipc_lat_16 lat ipc 16 6000
tcp_curve_thr_16 thr tcp+curve 16 1000000
tcp_curve_thr_1k thr tcp+curve 1024 200000
tcp_curve_thr_64k thr tcp+curve 65536 10000
tcp_curve_lat_16 lat tcp+curve 16 6000"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ferrozmq-bench.XXXXXX") || die "mktemp failed"
LOCAL_PID="" LOCAL_LOG=""
cleanup() {
    stop_local
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scaled() {
    awk -v n="$1" -v s="$SCALE" 'BEGIN { c = int(n * s); if (c < 2) c = 2; print c }'
}

# field FILE KEY: value of KEY=... on the result line of FILE.
field() {
    sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1" | head -n 1
}

# run_one LIBDIR NAME KIND TRANSPORT SIZE COUNT LOGBASE: set RESULT to the
# metric (msgs/s or one-way us); return 1 on failure. Runs in this shell
# (not in $(...)) so the EXIT trap can stop a leftover local_* process.
run_one() {
    dir=$1 name=$2 kind=$3 tr=$4 size=$5 count=$6 log=$7
    RESULT=""
    key=msgs_per_sec
    [ "$kind" = lat ] && key=avg_latency_us
    if [ "$tr" = inproc ]; then
        LD_LIBRARY_PATH=$dir $TIMEOUT "$RUN_TIMEOUT" "$BIN/inproc_$kind" "$size" "$count" \
            </dev/null >"$log.out" 2>"$log.err" || return 1
        RESULT=$(field "$log.out" "$key")
        [ -n "$RESULT" ]
        return
    fi
    curve=0
    case $tr in
        tcp) ep='tcp://127.0.0.1:*' ;;
        tcp+curve) ep='tcp://127.0.0.1:*' curve=1 ;;
        ipc) ep="ipc://$TMPD/$name.ipc" ; rm -f "$TMPD/$name.ipc" ;;
    esac
    # local_* runs in a subshell that records its pid and, once it exits,
    # its status in $log.local.rc (the rc file doubles as "local is done").
    rm -f "$log.local.rc" "$log.local.pid"
    LOCAL_LOG=$log
    (
        LD_LIBRARY_PATH=$dir PERF_CURVE=$curve $TIMEOUT "$RUN_TIMEOUT" "$BIN/local_$kind" "$ep" "$size" "$count" \
            </dev/null >"$log.local.out" 2>"$log.local.err" &
        echo $! >"$log.local.pid"
        wait $!
        echo $? >"$log.local.rc"
    ) &
    LOCAL_PID=$!
    bound="" i=0
    while [ $i -lt 500 ]; do    # up to ~10 s for the bind
        bound=$(sed -n 's/^bound //p' "$log.local.out" 2>/dev/null | head -n 1)
        [ -n "$bound" ] && break
        [ -e "$log.local.rc" ] && break
        sleep 0.02
        i=$((i + 1))
    done
    if [ -z "$bound" ]; then
        stop_local
        return 1
    fi
    if [ "$kind" = thr ]; then
        # remote_thr --hold keeps its connection until its stdin closes,
        # i.e. until local_thr has exited (see remote_thr.c).
        hold_feeder "$log.local.rc" |
            LD_LIBRARY_PATH=$dir PERF_CURVE=$curve $TIMEOUT "$RUN_TIMEOUT" "$BIN/remote_thr" "$bound" "$size" "$count" \
                --hold >"$log.remote.out" 2>"$log.remote.err"
    else
        LD_LIBRARY_PATH=$dir PERF_CURVE=$curve $TIMEOUT "$RUN_TIMEOUT" "$BIN/remote_lat" "$bound" "$size" "$count" \
            </dev/null >"$log.remote.out" 2>"$log.remote.err"
    fi
    rrc=$?
    [ $rrc -ne 0 ] && stop_local
    wait "$LOCAL_PID" 2>/dev/null
    LOCAL_PID=""
    lrc=$(cat "$log.local.rc" 2>/dev/null) || lrc=1
    [ $rrc -eq 0 ] && [ "$lrc" = 0 ] || return 1
    if [ "$kind" = thr ]; then RESULT=$(field "$log.local.out" "$key")
    else RESULT=$(field "$log.remote.out" "$key"); fi
    [ -n "$RESULT" ]
}

# hold_feeder RCFILE: stdin of remote_thr --hold; ends once RCFILE exists
# (local_thr exited), or when remote_thr is gone (write fails), or after
# BENCH_RUN_TIMEOUT.
hold_feeder() {
    n=0
    while [ ! -e "$1" ] && [ $n -lt $((RUN_TIMEOUT * 50)) ]; do
        sleep 0.02
        printf . 2>/dev/null || return 0
        n=$((n + 1))
    done
}

# stop_local: end the local_* run started by run_one, if still running.
stop_local() {
    [ -n "$LOCAL_PID" ] || return 0
    if [ -s "$LOCAL_LOG.local.pid" ] && [ ! -e "$LOCAL_LOG.local.rc" ]; then
        kill "$(cat "$LOCAL_LOG.local.pid")" 2>/dev/null
    fi
    wait "$LOCAL_PID" 2>/dev/null
    LOCAL_PID=""
}

# first_error LOGBASE: first stderr line of a failed run.
first_error() {
    cat "$1".err "$1".local.err "$1".remote.err 2>/dev/null | grep -v '^$' | head -n 1
}

median() {
    sort -g | awk 'NF { v[++n] = $1 } END {
        if (n == 0) exit 1
        if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

TABLE=$TMPD/table
NOTES=$TMPD/notes
RAW=$TMPD/raw
: >"$NOTES"
: >"$RAW"
LIBZMQ_FAILED=0
START=$(date +%s)

{
    echo "ferrozmq bench  $(date -u '+%Y-%m-%d %H:%M:%S UTC')  $(nproc 2>/dev/null || echo '?') cpus  BENCH_SCALE=$SCALE  reps=$REPS (median)"
    echo "libzmq:   $(echo "$LIBZMQ_INFO" | sed 's/^which_zmq //')"
    echo "ferrozmq: $(echo "$FERRO_INFO" | sed 's/^which_zmq //')"
    echo "ratio > 1.0 means ferrozmq is better (thr: ferrozmq/libzmq, lat: libzmq/ferrozmq)"
    echo
    printf '%-16s %-9s %-12s %-12s %-7s\n' case unit libzmq ferrozmq ratio
    printf '%-16s %-9s %-12s %-12s %-7s\n' ---------------- --------- ------------ ------------ -------
} >"$TABLE"

echo "bench: running (BENCH_SCALE=$SCALE, $REPS reps per library)"
while read -r name kind tr size base; do
    if [ -n "$FILTER" ] && ! printf '%s\n' "$name" | grep -Eq -- "$FILTER"; then
        continue
    fi
    count=$(scaled "$base")
    zvals="" fvals="" ferro_ok=1 rep=1
    while [ $rep -le "$REPS" ]; do
        # Alternate which library goes first, so neither gets a fixed slot.
        if [ $((rep % 2)) -eq 1 ]; then order="libzmq ferrozmq"; else order="ferrozmq libzmq"; fi
        for lib in $order; do
            log=$LOGS/$lib-$name-$rep
            if [ $lib = libzmq ]; then
                if run_one "$LIBZMQ_DIR" "$name" "$kind" "$tr" "$size" "$count" "$log"; then
                    zvals="$zvals $RESULT"
                else
                    LIBZMQ_FAILED=1
                    echo "libzmq $name (run $rep): $(first_error "$log")" >>"$NOTES"
                fi
            elif [ $ferro_ok -eq 1 ]; then
                if run_one "$FERRO_DIR" "$name" "$kind" "$tr" "$size" "$count" "$log"; then
                    fvals="$fvals $RESULT"
                else
                    # One failure is enough: don't spend the other runs on it.
                    ferro_ok=0
                    echo "ferrozmq $name: $(first_error "$log")" >>"$NOTES"
                fi
            fi
        done
        rep=$((rep + 1))
    done
    z=$(printf '%s\n' $zvals | median) || z=""
    f=""
    [ $ferro_ok -eq 1 ] && { f=$(printf '%s\n' $fvals | median) || f=""; }
    if [ "$kind" = thr ]; then unit=msg/s; fmt='%.0f'; else unit=us; fmt='%.2f'; fi
    zs=n/a fs=n/a ratio=n/a
    [ -n "$z" ] && zs=$(awk -v v="$z" -v f="$fmt" 'BEGIN { printf f, v }')
    [ -n "$f" ] && fs=$(awk -v v="$f" -v f="$fmt" 'BEGIN { printf f, v }')
    if [ -n "$z" ] && [ -n "$f" ]; then
        ratio=$(awk -v z="$z" -v f="$f" -v k="$kind" 'BEGIN {
            if (k == "thr") r = (z > 0) ? f / z : 0; else r = (f > 0) ? z / f : 0
            printf "%.2f", r }')
    fi
    line=$(printf '%-16s %-9s %-12s %-12s %-7s' "$name" "$unit" "$zs" "$fs" "$ratio")
    echo "$line" >>"$TABLE"
    echo "  $line"
    echo "$name count=$count libzmq:${zvals:- -} ferrozmq:${fvals:- -}" >>"$RAW"
done <<EOF
$CASES
EOF

{
    echo
    echo "elapsed $(( $(date +%s) - START )) s; logs in $LOGS"
    if [ -s "$NOTES" ]; then
        echo "failures (first error of each):"
        sed 's/^/  /' "$NOTES"
    fi
    echo "every run (2 cores are noisy; judge ratios against this spread):"
    sed 's/^/  /' "$RAW"
} >>"$TABLE"

cp "$TABLE" "$RESULTS" || die "cannot write $RESULTS"
echo
cat "$RESULTS"
echo "(written to $RESULTS)"
if [ $LIBZMQ_FAILED -ne 0 ]; then
    echo "bench: the libzmq reference runs failed; see $LOGS" >&2
    exit 1
fi
exit 0
