//! The message: exactly the 64 bytes of a C `zmq_msg_t`.
//!
//! Bodies of up to [`MAX_INLINE`] bytes live inside the 64 bytes (no
//! allocation); larger ones live in a reference-counted [`block`]; constant
//! bodies (`zmq_send_const`, `zmq_msg_init_data` without a free function)
//! are only pointed at. The representation holds no pointer into itself, so
//! an initialised message may be moved bit-for-bit, as bindings do.

mod block;
pub mod metadata;
mod pool;
pub mod raw;

use std::ffi::{c_void, CStr, CString};
use std::mem::size_of;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::errno::{Errno, Result};
use block::Block;
pub use metadata::Metadata;

/// Largest body stored inside the message itself (libzmq's threshold too,
/// so ZMQ_SHARED after zmq_msg_copy reads the same).
pub const MAX_INLINE: usize = 33;

/// Longest RADIO/DISH group name (ZMQ_GROUP_MAX_LENGTH).
pub const GROUP_MAX_LEN: usize = 255;

/// Message flags, as libzmq numbers the public ones.
pub mod flags {
    pub const MORE: u8 = 1;
    pub const COMMAND: u8 = 2;
    pub const SHARED: u8 = 128;
}

/// The free function of `zmq_msg_init_data`.
pub type FreeFn = unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void);

const INLINE_CAP: usize = 40;

// Kind tags. With GUARD they mark the 64 bytes as a live message, so an
// uninitialised or closed zmq_msg_t is refused with EFAULT, as libzmq does.
const KIND_INLINE: u8 = 0xB1;
const KIND_HEAP: u8 = 0xB2;
const KIND_CONST: u8 = 0xB3;
const GUARD: u8 = 0x5A;

#[repr(C)]
#[derive(Clone, Copy)]
struct HeapBody {
    block: NonNull<Block>,
    data: *mut u8,
    len: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ConstBody {
    data: *const u8,
    len: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
union Body {
    inline: [u8; INLINE_CAP],
    heap: HeapBody,
    konst: ConstBody,
}

#[repr(C, align(8))]
pub struct Msg {
    body: Body,
    metadata: Option<Arc<Metadata>>,
    group: Option<Arc<CString>>,
    routing_id: u32,
    inline_len: u8,
    flags: u8,
    kind: u8,
    guard: u8,
}

const _: () = assert!(size_of::<Msg>() == 64);
const _: () = assert!(std::mem::align_of::<Msg>() == 8);

// SAFETY: a Msg owns its body: inline bytes, one reference of a block whose
// count is atomic, or constant data the caller promised never to change.
// libzmq likewise lets messages (and their free functions) cross threads.
unsafe impl Send for Msg {}

impl Msg {
    /// An empty message (`zmq_msg_init`).
    pub fn new() -> Msg {
        Msg {
            body: Body {
                inline: [0; INLINE_CAP],
            },
            metadata: None,
            group: None,
            routing_id: 0,
            inline_len: 0,
            flags: 0,
            kind: KIND_INLINE,
            guard: GUARD,
        }
    }

    /// A message with `len` bytes of body, zero-filled when inline and
    /// otherwise uninitialised content the caller is expected to write.
    pub fn with_size(len: usize) -> Result<Msg> {
        if len <= MAX_INLINE {
            let mut msg = Msg::new();
            msg.inline_len = len as u8;
            return Ok(msg);
        }
        let (block, data) = Block::alloc_owned(len).ok_or(Errno::ENOMEM)?;
        Ok(Msg::heap(block, data, len))
    }

    /// A message holding a copy of `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Result<Msg> {
        let mut msg = Msg::with_size(bytes.len())?;
        msg.data_mut().copy_from_slice(bytes);
        Ok(msg)
    }

    /// A message whose body is caller memory, released by `free(data, hint)`
    /// once the last copy is closed (`zmq_msg_init_data`).
    ///
    /// # Safety
    /// `data` must be valid for `len` bytes until `free` is called; `free`
    /// must be safe to call from any thread.
    pub unsafe fn from_foreign(
        data: *mut u8,
        len: usize,
        free: FreeFn,
        hint: *mut c_void,
    ) -> Result<Msg> {
        let block = Block::alloc_foreign(free, data.cast(), hint).ok_or(Errno::ENOMEM)?;
        Ok(Msg::heap(block, data, len))
    }

    /// A message pointing at constant memory that is never freed
    /// (`zmq_send_const`, `zmq_msg_init_data` without a free function).
    ///
    /// # Safety
    /// `data` must stay valid and unchanged for `len` bytes for as long as
    /// any copy of the message exists.
    pub unsafe fn from_const(data: *const u8, len: usize) -> Msg {
        let mut msg = Msg::new();
        msg.body = Body {
            konst: ConstBody { data, len },
        };
        msg.kind = KIND_CONST;
        msg
    }

    fn heap(block: NonNull<Block>, data: *mut u8, len: usize) -> Msg {
        let mut msg = Msg::new();
        msg.body = Body {
            heap: HeapBody { block, data, len },
        };
        msg.kind = KIND_HEAP;
        msg
    }

    pub fn len(&self) -> usize {
        match self.kind {
            // SAFETY: `kind` says which union field is live.
            KIND_HEAP => unsafe { self.body.heap.len },
            // SAFETY: as above.
            KIND_CONST => unsafe { self.body.konst.len },
            _ => self.inline_len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pointer to the body. For an inline body it points into `self`, so it
    /// is only meaningful while the message stays where it is.
    pub fn data_ptr(&self) -> *const u8 {
        match self.kind {
            // SAFETY: `kind` says which union field is live.
            KIND_HEAP => unsafe { self.body.heap.data },
            // SAFETY: as above.
            KIND_CONST => unsafe { self.body.konst.data },
            // SAFETY: as above; taking the address reads nothing.
            _ => unsafe { self.body.inline.as_ptr() },
        }
    }

    pub fn data(&self) -> &[u8] {
        let len = self.len();
        if len == 0 {
            return &[];
        }
        // SAFETY: data_ptr is valid for len bytes (inline buffer, live
        // block, or constant memory the caller vouched for).
        unsafe { std::slice::from_raw_parts(self.data_ptr(), len) }
    }

    /// Mutable body. Writing to a shared or constant body is allowed by
    /// libzmq's C API (zmq_msg_data returns a plain pointer), so this does
    /// not copy on write either.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let len = self.len();
        if len == 0 {
            return &mut [];
        }
        let ptr = self.data_ptr() as *mut u8;
        // SAFETY: as in data(); &mut self makes this the only Rust view.
        unsafe { std::slice::from_raw_parts_mut(ptr, len) }
    }

    /// Drops the first `n` bytes of the body (all of it if shorter). A
    /// large body is not copied: the message views the rest of its block,
    /// as a decrypted frame's plaintext behind its header. What is left of
    /// a large body once small enough moves inline, as received small
    /// messages are.
    pub fn trim_front(&mut self, n: usize) {
        let n = n.min(self.len());
        if n == 0 {
            return;
        }
        if self.len() - n <= MAX_INLINE && self.kind != KIND_INLINE {
            let mut small = Msg::new();
            small.inline_len = (self.len() - n) as u8;
            small.data_mut().copy_from_slice(&self.data()[n..]);
            small.flags = self.flags & !flags::SHARED;
            small.routing_id = self.routing_id;
            small.metadata = self.metadata.take();
            small.group = self.group.take();
            *self = small;
            return;
        }
        match self.kind {
            KIND_HEAP => {
                // SAFETY: `kind` says the heap field is live; n <= len, so
                // the view stays inside the block's body.
                let heap = unsafe { &mut self.body.heap };
                heap.data = heap.data.wrapping_add(n);
                heap.len -= n;
            }
            KIND_CONST => {
                // SAFETY: as above, for constant memory.
                let konst = unsafe { &mut self.body.konst };
                konst.data = konst.data.wrapping_add(n);
                konst.len -= n;
            }
            _ => {
                let len = self.len();
                // SAFETY: `kind` says the inline field is live.
                unsafe { self.body.inline.copy_within(n..len, 0) };
                self.inline_len = (len - n) as u8;
            }
        }
    }

    pub fn flags(&self) -> u8 {
        self.flags
    }

    pub fn more(&self) -> bool {
        self.flags & flags::MORE != 0
    }

    pub fn set_more(&mut self, more: bool) {
        if more {
            self.flags |= flags::MORE;
        } else {
            self.flags &= !flags::MORE;
        }
    }

    pub fn set_flags(&mut self, set: u8) {
        self.flags |= set;
    }

    pub fn clear_flags(&mut self, clear: u8) {
        self.flags &= !clear;
    }

    /// ZMQ_SHARED: the body may be shared with another message.
    pub fn is_shared(&self) -> bool {
        self.kind == KIND_CONST || self.flags & flags::SHARED != 0
    }

    /// A second message with the same body (`zmq_msg_copy`): large bodies
    /// are shared by reference count and both messages report ZMQ_SHARED;
    /// small ones are copied.
    pub fn share(&mut self) -> Msg {
        if self.kind == KIND_HEAP {
            self.flags |= flags::SHARED;
            // SAFETY: a heap message owns one reference to a live block.
            unsafe { self.body.heap.block.as_ref() }.add_ref();
        }
        Msg {
            body: self.body,
            metadata: self.metadata.clone(),
            group: self.group.clone(),
            routing_id: self.routing_id,
            inline_len: self.inline_len,
            flags: self.flags,
            kind: self.kind,
            guard: GUARD,
        }
    }

    pub fn metadata(&self) -> Option<&Arc<Metadata>> {
        self.metadata.as_ref()
    }

    pub fn set_metadata(&mut self, metadata: Option<Arc<Metadata>>) {
        self.metadata = metadata;
    }

    /// A metadata property (`zmq_msg_gets`), looked up by exact name.
    pub fn property(&self, name: &[u8]) -> Option<&CStr> {
        self.metadata.as_deref()?.get(name)
    }

    /// Routing id of SERVER/PEER messages; 0 means none.
    pub fn routing_id(&self) -> u32 {
        self.routing_id
    }

    pub fn set_routing_id(&mut self, id: u32) -> Result<()> {
        if id == 0 {
            return Err(Errno::EINVAL);
        }
        self.routing_id = id;
        Ok(())
    }

    /// RADIO/DISH group, as a C string ("" when unset).
    pub fn group(&self) -> &CStr {
        self.group.as_deref().map_or(c"", |g| g.as_c_str())
    }

    pub fn set_group(&mut self, group: &[u8]) -> Result<()> {
        if group.len() > GROUP_MAX_LEN {
            return Err(Errno::EINVAL);
        }
        let group = CString::new(group).map_err(|_| Errno::EINVAL)?;
        self.group = Some(Arc::new(group));
        Ok(())
    }
}

impl Default for Msg {
    fn default() -> Self {
        Msg::new()
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        if self.kind == KIND_HEAP {
            // SAFETY: a heap message owns exactly one reference, given up
            // here and never used again.
            unsafe { Block::release(self.body.heap.block) };
        }
    }
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Msg")
            .field("len", &self.len())
            .field("flags", &self.flags)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn small_bodies_are_inline_and_copied() {
        let mut a = Msg::from_slice(b"hello").unwrap();
        let b = a.share();
        assert_eq!(b.data(), b"hello");
        assert!(!a.is_shared() && !b.is_shared());
        assert_ne!(a.data_ptr(), b.data_ptr());
    }

    #[test]
    fn large_bodies_are_shared() {
        let mut a = Msg::from_slice(&[7u8; 100]).unwrap();
        assert!(!a.is_shared());
        let b = a.share();
        assert!(a.is_shared() && b.is_shared());
        assert_eq!(a.data_ptr(), b.data_ptr());
        drop(a);
        assert_eq!(b.data(), &[7u8; 100][..]);
    }

    #[test]
    fn trim_front_keeps_large_bodies_in_place() {
        let body: Vec<u8> = (0..200u8).collect();
        let mut m = Msg::from_slice(&body).unwrap();
        m.set_flags(flags::MORE);
        let start = m.data_ptr();
        m.trim_front(33);
        assert_eq!(m.data(), &body[33..]);
        assert_eq!(m.data_ptr(), start.wrapping_add(33), "not copied");
        assert!(m.more());
        let mut copy = m.share();
        copy.trim_front(1);
        assert_eq!(m.data(), &body[33..], "a copy trims only itself");
        assert_eq!(copy.data(), &body[34..]);

        // What is left moves inline once small, without the SHARED flag.
        m.trim_front(200 - 33 - 5);
        assert_eq!(m.data(), &body[195..]);
        assert!(!m.is_shared() && m.more());
        assert!(m.kind == KIND_INLINE);
        drop(copy);

        let mut small = Msg::from_slice(b"0123456789").unwrap();
        small.trim_front(4);
        assert_eq!(small.data(), b"456789");
        small.trim_front(100);
        assert!(small.is_empty());
    }

    #[test]
    fn empty_message_has_a_pointer() {
        let m = Msg::with_size(0).unwrap();
        assert!(!m.data_ptr().is_null());
        assert!(m.is_empty());
    }

    #[test]
    fn absurd_sizes_fail_cleanly() {
        assert_eq!(Msg::with_size(usize::MAX).unwrap_err(), Errno::ENOMEM);
    }

    static FREED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn count_free(data: *mut c_void, hint: *mut c_void) {
        assert_eq!(data as usize, hint as usize);
        FREED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn foreign_free_runs_once_after_last_copy() {
        let mut body = *b"foreign body";
        let p = body.as_mut_ptr();
        // SAFETY: body outlives every copy; count_free only counts.
        let mut a = unsafe { Msg::from_foreign(p, body.len(), count_free, p.cast()) }.unwrap();
        let b = a.share();
        let c = Msg::share(&mut a.share());
        drop(a);
        drop(b);
        assert_eq!(FREED.load(Ordering::SeqCst), 0);
        assert_eq!(c.data(), b"foreign body");
        drop(c);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn routing_id_and_group() {
        let mut m = Msg::new();
        assert_eq!(m.set_routing_id(0), Err(Errno::EINVAL));
        m.set_routing_id(42).unwrap();
        assert_eq!(m.routing_id(), 42);
        assert_eq!(m.group(), c"");
        m.set_group(b"weather").unwrap();
        assert_eq!(m.group(), c"weather");
        assert_eq!(m.set_group(&[b'x'; 256]), Err(Errno::EINVAL));
    }
}
