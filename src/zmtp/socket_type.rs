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

/// Whether a socket announcing `ours` accepts a peer announcing `peer`
/// (libzmq closes the connection otherwise).
pub fn compatible(ours: &[u8], peer: &[u8]) -> bool {
    let peers: &[&[u8]] = match ours {
        b"PAIR" => &[b"PAIR"],
        b"PUB" | b"XPUB" => &[b"SUB", b"XSUB"],
        b"SUB" | b"XSUB" => &[b"PUB", b"XPUB"],
        b"REQ" => &[b"REP", b"ROUTER"],
        b"REP" => &[b"REQ", b"DEALER"],
        b"DEALER" => &[b"REP", b"DEALER", b"ROUTER"],
        b"ROUTER" => &[b"REQ", b"DEALER", b"ROUTER"],
        b"PULL" => &[b"PUSH"],
        b"PUSH" => &[b"PULL"],
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
                    compatible(na.as_bytes(), nb.as_bytes()),
                    compatible(nb.as_bytes(), na.as_bytes()),
                    "{na} vs {nb}"
                );
            }
        }
        assert!(compatible(b"REQ", b"ROUTER"));
        assert!(!compatible(b"REQ", b"REQ"));
        assert!(!compatible(b"PUB", b"pub"), "names are case-sensitive");
    }
}
