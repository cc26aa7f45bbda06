#!/bin/sh
# Checks an installed tree (its prefix is $1): every file `make install`
# promises, a pkg-config build against it, and a run on the installed
# library.
set -eu
prefix=$1
fail=0
for f in lib/libzmq.so.5.2.5 lib/libzmq.so.5 lib/libzmq.so lib/libzmq.a \
         include/zmq.h include/zmq_utils.h lib/pkgconfig/libzmq.pc; do
    if [ ! -e "$prefix/$f" ]; then echo "FAIL: missing $f"; fail=1; fi
done
[ "$(readlink "$prefix/lib/libzmq.so.5")" = libzmq.so.5.2.5 ] || { echo "FAIL: libzmq.so.5 link"; fail=1; }
[ "$(readlink "$prefix/lib/libzmq.so")" = libzmq.so.5 ] || { echo "FAIL: libzmq.so link"; fail=1; }
soname=$(readelf -d "$prefix/lib/libzmq.so.5.2.5" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libzmq.so.5 ] || { echo "FAIL: soname is '$soname'"; fail=1; }

pc="pkg-config --define-variable=prefix=$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$($pc --modversion libzmq)" = 4.3.5 ] || { echo "FAIL: pkg-config version"; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.c" <<'C'
#include <zmq.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    int major, minor, patch;
    zmq_msg_t msg;
    zmq_version(&major, &minor, &patch);
    if (zmq_msg_init_size(&msg, 5) != 0) return 1;
    memcpy(zmq_msg_data(&msg), "hello", 5);
    printf("installed libzmq %d.%d.%d, message of %zu bytes\n",
           major, minor, patch, zmq_msg_size(&msg));
    return zmq_msg_close(&msg) == 0 && major == 4 ? 0 : 1;
}
C
# shellcheck disable=SC2046
${CC:-cc} -o "$tmp/t" "$tmp/t.c" $($pc --cflags --libs libzmq) -Wl,-rpath,"$prefix/lib"
"$tmp/t" || fail=1
ldd "$tmp/t" | grep -q "$prefix/lib/libzmq.so.5" || { echo "FAIL: not linked to the installed library"; ldd "$tmp/t"; fail=1; }
exit $fail
