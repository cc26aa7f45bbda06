//! Load balancing: each whole message to the next pipe that has room.

use super::active::ActiveSet;
use crate::errno::Errno;
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};

#[derive(Default)]
pub struct LoadBalance {
    active: ActiveSet,
    /// In the middle of a multipart message to the current pipe.
    more: bool,
    /// The pipe of the current multipart message died: drop its rest.
    dropping: bool,
}

impl LoadBalance {
    pub fn attach(&mut self, id: PipeId) {
        self.active.add(id);
    }

    pub fn activated(&mut self, id: PipeId) {
        self.active.add(id);
    }

    pub fn terminated(&mut self, id: PipeId) {
        if self.active.remove(id) && self.more {
            self.dropping = true;
            self.more = false;
        }
    }

    /// Sends one part; Err((EAGAIN, msg)) when no pipe can take it now.
    /// Returns the pipe used (None when the part was dropped).
    pub fn send(&mut self, pipes: &mut Pipes, msg: Msg) -> Result<Option<PipeId>, (Errno, Msg)> {
        if self.dropping {
            self.dropping = msg.more();
            return Ok(None);
        }
        let id = loop {
            let Some(id) = self.active.current() else {
                return Err((Errno::EAGAIN, msg));
            };
            // The rest of a message goes where its first part went.
            if self.more || pipes.check_write(id) {
                break id;
            }
            self.active.remove_current();
        };
        let more = msg.more();
        if !pipes.write(id, msg) {
            // The peer vanished; the rest of this message goes nowhere.
            self.terminated(id);
            self.dropping = more;
            return Ok(None);
        }
        self.more = more;
        if !more {
            self.active.advance();
        }
        Ok(Some(id))
    }

    pub fn has_out(&mut self, pipes: &mut Pipes) -> bool {
        if self.more {
            return true;
        }
        while let Some(id) = self.active.current() {
            if pipes.check_write(id) {
                return true;
            }
            self.active.remove_current();
        }
        false
    }
}
