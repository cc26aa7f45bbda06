//! The I/O thread: one mio loop that owns listeners, connecters and
//! engines (one per connection), for the sockets of one context.
//!
//! Sockets talk to it through the same kind of mailbox they have
//! themselves, so a pipe between a socket and an engine wakes the engine
//! exactly as it would wake a socket.

mod connecter;
mod engine;
mod listener;
mod resolver;
mod sched;

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicI32, AtomicUsize};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::command::{Command, Mailbox, MailboxSender};
use crate::ctx::Ctx;
use crate::errno::{Errno, Result};
use crate::pipe::PipeEnd;
use crate::socket::monitor::{self, MonitorSlot};
use crate::socket::options::Mechanism;
use crate::transport::ipc::IpcFilter;
use crate::transport::tcp::TcpOptions;
use crate::transport::Stream;
use crate::zmtp::mechanism;
use connecter::{Connecter, Step};
use engine::{Engine, Role};
use listener::Accepted;
pub use listener::{bind, Listen, Listener};
use resolver::Resolver;
pub use resolver::{system_lookup, Resolved};
pub use sched::Scheduling;

/// ZMQ_RECONNECT_STOP bits (libzmq 4.3.5 numbering; see `stop_reconnecting`).
const RECONNECT_STOP_CONN_REFUSED: i32 = 1;
const RECONNECT_STOP_HANDSHAKE_FAILED: i32 = 2;

/// How long a listener out of descriptors waits before accepting again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

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
    /// ZMQ_RECONNECT_STOP bits.
    pub reconnect_stop: i32,
    /// ZMQ_CONNECT_TIMEOUT in ms; 0 for the system's.
    pub connect_timeout: i32,
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
    /// ZMQ_AFFINITY: which I/O threads may serve its connections.
    pub affinity: u64,
    /// ZMQ_USE_FD: a listening socket to bind with, or -1.
    pub use_fd: i32,
    /// Options of tcp sockets (and BACKLOG, for ipc too).
    pub tcp: Arc<TcpOptions>,
    pub ipc_filter: Arc<IpcFilter>,
}

/// Where a connect endpoint goes.
pub enum Target {
    /// The address after `tcp://`, resolved at each attempt (as libzmq
    /// does, so a name may move).
    Tcp(String),
    Ipc(PathBuf),
    /// A tcp address reached through a SOCKS5 proxy (ZMQ_SOCKS_PROXY and
    /// its credentials as they were at zmq_connect, as in libzmq).
    Socks(Box<SocksTarget>),
}

pub struct SocksTarget {
    /// The proxy's `host:port`, resolved at each attempt.
    pub proxy: String,
    /// The address after `tcp://`, which the proxy resolves.
    pub address: String,
    pub username: Vec<u8>,
    pub password: Vec<u8>,
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

impl Connect {
    /// The endpoint monitor events name: the proxy's for a connect through
    /// SOCKS, as libzmq's socks_connecter names it.
    pub fn monitor_endpoint(&self) -> String {
        match &self.target {
            Target::Socks(socks) => format!("tcp://{}", socks.proxy),
            _ => self.endpoint.clone(),
        }
    }
}

/// One I/O thread as the others and the context see it: where to send it
/// work, and how much it has (the number of its listeners, connecters and
/// engines).
#[derive(Clone)]
pub struct Peer {
    mailbox: MailboxSender,
    load: Arc<AtomicUsize>,
}

/// The context's I/O threads (ZMQ_IO_THREADS of them). New endpoints and
/// accepted connections go to the least loaded thread the socket's
/// ZMQ_AFFINITY allows, as libzmq chooses.
pub struct IoPool {
    peers: Arc<Vec<Peer>>,
    handles: Vec<JoinHandle<()>>,
}

impl IoPool {
    /// Starts `count` threads named "<prefix>ZMQbg/IO/<n>".
    pub fn start(count: usize, prefix: &str, scheduling: &Scheduling) -> Result<IoPool> {
        let mut mailboxes = Vec::with_capacity(count);
        let mut polls = Vec::with_capacity(count);
        for _ in 0..count {
            mailboxes.push(Mailbox::new()?);
            polls.push(Poll::new().map_err(|_| Errno::EMTHREAD)?);
        }
        let peers: Arc<Vec<Peer>> = Arc::new(
            mailboxes
                .iter()
                .map(|m| Peer {
                    mailbox: m.sender(),
                    load: Arc::new(AtomicUsize::new(0)),
                })
                .collect(),
        );
        let mut pool = IoPool {
            peers: peers.clone(),
            handles: Vec::with_capacity(count),
        };
        for (me, (mailbox, poll)) in mailboxes.into_iter().zip(polls).enumerate() {
            let (peers, scheduling) = (peers.clone(), scheduling.clone());
            let handle = std::thread::Builder::new()
                .name(format!("{prefix}ZMQbg/IO/{me}"))
                .spawn(move || {
                    scheduling.apply();
                    Reactor::new(poll, mailbox, peers, me).run()
                })
                .map_err(|_| Errno::EMTHREAD)?;
            pool.handles.push(handle);
        }
        Ok(pool)
    }

    /// The mailbox of the thread for new work of a socket with this
    /// ZMQ_AFFINITY (0: any thread).
    pub fn choose(&self, affinity: u64) -> MailboxSender {
        self.peers[least_loaded(&self.peers, affinity)]
            .mailbox
            .clone()
    }

    /// Stops every thread once its engines have sent what they hold.
    pub fn stop(self) {
        for peer in self.peers.iter() {
            peer.mailbox.send(Command::Stop);
        }
        for handle in self.handles {
            let _ = handle.join();
        }
    }
}

/// The index of the least loaded peer among those `affinity` allows (bit
/// n: thread n; 0 or no allowed thread: all of them).
fn least_loaded(peers: &[Peer], affinity: u64) -> usize {
    let allowed = |i: usize| affinity == 0 || i >= 64 || affinity & (1 << i) != 0;
    let pick = |only_allowed: bool| {
        (0..peers.len())
            .filter(|&i| !only_allowed || allowed(i))
            .min_by_key(|&i| peers[i].load.load(Relaxed))
    };
    pick(true).or_else(|| pick(false)).unwrap_or(0)
}

/// An accepted connection handed to the thread that will serve it.
pub struct Adopt {
    stream: Stream,
    link: SocketLink,
    endpoint: String,
}

enum Entity {
    Listener(Box<Listen>),
    Engine(Box<Engine>),
    /// A connect endpoint between connections: waiting, resolving or
    /// connecting.
    Connecter(Box<Connecter>),
}

const MAILBOX: Token = Token(0);

struct Reactor {
    poll: Poll,
    mailbox: Mailbox,
    /// Every I/O thread of the context, this one at index `me`.
    peers: Arc<Vec<Peer>>,
    me: usize,
    entities: Vec<Option<Entity>>,
    free: Vec<usize>,
    /// Pipe token (of an engine's end) to entity slot.
    by_pipe: HashMap<u64, usize>,
    /// Listener id to slot.
    by_listener: HashMap<u64, usize>,
    /// Resolver request id to the slot of the connecter waiting for it.
    by_request: HashMap<u64, usize>,
    timers: BTreeMap<(Instant, usize), ()>,
    /// When Stop arrived: engines with output get their LINGER from then.
    stopping: Option<Instant>,
    read_buf: Vec<u8>,
    resolver: Resolver,
}

impl Reactor {
    fn new(poll: Poll, mailbox: Mailbox, peers: Arc<Vec<Peer>>, me: usize) -> Reactor {
        let resolver = Resolver::new(mailbox.sender(), resolver::system_lookup);
        Reactor {
            poll,
            mailbox,
            peers,
            me,
            entities: Vec::new(),
            free: Vec::new(),
            by_pipe: HashMap::new(),
            by_listener: HashMap::new(),
            by_request: HashMap::new(),
            timers: BTreeMap::new(),
            stopping: None,
            read_buf: vec![0; engine::READ_BUF],
            resolver,
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
                let (readable, writable) = (
                    event.is_readable() || event.is_read_closed(),
                    event.is_writable(),
                );
                self.guarded(slot, |r| r.on_event(slot, readable, writable));
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
            Entity::Connecter(c) => {
                c.connect.pipe.inbound_len() == 0 || expired(c.connect.link.linger.load(Relaxed))
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
                let slot = self.insert(Entity::Listener(listen));
                self.by_listener.insert(id, slot);
                self.register(slot);
            }
            Command::Unlisten(id) => {
                if let Some(slot) = self.by_listener.remove(&id) {
                    self.remove(slot);
                }
            }
            Command::Connect(connect) => self.add_connecter(connect, false),
            Command::Resolved(answer) => self.on_resolved(*answer),
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
                        Some(Entity::Connecter(_)) if term => {
                            self.by_pipe.remove(&token);
                            self.remove(slot);
                        }
                        _ => {}
                    }
                }
            }
            Command::Stop => self.stopping = Some(Instant::now()),
            Command::Adopt(adopt) => self.adopt(*adopt),
            Command::Attach(_) => {}
        }
    }

    /// Publishes how much this thread serves, for choosing threads.
    fn update_load(&self) {
        let load = self.entities.len() - self.free.len();
        self.peers[self.me].load.store(load, Relaxed);
    }

    fn insert(&mut self, e: Entity) -> usize {
        let slot = self.insert_entity(e);
        self.update_load();
        slot
    }

    fn insert_entity(&mut self, e: Entity) -> usize {
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
                let _ = registry.deregister(l.listener.source());
                // As libzmq: the files of an ipc://* bind go first; if
                // they cannot, CLOSE_FAILED says so instead of CLOSED.
                match l.remove_wildcard() {
                    Ok(()) => {
                        l.link
                            .monitor
                            .emit(monitor::CLOSED, l.listener.fd() as u32, &l.endpoint)
                    }
                    Err(err) => l.link.monitor.emit(
                        monitor::CLOSE_FAILED,
                        err.raw_os_error().unwrap_or(0) as u32,
                        &l.endpoint,
                    ),
                }
            }
            Entity::Engine(engine) => {
                let _ = registry.deregister(engine.stream().source());
            }
            Entity::Connecter(c) => {
                c.abort(registry);
                if let Some(id) = c.resolving.take() {
                    self.by_request.remove(&id);
                }
            }
        }
        self.timers.retain(|&(_, s), _| s != slot);
        self.free.push(slot);
        self.update_load();
        Some(e)
    }

    /// Starts serving a connection accepted by this thread or another.
    fn adopt(&mut self, adopt: Adopt) {
        let engine = Engine::new(
            adopt.stream,
            adopt.link,
            Role::Accepted,
            self.mailbox.sender(),
            adopt.endpoint,
        );
        self.add_engine(engine);
    }

    fn register(&mut self, slot: usize) {
        let token = Token(slot + 1);
        let registry = self.poll.registry();
        let ok = match &mut self.entities[slot] {
            Some(Entity::Listener(l)) => {
                registry.register(l.listener.source(), token, Interest::READABLE)
            }
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
        let token = Token(slot + 1);
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
            Some(Some(Entity::Connecter(c))) => {
                let step = c.ready(self.poll.registry(), token);
                self.follow(slot, step);
            }
            _ => {}
        }
    }

    fn accept(&mut self, slot: usize) {
        loop {
            let Some(Entity::Listener(l)) = &mut self.entities[slot] else {
                return;
            };
            match listener::accept(l) {
                Accepted::Stream(stream) => {
                    let link = l.link.clone();
                    let endpoint = l.endpoint.clone();
                    link.monitor
                        .emit(monitor::ACCEPTED, stream.fd() as u32, &endpoint);
                    let adopt = Adopt {
                        stream,
                        link,
                        endpoint,
                    };
                    let thread = least_loaded(&self.peers, adopt.link.affinity);
                    if thread == self.me {
                        self.adopt(adopt);
                    } else {
                        self.peers[thread]
                            .mailbox
                            .send(Command::Adopt(Box::new(adopt)));
                    }
                }
                Accepted::Failed(code) => {
                    l.link
                        .monitor
                        .emit(monitor::ACCEPT_FAILED, code, &l.endpoint);
                }
                Accepted::Exhausted(code) => {
                    l.link
                        .monitor
                        .emit(monitor::ACCEPT_FAILED, code, &l.endpoint);
                    self.timers
                        .insert((Instant::now() + ACCEPT_RETRY, slot), ());
                    return;
                }
                Accepted::Done => return,
            }
        }
    }

    /// Takes a connect endpoint (new, or back from a closed engine): it
    /// connects at once, or after RECONNECT_IVL when `delayed`.
    fn add_connecter(&mut self, connect: Box<Connect>, delayed: bool) {
        let token = connect.pipe.token();
        let slot = self.insert(Entity::Connecter(Box::new(Connecter::new(
            connect,
            Duration::ZERO,
        ))));
        self.by_pipe.insert(token, slot);
        if delayed {
            self.wait_to_reconnect(slot);
        } else {
            self.attempt(slot);
        }
    }

    fn attempt(&mut self, slot: usize) {
        if let Some(Entity::Connecter(c)) = &mut self.entities[slot] {
            let step = c.start(self.poll.registry(), Token(slot + 1));
            self.follow(slot, step);
        }
    }

    /// Does what a connecter asked for.
    fn follow(&mut self, slot: usize, step: Step) {
        match step {
            Step::Pending(deadline) => {
                if let Some(at) = deadline {
                    self.timers.insert((at, slot), ());
                }
            }
            Step::Resolve(host) => {
                let id = self.resolver.resolve(&host);
                if let Some(Entity::Connecter(c)) = &mut self.entities[slot] {
                    c.resolving = Some(id);
                    self.by_request.insert(id, slot);
                }
            }
            Step::Connected(stream) => {
                if let Some(Entity::Connecter(c)) = self.remove(slot) {
                    let token = c.connect.pipe.token();
                    let engine = Engine::connecting(stream, c.connect, self.mailbox.sender());
                    let slot = self.add_engine(engine);
                    self.by_pipe.insert(token, slot);
                }
            }
            Step::Failed { refused } => {
                let stop = refused
                    && matches!(&self.entities[slot], Some(Entity::Connecter(c))
                        if c.connect.link.reconnect_stop & RECONNECT_STOP_CONN_REFUSED != 0);
                if stop {
                    self.stop_reconnecting(slot);
                } else {
                    self.wait_to_reconnect(slot);
                }
            }
        }
    }

    fn on_resolved(&mut self, answer: Resolved) {
        let Some(slot) = self.by_request.remove(&answer.id) else {
            return;
        };
        if let Some(Entity::Connecter(c)) = &mut self.entities[slot] {
            if c.resolving == Some(answer.id) {
                let step = c.resolved(answer.addresses, self.poll.registry(), Token(slot + 1));
                self.follow(slot, step);
            }
        }
    }

    /// RECONNECT_STOP: the endpoint is given up, its pipe terminated, as
    /// libzmq's session ends it (zmq_disconnect then finds nothing).
    ///
    /// The bits are libzmq 4.3.5's: CONN_REFUSED 1, HANDSHAKE_FAILED 2,
    /// AFTER_DISCONNECT 4. The last needs nothing here: no endpoint is
    /// ever tried again after zmq_disconnect. A 4.3.4 program's
    /// AFTER_DISCONNECT (3) reads as the two others, which is what 4.3.4
    /// itself did with it.
    fn stop_reconnecting(&mut self, slot: usize) {
        if let Some(Entity::Connecter(c)) = self.remove(slot) {
            self.by_pipe.remove(&c.connect.pipe.token());
            c.connect.pipe.terminate();
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

    /// Schedules a connecter's next attempt: RECONNECT_IVL, doubling up to
    /// RECONNECT_IVL_MAX when that is set. With RECONNECT_IVL 0 or -1 a
    /// connecter that never connected stays, idle, as libzmq's does (its
    /// pipe keeps what the socket queued). A connecter whose socket is
    /// gone, with nothing left to deliver, is dropped.
    fn wait_to_reconnect(&mut self, slot: usize) {
        let Some(Entity::Connecter(c)) = &mut self.entities[slot] else {
            return;
        };
        let must_deliver = c.connect.pipe.inbound_len() > 0;
        if (self.stopping.is_some() || c.connect.pipe.peer_dropped()) && !must_deliver {
            if let Some(Entity::Connecter(c)) = self.remove(slot) {
                self.by_pipe.remove(&c.connect.pipe.token());
            }
            return;
        }
        let ivl = c.connect.link.reconnect_ivl;
        if ivl <= 0 {
            return;
        }
        let base = Duration::from_millis(ivl as u64);
        let max = Duration::from_millis(c.connect.link.reconnect_ivl_max.max(0) as u64);
        let next = if max > base && !c.backoff.is_zero() {
            (c.backoff * 2).min(max)
        } else {
            base
        };
        c.connect.link.monitor.emit(
            monitor::CONNECT_RETRIED,
            next.as_millis() as u32,
            &c.connect.monitor_endpoint(),
        );
        c.backoff = next;
        let at = Instant::now() + next;
        c.retry_at = Some(at);
        self.timers.insert((at, slot), ());
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some(&(at, slot)) = self.timers.keys().next() {
            if at > now {
                return;
            }
            self.timers.remove(&(at, slot));
            self.guarded(slot, |r| r.timer_fired(slot, now));
        }
    }

    /// Runs the work of one entity; if it panics (a bug, never expected),
    /// that entity is dropped and the thread goes on serving the others.
    fn guarded(&mut self, slot: usize, work: impl FnOnce(&mut Reactor)) {
        if catch_unwind(AssertUnwindSafe(|| work(self))).is_err() {
            match self.entities.get(slot) {
                Some(Some(Entity::Engine(_))) => self.close_engine_or_drop(slot),
                Some(Some(_)) => {
                    self.remove(slot);
                }
                _ => {}
            }
        }
    }

    /// A deadline of the entity at `slot` passed.
    fn timer_fired(&mut self, slot: usize, now: Instant) {
        let token = Token(slot + 1);
        match &mut self.entities[slot] {
            Some(Entity::Engine(engine)) => {
                engine.on_timer(now);
                self.after_engine_work(slot);
            }
            Some(Entity::Listener(_)) => self.accept(slot),
            Some(Entity::Connecter(c)) => {
                if c.retry_at.is_some_and(|due| now >= due) {
                    c.retry_at = None;
                    if c.connect.pipe.peer_dropped() && c.connect.pipe.inbound_len() == 0 {
                        self.by_pipe.remove(&c.connect.pipe.token());
                        self.remove(slot);
                    } else {
                        self.attempt(slot);
                    }
                } else if let Some(step) = c.on_timer(now, self.poll.registry(), token) {
                    self.follow(slot, step);
                }
            }
            None => {}
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

    /// Ends an engine. A connecting one's endpoint reconnects, unless
    /// RECONNECT_IVL is 0 or -1 or its handshake failed and RECONNECT_STOP
    /// says to stop then: libzmq's session then ends the endpoint (its
    /// pipe goes; zmq_disconnect finds nothing).
    fn close_engine_or_drop(&mut self, slot: usize) {
        if let Some(Entity::Engine(engine)) = self.remove(slot) {
            for token in engine.pipe_tokens() {
                self.by_pipe.remove(&token);
            }
            let handshake_failed = !engine.handshake_done();
            if let Some(connect) = engine.into_reconnect() {
                let link = &connect.link;
                if link.reconnect_ivl <= 0
                    || handshake_failed
                        && link.reconnect_stop & RECONNECT_STOP_HANDSHAKE_FAILED != 0
                {
                    connect.pipe.terminate();
                } else {
                    self.add_connecter(connect, true);
                }
            }
        }
    }
}
