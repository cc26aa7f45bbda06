#!/bin/sh
# build.sh -- compile every example program of one c-examples directory
# (guide/build.sh and curve/build.sh call it with their own).
#
# Usage:  build.sh SRCDIR OUTDIR
#   Each SRCDIR/NAME.c becomes OUTDIR/NAME, built with
#     ${CC:-cc} -std=c99 -Wall -Wextra -O2 -D_GNU_SOURCE $CFLAGS NAME.c $LDFLAGS -lzmq -lpthread
#   so the caller picks the zmq.h and libzmq to use through CFLAGS/LDFLAGS, e.g.
#     guide/build.sh /tmp/guide                             # system libzmq
#     CFLAGS=-I/opt/zmq/include LDFLAGS="-L/opt/zmq/lib -Wl,-rpath,/opt/zmq/lib" \
#         guide/build.sh /tmp/guide-other
#   Set WERROR=1 to add -Werror. Exits non-zero if any program fails to build.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 SRCDIR OUTDIR" >&2
    exit 2
fi
src=$(cd "$1" && pwd) || exit 1
out=$2
mkdir -p "$out" || exit 1

extra=""
[ "${WERROR:-0}" = 1 ] && extra="-Werror"

built=0
failed=""
for file in "$src"/*.c; do
    name=$(basename "$file" .c)
    # CFLAGS/LDFLAGS are deliberately unquoted: they may hold several flags.
    # shellcheck disable=SC2086
    if ${CC:-cc} -std=c99 -Wall -Wextra -O2 -D_GNU_SOURCE $extra ${CFLAGS:-} "$file" \
        ${LDFLAGS:-} -lzmq -lpthread -o "$out/$name"; then
        built=$((built + 1))
    else
        failed="$failed $name"
    fi
done

if [ -n "$failed" ]; then
    echo "build.sh: built $built program(s) into $out; FAILED:$failed" >&2
    exit 1
fi
echo "build.sh: built $built program(s) into $out"
