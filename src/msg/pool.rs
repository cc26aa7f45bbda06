//! Recycled storage for message bodies.
//!
//! A large body is usually allocated by the sending thread and freed by the
//! receiving one. With the system allocator that free takes the sender's
//! arena lock and contends with its next allocation, and memory given back
//! at the heap top is faulted in again moments later. Freed blocks are
//! instead kept in small lock-free pools by size class and handed to the
//! next allocation of that class.
//!
//! Classes are quarter steps between powers of two (at most 25% slack),
//! from 512 bytes to 4 MiB; each class keeps at most ~2 MiB of blocks.

use crossbeam_channel::{bounded, Receiver, Sender};
use std::alloc::{alloc, dealloc, Layout};
use std::ptr::NonNull;
use std::sync::OnceLock;

const MIN_SHIFT: u32 = 9;
const MAX_SHIFT: u32 = 22;
const STEPS: usize = 4;
const CLASSES: usize = (MAX_SHIFT - MIN_SHIFT + 1) as usize * STEPS;
const BYTES_PER_CLASS: usize = 2 << 20;
const MAX_BLOCKS_PER_CLASS: usize = 256;

struct Block(NonNull<u8>);

// SAFETY: a pooled block is plain memory owned by whoever holds it.
unsafe impl Send for Block {}

struct Class {
    size: usize,
    free: (Sender<Block>, Receiver<Block>),
}

fn classes() -> &'static [Class] {
    static CLASSES_CELL: OnceLock<Vec<Class>> = OnceLock::new();
    CLASSES_CELL.get_or_init(|| {
        (0..CLASSES)
            .map(|i| {
                let size = class_size(i);
                let keep = (BYTES_PER_CLASS / size).clamp(2, MAX_BLOCKS_PER_CLASS);
                Class {
                    size,
                    free: bounded(keep),
                }
            })
            .collect()
    })
}

fn class_size(index: usize) -> usize {
    let base = 1usize << (MIN_SHIFT + (index / STEPS) as u32);
    base + base / STEPS * (index % STEPS)
}

/// The class that fits `size`, if sizes like it are pooled.
fn class_of(size: usize) -> Option<usize> {
    if size > 1 << MAX_SHIFT {
        return None;
    }
    let size = size.max(1 << MIN_SHIFT);
    let shift = usize::BITS - 1 - size.leading_zeros();
    let base = 1usize << shift;
    let step = base / STEPS;
    let sub = (size - base).div_ceil(step);
    let index = (shift - MIN_SHIFT) as usize * STEPS + sub;
    // sub == STEPS rolls over into the next power of two.
    (index < CLASSES).then_some(index)
}

/// Memory for `layout`, possibly recycled; the returned layout is the one
/// to free it with (its size may be rounded up to the class).
pub(super) fn allocate(layout: Layout) -> Option<(NonNull<u8>, Layout)> {
    if let Some(index) = class_of(layout.size()) {
        let class = &classes()[index];
        let rounded = Layout::from_size_align(class.size, layout.align()).ok()?;
        if let Ok(Block(ptr)) = class.free.1.try_recv() {
            return Some((ptr, rounded));
        }
        // SAFETY: rounded has a non-zero size.
        return NonNull::new(unsafe { alloc(rounded) }).map(|p| (p, rounded));
    }
    // SAFETY: callers pass layouts of non-zero size.
    NonNull::new(unsafe { alloc(layout) }).map(|p| (p, layout))
}

/// Returns memory from [`allocate`].
///
/// # Safety
/// `ptr` and `layout` must be a pair `allocate` returned, freed once.
pub(super) unsafe fn release(ptr: NonNull<u8>, layout: Layout) {
    if let Some(index) = class_of(layout.size()) {
        let class = &classes()[index];
        // Only blocks of exactly the class size and the usual alignment
        // were made for the pool.
        if class.size == layout.size() && layout.align() <= 16 {
            match class.free.0.try_send(Block(ptr)) {
                Ok(()) => return,
                Err(e) => drop(e.into_inner()),
            }
        }
    }
    // SAFETY: allocated with this layout by `allocate`.
    unsafe { dealloc(ptr.as_ptr(), layout) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_fit_with_little_slack() {
        for size in [1, 512, 513, 1000, 1064, 4096, 65536 + 40, 1 << 22] {
            let c = class_of(size).unwrap();
            let cs = class_size(c);
            assert!(cs >= size, "{size} -> {cs}");
            assert!(size < 512 || cs <= size + size / 4 + 1, "{size} -> {cs}");
            if c > 0 {
                assert!(class_size(c - 1) < size.max(512), "{size} tightest");
            }
        }
        assert_eq!(class_of((1 << 22) + 1), None);
    }

    #[test]
    fn freed_blocks_are_reused() {
        let layout = Layout::from_size_align(70_000, 8).unwrap();
        let (a, la) = allocate(layout).unwrap();
        // SAFETY: pair from allocate.
        unsafe { release(a, la) };
        let (b, lb) = allocate(layout).unwrap();
        assert_eq!(a, b);
        assert_eq!(la, lb);
        // SAFETY: pair from allocate.
        unsafe { release(b, lb) };
    }
}
