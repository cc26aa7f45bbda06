//! DEALER (RFC 28): round-robin out, fair-queued in, no envelopes.

use super::{fq::FairQueue, lb::LoadBalance, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Dealer {
    pub(super) fq: FairQueue,
    pub(super) lb: LoadBalance,
}

impl Dealer {
    /// Sends one part; returns the pipe it went to.
    pub(super) fn send_to(
        &mut self,
        pipes: &mut Pipes,
        msg: Msg,
    ) -> std::result::Result<Option<PipeId>, (Errno, Msg)> {
        self.lb.send(pipes, msg)
    }

    pub(super) fn recv_from(&mut self, pipes: &mut Pipes) -> Option<(Msg, PipeId)> {
        self.fq.recv(pipes)
    }
}

/// PROBE_ROUTER: an empty message to each new peer, so a ROUTER learns of
/// it at once.
pub(super) fn probe(pipes: &mut Pipes, id: PipeId, opts: &Options) {
    if opts.probe_router {
        pipes.write(id, Msg::new());
    }
}

impl Pattern for Dealer {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        probe(pipes, id, opts);
        self.fq.attach(id);
        self.lb.attach(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        self.fq.terminated(id);
        self.lb.terminated(id);
    }

    fn read_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.fq.activated(id);
    }

    fn write_activated(&mut self, _pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        self.lb.activated(id);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, _opts: &Options) -> SendResult {
        self.send_to(pipes, msg).map(|_| ())
    }

    fn recv(&mut self, pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        self.recv_from(pipes).map(|(m, _)| m).ok_or(Errno::EAGAIN)
    }

    fn has_in(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.fq.has_in(pipes)
    }

    fn has_out(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.lb.has_out(pipes)
    }
}
