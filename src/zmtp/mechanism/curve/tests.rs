//! CURVE client and server against each other, against forged, truncated
//! and replayed commands, and against the exact wire layout.

use x25519_dalek::StaticSecret;

use super::cryptobox::{nonce, BoxKey, KeyPair};
use super::message::short_nonce;
use super::*;
use crate::msg::{flags, Msg};
use crate::zmtp::mechanism::testing::{handshake, sealed, zap_handler, End, Run};
use crate::zmtp::mechanism::{protocol_error, Status};

const SERVER_SECRET: [u8; 32] = [0x51; 32];
const CLIENT_SECRET: [u8; 32] = [0xc1; 32];

fn server_keys() -> KeyPair {
    KeyPair::from_secret(SERVER_SECRET)
}

fn client_keys() -> KeyPair {
    KeyPair::from_secret(CLIENT_SECRET)
}

fn client_config() -> Config {
    Config {
        socket_type: "DEALER",
        routing_id: b"cli".to_vec(),
        send_identity: true,
        metadata: vec![(b"X-Foo".to_vec(), b"bar".to_vec())],
        curve_public_key: client_keys().public,
        curve_secret_key: CLIENT_SECRET.into(),
        curve_server_key: server_keys().public,
        ..Config::default()
    }
}

fn server_config(zap_available: bool) -> Config {
    Config {
        socket_type: "ROUTER",
        routing_id: b"srv".to_vec(),
        send_identity: true,
        zap_domain: b"test".to_vec(),
        zap_available,
        peer_address: "10.0.0.1".to_string(),
        as_server: true,
        curve_public_key: server_keys().public,
        curve_secret_key: SERVER_SECRET.into(),
        ..Config::default()
    }
}

fn pair(zap_available: bool) -> (CurveClient, CurveServer) {
    (
        CurveClient::new(client_config()).unwrap(),
        CurveServer::new(server_config(zap_available)).unwrap(),
    )
}

fn failed(code: u32) -> End {
    End::Failed(Failure::Protocol(code))
}

fn err(code: u32) -> Result<(), Failure> {
    Err(Failure::Protocol(code))
}

/// The keys a transcript holds for whoever knows s and the cookie key:
/// C', S' and the C'/S' session key.
struct Opened {
    client_short: [u8; 32],
    server_short: [u8; 32],
    cookie: Vec<u8>,
    session: BoxKey,
}

fn open_transcript(hello: &[u8], welcome: &[u8], server: &CurveServer) -> Opened {
    let client_short: [u8; 32] = hello[80..112].try_into().unwrap();
    let hello_key = BoxKey::shared(&client_short, &server_keys().secret).unwrap();
    let plain = hello_key
        .open(&nonce(b"WELCOME-", &welcome[8..24]), &welcome[24..])
        .unwrap();
    let server_short: [u8; 32] = plain[..32].try_into().unwrap();
    let cookie = plain[32..].to_vec();
    let cookie_plain = server
        .cookie_key()
        .unwrap()
        .open(&nonce(b"COOKIE--", &cookie[..16]), &cookie[16..])
        .unwrap();
    assert_eq!(cookie_plain[..32], client_short);
    let short_secret = StaticSecret::from(<[u8; 32]>::try_from(&cookie_plain[32..]).unwrap());
    assert_eq!(
        x25519_dalek::PublicKey::from(&short_secret).to_bytes(),
        server_short
    );
    Opened {
        client_short,
        server_short,
        cookie,
        session: BoxKey::shared(&client_short, &short_secret).unwrap(),
    }
}

/// Runs HELLO and WELCOME by hand.
fn to_initiate(zap_available: bool) -> (CurveClient, CurveServer, Opened) {
    let (mut client, mut server) = pair(zap_available);
    let hello = client.next_command().unwrap().unwrap();
    server.process_command(&hello).unwrap();
    let welcome = server.next_command().unwrap().unwrap();
    client.process_command(&welcome).unwrap();
    let opened = open_transcript(&hello, &welcome, &server);
    (client, server, opened)
}

/// An INITIATE as a client would make it, with every part chosen.
struct Initiate<'a> {
    cookie: &'a [u8],
    short: u64,
    client_public: [u8; 32],
    client_secret: [u8; 32],
    vouched_short: [u8; 32],
    vouched_server: [u8; 32],
    metadata: &'a [u8],
}

impl Initiate<'_> {
    fn honest<'a>(opened: &'a Opened, metadata: &'a [u8]) -> Initiate<'a> {
        Initiate {
            cookie: &opened.cookie,
            short: 2,
            client_public: client_keys().public,
            client_secret: CLIENT_SECRET,
            vouched_short: opened.client_short,
            vouched_server: server_keys().public,
            metadata,
        }
    }

    fn build(&self, opened: &Opened) -> Vec<u8> {
        let mut vouched = self.vouched_short.to_vec();
        vouched.extend_from_slice(&self.vouched_server);
        let vouch = BoxKey::shared(
            &opened.server_short,
            &StaticSecret::from(self.client_secret),
        )
        .unwrap()
        .seal(&nonce(b"VOUCH---", &[3; 16]), &vouched)
        .unwrap();
        let mut plain = self.client_public.to_vec();
        plain.extend_from_slice(&[3; 16]);
        plain.extend_from_slice(&vouch);
        plain.extend_from_slice(self.metadata);
        let short = self.short.to_be_bytes();
        let mut body = b"\x08INITIATE".to_vec();
        body.extend_from_slice(self.cookie);
        body.extend_from_slice(&short);
        body.extend(
            opened
                .session
                .seal(&nonce(b"CurveZMQINITIATE", &short), &plain)
                .unwrap(),
        );
        body
    }
}

fn ready_body(opened: &Opened, short: u64, metadata: &[u8]) -> Vec<u8> {
    let short = short.to_be_bytes();
    let mut body = b"\x05READY".to_vec();
    body.extend_from_slice(&short);
    body.extend(
        opened
            .session
            .seal(&nonce(b"CurveZMQREADY---", &short), metadata)
            .unwrap(),
    );
    body
}

fn props(mech: &dyn Mechanism) -> Vec<(&[u8], &[u8])> {
    mech.peer_properties()
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect()
}

fn connected() -> (CurveClient, CurveServer) {
    let (mut client, mut server) = pair(false);
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.client, End::Ready);
    assert_eq!(run.server, End::Ready);
    (client, server)
}

#[test]
fn stonehouse_handshake_without_zap_handler() {
    let (mut client, mut server) = pair(false);
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.client, End::Ready);
    assert_eq!(run.server, End::Ready);
    assert!(run.zap_requests.is_empty());
    assert_eq!(
        props(&server),
        [
            (&b"Socket-Type"[..], &b"DEALER"[..]),
            (b"Identity", b"cli"),
            (b"X-Foo", b"bar"),
        ]
    );
    assert_eq!(
        props(&client),
        [(&b"Socket-Type"[..], &b"ROUTER"[..]), (b"Identity", b"srv")]
    );
}

#[test]
fn wire_layout_of_every_command() {
    let (mut client, mut server) = pair(false);
    let run: Run = handshake(&mut client, &mut server, None);
    let sent = run.sent_by_client(true);
    let answered = run.sent_by_client(false);
    assert_eq!((sent.len(), answered.len()), (2, 2));
    let (hello, initiate) = (sent[0], sent[1]);
    let (welcome, ready) = (answered[0], answered[1]);
    let client_metadata =
        b"\x0bSocket-Type\0\0\0\x06DEALER\x08Identity\0\0\0\x03cli\x05X-Foo\0\0\0\x03bar";
    let server_metadata = b"\x0bSocket-Type\0\0\0\x06ROUTER\x08Identity\0\0\0\x03srv";

    // HELLO: 200 bytes, version 1.0, 72 zero bytes, C', nonce 1, a box of
    // 64 zeros from C' to S.
    assert_eq!(hello.len(), 200);
    assert_eq!(&hello[..8], b"\x05HELLO\x01\x00");
    assert!(hello[layout::HELLO_PADDING].iter().all(|&b| b == 0));
    assert_eq!(layout::HELLO_PADDING.len(), 72);
    let client_short: [u8; 32] = hello[80..112].try_into().unwrap();
    assert_ne!(client_short, client_keys().public);
    assert_eq!(short_nonce(&hello[112..120]), 1);
    let hello_key = BoxKey::shared(&client_short, &server_keys().secret).unwrap();
    let signature = hello_key
        .open(&nonce(b"CurveZMQHELLO---", &hello[112..120]), &hello[120..])
        .unwrap();
    assert_eq!(signature.as_slice(), [0; 64]);

    // WELCOME: 168 bytes, long nonce "WELCOME-" + 16, box of S' + cookie
    // from S to C'; the cookie is "COOKIE--" + 16 and a secretbox of C' + s'.
    assert_eq!(welcome.len(), 168);
    assert_eq!(&welcome[..8], b"\x07WELCOME");
    let opened = open_transcript(hello, welcome, &server);
    assert_eq!(opened.cookie.len(), 96);

    // INITIATE: cookie echoed, nonce 2, box of C + vouch + metadata from
    // C' to S' under "CurveZMQINITIATE"; the vouch is C' + S from C to S'.
    assert_eq!(initiate.len(), 257 + client_metadata.len());
    assert_eq!(&initiate[..9], b"\x08INITIATE");
    assert_eq!(initiate[9..105], opened.cookie[..]);
    assert_eq!(short_nonce(&initiate[105..113]), 2);
    let plain = opened
        .session
        .open(
            &nonce(b"CurveZMQINITIATE", &initiate[105..113]),
            &initiate[113..],
        )
        .unwrap();
    assert_eq!(plain[..32], client_keys().public);
    assert_eq!(&plain[128..], client_metadata);
    let vouch_key = BoxKey::shared(&client_keys().public, &{
        // The server's side of the vouch: s' from the cookie.
        let cookie_plain = server
            .cookie_key()
            .unwrap()
            .open(
                &nonce(b"COOKIE--", &opened.cookie[..16]),
                &opened.cookie[16..],
            )
            .unwrap();
        StaticSecret::from(<[u8; 32]>::try_from(&cookie_plain[32..]).unwrap())
    })
    .unwrap();
    let vouch = vouch_key
        .open(&nonce(b"VOUCH---", &plain[32..48]), &plain[48..128])
        .unwrap();
    assert_eq!(vouch[..32], client_short);
    assert_eq!(vouch[32..], server_keys().public);

    // READY: nonce 1, box of metadata from S' to C' under
    // "CurveZMQREADY---".
    assert_eq!(ready.len(), 30 + server_metadata.len());
    assert_eq!(&ready[..6], b"\x05READY");
    assert_eq!(short_nonce(&ready[6..14]), 1);
    let plain = opened
        .session
        .open(&nonce(b"CurveZMQREADY---", &ready[6..14]), &ready[14..])
        .unwrap();
    assert_eq!(plain.as_slice(), server_metadata);

    // Then MESSAGEs: the client's first is nonce 3, the server's nonce 2,
    // each boxed under the session key.
    let out = sealed(&mut client, Msg::from_slice(b"hi").unwrap()).unwrap();
    assert_eq!(short_nonce(&out.data()[8..16]), 3);
    let plain = opened
        .session
        .open(
            &nonce(b"CurveZMQMESSAGEC", &out.data()[8..16]),
            &out.data()[16..],
        )
        .unwrap();
    assert_eq!(plain.as_slice(), b"\x00hi");
    let back = sealed(&mut server, Msg::from_slice(b"yo").unwrap()).unwrap();
    assert_eq!(short_nonce(&back.data()[8..16]), 2);
    let plain = opened
        .session
        .open(
            &nonce(b"CurveZMQMESSAGES", &back.data()[8..16]),
            &back.data()[16..],
        )
        .unwrap();
    assert_eq!(plain.as_slice(), b"\x00yo");
}

#[test]
fn short_term_keys_and_cookies_are_per_connection() {
    let (_, server_a, a) = to_initiate(false);
    let (_, server_b, b) = to_initiate(false);
    assert_ne!(a.client_short, b.client_short);
    assert_ne!(a.server_short, b.server_short);
    assert_ne!(a.cookie, b.cookie);
    // Each server's cookie key opens only its own cookie.
    let foreign = server_b
        .cookie_key()
        .unwrap()
        .open(&nonce(b"COOKIE--", &a.cookie[..16]), &a.cookie[16..]);
    assert!(foreign.is_none());
    drop(server_a);
}

#[test]
fn messages_both_ways() {
    let (mut client, mut server) = connected();
    let big: Vec<u8> = (0..3 << 19).map(|i: u32| (i % 251) as u8).collect();
    let parts: [&[u8]; 4] = [b"envelope", b"", &big, b"end"];
    for (i, part) in parts.iter().enumerate() {
        let more = i + 1 < parts.len();
        let mut msg = Msg::from_slice(part).unwrap();
        msg.set_more(more);
        let wire = sealed(&mut client, msg).unwrap();
        assert_eq!(wire.flags(), 0, "a final data frame outside");
        let got = server.decode(wire).unwrap();
        assert_eq!(got.data(), *part);
        assert_eq!(got.more(), more);
    }
    for part in parts {
        let got = client.decode(sealed(&mut server, Msg::from_slice(part).unwrap()).unwrap());
        assert_eq!(got.unwrap().data(), part);
    }
    // Heartbeats and ZMTP 3.1 subscriptions are boxed commands.
    let mut ping = Msg::from_slice(b"\x04PING\x00\x19").unwrap();
    ping.set_flags(flags::COMMAND);
    let got = server.decode(sealed(&mut client, ping).unwrap()).unwrap();
    assert_eq!(got.flags(), flags::COMMAND);
    assert_eq!(got.data(), b"\x04PING\x00\x19");
}

#[test]
fn replayed_and_tampered_messages() {
    let (mut client, mut server) = connected();
    let first = sealed(&mut client, Msg::from_slice(b"one").unwrap()).unwrap();
    let replay = Msg::from_slice(first.data()).unwrap();
    let mut tampered = sealed(&mut client, Msg::from_slice(b"two").unwrap()).unwrap();
    let last = tampered.len() - 1;
    tampered.data_mut()[last] ^= 1;
    assert!(server.decode(first).is_ok());
    assert_eq!(
        server.decode(replay).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_INVALID_SEQUENCE))
    );
    assert_eq!(
        server.decode(tampered).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC))
    );
    // The server's messages are not the client's: the nonce prefixes differ.
    let (mut client, mut server) = connected();
    let mut reflected = sealed(&mut client, Msg::from_slice(b"mirror").unwrap()).unwrap();
    reflected.data_mut()[8..16].copy_from_slice(&9u64.to_be_bytes());
    assert_eq!(
        client.decode(reflected).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC))
    );
    // (Nonce 4: past the client's INITIATE nonce, so the box is tried.)
    sealed(&mut server, Msg::new()).unwrap();
    sealed(&mut server, Msg::new()).unwrap();
    let own = sealed(&mut server, Msg::from_slice(b"x").unwrap()).unwrap();
    assert_eq!(short_nonce(&own.data()[8..16]), 4);
    assert_eq!(
        server.decode(own).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC))
    );
}

#[test]
fn zap_is_asked_with_the_client_long_term_key() {
    let (mut client, mut server) = pair(true);
    let handler = zap_handler(b"200", b"\x06X-Role\0\0\0\x04peer");
    let run = handshake(&mut client, &mut server, Some(&handler));
    assert_eq!(run.client, End::Ready);
    assert_eq!(run.server, End::Ready);
    let key = client_keys().public;
    let expected: [&[u8]; 8] = [
        b"",
        b"1.0",
        b"1",
        b"test",
        b"10.0.0.1",
        b"srv",
        b"CURVE",
        &key,
    ];
    assert_eq!(run.zap_requests, [expected]);
    assert_eq!(
        props(&server)[..3],
        [
            (&b"User-Id"[..], &b"admin"[..]),
            (b"X-Role", b"peer"),
            (b"Socket-Type", b"DEALER"),
        ]
    );
}

#[test]
fn zap_refusals() {
    let (mut client, mut server) = pair(true);
    let run = handshake(&mut client, &mut server, Some(&zap_handler(b"300", b"")));
    assert_eq!(run.server, End::Failed(Failure::Auth(300)));
    assert_eq!(run.client, End::Waiting);
    assert_eq!(run.sent_by_client(false).len(), 1, "WELCOME only");

    for (code, n) in [(&b"400"[..], 400), (b"500", 500)] {
        let (mut client, mut server) = pair(true);
        let handler = zap_handler(code, b"");
        let run = handshake(&mut client, &mut server, Some(&handler));
        assert_eq!(run.server, End::Failed(Failure::Auth(n)));
        assert_eq!(run.client, End::Failed(Failure::Auth(n)));
        let mut error = b"\x05ERROR\x03".to_vec();
        error.extend_from_slice(code);
        assert_eq!(run.sent_by_client(false)[1], error.as_slice());
        assert_eq!(server.status(), Status::Error);
    }

    let (mut client, mut server) = pair(true);
    let handler = |req: &[Vec<u8>]| {
        let mut reply = zap_handler(b"200", b"")(req);
        reply[1] = b"0.9".to_vec();
        reply
    };
    let run = handshake(&mut client, &mut server, Some(&handler));
    assert_eq!(run.server, failed(protocol_error::ZAP_BAD_VERSION));
    assert_eq!(run.client, End::Waiting);
}

#[test]
fn without_a_handler() {
    // ZAP_ENFORCE_DOMAIN with a domain: refused.
    let mut config = server_config(false);
    config.zap_enforce_domain = true;
    let mut client = CurveClient::new(client_config()).unwrap();
    let mut server = CurveServer::new(config).unwrap();
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.server, End::Failed(Failure::NoDetail(libc::EFAULT)));
    assert_eq!(run.client, End::Waiting);

    // Enforcing an empty domain skips ZAP even with a handler bound.
    let mut config = server_config(true);
    config.zap_enforce_domain = true;
    config.zap_domain.clear();
    let mut client = CurveClient::new(client_config()).unwrap();
    let mut server = CurveServer::new(config).unwrap();
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.server, End::Ready);
    assert!(run.zap_requests.is_empty());
}

#[test]
fn wrong_server_key() {
    let mut config = client_config();
    config.curve_server_key = client_keys().public;
    let mut client = CurveClient::new(config).unwrap();
    let mut server = CurveServer::new(server_config(false)).unwrap();
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.server, failed(protocol_error::ZMTP_CRYPTOGRAPHIC));
    assert_eq!(run.client, End::Waiting);

    // A low-order server key cannot even make a HELLO (libsodium refuses
    // it too).
    let mut config = client_config();
    config.curve_server_key = [0; 32];
    let mut client = CurveClient::new(config).unwrap();
    assert_eq!(
        client.next_command(),
        Err(Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC))
    );
    assert_eq!(client.status(), Status::Error);
}

#[test]
fn client_public_key_not_matching_its_secret() {
    let mut config = client_config();
    config.curve_public_key = server_keys().public;
    let mut client = CurveClient::new(config).unwrap();
    let mut server = CurveServer::new(server_config(false)).unwrap();
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.server, failed(protocol_error::ZMTP_CRYPTOGRAPHIC));
}

#[test]
fn bad_hello() {
    let (mut client, _) = pair(false);
    let hello = client.next_command().unwrap().unwrap();
    let process = |body: &[u8]| {
        CurveServer::new(server_config(false))
            .unwrap()
            .process_command(body)
    };
    assert_eq!(process(&hello), Ok(()));

    let mut version = hello.clone();
    version[7] = 1;
    assert_eq!(
        process(&version),
        err(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO)
    );
    version[6] = 2;
    version[7] = 0;
    assert_eq!(
        process(&version),
        err(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO)
    );

    // Without its 72 bytes of padding.
    let mut unpadded = hello[..8].to_vec();
    unpadded.extend_from_slice(&hello[80..]);
    assert_eq!(
        process(&unpadded),
        err(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO)
    );
    let mut padded_more = hello.clone();
    padded_more.insert(8, 0);
    assert_eq!(
        process(&padded_more),
        err(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO)
    );

    for cut in 0..hello.len() {
        let expected = match cut {
            0..=5 => protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
            _ => protocol_error::ZMTP_MALFORMED_COMMAND_HELLO,
        };
        assert_eq!(process(&hello[..cut]), err(expected), "cut at {cut}");
    }
    // Client key, nonce or box changed: the box does not open. The
    // padding is not looked at, as in libzmq.
    for i in 8..200 {
        let mut tampered = hello.clone();
        tampered[i] ^= 0x20;
        let expected = if i < 80 {
            Ok(())
        } else {
            err(protocol_error::ZMTP_CRYPTOGRAPHIC)
        };
        assert_eq!(process(&tampered), expected, "byte {i}");
    }
    assert_eq!(
        process(b"\x08INITIATE"),
        err(protocol_error::ZMTP_UNEXPECTED_COMMAND)
    );
    // A low-order C' cannot open anything.
    let mut low = hello.clone();
    low[80..112].fill(0);
    assert_eq!(process(&low), err(protocol_error::ZMTP_CRYPTOGRAPHIC));
}

#[test]
fn bad_welcome() {
    let welcome = {
        let (mut client, mut server) = pair(false);
        server
            .process_command(&client.next_command().unwrap().unwrap())
            .unwrap();
        server.next_command().unwrap().unwrap()
    };
    // That WELCOME was for another client's C': it does not open here.
    let (mut client, _) = pair(false);
    client.next_command().unwrap();
    assert_eq!(
        client.process_command(&welcome),
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );

    let fresh = || {
        let (mut client, mut server) = pair(false);
        server
            .process_command(&client.next_command().unwrap().unwrap())
            .unwrap();
        let welcome = server.next_command().unwrap().unwrap();
        (client, welcome)
    };
    for i in 8..168 {
        let (mut client, mut welcome) = fresh();
        welcome[i] ^= 1;
        assert_eq!(
            client.process_command(&welcome),
            err(protocol_error::ZMTP_CRYPTOGRAPHIC),
            "byte {i}"
        );
    }
    // Any size but 168 is a cryptographic failure in libzmq's terms.
    for cut in [8, 100, 167] {
        let (mut client, welcome) = fresh();
        assert_eq!(
            client.process_command(&welcome[..cut]),
            err(protocol_error::ZMTP_CRYPTOGRAPHIC)
        );
    }
    let (mut client, mut welcome) = fresh();
    welcome.push(0);
    assert_eq!(
        client.process_command(&welcome),
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );
    // A second WELCOME.
    let (mut client, welcome) = fresh();
    client.process_command(&welcome).unwrap();
    client.next_command().unwrap().unwrap();
    assert_eq!(
        client.process_command(&welcome),
        err(protocol_error::ZMTP_UNEXPECTED_COMMAND)
    );
    // Neither WELCOME nor READY nor ERROR.
    let (mut client, _) = fresh();
    assert_eq!(
        client.process_command(b"\x05HELLO"),
        err(protocol_error::ZMTP_UNEXPECTED_COMMAND)
    );
}

#[test]
fn bad_initiate() {
    let process = |tamper: &dyn Fn(&mut Vec<u8>)| {
        let (mut client, mut server, _) = to_initiate(false);
        let mut initiate = client.next_command().unwrap().unwrap();
        tamper(&mut initiate);
        let result = server.process_command(&initiate);
        (result, server.status())
    };
    assert_eq!(process(&|_| ()), (Ok(()), Status::Handshaking));
    for i in 9..257 {
        assert_eq!(
            process(&|b| b[i] ^= 4).0,
            err(protocol_error::ZMTP_CRYPTOGRAPHIC),
            "byte {i}"
        );
    }
    assert_eq!(
        process(&|b| b.truncate(256)).0,
        err(protocol_error::ZMTP_MALFORMED_COMMAND_INITIATE)
    );
    assert_eq!(
        process(&|b| b.truncate(9)).0,
        err(protocol_error::ZMTP_MALFORMED_COMMAND_INITIATE)
    );
    assert_eq!(
        process(&|b| b.truncate(8)).0,
        err(protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED)
    );
    // Cut inside the metadata: the box no longer opens.
    assert_eq!(
        process(&|b| {
            b.pop();
        })
        .0,
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );
    assert_eq!(
        process(&|b| b[1] = b'X').0,
        err(protocol_error::ZMTP_UNEXPECTED_COMMAND)
    );
}

#[test]
fn forged_vouches() {
    let run = |forge: &dyn Fn(&mut Initiate)| {
        let (_, mut server, opened) = to_initiate(false);
        let mut initiate = Initiate::honest(&opened, b"\x0bSocket-Type\0\0\0\x03REQ");
        forge(&mut initiate);
        let body = initiate.build(&opened);
        server.process_command(&body)
    };
    assert_eq!(run(&|_| ()), Ok(()));
    // The vouch names another short-term key, or another server.
    assert_eq!(
        run(&|i| i.vouched_short = [9; 32]),
        err(protocol_error::ZMTP_KEY_EXCHANGE)
    );
    assert_eq!(
        run(&|i| i.vouched_server = client_keys().public),
        err(protocol_error::ZMTP_KEY_EXCHANGE)
    );
    // A vouch made with another long-term key than the one claimed.
    assert_eq!(
        run(&|i| i.client_secret = [0x77; 32]),
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );
    // libzmq does not check INITIATE's nonce against HELLO's.
    assert_eq!(run(&|i| i.short = 0), Ok(()));
}

#[test]
fn replayed_initiate() {
    // On another connection: that connection's cookie key does not open it.
    let (mut client_a, mut server_a, _) = to_initiate(false);
    let initiate_a = client_a.next_command().unwrap().unwrap();
    server_a.process_command(&initiate_a).unwrap();
    let (_, mut server_b, _) = to_initiate(false);
    assert_eq!(
        server_b.process_command(&initiate_a),
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );

    // Again on the same connection while ZAP decides.
    let (mut client, mut server, _) = to_initiate(true);
    let initiate = client.next_command().unwrap().unwrap();
    server.process_command(&initiate).unwrap();
    assert!(server.zap_request().is_some());
    assert_eq!(
        server.process_command(&initiate),
        err(protocol_error::ZMTP_UNSPECIFIED)
    );

    // Again once the handshake is done: not a MESSAGE.
    let (mut client, mut server, _) = to_initiate(false);
    let initiate = client.next_command().unwrap().unwrap();
    server.process_command(&initiate).unwrap();
    server.next_command().unwrap().unwrap();
    assert_eq!(server.status(), Status::Ready);
    assert_eq!(
        server.decode(Msg::from_slice(&initiate).unwrap()).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
    );
}

#[test]
fn metadata_round_trip_and_limits() {
    // Large metadata is fine: libzmq 4.3 sets no limit of its own.
    let mut config = client_config();
    let big = vec![b'v'; 70_000];
    config.metadata.push((b"X-Big".to_vec(), big.clone()));
    let mut client = CurveClient::new(config).unwrap();
    let mut server = CurveServer::new(server_config(false)).unwrap();
    let run = handshake(&mut client, &mut server, None);
    assert_eq!(run.server, End::Ready);
    assert_eq!(props(&server)[3], (&b"X-Big"[..], big.as_slice()));

    // A value running past the end, or an unacceptable Socket-Type: the
    // server closes without a handshake event, as libzmq does.
    for metadata in [
        &b"\x05X-Big\x00\x01\x00\x00abc"[..],
        b"\x0bSocket-Type\0\0\0\x04PUSH",
        b"\x01",
    ] {
        let (_, mut server, opened) = to_initiate(true);
        let mut initiate = Initiate::honest(&opened, b"");
        initiate.metadata = metadata;
        assert_eq!(
            server.process_command(&initiate.build(&opened)),
            Err(Failure::Silent)
        );
        assert_eq!(server.status(), Status::Error);
        assert_eq!(server.zap_request(), None);
    }
}

#[test]
fn bad_ready() {
    let at_ready = || {
        let (mut client, server, opened) = to_initiate(false);
        client.next_command().unwrap().unwrap();
        drop(server);
        (client, opened)
    };
    let (mut client, opened) = at_ready();
    assert_eq!(
        client.process_command(&ready_body(&opened, 1, b"\x0bSocket-Type\0\0\0\x06ROUTER")),
        Ok(())
    );
    assert_eq!(client.status(), Status::Ready);

    for (metadata, code) in [
        (
            &b"\x0bSocket-Type\0\0\0\x04PULL"[..],
            protocol_error::ZMTP_INVALID_METADATA,
        ),
        (
            b"\x05X-Big\x7f\0\0\0",
            protocol_error::ZMTP_INVALID_METADATA,
        ),
    ] {
        let (mut client, opened) = at_ready();
        assert_eq!(
            client.process_command(&ready_body(&opened, 1, metadata)),
            err(code)
        );
        assert_eq!(client.status(), Status::Error);
    }
    let good = ready_body(&opened, 1, b"");
    for i in 6..good.len() {
        let (mut client, opened) = at_ready();
        let mut tampered = ready_body(&opened, 1, b"");
        tampered[i] ^= 8;
        assert_eq!(
            client.process_command(&tampered),
            err(protocol_error::ZMTP_CRYPTOGRAPHIC),
            "byte {i}"
        );
    }
    for cut in [6, 14, 29] {
        let (mut client, opened) = at_ready();
        assert_eq!(
            client.process_command(&ready_body(&opened, 1, b"")[..cut]),
            err(protocol_error::ZMTP_MALFORMED_COMMAND_READY)
        );
    }
    // READY before WELCOME: no key to open it.
    let (mut client, _) = pair(false);
    client.next_command().unwrap();
    assert_eq!(
        client.process_command(&good),
        err(protocol_error::ZMTP_CRYPTOGRAPHIC)
    );
    // A second READY.
    let (mut client, opened) = at_ready();
    let ready = ready_body(&opened, 1, b"");
    client.process_command(&ready).unwrap();
    assert_eq!(
        client.process_command(&ready),
        err(protocol_error::ZMTP_UNEXPECTED_COMMAND)
    );
    // The server's MESSAGE nonces must exceed its READY's.
    let (mut client, opened) = at_ready();
    client
        .process_command(&ready_body(&opened, 5, b""))
        .unwrap();
    let mut message = b"\x07MESSAGE".to_vec();
    message.extend_from_slice(&5u64.to_be_bytes());
    message.extend(
        opened
            .session
            .seal(&nonce(b"CurveZMQMESSAGES", &5u64.to_be_bytes()), b"\x00x")
            .unwrap(),
    );
    assert_eq!(
        client.decode(Msg::from_slice(&message).unwrap()).err(),
        Some(Failure::Protocol(protocol_error::ZMTP_INVALID_SEQUENCE))
    );
}

#[test]
fn errors_from_the_server() {
    let (mut client, _) = pair(false);
    client.next_command().unwrap();
    assert_eq!(
        client.process_command(b"\x05ERROR\x03400"),
        Err(Failure::Auth(400))
    );
    let (mut client, _) = pair(false);
    client.next_command().unwrap();
    assert_eq!(
        client.process_command(b"\x05ERROR\x04Nope"),
        Err(Failure::Silent)
    );
    let (mut client, _) = pair(false);
    client.next_command().unwrap();
    assert_eq!(
        client.process_command(b"\x05ERROR\x09short"),
        err(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR)
    );
}

#[test]
fn nothing_before_ready() {
    let (mut client, mut server) = pair(false);
    let msg = || Msg::from_slice(b"early").unwrap();
    assert!(sealed(&mut client, msg()).is_err());
    assert!(client.decode(msg()).is_err());
    assert!(sealed(&mut server, msg()).is_err());
    assert!(server.decode(msg()).is_err());
    assert_eq!(server.zap_reply(&[]), Ok(()), "no reply awaited");
    assert_eq!(client.zap_request(), None);
}

#[test]
fn hostile_bytes_never_panic() {
    let (mut client, mut server) = pair(false);
    let run = handshake(&mut client, &mut server, None);
    let commands: Vec<Vec<u8>> = run.transcript.into_iter().map(|(_, b)| b).collect();
    let message = sealed(&mut client, Msg::from_slice(b"payload").unwrap()).unwrap();
    let mut samples = commands.clone();
    samples.push(message.data().to_vec());
    for sample in &samples {
        let cuts = [0, 1, 6, 8, 9, 16, 30, 33, 105, 113, 120, 168, 199, 256, 257];
        for cut in cuts.into_iter().filter(|&c| c <= sample.len()) {
            for flip in [0, 5, 7, 8, 20, 100, 150, 250] {
                let mut body = sample[..cut].to_vec();
                if let Some(b) = body.get_mut(flip) {
                    *b = b.wrapping_add(1);
                }
                let (mut c, mut s, _) = to_initiate(true);
                let _ = s.process_command(&body);
                let _ = c.process_command(&body);
                let (mut c, mut s) = pair(false);
                let _ = s.process_command(&body);
                let _ = c.next_command();
                let _ = c.process_command(&body);
                let (mut c, mut s) = connected();
                let _ = c.decode(Msg::from_slice(&body).unwrap());
                let _ = s.decode(Msg::from_slice(&body).unwrap());
            }
        }
    }
}
