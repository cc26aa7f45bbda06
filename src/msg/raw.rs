//! A [`Msg`] seen through the `zmq_msg_t *` that C hands us.
//!
//! C may place a `zmq_msg_t` anywhere (stack, arrays, binding structs), and
//! may pass one that was never initialised or was already closed. So the
//! 64 bytes are never borrowed in place: each operation checks the kind and
//! guard bytes, works on an unaligned copy, and writes the result back.
//! This is sound because a `Msg` holds no pointer into itself.

use std::mem::{offset_of, ManuallyDrop};
use std::ptr;

use super::{Msg, GUARD, KIND_CONST, KIND_HEAP, KIND_INLINE};

/// True when `p` points at a live (initialised, not closed) message.
///
/// # Safety
/// `p` must be null or point at 64 readable bytes.
pub unsafe fn is_live(p: *const Msg) -> bool {
    if p.is_null() {
        return false;
    }
    let bytes = p.cast::<u8>();
    // SAFETY: both offsets are inside the 64 bytes the caller vouched for.
    let (kind, guard) = unsafe {
        (
            bytes.add(offset_of!(Msg, kind)).read(),
            bytes.add(offset_of!(Msg, guard)).read(),
        )
    };
    guard == GUARD && matches!(kind, KIND_INLINE | KIND_HEAP | KIND_CONST)
}

/// Stores `msg` at `p` without looking at what was there.
///
/// # Safety
/// `p` must be non-null and point at 64 writable bytes.
pub unsafe fn init(p: *mut Msg, msg: Msg) {
    // SAFETY: the caller vouched for 64 writable bytes; alignment is not
    // assumed.
    unsafe { ptr::write_unaligned(p, msg) };
}

/// Takes the message out of `p`, leaving the bytes marked closed. None when
/// `p` holds no live message.
///
/// # Safety
/// `p` must be null or point at 64 writable bytes.
pub unsafe fn take(p: *mut Msg) -> Option<Msg> {
    // SAFETY: forwarded from the caller.
    if !unsafe { is_live(p) } {
        return None;
    }
    // SAFETY: live, so the bytes are a valid Msg; ownership moves to the
    // returned value and the original is marked dead right after.
    let msg = unsafe { ptr::read_unaligned(p) };
    let bytes = p.cast::<u8>();
    // SAFETY: offsets inside the 64 bytes.
    unsafe {
        bytes.add(offset_of!(Msg, kind)).write(0);
        bytes.add(offset_of!(Msg, guard)).write(0);
    }
    Some(msg)
}

/// Runs `f` on the live message at `p` and stores the result back. None
/// when `p` holds no live message. If `f` panics, `p` is left as it was.
///
/// # Safety
/// `p` must be null or point at 64 writable bytes.
pub unsafe fn with<R>(p: *mut Msg, f: impl FnOnce(&mut Msg) -> R) -> Option<R> {
    // SAFETY: forwarded from the caller.
    if !unsafe { is_live(p) } {
        return None;
    }
    // SAFETY: live, so the bytes are a valid Msg. ManuallyDrop keeps the
    // copy from releasing the body the original still owns.
    let mut msg = ManuallyDrop::new(unsafe { ptr::read_unaligned(p) });
    let result = f(&mut msg);
    // SAFETY: write the (possibly changed) message back over the original,
    // which is not dropped: the copy carries its ownership.
    unsafe { ptr::write_unaligned(p, ManuallyDrop::into_inner(msg)) };
    Some(result)
}

/// The body pointer as C must see it: an inline body lives inside the
/// caller's own 64 bytes, not inside our temporary copy.
///
/// # Safety
/// `p` must be null or point at 64 readable bytes.
pub unsafe fn data_ptr(p: *mut Msg) -> Option<*mut u8> {
    // SAFETY: forwarded from the caller; `with` writes back what it read.
    unsafe {
        with(p, |m| {
            if m.kind == KIND_INLINE {
                p.cast::<u8>().add(offset_of!(Msg, body))
            } else {
                m.data_ptr() as *mut u8
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_and_garbage_messages_are_refused() {
        let mut slot = [0u8; 64];
        let p = slot.as_mut_ptr().cast::<Msg>();
        // SAFETY: slot is 64 writable bytes.
        unsafe {
            assert!(!is_live(p));
            init(p, Msg::from_slice(b"abc").unwrap());
            assert!(is_live(p));
            let m = take(p).unwrap();
            assert_eq!(m.data(), b"abc");
            assert!(take(p).is_none(), "second close is refused");
        }
    }

    #[test]
    fn unaligned_messages_work() {
        let mut slot = [0u8; 72];
        // SAFETY: 64 writable bytes start at offset 3 of a 72-byte buffer.
        unsafe {
            let p = slot.as_mut_ptr().add(3).cast::<Msg>();
            init(p, Msg::from_slice(&[9u8; 10]).unwrap());
            let d = data_ptr(p).unwrap();
            assert_eq!(d, slot.as_mut_ptr().add(3));
            assert_eq!(with(p, |m| m.len()), Some(10));
            drop(take(p));
        }
    }
}
