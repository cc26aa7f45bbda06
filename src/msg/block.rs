//! Reference-counted storage for message bodies too large to sit inline.
//!
//! An owned block carries its body right behind the header in one
//! allocation; a foreign block only records the caller's free function.

use std::alloc::Layout;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicUsize, Ordering};

use super::{pool, FreeFn};

pub(super) struct Block {
    refs: AtomicUsize,
    layout: Layout,
    foreign: Option<(FreeFn, *mut c_void, *mut c_void)>,
}

impl Block {
    /// A block with room for `len` body bytes; returns it and the body.
    pub(super) fn alloc_owned(len: usize) -> Option<(NonNull<Block>, *mut u8)> {
        let (layout, offset) = Layout::new::<Block>()
            .extend(Layout::array::<u8>(len).ok()?)
            .ok()?;
        let block = Block::alloc(layout, None)?;
        // SAFETY: the allocation is layout.size() bytes and offset + len
        // fits inside it by construction of `layout`.
        let data = unsafe { block.as_ptr().cast::<u8>().add(offset) };
        Some((block, data))
    }

    /// A block that calls `free(data, hint)` when the last reference goes.
    pub(super) fn alloc_foreign(
        free: FreeFn,
        data: *mut c_void,
        hint: *mut c_void,
    ) -> Option<NonNull<Block>> {
        Block::alloc(Layout::new::<Block>(), Some((free, data, hint)))
    }

    fn alloc(
        layout: Layout,
        foreign: Option<(FreeFn, *mut c_void, *mut c_void)>,
    ) -> Option<NonNull<Block>> {
        // Layouts here have a non-zero size: they contain a Block.
        let (ptr, layout) = pool::allocate(layout)?;
        let ptr = ptr.cast::<Block>();
        let header = Block {
            refs: AtomicUsize::new(1),
            layout,
            foreign,
        };
        // SAFETY: ptr is fresh, aligned for Block and large enough.
        unsafe { ptr.as_ptr().write(header) };
        Some(ptr)
    }

    pub(super) fn add_ref(&self) {
        self.refs.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops one reference; the last one frees the body.
    ///
    /// # Safety
    /// `block` must be live and the caller must own the reference it gives
    /// up here.
    pub(super) unsafe fn release(block: NonNull<Block>) {
        // SAFETY: the caller holds a reference, so the block is live.
        let header = unsafe { block.as_ref() };
        if header.refs.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        // Pairs with the Release above so every user's writes to the body
        // happen before it is freed.
        fence(Ordering::Acquire);
        let layout = header.layout;
        if let Some((free, data, hint)) = header.foreign {
            // SAFETY: the free function's contract (zmq_msg_init_data) is
            // to be called exactly once, now that no message refers to data.
            unsafe { free(data, hint) };
        }
        // SAFETY: this was the last reference; the block and `layout` came
        // from pool::allocate in Block::alloc, and Block needs no drop.
        unsafe { pool::release(block.cast(), layout) };
    }
}
