#!/bin/sh
# run_demo.sh -- the CURVE example, start to finish, as separate processes.
#
# Usage:  run_demo.sh BINDIR
#   BINDIR  the programs built by build.sh
#
# In a fresh temporary directory:
#   1. curve_keygen makes key pairs for the server, alice and mallory
#   2. curve_server starts on tcp://127.0.0.1 (a free port), allowing only
#      alice.pub, and answers 2 requests
#   3. mallory, whose key is not on the list, is refused (exit 2)
#   4. eve has alice's key but trusts a forged server key: the server
#      cannot read her HELLO and hangs up (exit 1)
#   5. alice sends 2 requests and gets 2 answers (exit 0); the server,
#      done, exits 0
# Every process runs under timeout(1) (20 s). Prints what each one said,
# then PASS or FAIL; exits 0 only if everything happened as described.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 BINDIR" >&2
    exit 2
fi
BIN=$(cd "$1" && pwd) || exit 2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/curve-demo.XXXXXX") || exit 1
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$WORK" || exit 1

ok=1
fail() { echo "   !! $*"; ok=0; }
show() { sed 's/^/   | /' "$1"; }

# run LABEL EXPECTED-STATUS PROGRAM ARGS...
run() {
    label=$1 want=$2 prog=$3
    shift 3
    timeout -k 2 20 "$BIN/$prog" "$@" >"$label.log" 2>&1
    rc=$?
    echo "   --- $label (exit $rc)"
    show "$label.log"
    [ "$rc" -eq "$want" ] || fail "$label exited with $rc, expected $want"
}

echo "== 1. keys"
for who in server alice mallory impostor; do
    "$BIN/curve_keygen" "$who" >>keygen.log 2>&1 || fail "curve_keygen $who failed"
done
show keygen.log
echo "   (impostor.pub plays a server key nobody has the secret of)"

echo "== 2. server"
timeout -k 2 20 "$BIN/curve_server" 'tcp://127.0.0.1:*' server.key 2 alice.pub >server.log 2>&1 &
SERVER_PID=$!
tries=0
until grep -q 'listening on' server.log 2>/dev/null; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        fail "the server did not start"; show server.log; exit 1
    fi
    sleep 0.1
done
EP=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' server.log)
echo "   the server listens on $EP"

echo "== 3. mallory (not on the allow-list)"
run mallory 2 curve_client "$EP" server.pub mallory.key 1
echo "== 4. eve (alice's key, a forged server key)"
run eve 1 curve_client "$EP" impostor.pub alice.key 1
echo "== 5. alice"
run alice 0 curve_client "$EP" server.pub alice.key 2

wait "$SERVER_PID"
rc=$?
SERVER_PID=""
echo "   --- server (exit $rc)"
show server.log
[ "$rc" -eq 0 ] || fail "the server exited with $rc"
grep -q 'ZAP: alice .*allowed' server.log || fail "the server's ZAP handler did not allow alice"
grep -q 'ZAP: unknown key .*refused' server.log || fail "the server's ZAP handler did not refuse mallory"
[ "$(grep -c 'request from alice' server.log)" -eq 2 ] || fail "the server did not get alice's 2 requests"

if [ $ok -eq 1 ]; then
    echo "SUMMARY: PASS (alice served, mallory refused by ZAP, eve hung up on)"
    exit 0
fi
echo "SUMMARY: FAIL"
exit 1
