//! Each pattern driven directly over pipes whose other ends the test
//! holds, so routing rules are checked without sockets or threads.

use super::{kind, new, Pattern};
use crate::command::Mailbox;
use crate::errno::Errno;
use crate::msg::Msg;
use crate::pipe::{pair, PipeEnd, PipeId, Pipes, Read};
use crate::socket::options::Options;

struct Harness {
    pattern: Box<dyn Pattern>,
    opts: Options,
    pipes: Pipes,
    peers: Vec<PipeEnd>,
    ids: Vec<PipeId>,
    _mailboxes: (Mailbox, Mailbox),
}

fn msg(body: &[u8], more: bool) -> Msg {
    let mut m = Msg::from_slice(body).unwrap();
    m.set_more(more);
    m
}

impl Harness {
    fn new(kind: i32) -> Harness {
        Harness::with(kind, |_| {})
    }

    fn with(kind: i32, setup: impl FnOnce(&mut Options)) -> Harness {
        let mut opts = Options::new(kind, false, true);
        setup(&mut opts);
        Harness {
            pattern: new(kind).unwrap(),
            opts,
            pipes: Pipes::default(),
            peers: Vec::new(),
            ids: Vec::new(),
            _mailboxes: (Mailbox::new().unwrap(), Mailbox::new().unwrap()),
        }
    }

    /// Connects a peer announcing `routing_id`; returns its index.
    fn peer(&mut self, routing_id: &[u8]) -> usize {
        let (mut mine, mut theirs) = pair(0, 0);
        theirs.attach(&self._mailboxes.1.sender(), routing_id);
        mine.attach(&self._mailboxes.0.sender(), &self.opts.routing_id);
        let id = self.pipes.insert(mine);
        self.pattern.attach(&mut self.pipes, id, &self.opts);
        self.peers.push(theirs);
        self.ids.push(id);
        self.peers.len() - 1
    }

    fn send(&mut self, parts: &[&[u8]]) -> Result<(), Errno> {
        for (i, p) in parts.iter().enumerate() {
            let m = msg(p, i + 1 < parts.len());
            self.pattern
                .send(&mut self.pipes, m, &self.opts)
                .map_err(|(e, _)| e)?;
        }
        Ok(())
    }

    fn recv(&mut self) -> Result<Vec<Vec<u8>>, Errno> {
        let mut parts = Vec::new();
        loop {
            let m = self.pattern.recv(&mut self.pipes, &self.opts)?;
            parts.push(m.data().to_vec());
            if !m.more() {
                return Ok(parts);
            }
        }
    }

    /// What peer `i` received: one whole message, or None.
    fn peer_recv(&mut self, i: usize) -> Option<Vec<Vec<u8>>> {
        let mut parts = Vec::new();
        loop {
            match self.peers[i].read() {
                Read::Msg(m) => {
                    parts.push(m.data().to_vec());
                    if !m.more() {
                        return Some(parts);
                    }
                }
                _ => return None,
            }
        }
    }

    fn peer_send(&mut self, i: usize, parts: &[&[u8]]) {
        for (n, p) in parts.iter().enumerate() {
            assert!(self.peers[i].write(msg(p, n + 1 < parts.len())));
        }
        let id = self.ids[i];
        self.pattern.read_activated(&mut self.pipes, id, &self.opts);
    }
}

fn v(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

#[test]
fn push_round_robins_whole_messages() {
    let mut h = Harness::new(kind::PUSH);
    assert_eq!(
        h.send(&[b"x"]),
        Err(Errno::EAGAIN),
        "no peer: nothing accepted"
    );
    h.peer(b"");
    h.peer(b"");
    h.send(&[b"1a", b"1b"]).unwrap();
    h.send(&[b"2"]).unwrap();
    h.send(&[b"3"]).unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"1a", b"1b"])));
    assert_eq!(h.peer_recv(1), Some(v(&[b"2"])));
    assert_eq!(h.peer_recv(0), Some(v(&[b"3"])));
    assert_eq!(h.recv(), Err(Errno::ENOTSUP));
}

#[test]
fn pull_fair_queues() {
    let mut h = Harness::new(kind::PULL);
    h.peer(b"");
    h.peer(b"");
    h.peer_send(0, &[b"a1"]);
    h.peer_send(0, &[b"a2"]);
    h.peer_send(1, &[b"b1", b"b2"]);
    assert_eq!(h.recv().unwrap(), v(&[b"a1"]));
    assert_eq!(h.recv().unwrap(), v(&[b"b1", b"b2"]));
    assert_eq!(h.recv().unwrap(), v(&[b"a2"]));
    assert_eq!(h.recv(), Err(Errno::EAGAIN));
}

#[test]
fn pair_takes_one_peer() {
    let mut h = Harness::new(kind::PAIR);
    h.peer(b"");
    h.peer(b"");
    assert_eq!(h.pipes.take_gone(), vec![h.ids[1]], "second peer refused");
    h.send(&[b"hi"]).unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"hi"])));
}

#[test]
fn router_prefixes_and_routes_by_id() {
    let mut h = Harness::new(kind::ROUTER);
    h.peer(b"alice");
    h.peer(b"");
    h.peer_send(0, &[b"from alice"]);
    assert_eq!(h.recv().unwrap(), v(&[b"alice", b"from alice"]));
    h.peer_send(1, &[b"anon"]);
    let got = h.recv().unwrap();
    assert_eq!(got[0].len(), 5, "generated ids are 5 bytes");
    assert_eq!(got[0][0], 0, "generated ids start with a zero byte");
    let anon = got[0].clone();
    h.send(&[&anon, b"to anon"]).unwrap();
    h.send(&[b"alice", b"to alice"]).unwrap();
    h.send(&[b"nobody", b"dropped"]).unwrap();
    h.send(&[b"no body at all"]).unwrap();
    assert_eq!(h.peer_recv(1), Some(v(&[b"to anon"])));
    assert_eq!(h.peer_recv(0), Some(v(&[b"to alice"])));
    assert_eq!(h.peer_recv(0), None);
}

#[test]
fn router_mandatory_and_duplicates() {
    let mut h = Harness::with(kind::ROUTER, |o| o.router_mandatory = true);
    h.peer(b"x");
    assert_eq!(h.send(&[b"nobody", b"m"]), Err(Errno::EHOSTUNREACH));
    h.peer(b"x");
    assert_eq!(h.pipes.take_gone(), vec![h.ids[1]], "duplicate id refused");

    let mut h = Harness::with(kind::ROUTER, |o| o.router_handover = true);
    h.peer(b"x");
    h.peer(b"x");
    assert_eq!(
        h.pipes.take_gone(),
        vec![h.ids[0]],
        "handover drops the old peer"
    );
    h.send(&[b"x", b"new"]).unwrap();
    assert_eq!(h.peer_recv(1), Some(v(&[b"new"])));
}

#[test]
fn req_envelope_and_state() {
    let mut h = Harness::new(kind::REQ);
    h.peer(b"");
    h.peer(b"");
    assert_eq!(h.recv(), Err(Errno::EFSM));
    h.send(&[b"q1"]).unwrap();
    assert_eq!(h.send(&[b"again"]), Err(Errno::EFSM));
    assert_eq!(h.peer_recv(0), Some(v(&[b"", b"q1"])));
    // A reply from the peer not asked is ignored; the right one counts.
    h.peer_send(1, &[b"", b"wrong peer"]);
    h.peer_send(0, &[b"no delimiter"]);
    h.peer_send(0, &[b"", b"answer"]);
    assert_eq!(h.recv().unwrap(), v(&[b"answer"]));
    h.send(&[b"q2"]).unwrap();
    assert_eq!(h.peer_recv(1), Some(v(&[b"", b"q2"])), "round robin");
}

#[test]
fn req_correlate_and_relaxed() {
    let mut h = Harness::with(kind::REQ, |o| {
        o.req_correlate = true;
        o.req_relaxed = true;
    });
    h.peer(b"");
    h.send(&[b"q1"]).unwrap();
    let first = h.peer_recv(0).unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(first[0].len(), 4);
    h.send(&[b"q2"]).unwrap(); // relaxed: no EFSM
    let second = h.peer_recv(0).unwrap();
    h.peer_send(0, &[&first[0], b"", b"stale"]);
    h.peer_send(0, &[&second[0], b"", b"fresh"]);
    assert_eq!(h.recv().unwrap(), v(&[b"fresh"]));
}

#[test]
fn rep_keeps_the_envelope() {
    let mut h = Harness::new(kind::REP);
    h.peer(b"client");
    assert_eq!(h.send(&[b"x"]), Err(Errno::EFSM));
    h.peer_send(0, &[b"hop", b"", b"request"]);
    assert_eq!(h.recv().unwrap(), v(&[b"request"]));
    assert_eq!(h.recv(), Err(Errno::EFSM));
    h.send(&[b"reply"]).unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"hop", b"", b"reply"])));
}

#[test]
fn dealer_probe_router() {
    let mut h = Harness::with(kind::DEALER, |o| o.probe_router = true);
    h.peer(b"");
    assert_eq!(h.peer_recv(0), Some(v(&[b""])));
}

#[test]
fn pub_filters_by_prefix() {
    let mut h = Harness::new(kind::PUB);
    h.peer(b"");
    h.peer(b"");
    h.peer_send(0, &[b"\x01A"]);
    h.peer_send(1, &[b"\x01"]);
    h.send(&[b"AB", b"more"]).unwrap();
    h.send(&[b"BA"]).unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"AB", b"more"])));
    assert_eq!(h.peer_recv(0), None);
    assert_eq!(h.peer_recv(1), Some(v(&[b"AB", b"more"])));
    assert_eq!(h.peer_recv(1), Some(v(&[b"BA"])));
    assert_eq!(h.recv(), Err(Errno::ENOTSUP));
}

#[test]
fn xpub_reports_first_subscription_and_last_cancel() {
    let mut h = Harness::new(kind::XPUB);
    h.peer(b"");
    h.peer(b"");
    h.peer_send(0, &[b"\x01t"]);
    h.peer_send(1, &[b"\x01t"]);
    assert_eq!(h.recv().unwrap(), v(&[b"\x01t"]));
    assert_eq!(h.recv(), Err(Errno::EAGAIN), "duplicate suppressed");
    h.peer_send(0, &[b"\x00t"]);
    assert_eq!(h.recv(), Err(Errno::EAGAIN), "someone still subscribed");
    h.peer_send(1, &[b"\x00t"]);
    assert_eq!(h.recv().unwrap(), v(&[b"\x00t"]));
}

#[test]
fn sub_filters_and_forwards_subscriptions() {
    let mut h = Harness::new(kind::SUB);
    h.peer(b"");
    let opts = Options::new(kind::SUB, false, true);
    h.pattern
        .subscribe(&mut h.pipes, b"A", true, &opts)
        .unwrap();
    h.pattern
        .subscribe(&mut h.pipes, b"A", true, &opts)
        .unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"\x01A"])));
    assert_eq!(h.peer_recv(0), Some(v(&[b"\x01A"])));
    h.peer_send(0, &[b"B"]);
    h.peer_send(0, &[b"AB", b"tail"]);
    assert_eq!(h.recv().unwrap(), v(&[b"AB", b"tail"]));
    assert_eq!(h.recv(), Err(Errno::EAGAIN));
    h.pattern
        .subscribe(&mut h.pipes, b"A", false, &opts)
        .unwrap();
    assert_eq!(
        h.peer_recv(0),
        None,
        "still subscribed once: no cancel upstream"
    );
    h.pattern
        .subscribe(&mut h.pipes, b"A", false, &opts)
        .unwrap();
    assert_eq!(h.peer_recv(0), Some(v(&[b"\x00A"])));
    assert_eq!(h.send(&[b"x"]), Err(Errno::ENOTSUP));
}
