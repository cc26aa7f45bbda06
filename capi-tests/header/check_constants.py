#!/usr/bin/env python3
"""Header parity checker: ferrozmq's include/zmq.h against a reference zmq.h.

Usage:
    python3 check_constants.py OUR_INCLUDE_DIR [SYSTEM_ZMQ_H]

SYSTEM_ZMQ_H defaults to /usr/include/zmq.h (Debian's libzmq 4.3.4 header).

What is checked (all with ZMQ_BUILD_DRAFT_API defined unless said otherwise):

  * macros   -- every object-like macro named ZMQ_* or E* that the reference
                header leaves defined must also be defined by ours, with the
                same value *and* the same C type (both headers' values are
                printed by a small generated C program).  Macros with an
                empty body (feature flags such as ZMQ_HAVE_TIMERS) must be
                defined by ours too.  A short allow-list covers the intended
                4.3.4 -> 4.3.5 differences.
  * tiers    -- without ZMQ_BUILD_DRAFT_API, our header must define exactly
                the reference's stable names (so draft constants stay behind
                the draft switch), apart from an allow-list of extras.
  * protos   -- every zmq_* prototype reported by `gcc -aux-info` for the
                reference must appear identically (parameter names are not
                part of that output) for ours; ours may declare more.
  * compat   -- the reference prototypes, re-declared after including our
                header, must be accepted by the compiler (type-level
                compatibility, independent of spelling).
  * layouts  -- size, alignment and member offsets of the public structs.

Prints one line per failure plus a summary per family, then a final line
"N passed, M failed".  Exit status is 1 if anything failed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# gcc is needed: -aux-info is a GCC feature.  Override with $CC.
CC = os.environ.get("CC", "gcc")

# Reference macros whose value intentionally differs in ferrozmq (4.3.5).
VALUE_ALLOWED_DIFFERENCES = {
    "ZMQ_VERSION_PATCH": "4.3.4 header says 4, ferrozmq implements 4.3.5",
    "ZMQ_VERSION": "derived from ZMQ_VERSION_PATCH (40304 vs 40305)",
    "ZMQ_RECONNECT_STOP_AFTER_DISCONNECT": "renumbered 0x3 -> 0x4 in 4.3.5",
}

# Names our header may define in a non-draft build although the reference
# does not (the reference #undefs its export macro at the end).
STABLE_EXTRA_ALLOWED = {"ZMQ_EXPORT"}

NAME_RE = re.compile(r"^(ZMQ_\w+|E\w+)$")
DEFINE_RE = re.compile(r"^#define\s+(\w+)(\([^)]*\))?(?:\s+(.*))?$")


class Result:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self):
        self.passed += 1

    def fail(self, family, msg):
        self.failed += 1
        print("FAIL [%s] %s" % (family, msg))


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def die(msg):
    print("ERROR: " + msg)
    print("0 passed, 1 failed")
    sys.exit(2)


class Header:
    """One zmq.h, reached through a TU that includes it by absolute path."""

    def __init__(self, label, path, workdir):
        self.label = label
        self.path = os.path.abspath(path)
        self.workdir = workdir
        self.tu = os.path.join(workdir, "%s_tu.c" % label)
        with open(self.tu, "w") as f:
            f.write('#include "%s"\n' % self.path)

    def macros(self, draft):
        """name -> body (None for function-like) of ZMQ_* / E* macros."""
        cmd = [CC, "-dM", "-E"] + (["-DZMQ_BUILD_DRAFT_API"] if draft else [])
        cmd.append(self.tu)
        p = run(cmd)
        if p.returncode != 0:
            die("preprocessing %s failed:\n%s" % (self.path, p.stderr))
        out = {}
        for line in p.stdout.splitlines():
            m = DEFINE_RE.match(line.strip())
            if not m or not NAME_RE.match(m.group(1)):
                continue
            name, params, body = m.group(1), m.group(2), m.group(3)
            out[name] = None if params is not None else (body or "").strip()
        return out

    def values(self, names):
        """Evaluate object-like macros in C; returns name -> "type:value".

        Names whose body is not a usable C expression (attributes, guards,
        ...) are dropped after the compiler complains about their line, and
        the build is retried, so odd macros are skipped gracefully."""
        pending = sorted(names)
        skipped = []
        src = os.path.join(self.workdir, "%s_values.c" % self.label)
        exe = os.path.join(self.workdir, "%s_values" % self.label)
        for _attempt in range(50):
            first_line, text = _values_program(self.path, pending)
            with open(src, "w") as f:
                f.write(text)
            p = run([CC, "-std=gnu11", "-DZMQ_BUILD_DRAFT_API", "-w",
                     "-ftrack-macro-expansion=0",
                     "-o", exe, src])
            if p.returncode == 0:
                break
            bad = set()
            for m in re.finditer(r"%s:(\d+):\d+: error" % re.escape(src),
                                 p.stderr):
                idx = int(m.group(1)) - first_line
                if 0 <= idx < len(pending):
                    bad.add(pending[idx])
            if not bad:
                die("cannot build value printer for %s:\n%s"
                    % (self.path, p.stderr[-3000:]))
            skipped.extend(sorted(bad))
            pending = [n for n in pending if n not in bad]
        else:
            die("too many unusable macros in %s" % self.path)
        p = run([exe])
        if p.returncode != 0:
            die("value printer for %s crashed" % self.path)
        vals = {}
        for line in p.stdout.splitlines():
            name, _, rest = line.partition("\t")
            vals[name] = rest
        return vals, skipped

    def prototypes(self):
        """name -> normalised prototype for every zmq_* declaration."""
        aux = os.path.join(self.workdir, "%s.aux" % self.label)
        p = run([CC, "-DZMQ_BUILD_DRAFT_API", "-aux-info", aux,
                 "-fsyntax-only", self.tu])
        if p.returncode != 0:
            die("gcc -aux-info on %s failed:\n%s" % (self.path, p.stderr))
        protos = {}
        with open(aux) as f:
            for line in f:
                line = re.sub(r"/\*.*?\*/", "", line).strip()
                m = re.match(r"^(?:extern\s+)?(.*?)\b(zmq_\w+)\s*\((.*)\)\s*;$",
                             line)
                if not m:
                    continue
                ret, name, params = m.groups()
                protos[name] = _normalise("%s %s (%s)" % (ret, name, params))
                protos[name + "@raw"] = line
        return protos

    def layouts(self):
        src = os.path.join(self.workdir, "%s_layout.c" % self.label)
        exe = os.path.join(self.workdir, "%s_layout" % self.label)
        with open(src, "w") as f:
            f.write(_layout_program(self.path))
        p = run([CC, "-std=gnu11", "-DZMQ_BUILD_DRAFT_API", "-o", exe, src])
        if p.returncode != 0:
            die("layout probe for %s failed:\n%s" % (self.path, p.stderr))
        p = run([exe])
        out = {}
        for line in p.stdout.splitlines():
            k, _, v = line.partition("\t")
            out[k] = v
        return out


def _normalise(s):
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*([(),*])\s*", r"\1", s)
    return s.strip()


def _values_program(header, names):
    """C source printing "NAME<TAB>type:value" for every name.

    _Generic picks a printer by the macro's C type, so the type is part of
    the compared value (a 0x10000u where 0x10000 was expected is caught).
    Only the chosen function designator is called, so string and integer
    printers never see an argument of the wrong type."""
    lines = ['#include "%s"' % header, "#include <stdio.h>"]
    for suffix, ctype, fmt in (
            ("i", "int", "%d"), ("u", "unsigned int", "%u"),
            ("l", "long", "%ld"), ("ul", "unsigned long", "%lu"),
            ("ll", "long long", "%lld"), ("ull", "unsigned long long", "%llu")):
        lines.append('static void show_%s(const char *n, %s v) '
                     '{ printf("%%s\\t%s:%s\\n", n, v); }'
                     % (suffix, ctype, ctype, fmt))
    lines.append('static void show_s(const char *n, const char *v) '
                 '{ printf("%s\\tstring:\\"%s\\"\\n", n, v); }')
    lines += [
        "#define SHOW(n, x) _Generic((x), \\",
        "  char *: show_s, const char *: show_s, \\",
        "  int: show_i, unsigned int: show_u, \\",
        "  long: show_l, unsigned long: show_ul, \\",
        "  long long: show_ll, unsigned long long: show_ull)(n, x)",
        "int main (void)",
        "{",
    ]
    first = len(lines) + 1  # 1-based line number of the first SHOW
    for n in names:
        lines.append('  SHOW("%s", (%s));' % (n, n))
    lines += ["  return 0;", "}", ""]
    return first, "\n".join(lines)


def _layout_program(header):
    items = [
        ("zmq_msg_t", None), ("zmq_pollitem_t", None),
        ("zmq_pollitem_t", "socket"), ("zmq_pollitem_t", "fd"),
        ("zmq_pollitem_t", "events"), ("zmq_pollitem_t", "revents"),
        ("zmq_poller_event_t", None), ("zmq_poller_event_t", "socket"),
        ("zmq_poller_event_t", "fd"), ("zmq_poller_event_t", "user_data"),
        ("zmq_poller_event_t", "events"), ("zmq_fd_t", None),
    ]
    out = ['#include "%s"' % header, "#include <stdio.h>",
           "#include <stddef.h>", "int main (void)", "{"]
    for t, member in items:
        if member is None:
            out.append('  printf("sizeof(%s)\\t%%zu\\n", sizeof (%s));' % (t, t))
            out.append('  printf("alignof(%s)\\t%%zu\\n", _Alignof (%s));'
                       % (t, t))
        else:
            out.append('  printf("offsetof(%s,%s)\\t%%zu\\n", '
                       "offsetof (%s, %s));" % (t, member, t, member))
            out.append('  printf("sizeof(%s.%s)\\t%%zu\\n", '
                       "sizeof (((%s *) 0)->%s));" % (t, member, t, member))
    out.append('  printf("signed(zmq_fd_t)\\t%d\\n", (zmq_fd_t) -1 < 0);')
    out += ["  return 0;", "}", ""]
    return "\n".join(out)


def check_compat(res, ours, ref_protos):
    """Re-declare the reference prototypes after our header."""
    src = os.path.join(ours.workdir, "compat.c")
    decls = [v for k, v in sorted(ref_protos.items()) if k.endswith("@raw")]
    with open(src, "w") as f:
        f.write('#include "%s"\n' % ours.path)
        f.write("struct iovec;\n")
        for d in decls:
            f.write(d + "\n")
    p = run([CC, "-DZMQ_BUILD_DRAFT_API", "-fsyntax-only", "-Werror", src])
    bad = set()
    for m in re.finditer(r"(\d+):\d+: error: conflicting types for .(zmq_\w+)",
                         p.stderr):
        bad.add(m.group(2))
    if p.returncode != 0 and not bad:
        res.fail("compat", "re-declaration TU did not compile:\n" + p.stderr)
        return
    for k in sorted(ref_protos):
        if k.endswith("@raw"):
            continue
        if k in bad:
            res.fail("compat", "%s: reference prototype conflicts with ours" % k)
        else:
            res.ok()


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    inc = os.path.abspath(argv[1])
    ref_path = argv[2] if len(argv) > 2 else "/usr/include/zmq.h"
    our_path = os.path.join(inc, "zmq.h")
    if not os.path.isfile(our_path):
        die("no zmq.h in %s" % inc)
    if not os.path.isfile(ref_path):
        print("SKIP: no system zmq.h (%s); install libzmq3-dev to compare"
              % ref_path)
        print("0 passed, 0 failed")
        return 0
    if shutil.which(CC) is None:
        die("C compiler %r not found" % CC)

    res = Result()
    workdir = tempfile.mkdtemp(prefix="zmqhdr-")
    try:
        ours = Header("ours", our_path, workdir)
        ref = Header("ref", ref_path, workdir)
        print("ours:      %s" % ours.path)
        print("reference: %s" % ref.path)

        # ---- macros (draft on) ------------------------------------------
        before = (res.passed, res.failed)
        om, rm = ours.macros(True), ref.macros(True)
        rm.pop("ZMQ_BUILD_DRAFT_API", None)
        om.pop("ZMQ_BUILD_DRAFT_API", None)
        r_func = sorted(n for n, b in rm.items() if b is None)
        r_empty = sorted(n for n, b in rm.items() if b == "")
        r_obj = sorted(n for n, b in rm.items() if b)
        o_obj = sorted(n for n, b in om.items() if b)
        rvals, rskip = ref.values(r_obj)
        ovals, oskip = ours.values(o_obj)
        for n in r_func:  # function-like (ZMQ_MAKE_VERSION): must exist
            if n in om and om[n] is None:
                res.ok()
            else:
                res.fail("macros", "%s: function-like macro missing" % n)
        for n in r_empty:
            if n in om and om[n] == "":
                res.ok()
            else:
                res.fail("macros", "%s: empty feature macro missing or has a "
                         "value in ours (%r)" % (n, om.get(n)))
        for n in r_obj:
            if n not in rvals:
                continue  # not a value in the reference either: skipped
            if n not in om:
                res.fail("macros", "%s: missing (reference %s)"
                         % (n, rvals[n]))
            elif n not in ovals:
                res.fail("macros", "%s: not a usable value in ours (%r)"
                         % (n, om[n]))
            elif ovals[n] == rvals[n]:
                res.ok()
            elif n in VALUE_ALLOWED_DIFFERENCES:
                print("allowed   %s: reference %s, ours %s (%s)"
                      % (n, rvals[n], ovals[n], VALUE_ALLOWED_DIFFERENCES[n]))
                res.ok()
            else:
                res.fail("macros", "%s: reference %s, ours %s"
                         % (n, rvals[n], ovals[n]))
        extra = sorted(set(om) - set(rm))
        print("macros:    %d reference macros (%d valued, %d empty, %d "
              "function-like); %d not values, skipped: %s"
              % (len(rm), len(rvals), len(r_empty), len(r_func), len(rskip),
                 ", ".join(rskip) or "none"))
        print("           ours adds %d: %s" % (len(extra), " ".join(extra)))
        if oskip:
            print("           ours, not values: %s" % ", ".join(oskip))
        print("           -> %d passed, %d failed"
              % (res.passed - before[0], res.failed - before[1]))

        # ---- stable tier (draft off) ------------------------------------
        before = (res.passed, res.failed)
        os_, rs_ = ours.macros(False), ref.macros(False)
        for n in sorted(set(rs_) - set(os_)):
            res.fail("tiers", "%s: reference declares it in the stable API, "
                     "ours only with drafts" % n)
        for n in sorted(set(os_) - set(rs_) - STABLE_EXTRA_ALLOWED):
            res.fail("tiers", "%s: ours declares it without "
                     "ZMQ_BUILD_DRAFT_API, the reference does not" % n)
        for n in sorted(set(rs_) & set(os_)):
            res.ok()
        print("tiers:     %d stable-tier names compared -> %d passed, "
              "%d failed" % (len(rs_), res.passed - before[0],
                             res.failed - before[1]))

        # ---- prototypes --------------------------------------------------
        before = (res.passed, res.failed)
        op, rp = ours.prototypes(), ref.prototypes()
        rnames = sorted(k for k in rp if not k.endswith("@raw"))
        onames = sorted(k for k in op if not k.endswith("@raw"))
        for n in rnames:
            if n not in op:
                res.fail("protos", "%s: missing; reference: %s" % (n, rp[n]))
            elif op[n] != rp[n]:
                res.fail("protos", "%s:\n    reference: %s\n    ours:      %s"
                         % (n, rp[n], op[n]))
            else:
                res.ok()
        print("protos:    %d reference prototypes, ours has %d; extra: %s"
              % (len(rnames), len(onames),
                 " ".join(sorted(set(onames) - set(rnames))) or "none"))
        print("           -> %d passed, %d failed"
              % (res.passed - before[0], res.failed - before[1]))

        # ---- type compatibility -------------------------------------------
        before = (res.passed, res.failed)
        check_compat(res, ours, rp)
        print("compat:    reference prototypes re-declared over ours -> "
              "%d passed, %d failed"
              % (res.passed - before[0], res.failed - before[1]))

        # ---- layouts ----------------------------------------------------
        before = (res.passed, res.failed)
        ol, rl = ours.layouts(), ref.layouts()
        for k in sorted(rl):
            if ol.get(k) == rl[k]:
                res.ok()
            else:
                res.fail("layouts", "%s: reference %s, ours %s"
                         % (k, rl[k], ol.get(k)))
        print("layouts:   %d facts -> %d passed, %d failed"
              % (len(rl), res.passed - before[0], res.failed - before[1]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print("%d passed, %d failed" % (res.passed, res.failed))
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
