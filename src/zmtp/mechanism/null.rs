//! NULL (RFC 23): each side sends READY with its metadata and waits for
//! the peer's; no security, messages pass unchanged. With a ZAP_DOMAIN
//! set, each side first asks the ZAP handler (no credentials) and sends
//! ERROR instead of READY when refused, as libzmq does.

use super::metadata::{encode_ours, parse_peer, PeerProperties};
use super::{protocol_error as pe, zap, Config, Failure, Mechanism, Status};
use crate::zmtp::command;

#[derive(Clone, PartialEq, Eq)]
enum Sending {
    /// ZAP is still to be decided (before anything is sent).
    Undecided,
    /// Waiting for the ZAP reply.
    WaitZap,
    Ready,
    /// A ZAP refusal's ERROR command.
    Error(Vec<u8>),
    Done,
}

pub struct Null {
    config: Config,
    sending: Sending,
    zap_request: Option<Vec<Vec<u8>>>,
    ready_sent: bool,
    ready_received: bool,
    failed: bool,
    peer: PeerProperties,
}

impl Null {
    pub fn new(config: Config) -> Null {
        Null {
            config,
            sending: Sending::Undecided,
            zap_request: None,
            ready_sent: false,
            ready_received: false,
            failed: false,
            peer: PeerProperties::default(),
        }
    }

    fn fail(&mut self, failure: Failure) -> Failure {
        self.failed = true;
        failure
    }
}

impl Mechanism for Null {
    fn name(&self) -> &'static [u8] {
        b"NULL"
    }

    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        if self.sending == Sending::Undecided {
            self.sending = match zap::need(b"NULL", &self.config) {
                zap::Need::Ask => {
                    self.zap_request = Some(zap::request(&self.config, b"NULL", &[]));
                    Sending::WaitZap
                }
                zap::Need::Skip => Sending::Ready,
                zap::Need::Refuse(failure) => {
                    self.sending = Sending::Done;
                    return Err(self.fail(failure));
                }
            };
        }
        match std::mem::replace(&mut self.sending, Sending::Done) {
            Sending::Ready if !self.failed => {
                self.ready_sent = true;
                let mut body = command::ready(&[]);
                body.extend_from_slice(&encode_ours(&self.config));
                Ok(Some(body))
            }
            Sending::Error(body) => Ok(Some(body)),
            Sending::WaitZap => {
                self.sending = Sending::WaitZap;
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        // After a ZAP refusal, the peer's next command ends the connection
        // (libzmq: a protocol error with no event of its own).
        if self.failed {
            return Err(Failure::Silent);
        }
        // Anything after READY, or that is not READY or ERROR, breaks the
        // handshake (libzmq looks only at the body, not the COMMAND flag).
        let parsed = command::split(body).filter(|_| !self.ready_received);
        match parsed {
            Some((b"READY", data)) => match parse_peer(&self.config, data) {
                Some(props) => {
                    self.peer.set_zmtp(props);
                    self.ready_received = true;
                    Ok(())
                }
                // NULL in libzmq reports bad metadata only as a
                // disconnection.
                None => Err(self.fail(Failure::Silent)),
            },
            Some((b"ERROR", _)) => {
                let failure = zap::peer_error(body);
                Err(self.fail(failure))
            }
            _ => Err(self.fail(Failure::Protocol(pe::ZMTP_UNEXPECTED_COMMAND))),
        }
    }

    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        self.zap_request.take()
    }

    fn zap_reply(&mut self, frames: &[Vec<u8>]) -> Result<(), Failure> {
        if self.sending != Sending::WaitZap {
            return Ok(());
        }
        self.sending = Sending::Done;
        match zap::apply_reply(&self.config, frames, &mut self.peer) {
            Ok(()) => {
                self.sending = Sending::Ready;
                Ok(())
            }
            Err(refusal) => {
                if let Some(status) = refusal.error_status {
                    self.sending = Sending::Error(zap::error_command(status));
                }
                Err(self.fail(refusal.failure))
            }
        }
    }

    fn status(&self) -> Status {
        if self.failed {
            Status::Error
        } else if self.ready_sent && self.ready_received {
            Status::Ready
        } else {
            Status::Handshaking
        }
    }

    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)] {
        self.peer.all()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{handshake, zap_handler, End};
    use super::*;
    use crate::test_rng::Rng;

    fn config(socket_type: &'static str) -> Config {
        Config {
            socket_type,
            routing_id: b"me".to_vec(),
            send_identity: socket_type == "DEALER",
            metadata: vec![(b"X-Colour".to_vec(), b"blue".to_vec())],
            peer_address: "127.0.0.1".to_string(),
            ..Config::default()
        }
    }

    fn with_zap(mut c: Config, available: bool, enforce: bool) -> Config {
        c.zap_domain = b"global".to_vec();
        c.zap_available = available;
        c.zap_enforce_domain = enforce;
        c
    }

    #[test]
    fn two_sides_become_ready() {
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(config("ROUTER"));
        let run = handshake(&mut a, &mut b, None);
        assert_eq!((run.client, run.server), (End::Ready, End::Ready));
        let props = b.peer_properties();
        assert!(props.contains(&(b"Socket-Type".to_vec(), b"DEALER".to_vec())));
        assert!(props.contains(&(b"Identity".to_vec(), b"me".to_vec())));
        assert!(props.contains(&(b"X-Colour".to_vec(), b"blue".to_vec())));
        assert!(!a.peer_properties().iter().any(|(n, _)| n == b"Identity"));
    }

    #[test]
    fn zap_with_a_domain() {
        // Accepted: the request names NULL with no credentials; User-Id
        // and the reply's metadata join the peer's properties.
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(with_zap(config("ROUTER"), true, false));
        let handler = zap_handler(b"200", b"\x06X-Role\0\0\0\x05admin");
        let run = handshake(&mut a, &mut b, Some(&handler));
        assert_eq!((run.client, run.server), (End::Ready, End::Ready));
        assert_eq!(run.zap_requests[0][3], b"global");
        assert_eq!(run.zap_requests[0][4], b"127.0.0.1");
        assert_eq!(run.zap_requests[0][6], b"NULL");
        assert_eq!(run.zap_requests[0].len(), 7);
        let props = b.peer_properties();
        assert!(props.contains(&(b"User-Id".to_vec(), b"admin".to_vec())));
        assert!(props.contains(&(b"X-Role".to_vec(), b"admin".to_vec())));

        // Refused with 400: ERROR "400" instead of READY; the peer sees an
        // authentication failure too.
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(with_zap(config("ROUTER"), true, false));
        let handler = zap_handler(b"400", b"");
        let run = handshake(&mut a, &mut b, Some(&handler));
        assert_eq!(run.server, End::Failed(Failure::Auth(400)));
        assert_eq!(run.client, End::Failed(Failure::Auth(400)));
        assert_eq!(run.sent_by_client(false), [&b"\x05ERROR\x03400"[..]]);

        // 300: dropped without an ERROR.
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(with_zap(config("ROUTER"), true, false));
        let handler = zap_handler(b"300", b"");
        let run = handshake(&mut a, &mut b, Some(&handler));
        assert_eq!(run.server, End::Failed(Failure::Auth(300)));
        assert!(run.sent_by_client(false).is_empty());
    }

    #[test]
    fn zap_without_a_handler() {
        // Not enforced: go on without ZAP. Enforced: EFAULT.
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(with_zap(config("ROUTER"), false, false));
        let run = handshake(&mut a, &mut b, None);
        assert_eq!((run.client, run.server), (End::Ready, End::Ready));
        let mut b = Null::new(with_zap(config("ROUTER"), false, true));
        assert_eq!(b.next_command(), Err(Failure::NoDetail(libc::EFAULT)));
        assert_eq!(b.status(), Status::Error);
    }

    #[test]
    fn failures_as_libzmq_reports_them() {
        let ready_from = |t: &'static str| Null::new(config(t)).next_command().unwrap().unwrap();
        let cases: Vec<(Vec<u8>, Failure)> = vec![
            (ready_from("PUB"), Failure::Silent),
            (b"\x05READY\x03abc".to_vec(), Failure::Silent),
            (b"\x05ERROR\x03400".to_vec(), Failure::Auth(400)),
            (b"\x05ERROR\x04oops".to_vec(), Failure::Silent),
            (
                b"\x05ERROR\x09x".to_vec(),
                Failure::Protocol(pe::ZMTP_MALFORMED_COMMAND_ERROR),
            ),
            (
                b"\x04PING\x00\x00".to_vec(),
                Failure::Protocol(pe::ZMTP_UNEXPECTED_COMMAND),
            ),
            (b"".to_vec(), Failure::Protocol(pe::ZMTP_UNEXPECTED_COMMAND)),
        ];
        for (body, want) in cases {
            let mut m = Null::new(config("DEALER"));
            assert_eq!(m.process_command(&body), Err(want), "{body:?}");
            assert_eq!(m.status(), Status::Error);
            assert_eq!(m.next_command(), Ok(None));
        }
        // A second READY is unexpected.
        let mut m = Null::new(config("DEALER"));
        m.process_command(&ready_from("ROUTER")).unwrap();
        assert_eq!(
            m.process_command(&ready_from("ROUTER")),
            Err(Failure::Protocol(pe::ZMTP_UNEXPECTED_COMMAND))
        );
    }

    #[test]
    fn random_commands_never_panic() {
        // Mutated READY and ERROR bodies (metadata lengths pointing
        // anywhere), at every stage a NULL peer can be in.
        let mut rng = Rng(0x0001_11AA_55AA_0001);
        let ready = Null::new(config("ROUTER")).next_command().unwrap().unwrap();
        let seeds: [&[u8]; 3] = [&ready, b"\x05ERROR\x03400", b"\x05READY"];
        let likely = [0u8, 1, 4, 5, 6, 0x0B, 0x7F, 0xFF, b'R'];
        for _ in 0..3000 {
            let mut body = seeds[rng.below(3) as usize].to_vec();
            for _ in 0..rng.below(4) {
                let at = rng.below(body.len() as u64) as usize;
                body[at] = likely[rng.below(likely.len() as u64) as usize];
            }
            body.truncate(rng.below(body.len() as u64 + 1) as usize);
            body.extend(rng.bytes(6, &likely));
            let mut fresh = Null::new(config("DEALER"));
            let _ = fresh.process_command(&body);
            let mut started = Null::new(with_zap(config("DEALER"), true, false));
            let _ = started.next_command();
            let _ = started.process_command(&body);
            let _ = started.process_command(&body);
        }
    }
}
