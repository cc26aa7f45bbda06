//! ZMTP 3.x framing (RFC 23): a flags byte, a 1- or 8-byte size, the body.
//!
//! The decoder takes whatever bytes arrived and yields every frame they
//! complete, keeping a partial frame across calls. Sizes from the wire are
//! checked before anything is allocated: above 2^63-1 or above MAXMSGSIZE
//! the stream is refused.

use crate::msg::{flags as msg_flags, Msg};

pub const MORE: u8 = 0x01;
pub const LONG: u8 = 0x02;
pub const COMMAND: u8 = 0x04;

/// Why a stream was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A frame larger than MAXMSGSIZE.
    TooLarge,
    /// A long size with the top bit set (not allowed by RFC 23).
    BadSize,
    /// Memory for the body could not be had.
    NoMemory,
}

/// A decoded frame: a message part (MORE set on the Msg as received) or a
/// command (the Msg carries the COMMAND flag).
pub type Frame = Msg;

enum State {
    /// Collecting the flags and size bytes.
    Header { bytes: [u8; 9], have: usize },
    /// Filling a body of the announced size.
    Body { msg: Msg, filled: usize },
}

pub struct Decoder {
    state: State,
    /// MAXMSGSIZE: None for unlimited.
    max_size: Option<u64>,
}

impl Decoder {
    pub fn new(max_size: Option<u64>) -> Decoder {
        Decoder {
            state: State::Header {
                bytes: [0; 9],
                have: 0,
            },
            max_size,
        }
    }

    /// Consumes all of `data`, pushing each completed frame to `out`.
    pub fn decode(&mut self, mut data: &[u8], out: &mut Vec<Frame>) -> Result<(), DecodeError> {
        while !data.is_empty() {
            match &mut self.state {
                State::Header { bytes, have } => {
                    let need = if *have == 0 || bytes[0] & LONG == 0 {
                        2
                    } else {
                        9
                    };
                    let take = (need - *have).min(data.len());
                    bytes[*have..*have + take].copy_from_slice(&data[..take]);
                    *have += take;
                    data = &data[take..];
                    // The LONG flag is known after the first byte.
                    let need = if bytes[0] & LONG == 0 { 2 } else { 9 };
                    if *have < need {
                        continue;
                    }
                    let flags = bytes[0];
                    let size = if flags & LONG == 0 {
                        u64::from(bytes[1])
                    } else {
                        u64::from_be_bytes(bytes[1..9].try_into().expect("8 bytes"))
                    };
                    self.start_body(flags, size, out)?;
                }
                State::Body { msg, filled } => {
                    let body = msg.data_mut();
                    let take = (body.len() - *filled).min(data.len());
                    body[*filled..*filled + take].copy_from_slice(&data[..take]);
                    *filled += take;
                    data = &data[take..];
                    if *filled == body.len() {
                        self.finish(out);
                    }
                }
            }
        }
        Ok(())
    }

    fn start_body(
        &mut self,
        flags: u8,
        size: u64,
        out: &mut Vec<Frame>,
    ) -> Result<(), DecodeError> {
        if size > i64::MAX as u64 {
            return Err(DecodeError::BadSize);
        }
        if self.max_size.is_some_and(|max| size > max) {
            return Err(DecodeError::TooLarge);
        }
        let len = usize::try_from(size).map_err(|_| DecodeError::TooLarge)?;
        let mut msg = Msg::with_size(len).map_err(|_| DecodeError::NoMemory)?;
        if flags & COMMAND != 0 {
            msg.set_flags(msg_flags::COMMAND);
        } else if flags & MORE != 0 {
            msg.set_more(true);
        }
        self.state = State::Body { msg, filled: 0 };
        if len == 0 {
            self.finish(out);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<Frame>) {
        let done = std::mem::replace(
            &mut self.state,
            State::Header {
                bytes: [0; 9],
                have: 0,
            },
        );
        if let State::Body { msg, .. } = done {
            out.push(msg);
        }
    }
}

/// Appends the header of a frame with `size` body bytes: short sizes up to
/// 255, long ones after, as libzmq chooses.
pub fn encode_header(more: bool, command: bool, size: usize, out: &mut Vec<u8>) {
    let mut flags = 0;
    if more {
        flags |= MORE;
    }
    if command {
        flags |= COMMAND;
    }
    if size > 255 {
        out.push(flags | LONG);
        out.extend_from_slice(&(size as u64).to_be_bytes());
    } else {
        out.push(flags);
        out.push(size as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(more: bool, command: bool, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_header(more, command, body.len(), &mut out);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn header_forms() {
        assert_eq!(frame(false, false, b""), [0x00, 0x00]);
        assert_eq!(frame(true, false, b"ab"), [0x01, 0x02, b'a', b'b']);
        assert_eq!(frame(false, true, b"x"), [0x04, 0x01, b'x']);
        let long = frame(false, false, &[7u8; 256]);
        assert_eq!(&long[..9], &[0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn decodes_every_split() {
        let mut stream = frame(true, false, b"part1");
        stream.extend(frame(false, false, &[9u8; 300]));
        stream.extend(frame(false, true, b"\x05READY"));
        stream.extend(frame(false, false, b""));
        for split in 0..stream.len() {
            let mut d = Decoder::new(None);
            let mut out = Vec::new();
            d.decode(&stream[..split], &mut out).unwrap();
            d.decode(&stream[split..], &mut out).unwrap();
            assert_eq!(out.len(), 4, "split at {split}");
            assert_eq!(out[0].data(), b"part1");
            assert!(out[0].more());
            assert_eq!(out[1].len(), 300);
            assert!(!out[1].more());
            assert_eq!(out[2].flags() & msg_flags::COMMAND, msg_flags::COMMAND);
            assert!(out[3].is_empty());
        }
    }

    #[test]
    fn byte_at_a_time() {
        let stream = frame(false, false, &[1u8; 1000]);
        let mut d = Decoder::new(None);
        let mut out = Vec::new();
        for b in &stream {
            d.decode(std::slice::from_ref(b), &mut out).unwrap();
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), 1000);
    }

    #[test]
    fn hostile_sizes_are_refused_before_allocating() {
        let mut huge = vec![LONG];
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        let mut out = Vec::new();
        assert_eq!(
            Decoder::new(None).decode(&huge, &mut out),
            Err(DecodeError::BadSize)
        );

        let mut big = vec![LONG];
        big.extend_from_slice(&(1u64 << 62).to_be_bytes());
        assert!(Decoder::new(None).decode(&big, &mut out).is_err());

        let over = frame(false, false, &[0u8; 101]);
        assert_eq!(
            Decoder::new(Some(100)).decode(&over, &mut out),
            Err(DecodeError::TooLarge)
        );
        assert!(Decoder::new(Some(101)).decode(&over, &mut out).is_ok());
    }
}
