"""CurveZMQ (RFC 26) over ZMTP 3.0's CURVE mechanism (RFC 25), client side,
for hostile_curve.py: enough of the protocol to hold a real conversation
with a CURVE server, with every step exposed so a test can break it.

Cryptography is libsodium's, through ctypes (libsodium.so.23); nothing else
outside the standard library. The *_easy functions are used: their output
is the 16-octet MAC followed by the ciphertext, which is exactly what goes
on the wire (NaCl's crypto_box output without its 16 leading zero octets).

Nonces: every box has a 24-octet nonce made of a 16- or 8-octet prefix
fixed by the RFC plus a short nonce. The client's short nonces are a
counter starting at 1 (HELLO 1, INITIATE 2, then one per MESSAGE), sent
big-endian in 8 octets.
"""
import ctypes
import struct

from hostile import Conn, command, frame, greeting, parse_props, prop

_na = ctypes.CDLL("libsodium.so.23")
if _na.sodium_init() < 0:
    raise RuntimeError("sodium_init failed")

KEY = 32
MAC = 16


def _buf(n):
    return ctypes.create_string_buffer(n)


def keypair():
    """A fresh (public, secret) Curve25519 key pair."""
    pk, sk = _buf(KEY), _buf(KEY)
    _na.crypto_box_keypair(pk, sk)
    return pk.raw, sk.raw


def box(msg, nonce, pk, sk):
    out = _buf(len(msg) + MAC)
    if _na.crypto_box_easy(out, msg, ctypes.c_ulonglong(len(msg)), nonce, pk, sk) != 0:
        raise RuntimeError("crypto_box_easy failed")
    return out.raw


def box_open(c, nonce, pk, sk):
    """The plaintext, or None when the box does not open."""
    if len(c) < MAC:
        return None
    out = _buf(len(c) - MAC or 1)
    if _na.crypto_box_open_easy(out, c, ctypes.c_ulonglong(len(c)), nonce, pk, sk) != 0:
        return None
    return out.raw[:len(c) - MAC]


def beforenm(pk, sk):
    k = _buf(KEY)
    _na.crypto_box_beforenm(k, pk, sk)
    return k.raw


def box_afternm(msg, nonce, k):
    out = _buf(len(msg) + MAC)
    _na.crypto_box_easy_afternm(out, msg, ctypes.c_ulonglong(len(msg)), nonce, k)
    return out.raw


def box_open_afternm(c, nonce, k):
    if len(c) < MAC:
        return None
    out = _buf(len(c) - MAC or 1)
    if _na.crypto_box_open_easy_afternm(out, c, ctypes.c_ulonglong(len(c)), nonce, k) != 0:
        return None
    return out.raw[:len(c) - MAC]


def random_bytes(n):
    b = _buf(n)
    _na.randombytes_buf(b, ctypes.c_size_t(n))
    return b.raw


Z85_CHARS = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"


def z85(data):
    """Z85 text of data (a multiple of 4 octets), for passing keys around."""
    out = bytearray()
    for i in range(0, len(data), 4):
        (v,) = struct.unpack(">I", data[i:i + 4])
        chunk = []
        for _ in range(5):
            v, r = divmod(v, 85)
            chunk.append(Z85_CHARS[r])
        out += bytes(reversed(chunk))
    return out.decode("ascii")


class Refused(Exception):
    """The server answered the handshake with an ERROR command."""


class CurveConn(Conn):
    """A raw TCP connection speaking ZMTP 3.0 with the CURVE mechanism.

    handshake() does everything right; the steps (hello(), read_welcome(),
    initiate(), read_ready()) and the MESSAGE encoder can be used one by one
    with deliberate mistakes."""

    def __init__(self, port, server_pk, pk, sk, socket_type=b"DEALER"):
        super().__init__(port)
        self.server_pk, self.pk, self.sk = server_pk, pk, sk
        self.socket_type = socket_type
        self.cn_pk, self.cn_sk = keypair()  # C', c': this connection's keys
        self.nonce = 1
        self.peer_nonce = 0
        self.server_cn_pk = None  # S', from WELCOME
        self.cookie = None
        self.precom = None

    def next_nonce(self):
        n = self.nonce
        self.nonce += 1
        return struct.pack(">Q", n)

    # --- greeting and handshake commands ----------------------------------

    def greet(self):
        """Our greeting, and the server's, which is kept in self.greeting.
        (libzmq 4.3.4's server greeting says CURVE with the as-server octet
        0: RFC 25 says a server sets it, but libzmq never does.)"""
        self.send(greeting(mechanism=b"CURVE", as_server=0))
        self.greeting = self.recv_exact(64)
        if self.greeting[12:32].rstrip(b"\x00") != b"CURVE":
            raise AssertionError("server greeting is not CURVE: %r" % self.greeting[12:32])

    def hello_body(self, version=b"\x01\x00", padding=b"\x00" * 72, hello_box=None):
        """HELLO: version, 72 octets of padding (the anti-amplification
        room), C', short nonce, Box[64 zero octets](C'->S)."""
        short = self.next_nonce()
        if hello_box is None:
            hello_box = box(b"\x00" * 64, b"CurveZMQHELLO---" + short, self.server_pk, self.cn_sk)
        return version + padding + self.cn_pk + short + hello_box

    def hello(self, **kw):
        self.send(command(b"HELLO", self.hello_body(**kw)))

    def read_command(self):
        """(name, data) of the next frame, which must be a command."""
        flags, body = self.read_frame()
        if not flags & 4 or not body:
            raise AssertionError("expected a command, got flags=%d %r" % (flags, body[:16]))
        n = body[0]
        name, data = body[1:1 + n], body[1 + n:]
        if name == b"ERROR":
            raise Refused(data[1:1 + data[0]].decode("ascii", "replace") if data else "")
        return name, data

    def read_welcome(self):
        """WELCOME: 16-octet nonce, Box[S' + cookie](S->C'), 144 octets."""
        name, data = self.read_command()
        if name != b"WELCOME" or len(data) != 160:
            raise AssertionError("expected a 160-octet WELCOME, got %r (%d)" % (name, len(data)))
        plain = box_open(data[16:], b"WELCOME-" + data[:16], self.server_pk, self.cn_sk)
        if plain is None:
            raise AssertionError("WELCOME box does not open")
        self.server_cn_pk, self.cookie = plain[:32], plain[32:]
        self.precom = beforenm(self.server_cn_pk, self.cn_sk)

    def metadata(self):
        return prop(b"Socket-Type", self.socket_type)

    def initiate_body(self, metadata=None, cookie=None, vouch=None):
        """INITIATE: cookie, short nonce, Box[C + vouch + metadata](C'->S').
        The vouch is Box[C' + S](C->S') with a 16-octet nonce."""
        if metadata is None:
            metadata = self.metadata()
        if vouch is None:
            vouch_nonce = random_bytes(16)
            vouch = vouch_nonce + box(self.cn_pk + self.server_pk, b"VOUCH---" + vouch_nonce,
                                      self.server_cn_pk, self.sk)
        short = self.next_nonce()
        inner = box(self.pk + vouch + metadata, b"CurveZMQINITIATE" + short,
                    self.server_cn_pk, self.cn_sk)
        return (self.cookie if cookie is None else cookie) + short + inner

    def initiate(self, **kw):
        self.send(command(b"INITIATE", self.initiate_body(**kw)))

    def read_ready(self):
        """READY: short nonce, Box[metadata](S'->C'). Returns the server's
        properties."""
        name, data = self.read_command()
        if name != b"READY":
            raise AssertionError("expected READY, got %r" % name)
        plain = box_open_afternm(data[8:], b"CurveZMQREADY---" + data[:8], self.precom)
        if plain is None:
            raise AssertionError("READY box does not open")
        self.peer_nonce = struct.unpack(">Q", data[:8])[0]
        return parse_props(plain)

    def handshake(self, socket_type=None):
        if socket_type is not None:
            self.socket_type = socket_type
        self.greet()
        self.hello()
        self.read_welcome()
        self.initiate()
        return self.read_ready()

    # --- messages -------------------------------------------------------------

    def message_frame(self, body, more=False, nonce=None, data_box=None, as_command=False):
        """One MESSAGE carrying one message frame: short nonce,
        Box[flags + body](C'->S') with flags bit 0 = more. libzmq 4.3.4
        sends it in a data frame without the more flag (the more flag is
        inside the box), not as a command frame."""
        short = self.next_nonce() if nonce is None else struct.pack(">Q", nonce)
        if data_box is None:
            data_box = box_afternm(bytes([1 if more else 0]) + body, b"CurveZMQMESSAGEC" + short,
                                   self.precom)
        if as_command:
            return command(b"MESSAGE", short + data_box)
        return frame(b"\x07MESSAGE" + short + data_box)

    def send_msg(self, frames):
        self.send(b"".join(self.message_frame(f, more=i < len(frames) - 1)
                           for i, f in enumerate(frames)))

    def recv_msg(self):
        frames = []
        while True:
            flags, body = self.read_frame()
            if flags & 5 or body[:8] != b"\x07MESSAGE":
                raise AssertionError("expected a MESSAGE data frame, got flags=%d %r" % (flags, body[:16]))
            short = body[8:16]
            n = struct.unpack(">Q", short)[0]
            if n <= self.peer_nonce:
                raise AssertionError("server nonce went from %d to %d" % (self.peer_nonce, n))
            self.peer_nonce = n
            plain = box_open_afternm(body[16:], b"CurveZMQMESSAGES" + short, self.precom)
            if plain is None:
                raise AssertionError("MESSAGE box does not open")
            if plain[0] & 4:
                continue  # a command inside (PING/PONG): not part of a message
            frames.append(plain[1:])
            if not plain[0] & 1:
                return frames
