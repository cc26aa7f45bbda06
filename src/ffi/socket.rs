//! Sockets: creation, options, endpoints, send and receive.

use parking_lot::Mutex;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{bytes, c_str, ctx, get_into, int_call, not_built, ptr_call, u32_call, zmq_msg_t};
use crate::errno::{Errno, Result};
use crate::msg::{raw, Msg};
use crate::socket::Socket;

const LIVE: u32 = 0xBADD_ECAF;
const CLOSED: u32 = 0xDEAD_50CC;

/// What a socket pointer given to C points at. Closed handles stay
/// allocated (tag CLOSED) until their context is terminated. Aligned so
/// that two sockets used by two threads never share a cache line.
#[repr(align(128))]
struct SocketHandle {
    tag: AtomicU32,
    socket: Mutex<Option<Socket>>,
}

/// The handle behind a socket pointer, if it is a live socket.
fn handle<'a>(s: *mut c_void) -> Result<&'a SocketHandle> {
    if s.is_null() || s as usize % std::mem::align_of::<SocketHandle>() != 0 {
        return Err(Errno::ENOTSOCK);
    }
    // SAFETY: non-null, aligned pointers given as sockets point at a
    // SocketHandle we allocated (closed ones stay allocated until their
    // context is terminated); anything else is a caller bug libzmq does
    // not survive either, and the tag check catches most of those.
    let h = unsafe { &*(s as *const SocketHandle) };
    if h.tag.load(Ordering::Acquire) != LIVE {
        return Err(Errno::ENOTSOCK);
    }
    Ok(h)
}

/// Runs `f` on the live socket behind `s`.
pub(super) fn with_socket<R>(
    s: *mut c_void,
    f: impl FnOnce(&mut Socket) -> Result<R>,
) -> Result<R> {
    let h = handle(s)?;
    let mut guard = h.socket.lock();
    f(guard.as_mut().ok_or(Errno::ENOTSOCK)?)
}

fn clamp(len: usize) -> c_int {
    len.min(c_int::MAX as usize) as c_int
}

fn endpoint<'a>(p: *const c_char) -> Result<&'a str> {
    // SAFETY: an endpoint argument is a C string, per zmq_bind(3).
    let text = unsafe { c_str(p, Errno::EINVAL) }?;
    std::str::from_utf8(text).map_err(|_| Errno::EINVAL)
}

#[no_mangle]
pub extern "C" fn zmq_socket(context: *mut c_void, kind: c_int) -> *mut c_void {
    ptr_call(|| {
        let ctx = ctx::lookup(context)?;
        if ctx.is_shut_down() {
            return Err(Errno::ETERM);
        }
        let socket = Socket::new(ctx, kind)?;
        let h = Box::new(SocketHandle {
            tag: AtomicU32::new(LIVE),
            socket: Mutex::new(Some(socket)),
        });
        Ok(Box::into_raw(h).cast())
    })
}

#[no_mangle]
pub extern "C" fn zmq_close(s: *mut c_void) -> c_int {
    int_call(|| {
        let h = handle(s)?;
        if h.tag
            .compare_exchange(LIVE, CLOSED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(Errno::ENOTSOCK);
        }
        let socket = h.socket.lock().take().ok_or(Errno::ENOTSOCK)?;
        let ctx = socket.context();
        drop(socket);
        // SAFETY: s came from Box::into_raw in zmq_socket, and only the
        // caller that flipped the tag to CLOSED gets here. The box moves to
        // the context, which frees it at termination.
        let owned = unsafe { Box::from_raw(s.cast::<SocketHandle>()) };
        ctx.bury(owned);
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *const c_void,
    optvallen: usize,
) -> c_int {
    int_call(|| {
        with_socket(s, |sock| {
            let value = if optval.is_null() {
                if optvallen > 0 {
                    return Err(Errno::EINVAL);
                }
                None
            } else {
                // SAFETY: optval holds optvallen bytes, per zmq_setsockopt(3).
                Some(unsafe { bytes(optval, optvallen) }?)
            };
            sock.set_option(option, value)?;
            Ok(0)
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s: *mut c_void,
    option: c_int,
    optval: *mut c_void,
    optvallen: *mut usize,
) -> c_int {
    int_call(|| {
        with_socket(s, |sock| {
            // SAFETY: optval holds *optvallen bytes, per zmq_getsockopt(3).
            unsafe { get_into(optval, optvallen, |buf| sock.get_option(option, buf)) }
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s: *mut c_void, addr: *const c_char) -> c_int {
    int_call(|| with_socket(s, |sock| sock.bind(endpoint(addr)?).map(|_| 0)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s: *mut c_void, addr: *const c_char) -> c_int {
    int_call(|| with_socket(s, |sock| sock.connect(endpoint(addr)?).map(|_| 0)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s: *mut c_void, addr: *const c_char) -> c_int {
    int_call(|| with_socket(s, |sock| sock.term_endpoint(endpoint(addr)?).map(|_| 0)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s: *mut c_void, addr: *const c_char) -> c_int {
    int_call(|| with_socket(s, |sock| sock.term_endpoint(endpoint(addr)?).map(|_| 0)))
}

fn send_msg(s: *mut c_void, msg: Msg, flags: c_int) -> Result<c_int> {
    let len = clamp(msg.len());
    with_socket(s, |sock| sock.send(msg, flags).map_err(|(e, _)| e))?;
    Ok(len)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    int_call(|| {
        handle(s)?;
        // SAFETY: buf holds len bytes, per zmq_send(3).
        let msg = Msg::from_slice(unsafe { bytes(buf, len) }?)?;
        send_msg(s, msg, flags)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(
    s: *mut c_void,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    int_call(|| {
        handle(s)?;
        if buf.is_null() && len > 0 {
            return Err(Errno::EFAULT);
        }
        // SAFETY: zmq_send_const(3): the buffer is constant and outlives
        // the message.
        let msg = unsafe { Msg::from_const(buf.cast(), len) };
        send_msg(s, msg, flags)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recv(
    s: *mut c_void,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
) -> c_int {
    int_call(|| {
        if buf.is_null() && len > 0 {
            handle(s)?;
            return Err(Errno::EFAULT);
        }
        let msg = with_socket(s, |sock| sock.recv(flags))?;
        let n = msg.len().min(len);
        if n > 0 {
            // SAFETY: buf holds len >= n writable bytes, per zmq_recv(3).
            unsafe { std::ptr::copy_nonoverlapping(msg.data_ptr(), buf.cast::<u8>(), n) };
        }
        // The full size, even when truncated.
        Ok(clamp(msg.len()))
    })
}

fn msg_send(msg: *mut zmq_msg_t, s: *mut c_void, flags: c_int) -> Result<c_int> {
    let p = msg.cast::<Msg>();
    // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
    if !unsafe { raw::is_live(p) } {
        return Err(Errno::EFAULT);
    }
    let h = handle(s)?;
    let mut guard = h.socket.lock();
    let sock = guard.as_mut().ok_or(Errno::ENOTSOCK)?;
    // SAFETY: live (checked above); on failure the message goes back.
    let taken = unsafe { raw::take(p) }.ok_or(Errno::EFAULT)?;
    let len = clamp(taken.len());
    match sock.send(taken, flags) {
        Ok(()) => {
            // SAFETY: p points at 64 writable bytes; the message was
            // consumed, so it becomes empty, as in libzmq.
            unsafe { raw::init(p, Msg::new()) };
            Ok(len)
        }
        Err((e, back)) => {
            // SAFETY: as above; the caller keeps its message.
            unsafe { raw::init(p, back) };
            Err(e)
        }
    }
}

fn msg_recv(msg: *mut zmq_msg_t, s: *mut c_void, flags: c_int) -> Result<c_int> {
    let p = msg.cast::<Msg>();
    // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
    if !unsafe { raw::is_live(p) } {
        return Err(Errno::EFAULT);
    }
    let received = with_socket(s, |sock| sock.recv(flags))?;
    let len = clamp(received.len());
    // SAFETY: live (checked above): release the old content, store the new.
    unsafe {
        drop(raw::take(p));
        raw::init(p, received);
    }
    Ok(len)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(msg: *mut zmq_msg_t, s: *mut c_void, flags: c_int) -> c_int {
    int_call(|| msg_send(msg, s, flags))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(msg: *mut zmq_msg_t, s: *mut c_void, flags: c_int) -> c_int {
    int_call(|| msg_recv(msg, s, flags))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(s: *mut c_void, msg: *mut zmq_msg_t, flags: c_int) -> c_int {
    int_call(|| msg_send(msg, s, flags))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(s: *mut c_void, msg: *mut zmq_msg_t, flags: c_int) -> c_int {
    int_call(|| msg_recv(msg, s, flags))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(
    s: *mut c_void,
    iov: *mut libc::iovec,
    count: usize,
    flags: c_int,
) -> c_int {
    int_call(|| {
        handle(s)?;
        if iov.is_null() || count == 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: iov points at count iovecs, per libzmq's zmq_sendiov.
        let parts = unsafe { std::slice::from_raw_parts(iov, count) };
        let mut rc = 0;
        for (i, part) in parts.iter().enumerate() {
            // SAFETY: each iovec describes iov_len readable bytes.
            let body = unsafe { bytes(part.iov_base, part.iov_len) }?;
            // SNDMORE joins the parts into one message; the last never has it.
            let part_flags = if i + 1 == count {
                flags & !crate::socket::SNDMORE
            } else {
                flags
            };
            rc = send_msg(s, Msg::from_slice(body)?, part_flags)?;
        }
        Ok(rc)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(
    s: *mut c_void,
    iov: *mut libc::iovec,
    count: *mut usize,
    flags: c_int,
) -> c_int {
    int_call(|| {
        handle(s)?;
        if iov.is_null() || count.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: count points at the number of iovecs at iov.
        let max = unsafe { *count };
        if max == 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: as above.
        unsafe { *count = 0 };
        let mut read = 0;
        let mut more = true;
        while more && read < max {
            let msg = with_socket(s, |sock| sock.recv(flags))?;
            more = msg.more();
            // The caller frees each part with free(), as with libzmq.
            // SAFETY: malloc of any size; the copy fills what it returned.
            let buf = unsafe { libc::malloc(msg.len().max(1)) };
            if buf.is_null() {
                return Err(Errno::ENOMEM);
            }
            // SAFETY: buf holds msg.len() bytes; iov has max > read slots
            // and count is valid, as above.
            unsafe {
                std::ptr::copy_nonoverlapping(msg.data_ptr(), buf.cast::<u8>(), msg.len());
                *iov.add(read) = libc::iovec {
                    iov_base: buf,
                    iov_len: msg.len(),
                };
                read += 1;
                *count = read;
            }
        }
        Ok(read as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(
    s: *mut c_void,
    addr: *const c_char,
    events: c_int,
) -> c_int {
    int_call(|| {
        with_socket(s, |sock| {
            let endpoint = if addr.is_null() {
                None
            } else {
                Some(endpoint(addr)?)
            };
            sock.monitor(endpoint, events).map(|_| 0)
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s: *mut c_void,
    _endpoint: *const c_char,
    _events: u64,
    _event_version: c_int,
    _kind: c_int,
) -> c_int {
    int_call(|| handle(s).and_then(|_| not_built::<c_int>()))
}

#[no_mangle]
pub extern "C" fn zmq_socket_monitor_pipes_stats(s: *mut c_void) -> c_int {
    int_call(|| handle(s).and_then(|_| not_built::<c_int>()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    s: *mut c_void,
    _routing_id: *const c_void,
    _routing_id_size: usize,
) -> c_int {
    int_call(|| handle(s).and_then(|_| not_built::<c_int>()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_join(s: *mut c_void, _group: *const c_char) -> c_int {
    // Only DISH sockets join groups; no draft type is built.
    int_call(|| handle(s).and(Err(Errno::ENOTSUP)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_leave(s: *mut c_void, _group: *const c_char) -> c_int {
    int_call(|| handle(s).and(Err(Errno::ENOTSUP)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(s: *mut c_void, _endpoint: *const c_char) -> u32 {
    // Only PEER sockets; no draft type is built.
    u32_call(|| handle(s).and(Err(Errno::ENOTSUP)))
}

#[no_mangle]
pub extern "C" fn zmq_disconnect_peer(s: *mut c_void, _routing_id: u32) -> c_int {
    int_call(|| handle(s).and(Err(Errno::ENOTSUP)))
}
