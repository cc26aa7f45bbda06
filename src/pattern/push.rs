//! PUSH (RFC 30): round-robin to downstream peers; never receives.

use super::{lb::LoadBalance, Pattern, SendResult};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Push {
    lb: LoadBalance,
}

impl Pattern for Push {
    fn attach(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.lb.attach(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.lb.terminated(id);
    }

    fn write_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.lb.activated(id);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, _opts: &Options) -> SendResult {
        self.lb.send(pipes, msg).map(|_| ())
    }

    fn has_out(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.lb.has_out(pipes)
    }
}
