//! Tables of live handles given out to C.
//!
//! C passes back whatever pointer it holds: NULL, a handle already
//! destroyed, or garbage. Looking the address up here, instead of reading
//! through it, lets every such call fail with libzmq's errno instead of
//! touching freed memory. The table holds an `Arc`, so a handle destroyed by
//! one thread stays valid for a call already running in another.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::Arc;

pub struct Registry<T> {
    live: Mutex<BTreeMap<usize, Arc<T>>>,
}

impl<T> Registry<T> {
    pub const fn new() -> Self {
        Registry {
            live: parking_lot::const_mutex(BTreeMap::new()),
        }
    }

    /// Registers `value` and returns the opaque handle C will hold.
    pub fn insert(&self, value: Arc<T>) -> *mut c_void {
        let handle = Arc::as_ptr(&value) as *mut c_void;
        self.live.lock().insert(handle as usize, value);
        handle
    }

    /// The object behind a live handle.
    pub fn get(&self, handle: *const c_void) -> Option<Arc<T>> {
        self.live.lock().get(&(handle as usize)).cloned()
    }

    /// Unregisters a handle; only the first of several racing callers gets
    /// the object back.
    pub fn remove(&self, handle: *const c_void) -> Option<Arc<T>> {
        self.live.lock().remove(&(handle as usize))
    }
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_live_until_removed_once() {
        let reg = Registry::new();
        let h = reg.insert(Arc::new(7u32));
        assert_eq!(reg.get(h).as_deref(), Some(&7));
        assert!(reg.get(std::ptr::null()).is_none());
        assert!(reg.remove(h).is_some());
        assert!(reg.remove(h).is_none());
        assert!(reg.get(h).is_none());
    }
}
