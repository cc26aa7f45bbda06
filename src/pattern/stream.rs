//! STREAM: raw TCP peers, each addressed by a routing id.
//!
//! Every connection gets a generated 5-byte id (a zero byte and a 32-bit
//! big-endian counter from a random start), or the CONNECT_ROUTING_ID
//! given for it. Received data comes as [id][bytes]; sending [id][bytes]
//! writes the bytes, and [id][empty] closes that connection. With
//! STREAM_NOTIFY the engine announces each connection and disconnection
//! with an empty message, which arrives as [id][empty].

use std::collections::HashMap;

use super::{fq::FairQueue, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

pub struct Stream {
    fq: FairQueue,
    by_id: HashMap<Vec<u8>, PipeId>,
    names: HashMap<PipeId, Vec<u8>>,
    next_auto_id: u32,
    /// The data part waiting behind a routing-id frame handed out.
    prefetched: Option<Msg>,
    /// Output: the routing-id frame was taken; the data part is next, for
    /// this pipe (None: dropped).
    more_out: bool,
    current_out: Option<PipeId>,
    /// The id of the newest connection (ZMQ_ROUTING_ID reads it back).
    last_id: Vec<u8>,
}

impl Default for Stream {
    fn default() -> Self {
        let mut seed = [0u8; 4];
        let _ = getrandom::getrandom(&mut seed);
        Stream {
            fq: FairQueue::default(),
            by_id: HashMap::new(),
            names: HashMap::new(),
            next_auto_id: u32::from_ne_bytes(seed),
            prefetched: None,
            more_out: false,
            current_out: None,
            last_id: Vec::new(),
        }
    }
}

impl Stream {
    fn auto_id(&mut self) -> Vec<u8> {
        loop {
            self.next_auto_id = self.next_auto_id.wrapping_add(1);
            let mut id = vec![0u8];
            id.extend_from_slice(&self.next_auto_id.to_be_bytes());
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }
}

impl Pattern for Stream {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        let end = pipes.get_mut(id);
        let name = match end.assigned_routing_id() {
            Some(name) if !self.by_id.contains_key(name) => name.to_vec(),
            _ => self.auto_id(),
        };
        self.last_id = name.clone();
        self.names.insert(id, name.clone());
        self.by_id.insert(name, id);
        self.fq.attach(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.fq.terminated(id);
        if let Some(name) = self.names.remove(&id) {
            self.by_id.remove(&name);
        }
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
                let Some(&id) = self.by_id.get(msg.data()) else {
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
        let name = self.names.get(&id).map_or(&[][..], Vec::as_slice);
        let mut frame = Msg::from_slice(name)?;
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
