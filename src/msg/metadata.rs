//! Connection metadata attached to received messages (`zmq_msg_gets`).

use std::ffi::{CStr, CString};

/// Name/value properties of one connection, shared by every message that
/// arrived on it.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    props: Vec<(Vec<u8>, CString)>,
}

impl Metadata {
    pub fn new() -> Metadata {
        Metadata::default()
    }

    /// Adds or replaces a property. Values containing NUL are cut there,
    /// since C can only see them up to that byte.
    pub fn set(&mut self, name: &[u8], value: &[u8]) {
        let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
        let value = CString::new(&value[..end]).expect("NUL removed above");
        match self.props.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.props.push((name.to_vec(), value)),
        }
    }

    /// Exact, case-sensitive lookup, as libzmq does it.
    pub fn get(&self, name: &[u8]) -> Option<&CStr> {
        self.props
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_c_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_exact() {
        let mut m = Metadata::new();
        m.set(b"Socket-Type", b"DEALER");
        m.set(b"X-Cut", b"ab\0cd");
        assert_eq!(m.get(b"Socket-Type"), Some(c"DEALER"));
        assert_eq!(m.get(b"socket-type"), None);
        assert_eq!(m.get(b"X-Cut"), Some(c"ab"));
        m.set(b"Socket-Type", b"ROUTER");
        assert_eq!(m.get(b"Socket-Type"), Some(c"ROUTER"));
    }
}
