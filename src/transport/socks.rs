//! The client side of a tcp connect through a SOCKS5 proxy (RFC 1928, with
//! RFC 1929's username/password), without I/O, as libzmq's socks_connecter
//! speaks it:
//! - the greeting offers one method: username/password when
//!   ZMQ_SOCKS_USERNAME is set, none otherwise;
//! - whichever of those two the proxy picks is answered (with empty
//!   credentials when it asks for ones we did not offer); any other
//!   choice fails the attempt;
//! - the CONNECT names the target by its IPv4 or IPv6 literal when it is
//!   one, otherwise by name, for the proxy to resolve;
//! - each reply is read exactly, never past its end: the peer's ZMTP
//!   greeting may follow the proxy's last reply in the same segment.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::ip::c_strtol;

const VERSION: u8 = 5;
const NO_AUTH: u8 = 0;
const USERNAME_PASSWORD: u8 = 2;
const AUTH_VERSION: u8 = 1;
const CONNECT: u8 = 1;
const ATYP_IPV4: u8 = 1;
const ATYP_NAME: u8 = 3;
const ATYP_IPV6: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Choice,
    AuthReply,
    Reply,
    Done,
    Failed,
}

/// How a reply left the exchange.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// More to send or to read.
    Going,
    /// The proxy connected us: the stream now reaches the target.
    Done,
    /// The proxy refused or spoke something else: give the attempt up.
    Failed,
}

pub struct SocksClient {
    state: State,
    out: Vec<u8>,
    /// The reply being read.
    reply: Vec<u8>,
    request: Vec<u8>,
    username: Vec<u8>,
    password: Vec<u8>,
}

impl SocksClient {
    /// A client asking the proxy for `target` (a tcp endpoint's address,
    /// `host:port`, a `source;` part ignored). None when the request
    /// cannot name it: no port, port 0, or a name over 255 bytes.
    pub fn new(target: &str, username: &[u8], password: &[u8]) -> Option<SocksClient> {
        let request = connect_request(target)?;
        let method = if username.is_empty() {
            NO_AUTH
        } else {
            USERNAME_PASSWORD
        };
        Some(SocksClient {
            state: State::Choice,
            out: vec![VERSION, 1, method],
            reply: Vec::new(),
            request,
            username: username.to_vec(),
            password: password.to_vec(),
        })
    }

    /// Bytes to send now.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// `n` bytes of `output` were sent.
    pub fn sent(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// How many bytes to read next: what the current reply still lacks as
    /// far as is known (0 once done or failed).
    pub fn wants(&self) -> usize {
        let r = &self.reply;
        let total = match self.state {
            State::Choice | State::AuthReply => 2,
            // The first five bytes tell the length of the bound address.
            State::Reply if r.len() < 5 => 5,
            State::Reply => match r[3] {
                ATYP_IPV4 => 4 + 4 + 2,
                ATYP_NAME => 4 + 1 + usize::from(r[4]) + 2,
                _ => 4 + 16 + 2,
            },
            State::Done | State::Failed => return 0,
        };
        total - r.len()
    }

    /// Takes bytes read from the proxy, at most `wants()` of them.
    pub fn feed(&mut self, data: &[u8]) -> Progress {
        if matches!(self.state, State::Choice | State::AuthReply | State::Reply) {
            let take = data.len().min(self.wants());
            self.reply.extend_from_slice(&data[..take]);
            if !self.reply_is_sane() {
                self.state = State::Failed;
            } else if self.wants() == 0 {
                let reply = std::mem::take(&mut self.reply);
                self.state = self.next_state(&reply);
            }
        }
        match self.state {
            State::Done => Progress::Done,
            State::Failed => Progress::Failed,
            _ => Progress::Going,
        }
    }

    /// libzmq's checks on each byte as it arrives.
    fn reply_is_sane(&self) -> bool {
        // Byte `i`, if it has arrived, passes `ok`.
        let byte = |i: usize, ok: fn(u8) -> bool| self.reply.get(i).map_or(true, |&b| ok(b));
        match self.state {
            State::Choice => byte(0, |b| b == VERSION),
            State::AuthReply => byte(0, |b| b == AUTH_VERSION),
            _ => {
                byte(0, |b| b == VERSION)
                    && byte(1, |rep| rep <= 8)
                    && byte(2, |b| b == 0)
                    && byte(3, |a| matches!(a, ATYP_IPV4 | ATYP_NAME | ATYP_IPV6))
            }
        }
    }

    /// The state after a whole reply.
    fn next_state(&mut self, reply: &[u8]) -> State {
        match (self.state, reply[1]) {
            (State::Choice, NO_AUTH) => self.send_request(),
            (State::Choice, USERNAME_PASSWORD) => {
                self.out.push(AUTH_VERSION);
                for field in [&self.username, &self.password] {
                    self.out.push(field.len() as u8);
                    self.out.extend_from_slice(field);
                }
                State::AuthReply
            }
            (State::AuthReply, 0) => self.send_request(),
            (State::Reply, 0) => State::Done,
            _ => State::Failed,
        }
    }

    fn send_request(&mut self) -> State {
        self.out.extend_from_slice(&self.request);
        State::Reply
    }
}

/// The CONNECT request for `target`, split as libzmq splits it: the port
/// after the last colon (trailing junk ignored, 0 refused), brackets
/// around an IPv6 host removed.
fn connect_request(target: &str) -> Option<Vec<u8>> {
    let target = target.rsplit_once(';').map_or(target, |(_, dst)| dst);
    let (host, port) = target.rsplit_once(':')?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    // atoi, cut to 16 bits, as libzmq reads the port (and ip.rs does).
    let port = c_strtol(port.as_bytes()) as i32 as u16;
    if port == 0 {
        return None;
    }
    let mut request = vec![VERSION, CONNECT, 0];
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        request.push(ATYP_IPV4);
        request.extend_from_slice(&v4.octets());
    } else if let Ok(v6) = host.parse::<Ipv6Addr>() {
        request.push(ATYP_IPV6);
        request.extend_from_slice(&v6.octets());
    } else {
        request.push(ATYP_NAME);
        request.push(u8::try_from(host.len()).ok()?);
        request.extend_from_slice(host.as_bytes());
    }
    request.extend_from_slice(&port.to_be_bytes());
    Some(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the exchange against canned proxy replies, delivered `chunk`
    /// bytes at a time; the bytes we sent and how it ended.
    fn exchange(client: &mut SocksClient, replies: &[&[u8]], chunk: usize) -> (Vec<u8>, Progress) {
        let mut sent = Vec::new();
        let mut progress = Progress::Going;
        for reply in replies {
            sent.extend_from_slice(client.output());
            client.sent(client.output().len());
            // As the connecter reads: never more than the client wants.
            let mut at = 0;
            while progress == Progress::Going && at < reply.len() {
                let n = chunk.min(client.wants()).min(reply.len() - at);
                if n == 0 {
                    break;
                }
                progress = client.feed(&reply[at..at + n]);
                at += n;
            }
        }
        sent.extend_from_slice(client.output());
        (sent, progress)
    }

    const OK_V4: &[u8] = &[5, 0, 0, 1, 10, 0, 0, 1, 0x1F, 0x90];

    #[test]
    fn no_auth_ipv4() {
        for chunk in [1, 2, 3, 64] {
            let mut c = SocksClient::new("127.0.0.1:5555", b"", b"").unwrap();
            let (sent, end) = exchange(&mut c, &[&[5, 0], OK_V4], chunk);
            assert_eq!(end, Progress::Done);
            assert_eq!(
                sent,
                [5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xB3],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn names_and_ipv6() {
        let mut c = SocksClient::new("localhost:80", b"", b"").unwrap();
        let (sent, _) = exchange(&mut c, &[&[5, 0]], 64);
        assert_eq!(&sent[3..], b"\x05\x01\x00\x03\x09localhost\x00\x50");

        let mut c = SocksClient::new("[::1]:443", b"", b"").unwrap();
        let (sent, _) = exchange(&mut c, &[&[5, 0]], 64);
        let mut expected = vec![5, 1, 0, 4];
        expected.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        expected.extend_from_slice(&[1, 0xBB]);
        assert_eq!(&sent[3..], expected);

        // The source part of `source;host:port` is ours, not the proxy's.
        let mut c = SocksClient::new("127.0.0.1:0;example.org:7", b"", b"").unwrap();
        let (sent, _) = exchange(&mut c, &[&[5, 0]], 64);
        assert_eq!(&sent[3..], b"\x05\x01\x00\x03\x0bexample.org\x00\x07");

        assert!(SocksClient::new("host", b"", b"").is_none());
        assert!(SocksClient::new("host:0", b"", b"").is_none());
        assert!(SocksClient::new("host:x", b"", b"").is_none());
        assert!(SocksClient::new(&format!("{}:1", "a".repeat(256)), b"", b"").is_none());
        // atoi: trailing junk ignored, wrapped to 16 bits.
        let mut c = SocksClient::new("h:80abc", b"", b"").unwrap();
        let (sent, _) = exchange(&mut c, &[&[5, 0]], 64);
        assert_eq!(sent[sent.len() - 2..], [0, 80]);
    }

    #[test]
    fn username_password() {
        let mut c = SocksClient::new("1.2.3.4:9", b"alice", b"pw").unwrap();
        let (sent, end) = exchange(&mut c, &[&[5, 2], &[1, 0], OK_V4], 1);
        assert_eq!(end, Progress::Done);
        assert_eq!(&sent[..3], [5, 1, 2]);
        assert_eq!(&sent[3..13], b"\x01\x05alice\x02pw");
        assert_eq!(&sent[13..17], [5, 1, 0, 1]);

        // Asked for credentials we did not offer: empty ones, as libzmq.
        let mut c = SocksClient::new("1.2.3.4:9", b"", b"").unwrap();
        let (sent, end) = exchange(&mut c, &[&[5, 2], &[1, 0], OK_V4], 64);
        assert_eq!(end, Progress::Done);
        assert_eq!(&sent[3..6], [1, 0, 0]);
    }

    #[test]
    fn bound_addresses_of_every_kind_are_read_exactly() {
        let mut name_reply = vec![5, 0, 0, 3, 4];
        name_reply.extend_from_slice(b"host\x00\x01");
        let mut v6_reply = vec![5, 0, 0, 4];
        v6_reply.extend_from_slice(&[0; 16]);
        v6_reply.extend_from_slice(&[0, 1]);
        for reply in [OK_V4.to_vec(), name_reply, v6_reply] {
            let mut c = SocksClient::new("1.2.3.4:9", b"", b"").unwrap();
            c.feed(&[5, 0]);
            // The peer's greeting right behind the reply is not taken.
            let mut stream = reply.clone();
            stream.extend_from_slice(&[0xFF, 0, 0]);
            let mut at = 0;
            while c.wants() > 0 {
                let n = c.wants();
                assert_ne!(c.feed(&stream[at..at + n]), Progress::Failed);
                at += n;
            }
            assert_eq!(at, reply.len());
        }
    }

    #[test]
    fn refusals_and_nonsense_fail() {
        let fails = |replies: &[&[u8]], user: &[u8]| {
            let mut c = SocksClient::new("1.2.3.4:9", user, b"pw").unwrap();
            exchange(&mut c, replies, 64).1 == Progress::Failed
        };
        assert!(fails(&[&[5, 0xFF]], b""), "no acceptable method");
        assert!(fails(&[&[5, 1]], b""), "GSSAPI is not ours");
        assert!(fails(&[&[4, 0]], b""), "not SOCKS5");
        assert!(fails(&[&[5, 2], &[1, 1]], b"u"), "credentials refused");
        assert!(fails(&[&[5, 2], &[5, 0]], b"u"), "bad auth version");
        assert!(
            fails(&[&[5, 0], &[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]], b""),
            "refused"
        );
        assert!(fails(&[&[5, 0], &[5, 9]], b""), "unknown reply code");
        assert!(fails(&[&[5, 0], &[5, 0, 1]], b""), "reserved byte set");
        assert!(
            fails(&[&[5, 0], &[5, 0, 0, 2]], b""),
            "unknown address type"
        );
        assert!(fails(&[&[5, 0], &[4, 0, 0, 1]], b""), "not SOCKS5");
        let mut c = SocksClient::new("1.2.3.4:9", b"", b"").unwrap();
        assert_eq!(c.feed(&[5, 0xFF]), Progress::Failed);
        assert_eq!(c.wants(), 0);
        assert_eq!(c.feed(&[5, 0]), Progress::Failed, "failed for good");
    }

    #[test]
    fn random_replies_never_panic() {
        let mut rng = crate::test_rng::Rng(0x50C5_0000_0000_0005);
        let likely = [0u8, 1, 2, 3, 4, 5, 8, 9, 0xFF];
        for _ in 0..3000 {
            let user: &[u8] = if rng.below(2) == 0 { b"" } else { b"u" };
            let mut c = SocksClient::new("h:1", user, b"p").unwrap();
            for _ in 0..rng.below(40) {
                let bytes = rng.bytes(6, &likely);
                c.sent(c.output().len());
                if c.feed(&bytes) != Progress::Going {
                    break;
                }
            }
        }
    }
}
