//! Host names resolved off the I/O thread. getaddrinfo may block for
//! seconds (a slow or absent DNS server); libzmq calls it on its I/O
//! thread, which stalls every connection meanwhile. Here a few worker
//! threads, started as needed, resolve names and post each answer to the
//! reactor's mailbox as a [`Command::Resolved`].

use crossbeam_channel::{unbounded, Receiver, Sender};
use std::io;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::command::{Command, MailboxSender};

/// At most this many lookups run at once; more wait in the queue.
const MAX_WORKERS: usize = 4;

/// How a name becomes addresses (getaddrinfo; tests put a slow one in).
pub type Lookup = fn(&str) -> io::Result<Vec<IpAddr>>;

/// The answer to one request.
pub struct Resolved {
    pub id: u64,
    pub addresses: io::Result<Vec<IpAddr>>,
}

struct Request {
    id: u64,
    host: String,
}

pub struct Resolver {
    requests: Sender<Request>,
    queue: Receiver<Request>,
    reply_to: MailboxSender,
    lookup: Lookup,
    workers: usize,
    /// Requests sent and not yet answered.
    busy: Arc<AtomicUsize>,
    next_id: u64,
}

/// getaddrinfo through std, every address in the order it gives them.
pub fn system_lookup(host: &str) -> io::Result<Vec<IpAddr>> {
    Ok((host, 0).to_socket_addrs()?.map(|a| a.ip()).collect())
}

impl Resolver {
    pub fn new(reply_to: MailboxSender, lookup: Lookup) -> Resolver {
        let (requests, queue) = unbounded();
        Resolver {
            requests,
            queue,
            reply_to,
            lookup,
            workers: 0,
            busy: Arc::new(AtomicUsize::new(0)),
            next_id: 1,
        }
    }

    /// Queues a lookup and returns its id at once; the answer arrives in
    /// the mailbox. A worker is started when all are busy, up to
    /// MAX_WORKERS. Workers end when the resolver is dropped and the
    /// queue is empty (one still inside getaddrinfo ends after it).
    pub fn resolve(&mut self, host: &str) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let busy = self.busy.fetch_add(1, Ordering::AcqRel);
        if busy >= self.workers && self.workers < MAX_WORKERS && self.spawn_worker() {
            self.workers += 1;
        }
        let _ = self.requests.send(Request {
            id,
            host: host.to_string(),
        });
        id
    }

    fn spawn_worker(&self) -> bool {
        let queue = self.queue.clone();
        let reply_to = self.reply_to.clone();
        let busy = self.busy.clone();
        let lookup = self.lookup;
        std::thread::Builder::new()
            .name("ZMQbg/Resolver".to_string())
            .spawn(move || {
                while let Ok(req) = queue.recv() {
                    let addresses = lookup(&req.host);
                    busy.fetch_sub(1, Ordering::AcqRel);
                    reply_to.send(Command::Resolved(Box::new(Resolved {
                        id: req.id,
                        addresses,
                    })));
                }
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Mailbox;
    use std::time::{Duration, Instant};

    fn slow_or_fast(host: &str) -> io::Result<Vec<IpAddr>> {
        if host == "slow" {
            std::thread::sleep(Duration::from_millis(600));
        }
        if host == "bad" {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such host"));
        }
        Ok(vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()])
    }

    fn next(mailbox: &mut Mailbox, within: Duration) -> Resolved {
        let until = Instant::now() + within;
        loop {
            if let Some(Command::Resolved(r)) = mailbox.recv() {
                return *r;
            }
            assert!(Instant::now() < until, "no answer in time");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_slow_name_holds_up_neither_the_caller_nor_other_names() {
        let mut mailbox = Mailbox::new().unwrap();
        let mut resolver = Resolver::new(mailbox.sender(), slow_or_fast);
        let started = Instant::now();
        let slow = resolver.resolve("slow");
        let fast = resolver.resolve("fast");
        assert!(started.elapsed() < Duration::from_millis(100));
        let first = next(&mut mailbox, Duration::from_millis(400));
        assert_eq!(first.id, fast);
        assert_eq!(first.addresses.unwrap().len(), 2);
        assert!(started.elapsed() < Duration::from_millis(400));
        assert_eq!(next(&mut mailbox, Duration::from_secs(2)).id, slow);
    }

    #[test]
    fn failures_are_answers_too() {
        let mut mailbox = Mailbox::new().unwrap();
        let mut resolver = Resolver::new(mailbox.sender(), slow_or_fast);
        let id = resolver.resolve("bad");
        let answer = next(&mut mailbox, Duration::from_secs(2));
        assert_eq!(answer.id, id);
        assert!(answer.addresses.is_err());
    }

    #[test]
    fn localhost_resolves() {
        let ips = system_lookup("localhost").unwrap();
        assert!(ips.contains(&"127.0.0.1".parse().unwrap()));
    }
}
