//! Pipes: how a socket exchanges messages with one peer.
//!
//! A pipe is two one-way channels, one per direction; each socket owns one
//! [`PipeEnd`]. Messages travel as whole items: the parts of a multipart
//! message are held by the writer until the last one and then sent
//! together, so a reader never sees half a message and a writer that dies
//! mid-message sends nothing of it.
//!
//! No lock and no command per message. The writer tells the reader about
//! new data only when the reader said it went idle (its queue was empty);
//! the reader tells the writer about free room only when the writer said it
//! is waiting at the high-water mark. Each side announces first and checks
//! again after, so no wake-up is lost.
//!
//! The first item each side writes is its routing id, which ROUTER-like
//! readers need before anything else; it does not count against the HWM.

mod queue;
mod table;

pub use table::{PipeId, Pipes};

use queue::{queue, Consumer, Producer, TryRecvError};
use std::collections::VecDeque;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::command::{Command, MailboxSender};
use crate::msg::Msg;

enum Item {
    One(Msg),
    Multi(Vec<Msg>),
}

/// The side that must be told about a change: its mailbox and its token
/// for this pipe.
struct Party {
    mailbox: MailboxSender,
    token: u64,
}

/// State one channel's two sides share.
struct ChannelState {
    reader: OnceLock<Party>,
    writer: OnceLock<Party>,
    /// The reader found the queue empty and waits for ActivateRead.
    reader_idle: AtomicBool,
    /// Items the reader has taken (published for the writer's HWM check).
    /// Written for every message, so it lives on a cache line of its own:
    /// the fields around it are read for every message by the other side.
    read_count: CacheLine<AtomicU64>,
    /// Read count at which a writer blocked at the HWM wants ActivateWrite;
    /// u64::MAX when no writer waits.
    writer_wake_at: AtomicU64,
    /// Messages the queue may hold (sender SNDHWM + receiver RCVHWM);
    /// 0 means unlimited.
    limit: AtomicU64,
}

impl ChannelState {
    fn new(limit: u64) -> Arc<ChannelState> {
        Arc::new(ChannelState {
            reader: OnceLock::new(),
            writer: OnceLock::new(),
            reader_idle: AtomicBool::new(true),
            read_count: CacheLine(AtomicU64::new(0)),
            writer_wake_at: AtomicU64::new(u64::MAX),
            limit: AtomicU64::new(limit),
        })
    }
}

#[repr(align(128))]
struct CacheLine<T>(T);

impl<T> std::ops::Deref for CacheLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn notify(party: &OnceLock<Party>, cmd: impl FnOnce(u64) -> Command) {
    if let Some(p) = party.get() {
        p.mailbox.send(cmd(p.token));
    }
}

/// Combined HWM of a pipe direction, libzmq's inproc rule: either side
/// unlimited makes the pipe unlimited.
pub fn combined_hwm(sndhwm: i32, rcvhwm: i32) -> u64 {
    if sndhwm <= 0 || rcvhwm <= 0 {
        0
    } else {
        sndhwm as u64 + rcvhwm as u64
    }
}

/// What reading a pipe gave.
pub enum Read {
    Msg(Msg),
    /// Nothing now; the pipe went idle and its writer will wake us.
    Empty,
    /// The peer closed its end and everything it sent has been read.
    Gone,
}

/// One socket's end of a pipe.
pub struct PipeEnd {
    /// Our token: commands about this pipe name it.
    token: u64,
    tx: Producer<Item>,
    rx: Consumer<Item>,
    out: Arc<ChannelState>,
    inp: Arc<ChannelState>,
    staged: Vec<Msg>,
    written: u64,
    /// Items written since the reader was last checked for idleness.
    unflushed: bool,
    read_seen: u64,
    head: VecDeque<Msg>,
    read: u64,
    peer_routing_id: Option<Vec<u8>>,
    attached: bool,
    /// Writing failed: the peer dropped its end.
    peer_gone: bool,
    /// Reading found the peer's end dropped.
    in_gone: bool,
    endpoint: String,
    peer_hwms: (i32, i32),
    /// CONNECT_ROUTING_ID: the name our ROUTER gives this peer.
    assigned_routing_id: Option<Vec<u8>>,
    identity_sent: bool,
    /// CONFLATE: reading yields only the newest queued message.
    conflate: bool,
    limits_fixed: bool,
}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

fn token() -> u64 {
    NEXT_TOKEN.fetch_add(1, Ordering::Relaxed)
}

/// A new pipe. `a_to_b` and `b_to_a` are the HWM limits of the two
/// directions (see [`combined_hwm`]).
pub fn pair(a_to_b: u64, b_to_a: u64) -> (PipeEnd, PipeEnd) {
    let (tx_ab, rx_ab) = queue();
    let (tx_ba, rx_ba) = queue();
    let ab = ChannelState::new(a_to_b);
    let ba = ChannelState::new(b_to_a);
    let end = |tx, rx, out, inp| PipeEnd {
        token: token(),
        tx,
        rx,
        out,
        inp,
        staged: Vec::new(),
        written: 0,
        unflushed: false,
        read_seen: 0,
        head: VecDeque::new(),
        read: 0,
        peer_routing_id: None,
        attached: false,
        peer_gone: false,
        in_gone: false,
        endpoint: String::new(),
        peer_hwms: (0, 0),
        assigned_routing_id: None,
        identity_sent: false,
        conflate: false,
        limits_fixed: false,
    };
    (
        end(tx_ab, rx_ba, ab.clone(), ba.clone()),
        end(tx_ba, rx_ab, ba, ab),
    )
}

impl PipeEnd {
    pub fn token(&self) -> u64 {
        self.token
    }

    /// Takes this end into use by the socket whose mailbox is given, and
    /// sends our routing id to the peer as the pipe's first item (unless
    /// it was sent for us already).
    pub fn attach(&mut self, mailbox: &MailboxSender, routing_id: &[u8]) {
        debug_assert!(!self.attached);
        self.attached = true;
        let me = || Party {
            mailbox: mailbox.clone(),
            token: self.token,
        };
        let _ = self.inp.reader.set(me());
        let _ = self.out.writer.set(me());
        self.send_identity(routing_id);
        self.wake_reader();
    }

    /// Writes this end's routing id as its first item. The connecting side
    /// of an inproc pipe does this for an already bound peer, so the peer's
    /// id is known as soon as zmq_connect returns (as in libzmq).
    pub fn send_identity(&mut self, routing_id: &[u8]) {
        if self.identity_sent {
            return;
        }
        self.identity_sent = true;
        let id = Msg::from_slice(routing_id).unwrap_or_default();
        if self.tx.send(Item::One(id)).is_err() {
            self.peer_gone = true;
        }
    }

    /// Sets the limit of the direction we write (the binder knows both
    /// sides' HWMs only when it attaches).
    pub fn set_out_limit(&self, limit: u64) {
        self.out.limit.store(limit, Ordering::Relaxed);
    }

    /// Sets the limit of the direction we read. A writer waiting at the
    /// old limit may have room now, so it is told to look again.
    pub fn set_in_limit(&self, limit: u64) {
        let old = self.inp.limit.swap(limit, Ordering::AcqRel);
        if old != 0 && (limit == 0 || limit > old) {
            self.inp.writer_wake_at.store(u64::MAX, Ordering::Relaxed);
            notify(&self.inp.writer, Command::ActivateWrite);
        }
    }

    /// The peer's routing id, once its first item has been read.
    pub fn peer_routing_id(&self) -> Option<&[u8]> {
        self.peer_routing_id.as_deref()
    }

    /// Reads the peer's routing id if it is there; true once known.
    pub fn identify(&mut self) -> bool {
        self.read_identity().is_ok()
    }

    fn read_identity(&mut self) -> Result<(), TryRecvError> {
        while self.peer_routing_id.is_none() {
            // The routing id does not count against the HWM.
            let id = match self.poll_item()? {
                Item::One(id) => id.data().to_vec(),
                Item::Multi(_) => Vec::new(),
            };
            self.peer_routing_id = Some(id);
        }
        Ok(())
    }

    /// Whether a whole message may be written now (HWM). On false the pipe
    /// asked its reader for an ActivateWrite once it drains.
    pub fn check_write(&mut self) -> bool {
        if self.peer_gone {
            return false;
        }
        if !self.staged.is_empty() {
            return true; // the rest of a message already admitted
        }
        let limit = self.out.limit.load(Ordering::Relaxed);
        if limit == 0 || self.written - self.read_seen < limit {
            return true;
        }
        self.read_seen = self.out.read_count.load(Ordering::Acquire);
        if self.written - self.read_seen < limit {
            return true;
        }
        let low_water = limit.div_ceil(2);
        let wake_at = self.written - limit + low_water;
        self.out.writer_wake_at.store(wake_at, Ordering::SeqCst);
        self.read_seen = self.out.read_count.load(Ordering::SeqCst);
        if self.written - self.read_seen < limit {
            // Room appeared meanwhile; a stray ActivateWrite is harmless.
            self.out.writer_wake_at.store(u64::MAX, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// Queues one part. The message becomes visible to the reader with its
    /// last part. Returns false when the peer is gone (the part is dropped).
    pub fn write(&mut self, msg: Msg) -> bool {
        let written = self.write_held(msg);
        self.flush();
        written
    }

    /// Queues one part as [`write`](Self::write) does, but leaves waking
    /// an idle reader to [`flush`](Self::flush): an engine writes all it
    /// decoded from one read, then wakes the socket once (libzmq's pipe
    /// flush), instead of once per message.
    pub fn write_held(&mut self, msg: Msg) -> bool {
        if msg.more() {
            self.staged.push(msg);
            return !self.peer_gone;
        }
        let item = if self.staged.is_empty() {
            Item::One(msg)
        } else {
            let mut parts = std::mem::take(&mut self.staged);
            parts.push(msg);
            Item::Multi(parts)
        };
        if self.tx.send(item).is_err() {
            self.peer_gone = true;
            return false;
        }
        self.written += 1;
        self.unflushed = true;
        true
    }

    /// Wakes the reader if it went idle before seeing what was written.
    pub fn flush(&mut self) {
        if std::mem::take(&mut self.unflushed) {
            self.wake_reader();
        }
    }

    /// Drops the parts of an unfinished outgoing message.
    pub fn rollback(&mut self) {
        self.staged.clear();
    }

    fn wake_reader(&self) {
        if self.out.reader_idle.load(Ordering::SeqCst)
            && self.out.reader_idle.swap(false, Ordering::AcqRel)
        {
            notify(&self.out.reader, Command::ActivateRead);
        }
    }

    /// The next queued item. When the queue is empty the pipe announces
    /// that its reader is idle, then looks once more, so a writer either
    /// sees the announcement or we see its item.
    fn poll_item(&mut self) -> Result<Item, TryRecvError> {
        let first = self.rx.try_recv();
        let item = match first {
            Err(TryRecvError::Empty) => {
                self.inp.reader_idle.store(true, Ordering::SeqCst);
                // Pairs with the writer's full barrier between publishing
                // an item and reading this flag: one of us sees the other.
                fence(Ordering::SeqCst);
                // Going idle is also when a writer waiting for room must
                // not be missed (per message that check may read stale).
                self.wake_writer_if_waiting();
                let item = self.rx.try_recv();
                if item.is_ok() {
                    // Any ActivateRead its writer sends now is a harmless
                    // extra wake-up.
                    self.inp.reader_idle.store(false, Ordering::Relaxed);
                }
                item
            }
            other => other,
        };
        if let Err(TryRecvError::Disconnected) = item {
            self.in_gone = true;
        }
        item
    }

    fn wake_writer_if_waiting(&self) {
        if self.read >= self.inp.writer_wake_at.load(Ordering::SeqCst)
            && self.inp.writer_wake_at.swap(u64::MAX, Ordering::AcqRel) != u64::MAX
        {
            notify(&self.inp.writer, Command::ActivateWrite);
        }
    }

    fn next_item(&mut self) -> Result<Item, TryRecvError> {
        self.read_identity()?;
        let mut item = self.poll_item()?;
        self.read += 1;
        if self.conflate {
            // Older messages are superseded by the newest one.
            while let Ok(newer) = self.rx.try_recv() {
                item = newer;
                self.read += 1;
            }
        }
        self.inp.read_count.store(self.read, Ordering::Release);
        self.wake_writer_if_waiting();
        Ok(item)
    }

    /// Next part from the peer.
    pub fn read(&mut self) -> Read {
        if let Some(part) = self.head.pop_front() {
            return Read::Msg(part);
        }
        match self.next_item() {
            Ok(Item::One(msg)) => Read::Msg(msg),
            Ok(Item::Multi(parts)) => {
                self.head = parts.into();
                Read::Msg(self.head.pop_front().expect("multipart items hold parts"))
            }
            Err(TryRecvError::Empty) => Read::Empty,
            Err(TryRecvError::Disconnected) => Read::Gone,
        }
    }

    /// Whether a message can be read now, without taking it. A false
    /// answer leaves the pipe idle (the writer will wake us).
    pub fn check_read(&mut self) -> bool {
        if !self.head.is_empty() {
            return true;
        }
        match self.read() {
            Read::Msg(first) => {
                self.head.push_front(first);
                true
            }
            _ => false,
        }
    }

    /// True when the peer is gone and nothing is left to read.
    pub fn drained_and_gone(&mut self) -> bool {
        !self.check_read() && self.in_gone
    }

    /// Tells the peer this end is going away (it may still read what we
    /// sent). The channels close first, so the peer finds them closed when
    /// the command arrives.
    pub fn terminate(self) {
        let out = self.out.clone();
        drop(self);
        notify(&out.reader, Command::PipeTerm);
    }

    /// Keeps only the newest inbound message (ZMQ_CONFLATE).
    pub fn set_conflate(&mut self, conflate: bool) {
        self.conflate = conflate;
    }

    pub fn is_conflating(&self) -> bool {
        self.conflate
    }

    /// Network pipes have the socket's own HWMs; binding does not sum them
    /// with a peer's as inproc does.
    pub fn fix_limits(&mut self) {
        self.limits_fixed = true;
    }

    pub fn limits_fixed(&self) -> bool {
        self.limits_fixed || self.conflate
    }

    pub fn is_attached(&self) -> bool {
        self.attached
    }

    pub fn assigned_routing_id(&self) -> Option<&[u8]> {
        self.assigned_routing_id.as_deref()
    }

    pub fn set_assigned_routing_id(&mut self, id: Option<Vec<u8>>) {
        self.assigned_routing_id = id;
    }

    /// The endpoint this pipe was made for (for unbind/disconnect).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn set_endpoint(&mut self, endpoint: &str) {
        self.endpoint = endpoint.to_string();
    }

    /// The HWMs of the socket at the other end, for recomputing limits.
    pub fn peer_hwms(&self) -> (i32, i32) {
        self.peer_hwms
    }

    pub fn set_peer_hwms(&mut self, sndhwm: i32, rcvhwm: i32) {
        self.peer_hwms = (sndhwm, rcvhwm);
    }

    /// Messages queued towards us and not yet read, not counting the
    /// peer's routing id.
    pub fn inbound_len(&self) -> usize {
        let queued = self.rx.len();
        let id_unread = usize::from(self.peer_routing_id.is_none() && queued > 0);
        queued - id_unread + usize::from(!self.head.is_empty())
    }

    pub fn is_peer_gone(&self) -> bool {
        self.peer_gone
    }

    /// The other side dropped its end (without reading anything).
    pub fn peer_dropped(&self) -> bool {
        self.rx.producer_gone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Mailbox;

    fn body(r: Read) -> Vec<u8> {
        match r {
            Read::Msg(m) => m.data().to_vec(),
            Read::Empty => b"<empty>".to_vec(),
            Read::Gone => b"<gone>".to_vec(),
        }
    }

    fn setup(limit: u64) -> (PipeEnd, PipeEnd, Mailbox, Mailbox) {
        let (mut a, mut b) = pair(limit, limit);
        let ma = Mailbox::new().unwrap();
        let mb = Mailbox::new().unwrap();
        a.attach(&ma.sender(), b"A");
        b.attach(&mb.sender(), b"B");
        (a, b, ma, mb)
    }

    #[test]
    fn identities_then_messages() {
        let (mut a, mut b, _ma, _mb) = setup(0);
        assert!(a.write(Msg::from_slice(b"hi").unwrap()));
        assert_eq!(body(b.read()), b"hi");
        assert_eq!(b.peer_routing_id(), Some(&b"A"[..]));
        assert_eq!(body(b.read()), b"<empty>");
        assert!(a.identify());
        assert_eq!(a.peer_routing_id(), Some(&b"B"[..]));
    }

    #[test]
    fn multipart_is_delivered_whole() {
        let (mut a, mut b, _ma, _mb) = setup(0);
        let mut p1 = Msg::from_slice(b"1").unwrap();
        p1.set_more(true);
        a.write(p1);
        assert!(!b.check_read(), "half a message is invisible");
        a.write(Msg::from_slice(b"2").unwrap());
        assert_eq!(body(b.read()), b"1");
        assert_eq!(body(b.read()), b"2");
    }

    #[test]
    fn reader_is_woken_once_after_going_idle() {
        let (mut a, mut b, _ma, mut mb) = setup(0);
        assert_eq!(body(b.read()), b"<empty>");
        while mb.recv().is_some() {}
        a.write(Msg::new());
        a.write(Msg::new());
        let wakes = std::iter::from_fn(|| mb.recv())
            .filter(|c| matches!(c, Command::ActivateRead(t) if *t == b.token()))
            .count();
        assert_eq!(wakes, 1);
    }

    #[test]
    fn held_writes_wake_the_reader_at_flush() {
        let (mut a, mut b, _ma, mut mb) = setup(0);
        assert_eq!(body(b.read()), b"<empty>");
        while mb.recv().is_some() {}
        let wakes = |mb: &mut Mailbox| {
            std::iter::from_fn(|| mb.recv())
                .filter(|c| matches!(c, Command::ActivateRead(t) if *t == b.token()))
                .count()
        };
        a.write_held(Msg::from_slice(b"1").unwrap());
        a.write_held(Msg::from_slice(b"2").unwrap());
        assert_eq!(wakes(&mut mb), 0, "no wake-up before the flush");
        a.flush();
        assert_eq!(wakes(&mut mb), 1);
        a.flush();
        assert_eq!(wakes(&mut mb), 0, "nothing new, nothing to say");
        assert_eq!(body(b.read()), b"1");
        assert_eq!(body(b.read()), b"2");
    }

    #[test]
    fn hwm_blocks_and_reader_wakes_writer() {
        let (mut a, mut b, mut ma, _mb) = setup(4);
        while ma.recv().is_some() {}
        let mut sent = 0;
        while a.check_write() {
            a.write(Msg::new());
            sent += 1;
        }
        assert_eq!(sent, 4);
        // Draining below the low-water mark wakes the writer once.
        for _ in 0..2 {
            assert!(matches!(b.read(), Read::Msg(_)));
        }
        let wakes = std::iter::from_fn(|| ma.recv())
            .filter(|c| matches!(c, Command::ActivateWrite(_)))
            .count();
        assert_eq!(wakes, 1);
        assert!(a.check_write());
    }

    #[test]
    fn closed_peer_is_seen_after_draining() {
        let (mut a, mut b, _ma, _mb) = setup(0);
        a.write(Msg::from_slice(b"last").unwrap());
        a.terminate();
        assert_eq!(body(b.read()), b"last");
        assert_eq!(body(b.read()), b"<gone>");
        assert!(b.drained_and_gone());
        assert!(!b.write(Msg::new()));
    }
}
