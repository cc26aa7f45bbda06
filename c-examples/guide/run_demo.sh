#!/bin/sh
# run_demo.sh -- run the guide examples as separate processes over tcp or ipc.
#
# Usage:  run_demo.sh BINDIR [tcp|ipc]
#   BINDIR     directory with the programs built by build.sh
#   transport  tcp: 127.0.0.1, ports GUIDE_PORT_BASE .. GUIDE_PORT_BASE+18
#                   (GUIDE_PORT_BASE defaults to 5555)
#              ipc: socket files in a fresh temporary directory
#              (default tcp)
#
# Each step starts its processes in the background under timeout(1) (at most
# GUIDE_STEP_LIMIT seconds each, default 30), waits for the ones that finish
# by themselves, stops long-running servers with SIGTERM (which they turn
# into a clean shutdown), then prints what every process said and PASS or
# FAIL. A step passes when every one of its processes exits with status 0.
# The last line is a summary; the exit status is 0 only if all steps passed.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BINDIR [tcp|ipc]" >&2
    exit 2
fi
BIN=$(cd "$1" && pwd) || exit 2
TRANSPORT=${2:-tcp}
case $TRANSPORT in
    tcp | ipc) ;;
    *) echo "$0: transport must be tcp or ipc, not '$TRANSPORT'" >&2; exit 2 ;;
esac
PORT_BASE=${GUIDE_PORT_BASE:-5555}
LIMIT=${GUIDE_STEP_LIMIT:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guide-demo.XXXXXX") || exit 1
LIVE=""        # pids of timeout(1) wrappers that have not been reaped yet

cleanup() {
    for pid in $LIVE; do
        kill -TERM "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ep NAME OFFSET: an endpoint that works for both bind and connect.
ep() {
    if [ "$TRANSPORT" = tcp ]; then
        echo "tcp://127.0.0.1:$((PORT_BASE + $2))"
    else
        echo "ipc://$WORK/$1.ipc"
    fi
}

STEP_NO=0
PASSED=0
FAILED=""

# begin NAME DESCRIPTION
begin() {
    STEP_NO=$((STEP_NO + 1))
    STEP_NAME=$1
    STEP_OK=1
    STEP_PROCS=""
    STEP_NOTES=""
    printf '\n== %d. %s -- %s\n' "$STEP_NO" "$1" "$2"
}

# spawn LABEL PROGRAM ARGS...: start a process in the background.
# LABEL must be a valid shell name; it names the log and the process.
spawn() {
    label=$1
    prog=$2
    shift 2
    timeout -k 2 "$LIMIT" "$BIN/$prog" "$@" >"$WORK/$label.log" 2>&1 &
    eval "PID_$label=\$!"
    eval "RC_$label=running"
    LIVE="$LIVE $!"
    STEP_PROCS="$STEP_PROCS $label"
}

# reap LABEL: wait for the process and record its exit status.
reap() {
    eval "pid=\$PID_$1"
    wait "$pid"
    rc=$?
    eval "RC_$1=$rc"
    LIVE=$(echo " $LIVE " | sed "s/ $pid / /")
    [ "$rc" -eq 0 ] || STEP_OK=0
}

# run LABEL PROGRAM ARGS...: run a process to completion.
run() {
    spawn "$@"
    reap "$1"
}

# stop LABEL: ask a long-running process to shut down, then reap it.
stop() {
    eval "pid=\$PID_$1"
    kill -TERM "$pid" 2>/dev/null
    reap "$1"
}

# signal LABEL SIGNAL: deliver a signal (timeout(1) passes it on).
signal() {
    eval "pid=\$PID_$1"
    kill "-$2" "$pid" 2>/dev/null
}

# wait_for_line LABEL TEXT: wait (up to 10 s) until the process printed TEXT.
wait_for_line() {
    tries=0
    until grep -q "$2" "$WORK/$1.log" 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -le 100 ] || return 1
        sleep 0.1
    done
}

# expect LABEL TEXT: the step fails unless the process printed TEXT.
expect() {
    if ! grep -q "$2" "$WORK/$1.log"; then
        STEP_NOTES="$STEP_NOTES   (expected \"$2\" from $1, did not see it)
"
        STEP_OK=0
    fi
}

# end: show every process's output and the verdict.
end() {
    for label in $STEP_PROCS; do
        eval "rc=\$RC_$label"
        case $rc in
            0) note="exit 0" ;;
            124) note="TIMED OUT" ;;
            137) note="KILLED after timing out" ;;
            *) note="exit $rc" ;;
        esac
        echo "   --- $label ($note)"
        sed 's/^/   | /' "$WORK/$label.log"
    done
    printf '%s' "$STEP_NOTES"
    if [ "$STEP_OK" -eq 1 ]; then
        echo "   => PASS"
        PASSED=$((PASSED + 1))
    else
        echo "   => FAIL"
        FAILED="$FAILED $STEP_NAME"
    fi
}

started=$(date +%s)
echo "guide demo: programs from $BIN over $TRANSPORT"

begin hello "hwserver (REP) answers 5 requests from hwclient (REQ)"
spawn hwserver hwserver "$(ep hello 0)" 5
run hwclient hwclient "$(ep hello 0)" 5
reap hwserver
end

begin weather "wuserver (PUB) streams, wuclient (SUB) averages zip 10001"
spawn wuserver wuserver "$(ep weather 1)" 0 100
run wuclient wuclient "$(ep weather 1)" 10001 20
stop wuserver
end

begin weather-proxy "wuclient subscribes through wuproxy (XSUB/XPUB zmq_proxy)"
spawn wuserver wuserver "$(ep weather2 2)" 0 100
spawn wuproxy wuproxy "$(ep weather2 2)" "$(ep proxy 3)"
run wuclient wuclient "$(ep proxy 3)" 10042 20
stop wuproxy
stop wuserver
end

begin pipeline "taskvent -> 3 x taskwork -> tasksink, then KILL over PUB/SUB"
spawn tasksink tasksink "$(ep results 5)" "$(ep control 6)" 20
for i in 1 2 3; do
    spawn "taskwork$i" taskwork "$(ep tasks 4)" "$(ep results 5)" "$(ep control 6)" 20
done
run taskvent taskvent "$(ep tasks 4)" "$(ep results 5)" 60 500
reap tasksink
for i in 1 2 3; do
    reap "taskwork$i"
    expect "taskwork$i" "got KILL"
done
end

begin broker "2 x rrclient -> rrbroker (ROUTER/DEALER + zmq_poll) -> 2 x rrworker"
spawn rrbroker rrbroker "$(ep frontend 7)" "$(ep backend 8)"
spawn rrworker1 rrworker "$(ep backend 8)"
spawn rrworker2 rrworker "$(ep backend 8)"
spawn rrclient1 rrclient "$(ep frontend 7)" 5
spawn rrclient2 rrclient "$(ep frontend 7)" 5
reap rrclient1
reap rrclient2
stop rrworker1
stop rrworker2
stop rrbroker
expect rrbroker "relayed 10 request(s) and 10 reply"
end

begin msgqueue "the same clients and workers through msgqueue (zmq_proxy)"
spawn msgqueue msgqueue "$(ep frontend2 9)" "$(ep backend2 10)"
spawn rrworker1 rrworker "$(ep backend2 10)"
spawn rrworker2 rrworker "$(ep backend2 10)"
spawn rrclient1 rrclient "$(ep frontend2 9)" 5
spawn rrclient2 rrclient "$(ep frontend2 9)" 5
reap rrclient1
reap rrclient2
stop rrworker1
stop rrworker2
stop msgqueue
end

begin sync "syncpub waits for 3 x syncsub, then publishes 10000 updates"
for i in 1 2 3; do
    spawn "syncsub$i" syncsub "$(ep syncdata 11)" "$(ep synchello 12)" 10000
done
spawn syncpub syncpub "$(ep syncdata 11)" "$(ep synchello 12)" 3 10000
reap syncpub
for i in 1 2 3; do
    reap "syncsub$i"
done
end

begin envelope "psenvpub sends [key][content]; psenvsub follows key B only"
spawn psenvsub psenvsub "$(ep envelope 13)" B 5
spawn psenvpub psenvpub "$(ep envelope 13)" 500 10
reap psenvsub
stop psenvpub
end

begin mspoller "mspoller polls taskvent's PUSH and wuserver's PUB at once"
spawn wuserver wuserver "$(ep weather3 14)" 0 100
spawn mspoller mspoller "$(ep tasks2 15)" "$(ep weather3 14)" 10 15
spawn taskvent taskvent "$(ep tasks2 15)" "$(ep nosink 16)" 20 300
reap mspoller
reap taskvent
stop wuserver
end

begin interrupt "SIGINT makes a blocking zmq_recv return EINTR; clean exit"
spawn interrupt interrupt "$(ep interrupt 17)" 20
if wait_for_line interrupt "blocking in zmq_recv"; then
    sleep 0.3
    signal interrupt INT
else
    STEP_NOTES="   (interrupt never reported that it was waiting)
"
    STEP_OK=0
fi
reap interrupt
expect interrupt "EINTR"
expect interrupt "clean exit"
end

begin threads "in one process: mtrelay (inproc PAIR), identity (ROUTER ids)"
run mtrelay mtrelay 4
run identity identity "$(ep identity 18)"
expect identity "CUSTOMER-42"
end

elapsed=$(($(date +%s) - started))
echo
if [ -z "$FAILED" ]; then
    echo "SUMMARY ($TRANSPORT): all $PASSED/$STEP_NO steps passed in ${elapsed}s"
    exit 0
fi
echo "SUMMARY ($TRANSPORT): $PASSED/$STEP_NO steps passed in ${elapsed}s; FAILED:$FAILED"
exit 1
