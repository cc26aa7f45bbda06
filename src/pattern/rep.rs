//! REP (RFC 28): strictly receive, send… The routing envelope of each
//! request (every frame up to the empty delimiter) is saved and put back
//! in front of the reply, which goes to the peer that asked.

use super::{router::Router, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

pub struct Rep {
    router: Router,
    sending_reply: bool,
    request_begins: bool,
}

impl Default for Rep {
    fn default() -> Self {
        Rep {
            router: Router::default(),
            sending_reply: false,
            request_begins: true,
        }
    }
}

impl Pattern for Rep {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.router.attach(pipes, id, opts);
    }

    fn terminated(&mut self, pipes: &mut Pipes, id: PipeId) {
        self.router.terminated(pipes, id);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.router.read_activated(pipes, id, opts);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) -> SendResult {
        if !self.sending_reply {
            return Err((Errno::EFSM, msg));
        }
        let more = msg.more();
        self.router.send_part(pipes, msg, opts)?;
        if !more {
            self.sending_reply = false;
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes, opts: &Options) -> Result<Msg> {
        if self.sending_reply {
            return Err(Errno::EFSM);
        }
        if self.request_begins {
            // Copy the envelope straight into the reply being prepared.
            loop {
                let part = self.router.recv_part(pipes, opts)?;
                if !part.more() {
                    // No delimiter: not a valid request; drop it.
                    self.router.rollback(pipes);
                    continue;
                }
                let bottom = part.is_empty();
                self.router
                    .send_part(pipes, part, opts)
                    .map_err(|(e, _)| e)?;
                if bottom {
                    break;
                }
            }
            self.request_begins = false;
        }
        let msg = self.router.recv_part(pipes, opts)?;
        if !msg.more() {
            self.sending_reply = true;
            self.request_begins = true;
        }
        Ok(msg)
    }

    fn has_in(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        !self.sending_reply && self.router.has_in(pipes, opts)
    }

    fn has_out(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        self.sending_reply && self.router.has_out(pipes, opts)
    }
}
