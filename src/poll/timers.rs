//! The `zmq_timers_*` API: repeating timers driven by the application
//! (`zmq_timers_timeout` says how long to sleep, `zmq_timers_execute` runs
//! what is due).
//!
//! Handlers are C callbacks that may call back into the same timer set
//! (cancel themselves, add timers), so no lock is held while one runs.
//! As in libzmq, cancelled timers are dropped lazily, and ids count up from
//! 1 in each set.

use parking_lot::Mutex;
use std::collections::{BTreeMap, HashSet};
use std::ffi::c_void;
use std::time::{Duration, Instant};

use crate::errno::{Errno, Result};

pub type TimerFn = unsafe extern "C" fn(timer_id: i32, arg: *mut c_void);

#[derive(Clone, Copy)]
struct Timer {
    id: i32,
    interval: Duration,
    handler: TimerFn,
    arg: *mut c_void,
}

#[derive(Default)]
struct State {
    /// Due time, then insertion sequence (timers due at the same moment run
    /// in the order they were armed).
    armed: BTreeMap<(Instant, u64), Timer>,
    cancelled: HashSet<i32>,
    /// Timers taken out by `execute` while their handlers run; still
    /// visible to cancel, reset and set_interval.
    running: Vec<Timer>,
    next_id: i32,
    seq: u64,
}

impl State {
    fn arm(&mut self, due: Instant, timer: Timer) {
        self.seq += 1;
        self.armed.insert((due, self.seq), timer);
    }

    fn find(&self, id: i32) -> Option<(Instant, u64)> {
        self.armed
            .iter()
            .find(|(_, t)| t.id == id)
            .map(|(key, _)| *key)
    }

    fn exists(&self, id: i32) -> bool {
        self.find(id).is_some() || self.running.iter().any(|t| t.id == id)
    }

    /// Re-arms timer `id` from `now`, with a new interval if given. A
    /// running timer only takes the new interval: `execute` re-arms it.
    fn rearm(&mut self, id: i32, interval: Option<Duration>, now: Instant) -> Result<()> {
        if let Some(running) = self.running.iter_mut().find(|t| t.id == id) {
            if let Some(interval) = interval {
                running.interval = interval;
            }
            return Ok(());
        }
        let key = self.find(id).ok_or(Errno::EINVAL)?;
        let mut timer = self.armed.remove(&key).expect("key just found");
        if let Some(interval) = interval {
            timer.interval = interval;
        }
        self.arm(deadline(now, timer.interval), timer);
        Ok(())
    }

    /// Drops cancelled timers from the front of the queue.
    fn discard_cancelled_front(&mut self) {
        while let Some(entry) = self.armed.first_entry() {
            if !self.cancelled.remove(&entry.get().id) {
                break;
            }
            entry.remove();
        }
    }
}

#[derive(Default)]
pub struct Timers {
    state: Mutex<State>,
}

// SAFETY: the only non-Send field is the C `arg` pointer, which is handed
// back untouched to the C handler; libzmq's timer sets carry it the same
// way, and thread-safety of the callback is the caller's business.
unsafe impl Send for Timers {}
// SAFETY: all access to the state goes through the mutex.
unsafe impl Sync for Timers {}

fn millis(ms: usize) -> Duration {
    Duration::from_millis(ms as u64)
}

/// `now + interval`, saturating: an absurd interval (SIZE_MAX ms) means
/// "practically never", where libzmq's clock arithmetic wraps around.
fn deadline(now: Instant, interval: Duration) -> Instant {
    now.checked_add(interval)
        .unwrap_or_else(|| now + Duration::from_secs(u32::MAX as u64))
}

impl Timers {
    pub fn new() -> Timers {
        Timers::default()
    }

    /// Adds a repeating timer; returns its id.
    pub fn add(&self, interval_ms: usize, handler: TimerFn, arg: *mut c_void) -> i32 {
        let mut st = self.state.lock();
        st.next_id += 1;
        let timer = Timer {
            id: st.next_id,
            interval: millis(interval_ms),
            handler,
            arg,
        };
        st.arm(deadline(Instant::now(), timer.interval), timer);
        timer.id
    }

    pub fn cancel(&self, id: i32) -> Result<()> {
        let mut st = self.state.lock();
        if !st.exists(id) || !st.cancelled.insert(id) {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }

    pub fn set_interval(&self, id: i32, interval_ms: usize) -> Result<()> {
        self.state
            .lock()
            .rearm(id, Some(millis(interval_ms)), Instant::now())
    }

    pub fn reset(&self, id: i32) -> Result<()> {
        self.state.lock().rearm(id, None, Instant::now())
    }

    /// Milliseconds until the next live timer is due (0 if overdue), or -1
    /// when none is armed.
    pub fn timeout(&self) -> i64 {
        let mut st = self.state.lock();
        st.discard_cancelled_front();
        match st.armed.first_key_value() {
            Some(((due, _), _)) => {
                let left = due.saturating_duration_since(Instant::now());
                // Round up so a caller sleeping this long finds it due.
                left.as_micros().div_ceil(1000).min(i64::MAX as u128) as i64
            }
            None => -1,
        }
    }

    /// Runs every timer that is due, then re-arms it one interval from now.
    pub fn execute(&self) {
        let now = Instant::now();
        let count = {
            let mut st = self.state.lock();
            let later = st.armed.split_off(&(now, u64::MAX));
            let due = std::mem::replace(&mut st.armed, later);
            st.running = due.into_values().collect();
            st.running.len()
        };
        for i in 0..count {
            let timer = {
                let mut st = self.state.lock();
                let timer = st.running[i];
                if st.cancelled.remove(&timer.id) {
                    continue;
                }
                timer
            };
            // SAFETY: the handler and its argument were registered together
            // by the application through zmq_timers_add, which promised the
            // handler is callable with this argument.
            unsafe { (timer.handler)(timer.id, timer.arg) };
            let mut st = self.state.lock();
            // The handler may have cancelled its timer or changed its
            // interval.
            let timer = st.running[i];
            if !st.cancelled.remove(&timer.id) {
                st.arm(deadline(now, timer.interval), timer);
            }
        }
        self.state.lock().running.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI32, Ordering};

    static FIRED: AtomicI32 = AtomicI32::new(0);

    unsafe extern "C" fn bump(_id: i32, _arg: *mut c_void) {
        FIRED.fetch_add(1, Ordering::SeqCst);
    }

    unsafe extern "C" fn cancel_self(id: i32, arg: *mut c_void) {
        // SAFETY: the test passes a pointer to a live Timers.
        let timers = unsafe { &*(arg as *const Timers) };
        timers.cancel(id).unwrap();
    }

    #[test]
    fn ids_cancel_and_timeout() {
        let t = Timers::new();
        assert_eq!(t.timeout(), -1);
        let a = t.add(100, bump, std::ptr::null_mut());
        let b = t.add(200, bump, std::ptr::null_mut());
        assert_eq!((a, b), (1, 2));
        let left = t.timeout();
        assert!((90..=100).contains(&left), "{left}");
        t.cancel(a).unwrap();
        assert_eq!(t.cancel(a), Err(Errno::EINVAL));
        assert_eq!(t.cancel(99), Err(Errno::EINVAL));
        assert!(t.timeout() > 100);
        t.cancel(b).unwrap();
        assert_eq!(t.timeout(), -1);
        assert_eq!(t.reset(b), Err(Errno::EINVAL));
    }

    #[test]
    fn absurd_intervals_do_not_overflow() {
        let t = Timers::new();
        t.add(usize::MAX, bump, std::ptr::null_mut());
        assert!(t.timeout() > 1_000_000);
        t.execute();
    }

    #[test]
    fn handler_may_cancel_itself() {
        let t = Timers::new();
        let arg = &t as *const Timers as *mut c_void;
        t.add(0, cancel_self, arg);
        t.execute();
        assert_eq!(t.timeout(), -1);
    }

    #[test]
    fn due_timers_fire_and_rearm() {
        let t = Timers::new();
        FIRED.store(0, Ordering::SeqCst);
        t.add(0, bump, std::ptr::null_mut());
        t.execute();
        assert_eq!(FIRED.load(Ordering::SeqCst), 1);
        assert_eq!(t.timeout(), 0);
    }
}
