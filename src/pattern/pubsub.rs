//! PUB/XPUB and SUB/XSUB (RFC 29).
//!
//! Publishers filter: each message goes only to the peers whose
//! subscriptions prefix-match its first frame (all others with
//! INVERT_MATCHING). Subscriptions travel upstream as messages starting with
//! 1 (subscribe) or 0 (unsubscribe). XPUB hands them to the application;
//! XSUB lets the application send them. SUB and XSUB also filter what they
//! receive by what they subscribed to.

use std::collections::VecDeque;

use super::{dist::Dist, fq::FairQueue, mtrie::MTrie, trie::Trie, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes, Read};
use crate::socket::options::Options;

/// Tells subscription messages (first byte 1 or 0) from other messages,
/// part by part. With ONLY_FIRST_SUBSCRIBE only the first part of a
/// multipart message can be one; otherwise libzmq looks at later parts too
/// as long as the first one was a subscription.
#[derive(Default)]
struct SubscriptionParts {
    more: bool,
    look_at_next: bool,
}

impl SubscriptionParts {
    /// Some(true) subscribe, Some(false) unsubscribe, None a plain part.
    fn classify(&mut self, msg: &Msg, only_first: bool) -> Option<bool> {
        let first_part = !self.more;
        self.more = msg.more();
        let data = msg.data();
        let is_sub = (first_part || self.look_at_next) && matches!(data.first(), Some(0 | 1));
        if first_part {
            self.look_at_next = !only_first || is_sub;
        }
        is_sub.then(|| data[0] == 1)
    }
}

fn subscription(subscribe: bool, topic: &[u8]) -> Msg {
    let mut body = Vec::with_capacity(topic.len() + 1);
    body.push(subscribe as u8);
    body.extend_from_slice(topic);
    Msg::from_slice(&body).expect("subscription fits in memory")
}

/// PUB (`xpub == false`) and XPUB.
pub struct XPub {
    xpub: bool,
    subscriptions: MTrie<PipeId>,
    pipes: Vec<PipeId>,
    dist: Dist,
    matches: Vec<PipeId>,
    /// Subscription messages (and other upstream messages, XPUB only)
    /// waiting for the application, with the pipe each came from (None:
    /// an unsubscription on behalf of a peer that left).
    pending: VecDeque<(Msg, Option<PipeId>)>,
    /// XPUB_MANUAL: the pipe whose subscription was received last.
    last_pipe: Option<PipeId>,
    parts: SubscriptionParts,
}

impl XPub {
    pub fn new(xpub: bool) -> XPub {
        XPub {
            xpub,
            subscriptions: MTrie::new(),
            pipes: Vec::new(),
            dist: Dist::default(),
            matches: Vec::new(),
            pending: VecDeque::new(),
            last_pipe: None,
            parts: SubscriptionParts::default(),
        }
    }

    /// Applies (or, in manual mode, passes up) what came from a peer.
    fn process_upstream(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        loop {
            let msg = match pipes.read(id) {
                Read::Msg(m) => m,
                _ => return,
            };
            if let Some(subscribe) = self.parts.classify(&msg, opts.only_first_subscribe) {
                let topic = &msg.data()[1..];
                let notify = if opts.xpub_manual {
                    true
                } else if subscribe {
                    self.subscriptions.add(topic, id) || opts.xpub_verbose || opts.xpub_verboser
                } else {
                    self.subscriptions.remove(topic, id) != Some(false) || opts.xpub_verboser
                };
                if self.xpub && notify {
                    let mut up = subscription(subscribe, topic);
                    up.set_more(false);
                    self.pending.push_back((up, Some(id)));
                }
            } else if self.xpub {
                self.pending.push_back((msg, Some(id)));
            }
        }
    }
}

impl Pattern for XPub {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.pipes.push(id);
        if let Some(welcome) = &opts.xpub_welcome_msg {
            if let Ok(msg) = Msg::from_slice(welcome) {
                pipes.write(id, msg);
            }
        }
        self.process_upstream(pipes, id, opts);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        // What the peer sent and the application has not read yet names a
        // pipe that is gone (and whose id will be reused).
        for entry in self.pending.iter_mut() {
            if entry.1 == Some(id) {
                entry.1 = None;
            }
        }
        let (xpub, pending) = (self.xpub, &mut self.pending);
        self.subscriptions.remove_pipe(id, |topic| {
            // Nobody wants this topic any more: tell the application.
            if xpub {
                pending.push_back((subscription(false, topic), None));
            }
        });
        self.pipes.retain(|&p| p != id);
        self.dist.terminated(id);
        if self.last_pipe == Some(id) {
            self.last_pipe = None;
        }
    }

    fn read_activated(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.process_upstream(pipes, id, opts);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) -> SendResult {
        if !self.dist.in_message() {
            self.matches.clear();
            let mut matched = std::mem::take(&mut self.matches);
            self.subscriptions
                .for_each_match_into(msg.data(), &mut matched);
            if opts.invert_matching {
                matched = self
                    .pipes
                    .iter()
                    .copied()
                    .filter(|p| matched.binary_search(p).is_err())
                    .collect();
            }
            // XPUB_MANUAL_LAST_VALUE: the first message after a
            // subscription goes only to the peer that subscribed.
            if opts.xpub_manual_last_value {
                if let Some(last) = self.last_pipe.take() {
                    matched.retain(|&p| p == last);
                }
            }
            // At the HWM: PUB drops for that peer; XPUB_NODROP refuses the
            // whole message instead.
            if opts.xpub_nodrop && !matched.iter().all(|&p| pipes.check_write(p)) {
                self.matches = matched;
                return Err((Errno::EAGAIN, msg));
            }
            matched.retain(|&p| pipes.check_write(p));
            self.dist.set_targets(matched.iter().copied());
            self.matches = matched;
        }
        self.dist.send(pipes, msg);
        Ok(())
    }

    fn recv(&mut self, _pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        if !self.xpub {
            return Err(Errno::ENOTSUP);
        }
        let (msg, id) = self.pending.pop_front().ok_or(Errno::EAGAIN)?;
        self.last_pipe = id;
        Ok(msg)
    }

    fn has_in(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        self.xpub && !self.pending.is_empty()
    }

    fn has_out(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        true
    }

    /// XPUB_MANUAL: the application applies a subscription it received to
    /// the pipe that sent it.
    fn subscribe(
        &mut self,
        _pipes: &mut Pipes,
        topic: &[u8],
        add: bool,
        opts: &Options,
    ) -> Result<()> {
        if !opts.xpub_manual {
            return Err(Errno::EINVAL);
        }
        if let Some(pipe) = self.last_pipe {
            if add {
                self.subscriptions.add(topic, pipe);
            } else {
                self.subscriptions.remove(topic, pipe);
            }
        }
        Ok(())
    }
}

/// SUB (`sub == true`) and XSUB.
pub struct XSub {
    sub: bool,
    subscriptions: Trie,
    fq: FairQueue,
    pipes: Vec<PipeId>,
    dist: Dist,
    /// A matching message taken while answering has_in.
    prefetched: VecDeque<Msg>,
    more_recv: bool,
    parts: SubscriptionParts,
}

impl XSub {
    pub fn new(sub: bool) -> XSub {
        XSub {
            sub,
            subscriptions: Trie::new(),
            fq: FairQueue::default(),
            pipes: Vec::new(),
            dist: Dist::default(),
            prefetched: VecDeque::new(),
            more_recv: false,
            parts: SubscriptionParts::default(),
        }
    }

    fn send_to_all(&mut self, pipes: &mut Pipes, msg: Msg) {
        if !self.dist.in_message() {
            let all: Vec<PipeId> = self
                .pipes
                .iter()
                .copied()
                .filter(|&p| pipes.check_write(p))
                .collect();
            self.dist.set_targets(all);
        }
        self.dist.send(pipes, msg);
    }

    /// Sends upstream, applying subscription messages to our own filter.
    fn upstream(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) {
        match self.parts.classify(&msg, opts.only_first_subscribe) {
            Some(false) if !self.subscriptions.remove(&msg.data()[1..]) => {
                // Still subscribed by another call: upstream need not know.
                return;
            }
            Some(true) => {
                self.subscriptions.add(&msg.data()[1..]);
            }
            _ => {}
        }
        self.send_to_all(pipes, msg);
    }

    /// SUB filters what it receives; XSUB passes everything up.
    fn matches(&self, msg: &Msg, opts: &Options) -> bool {
        !self.sub || self.subscriptions.matches(msg.data()) != opts.invert_matching
    }

    /// The next message part that passes the filter.
    fn next(&mut self, pipes: &mut Pipes, opts: &Options) -> Option<Msg> {
        if let Some(m) = self.prefetched.pop_front() {
            return Some(m);
        }
        loop {
            let (msg, _) = self.fq.recv(pipes)?;
            if self.more_recv || self.matches(&msg, opts) {
                return Some(msg);
            }
            // Not subscribed: drop the whole message.
            let mut more = msg.more();
            while more {
                match self.fq.recv(pipes) {
                    Some((m, _)) => more = m.more(),
                    None => break,
                }
            }
        }
    }
}

impl Pattern for XSub {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.attach(id);
        self.pipes.push(id);
        // A new publisher learns everything we subscribed to.
        self.subscriptions.for_each(|topic| {
            pipes.write(id, subscription(true, topic));
        });
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.fq.terminated(id);
        self.pipes.retain(|&p| p != id);
        self.dist.terminated(id);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.activated(id);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) -> SendResult {
        if self.sub {
            return Err((Errno::ENOTSUP, msg));
        }
        self.upstream(pipes, msg, opts);
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes, opts: &Options) -> Result<Msg> {
        let msg = self.next(pipes, opts).ok_or(Errno::EAGAIN)?;
        self.more_recv = msg.more();
        Ok(msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        if self.more_recv || !self.prefetched.is_empty() {
            return true;
        }
        match self.next(pipes, opts) {
            Some(m) => {
                self.prefetched.push_back(m);
                true
            }
            None => false,
        }
    }

    fn has_out(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        !self.sub
    }

    /// SUB's ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE: sent upstream like an XSUB
    /// subscription message.
    fn subscribe(
        &mut self,
        pipes: &mut Pipes,
        topic: &[u8],
        add: bool,
        opts: &Options,
    ) -> Result<()> {
        if !self.sub {
            return Err(Errno::EINVAL);
        }
        self.upstream(pipes, subscription(add, topic), opts);
        Ok(())
    }
}
