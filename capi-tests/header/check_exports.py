#!/usr/bin/env python3
"""Checks that the shared library exports exactly the functions zmq.h
declares (stable and draft), so no declared function is missing at link
time and nothing undeclared leaks out.

usage: check_exports.py INCLUDE_DIR LIBRARY
"""
import os
import re
import subprocess
import sys
import tempfile

# Exported on purpose but not part of libzmq's API: lets programs and tests
# tell that the loaded libzmq.so.5 is ferrozmq.
EXTRA_EXPORTS = {"ferrozmq_version"}


def declared(include_dir):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "t.c")
        aux = os.path.join(tmp, "aux.txt")
        with open(src, "w") as f:
            f.write("#define ZMQ_BUILD_DRAFT_API\n#include <zmq.h>\n")
        subprocess.run(
            [os.environ.get("CC", "gcc"), "-std=gnu11", "-I", include_dir,
             "-aux-info", aux, "-fsyntax-only", src],
            check=True)
        names = set()
        with open(aux) as f:
            for line in f:
                if "zmq.h" not in line:
                    continue
                m = re.search(r"\b(zmq_\w+)\s*\(", line)
                if m:
                    names.add(m.group(1))
        return names


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         check=True, capture_output=True, text=True).stdout
    return {parts[2] for parts in (l.split() for l in out.splitlines())
            if len(parts) == 3 and parts[1] == "T"}


def main():
    include_dir, library = sys.argv[1], sys.argv[2]
    decl, exp = declared(include_dir), exported(library)
    passed = failed = 0
    for name in sorted(decl):
        if name in exp:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: {name} declared in zmq.h but not exported")
    for name in sorted(exp - decl - EXTRA_EXPORTS):
        failed += 1
        print(f"FAIL: {name} exported but not declared in zmq.h")
    print(f"exports: {len(decl)} declared functions, {len(exp)} exported symbols")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
