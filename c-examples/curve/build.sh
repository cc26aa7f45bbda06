#!/bin/sh
# build.sh -- compile the CURVE example programs in this directory.
#
# Usage:  build.sh OUTDIR
#   Each NAME.c becomes OUTDIR/NAME, built with
#     ${CC:-cc} -std=c99 -Wall -Wextra -O2 -D_GNU_SOURCE $CFLAGS NAME.c $LDFLAGS -lzmq -lpthread
#   so the caller picks the zmq.h and libzmq through CFLAGS/LDFLAGS, as
#   with ../guide/build.sh. WERROR=1 adds -Werror.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
src=$(cd "$(dirname "$0")" && pwd) || exit 1
mkdir -p "$out" || exit 1
extra=""
[ "${WERROR:-0}" = 1 ] && extra="-Werror"

failed=""
for name in curve_keygen curve_server curve_client; do
    # shellcheck disable=SC2086
    ${CC:-cc} -std=c99 -Wall -Wextra -O2 -D_GNU_SOURCE $extra ${CFLAGS:-} "$src/$name.c" \
        ${LDFLAGS:-} -lzmq -lpthread -o "$out/$name" || failed="$failed $name"
done
if [ -n "$failed" ]; then
    echo "build.sh: FAILED:$failed" >&2
    exit 1
fi
echo "build.sh: built curve_keygen, curve_server, curve_client into $out"
