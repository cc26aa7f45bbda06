//! A connecter: one connect endpoint between connections (libzmq's
//! tcp_connecter and ipc_connecter). Each attempt resolves the address
//! (names through the resolver, off this thread), then tries every
//! address in turn (libzmq tries only the first), each socket set up
//! with the socket's tcp options and bound to the `source;` address if
//! one was given, until one connects. The attempt fails when all have;
//! it counts as refused (RECONNECT_STOP_CONN_REFUSED) if one refused.
//! Monitor events as libzmq sends them: CONNECT_DELAYED for a connect in
//! progress, CLOSED for each socket given up (refused, failed, past
//! CONNECT_TIMEOUT); the reactor adds CONNECT_RETRIED.
//!
//! Through a SOCKS5 proxy (libzmq's socks_connecter) the attempt connects
//! to the proxy instead, then runs the SOCKS exchange on that socket
//! before an engine gets it; a refusal, a closed connection or
//! CONNECT_TIMEOUT fails the attempt like a failed connect. Events then
//! name the proxy.

use mio::{Interest, Registry, Token};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::{Connect, Target};
use crate::socket::monitor;
use crate::transport::ip::{self, TcpHost, TcpTarget};
use crate::transport::socks::{Progress, SocksClient};
use crate::transport::{ipc, tcp, Stream};

/// What the reactor does next for a connecter.
pub enum Step {
    /// A connect is in progress: wait for the socket (until the deadline,
    /// CONNECT_TIMEOUT, if any).
    Pending(Option<Instant>),
    /// The destination is a name: resolve it.
    Resolve(String),
    /// Connected: the stream goes to an engine.
    Connected(Stream),
    /// Every address failed; `refused` if one refused the connection.
    Failed { refused: bool },
}

pub struct Connecter {
    pub connect: Box<Connect>,
    /// The interval of the last wait (back-off doubles it).
    pub backoff: Duration,
    /// When the next attempt is due (None: not waiting).
    pub retry_at: Option<Instant>,
    /// The resolver request this attempt waits for.
    pub resolving: Option<u64>,
    target: Option<TcpTarget>,
    addresses: VecDeque<SocketAddr>,
    pending: Option<mio::net::TcpStream>,
    /// The SOCKS exchange on a socket connected to the proxy.
    socks: Option<(mio::net::TcpStream, SocksClient)>,
    deadline: Option<Instant>,
    refused: bool,
}

impl Connecter {
    pub fn new(connect: Box<Connect>, backoff: Duration) -> Connecter {
        Connecter {
            connect,
            backoff,
            retry_at: None,
            resolving: None,
            target: None,
            addresses: VecDeque::new(),
            pending: None,
            socks: None,
            deadline: None,
            refused: false,
        }
    }

    /// Starts an attempt.
    pub fn start(&mut self, registry: &Registry, token: Token) -> Step {
        self.refused = false;
        self.retry_at = None;
        let ipv6 = self.connect.link.tcp.ipv6;
        let address = match &self.connect.target {
            Target::Ipc(path) => return self.connect_ipc(path.clone()),
            Target::Tcp(address) => address,
            Target::Socks(socks) => &socks.proxy,
        };
        // An address that does not resolve (a bad source, port or zone)
        // fails like an unreachable one, at every attempt.
        let target = match ip::resolve_connect(address, ipv6) {
            Ok(target) => target,
            Err(_) => return Step::Failed { refused: false },
        };
        match &target.host {
            TcpHost::Ip(ip) => {
                self.addresses = target.addresses(&[*ip], ipv6).into();
                self.target = Some(target);
                self.next(registry, token)
            }
            TcpHost::Name(name) => {
                let name = name.clone();
                self.target = Some(target);
                Step::Resolve(name)
            }
        }
    }

    /// The resolver's answer for this attempt.
    pub fn resolved(
        &mut self,
        ips: io::Result<Vec<IpAddr>>,
        registry: &Registry,
        token: Token,
    ) -> Step {
        self.resolving = None;
        let (Ok(ips), Some(target)) = (ips, &self.target) else {
            return Step::Failed { refused: false };
        };
        self.addresses = target.addresses(&ips, self.connect.link.tcp.ipv6).into();
        self.next(registry, token)
    }

    /// Tries the remaining addresses until a connect completes or is in
    /// progress.
    fn next(&mut self, registry: &Registry, token: Token) -> Step {
        let source = self.target.as_ref().and_then(|t| t.source);
        while let Some(addr) = self.addresses.pop_front() {
            let link = &self.connect.link;
            // A socket that cannot be made (a refused device) is no
            // socket to close: no event, as in libzmq.
            let Ok(fd) = tcp::open(&addr, &link.tcp) else {
                continue;
            };
            match tcp::start_connect(&fd, &addr, source.as_ref()) {
                Ok(true) => {
                    let stream = mio::net::TcpStream::from_std(fd.into());
                    if tcp::tune(&stream, &link.tcp, false).is_err() {
                        self.closed(stream.as_raw_fd());
                        continue;
                    }
                    match self.tcp_connected(stream, registry, token) {
                        Step::Failed { .. } => continue,
                        step => return step,
                    }
                }
                Ok(false) => {
                    link.monitor.emit(
                        monitor::CONNECT_DELAYED,
                        libc::EINPROGRESS as u32,
                        &self.connect.monitor_endpoint(),
                    );
                    let mut stream = mio::net::TcpStream::from_std(fd.into());
                    if registry
                        .register(&mut stream, token, Interest::WRITABLE)
                        .is_err()
                    {
                        self.closed(stream.as_raw_fd());
                        continue;
                    }
                    self.pending = Some(stream);
                    self.deadline = (link.connect_timeout > 0).then(|| {
                        Instant::now() + Duration::from_millis(link.connect_timeout as u64)
                    });
                    return Step::Pending(self.deadline);
                }
                Err(e) => {
                    self.refused |= e.raw_os_error() == Some(libc::ECONNREFUSED);
                    self.closed(fd.as_raw_fd());
                }
            }
        }
        Step::Failed {
            refused: self.refused,
        }
    }

    /// A tcp socket is connected: to the peer, or to the SOCKS proxy,
    /// which first has to take us on to the peer.
    fn tcp_connected(
        &mut self,
        mut stream: mio::net::TcpStream,
        registry: &Registry,
        token: Token,
    ) -> Step {
        let Target::Socks(socks) = &self.connect.target else {
            return Step::Connected(Stream::Tcp(stream));
        };
        let client = SocksClient::new(&socks.address, &socks.username, &socks.password);
        let registered =
            registry.register(&mut stream, token, Interest::READABLE | Interest::WRITABLE);
        match client {
            Some(client) if registered.is_ok() => {
                self.socks = Some((stream, client));
                // CONNECT_TIMEOUT bounds the exchange too: a proxy that
                // stalls is given up (libzmq 4.3.4 would wait forever).
                let timeout = self.connect.link.connect_timeout;
                self.deadline =
                    (timeout > 0).then(|| Instant::now() + Duration::from_millis(timeout as u64));
                self.socks_step(registry)
            }
            _ => {
                let _ = registry.deregister(&mut stream);
                self.closed(stream.as_raw_fd());
                Step::Failed { refused: false }
            }
        }
    }

    /// Moves the SOCKS exchange on as far as the socket allows: sends what
    /// is due, reads exactly what the next reply still needs.
    fn socks_step(&mut self, registry: &Registry) -> Step {
        let Some((stream, client)) = self.socks.as_mut() else {
            return Step::Pending(self.deadline);
        };
        let progress = loop {
            if !client.output().is_empty() {
                match stream.write(client.output()) {
                    Ok(n) => {
                        client.sent(n);
                        continue;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break Progress::Failed,
                }
            }
            let mut buf = [0u8; 262];
            let want = client.wants().min(buf.len());
            match stream.read(&mut buf[..want]) {
                Ok(0) => break Progress::Failed,
                Ok(n) => match client.feed(&buf[..n]) {
                    Progress::Going => {}
                    end => break end,
                },
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Step::Pending(self.deadline)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break Progress::Failed,
            }
        };
        let Some((mut stream, _)) = self.socks.take() else {
            return Step::Failed { refused: false };
        };
        let _ = registry.deregister(&mut stream);
        // Its deadline is over either way (a timer left behind finds none).
        self.deadline = None;
        if progress == Progress::Done {
            return Step::Connected(Stream::Tcp(stream));
        }
        self.closed(stream.as_raw_fd());
        Step::Failed { refused: false }
    }

    /// The socket of the connect in progress reported: connected, failed,
    /// or (spuriously) neither yet.
    pub fn ready(&mut self, registry: &Registry, token: Token) -> Step {
        if self.socks.is_some() {
            return match self.socks_step(registry) {
                Step::Failed { .. } => self.next(registry, token),
                step => step,
            };
        }
        let Some(stream) = &self.pending else {
            return Step::Pending(self.deadline);
        };
        let error = match stream.take_error() {
            Ok(None) => match stream.peer_addr() {
                Ok(_) => None,
                Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => {
                    return Step::Pending(self.deadline)
                }
                Err(e) => Some(e),
            },
            Ok(Some(e)) | Err(e) => Some(e),
        };
        let mut stream = self.pending.take().expect("checked above");
        let _ = registry.deregister(&mut stream);
        self.deadline = None;
        match error {
            None if tcp::tune(&stream, &self.connect.link.tcp, false).is_ok() => {
                match self.tcp_connected(stream, registry, token) {
                    Step::Failed { .. } => return self.next(registry, token),
                    step => return step,
                }
            }
            None => {}
            Some(e) => self.refused |= e.raw_os_error() == Some(libc::ECONNREFUSED),
        }
        self.closed(stream.as_raw_fd());
        drop(stream);
        self.next(registry, token)
    }

    /// CONNECT_TIMEOUT: a connect still in progress at its deadline is
    /// given up like a failed one.
    pub fn on_timer(&mut self, now: Instant, registry: &Registry, token: Token) -> Option<Step> {
        if !self.deadline.is_some_and(|d| now >= d) {
            return None;
        }
        self.deadline = None;
        self.abort(registry);
        Some(self.next(registry, token))
    }

    /// Closes the connect in progress, if any (the endpoint is going away,
    /// or its time ran out).
    pub fn abort(&mut self, registry: &Registry) {
        let socks = self.socks.take().map(|(stream, _)| stream);
        for mut stream in self.pending.take().into_iter().chain(socks) {
            let _ = registry.deregister(&mut stream);
            self.closed(stream.as_raw_fd());
        }
    }

    fn connect_ipc(&mut self, path: std::path::PathBuf) -> Step {
        match ipc::connect(&path) {
            Ok((fd, Ok(()))) => {
                Step::Connected(Stream::Unix(mio::net::UnixStream::from_std(fd.into())))
            }
            // libzmq 4.3.5 stops only tcp connects on a refusal
            // (RECONNECT_STOP_CONN_REFUSED): an ipc one retries.
            Ok((fd, Err(_))) => {
                self.closed(fd.as_raw_fd());
                Step::Failed { refused: false }
            }
            Err(_) => Step::Failed { refused: false },
        }
    }

    /// CLOSED, with the fd of the socket being given up (its number is
    /// all libzmq reports, so the event may come just before the close).
    fn closed(&self, fd: i32) {
        self.connect.link.monitor.emit(
            monitor::CLOSED,
            fd as u32,
            &self.connect.monitor_endpoint(),
        );
    }
}
