//! The properties a mechanism sends in READY or INITIATE, and the peer's
//! properties it gathers from those commands and from a ZAP reply.

use super::Config;
use crate::zmtp::{command, socket_type};

pub type Properties = Vec<(Vec<u8>, Vec<u8>)>;

/// Our properties, encoded as READY and INITIATE carry them: Socket-Type,
/// Identity when our socket type sends it, then ZMQ_METADATA.
pub fn encode_ours(config: &Config) -> Vec<u8> {
    let mut props: Vec<(&[u8], &[u8])> = vec![(b"Socket-Type", config.socket_type.as_bytes())];
    if config.send_identity {
        props.push((b"Identity", &config.routing_id));
    }
    for (name, value) in &config.metadata {
        props.push((name, value));
    }
    let mut out = Vec::new();
    command::append_properties(&mut out, &props);
    out
}

/// The peer's properties; None when malformed or when a Socket-Type in
/// them may not talk to ours. libzmq applies the Socket-Type check to ZAP
/// reply metadata too, so this serves both.
pub fn parse_peer(config: &Config, data: &[u8]) -> Option<Properties> {
    let props = command::parse_properties(data)?;
    props
        .iter()
        .filter(|(name, _)| name == b"Socket-Type")
        .all(|(_, value)| socket_type::compatible(config.socket_type.as_bytes(), value))
        .then_some(props)
}

/// The peer's properties from ZMTP and from ZAP, merged as libzmq merges
/// them into message metadata: the first occurrence of a name wins and ZAP
/// comes first.
#[derive(Default)]
pub struct PeerProperties {
    zap: Properties,
    zmtp: Properties,
    merged: Properties,
}

impl PeerProperties {
    pub fn set_zmtp(&mut self, props: Properties) {
        self.zmtp = props;
        self.merge();
    }

    /// "User-Id" (even when empty) and the ZAP reply's metadata.
    pub fn set_zap(&mut self, user_id: Vec<u8>, props: Properties) {
        self.zap = vec![(b"User-Id".to_vec(), user_id)];
        self.zap.extend(props);
        self.merge();
    }

    pub fn all(&self) -> &[(Vec<u8>, Vec<u8>)] {
        &self.merged
    }

    fn merge(&mut self) {
        self.merged.clear();
        for (name, value) in self.zap.iter().chain(&self.zmtp) {
            if !self.merged.iter().any(|(n, _)| n == name) {
                self.merged.push((name.clone(), value.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(socket_type: &'static str) -> Config {
        Config {
            socket_type,
            ..Config::default()
        }
    }

    #[test]
    fn ours_in_libzmq_order() {
        let mut c = config("DEALER");
        c.send_identity = true;
        c.routing_id = b"id".to_vec();
        c.metadata = vec![(b"X-Foo".to_vec(), b"bar".to_vec())];
        assert_eq!(
            encode_ours(&c),
            b"\x0bSocket-Type\0\0\0\x06DEALER\x08Identity\0\0\0\x02id\x05X-Foo\0\0\0\x03bar"
        );
        assert_eq!(
            encode_ours(&config("PUSH")),
            b"\x0bSocket-Type\0\0\0\x04PUSH"
        );
    }

    #[test]
    fn socket_type_is_checked() {
        let pull = config("PULL");
        let push = b"\x0bSocket-Type\0\0\0\x04PUSH";
        let pub_ = b"\x0bSocket-Type\0\0\0\x03PUB";
        assert!(parse_peer(&pull, push).is_some());
        assert!(parse_peer(&pull, pub_).is_none());
        assert!(parse_peer(&pull, b"").is_some());
        assert!(parse_peer(&pull, b"\x05X-Foo\0\0\0\x09bar").is_none());
        assert!(parse_peer(&config("NOPE"), push).is_none());
    }

    #[test]
    fn zap_properties_take_precedence() {
        let mut p = PeerProperties::default();
        p.set_zmtp(vec![
            (b"Socket-Type".to_vec(), b"REQ".to_vec()),
            (b"X-A".to_vec(), b"peer".to_vec()),
            (b"X-A".to_vec(), b"again".to_vec()),
        ]);
        p.set_zap(
            b"admin".to_vec(),
            vec![
                (b"X-A".to_vec(), b"zap".to_vec()),
                (b"User-Id".to_vec(), b"ignored".to_vec()),
            ],
        );
        let all: Vec<(&[u8], &[u8])> = p
            .all()
            .iter()
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .collect();
        assert_eq!(
            all,
            [
                (&b"User-Id"[..], &b"admin"[..]),
                (b"X-A", b"zap"),
                (b"Socket-Type", b"REQ"),
            ]
        );
    }
}
