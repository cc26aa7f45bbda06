//! ZAP (RFC 27) as libzmq 4.3 speaks it: when a handshake asks the handler
//! at `inproc://zeromq.zap.01`, the request it sends, how the reply is
//! checked, and what a refusal means on both ends of the connection.

use super::metadata::{self, PeerProperties, Properties};
use super::{protocol_error, Config, Failure};
use crate::zmtp::command;

const VERSION: &[u8] = b"1.0";
/// libzmq numbers every request "1": one request per connection.
const REQUEST_ID: &[u8] = b"1";

/// Whether a handshake asks ZAP, decided once the peer's credentials are
/// in (NULL: before sending READY).
#[derive(Debug, PartialEq, Eq)]
pub enum Need {
    /// Send `request` to the handler and wait for its reply.
    Ask,
    /// Go on without ZAP.
    Skip,
    /// Fail the handshake with this (no ERROR command is sent).
    Refuse(Failure),
}

/// libzmq 4.3's rule for `mechanism` ("NULL", "PLAIN" or "CURVE" on the
/// server side) given ZAP_DOMAIN, ZAP_ENFORCE_DOMAIN and whether a handler
/// is bound.
pub fn need(mechanism: &[u8], config: &Config) -> Need {
    let refuse = Need::Refuse(Failure::NoDetail(libc::EFAULT));
    let domain_set = !config.zap_domain.is_empty();
    let enforce = config.zap_enforce_domain;
    match mechanism {
        // PLAIN has no use without a handler, whatever the options say.
        // (libzmq 4.3 aborts the process when ENFORCE_DOMAIN is set with
        // no domain; this asks the handler as usual instead.)
        b"PLAIN" if config.zap_available => Need::Ask,
        b"PLAIN" => refuse,
        // Enforcing an empty domain turns ZAP off for CURVE altogether.
        b"CURVE" if !domain_set && enforce => Need::Skip,
        // NULL uses ZAP only when a domain is set.
        b"NULL" if !domain_set => Need::Skip,
        _ if config.zap_available => Need::Ask,
        // Without a handler CURVE accepts everyone ("Stonehouse") and NULL
        // goes on, unless the domain is enforced.
        _ if enforce => refuse,
        _ => Need::Skip,
    }
}

/// The request frames, delimiter first: our ZAP_DOMAIN, the peer's
/// address, our own routing id (as libzmq sends it), the mechanism name
/// and its credentials (PLAIN: username, password; CURVE: the client's
/// long-term public key; NULL: none).
pub fn request(config: &Config, mechanism: &[u8], credentials: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut frames = vec![
        Vec::new(),
        VERSION.to_vec(),
        REQUEST_ID.to_vec(),
        config.zap_domain.clone(),
        config.peer_address.as_bytes().to_vec(),
        config.routing_id.clone(),
        mechanism.to_vec(),
    ];
    frames.extend(credentials.iter().map(|c| c.to_vec()));
    frames
}

/// A well-formed reply.
#[derive(Debug)]
pub struct Reply {
    /// 200, 300, 400 or 500.
    pub status: u32,
    pub user_id: Vec<u8>,
    pub properties: Properties,
}

/// A reply checked in libzmq's order; the failure names the first fault.
pub fn parse_reply(config: &Config, frames: &[Vec<u8>]) -> Result<Reply, Failure> {
    let protocol = |code| Err(Failure::Protocol(code));
    // libzmq reads seven frames and checks that exactly the last one ends
    // the message: any other count is the same fault.
    let [delimiter, version, request_id, status, _text, user_id, meta] = frames else {
        return protocol(protocol_error::ZAP_MALFORMED_REPLY);
    };
    if !delimiter.is_empty() {
        return protocol(protocol_error::ZAP_UNSPECIFIED);
    }
    if version.as_slice() != VERSION {
        return protocol(protocol_error::ZAP_BAD_VERSION);
    }
    if request_id.as_slice() != REQUEST_ID {
        return protocol(protocol_error::ZAP_BAD_REQUEST_ID);
    }
    let status = match status.as_slice() {
        b"200" => 200,
        b"300" => 300,
        b"400" => 400,
        b"500" => 500,
        _ => return protocol(protocol_error::ZAP_INVALID_STATUS_CODE),
    };
    let Some(properties) = metadata::parse_peer(config, meta) else {
        return protocol(protocol_error::ZAP_INVALID_METADATA);
    };
    Ok(Reply {
        status,
        user_id: user_id.clone(),
        properties,
    })
}

/// Why the handler's reply ends the handshake.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// HANDSHAKE_FAILED_AUTH with the status code, or the protocol error
    /// of a malformed reply.
    pub failure: Failure,
    /// The status the ERROR sent before closing carries: 400 and 500; none
    /// for 300, where the client is dropped silently so it may retry, nor
    /// for a malformed reply.
    pub error_status: Option<u32>,
}

/// A server's wait for ZAP, ended by the handler's reply: the reply is
/// checked, its User-Id and metadata join the peer's properties, and a
/// refusal says what to report and what ERROR the peer is owed.
pub fn apply_reply(
    config: &Config,
    frames: &[Vec<u8>],
    peer: &mut PeerProperties,
) -> Result<(), Refusal> {
    let reply = parse_reply(config, frames).map_err(|failure| Refusal {
        failure,
        error_status: None,
    })?;
    peer.set_zap(reply.user_id, reply.properties);
    match reply.status {
        200 => Ok(()),
        status => Err(Refusal {
            failure: Failure::Auth(status),
            error_status: (status != 300).then_some(status),
        }),
    }
}

/// The ERROR command carrying a ZAP status.
pub fn error_command(status: u32) -> Vec<u8> {
    command::error(status.to_string().as_bytes())
}

/// An ERROR command a client receives during the handshake (`body` starts
/// with `\x05ERROR`): always a failure, HANDSHAKE_FAILED_AUTH when its
/// reason is a ZAP refusal code.
pub fn peer_error(body: &[u8]) -> Failure {
    match command::split(body) {
        Some((_, data)) => error_reason(data),
        None => Failure::Protocol(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR),
    }
}

/// What an ERROR command's data (reason length and reason) means.
pub fn error_reason(data: &[u8]) -> Failure {
    let malformed = Failure::Protocol(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR);
    // Bytes after the reason are tolerated, as libzmq does.
    match command::parse_error(data) {
        Some(b"300") => Failure::Auth(300),
        Some(b"400") => Failure::Auth(400),
        Some(b"500") => Failure::Auth(500),
        Some(_) => Failure::Silent,
        None => malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn config() -> Config {
        Config {
            socket_type: "REP",
            routing_id: b"me".to_vec(),
            zap_domain: b"global".to_vec(),
            zap_available: true,
            peer_address: "127.0.0.1".to_string(),
            ..Config::default()
        }
    }

    fn reply(status: &[u8], meta: &[u8]) -> Vec<Vec<u8>> {
        [&b""[..], b"1.0", b"1", status, b"OK", b"admin", meta]
            .iter()
            .map(|f| f.to_vec())
            .collect()
    }

    #[test]
    fn request_frames() {
        let c = config();
        let plain = request(&c, b"PLAIN", &[b"user", b"pass"]);
        let expected: [&[u8]; 9] = [
            b"",
            b"1.0",
            b"1",
            b"global",
            b"127.0.0.1",
            b"me",
            b"PLAIN",
            b"user",
            b"pass",
        ];
        assert_eq!(plain, expected);
        let null = request(&c, b"NULL", &[]);
        assert_eq!(null.len(), 7);
        assert_eq!(null[6], b"NULL");
        let key = [7u8; 32];
        let curve = request(&c, b"CURVE", &[&key]);
        assert_eq!(curve.len(), 8);
        assert_eq!(curve[7], key);
    }

    #[test]
    fn good_replies() {
        let c = config();
        let r = parse_reply(&c, &reply(b"200", b"\x05X-Foo\0\0\0\x03bar")).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.user_id, b"admin");
        assert_eq!(r.properties, [(b"X-Foo".to_vec(), b"bar".to_vec())]);
        let mut peer = PeerProperties::default();
        assert_eq!(
            apply_reply(&c, &reply(b"200", b"\x05X-Foo\0\0\0\x03bar"), &mut peer),
            Ok(())
        );
        assert_eq!(peer.all()[0], (b"User-Id".to_vec(), b"admin".to_vec()));

        let refusal = apply_reply(&c, &reply(b"300", b""), &mut peer).unwrap_err();
        assert_eq!(refusal.failure, Failure::Auth(300));
        assert_eq!(refusal.error_status, None);
        for (code, n) in [(&b"400"[..], 400), (b"500", 500)] {
            let refusal = apply_reply(&c, &reply(code, b""), &mut peer).unwrap_err();
            assert_eq!(refusal.failure, Failure::Auth(n));
            assert_eq!(refusal.error_status, Some(n));
            let mut expected = b"\x05ERROR\x03".to_vec();
            expected.extend_from_slice(code);
            assert_eq!(error_command(n), expected);
        }
    }

    #[test]
    fn bad_replies() {
        let c = config();
        let fails = |frames: &[Vec<u8>]| match parse_reply(&c, frames) {
            Err(Failure::Protocol(code)) => code,
            other => panic!("{other:?}"),
        };
        let mut short = reply(b"200", b"");
        short.pop();
        assert_eq!(fails(&short), protocol_error::ZAP_MALFORMED_REPLY);
        let mut long = reply(b"200", b"");
        long.push(Vec::new());
        assert_eq!(fails(&long), protocol_error::ZAP_MALFORMED_REPLY);
        assert_eq!(fails(&[]), protocol_error::ZAP_MALFORMED_REPLY);

        let mut r = reply(b"200", b"");
        r[0] = b"x".to_vec();
        assert_eq!(fails(&r), protocol_error::ZAP_UNSPECIFIED);
        let mut r = reply(b"200", b"");
        r[1] = b"2.0".to_vec();
        assert_eq!(fails(&r), protocol_error::ZAP_BAD_VERSION);
        let mut r = reply(b"200", b"");
        r[2] = b"2".to_vec();
        assert_eq!(fails(&r), protocol_error::ZAP_BAD_REQUEST_ID);
        for status in [&b"201"[..], b"100", b"600", b"20", b"2000", b""] {
            assert_eq!(
                fails(&reply(status, b"")),
                protocol_error::ZAP_INVALID_STATUS_CODE
            );
        }
        assert_eq!(
            fails(&reply(b"200", b"\x05X-Foo\0\0\0\x09bar")),
            protocol_error::ZAP_INVALID_METADATA
        );
        // libzmq checks Socket-Type in ZAP metadata too.
        assert_eq!(
            fails(&reply(b"200", b"\x0bSocket-Type\0\0\0\x03PUB")),
            protocol_error::ZAP_INVALID_METADATA
        );
        // Version is checked before the status code.
        let mut r = reply(b"999", b"");
        r[1] = b"1.1".to_vec();
        assert_eq!(fails(&r), protocol_error::ZAP_BAD_VERSION);
    }

    #[test]
    fn when_zap_is_asked() {
        let with = |available: bool, domain: &[u8], enforce: bool| Config {
            zap_available: available,
            zap_domain: domain.to_vec(),
            zap_enforce_domain: enforce,
            ..Config::default()
        };
        let efault = Need::Refuse(Failure::NoDetail(libc::EFAULT));
        for enforce in [false, true] {
            for domain in [&b""[..], b"d"] {
                assert_eq!(need(b"PLAIN", &with(true, domain, enforce)), Need::Ask);
                assert_eq!(need(b"PLAIN", &with(false, domain, enforce)), efault);
            }
        }
        assert_eq!(need(b"CURVE", &with(true, b"", false)), Need::Ask);
        assert_eq!(need(b"CURVE", &with(true, b"d", true)), Need::Ask);
        assert_eq!(need(b"CURVE", &with(true, b"", true)), Need::Skip);
        assert_eq!(need(b"CURVE", &with(false, b"", false)), Need::Skip);
        assert_eq!(need(b"CURVE", &with(false, b"d", false)), Need::Skip);
        assert_eq!(need(b"CURVE", &with(false, b"d", true)), efault);
        assert_eq!(need(b"CURVE", &with(false, b"", true)), Need::Skip);
        assert_eq!(need(b"NULL", &with(true, b"", false)), Need::Skip);
        assert_eq!(need(b"NULL", &with(true, b"", true)), Need::Skip);
        assert_eq!(need(b"NULL", &with(true, b"d", false)), Need::Ask);
        assert_eq!(need(b"NULL", &with(false, b"d", false)), Need::Skip);
        assert_eq!(need(b"NULL", &with(false, b"d", true)), efault);
    }

    #[test]
    fn error_commands_from_the_server() {
        assert_eq!(peer_error(b"\x05ERROR\x03400"), Failure::Auth(400));
        assert_eq!(peer_error(b"\x05ERROR\x03300"), Failure::Auth(300));
        assert_eq!(peer_error(b"\x05ERROR\x03500trailing"), Failure::Auth(500));
        assert_eq!(peer_error(b"\x05ERROR\x03200"), Failure::Silent);
        assert_eq!(peer_error(b"\x05ERROR\x06Denied"), Failure::Silent);
        assert_eq!(peer_error(b"\x05ERROR\x00"), Failure::Silent);
        let malformed = Failure::Protocol(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR);
        assert_eq!(peer_error(b"\x05ERROR"), malformed);
        assert_eq!(peer_error(b"\x05ERROR\x0540"), malformed);
    }

    #[test]
    fn random_replies_never_panic() {
        // Frame counts, status codes, ids and metadata of every shape: a
        // reply is accepted or refused, never a panic.
        let mut rng = Rng(0x2A9_0000_0000_0027);
        let likely = [0u8, 1, 2, b'0', b'1', b'2', b'3', b'4', b'5', 0x7F, 0xFF];
        let c = config();
        for _ in 0..3000 {
            let mut frames = reply(b"200", b"\x06X-Role\0\0\0\x05admin");
            for _ in 0..rng.below(4) {
                let i = rng.below(frames.len() as u64) as usize;
                frames[i] = rng.bytes(12, &likely);
            }
            if rng.below(8) == 0 {
                frames.truncate(rng.below(8) as usize);
            }
            let _ = parse_reply(&c, &frames);
        }
    }
}
