//! PLAIN (RFC 24): a username and password in clear text, checked by the
//! server's ZAP handler.
//!
//! ```text
//! C: HELLO [1][username][1][password]      S: WELCOME
//! C: INITIATE metadata                     S: READY metadata | ERROR
//! ```

use super::metadata::{self, PeerProperties};
use super::{check_command_structure, protocol_error, zap, Config, Failure, Mechanism, Status};

const HELLO: &[u8] = b"\x05HELLO";
const WELCOME: &[u8] = b"\x07WELCOME";
const INITIATE: &[u8] = b"\x08INITIATE";
const READY: &[u8] = b"\x05READY";
const ERROR: &[u8] = b"\x05ERROR";
/// libzmq's PLAIN writes its ERROR name as the C literal "\x05ERROR",
/// whose hex escape swallows the E: the bytes are "^RROR" (0x5E, no
/// length byte). Its PLAIN peers send and expect exactly that, so our
/// server sends it too; our client takes both forms.
const LIBZMQ_ERROR: &[u8] = b"^RROR";

/// The ERROR a PLAIN server sends, in libzmq's form (see LIBZMQ_ERROR).
fn libzmq_error(status: u32) -> Vec<u8> {
    let reason = status.to_string();
    let mut body = LIBZMQ_ERROR.to_vec();
    body.push(reason.len() as u8);
    body.extend_from_slice(reason.as_bytes());
    body
}

fn protocol(code: u32) -> Failure {
    Failure::Protocol(code)
}

/// The client's or server's mechanism for one connection.
pub fn new(config: Config) -> Box<dyn Mechanism> {
    if config.as_server {
        Box::new(PlainServer::new(config))
    } else {
        Box::new(PlainClient::new(config))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientState {
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    Ready,
    Failed,
}

pub struct PlainClient {
    config: Config,
    state: ClientState,
    peer: PeerProperties,
}

impl PlainClient {
    pub fn new(config: Config) -> PlainClient {
        PlainClient {
            config,
            state: ClientState::SendHello,
            peer: PeerProperties::default(),
        }
    }

    fn hello(&self) -> Vec<u8> {
        // Both are 1-255 bytes by the socket options' rules.
        let user = &self.config.plain_username[..self.config.plain_username.len().min(255)];
        let pass = &self.config.plain_password[..self.config.plain_password.len().min(255)];
        let mut body = HELLO.to_vec();
        body.push(user.len() as u8);
        body.extend_from_slice(user);
        body.push(pass.len() as u8);
        body.extend_from_slice(pass);
        body
    }

    fn step(&mut self, body: &[u8]) -> Result<ClientState, Failure> {
        use ClientState::*;
        if body.starts_with(WELCOME) {
            if self.state != WaitWelcome {
                return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
            }
            if body.len() != WELCOME.len() {
                return Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_WELCOME));
            }
            Ok(SendInitiate)
        } else if body.starts_with(READY) {
            if self.state != WaitReady {
                return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
            }
            let props = metadata::parse_peer(&self.config, &body[READY.len()..])
                .ok_or(protocol(protocol_error::ZMTP_INVALID_METADATA))?;
            self.peer.set_zmtp(props);
            Ok(Ready)
        } else if body.starts_with(ERROR) && matches!(self.state, WaitWelcome | WaitReady) {
            Err(zap::peer_error(body))
        } else if body.starts_with(LIBZMQ_ERROR) && matches!(self.state, WaitWelcome | WaitReady) {
            Err(zap::error_reason(&body[LIBZMQ_ERROR.len()..]))
        } else {
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        }
    }
}

impl Mechanism for PlainClient {
    fn name(&self) -> &'static [u8] {
        b"PLAIN"
    }

    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        Ok(match self.state {
            ClientState::SendHello => {
                self.state = ClientState::WaitWelcome;
                Some(self.hello())
            }
            ClientState::SendInitiate => {
                self.state = ClientState::WaitReady;
                let mut body = INITIATE.to_vec();
                body.extend(metadata::encode_ours(&self.config));
                Some(body)
            }
            _ => None,
        })
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        let next = self.step(body);
        self.state = *next.as_ref().unwrap_or(&ClientState::Failed);
        next.map(|_| ())
    }

    fn status(&self) -> Status {
        match self.state {
            ClientState::Ready => Status::Ready,
            ClientState::Failed => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)] {
        self.peer.all()
    }
}

#[derive(Clone, PartialEq, Eq)]
enum ServerState {
    WaitHello,
    WaitZap,
    SendWelcome,
    WaitInitiate,
    SendReady,
    /// A ZAP refusal's ERROR command is still to be sent.
    SendError(Vec<u8>),
    Ready,
    Failed,
}

pub struct PlainServer {
    config: Config,
    state: ServerState,
    zap_request: Option<Vec<Vec<u8>>>,
    peer: PeerProperties,
}

impl PlainServer {
    pub fn new(config: Config) -> PlainServer {
        PlainServer {
            config,
            state: ServerState::WaitHello,
            zap_request: None,
            peer: PeerProperties::default(),
        }
    }

    fn hello(&mut self, body: &[u8]) -> Result<ServerState, Failure> {
        check_command_structure(body)?;
        let Some(rest) = body.strip_prefix(HELLO) else {
            return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        };
        let (username, password) =
            credentials(rest).ok_or(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO))?;
        match zap::need(b"PLAIN", &self.config) {
            zap::Need::Ask => {
                self.zap_request =
                    Some(zap::request(&self.config, b"PLAIN", &[username, password]));
                Ok(ServerState::WaitZap)
            }
            zap::Need::Skip => Ok(ServerState::SendWelcome),
            zap::Need::Refuse(failure) => Err(failure),
        }
    }

    fn initiate(&mut self, body: &[u8]) -> Result<ServerState, Failure> {
        let Some(data) = body.strip_prefix(INITIATE) else {
            return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        };
        // libzmq reports no handshake event for bad client metadata here.
        let props = metadata::parse_peer(&self.config, data).ok_or(Failure::Silent)?;
        self.peer.set_zmtp(props);
        Ok(ServerState::SendReady)
    }
}

/// HELLO's username and password: two length-prefixed strings filling
/// the rest of the command exactly.
fn credentials(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&user_len, rest) = data.split_first()?;
    let (user, rest) = rest.split_at_checked(usize::from(user_len))?;
    let (&pass_len, pass) = rest.split_first()?;
    (pass.len() == usize::from(pass_len)).then_some((user, pass))
}

impl Mechanism for PlainServer {
    fn name(&self) -> &'static [u8] {
        b"PLAIN"
    }

    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        Ok(
            match std::mem::replace(&mut self.state, ServerState::Failed) {
                ServerState::SendWelcome => {
                    self.state = ServerState::WaitInitiate;
                    Some(WELCOME.to_vec())
                }
                ServerState::SendReady => {
                    self.state = ServerState::Ready;
                    let mut body = READY.to_vec();
                    body.extend(metadata::encode_ours(&self.config));
                    Some(body)
                }
                ServerState::SendError(error) => Some(error),
                other => {
                    self.state = other;
                    None
                }
            },
        )
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        let next = match self.state {
            ServerState::WaitHello => self.hello(body),
            ServerState::WaitInitiate => self.initiate(body),
            // A command while ZAP decides, or after the handshake ended.
            _ => Err(protocol(protocol_error::ZMTP_UNSPECIFIED)),
        };
        match next {
            Ok(state) => {
                self.state = state;
                Ok(())
            }
            Err(failure) => {
                self.state = ServerState::Failed;
                Err(failure)
            }
        }
    }

    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        self.zap_request.take()
    }

    fn zap_reply(&mut self, frames: &[Vec<u8>]) -> Result<(), Failure> {
        if self.state != ServerState::WaitZap {
            return Ok(());
        }
        self.state = ServerState::Failed;
        match zap::apply_reply(&self.config, frames, &mut self.peer) {
            Ok(()) => {
                self.state = ServerState::SendWelcome;
                Ok(())
            }
            Err(refusal) => {
                if let Some(status) = refusal.error_status {
                    self.state = ServerState::SendError(libzmq_error(status));
                }
                Err(refusal.failure)
            }
        }
    }

    fn status(&self) -> Status {
        match self.state {
            ServerState::Ready => Status::Ready,
            ServerState::Failed | ServerState::SendError(_) => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)] {
        self.peer.all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zmtp::mechanism::testing::{handshake, zap_handler, End, Frames};

    fn client_config() -> Config {
        Config {
            socket_type: "DEALER",
            routing_id: b"cli".to_vec(),
            send_identity: true,
            metadata: vec![(b"X-Foo".to_vec(), b"bar".to_vec())],
            plain_username: b"admin".to_vec(),
            plain_password: b"secret".to_vec().into(),
            ..Config::default()
        }
    }

    fn server_config() -> Config {
        Config {
            socket_type: "ROUTER",
            routing_id: b"srv".to_vec(),
            send_identity: true,
            zap_domain: b"test".to_vec(),
            zap_available: true,
            peer_address: "127.0.0.1".to_string(),
            as_server: true,
            ..Config::default()
        }
    }

    fn protocol_end(code: u32) -> End {
        End::Failed(Failure::Protocol(code))
    }

    #[test]
    fn handshake_with_zap_accepting() {
        let mut client = PlainClient::new(client_config());
        let mut server = PlainServer::new(server_config());
        let handler = zap_handler(b"200", b"\x07X-Group\0\0\0\x05staff");
        let run = handshake(&mut client, &mut server, Some(&handler));
        assert_eq!(run.client, End::Ready);
        assert_eq!(run.server, End::Ready);

        let from_client = run.sent_by_client(true);
        assert_eq!(from_client[0], b"\x05HELLO\x05admin\x06secret");
        assert_eq!(
            from_client[1],
            &b"\x08INITIATE\x0bSocket-Type\0\0\0\x06DEALER\x08Identity\0\0\0\x03cli\x05X-Foo\0\0\0\x03bar"[..]
        );
        let from_server = run.sent_by_client(false);
        assert_eq!(from_server[0], b"\x07WELCOME");
        assert_eq!(
            from_server[1],
            &b"\x05READY\x0bSocket-Type\0\0\0\x06ROUTER\x08Identity\0\0\0\x03srv"[..]
        );
        assert_eq!(from_client.len() + from_server.len(), 4);

        let expected: [&[u8]; 9] = [
            b"",
            b"1.0",
            b"1",
            b"test",
            b"127.0.0.1",
            b"srv",
            b"PLAIN",
            b"admin",
            b"secret",
        ];
        assert_eq!(run.zap_requests, [expected]);

        let props: Vec<(&[u8], &[u8])> = server
            .peer_properties()
            .iter()
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .collect();
        assert_eq!(
            props,
            [
                (&b"User-Id"[..], &b"admin"[..]),
                (b"X-Group", b"staff"),
                (b"Socket-Type", b"DEALER"),
                (b"Identity", b"cli"),
                (b"X-Foo", b"bar"),
            ]
        );
        assert_eq!(client.peer_properties()[0].1, b"ROUTER");
        assert_eq!(server.zap_request(), None);
    }

    #[test]
    fn zap_refusals() {
        // 300: closed without ERROR; the client hears nothing.
        let mut client = PlainClient::new(client_config());
        let mut server = PlainServer::new(server_config());
        let run = handshake(&mut client, &mut server, Some(&zap_handler(b"300", b"")));
        assert_eq!(run.server, End::Failed(Failure::Auth(300)));
        assert_eq!(run.client, End::Waiting);
        assert_eq!(run.sent_by_client(false).len(), 0);
        assert_eq!(server.status(), Status::Error);

        for (code, n) in [(&b"400"[..], 400), (b"500", 500)] {
            let mut client = PlainClient::new(client_config());
            let mut server = PlainServer::new(server_config());
            let handler = zap_handler(code, b"");
            let run = handshake(&mut client, &mut server, Some(&handler));
            assert_eq!(run.server, End::Failed(Failure::Auth(n)));
            assert_eq!(run.client, End::Failed(Failure::Auth(n)));
            let mut error = b"^RROR\x03".to_vec();
            error.extend_from_slice(code);
            assert_eq!(run.sent_by_client(false), [error.as_slice()]);
            assert_eq!(client.status(), Status::Error);
        }
    }

    #[test]
    fn malformed_zap_replies() {
        type Spoil = fn(&mut Frames);
        let cases: [(Spoil, u32); 6] = [
            (|r| r.truncate(6), protocol_error::ZAP_MALFORMED_REPLY),
            (|r| r[0] = b"?".to_vec(), protocol_error::ZAP_UNSPECIFIED),
            (|r| r[1] = b"1.1".to_vec(), protocol_error::ZAP_BAD_VERSION),
            (|r| r[2] = b"7".to_vec(), protocol_error::ZAP_BAD_REQUEST_ID),
            (
                |r| r[3] = b"250".to_vec(),
                protocol_error::ZAP_INVALID_STATUS_CODE,
            ),
            (
                |r| r[6] = b"\x01".to_vec(),
                protocol_error::ZAP_INVALID_METADATA,
            ),
        ];
        for (spoil, code) in cases {
            let mut client = PlainClient::new(client_config());
            let mut server = PlainServer::new(server_config());
            let handler = |req: &[Vec<u8>]| {
                let mut reply = zap_handler(b"200", b"")(req);
                spoil(&mut reply);
                reply
            };
            let run = handshake(&mut client, &mut server, Some(&handler));
            assert_eq!(run.server, protocol_end(code));
            assert_eq!(run.client, End::Waiting);
            assert!(run.sent_by_client(false).is_empty());
        }
    }

    #[test]
    fn no_zap_handler_refuses_every_client() {
        for enforce in [false, true] {
            let mut config = server_config();
            config.zap_available = false;
            config.zap_enforce_domain = enforce;
            let mut client = PlainClient::new(client_config());
            let mut server = PlainServer::new(config);
            let run = handshake(&mut client, &mut server, None);
            assert_eq!(run.server, End::Failed(Failure::NoDetail(libc::EFAULT)));
            assert_eq!(run.client, End::Waiting);
        }
    }

    fn server_after_hello() -> (PlainServer, Vec<Vec<u8>>) {
        let mut server = PlainServer::new(server_config());
        server.process_command(b"\x05HELLO\x01u\x01p").unwrap();
        let request = server.zap_request().unwrap();
        (server, request)
    }

    #[test]
    fn server_refuses_bad_commands() {
        let hello = |body: &[u8]| PlainServer::new(server_config()).process_command(body);
        let code = |r: Result<(), Failure>| match r {
            Err(Failure::Protocol(c)) => c,
            other => panic!("{other:?}"),
        };
        let unspecified = protocol_error::ZMTP_MALFORMED_COMMAND_UNSPECIFIED;
        assert_eq!(code(hello(b"")), unspecified);
        assert_eq!(code(hello(b"\x05")), unspecified);
        assert_eq!(code(hello(b"\x05HELL")), unspecified);
        assert_eq!(
            code(hello(b"\x05READY")),
            protocol_error::ZMTP_UNEXPECTED_COMMAND
        );
        let malformed = protocol_error::ZMTP_MALFORMED_COMMAND_HELLO;
        assert_eq!(code(hello(b"\x05HELLO")), malformed);
        assert_eq!(code(hello(b"\x05HELLO\x05adm")), malformed);
        assert_eq!(code(hello(b"\x05HELLO\x01u")), malformed);
        assert_eq!(code(hello(b"\x05HELLO\x01u\x02p")), malformed);
        assert_eq!(code(hello(b"\x05HELLO\x01u\x01pp")), malformed);
        // Empty username and password are well-formed.
        assert_eq!(hello(b"\x05HELLO\x00\x00"), Ok(()));

        // Anything while ZAP decides.
        let (mut server, _) = server_after_hello();
        assert_eq!(
            server.process_command(b"\x08INITIATE"),
            Err(protocol(protocol_error::ZMTP_UNSPECIFIED))
        );

        // After WELCOME: INITIATE only, with good metadata.
        let initiate = |body: &[u8]| {
            let (mut server, request) = server_after_hello();
            server
                .zap_reply(&zap_handler(b"200", b"")(&request))
                .unwrap();
            assert_eq!(server.next_command(), Ok(Some(WELCOME.to_vec())));
            let result = server.process_command(body);
            (result, server.status())
        };
        assert_eq!(
            initiate(b"\x05HELLO\x01u\x01p").0,
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(
            initiate(b"\x08INITIAT").0,
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(
            initiate(b"\x08INITIATE\x0bSocket-Type\0\0\0\x03PUB"),
            (Err(Failure::Silent), Status::Error)
        );
        assert_eq!(
            initiate(b"\x08INITIATE\x05X-Foo\xff\xff\xff\xffbar"),
            (Err(Failure::Silent), Status::Error)
        );
        assert_eq!(initiate(b"\x08INITIATE").0, Ok(()));
    }

    #[test]
    fn client_refuses_bad_commands() {
        let at_welcome = |body: &[u8]| {
            let mut client = PlainClient::new(client_config());
            client.next_command().unwrap().unwrap();
            client.process_command(body)
        };
        assert_eq!(
            at_welcome(b"\x07WELCOME!"),
            Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_WELCOME))
        );
        assert_eq!(
            at_welcome(b"\x05READY"),
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(
            at_welcome(b"\x07WELCOM"),
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(
            at_welcome(b""),
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(at_welcome(b"\x05ERROR\x03400"), Err(Failure::Auth(400)));
        assert_eq!(at_welcome(b"^RROR\x03400"), Err(Failure::Auth(400)));
        assert_eq!(
            at_welcome(b"^RROR"),
            Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR))
        );
        assert_eq!(at_welcome(b"\x05ERROR\x04nope"), Err(Failure::Silent));
        assert_eq!(
            at_welcome(b"\x05ERROR"),
            Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_ERROR))
        );

        let at_ready = |body: &[u8]| {
            let mut client = PlainClient::new(client_config());
            client.next_command().unwrap().unwrap();
            client.process_command(WELCOME).unwrap();
            client.next_command().unwrap().unwrap();
            (client.process_command(body), client.status())
        };
        assert_eq!(
            at_ready(b"\x07WELCOME").0,
            Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        );
        assert_eq!(
            at_ready(b"\x05READY\x0bSocket-Type\0\0\0\x04PULL"),
            (
                Err(protocol(protocol_error::ZMTP_INVALID_METADATA)),
                Status::Error
            )
        );
        assert_eq!(
            at_ready(b"\x05READY\x0bSocket-Type\0\0\0\x09ROUTER"),
            (
                Err(protocol(protocol_error::ZMTP_INVALID_METADATA)),
                Status::Error
            )
        );
        assert_eq!(
            at_ready(b"\x05ERROR\x03500"),
            (Err(Failure::Auth(500)), Status::Error)
        );
        assert_eq!(
            at_ready(b"\x05READY\x0bSocket-Type\0\0\0\x06ROUTER"),
            (Ok(()), Status::Ready)
        );
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let samples: [&[u8]; 5] = [
            b"\x05HELLO\x05admin\x06secret",
            b"\x07WELCOME",
            b"\x08INITIATE\x0bSocket-Type\0\0\0\x06DEALER",
            b"\x05READY\x0bSocket-Type\0\0\0\x06ROUTER",
            b"\x05ERROR\x03400",
        ];
        for sample in samples {
            for cut in 0..=sample.len() {
                for flip in 0..sample.len() {
                    let mut body = sample[..cut].to_vec();
                    if let Some(b) = body.get_mut(flip) {
                        *b ^= 0xff;
                    }
                    let mut server = PlainServer::new(server_config());
                    let _ = server.process_command(&body);
                    let _ = server_after_hello().0.process_command(&body);
                    let mut client = PlainClient::new(client_config());
                    let _ = client.next_command();
                    let _ = client.process_command(&body);
                    let _ = client.process_command(&body);
                }
            }
        }
    }
}
