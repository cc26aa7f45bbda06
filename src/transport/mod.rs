//! Network addresses: what tcp:// and ipc:// endpoints mean, and the
//! streams and listeners behind them.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;

use crate::errno::{Errno, Result};

/// Where a listener binds.
#[derive(Clone, Debug)]
pub enum BindAddress {
    Tcp(SocketAddr),
    Ipc(PathBuf),
}

/// tcp:// bind address: `*`, an IP literal (IPv6 bare or in brackets) and
/// a port number, `*` or `0` for an ephemeral port. Names are refused with
/// ENODEV, as libzmq does for anything it cannot find as an interface.
pub fn tcp_bind_address(address: &str, ipv6: bool) -> Result<SocketAddr> {
    let (host, port) = split_host_port(address)?;
    let port = match port {
        "*" | "0" => 0,
        p => p.parse::<u16>().map_err(|_| Errno::EINVAL)?,
    };
    let ip = match host {
        "*" if ipv6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        "*" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        "lo" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => {
            let ip: IpAddr = h.parse().map_err(|_| Errno(libc::ENODEV))?;
            if ip.is_ipv6() && !ipv6 {
                return Err(Errno(libc::ENODEV));
            }
            ip
        }
    };
    Ok(SocketAddr::new(ip, port))
}

/// tcp:// connect address: host (name, IPv4 or [IPv6]) and a numeric port.
/// Names are resolved when the connection is attempted.
pub fn tcp_connect_target(address: &str) -> Result<(String, u16)> {
    // A source address ("src;dst") is accepted but the source is unused.
    let address = address.rsplit_once(';').map_or(address, |(_, dst)| dst);
    let (host, port) = split_host_port(address)?;
    let port = port.parse::<u16>().map_err(|_| Errno::EINVAL)?;
    if host.is_empty() || port == 0 {
        return Err(Errno::EINVAL);
    }
    Ok((host.to_string(), port))
}

fn split_host_port(address: &str) -> Result<(&str, &str)> {
    let (host, port) = address.rsplit_once(':').ok_or(Errno::EINVAL)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() || port.is_empty() {
        return Err(Errno::EINVAL);
    }
    Ok((host, port))
}

/// Every address a connect target resolves to.
pub fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// The ZMQ_LAST_ENDPOINT text of a bound tcp address.
pub fn tcp_endpoint_text(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
    }
}

/// ipc:// path; `@name` is a Linux abstract-namespace name.
pub fn ipc_path(address: &str) -> Result<PathBuf> {
    if address == "@" || address.len() > 107 {
        return Err(if address == "@" {
            Errno::EINVAL
        } else {
            Errno(libc::ENAMETOOLONG)
        });
    }
    Ok(PathBuf::from(address))
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
            Stream::Tcp(s) => s
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
            Stream::Unix(_) => String::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_addresses() {
        assert_eq!(
            tcp_bind_address("*:*", false).unwrap().to_string(),
            "0.0.0.0:0"
        );
        assert_eq!(
            tcp_bind_address("127.0.0.1:5555", false).unwrap().port(),
            5555
        );
        assert_eq!(
            tcp_bind_address("localhost:5555", false).unwrap_err(),
            Errno(libc::ENODEV)
        );
        assert_eq!(tcp_bind_address("*:x", false).unwrap_err(), Errno::EINVAL);
        assert_eq!(
            tcp_bind_address("::1:5", false).unwrap_err(),
            Errno(libc::ENODEV)
        );
        assert!(tcp_bind_address("[::1]:5", true).unwrap().is_ipv6());
        assert_eq!(
            tcp_connect_target("localhost:80").unwrap(),
            ("localhost".into(), 80)
        );
        assert_eq!(tcp_connect_target("host:*").unwrap_err(), Errno::EINVAL);
        assert_eq!(
            tcp_connect_target("127.0.0.1;10.0.0.1:5555").unwrap(),
            ("10.0.0.1".into(), 5555)
        );
        let a: SocketAddr = "127.0.0.1:41".parse().unwrap();
        assert_eq!(tcp_endpoint_text(a), "tcp://127.0.0.1:41");
    }
}
