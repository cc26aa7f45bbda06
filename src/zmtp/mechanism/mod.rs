//! Security mechanisms (NULL of RFC 23, PLAIN of RFC 24, CURVE of RFC 26)
//! and the ZAP exchange (RFC 27) they share, without I/O.
//!
//! After the greeting an engine drives one mechanism per connection: it
//! sends every command body `next_command` yields, hands each command
//! frame from the peer to `process_command`, and relays ZAP requests and
//! replies between the mechanism and the handler at
//! `inproc://zeromq.zap.01`. Once `status` is `Ready`, message frames pass
//! through `encode` on the way out and `decode` on the way in.

use crate::msg::Msg;
use crate::zmtp::{command, socket_type};

pub mod null;

/// ZMQ_PROTOCOL_ERROR_* values: the value of a HANDSHAKE_FAILED_PROTOCOL
/// monitor event.
pub mod protocol_error {
    pub const ZMTP_UNSPECIFIED: u32 = 0x1000_0000;
    pub const ZMTP_UNEXPECTED_COMMAND: u32 = 0x1000_0001;
    pub const ZMTP_INVALID_SEQUENCE: u32 = 0x1000_0002;
    pub const ZMTP_KEY_EXCHANGE: u32 = 0x1000_0003;
    pub const ZMTP_MALFORMED_COMMAND_UNSPECIFIED: u32 = 0x1000_0011;
    pub const ZMTP_MALFORMED_COMMAND_MESSAGE: u32 = 0x1000_0012;
    pub const ZMTP_MALFORMED_COMMAND_HELLO: u32 = 0x1000_0013;
    pub const ZMTP_MALFORMED_COMMAND_INITIATE: u32 = 0x1000_0014;
    pub const ZMTP_MALFORMED_COMMAND_ERROR: u32 = 0x1000_0015;
    pub const ZMTP_MALFORMED_COMMAND_READY: u32 = 0x1000_0016;
    pub const ZMTP_MALFORMED_COMMAND_WELCOME: u32 = 0x1000_0017;
    pub const ZMTP_INVALID_METADATA: u32 = 0x1000_0018;
    pub const ZMTP_CRYPTOGRAPHIC: u32 = 0x1100_0001;
    pub const ZMTP_MECHANISM_MISMATCH: u32 = 0x1100_0002;
    pub const ZAP_UNSPECIFIED: u32 = 0x2000_0000;
    pub const ZAP_MALFORMED_REPLY: u32 = 0x2000_0001;
    pub const ZAP_BAD_REQUEST_ID: u32 = 0x2000_0002;
    pub const ZAP_BAD_VERSION: u32 = 0x2000_0003;
    pub const ZAP_INVALID_STATUS_CODE: u32 = 0x2000_0004;
    pub const ZAP_INVALID_METADATA: u32 = 0x2000_0005;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Handshaking,
    Ready,
    Error,
}

/// Why a handshake or a secured stream failed: the monitor event libzmq
/// emits for it, with its value. The engine closes the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL with a `protocol_error` code.
    Protocol(u32),
    /// ZMQ_EVENT_HANDSHAKE_FAILED_AUTH with the ZAP status code (300, 400,
    /// 500).
    Auth(u32),
    /// ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL with an errno value.
    NoDetail(i32),
    /// A failure libzmq reports with no handshake event, only the
    /// disconnection: a peer of an incompatible socket type, or an ERROR
    /// command whose reason is not a ZAP status code.
    Unreported,
}

/// What a mechanism takes from its socket's options and connection.
#[derive(Clone, Default)]
pub struct Config {
    /// Our socket type's name ("REQ", "ROUTER", ...), sent as Socket-Type.
    pub socket_type: &'static str,
    /// ZMQ_ROUTING_ID, sent as Identity by REQ, DEALER and ROUTER.
    pub routing_id: Vec<u8>,
    /// Whether Identity is sent (REQ, DEALER, ROUTER).
    pub send_identity: bool,
    /// ZMQ_METADATA application properties ("X-..." names).
    pub metadata: Vec<(Vec<u8>, Vec<u8>)>,
    /// ZMQ_ZAP_DOMAIN.
    pub zap_domain: Vec<u8>,
    /// ZMQ_ZAP_ENFORCE_DOMAIN.
    pub zap_enforce_domain: bool,
    /// A ZAP handler is bound at inproc://zeromq.zap.01 (checked by the
    /// engine when the handshake starts).
    pub zap_available: bool,
    /// The peer's address as ZAP requests carry it ("127.0.0.1"; empty
    /// for ipc).
    pub peer_address: String,
    /// ZMQ_PLAIN_SERVER / ZMQ_CURVE_SERVER.
    pub as_server: bool,
    pub plain_username: Vec<u8>,
    pub plain_password: Vec<u8>,
    pub curve_public_key: [u8; 32],
    pub curve_secret_key: [u8; 32],
    pub curve_server_key: [u8; 32],
}

/// One side of one connection's security handshake and, for CURVE, its
/// message protection.
pub trait Mechanism: Send {
    /// The mechanism name in the greeting ("NULL", "PLAIN", "CURVE").
    fn name(&self) -> &'static [u8];

    /// The next command body to send, if one is due now. Called after
    /// every step until it yields None; after a failure it may still yield
    /// the ERROR command to send before the connection is closed.
    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure>;

    /// A command frame's body from the peer during the handshake.
    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure>;

    /// A ZAP request to send to the handler, once, when one is needed: the
    /// frames after the empty delimiter (version, request id, domain,
    /// address, routing id, mechanism, credentials...).
    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>>;

    /// The handler's reply frames (after the empty delimiter).
    fn zap_reply(&mut self, frames: &[Vec<u8>]) -> Result<(), Failure>;

    fn status(&self) -> Status;

    /// The peer's properties from its READY or INITIATE metadata, then
    /// those the ZAP reply added, and "User-Id" when ZAP gave one.
    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)];

    /// An outgoing frame once Ready. NULL and PLAIN return it unchanged;
    /// CURVE returns a MESSAGE box.
    fn encode(&mut self, msg: Msg) -> Result<Msg, Failure>;

    /// An incoming frame once Ready: the inverse of `encode`.
    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure>;
}

/// Our metadata, as READY and INITIATE carry it: Socket-Type, Identity for
/// the socket types that send one, then the ZMQ_METADATA properties.
pub fn our_properties(config: &Config) -> Vec<u8> {
    let mut props: Vec<(&[u8], &[u8])> = vec![(b"Socket-Type", config.socket_type.as_bytes())];
    if config.send_identity {
        props.push((b"Identity", &config.routing_id));
    }
    for (name, value) in &config.metadata {
        props.push((name, value));
    }
    let mut body = Vec::new();
    command::append_properties(&mut body, &props);
    body
}

/// The peer's metadata, checked as libzmq checks it: well formed, and a
/// Socket-Type (when given) that may talk to ours. None otherwise; how
/// that is reported depends on the mechanism.
pub fn peer_properties(config: &Config, data: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let props = command::parse_properties(data)?;
    let compatible = |(name, value): &(Vec<u8>, Vec<u8>)| {
        name != b"Socket-Type" || socket_type::compatible(config.socket_type.as_bytes(), value)
    };
    props.iter().all(compatible).then_some(props)
}

/// What an ERROR command from the peer during the handshake means: a ZAP
/// status code (300, 400, 500) is an authentication failure; any other
/// reason ends the connection without a handshake event.
pub fn peer_error(data: &[u8], malformed: u32) -> Failure {
    match command::parse_error(data) {
        None => Failure::Protocol(malformed),
        Some(&[d @ b'3'..=b'5', b'0', b'0']) => Failure::Auth(u32::from(d - b'0') * 100),
        Some(_) => Failure::Unreported,
    }
}
