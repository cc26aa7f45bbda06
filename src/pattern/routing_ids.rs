//! The routing ids ROUTER and STREAM know their peers by: a name for each
//! pipe and the pipe for each name, and the 5-byte ids they generate (a
//! zero byte and a 32-bit big-endian counter from a random start, as
//! libzmq makes them).

use std::collections::HashMap;

use crate::pipe::PipeId;

pub struct RoutingIds {
    by_name: HashMap<Vec<u8>, PipeId>,
    names: HashMap<PipeId, Vec<u8>>,
    next_generated: u32,
}

impl Default for RoutingIds {
    fn default() -> Self {
        let mut seed = [0u8; 4];
        let _ = getrandom::getrandom(&mut seed);
        RoutingIds {
            by_name: HashMap::new(),
            names: HashMap::new(),
            next_generated: u32::from_ne_bytes(seed),
        }
    }
}

impl RoutingIds {
    /// A generated id no peer has.
    pub fn generate(&mut self) -> Vec<u8> {
        loop {
            self.next_generated = self.next_generated.wrapping_add(1);
            let mut id = vec![0u8];
            id.extend_from_slice(&self.next_generated.to_be_bytes());
            if !self.by_name.contains_key(&id) {
                return id;
            }
        }
    }

    pub fn insert(&mut self, pipe: PipeId, name: Vec<u8>) {
        self.names.insert(pipe, name.clone());
        self.by_name.insert(name, pipe);
    }

    /// Forgets a pipe and, if the name is still its own, the name.
    pub fn remove_pipe(&mut self, pipe: PipeId) {
        if let Some(name) = self.names.remove(&pipe) {
            if self.by_name.get(&name) == Some(&pipe) {
                self.by_name.remove(&name);
            }
        }
    }

    pub fn pipe(&self, name: &[u8]) -> Option<PipeId> {
        self.by_name.get(name).copied()
    }

    /// A pipe's name (empty when it has none).
    pub fn name(&self, pipe: PipeId) -> &[u8] {
        self.names.get(&pipe).map_or(&[][..], Vec::as_slice)
    }

    /// Every named pipe.
    pub fn pipes(&self) -> impl Iterator<Item = PipeId> + '_ {
        self.by_name.values().copied()
    }
}
