//! The pipes a routing helper may use right now, taken in turn.
//!
//! A pipe leaves the set when it has nothing to read (fq) or no room (lb)
//! and comes back when its peer activates it.

use crate::pipe::PipeId;

#[derive(Default)]
pub struct ActiveSet {
    pipes: Vec<PipeId>,
    current: usize,
}

impl ActiveSet {
    pub fn add(&mut self, id: PipeId) {
        if !self.pipes.contains(&id) {
            self.pipes.push(id);
        }
    }

    /// Removes a pipe; true if it was the current one.
    pub fn remove(&mut self, id: PipeId) -> bool {
        match self.pipes.iter().position(|&p| p == id) {
            Some(pos) => {
                self.remove_at(pos);
                pos == self.current
            }
            None => false,
        }
    }

    pub fn current(&self) -> Option<PipeId> {
        self.pipes.get(self.current).copied()
    }

    /// Drops the current pipe; the next one in turn becomes current.
    pub fn remove_current(&mut self) {
        self.remove_at(self.current);
    }

    /// Moves on to the next pipe in turn.
    pub fn advance(&mut self) {
        if !self.pipes.is_empty() {
            self.current = (self.current + 1) % self.pipes.len();
        }
    }

    fn remove_at(&mut self, pos: usize) {
        self.pipes.swap_remove(pos);
        if self.current >= self.pipes.len() {
            self.current = 0;
        }
    }
}
