//! The CURVE server: answers a HELLO boxed to its long-term key, checks
//! the cookie and vouch in INITIATE, and asks ZAP about the client's
//! long-term key.

use zeroize::{Zeroize, Zeroizing};

use super::cryptobox::{nonce, random, BoxKey, KeyPair, KEY_LEN};
use super::message::{short_nonce, Channel};
use super::*;
use crate::msg::Msg;
use crate::zmtp::mechanism::metadata::{self, PeerProperties};
use crate::zmtp::mechanism::{check_command_structure, protocol_error, zap, Status};

#[derive(Clone, PartialEq, Eq)]
enum State {
    WaitHello,
    SendWelcome,
    WaitInitiate,
    WaitZap,
    SendReady,
    /// A ZAP refusal's ERROR command is still to be sent.
    SendError(Vec<u8>),
    Ready,
    Failed,
}

pub struct CurveServer {
    config: Config,
    state: State,
    /// s and S (S derived from s, to check the vouch).
    long: KeyPair,
    /// s' and S', for this connection only.
    short: KeyPair,
    /// C' from HELLO.
    client_short: [u8; KEY_LEN],
    /// The C'/s key of HELLO and WELCOME.
    hello_key: Option<BoxKey>,
    /// The key of this connection's cookie, made with WELCOME.
    cookie_key: Option<BoxKey>,
    /// From INITIATE on: the C'/s' key and the nonces.
    channel: Option<Channel>,
    zap_request: Option<Vec<Vec<u8>>>,
    peer: PeerProperties,
}

fn protocol(code: u32) -> Failure {
    Failure::Protocol(code)
}

fn crypto() -> Failure {
    protocol(protocol_error::ZMTP_CRYPTOGRAPHIC)
}

impl CurveServer {
    pub fn new(mut config: Config) -> Result<CurveServer, Failure> {
        let long = KeyPair::from_secret(*config.curve_secret_key);
        // Only the wiped-on-drop copy is kept.
        config.curve_secret_key.zeroize();
        Ok(CurveServer {
            long,
            short: KeyPair::generate()?,
            config,
            state: State::WaitHello,
            client_short: [0; KEY_LEN],
            hello_key: None,
            cookie_key: None,
            channel: None,
            zap_request: None,
            peer: PeerProperties::default(),
        })
    }

    fn hello(&mut self, body: &[u8]) -> Result<State, Failure> {
        check_command_structure(body)?;
        if !body.starts_with(HELLO) {
            return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        }
        // A HELLO without its padding is too short: refused here, before
        // any cryptography.
        if body.len() != HELLO_LEN || body[layout::HELLO_VERSION] != [1, 0] {
            return Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_HELLO));
        }
        self.client_short
            .copy_from_slice(&body[layout::HELLO_CLIENT]);
        let key = BoxKey::shared(&self.client_short, &self.long.secret).ok_or_else(crypto)?;
        // The box proves the client knows S; libzmq does not look at what
        // it holds (64 zero bytes), nor at the padding.
        key.open(
            &nonce(HELLO_NONCE, &body[layout::HELLO_SHORT_NONCE]),
            &body[layout::HELLO_BOX],
        )
        .ok_or_else(crypto)?;
        self.hello_key = Some(key);
        Ok(State::SendWelcome)
    }

    fn welcome(&mut self) -> Result<Vec<u8>, Failure> {
        let hello_key = self.hello_key.as_ref().ok_or_else(crypto)?;
        // The cookie: [C' + s'] under a key of this connection alone, so a
        // cookie from another connection never opens.
        let cookie_key = BoxKey::secret(&Zeroizing::new(random::<KEY_LEN>()?));
        let cookie_nonce = random::<16>()?;
        let short_secret = Zeroizing::new(self.short.secret.to_bytes());
        let mut cookie_plain = Zeroizing::new([0u8; 2 * KEY_LEN]);
        cookie_plain[..KEY_LEN].copy_from_slice(&self.client_short);
        cookie_plain[KEY_LEN..].copy_from_slice(short_secret.as_slice());
        let cookie_box = cookie_key
            .seal(&nonce(COOKIE_NONCE, &cookie_nonce), cookie_plain.as_slice())
            .ok_or_else(crypto)?;
        self.cookie_key = Some(cookie_key);

        let mut plain = Zeroizing::new(Vec::with_capacity(128));
        plain.extend_from_slice(&self.short.public);
        plain.extend_from_slice(&cookie_nonce);
        plain.extend_from_slice(&cookie_box);
        let welcome_nonce = random::<16>()?;
        let sealed = hello_key
            .seal(&nonce(WELCOME_NONCE, &welcome_nonce), &plain)
            .ok_or_else(crypto)?;

        let mut body = Vec::with_capacity(WELCOME_LEN);
        body.extend_from_slice(WELCOME);
        body.extend_from_slice(&welcome_nonce);
        body.extend_from_slice(&sealed);
        Ok(body)
    }

    fn initiate(&mut self, body: &[u8]) -> Result<State, Failure> {
        check_command_structure(body)?;
        if !body.starts_with(INITIATE) {
            return Err(protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        }
        if body.len() < INITIATE_MIN {
            return Err(protocol(protocol_error::ZMTP_MALFORMED_COMMAND_INITIATE));
        }

        // Our cookie, unchanged: it must hold C' and s'.
        let cookie = &body[layout::INITIATE_COOKIE];
        let cookie_key = self.cookie_key.as_ref().ok_or_else(crypto)?;
        let cookie_plain = cookie_key
            .open(&nonce(COOKIE_NONCE, &cookie[..16]), &cookie[16..])
            .ok_or_else(crypto)?;
        let short_secret = Zeroizing::new(self.short.secret.to_bytes());
        if cookie_plain[..KEY_LEN] != self.client_short
            || cookie_plain[KEY_LEN..] != short_secret[..]
        {
            return Err(crypto());
        }

        let session = BoxKey::shared(&self.client_short, &self.short.secret).ok_or_else(crypto)?;
        let short = &body[layout::INITIATE_SHORT_NONCE];
        // libzmq takes INITIATE's nonce as the client's latest before
        // opening; our own nonces start at 1 with READY.
        let channel = self
            .channel
            .insert(Channel::new(session, false, 1, short_nonce(short)));
        let plain = channel
            .key()
            .open(&nonce(INITIATE_NONCE, short), &body[layout::INITIATE_BOX..])
            .ok_or_else(crypto)?;

        // The vouch: Box [C' + S](C->S'), proving the client holds c.
        let client_key: [u8; KEY_LEN] = plain[layout::INITIATE_CLIENT]
            .try_into()
            .map_err(|_| crypto())?;
        let vouch = BoxKey::shared(&client_key, &self.short.secret)
            .ok_or_else(crypto)?
            .open(
                &nonce(VOUCH_NONCE, &plain[layout::INITIATE_VOUCH_NONCE]),
                &plain[layout::INITIATE_VOUCH_BOX],
            )
            .ok_or_else(crypto)?;
        // libzmq checks only C'; S is checked too, as RFC 26 asks (a
        // client that got this far always boxed it right).
        if vouch[..KEY_LEN] != self.client_short || vouch[KEY_LEN..] != self.long.public {
            return Err(protocol(protocol_error::ZMTP_KEY_EXCHANGE));
        }

        let next = match zap::need(b"CURVE", &self.config) {
            zap::Need::Ask => {
                self.zap_request = Some(zap::request(&self.config, b"CURVE", &[&client_key]));
                State::WaitZap
            }
            zap::Need::Skip => State::SendReady,
            zap::Need::Refuse(failure) => return Err(failure),
        };
        // libzmq reports no handshake event for bad client metadata here.
        let props = metadata::parse_peer(&self.config, &plain[layout::INITIATE_METADATA..])
            .ok_or(Failure::Silent)?;
        self.peer.set_zmtp(props);
        Ok(next)
    }

    fn ready(&mut self) -> Result<Vec<u8>, Failure> {
        let channel = self.channel.as_mut().ok_or_else(crypto)?;
        let short = channel.take_nonce()?.to_be_bytes();
        let sealed = channel
            .key()
            .seal(
                &nonce(READY_NONCE, &short),
                &metadata::encode_ours(&self.config),
            )
            .ok_or_else(crypto)?;
        let mut body = READY.to_vec();
        body.extend_from_slice(&short);
        body.extend_from_slice(&sealed);
        Ok(body)
    }
}

impl Mechanism for CurveServer {
    fn name(&self) -> &'static [u8] {
        b"CURVE"
    }

    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        let (body, next) = match std::mem::replace(&mut self.state, State::Failed) {
            State::SendWelcome => (self.welcome(), State::WaitInitiate),
            State::SendReady => (self.ready(), State::Ready),
            State::SendError(error) => return Ok(Some(error)),
            other => {
                self.state = other;
                return Ok(None);
            }
        };
        if body.is_ok() {
            self.state = next;
        }
        body.map(Some)
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        let next = match self.state {
            State::WaitHello => self.hello(body),
            State::WaitInitiate => self.initiate(body),
            // A command while ZAP decides, or after the handshake ended.
            _ => Err(protocol(protocol_error::ZMTP_UNSPECIFIED)),
        };
        match next {
            Ok(state) => {
                self.state = state;
                Ok(())
            }
            Err(failure) => {
                self.state = State::Failed;
                self.zap_request = None;
                Err(failure)
            }
        }
    }

    fn zap_request(&mut self) -> Option<Vec<Vec<u8>>> {
        self.zap_request.take()
    }

    fn zap_reply(&mut self, frames: &[Vec<u8>]) -> Result<(), Failure> {
        if self.state != State::WaitZap {
            return Ok(());
        }
        self.state = State::Failed;
        match zap::apply_reply(&self.config, frames, &mut self.peer) {
            Ok(()) => {
                self.state = State::SendReady;
                Ok(())
            }
            Err(refusal) => {
                if let Some(status) = refusal.error_status {
                    self.state = State::SendError(zap::error_command(status));
                }
                Err(refusal.failure)
            }
        }
    }

    fn status(&self) -> Status {
        match self.state {
            State::Ready => Status::Ready,
            State::Failed | State::SendError(_) => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)] {
        self.peer.all()
    }

    fn encode(&mut self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), Failure> {
        match (&mut self.channel, &self.state) {
            (Some(channel), State::Ready) => channel.encode(msg, out),
            _ => Err(protocol(protocol_error::ZMTP_UNSPECIFIED)),
        }
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        match (&mut self.channel, &self.state) {
            (Some(channel), State::Ready) => channel.decode(msg),
            _ => Err(protocol(protocol_error::ZMTP_UNSPECIFIED)),
        }
    }
}

#[cfg(test)]
impl CurveServer {
    /// Lets tests open the cookie, and with the s' inside it every box of
    /// the connection.
    pub(super) fn cookie_key(&self) -> Option<&BoxKey> {
        self.cookie_key.as_ref()
    }
}
