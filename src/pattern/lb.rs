//! Load balancing: each whole message to the next pipe that has room.

use crate::errno::Errno;
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};

#[derive(Default)]
pub struct LoadBalance {
    active: Vec<PipeId>,
    current: usize,
    /// In the middle of a multipart message to `active[current]`.
    more: bool,
    /// The pipe of the current multipart message died: drop its rest.
    dropping: bool,
}

impl LoadBalance {
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
                self.dropping = true;
                self.more = false;
            }
            self.active.swap_remove(pos);
            if self.current >= self.active.len() {
                self.current = 0;
            }
        }
    }

    /// Sends one part; Err((EAGAIN, msg)) when no pipe can take it now.
    /// Returns the pipe used (None when the part was dropped).
    pub fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> Result<Option<PipeId>, (Errno, Msg)> {
        if self.dropping {
            self.dropping = msg.more();
            return Ok(None);
        }
        if !self.more {
            loop {
                if self.active.is_empty() {
                    return Err((Errno::EAGAIN, msg));
                }
                if pipes.check_write(self.active[self.current]) {
                    break;
                }
                self.active.swap_remove(self.current);
                if self.current >= self.active.len() {
                    self.current = 0;
                }
            }
        }
        let id = self.active[self.current];
        let more = msg.more();
        if !pipes.write(id, msg) {
            // The peer vanished; the rest of this message goes nowhere.
            self.terminated(id);
            self.dropping = more;
            return Ok(None);
        }
        self.more = more;
        if !more {
            self.current = (self.current + 1) % self.active.len();
        }
        Ok(Some(id))
    }

    pub fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while !self.active.is_empty() {
            if pipes.check_write(self.active[self.current]) {
                return true;
            }
            self.active.swap_remove(self.current);
            if self.current >= self.active.len() {
                self.current = 0;
            }
        }
        false
    }
}
