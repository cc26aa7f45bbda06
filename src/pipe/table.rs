//! A socket's pipes, by small integer id.
//!
//! Patterns refer to pipes by [`PipeId`] (a slot index, reused after
//! removal); peers' commands name pipes by token, which this table maps to
//! ids. A pattern that finds a pipe's peer gone records it here; the socket
//! removes such pipes after the pattern call returns.

use std::collections::HashMap;

use super::{PipeEnd, Read};
use crate::msg::Msg;

pub type PipeId = usize;

#[derive(Default)]
pub struct Pipes {
    slots: Vec<Option<PipeEnd>>,
    free: Vec<PipeId>,
    by_token: HashMap<u64, PipeId>,
    gone: Vec<PipeId>,
}

impl Pipes {
    pub fn insert(&mut self, end: PipeEnd) -> PipeId {
        let token = end.token();
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id] = Some(end);
                id
            }
            None => {
                self.slots.push(Some(end));
                self.slots.len() - 1
            }
        };
        self.by_token.insert(token, id);
        id
    }

    pub fn remove(&mut self, id: PipeId) -> Option<PipeEnd> {
        let end = self.slots.get_mut(id)?.take()?;
        self.by_token.remove(&end.token());
        self.free.push(id);
        Some(end)
    }

    pub fn by_token(&self, token: u64) -> Option<PipeId> {
        self.by_token.get(&token).copied()
    }

    pub fn get(&self, id: PipeId) -> &PipeEnd {
        self.slots[id].as_ref().expect("live pipe id")
    }

    pub fn get_mut(&mut self, id: PipeId) -> &mut PipeEnd {
        self.slots[id].as_mut().expect("live pipe id")
    }

    pub fn contains(&self, id: PipeId) -> bool {
        matches!(self.slots.get(id), Some(Some(_)))
    }

    pub fn ids(&self) -> impl Iterator<Item = PipeId> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(id, s)| s.as_ref().map(|_| id))
    }

    pub fn len(&self) -> usize {
        self.by_token.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_token.is_empty()
    }

    /// Reads a part; a pipe found gone is recorded for removal.
    pub fn read(&mut self, id: PipeId) -> Read {
        let r = self.get_mut(id).read();
        if matches!(r, Read::Gone) {
            self.mark_gone(id);
        }
        r
    }

    pub fn check_read(&mut self, id: PipeId) -> bool {
        self.get_mut(id).check_read()
    }

    pub fn check_write(&mut self, id: PipeId) -> bool {
        let ok = self.get_mut(id).check_write();
        if !ok && self.get(id).is_peer_gone() {
            self.mark_gone(id);
        }
        ok
    }

    /// Writes a part; false (and the pipe recorded for removal) when the
    /// peer is gone.
    pub fn write(&mut self, id: PipeId, msg: Msg) -> bool {
        let ok = self.get_mut(id).write(msg);
        if !ok {
            self.mark_gone(id);
        }
        ok
    }

    pub fn mark_gone(&mut self, id: PipeId) {
        if !self.gone.contains(&id) {
            self.gone.push(id);
        }
    }

    /// Pipes found gone since the last call.
    pub fn take_gone(&mut self) -> Vec<PipeId> {
        std::mem::take(&mut self.gone)
    }
}
