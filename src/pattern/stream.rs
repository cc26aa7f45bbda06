//! STREAM: raw TCP peers, each addressed by a routing id.
//!
//! Every connection gets a generated 5-byte id (a zero byte and a 32-bit
//! big-endian counter from a random start), or the CONNECT_ROUTING_ID
//! given for it. Received data comes as [id][bytes]; sending [id][bytes]
//! writes the bytes, and [id][empty] closes that connection. With
//! STREAM_NOTIFY the engine announces each connection and disconnection
//! with an empty message, which arrives as [id][empty].

use super::{fq::FairQueue, routing_ids::RoutingIds, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Stream {
    fq: FairQueue,
    ids: RoutingIds,
    /// The data part waiting behind a routing-id frame handed out.
    prefetched: Option<Msg>,
    /// Output: the routing-id frame was taken; the data part is next, for
    /// this pipe (None: dropped).
    more_out: bool,
    current_out: Option<PipeId>,
    /// The id of the newest connection (ZMQ_ROUTING_ID reads it back).
    last_id: Vec<u8>,
}

impl Pattern for Stream {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        let end = pipes.get_mut(id);
        let name = match end.assigned_routing_id() {
            Some(name) if self.ids.pipe(name).is_none() => name.to_vec(),
            _ => self.ids.generate(),
        };
        self.last_id = name.clone();
        self.ids.insert(id, name);
        self.fq.attach(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.fq.terminated(id);
        self.ids.remove_pipe(id);
        if self.current_out == Some(id) {
            self.current_out = None;
        }
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.activated(id);
    }

    fn send(&mut self, pipes: &mut Pipes, mut msg: Msg, _opts: &Options) -> SendResult {
        if !self.more_out {
            // The routing-id frame. Without MORE it is ignored, as libzmq
            // does, but the next part is still taken as data.
            if msg.more() {
                let Some(id) = self.ids.pipe(msg.data()) else {
                    return Err((Errno::EHOSTUNREACH, msg));
                };
                if !pipes.check_write(id) {
                    return Err((Errno::EAGAIN, msg));
                }
                self.current_out = Some(id);
            }
            self.more_out = true;
            return Ok(());
        }
        // The data part; MORE is ignored.
        self.more_out = false;
        msg.set_more(false);
        if let Some(id) = self.current_out.take() {
            if msg.is_empty() {
                // An empty part closes the connection.
                pipes.mark_gone(id);
            } else {
                pipes.write(id, msg);
            }
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        if let Some(msg) = self.prefetched.take() {
            return Ok(msg);
        }
        let (mut msg, id) = self.fq.recv(pipes).ok_or(Errno::EAGAIN)?;
        msg.set_more(false);
        let mut frame = Msg::from_slice(self.ids.name(id))?;
        frame.set_more(true);
        frame.set_metadata(msg.metadata().cloned());
        self.prefetched = Some(msg);
        Ok(frame)
    }

    fn has_in(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.prefetched.is_some() || self.fq.has_in(pipes)
    }

    fn has_out(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        true
    }

    fn routing_id(&self) -> Option<&[u8]> {
        Some(&self.last_id)
    }
}
