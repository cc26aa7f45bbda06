//! STREAM: raw TCP peers, each addressed by a routing id.
//!
//! Its connections come with the tcp transport, which is not built yet;
//! until then a STREAM socket has options but no peers: inproc pipes are
//! refused, sends to any routing id fail with EHOSTUNREACH as they do for
//! an unknown peer in libzmq, and nothing arrives.

use super::{Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

pub struct Stream;

impl Pattern for Stream {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        pipes.mark_gone(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, _id: PipeId) {}

    fn send(&mut self, _pipes: &mut Pipes, msg: Msg, _opts: &Options) -> SendResult {
        Err((Errno::EHOSTUNREACH, msg))
    }

    fn recv(&mut self, _pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        Err(Errno::EAGAIN)
    }

    fn has_out(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        true
    }
}
