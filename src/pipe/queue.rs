//! An unbounded single-producer single-consumer queue: the channel inside
//! each pipe direction.
//!
//! Items live in chunks of slots linked in a list. The producer writes a
//! slot and then publishes its running count with one release store; the
//! consumer reads the published count only when it has used up what it
//! already knew was there, so a busy pipe moves many messages per cache
//! miss. Drained chunks are handed back for reuse, so steady traffic
//! allocates nothing.
//!
//! Ownership: each chunk is written by the producer and read by the
//! consumer in slot order; a slot is read only after the count that covers
//! it was published (release/acquire), and the consumer leaves a chunk only
//! after the producer has linked the next one, so neither side touches a
//! slot the other may be using.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use std::sync::Arc;

const CHUNK: usize = 128;

struct Chunk<T> {
    slots: [UnsafeCell<MaybeUninit<T>>; CHUNK],
    next: AtomicPtr<Chunk<T>>,
}

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        Box::into_raw(Box::new(Chunk {
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
            next: AtomicPtr::new(ptr::null_mut()),
        }))
    }
}

#[repr(align(128))]
struct Padded<T>(T);

struct Shared<T> {
    /// Items published by the producer, ever.
    published: Padded<AtomicUsize>,
    producer_alive: AtomicBool,
    consumer_alive: AtomicBool,
    /// A drained chunk kept for the producer's next one.
    spare: AtomicPtr<Chunk<T>>,
    /// Where the consumer stopped (set when it goes away), so the last
    /// owner can drop what is left.
    rest: UnsafeCell<(*mut Chunk<T>, usize, usize)>,
}

// SAFETY: items cross from the producer's thread to the consumer's, so T
// must be Send; all shared fields are atomics except `rest`, which the
// consumer writes once when it goes away and only the last owner reads.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Shared<T> {}

pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    tail: *mut Chunk<T>,
    pos: usize,
    count: usize,
}

pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    head: *mut Chunk<T>,
    pos: usize,
    count: usize,
    /// Published count as last seen.
    known: usize,
}

// SAFETY: each end is used by one thread at a time (it needs &mut self);
// the chunk pointers it holds are its own by the protocol above.
unsafe impl<T: Send> Send for Producer<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for Consumer<T> {}

#[derive(Debug, PartialEq, Eq)]
pub enum TryRecvError {
    Empty,
    Disconnected,
}

pub fn queue<T>() -> (Producer<T>, Consumer<T>) {
    let first = Chunk::alloc();
    let shared = Arc::new(Shared {
        published: Padded(AtomicUsize::new(0)),
        producer_alive: AtomicBool::new(true),
        consumer_alive: AtomicBool::new(true),
        spare: AtomicPtr::new(ptr::null_mut()),
        rest: UnsafeCell::new((ptr::null_mut(), 0, 0)),
    });
    (
        Producer {
            shared: shared.clone(),
            tail: first,
            pos: 0,
            count: 0,
        },
        Consumer {
            shared,
            head: first,
            pos: 0,
            count: 0,
            known: 0,
        },
    )
}

impl<T> Producer<T> {
    /// Appends an item; gives it back when the consumer is gone.
    pub fn send(&mut self, item: T) -> Result<(), T> {
        if !self.shared.consumer_alive.load(Ordering::Relaxed) {
            return Err(item);
        }
        if self.pos == CHUNK {
            let mut next = self.shared.spare.swap(ptr::null_mut(), Ordering::Acquire);
            if next.is_null() {
                next = Chunk::alloc();
            } else {
                // SAFETY: a spare chunk is ours alone once taken; reset its
                // link before publishing it.
                unsafe { (*next).next.store(ptr::null_mut(), Ordering::Relaxed) };
            }
            // SAFETY: tail is the producer's current chunk, alive until the
            // consumer moves past it, which needs this link first.
            unsafe { (*self.tail).next.store(next, Ordering::Release) };
            self.tail = next;
            self.pos = 0;
        }
        // SAFETY: slot `pos` of the tail chunk is unpublished, so only we
        // touch it.
        unsafe { (*(*self.tail).slots[self.pos].get()).write(item) };
        self.pos += 1;
        self.count += 1;
        // A full barrier, not just a release: the pipe reads the reader's
        // idle flag right after, and that load must not pass this store
        // (see the pipe's wake-up protocol).
        self.shared.published.0.swap(self.count, Ordering::SeqCst);
        Ok(())
    }
}

impl<T> Drop for Producer<T> {
    fn drop(&mut self) {
        self.shared.producer_alive.store(false, Ordering::Release);
    }
}

impl<T> Consumer<T> {
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if self.count == self.known {
            self.known = self.shared.published.0.load(Ordering::Acquire);
            if self.count == self.known {
                if self.shared.producer_alive.load(Ordering::Acquire) {
                    return Err(TryRecvError::Empty);
                }
                // The producer may have published right before leaving.
                self.known = self.shared.published.0.load(Ordering::Acquire);
                if self.count == self.known {
                    return Err(TryRecvError::Disconnected);
                }
            }
        }
        if self.pos == CHUNK {
            // SAFETY: an item past this chunk is published, so the producer
            // linked the next chunk before (release/acquire via the count).
            let next = unsafe { (*self.head).next.load(Ordering::Acquire) };
            let drained = std::mem::replace(&mut self.head, next);
            self.pos = 0;
            let old = self.shared.spare.swap(drained, Ordering::AcqRel);
            if !old.is_null() {
                // SAFETY: a chunk in `spare` holds no live items and nobody
                // else refers to it once swapped out.
                drop(unsafe { Box::from_raw(old) });
            }
        }
        // SAFETY: this slot is published (count < known) and not yet read.
        let item = unsafe { (*(*self.head).slots[self.pos].get()).assume_init_read() };
        self.pos += 1;
        self.count += 1;
        Ok(item)
    }

    /// The producer is gone (whatever it sent may still be unread).
    pub fn producer_gone(&self) -> bool {
        !self.shared.producer_alive.load(Ordering::Acquire)
    }

    /// Items published and not read yet.
    pub fn len(&self) -> usize {
        self.shared.published.0.load(Ordering::Acquire) - self.count
    }
}

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        // SAFETY: only the consumer writes `rest`, once, here; readers wait
        // until both ends are gone (Shared's drop).
        unsafe { *self.shared.rest.get() = (self.head, self.pos, self.count) };
        self.shared.consumer_alive.store(false, Ordering::Release);
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // Both ends are gone: drop unread items and free every chunk.
        let (mut chunk, mut pos, count) = *self.rest.get_mut();
        let mut left = *self.published.0.get_mut() - count;
        while !chunk.is_null() {
            // SAFETY: we are the last owner; chunks from the consumer's
            // position on are allocated, and exactly `left` slots from
            // (chunk, pos) onwards hold initialised items.
            unsafe {
                while left > 0 && pos < CHUNK {
                    (*(*chunk).slots[pos].get()).assume_init_drop();
                    pos += 1;
                    left -= 1;
                }
                let next = (*chunk).next.load(Ordering::Relaxed);
                drop(Box::from_raw(chunk));
                chunk = next;
            }
            pos = 0;
        }
        let spare = *self.spare.get_mut();
        if !spare.is_null() {
            // SAFETY: the spare chunk holds no items and is ours now.
            drop(unsafe { Box::from_raw(spare) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn fifo_across_chunks() {
        let (mut tx, mut rx) = queue();
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 1000);
        for i in 0..1000 {
            assert_eq!(rx.try_recv(), Ok(i));
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }

    #[test]
    fn items_outlive_the_producer() {
        let (mut tx, mut rx) = queue();
        tx.send(1).unwrap();
        drop(tx);
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }

    #[test]
    fn send_fails_without_consumer() {
        let (mut tx, rx) = queue();
        drop(rx);
        assert_eq!(tx.send(5), Err(5));
    }

    static LIVE: AtomicUsize = AtomicUsize::new(0);

    struct Counted;
    impl Counted {
        fn new() -> Counted {
            LIVE.fetch_add(1, Ordering::SeqCst);
            Counted
        }
    }
    impl Drop for Counted {
        fn drop(&mut self) {
            LIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn unread_items_are_dropped() {
        let (mut tx, mut rx) = queue();
        for _ in 0..300 {
            assert!(tx.send(Counted::new()).is_ok());
        }
        drop(rx.try_recv().unwrap());
        drop(rx);
        drop(tx);
        assert_eq!(LIVE.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn threads_in_order() {
        let (mut tx, mut rx) = queue();
        let n = 1_000_000usize;
        let t = std::thread::spawn(move || {
            for i in 0..n {
                tx.send(i).unwrap();
            }
        });
        let mut next = 0;
        while next < n {
            match rx.try_recv() {
                Ok(v) => {
                    assert_eq!(v, next);
                    next += 1;
                }
                Err(TryRecvError::Empty) => std::hint::spin_loop(),
                Err(TryRecvError::Disconnected) => panic!("lost items"),
            }
        }
        t.join().unwrap();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }
}
