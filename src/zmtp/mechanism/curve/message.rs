//! The secured stream once keys are exchanged: the short-term session key,
//! our short nonces and the peer's, and MESSAGE boxes.
//!
//! A MESSAGE travels as libzmq 4.3.5 sends it: a *data* frame (no COMMAND
//! flag, no MORE flag) whose body is
//!
//! ```text
//! "\x07MESSAGE" | short nonce (8, big-endian) | Box [flags | body]
//! ```
//!
//! with the box under nonce "CurveZMQMESSAGEC" (from the client) or
//! "CurveZMQMESSAGES" (from the server) + short nonce. Inside, the flags
//! byte carries the frame's MORE (bit 0) and COMMAND (bit 1). So every
//! frame after the handshake is one MESSAGE, commands too: PING/PONG and,
//! to a ZMTP 3.1 peer, SUBSCRIBE/CANCEL are boxed COMMAND frames
//! (`\x04PING...`, `\x09SUBSCRIBEtopic`); to a 3.0 peer a subscription is
//! a boxed data frame `\x01topic` / `\x00topic`.

use super::cryptobox::{nonce, BoxKey, MAC_LEN};
use crate::msg::{flags, Msg};
use crate::zmtp::codec::encode_header;
use crate::zmtp::mechanism::{check_command_structure, protocol_error, Failure};

const MESSAGE: &[u8] = b"\x07MESSAGE";
/// Command name and short nonce.
const HEADER_LEN: usize = MESSAGE.len() + 8;
/// Which of a frame's flags the box carries.
const BOXED_FLAGS: u8 = flags::MORE | flags::COMMAND;

pub const CLIENT_PREFIX: &[u8; 16] = b"CurveZMQMESSAGEC";
pub const SERVER_PREFIX: &[u8; 16] = b"CurveZMQMESSAGES";

/// A short nonce as the wire carries it: 8 bytes, big-endian.
pub fn short_nonce(bytes: &[u8]) -> u64 {
    bytes.iter().take(8).fold(0, |n, &b| n << 8 | u64::from(b))
}

/// One direction's short nonce counter and the other's last seen nonce.
pub struct Channel {
    key: BoxKey,
    send_prefix: &'static [u8; 16],
    recv_prefix: &'static [u8; 16],
    /// Our next short nonce.
    next: u64,
    /// The peer's last short nonce; each must be larger.
    peer: u64,
}

impl Channel {
    /// `next` is our next short nonce (libzmq counts from 1 across the
    /// handshake and messages); `peer` the last one the peer used.
    pub fn new(key: BoxKey, client: bool, next: u64, peer: u64) -> Channel {
        let (send_prefix, recv_prefix) = if client {
            (CLIENT_PREFIX, SERVER_PREFIX)
        } else {
            (SERVER_PREFIX, CLIENT_PREFIX)
        };
        Channel {
            key,
            send_prefix,
            recv_prefix,
            next,
            peer,
        }
    }

    pub fn key(&self) -> &BoxKey {
        &self.key
    }

    /// The short nonce of the peer's READY or INITIATE: MESSAGEs must go
    /// above it.
    pub fn set_peer_nonce(&mut self, nonce: u64) {
        self.peer = nonce;
    }

    /// Takes our next short nonce. Refuses to wrap around, which would
    /// reuse a nonce under the same key.
    pub fn take_nonce(&mut self) -> Result<u64, Failure> {
        let nonce = self.next;
        self.next = nonce
            .checked_add(1)
            .ok_or(Failure::Protocol(protocol_error::ZMTP_INVALID_SEQUENCE))?;
        Ok(nonce)
    }

    /// Appends the MESSAGE frame that carries `msg`, boxed in place in
    /// `out`: the body is copied once, from the message to the wire.
    pub fn encode(&mut self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), Failure> {
        let short = self.take_nonce()?.to_be_bytes();
        let body = msg.data();
        let size = HEADER_LEN + MAC_LEN + 1 + body.len();
        let frame_start = out.len();
        encode_header(false, false, size, out);
        out.reserve(size);
        let box_start = out.len() + HEADER_LEN;
        out.extend_from_slice(MESSAGE);
        out.extend_from_slice(&short);
        out.extend_from_slice(&[0; MAC_LEN]);
        out.push(msg.flags() & BOXED_FLAGS);
        out.extend_from_slice(body);
        if !self
            .key
            .seal_in_place(&nonce(self.send_prefix, &short), &mut out[box_start..])
        {
            out.truncate(frame_start);
            return Err(Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC));
        }
        Ok(())
    }

    /// A received frame, which must be a MESSAGE, checked in libzmq's
    /// order. The result carries the boxed MORE/COMMAND flags added to the
    /// outer frame's (libzmq ORs them; its peers send none outside).
    pub fn decode(&mut self, mut msg: Msg) -> Result<Msg, Failure> {
        let protocol = |code| Err(Failure::Protocol(code));
        check_command_structure(msg.data())?;
        if !msg.data().starts_with(MESSAGE) {
            return protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND);
        }
        if msg.len() < HEADER_LEN + MAC_LEN + 1 {
            return protocol(protocol_error::ZMTP_MALFORMED_COMMAND_MESSAGE);
        }
        let number = short_nonce(&msg.data()[MESSAGE.len()..HEADER_LEN]);
        if number <= self.peer {
            return protocol(protocol_error::ZMTP_INVALID_SEQUENCE);
        }
        // Like libzmq, the nonce counts as seen before the box is checked;
        // a forged box ends the connection anyway.
        self.peer = number;
        let outer = msg.flags() & BOXED_FLAGS;
        let buf = msg.data_mut();
        if !self.key.open_in_place(
            &nonce(self.recv_prefix, &number.to_be_bytes()),
            &mut buf[HEADER_LEN..],
        ) {
            return protocol(protocol_error::ZMTP_CRYPTOGRAPHIC);
        }
        let inner = buf[HEADER_LEN + MAC_LEN] & BOXED_FLAGS;
        msg.trim_front(HEADER_LEN + MAC_LEN + 1);
        msg.set_flags(outer | inner);
        Ok(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zmtp::mechanism::testing::unframe;

    /// What `encode` sends, as one decoded frame.
    fn sealed(channel: &mut Channel, msg: Msg) -> Result<Msg, Failure> {
        let mut wire = Vec::new();
        channel.encode(&msg, &mut wire)?;
        Ok(unframe(&wire))
    }

    fn pair() -> (Channel, Channel) {
        let key = [42u8; 32];
        (
            Channel::new(BoxKey::secret(&key), true, 3, 1),
            Channel::new(BoxKey::secret(&key), false, 2, 2),
        )
    }

    fn msg(body: &[u8], flags: u8) -> Msg {
        let mut m = Msg::from_slice(body).unwrap();
        m.set_flags(flags);
        m
    }

    fn code(r: Result<Msg, Failure>) -> u32 {
        match r {
            Err(Failure::Protocol(c)) => c,
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("decoded"),
        }
    }

    #[test]
    fn wire_layout() {
        let (mut client, mut server) = pair();
        let out = sealed(&mut client, msg(b"hello", flags::MORE)).unwrap();
        assert_eq!(out.flags(), 0, "a final data frame outside");
        let wire = out.data();
        assert_eq!(wire.len(), 8 + 8 + 16 + 1 + 5);
        assert_eq!(&wire[..8], b"\x07MESSAGE");
        assert_eq!(wire[8..16], 3u64.to_be_bytes());
        let key = BoxKey::secret(&[42u8; 32]);
        let plain = key
            .open(&nonce(b"CurveZMQMESSAGEC", &wire[8..16]), &wire[16..])
            .unwrap();
        assert_eq!(plain.as_slice(), b"\x01hello");

        let back = server.decode(out).unwrap();
        assert_eq!(back.data(), b"hello");
        assert_eq!(back.flags(), flags::MORE);

        let reply = sealed(&mut server, msg(b"", 0)).unwrap();
        assert_eq!(reply.data()[8..16], 2u64.to_be_bytes());
        assert_eq!(reply.len(), 33);
        let plain = key
            .open(
                &nonce(b"CurveZMQMESSAGES", &reply.data()[8..16]),
                &reply.data()[16..],
            )
            .unwrap();
        assert_eq!(plain.as_slice(), b"\x00");
        let back = client.decode(reply).unwrap();
        assert!(back.is_empty());
        assert_eq!(back.flags(), 0);
    }

    #[test]
    fn commands_travel_boxed() {
        let (mut client, mut server) = pair();
        let sub = sealed(&mut client, msg(b"\x09SUBSCRIBEweather", flags::COMMAND)).unwrap();
        assert_eq!(sub.flags(), 0);
        let key = BoxKey::secret(&[42u8; 32]);
        let plain = key
            .open(
                &nonce(b"CurveZMQMESSAGEC", &sub.data()[8..16]),
                &sub.data()[16..],
            )
            .unwrap();
        assert_eq!(plain.as_slice(), b"\x02\x09SUBSCRIBEweather");
        let back = server.decode(sub).unwrap();
        assert_eq!(back.flags(), flags::COMMAND);
        assert_eq!(back.data(), b"\x09SUBSCRIBEweather");

        let ping = sealed(&mut server, msg(b"\x04PING\x00\x19", flags::COMMAND)).unwrap();
        let back = client.decode(ping).unwrap();
        assert_eq!(
            (back.flags(), back.data()),
            (flags::COMMAND, &b"\x04PING\x00\x19"[..])
        );

        // Only MORE and COMMAND are boxed.
        let odd = sealed(&mut client, msg(b"x", flags::SHARED | flags::MORE)).unwrap();
        assert_eq!(server.decode(odd).unwrap().flags(), flags::MORE);
    }

    #[test]
    fn large_multipart_round_trip() {
        let (mut client, mut server) = pair();
        let big: Vec<u8> = (0..(1usize << 20) + 7).map(|i| (i * 31) as u8).collect();
        let parts = [&b"head"[..], &big, b"", b"tail"];
        for (i, part) in parts.iter().enumerate() {
            let more = if i + 1 < parts.len() { flags::MORE } else { 0 };
            let boxed = sealed(&mut client, msg(part, more)).unwrap();
            assert_eq!(boxed.len(), part.len() + 33);
            let back = server.decode(boxed).unwrap();
            assert_eq!(back.data(), *part);
            assert_eq!(back.more(), more != 0);
        }
    }

    #[test]
    fn bad_messages() {
        let (mut client, mut server) = pair();
        let good = sealed(&mut client, msg(b"data", 0)).unwrap();
        let wire = good.data().to_vec();

        for i in 16..wire.len() {
            let (_, mut server) = pair();
            let mut tampered = wire.clone();
            tampered[i] ^= 0x80;
            assert_eq!(
                code(server.decode(msg(&tampered, 0))),
                protocol_error::ZMTP_CRYPTOGRAPHIC,
                "byte {i}"
            );
        }
        // A tampered nonce opens nothing either.
        let mut renumbered = wire.clone();
        renumbered[15] = 9;
        assert_eq!(
            code(pair().1.decode(msg(&renumbered, 0))),
            protocol_error::ZMTP_CRYPTOGRAPHIC
        );

        assert!(server.decode(msg(&wire, 0)).is_ok());
        // Replayed: same nonce again.
        assert_eq!(
            code(server.decode(msg(&wire, 0))),
            protocol_error::ZMTP_INVALID_SEQUENCE
        );
        // Out of order: an older nonce after a newer one.
        let second = sealed(&mut client, msg(b"2", 0)).unwrap();
        let third = sealed(&mut client, msg(b"3", 0)).unwrap();
        assert!(server.decode(third).is_ok());
        assert_eq!(
            code(server.decode(second)),
            protocol_error::ZMTP_INVALID_SEQUENCE
        );

        let (_, mut server) = pair();
        for cut in [0, 1, 7, 8, 16, 32] {
            let expected = match cut {
                0 | 1 | 7 => protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
                _ => protocol_error::ZMTP_MALFORMED_COMMAND_MESSAGE,
            };
            assert_eq!(code(server.decode(msg(&wire[..cut], 0))), expected, "{cut}");
        }
        assert_eq!(
            code(server.decode(msg(b"\x04PING\x00\x19", flags::COMMAND))),
            protocol_error::ZMTP_UNEXPECTED_COMMAND
        );
        assert_eq!(
            code(server.decode(msg(b"\x07MESSAGX12345678", 0))),
            protocol_error::ZMTP_UNEXPECTED_COMMAND
        );
        // Nonces at or below the peer's READY/INITIATE nonce are stale.
        let mut stale = wire.clone();
        stale[8..16].copy_from_slice(&2u64.to_be_bytes());
        assert_eq!(
            code(pair().1.decode(msg(&stale, 0))),
            protocol_error::ZMTP_INVALID_SEQUENCE
        );
    }

    #[test]
    fn nonce_never_wraps() {
        let mut channel = Channel::new(BoxKey::secret(&[1; 32]), true, u64::MAX, 0);
        assert_eq!(
            sealed(&mut channel, msg(b"x", 0)).err(),
            Some(Failure::Protocol(protocol_error::ZMTP_INVALID_SEQUENCE))
        );
    }
}
