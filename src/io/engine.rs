//! An engine: one connection speaking ZMTP 3.x with the NULL mechanism,
//! between a stream and the socket's pipe.
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
use crate::transport::Stream;
use crate::zmtp::codec::{encode_header, Decoder};
use crate::zmtp::command;
use crate::zmtp::greeting::{greeting, GreetingReader, PeerGreeting};
use crate::zmtp::socket_type;

/// Whether an old-protocol greeting is one libzmq refuses outright: a
/// ZMTP 1.0 identity frame of length 0 (the length counts the flags byte,
/// so it is at least 1), or a ZMTP 2.0 socket type that does not exist or
/// cannot talk to ours. A ZMTP 3.x greeting reaching here has a mechanism
/// other than ours.
fn old_greeting_is_invalid(
    kind: i32,
    greeting: &PeerGreeting,
    received: &[u8],
    rest: &[u8],
) -> bool {
    match greeting {
        PeerGreeting::V1 if received.first() == Some(&0xFF) => {
            received.len() >= 9 && received[1..9].iter().all(|&b| b == 0)
        }
        PeerGreeting::V1 => received.first() == Some(&0),
        PeerGreeting::V2 => {
            received.get(10) == Some(&1)
                && rest.first().is_some_and(|&t| {
                    socket_type::name(i32::from(t))
                        .map_or(true, |peer| !socket_type::compatible(kind, peer.as_bytes()))
                })
        }
        PeerGreeting::V3 { .. } => true,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Accepted,
    Connecting,
}

/// Stop pulling from the pipe once this much output is buffered.
const OUT_BATCH: usize = 256 * 1024;
/// Size of the reactor's read buffer, lent to each engine in turn.
pub const READ_BUF: usize = 64 * 1024;

pub struct Engine {
    stream: Stream,
    /// The endpoint monitor events name.
    endpoint: String,
    /// The transport connection is up (CONNECTED was reported).
    connected: bool,
    link: SocketLink,
    io: MailboxSender,
    role: Role,
    target: Option<Target>,
    pipe: Option<PipeEnd>,
    /// The pipe end was taken into use (its first connection completed).
    pipe_attached: bool,
    new_pipe_token: Option<u64>,
    greeting: GreetingReader,
    greeted: bool,
    ready: bool,
    peer_minor: u8,
    decoder: Decoder,
    inbound: VecDeque<Msg>,
    more_in: bool,
    more_out: bool,
    metadata: Option<Arc<Metadata>>,
    out: Vec<u8>,
    out_pos: usize,
    read_blocked: bool,
    socket_gone: bool,
    /// Everything was sent and our side shut down: waiting for the peer's
    /// close. Dropping the stream earlier, with its bytes unread, would
    /// make the kernel reset the connection and the peer lose what it had
    /// not read yet.
    closing: bool,
    /// A peer we cannot speak to: its input is ignored until
    /// HANDSHAKE_IVL closes the connection.
    stalled: bool,
    closed: bool,
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
        let mut out = Vec::with_capacity(4096);
        out.extend_from_slice(&greeting(b"NULL", false, link.routing_id.len()));
        Engine {
            stream,
            endpoint,
            connected: role == Role::Accepted,
            link,
            io,
            role,
            target: None,
            pipe: None,
            pipe_attached: false,
            new_pipe_token: None,
            greeting: GreetingReader::new(),
            greeted: false,
            ready: false,
            peer_minor: 0,
            decoder: Decoder::new(max),
            inbound: VecDeque::new(),
            more_in: false,
            more_out: false,
            metadata: None,
            out,
            out_pos: 0,
            read_blocked: false,
            socket_gone: false,
            closing: false,
            stalled: false,
            closed: false,
            handshake_deadline: None,
            next_ping: None,
            silence_deadline: None,
            timer_request: None,
        }
        .start_clock()
    }

    /// Starts the HANDSHAKE_IVL clock.
    fn start_clock(mut self) -> Engine {
        if self.link.handshake_ivl > 0 {
            let at = Instant::now() + Duration::from_millis(self.link.handshake_ivl as u64);
            self.handshake_deadline = Some(at);
            self.timer_request = Some(at);
        }
        self
    }

    /// An engine for a connect endpoint, using the socket's pipe.
    pub fn connecting(stream: Stream, connect: Box<Connect>, io: MailboxSender) -> Engine {
        let Connect {
            target,
            link,
            pipe,
            endpoint,
        } = *connect;
        let attached = pipe.is_attached();
        let mut e = Engine::new(stream, link, Role::Connecting, io, endpoint);
        e.target = Some(target);
        e.pipe = Some(pipe);
        e.pipe_attached = attached;
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

    /// Handles whichever deadline has passed.
    pub fn on_timer(&mut self, now: Instant) {
        if self.closed {
            return;
        }
        if !self.ready {
            if self.handshake_deadline.is_some_and(|d| now >= d) {
                // HANDSHAKE_IVL ran out before the handshake completed.
                self.handshake_failed(monitor::HANDSHAKE_FAILED_NO_DETAIL, libc::EAGAIN as u32);
                self.close();
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
            let ping = command::ping(self.link.heartbeat_ttl, b"");
            encode_header(false, true, ping.len(), &mut self.out);
            self.out.extend_from_slice(&ping);
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
        self.ready
    }

    pub fn pipe_token(&self) -> Option<u64> {
        self.pipe.as_ref().map(PipeEnd::token)
    }

    pub fn take_new_pipe_token(&mut self) -> Option<u64> {
        self.new_pipe_token.take()
    }

    /// Messages still to send before the thread may stop (a connection
    /// still being made counts when its socket left messages for it; a
    /// closing one until the peer has closed too).
    pub fn has_pending_output(&self) -> bool {
        !self.closed
            && (self.closing
                || (self.ready && self.out_pos < self.out.len())
                || self.pipe.as_ref().is_some_and(|p| p.inbound_len() > 0))
    }

    /// What a closed connecting engine hands back to be tried again: its
    /// pipe (and the messages queued in it) survives the connection.
    pub fn into_reconnect(mut self) -> Option<Box<Connect>> {
        let pipe = self.pipe.take()?;
        if self.role == Role::Accepted || self.socket_gone {
            pipe.terminate();
            return None;
        }
        Some(Box::new(Connect {
            target: self.target.take()?,
            link: self.link.clone(),
            pipe,
            endpoint: std::mem::take(&mut self.endpoint),
        }))
    }

    /// Reports a failed handshake to the monitor.
    pub fn handshake_failed(&self, event: u16, value: u32) {
        self.link.monitor.emit(event, value, &self.endpoint);
    }

    fn close(&mut self) {
        if self.connected && !self.closed {
            self.link.monitor.emit(
                monitor::DISCONNECTED,
                self.stream.fd() as u32,
                &self.endpoint,
            );
        }
        // Best effort: what is already framed (a READY before refusing an
        // incompatible peer, as libzmq does) goes out first.
        if self.out_pos < self.out.len() {
            let _ = self.stream.write(&self.out[self.out_pos..]);
        }
        self.closed = true;
    }

    /// Reads what the stream has, into `buf` (scratch space the reactor
    /// lends, so no allocation per wake-up).
    pub fn on_readable(&mut self, buf: &mut [u8]) {
        while !self.closed && !self.read_blocked {
            match self.stream.read(buf) {
                Ok(0) => {
                    // Peer closed: deliver what was complete, then go.
                    self.close();
                    return;
                }
                Ok(_) if self.closing => {}
                Ok(n) => self.input(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.close();
                    return;
                }
            }
        }
    }

    fn input(&mut self, mut data: &[u8]) {
        if self.stalled {
            return;
        }
        self.heard_from_peer();
        if !self.greeted {
            let (used, verdict) = self.greeting.feed(data);
            data = &data[used..];
            match verdict {
                None => return,
                Some(PeerGreeting::V3 {
                    minor, mechanism, ..
                }) if mechanism == b"NULL" => {
                    self.greeted = true;
                    self.peer_minor = minor;
                    self.send_ready();
                }
                // ZMTP 1.0/2.0 are not spoken yet. What libzmq would refuse
                // at once is refused at once; a plausible old peer is
                // ignored until HANDSHAKE_IVL ends the connection, as it
                // would be while libzmq waits for its identity.
                Some(old) => {
                    if old_greeting_is_invalid(self.link.kind, &old, self.greeting.received(), data)
                    {
                        self.close();
                    } else {
                        self.stalled = true;
                    }
                    return;
                }
            }
        }
        let mut frames = Vec::new();
        if self.decoder.decode(data, &mut frames).is_err() {
            self.close();
            return;
        }
        self.inbound.extend(frames);
        self.deliver();
        self.on_writable();
    }

    fn send_ready(&mut self) {
        let type_name = socket_type::name(self.link.kind)
            .unwrap_or("PAIR")
            .as_bytes();
        let mut props: Vec<(&[u8], &[u8])> = vec![(b"Socket-Type", type_name)];
        if matches!(self.link.kind, kind::REQ | kind::DEALER | kind::ROUTER) {
            props.push((b"Identity", &self.link.routing_id));
        }
        for (name, value) in &self.link.metadata {
            props.push((name, value));
        }
        let body = command::ready(&props);
        encode_header(false, true, body.len(), &mut self.out);
        self.out.extend_from_slice(&body);
    }

    /// Hands decoded frames to the socket, as far as its pipe has room.
    fn deliver(&mut self) {
        while let Some(frame) = self.inbound.front() {
            if frame.flags() & flags::COMMAND != 0 {
                let frame = self.inbound.pop_front().expect("front exists");
                self.on_command(frame.data());
                if self.closed {
                    return;
                }
                continue;
            }
            if !self.ready {
                // Messages before READY: a protocol error.
                self.close();
                return;
            }
            let Some(pipe) = self.pipe.as_mut() else {
                return;
            };
            if !self.more_in && !pipe.check_write() {
                self.read_blocked = true;
                return;
            }
            let mut msg = self.inbound.pop_front().expect("front exists");
            self.more_in = msg.more();
            msg.set_metadata(self.metadata.clone());
            if !pipe.write(msg) {
                self.socket_gone = true;
            }
        }
        self.read_blocked = false;
    }

    fn on_command(&mut self, body: &[u8]) {
        let Some((name, data)) = command::split(body) else {
            // Before READY a malformed command fails the handshake; after
            // it, libzmq ignores it.
            if !self.ready {
                self.close();
            }
            return;
        };
        match name {
            b"READY" if !self.ready => match command::parse_properties(data) {
                Some(props) => self.on_ready(props),
                None => self.close(),
            },
            b"ERROR" => self.close(),
            b"PING" => {
                if let Some((ttl, context)) = command::parse_ping(data) {
                    // The peer asks to be dropped if silent this long.
                    if ttl > 0 {
                        let at = Instant::now() + Duration::from_millis(u64::from(ttl) * 100);
                        self.silence_deadline = Some(at);
                        self.request_timer(at);
                    }
                    let pong = command::pong(context);
                    encode_header(false, true, pong.len(), &mut self.out);
                    self.out.extend_from_slice(&pong);
                }
            }
            b"SUBSCRIBE" | b"CANCEL" if self.ready => {
                // Handed to the socket in the message form XPUB reads.
                let mut body = Vec::with_capacity(data.len() + 1);
                body.push((name == b"SUBSCRIBE") as u8);
                body.extend_from_slice(data);
                if let Ok(msg) = Msg::from_slice(&body) {
                    self.inbound.push_front(msg);
                }
            }
            _ => {}
        }
    }

    fn on_ready(&mut self, props: Vec<(Vec<u8>, Vec<u8>)>) {
        let peer_type = props
            .iter()
            .find(|(n, _)| n == b"Socket-Type")
            .map(|(_, v)| v.clone());
        if !peer_type.is_some_and(|t| socket_type::compatible(self.link.kind, &t)) {
            self.close();
            return;
        }
        let mut metadata = Metadata::new();
        let mut identity = Vec::new();
        for (name, value) in &props {
            if name == b"Identity" {
                identity = value.clone();
            }
            metadata.set(name, value);
        }
        metadata.set(b"Peer-Address", self.stream.peer_address().as_bytes());
        self.metadata = Some(Arc::new(metadata));
        self.ready = true;
        self.link
            .monitor
            .emit(monitor::HANDSHAKE_SUCCEEDED, 0, &self.endpoint);
        if self.link.heartbeat_ivl > 0 {
            let at = Instant::now() + Duration::from_millis(self.link.heartbeat_ivl as u64);
            self.next_ping = Some(at);
            self.request_timer(at);
        }
        match self.role {
            Role::Accepted => {
                let (mut socket_end, mut engine_end) = pipe::pair(
                    self.link.sndhwm.max(0) as u64,
                    self.link.rcvhwm.max(0) as u64,
                );
                socket_end.fix_limits();
                engine_end.attach(&self.io, &identity);
                self.new_pipe_token = Some(engine_end.token());
                self.pipe = Some(engine_end);
                self.link
                    .mailbox
                    .send(Command::Attach(Box::new(socket_end)));
            }
            Role::Connecting => {
                if let Some(pipe) = self.pipe.as_mut() {
                    if !self.pipe_attached {
                        pipe.attach(&self.io, &identity);
                        self.pipe_attached = true;
                    }
                }
            }
        }
    }

    /// The socket wrote messages (or drained its inbound side).
    pub fn pipe_activated(&mut self, buf: &mut [u8]) {
        if self.read_blocked {
            self.deliver();
            if !self.read_blocked {
                self.on_readable(buf);
            }
        }
        self.on_writable();
    }

    /// The socket closed: send what it left in the pipe, then close.
    pub fn socket_closed(&mut self) {
        self.socket_gone = true;
        self.on_writable();
    }

    pub fn on_writable(&mut self) {
        if !self.connected && !self.closed {
            // The first writability of a connecting stream: it is up.
            self.connected = true;
            self.link
                .monitor
                .emit(monitor::CONNECTED, self.stream.fd() as u32, &self.endpoint);
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
                    Err(_) => {
                        self.close();
                        return;
                    }
                }
            }
            self.out.clear();
            self.out_pos = 0;
            if !self.pull_output() {
                if self.socket_gone && self.ready && !self.closing {
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
        if !self.ready || !self.pipe_attached && self.role == Role::Connecting {
            return false;
        }
        let Some(pipe) = self.pipe.as_mut() else {
            return false;
        };
        let mut any = false;
        while self.out.len() < OUT_BATCH {
            match pipe.read() {
                PipeRead::Msg(msg) => {
                    any = true;
                    let first = !self.more_out;
                    self.more_out = msg.more();
                    // SUB and XSUB tell ZMTP 3.1 peers about subscriptions
                    // with commands, as libzmq does.
                    let data = msg.data();
                    if first
                        && self.peer_minor >= 1
                        && matches!(self.link.kind, kind::SUB | kind::XSUB)
                        && matches!(data.first(), Some(0 | 1))
                    {
                        let cmd = command::subscription(data[0] == 1, &data[1..]);
                        encode_header(false, true, cmd.len(), &mut self.out);
                        self.out.extend_from_slice(&cmd);
                        continue;
                    }
                    encode_header(msg.more(), false, data.len(), &mut self.out);
                    self.out.extend_from_slice(data);
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
