//! The context: options, state, and (with the core-messaging work) the
//! socket table, inproc endpoints and I/O threads.

pub mod options;

use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::errno::{Errno, Result};
pub use options::{CtxOptions, MSG_T_SIZE, SOCKET_LIMIT};

pub struct Ctx {
    options: Mutex<CtxOptions>,
    shut_down: AtomicBool,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx {
            options: Mutex::new(CtxOptions::default()),
            shut_down: AtomicBool::new(false),
        }
    }

    /// `zmq_ctx_set_ext`: `value` is the option's raw bytes.
    pub fn set_option(&self, option: i32, value: &[u8]) -> Result<()> {
        self.options.lock().set(option, value)
    }

    /// `zmq_ctx_get_ext`: writes into `buf`, returns the length used.
    pub fn get_option(&self, option: i32, buf: &mut [u8]) -> Result<usize> {
        self.options.lock().get(option, buf)
    }

    /// `zmq_ctx_set`.
    pub fn set_int(&self, option: i32, value: i32) -> Result<()> {
        self.set_option(option, &value.to_ne_bytes())
    }

    /// `zmq_ctx_get`.
    pub fn get_int(&self, option: i32) -> Result<i32> {
        let mut buf = [0u8; 4];
        match self.get_option(option, &mut buf) {
            Ok(4) => Ok(i32::from_ne_bytes(buf)),
            _ => Err(Errno::EINVAL),
        }
    }

    /// `zmq_ctx_shutdown`: from now on blocking calls and new sockets fail
    /// with ETERM.
    pub fn shutdown(&self) {
        self.shut_down.store(true, Ordering::Release);
    }

    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    /// `zmq_ctx_term`, after the handle was unregistered: shuts down and
    /// waits for the context's sockets to be closed.
    pub fn terminate(&self) {
        self.shutdown();
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx::new()
    }
}
