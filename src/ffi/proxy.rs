//! Proxies: zmq_proxy, zmq_proxy_steerable, zmq_device.
//!
//! Whole messages move from frontend to backend and back, each part copied
//! to the capture socket if there is one. Steering follows libzmq 4.3.5:
//! PAUSE, RESUME, TERMINATE (a REP control socket gets an empty reply),
//! STATISTICS (eight native-endian uint64 frames, counting parts), and
//! anything else is ignored.

use std::ffi::{c_int, c_void};

use super::int_call;
use super::socket::with_socket;
use crate::errno::{Errno, Result};
use crate::pattern::kind;
use crate::socket::{DONTWAIT, POLLIN, POLLOUT, SNDMORE};

#[derive(Default)]
struct Counters {
    msgs_in: u64,
    bytes_in: u64,
    msgs_out: u64,
    bytes_out: u64,
}

fn events(s: *mut c_void) -> Result<i32> {
    with_socket(s, |sock| sock.events())
}

/// Moves one whole message from `from` to `to`.
fn forward(
    from: *mut c_void,
    to: *mut c_void,
    capture: *mut c_void,
    from_stats: &mut Counters,
    to_stats: &mut Counters,
) -> Result<()> {
    loop {
        let mut msg = with_socket(from, |s| s.recv(DONTWAIT))?;
        let more = msg.more();
        let flags = if more { SNDMORE } else { 0 };
        let len = msg.len() as u64;
        from_stats.msgs_in += 1;
        from_stats.bytes_in += len;
        if !capture.is_null() {
            let copy = msg.share();
            with_socket(capture, |s| s.send(copy, flags).map_err(|(e, _)| e))?;
        }
        with_socket(to, |s| s.send(msg, flags).map_err(|(e, _)| e))?;
        to_stats.msgs_out += 1;
        to_stats.bytes_out += len;
        if !more {
            return Ok(());
        }
    }
}

enum Control {
    Continue,
    Terminate,
}

fn control(ctl: *mut c_void, paused: &mut bool, stats: [&Counters; 2]) -> Result<Control> {
    let (cmd, is_rep) = with_socket(ctl, |s| {
        let msg = s.recv(DONTWAIT)?;
        let mut more = msg.more();
        // A multipart command is not a command: drain and ignore it.
        while more {
            more = s.recv(DONTWAIT)?.more();
        }
        let valid = !msg.more();
        Ok((valid.then(|| msg.data().to_vec()), s.kind() == kind::REP))
    })?;
    let reply_empty = |ctl| -> Result<()> {
        if is_rep {
            with_socket(ctl, |s| {
                s.send(crate::msg::Msg::new(), 0).map_err(|(e, _)| e)
            })?;
        }
        Ok(())
    };
    match cmd.as_deref() {
        Some(b"PAUSE") => *paused = true,
        Some(b"RESUME") => *paused = false,
        Some(b"TERMINATE") => {
            reply_empty(ctl)?;
            return Ok(Control::Terminate);
        }
        Some(b"STATISTICS") => {
            let values = stats
                .iter()
                .flat_map(|c| [c.msgs_in, c.bytes_in, c.msgs_out, c.bytes_out]);
            let values: Vec<u64> = values.collect();
            with_socket(ctl, |s| {
                for (i, v) in values.iter().enumerate() {
                    let part = crate::msg::Msg::from_slice(&v.to_ne_bytes())?;
                    let flags = if i + 1 < values.len() { SNDMORE } else { 0 };
                    s.send(part, flags).map_err(|(e, _)| e)?;
                }
                Ok(())
            })?;
            return Ok(Control::Continue);
        }
        _ => {}
    }
    reply_empty(ctl)?;
    Ok(Control::Continue)
}

fn proxy(
    fe: *mut c_void,
    be: *mut c_void,
    capture: *mut c_void,
    ctl: *mut c_void,
) -> Result<c_int> {
    if fe.is_null() || be.is_null() {
        return Err(Errno::EFAULT);
    }
    let (mut fe_stats, mut be_stats) = (Counters::default(), Counters::default());
    let mut paused = false;
    loop {
        let fe_ev = events(fe)?;
        let be_ev = if fe == be { fe_ev } else { events(be)? };
        if !paused {
            // One socket on both sides (a REP echoing through itself)
            // forwards whenever it can read, as libzmq's proxy does: its
            // POLLOUT may only come from the read.
            if fe_ev & POLLIN != 0 && (fe == be || be_ev & POLLOUT != 0) {
                forward(fe, be, capture, &mut fe_stats, &mut be_stats)?;
                continue;
            }
            if fe != be && be_ev & POLLIN != 0 && fe_ev & POLLOUT != 0 {
                forward(be, fe, capture, &mut be_stats, &mut fe_stats)?;
                continue;
            }
        }
        if !ctl.is_null() && events(ctl)? & POLLIN != 0 {
            if let Control::Terminate = control(ctl, &mut paused, [&fe_stats, &be_stats])? {
                return Ok(0);
            }
            continue;
        }
        // Nothing to move now. Each socket's ZMQ_FD fires on any change of
        // its state (the events() calls above re-armed them), so wait for
        // any of them and look again: what can move depends on both sides.
        let mut sockets = vec![fe];
        if fe != be {
            sockets.push(be);
        }
        if !ctl.is_null() {
            sockets.push(ctl);
        }
        wait_any(&sockets)?;
    }
}

/// Sleeps until one of the sockets' ZMQ_FD becomes readable.
fn wait_any(sockets: &[*mut c_void]) -> Result<()> {
    let mut fds = Vec::with_capacity(sockets.len());
    for &s in sockets {
        let fd = with_socket(s, |sock| Ok(sock.fd()))?;
        fds.push(libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
    }
    // SAFETY: fds is a valid array of fds.len() pollfds.
    let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
    if rc < 0 {
        let err = std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINTR);
        return Err(Errno(err));
    }
    Ok(())
}

#[no_mangle]
pub extern "C" fn zmq_proxy(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
) -> c_int {
    int_call(|| proxy(frontend, backend, capture, std::ptr::null_mut()))
}

#[no_mangle]
pub extern "C" fn zmq_proxy_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> c_int {
    int_call(|| proxy(frontend, backend, capture, control))
}

#[no_mangle]
pub extern "C" fn zmq_device(_kind: c_int, frontend: *mut c_void, backend: *mut c_void) -> c_int {
    int_call(|| {
        proxy(
            frontend,
            backend,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    })
}
