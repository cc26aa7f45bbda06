//! ZMTP framing. ZMTP 2.0 and 3.x (RFC 23): a flags byte, a 1- or 8-byte
//! size, the body. ZMTP 1.0, spoken to peers that old: a size that counts
//! the flags byte (one byte, or 0xFF and 8 bytes), the flags byte, the body.
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
    /// A ZMTP 1.0 size of 0 (it must count at least the flags byte).
    ZeroSize,
}

/// A decoded frame: a message part (MORE set on the Msg as received) or a
/// command (the Msg carries the COMMAND flag).
pub type Frame = Msg;

enum State {
    /// Collecting the flags and size bytes (ZMTP 1.0: size, then flags).
    Header { bytes: [u8; 10], have: usize },
    /// Filling a body of the announced size.
    Body { msg: Msg, filled: usize },
}

pub struct Decoder {
    state: State,
    /// MAXMSGSIZE: None for unlimited.
    max_size: Option<u64>,
    /// ZMTP 1.0 framing.
    v1: bool,
}

impl Decoder {
    pub fn new(max_size: Option<u64>) -> Decoder {
        Decoder {
            state: State::Header {
                bytes: [0; 10],
                have: 0,
            },
            max_size,
            v1: false,
        }
    }

    /// Switches to ZMTP 1.0 framing (before any frame was decoded).
    pub fn use_v1(&mut self) {
        self.v1 = true;
    }
}

/// How many header bytes a frame has, once its first byte is known.
fn header_len(v1: bool, first: u8) -> usize {
    match (v1, first) {
        (true, 0xFF) => 10,
        (true, _) => 2,
        (false, f) if f & LONG != 0 => 9,
        (false, _) => 2,
    }
}

/// Flags and body size of a complete header.
fn parse_header(v1: bool, h: &[u8]) -> Result<(u8, u64), DecodeError> {
    let long = |b: &[u8]| u64::from_be_bytes(b[..8].try_into().expect("8 bytes"));
    if !v1 {
        let size = if h[0] & LONG == 0 {
            u64::from(h[1])
        } else {
            long(&h[1..])
        };
        return Ok((h[0], size));
    }
    let (size, flags) = if h[0] == 0xFF {
        (long(&h[1..]), h[9])
    } else {
        (u64::from(h[0]), h[1])
    };
    if size == 0 {
        return Err(DecodeError::ZeroSize);
    }
    // ZMTP 1.0 has only the MORE flag.
    Ok((flags & MORE, size - 1))
}

impl Decoder {
    /// Consumes all of `data`, pushing each completed frame to `out`.
    pub fn decode(&mut self, mut data: &[u8], out: &mut Vec<Frame>) -> Result<(), DecodeError> {
        while !data.is_empty() {
            if let Some(used) = self.whole_short_frame(data, out)? {
                data = &data[used..];
                continue;
            }
            match &mut self.state {
                State::Header { bytes, have } => {
                    // The header's length is known after its first byte.
                    let need = if *have == 0 {
                        1
                    } else {
                        header_len(self.v1, bytes[0])
                    };
                    let take = (need - *have).min(data.len());
                    bytes[*have..*have + take].copy_from_slice(&data[..take]);
                    *have += take;
                    data = &data[take..];
                    let (bytes, have) = (*bytes, *have);
                    if have < header_len(self.v1, bytes[0]) {
                        continue;
                    }
                    let (flags, size) = parse_header(self.v1, &bytes[..have])?;
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

    /// The common case, taken in one step: a short ZMTP 2.0/3.x frame
    /// that lies whole in `data`, between frames. Returns the bytes used,
    /// or None to go the general way.
    fn whole_short_frame(
        &mut self,
        data: &[u8],
        out: &mut Vec<Frame>,
    ) -> Result<Option<usize>, DecodeError> {
        let at_frame_start = matches!(self.state, State::Header { have: 0, .. });
        let (Some(&flags), Some(&size)) = (data.first(), data.get(1)) else {
            return Ok(None);
        };
        let end = 2 + usize::from(size);
        if self.v1 || !at_frame_start || flags & LONG != 0 || data.len() < end {
            return Ok(None);
        }
        if self.max_size.is_some_and(|max| u64::from(size) > max) {
            return Err(DecodeError::TooLarge);
        }
        let mut msg = Msg::from_slice(&data[2..end]).map_err(|_| DecodeError::NoMemory)?;
        if flags & COMMAND != 0 {
            msg.set_flags(msg_flags::COMMAND);
        } else if flags & MORE != 0 {
            msg.set_more(true);
        }
        out.push(msg);
        Ok(Some(end))
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
                bytes: [0; 10],
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

/// Appends a ZMTP 1.0 frame header: the size counting the flags byte,
/// then the flags (only MORE exists).
pub fn encode_header_v1(more: bool, size: usize, out: &mut Vec<u8>) {
    let size = size as u64 + 1;
    if size < 0xFF {
        out.push(size as u8);
    } else {
        out.push(0xFF);
        out.extend_from_slice(&size.to_be_bytes());
    }
    out.push(more as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

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

    #[test]
    fn zmtp_1_0_frames() {
        let mut stream = Vec::new();
        encode_header_v1(true, 2, &mut stream);
        stream.extend_from_slice(b"id");
        encode_header_v1(false, 300, &mut stream);
        stream.extend_from_slice(&[5u8; 300]);
        encode_header_v1(false, 0, &mut stream);
        assert_eq!(&stream[..3], &[3, 1, b'i']);
        assert_eq!(&stream[4..14], &[0xFF, 0, 0, 0, 0, 0, 0, 1, 0x2D, 0]);
        for split in 0..stream.len() {
            let mut d = Decoder::new(None);
            d.use_v1();
            let mut out = Vec::new();
            d.decode(&stream[..split], &mut out).unwrap();
            d.decode(&stream[split..], &mut out).unwrap();
            assert_eq!(out.len(), 3, "split at {split}");
            assert_eq!(out[0].data(), b"id");
            assert!(out[0].more());
            assert_eq!(out[1].len(), 300);
            assert!(out[2].is_empty() && !out[2].more());
        }
        // A size of 0 cannot count the flags byte; limits apply to the body.
        let mut d = Decoder::new(None);
        d.use_v1();
        assert_eq!(
            d.decode(&[0, 0], &mut Vec::new()),
            Err(DecodeError::ZeroSize)
        );
        let mut d = Decoder::new(Some(3));
        d.use_v1();
        assert!(d.decode(&[4, 0, 1, 2, 3], &mut Vec::new()).is_ok());
        assert_eq!(
            d.decode(&[5, 0], &mut Vec::new()),
            Err(DecodeError::TooLarge)
        );
    }

    /// Frames (flags, body) and the error, if any, of a stream fed in the
    /// pieces `cuts` makes, stopping at the first error as an engine does.
    fn decode_in_pieces(
        stream: &[u8],
        max: u64,
        v1: bool,
        cuts: &[usize],
    ) -> (Vec<(u8, Vec<u8>)>, Option<DecodeError>) {
        let mut d = Decoder::new(Some(max));
        if v1 {
            d.use_v1();
        }
        let mut frames = Vec::new();
        let mut error = None;
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&stream.len())) {
            if let Err(e) = d.decode(&stream[start..end], &mut frames) {
                error = Some(e);
                break;
            }
            start = end;
        }
        let frames = frames
            .iter()
            .map(|f| (f.flags(), f.data().to_vec()))
            .collect();
        (frames, error)
    }

    #[test]
    fn random_streams_decode_alike_in_any_pieces() {
        // Valid frames mixed with garbage whose header bytes are likely
        // (flags, LONG, short sizes, 0xFF): whatever the split, the same
        // frames come out and the same error stops them, never a panic.
        let mut rng = Rng(0x5EED_C0DE_C0FF_EE01);
        let garbage = [0u8, 1, 2, 3, 4, 7, 0x7F, 0x80, 0xFF, b'x'];
        for _ in 0..3000 {
            let v1 = rng.below(4) == 0;
            let mut stream = Vec::new();
            for _ in 0..rng.below(6) {
                if rng.below(4) == 0 {
                    stream.extend(rng.bytes(12, &garbage));
                    continue;
                }
                let body = rng.bytes(300, &garbage);
                let more = rng.below(2) == 1;
                if v1 {
                    encode_header_v1(more, body.len(), &mut stream);
                } else {
                    encode_header(more, rng.below(3) == 0, body.len(), &mut stream);
                }
                stream.extend_from_slice(&body);
            }
            // Big enough for most bodies, so limits are hit now and then.
            let max = 200 + rng.below(200);
            let whole = decode_in_pieces(&stream, max, v1, &[]);
            let mut cuts: Vec<usize> = (0..rng.below(8))
                .map(|_| rng.below(stream.len() as u64 + 1) as usize)
                .collect();
            cuts.sort_unstable();
            assert_eq!(
                decode_in_pieces(&stream, max, v1, &cuts),
                whole,
                "{stream:?} cut at {cuts:?}"
            );
        }
    }
}
