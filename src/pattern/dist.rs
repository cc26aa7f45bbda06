//! Distribution: each message to a chosen set of pipes (PUB, XPUB, RADIO).
//!
//! The targets are fixed on the first part and kept for the rest of a
//! multipart message; every target gets its own reference to each part.

use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};

#[derive(Default)]
pub struct Dist {
    targets: Vec<PipeId>,
    more: bool,
}

impl Dist {
    /// Whether a message is under way (its targets are fixed).
    pub fn in_message(&self) -> bool {
        self.more
    }

    /// Starts a message to `targets` (ignored in the middle of a message).
    pub fn set_targets(&mut self, targets: impl IntoIterator<Item = PipeId>) {
        if !self.more {
            self.targets.clear();
            self.targets.extend(targets);
        }
    }

    pub fn terminated(&mut self, id: PipeId) {
        self.targets.retain(|&p| p != id);
    }

    /// Sends one part to the current targets.
    pub fn send(&mut self, pipes: &mut Pipes, mut msg: Msg) {
        self.more = msg.more();
        if let Some((&last, rest)) = self.targets.split_last() {
            for &id in rest {
                pipes.write(id, msg.share());
            }
            pipes.write(last, msg);
        }
        if !self.more {
            self.targets.clear();
        }
    }
}
