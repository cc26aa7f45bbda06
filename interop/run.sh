#!/bin/sh
# Cross-process interoperability run: two peer processes per case, each side
# on its own libzmq.so.5 chosen by LD_LIBRARY_PATH.
#
#   SIDE_A_LIBDIR=dir  SIDE_B_LIBDIR=dir  sh interop/run.sh
#
# Defaults: both sides on Debian's libzmq (/usr/lib/x86_64-linux-gnu).
# Optional: SCENARIOS="reqrep pubsub ..." TRANSPORTS="tcp ipc"
#           INTEROP_OUT=dir (keep binaries and logs there; default: a temp
#           dir removed at exit)  CC=cc  BUDGET=110 (seconds for all cases)
#
# peer.c and which.c are built once, against /work/main/include/zmq.h, linked
# with plain -lzmq and no rpath, so the loader decides per process.
#
# Each scenario has two roles; every case is
#   scenario x transport (tcp 127.0.0.1 wildcard port | ipc in a temp dir)
#            x which side plays which role x which side binds.
# The binding side starts first and writes its real endpoint to a ready
# file; the connecting side starts once that file exists.
set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/.." && pwd -P)
. "$HERE/sides.sh"
SCENARIOS=${SCENARIOS:-"reqrep pubsub pushpull dealerrouter pair xpubxsub heartbeat"}
TRANSPORTS=${TRANSPORTS:-"tcp ipc"}
BUDGET=${BUDGET:-110}
make_out_dir interop

# ---- build once -----------------------------------------------------------
echo "build: $CC $CFLAGS -o $OUT/peer $HERE/peer.c -lzmq"
$CC $CFLAGS -o "$OUT/peer" "$HERE/peer.c" ${LDFLAGS:-} -lzmq || exit 2
$CC $CFLAGS -o "$OUT/which" "$HERE/which.c" ${LDFLAGS:-} -lzmq -ldl || exit 2
no_rpath "$OUT/peer"

# ---- which library does each side load? -----------------------------------
verify_side A "$SIDE_A_LIBDIR"
verify_side B "$SIDE_B_LIBDIR"

# ---- cases ---------------------------------------------------------------
roles_of() {
    case $1 in
        reqrep) echo "req rep" ;;
        pubsub) echo "pub sub" ;;
        pushpull) echo "push pull" ;;
        dealerrouter) echo "dealer router" ;;
        pair) echo "pair-a pair-b" ;;
        xpubxsub) echo "xpub xsub" ;;
        heartbeat) echo "hb-dealer hb-router" ;;
        *) echo "" ;;
    esac
}

pass=0
fail=0
n=0
start=$(date +%s)

run_case() { # scenario transport roleA roleB binder(A|B)
    scen=$1; tr=$2; ra=$3; rb=$4; binder=$5
    n=$((n + 1))
    dir=$OUT/case$n
    mkdir -p "$dir"
    if [ "$tr" = tcp ]; then bind_ep="tcp://127.0.0.1:*"; else bind_ep="ipc://$dir/ep"; fi
    if [ "$binder" = A ]; then
        b_role=$ra; b_lib=$SIDE_A_LIBDIR; b_side=A; c_role=$rb; c_lib=$SIDE_B_LIBDIR; c_side=B
    else
        b_role=$rb; b_lib=$SIDE_B_LIBDIR; b_side=B; c_role=$ra; c_lib=$SIDE_A_LIBDIR; c_side=A
    fi
    label=$(printf '%-12s %-3s A=%s B=%s %s-binds' "$scen" "$tr" "$ra" "$rb" "$binder")

    elapsed=$(( $(date +%s) - start ))
    if [ "$elapsed" -ge "$BUDGET" ]; then
        echo "FAIL $label: skipped, time budget of ${BUDGET}s used up"
        fail=$((fail + 1)); return
    fi

    start_side "$dir" "$b_side" "$b_lib" "$OUT/peer" "$b_role" "@$bind_ep" "$scen"
    bpid=$!
    if ! wait_ready "$dir" "$bpid"; then
        echo "FAIL $label: binder never became ready"; sed 's/^/    /' "$dir/$b_side.err"
        fail=$((fail + 1)); return
    fi
    start_side "$dir" "$c_side" "$c_lib" "$OUT/peer" "$c_role" ">$(cat "$dir/ready")" "$scen"
    cpid=$!
    wait "$bpid"; brc=$?
    wait "$cpid"; crc=$?
    ares=$(result_of "$dir/A.out"); bres=$(result_of "$dir/B.out")
    if [ $brc -eq 0 ] && [ $crc -eq 0 ] && [ "${ares%% *}" != 0 ] && [ "${bres%% *}" != 0 ] \
        && [ "${ares#*, }" = "0 failed" ] && [ "${bres#*, }" = "0 failed" ]; then
        echo "PASS $label  [A: $ares | B: $bres]"
        pass=$((pass + 1))
    else
        echo "FAIL $label  [A: $ares rc=$( [ $b_side = A ] && echo $brc || echo $crc) | B: $bres rc=$( [ $b_side = B ] && echo $brc || echo $crc)]"
        for s in A B; do grep -v ': bound \|: done in \|: joined after\|: idle ' "$dir/$s.err" | sed "s/^/    $s: /"; done
        fail=$((fail + 1))
    fi
}

for scen in $SCENARIOS; do
    roles=$(roles_of "$scen")
    if [ -z "$roles" ]; then echo "FAIL unknown scenario $scen"; fail=$((fail + 1)); continue; fi
    r1=${roles% *}; r2=${roles#* }
    for tr in $TRANSPORTS; do
        for assign in 12 21; do
            if [ $assign = 12 ]; then ra=$r1; rb=$r2; else ra=$r2; rb=$r1; fi
            for binder in A B; do
                run_case "$scen" "$tr" "$ra" "$rb" "$binder"
            done
        done
    done
done

echo "interop: $(( $(date +%s) - start ))s, side A $SIDE_A_LIBDIR, side B $SIDE_B_LIBDIR"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
