//! tcp:// sockets set up as libzmq's tcp.cpp sets them up: TOS, device
//! and buffer sizes before bind or connect, the listen backlog, and
//! NODELAY, keepalives and TCP_USER_TIMEOUT on every new connection.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};

use libc::{IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, SOL_SOCKET};

use super::ip::TcpAddressMask;
use super::sys::{self, RawAddr};

/// The socket options tcp listeners and connecters apply, taken from the
/// socket when it binds or connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpOptions {
    pub ipv6: bool,
    /// SO_SNDBUF / SO_RCVBUF in bytes; -1 leaves the system's value.
    pub sndbuf: i32,
    pub rcvbuf: i32,
    /// IP_TOS / IPV6_TCLASS; 0 leaves it alone.
    pub tos: i32,
    /// SO_KEEPALIVE (-1: untouched); the three others are applied only
    /// when it is 0 or 1, each unless -1.
    pub keepalive: i32,
    pub keepalive_cnt: i32,
    pub keepalive_idle: i32,
    pub keepalive_intvl: i32,
    /// TCP_USER_TIMEOUT in ms; 0 leaves it alone.
    pub maxrt: i32,
    pub backlog: i32,
    /// SO_BINDTODEVICE; empty for none.
    pub device: Vec<u8>,
    /// Peers a listener accepts (empty: all).
    pub accept_filters: Vec<TcpAddressMask>,
}

impl Default for TcpOptions {
    /// libzmq's defaults.
    fn default() -> TcpOptions {
        TcpOptions {
            ipv6: false,
            sndbuf: -1,
            rcvbuf: -1,
            tos: 0,
            keepalive: -1,
            keepalive_cnt: -1,
            keepalive_idle: -1,
            keepalive_intvl: -1,
            maxrt: 0,
            backlog: 100,
            device: Vec::new(),
            accept_filters: Vec::new(),
        }
    }
}

/// libzmq's tcp_open_socket: a socket of `addr`'s family (IPv6 ones take
/// IPv4-mapped traffic too) with TOS, device and buffer sizes set. Only
/// a refused device fails it, as in libzmq.
pub fn open(addr: &SocketAddr, o: &TcpOptions) -> io::Result<OwnedFd> {
    let family = if addr.is_ipv6() {
        libc::AF_INET6
    } else {
        libc::AF_INET
    };
    let fd = sys::stream_socket(family)?;
    if addr.is_ipv6() {
        let _ = sys::set_int(&fd, IPPROTO_IPV6, libc::IPV6_V6ONLY, 0);
    }
    set_tos(&fd, o.tos);
    if !o.device.is_empty() {
        sys::set_bytes(&fd, SOL_SOCKET, libc::SO_BINDTODEVICE, &o.device)?;
    }
    if o.sndbuf >= 0 {
        let _ = sys::set_int(&fd, SOL_SOCKET, libc::SO_SNDBUF, o.sndbuf);
    }
    if o.rcvbuf >= 0 {
        let _ = sys::set_int(&fd, SOL_SOCKET, libc::SO_RCVBUF, o.rcvbuf);
    }
    Ok(fd)
}

/// Both IP_TOS and IPV6_TCLASS, as libzmq sets them; either may not
/// apply to the socket's family.
fn set_tos(fd: &OwnedFd, tos: i32) {
    if tos != 0 {
        let _ = sys::set_int(fd, IPPROTO_IP, libc::IP_TOS, tos);
        let _ = sys::set_int(fd, IPPROTO_IPV6, libc::IPV6_TCLASS, tos);
    }
}

/// A listening socket on `addr` (SO_REUSEADDR, BACKLOG).
pub fn listen(addr: &SocketAddr, o: &TcpOptions) -> io::Result<mio::net::TcpListener> {
    let fd = open(addr, o)?;
    sys::set_int(&fd, SOL_SOCKET, libc::SO_REUSEADDR, 1)?;
    sys::bind(&fd, &RawAddr::ip(addr))?;
    sys::listen(&fd, o.backlog)?;
    Ok(mio::net::TcpListener::from_std(fd.into()))
}

/// Starts a non-blocking connect from `fd` (made by [`open`]), bound to
/// `source` first if given. Ok(true) when it completed at once, Ok(false)
/// while in progress.
pub fn start_connect(
    fd: &OwnedFd,
    addr: &SocketAddr,
    source: Option<&SocketAddr>,
) -> io::Result<bool> {
    if let Some(source) = source {
        // Several connections may share the source port.
        sys::set_int(fd, SOL_SOCKET, libc::SO_REUSEADDR, 1)?;
        sys::bind(fd, &RawAddr::ip(source))?;
    }
    match sys::connect(fd, &RawAddr::ip(addr)) {
        Ok(()) => Ok(true),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINPROGRESS | libc::EINTR)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What every new connection gets (libzmq's tune_tcp_socket,
/// tune_tcp_keepalives and tune_tcp_maxrt); accepted ones get TOS again
/// too. A failure means the connection is dropped, as in libzmq.
pub fn tune(fd: &impl AsRawFd, o: &TcpOptions, accepted: bool) -> io::Result<()> {
    if accepted && o.tos != 0 {
        let _ = sys::set_int(fd, IPPROTO_IP, libc::IP_TOS, o.tos);
        let _ = sys::set_int(fd, IPPROTO_IPV6, libc::IPV6_TCLASS, o.tos);
    }
    sys::set_int(fd, IPPROTO_TCP, libc::TCP_NODELAY, 1)?;
    if o.keepalive != -1 {
        sys::set_int(fd, SOL_SOCKET, libc::SO_KEEPALIVE, o.keepalive)?;
        for (name, value) in [
            (libc::TCP_KEEPCNT, o.keepalive_cnt),
            (libc::TCP_KEEPIDLE, o.keepalive_idle),
            (libc::TCP_KEEPINTVL, o.keepalive_intvl),
        ] {
            if value != -1 {
                sys::set_int(fd, IPPROTO_TCP, name, value)?;
            }
        }
    }
    if o.maxrt > 0 {
        sys::set_int(fd, IPPROTO_TCP, libc::TCP_USER_TIMEOUT, o.maxrt)?;
    }
    Ok(())
}

/// Whether TCP_ACCEPT_FILTER lets `peer` in.
pub fn accepts(o: &TcpOptions, peer: &SocketAddr) -> bool {
    o.accept_filters.is_empty() || o.accept_filters.iter().any(|f| f.matches(&peer.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(fd: &impl AsRawFd, level: i32, name: i32) -> i32 {
        sys::get_int(fd.as_raw_fd(), level, name).unwrap()
    }

    #[test]
    fn options_reach_the_listener_and_connections() {
        let o = TcpOptions {
            tos: 0x28,
            rcvbuf: 65536,
            keepalive: 1,
            keepalive_cnt: 4,
            keepalive_idle: 50,
            keepalive_intvl: 7,
            maxrt: 3000,
            device: b"lo".to_vec(),
            ..TcpOptions::default()
        };
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let listener = listen(&any, &o).unwrap();
        assert_eq!(int(&listener, IPPROTO_IP, libc::IP_TOS), 0x28);
        // The kernel doubles what it is given.
        assert_eq!(int(&listener, SOL_SOCKET, libc::SO_RCVBUF), 131072);
        let to = listener.local_addr().unwrap();
        let fd = open(&to, &o).unwrap();
        let done = start_connect(&fd, &to, None).unwrap();
        tune(&fd, &o, false).unwrap();
        assert!(!done || int(&fd, IPPROTO_TCP, libc::TCP_NODELAY) == 1);
        assert_eq!(int(&fd, SOL_SOCKET, libc::SO_KEEPALIVE), 1);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_KEEPCNT), 4);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_KEEPIDLE), 50);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_KEEPINTVL), 7);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_USER_TIMEOUT), 3000);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_NODELAY), 1);
    }

    #[test]
    fn defaults_leave_the_system_alone() {
        let o = TcpOptions::default();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let fd = open(&any, &o).unwrap();
        tune(&fd, &o, false).unwrap();
        assert_eq!(int(&fd, SOL_SOCKET, libc::SO_KEEPALIVE), 0);
        assert_eq!(int(&fd, IPPROTO_TCP, libc::TCP_USER_TIMEOUT), 0);
        assert_eq!(int(&fd, IPPROTO_IP, libc::IP_TOS), 0);
    }

    #[test]
    fn an_unknown_device_is_refused() {
        let o = TcpOptions {
            device: b"nosuchdev0".to_vec(),
            ..TcpOptions::default()
        };
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let err = listen(&any, &o).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENODEV));
    }

    #[test]
    fn the_source_address_is_bound() {
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let o = TcpOptions::default();
        let listener = listen(&any, &o).unwrap();
        let to = listener.local_addr().unwrap();
        let fd = open(&to, &o).unwrap();
        let source: SocketAddr = "127.0.0.2:0".parse().unwrap();
        start_connect(&fd, &to, Some(&source)).unwrap();
        let stream = std::net::TcpStream::from(fd);
        let local = stream.local_addr().unwrap();
        assert_eq!(local.ip(), source.ip());
    }
}
