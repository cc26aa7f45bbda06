//! libzmq's error numbers and the thread's `errno`.
//!
//! Every fallible function in the crate returns [`Result`]; the FFI layer
//! turns an `Err` into libzmq's `-1`/`NULL` plus `errno`.

use std::ffi::{c_char, c_int};

/// An errno value as libzmq reports it (system values on Linux, plus the
/// library's own block above `ZMQ_HAUSNUMERO`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub c_int);

pub type Result<T> = std::result::Result<T, Errno>;

/// Base of libzmq's private error numbers (`ZMQ_HAUSNUMERO` in zmq.h).
pub const HAUSNUMERO: c_int = 156_384_712;

impl Errno {
    pub const ENOENT: Errno = Errno(libc::ENOENT);
    pub const EINTR: Errno = Errno(libc::EINTR);
    pub const EBADF: Errno = Errno(libc::EBADF);
    pub const EAGAIN: Errno = Errno(libc::EAGAIN);
    pub const ENOMEM: Errno = Errno(libc::ENOMEM);
    pub const EFAULT: Errno = Errno(libc::EFAULT);
    pub const EINVAL: Errno = Errno(libc::EINVAL);
    pub const EMFILE: Errno = Errno(libc::EMFILE);
    pub const ENOTSUP: Errno = Errno(libc::ENOTSUP);
    pub const ENOTSOCK: Errno = Errno(libc::ENOTSOCK);
    pub const EPROTONOSUPPORT: Errno = Errno(libc::EPROTONOSUPPORT);
    pub const EADDRINUSE: Errno = Errno(libc::EADDRINUSE);
    pub const EHOSTUNREACH: Errno = Errno(libc::EHOSTUNREACH);
    pub const EFSM: Errno = Errno(HAUSNUMERO + 51);
    pub const ENOCOMPATPROTO: Errno = Errno(HAUSNUMERO + 52);
    pub const ETERM: Errno = Errno(HAUSNUMERO + 53);
    pub const EMTHREAD: Errno = Errno(HAUSNUMERO + 54);
}

/// Sets the calling thread's C `errno`.
pub fn set_errno(e: Errno) {
    // SAFETY: __errno_location returns the calling thread's errno slot,
    // valid for the whole life of the thread.
    unsafe { *libc::__errno_location() = e.0 };
}

/// Reads the calling thread's C `errno`.
pub fn errno() -> c_int {
    // SAFETY: as in set_errno.
    unsafe { *libc::__errno_location() }
}

/// Text for an error number: the library's own texts for its private codes
/// (and for EHOSTUNREACH, which libzmq words differently from glibc), the
/// platform's `strerror` for everything else.
pub fn strerror(errnum: c_int) -> *const c_char {
    let own: Option<&'static [u8]> = match errnum {
        e if e == Errno::EFSM.0 => Some(b"Operation cannot be accomplished in current state\0"),
        e if e == Errno::ENOCOMPATPROTO.0 => {
            Some(b"The protocol is not compatible with the socket type\0")
        }
        e if e == Errno::ETERM.0 => Some(b"Context was terminated\0"),
        e if e == Errno::EMTHREAD.0 => Some(b"No thread available\0"),
        libc::EHOSTUNREACH => Some(b"Host unreachable\0"),
        _ => None,
    };
    match own {
        Some(text) => text.as_ptr().cast(),
        // SAFETY: strerror accepts any int and returns a NUL-terminated
        // string that stays valid at least until the next call, as libzmq's
        // contract for zmq_strerror has always been.
        None => unsafe { libc::strerror(errnum) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(e: c_int) -> String {
        // SAFETY: strerror always returns a valid C string.
        unsafe { CStr::from_ptr(strerror(e)) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn library_codes_have_library_texts() {
        assert_eq!(text(Errno::ETERM.0), "Context was terminated");
        assert_eq!(text(libc::EHOSTUNREACH), "Host unreachable");
        assert_eq!(text(libc::EINVAL), "Invalid argument");
    }

    #[test]
    fn errno_round_trips() {
        set_errno(Errno::EFSM);
        assert_eq!(errno(), HAUSNUMERO + 51);
    }
}
