//! Commands sent to a socket's mailbox by its peers and its context.

use crate::pipe::PipeEnd;

pub enum Command {
    /// Messages arrived on a pipe whose reader had gone idle.
    ActivateRead(u64),
    /// A full pipe drained enough to take messages again.
    ActivateWrite(u64),
    /// The peer closed its end of the pipe.
    PipeTerm(u64),
    /// A new pipe from a connecting peer (inproc bind side).
    Attach(Box<PipeEnd>),
    /// The context is terminating: blocking calls return ETERM (and an
    /// I/O thread finishes its work and exits).
    Stop,
    /// For the I/O thread: a bound listener to serve.
    Listen(Box<crate::io::Listen>),
    /// For the I/O thread: stop serving listener `id`.
    Unlisten(u64),
    /// For an I/O thread: a connection another one accepted, to serve.
    Adopt(Box<crate::io::Adopt>),
    /// For the I/O thread: a connect endpoint to keep connected.
    Connect(Box<crate::io::Connect>),
    /// For the I/O thread: a resolver worker's answer for a host name.
    Resolved(Box<crate::io::Resolved>),
}

pub type Mailbox = crate::signal::Mailbox<Command>;
pub type MailboxSender = crate::signal::MailboxSender<Command>;
