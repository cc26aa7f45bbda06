//! The I/O thread: one mio loop that owns listeners, connecters and
//! engines (one per connection), for the sockets of one context.
//!
//! Sockets talk to it through the same kind of mailbox they have
//! themselves, so a pipe between a socket and an engine wakes the engine
//! exactly as it would wake a socket.

mod engine;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::command::{Command, Mailbox, MailboxSender};
use crate::ctx::Ctx;
use crate::errno::{Errno, Result};
use crate::pipe::PipeEnd;
use crate::socket::monitor::{self, MonitorSlot};
use crate::socket::options::Mechanism;
use crate::transport::{self, Stream};
use crate::zmtp::mechanism;
use engine::{Engine, Role};

/// What an engine needs to know of its socket.
#[derive(Clone)]
pub struct SocketLink {
    pub mailbox: MailboxSender,
    pub kind: i32,
    /// The security mechanism, and what every mechanism needs from the
    /// socket (types, routing id, metadata, ZAP and credential options).
    pub mechanism: Mechanism,
    pub security: Arc<mechanism::Config>,
    /// For ZAP: the handler is an inproc socket of the context.
    pub ctx: Weak<Ctx>,
    pub sndhwm: i32,
    pub rcvhwm: i32,
    pub maxmsgsize: i64,
    pub reconnect_ivl: i32,
    pub reconnect_ivl_max: i32,
    /// HANDSHAKE_IVL in ms; 0 for no limit.
    pub handshake_ivl: i32,
    /// HEARTBEAT_IVL in ms (0: no PINGs), HEARTBEAT_TIMEOUT in ms (-1: the
    /// interval), HEARTBEAT_TTL in deciseconds (what we ask peers to wait).
    pub heartbeat_ivl: i32,
    pub heartbeat_timeout: i32,
    pub heartbeat_ttl: u16,
    /// IMMEDIATE: messages queue only for completed connections.
    pub immediate: bool,
    /// STREAM (or ROUTER_RAW): bytes as they come, no ZMTP.
    pub raw: bool,
    /// STREAM_NOTIFY: a STREAM socket hears of connections and
    /// disconnections as empty messages.
    pub raw_notify: bool,
    /// The socket's ZMQ_LINGER, read when the context terminates (the
    /// socket updates it whenever the option is set).
    pub linger: Arc<AtomicI32>,
    pub monitor: MonitorSlot,
}

pub enum Listener {
    Tcp(mio::net::TcpListener),
    Unix(mio::net::UnixListener, Option<PathBuf>),
}

/// A bound endpoint handed to the I/O thread.
pub struct Listen {
    pub id: u64,
    pub listener: Listener,
    pub link: SocketLink,
    /// As ZMQ_LAST_ENDPOINT shows it (monitor events name it).
    pub endpoint: String,
}

pub enum Target {
    Tcp(String, u16),
    Ipc(PathBuf),
}

/// A connect endpoint: where to, and the engine's end of the socket's pipe.
pub struct Connect {
    pub target: Target,
    pub link: SocketLink,
    /// The socket's pipe for this endpoint; with IMMEDIATE only a token of
    /// the endpoint's life (each connection gets its own message pipe).
    pub pipe: PipeEnd,
    pub endpoint: String,
    /// CONNECT_ROUTING_ID, when the pipe it names is made per connection
    /// (IMMEDIATE).
    pub assigned_routing_id: Option<Vec<u8>>,
}

/// Handle on a running I/O thread.
pub struct IoThread {
    mailbox: MailboxSender,
    handle: Option<JoinHandle<()>>,
}

impl IoThread {
    pub fn start(name: &str) -> Result<IoThread> {
        let mailbox = Mailbox::new()?;
        let sender = mailbox.sender();
        let poll = Poll::new().map_err(|_| Errno::EMTHREAD)?;
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || Reactor::new(poll, mailbox).run())
            .map_err(|_| Errno::EMTHREAD)?;
        Ok(IoThread {
            mailbox: sender,
            handle: Some(handle),
        })
    }

    pub fn mailbox(&self) -> &MailboxSender {
        &self.mailbox
    }

    /// Stops the thread once its engines have sent what they hold.
    pub fn stop(mut self) {
        self.mailbox.send(Command::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

enum Entity {
    Listener(Listen),
    Engine(Box<Engine>),
    /// A connect endpoint waiting for its next attempt.
    Waiting(Box<Connect>, Duration),
}

const MAILBOX: Token = Token(0);

struct Reactor {
    poll: Poll,
    mailbox: Mailbox,
    entities: Vec<Option<Entity>>,
    free: Vec<usize>,
    /// Pipe token (of an engine's end) to entity slot.
    by_pipe: HashMap<u64, usize>,
    /// Listener id to slot.
    by_listener: HashMap<u64, usize>,
    timers: BTreeMap<(Instant, usize), ()>,
    /// When Stop arrived: engines with output get their LINGER from then.
    stopping: Option<Instant>,
    read_buf: Vec<u8>,
}

impl Reactor {
    fn new(poll: Poll, mailbox: Mailbox) -> Reactor {
        Reactor {
            poll,
            mailbox,
            entities: Vec::new(),
            free: Vec::new(),
            by_pipe: HashMap::new(),
            by_listener: HashMap::new(),
            timers: BTreeMap::new(),
            stopping: None,
            read_buf: vec![0; engine::READ_BUF],
        }
    }

    fn run(mut self) {
        let fd = self.mailbox.fd();
        if self
            .poll
            .registry()
            .register(&mut SourceFd(&fd), MAILBOX, Interest::READABLE)
            .is_err()
        {
            return;
        }
        let mut events = Events::with_capacity(256);
        loop {
            self.drain_mailbox();
            if self.stopping.is_some() && self.all_flushed() {
                return;
            }
            let timeout = self
                .timers
                .keys()
                .next()
                .map(|(at, _)| at.saturating_duration_since(Instant::now()));
            let timeout = if self.stopping.is_some() {
                Some(
                    timeout
                        .unwrap_or(Duration::from_millis(10))
                        .min(Duration::from_millis(10)),
                )
            } else {
                timeout
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return;
                }
            }
            for event in events.iter() {
                let token = event.token();
                if token == MAILBOX {
                    continue;
                }
                let slot = token.0 - 1;
                self.on_event(
                    slot,
                    event.is_readable() || event.is_read_closed(),
                    event.is_writable(),
                );
            }
            self.fire_timers();
        }
    }

    /// Whether every engine has sent what its socket left, or ran out of
    /// LINGER trying.
    fn all_flushed(&self) -> bool {
        let since = self.stopping.map_or(Duration::ZERO, |t| t.elapsed());
        let expired = |linger: i32| linger >= 0 && since >= Duration::from_millis(linger as u64);
        self.entities.iter().flatten().all(|e| match e {
            Entity::Engine(engine) => !engine.has_pending_output() || expired(engine.linger()),
            Entity::Waiting(connect, _) => {
                connect.pipe.inbound_len() == 0 || expired(connect.link.linger.load(Relaxed))
            }
            Entity::Listener(_) => true,
        })
    }

    fn drain_mailbox(&mut self) {
        loop {
            while let Some(cmd) = self.mailbox.recv() {
                // As for events: a failed command is dropped, the thread
                // goes on.
                let _ = catch_unwind(AssertUnwindSafe(|| self.handle(cmd)));
            }
            if !self.mailbox.clear_stale() {
                return;
            }
        }
    }

    fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::Listen(listen) => {
                let id = listen.id;
                let slot = self.insert(Entity::Listener(*listen));
                self.by_listener.insert(id, slot);
                self.register(slot);
            }
            Command::Unlisten(id) => {
                if let Some(slot) = self.by_listener.remove(&id) {
                    self.remove(slot);
                }
            }
            Command::Connect(connect) => self.start_connect(connect, Duration::ZERO),
            Command::ActivateRead(token)
            | Command::PipeTerm(token)
            | Command::ActivateWrite(token) => {
                let term = matches!(cmd, Command::PipeTerm(_));
                if let Some(&slot) = self.by_pipe.get(&token) {
                    match &mut self.entities[slot] {
                        Some(Entity::Engine(engine)) => {
                            engine.pipe_command(token, term, &mut self.read_buf);
                            self.after_engine_work(slot);
                        }
                        Some(Entity::Waiting(..)) if term => {
                            self.by_pipe.remove(&token);
                            self.remove(slot);
                        }
                        _ => {}
                    }
                }
            }
            Command::Stop => self.stopping = Some(Instant::now()),
            Command::Attach(_) => {}
        }
    }

    fn insert(&mut self, e: Entity) -> usize {
        match self.free.pop() {
            Some(slot) => {
                self.entities[slot] = Some(e);
                slot
            }
            None => {
                self.entities.push(Some(e));
                self.entities.len() - 1
            }
        }
    }

    fn remove(&mut self, slot: usize) -> Option<Entity> {
        let mut e = self.entities.get_mut(slot)?.take()?;
        let registry = self.poll.registry();
        match &mut e {
            Entity::Listener(l) => {
                l.link.monitor.emit(
                    monitor::CLOSED,
                    listener_fd(&l.listener) as u32,
                    &l.endpoint,
                );
                let _ = match &mut l.listener {
                    Listener::Tcp(t) => registry.deregister(t),
                    Listener::Unix(u, _) => registry.deregister(u),
                };
            }
            Entity::Engine(engine) => {
                let _ = registry.deregister(engine.stream().source());
            }
            Entity::Waiting(..) => {}
        }
        self.timers.retain(|&(_, s), _| s != slot);
        self.free.push(slot);
        Some(e)
    }

    fn register(&mut self, slot: usize) {
        let token = Token(slot + 1);
        let registry = self.poll.registry();
        let ok = match &mut self.entities[slot] {
            Some(Entity::Listener(l)) => match &mut l.listener {
                Listener::Tcp(t) => registry.register(t, token, Interest::READABLE),
                Listener::Unix(u, _) => registry.register(u, token, Interest::READABLE),
            },
            Some(Entity::Engine(e)) => registry.register(
                e.stream().source(),
                token,
                Interest::READABLE | Interest::WRITABLE,
            ),
            _ => Ok(()),
        };
        if ok.is_err() {
            self.close_engine_or_drop(slot);
        }
    }

    fn on_event(&mut self, slot: usize, readable: bool, writable: bool) {
        match &mut self.entities.get_mut(slot) {
            Some(Some(Entity::Listener(_))) => self.accept(slot),
            Some(Some(Entity::Engine(engine))) => {
                if writable {
                    engine.on_writable();
                }
                if readable {
                    engine.on_readable(&mut self.read_buf);
                }
                self.after_engine_work(slot);
            }
            _ => {}
        }
    }

    fn accept(&mut self, slot: usize) {
        loop {
            let Some(Entity::Listener(l)) = &mut self.entities[slot] else {
                return;
            };
            let link = l.link.clone();
            let endpoint = l.endpoint.clone();
            let accepted = match &mut l.listener {
                Listener::Tcp(t) => t.accept().map(|(s, _)| {
                    let _ = s.set_nodelay(true);
                    Stream::Tcp(s)
                }),
                Listener::Unix(u, _) => u.accept().map(|(s, _)| Stream::Unix(s)),
            };
            match accepted {
                Ok(stream) => {
                    link.monitor
                        .emit(monitor::ACCEPTED, stream.fd() as u32, &endpoint);
                    let engine = Engine::new(
                        stream,
                        link,
                        Role::Accepted,
                        self.mailbox.sender(),
                        endpoint,
                    );
                    self.add_engine(engine);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                // EMFILE and the like: try again at the next readiness.
                Err(_) => return,
            }
        }
    }

    fn start_connect(&mut self, connect: Box<Connect>, backoff: Duration) {
        let stream = match &connect.target {
            Target::Tcp(host, port) => transport::resolve(host, *port)
                .ok()
                .and_then(|addrs| addrs.into_iter().next())
                .and_then(|addr| mio::net::TcpStream::connect(addr).ok())
                .map(|s| {
                    let _ = s.set_nodelay(true);
                    Stream::Tcp(s)
                }),
            Target::Ipc(path) => mio::net::UnixStream::connect(path).ok().map(Stream::Unix),
        };
        match stream {
            Some(stream) => {
                if let Stream::Tcp(_) = stream {
                    // A non-blocking connect is always in progress first.
                    connect.link.monitor.emit(
                        monitor::CONNECT_DELAYED,
                        libc::EINPROGRESS as u32,
                        &connect.endpoint,
                    );
                }
                let token = connect.pipe.token();
                let engine = Engine::connecting(stream, connect, self.mailbox.sender());
                let slot = self.add_engine(engine);
                self.by_pipe.insert(token, slot);
            }
            None => self.wait_to_reconnect(connect, backoff),
        }
    }

    /// Starts serving a new connection, with its timers.
    fn add_engine(&mut self, engine: Engine) -> usize {
        let slot = self.insert(Entity::Engine(Box::new(engine)));
        self.register(slot);
        // A STREAM connection has a pipe from the start.
        self.after_engine_work(slot);
        slot
    }

    /// (Re)arms the timer of an engine for its next deadline (handshake
    /// limit, PING to send, peer silence). A stale entry is harmless: the
    /// engine checks the time itself.
    fn arm_engine_timer(&mut self, slot: usize) {
        if let Some(Entity::Engine(engine)) = &mut self.entities[slot] {
            if let Some(at) = engine.take_timer_request() {
                self.timers.insert((at, slot), ());
            }
        }
    }

    /// Schedules the next attempt: RECONNECT_IVL, doubling up to
    /// RECONNECT_IVL_MAX when that is set.
    fn wait_to_reconnect(&mut self, connect: Box<Connect>, last: Duration) {
        let ivl = connect.link.reconnect_ivl;
        // -1: never reconnect; and not for a socket that is gone, unless
        // it left messages to deliver (LINGER).
        let must_deliver = connect.pipe.inbound_len() > 0;
        if ivl < 0 || ((self.stopping.is_some() || connect.pipe.peer_dropped()) && !must_deliver) {
            return;
        }
        let base = Duration::from_millis(ivl as u64);
        let max = Duration::from_millis(connect.link.reconnect_ivl_max.max(0) as u64);
        let next = if max > base && !last.is_zero() {
            (last * 2).min(max)
        } else {
            base
        };
        connect.link.monitor.emit(
            monitor::CONNECT_RETRIED,
            next.as_millis() as u32,
            &connect.endpoint,
        );
        let token = connect.pipe.token();
        let slot = self.insert(Entity::Waiting(connect, next));
        self.by_pipe.insert(token, slot);
        self.timers.insert((Instant::now() + next, slot), ());
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some(&(at, slot)) = self.timers.keys().next() {
            if at > now {
                return;
            }
            self.timers.remove(&(at, slot));
            if let Some(Entity::Engine(engine)) = &mut self.entities[slot] {
                engine.on_timer(now);
                self.after_engine_work(slot);
                continue;
            }
            if let Some(Entity::Waiting(connect, last)) = self.remove(slot) {
                self.by_pipe.remove(&connect.pipe.token());
                if !connect.pipe.peer_dropped() || connect.pipe.inbound_len() > 0 {
                    self.start_connect(connect, last);
                }
            }
        }
    }

    /// Drops a finished engine; a connecting one goes back to waiting.
    fn after_engine_work(&mut self, slot: usize) {
        let done = matches!(&self.entities[slot], Some(Entity::Engine(e)) if e.is_closed());
        if done {
            self.close_engine_or_drop(slot);
        } else {
            if let Some(Entity::Engine(e)) = &mut self.entities[slot] {
                for token in e.take_new_pipe_tokens() {
                    self.by_pipe.insert(token, slot);
                }
            }
            self.arm_engine_timer(slot);
        }
    }

    fn close_engine_or_drop(&mut self, slot: usize) {
        if let Some(Entity::Engine(engine)) = self.remove(slot) {
            for token in engine.pipe_tokens() {
                self.by_pipe.remove(&token);
            }
            if let Some(connect) = engine.into_reconnect() {
                self.wait_to_reconnect(connect, Duration::ZERO);
            }
        }
    }
}

/// Binds a listener now (so errors come back from zmq_bind at once).
pub fn bind(addr: &transport::BindAddress) -> std::io::Result<(Listener, String)> {
    match addr {
        transport::BindAddress::Tcp(sa) => {
            let l = mio::net::TcpListener::bind(*sa)?;
            let text = transport::tcp_endpoint_text(l.local_addr()?);
            Ok((Listener::Tcp(l), text))
        }
        transport::BindAddress::Ipc(path) => {
            let text = format!("ipc://{}", path.display());
            let name = path.to_string_lossy();
            if let Some(abstract_name) = name.strip_prefix('@') {
                use std::os::linux::net::SocketAddrExt;
                let sa =
                    std::os::unix::net::SocketAddr::from_abstract_name(abstract_name.as_bytes())?;
                let std = std::os::unix::net::UnixListener::bind_addr(&sa)?;
                std.set_nonblocking(true)?;
                return Ok((
                    Listener::Unix(mio::net::UnixListener::from_std(std), None),
                    text,
                ));
            }
            // A stale socket file from an earlier run is replaced.
            let _ = std::fs::remove_file(path);
            let l = mio::net::UnixListener::bind(path)?;
            Ok((Listener::Unix(l, Some(path.clone())), text))
        }
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        if let Listener::Unix(_, Some(path)) = &self.listener {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A listener's fd (monitor events carry it).
pub fn listener_fd(l: &Listener) -> std::os::fd::RawFd {
    use std::os::fd::AsRawFd;
    match l {
        Listener::Tcp(t) => t.as_raw_fd(),
        Listener::Unix(u, _) => u.as_raw_fd(),
    }
}
