//! A command queue with an eventfd that is readable exactly while commands
//! wait for a receiver that has said it is idle.
//!
//! The receiver drains the queue, then announces it is idle and checks the
//! queue once more; a sender that finds the receiver idle takes the flag
//! and writes the eventfd. So a busy receiver costs senders no system call,
//! no wake-up is lost, and an idle receiver with nothing queued costs one
//! atomic load to check. This is the edge ZMQ_FD reports.

use crossbeam_channel::{unbounded, Receiver, Sender, TryRecvError};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::Signaler;
use crate::errno::Result;

struct Shared<C> {
    queue: Sender<C>,
    idle: AtomicBool,
    signaler: Signaler,
}

/// The sending side; cheap to clone, held by peers.
pub struct MailboxSender<C> {
    shared: Arc<Shared<C>>,
}

impl<C> Clone for MailboxSender<C> {
    fn clone(&self) -> Self {
        MailboxSender {
            shared: self.shared.clone(),
        }
    }
}

impl<C> MailboxSender<C> {
    pub fn send(&self, cmd: C) {
        // The receiver may be gone (socket closed): the command is moot.
        if self.shared.queue.send(cmd).is_ok() && self.shared.idle.swap(false, Ordering::AcqRel) {
            self.shared.signaler.send();
        }
    }

    /// True when both senders reach the same mailbox.
    pub fn same(&self, other: &MailboxSender<C>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// What [`Mailbox::wait`] saw.
#[derive(Debug, PartialEq, Eq)]
pub enum Wait {
    Signalled,
    TimedOut,
}

/// The receiving side, owned by one socket (or I/O thread).
pub struct Mailbox<C> {
    shared: Arc<Shared<C>>,
    queue: Receiver<C>,
    /// We stored `idle = true` and have not taken it back since.
    asleep: bool,
}

impl<C> Mailbox<C> {
    pub fn new() -> Result<Mailbox<C>> {
        let (tx, rx) = unbounded();
        Ok(Mailbox {
            shared: Arc::new(Shared {
                queue: tx,
                idle: AtomicBool::new(false),
                signaler: Signaler::new()?,
            }),
            queue: rx,
            asleep: false,
        })
    }

    pub fn sender(&self) -> MailboxSender<C> {
        MailboxSender {
            shared: self.shared.clone(),
        }
    }

    /// ZMQ_FD.
    pub fn fd(&self) -> std::os::fd::RawFd {
        self.shared.signaler.fd()
    }

    /// Next command, if any. When it returns None the mailbox is idle: the
    /// next command sent will make the fd readable.
    pub fn recv(&mut self) -> Option<C> {
        if self.asleep {
            if self.shared.idle.load(Ordering::Acquire) {
                return None; // nothing sent since we went idle
            }
            // A sender took the flag and signalled: consume that signal.
            self.shared.signaler.reset();
            self.asleep = false;
        }
        loop {
            match self.queue.try_recv() {
                Ok(cmd) => return Some(cmd),
                Err(TryRecvError::Disconnected) => unreachable!("we hold a sender"),
                Err(TryRecvError::Empty) => {}
            }
            self.shared.idle.store(true, Ordering::SeqCst);
            fence(Ordering::SeqCst);
            if self.queue.is_empty() {
                self.asleep = true;
                return None;
            }
            // A command slipped in: take the flag back, or, if its sender
            // already took it, consume the signal it wrote.
            if !self.shared.idle.swap(false, Ordering::AcqRel) {
                self.shared.signaler.reset();
            }
        }
    }

    /// Drops a wake-up signal that no queued command stands behind.
    ///
    /// A sender takes the idle flag and then writes the eventfd; if we
    /// reset the eventfd in between, its write lands afterwards and leaves
    /// the fd readable with nothing queued. Call this on slow paths (before
    /// sleeping, in ZMQ_EVENTS) so the fd goes quiet again. Returns true
    /// when commands may be waiting: the caller should drain with `recv`.
    pub fn clear_stale(&mut self) -> bool {
        if !self.asleep || !self.shared.idle.load(Ordering::SeqCst) {
            return true;
        }
        self.shared.signaler.reset();
        fence(Ordering::SeqCst);
        // A sender that came after our check may have had its write eaten
        // by the reset; its command is queued, so report it.
        !self.shared.idle.load(Ordering::SeqCst)
    }

    /// Sleeps until a command arrives or `deadline` passes. Call only after
    /// `recv` returned None.
    pub fn wait(&self, deadline: Option<Instant>) -> Result<Wait> {
        debug_assert!(self.asleep);
        Ok(if self.shared.signaler.wait(deadline)? {
            Wait::Signalled
        } else {
            Wait::TimedOut
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Option<Instant> {
        Some(Instant::now() + Duration::from_millis(20))
    }

    #[test]
    fn fd_is_readable_only_for_unseen_commands() {
        let mut mb = Mailbox::new().unwrap();
        let tx = mb.sender();
        assert_eq!(mb.recv(), None);
        assert_eq!(mb.wait(soon()).unwrap(), Wait::TimedOut);
        tx.send(1);
        tx.send(2);
        assert_eq!(mb.wait(soon()).unwrap(), Wait::Signalled);
        assert_eq!(mb.recv(), Some(1));
        assert_eq!(mb.recv(), Some(2));
        assert_eq!(mb.recv(), None);
        assert_eq!(mb.wait(soon()).unwrap(), Wait::TimedOut, "signal consumed");
    }

    #[test]
    fn stale_signals_are_cleared() {
        let mut mb = Mailbox::<u32>::new().unwrap();
        assert_eq!(mb.recv(), None);
        // A write with nothing queued behind it, as a late eventfd write
        // after our reset leaves.
        mb.shared.signaler.send();
        assert_eq!(mb.wait(soon()).unwrap(), Wait::Signalled);
        assert!(!mb.clear_stale());
        assert_eq!(mb.wait(soon()).unwrap(), Wait::TimedOut);
    }

    #[test]
    fn no_lost_wakeups_across_threads() {
        let mut mb = Mailbox::new().unwrap();
        let tx = mb.sender();
        let n = 20_000;
        let t = std::thread::spawn(move || {
            for i in 0..n {
                tx.send(i);
            }
        });
        let mut got = 0;
        while got < n {
            match mb.recv() {
                Some(v) => {
                    assert_eq!(v, got);
                    got += 1;
                }
                None => {
                    let far = Some(Instant::now() + Duration::from_secs(10));
                    assert_eq!(
                        mb.wait(far).unwrap(),
                        Wait::Signalled,
                        "lost wake-up at {got}"
                    );
                }
            }
        }
        t.join().unwrap();
    }
}
