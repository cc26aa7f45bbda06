//! Polling (zmq_poll, the draft poller) and the timers API.

use std::ffi::{c_int, c_long, c_short, c_void};
use std::sync::Arc;

use super::{guard, int_call, not_built, ptr_call, zmq_poller_event_t, zmq_pollitem_t};
use crate::errno::{set_errno, Errno, Result};
use crate::poll::timers::Timers;
use crate::util::handles::Registry;

/// Checks shared by zmq_poll and zmq_ppoll; Ok(Some(n)) is a final answer.
fn poll_args(items: *mut zmq_pollitem_t, nitems: c_int, timeout: c_long) -> Result<Option<c_int>> {
    if nitems < 0 {
        return Err(Errno::EINVAL);
    }
    if nitems == 0 {
        // Nothing to wait for: libzmq just sleeps for the timeout.
        if timeout > 0 {
            std::thread::sleep(std::time::Duration::from_millis(timeout as u64));
        }
        return Ok(Some(0));
    }
    if items.is_null() {
        return Err(Errno::EFAULT);
    }
    Ok(None)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
) -> c_int {
    int_call(|| match poll_args(items, nitems, timeout)? {
        Some(n) => Ok(n),
        None => not_built(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ppoll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    _sigmask: *const libc::sigset_t,
) -> c_int {
    int_call(|| match poll_args(items, nitems, timeout)? {
        Some(n) => Ok(n),
        None => not_built(),
    })
}

// The draft poller is not built yet: creation fails, and every other call
// sees an invalid poller (EFAULT), which is what libzmq answers for one.

#[no_mangle]
pub extern "C" fn zmq_poller_new() -> *mut c_void {
    ptr_call(not_built)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_destroy(_poller_p: *mut *mut c_void) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub extern "C" fn zmq_poller_size(_poller: *mut c_void) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add(
    _poller: *mut c_void,
    _s: *mut c_void,
    _user_data: *mut c_void,
    _events: c_short,
) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify(
    _poller: *mut c_void,
    _s: *mut c_void,
    _events: c_short,
) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove(_poller: *mut c_void, _s: *mut c_void) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait(
    _poller: *mut c_void,
    event: *mut zmq_poller_event_t,
    _timeout: c_long,
) -> c_int {
    int_call(|| {
        clear_events(event, 1);
        Err(Errno::EFAULT)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait_all(
    _poller: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    _timeout: c_long,
) -> c_int {
    int_call(|| {
        if n_events < 0 {
            return Err(Errno::EINVAL);
        }
        clear_events(events, n_events as usize);
        Err(Errno::EFAULT)
    })
}

/// On failure libzmq leaves each event slot cleared (no socket, fd -1).
fn clear_events(events: *mut zmq_poller_event_t, n: usize) {
    if events.is_null() {
        return;
    }
    for i in 0..n {
        // SAFETY: the caller passed an array of at least n events.
        unsafe {
            events.add(i).write(zmq_poller_event_t {
                socket: std::ptr::null_mut(),
                fd: -1,
                user_data: std::ptr::null_mut(),
                events: 0,
            })
        };
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_fd(_poller: *mut c_void, _fd: *mut c_int) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add_fd(
    _poller: *mut c_void,
    _fd: c_int,
    _user_data: *mut c_void,
    _events: c_short,
) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub extern "C" fn zmq_poller_modify_fd(
    _poller: *mut c_void,
    _fd: c_int,
    _events: c_short,
) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

#[no_mangle]
pub extern "C" fn zmq_poller_remove_fd(_poller: *mut c_void, _fd: c_int) -> c_int {
    int_call(|| Err(Errno::EFAULT))
}

// Timers.

static TIMERS: Registry<Timers> = Registry::new();

fn timers(handle: *mut c_void) -> Result<Arc<Timers>> {
    TIMERS.get(handle).ok_or(Errno::EFAULT)
}

#[no_mangle]
pub extern "C" fn zmq_timers_new() -> *mut c_void {
    ptr_call(|| Ok(TIMERS.insert(Arc::new(Timers::new()))))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    int_call(|| {
        if timers_p.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: timers_p is non-null and points at the caller's handle.
        let handle = unsafe { *timers_p };
        TIMERS.remove(handle).ok_or(Errno::EFAULT)?;
        // SAFETY: as above.
        unsafe { *timers_p = std::ptr::null_mut() };
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_timers_add(
    handle: *mut c_void,
    interval: usize,
    handler: Option<unsafe extern "C" fn(timer_id: c_int, arg: *mut c_void)>,
    arg: *mut c_void,
) -> c_int {
    int_call(|| {
        let timers = timers(handle)?;
        let handler = handler.ok_or(Errno::EFAULT)?;
        Ok(timers.add(interval, handler, arg))
    })
}

#[no_mangle]
pub extern "C" fn zmq_timers_cancel(handle: *mut c_void, timer_id: c_int) -> c_int {
    int_call(|| timers(handle)?.cancel(timer_id).map(|_| 0))
}

#[no_mangle]
pub extern "C" fn zmq_timers_set_interval(
    handle: *mut c_void,
    timer_id: c_int,
    interval: usize,
) -> c_int {
    int_call(|| timers(handle)?.set_interval(timer_id, interval).map(|_| 0))
}

#[no_mangle]
pub extern "C" fn zmq_timers_reset(handle: *mut c_void, timer_id: c_int) -> c_int {
    int_call(|| timers(handle)?.reset(timer_id).map(|_| 0))
}

#[no_mangle]
pub extern "C" fn zmq_timers_timeout(handle: *mut c_void) -> c_long {
    guard(-1, || match timers(handle) {
        Ok(t) => t.timeout() as c_long,
        Err(e) => {
            set_errno(e);
            -1
        }
    })
}

#[no_mangle]
pub extern "C" fn zmq_timers_execute(handle: *mut c_void) -> c_int {
    int_call(|| {
        timers(handle)?.execute();
        Ok(0)
    })
}
