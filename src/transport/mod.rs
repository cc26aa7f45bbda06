//! Network transports: what tcp:// and ipc:// endpoints mean, the
//! sockets behind them set up as libzmq sets them up, and the streams the
//! engines read and write.

pub mod ip;
pub mod ipc;
pub mod socks;
mod sys;
pub mod tcp;

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;

/// Where a listener binds.
#[derive(Clone, Debug)]
pub enum BindAddress {
    Tcp(SocketAddr),
    /// A path, `@name`, or anything starting with `*` (the wildcard).
    Ipc(PathBuf),
}

/// A connected byte stream of either kind.
pub enum Stream {
    Tcp(mio::net::TcpStream),
    Unix(mio::net::UnixStream),
}

impl Stream {
    pub fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }

    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Stream::Tcp(s) => s,
            Stream::Unix(s) => s,
        }
    }

    /// The error of a failed non-blocking connect, if any.
    pub fn take_error(&self) -> Option<io::Error> {
        let pending = match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Unix(s) => s.take_error(),
        };
        pending.unwrap_or_else(Some)
    }

    /// Sends FIN after what is queued; reading goes on.
    pub fn shutdown_write(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Write),
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Write),
        }
    }

    /// The Peer-Address metadata value.
    pub fn peer_address(&self) -> String {
        match self {
            Stream::Tcp(s) => s.peer_addr().map_or_else(
                |_| String::new(),
                |a| {
                    let scope = match a {
                        SocketAddr::V6(v6) => v6.scope_id(),
                        SocketAddr::V4(_) => 0,
                    };
                    ip::host_text(&a.ip(), scope)
                },
            ),
            Stream::Unix(s) => ipc::peer_address(s),
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Takes over the listening socket an application gave with ZMQ_USE_FD.
pub fn adopt_listener(fd: RawFd) -> io::Result<std::os::fd::OwnedFd> {
    sys::adopt_listener(fd)
}
