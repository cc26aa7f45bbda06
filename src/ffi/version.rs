//! Errors, version and capabilities.

use std::ffi::{c_char, c_int};

use super::guard;
use crate::{errno, util::capability};

/// The libzmq version whose API and behaviour ferrozmq provides.
pub const VERSION: (c_int, c_int, c_int) = (4, 3, 5);

#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    errno::errno()
}

#[no_mangle]
pub extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    guard(c"Unknown error".as_ptr(), || errno::strerror(errnum))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) {
    for (out, value) in [(major, VERSION.0), (minor, VERSION.1), (patch, VERSION.2)] {
        if !out.is_null() {
            // SAFETY: non-null pointers given to zmq_version point at ints.
            unsafe { out.write(value) };
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_has(capability: *const c_char) -> c_int {
    guard(0, || {
        // SAFETY: a non-null argument is a C string, per zmq_has(3).
        match unsafe { super::c_str(capability, errno::Errno::EINVAL) } {
            Ok(name) => capability::has(name) as c_int,
            Err(_) => 0,
        }
    })
}

/// Not part of libzmq: lets a program (and our tests) tell that the
/// `libzmq.so.5` it loaded is ferrozmq.
#[no_mangle]
pub extern "C" fn ferrozmq_version() -> *const c_char {
    concat!("ferrozmq ", env!("CARGO_PKG_VERSION"), "\0")
        .as_ptr()
        .cast()
}
