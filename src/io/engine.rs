//! An engine: one connection between a stream and the socket's pipe.
//!
//! It speaks ZMTP as libzmq 4.3 does: the greeting in steps, then ZMTP 3.x
//! with a security mechanism, or ZMTP 2.0 or 1.0 with an identity message
//! for old peers. For STREAM sockets it speaks nothing: bytes in and out
//! as they come (a raw engine).
//!
//! Inbound, frames are decoded from whatever the stream delivers and
//! written to the pipe; when the pipe is at its HWM the engine stops
//! reading until the socket drains it. Outbound, messages are taken from
//! the pipe, framed into one buffer and written with as few system calls
//! as the stream allows.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Connect, SocketLink, Target};
use crate::command::{Command, MailboxSender};
use crate::msg::{flags, Metadata, Msg};
use crate::pattern::kind;
use crate::pipe::{self, PipeEnd, Read as PipeRead};
use crate::socket::monitor;
use crate::socket::options::Mechanism as Kind;
use crate::transport::Stream;
use crate::zmtp::codec::{encode_header, encode_header_v1, Decoder};
use crate::zmtp::command;
use crate::zmtp::greeting::{greeting, GreetingReader, PeerGreeting, GREETING_LEN, SIGNATURE_LEN};
use crate::zmtp::mechanism::{
    curve, null::Null, plain, protocol_error, Failure, Mechanism, Status,
};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Accepted,
    Connecting,
}

/// Where the connection is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Exchanging greetings.
    Greeting,
    /// ZMTP 1.0/2.0: waiting for the peer's identity message.
    Identity,
    /// ZMTP 3.x: the mechanism's handshake.
    Handshake,
    /// Messages flow.
    Ready,
}

/// How frames are written to the peer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// STREAM: no framing at all.
    Raw,
    V1,
    V2,
    V3 {
        minor: u8,
    },
}

/// Stop pulling from the pipe once this much output is buffered.
const OUT_BATCH: usize = 256 * 1024;
/// Size of the reactor's read buffer, lent to each engine in turn.
pub const READ_BUF: usize = 64 * 1024;

pub struct Engine {
    stream: Stream,
    /// The endpoint as given to zmq_bind/zmq_connect.
    endpoint: String,
    /// The endpoint monitor events name (a SOCKS proxy's, see
    /// `Connect::monitor_endpoint`).
    monitor_endpoint: String,
    /// The transport connection is up (CONNECTED was reported).
    connected: bool,
    link: SocketLink,
    io: MailboxSender,
    role: Role,
    target: Option<Target>,
    /// The pipe messages flow through.
    pipe: Option<PipeEnd>,
    /// IMMEDIATE: the connect endpoint's own pipe, which only keeps it
    /// alive (the socket parks its end). Each connection gets a new
    /// message pipe, dropped with its queued messages when the connection
    /// ends, as in libzmq.
    keep: Option<PipeEnd>,
    /// CONNECT_ROUTING_ID for the message pipes of an IMMEDIATE endpoint.
    assigned_routing_id: Option<Vec<u8>>,
    /// The pipe end was taken into use (its first connection completed).
    pipe_attached: bool,
    /// Pipes made since the reactor last looked, for it to map to us.
    new_pipe_tokens: Vec<u64>,
    phase: Phase,
    wire: Wire,
    greeting: GreetingReader,
    /// Our greeting, of which `greeting_sent` bytes were queued so far.
    our_greeting: [u8; GREETING_LEN],
    greeting_sent: usize,
    /// ZMTP 3 connections only; once ready it frames (CURVE: boxes) every
    /// frame out and unwraps every frame in.
    mechanism: Option<Box<dyn Mechanism>>,
    /// The pipe to the ZAP handler while a request is out, and the reply
    /// parts read so far.
    zap: Option<PipeEnd>,
    zap_reply: Vec<Vec<u8>>,
    /// The ZAP pipe's token, kept after the pipe is done with so the
    /// reactor can forget it with the engine's others.
    zap_token: Option<u64>,
    /// PUB/XPUB talking to an unversioned ZMTP 1.0 peer, which sends no
    /// subscriptions: it is given one to everything, as libzmq does.
    subscription_required: bool,
    decoder: Decoder,
    /// Frames as decoded from the wire.
    inbound: VecDeque<Msg>,
    /// Messages ready for the socket (unwrapped by the mechanism), waiting
    /// for room in the pipe.
    decoded: VecDeque<Msg>,
    more_in: bool,
    more_out: bool,
    metadata: Option<Arc<Metadata>>,
    out: Vec<u8>,
    out_pos: usize,
    read_blocked: bool,
    /// The peer sent a malformed frame (or one over MAXMSGSIZE): the
    /// connection ends once the frames before it are delivered.
    decode_failed: bool,
    socket_gone: bool,
    /// Everything was sent and our side shut down: waiting for the peer's
    /// close. Dropping the stream earlier, with its bytes unread, would
    /// make the kernel reset the connection and the peer lose what it had
    /// not read yet.
    closing: bool,
    closed: bool,
    /// Closed for a protocol error: a connecting socket does not try this
    /// endpoint again, as in libzmq.
    protocol_error: bool,
    /// When the handshake must be done by (HANDSHAKE_IVL).
    handshake_deadline: Option<Instant>,
    /// When to send the next PING (HEARTBEAT_IVL).
    next_ping: Option<Instant>,
    /// The connection is given up if nothing arrives by then: after our
    /// PING (HEARTBEAT_TIMEOUT) or as the peer's PING TTL asked.
    silence_deadline: Option<Instant>,
    /// A deadline changed and the reactor's timer must follow.
    timer_request: Option<Instant>,
}

impl Engine {
    pub fn new(
        stream: Stream,
        link: SocketLink,
        role: Role,
        io: MailboxSender,
        endpoint: String,
    ) -> Engine {
        let max = (link.maxmsgsize >= 0).then_some(link.maxmsgsize as u64);
        let raw = link.raw;
        let our_greeting = greeting(
            mechanism_name(link.mechanism),
            link.security.routing_id.len(),
        );
        let mut out = Vec::with_capacity(4096);
        if !raw {
            // The signature now; the rest as the peer's greeting shows
            // what it speaks.
            out.extend_from_slice(&our_greeting[..SIGNATURE_LEN]);
        }
        let mut engine = Engine {
            stream,
            monitor_endpoint: endpoint.clone(),
            endpoint,
            connected: role == Role::Accepted,
            link,
            io,
            role,
            target: None,
            pipe: None,
            keep: None,
            assigned_routing_id: None,
            pipe_attached: false,
            new_pipe_tokens: Vec::new(),
            phase: Phase::Greeting,
            wire: if raw {
                Wire::Raw
            } else {
                Wire::V3 { minor: 1 }
            },
            greeting: GreetingReader::new(),
            our_greeting,
            greeting_sent: SIGNATURE_LEN,
            mechanism: None,
            zap: None,
            zap_reply: Vec::new(),
            zap_token: None,
            subscription_required: false,
            decoder: Decoder::new(max),
            inbound: VecDeque::new(),
            decoded: VecDeque::new(),
            more_in: false,
            more_out: false,
            metadata: None,
            out,
            out_pos: 0,
            read_blocked: false,
            decode_failed: false,
            socket_gone: false,
            closing: false,
            closed: false,
            protocol_error: false,
            handshake_deadline: None,
            next_ping: None,
            silence_deadline: None,
            timer_request: None,
        };
        if !raw && engine.link.handshake_ivl > 0 {
            let at = Instant::now() + Duration::from_millis(engine.link.handshake_ivl as u64);
            engine.handshake_deadline = Some(at);
            engine.timer_request = Some(at);
        }
        if raw && role == Role::Accepted {
            engine.raw_ready();
        }
        engine
    }

    /// An engine for a connect endpoint, using the socket's pipe.
    pub fn connecting(stream: Stream, connect: Box<Connect>, io: MailboxSender) -> Engine {
        let monitor_endpoint = connect.monitor_endpoint();
        let Connect {
            target,
            link,
            pipe,
            endpoint,
            assigned_routing_id,
        } = *connect;
        let attached = pipe.is_attached();
        let immediate = link.immediate;
        let mut e = Engine::new(stream, link, Role::Connecting, io, endpoint);
        e.monitor_endpoint = monitor_endpoint;
        e.target = Some(target);
        if immediate {
            e.keep = Some(pipe);
            e.assigned_routing_id = assigned_routing_id;
        } else {
            e.pipe = Some(pipe);
            e.pipe_attached = attached;
        }
        e
    }

    pub fn stream(&mut self) -> &mut Stream {
        &mut self.stream
    }

    pub fn linger(&self) -> i32 {
        self.link.linger.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A new deadline for the reactor's timer, once.
    pub fn take_timer_request(&mut self) -> Option<Instant> {
        self.timer_request.take()
    }

    fn request_timer(&mut self, at: Instant) {
        self.timer_request = Some(self.timer_request.map_or(at, |t| t.min(at)));
    }

    fn is_ready(&self) -> bool {
        self.phase == Phase::Ready
    }

    /// Handles whichever deadline has passed.
    pub fn on_timer(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        if !self.is_ready() {
            if self.handshake_deadline.is_some_and(|d| now >= d) {
                // HANDSHAKE_IVL ran out before the handshake completed.
                self.fail(libc::EAGAIN);
            }
            return;
        }
        if self.silence_deadline.is_some_and(|d| now >= d) {
            // The peer went silent past HEARTBEAT_TIMEOUT or its TTL.
            self.close();
            return;
        }
        if self.next_ping.is_some_and(|d| now >= d) {
            let ivl = Duration::from_millis(self.link.heartbeat_ivl as u64);
            self.command(&command::ping(self.link.heartbeat_ttl, b""));
            self.next_ping = Some(now + ivl);
            if self.silence_deadline.is_none() {
                let timeout = match self.link.heartbeat_timeout {
                    t if t >= 0 => Duration::from_millis(t as u64),
                    _ => ivl,
                };
                self.silence_deadline = Some(now + timeout);
            }
            self.on_writable();
        }
        for at in [self.next_ping, self.silence_deadline]
            .into_iter()
            .flatten()
        {
            self.request_timer(at);
        }
    }

    /// Traffic arrived: the peer is alive.
    fn heard_from_peer(&mut self) {
        self.silence_deadline = None;
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether the handshake completed (RECONNECT_STOP asks).
    pub fn handshake_done(&self) -> bool {
        self.is_ready()
    }

    /// The tokens of the pipes this engine serves (the reactor maps them
    /// to it).
    pub fn pipe_tokens(&self) -> impl Iterator<Item = u64> + '_ {
        self.pipe
            .iter()
            .chain(&self.keep)
            .map(PipeEnd::token)
            .chain(self.zap_token)
    }

    pub fn take_new_pipe_tokens(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.new_pipe_tokens)
    }

    /// Messages still to send before the thread may stop (a connection
    /// still being made counts when its socket left messages for it; a
    /// closing one until the peer has closed too).
    pub fn has_pending_output(&self) -> bool {
        !self.closed
            && (self.closing
                || (self.is_ready() && self.out_pos < self.out.len())
                || self.pipe.as_ref().is_some_and(|p| p.inbound_len() > 0))
    }

    /// What a closed connecting engine hands back to be tried again: its
    /// pipe (and the messages queued in it) survives the connection.
    pub fn into_reconnect(mut self) -> Option<Box<Connect>> {
        let pipe = match self.keep.take() {
            Some(keep) => {
                // IMMEDIATE: the connection's messages go with it.
                if let Some(pipe) = self.pipe.take() {
                    pipe.terminate();
                }
                if keep.peer_dropped() {
                    return None;
                }
                keep
            }
            None => self.pipe.take()?,
        };
        if self.role == Role::Accepted || self.socket_gone || self.protocol_error {
            pipe.terminate();
            return None;
        }
        Some(Box::new(Connect {
            target: self.target.take()?,
            link: self.link.clone(),
            pipe,
            endpoint: std::mem::take(&mut self.endpoint),
            assigned_routing_id: self.assigned_routing_id.take(),
        }))
    }

    fn close(&mut self) {
        if self.connected && !self.closed {
            if self.wire == Wire::Raw && self.is_ready() && self.link.raw_notify {
                // STREAM tells its application with an empty message.
                if let Some(pipe) = self.pipe.as_mut() {
                    pipe.write(Msg::new());
                }
            }
            self.link.monitor.emit(
                monitor::DISCONNECTED,
                self.stream.fd() as u32,
                &self.monitor_endpoint,
            );
        }
        // Best effort: what is already framed (a READY or ERROR before
        // refusing a peer, as libzmq does) goes out first.
        if self.out_pos < self.out.len() {
            let _ = self.stream.write(&self.out[self.out_pos..]);
        }
        self.closed = true;
    }

    /// The connection broke (or timed out) with `errno`. As libzmq, that
    /// is a failed handshake unless a mechanism is past handshaking (or
    /// done with it: a ZAP refusal was already reported); ZMTP 1.0/2.0 and
    /// STREAM connections have no mechanism, so for them it always is.
    fn fail(&mut self, errno: i32) {
        let handshaking = self
            .mechanism
            .as_ref()
            .map_or(true, |m| m.status() == Status::Handshaking);
        if handshaking && !self.closing {
            self.link.monitor.emit(
                monitor::HANDSHAKE_FAILED_NO_DETAIL,
                errno as u32,
                &self.monitor_endpoint,
            );
        }
        self.close();
    }

    /// A protocol error: reported (or not) as libzmq reports it; the
    /// connection is closed and not tried again.
    fn refuse(&mut self, failure: Failure) {
        self.report(failure);
        self.protocol_error = true;
        self.close();
    }

    /// The monitor event libzmq emits for a failure, if any.
    fn report(&self, failure: Failure) {
        let (event, value) = match failure {
            Failure::Protocol(code) => (monitor::HANDSHAKE_FAILED_PROTOCOL, code),
            Failure::Auth(code) => (monitor::HANDSHAKE_FAILED_AUTH, code),
            Failure::NoDetail(errno) => (monitor::HANDSHAKE_FAILED_NO_DETAIL, errno as u32),
            Failure::Silent => return,
        };
        self.link.monitor.emit(event, value, &self.monitor_endpoint);
    }

    /// Sends the commands a failed mechanism still owes the peer (its
    /// ERROR).
    fn send_owed_commands(&mut self) {
        while let Some(Ok(Some(body))) = self.mechanism.as_mut().map(|m| m.next_command()) {
            self.command(&body);
        }
    }

    /// Reads what the stream has, into `buf` (scratch space the reactor
    /// lends, so no allocation per wake-up).
    pub fn on_readable(&mut self, buf: &mut [u8]) {
        while !self.closed && !self.read_blocked {
            match self.stream.read(buf) {
                Ok(0) => {
                    // Peer closed: deliver what was complete, then go.
                    self.fail(libc::EPIPE);
                    return;
                }
                Ok(_) if self.closing => {}
                Ok(n) => self.input(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.fail(e.raw_os_error().unwrap_or(libc::EIO));
                    return;
                }
            }
        }
    }

    fn input(&mut self, mut data: &[u8]) {
        self.heard_from_peer();
        if self.wire == Wire::Raw {
            if let Ok(msg) = Msg::from_slice(data) {
                self.inbound.push_back(msg);
            }
            self.deliver();
            return;
        }
        if self.phase == Phase::Greeting {
            let (used, verdict) = self.greeting.feed(data);
            data = &data[used..];
            self.send_greeting_steps();
            match verdict {
                None => {
                    self.on_writable();
                    return;
                }
                Some(verdict) => {
                    if !self.start_protocol(verdict) {
                        return;
                    }
                }
            }
        }
        self.decode(data);
        self.deliver();
        self.on_writable();
    }

    /// Decodes into `inbound`. Frames before a malformed one still count,
    /// in order; the connection is refused once they are delivered.
    fn decode(&mut self, data: &[u8]) {
        let mut frames = Vec::new();
        if self.decoder.decode(data, &mut frames).is_err() {
            self.decode_failed = true;
        }
        self.inbound.extend(frames);
    }

    /// Queues the next part of our greeting the peer's shows is due: the
    /// major version once its signature is in, then the rest once its
    /// version is known.
    fn send_greeting_steps(&mut self) {
        if self.greeting_sent == SIGNATURE_LEN && self.greeting.versioned() {
            self.out.push(self.our_greeting[SIGNATURE_LEN]);
            self.greeting_sent += 1;
        }
        if self.greeting_sent == SIGNATURE_LEN + 1 {
            match self.greeting.revision() {
                // ZMTP 1.0/2.0 peers get our socket type instead.
                Some(r) if r < 2 => self.out.push(self.link.kind as u8),
                Some(_) => self
                    .out
                    .extend_from_slice(&self.our_greeting[SIGNATURE_LEN + 1..]),
                None => return,
            }
            self.greeting_sent = GREETING_LEN;
        }
    }

    /// The peer's greeting is complete: picks the protocol it speaks.
    /// False when the connection was refused.
    fn start_protocol(&mut self, verdict: PeerGreeting) -> bool {
        let zap_enabled =
            self.link.mechanism != Kind::Null || !self.link.security.zap_domain.is_empty();
        if zap_enabled && !matches!(verdict, PeerGreeting::V3 { .. }) {
            // Old peers have no security: refused when ours needs it.
            self.refuse(Failure::Silent);
            return false;
        }
        match verdict {
            PeerGreeting::V1 => {
                // Our signature was the header of a ZMTP 1.0 identity
                // message; its body follows. What the peer sent so far is
                // the start of its own identity message.
                self.wire = Wire::V1;
                self.decoder.use_v1();
                let routing_id = self.link.security.routing_id.clone();
                self.out.extend_from_slice(&routing_id);
                self.subscription_required = matches!(self.link.kind, kind::PUB | kind::XPUB);
                self.phase = Phase::Identity;
                let received = self.greeting.received().to_vec();
                self.decode(&received);
            }
            PeerGreeting::Old { revision, .. } => {
                // libzmq ignores the peer's socket type here.
                self.wire = if revision == 0 { Wire::V1 } else { Wire::V2 };
                if revision == 0 {
                    self.decoder.use_v1();
                }
                let routing_id = self.link.security.routing_id.clone();
                self.frame(false, false, &routing_id);
                self.phase = Phase::Identity;
            }
            PeerGreeting::V3 { minor, mechanism } => {
                self.wire = Wire::V3 { minor };
                if mechanism != mechanism_name(self.link.mechanism) {
                    self.refuse(Failure::Protocol(protocol_error::ZMTP_MECHANISM_MISMATCH));
                    return false;
                }
                match self.new_mechanism() {
                    Ok(ours) => {
                        self.mechanism = Some(ours);
                    }
                    Err(failure) => {
                        self.refuse(failure);
                        return false;
                    }
                }
                self.phase = Phase::Handshake;
                self.pump_mechanism();
                return !self.closed;
            }
        }
        true
    }

    /// Our side of the security handshake, for this connection.
    fn new_mechanism(&self) -> Result<Box<dyn Mechanism>, Failure> {
        let mut config = (*self.link.security).clone();
        config.peer_address = self.stream.peer_address();
        config.zap_available = self.link.ctx.upgrade().is_some_and(|c| c.zap_bound());
        match self.link.mechanism {
            Kind::Null => Ok(Box::new(Null::new(config))),
            Kind::Plain => Ok(plain::new(config)),
            Kind::Curve => curve::new(config),
            // Never offered in our greeting: the names cannot match.
            Kind::Gssapi => Err(Failure::Protocol(protocol_error::ZMTP_MECHANISM_MISMATCH)),
        }
    }

    /// Sends the mechanism's ZAP request, if it has one, to the handler.
    fn send_zap_request(&mut self) {
        let Some(frames) = self.mechanism.as_mut().and_then(|m| m.zap_request()) else {
            return;
        };
        let pipe = self.link.ctx.upgrade().and_then(|c| c.zap_connect());
        let Some(mut pipe) = pipe else {
            // The handler went away since the handshake started.
            self.refuse(Failure::NoDetail(libc::EFAULT));
            return;
        };
        pipe.attach(&self.io, b"");
        let last = frames.len().saturating_sub(1);
        for (i, frame) in frames.iter().enumerate() {
            let Ok(mut part) = Msg::from_slice(frame) else {
                self.refuse(Failure::NoDetail(libc::ENOMEM));
                return;
            };
            part.set_more(i < last);
            pipe.write(part);
        }
        self.new_pipe_tokens.push(pipe.token());
        self.zap_token = Some(pipe.token());
        self.zap = Some(pipe);
        // A pipe tells its reader of new messages only once the reader has
        // found it empty: look now, so the reply wakes us.
        self.read_zap_reply();
    }

    /// Reads the ZAP handler's reply once it is complete and hands it to
    /// the mechanism.
    fn read_zap_reply(&mut self) {
        while let Some(pipe) = self.zap.as_mut() {
            match pipe.read() {
                PipeRead::Msg(part) => {
                    let more = part.more();
                    self.zap_reply.push(part.data().to_vec());
                    if more {
                        continue;
                    }
                    let reply = std::mem::take(&mut self.zap_reply);
                    if let Some(pipe) = self.zap.take() {
                        pipe.terminate();
                    }
                    let result = match self.mechanism.as_mut() {
                        Some(mech) => mech.zap_reply(&reply),
                        None => Ok(()),
                    };
                    match result {
                        Ok(()) => self.pump_mechanism(),
                        Err(Failure::Auth(code)) => self.deny(code),
                        Err(failure) => self.handshake_failed(failure),
                    }
                    if !self.closed {
                        self.deliver();
                    }
                }
                PipeRead::Empty => return,
                // The handler closed before answering.
                PipeRead::Gone => {
                    self.zap = None;
                    self.refuse(Failure::NoDetail(libc::EPIPE));
                }
            }
        }
    }

    /// ZAP refused the peer: reported, and the ERROR the mechanism owes it
    /// (none for 300) goes out. As libzmq, the connection is then left for
    /// the peer to close (or HANDSHAKE_IVL to end); a connecting socket
    /// tries again after that.
    fn deny(&mut self, code: u32) {
        self.report(Failure::Auth(code));
        self.send_owed_commands();
    }

    /// A failed handshake step: the ERROR the mechanism owes the peer goes
    /// out before the connection closes.
    fn handshake_failed(&mut self, failure: Failure) {
        self.send_owed_commands();
        self.refuse(failure);
    }

    /// Sends the commands the mechanism has ready; completes the handshake
    /// once it says so.
    fn pump_mechanism(&mut self) {
        loop {
            let Some(mech) = self.mechanism.as_mut() else {
                return;
            };
            match mech.next_command() {
                Ok(Some(body)) => self.command(&body),
                Ok(None) => break,
                Err(failure) => {
                    self.handshake_failed(failure);
                    return;
                }
            }
        }
        self.send_zap_request();
        if self.closed {
            return;
        }
        let status = self.mechanism.as_ref().map(|m| m.status());
        if self.phase == Phase::Handshake && status == Some(Status::Ready) {
            let mut metadata = Metadata::new();
            let mut identity = Vec::new();
            if let Some(mech) = self.mechanism.as_ref() {
                for (name, value) in mech.peer_properties() {
                    if name == b"Identity" {
                        identity = value.clone();
                    }
                    metadata.set(name, value);
                }
            }
            self.add_connection_properties(&mut metadata);
            self.metadata = Some(Arc::new(metadata));
            self.link
                .monitor
                .emit(monitor::HANDSHAKE_SUCCEEDED, 0, &self.monitor_endpoint);
            if self.link.heartbeat_ivl > 0 {
                let at = Instant::now() + Duration::from_millis(self.link.heartbeat_ivl as u64);
                self.next_ping = Some(at);
                self.request_timer(at);
            }
            self.become_ready(&identity);
        }
    }

    /// What libzmq adds to the peer's properties, when the peer has an
    /// address: Peer-Address, and "__fd" (read by the deprecated
    /// zmq_msg_get(ZMQ_SRCFD)).
    fn add_connection_properties(&self, metadata: &mut Metadata) {
        let address = self.stream.peer_address();
        if !address.is_empty() {
            metadata.set(b"Peer-Address", address.as_bytes());
            metadata.set(b"__fd", self.stream.fd().to_string().as_bytes());
        }
    }

    /// Appends one frame in the peer's framing.
    fn frame(&mut self, more: bool, command: bool, body: &[u8]) {
        match self.wire {
            Wire::Raw => {}
            Wire::V1 => encode_header_v1(more, body.len(), &mut self.out),
            Wire::V2 | Wire::V3 { .. } => encode_header(more, command, body.len(), &mut self.out),
        }
        self.out.extend_from_slice(body);
    }

    /// Sends a command: as it is during the handshake, through the
    /// mechanism (CURVE boxes it) after.
    fn command(&mut self, body: &[u8]) {
        if !self.is_ready() {
            self.frame(false, true, body);
            return;
        }
        if let Ok(mut msg) = Msg::from_slice(body) {
            msg.set_flags(flags::COMMAND);
            self.send(msg);
        }
    }

    /// Frames one message part (or command) once messages flow.
    fn send(&mut self, msg: Msg) {
        match self.mechanism.as_mut() {
            Some(mech) => {
                if let Err(failure) = mech.encode(&msg, &mut self.out) {
                    self.refuse(failure);
                }
            }
            _ => {
                let command = msg.flags() & flags::COMMAND != 0;
                self.frame(msg.more(), command, msg.data());
            }
        }
    }

    /// A STREAM connection is ready as soon as it exists; its application
    /// hears of it through an empty message (STREAM_NOTIFY).
    fn raw_ready(&mut self) {
        let mut metadata = Metadata::new();
        self.add_connection_properties(&mut metadata);
        self.metadata = Some(Arc::new(metadata));
        self.become_ready(&[]);
        if self.link.raw_notify {
            self.decoded.push_back(Msg::new());
            self.deliver();
        }
    }

    /// Messages may flow: the socket gets its pipe (a new one for an
    /// accepted connection), with the peer's routing id.
    fn become_ready(&mut self, identity: &[u8]) {
        self.phase = Phase::Ready;
        self.handshake_deadline = None;
        if self.subscription_required {
            if let Ok(all) = Msg::from_slice(&[1]) {
                self.decoded.push_back(all);
            }
        }
        match self.role {
            Role::Connecting if self.keep.is_none() => {
                if let Some(pipe) = self.pipe.as_mut() {
                    if !self.pipe_attached {
                        pipe.attach(&self.io, identity);
                        self.pipe_attached = true;
                    }
                }
            }
            // Accepted, or connected with IMMEDIATE: a new pipe.
            _ => {
                let (mut socket_end, mut engine_end) = pipe::pair(
                    self.link.sndhwm.max(0) as u64,
                    self.link.rcvhwm.max(0) as u64,
                );
                socket_end.fix_limits();
                if self.keep.is_some() {
                    socket_end.set_endpoint(&self.endpoint);
                    socket_end.set_assigned_routing_id(self.assigned_routing_id.clone());
                    self.pipe_attached = true;
                }
                engine_end.attach(&self.io, identity);
                self.new_pipe_tokens.push(engine_end.token());
                self.pipe = Some(engine_end);
                self.link
                    .mailbox
                    .send(Command::Attach(Box::new(socket_end)));
            }
        }
    }

    /// Hands decoded frames on: to the mechanism during the handshake, as
    /// the identity of an old peer, and to the socket after (unwrapped by
    /// the mechanism), as far as its pipe has room.
    fn deliver(&mut self) {
        self.deliver_frames();
        // One wake-up for all the socket got.
        if let Some(pipe) = self.pipe.as_mut() {
            pipe.flush();
        }
    }

    fn deliver_frames(&mut self) {
        loop {
            if self.phase == Phase::Ready && !self.decoded.is_empty() && !self.flush_decoded() {
                self.read_blocked = true;
                return;
            }
            if self.phase == Phase::Greeting || self.closed {
                return;
            }
            let Some(frame) = self.inbound.pop_front() else {
                break;
            };
            match self.phase {
                Phase::Identity => self.become_ready(frame.data()),
                Phase::Handshake => {
                    let result = match self.mechanism.as_mut() {
                        Some(mech) => mech.process_command(frame.data()),
                        None => Err(Failure::Silent),
                    };
                    match result {
                        Ok(()) => self.pump_mechanism(),
                        Err(failure) => self.handshake_failed(failure),
                    }
                }
                _ => {
                    let decoded = match self.mechanism.as_mut() {
                        Some(mech) => mech.decode(frame),
                        _ => Ok(frame),
                    };
                    let msg = match decoded {
                        Ok(msg) => msg,
                        Err(failure) => {
                            self.refuse(failure);
                            return;
                        }
                    };
                    if msg.flags() & flags::COMMAND != 0 {
                        self.on_command(msg.data());
                    } else if !self.decoded.is_empty() {
                        self.decoded.push_back(msg);
                    } else if let Err(msg) = self.write_to_pipe(msg) {
                        self.decoded.push_back(msg);
                    }
                }
            }
        }
        self.read_blocked = false;
        if self.decode_failed && !self.closed {
            self.refuse(Failure::Silent);
        }
    }

    /// Writes waiting messages to the pipe while it has room; false when
    /// it is full.
    fn flush_decoded(&mut self) -> bool {
        while let Some(msg) = self.decoded.pop_front() {
            if let Err(msg) = self.write_to_pipe(msg) {
                self.decoded.push_front(msg);
                return false;
            }
        }
        true
    }

    /// Writes one message part to the socket's pipe, with the connection's
    /// metadata; gives it back when the pipe is at its HWM.
    fn write_to_pipe(&mut self, mut msg: Msg) -> Result<(), Msg> {
        let Some(pipe) = self.pipe.as_mut() else {
            return Err(msg);
        };
        if !self.more_in && !pipe.check_write() {
            return Err(msg);
        }
        self.more_in = msg.more();
        msg.set_metadata(self.metadata.clone());
        if !pipe.write_held(msg) {
            self.socket_gone = true;
        }
        Ok(())
    }

    /// Commands once messages flow; what libzmq ignores is ignored.
    fn on_command(&mut self, body: &[u8]) {
        let Some((name, data)) = command::split(body) else {
            return;
        };
        match name {
            b"PING" => {
                if let Some((ttl, context)) = command::parse_ping(data) {
                    // The peer asks to be dropped if silent this long.
                    if ttl > 0 {
                        let at = Instant::now() + Duration::from_millis(u64::from(ttl) * 100);
                        self.silence_deadline = Some(at);
                        self.request_timer(at);
                    }
                    self.command(&command::pong(context));
                }
            }
            b"SUBSCRIBE" | b"CANCEL" => {
                // Handed to the socket in the message form XPUB reads.
                let mut body = Vec::with_capacity(data.len() + 1);
                body.push((name == b"SUBSCRIBE") as u8);
                body.extend_from_slice(data);
                if let Ok(msg) = Msg::from_slice(&body) {
                    self.decoded.push_back(msg);
                }
            }
            _ => {}
        }
    }

    /// A command about one of our pipes: activity (or the end) of the ZAP
    /// handler's, or of the socket's.
    pub fn pipe_command(&mut self, token: u64, term: bool, buf: &mut [u8]) {
        if self.zap_token == Some(token) {
            self.read_zap_reply();
            self.on_writable();
        } else if term {
            self.socket_closed();
        } else {
            self.pipe_activated(buf);
        }
    }

    /// The socket wrote messages (or drained its inbound side).
    fn pipe_activated(&mut self, buf: &mut [u8]) {
        if self.read_blocked {
            self.deliver();
            if !self.read_blocked {
                self.on_readable(buf);
            }
        }
        self.on_writable();
    }

    /// The socket closed: send what it left in the pipe, then close.
    fn socket_closed(&mut self) {
        self.socket_gone = true;
        self.on_writable();
    }

    pub fn on_writable(&mut self) {
        if !self.connected && !self.closed {
            // The first writability of a connecting stream: it is up,
            // unless the attempt failed.
            if self.stream.take_error().is_some() {
                self.closed = true;
                return;
            }
            self.connected = true;
            self.link.monitor.emit(
                monitor::CONNECTED,
                self.stream.fd() as u32,
                &self.monitor_endpoint,
            );
            if self.wire == Wire::Raw {
                self.raw_ready();
            }
        }
        loop {
            if self.closed {
                return;
            }
            while self.out_pos < self.out.len() {
                match self.stream.write(&self.out[self.out_pos..]) {
                    Ok(n) => self.out_pos += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.fail(e.raw_os_error().unwrap_or(libc::EIO));
                        return;
                    }
                }
            }
            self.out.clear();
            self.out_pos = 0;
            if !self.pull_output() {
                if self.socket_gone && self.is_ready() && !self.closing {
                    self.closing = true;
                    if self.stream.shutdown_write().is_err() {
                        self.close();
                    }
                }
                return;
            }
        }
    }

    /// Frames messages from the pipe into the output buffer; false when
    /// there was nothing to take.
    fn pull_output(&mut self) -> bool {
        if !self.is_ready() || !self.pipe_attached && self.role == Role::Connecting {
            return false;
        }
        let mut any = false;
        while self.out.len() < OUT_BATCH {
            let Some(pipe) = self.pipe.as_mut() else {
                break;
            };
            match pipe.read() {
                PipeRead::Msg(msg) => {
                    any = true;
                    let first = !self.more_out;
                    self.more_out = msg.more();
                    // SUB and XSUB tell ZMTP 3.1 peers about subscriptions
                    // with commands, as libzmq does.
                    let data = msg.data();
                    if first
                        && matches!(self.wire, Wire::V3 { minor } if minor >= 1)
                        && matches!(self.link.kind, kind::SUB | kind::XSUB)
                        && matches!(data.first(), Some(0 | 1))
                    {
                        let cmd = command::subscription(data[0] == 1, &data[1..]);
                        self.command(&cmd);
                        continue;
                    }
                    self.send(msg);
                }
                PipeRead::Empty => break,
                PipeRead::Gone => {
                    self.socket_gone = true;
                    break;
                }
            }
        }
        any
    }
}

/// The mechanism's name in our greeting.
fn mechanism_name(kind: Kind) -> &'static [u8] {
    match kind {
        Kind::Null => b"NULL",
        Kind::Plain => b"PLAIN",
        Kind::Curve => b"CURVE",
        Kind::Gssapi => b"GSSAPI",
    }
}
