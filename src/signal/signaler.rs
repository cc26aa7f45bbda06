//! An eventfd used as a level signal: readable from `send` until `reset`.
//! A socket's signaler is its ZMQ_FD.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Instant;

use crate::errno::{Errno, Result};

pub struct Signaler {
    fd: OwnedFd,
}

impl Signaler {
    pub fn new() -> Result<Signaler> {
        // SAFETY: eventfd has no memory arguments.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(Errno(
                io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EMFILE),
            ));
        }
        // SAFETY: fd is a fresh descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Signaler { fd })
    }

    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Makes the fd readable.
    pub fn send(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64. An eventfd write only
        // fails when the counter would overflow, which cannot happen with
        // writes of 1 reset by reads; the fd stays readable either way.
        unsafe { libc::write(self.fd(), (&one as *const u64).cast(), 8) };
    }

    /// Makes the fd unreadable again.
    pub fn reset(&self) {
        let mut value: u64 = 0;
        // SAFETY: reads 8 bytes into a live u64; EAGAIN (already reset) is
        // fine.
        unsafe { libc::read(self.fd(), (&mut value as *mut u64).cast(), 8) };
    }

    /// Waits until the fd is readable or `deadline` passes (None: forever).
    /// Ok(true) when signalled, Ok(false) on timeout, EINTR on a signal.
    pub fn wait(&self, deadline: Option<Instant>) -> Result<bool> {
        let timeout = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
            }
        };
        let mut pfd = libc::pollfd {
            fd: self.fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, timeout) };
        match rc {
            0 => Ok(false),
            n if n > 0 => Ok(true),
            _ => match io::Error::last_os_error().raw_os_error() {
                Some(libc::EINTR) => Err(Errno::EINTR),
                Some(e) => Err(Errno(e)),
                None => Err(Errno::EFAULT),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn level_until_reset() {
        let s = Signaler::new().unwrap();
        let soon = || Some(Instant::now() + Duration::from_millis(10));
        assert!(!s.wait(soon()).unwrap());
        s.send();
        s.send();
        assert!(s.wait(soon()).unwrap());
        assert!(s.wait(soon()).unwrap());
        s.reset();
        assert!(!s.wait(soon()).unwrap());
    }
}
