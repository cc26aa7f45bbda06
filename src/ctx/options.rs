//! Context options with libzmq's validation (`zmq_ctx_set`/`zmq_ctx_get`
//! and their `_ext` forms).
//!
//! libzmq's rule: a value is taken as an int only when it is exactly
//! `sizeof(int)` bytes; any other length is refused, except for
//! THREAD_NAME_PREFIX, which also takes 1 to 16 bytes of text.

use std::collections::BTreeSet;

use crate::errno::{Errno, Result};

pub const IO_THREADS: i32 = 1;
pub const MAX_SOCKETS: i32 = 2;
/// ctx_set(3) sets the thread priority; ctx_get(3) reads the socket limit.
pub const SOCKET_LIMIT_OR_THREAD_PRIORITY: i32 = 3;
pub const THREAD_SCHED_POLICY: i32 = 4;
pub const MAX_MSGSZ: i32 = 5;
pub const MSG_T_SIZE_OPT: i32 = 6;
pub const THREAD_AFFINITY_CPU_ADD: i32 = 7;
pub const THREAD_AFFINITY_CPU_REMOVE: i32 = 8;
pub const THREAD_NAME_PREFIX: i32 = 9;
pub const ZERO_COPY_RECV: i32 = 10;
pub const IPV6: i32 = 42;
pub const BLOCKY: i32 = 70;

/// What ctx_get(ZMQ_SOCKET_LIMIT) reports (epoll sets no lower ceiling).
pub const SOCKET_LIMIT: i32 = 65535;
/// sizeof(zmq_msg_t).
pub const MSG_T_SIZE: i32 = 64;

const NAME_PREFIX_MAX: usize = 16;

#[derive(Clone, Debug)]
pub struct CtxOptions {
    pub io_threads: i32,
    pub max_sockets: i32,
    pub thread_priority: i32,
    pub thread_sched_policy: i32,
    pub max_msgsz: i32,
    pub thread_affinity_cpus: BTreeSet<i32>,
    pub thread_name_prefix: Vec<u8>,
    pub zero_copy_recv: bool,
    pub ipv6: bool,
    pub blocky: bool,
}

impl Default for CtxOptions {
    fn default() -> Self {
        CtxOptions {
            io_threads: 1,
            max_sockets: 1023,
            thread_priority: -1,
            thread_sched_policy: -1,
            max_msgsz: i32::MAX,
            thread_affinity_cpus: BTreeSet::new(),
            thread_name_prefix: Vec::new(),
            zero_copy_recv: true,
            ipv6: false,
            blocky: true,
        }
    }
}

fn as_int(value: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(value.try_into().ok()?))
}

impl CtxOptions {
    pub fn set(&mut self, option: i32, value: &[u8]) -> Result<()> {
        let int = as_int(value);
        // Every int option here accepts only values >= 0.
        let non_negative = int.filter(|&v| v >= 0);
        match (option, non_negative) {
            (MAX_SOCKETS, Some(v)) if v >= 1 => self.max_sockets = v,
            (IO_THREADS, Some(v)) => self.io_threads = v,
            (IPV6, Some(v)) => self.ipv6 = v != 0,
            (BLOCKY, Some(v)) => self.blocky = v != 0,
            (MAX_MSGSZ, Some(v)) => self.max_msgsz = v,
            (ZERO_COPY_RECV, Some(v)) => self.zero_copy_recv = v != 0,
            (THREAD_SCHED_POLICY, Some(v)) => self.thread_sched_policy = v,
            (SOCKET_LIMIT_OR_THREAD_PRIORITY, Some(v)) => self.thread_priority = v,
            (THREAD_AFFINITY_CPU_ADD, Some(v)) => {
                self.thread_affinity_cpus.insert(v);
            }
            (THREAD_AFFINITY_CPU_REMOVE, Some(v)) => {
                if !self.thread_affinity_cpus.remove(&v) {
                    return Err(Errno::EINVAL);
                }
            }
            (THREAD_NAME_PREFIX, _) => match int {
                Some(v) => self.thread_name_prefix = v.to_string().into_bytes(),
                None if (1..=NAME_PREFIX_MAX).contains(&value.len()) => {
                    self.thread_name_prefix = value.to_vec()
                }
                None => return Err(Errno::EINVAL),
            },
            _ => return Err(Errno::EINVAL),
        }
        Ok(())
    }

    /// Writes the option into `buf`; returns the number of bytes written.
    pub fn get(&self, option: i32, buf: &mut [u8]) -> Result<usize> {
        let int = match option {
            MAX_SOCKETS => self.max_sockets,
            SOCKET_LIMIT_OR_THREAD_PRIORITY => SOCKET_LIMIT,
            IO_THREADS => self.io_threads,
            IPV6 => self.ipv6 as i32,
            BLOCKY => self.blocky as i32,
            MAX_MSGSZ => self.max_msgsz,
            MSG_T_SIZE_OPT => MSG_T_SIZE,
            ZERO_COPY_RECV => self.zero_copy_recv as i32,
            THREAD_SCHED_POLICY => self.thread_sched_policy,
            THREAD_NAME_PREFIX if buf.len() != 4 => {
                let prefix = &self.thread_name_prefix;
                if buf.len() < prefix.len() {
                    return Err(Errno::EINVAL);
                }
                buf[..prefix.len()].copy_from_slice(prefix);
                return Ok(prefix.len());
            }
            THREAD_NAME_PREFIX => leading_int(&self.thread_name_prefix),
            _ => return Err(Errno::EINVAL),
        };
        if buf.len() != 4 {
            return Err(Errno::EINVAL);
        }
        buf.copy_from_slice(&int.to_ne_bytes());
        Ok(4)
    }
}

/// C's atoi: the leading decimal number of the text, 0 when there is none.
fn leading_int(text: &[u8]) -> i32 {
    let text = std::str::from_utf8(text).unwrap_or("");
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1i64, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let value = digits[..end].parse::<i64>().unwrap_or(0) * sign;
    value.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(o: &mut CtxOptions, opt: i32, v: i32) -> Result<()> {
        o.set(opt, &v.to_ne_bytes())
    }

    fn get(o: &CtxOptions, opt: i32) -> Result<i32> {
        let mut b = [0u8; 4];
        o.get(opt, &mut b)?;
        Ok(i32::from_ne_bytes(b))
    }

    #[test]
    fn defaults() {
        let o = CtxOptions::default();
        assert_eq!(get(&o, IO_THREADS), Ok(1));
        assert_eq!(get(&o, MAX_SOCKETS), Ok(1023));
        assert_eq!(get(&o, SOCKET_LIMIT_OR_THREAD_PRIORITY), Ok(65535));
        assert_eq!(get(&o, THREAD_SCHED_POLICY), Ok(-1));
        assert_eq!(get(&o, MAX_MSGSZ), Ok(i32::MAX));
        assert_eq!(get(&o, MSG_T_SIZE_OPT), Ok(64));
        assert_eq!(get(&o, ZERO_COPY_RECV), Ok(1));
        assert_eq!(get(&o, IPV6), Ok(0));
        assert_eq!(get(&o, BLOCKY), Ok(1));
        assert_eq!(get(&o, THREAD_NAME_PREFIX), Ok(0));
        assert_eq!(get(&o, 0), Err(Errno::EINVAL));
    }

    #[test]
    fn validation() {
        let mut o = CtxOptions::default();
        assert_eq!(set(&mut o, IO_THREADS, -1), Err(Errno::EINVAL));
        assert_eq!(set(&mut o, MAX_SOCKETS, 0), Err(Errno::EINVAL));
        // epoll has no descriptor ceiling, so libzmq takes any count >= 1.
        set(&mut o, MAX_SOCKETS, 100_000).unwrap();
        assert_eq!(get(&o, MAX_SOCKETS), Ok(100_000));
        assert_eq!(
            set(&mut o, THREAD_AFFINITY_CPU_REMOVE, 7),
            Err(Errno::EINVAL)
        );
        set(&mut o, THREAD_AFFINITY_CPU_ADD, 1).unwrap();
        set(&mut o, THREAD_AFFINITY_CPU_REMOVE, 1).unwrap();
        assert_eq!(
            set(&mut o, THREAD_AFFINITY_CPU_REMOVE, 1),
            Err(Errno::EINVAL)
        );
        set(&mut o, IPV6, 2).unwrap();
        assert_eq!(get(&o, IPV6), Ok(1));
        assert_eq!(o.set(IO_THREADS, &[1, 0]), Err(Errno::EINVAL));
    }

    #[test]
    fn name_prefix_as_int_and_text() {
        let mut o = CtxOptions::default();
        set(&mut o, THREAD_NAME_PREFIX, 5).unwrap();
        assert_eq!(get(&o, THREAD_NAME_PREFIX), Ok(5));
        o.set(THREAD_NAME_PREFIX, b"app").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(o.get(THREAD_NAME_PREFIX, &mut buf), Ok(3));
        assert_eq!(&buf[..3], b"app");
        assert_eq!(o.set(THREAD_NAME_PREFIX, &[b'x'; 17]), Err(Errno::EINVAL));
    }
}
