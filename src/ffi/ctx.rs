//! Contexts.

use std::ffi::{c_int, c_void};
use std::sync::Arc;

use super::{bytes, get_into, int_call, ptr_call};
use crate::ctx::Ctx;
use crate::errno::{Errno, Result};
use crate::util::handles::Registry;

static CONTEXTS: Registry<Ctx> = Registry::new();

/// The context behind a handle; NULL or dead handles are EFAULT.
pub(super) fn lookup(ctx: *mut c_void) -> Result<Arc<Ctx>> {
    CONTEXTS.get(ctx).ok_or(Errno::EFAULT)
}

fn new_ctx() -> *mut c_void {
    CONTEXTS.insert(Arc::new(Ctx::new()))
}

fn term(ctx: *mut c_void) -> c_int {
    int_call(|| {
        let ctx = CONTEXTS.remove(ctx).ok_or(Errno::EFAULT)?;
        ctx.terminate();
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_ctx_new() -> *mut c_void {
    ptr_call(|| Ok(new_ctx()))
}

#[no_mangle]
pub extern "C" fn zmq_init(io_threads: c_int) -> *mut c_void {
    ptr_call(|| {
        if io_threads < 0 {
            return Err(Errno::EINVAL);
        }
        let handle = new_ctx();
        lookup(handle)?.set_int(crate::ctx::options::IO_THREADS, io_threads)?;
        Ok(handle)
    })
}

#[no_mangle]
pub extern "C" fn zmq_ctx_term(ctx: *mut c_void) -> c_int {
    term(ctx)
}

#[no_mangle]
pub extern "C" fn zmq_term(ctx: *mut c_void) -> c_int {
    term(ctx)
}

#[no_mangle]
pub extern "C" fn zmq_ctx_destroy(ctx: *mut c_void) -> c_int {
    term(ctx)
}

#[no_mangle]
pub extern "C" fn zmq_ctx_shutdown(ctx: *mut c_void) -> c_int {
    int_call(|| {
        lookup(ctx)?.shutdown();
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_ctx_set(ctx: *mut c_void, option: c_int, value: c_int) -> c_int {
    int_call(|| {
        lookup(ctx)?.set_int(option, value)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn zmq_ctx_get(ctx: *mut c_void, option: c_int) -> c_int {
    int_call(|| lookup(ctx)?.get_int(option))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set_ext(
    ctx: *mut c_void,
    option: c_int,
    optval: *const c_void,
    optvallen: usize,
) -> c_int {
    int_call(|| {
        let ctx = lookup(ctx)?;
        // SAFETY: optval points at optvallen bytes, per zmq_ctx_set_ext(3).
        let value = unsafe { bytes(optval, optvallen) }.map_err(|_| Errno::EINVAL)?;
        ctx.set_option(option, value)?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get_ext(
    ctx: *mut c_void,
    option: c_int,
    optval: *mut c_void,
    optvallen: *mut usize,
) -> c_int {
    int_call(|| {
        let ctx = lookup(ctx)?;
        // SAFETY: optval holds *optvallen bytes, per zmq_ctx_get_ext(3).
        unsafe { get_into(optval, optvallen, |buf| ctx.get_option(option, buf)) }
    })
}
