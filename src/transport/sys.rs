//! The system calls std and mio do not offer: sockets set up before they
//! bind, listen or connect (libzmq applies its options there), options by
//! number, interface addresses, peer credentials and user/group lookups.
//! Every `unsafe` of the transports lives here.

use std::ffi::{CStr, CString};
use std::io;
use std::mem::{size_of, MaybeUninit};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use libc::{c_int, c_void, socklen_t};

fn check(rc: c_int) -> io::Result<c_int> {
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// A non-blocking, close-on-exec stream socket of `family`.
pub fn stream_socket(family: c_int) -> io::Result<OwnedFd> {
    // SAFETY: socket(2) takes plain integers and returns a new fd or -1.
    let fd = check(unsafe {
        libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    })?;
    // SAFETY: `fd` was just returned by socket(2) and is owned by no one else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub fn set_int(fd: &impl AsRawFd, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    set_bytes(fd, level, name, &value.to_ne_bytes())
}

pub fn set_bytes(fd: &impl AsRawFd, level: c_int, name: c_int, value: &[u8]) -> io::Result<()> {
    // SAFETY: the pointer and length describe `value`, which outlives the call.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_ptr().cast::<c_void>(),
            value.len() as socklen_t,
        )
    })
    .map(drop)
}

pub fn get_int(fd: RawFd, level: c_int, name: c_int) -> io::Result<c_int> {
    let mut value: c_int = 0;
    let mut len = size_of::<c_int>() as socklen_t;
    // SAFETY: `value` and `len` are valid for writes of the sizes given.
    check(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut value as *mut c_int).cast::<c_void>(),
            &mut len,
        )
    })?;
    Ok(value)
}

/// A socket address in the C layout, for bind(2) and connect(2).
pub struct RawAddr {
    storage: libc::sockaddr_storage,
    len: socklen_t,
}

impl RawAddr {
    pub fn ip(addr: &SocketAddr) -> RawAddr {
        // SAFETY: all-zero bytes are a valid sockaddr_storage.
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: a.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(a.ip().octets()),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_storage is larger than and aligned for
                // sockaddr_in.
                unsafe {
                    std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin)
                };
                size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: a.port().to_be(),
                    sin6_flowinfo: a.flowinfo(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: a.ip().octets(),
                    },
                    sin6_scope_id: a.scope_id(),
                };
                // SAFETY: sockaddr_storage is larger than and aligned for
                // sockaddr_in6.
                unsafe {
                    std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6)
                };
                size_of::<libc::sockaddr_in6>()
            }
        };
        RawAddr {
            storage,
            len: len as socklen_t,
        }
    }

    /// A unix socket path; `@name` is a Linux abstract name (a leading NUL
    /// and no terminating one, as libzmq makes it). ENAMETOOLONG when it
    /// does not fit sun_path.
    pub fn unix(path: &Path) -> io::Result<RawAddr> {
        let bytes = path.as_os_str().as_bytes();
        // SAFETY: all-zero bytes are a valid sockaddr_storage.
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_un.
        let sun = unsafe {
            &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_un>()
        };
        sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
        // libzmq's rule: the text, '@' included, must be shorter than
        // sun_path; the length passed is that of the text.
        if bytes.len() >= sun.sun_path.len() || bytes.contains(&0) {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        for (dst, &src) in sun.sun_path.iter_mut().zip(bytes) {
            *dst = src as libc::c_char;
        }
        if bytes.starts_with(b"@") {
            sun.sun_path[0] = 0;
        }
        let len = size_of::<libc::sa_family_t>() + bytes.len();
        Ok(RawAddr {
            storage,
            len: len as socklen_t,
        })
    }

    fn ptr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }
}

pub fn bind(fd: &impl AsRawFd, addr: &RawAddr) -> io::Result<()> {
    // SAFETY: `addr` holds a valid socket address of `addr.len` bytes.
    check(unsafe { libc::bind(fd.as_raw_fd(), addr.ptr(), addr.len) }).map(drop)
}

/// connect(2) on a non-blocking socket: EINPROGRESS comes back as an error.
pub fn connect(fd: &impl AsRawFd, addr: &RawAddr) -> io::Result<()> {
    // SAFETY: `addr` holds a valid socket address of `addr.len` bytes.
    check(unsafe { libc::connect(fd.as_raw_fd(), addr.ptr(), addr.len) }).map(drop)
}

pub fn listen(fd: &impl AsRawFd, backlog: i32) -> io::Result<()> {
    // SAFETY: listen(2) takes plain integers.
    check(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// Takes over a listening socket the application made (ZMQ_USE_FD):
/// checked to be an open socket that listens, made non-blocking. It is
/// ours from then on, closed with the listener, as libzmq does.
pub fn adopt_listener(fd: RawFd) -> io::Result<OwnedFd> {
    if get_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN)? != 1 {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: fcntl(2) on an fd takes plain integers.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    // SAFETY: getsockopt succeeded on fd, so it is an open socket; the
    // application gave it to the library with ZMQ_USE_FD, which is how
    // libzmq takes ownership of it too.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Every interface address of the given family, in getifaddrs order.
pub fn interface_addresses(ipv6: bool) -> io::Result<Vec<(String, IpAddr)>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes a list head we free below.
    check(unsafe { libc::getifaddrs(&mut list) })?;
    let mut found = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, not yet
        // freed.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: ifa_addr points to a sockaddr whose family says its type.
        let family = c_int::from(unsafe { (*ifa.ifa_addr).sa_family });
        let ip = match (family, ipv6) {
            (libc::AF_INET, false) => {
                // SAFETY: an AF_INET address is a sockaddr_in.
                let sin = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in>() };
                IpAddr::V4(Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()))
            }
            (libc::AF_INET6, true) => {
                // SAFETY: an AF_INET6 address is a sockaddr_in6.
                let sin6 = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in6>() };
                IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr))
            }
            _ => continue,
        };
        // SAFETY: ifa_name is a NUL-terminated string owned by the list.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) };
        found.push((name.to_string_lossy().into_owned(), ip));
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(found)
}

pub fn interface_index(name: &str) -> Option<u32> {
    let name = CString::new(name).ok()?;
    // SAFETY: `name` is a NUL-terminated string.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

pub fn interface_name(index: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `buf` has the IF_NAMESIZE bytes if_indextoname may write.
    let name = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if name.is_null() {
        return None;
    }
    // SAFETY: on success `buf` holds a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(buf.as_ptr()) };
    Some(name.to_string_lossy().into_owned())
}

/// mkdtemp(3): creates a new directory from `template` (ending in
/// XXXXXX) and returns its name.
pub fn mkdtemp(template: &str) -> io::Result<String> {
    let mut buf = CString::new(template)
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?
        .into_bytes_with_nul();
    // SAFETY: `buf` is a writable NUL-terminated template.
    let dir = unsafe { libc::mkdtemp(buf.as_mut_ptr().cast()) };
    if dir.is_null() {
        return Err(io::Error::last_os_error());
    }
    buf.pop();
    String::from_utf8(buf).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// The peer's credentials on a unix socket (SO_PEERCRED): pid, uid, gid.
pub fn peer_credentials(fd: RawFd) -> io::Result<(i32, u32, u32)> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = size_of::<libc::ucred>() as socklen_t;
    // SAFETY: `cred` and `len` are valid for writes of the sizes given.
    check(unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast::<c_void>(),
            &mut len,
        )
    })?;
    Ok((cred.pid, cred.uid, cred.gid))
}

/// Runs a getpw*_r/getgr*_r style call with a buffer that grows while
/// the call answers ERANGE.
fn with_buffer(mut call: impl FnMut(&mut [u8]) -> c_int) {
    let mut buf = vec![0u8; 1024];
    while call(&mut buf) == libc::ERANGE && buf.len() < 1 << 20 {
        buf.resize(buf.len() * 2, 0);
    }
}

/// The name of user `uid` (getpwuid_r).
pub fn user_name(uid: u32) -> Option<Vec<u8>> {
    let mut name = None;
    with_buffer(|buf| {
        let mut entry = MaybeUninit::<libc::passwd>::uninit();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: `entry`, `buf` and `result` are valid for the writes
        // getpwuid_r makes; `buf.len()` is the buffer's size.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                entry.as_mut_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == 0 && !result.is_null() {
            // SAFETY: on success pw_name points into `buf`, NUL-terminated.
            name = Some(
                unsafe { CStr::from_ptr((*result).pw_name) }
                    .to_bytes()
                    .to_vec(),
            );
        }
        rc
    });
    name
}

/// The member names of group `gid` (getgrgid_r).
pub fn group_members(gid: u32) -> Option<Vec<Vec<u8>>> {
    let mut members = None;
    with_buffer(|buf| {
        let mut entry = MaybeUninit::<libc::group>::uninit();
        let mut result: *mut libc::group = std::ptr::null_mut();
        // SAFETY: `entry`, `buf` and `result` are valid for the writes
        // getgrgid_r makes; `buf.len()` is the buffer's size.
        let rc = unsafe {
            libc::getgrgid_r(
                gid,
                entry.as_mut_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == 0 && !result.is_null() {
            let mut names = Vec::new();
            // SAFETY: on success gr_mem is a NULL-terminated array of
            // NUL-terminated strings inside `buf`.
            unsafe {
                let mut member = (*result).gr_mem;
                while !member.is_null() && !(*member).is_null() {
                    names.push(CStr::from_ptr(*member).to_bytes().to_vec());
                    member = member.add(1);
                }
            }
            members = Some(names);
        }
        rc
    });
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_interface_is_listed() {
        let v4 = interface_addresses(false).unwrap();
        assert!(v4
            .iter()
            .any(|(name, ip)| name == "lo" && *ip == IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(
            interface_name(interface_index("lo").unwrap()).as_deref(),
            Some("lo")
        );
        assert_eq!(interface_index("no-such-if0"), None);
    }

    #[test]
    fn unix_addresses() {
        let abs = RawAddr::unix(Path::new("@name")).unwrap();
        assert_eq!(abs.len as usize, 2 + 5);
        let long = "x".repeat(108);
        assert!(RawAddr::unix(Path::new(&format!("@{}", &long[..106]))).is_ok());
        assert!(RawAddr::unix(Path::new(&format!("@{}", &long[..107]))).is_err());
        assert_eq!(
            RawAddr::unix(Path::new(&long))
                .err()
                .and_then(|e| e.raw_os_error()),
            Some(libc::ENAMETOOLONG)
        );
        assert!(RawAddr::unix(Path::new(&long[..107])).is_ok());
    }

    #[test]
    fn root_is_known() {
        assert_eq!(user_name(0).as_deref(), Some(&b"root"[..]));
        assert!(group_members(0).is_some());
    }
}
