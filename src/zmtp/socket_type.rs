//! Socket-Type names on the wire and which pairs may talk (RFC 23, 37).

use crate::pattern::kind::*;

/// The Socket-Type metadata value of a socket type.
pub fn name(kind: i32) -> Option<&'static str> {
    Some(match kind {
        PAIR => "PAIR",
        PUB => "PUB",
        SUB => "SUB",
        REQ => "REQ",
        REP => "REP",
        DEALER => "DEALER",
        ROUTER => "ROUTER",
        PULL => "PULL",
        PUSH => "PUSH",
        XPUB => "XPUB",
        XSUB => "XSUB",
        STREAM => "STREAM",
        _ => return None,
    })
}

/// Whether a socket of `kind` accepts a peer announcing `peer` (libzmq
/// closes the connection otherwise).
pub fn compatible(kind: i32, peer: &[u8]) -> bool {
    let peers: &[&[u8]] = match kind {
        PAIR => &[b"PAIR"],
        PUB | XPUB => &[b"SUB", b"XSUB"],
        SUB | XSUB => &[b"PUB", b"XPUB"],
        REQ => &[b"REP", b"ROUTER"],
        REP => &[b"REQ", b"DEALER"],
        DEALER => &[b"REP", b"DEALER", b"ROUTER"],
        ROUTER => &[b"REQ", b"DEALER", b"ROUTER"],
        PULL => &[b"PUSH"],
        PUSH => &[b"PULL"],
        _ => &[],
    };
    peers.contains(&peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_is_symmetric() {
        for a in 0..=10 {
            for b in 0..=10 {
                let (na, nb) = (name(a).unwrap(), name(b).unwrap());
                assert_eq!(
                    compatible(a, nb.as_bytes()),
                    compatible(b, na.as_bytes()),
                    "{na} vs {nb}"
                );
            }
        }
        assert!(compatible(REQ, b"ROUTER"));
        assert!(!compatible(REQ, b"REQ"));
        assert!(!compatible(PUB, b"pub"), "names are case-sensitive");
    }
}
