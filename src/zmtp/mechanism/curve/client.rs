//! The CURVE client: proves it knows the server's public key S, vouches
//! for its own long-term key C, and checks the server's READY.

use x25519_dalek::StaticSecret;
use zeroize::Zeroize;

use super::cryptobox::{nonce, random, BoxKey, KeyPair, KEY_LEN};
use super::message::{short_nonce, Channel};
use super::*;
use crate::msg::Msg;
use crate::zmtp::mechanism::metadata::{self, PeerProperties};
use crate::zmtp::mechanism::{protocol_error, zap, Status};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    Ready,
    Failed,
}

pub struct CurveClient {
    config: Config,
    state: State,
    /// Our long-term secret c (its public key C comes from the options, as
    /// libzmq takes it).
    secret: StaticSecret,
    /// C' and c', for this connection only.
    short: KeyPair,
    /// The C'/S key of HELLO and WELCOME.
    hello_key: Option<BoxKey>,
    /// What WELCOME gave: S' and the cookie to echo.
    server_short: [u8; KEY_LEN],
    cookie: [u8; 96],
    /// From WELCOME on: the C'/S' key and the nonces.
    channel: Option<Channel>,
    peer: PeerProperties,
}

fn crypto() -> Failure {
    Failure::Protocol(protocol_error::ZMTP_CRYPTOGRAPHIC)
}

impl CurveClient {
    pub fn new(mut config: Config) -> Result<CurveClient, Failure> {
        let secret = StaticSecret::from(*config.curve_secret_key);
        // Only the wiped-on-drop copy is kept.
        config.curve_secret_key.zeroize();
        Ok(CurveClient {
            secret,
            short: KeyPair::generate()?,
            hello_key: None,
            config,
            state: State::SendHello,
            server_short: [0; KEY_LEN],
            cookie: [0; 96],
            channel: None,
            peer: PeerProperties::default(),
        })
    }

    /// HELLO, with short nonce 1.
    fn hello(&mut self) -> Result<Vec<u8>, Failure> {
        let short = 1u64.to_be_bytes();
        let key = self.hello_key.insert(
            BoxKey::shared(&self.config.curve_server_key, &self.short.secret).ok_or_else(crypto)?,
        );
        let signature = key
            .seal(&nonce(HELLO_NONCE, &short), &[0; 64])
            .ok_or_else(crypto)?;
        // The padding stays zero.
        let mut body = vec![0u8; HELLO_LEN];
        body[..HELLO.len()].copy_from_slice(HELLO);
        body[layout::HELLO_VERSION].copy_from_slice(&[1, 0]);
        body[layout::HELLO_CLIENT].copy_from_slice(&self.short.public);
        body[layout::HELLO_SHORT_NONCE].copy_from_slice(&short);
        body[layout::HELLO_BOX].copy_from_slice(&signature);
        Ok(body)
    }

    fn welcome(&mut self, body: &[u8]) -> Result<State, Failure> {
        // libzmq takes a stray WELCOME again; a second one is refused here.
        if self.state != State::WaitWelcome {
            return Err(Failure::Protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        }
        // Even a wrong size counts as a cryptographic failure in libzmq.
        if body.len() != WELCOME_LEN {
            return Err(crypto());
        }
        let key = self.hello_key.as_ref().ok_or_else(crypto)?;
        let plain = key
            .open(
                &nonce(WELCOME_NONCE, &body[layout::WELCOME_LONG_NONCE]),
                &body[layout::WELCOME_BOX],
            )
            .ok_or_else(crypto)?;
        self.server_short
            .copy_from_slice(&plain[layout::WELCOME_SERVER]);
        self.cookie.copy_from_slice(&plain[layout::WELCOME_COOKIE]);
        let session = BoxKey::shared(&self.server_short, &self.short.secret).ok_or_else(crypto)?;
        // HELLO used short nonce 1; libzmq starts the peer's count at 1.
        self.channel = Some(Channel::new(session, true, 2, 1));
        Ok(State::SendInitiate)
    }

    fn initiate(&mut self) -> Result<Vec<u8>, Failure> {
        let channel = self.channel.as_mut().ok_or_else(crypto)?;
        // The vouch: Box [C' + S](C->S') under a random long nonce.
        let vouch_nonce = random::<16>()?;
        let mut vouched = [0u8; 2 * KEY_LEN];
        vouched[..KEY_LEN].copy_from_slice(&self.short.public);
        vouched[KEY_LEN..].copy_from_slice(&self.config.curve_server_key);
        let vouch = BoxKey::shared(&self.server_short, &self.secret)
            .ok_or_else(crypto)?
            .seal(&nonce(VOUCH_NONCE, &vouch_nonce), &vouched)
            .ok_or_else(crypto)?;

        let mut plain = self.config.curve_public_key.to_vec();
        plain.extend_from_slice(&vouch_nonce);
        plain.extend_from_slice(&vouch);
        plain.extend(metadata::encode_ours(&self.config));
        let short_nonce = channel.take_nonce()?.to_be_bytes();
        let sealed = channel
            .key()
            .seal(&nonce(INITIATE_NONCE, &short_nonce), &plain)
            .ok_or_else(crypto)?;

        let mut body = Vec::with_capacity(layout::INITIATE_BOX + sealed.len());
        body.extend_from_slice(INITIATE);
        body.extend_from_slice(&self.cookie);
        body.extend_from_slice(&short_nonce);
        body.extend_from_slice(&sealed);
        Ok(body)
    }

    fn ready(&mut self, body: &[u8]) -> Result<State, Failure> {
        if !matches!(self.state, State::WaitWelcome | State::WaitReady) {
            return Err(Failure::Protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND));
        }
        if body.len() < READY_MIN {
            return Err(Failure::Protocol(
                protocol_error::ZMTP_MALFORMED_COMMAND_READY,
            ));
        }
        // Before WELCOME there is no key to open it with: libzmq fails the
        // same way, on its zeroed key.
        let channel = self.channel.as_mut().ok_or_else(crypto)?;
        let short = &body[layout::READY_SHORT_NONCE];
        // libzmq takes READY's nonce as the server's latest before opening.
        channel.set_peer_nonce(short_nonce(short));
        let plain = channel
            .key()
            .open(&nonce(READY_NONCE, short), &body[layout::READY_BOX..])
            .ok_or_else(crypto)?;
        let props = metadata::parse_peer(&self.config, &plain)
            .ok_or(Failure::Protocol(protocol_error::ZMTP_INVALID_METADATA))?;
        self.peer.set_zmtp(props);
        Ok(State::Ready)
    }

    fn step(&mut self, body: &[u8]) -> Result<State, Failure> {
        if body.starts_with(WELCOME) {
            self.welcome(body)
        } else if body.starts_with(READY) {
            self.ready(body)
        } else if body.starts_with(ERROR)
            && matches!(self.state, State::WaitWelcome | State::WaitReady)
        {
            Err(zap::peer_error(body))
        } else {
            Err(Failure::Protocol(protocol_error::ZMTP_UNEXPECTED_COMMAND))
        }
    }
}

impl Mechanism for CurveClient {
    fn name(&self) -> &'static [u8] {
        b"CURVE"
    }

    fn next_command(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        let (body, next) = match self.state {
            State::SendHello => (self.hello(), State::WaitWelcome),
            State::SendInitiate => (self.initiate(), State::WaitReady),
            _ => return Ok(None),
        };
        self.state = if body.is_ok() { next } else { State::Failed };
        body.map(Some)
    }

    fn process_command(&mut self, body: &[u8]) -> Result<(), Failure> {
        let next = self.step(body);
        self.state = *next.as_ref().unwrap_or(&State::Failed);
        next.map(|_| ())
    }

    fn status(&self) -> Status {
        match self.state {
            State::Ready => Status::Ready,
            State::Failed => Status::Error,
            _ => Status::Handshaking,
        }
    }

    fn peer_properties(&self) -> &[(Vec<u8>, Vec<u8>)] {
        self.peer.all()
    }

    fn encode(&mut self, msg: &Msg, out: &mut Vec<u8>) -> Result<(), Failure> {
        match (&mut self.channel, self.state) {
            (Some(channel), State::Ready) => channel.encode(msg, out),
            _ => Err(Failure::Protocol(protocol_error::ZMTP_UNSPECIFIED)),
        }
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, Failure> {
        match (&mut self.channel, self.state) {
            (Some(channel), State::Ready) => channel.decode(msg),
            _ => Err(Failure::Protocol(protocol_error::ZMTP_UNSPECIFIED)),
        }
    }
}
