//! REQ (RFC 28): strictly send, receive, send… Each request goes out with
//! an empty delimiter frame (after a 4-byte request id with REQ_CORRELATE)
//! to the next peer in turn; only that peer's reply, with the right
//! envelope, is accepted.

use super::{dealer::Dealer, Pattern, SendResult};
use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

pub struct Req {
    dealer: Dealer,
    receiving_reply: bool,
    message_begins: bool,
    reply_pipe: Option<PipeId>,
    request_id: u32,
}

impl Default for Req {
    fn default() -> Self {
        let mut seed = [0u8; 4];
        let _ = getrandom::getrandom(&mut seed);
        Req {
            dealer: Dealer::default(),
            receiving_reply: false,
            message_begins: true,
            reply_pipe: None,
            request_id: u32::from_ne_bytes(seed),
        }
    }
}

fn frame(body: &[u8]) -> Msg {
    let mut m = Msg::from_slice(body).expect("small frame");
    m.set_more(true);
    m
}

impl Req {
    /// Reads the rest of a message that is being thrown away.
    fn skip_rest(&mut self, pipes: &mut Pipes, mut more: bool) {
        while more {
            match self.dealer.recv_from(pipes) {
                Some((m, _)) => more = m.more(),
                None => return,
            }
        }
    }
}

impl Pattern for Req {
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.dealer.attach(pipes, id, opts);
    }

    fn terminated(&mut self, pipes: &mut Pipes, id: PipeId) {
        if self.reply_pipe == Some(id) {
            self.reply_pipe = None;
        }
        self.dealer.terminated(pipes, id);
    }

    fn read_activated(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.dealer.read_activated(pipes, id, opts);
    }

    fn write_activated(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options) {
        self.dealer.write_activated(pipes, id, opts);
    }

    fn send(&mut self, pipes: &mut Pipes, msg: Msg, opts: &Options) -> SendResult {
        if self.receiving_reply {
            if !opts.req_relaxed {
                return Err((Errno::EFSM, msg));
            }
            self.receiving_reply = false;
            self.message_begins = true;
        }
        if self.message_begins {
            if !self.dealer.lb.has_out(pipes) {
                return Err((Errno::EAGAIN, msg));
            }
            if opts.req_correlate {
                self.request_id = self.request_id.wrapping_add(1);
                // Host byte order, as libzmq writes it.
                let id = frame(&self.request_id.to_ne_bytes());
                if let Err((e, _)) = self.dealer.send_to(pipes, id) {
                    return Err((e, msg));
                }
            }
            match self.dealer.send_to(pipes, frame(&[])) {
                Ok(pipe) => self.reply_pipe = pipe,
                Err((e, _)) => return Err((e, msg)),
            }
            self.message_begins = false;
            // Replies that arrived for earlier requests are stale now.
            while let Some((m, _)) = self.dealer.recv_from(pipes) {
                self.skip_rest(pipes, m.more());
            }
        }
        let more = msg.more();
        self.dealer.send_to(pipes, msg)?;
        if !more {
            self.receiving_reply = true;
            self.message_begins = true;
        }
        Ok(())
    }

    fn recv(&mut self, pipes: &mut Pipes, opts: &Options) -> Result<Msg> {
        if !self.receiving_reply {
            return Err(Errno::EFSM);
        }
        loop {
            let (msg, pipe) = self.dealer.recv_from(pipes).ok_or(Errno::EAGAIN)?;
            if self.message_begins {
                // Only the peer we asked may answer, with our envelope.
                let from_peer = self.reply_pipe.is_none() || self.reply_pipe == Some(pipe);
                let mut ok = from_peer && msg.more();
                if ok && opts.req_correlate {
                    ok = msg.data() == self.request_id.to_ne_bytes();
                    if ok {
                        match self.dealer.recv_from(pipes) {
                            Some((delim, _)) => {
                                ok = delim.more() && delim.is_empty();
                                if !ok {
                                    self.skip_rest(pipes, delim.more());
                                    continue;
                                }
                            }
                            None => return Err(Errno::EAGAIN),
                        }
                    }
                } else if ok {
                    ok = msg.is_empty();
                }
                if !ok {
                    self.skip_rest(pipes, msg.more());
                    continue;
                }
                self.message_begins = false;
                continue;
            }
            if !msg.more() {
                self.receiving_reply = false;
                self.message_begins = true;
            }
            return Ok(msg);
        }
    }

    fn has_in(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        self.receiving_reply && self.dealer.has_in(pipes, opts)
    }

    fn has_out(&mut self, pipes: &mut Pipes, opts: &Options) -> bool {
        if self.receiving_reply && !opts.req_relaxed {
            return false;
        }
        self.dealer.has_out(pipes, opts)
    }
}
