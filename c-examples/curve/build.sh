#!/bin/sh
# build.sh OUTDIR -- compile the CURVE example programs here into OUTDIR
# (see ../build.sh for CC, CFLAGS, LDFLAGS and WERROR).
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd) || exit 1
exec sh "$here/../build.sh" "$here" "$@"
