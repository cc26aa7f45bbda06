//! Wake-ups between threads: an eventfd [`Signaler`] and the command
//! [`Mailbox`] built on it.

mod mailbox;
mod signaler;

pub use mailbox::{Mailbox, MailboxSender, Wait};
pub use signaler::Signaler;
