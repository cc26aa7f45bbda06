//! Listeners: bound tcp and ipc sockets, and what accepting a connection
//! involves (TCP_ACCEPT_FILTER, IPC_FILTER_*, the tcp options of each new
//! connection).

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;

use super::SocketLink;
use crate::transport::{self, ip, ipc, tcp, BindAddress, Stream};

pub enum Listener {
    Tcp(mio::net::TcpListener),
    Unix(mio::net::UnixListener),
}

impl Listener {
    /// The listening socket's fd (monitor events carry it).
    pub fn fd(&self) -> RawFd {
        match self {
            Listener::Tcp(t) => t.as_raw_fd(),
            Listener::Unix(u) => u.as_raw_fd(),
        }
    }

    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Listener::Tcp(t) => t,
            Listener::Unix(u) => u,
        }
    }
}

/// The directory and socket file an `ipc://*` bind created; libzmq
/// removes both when the listener closes (and leaves other ipc files).
pub struct Wildcard {
    pub dir: PathBuf,
    pub file: PathBuf,
}

impl Wildcard {
    fn remove(&self) -> io::Result<()> {
        std::fs::remove_file(&self.file)?;
        std::fs::remove_dir(&self.dir)
    }
}

/// A bound endpoint handed to the I/O thread.
pub struct Listen {
    pub id: u64,
    pub listener: Listener,
    pub link: SocketLink,
    /// As ZMQ_LAST_ENDPOINT shows it (monitor events name it).
    pub endpoint: String,
    pub wildcard: Option<Wildcard>,
}

impl Listen {
    /// Removes what an `ipc://*` bind created, once.
    pub fn remove_wildcard(&mut self) -> io::Result<()> {
        match self.wildcard.take() {
            Some(w) => w.remove(),
            None => Ok(()),
        }
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.remove_wildcard();
    }
}

/// A listener bound now, in the caller's thread, so errors come back from
/// zmq_bind at once: the listener, its ZMQ_LAST_ENDPOINT text and, for
/// `ipc://*`, what to remove when it closes.
pub fn bind(
    addr: &BindAddress,
    link: &SocketLink,
) -> io::Result<(Listener, String, Option<Wildcard>)> {
    if link.use_fd >= 0 {
        // ZMQ_USE_FD: the application's listening socket; the address
        // only says which transport it is.
        let fd = transport::adopt_listener(link.use_fd)?;
        return match addr {
            BindAddress::Tcp(_) => {
                let l = mio::net::TcpListener::from_std(fd.into());
                let text = ip::endpoint_text(&l.local_addr()?);
                Ok((Listener::Tcp(l), text, None))
            }
            BindAddress::Ipc(path) => {
                let l = mio::net::UnixListener::from_std(fd.into());
                let local = l.local_addr()?;
                let path = local.as_pathname().unwrap_or(path);
                let text = format!("ipc://{}", path.display());
                Ok((Listener::Unix(l), text, None))
            }
        };
    }
    match addr {
        BindAddress::Tcp(sa) => {
            let l = tcp::listen(sa, &link.tcp)?;
            let text = ip::endpoint_text(&l.local_addr()?);
            Ok((Listener::Tcp(l), text, None))
        }
        BindAddress::Ipc(path) if path.as_os_str().to_string_lossy().starts_with('*') => {
            let (dir, file) = ipc::wildcard()?;
            match ipc::listen(&file, link.tcp.backlog) {
                Ok(l) => {
                    let text = format!("ipc://{}", file.display());
                    Ok((Listener::Unix(l), text, Some(Wildcard { dir, file })))
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&file);
                    let _ = std::fs::remove_dir(&dir);
                    Err(e)
                }
            }
        }
        BindAddress::Ipc(path) => {
            let l = ipc::listen(path, link.tcp.backlog)?;
            Ok((Listener::Unix(l), format!("ipc://{}", path.display()), None))
        }
    }
}

/// What one accept gave.
pub enum Accepted {
    Stream(Stream),
    /// Nothing is waiting.
    Done,
    /// accept(2) failed or the peer was turned away: ACCEPT_FAILED with
    /// this value, then the next one.
    Failed(u32),
    /// Out of descriptors or memory: ACCEPT_FAILED, and try again later
    /// (the connection stays queued and no new readiness would come).
    Exhausted(u32),
}

/// Accepts one connection. A peer refused by a filter is closed and
/// reported with value 0: libzmq reports whatever errno held then, which
/// is 0 in practice.
pub fn accept(listen: &mut Listen) -> Accepted {
    loop {
        let result = match &mut listen.listener {
            Listener::Tcp(t) => t.accept().map(|(s, peer)| {
                if !tcp::accepts(&listen.link.tcp, &peer) {
                    return Err(0);
                }
                tcp::tune(&s, &listen.link.tcp, true)
                    .map(|()| Stream::Tcp(s))
                    .map_err(|e| os_code(&e))
            }),
            Listener::Unix(u) => u.accept().map(|(s, _)| {
                if listen.link.ipc_filter.accepts(s.as_raw_fd()) {
                    Ok(Stream::Unix(s))
                } else {
                    Err(0)
                }
            }),
        };
        return match result {
            Ok(Ok(stream)) => Accepted::Stream(stream),
            Ok(Err(code)) => Accepted::Failed(code),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Accepted::Done,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => match e.raw_os_error() {
                Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) => {
                    Accepted::Exhausted(os_code(&e))
                }
                _ => Accepted::Failed(os_code(&e)),
            },
        };
    }
}

fn os_code(e: &io::Error) -> u32 {
    e.raw_os_error().unwrap_or(0) as u32
}
