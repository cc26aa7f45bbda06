//! The ZMTP greeting (RFC 23/37) and version detection as libzmq 4.3 does
//! it.
//!
//! libzmq sends the first ten bytes (the signature) and decides from the
//! peer's first bytes which protocol it speaks: a first byte other than
//! 0xFF, or a tenth byte with its low bit clear, is an unversioned ZMTP 1.0
//! peer; otherwise the eleventh byte is the major version: 0 (ZMTP 1.0 with
//! a revision) and 1 (ZMTP 2.0) are followed by a socket-type byte, 12
//! bytes in all; anything from 2 on is ZMTP 3.x, 64 bytes.
//!
//! libzmq sends its own greeting in the same steps, so that an old peer
//! never sees bytes it would misread: the signature at once, the major
//! version once the peer's signature shows it is versioned, and the rest
//! (a socket type for old peers, minor version and mechanism for 3.x) once
//! the peer's major version is known.

/// Size of a full ZMTP 3.x greeting.
pub const GREETING_LEN: usize = 64;
/// Size of a ZMTP 1.0/2.0 greeting: signature, revision, socket type.
pub const OLD_GREETING_LEN: usize = 12;
/// Signature: 0xFF, 8 bytes of padding, 0x7F.
pub const SIGNATURE_LEN: usize = 10;
const MECHANISM_LEN: usize = 20;
/// Where the major version (revision) is.
pub const VERSION_POS: usize = 10;
const MECHANISM_POS: usize = 12;

/// Our 64-byte greeting: version 3.1. The padding carries the routing id
/// length + 1 (big-endian), which a ZMTP 1.0 peer reads as the length of an
/// identity message, as libzmq arranges it. As-server stays 0: libzmq
/// never sets it.
pub fn greeting(mechanism: &[u8], routing_id_len: usize) -> [u8; GREETING_LEN] {
    let mut g = [0u8; GREETING_LEN];
    g[0] = 0xFF;
    g[1..9].copy_from_slice(&(routing_id_len as u64 + 1).to_be_bytes());
    g[9] = 0x7F;
    g[VERSION_POS] = 3;
    g[VERSION_POS + 1] = 1;
    let n = mechanism.len().min(MECHANISM_LEN);
    g[MECHANISM_POS..MECHANISM_POS + n].copy_from_slice(&mechanism[..n]);
    g
}

/// What the peer's greeting said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerGreeting {
    /// Unversioned ZMTP 1.0: no greeting; the bytes read so far are its
    /// first frame.
    V1,
    /// A 12-byte greeting: revision 0 (ZMTP 1.0) or 1 (ZMTP 2.0), and the
    /// peer's socket type.
    Old { revision: u8, socket_type: u8 },
    /// ZMTP 3.x (revision 2 or more) with its full greeting.
    V3 { minor: u8, mechanism: Vec<u8> },
}

/// Reads the peer's greeting a few bytes at a time.
#[derive(Default)]
pub struct GreetingReader {
    buf: Vec<u8>,
}

impl GreetingReader {
    pub fn new() -> GreetingReader {
        GreetingReader::default()
    }

    /// Bytes of the peer's greeting received so far (for an unversioned
    /// peer, the start of its first frame).
    pub fn received(&self) -> &[u8] {
        &self.buf
    }

    /// The peer's signature is complete and announces a versioned peer:
    /// time to send our major version.
    pub fn versioned(&self) -> bool {
        self.buf.len() >= SIGNATURE_LEN && self.buf[0] == 0xFF && self.buf[9] & 1 == 1
    }

    /// The peer's major version, once received.
    pub fn revision(&self) -> Option<u8> {
        self.buf.get(VERSION_POS).copied()
    }

    /// Takes as many bytes from `data` as the greeting still needs; returns
    /// how many were used and the verdict once there is one.
    pub fn feed(&mut self, data: &[u8]) -> (usize, Option<PeerGreeting>) {
        let mut used = 0;
        loop {
            if let Some(verdict) = self.verdict() {
                return (used, Some(verdict));
            }
            if used == data.len() {
                return (used, None);
            }
            // Byte by byte until the version is known: a 1.0 peer must not
            // have more of its stream taken than the detection needs.
            let want = match self.revision() {
                Some(r) if r < 2 => OLD_GREETING_LEN - self.buf.len(),
                Some(_) => GREETING_LEN - self.buf.len(),
                None => 1,
            };
            let take = want.min(data.len() - used);
            self.buf.extend_from_slice(&data[used..used + take]);
            used += take;
        }
    }

    fn verdict(&self) -> Option<PeerGreeting> {
        let b = &self.buf;
        if !b.is_empty() && b[0] != 0xFF {
            return Some(PeerGreeting::V1);
        }
        if b.len() >= SIGNATURE_LEN && b[9] & 1 == 0 {
            return Some(PeerGreeting::V1);
        }
        // libzmq: revisions 0 and 1 are the old protocols; anything from 2
        // on is taken as ZMTP 3.x.
        if b.len() == OLD_GREETING_LEN && b[VERSION_POS] < 2 {
            return Some(PeerGreeting::Old {
                revision: b[VERSION_POS],
                socket_type: b[VERSION_POS + 1],
            });
        }
        if b.len() == GREETING_LEN {
            let mechanism = &b[MECHANISM_POS..MECHANISM_POS + MECHANISM_LEN];
            let end = mechanism
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(MECHANISM_LEN);
            return Some(PeerGreeting::V3 {
                minor: b[VERSION_POS + 1],
                mechanism: mechanism[..end].to_vec(),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// The verdict and the bytes taken when `bytes` arrive in the pieces
    /// `cuts` makes; feeding stops at the verdict, as the engine's does.
    fn read_in_pieces(bytes: &[u8], cuts: &[usize]) -> (usize, Option<PeerGreeting>) {
        let mut r = GreetingReader::new();
        let mut taken = 0;
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&bytes.len())) {
            let (used, verdict) = r.feed(&bytes[start..end]);
            taken += used;
            if verdict.is_some() {
                return (taken, verdict);
            }
            start = end;
        }
        (taken, None)
    }

    #[test]
    fn random_greetings_read_alike_in_any_pieces() {
        // Mutated greetings of every kind: the verdict, and how much of the
        // stream it took, never depend on how the bytes were split.
        let mut rng = Rng(0x6EE7_1265_0000_0001);
        let seeds = [
            greeting(b"NULL", 0).to_vec(),
            greeting(b"CURVE", 5).to_vec(),
            vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 0x01, 0x05, 0x00],
            vec![0xFF, 0, 0, 0, 0, 0, 0, 1, 0, 0x02, 0x00],
            vec![0x05, 0x00, b'h', b'e', b'l', b'l', b'o'],
        ];
        let likely = [0u8, 1, 2, 3, 0x7E, 0x7F, 0xFF];
        for _ in 0..3000 {
            let mut bytes = seeds[rng.below(seeds.len() as u64) as usize].clone();
            for _ in 0..rng.below(4) {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = likely[rng.below(likely.len() as u64) as usize];
            }
            bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize);
            bytes.extend(rng.bytes(8, &likely));
            let whole = read_in_pieces(&bytes, &[]);
            assert!(whole.0 <= GREETING_LEN);
            if whole.1.is_none() {
                assert_eq!(whole.0, bytes.len(), "all taken while undecided");
            }
            let mut cuts: Vec<usize> = (0..rng.below(6))
                .map(|_| rng.below(bytes.len() as u64 + 1) as usize)
                .collect();
            cuts.sort_unstable();
            assert_eq!(
                read_in_pieces(&bytes, &cuts),
                whole,
                "{bytes:?} cut at {cuts:?}"
            );
        }
    }

    #[test]
    fn our_greeting_bytes() {
        let g = greeting(b"NULL", 3);
        assert_eq!(g[0], 0xFF);
        assert_eq!(&g[1..9], &[0, 0, 0, 0, 0, 0, 0, 4]);
        assert_eq!(g[9], 0x7F);
        assert_eq!((g[10], g[11]), (3, 1));
        assert_eq!(&g[12..16], b"NULL");
        assert!(g[16..].iter().all(|&b| b == 0));
    }

    #[test]
    fn reads_a_3x_greeting_in_pieces() {
        let g = greeting(b"CURVE", 0);
        let mut r = GreetingReader::new();
        let mut at = 0;
        let mut verdict = None;
        for chunk in g.chunks(7) {
            let (used, v) = r.feed(chunk);
            at += used;
            verdict = v;
        }
        assert_eq!(at, 64);
        assert_eq!(
            verdict,
            Some(PeerGreeting::V3 {
                minor: 1,
                mechanism: b"CURVE".to_vec(),
            })
        );
    }

    #[test]
    fn detects_old_peers_without_overreading() {
        // ZMTP 1.0: first byte is a frame length.
        let mut r = GreetingReader::new();
        assert_eq!(
            r.feed(&[0x05, 0x00, b'h', b'e']),
            (1, Some(PeerGreeting::V1))
        );
        // ZMTP 1.0 with a long frame: 0xFF then a length whose last byte is
        // even.
        let mut r = GreetingReader::new();
        let v1_long = [0xFF, 0, 0, 0, 0, 0, 0, 1, 0, 0x02, 0x00];
        assert_eq!(r.feed(&v1_long), (10, Some(PeerGreeting::V1)));
        // ZMTP 2.0: revision 1, then the socket type; nothing more taken.
        let mut r = GreetingReader::new();
        let v2 = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 0x01, 0x05, 0x00];
        assert_eq!(r.feed(&v2[..10]), (10, None));
        assert!(r.versioned());
        assert_eq!(
            r.feed(&v2[10..]),
            (
                2,
                Some(PeerGreeting::Old {
                    revision: 1,
                    socket_type: 5
                })
            )
        );
    }
}
