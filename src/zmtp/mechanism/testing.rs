//! Test support: a client and a server mechanism talking in memory, as an
//! engine would drive them, with a fake ZAP handler.

use super::{Failure, Mechanism, Status};
use crate::msg::Msg;
use crate::zmtp::codec::Decoder;

/// The one frame `encode` appended to `wire`, as the peer's decoder gives
/// it.
pub fn unframe(wire: &[u8]) -> Msg {
    let mut frames = Vec::new();
    assert!(Decoder::new(None).decode(wire, &mut frames).is_ok());
    assert_eq!(frames.len(), 1, "one whole frame");
    frames.pop().unwrap()
}

/// `msg` as the mechanism sends it once Ready.
pub fn sealed(mechanism: &mut dyn Mechanism, msg: Msg) -> Result<Msg, Failure> {
    let mut wire = Vec::new();
    mechanism.encode(&msg, &mut wire)?;
    Ok(unframe(&wire))
}

/// A ZAP handler: request frames in, reply frames out.
pub type Handler<'a> = &'a dyn Fn(&[Vec<u8>]) -> Frames;

/// The frames of a ZAP message.
pub type Frames = Vec<Vec<u8>>;

/// How one side's handshake ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    Ready,
    Failed(Failure),
    /// Neither: waiting for something that never came.
    Waiting,
}

pub struct Run {
    pub client: End,
    pub server: End,
    /// Every command body sent, in order, with whether the client sent it.
    pub transcript: Vec<(bool, Vec<u8>)>,
    pub zap_requests: Vec<Frames>,
}

impl Run {
    /// The bodies one side sent.
    pub fn sent_by_client(&self, client: bool) -> Vec<&[u8]> {
        self.transcript
            .iter()
            .filter(|(c, _)| *c == client)
            .map(|(_, body)| body.as_slice())
            .collect()
    }
}

/// A fake handler answering with `status`, user id "admin" and metadata
/// `meta` (a REP socket's reply: the delimiter comes back first).
pub fn zap_handler(status: &'static [u8], meta: &'static [u8]) -> impl Fn(&[Vec<u8>]) -> Frames {
    move |request| {
        assert_eq!(request[1], b"1.0");
        [
            &b""[..],
            b"1.0",
            &request[2],
            status,
            b"text",
            b"admin",
            meta,
        ]
        .iter()
        .map(|f| f.to_vec())
        .collect()
    }
}

struct Side<'a> {
    mech: &'a mut dyn Mechanism,
    failure: Option<Failure>,
    is_client: bool,
}

impl Side<'_> {
    fn end(&self) -> End {
        match (self.failure, self.mech.status()) {
            (Some(f), _) => End::Failed(f),
            (None, Status::Ready) => End::Ready,
            _ => End::Waiting,
        }
    }

    fn note(&mut self, result: Result<(), Failure>) {
        if let Err(f) = result {
            self.failure.get_or_insert(f);
        }
    }
}

/// Runs the handshake to its end. Commands reach a side only while it has
/// not failed; a failed side still sends what it has queued (its ERROR).
pub fn handshake(
    client: &mut dyn Mechanism,
    server: &mut dyn Mechanism,
    handler: Option<Handler>,
) -> Run {
    let mut sides = [
        Side {
            mech: client,
            failure: None,
            is_client: true,
        },
        Side {
            mech: server,
            failure: None,
            is_client: false,
        },
    ];
    let mut transcript = Vec::new();
    let mut zap_requests = Vec::new();
    let mut progress = true;
    while progress {
        progress = false;
        for from in 0..2 {
            loop {
                let sent = sides[from].mech.next_command();
                let body = match sent {
                    Ok(Some(body)) => body,
                    Ok(None) => break,
                    Err(f) => {
                        sides[from].note(Err(f));
                        break;
                    }
                };
                progress = true;
                transcript.push((sides[from].is_client, body.clone()));
                let to = &mut sides[1 - from];
                if to.failure.is_none() {
                    let result = to.mech.process_command(&body);
                    to.note(result);
                }
            }
        }
        if let Some(request) = sides[1].mech.zap_request() {
            progress = true;
            let handler = handler.expect("a ZAP request with no handler bound");
            let reply = handler(&request);
            zap_requests.push(request);
            if sides[1].failure.is_none() {
                let result = sides[1].mech.zap_reply(&reply);
                sides[1].note(result);
            }
        }
    }
    Run {
        client: sides[0].end(),
        server: sides[1].end(),
        transcript,
        zap_requests,
    }
}
