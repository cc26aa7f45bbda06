//! The exported C functions of libzmq 4.3.5, and nothing else.
//!
//! Each function checks its arguments as libzmq does, calls one Rust
//! function, and turns the result into libzmq's return value and `errno`.
//! Every body runs under [`guard`], so no panic unwinds into C. The safety
//! contract of each function is the one in libzmq's manual page.
#![allow(clippy::missing_safety_doc)]

mod ctx;
mod msg;
mod poll;
mod proxy;
mod socket;
mod types;
mod util;
mod version;

use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::errno::{set_errno, Errno, Result};
pub use types::{zmq_msg_t, zmq_poller_event_t, zmq_pollitem_t};

/// Runs `f`, turning a panic into `on_panic` with errno EFAULT: where
/// libzmq would abort on a broken invariant, the caller gets a failed call
/// and the process lives on.
fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        set_errno(Errno::EFAULT);
        on_panic
    })
}

/// libzmq's int convention: the value on success, -1 and errno on failure.
fn int_call(f: impl FnOnce() -> Result<c_int>) -> c_int {
    guard(-1, || {
        f().unwrap_or_else(|e| {
            set_errno(e);
            -1
        })
    })
}

/// For the functions returning an unsigned id, where 0 means failure.
fn u32_call(f: impl FnOnce() -> Result<u32>) -> u32 {
    guard(0, || {
        f().unwrap_or_else(|e| {
            set_errno(e);
            0
        })
    })
}

/// libzmq's pointer convention: NULL and errno on failure.
fn ptr_call<T>(f: impl FnOnce() -> Result<*mut T>) -> *mut T {
    guard(std::ptr::null_mut(), || {
        f().unwrap_or_else(|e| {
            set_errno(e);
            std::ptr::null_mut()
        })
    })
}

/// A C string argument; NULL is `err`.
///
/// # Safety
/// `p` must be null or a NUL-terminated string that outlives `'a`.
unsafe fn c_str<'a>(p: *const c_char, err: Errno) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(err);
    }
    // SAFETY: non-null, and the caller vouched for the terminator.
    Ok(unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// A byte-buffer argument; NULL is only allowed for an empty buffer.
///
/// # Safety
/// `p` must be null or valid for `len` bytes for `'a`.
unsafe fn bytes<'a>(p: *const c_void, len: usize) -> Result<&'a [u8]> {
    match (p.is_null(), len) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(Errno::EFAULT),
        // SAFETY: non-null and valid for len bytes, per the caller.
        (false, _) => Ok(unsafe { std::slice::from_raw_parts(p.cast(), len) }),
    }
}

/// A get-option call's out buffer: lends `get` the `*optvallen` bytes at
/// `optval` and stores back how many it used. NULL for either is EFAULT.
///
/// # Safety
/// `optvallen` must be null or valid; `optval` must be null or hold
/// `*optvallen` writable bytes.
unsafe fn get_into(
    optval: *mut c_void,
    optvallen: *mut usize,
    get: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<c_int> {
    if optval.is_null() || optvallen.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: optvallen is non-null and valid, per the caller.
    let len = unsafe { *optvallen };
    // SAFETY: optval is non-null and holds len writable bytes.
    let buf = unsafe { std::slice::from_raw_parts_mut(optval.cast::<u8>(), len) };
    let used = get(buf)?;
    // SAFETY: as above.
    unsafe { *optvallen = used };
    Ok(0)
}

/// For functions of the libzmq surface that ferrozmq does not provide yet
/// (listed as missing in docs/STATUS.md).
fn not_built<T>() -> Result<T> {
    Err(Errno::ENOTSUP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno::errno;

    #[test]
    fn panics_become_failed_calls() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let rc = int_call(|| panic!("internal bug"));
        std::panic::set_hook(quiet);
        assert_eq!(rc, -1);
        assert_eq!(errno(), libc::EFAULT);
    }

    #[test]
    fn errors_set_errno() {
        assert_eq!(int_call(|| Err(Errno::ETERM)), -1);
        assert_eq!(errno(), Errno::ETERM.0);
        assert!(ptr_call::<u8>(|| Err(Errno::ENOMEM)).is_null());
        assert_eq!(errno(), libc::ENOMEM);
        assert_eq!(u32_call(|| Err(Errno::EINVAL)), 0);
    }
}
