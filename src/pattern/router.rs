//! ROUTER (RFC 28): every message carries its peer's routing id as the
//! first frame, in and out.
//!
//! A peer's routing id is the Identity it announced (ZMQ_ROUTING_ID), the
//! name given with CONNECT_ROUTING_ID, or a generated 5-byte id: a zero byte
//! and a 32-bit big-endian counter from a random start, as libzmq makes
//! them. A second peer with a name in use is refused unless
//! ROUTER_HANDOVER, which gives the name to the newcomer.

use super::{dealer::probe, fq::FairQueue, routing_ids::RoutingIds, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Router {
    fq: FairQueue,
    ids: RoutingIds,
    /// Pipes whose peer has not told its routing id yet.
    anonymous: Vec<PipeId>,
    /// The message part waiting behind a routing-id frame handed out.
    prefetched: Option<Msg>,
    more_in: bool,
    /// Output: in the middle of a message, and the pipe it goes to (None:
    /// dropped).
    more_out: bool,
    current_out: Option<PipeId>,
}

impl Router {
    /// Gives the pipe its routing id; false while the peer's is unknown.
    fn identify(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) -> bool {
        let end = pipes.get_mut(id);
        let name = match end.assigned_routing_id() {
            Some(name) => name.to_vec(),
            None => {
                if !end.identify() {
                    return false;
                }
                end.peer_routing_id().unwrap_or_default().to_vec()
            }
        };
        let name = if name.is_empty() {
            self.ids.generate()
        } else if let Some(old) = self.ids.pipe(&name) {
            if !opts.router_handover {
                // Duplicate name: refuse the newcomer.
                pipes.mark_gone(id);
                return true;
            }
            // Handover: the old peer loses the name and the connection.
            self.ids.remove_pipe(old);
            self.fq.terminated(old);
            pipes.mark_gone(old);
            name
        } else {
            name
        };
        self.ids.insert(id, name);
        self.fq.attach(id);
        true
    }

    fn identify_anonymous(&mut self, pipes: &mut Pipes, opts: &Options) {
        let waiting = std::mem::take(&mut self.anonymous);
        for id in waiting {
            if !self.identify(pipes, id, opts) {
                self.anonymous.push(id);
            }
        }
    }

    /// Sends one part: the first is the routing id, the rest go to that
    /// peer. Used by REP too, to write the saved envelope back.
    pub(super) fn send_part(
        &mut self,
        pipes: &mut Pipes,
        mut msg: Msg,
        opts: &Options,
    ) -> SendResult {
        if !self.more_out {
            // The routing-id frame. Without MORE it is a message with no
            // body: dropped, as libzmq does.
            if !msg.more() {
                return Ok(());
            }
            self.current_out = None;
            match self.ids.pipe(msg.data()) {
                Some(id) if pipes.check_write(id) => self.current_out = Some(id),
                Some(_) if opts.router_mandatory => return Err((Errno::EAGAIN, msg)),
                None if opts.router_mandatory => return Err((Errno::EHOSTUNREACH, msg)),
                _ => {}
            }
            self.more_out = true;
            return Ok(());
        }
        // ROUTER_RAW, as STREAM: one data part, whose MORE is ignored;
        // an empty one closes the connection.
        if opts.raw_socket {
            msg.set_more(false);
            if msg.is_empty() {
                if let Some(id) = self.current_out.take() {
                    pipes.mark_gone(id);
                }
            }
        }
        self.more_out = msg.more();
        if let Some(id) = self.current_out {
            if !pipes.write(id, msg) {
                self.current_out = None;
            }
        }
        if !self.more_out {
            self.current_out = None;
        }
        Ok(())
    }

    /// Drops the parts of an unfinished outgoing message (REP discarding a
    /// malformed request's envelope).
    pub(super) fn rollback(&mut self, pipes: &mut Pipes) {
        if let Some(id) = self.current_out.take() {
            pipes.get_mut(id).rollback();
        }
        self.more_out = false;
    }

    /// Next part: a routing-id frame before each message.
    pub(super) fn recv_part(&mut self, pipes: &mut Pipes, opts: &Options) -> Result<Msg> {
        if let Some(msg) = self.prefetched.take() {
            self.more_in = msg.more();
            return Ok(msg);
        }
        if !self.anonymous.is_empty() {
            self.identify_anonymous(pipes, opts);
        }
        let (msg, id) = self.fq.recv(pipes).ok_or(Errno::EAGAIN)?;
        if self.more_in {
            self.more_in = msg.more();
            return Ok(msg);
        }
        let mut frame = Msg::from_slice(self.ids.name(id))?;
        frame.set_more(true);
        self.prefetched = Some(msg);
        Ok(frame)
    }

    fn has_in_parts(&mut self, pipes: &mut Pipes) -> bool {
        self.prefetched.is_some() || self.more_in || self.fq.has_in(pipes)
    }
}

impl Pattern for Router {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        probe(pipes, id, opts);
        if !self.identify(pipes, id, opts) {
            self.anonymous.push(id);
        }
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.anonymous.retain(|&p| p != id);
        self.fq.terminated(id);
        self.ids.remove_pipe(id);
        if self.current_out == Some(id) {
            self.current_out = None;
        }
    }

    fn read_activated(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        if self.anonymous.contains(&id) {
            self.anonymous.retain(|&p| p != id);
            if !self.identify(pipes, id, opts) {
                self.anonymous.push(id);
            }
        } else {
            self.fq.activated(id);
        }
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) -> SendResult {
        self.send_part(pipes, msg, opts)
    }

    fn recv(&mut self, pipes: &mut Pipes, opts: &Options) -> Result<Msg> {
        self.recv_part(pipes, opts)
    }

    fn has_in(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.has_in_parts(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        // Always writable (unroutable messages are dropped), except with
        // ROUTER_MANDATORY: then only when some peer has room.
        if !opts.router_mandatory {
            return true;
        }
        let ids: Vec<PipeId> = self.ids.pipes().collect();
        ids.into_iter().any(|id| pipes.check_write(id))
    }
}
