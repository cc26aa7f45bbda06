#!/usr/bin/env python3
"""Hostile CURVE peers: raw TCP clients that speak CurveZMQ (curvezmq.py,
libsodium through ctypes) correctly, then break it, against a CURVE ROUTER.

    SERVER_LIBDIR=/usr/lib/x86_64-linux-gnu python3 interop/hostile_curve.py [-v] [case ...]

Builds interop/server.c (and which.c) like hostile.py and starts two CURVE
servers with LD_LIBRARY_PATH=$SERVER_LIBDIR, one key pair made here:

  strict   ZMQ_MAXMSGSIZE=1000, ZMQ_HANDSHAKE_IVL=2000 ms, and a ZAP handler
           that allows the well-behaved client's key and the hostile
           clients' key, and refuses every other key with 400
  default  no options and no ZAP handler: any client that knows the server
           key gets in

Each case opens one connection and misbehaves at one step of the handshake
or after it. As in hostile.py, for each case:
  * the hostile connection ends (or stays open) as libzmq 4.3.4 ends it,
    what it sends before that included (e.g. an ERROR command);
  * a well-behaved CURVE client gets echoes during the case where the
    hostile connection stays open, and on a fresh connection afterwards;
  * the server survives, and exits 0 at the end;
  * the monitor events libzmq emits for the case are pinned (names, and
    values other than fds).
The expectation of every case is the observed libzmq 4.3.4 behaviour,
written next to it.

Prints one line per case and "N passed, N failed"; exits 1 on failure.
"""
import socket
import struct
import sys
import time

# importing hostile.py and curvezmq.py must not leave __pycache__ behind
sys.dont_write_bytecode = True

import curvezmq as cz  # noqa: E402 (after the line above on purpose)
import hostile  # noqa: E402
from hostile import CLOSE_AT_ONCE, Closed, Server, command, greeting, prop  # noqa: E402

SERVER_PK, SERVER_SK = cz.keypair()
GOOD_PK, GOOD_SK = cz.keypair()  # the well-behaved client (allowed by ZAP)
EVIL_PK, EVIL_SK = cz.keypair()  # the hostile clients (allowed by ZAP too)
STRANGER_PK, STRANGER_SK = cz.keypair()  # on nobody's list

# ZMQ_PROTOCOL_ERROR_* values libzmq reports with HANDSHAKE_FAILED_PROTOCOL
UNEXPECTED_COMMAND = "0x10000001"
INVALID_SEQUENCE = "0x10000002"
KEY_EXCHANGE = "0x10000003"
MALFORMED_UNSPECIFIED = "0x10000011"
MALFORMED_MESSAGE = "0x10000012"
MALFORMED_HELLO = "0x10000013"
MALFORMED_INITIATE = "0x10000014"
CRYPTOGRAPHIC = "0x11000001"
MECHANISM_MISMATCH = "0x11000002"


def good_client(port):
    c = cz.CurveConn(port, SERVER_PK, GOOD_PK, GOOD_SK)
    c.handshake()
    return c


def evil(s, pk=EVIL_PK, sk=EVIL_SK, server_pk=SERVER_PK):
    return cz.CurveConn(s.port, server_pk, pk, sk)


def outcome(c, timeout):
    """Reads until the server closes. Returns (how, seconds, commands), how
    being "eof", "rst" or "open" (nothing happened within timeout), and
    commands the names (and ERROR reasons) of the commands it sent first."""
    t0 = time.monotonic()
    names = []

    def read(n):
        return c.recv_exact(n, timeout=t0 + timeout - time.monotonic())

    try:
        while True:
            flags = read(1)[0]
            body = read(struct.unpack(">Q", read(8))[0] if flags & 2 else read(1)[0])
            if flags & 4 and body:
                name = body[1:1 + body[0]].decode("ascii", "replace")
                if name == "ERROR":
                    data = body[1 + body[0]:]
                    name += " " + data[1:1 + data[0]].decode("ascii", "replace")
                names.append(name)
            else:
                names.append("data")
    except Closed:
        how = "eof"
    except ConnectionResetError:
        how = "rst"
    except socket.timeout:
        how = "open"
    return how, time.monotonic() - t0, names


def closed_at_once(c):
    """The server closes the connection within CLOSE_AT_ONCE without
    sending anything first."""
    how, dt, names = outcome(c, CLOSE_AT_ONCE + 2)
    c.close()
    ok = how in ("eof", "rst") and dt <= CLOSE_AT_ONCE and not names
    return ok, "%s%s after %.2fs" % ("got %s, then " % "+".join(names) if names else "", how, dt)


def after_welcome(s, **kw):
    """A hostile connection that got as far as WELCOME."""
    c = evil(s, **kw)
    c.greet()
    c.hello()
    c.read_welcome()
    return c


def flip(data, i):
    """data with octet i inverted (a broken MAC, key or cookie)."""
    return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]


# --------------------------------------------------------------------------
# cases. Each returns (ok, detail).

def case_handshake_and_echo(s):
    # A correct CURVE handshake and messages both ways: proves the Python
    # client right before anything else is tried. Observed: libzmq's
    # greeting says version 3.1, mechanism CURVE, as-server octet 0;
    # WELCOME is 160 octets after its name; READY carries Socket-Type ROUTER
    # and an empty Identity, with short nonce 1; MESSAGEs come as data
    # frames (never the command or more flag; "more" is inside the box)
    # with nonces counting up from 2.
    c = evil(s)
    try:
        props = c.handshake()
        g = c.greeting
        greet_ok = g[10:12] == b"\x03\x01" and g[32] == 0
        ready_ok = props == {"socket-type": b"ROUTER", "identity": b""} and c.peer_nonce == 1
        frames = [b"", b"x", b"y" * 255, b"z" * 256, b"w" * 900]
        echo_ok = c.echo(frames) and c.peer_nonce == 1 + len(frames)
        c.send_msg([b"again"])
        again = c.recv_msg() == [b"again"] and c.peer_nonce == 2 + len(frames)
        return (greet_ok and ready_ok and echo_ok and again,
                "greeting %s as-server %d, READY %r nonce 1, echoes with nonces 2..%d" % (
                    g[10:12].hex(), g[32], props, c.peer_nonce))
    finally:
        c.close()


def case_big_message(s):
    # default server (no MAXMSGSIZE): a 1 MiB + 3 frame message through
    # CURVE and back. Observed: echoed intact.
    c = evil(s)
    try:
        c.handshake()
        big = bytes(range(256)) * 4096 + b"end"
        return c.echo([b"head", big, b""]), "1 MiB frame echoed"
    finally:
        c.close()


def case_unknown_key_refused(s):
    # strict server (ZAP allow-list): a correct handshake with a key ZAP
    # does not know. Observed: libzmq answers the INITIATE with ERROR,
    # reason "400", instead of READY (monitor: HANDSHAKE_FAILED_AUTH 400 at
    # once), and then leaves the connection open for the client to close:
    # it closes it itself only when the handshake timer fires (2.0 s after
    # accept here; with the default 30 s timer it is still open after 3 s).
    t0 = time.monotonic()
    c = evil(s, STRANGER_PK, STRANGER_SK)
    c.greet()
    c.hello()
    c.read_welcome()
    c.initiate()
    how, _, names = outcome(c, 5)
    dt = time.monotonic() - t0
    c.close()
    return (how in ("eof", "rst") and 1.5 <= dt <= 3.5 and names == ["ERROR 400"],
            "got %s, then %s after %.2fs (HANDSHAKE_IVL 2.0s)" % ("+".join(names) or "nothing", how, dt))


def case_unknown_key_no_zap(s):
    # default server (no ZAP handler): the same stranger. Observed: with no
    # handler libzmq accepts any client that knows the server's key.
    c = evil(s, STRANGER_PK, STRANGER_SK)
    try:
        c.handshake()
        return c.echo([b"stranger"]), "accepted without ZAP, echo ok"
    finally:
        c.close()


def case_null_greeting(s):
    # A NULL greeting to a CURVE server. Observed: closed at once
    # (HANDSHAKE_FAILED_PROTOCOL MECHANISM_MISMATCH), before the end of its
    # own greeting.
    c = evil(s)
    c.send(greeting(mechanism=b"NULL"))
    how, dt = c.wait_closed(CLOSE_AT_ONCE + 2)
    c.close()
    return how in ("eof", "rst") and dt <= CLOSE_AT_ONCE, "%s after %.2fs" % (how, dt)


def case_hello_short(s):
    # HELLO one octet short (199 instead of 200 octets). Observed: closed
    # at once, MALFORMED_COMMAND_HELLO.
    c = evil(s)
    c.greet()
    c.send(command(b"HELLO", c.hello_body()[:-1]))
    return closed_at_once(c)


def case_hello_long(s):
    # HELLO one octet long (201). Observed: as short.
    c = evil(s)
    c.greet()
    c.send(command(b"HELLO", c.hello_body() + b"\x00"))
    return closed_at_once(c)


def case_hello_version(s):
    # HELLO claiming CurveZMQ version 2.0. Observed: closed at once,
    # MALFORMED_COMMAND_HELLO.
    c = evil(s)
    c.greet()
    c.hello(version=b"\x02\x00")
    return closed_at_once(c)


def case_hello_padding(s):
    # HELLO whose 72 padding octets are not zero. RFC 26 calls them zero,
    # but libzmq never looks at them. Observed: WELCOME, and the handshake
    # completes; the connection echoes.
    c = evil(s)
    try:
        c.greet()
        c.hello(padding=b"\xa5" * 72)
        c.read_welcome()
        c.initiate()
        c.read_ready()
        return c.echo([b"padded"]), "non-zero padding accepted, echo ok"
    finally:
        c.close()


def case_hello_garbage_box(s):
    # HELLO whose box does not open (one MAC octet flipped). Observed:
    # closed at once, no WELCOME, CRYPTOGRAPHIC.
    c = evil(s)
    c.greet()
    good = c.hello_body()
    c.send(command(b"HELLO", good[:120] + flip(good[120:], 0)))
    return closed_at_once(c)


def case_hello_wrong_server_key(s):
    # A client that believes in another server key: its HELLO box is made
    # for that key. Observed: as a garbage box (CRYPTOGRAPHIC, no ERROR).
    c = evil(s, server_pk=STRANGER_PK)
    c.greet()
    c.hello()
    return closed_at_once(c)


def case_initiate_first(s):
    # INITIATE (of the right size) instead of HELLO. Observed: closed at
    # once, UNEXPECTED_COMMAND.
    c = evil(s)
    c.greet()
    c.send(command(b"INITIATE", b"\x00" * 250))
    return closed_at_once(c)


def case_initiate_garbage_box(s):
    # INITIATE whose outer box does not open. Observed: closed at once,
    # CRYPTOGRAPHIC.
    c = after_welcome(s)
    body = c.initiate_body()
    c.send(command(b"INITIATE", body[:104] + flip(body[104:], 5)))
    return closed_at_once(c)


def case_initiate_bad_cookie(s):
    # INITIATE with one octet of the cookie changed (the server cannot open
    # its own cookie). Observed: closed at once, CRYPTOGRAPHIC.
    c = after_welcome(s)
    c.initiate(cookie=flip(c.cookie, 40))
    return closed_at_once(c)


def case_initiate_bad_vouch(s):
    # INITIATE whose vouch is boxed with a key that does not match the
    # long-term public key it claims (C). Observed: closed at once,
    # CRYPTOGRAPHIC.
    c = after_welcome(s)
    nonce = cz.random_bytes(16)
    vouch = nonce + cz.box(c.cn_pk + SERVER_PK, b"VOUCH---" + nonce, c.server_cn_pk, STRANGER_SK)
    c.initiate(vouch=vouch)
    return closed_at_once(c)


def case_initiate_vouch_wrong_content(s):
    # The vouch opens but vouches for another short-term key (not C').
    # Observed: closed at once, KEY_EXCHANGE.
    c = after_welcome(s)
    nonce = cz.random_bytes(16)
    other, _ = cz.keypair()
    vouch = nonce + cz.box(other + SERVER_PK, b"VOUCH---" + nonce, c.server_cn_pk, EVIL_SK)
    c.initiate(vouch=vouch)
    return closed_at_once(c)


def case_initiate_short(s):
    # INITIATE of 256 octets (libzmq wants at least 257 with the name).
    # Observed: closed at once, MALFORMED_COMMAND_INITIATE.
    c = after_welcome(s)
    c.send(command(b"INITIATE", c.initiate_body()[:256 - 9]))
    return closed_at_once(c)


def case_initiate_bad_metadata(s):
    # A property whose value length runs past the end of the metadata.
    # Observed: closed at once, with no handshake event at all (the monitor
    # shows only ACCEPTED and DISCONNECTED).
    c = after_welcome(s)
    meta = c.metadata() + b"\x05Hello" + struct.pack(">I", 1000) + b"short"
    c.initiate(metadata=meta)
    return closed_at_once(c)


def case_initiate_big_metadata_default(s):
    # default server: INITIATE with a 64 KiB property besides Socket-Type.
    # Observed: accepted (libzmq has no limit of its own on metadata), the
    # connection echoes.
    c = after_welcome(s)
    try:
        c.initiate(metadata=c.metadata() + prop(b"X-Big", b"b" * 65536))
        c.read_ready()
        return c.echo([b"big-metadata"]), "64 KiB metadata accepted, echo ok"
    finally:
        c.close()


def case_initiate_big_metadata_strict(s):
    # strict server (MAXMSGSIZE 1000): the same INITIATE is a frame of
    # about 64 KiB. Observed: closed at once, before CURVE looks at it
    # (no handshake event; often a reset, as our data is still unread).
    c = after_welcome(s)
    c.initiate(metadata=c.metadata() + prop(b"X-Big", b"b" * 65536))
    return closed_at_once(c)


def case_initiate_replayed(s):
    # A complete, valid INITIATE captured from one connection, sent again
    # on a new connection after its own HELLO/WELCOME. The cookie was made
    # with the first connection's cookie key. Observed: closed at once,
    # CRYPTOGRAPHIC.
    first = after_welcome(s)
    captured = command(b"INITIATE", first.initiate_body())
    first.send(captured)
    first.read_ready()
    first.close()
    c = after_welcome(s)
    c.send(captured)
    return closed_at_once(c)


def case_stall_after_hello(s):
    # strict server (HANDSHAKE_IVL 2 s): HELLO, read WELCOME, then silence.
    # Observed: open while others are served, closed when the handshake
    # timer fires, 2.0 s after accept (HANDSHAKE_FAILED_NO_DETAIL EAGAIN).
    t0 = time.monotonic()
    c = after_welcome(s)
    time.sleep(0.3)
    during = s.good.echo([b"during-stall"])
    how, _, names = outcome(c, 5)
    dt = time.monotonic() - t0
    c.close()
    return (how in ("eof", "rst") and 1.5 <= dt <= 3.5 and during and not names,
            "%s after %.2fs (HANDSHAKE_IVL 2.0s), echo during: ok" % (how, dt))


def connected(s):
    c = evil(s)
    c.handshake()
    return c


def rejected_message(c, bad):
    """After the handshake, `bad` is a MESSAGE libzmq cannot accept. libzmq
    4.3.4 reports it on the monitor (HANDSHAKE_FAILED_PROTOCOL, after the
    HANDSHAKE_SUCCEEDED of the same connection) and closes the connection
    at once without an answer. Except, observed in about a third of the
    runs: when a monitor is attached, sending the event can overwrite the
    EPROTO the decoder left in errno with EAGAIN, and libzmq then only
    stops reading: the connection stays open and dead (no answer, no
    DISCONNECTED; a further valid MESSAGE is not answered, and sometimes
    closes it). The same server without a monitor closed at once in every
    run. Either passes; an answer never does."""
    c.send(bad)
    how, dt, names = outcome(c, 1.0)
    if how != "open" or names:
        c.close()
        ok = how in ("eof", "rst") and dt <= CLOSE_AT_ONCE and not names
        return ok, "%s%s after %.2fs" % ("got %s, then " % "+".join(names) if names else "", how, dt)
    c.send(c.message_frame(b"next"))
    how, dt, names = outcome(c, 0.5)
    c.close()
    return not names, "open and silent for 1.0s (input stopped); a valid MESSAGE then: %s%s" % (
        "answered %s, " % "+".join(names) if names else "no answer, ", how)


def case_message_garbage_box(s):
    # A MESSAGE whose box does not open (last octet flipped). Observed:
    # rejected (see rejected_message), CRYPTOGRAPHIC.
    c = connected(s)
    frame = c.message_frame(b"hello")
    return rejected_message(c, frame[:-1] + bytes([frame[-1] ^ 0xFF]))


def case_message_replayed(s):
    # The same MESSAGE frame twice (same short nonce). Observed: the first
    # is echoed, the replay is rejected (see rejected_message),
    # INVALID_SEQUENCE.
    c = connected(s)
    f = c.message_frame(b"once")
    c.send(f)
    first = c.recv_msg() == [b"once"]
    ok, detail = rejected_message(c, f)
    return ok and first, "first echoed; replay: " + detail


def case_message_old_nonce(s):
    # A MESSAGE with short nonce 2, the INITIATE's own nonce (the first
    # MESSAGE must use 3 or more). Observed: rejected (see
    # rejected_message), INVALID_SEQUENCE.
    c = connected(s)
    return rejected_message(c, c.message_frame(b"stale", nonce=2))


def case_message_nonce_gap(s):
    # Nonces may skip: 3, then 1000. Observed: both echoed (libzmq only
    # wants them to increase).
    c = connected(s)
    try:
        c.send(c.message_frame(b"a", nonce=3))
        c.send(c.message_frame(b"b", nonce=1000))
        return c.recv_msg() == [b"a"] and c.recv_msg() == [b"b"], "nonces 3 then 1000 accepted"
    finally:
        c.close()


def case_message_short(s):
    # A MESSAGE of 32 octets (libzmq wants at least 33: name, nonce, MAC
    # and the flags octet). Observed: rejected (see rejected_message),
    # MALFORMED_COMMAND_MESSAGE.
    c = connected(s)
    return rejected_message(c, hostile.frame(c.message_frame(b"")[2:][:32]))


def case_message_as_command(s):
    # A valid MESSAGE sent with the command flag set. Observed: libzmq
    # decrypts it and drops it as an (unknown) command; the connection
    # stays open and the next message echoes.
    c = connected(s)
    try:
        c.send(c.message_frame(b"hidden", as_command=True))
        return c.echo([b"visible"]), "command-flagged MESSAGE dropped, next message echoed"
    finally:
        c.close()


def case_plaintext_after_handshake(s):
    # An unencrypted ZMTP message frame after the CURVE handshake: libzmq
    # reads its first octet ('p' = 112) as a command name length longer
    # than the frame. Observed: closed at once,
    # MALFORMED_COMMAND_UNSPECIFIED.
    c = connected(s)
    c.send(hostile.frame(b"plaintext-hello"))
    return closed_at_once(c)


# The monitor events libzmq 4.3.4 emits for each case (fds left out).
HANDSHAKEN = ["ACCEPTED", "HANDSHAKE_SUCCEEDED 0x0", "DISCONNECTED"]
CLOSED_QUIETLY = ["ACCEPTED", "DISCONNECTED"]
TIMED_OUT = ["ACCEPTED", "HANDSHAKE_FAILED_NO_DETAIL 0xb", "DISCONNECTED"]  # EAGAIN
REFUSED = ["ACCEPTED", "HANDSHAKE_FAILED_AUTH 0x190", "DISCONNECTED"]  # ZAP 400


def failed(value):
    """The handshake failed with ZMQ_PROTOCOL_ERROR_* value."""
    return ["ACCEPTED", "HANDSHAKE_FAILED_PROTOCOL " + value, "DISCONNECTED"]


def failed_after_success(value):
    """A CURVE error after the handshake: libzmq still reports it as a
    failed handshake, after the HANDSHAKE_SUCCEEDED of the same connection."""
    return ["ACCEPTED", "HANDSHAKE_SUCCEEDED 0x0", "HANDSHAKE_FAILED_PROTOCOL " + value, "DISCONNECTED"]


def rejected_after_success(value):
    """A rejected MESSAGE (rejected_message): closed at once, or left open
    and dead, when libzmq never notices the end of the connection, so no
    DISCONNECTED (or, when the valid MESSAGE after it closed it, one)."""
    closed = failed_after_success(value)
    return (closed, closed[:-1])


CASES = [
    # name, server, function, expected events
    ("handshake-and-echo", "strict", case_handshake_and_echo, HANDSHAKEN),
    ("big-message", "default", case_big_message, HANDSHAKEN),
    ("unknown-key-refused", "strict", case_unknown_key_refused, REFUSED),
    ("unknown-key-no-zap", "default", case_unknown_key_no_zap, HANDSHAKEN),
    ("null-greeting", "strict", case_null_greeting, failed(MECHANISM_MISMATCH)),
    ("hello-short", "strict", case_hello_short, failed(MALFORMED_HELLO)),
    ("hello-long", "strict", case_hello_long, failed(MALFORMED_HELLO)),
    ("hello-version-2", "strict", case_hello_version, failed(MALFORMED_HELLO)),
    ("hello-nonzero-padding", "strict", case_hello_padding, HANDSHAKEN),
    ("hello-garbage-box", "strict", case_hello_garbage_box, failed(CRYPTOGRAPHIC)),
    ("hello-wrong-server-key", "default", case_hello_wrong_server_key, failed(CRYPTOGRAPHIC)),
    ("initiate-before-hello", "strict", case_initiate_first, failed(UNEXPECTED_COMMAND)),
    ("initiate-garbage-box", "strict", case_initiate_garbage_box, failed(CRYPTOGRAPHIC)),
    ("initiate-bad-cookie", "strict", case_initiate_bad_cookie, failed(CRYPTOGRAPHIC)),
    ("initiate-bad-vouch", "strict", case_initiate_bad_vouch, failed(CRYPTOGRAPHIC)),
    ("initiate-vouch-other-key", "strict", case_initiate_vouch_wrong_content, failed(KEY_EXCHANGE)),
    ("initiate-short", "strict", case_initiate_short, failed(MALFORMED_INITIATE)),
    ("initiate-bad-metadata", "strict", case_initiate_bad_metadata, CLOSED_QUIETLY),
    ("initiate-64k-metadata", "default", case_initiate_big_metadata_default, HANDSHAKEN),
    ("initiate-64k-maxmsgsize", "strict", case_initiate_big_metadata_strict, CLOSED_QUIETLY),
    # the first connection completes, the replay on the second fails
    ("initiate-replayed", "default", case_initiate_replayed, HANDSHAKEN + failed(CRYPTOGRAPHIC)),
    ("stall-after-hello", "strict", case_stall_after_hello, TIMED_OUT),
    ("message-garbage-box", "strict", case_message_garbage_box, rejected_after_success(CRYPTOGRAPHIC)),
    ("message-replayed", "strict", case_message_replayed, rejected_after_success(INVALID_SEQUENCE)),
    ("message-old-nonce", "strict", case_message_old_nonce, rejected_after_success(INVALID_SEQUENCE)),
    ("message-nonce-gap", "strict", case_message_nonce_gap, HANDSHAKEN),
    ("message-short", "strict", case_message_short, rejected_after_success(MALFORMED_MESSAGE)),
    ("message-command-flag", "strict", case_message_as_command, HANDSHAKEN),
    ("plaintext-after-handshake", "strict", case_plaintext_after_handshake,
     failed_after_success(MALFORMED_UNSPECIFIED)),
]


def main():
    curve = {"SERVER_CURVE_SECRET": cz.z85(SERVER_SK)}
    allow = dict(curve, SERVER_ZAP_ALLOW=cz.z85(GOOD_PK) + " " + cz.z85(EVIL_PK))
    return hostile.run_suite(CASES, "hostile_curve.", lambda bins: {
        "strict": Server(bins["server"], "strict", "1000", "2000", allow, good_client),
        "default": Server(bins["server"], "default", "-", "-", curve, good_client),
    })


if __name__ == "__main__":
    sys.exit(main())
