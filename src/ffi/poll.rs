//! Polling (zmq_poll, the draft poller) and the timers API.

use std::ffi::{c_int, c_long, c_short, c_void};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::socket::with_socket;
use super::{guard, int_call, not_built, ptr_call, zmq_poller_event_t, zmq_pollitem_t};
use crate::errno::{set_errno, Errno, Result};
use crate::poll::timers::Timers;
use crate::util::handles::Registry;

const ZMQ_POLLIN: c_short = 1;
const ZMQ_POLLOUT: c_short = 2;
const ZMQ_POLLERR: c_short = 4;
const ZMQ_POLLPRI: c_short = 8;

/// zmq_poll and zmq_ppoll: level-triggered readiness of sockets and file
/// descriptors. Sockets are waited on through their ZMQ_FD, but their
/// ZMQ_EVENTS is what counts, re-read on every pass, so the edge-triggered
/// fd never loses an event and spurious wake-ups stay hidden.
fn poll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    sigmask: *const libc::sigset_t,
) -> Result<c_int> {
    if nitems < 0 {
        return Err(Errno::EINVAL);
    }
    if nitems == 0 {
        // Nothing to wait for: libzmq just sleeps for the timeout.
        if timeout > 0 {
            std::thread::sleep(Duration::from_millis(timeout as u64));
        }
        return Ok(0);
    }
    if items.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: items points at nitems poll items, per zmq_poll(3).
    let items = unsafe { std::slice::from_raw_parts_mut(items, nitems as usize) };
    let mut fds = Vec::with_capacity(items.len());
    for item in items.iter() {
        let (fd, events) = if item.socket.is_null() {
            let mut ev = 0;
            if item.events & ZMQ_POLLIN != 0 {
                ev |= libc::POLLIN;
            }
            if item.events & ZMQ_POLLOUT != 0 {
                ev |= libc::POLLOUT;
            }
            if item.events & ZMQ_POLLPRI != 0 {
                ev |= libc::POLLPRI;
            }
            (item.fd, ev)
        } else {
            (with_socket(item.socket, |s| Ok(s.fd()))?, libc::POLLIN)
        };
        fds.push(libc::pollfd {
            fd,
            events,
            revents: 0,
        });
    }
    let deadline = (timeout > 0).then(|| Instant::now() + Duration::from_millis(timeout as u64));
    let mut first = true;
    loop {
        let wait = if first {
            Some(Duration::ZERO)
        } else {
            deadline.map(|d| d.saturating_duration_since(Instant::now()))
        };
        let ts = wait.map(|w| libc::timespec {
            tv_sec: w.as_secs() as libc::time_t,
            tv_nsec: w.subsec_nanos() as libc::c_long,
        });
        let ts_ptr = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: fds is a valid array of fds.len() pollfds; ts_ptr and
        // sigmask are null or valid for the call.
        let rc =
            unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ts_ptr, sigmask) };
        if rc < 0 {
            let err = std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EINTR);
            return Err(Errno(err));
        }
        let mut ready = 0;
        for (item, pfd) in items.iter_mut().zip(&fds) {
            item.revents = 0;
            if item.socket.is_null() {
                let r = pfd.revents;
                if r & libc::POLLIN != 0 {
                    item.revents |= ZMQ_POLLIN;
                }
                if r & libc::POLLOUT != 0 {
                    item.revents |= ZMQ_POLLOUT;
                }
                if r & libc::POLLPRI != 0 {
                    item.revents |= ZMQ_POLLPRI;
                }
                if r & !(libc::POLLIN | libc::POLLOUT | libc::POLLPRI) != 0 {
                    item.revents |= ZMQ_POLLERR;
                }
            } else {
                let events = with_socket(item.socket, |s| s.events())? as c_short;
                item.revents = events & item.events & (ZMQ_POLLIN | ZMQ_POLLOUT);
            }
            if item.revents != 0 {
                ready += 1;
            }
        }
        if ready > 0 || timeout == 0 {
            return Ok(ready);
        }
        if !first && deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(0);
        }
        first = false;
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
) -> c_int {
    int_call(|| poll(items, nitems, timeout, std::ptr::null()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ppoll(
    items: *mut zmq_pollitem_t,
    nitems: c_int,
    timeout: c_long,
    sigmask: *const libc::sigset_t,
) -> c_int {
    int_call(|| poll(items, nitems, timeout, sigmask))
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
