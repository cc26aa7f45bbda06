//! PULL (RFC 30): fair-queued from upstream peers; never sends.

use super::{fq::FairQueue, Pattern};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Pull {
    fq: FairQueue,
}

impl Pattern for Pull {
    fn attach(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.attach(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.fq.terminated(id);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.activated(id);
    }

    fn recv(&mut self, pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        self.fq.recv(pipes).map(|(m, _)| m).ok_or(Errno::EAGAIN)
    }

    fn has_in(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.fq.has_in(pipes)
    }
}
