//! ipc:// (unix domain sockets) as libzmq does it: paths and `@abstract`
//! names, the `*` wildcard (a fresh directory holding a file `socket`),
//! the IPC_FILTER_* checks of accepted peers, and their Peer-Address.

use std::collections::BTreeSet;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use super::sys::{self, RawAddr};
use crate::errno::{Errno, Result};

/// The environment variables libzmq looks in, in order, for the directory
/// of an `ipc://*` bind.
const TMP_ENV: [&str; 3] = ["TMPDIR", "TEMPDIR", "TMP"];

/// An ipc:// address: a path, `@name` (Linux abstract namespace) or `*`.
/// ENAMETOOLONG when it cannot fit sun_path, EINVAL for `@` alone.
pub fn ipc_path(address: &str) -> Result<PathBuf> {
    if address == "@" {
        return Err(Errno::EINVAL);
    }
    if address.len() > 107 {
        return Err(Errno(libc::ENAMETOOLONG));
    }
    Ok(PathBuf::from(address))
}

/// The directory and socket path for an `ipc://*` bind: mkdtemp under
/// the first of $TMPDIR, $TEMPDIR, $TMP that is a directory, else
/// relative to the current directory (as libzmq does).
pub fn wildcard() -> io::Result<(PathBuf, PathBuf)> {
    let base = TMP_ENV
        .iter()
        .filter_map(std::env::var_os)
        .find(|dir| Path::new(dir).is_dir())
        .map(|dir| {
            let mut dir = dir.to_string_lossy().into_owned();
            if !dir.ends_with('/') {
                dir.push('/');
            }
            dir
        })
        .unwrap_or_default();
    let dir = PathBuf::from(sys::mkdtemp(&format!("{base}tmpXXXXXX"))?);
    let file = dir.join("socket");
    Ok((dir, file))
}

/// A listening unix socket on `path` (BACKLOG applies). A file left at
/// the path is replaced, as libzmq replaces it.
pub fn listen(path: &Path, backlog: i32) -> io::Result<mio::net::UnixListener> {
    let addr = RawAddr::unix(path)?;
    if !path.as_os_str().to_string_lossy().starts_with('@') {
        let _ = std::fs::remove_file(path);
    }
    let fd = sys::stream_socket(libc::AF_UNIX)?;
    sys::bind(&fd, &addr)?;
    sys::listen(&fd, backlog)?;
    Ok(mio::net::UnixListener::from_std(fd.into()))
}

/// A unix socket connecting to `path`: the socket, then the result of
/// connect(2) (which on Linux completes or fails at once).
pub fn connect(path: &Path) -> io::Result<(OwnedFd, io::Result<()>)> {
    let addr = RawAddr::unix(path)?;
    let fd = sys::stream_socket(libc::AF_UNIX)?;
    let result = sys::connect(&fd, &addr);
    Ok((fd, result))
}

/// ZMQ_IPC_FILTER_PID/UID/GID of a listener.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpcFilter {
    pub pids: BTreeSet<i32>,
    pub uids: BTreeSet<u32>,
    pub gids: BTreeSet<u32>,
}

impl IpcFilter {
    /// libzmq's ipc_listener_t::filter: with no filter set everyone is
    /// let in; otherwise the peer's pid, uid or primary gid must be
    /// listed, or its user must be a member of a listed group.
    pub fn accepts(&self, fd: RawFd) -> bool {
        if self.pids.is_empty() && self.uids.is_empty() && self.gids.is_empty() {
            return true;
        }
        let Ok((pid, uid, gid)) = sys::peer_credentials(fd) else {
            return false;
        };
        if self.uids.contains(&uid) || self.gids.contains(&gid) || self.pids.contains(&pid) {
            return true;
        }
        let Some(user) = sys::user_name(uid) else {
            return false;
        };
        self.gids
            .iter()
            .any(|&g| sys::group_members(g).is_some_and(|members| is_member(&user, &members)))
    }
}

fn is_member(user: &[u8], members: &[Vec<u8>]) -> bool {
    members.iter().any(|m| m == user)
}

/// The Peer-Address of an ipc connection, as libzmq 4.3 makes it on
/// Linux: getnameinfo's "localhost" for the unix address, then
/// ":uid:gid:pid" from SO_PEERCRED.
pub fn peer_address(fd: &impl AsRawFd) -> String {
    match sys::peer_credentials(fd.as_raw_fd()) {
        Ok((pid, uid, gid)) => format!("localhost:{uid}:{gid}:{pid}"),
        Err(_) => "localhost".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn paths() {
        assert_eq!(ipc_path("@").unwrap_err(), Errno::EINVAL);
        assert_eq!(
            ipc_path(&"x".repeat(108)).unwrap_err(),
            Errno(libc::ENAMETOOLONG)
        );
        assert!(ipc_path(&"x".repeat(107)).is_ok());
    }

    #[test]
    fn filters_by_credentials() {
        let (a, _b) = UnixStream::pair().unwrap();
        // SAFETY: getpid/getuid/getgid cannot fail.
        let (pid, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
        let fd = a.as_raw_fd();
        assert!(IpcFilter::default().accepts(fd));
        let only = |f: IpcFilter| f.accepts(fd);
        assert!(only(IpcFilter {
            pids: [pid].into(),
            ..IpcFilter::default()
        }));
        assert!(only(IpcFilter {
            uids: [uid].into(),
            ..IpcFilter::default()
        }));
        assert!(only(IpcFilter {
            gids: [gid].into(),
            ..IpcFilter::default()
        }));
        assert!(!only(IpcFilter {
            uids: [uid + 1].into(),
            pids: [pid + 1].into(),
            ..IpcFilter::default()
        }));
        assert_eq!(peer_address(&a), format!("localhost:{uid}:{gid}:{pid}"));
    }

    #[test]
    fn group_membership() {
        let members = vec![b"alice".to_vec(), b"bob".to_vec()];
        assert!(is_member(b"bob", &members));
        assert!(!is_member(b"bo", &members));
        assert!(!is_member(b"carol", &[]));
    }

    #[test]
    fn wildcard_directory() {
        let (dir, file) = wildcard().unwrap();
        assert!(dir.is_dir());
        assert_eq!(file, dir.join("socket"));
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("tmp") && name.len() == 9, "{name}");
        std::fs::remove_dir(&dir).unwrap();
    }
}
