//! The context: options, the socket table, inproc endpoints and
//! termination.

pub mod options;

use parking_lot::{Condvar, Mutex};
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::command::{Command, MailboxSender};
use crate::errno::{Errno, Result};
use crate::io::IoPool;
use crate::pipe::PipeEnd;
pub use options::{CtxOptions, MSG_T_SIZE, SOCKET_LIMIT};

/// An inproc name and the socket bound to it.
struct Bound {
    socket: u64,
    mailbox: MailboxSender,
    hwms: (i32, i32),
    routing_id: Vec<u8>,
}

#[derive(Default)]
struct State {
    sockets: HashMap<u64, MailboxSender>,
    next_socket: u64,
    endpoints: HashMap<String, Bound>,
    /// Connections to inproc names not bound yet: the binder's pipe ends.
    pending: HashMap<String, Vec<PipeEnd>>,
    /// Closed socket handles, kept so that late calls through them fail
    /// cleanly (ENOTSOCK) instead of touching freed memory; freed with the
    /// context.
    graveyard: Vec<Box<dyn Any + Send>>,
}

pub struct Ctx {
    options: Mutex<CtxOptions>,
    /// Started by the first tcp/ipc endpoint.
    io: Mutex<Option<IoPool>>,
    state: Mutex<State>,
    all_closed: Condvar,
    shut_down: AtomicBool,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx {
            options: Mutex::new(CtxOptions::default()),
            io: Mutex::new(None),
            state: Mutex::new(State::default()),
            all_closed: Condvar::new(),
            shut_down: AtomicBool::new(false),
        }
    }

    /// `zmq_ctx_set_ext`: `value` is the option's raw bytes.
    pub fn set_option(&self, option: i32, value: &[u8]) -> Result<()> {
        self.options.lock().set(option, value)
    }

    /// `zmq_ctx_get_ext`: writes into `buf`, returns the length used.
    pub fn get_option(&self, option: i32, buf: &mut [u8]) -> Result<usize> {
        self.options.lock().get(option, buf)
    }

    /// `zmq_ctx_set`.
    pub fn set_int(&self, option: i32, value: i32) -> Result<()> {
        self.set_option(option, &value.to_ne_bytes())
    }

    /// `zmq_ctx_get`.
    pub fn get_int(&self, option: i32) -> Result<i32> {
        let mut buf = [0u8; 4];
        match self.get_option(option, &mut buf) {
            Ok(4) => Ok(i32::from_ne_bytes(buf)),
            _ => Err(Errno::EINVAL),
        }
    }

    /// IPV6 and BLOCKY, which seed new sockets' options.
    pub fn socket_defaults(&self) -> (bool, bool) {
        let o = self.options.lock();
        (o.ipv6, o.blocky)
    }

    /// Adds a socket; EMFILE past MAX_SOCKETS, ETERM after shutdown.
    pub fn register_socket(&self, mailbox: MailboxSender) -> Result<u64> {
        let max = self.options.lock().max_sockets as usize;
        let mut st = self.state.lock();
        if self.is_shut_down() {
            return Err(Errno::ETERM);
        }
        if st.sockets.len() >= max {
            return Err(Errno::EMFILE);
        }
        st.next_socket += 1;
        let id = st.next_socket;
        st.sockets.insert(id, mailbox);
        Ok(id)
    }

    pub fn unregister_socket(&self, id: u64) {
        let mut st = self.state.lock();
        st.sockets.remove(&id);
        if st.sockets.is_empty() {
            self.all_closed.notify_all();
        }
    }

    /// Keeps a closed socket's handle until the context goes.
    pub fn bury(&self, handle: Box<dyn Any + Send>) {
        self.state.lock().graveyard.push(handle);
    }

    /// `zmq_ctx_shutdown`: blocking calls and new sockets fail with ETERM.
    pub fn shutdown(&self) {
        let st = self.state.lock();
        if !self.shut_down.swap(true, Ordering::AcqRel) {
            for mailbox in st.sockets.values() {
                mailbox.send(Command::Stop);
            }
        }
    }

    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    /// `zmq_ctx_term`, after the handle was unregistered: shuts down, then
    /// waits until every socket is closed.
    pub fn terminate(&self) {
        self.shutdown();
        let mut st = self.state.lock();
        while !st.sockets.is_empty() {
            self.all_closed.wait(&mut st);
        }
        st.pending.clear();
        drop(st);
        // Engines send what closed sockets left queued, then the thread
        // ends.
        if let Some(io) = self.io.lock().take() {
            io.stop();
        }
    }

    /// The mailbox of the I/O thread for new work of a socket with this
    /// ZMQ_AFFINITY, starting the threads on first use. EMTHREAD when
    /// ZMQ_IO_THREADS is 0.
    pub fn io_mailbox(&self, affinity: u64) -> Result<MailboxSender> {
        let mut io = self.io.lock();
        if let Some(pool) = io.as_ref() {
            return Ok(pool.choose(affinity));
        }
        let (threads, prefix, scheduling) = {
            let o = self.options.lock();
            let scheduling = crate::io::Scheduling {
                policy: o.thread_sched_policy,
                priority: o.thread_priority,
                cpus: o.thread_affinity_cpus.clone(),
            };
            (o.io_threads, o.thread_name_prefix.clone(), scheduling)
        };
        if threads < 1 {
            return Err(Errno::EMTHREAD);
        }
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", String::from_utf8_lossy(&prefix))
        };
        let pool = IoPool::start(threads as usize, &prefix, &scheduling)?;
        let mailbox = pool.choose(affinity);
        *io = Some(pool);
        Ok(mailbox)
    }

    /// Binds an inproc name; returns pipes of connections made before.
    /// `hwms` and `routing_id` are the binder's, as they are at bind time
    /// (libzmq keeps that snapshot too).
    pub fn inproc_bind(
        &self,
        name: &str,
        socket: u64,
        mailbox: MailboxSender,
        hwms: (i32, i32),
        routing_id: &[u8],
    ) -> Result<Vec<PipeEnd>> {
        let mut st = self.state.lock();
        if st.endpoints.contains_key(name) {
            return Err(Errno::EADDRINUSE);
        }
        st.endpoints.insert(
            name.to_string(),
            Bound {
                socket,
                mailbox,
                hwms,
                routing_id: routing_id.to_vec(),
            },
        );
        Ok(st.pending.remove(name).unwrap_or_default())
    }

    pub fn inproc_unbind(&self, name: &str, socket: u64) {
        let mut st = self.state.lock();
        if st.endpoints.get(name).is_some_and(|b| b.socket == socket) {
            st.endpoints.remove(name);
        }
    }

    /// Connects to an inproc name, bound or not yet: returns the
    /// connector's pipe end; the other end goes to the binder now or when
    /// it binds.
    pub fn inproc_connect(
        &self,
        name: &str,
        endpoint: &str,
        hwms: (i32, i32),
        conflate: bool,
    ) -> PipeEnd {
        let mut st = self.state.lock();
        let binder = st
            .endpoints
            .get(name)
            .map(|b| (b.hwms, b.routing_id.as_slice()));
        let (mine, theirs) = crate::socket::inproc_pair(endpoint, hwms, binder, conflate);
        match st.endpoints.get(name) {
            Some(b) => b.mailbox.send(Command::Attach(Box::new(theirs))),
            None => st.pending.entry(name.to_string()).or_default().push(theirs),
        }
        mine
    }
}

/// Where ZAP handlers bind (RFC 27).
const ZAP_ENDPOINT: &str = "zeromq.zap.01";

impl Ctx {
    /// Whether a ZAP handler is bound.
    pub fn zap_bound(&self) -> bool {
        self.state.lock().endpoints.contains_key(ZAP_ENDPOINT)
    }

    /// A pipe to the ZAP handler, if one is bound: the handler gets the
    /// other end as a new peer, as from an inproc connect. No HWM either
    /// way, as libzmq.
    pub fn zap_connect(&self) -> Option<PipeEnd> {
        let st = self.state.lock();
        let b = st.endpoints.get(ZAP_ENDPOINT)?;
        let endpoint = format!("inproc://{ZAP_ENDPOINT}");
        let (mine, theirs) =
            crate::socket::inproc_pair(&endpoint, (0, 0), Some(((0, 0), &b.routing_id)), false);
        b.mailbox.send(Command::Attach(Box::new(theirs)));
        Some(mine)
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx::new()
    }
}
