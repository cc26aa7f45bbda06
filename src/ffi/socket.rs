//! Sockets: creation, options, endpoints, send and receive.
//!
//! Not built yet (see docs/STATUS.md): every call checks what libzmq
//! checks first (NULL handles, bad arguments) and then fails with ENOTSUP.

use std::ffi::{c_char, c_int, c_void};

use super::{ctx, int_call, not_built, ptr_call, u32_call, zmq_msg_t};
use crate::errno::{Errno, Result};
use crate::msg::raw;

/// Largest socket type number (ZMQ_CHANNEL).
const MAX_SOCKET_TYPE: c_int = 20;

/// No socket can exist yet, so a NULL handle is ENOTSOCK and anything else
/// is a call we cannot serve.
fn socket_call(s: *mut c_void) -> Result<c_int> {
    if s.is_null() {
        return Err(Errno::ENOTSOCK);
    }
    not_built()
}

fn msg_call(msg: *mut zmq_msg_t, s: *mut c_void) -> Result<c_int> {
    // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
    if !unsafe { raw::is_live(msg.cast()) } {
        return Err(Errno::EFAULT);
    }
    socket_call(s)
}

#[no_mangle]
pub extern "C" fn zmq_socket(context: *mut c_void, kind: c_int) -> *mut c_void {
    ptr_call(|| {
        let ctx = ctx::lookup(context)?;
        if ctx.is_shut_down() {
            return Err(Errno::ETERM);
        }
        if !(0..=MAX_SOCKET_TYPE).contains(&kind) {
            return Err(Errno::EINVAL);
        }
        not_built()
    })
}

#[no_mangle]
pub extern "C" fn zmq_close(s: *mut c_void) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s: *mut c_void,
    _option: c_int,
    _optval: *const c_void,
    _optvallen: usize,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s: *mut c_void,
    _option: c_int,
    _optval: *mut c_void,
    _optvallen: *mut usize,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s: *mut c_void, _endpoint: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s: *mut c_void, _endpoint: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s: *mut c_void, _endpoint: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s: *mut c_void, _endpoint: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(
    s: *mut c_void,
    _buf: *const c_void,
    _len: usize,
    _flags: c_int,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(
    s: *mut c_void,
    _buf: *const c_void,
    _len: usize,
    _flags: c_int,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recv(
    s: *mut c_void,
    _buf: *mut c_void,
    _len: usize,
    _flags: c_int,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(msg: *mut zmq_msg_t, s: *mut c_void, _flags: c_int) -> c_int {
    int_call(|| msg_call(msg, s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(msg: *mut zmq_msg_t, s: *mut c_void, _flags: c_int) -> c_int {
    int_call(|| msg_call(msg, s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(s: *mut c_void, msg: *mut zmq_msg_t, _flags: c_int) -> c_int {
    int_call(|| msg_call(msg, s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(s: *mut c_void, msg: *mut zmq_msg_t, _flags: c_int) -> c_int {
    int_call(|| msg_call(msg, s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    s: *mut c_void,
    iov: *mut libc::iovec,
    count: usize,
    _flags: c_int,
) -> c_int {
    int_call(|| {
        if s.is_null() {
            return Err(Errno::ENOTSOCK);
        }
        if iov.is_null() || count == 0 {
            return Err(Errno::EINVAL);
        }
        not_built()
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    s: *mut c_void,
    iov: *mut libc::iovec,
    count: *mut usize,
    _flags: c_int,
) -> c_int {
    int_call(|| {
        if s.is_null() {
            return Err(Errno::ENOTSOCK);
        }
        if iov.is_null() || count.is_null() {
            return Err(Errno::EINVAL);
        }
        not_built()
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    s: *mut c_void,
    _endpoint: *const c_char,
    _events: c_int,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s: *mut c_void,
    _endpoint: *const c_char,
    _events: u64,
    _event_version: c_int,
    _kind: c_int,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub extern "C" fn zmq_socket_monitor_pipes_stats(s: *mut c_void) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    s: *mut c_void,
    _routing_id: *const c_void,
    _routing_id_size: usize,
) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_join(s: *mut c_void, _group: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_leave(s: *mut c_void, _group: *const c_char) -> c_int {
    int_call(|| socket_call(s))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(s: *mut c_void, _endpoint: *const c_char) -> u32 {
    u32_call(|| socket_call(s).map(|id| id as u32))
}

#[no_mangle]
pub extern "C" fn zmq_disconnect_peer(s: *mut c_void, _routing_id: u32) -> c_int {
    int_call(|| socket_call(s))
}
