//! Endpoint strings: `transport://address`, checked as libzmq checks them.

use crate::errno::{Errno, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Inproc,
    Tcp,
    Ipc,
    Ws,
}

#[derive(Debug)]
pub struct Endpoint<'a> {
    pub transport: Transport,
    pub address: &'a str,
}

impl<'a> Endpoint<'a> {
    /// Splits and checks an endpoint: EINVAL when malformed, EPROTONOSUPPORT
    /// for a transport this build lacks, ENOCOMPATPROTO for one the socket
    /// type cannot use.
    pub fn parse(text: &'a str, _socket_kind: i32) -> Result<Endpoint<'a>> {
        let (scheme, address) = text.split_once("://").ok_or(Errno::EINVAL)?;
        if scheme.is_empty() || address.is_empty() {
            return Err(Errno::EINVAL);
        }
        let transport = match scheme {
            "inproc" => Transport::Inproc,
            "tcp" => Transport::Tcp,
            "ipc" => Transport::Ipc,
            "ws" => Transport::Ws,
            // udp serves only RADIO, DISH and DGRAM (draft types, not built).
            "udp" => return Err(Errno::ENOCOMPATPROTO),
            // Multicast and the rest are not part of this build.
            _ => return Err(Errno::EPROTONOSUPPORT),
        };
        Ok(Endpoint { transport, address })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rules() {
        let ep = Endpoint::parse("inproc://a://b", 0).unwrap();
        assert_eq!((ep.transport, ep.address), (Transport::Inproc, "a://b"));
        assert_eq!(Endpoint::parse("inproc:/x", 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(Endpoint::parse("inproc://", 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(Endpoint::parse("://x", 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(
            Endpoint::parse("foo://x", 0).unwrap_err(),
            Errno::EPROTONOSUPPORT
        );
        assert_eq!(
            Endpoint::parse("udp://x:1", 0).unwrap_err(),
            Errno::ENOCOMPATPROTO
        );
    }
}
