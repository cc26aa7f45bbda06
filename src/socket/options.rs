//! Socket options with libzmq 4.3.4's validation (`zmq_setsockopt` /
//! `zmq_getsockopt`), as Debian's stable build (no draft API, CURVE on,
//! no GSSAPI, no VMCI) answers them.
//!
//! Dispatch follows libzmq: the socket type's own handler runs first
//! (`xsetsockopt`); when it refuses, the generic handler is tried, and
//! anything neither knows is EINVAL. Type handlers are inherited along
//! libzmq's class tree, which is why PUB takes every XPUB option, REP the
//! ROUTER ones and REQ the DEALER one (PROBE_ROUTER).
//!
//! Length rules (every failure is EINVAL):
//! * int options: exactly 4 bytes, to set and to get;
//! * AFFINITY and MAXMSGSIZE: exactly 8 bytes;
//! * string getters: the value plus a NUL, the rest of the buffer zeroed,
//!   `*optvallen` set to strlen + 1; a smaller buffer is refused;
//! * ROUTING_ID get: the raw bytes, no NUL, rest zeroed;
//! * CURVE keys: set with 32 (binary), 40 or 41 (Z85) bytes; get with
//!   exactly 32 (binary) or 41 (Z85 plus NUL).

use crate::errno::{Errno, Result};
use crate::transport::ip::{resolve_address_mask, TcpAddressMask};
use crate::util::z85;
use std::collections::{BTreeMap, BTreeSet};
use zeroize::Zeroizing;

pub use crate::pattern::kind::*;

// Option numbers (zmq.h).
pub const AFFINITY: i32 = 4;
pub const ROUTING_ID: i32 = 5;
pub const SUBSCRIBE: i32 = 6;
pub const UNSUBSCRIBE: i32 = 7;
pub const RATE: i32 = 8;
pub const RECOVERY_IVL: i32 = 9;
pub const SNDBUF: i32 = 11;
pub const RCVBUF: i32 = 12;
pub const RCVMORE: i32 = 13;
pub const FD: i32 = 14;
pub const EVENTS: i32 = 15;
pub const TYPE: i32 = 16;
pub const LINGER: i32 = 17;
pub const RECONNECT_IVL: i32 = 18;
pub const BACKLOG: i32 = 19;
pub const RECONNECT_IVL_MAX: i32 = 21;
pub const MAXMSGSIZE: i32 = 22;
pub const SNDHWM: i32 = 23;
pub const RCVHWM: i32 = 24;
pub const MULTICAST_HOPS: i32 = 25;
pub const RCVTIMEO: i32 = 27;
pub const SNDTIMEO: i32 = 28;
pub const IPV4ONLY: i32 = 31;
pub const LAST_ENDPOINT: i32 = 32;
pub const ROUTER_MANDATORY: i32 = 33;
pub const TCP_KEEPALIVE: i32 = 34;
pub const TCP_KEEPALIVE_CNT: i32 = 35;
pub const TCP_KEEPALIVE_IDLE: i32 = 36;
pub const TCP_KEEPALIVE_INTVL: i32 = 37;
pub const TCP_ACCEPT_FILTER: i32 = 38;
pub const IMMEDIATE: i32 = 39;
pub const XPUB_VERBOSE: i32 = 40;
pub const ROUTER_RAW: i32 = 41;
pub const IPV6: i32 = 42;
pub const MECHANISM: i32 = 43;
pub const PLAIN_SERVER: i32 = 44;
pub const PLAIN_USERNAME: i32 = 45;
pub const PLAIN_PASSWORD: i32 = 46;
pub const CURVE_SERVER: i32 = 47;
pub const CURVE_PUBLICKEY: i32 = 48;
pub const CURVE_SECRETKEY: i32 = 49;
pub const CURVE_SERVERKEY: i32 = 50;
pub const PROBE_ROUTER: i32 = 51;
pub const REQ_CORRELATE: i32 = 52;
pub const REQ_RELAXED: i32 = 53;
pub const CONFLATE: i32 = 54;
pub const ZAP_DOMAIN: i32 = 55;
pub const ROUTER_HANDOVER: i32 = 56;
pub const TOS: i32 = 57;
pub const IPC_FILTER_PID: i32 = 58;
pub const IPC_FILTER_UID: i32 = 59;
pub const IPC_FILTER_GID: i32 = 60;
pub const CONNECT_ROUTING_ID: i32 = 61;
pub const GSSAPI_SERVER: i32 = 62;
pub const GSSAPI_PRINCIPAL: i32 = 63;
pub const GSSAPI_SERVICE_PRINCIPAL: i32 = 64;
pub const GSSAPI_PLAINTEXT: i32 = 65;
pub const HANDSHAKE_IVL: i32 = 66;
pub const SOCKS_PROXY: i32 = 68;
pub const XPUB_NODROP: i32 = 69;
/// A context option that zmq.h numbers among the socket options.
pub const BLOCKY: i32 = 70;
pub const XPUB_MANUAL: i32 = 71;
pub const XPUB_WELCOME_MSG: i32 = 72;
pub const STREAM_NOTIFY: i32 = 73;
pub const INVERT_MATCHING: i32 = 74;
pub const HEARTBEAT_IVL: i32 = 75;
pub const HEARTBEAT_TTL: i32 = 76;
pub const HEARTBEAT_TIMEOUT: i32 = 77;
pub const XPUB_VERBOSER: i32 = 78;
pub const CONNECT_TIMEOUT: i32 = 79;
pub const TCP_MAXRT: i32 = 80;
pub const THREAD_SAFE: i32 = 81;
pub const MULTICAST_MAXTPDU: i32 = 84;
pub const VMCI_BUFFER_SIZE: i32 = 85;
pub const VMCI_BUFFER_MIN_SIZE: i32 = 86;
pub const VMCI_BUFFER_MAX_SIZE: i32 = 87;
pub const VMCI_CONNECT_TIMEOUT: i32 = 88;
pub const USE_FD: i32 = 89;
pub const GSSAPI_PRINCIPAL_NAMETYPE: i32 = 90;
pub const GSSAPI_SERVICE_PRINCIPAL_NAMETYPE: i32 = 91;
pub const BINDTODEVICE: i32 = 92;
// Draft numbers that the 4.3.4 stable library nevertheless accepts.
pub const ZAP_ENFORCE_DOMAIN: i32 = 93;
pub const LOOPBACK_FASTPATH: i32 = 94;
pub const METADATA: i32 = 95;
pub const MULTICAST_LOOP: i32 = 96;
pub const XPUB_MANUAL_LAST_VALUE: i32 = 98;
pub const SOCKS_USERNAME: i32 = 99;
pub const SOCKS_PASSWORD: i32 = 100;
pub const ONLY_FIRST_SUBSCRIBE: i32 = 108;
pub const RECONNECT_STOP: i32 = 109;

/// Longest ROUTING_ID, PLAIN credential, ZAP domain, SOCKS credential,
/// TCP_ACCEPT_FILTER text and METADATA name (UCHAR_MAX).
const SHORT_TEXT_MAX: usize = 255;
/// Longest BINDTODEVICE name (IFNAMSIZ).
const DEVICE_NAME_MAX: usize = 16;
/// libzmq keeps HEARTBEAT_TTL in deciseconds, in a u16.
const MS_PER_DECISECOND: i32 = 100;
const KEY_SIZE: usize = 32;
const KEY_Z85_SIZE: usize = 40;

/// The security mechanism (ZMQ_MECHANISM's values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    Null = 0,
    Plain = 1,
    Curve = 2,
    Gssapi = 3,
}

/// What the socket has to do after a successful `set`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetEffect {
    /// The value was stored; nothing else to do.
    Stored,
    /// SNDHWM or RCVHWM changed: re-apply the HWMs to the existing pipes
    /// (libzmq's `update_pipe_options`).
    HwmChanged,
    /// ZMQ_SUBSCRIBE with this topic. On SUB: send a subscription upstream
    /// and count it in the local filter. On XPUB/PUB (only accepted in
    /// XPUB_MANUAL mode): add it for the pipe that delivered the last
    /// subscription, if there is one.
    Subscribe(Vec<u8>),
    /// ZMQ_UNSUBSCRIBE, the reverse of `Subscribe`, same types.
    Unsubscribe(Vec<u8>),
}

/// The options of one socket, with libzmq's defaults.
#[derive(Clone, Debug)]
pub struct Options {
    /// ZMQ_TYPE.
    pub socket_type: i32,
    pub sndhwm: i32,
    pub rcvhwm: i32,
    pub affinity: u64,
    /// ZMQ_ROUTING_ID; empty = unset. A STREAM socket overwrites it with the
    /// id of each new outgoing connection (readable after zmq_connect).
    pub routing_id: Vec<u8>,
    pub rate: i32,
    pub recovery_ivl: i32,
    pub multicast_hops: i32,
    pub multicast_maxtpdu: i32,
    /// -1 = leave SO_SNDBUF alone.
    pub sndbuf: i32,
    /// -1 = leave SO_RCVBUF alone.
    pub rcvbuf: i32,
    pub tos: i32,
    /// ms; -1 = forever.
    pub linger: i32,
    pub connect_timeout: i32,
    pub tcp_maxrt: i32,
    /// Bitmask: 1 CONN_REFUSED, 2 HANDSHAKE_FAILED, 3 AFTER_DISCONNECT
    /// (4.3.4's value; any int is accepted).
    pub reconnect_stop: i32,
    /// ms; -1 = never reconnect.
    pub reconnect_ivl: i32,
    /// ms; 0 = no exponential back-off.
    pub reconnect_ivl_max: i32,
    pub backlog: i32,
    /// bytes; -1 = unlimited.
    pub maxmsgsize: i64,
    pub rcvtimeo: i32,
    pub sndtimeo: i32,
    pub ipv6: bool,
    pub immediate: bool,
    /// ZMQ_LAST_ENDPOINT; written by the socket after bind/connect.
    pub last_endpoint: String,
    pub tcp_keepalive: i32,
    pub tcp_keepalive_cnt: i32,
    pub tcp_keepalive_idle: i32,
    pub tcp_keepalive_intvl: i32,
    pub tcp_accept_filters: Vec<TcpAddressMask>,
    pub ipc_filter_pids: BTreeSet<i32>,
    pub ipc_filter_uids: BTreeSet<u32>,
    pub ipc_filter_gids: BTreeSet<u32>,
    /// ZMQ_MECHANISM; changed as a side effect of the PLAIN_*/CURVE_*
    /// options (last writer wins).
    pub mechanism: Mechanism,
    /// Server role. PLAIN_SERVER reads `as_server && mechanism == Plain`,
    /// CURVE_SERVER `as_server && mechanism == Curve`.
    pub as_server: bool,
    /// Bytes as given (may hold any byte, NUL included).
    pub plain_username: Vec<u8>,
    /// Secrets are wiped when the options are dropped.
    pub plain_password: Zeroizing<Vec<u8>>,
    pub curve_publickey: [u8; KEY_SIZE],
    pub curve_secretkey: Zeroizing<[u8; KEY_SIZE]>,
    pub curve_serverkey: [u8; KEY_SIZE],
    pub zap_domain: Vec<u8>,
    pub zap_enforce_domain: bool,
    pub conflate: bool,
    pub handshake_ivl: i32,
    pub socks_proxy: Vec<u8>,
    pub socks_username: Vec<u8>,
    pub socks_password: Vec<u8>,
    pub heartbeat_ivl: i32,
    /// In deciseconds, as sent in PING (ZMQ_HEARTBEAT_TTL reads it * 100).
    pub heartbeat_ttl: u16,
    /// ms; -1 = use heartbeat_ivl.
    pub heartbeat_timeout: i32,
    pub use_fd: i32,
    pub bindtodevice: Vec<u8>,
    /// ZMQ_METADATA: name ("X-...") -> value. The first value set for a
    /// name stays (std::map::insert), ordered by name like libzmq's map.
    pub metadata: BTreeMap<Vec<u8>, Vec<u8>>,
    pub invert_matching: bool,
    pub loopback_fastpath: bool,
    pub multicast_loop: bool,

    // Type-specific options (accepted only where the type's handler, or an
    // inherited one, takes them).
    pub router_mandatory: bool,
    pub router_raw: bool,
    pub router_handover: bool,
    pub probe_router: bool,
    /// Routing id for the next zmq_connect only; the socket takes it.
    pub connect_routing_id: Option<Vec<u8>>,
    pub req_correlate: bool,
    pub req_relaxed: bool,
    /// Pass duplicate subscriptions (libzmq's `_verbose_subs`; set by both
    /// XPUB_VERBOSE and XPUB_VERBOSER).
    pub xpub_verbose: bool,
    /// Pass duplicate unsubscriptions too (libzmq's `_verbose_unsubs`):
    /// XPUB_VERBOSER sets it to its value, XPUB_VERBOSE clears it.
    pub xpub_verboser: bool,
    /// Set by XPUB_MANUAL and by XPUB_MANUAL_LAST_VALUE.
    pub xpub_manual: bool,
    /// Send the next message only to the last subscriber (libzmq's
    /// `_send_last_pipe`; XPUB_MANUAL_LAST_VALUE sets it with xpub_manual).
    pub xpub_manual_last_value: bool,
    /// XPUB_NODROP (libzmq's `!_lossy`); also RADIO's.
    pub xpub_nodrop: bool,
    /// Sent to each new subscriber; None when unset or set to length 0.
    pub xpub_welcome_msg: Option<Vec<u8>>,
    pub only_first_subscribe: bool,
    /// STREAM_NOTIFY (libzmq's `raw_notify`), default on.
    pub stream_notify: bool,

    // Per-type internals of libzmq's options_t, fixed at creation except
    // that ROUTER_RAW=non-zero turns a ROUTER/REP into a raw socket.
    /// ROUTER/REP: prepend the peer's routing id to received messages.
    pub recv_routing_id: bool,
    /// STREAM, or ROUTER after ROUTER_RAW: raw TCP, no ZMTP.
    pub raw_socket: bool,
    /// SUB: filter messages locally.
    pub filter: bool,
}

/// `value` as a C int when it is exactly `sizeof(int)` bytes.
fn as_int(value: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(value.try_into().ok()?))
}

fn int_where(value: &[u8], ok: impl Fn(i32) -> bool) -> Result<i32> {
    as_int(value).filter(|&v| ok(v)).ok_or(Errno::EINVAL)
}

/// libzmq's do_setsockopt_int_as_bool_strict: 0 or 1 only.
fn strict_bool(value: &[u8]) -> Result<bool> {
    int_where(value, |v| v == 0 || v == 1).map(|v| v != 0)
}

/// libzmq's do_setsockopt_int_as_bool_relaxed: any int, non-zero = true.
fn relaxed_bool(value: &[u8]) -> Result<bool> {
    int_where(value, |_| true).map(|v| v != 0)
}

/// "≥ 0" options used as booleans.
fn non_negative_bool(value: &[u8]) -> Result<bool> {
    int_where(value, |v| v >= 0).map(|v| v != 0)
}

/// Bytes between 1 and `max` long.
fn text(value: &[u8], max: usize) -> Result<Vec<u8>> {
    if value.is_empty() || value.len() > max {
        return Err(Errno::EINVAL);
    }
    Ok(value.to_vec())
}

/// libzmq's do_setsockopt_string_allow_empty_strict: (NULL, 0) clears;
/// otherwise 1..=max bytes.
fn text_or_clear(value: Option<&[u8]>, max: usize) -> Result<Vec<u8>> {
    match value {
        None => Ok(Vec::new()),
        Some(v) => text(v, max),
    }
}

/// The C string `bytes` holds: everything before the first NUL.
fn c_str(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len())]
}

/// libzmq's set_curve_key: 32 binary bytes or 40/41 bytes of Z85 text
/// (read as a C string). zmq_z85_decode writes each 4-byte group as it
/// goes, so a key that fails half-way keeps the groups decoded before the
/// bad one; a shorter valid text (NUL inside) replaces only the first
/// bytes.
fn set_curve_key(key: &mut [u8; KEY_SIZE], value: &[u8]) -> Result<()> {
    match value.len() {
        KEY_SIZE => {
            key.copy_from_slice(value);
            Ok(())
        }
        40 | 41 => {
            let text = c_str(value);
            if text.len() < 5 || text.len() % 5 != 0 {
                return Err(Errno::EINVAL);
            }
            for (group, out) in text.chunks_exact(5).zip(key.chunks_exact_mut(4)) {
                out.copy_from_slice(&z85::decode(group).ok_or(Errno::EINVAL)?);
            }
            Ok(())
        }
        _ => Err(Errno::EINVAL),
    }
}

/// Copies `value` and zero-fills the rest of `buf` (libzmq's do_getsockopt).
fn put(buf: &mut [u8], value: &[u8]) -> Result<usize> {
    if buf.len() < value.len() {
        return Err(Errno::EINVAL);
    }
    let (head, tail) = buf.split_at_mut(value.len());
    head.copy_from_slice(value);
    tail.fill(0);
    Ok(value.len())
}

/// A string option: the bytes plus a NUL.
fn put_str(buf: &mut [u8], value: &[u8]) -> Result<usize> {
    if buf.len() < value.len() + 1 {
        return Err(Errno::EINVAL);
    }
    put(buf, value)?;
    Ok(value.len() + 1)
}

/// A value whose buffer must be exactly its size.
fn put_exact(buf: &mut [u8], value: &[u8]) -> Result<usize> {
    if buf.len() != value.len() {
        return Err(Errno::EINVAL);
    }
    buf.copy_from_slice(value);
    Ok(value.len())
}

fn put_curve_key(buf: &mut [u8], key: &[u8; KEY_SIZE]) -> Result<usize> {
    match buf.len() {
        KEY_SIZE => put_exact(buf, key),
        41 => {
            z85::encode_into(key, &mut buf[..KEY_Z85_SIZE]);
            buf[KEY_Z85_SIZE] = 0;
            Ok(41)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// Thread-safe socket types (all of them draft types).
fn is_thread_safe(socket_type: i32) -> bool {
    matches!(socket_type, 12..=17 | 19 | 20)
}

impl Options {
    /// The options of a new socket of `socket_type`, seeded from the
    /// context's ZMQ_IPV6 and ZMQ_BLOCKY.
    pub fn new(socket_type: i32, ctx_ipv6: bool, ctx_blocky: bool) -> Options {
        let linger = if !ctx_blocky || matches!(socket_type, SUB | XSUB | DISH) {
            0
        } else {
            -1
        };
        Options {
            socket_type,
            sndhwm: 1000,
            rcvhwm: 1000,
            affinity: 0,
            routing_id: Vec::new(),
            rate: 100,
            recovery_ivl: 10000,
            multicast_hops: 1,
            multicast_maxtpdu: 1500,
            sndbuf: -1,
            rcvbuf: -1,
            tos: 0,
            linger,
            connect_timeout: 0,
            tcp_maxrt: 0,
            reconnect_stop: 0,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            backlog: 100,
            maxmsgsize: -1,
            rcvtimeo: -1,
            sndtimeo: -1,
            ipv6: ctx_ipv6,
            immediate: false,
            last_endpoint: String::new(),
            tcp_keepalive: -1,
            tcp_keepalive_cnt: -1,
            tcp_keepalive_idle: -1,
            tcp_keepalive_intvl: -1,
            tcp_accept_filters: Vec::new(),
            ipc_filter_pids: BTreeSet::new(),
            ipc_filter_uids: BTreeSet::new(),
            ipc_filter_gids: BTreeSet::new(),
            mechanism: Mechanism::Null,
            as_server: false,
            plain_username: Vec::new(),
            plain_password: Zeroizing::new(Vec::new()),
            curve_publickey: [0; KEY_SIZE],
            curve_secretkey: Zeroizing::new([0; KEY_SIZE]),
            curve_serverkey: [0; KEY_SIZE],
            zap_domain: Vec::new(),
            zap_enforce_domain: false,
            conflate: false,
            handshake_ivl: 30000,
            socks_proxy: Vec::new(),
            socks_username: Vec::new(),
            socks_password: Vec::new(),
            heartbeat_ivl: 0,
            heartbeat_ttl: 0,
            heartbeat_timeout: -1,
            use_fd: -1,
            bindtodevice: Vec::new(),
            metadata: BTreeMap::new(),
            invert_matching: false,
            loopback_fastpath: false,
            multicast_loop: true,
            router_mandatory: false,
            router_raw: false,
            router_handover: false,
            probe_router: false,
            connect_routing_id: None,
            req_correlate: false,
            req_relaxed: false,
            xpub_verbose: false,
            xpub_verboser: false,
            xpub_manual: false,
            xpub_manual_last_value: false,
            xpub_nodrop: false,
            xpub_welcome_msg: None,
            only_first_subscribe: false,
            stream_notify: true,
            recv_routing_id: matches!(socket_type, ROUTER | REP),
            raw_socket: socket_type == STREAM,
            filter: socket_type == SUB,
        }
    }

    /// zmq_setsockopt with the optval as a slice; an empty slice stands for
    /// (NULL, 0). Use [`Options::set_value`] when the caller may pass a
    /// non-NULL pointer with length 0, which some options refuse.
    pub fn set(&mut self, option: i32, value: &[u8]) -> Result<SetEffect> {
        self.set_value(option, (!value.is_empty()).then_some(value))
    }

    /// zmq_setsockopt: `None` is a NULL optval (length 0; the caller refuses
    /// NULL with a non-zero length before calling), `Some` the bytes at a
    /// non-NULL optval, possibly empty.
    ///
    /// (NULL, 0) and (non-NULL, 0) differ only for PLAIN_USERNAME/PASSWORD,
    /// SOCKS_PROXY, BINDTODEVICE, TCP_ACCEPT_FILTER and IPC_FILTER_*: NULL
    /// clears (PLAIN_*: resets the mechanism to NULL), non-NULL is EINVAL.
    pub fn set_value(&mut self, option: i32, value: Option<&[u8]>) -> Result<SetEffect> {
        let bytes = value.unwrap_or(&[]);
        match self.set_for_type(option, bytes) {
            Ok(effect) => Ok(effect),
            Err(_) => self.set_generic(option, value, bytes),
        }
    }

    /// The socket types' own handlers (`xsetsockopt`), with libzmq's class
    /// inheritance: PUB is an XPUB, REP a ROUTER, REQ a DEALER, and
    /// ROUTER/STREAM share CONNECT_ROUTING_ID. SUB (an XSUB) does not
    /// inherit XSUB's ONLY_FIRST_SUBSCRIBE. EINVAL = not handled here.
    fn set_for_type(&mut self, option: i32, value: &[u8]) -> Result<SetEffect> {
        match (self.socket_type, option) {
            (SUB, SUBSCRIBE) => return Ok(SetEffect::Subscribe(value.to_vec())),
            (SUB, UNSUBSCRIBE) => return Ok(SetEffect::Unsubscribe(value.to_vec())),

            (PUB | XPUB, XPUB_VERBOSE) => {
                self.xpub_verbose = non_negative_bool(value)?;
                self.xpub_verboser = false;
            }
            (PUB | XPUB, XPUB_VERBOSER) => {
                self.xpub_verbose = non_negative_bool(value)?;
                self.xpub_verboser = self.xpub_verbose;
            }
            (PUB | XPUB, XPUB_MANUAL_LAST_VALUE) => {
                self.xpub_manual = non_negative_bool(value)?;
                self.xpub_manual_last_value = self.xpub_manual;
            }
            (PUB | XPUB | RADIO, XPUB_NODROP) => self.xpub_nodrop = non_negative_bool(value)?,
            (PUB | XPUB, XPUB_MANUAL) => self.xpub_manual = non_negative_bool(value)?,
            (PUB | XPUB | XSUB, ONLY_FIRST_SUBSCRIBE) => {
                self.only_first_subscribe = non_negative_bool(value)?
            }
            (PUB | XPUB, SUBSCRIBE) if self.xpub_manual => {
                return Ok(SetEffect::Subscribe(value.to_vec()))
            }
            (PUB | XPUB, UNSUBSCRIBE) if self.xpub_manual => {
                return Ok(SetEffect::Unsubscribe(value.to_vec()))
            }
            (PUB | XPUB, XPUB_WELCOME_MSG) => {
                self.xpub_welcome_msg = (!value.is_empty()).then(|| value.to_vec())
            }

            (ROUTER | REP, ROUTER_RAW) => {
                self.router_raw = non_negative_bool(value)?;
                if self.router_raw {
                    self.recv_routing_id = false;
                    self.raw_socket = true;
                }
            }
            (ROUTER | REP, ROUTER_MANDATORY) => self.router_mandatory = non_negative_bool(value)?,
            (ROUTER | REP, ROUTER_HANDOVER) => self.router_handover = non_negative_bool(value)?,
            (ROUTER | REP | DEALER | REQ, PROBE_ROUTER) => {
                self.probe_router = non_negative_bool(value)?
            }
            (ROUTER | REP | STREAM, CONNECT_ROUTING_ID) => {
                // Any non-empty length: the 255-byte limit is not checked.
                if value.is_empty() {
                    return Err(Errno::EINVAL);
                }
                self.connect_routing_id = Some(value.to_vec());
            }
            (REQ, REQ_CORRELATE) => self.req_correlate = non_negative_bool(value)?,
            (REQ, REQ_RELAXED) => self.req_relaxed = non_negative_bool(value)?,
            (STREAM, STREAM_NOTIFY) => self.stream_notify = strict_bool(value)?,
            _ => return Err(Errno::EINVAL),
        }
        Ok(SetEffect::Stored)
    }

    /// libzmq's options_t::setsockopt (stable build, CURVE, no GSSAPI, no
    /// VMCI): everything else, including the 4.3.4 draft numbers that work
    /// without the draft API (93-96, 99, 100, 109).
    fn set_generic(&mut self, option: i32, value: Option<&[u8]>, v: &[u8]) -> Result<SetEffect> {
        match option {
            SNDHWM => self.sndhwm = int_where(v, |x| x >= 0)?,
            RCVHWM => self.rcvhwm = int_where(v, |x| x >= 0)?,
            AFFINITY => {
                self.affinity = u64::from_ne_bytes(v.try_into().map_err(|_| Errno::EINVAL)?)
            }
            ROUTING_ID => self.routing_id = text(v, SHORT_TEXT_MAX)?,
            RATE => self.rate = int_where(v, |x| x > 0)?,
            RECOVERY_IVL => self.recovery_ivl = int_where(v, |x| x >= 0)?,
            SNDBUF => self.sndbuf = int_where(v, |x| x >= -1)?,
            RCVBUF => self.rcvbuf = int_where(v, |x| x >= -1)?,
            TOS => self.tos = int_where(v, |x| x >= 0)?,
            LINGER => self.linger = int_where(v, |x| x >= -1)?,
            CONNECT_TIMEOUT => self.connect_timeout = int_where(v, |x| x >= 0)?,
            TCP_MAXRT => self.tcp_maxrt = int_where(v, |x| x >= 0)?,
            RECONNECT_STOP => self.reconnect_stop = int_where(v, |_| true)?,
            RECONNECT_IVL => self.reconnect_ivl = int_where(v, |x| x >= -1)?,
            RECONNECT_IVL_MAX => self.reconnect_ivl_max = int_where(v, |x| x >= 0)?,
            BACKLOG => self.backlog = int_where(v, |x| x >= 0)?,
            MAXMSGSIZE => {
                self.maxmsgsize = i64::from_ne_bytes(v.try_into().map_err(|_| Errno::EINVAL)?)
            }
            MULTICAST_HOPS => self.multicast_hops = int_where(v, |x| x > 0)?,
            MULTICAST_MAXTPDU => self.multicast_maxtpdu = int_where(v, |x| x > 0)?,
            RCVTIMEO => self.rcvtimeo = int_where(v, |x| x >= -1)?,
            SNDTIMEO => self.sndtimeo = int_where(v, |x| x >= -1)?,
            IPV4ONLY => self.ipv6 = !strict_bool(v)?,
            IPV6 => self.ipv6 = strict_bool(v)?,
            SOCKS_PROXY => self.socks_proxy = text_or_clear(value, usize::MAX)?,
            // NULL and empty are both "no authentication".
            SOCKS_USERNAME => {
                self.socks_username = text_or_clear((!v.is_empty()).then_some(v), SHORT_TEXT_MAX)?
            }
            SOCKS_PASSWORD => {
                self.socks_password = text_or_clear((!v.is_empty()).then_some(v), SHORT_TEXT_MAX)?
            }
            TCP_KEEPALIVE => self.tcp_keepalive = int_where(v, |x| (-1..=1).contains(&x))?,
            TCP_KEEPALIVE_CNT => self.tcp_keepalive_cnt = int_where(v, |x| x >= -1)?,
            TCP_KEEPALIVE_IDLE => self.tcp_keepalive_idle = int_where(v, |x| x >= -1)?,
            TCP_KEEPALIVE_INTVL => self.tcp_keepalive_intvl = int_where(v, |x| x >= -1)?,
            IMMEDIATE => self.immediate = strict_bool(v)?,
            TCP_ACCEPT_FILTER => match value {
                None => self.tcp_accept_filters.clear(),
                Some(v) => {
                    let filter = text(v, SHORT_TEXT_MAX)?;
                    let mask = resolve_address_mask(c_str(&filter), self.ipv6)?;
                    self.tcp_accept_filters.push(mask);
                }
            },
            IPC_FILTER_PID => match value {
                None => self.ipc_filter_pids.clear(),
                Some(v) => {
                    self.ipc_filter_pids.insert(as_int(v).ok_or(Errno::EINVAL)?);
                }
            },
            IPC_FILTER_UID | IPC_FILTER_GID => {
                let set = if option == IPC_FILTER_UID {
                    &mut self.ipc_filter_uids
                } else {
                    &mut self.ipc_filter_gids
                };
                match value {
                    None => set.clear(),
                    Some(v) => {
                        let id = u32::from_ne_bytes(v.try_into().map_err(|_| Errno::EINVAL)?);
                        set.insert(id);
                    }
                }
            }
            PLAIN_SERVER => {
                self.as_server = strict_bool(v)?;
                self.mechanism = if self.as_server {
                    Mechanism::Plain
                } else {
                    Mechanism::Null
                };
            }
            PLAIN_USERNAME | PLAIN_PASSWORD => match value {
                // Resets the mechanism but keeps the stored credential.
                None => self.mechanism = Mechanism::Null,
                Some(v) => {
                    let credential = text(v, SHORT_TEXT_MAX)?;
                    if option == PLAIN_USERNAME {
                        self.plain_username = credential;
                    } else {
                        self.plain_password = credential.into();
                    }
                    self.as_server = false;
                    self.mechanism = Mechanism::Plain;
                }
            },
            ZAP_DOMAIN => self.zap_domain = text(v, SHORT_TEXT_MAX)?,
            CURVE_SERVER => {
                self.as_server = strict_bool(v)?;
                self.mechanism = if self.as_server {
                    Mechanism::Curve
                } else {
                    Mechanism::Null
                };
            }
            CURVE_PUBLICKEY => {
                set_curve_key(&mut self.curve_publickey, v)?;
                self.mechanism = Mechanism::Curve;
            }
            CURVE_SECRETKEY => {
                set_curve_key(&mut self.curve_secretkey, v)?;
                self.mechanism = Mechanism::Curve;
            }
            CURVE_SERVERKEY => {
                set_curve_key(&mut self.curve_serverkey, v)?;
                self.as_server = false;
                self.mechanism = Mechanism::Curve;
            }
            CONFLATE => self.conflate = strict_bool(v)?,
            HANDSHAKE_IVL => self.handshake_ivl = int_where(v, |x| x >= 0)?,
            INVERT_MATCHING => self.invert_matching = relaxed_bool(v)?,
            HEARTBEAT_IVL => self.heartbeat_ivl = int_where(v, |x| x >= 0)?,
            HEARTBEAT_TTL => {
                // Truncated to deciseconds first, so -99..=-1 pass as 0.
                let ds = as_int(v).ok_or(Errno::EINVAL)? / MS_PER_DECISECOND;
                self.heartbeat_ttl = u16::try_from(ds).map_err(|_| Errno::EINVAL)?;
            }
            HEARTBEAT_TIMEOUT => self.heartbeat_timeout = int_where(v, |x| x >= 0)?,
            USE_FD => self.use_fd = int_where(v, |x| x >= -1)?,
            BINDTODEVICE => self.bindtodevice = text_or_clear(value, DEVICE_NAME_MAX)?,
            ZAP_ENFORCE_DOMAIN => self.zap_enforce_domain = relaxed_bool(v)?,
            LOOPBACK_FASTPATH => self.loopback_fastpath = relaxed_bool(v)?,
            METADATA => {
                let (name, value) = parse_metadata(v).ok_or(Errno::EINVAL)?;
                self.metadata.entry(name).or_insert(value);
            }
            MULTICAST_LOOP => self.multicast_loop = relaxed_bool(v)?,
            _ => return Err(Errno::EINVAL),
        }
        Ok(if option == SNDHWM || option == RCVHWM {
            SetEffect::HwmChanged
        } else {
            SetEffect::Stored
        })
    }

    /// zmq_getsockopt: `buf` is the caller's buffer of `*optvallen` bytes;
    /// returns the new `*optvallen`.
    ///
    /// RCVMORE, FD and EVENTS are the socket's own state and give EINVAL
    /// here: the socket answers them before calling this, accepting any
    /// `*optvallen >= 4`, zero-filling the rest and rewriting it to 4 (the
    /// same rule as THREAD_SAFE below); FD is EINVAL on thread-safe types.
    pub fn get(&self, option: i32, buf: &mut [u8]) -> Result<usize> {
        let int = match option {
            SNDHWM => self.sndhwm,
            RCVHWM => self.rcvhwm,
            AFFINITY => return put_exact(buf, &self.affinity.to_ne_bytes()),
            ROUTING_ID => return put(buf, &self.routing_id),
            RATE => self.rate,
            RECOVERY_IVL => self.recovery_ivl,
            SNDBUF => self.sndbuf,
            RCVBUF => self.rcvbuf,
            TOS => self.tos,
            TYPE => self.socket_type,
            LINGER => self.linger,
            CONNECT_TIMEOUT => self.connect_timeout,
            TCP_MAXRT => self.tcp_maxrt,
            RECONNECT_STOP => self.reconnect_stop,
            RECONNECT_IVL => self.reconnect_ivl,
            RECONNECT_IVL_MAX => self.reconnect_ivl_max,
            BACKLOG => self.backlog,
            MAXMSGSIZE => return put_exact(buf, &self.maxmsgsize.to_ne_bytes()),
            MULTICAST_HOPS => self.multicast_hops,
            MULTICAST_MAXTPDU => self.multicast_maxtpdu,
            RCVTIMEO => self.rcvtimeo,
            SNDTIMEO => self.sndtimeo,
            IPV4ONLY => i32::from(!self.ipv6),
            IPV6 => i32::from(self.ipv6),
            IMMEDIATE => i32::from(self.immediate),
            SOCKS_PROXY => return put_str(buf, &self.socks_proxy),
            SOCKS_USERNAME => return put_str(buf, &self.socks_username),
            SOCKS_PASSWORD => return put_str(buf, &self.socks_password),
            TCP_KEEPALIVE => self.tcp_keepalive,
            TCP_KEEPALIVE_CNT => self.tcp_keepalive_cnt,
            TCP_KEEPALIVE_IDLE => self.tcp_keepalive_idle,
            TCP_KEEPALIVE_INTVL => self.tcp_keepalive_intvl,
            MECHANISM => self.mechanism as i32,
            PLAIN_SERVER => i32::from(self.as_server && self.mechanism == Mechanism::Plain),
            PLAIN_USERNAME => return put_str(buf, &self.plain_username),
            PLAIN_PASSWORD => return put_str(buf, &self.plain_password),
            ZAP_DOMAIN => return put_str(buf, &self.zap_domain),
            CURVE_SERVER => i32::from(self.as_server && self.mechanism == Mechanism::Curve),
            CURVE_PUBLICKEY => return put_curve_key(buf, &self.curve_publickey),
            CURVE_SECRETKEY => return put_curve_key(buf, &self.curve_secretkey),
            CURVE_SERVERKEY => return put_curve_key(buf, &self.curve_serverkey),
            CONFLATE => i32::from(self.conflate),
            HANDSHAKE_IVL => self.handshake_ivl,
            INVERT_MATCHING => i32::from(self.invert_matching),
            HEARTBEAT_IVL => self.heartbeat_ivl,
            HEARTBEAT_TTL => i32::from(self.heartbeat_ttl) * MS_PER_DECISECOND,
            HEARTBEAT_TIMEOUT => self.heartbeat_timeout,
            USE_FD => self.use_fd,
            BINDTODEVICE => return put_str(buf, &self.bindtodevice),
            ZAP_ENFORCE_DOMAIN => i32::from(self.zap_enforce_domain),
            LOOPBACK_FASTPATH => i32::from(self.loopback_fastpath),
            MULTICAST_LOOP => i32::from(self.multicast_loop),
            LAST_ENDPOINT => return put_str(buf, self.last_endpoint.as_bytes()),
            THREAD_SAFE => {
                let value = i32::from(is_thread_safe(self.socket_type)).to_ne_bytes();
                return put(buf, &value);
            }
            _ => return Err(Errno::EINVAL),
        };
        put_exact(buf, &int.to_ne_bytes())
    }
}

/// ZMQ_METADATA's "X-name:value": any length but 0 and sizeof(int) (libzmq
/// takes a 4-byte value for an int and refuses it), a ':' that is neither
/// first nor last, a name starting with "X-" of at most 255 bytes.
fn parse_metadata(v: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    if v.is_empty() || v.len() == 4 {
        return None;
    }
    let colon = v.iter().position(|&b| b == b':')?;
    if colon == 0 || colon == v.len() - 1 {
        return None;
    }
    let name = &v[..colon];
    if !name.starts_with(b"X-") || name.len() > SHORT_TEXT_MAX {
        return None;
    }
    Some((name.to_vec(), v[colon + 1..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    const ALL_TYPES: [i32; 12] = [
        PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM,
    ];

    fn opts(t: i32) -> Options {
        Options::new(t, false, true)
    }

    fn set_int(o: &mut Options, opt: i32, v: i32) -> Result<SetEffect> {
        o.set(opt, &v.to_ne_bytes())
    }

    fn get_int(o: &Options, opt: i32) -> Result<i32> {
        let mut b = [0u8; 4];
        assert_eq!(o.get(opt, &mut b)?, 4);
        Ok(i32::from_ne_bytes(b))
    }

    fn get_bytes(o: &Options, opt: i32, len: usize) -> Result<Vec<u8>> {
        let mut b = vec![0xAAu8; len];
        let n = o.get(opt, &mut b)?;
        assert!(b[n..].iter().all(|&x| x == 0), "rest of buffer zeroed");
        b.truncate(n);
        Ok(b)
    }

    const EINVAL: Result<SetEffect> = Err(Errno::EINVAL);
    const STORED: Result<SetEffect> = Ok(SetEffect::Stored);

    #[test]
    fn defaults() {
        for t in ALL_TYPES {
            let o = opts(t);
            let linger = if t == SUB || t == XSUB { 0 } else { -1 };
            let expect = [
                (SNDHWM, 1000),
                (RCVHWM, 1000),
                (RATE, 100),
                (RECOVERY_IVL, 10000),
                (SNDBUF, -1),
                (RCVBUF, -1),
                (TYPE, t),
                (LINGER, linger),
                (RECONNECT_IVL, 100),
                (BACKLOG, 100),
                (RECONNECT_IVL_MAX, 0),
                (MULTICAST_HOPS, 1),
                (RCVTIMEO, -1),
                (SNDTIMEO, -1),
                (IPV4ONLY, 1),
                (TCP_KEEPALIVE, -1),
                (TCP_KEEPALIVE_CNT, -1),
                (TCP_KEEPALIVE_IDLE, -1),
                (TCP_KEEPALIVE_INTVL, -1),
                (IMMEDIATE, 0),
                (IPV6, 0),
                (MECHANISM, 0),
                (PLAIN_SERVER, 0),
                (CURVE_SERVER, 0),
                (CONFLATE, 0),
                (TOS, 0),
                (HANDSHAKE_IVL, 30000),
                (INVERT_MATCHING, 0),
                (HEARTBEAT_IVL, 0),
                (HEARTBEAT_TTL, 0),
                (HEARTBEAT_TIMEOUT, -1),
                (CONNECT_TIMEOUT, 0),
                (TCP_MAXRT, 0),
                (THREAD_SAFE, 0),
                (MULTICAST_MAXTPDU, 1500),
                (USE_FD, -1),
                (ZAP_ENFORCE_DOMAIN, 0),
                (LOOPBACK_FASTPATH, 0),
                (MULTICAST_LOOP, 1),
                (RECONNECT_STOP, 0),
            ];
            for (opt, v) in expect {
                assert_eq!(get_int(&o, opt), Ok(v), "type {t} option {opt}");
            }
            let mut b8 = [0u8; 8];
            assert_eq!(o.get(AFFINITY, &mut b8), Ok(8));
            assert_eq!(u64::from_ne_bytes(b8), 0);
            assert_eq!(o.get(MAXMSGSIZE, &mut b8), Ok(8));
            assert_eq!(i64::from_ne_bytes(b8), -1);
            assert_eq!(get_bytes(&o, ROUTING_ID, 10), Ok(vec![]));
            for opt in [
                LAST_ENDPOINT,
                PLAIN_USERNAME,
                PLAIN_PASSWORD,
                ZAP_DOMAIN,
                SOCKS_PROXY,
                SOCKS_USERNAME,
                SOCKS_PASSWORD,
                BINDTODEVICE,
            ] {
                assert_eq!(get_bytes(&o, opt, 1), Ok(vec![0]), "option {opt}");
            }
            assert_eq!(get_bytes(&o, CURVE_SERVERKEY, 32), Ok(vec![0; 32]));
            let z = get_bytes(&o, CURVE_PUBLICKEY, 41).unwrap();
            assert_eq!(&z[..40], [b'0'; 40]);
        }
        assert_eq!(Options::new(DISH, false, true).linger, 0);
        assert_eq!(Options::new(12, false, true).linger, -1);
        assert_eq!(get_int(&Options::new(12, false, true), THREAD_SAFE), Ok(1));
        assert_eq!(get_int(&Options::new(18, false, true), THREAD_SAFE), Ok(0));
    }

    #[test]
    fn context_seeds() {
        for t in ALL_TYPES {
            let o = Options::new(t, true, false);
            assert_eq!(get_int(&o, LINGER), Ok(0));
            assert_eq!(get_int(&o, IPV6), Ok(1));
            assert_eq!(get_int(&o, IPV4ONLY), Ok(0));
        }
    }

    #[test]
    fn int_lengths() {
        let mut o = opts(DEALER);
        for len in [0usize, 1, 3, 5, 8] {
            assert_eq!(o.set(SNDHWM, &vec![0; len]), EINVAL, "len {len}");
            let mut b = vec![0u8; len];
            assert_eq!(o.get(SNDHWM, &mut b), Err(Errno::EINVAL), "len {len}");
            assert_eq!(o.get(TYPE, &mut b), Err(Errno::EINVAL), "len {len}");
        }
        assert_eq!(o.set(AFFINITY, &[0; 4]), EINVAL);
        assert_eq!(o.set(AFFINITY, &7u64.to_ne_bytes()), STORED);
        assert_eq!(o.affinity, 7);
        assert_eq!(o.get(AFFINITY, &mut [0; 4]), Err(Errno::EINVAL));
        assert_eq!(o.get(AFFINITY, &mut [0; 16]), Err(Errno::EINVAL));
        assert_eq!(o.set(MAXMSGSIZE, &(-5i64).to_ne_bytes()), STORED);
        assert_eq!(o.maxmsgsize, -5);
        // THREAD_SAFE accepts larger buffers and rewrites the length to 4.
        let mut b = [0xAAu8; 8];
        assert_eq!(o.get(THREAD_SAFE, &mut b), Ok(4));
        assert_eq!(b, [0; 8]);
        assert_eq!(o.get(THREAD_SAFE, &mut [0; 3]), Err(Errno::EINVAL));
        for opt in [RCVMORE, FD, EVENTS] {
            assert_eq!(o.get(opt, &mut [0; 4]), Err(Errno::EINVAL));
        }
    }

    #[test]
    fn int_ranges() {
        // (option, accepted values, refused values)
        let table: &[(i32, &[i32], &[i32])] = &[
            (SNDHWM, &[0, 1, i32::MAX], &[-1]),
            (RCVHWM, &[0, 5], &[-1]),
            (RATE, &[1], &[0, -1]),
            (RECOVERY_IVL, &[0], &[-1]),
            (SNDBUF, &[-1, 0, 9], &[-2]),
            (RCVBUF, &[-1, 0], &[-2]),
            (LINGER, &[-1, 0, 5], &[-2]),
            (RECONNECT_IVL, &[-1, 0], &[-2]),
            (BACKLOG, &[0], &[-1]),
            (RECONNECT_IVL_MAX, &[0], &[-1]),
            (MULTICAST_HOPS, &[1], &[0]),
            (RCVTIMEO, &[-1, 0], &[-2]),
            (SNDTIMEO, &[-1, 0], &[-2]),
            (IPV4ONLY, &[0, 1], &[2, -1]),
            (TCP_KEEPALIVE, &[-1, 0, 1], &[2, -2]),
            (TCP_KEEPALIVE_CNT, &[-1, 0, 9], &[-2]),
            (TCP_KEEPALIVE_IDLE, &[-1, 9], &[-2]),
            (TCP_KEEPALIVE_INTVL, &[-1, 9], &[-2]),
            (IMMEDIATE, &[0, 1], &[2, -1]),
            (IPV6, &[0, 1], &[2, -1]),
            (CONFLATE, &[0, 1], &[2, -1]),
            (TOS, &[0, 255, 1000], &[-1]),
            (HANDSHAKE_IVL, &[0], &[-1]),
            (INVERT_MATCHING, &[-2, 0, 7], &[]),
            (HEARTBEAT_IVL, &[0], &[-1]),
            (HEARTBEAT_TIMEOUT, &[0], &[-1]),
            (CONNECT_TIMEOUT, &[0], &[-1]),
            (TCP_MAXRT, &[0], &[-1]),
            (MULTICAST_MAXTPDU, &[1], &[0]),
            (USE_FD, &[-1, 3], &[-2]),
            (ZAP_ENFORCE_DOMAIN, &[-1, 5], &[]),
            (LOOPBACK_FASTPATH, &[-1, 5], &[]),
            (MULTICAST_LOOP, &[-1, 0], &[]),
            (RECONNECT_STOP, &[-5, 3, 99], &[]),
        ];
        for &(opt, good, bad) in table {
            let mut o = opts(PAIR);
            for &v in good {
                assert!(set_int(&mut o, opt, v).is_ok(), "option {opt} value {v}");
                let back = get_int(&o, opt).unwrap();
                let expect = match opt {
                    IPV4ONLY | IMMEDIATE | IPV6 | CONFLATE | INVERT_MATCHING
                    | ZAP_ENFORCE_DOMAIN | LOOPBACK_FASTPATH | MULTICAST_LOOP => i32::from(v != 0),
                    _ => v,
                };
                assert_eq!(back, expect, "option {opt} value {v}");
            }
            for &v in bad {
                assert_eq!(set_int(&mut o, opt, v), EINVAL, "option {opt} value {v}");
            }
        }
        let mut o = opts(PAIR);
        set_int(&mut o, IPV4ONLY, 0).unwrap();
        assert_eq!(get_int(&o, IPV6), Ok(1));
        assert_eq!(set_int(&mut o, SNDHWM, 5), Ok(SetEffect::HwmChanged));
        assert_eq!(set_int(&mut o, RCVHWM, 5), Ok(SetEffect::HwmChanged));
    }

    #[test]
    fn heartbeat_ttl_deciseconds() {
        let mut o = opts(PAIR);
        assert_eq!(set_int(&mut o, HEARTBEAT_TTL, 6_553_599), STORED);
        assert_eq!(get_int(&o, HEARTBEAT_TTL), Ok(6_553_500));
        assert_eq!(set_int(&mut o, HEARTBEAT_TTL, 6_553_600), EINVAL);
        assert_eq!(set_int(&mut o, HEARTBEAT_TTL, 199), STORED);
        assert_eq!(get_int(&o, HEARTBEAT_TTL), Ok(100));
        assert_eq!(set_int(&mut o, HEARTBEAT_TTL, -99), STORED);
        assert_eq!(get_int(&o, HEARTBEAT_TTL), Ok(0));
        assert_eq!(set_int(&mut o, HEARTBEAT_TTL, -100), EINVAL);
    }

    #[test]
    fn refused_numbers() {
        let unused = [0, 1, 2, 3, 10, 20, 26, 29, 30, 67, 82, 83, 125, 1000, -1];
        let read_only = [
            RCVMORE,
            FD,
            EVENTS,
            TYPE,
            LAST_ENDPOINT,
            MECHANISM,
            THREAD_SAFE,
        ];
        let no_gssapi = [62, 63, 64, 65, 90, 91];
        let vmci = [85, 86, 87, 88];
        let draft_only = [
            97, 101, 102, 103, 104, 105, 106, 107, 110, 111, 112, 113, 124,
        ];
        for t in ALL_TYPES {
            let mut o = opts(t);
            let groups = [
                &unused[..],
                &read_only,
                &no_gssapi,
                &vmci,
                &draft_only,
                &[BLOCKY],
            ];
            for &opt in groups.iter().flat_map(|g| g.iter()) {
                for v in [0, 1] {
                    assert_eq!(set_int(&mut o, opt, v), EINVAL, "type {t} option {opt}");
                }
                assert_eq!(o.set(opt, b"abcdefgh"), EINVAL, "type {t} option {opt}");
                if !read_only.contains(&opt) {
                    assert_eq!(get_int(&o, opt), Err(Errno::EINVAL), "type {t} get {opt}");
                    let mut big = [0u8; 256];
                    assert_eq!(o.get(opt, &mut big), Err(Errno::EINVAL));
                }
            }
            // Set-only options cannot be read.
            for opt in [
                SUBSCRIBE,
                ROUTER_MANDATORY,
                TCP_ACCEPT_FILTER,
                IPC_FILTER_PID,
                CONNECT_ROUTING_ID,
                XPUB_VERBOSE,
                STREAM_NOTIFY,
                METADATA,
                ONLY_FIRST_SUBSCRIBE,
                REQ_RELAXED,
            ] {
                assert_eq!(get_int(&o, opt), Err(Errno::EINVAL), "type {t} get {opt}");
            }
        }
    }

    #[test]
    fn type_acceptance() {
        // (option, types that accept value 1)
        let table: &[(i32, &[i32])] = &[
            (ROUTER_MANDATORY, &[REP, ROUTER]),
            (ROUTER_RAW, &[REP, ROUTER]),
            (ROUTER_HANDOVER, &[REP, ROUTER]),
            (PROBE_ROUTER, &[REQ, REP, DEALER, ROUTER]),
            (REQ_CORRELATE, &[REQ]),
            (REQ_RELAXED, &[REQ]),
            (XPUB_VERBOSE, &[PUB, XPUB]),
            (XPUB_VERBOSER, &[PUB, XPUB]),
            (XPUB_NODROP, &[PUB, XPUB]),
            (XPUB_MANUAL, &[PUB, XPUB]),
            (XPUB_MANUAL_LAST_VALUE, &[PUB, XPUB]),
            (XPUB_WELCOME_MSG, &[PUB, XPUB]),
            (ONLY_FIRST_SUBSCRIBE, &[PUB, XPUB, XSUB]),
            (STREAM_NOTIFY, &[STREAM]),
            (CONNECT_ROUTING_ID, &[REP, ROUTER, STREAM]),
            (SUBSCRIBE, &[SUB]),
            (UNSUBSCRIBE, &[SUB]),
            (CONFLATE, &ALL_TYPES),
            (INVERT_MATCHING, &ALL_TYPES),
        ];
        for &(opt, accept) in table {
            for t in ALL_TYPES {
                let mut o = opts(t);
                let got = set_int(&mut o, opt, 1);
                assert_eq!(got.is_ok(), accept.contains(&t), "type {t} option {opt}");
            }
        }
        // The ">= 0" type options refuse negatives and wrong lengths.
        for (t, opt) in [
            (ROUTER, ROUTER_MANDATORY),
            (REQ, PROBE_ROUTER),
            (XPUB, XPUB_NODROP),
            (XSUB, ONLY_FIRST_SUBSCRIBE),
            (REQ, REQ_CORRELATE),
        ] {
            let mut o = opts(t);
            assert_eq!(set_int(&mut o, opt, -1), EINVAL);
            assert_eq!(o.set(opt, b"abc"), EINVAL);
            assert_eq!(set_int(&mut o, opt, 2), STORED);
        }
        let mut s = opts(STREAM);
        assert_eq!(set_int(&mut s, STREAM_NOTIFY, 2), EINVAL);
        assert_eq!(set_int(&mut s, STREAM_NOTIFY, 0), STORED);
        assert!(!s.stream_notify);
    }

    #[test]
    fn subscriptions() {
        let mut sub = opts(SUB);
        assert_eq!(sub.set(SUBSCRIBE, b""), Ok(SetEffect::Subscribe(vec![])));
        assert_eq!(
            sub.set(UNSUBSCRIBE, b"ab"),
            Ok(SetEffect::Unsubscribe(b"ab".to_vec()))
        );
        assert_eq!(opts(XSUB).set(SUBSCRIBE, b"a"), EINVAL);
        for t in [PUB, XPUB] {
            let mut x = opts(t);
            assert_eq!(x.set(SUBSCRIBE, b"a"), EINVAL);
            set_int(&mut x, XPUB_MANUAL, 1).unwrap();
            assert_eq!(
                x.set(SUBSCRIBE, b"a"),
                Ok(SetEffect::Subscribe(b"a".to_vec()))
            );
            assert_eq!(x.set(UNSUBSCRIBE, b""), Ok(SetEffect::Unsubscribe(vec![])));
            set_int(&mut x, XPUB_MANUAL, 0).unwrap();
            assert_eq!(x.set(SUBSCRIBE, b"a"), EINVAL);
            set_int(&mut x, XPUB_MANUAL_LAST_VALUE, 1).unwrap();
            assert!(x.xpub_manual && x.xpub_manual_last_value);
            assert!(x.set(SUBSCRIBE, b"a").is_ok());
        }
    }

    #[test]
    fn xpub_flags() {
        let mut x = opts(XPUB);
        set_int(&mut x, XPUB_VERBOSER, 1).unwrap();
        assert!(x.xpub_verbose && x.xpub_verboser);
        set_int(&mut x, XPUB_VERBOSE, 1).unwrap();
        assert!(x.xpub_verbose && !x.xpub_verboser);
        set_int(&mut x, XPUB_NODROP, 3).unwrap();
        assert!(x.xpub_nodrop);
        assert_eq!(x.set(XPUB_WELCOME_MSG, b"hi"), STORED);
        assert_eq!(x.xpub_welcome_msg.as_deref(), Some(&b"hi"[..]));
        assert_eq!(x.set_value(XPUB_WELCOME_MSG, Some(b"")), STORED);
        assert_eq!(x.xpub_welcome_msg, None);
        let mut r = opts(ROUTER);
        assert!(r.recv_routing_id && !r.raw_socket);
        set_int(&mut r, ROUTER_RAW, 1).unwrap();
        assert!(!r.recv_routing_id && r.raw_socket && r.router_raw);
        assert_eq!(r.set(CONNECT_ROUTING_ID, &[b'x'; 600]), STORED);
        assert_eq!(r.set(CONNECT_ROUTING_ID, b""), EINVAL);
        assert_eq!(r.set_value(CONNECT_ROUTING_ID, Some(b"")), EINVAL);
    }

    #[test]
    fn routing_id() {
        let mut o = opts(DEALER);
        assert_eq!(o.set(ROUTING_ID, &[b'a'; 255]), STORED);
        assert_eq!(o.set(ROUTING_ID, &[b'a'; 256]), EINVAL);
        assert_eq!(o.set(ROUTING_ID, b""), EINVAL);
        assert_eq!(o.set_value(ROUTING_ID, Some(b"")), EINVAL);
        assert_eq!(o.set(ROUTING_ID, b"\0abc"), STORED);
        assert_eq!(o.get(ROUTING_ID, &mut [0; 3]), Err(Errno::EINVAL));
        assert_eq!(get_bytes(&o, ROUTING_ID, 4), Ok(b"\0abc".to_vec()));
        assert_eq!(get_bytes(&o, ROUTING_ID, 10), Ok(b"\0abc".to_vec()));
    }

    #[test]
    fn strings() {
        let mut o = opts(PAIR);
        assert_eq!(o.set(ZAP_DOMAIN, &[b'z'; 255]), STORED);
        assert_eq!(o.set(ZAP_DOMAIN, &[b'z'; 256]), EINVAL);
        assert_eq!(o.set(ZAP_DOMAIN, b""), EINVAL);
        assert_eq!(o.get(ZAP_DOMAIN, &mut [0; 255]), Err(Errno::EINVAL));
        assert_eq!(get_bytes(&o, ZAP_DOMAIN, 300).unwrap().len(), 256);

        assert_eq!(o.set(SOCKS_PROXY, &[b'p'; 600]), STORED);
        assert_eq!(o.set_value(SOCKS_PROXY, Some(b"")), EINVAL);
        assert_eq!(o.set(SOCKS_PROXY, b""), STORED);
        assert_eq!(get_bytes(&o, SOCKS_PROXY, 5), Ok(vec![0]));

        for opt in [SOCKS_USERNAME, SOCKS_PASSWORD] {
            assert_eq!(o.set(opt, &[b'u'; 255]), STORED);
            assert_eq!(o.set(opt, &[b'u'; 256]), EINVAL);
            assert_eq!(o.set_value(opt, Some(b"")), STORED);
            assert_eq!(get_bytes(&o, opt, 1), Ok(vec![0]));
            assert_eq!(o.set(opt, b"x"), STORED);
            assert_eq!(o.set(opt, b""), STORED);
            assert_eq!(get_bytes(&o, opt, 1), Ok(vec![0]));
        }

        assert_eq!(o.set(BINDTODEVICE, &[b'e'; 16]), STORED);
        assert_eq!(o.set(BINDTODEVICE, &[b'e'; 17]), EINVAL);
        assert_eq!(o.set_value(BINDTODEVICE, Some(b"")), EINVAL);
        assert_eq!(o.set(BINDTODEVICE, b"a\0b"), STORED);
        assert_eq!(get_bytes(&o, BINDTODEVICE, 20), Ok(b"a\0b\0".to_vec()));
        assert_eq!(o.set(BINDTODEVICE, b""), STORED);
        assert_eq!(get_bytes(&o, BINDTODEVICE, 1), Ok(vec![0]));

        o.last_endpoint = "inproc://abc".into();
        assert_eq!(o.get(LAST_ENDPOINT, &mut [0; 12]), Err(Errno::EINVAL));
        assert_eq!(
            get_bytes(&o, LAST_ENDPOINT, 13),
            Ok(b"inproc://abc\0".to_vec())
        );
        assert_eq!(get_bytes(&o, LAST_ENDPOINT, 100).unwrap().len(), 13);
        assert_eq!(o.get(PLAIN_USERNAME, &mut []), Err(Errno::EINVAL));
    }

    #[test]
    fn plain_mechanism() {
        let mut o = opts(DEALER);
        assert_eq!(o.set(PLAIN_USERNAME, &[b'u'; 255]), STORED);
        assert_eq!(get_int(&o, MECHANISM), Ok(1));
        assert_eq!(o.set(PLAIN_USERNAME, &[b'u'; 256]), EINVAL);
        assert_eq!(o.set_value(PLAIN_USERNAME, Some(b"")), EINVAL);
        assert_eq!(get_int(&o, MECHANISM), Ok(1));
        // (NULL, 0) resets the mechanism but keeps the name.
        assert_eq!(o.set(PLAIN_USERNAME, b""), STORED);
        assert_eq!(get_int(&o, MECHANISM), Ok(0));
        assert_eq!(get_bytes(&o, PLAIN_USERNAME, 300).unwrap().len(), 256);
        assert_eq!(o.set(PLAIN_PASSWORD, b"x"), STORED);
        assert_eq!(get_int(&o, MECHANISM), Ok(1));
        set_int(&mut o, PLAIN_SERVER, 1).unwrap();
        assert_eq!(get_int(&o, PLAIN_SERVER), Ok(1));
        assert_eq!(set_int(&mut o, PLAIN_SERVER, 2), EINVAL);
        set_int(&mut o, CURVE_SERVER, 1).unwrap();
        assert_eq!(
            (get_int(&o, MECHANISM), get_int(&o, PLAIN_SERVER)),
            (Ok(2), Ok(0))
        );
        assert_eq!(get_int(&o, CURVE_SERVER), Ok(1));
        o.set(PLAIN_USERNAME, b"u").unwrap();
        assert_eq!(
            (get_int(&o, MECHANISM), get_int(&o, CURVE_SERVER)),
            (Ok(1), Ok(0))
        );
        set_int(&mut o, PLAIN_SERVER, 0).unwrap();
        assert_eq!(get_int(&o, MECHANISM), Ok(0));
    }

    #[test]
    fn curve_keys() {
        let mut o = opts(PAIR);
        let bin = [7u8; 32];
        let text = z85::encode(&bin).unwrap();
        assert_eq!(o.set(CURVE_PUBLICKEY, &bin), STORED);
        assert_eq!(get_int(&o, MECHANISM), Ok(2));
        assert_eq!(get_bytes(&o, CURVE_PUBLICKEY, 32), Ok(bin.to_vec()));
        let z = get_bytes(&o, CURVE_PUBLICKEY, 41).unwrap();
        assert_eq!(&z[..40], text.as_bytes());
        assert_eq!(z[40], 0);
        for len in [0, 31, 33, 40, 42] {
            assert_eq!(
                o.get(CURVE_PUBLICKEY, &mut vec![0; len]),
                Err(Errno::EINVAL)
            );
        }

        let other = [9u8; 32];
        let other_text = z85::encode(&other).unwrap();
        let mut with_nul = other_text.clone().into_bytes();
        with_nul.push(0);
        assert_eq!(o.set(CURVE_SECRETKEY, other_text.as_bytes()), STORED);
        assert_eq!(*o.curve_secretkey, other);
        o.curve_secretkey = [0; 32].into();
        assert_eq!(o.set(CURVE_SECRETKEY, &with_nul), STORED);
        assert_eq!(*o.curve_secretkey, other);

        let mut no_nul = with_nul.clone();
        no_nul[40] = b'x';
        assert_eq!(o.set(CURVE_SECRETKEY, &no_nul), EINVAL);
        for len in [0, 31, 33, 39, 42] {
            assert_eq!(
                o.set(CURVE_SECRETKEY, &vec![b'0'; len]),
                EINVAL,
                "len {len}"
            );
        }
        // NUL after 35 characters: 28 bytes replaced, the rest kept.
        o.curve_serverkey = [1; 32];
        let mut short = with_nul.clone();
        short[35] = 0;
        assert_eq!(o.set(CURVE_SERVERKEY, &short[..40]), STORED);
        assert_eq!(&o.curve_serverkey[..28], &other[..28]);
        assert_eq!(&o.curve_serverkey[28..], &[1; 4]);
        short[33] = 0;
        assert_eq!(o.set(CURVE_SERVERKEY, &short[..40]), EINVAL);
        // A bad character in the 4th group: groups 1-3 were already written.
        o.curve_publickey = bin;
        let mut bad = other_text.clone().into_bytes();
        bad[17] = b'~';
        o.mechanism = Mechanism::Null;
        assert_eq!(o.set(CURVE_PUBLICKEY, &bad), EINVAL);
        assert_eq!(&o.curve_publickey[..12], &other[..12]);
        assert_eq!(&o.curve_publickey[12..], &bin[12..]);
        assert_eq!(get_int(&o, MECHANISM), Ok(0));
        assert_eq!(
            o.set(CURVE_PUBLICKEY, b"#####0000000000000000000000000000000000"),
            EINVAL
        );

        // SERVERKEY makes the socket a client; PUBLIC/SECRET keep the role.
        let mut o = opts(PAIR);
        set_int(&mut o, CURVE_SERVER, 1).unwrap();
        o.set(CURVE_SECRETKEY, &bin).unwrap();
        assert_eq!(get_int(&o, CURVE_SERVER), Ok(1));
        o.set(CURVE_SERVERKEY, &bin).unwrap();
        assert_eq!(get_int(&o, CURVE_SERVER), Ok(0));
        assert_eq!(set_int(&mut o, CURVE_SERVER, 2), EINVAL);
        set_int(&mut o, CURVE_SERVER, 0).unwrap();
        assert_eq!(get_int(&o, MECHANISM), Ok(0));
    }

    #[test]
    fn metadata() {
        let mut o = opts(PAIR);
        for good in [
            &b"X-a:b"[..],
            b"X-ab:c",
            b"X-:bc",
            b"X-a:b:c",
            b"X-a:b\0",
            b"X-\0:bb",
        ] {
            assert_eq!(o.set(METADATA, good), STORED, "{good:?}");
        }
        for bad in [
            &b"X-:b"[..],
            b"X-a:",
            b"X-ab:",
            b":abcd",
            b"Y-a:b",
            b"x-a:b",
            b"X-abc",
            b"X:bcd",
            b"",
        ] {
            assert_eq!(o.set(METADATA, bad), EINVAL, "{bad:?}");
        }
        assert_eq!(o.set(METADATA, b"X-a:z"), STORED);
        assert_eq!(o.metadata[&b"X-a"[..]], b"b");
        let mut long = vec![b'k'; 258];
        long[..2].copy_from_slice(b"X-");
        long[255] = b':';
        assert_eq!(o.set(METADATA, &long[..257]), STORED);
        long[255] = b'k';
        long[256] = b':';
        assert_eq!(o.set(METADATA, &long), EINVAL);
    }

    #[test]
    fn ipc_filters() {
        let mut o = opts(PAIR);
        assert_eq!(set_int(&mut o, IPC_FILTER_PID, 5), STORED);
        assert_eq!(set_int(&mut o, IPC_FILTER_UID, 6), STORED);
        assert_eq!(set_int(&mut o, IPC_FILTER_GID, 7), STORED);
        assert_eq!(o.set(IPC_FILTER_PID, &5u64.to_ne_bytes()), EINVAL);
        assert_eq!(o.set(IPC_FILTER_GID, &[1, 2]), EINVAL);
        assert_eq!(o.set_value(IPC_FILTER_PID, Some(b"")), EINVAL);
        assert!(o.ipc_filter_pids.contains(&5) && o.ipc_filter_gids.contains(&7));
        for opt in [IPC_FILTER_PID, IPC_FILTER_UID, IPC_FILTER_GID] {
            assert_eq!(o.set(opt, b""), STORED);
        }
        assert!(o.ipc_filter_pids.is_empty() && o.ipc_filter_uids.is_empty());
        assert!(o.ipc_filter_gids.is_empty());
    }

    fn filter(ipv6: bool, text: &str) -> Result<TcpAddressMask> {
        let mut o = Options::new(PAIR, ipv6, true);
        o.set(TCP_ACCEPT_FILTER, text.as_bytes())?;
        Ok(o.tcp_accept_filters.pop().unwrap())
    }

    #[test]
    fn accept_filter_ipv4() {
        let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        let ok = [
            ("127.0.0.1", v4(127, 0, 0, 1), 32),
            ("10.0.0.0/8", v4(10, 0, 0, 0), 8),
            ("10.0.0.0/0", v4(10, 0, 0, 0), 0),
            ("10.0.0.0/8x", v4(10, 0, 0, 0), 8),
            ("1.2.3.4/ 8", v4(1, 2, 3, 4), 8),
            ("1.2.3.4/+8", v4(1, 2, 3, 4), 8),
            ("[127.0.0.1]", v4(127, 0, 0, 1), 32),
            ("1.2.3", v4(1, 2, 0, 3), 32),
            ("1", v4(0, 0, 0, 1), 32),
            ("0x7f.1", v4(127, 0, 0, 1), 32),
            ("017.0.0.1", v4(15, 0, 0, 1), 32),
            ("01.2.3.4", v4(1, 2, 3, 4), 32),
            ("1.2.65535", v4(1, 2, 255, 255), 32),
            ("1.16777215", v4(1, 255, 255, 255), 32),
            ("4294967295", v4(255, 255, 255, 255), 32),
            ("127.0.0.1%1", v4(127, 0, 0, 1), 32),
            ("127.0.0.1%1x", v4(127, 0, 0, 1), 32),
            ("127.0.0.1%lo", v4(127, 0, 0, 1), 32),
            ("127.0.0.1\0junk", v4(127, 0, 0, 1), 32),
        ];
        for (text, addr, mask) in ok {
            assert_eq!(
                filter(false, text),
                Ok(TcpAddressMask { addr, mask }),
                "{text}"
            );
        }
        let bad = [
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/abc",
            "10.0.0.0/00",
            "10.0.0.0/-1",
            "::1",
            "localhost",
            "*",
            "lo",
            "08.0.0.1",
            "256.0.0.1",
            "1.2.3.4.5",
            " 1.2.3.4",
            "1.2.3.4 ",
            "1.2.65536",
            "4294967296",
            "0x",
            "0x1g",
            "127.0.0.1%nosuch",
            "127.0.0.1%",
            "127.0.0.1%0",
            "[1.2.3.4",
            "1.2.3.4]",
            "[]",
            "1.2.3.4/32/8",
            "1.2.3.4//8",
            "1..2",
            "1.2.3.",
            ".1.2.3",
            "\0",
        ];
        for text in bad {
            assert_eq!(filter(false, text), Err(Errno::EINVAL), "{text:?}");
        }
        let mut o = opts(PAIR);
        assert_eq!(o.set(TCP_ACCEPT_FILTER, &[b'1'; 256]), EINVAL);
        assert_eq!(o.set_value(TCP_ACCEPT_FILTER, Some(b"")), EINVAL);
        o.set(TCP_ACCEPT_FILTER, b"1.2.3.4").unwrap();
        o.set(TCP_ACCEPT_FILTER, b"").unwrap();
        assert!(o.tcp_accept_filters.is_empty());
    }

    #[test]
    fn accept_filter_ipv6() {
        let ok = [
            "1",
            "::",
            "::1",
            "fe80::1%1",
            "fe80::1%lo",
            "::1%lo",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:7:8",
            "::1/0",
            "::1/128",
            "1.2.3.4/128",
            "0x7f.1",
            "[::1]",
            "::1/64x",
            "::1%1%1",
            "10.0.0.0/33",
        ];
        for text in ok {
            assert!(filter(true, text).is_ok(), "{text}");
        }
        let bad = [
            "::ffff:01.2.3.4",
            "1:2:3:4:5:6:7:8:9",
            "12345::",
            "::1/129",
            "1.2.3.4/129",
            "1::2::3",
            "fe80::1%a%1",
        ];
        for text in bad {
            assert_eq!(filter(true, text), Err(Errno::EINVAL), "{text}");
        }
        let mapped = filter(true, "127.0.0.1").unwrap();
        assert_eq!(mapped.addr, "::ffff:127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(mapped.mask, 128);
    }

    #[test]
    fn accept_filter_matching() {
        let net = filter(false, "10.1.0.0/15").unwrap();
        assert!(net.matches(&"10.1.200.3".parse().unwrap()));
        assert!(net.matches(&"10.0.0.1".parse().unwrap()));
        assert!(!net.matches(&"10.2.0.1".parse().unwrap()));
        assert!(!net.matches(&"::ffff:10.1.0.1".parse().unwrap()));
        let any = filter(false, "1.2.3.4/0").unwrap();
        assert!(any.matches(&"9.9.9.9".parse().unwrap()));
        assert!(!any.matches(&"::1".parse().unwrap()));
        let mapped = filter(true, "127.0.0.1").unwrap();
        assert!(mapped.matches(&"::ffff:127.0.0.1".parse().unwrap()));
        assert!(!mapped.matches(&"127.0.0.1".parse().unwrap()));
    }
}
