//! Fair queuing: take whole messages from the pipes that have some, in
//! turn.

use super::active::ActiveSet;
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes, Read};

#[derive(Default)]
pub struct FairQueue {
    active: ActiveSet,
    /// In the middle of a multipart message from the current pipe.
    more: bool,
}

impl FairQueue {
    pub fn attach(&mut self, id: PipeId) {
        self.active.add(id);
    }

    pub fn activated(&mut self, id: PipeId) {
        self.active.add(id);
    }

    pub fn terminated(&mut self, id: PipeId) {
        if self.active.remove(id) {
            self.more = false;
        }
    }

    /// The next part and the pipe it came from.
    pub fn recv(&mut self, pipes: &mut Pipes) -> Option<(Msg, PipeId)> {
        while let Some(id) = self.active.current() {
            match pipes.read(id) {
                Read::Msg(msg) => {
                    self.more = msg.more();
                    if !self.more {
                        self.active.advance();
                    }
                    return Some((msg, id));
                }
                Read::Empty | Read::Gone => {
                    self.more = false;
                    self.active.remove_current();
                }
            }
        }
        None
    }

    pub fn has_in(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while let Some(id) = self.active.current() {
            if pipes.check_read(id) {
                return true;
            }
            if pipes.get_mut(id).drained_and_gone() {
                pipes.mark_gone(id);
            }
            self.active.remove_current();
        }
        false
    }
}
