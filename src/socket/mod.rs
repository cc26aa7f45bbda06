//! The socket core: options, endpoints, blocking send and receive, and the
//! commands peers and the context send.
//!
//! A socket is driven by whichever application thread calls it. It sleeps
//! only on its own mailbox (the eventfd that is ZMQ_FD), woken by commands:
//! a pipe got messages or room, a peer attached or left, the context is
//! terminating.

pub mod endpoint;
pub mod monitor;
pub mod options;

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::command::{Command, Mailbox, MailboxSender};
use crate::ctx::Ctx;
use crate::errno::{Errno, Result};
use crate::io;
use crate::msg::Msg;
use crate::pattern::{self, Pattern};
use crate::pipe::{self, combined_hwm, PipeEnd, PipeId, Pipes};
use crate::signal::Wait;
use crate::transport::{ip, ipc, tcp, BindAddress};
use crate::zmtp::{mechanism, socket_type};
use endpoint::{Endpoint, Transport};
use monitor::MonitorSlot;
use options::{Options, SetEffect};

pub const DONTWAIT: i32 = 1;
pub const SNDMORE: i32 = 2;
pub const POLLIN: i32 = 1;
pub const POLLOUT: i32 = 2;

pub struct Socket {
    kind: i32,
    options: Options,
    ctx: Arc<Ctx>,
    id: u64,
    mailbox: Mailbox,
    pipes: Pipes,
    pattern: Box<dyn Pattern>,
    rcvmore: bool,
    /// The context is terminating: everything but close fails with ETERM.
    stopped: bool,
    /// inproc names this socket bound.
    bound: Vec<String>,
    /// The pipes of IMMEDIATE connect endpoints: never used for messages,
    /// they keep the endpoints alive until disconnected or closed.
    parked: Vec<PipeEnd>,
    /// tcp/ipc listeners: the endpoint as resolved (ZMQ_LAST_ENDPOINT,
    /// the only text unbind knows them by, as in libzmq), the id its I/O
    /// thread knows it by, and that thread's mailbox.
    listeners: Vec<(String, u64, MailboxSender)>,
    /// ZMQ_LINGER as the I/O thread reads it at termination.
    linger: Arc<AtomicI32>,
    monitor: MonitorSlot,
}

/// The errno of an OS error (EADDRINUSE and the like from bind).
fn os_errno(e: &std::io::Error) -> Errno {
    Errno(e.raw_os_error().unwrap_or(libc::EINVAL))
}

fn next_endpoint_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A timeout's deadline, computed at the first wait only: reading the
/// clock on every call would cost more than a whole message.
struct Deadline {
    timeout_ms: i32,
    at: Option<Instant>,
}

impl Deadline {
    fn new(timeout_ms: i32) -> Deadline {
        Deadline {
            timeout_ms,
            at: None,
        }
    }

    fn get(&mut self) -> Option<Instant> {
        if self.timeout_ms <= 0 {
            return None;
        }
        let ms = self.timeout_ms as u64;
        Some(
            *self
                .at
                .get_or_insert_with(|| Instant::now() + Duration::from_millis(ms)),
        )
    }
}

impl Socket {
    /// A new socket of `kind` registered with `ctx` (EMFILE past
    /// MAX_SOCKETS, ETERM once the context shuts down).
    pub fn new(ctx: Arc<Ctx>, kind: i32) -> Result<Socket> {
        let pattern = pattern::new(kind).ok_or(Errno::EINVAL)?;
        let mailbox = Mailbox::new()?;
        let id = ctx.register_socket(mailbox.sender())?;
        let (ipv6, blocky) = ctx.socket_defaults();
        let options = Options::new(kind, ipv6, blocky);
        Ok(Socket {
            kind,
            linger: Arc::new(AtomicI32::new(options.linger)),
            options,
            ctx,
            id,
            mailbox,
            pipes: Pipes::default(),
            pattern,
            rcvmore: false,
            stopped: false,
            bound: Vec::new(),
            parked: Vec::new(),
            listeners: Vec::new(),
            monitor: MonitorSlot::default(),
        })
    }

    pub fn kind(&self) -> i32 {
        self.kind
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn context(&self) -> Arc<Ctx> {
        self.ctx.clone()
    }

    /// ETERM once a Stop command has been processed.
    fn check_stopped(&self) -> Result<()> {
        if self.stopped {
            return Err(Errno::ETERM);
        }
        Ok(())
    }

    fn check_alive(&mut self) -> Result<()> {
        self.process_commands()?;
        Ok(())
    }

    /// Handles every queued command; Ok(true) if there was any. ETERM once
    /// the context is terminating.
    fn process_commands(&mut self) -> Result<bool> {
        let mut any = false;
        while let Some(cmd) = self.mailbox.recv() {
            any = true;
            self.handle(cmd);
        }
        self.reap();
        if self.stopped {
            return Err(Errno::ETERM);
        }
        Ok(any)
    }

    fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::ActivateRead(token) => {
                if let Some(id) = self.pipes.by_token(token) {
                    self.pattern
                        .read_activated(&mut self.pipes, id, &self.options);
                }
            }
            Command::ActivateWrite(token) => {
                if let Some(id) = self.pipes.by_token(token) {
                    self.pattern
                        .write_activated(&mut self.pipes, id, &self.options);
                }
            }
            Command::PipeTerm(token) => {
                if let Some(id) = self.pipes.by_token(token) {
                    if self.pipes.get_mut(id).drained_and_gone() {
                        self.pipes.mark_gone(id);
                    } else {
                        // Let the reader take what is left; it then finds
                        // the pipe gone.
                        self.pattern
                            .read_activated(&mut self.pipes, id, &self.options);
                    }
                }
            }
            Command::Attach(end) => self.attach_bound(*end),
            Command::Stop => self.stopped = true,
            // I/O-thread commands never reach a socket.
            Command::Listen(_)
            | Command::Unlisten(_)
            | Command::Connect(_)
            | Command::Adopt(_)
            | Command::Resolved(_) => {}
        }
    }

    /// Removes pipes the pattern found gone.
    fn reap(&mut self) {
        loop {
            let gone = self.pipes.take_gone();
            if gone.is_empty() {
                return;
            }
            for id in gone {
                self.remove_pipe(id);
            }
        }
    }

    fn remove_pipe(&mut self, id: PipeId) {
        if self.pipes.contains(id) {
            self.pattern.terminated(&mut self.pipes, id);
            if let Some(end) = self.pipes.remove(id) {
                end.terminate();
            }
        }
    }

    fn attach(&mut self, mut end: PipeEnd) {
        end.attach(&self.mailbox.sender(), &self.options.routing_id);
        let id = self.pipes.insert(end);
        self.pattern.attach(&mut self.pipes, id, &self.options);
        if let Some(routing_id) = self.pattern.routing_id() {
            self.options.routing_id = routing_id.to_vec();
        }
        self.reap();
    }

    /// A pipe from a peer that connected to one of our inproc names: now
    /// both sides' HWMs are known.
    fn attach_bound(&mut self, end: PipeEnd) {
        if end.limits_fixed() {
            self.attach(end);
            return;
        }
        let (peer_snd, peer_rcv) = end.peer_hwms();
        end.set_out_limit(combined_hwm(self.options.sndhwm, peer_rcv));
        end.set_in_limit(combined_hwm(peer_snd, self.options.rcvhwm));
        self.attach(end);
    }

    /// Sleeps until a command arrives (Ok), the deadline passes (EAGAIN),
    /// a signal interrupts (EINTR) or the context terminates (ETERM).
    ///
    /// No spinning first: with sockets, I/O threads and peers sharing few
    /// cores, a spinning waiter takes the CPU its peer needs (measured:
    /// tcp latency went from 1.2x better than libzmq to 0.6x).
    fn wait(&mut self, deadline: Option<Instant>) -> Result<()> {
        if self.process_commands()? {
            return Ok(());
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Errno::EAGAIN);
        }
        if self.drain_stale()? {
            return Ok(());
        }
        match self.mailbox.wait(deadline)? {
            Wait::Signalled => {
                self.process_commands()?;
                Ok(())
            }
            Wait::TimedOut => Err(Errno::EAGAIN),
        }
    }

    /// Quiets a stale wake-up signal (see Mailbox::clear_stale), handling
    /// any command that slipped in; Ok(true) if there was one.
    fn drain_stale(&mut self) -> Result<bool> {
        let mut any = false;
        while self.mailbox.clear_stale() {
            any |= self.process_commands()?;
        }
        Ok(any)
    }

    /// Sends one part. On failure the caller keeps the message.
    pub fn send(&mut self, mut msg: Msg, flags: i32) -> std::result::Result<(), (Errno, Msg)> {
        if let Err(e) = self.check_alive() {
            return Err((e, msg));
        }
        msg.set_more(flags & SNDMORE != 0);
        let timeout = self.options.sndtimeo;
        let nonblocking = flags & DONTWAIT != 0 || timeout == 0;
        let mut deadline = Deadline::new(timeout);
        loop {
            let result = self.pattern.send(&mut self.pipes, msg, &self.options);
            self.reap();
            match result {
                Ok(()) => return Ok(()),
                Err((Errno::EAGAIN, back)) if !nonblocking => {
                    msg = back;
                    if let Err(e) = self.wait(deadline.get()) {
                        return Err((e, msg));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Receives one part.
    pub fn recv(&mut self, flags: i32) -> Result<Msg> {
        self.check_alive()?;
        let timeout = self.options.rcvtimeo;
        let nonblocking = flags & DONTWAIT != 0 || timeout == 0;
        let mut deadline = Deadline::new(timeout);
        loop {
            let result = self.pattern.recv(&mut self.pipes, &self.options);
            self.reap();
            match result {
                Ok(msg) => {
                    self.rcvmore = msg.more();
                    return Ok(msg);
                }
                Err(Errno::EAGAIN) if !nonblocking => self.wait(deadline.get())?,
                Err(e) => return Err(e),
            }
        }
    }

    /// ZMQ_EVENTS: processes pending commands, then reports readiness. It
    /// also leaves ZMQ_FD quiet until something new happens.
    pub fn events(&mut self) -> Result<i32> {
        self.check_alive()?;
        self.drain_stale()?;
        let mut events = 0;
        if self.pattern.has_in(&mut self.pipes, &self.options) {
            events |= POLLIN;
        }
        if self.pattern.has_out(&mut self.pipes, &self.options) {
            events |= POLLOUT;
        }
        self.reap();
        Ok(events)
    }

    /// ZMQ_FD.
    pub fn fd(&self) -> i32 {
        self.mailbox.fd()
    }

    /// `value` is None for a NULL optval (some options treat (NULL, 0)
    /// and ("", 0) differently).
    ///
    /// Like libzmq, this does not process pending commands first, so an
    /// option set right after bind applies to peers attaching meanwhile.
    pub fn set_option(&mut self, option: i32, value: Option<&[u8]>) -> Result<()> {
        self.check_stopped()?;
        match self.options.set_value(option, value)? {
            SetEffect::Stored => {}
            SetEffect::HwmChanged => self.update_hwms(),
            SetEffect::Subscribe(topic) => {
                self.pattern
                    .subscribe(&mut self.pipes, &topic, true, &self.options)?
            }
            SetEffect::Unsubscribe(topic) => {
                self.pattern
                    .subscribe(&mut self.pipes, &topic, false, &self.options)?
            }
        }
        self.linger.store(self.options.linger, Ordering::Relaxed);
        self.reap();
        Ok(())
    }

    /// SNDHWM/RCVHWM apply to existing pipes too.
    fn update_hwms(&mut self) {
        let ids: Vec<PipeId> = self.pipes.ids().collect();
        for id in ids {
            let end = self.pipes.get(id);
            if end.limits_fixed() {
                continue;
            }
            let (peer_snd, peer_rcv) = end.peer_hwms();
            end.set_out_limit(combined_hwm(self.options.sndhwm, peer_rcv));
            end.set_in_limit(combined_hwm(peer_snd, self.options.rcvhwm));
            // A pipe that was full may take messages now.
            self.pattern
                .write_activated(&mut self.pipes, id, &self.options);
        }
    }

    /// Writes the option into `buf`; returns the length used.
    pub fn get_option(&mut self, option: i32, buf: &mut [u8]) -> Result<usize> {
        self.check_stopped()?;
        let int = match option {
            // The options the socket answers itself.
            options::RCVMORE => self.rcvmore as i32,
            options::FD => self.fd(),
            options::EVENTS => self.events()?,
            _ => return self.options.get(option, buf),
        };
        // These three take any buffer of at least an int and zero the
        // rest, as libzmq does.
        if buf.len() < 4 {
            return Err(Errno::EINVAL);
        }
        buf.fill(0);
        buf[..4].copy_from_slice(&int.to_ne_bytes());
        Ok(4)
    }

    pub fn bind(&mut self, endpoint: &str) -> Result<()> {
        self.check_alive()?;
        let ep = Endpoint::parse(endpoint, self.kind)?;
        match ep.transport {
            Transport::Inproc => {
                let pending = self.ctx.inproc_bind(
                    ep.address,
                    self.id,
                    self.mailbox.sender(),
                    (self.options.sndhwm, self.options.rcvhwm),
                    &self.options.routing_id,
                )?;
                self.bound.push(ep.address.to_string());
                for end in pending {
                    self.attach_bound(end);
                }
                self.options.last_endpoint = endpoint.to_string();
                Ok(())
            }
            Transport::Tcp | Transport::Ipc => {
                let io = self.ctx.io_mailbox(self.options.affinity)?;
                let link = self.link();
                let bound = match ep.transport {
                    Transport::Tcp => {
                        ip::resolve_bind(ep.address, self.options.ipv6).map(BindAddress::Tcp)
                    }
                    _ => ipc::ipc_path(ep.address).map(BindAddress::Ipc),
                }
                .and_then(|addr| io::bind(&addr, &link).map_err(|e| os_errno(&e)));
                let (listener, resolved, wildcard) = match bound {
                    Ok(bound) => bound,
                    Err(e) => {
                        // libzmq names the address without its scheme here.
                        self.monitor
                            .emit(monitor::BIND_FAILED, e.0 as u32, ep.address);
                        return Err(e);
                    }
                };
                self.monitor
                    .emit(monitor::LISTENING, listener.fd() as u32, &resolved);
                let id = next_endpoint_id();
                io.send(Command::Listen(Box::new(io::Listen {
                    id,
                    listener,
                    link,
                    endpoint: resolved.clone(),
                    wildcard,
                })));
                self.listeners.push((resolved.clone(), id, io));
                self.options.last_endpoint = resolved;
                Ok(())
            }
            Transport::Ws => Err(Errno::ENOTSUP),
        }
    }

    /// What the I/O thread's engines need of this socket.
    fn link(&self) -> io::SocketLink {
        use crate::pattern::kind::{DEALER, REQ, ROUTER};
        let o = &self.options;
        let security = mechanism::Config {
            socket_type: socket_type::name(self.kind).unwrap_or("PAIR"),
            routing_id: o.routing_id.clone(),
            send_identity: matches!(self.kind, REQ | DEALER | ROUTER),
            metadata: o
                .metadata
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            zap_domain: o.zap_domain.clone(),
            zap_enforce_domain: o.zap_enforce_domain,
            as_server: o.as_server,
            plain_username: o.plain_username.clone(),
            plain_password: o.plain_password.clone(),
            curve_public_key: o.curve_publickey,
            curve_secret_key: o.curve_secretkey.clone(),
            curve_server_key: o.curve_serverkey,
            ..mechanism::Config::default()
        };
        io::SocketLink {
            mailbox: self.mailbox.sender(),
            kind: self.kind,
            mechanism: o.mechanism,
            security: Arc::new(security),
            ctx: Arc::downgrade(&self.ctx),
            sndhwm: self.options.sndhwm,
            rcvhwm: self.options.rcvhwm,
            maxmsgsize: self.options.maxmsgsize,
            reconnect_ivl: self.options.reconnect_ivl,
            reconnect_ivl_max: self.options.reconnect_ivl_max,
            reconnect_stop: self.options.reconnect_stop,
            connect_timeout: self.options.connect_timeout,
            handshake_ivl: self.options.handshake_ivl,
            heartbeat_ivl: self.options.heartbeat_ivl,
            heartbeat_timeout: self.options.heartbeat_timeout,
            heartbeat_ttl: self.options.heartbeat_ttl,
            immediate: self.options.immediate,
            raw: self.options.raw_socket,
            raw_notify: self.options.stream_notify,
            linger: self.linger.clone(),
            monitor: self.monitor.clone(),
            affinity: o.affinity,
            use_fd: o.use_fd,
            tcp: Arc::new(tcp::TcpOptions {
                ipv6: o.ipv6,
                sndbuf: o.sndbuf,
                rcvbuf: o.rcvbuf,
                tos: o.tos,
                keepalive: o.tcp_keepalive,
                keepalive_cnt: o.tcp_keepalive_cnt,
                keepalive_idle: o.tcp_keepalive_idle,
                keepalive_intvl: o.tcp_keepalive_intvl,
                maxrt: o.tcp_maxrt,
                backlog: o.backlog,
                device: o.bindtodevice.clone(),
                accept_filters: o.tcp_accept_filters.clone(),
            }),
            ipc_filter: Arc::new(ipc::IpcFilter {
                pids: o.ipc_filter_pids.clone(),
                uids: o.ipc_filter_uids.clone(),
                gids: o.ipc_filter_gids.clone(),
            }),
        }
    }

    pub fn connect(&mut self, endpoint: &str) -> Result<()> {
        self.check_alive()?;
        let ep = Endpoint::parse(endpoint, self.kind)?;
        match ep.transport {
            Transport::Inproc => {
                // CONFLATE pipes have no HWM: the reader keeps only the
                // newest message.
                let conflate = self.conflates();
                let hwms = if conflate {
                    (0, 0)
                } else {
                    (self.options.sndhwm, self.options.rcvhwm)
                };
                let mut mine = self
                    .ctx
                    .inproc_connect(ep.address, endpoint, hwms, conflate);
                // CONNECT_ROUTING_ID names this one connection only.
                mine.set_assigned_routing_id(self.options.connect_routing_id.take());
                self.attach(mine);
                self.options.last_endpoint = endpoint.to_string();
                Ok(())
            }
            Transport::Tcp | Transport::Ipc => {
                // Only the syntax is checked now; names are resolved at
                // each attempt, in the I/O thread's resolver.
                let target = match ep.transport {
                    Transport::Tcp => {
                        ip::check_connect(ep.address)?;
                        if self.options.socks_proxy.is_empty() {
                            io::Target::Tcp(ep.address.to_string())
                        } else {
                            io::Target::Socks(Box::new(io::SocksTarget {
                                proxy: String::from_utf8_lossy(&self.options.socks_proxy)
                                    .into_owned(),
                                address: ep.address.to_string(),
                                username: self.options.socks_username.clone(),
                                password: self.options.socks_password.clone(),
                            }))
                        }
                    }
                    _ => io::Target::Ipc(ipc::ipc_path(ep.address)?),
                };
                let io = self.ctx.io_mailbox(self.options.affinity)?;
                // Without IMMEDIATE the pipe exists from now on, so
                // messages queue for the peer before it is reached. With
                // it, the pipe is parked: it only keeps the endpoint alive,
                // and each completed connection brings its own.
                let (mut mine, theirs) = pipe::pair(
                    self.options.sndhwm.max(0) as u64,
                    self.options.rcvhwm.max(0) as u64,
                );
                mine.fix_limits();
                mine.set_endpoint(endpoint);
                let assigned = self.options.connect_routing_id.take();
                let mut assigned_routing_id = None;
                if self.options.immediate {
                    assigned_routing_id = assigned;
                    self.parked.push(mine);
                } else {
                    mine.set_assigned_routing_id(assigned);
                    self.attach(mine);
                }
                io.send(Command::Connect(Box::new(io::Connect {
                    target,
                    link: self.link(),
                    pipe: theirs,
                    endpoint: endpoint.to_string(),
                    assigned_routing_id,
                })));
                self.options.last_endpoint = endpoint.to_string();
                Ok(())
            }
            Transport::Ws => Err(Errno::ENOTSUP),
        }
    }

    /// zmq_socket_monitor: events go to a PAIR socket bound to `endpoint`
    /// (inproc only); None stops monitoring.
    pub fn monitor(&mut self, endpoint: Option<&str>, events: i32) -> Result<()> {
        self.check_alive()?;
        let Some(endpoint) = endpoint else {
            self.monitor.replace(None, 0);
            return Ok(());
        };
        let ep = Endpoint::parse(endpoint, self.kind)?;
        if ep.transport != Transport::Inproc {
            return Err(Errno::EPROTONOSUPPORT);
        }
        if events & !monitor::ALL_V1 != 0 {
            return Err(Errno::EINVAL);
        }
        let mut pair = Socket::new(self.ctx.clone(), pattern::kind::PAIR)?;
        pair.set_option(options::LINGER, Some(&0i32.to_ne_bytes()))?;
        pair.bind(endpoint)?;
        self.monitor.replace(Some(pair), events as u32);
        Ok(())
    }

    /// CONFLATE takes effect only on these types (libzmq accepts it on
    /// all).
    fn conflates(&self) -> bool {
        use crate::pattern::kind::*;
        self.options.conflate && matches!(self.kind, DEALER | PULL | PUSH | PUB | SUB)
    }

    /// zmq_unbind and zmq_disconnect: libzmq runs the same routine for
    /// both, so either undoes either. Binds are known by their resolved
    /// text, connects by the text given; a tcp address matching neither is
    /// resolved as libzmq resolves it (as a connect, then as a bind) and
    /// looked up again, so `tcp://localhost:port` finds 127.0.0.1's.
    pub fn term_endpoint(&mut self, endpoint: &str) -> Result<()> {
        self.check_alive()?;
        let ep = Endpoint::parse(endpoint, self.kind)?;
        if ep.transport == Transport::Inproc {
            if let Some(pos) = self.bound.iter().position(|b| b == ep.address) {
                self.bound.remove(pos);
                self.ctx.inproc_unbind(ep.address, self.id);
                return Ok(());
            }
        }
        let key = if ep.transport == Transport::Tcp && !self.has_endpoint(endpoint) {
            self.resolve_tcp_key(endpoint, ep.address)
        } else {
            endpoint.to_string()
        };
        if let Some(pos) = self
            .listeners
            .iter()
            .position(|(resolved, ..)| *resolved == key)
        {
            let (_, id, io) = self.listeners.remove(pos);
            io.send(Command::Unlisten(id));
            return Ok(());
        }
        let ids: Vec<PipeId> = self
            .pipes
            .ids()
            .filter(|&id| self.pipes.get(id).endpoint() == key)
            .collect();
        let parked = self.parked.len();
        self.parked.retain(|p| p.endpoint() != endpoint);
        if ids.is_empty() && self.parked.len() == parked {
            return Err(Errno::ENOENT);
        }
        for id in ids {
            self.remove_pipe(id);
        }
        Ok(())
    }

    fn has_endpoint(&self, key: &str) -> bool {
        self.listeners.iter().any(|(resolved, ..)| resolved == key)
            || self
                .pipes
                .ids()
                .any(|id| self.pipes.get(id).endpoint() == key)
    }

    /// libzmq's resolve_tcp_addr: the address resolved as a connect
    /// (first address, DNS allowed, here in the caller's thread as in
    /// libzmq) and, when that text is unknown too, as a bind.
    fn resolve_tcp_key(&self, endpoint: &str, address: &str) -> String {
        let ipv6 = self.options.ipv6;
        let Some(text) = ip::resolve_connect(address, ipv6).ok().and_then(|target| {
            let ips = match &target.host {
                ip::TcpHost::Ip(ip) => vec![*ip],
                ip::TcpHost::Name(name) => io::system_lookup(name).ok()?,
            };
            let first = *target.addresses(&ips, ipv6).first()?;
            Some(ip::endpoint_text(&first))
        }) else {
            return endpoint.to_string();
        };
        if self.has_endpoint(&text) {
            return text;
        }
        ip::resolve_bind(address, ipv6).map_or(text, |addr| ip::endpoint_text(&addr))
    }
}

impl Drop for Socket {
    /// zmq_close: peers learn the pipes are gone (they may still read what
    /// was sent), names are released, and the context stops waiting for
    /// this socket.
    fn drop(&mut self) {
        let ids: Vec<PipeId> = self.pipes.ids().collect();
        for id in ids {
            if let Some(end) = self.pipes.remove(id) {
                end.terminate();
            }
        }
        for end in self.parked.drain(..) {
            end.terminate();
        }
        for name in std::mem::take(&mut self.bound) {
            self.ctx.inproc_unbind(&name, self.id);
        }
        for (_, id, io) in self.listeners.drain(..) {
            io.send(Command::Unlisten(id));
        }
        self.monitor.replace(None, 0);
        self.ctx.unregister_socket(self.id);
    }
}

/// Makes both ends of an inproc pipe between a connecting socket and a
/// bound one (or one bound later).
pub fn inproc_pair(
    endpoint: &str,
    connector: (i32, i32),
    binder: Option<((i32, i32), &[u8])>,
    conflate: bool,
) -> (PipeEnd, PipeEnd) {
    let (c_snd, c_rcv) = connector;
    // Until the binder is known, each direction is limited by the
    // connector's own HWM (libzmq does the same); the binder completes the
    // sums when it attaches.
    let (to_binder, to_connector) = match binder {
        Some(((b_snd, b_rcv), _)) => (combined_hwm(c_snd, b_rcv), combined_hwm(b_snd, c_rcv)),
        None => (c_snd.max(0) as u64, c_rcv.max(0) as u64),
    };
    let (mut mine, mut theirs) = pipe::pair(to_binder, to_connector);
    mine.set_conflate(conflate);
    theirs.set_conflate(conflate);
    mine.set_endpoint(endpoint);
    theirs.set_endpoint(endpoint);
    if let Some(((b_snd, b_rcv), routing_id)) = binder {
        mine.set_peer_hwms(b_snd, b_rcv);
        theirs.send_identity(routing_id);
    }
    theirs.set_peer_hwms(c_snd, c_rcv);
    (mine, theirs)
}
