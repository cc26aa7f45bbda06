//! Utilities: Z85, CURVE keys, atomic counters, stopwatch, sleep, threads.

use std::ffi::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use super::{c_str, guard, int_call, ptr_call};
use crate::errno::{Errno, Result};
use crate::util::{curve_keys, z85};

/// Z85 text of a CURVE key plus its NUL: the size of the caller's buffers.
const Z85_KEY_BUF: usize = 41;

/// Writes Z85 text for `data` plus a NUL at `dest`.
///
/// # Safety
/// `dest` must have room for the text and its NUL.
unsafe fn write_z85(dest: *mut c_char, data: &[u8]) -> Result<()> {
    let len = z85::encoded_len(data.len()).ok_or(Errno::EINVAL)?;
    // SAFETY: the caller vouched for len + 1 writable bytes.
    let out = unsafe { std::slice::from_raw_parts_mut(dest.cast::<u8>(), len + 1) };
    z85::encode_into(data, &mut out[..len]);
    out[len] = 0;
    Ok(())
}

#[no_mangle]
pub unsafe extern "C" fn zmq_z85_encode(
    dest: *mut c_char,
    data: *const u8,
    size: usize,
) -> *mut c_char {
    ptr_call(|| {
        if dest.is_null() || (data.is_null() && size > 0) {
            return Err(Errno::EINVAL);
        }
        // SAFETY: data holds size bytes, per zmq_z85_encode(3).
        let input = unsafe { super::bytes(data.cast(), size) }?;
        // SAFETY: dest holds size * 5 / 4 + 1 bytes, per zmq_z85_encode(3).
        unsafe { write_z85(dest, input) }?;
        Ok(dest)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_z85_decode(dest: *mut u8, string: *const c_char) -> *mut u8 {
    ptr_call(|| {
        // SAFETY: string is a C string, per zmq_z85_decode(3).
        let text = unsafe { c_str(string, Errno::EINVAL) }?;
        let decoded = z85::decode(text).ok_or(Errno::EINVAL)?;
        if dest.is_null() {
            return Err(Errno::EINVAL);
        }
        // SAFETY: dest holds strlen(string) * 4 / 5 bytes, per
        // zmq_z85_decode(3); decoded is exactly that long.
        unsafe { std::ptr::copy_nonoverlapping(decoded.as_ptr(), dest, decoded.len()) };
        Ok(dest)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_curve_keypair(
    z85_public_key: *mut c_char,
    z85_secret_key: *mut c_char,
) -> c_int {
    int_call(|| {
        if z85_public_key.is_null() || z85_secret_key.is_null() {
            return Err(Errno::EFAULT);
        }
        let (public, secret) = curve_keys::keypair()?;
        // SAFETY: both buffers hold 41 bytes, per zmq_curve_keypair(3).
        unsafe {
            write_z85(z85_public_key, &public)?;
            write_z85(z85_secret_key, secret.as_ref())?;
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_curve_public(
    z85_public_key: *mut c_char,
    z85_secret_key: *const c_char,
) -> c_int {
    int_call(|| {
        if z85_public_key.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: the secret is a C string, per zmq_curve_public(3).
        let text = unsafe { c_str(z85_secret_key, Errno::EINVAL) }?;
        if text.len() != Z85_KEY_BUF - 1 {
            return Err(Errno::EINVAL);
        }
        let decoded = zeroize::Zeroizing::new(z85::decode(text).ok_or(Errno::EINVAL)?);
        let secret: &[u8; curve_keys::KEY_LEN] =
            decoded.as_slice().try_into().map_err(|_| Errno::EINVAL)?;
        // SAFETY: the output buffer holds 41 bytes, per zmq_curve_public(3).
        unsafe { write_z85(z85_public_key, &curve_keys::public_key(secret)) }?;
        Ok(0)
    })
}

// Atomic counters: libzmq checks nothing here; ferrozmq ignores NULL.

/// The counter behind a handle, if any.
fn counter<'a>(p: *mut c_void) -> Option<&'a AtomicI32> {
    // SAFETY: non-null handles come from zmq_atomic_counter_new and stay
    // valid until zmq_atomic_counter_destroy.
    unsafe { p.cast::<AtomicI32>().as_ref() }
}

#[no_mangle]
pub extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    ptr_call(|| Ok(Box::into_raw(Box::new(AtomicI32::new(0))).cast()))
}

#[no_mangle]
pub extern "C" fn zmq_atomic_counter_set(counter_p: *mut c_void, value: c_int) {
    if let Some(c) = counter(counter_p) {
        c.store(value, Ordering::SeqCst);
    }
}

/// Increments; returns the value before.
#[no_mangle]
pub extern "C" fn zmq_atomic_counter_inc(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |c| c.fetch_add(1, Ordering::SeqCst))
}

/// Decrements; returns 1 while the new value is non-zero, 0 once it is 0.
#[no_mangle]
pub extern "C" fn zmq_atomic_counter_dec(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |c| (c.fetch_sub(1, Ordering::SeqCst) - 1 != 0) as c_int)
}

#[no_mangle]
pub extern "C" fn zmq_atomic_counter_value(counter_p: *mut c_void) -> c_int {
    counter(counter_p).map_or(0, |c| c.load(Ordering::SeqCst))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p: *mut *mut c_void) {
    if counter_p.is_null() {
        return;
    }
    // SAFETY: counter_p points at the caller's handle; a non-null handle
    // came from Box::into_raw in zmq_atomic_counter_new.
    unsafe {
        let handle = *counter_p;
        if !handle.is_null() {
            drop(Box::from_raw(handle.cast::<AtomicI32>()));
            *counter_p = std::ptr::null_mut();
        }
    }
}

// Stopwatch, in microseconds.

fn elapsed_us(start: &Instant) -> c_ulong {
    start.elapsed().as_micros() as c_ulong
}

#[no_mangle]
pub extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    ptr_call(|| Ok(Box::into_raw(Box::new(Instant::now())).cast()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch: *mut c_void) -> c_ulong {
    // SAFETY: non-null watches come from zmq_stopwatch_start.
    unsafe { watch.cast::<Instant>().as_ref() }.map_or(0, elapsed_us)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch: *mut c_void) -> c_ulong {
    if watch.is_null() {
        return 0;
    }
    // SAFETY: a non-null watch came from Box::into_raw in
    // zmq_stopwatch_start and is freed only here.
    let start = unsafe { Box::from_raw(watch.cast::<Instant>()) };
    elapsed_us(&start)
}

#[no_mangle]
pub extern "C" fn zmq_sleep(seconds: c_int) {
    if seconds > 0 {
        std::thread::sleep(Duration::from_secs(seconds as u64));
    }
}

// Threads.

struct ThreadStart {
    func: unsafe extern "C" fn(arg: *mut c_void),
    arg: *mut c_void,
}

// SAFETY: zmq_threadstart hands `arg` to the new thread by contract; what
// the function does with it is the application's business, as in libzmq.
unsafe impl Send for ThreadStart {}

#[no_mangle]
pub extern "C" fn zmq_threadstart(
    func: Option<unsafe extern "C" fn(arg: *mut c_void)>,
    arg: *mut c_void,
) -> *mut c_void {
    ptr_call(|| {
        let start = ThreadStart {
            func: func.ok_or(Errno::EINVAL)?,
            arg,
        };
        let handle = std::thread::Builder::new()
            .name("ZMQapp".into())
            .spawn(move || {
                let start = start;
                // SAFETY: the application's thread function with its own
                // argument, as given to zmq_threadstart.
                unsafe { (start.func)(start.arg) }
            })
            .map_err(|_| Errno::EAGAIN)?;
        Ok(Box::into_raw(Box::new(handle)).cast())
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_threadclose(thread: *mut c_void) {
    if thread.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: a non-null handle came from Box::into_raw in
        // zmq_threadstart and is consumed only here.
        let handle = unsafe { Box::from_raw(thread.cast::<std::thread::JoinHandle<()>>()) };
        let _ = handle.join();
    })
}
