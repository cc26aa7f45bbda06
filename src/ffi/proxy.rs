//! Proxies: zmq_proxy, zmq_proxy_steerable, zmq_device.
//!
//! Not built yet (see docs/STATUS.md): argument checks as libzmq, then
//! ENOTSUP.

use std::ffi::{c_int, c_void};

use super::{int_call, not_built};
use crate::errno::{Errno, Result};

fn proxy(frontend: *mut c_void, backend: *mut c_void) -> Result<c_int> {
    if frontend.is_null() || backend.is_null() {
        return Err(Errno::EFAULT);
    }
    not_built()
}

#[no_mangle]
pub extern "C" fn zmq_proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    _capture: *mut c_void,
) -> c_int {
    int_call(|| proxy(frontend, backend))
}

#[no_mangle]
pub extern "C" fn zmq_proxy_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    _capture: *mut c_void,
    _control: *mut c_void,
) -> c_int {
    int_call(|| proxy(frontend, backend))
}

#[no_mangle]
pub extern "C" fn zmq_device(_kind: c_int, frontend: *mut c_void, backend: *mut c_void) -> c_int {
    int_call(|| proxy(frontend, backend))
}
