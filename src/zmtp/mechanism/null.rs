//! NULL (RFC 23): each side sends READY with its metadata and waits for
//! the peer's; no security, messages pass unchanged.

use super::{
    our_properties, peer_error, peer_properties, protocol_error as pe, Config, Failure, Mechanism,
    Status,
};
use crate::msg::Msg;
use crate::zmtp::command;

pub struct Null {
    config: Config,
    ready_sent: bool,
    ready_received: bool,
    failed: bool,
    properties: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Null {
    pub fn new(config: Config) -> Null {
        Null {
            config,
            ready_sent: false,
            ready_received: false,
            failed: false,
            properties: Vec::new(),
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
        if self.ready_sent || self.failed {
            return Ok(None);
        }
        self.ready_sent = true;
        let mut body = command::ready(&[]);
        body.extend_from_slice(&our_properties(&self.config));
        Ok(Some(body))
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        // Anything after READY, or that is not READY or ERROR, breaks the
        // handshake (libzmq looks only at the body, not the COMMAND flag).
        let parsed = command::split(body).filter(|_| !self.ready_received);
        match parsed {
            Some((b"READY", data)) => match peer_properties(&self.config, data) {
                Some(props) => {
                    self.properties = props;
                    self.ready_received = true;
                    Ok(())
                }
                // NULL in libzmq reports bad metadata only as a
                // disconnection.
                None => Err(self.fail(Failure::Unreported)),
            },
            Some((b"ERROR", data)) => {
                let failure = peer_error(data, pe::ZMTP_MALFORMED_COMMAND_ERROR);
                Err(self.fail(failure))
            }
            _ => Err(self.fail(Failure::Protocol(pe::ZMTP_UNEXPECTED_COMMAND))),
        }
    }

    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        None
    }

    fn zap_reply(&mut self, _frames: &[Vec<u8>]) -> Result<(), Failure> {
        Ok(())
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
        &self.properties
    }

    fn encode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        Ok(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(socket_type: &'static str) -> Config {
        Config {
            socket_type,
            routing_id: b"me".to_vec(),
            send_identity: socket_type == "DEALER",
            metadata: vec![(b"X-Colour".to_vec(), b"blue".to_vec())],
            ..Config::default()
        }
    }

    #[test]
    fn two_sides_become_ready() {
        let mut a = Null::new(config("DEALER"));
        let mut b = Null::new(config("ROUTER"));
        let ra = a.next_command().unwrap().unwrap();
        let rb = b.next_command().unwrap().unwrap();
        assert_eq!(a.next_command(), Ok(None));
        assert_eq!(a.status(), Status::Handshaking);
        a.process_command(&rb).unwrap();
        b.process_command(&ra).unwrap();
        assert_eq!((a.status(), b.status()), (Status::Ready, Status::Ready));
        let props = b.peer_properties();
        assert!(props.contains(&(b"Socket-Type".to_vec(), b"DEALER".to_vec())));
        assert!(props.contains(&(b"Identity".to_vec(), b"me".to_vec())));
        assert!(props.contains(&(b"X-Colour".to_vec(), b"blue".to_vec())));
        assert!(!a.peer_properties().iter().any(|(n, _)| n == b"Identity"));
    }

    #[test]
    fn failures_as_libzmq_reports_them() {
        let ready_from = |t: &'static str| Null::new(config(t)).next_command().unwrap().unwrap();
        let cases: Vec<(Vec<u8>, Failure)> = vec![
            (ready_from("PUB"), Failure::Unreported),
            (b"\x05READY\x03abc".to_vec(), Failure::Unreported),
            (b"\x05ERROR\x03400".to_vec(), Failure::Auth(400)),
            (b"\x05ERROR\x04oops".to_vec(), Failure::Unreported),
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
}
