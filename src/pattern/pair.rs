//! PAIR (RFC 31): exactly one peer; further peers are refused.

use super::{Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes, Read};
use crate::socket::options::Options;

#[derive(Default)]
pub struct Pair {
    pipe: Option<PipeId>,
}

impl Pattern for Pair {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, _opts: &Options) {
        if self.pipe.is_some() {
            // A second peer: libzmq refuses it by closing the new pipe.
            pipes.mark_gone(id);
            return;
        }
        self.pipe = Some(id);
    }

    fn terminated(&mut self, _pipes: &mut Pipes, id: PipeId) {
        if self.pipe == Some(id) {
            self.pipe = None;
        }
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, _opts: &Options) -> SendResult {
        match self.pipe {
            Some(id) if pipes.check_write(id) => {
                pipes.write(id, msg);
                Ok(())
            }
            _ => Err((Errno::EAGAIN, msg)),
        }
    }

    fn recv(&mut self, pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        match self.pipe {
            Some(id) => match pipes.read(id) {
                Read::Msg(m) => Ok(m),
                _ => Err(Errno::EAGAIN),
            },
            None => Err(Errno::EAGAIN),
        }
    }

    fn has_in(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.pipe.is_some_and(|id| pipes.check_read(id))
    }

    fn has_out(&mut self, pipes: &mut Pipes, _opts: &Options) -> bool {
        self.pipe.is_some_and(|id| pipes.check_write(id))
    }
}
