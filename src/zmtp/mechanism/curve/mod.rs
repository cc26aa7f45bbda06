//! CURVE (RFC 25, CurveZMQ of RFC 26) as libzmq 4.3.5 speaks it.
//!
//! ```text
//! C: HELLO     200 bytes: version 1.0, 72 zero bytes, C', short nonce,
//!              Box [64 zeros](C'->S)
//! S: WELCOME   168 bytes: long nonce, Box [S' + cookie](S->C')
//!              cookie = long nonce + secretbox [C' + s'](cookie key)
//! C: INITIATE  257+ bytes: cookie, short nonce,
//!              Box [C + vouch nonce + Box [C' + S](C->S') + metadata](C'->S')
//! S: READY     30+ bytes: short nonce, Box [metadata](S'->C')  | ERROR
//! then MESSAGE both ways (see `message`).
//! ```
//!
//! Short nonces count from 1 on each side: the client's HELLO is 1,
//! INITIATE 2, then its messages; the server's READY is 1, then its
//! messages.

mod client;
mod cryptobox;
pub mod message;
mod secretbox;
mod server;
#[cfg(test)]
mod tests;

pub use client::CurveClient;
pub use server::CurveServer;

use super::{Config, Failure, Mechanism};

const HELLO: &[u8] = b"\x05HELLO";
const WELCOME: &[u8] = b"\x07WELCOME";
const INITIATE: &[u8] = b"\x08INITIATE";
const READY: &[u8] = b"\x05READY";
const ERROR: &[u8] = b"\x05ERROR";

const HELLO_LEN: usize = 200;
const WELCOME_LEN: usize = 168;
/// INITIATE with no metadata.
const INITIATE_MIN: usize = 257;
/// READY with no metadata.
const READY_MIN: usize = 30;

const HELLO_NONCE: &[u8; 16] = b"CurveZMQHELLO---";
const WELCOME_NONCE: &[u8; 8] = b"WELCOME-";
const COOKIE_NONCE: &[u8; 8] = b"COOKIE--";
const INITIATE_NONCE: &[u8; 16] = b"CurveZMQINITIATE";
const VOUCH_NONCE: &[u8; 8] = b"VOUCH---";
const READY_NONCE: &[u8; 16] = b"CurveZMQREADY---";

/// Where each field of HELLO, WELCOME and INITIATE lies.
mod layout {
    use std::ops::Range;

    pub const HELLO_VERSION: Range<usize> = 6..8;
    #[cfg(test)]
    pub const HELLO_PADDING: Range<usize> = 8..80;
    pub const HELLO_CLIENT: Range<usize> = 80..112;
    pub const HELLO_SHORT_NONCE: Range<usize> = 112..120;
    pub const HELLO_BOX: Range<usize> = 120..200;

    pub const WELCOME_LONG_NONCE: Range<usize> = 8..24;
    pub const WELCOME_BOX: Range<usize> = 24..168;

    /// The cookie: its long nonce, then its box.
    pub const INITIATE_COOKIE: Range<usize> = 9..105;
    pub const INITIATE_SHORT_NONCE: Range<usize> = 105..113;
    pub const INITIATE_BOX: usize = 113;

    pub const READY_SHORT_NONCE: Range<usize> = 6..14;
    pub const READY_BOX: usize = 14;

    /// Inside WELCOME's box: S', then the cookie.
    pub const WELCOME_SERVER: Range<usize> = 0..32;
    pub const WELCOME_COOKIE: Range<usize> = 32..128;
    /// Inside INITIATE's box: C, the vouch's long nonce and box, metadata.
    pub const INITIATE_CLIENT: Range<usize> = 0..32;
    pub const INITIATE_VOUCH_NONCE: Range<usize> = 32..48;
    pub const INITIATE_VOUCH_BOX: Range<usize> = 48..128;
    pub const INITIATE_METADATA: usize = 128;
}

/// The client's or server's mechanism for one connection, with fresh
/// short-term keys.
pub fn new(config: Config) -> Result<Box<dyn Mechanism>, Failure> {
    Ok(if config.as_server {
        Box::new(CurveServer::new(config)?)
    } else {
        Box::new(CurveClient::new(config)?)
    })
}
