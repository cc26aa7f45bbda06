#!/bin/sh
# Cross-process security run (PLAIN, CURVE, ZAP): two secpeer processes per
# case, each side on its own libzmq.so.5 chosen by LD_LIBRARY_PATH.
#
#   SIDE_A_LIBDIR=dir  SIDE_B_LIBDIR=dir  sh interop/security.sh
#
# Defaults: both sides on Debian's libzmq (/usr/lib/x86_64-linux-gnu).
# Optional: SCENARIOS="plain-ok curve-ok ..."  INTEROP_OUT=dir (keep the
#           binaries and per-case logs; default: a temp dir removed at exit)
#           CC=cc  BUDGET=80 (seconds for all cases)
#           SECPEER_VERBOSE=1 (every monitor event in the logs)
#
# secpeer.c and seckeys.c are built once against include/zmq.h, linked with
# plain -lzmq (and -lpthread), no rpath, so the loader decides per process.
#
# Cases, all over tcp on 127.0.0.1:
#   options    each side's library alone: ZMQ_MECHANISM and key options
#   keys       CURVE key pairs made with zmq_curve_keypair: the server's and
#              a stranger's on side A, the client's on side B; each process
#              re-derives every public key it uses with zmq_curve_public
#   scenario x which side is the security server x which side binds
# The binding side starts first and writes its endpoint to a ready file.
set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
ROOT=$(cd "$HERE/.." && pwd -P)
. "$HERE/sides.sh"
SCENARIOS=${SCENARIOS:-"plain-ok plain-denied curve-ok curve-unknown-key curve-wrong-server-key"}
BUDGET=${BUDGET:-80}
make_out_dir security

# ---- build once -----------------------------------------------------------
echo "build: $CC $CFLAGS -o $OUT/secpeer $HERE/secpeer.c -lzmq -lpthread"
$CC $CFLAGS -o "$OUT/secpeer" "$HERE/secpeer.c" ${LDFLAGS:-} -lzmq -lpthread || exit 2
$CC $CFLAGS -o "$OUT/seckeys" "$HERE/seckeys.c" ${LDFLAGS:-} -lzmq || exit 2
$CC $CFLAGS -o "$OUT/which" "$HERE/which.c" ${LDFLAGS:-} -lzmq -ldl || exit 2
no_rpath "$OUT/secpeer"

# ---- which library does each side load? -----------------------------------
verify_side A "$SIDE_A_LIBDIR"
verify_side B "$SIDE_B_LIBDIR"

pass=0
fail=0
start=$(date +%s)

verdict() { # ok(0|1) label detail
    if [ "$1" -eq 0 ]; then echo "PASS $2  $3"; pass=$((pass + 1))
    else echo "FAIL $2  $3"; fail=$((fail + 1)); fi
}

# ---- options, on each library alone ---------------------------------------
for side in A B; do
    if [ $side = A ]; then lib=$SIDE_A_LIBDIR; else lib=$SIDE_B_LIBDIR; fi
    LD_LIBRARY_PATH=$lib "$OUT/seckeys" options >"$OUT/options-$side.out" 2>"$OUT/options-$side.err"
    rc=$?
    res=$(result_of "$OUT/options-$side.out")
    [ $rc -eq 0 ] && [ "${res#*, }" = "0 failed" ]
    verdict $? "$(printf '%-22s side %s' options $side)" "[$res]"
    [ $rc -eq 0 ] || sed 's/^/    /' "$OUT/options-$side.err"
done

# ---- keys -------------------------------------------------------------------
# keygen LIBDIR VAR: VAR_PUBLIC and VAR_SECRET from "seckeys keygen"
keygen() {
    pair=$(LD_LIBRARY_PATH=$1 "$OUT/seckeys" keygen 2>"$OUT/keygen.err") || return 1
    # Z85 has '*', '?' and '[' in its alphabet: never let the shell split
    # or glob a key
    pub=${pair%% *}; sec=${pair#* }
    [ ${#pub} -eq 40 ] && [ ${#sec} -eq 40 ] || return 1
    export "SEC_$2_PUBLIC=$pub" "SEC_$2_SECRET=$sec"
}
if keygen "$SIDE_A_LIBDIR" SERVER && keygen "$SIDE_B_LIBDIR" CLIENT && keygen "$SIDE_A_LIBDIR" STRANGER; then
    verdict 0 "$(printf '%-22s A: server, stranger; B: client' keygen)" ""
else
    verdict 1 "$(printf '%-22s' keygen)" "zmq_curve_keypair/zmq_curve_public failed: $(cat "$OUT/keygen.err")"
    echo "$pass passed, $fail failed"
    exit 1
fi

# ---- scenarios --------------------------------------------------------------
n=0
run_case() { # scenario role-of-A binder(A|B)
    scen=$1; ra=$2; binder=$3
    n=$((n + 1))
    dir=$OUT/case$n
    mkdir -p "$dir"
    if [ "$ra" = server ]; then rb=client; else rb=server; fi
    if [ "$binder" = A ]; then
        b_role=$ra; b_lib=$SIDE_A_LIBDIR; b_side=A; c_role=$rb; c_lib=$SIDE_B_LIBDIR; c_side=B
    else
        b_role=$rb; b_lib=$SIDE_B_LIBDIR; b_side=B; c_role=$ra; c_lib=$SIDE_A_LIBDIR; c_side=A
    fi
    label=$(printf '%-22s A=%s B=%s %s-binds' "$scen" "$ra" "$rb" "$binder")
    if [ $(( $(date +%s) - start )) -ge "$BUDGET" ]; then
        verdict 1 "$label" "skipped, time budget of ${BUDGET}s used up"; return
    fi

    start_side "$dir" "$b_side" "$b_lib" "$OUT/secpeer" "$b_role" "@tcp://127.0.0.1:*" "$scen"
    bpid=$!
    if ! wait_ready "$dir" "$bpid"; then
        verdict 1 "$label" "binder never became ready"; sed 's/^/    /' "$dir/$b_side.err"
        return
    fi
    start_side "$dir" "$c_side" "$c_lib" "$OUT/secpeer" "$c_role" ">$(cat "$dir/ready")" "$scen"
    cpid=$!
    wait "$bpid"; brc=$?
    wait "$cpid"; crc=$?
    ares=$(result_of "$dir/A.out"); bres=$(result_of "$dir/B.out")
    [ $brc -eq 0 ] && [ $crc -eq 0 ] && [ "${ares#*, }" = "0 failed" ] && [ "${bres#*, }" = "0 failed" ]
    ok=$?
    verdict $ok "$label" "[A: $ares | B: $bres]"
    if [ $ok -ne 0 ]; then
        for s in A B; do grep -v -e ': done in ' -e '^[a-z]*: event ' -e '^[a-z]*: handshake events: ' "$dir/$s.err" | sed "s/^/    $s: /"; done
    fi
}

for scen in $SCENARIOS; do
    for ra in server client; do
        for binder in A B; do
            run_case "$scen" "$ra" "$binder"
        done
    done
done

echo "security: $(( $(date +%s) - start ))s, side A $SIDE_A_LIBDIR, side B $SIDE_B_LIBDIR"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
