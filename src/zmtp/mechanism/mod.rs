//! Security mechanisms (NULL of RFC 23, PLAIN of RFC 24, CURVE of RFC 26)
//! and the ZAP exchange (RFC 27) they share, without I/O.
//!
//! After the greeting an engine drives one mechanism per connection
//! (`plain::new`, `curve::new`, chosen by the greeting's mechanism name):
//!
//! 1. Send every command body `next_command` yields, as command frames.
//! 2. Hand each frame from the peer to `process_command` while
//!    `status` is `Handshaking`.
//! 3. After every step, take `zap_request`: if Some, write its frames to
//!    the handler at `inproc://zeromq.zap.01` (`Config::zap_available`
//!    says whether one is bound; without one the mechanism never asks and
//!    applies libzmq's rules itself, see `zap::need`). Give the handler's
//!    reply to `zap_reply`, then go back to 1.
//! 4. Once `status` is `Ready`: HANDSHAKE_SUCCEEDED; every frame out goes
//!    through `encode`, every frame in through `decode`, commands too.
//!
//! After any `Err` the engine reports the failure (see `Failure`), still
//! sends what `next_command` yields (the ERROR a ZAP denial calls for),
//! then closes.

pub mod curve;
mod metadata;
pub mod null;
pub mod plain;
pub mod zap;

#[cfg(test)]
mod testing;

use crate::msg::{flags, Msg};
use crate::zmtp::codec::encode_header;
use zeroize::Zeroizing;

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
    /// No HANDSHAKE_FAILED event at all, only DISCONNECTED: what libzmq
    /// does for bad peer metadata on a PLAIN or CURVE server and for an
    /// ERROR whose reason is not a ZAP status code.
    Silent,
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
    /// Secrets are wiped wherever a copy is dropped.
    pub plain_password: Zeroizing<Vec<u8>>,
    /// A CURVE client's C, sent in INITIATE as configured (libzmq does not
    /// derive it from the secret; a mismatch fails at the server). A
    /// server derives its S from its secret key instead.
    pub curve_public_key: [u8; 32],
    /// Wiped from the mechanism's copy once turned into a key.
    pub curve_secret_key: Zeroizing<[u8; 32]>,
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

    /// A ZAP request to send to the handler, once, when one is needed: all
    /// its frames, from the empty delimiter on (delimiter, version, request
    /// id, domain, address, routing id, mechanism, credentials...), each
    /// but the last sent with MORE. Clients never ask.
    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        None
    }

    /// The handler's whole reply message, delimiter frame included. A reply
    /// arriving when none is awaited is ignored.
    fn zap_reply(&mut self, _frames: &[Vec<u8>]) -> Result<(), Failure> {
        Ok(())
    }

    fn status(&self) -> Status;

    /// The peer's properties, each name once, with libzmq's precedence:
    /// "User-Id" and the ZAP reply's metadata first, then the peer's READY
    /// or INITIATE metadata. libzmq's own Peer-Address goes before all of
    /// them (the engine adds it).
    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)];

    /// Appends to `out` the ZMTP 3 frame that carries an outgoing frame
    /// once Ready, commands included (PING, PONG, and SUBSCRIBE/CANCEL as
    /// the peer's ZMTP version wants them: a COMMAND Msg for 3.1, a
    /// `\x01`/`\x00` data Msg for 3.0). NULL and PLAIN frame it as it is;
    /// CURVE boxes it into a MESSAGE, a final data frame (see
    /// `curve::message`), right in `out`.
    fn encode(&mut self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), Failure> {
        let command = msg.flags() & flags::COMMAND != 0;
        encode_header(msg.more(), command, msg.len(), out);
        out.extend_from_slice(msg.data());
        Ok(())
    }

    /// An incoming frame once Ready, commands included: the inverse of
    /// `encode`. The result's COMMAND flag says whether it is a command.
    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }
}

/// libzmq's first check on a command a server receives: a name length
/// byte and more than that many bytes.
fn check_command_structure(body: &[u8]) -> Result<(), Failure> {
    match body.first() {
        Some(&len) if body.len() > 1 && body.len() > usize::from(len) => Ok(()),
        _ => Err(Failure::Protocol(
            protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
        )),
    }
}
