//! Scheduling of the I/O thread as the context options ask (libzmq's
//! ZMQ_THREAD_SCHED_POLICY, ZMQ_THREAD_PRIORITY and
//! ZMQ_THREAD_AFFINITY_CPU_ADD/REMOVE), applied by the thread to itself
//! when it starts.
//!
//! libzmq aborts the process when the system refuses (SCHED_FIFO without
//! the privilege, say); here a refusal leaves the default scheduling.

use std::collections::BTreeSet;

/// What to apply; -1 leaves a value as the system has it.
#[derive(Clone, Debug, Default)]
pub struct Scheduling {
    pub policy: i32,
    pub priority: i32,
    pub cpus: BTreeSet<i32>,
}

impl Scheduling {
    /// Applies the settings to the calling thread.
    pub fn apply(&self) {
        if self.policy >= 0 || self.priority >= 0 {
            self.apply_policy();
        }
        if !self.cpus.is_empty() {
            self.apply_affinity();
        }
    }

    fn apply_policy(&self) {
        let mut policy = 0;
        // SAFETY: sched_param is plain data; all-zero is a valid value.
        let mut param: libc::sched_param = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live locals of the right types.
        if unsafe { libc::pthread_getschedparam(libc::pthread_self(), &mut policy, &mut param) }
            != 0
        {
            return;
        }
        if self.policy >= 0 {
            policy = self.policy;
        }
        // Only the real-time policies take a static priority (1..99);
        // for the others libzmq sets 0 and lowers the thread with nice.
        let realtime = policy == libc::SCHED_FIFO || policy == libc::SCHED_RR;
        if self.priority >= 0 {
            param.sched_priority = if realtime { self.priority } else { 0 };
        }
        // SAFETY: param is a valid sched_param for this call.
        if unsafe { libc::pthread_setschedparam(libc::pthread_self(), policy, &param) } != 0 {
            return;
        }
        if !realtime && self.priority > 0 {
            // Per thread on Linux: the nice value of this thread's id.
            // SAFETY: gettid has no preconditions.
            let tid = unsafe { libc::gettid() };
            // SAFETY: setpriority with PRIO_PROCESS and a thread id affects
            // only that thread; failure is harmless and ignored.
            unsafe {
                libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, -20 + self.priority)
            };
        }
    }

    fn apply_affinity(&self) {
        // SAFETY: cpu_set_t is plain data; all-zero is the empty set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for &cpu in &self.cpus {
            if (0..libc::CPU_SETSIZE).contains(&cpu) {
                // SAFETY: cpu is below CPU_SETSIZE, inside the set.
                unsafe { libc::CPU_SET(cpu as usize, &mut set) };
            }
        }
        // SAFETY: set is a valid cpu_set_t of the size given.
        unsafe {
            libc::pthread_setaffinity_np(
                libc::pthread_self(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CPUs the calling thread may run on.
    fn affinity() -> Vec<usize> {
        // SAFETY: as in apply_affinity.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: set is a valid cpu_set_t of the size given.
        unsafe {
            libc::pthread_getaffinity_np(
                libc::pthread_self(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &mut set,
            )
        };
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: c is below CPU_SETSIZE, inside the set.
            .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
            .collect()
    }

    #[test]
    fn affinity_is_applied_to_the_calling_thread() {
        let on = std::thread::spawn(|| {
            Scheduling {
                policy: -1,
                priority: -1,
                cpus: [0].into_iter().collect(),
            }
            .apply();
            affinity()
        })
        .join()
        .unwrap();
        assert_eq!(on, [0]);
    }
}
