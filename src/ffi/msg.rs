//! Messages: zmq_msg_*.

use std::ffi::{c_char, c_int, c_void, CStr};

use super::{bytes, c_str, guard, int_call, zmq_msg_t};
use crate::errno::{set_errno, Errno, Result};
use crate::msg::{raw, Msg};

/// ZMQ_MORE, ZMQ_SRCFD, ZMQ_SHARED for zmq_msg_get.
const PROP_MORE: c_int = 1;
const PROP_SRCFD: c_int = 2;
const PROP_SHARED: c_int = 3;

fn cast(msg: *mut zmq_msg_t) -> *mut Msg {
    msg.cast()
}

/// Stores a new message at `msg` (whatever was there is overwritten, as
/// zmq_msg_init* do).
fn init_with(msg: *mut zmq_msg_t, make: impl FnOnce() -> Result<Msg>) -> c_int {
    int_call(|| {
        if msg.is_null() {
            return Err(Errno::EFAULT);
        }
        let value = make()?;
        // SAFETY: non-null zmq_msg_t pointers point at 64 writable bytes.
        unsafe { raw::init(cast(msg), value) };
        Ok(0)
    })
}

/// Runs `f` on the live message at `msg`; EFAULT when there is none.
fn with_msg<R>(msg: *mut zmq_msg_t, f: impl FnOnce(&mut Msg) -> Result<R>) -> Result<R> {
    // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
    unsafe { raw::with(cast(msg), f) }.ok_or(Errno::EFAULT)?
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init(msg: *mut zmq_msg_t) -> c_int {
    init_with(msg, || Ok(Msg::new()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_size(msg: *mut zmq_msg_t, size: usize) -> c_int {
    init_with(msg, || Msg::with_size(size))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_buffer(
    msg: *mut zmq_msg_t,
    buf: *const c_void,
    size: usize,
) -> c_int {
    // SAFETY: buf holds size readable bytes, per zmq_msg_init_buffer(3).
    init_with(msg, || Msg::from_slice(unsafe { bytes(buf, size) }?))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg: *mut zmq_msg_t,
    data: *mut c_void,
    size: usize,
    ffn: Option<unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void)>,
    hint: *mut c_void,
) -> c_int {
    init_with(msg, || {
        if data.is_null() && size > 0 {
            return Err(Errno::EINVAL);
        }
        match ffn {
            // SAFETY: zmq_msg_init_data(3): data stays valid for size bytes
            // until ffn is called (or forever when there is no ffn).
            Some(free) => unsafe { Msg::from_foreign(data.cast(), size, free, hint) },
            // SAFETY: as above.
            None => Ok(unsafe { Msg::from_const(data.cast(), size) }),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg: *mut zmq_msg_t) -> c_int {
    int_call(|| {
        // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
        let closed = unsafe { raw::take(cast(msg)) }.ok_or(Errno::EFAULT)?;
        drop(closed);
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_move(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    int_call(|| {
        // SAFETY: zmq_msg_t pointers are null or point at 64 bytes.
        let live = unsafe { raw::is_live(cast(src)) && raw::is_live(cast(dest)) };
        if !live {
            return Err(Errno::EFAULT);
        }
        if dest == src {
            return Ok(0);
        }
        // SAFETY: both live and distinct; src is re-initialised empty after
        // its content moved to dest, and dest's old content is released.
        unsafe {
            let moved = raw::take(cast(src)).expect("checked live");
            raw::init(cast(src), Msg::new());
            drop(raw::take(cast(dest)));
            raw::init(cast(dest), moved);
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest: *mut zmq_msg_t, src: *mut zmq_msg_t) -> c_int {
    int_call(|| {
        // SAFETY: zmq_msg_t pointers are null or point at 64 bytes.
        if !unsafe { raw::is_live(cast(dest)) } {
            return Err(Errno::EFAULT);
        }
        if dest == src {
            return Ok(0);
        }
        let copy = with_msg(src, |m| Ok(m.share()))?;
        // SAFETY: dest is live and distinct from src: release its old
        // content, then store the copy.
        unsafe {
            drop(raw::take(cast(dest)));
            raw::init(cast(dest), copy);
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg: *mut zmq_msg_t) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: a zmq_msg_t pointer is null or points at 64 bytes.
        match unsafe { raw::data_ptr(cast(msg)) } {
            Some(p) => p.cast(),
            None => {
                set_errno(Errno::EFAULT);
                std::ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg: *const zmq_msg_t) -> usize {
    guard(0, || with_msg(msg.cast_mut(), |m| Ok(m.len())).unwrap_or(0))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg: *const zmq_msg_t) -> c_int {
    guard(0, || {
        with_msg(msg.cast_mut(), |m| Ok(m.more() as c_int)).unwrap_or(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg: *const zmq_msg_t, property: c_int) -> c_int {
    int_call(|| {
        with_msg(msg.cast_mut(), |m| match property {
            PROP_MORE => Ok(m.more() as c_int),
            PROP_SHARED => Ok(m.is_shared() as c_int),
            PROP_SRCFD => m
                .property(b"__fd")
                .and_then(|fd| fd.to_str().ok()?.parse().ok())
                .ok_or(Errno::EINVAL),
            _ => Err(Errno::EINVAL),
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set(
    msg: *mut zmq_msg_t,
    _property: c_int,
    _value: c_int,
) -> c_int {
    // libzmq has no settable message property.
    int_call(|| with_msg(msg, |_| Err(Errno::EINVAL)))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(
    msg: *const zmq_msg_t,
    property: *const c_char,
) -> *const c_char {
    guard(std::ptr::null(), || {
        let found = with_msg(msg.cast_mut(), |m| {
            // SAFETY: property is a C string, per zmq_msg_gets(3).
            let name = unsafe { c_str(property, Errno::EINVAL) }?;
            // The value lives in the connection's metadata, which the
            // message keeps alive: the pointer stays valid until the
            // message is closed, as libzmq promises.
            m.property(name).map(CStr::as_ptr).ok_or(Errno::EINVAL)
        });
        found.unwrap_or_else(|e| {
            set_errno(e);
            std::ptr::null()
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg: *mut zmq_msg_t, routing_id: u32) -> c_int {
    int_call(|| with_msg(msg, |m| m.set_routing_id(routing_id)).map(|_| 0))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_routing_id(msg: *mut zmq_msg_t) -> u32 {
    guard(0, || with_msg(msg, |m| Ok(m.routing_id())).unwrap_or(0))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_group(msg: *mut zmq_msg_t, group: *const c_char) -> c_int {
    int_call(|| {
        with_msg(msg, |m| {
            // SAFETY: group is a C string, per zmq_msg_set_group(3).
            m.set_group(unsafe { c_str(group, Errno::EINVAL) }?)
        })
        .map(|_| 0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_group(msg: *mut zmq_msg_t) -> *const c_char {
    // The group string is shared (Arc) and outlives this call while the
    // message is open; "" is static.
    guard(std::ptr::null(), || {
        with_msg(msg, |m| Ok(m.group().as_ptr())).unwrap_or_else(|e| {
            set_errno(e);
            std::ptr::null()
        })
    })
}
