//! Fair queuing: take whole messages from the pipes that have some, in
//! turn.

use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes, Read};

#[derive(Default)]
pub struct FairQueue {
    active: Vec<PipeId>,
    current: usize,
    /// In the middle of a multipart message from `active[current]`.
    more: bool,
}

impl FairQueue {
    pub fn attach(&mut self, id: PipeId) {
        self.activated(id);
    }

    pub fn activated(&mut self, id: PipeId) {
        if !self.active.contains(&id) {
            self.active.push(id);
        }
    }

    pub fn terminated(&mut self, id: PipeId) {
        if let Some(pos) = self.active.iter().position(|&p| p == id) {
            if pos == self.current && self.more {
                self.more = false;
            }
            self.deactivate_at(pos);
        }
    }

    fn deactivate_at(&mut self, pos: usize) {
        self.active.swap_remove(pos);
        if self.current >= self.active.len() {
            self.current = 0;
        }
    }

    /// The next part and the pipe it came from.
    pub fn recv(&mut self, pipes: &mut Pipes) -> Option<(Msg, PipeId)> {
        while !self.active.is_empty() {
            let id = self.active[self.current];
            match pipes.read(id) {
                Read::Msg(msg) => {
                    self.more = msg.more();
                    if !self.more {
                        self.current = (self.current + 1) % self.active.len();
                    }
                    return Some((msg, id));
                }
                Read::Empty | Read::Gone => {
                    self.more = false;
                    self.deactivate_at(self.current);
                }
            }
        }
        None
    }

    pub fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while !self.active.is_empty() {
            if pipes.check_read(self.active[self.current]) {
                return true;
            }
            if pipes.get_mut(self.active[self.current]).drained_and_gone() {
                pipes.mark_gone(self.active[self.current]);
            }
            self.deactivate_at(self.current);
        }
        false
    }
}
