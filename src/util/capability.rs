//! `zmq_has`: which optional parts of libzmq this build provides.
//!
//! Names are libzmq's, case and all ("WS" is upper-case there). A name
//! answers 1 only once the feature works end to end; each `false` below
//! names the work that turns it on.

const CAPABILITIES: &[(&str, bool)] = &[
    ("ipc", true),
    ("pgm", false),  // needs OpenPGM; not planned
    ("tipc", false), // not planned
    ("norm", false), // not planned
    ("curve", true),
    ("gssapi", false), // not planned
    ("vmci", false),   // not planned
    ("draft", false),  // draft socket types and poller
    ("WS", false),     // ws:// transport
    ("WSS", false),    // wss:// transport
];

pub fn has(name: &[u8]) -> bool {
    CAPABILITIES
        .iter()
        .any(|&(cap, on)| on && cap.as_bytes() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_and_curve_are_built() {
        assert!(has(b"ipc") && has(b"curve"));
    }

    #[test]
    fn unknown_and_wrong_case_are_absent() {
        for name in [&b"tcp"[..], b"inproc", b"ws", b"IPC", b""] {
            assert!(!has(name));
        }
    }
}
