//! Socket types: one file per type, over shared routing helpers (fq, lb,
//! dist) and subscription tries.
//!
//! A pattern sees its socket's pipes through [`Pipes`] and works part by
//! part, like libzmq's xsend/xrecv: `send` gets each part with its MORE
//! flag, `recv` returns one part at a time.

mod active;
pub mod dist;
pub mod fq;
pub mod lb;
pub mod mtrie;
mod routing_ids;
pub mod trie;

mod dealer;
mod pair;
mod pubsub;
mod pull;
mod push;
mod rep;
mod req;
mod router;
mod stream;

use crate::errno::{Errno, Result};
use crate::msg::Msg;
use crate::pipe::{PipeId, Pipes};
use crate::socket::options::Options;

/// libzmq's socket type numbers.
pub mod kind {
    pub const PAIR: i32 = 0;
    pub const PUB: i32 = 1;
    pub const SUB: i32 = 2;
    pub const REQ: i32 = 3;
    pub const REP: i32 = 4;
    pub const DEALER: i32 = 5;
    pub const ROUTER: i32 = 6;
    pub const PULL: i32 = 7;
    pub const PUSH: i32 = 8;
    pub const XPUB: i32 = 9;
    pub const XSUB: i32 = 10;
    pub const STREAM: i32 = 11;
    pub const RADIO: i32 = 14;
    pub const DISH: i32 = 15;
}

/// What a pattern's send gives back when it cannot take the part now.
pub type SendResult = std::result::Result<(), (Errno, Msg)>;

pub trait Pattern: Send {
    /// A new pipe to a peer.
    fn attach(&mut self, pipes: &mut Pipes, id: PipeId, opts: &Options);
    /// A pipe is gone (peer closed, or we disconnected it).
    fn terminated(&mut self, pipes: &mut Pipes, id: PipeId);
    /// A pipe that had gone idle has messages again.
    fn read_activated(&mut self, _pipes: &mut Pipes, _id: PipeId, _opts: &Options) {}
    /// A pipe that was full has room again.
    fn write_activated(&mut self, _pipes: &mut Pipes, _id: PipeId, _opts: &Options) {}

    fn send(&mut self, _pipes: &mut Pipes, msg: Msg, _opts: &Options) -> SendResult {
        Err((Errno::ENOTSUP, msg))
    }
    fn recv(&mut self, _pipes: &mut Pipes, _opts: &Options) -> Result<Msg> {
        Err(Errno::ENOTSUP)
    }
    fn has_in(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        false
    }
    fn has_out(&mut self, _pipes: &mut Pipes, _opts: &Options) -> bool {
        false
    }

    /// STREAM: the routing id given to the newest connection, which
    /// ZMQ_ROUTING_ID then reads back, as in libzmq.
    fn routing_id(&self) -> Option<&[u8]> {
        None
    }

    /// SUBSCRIBE/UNSUBSCRIBE given to setsockopt.
    fn subscribe(
        &mut self,
        _pipes: &mut Pipes,
        _topic: &[u8],
        _add: bool,
        _opts: &Options,
    ) -> Result<()> {
        Err(Errno::EINVAL)
    }
}

pub fn new(kind: i32) -> Option<Box<dyn Pattern>> {
    Some(match kind {
        kind::PAIR => Box::new(pair::Pair::default()),
        kind::PUB => Box::new(pubsub::XPub::new(false)),
        kind::SUB => Box::new(pubsub::XSub::new(true)),
        kind::REQ => Box::new(req::Req::default()),
        kind::REP => Box::new(rep::Rep::default()),
        kind::DEALER => Box::new(dealer::Dealer::default()),
        kind::ROUTER => Box::new(router::Router::default()),
        kind::PULL => Box::new(pull::Pull::default()),
        kind::PUSH => Box::new(push::Push::default()),
        kind::XPUB => Box::new(pubsub::XPub::new(true)),
        kind::XSUB => Box::new(pubsub::XSub::new(false)),
        kind::STREAM => Box::new(stream::Stream::default()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
