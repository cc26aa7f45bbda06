//! IP addresses as libzmq reads them (its ip_resolver, tcp_address and
//! tcp_address_mask): the numeric forms glibc's getaddrinfo accepts,
//! interface names, `%zone` suffixes, ports as atoi reads them, the
//! `source;destination` form of tcp connects, and the text of bound
//! endpoints.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

use super::sys;
use crate::errno::{Errno, Result};

/// One ZMQ_TCP_ACCEPT_FILTER entry (libzmq's `tcp_address_mask_t`).
///
/// On a socket with ZMQ_IPV6=1 at the time of the call, IPv4 text is
/// stored as the IPv4-mapped IPv6 address (getaddrinfo's AI_V4MAPPED).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpAddressMask {
    pub addr: IpAddr,
    /// Prefix length in bits (0 matches every address of the family).
    pub mask: u32,
}

impl TcpAddressMask {
    /// libzmq's `match_address`: the families must be equal (a v4-mapped
    /// filter only matches v6 peers), then the first `mask` bits.
    pub fn matches(&self, peer: &IpAddr) -> bool {
        let (ours, theirs): (Vec<u8>, Vec<u8>) = match (self.addr, peer) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (a.octets().to_vec(), b.octets().to_vec()),
            (IpAddr::V6(a), IpAddr::V6(b)) => (a.octets().to_vec(), b.octets().to_vec()),
            _ => return false,
        };
        let bits = (self.mask as usize).min(ours.len() * 8);
        let full = bits / 8;
        if ours[..full] != theirs[..full] {
            return false;
        }
        let rest = bits % 8;
        if rest == 0 {
            return true;
        }
        let keep = 0xFFu8 << (8 - rest);
        ours[full] & keep == theirs[full] & keep
    }
}

/// libzmq's tcp_address_mask_t::resolve: "address[/bits]", the address a
/// numeric IPv4 (inet_aton forms) or, when `ipv6`, IPv6 literal, optionally
/// in brackets and with a "%zone" that must name an interface or a
/// non-zero number.
pub fn resolve_address_mask(name: &[u8], ipv6: bool) -> Result<TcpAddressMask> {
    let (addr_text, mask_text) = match name.iter().rposition(|&b| b == b'/') {
        Some(slash) if slash + 1 == name.len() => return Err(Errno::EINVAL),
        Some(slash) => (&name[..slash], Some(&name[slash + 1..])),
        None => (name, None),
    };
    let addr = resolve_numeric(addr_text, ipv6).ok_or(Errno::EINVAL)?;
    let full = if addr.is_ipv6() { 128 } else { 32 };
    let mask = match mask_text {
        None => full,
        Some(b"0") => 0,
        Some(text) => {
            let bits = c_strtol(text);
            if bits < 1 || bits > i64::from(full) {
                return Err(Errno::EINVAL);
            }
            bits as u32
        }
    };
    Ok(TcpAddressMask { addr, mask })
}

/// A tcp:// bind address, or the source part of a connect: `*`, an
/// interface name or a numeric address, then `:port` (`*` or `0` for an
/// ephemeral one). EINVAL for a bad port or zone, ENODEV for a host that
/// is none of these (DNS names included, as in libzmq).
pub fn resolve_bind(address: &str, ipv6: bool) -> Result<SocketAddr> {
    let (host, port) = split_port(address, true)?;
    let (host, zone) = split_zone(host)?;
    let ip = if host == b"*" {
        if ipv6 {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        }
    } else if let Some(ip) = interface_address(host, ipv6) {
        ip
    } else {
        numeric(host, ipv6).ok_or(Errno(libc::ENODEV))?
    };
    Ok(with_zone(ip, port, zone))
}

/// zmq_connect's check of a tcp address, before anything is resolved:
/// libzmq's quick syntax test (host characters, a port that starts with
/// a digit). EINVAL when it fails.
pub fn check_connect(address: &str) -> Result<()> {
    let bytes = address.as_bytes();
    let first_ok = |c: u8| c.is_ascii_alphanumeric() || c == b'[' || c == b':';
    let rest_ok = |c: u8| c.is_ascii_alphanumeric() || b".-:%;[]_*".contains(&c);
    let valid = match bytes.split_first() {
        Some((&first, rest)) => first_ok(first) && rest.iter().all(|&c| rest_ok(c)),
        None => false,
    };
    let port_ok = address
        .rfind(':')
        .and_then(|colon| bytes.get(colon + 1))
        .is_some_and(u8::is_ascii_digit);
    if valid && port_ok {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// Where a tcp connect goes, as far as it is known without DNS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpTarget {
    /// The address to bind before connecting (`source;destination`).
    pub source: Option<SocketAddr>,
    pub host: TcpHost,
    pub port: u16,
    /// The `%zone` of an IPv6 destination (0: none).
    pub zone: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpHost {
    Ip(IpAddr),
    /// A name for the resolver.
    Name(String),
}

impl TcpTarget {
    /// The socket addresses a resolved host gives, in order: with
    /// ZMQ_IPV6 IPv4 ones are mapped into IPv6 (libzmq's AI_V4MAPPED),
    /// without it IPv6 ones are dropped.
    pub fn addresses(&self, ips: &[IpAddr], ipv6: bool) -> Vec<SocketAddr> {
        ips.iter()
            .filter_map(|ip| match (ip, ipv6) {
                (IpAddr::V4(v4), true) => Some(IpAddr::V6(v4.to_ipv6_mapped())),
                (IpAddr::V6(_), false) => None,
                _ => Some(*ip),
            })
            .map(|ip| with_zone(ip, self.port, self.zone))
            .collect()
    }
}

/// libzmq's tcp_address_t::resolve for a connect, done at each attempt:
/// an optional `source;` (resolved as a bind address), then `host:port`.
/// A numeric host is read here; a name is left for the resolver.
pub fn resolve_connect(address: &str, ipv6: bool) -> Result<TcpTarget> {
    let (source, destination) = match address.rfind(';') {
        Some(semi) => (
            Some(resolve_bind(&address[..semi], ipv6)?),
            &address[semi + 1..],
        ),
        None => (None, address),
    };
    let (host, port) = split_port(destination, false)?;
    let (host, zone) = split_zone(host)?;
    let host = match numeric(host, ipv6) {
        Some(ip) => TcpHost::Ip(ip),
        None => TcpHost::Name(String::from_utf8(host.to_vec()).map_err(|_| Errno::EINVAL)?),
    };
    Ok(TcpTarget {
        source,
        host,
        port,
        zone,
    })
}

/// The ZMQ_LAST_ENDPOINT text of a tcp address, as libzmq prints it
/// (getnameinfo's numeric form, a link-local zone by interface name).
pub fn endpoint_text(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "tcp://[{}]:{}",
            host_text(&IpAddr::V6(*a.ip()), a.scope_id()),
            a.port()
        ),
    }
}

/// An address as getnameinfo(NI_NUMERICHOST) writes it: glibc's inet_ntop
/// (which keeps a dotted tail for IPv4-compatible addresses, unlike
/// Rust) and, for IPv6 with a scope, `%` and the interface name
/// (link-local addresses) or number.
pub fn host_text(ip: &IpAddr, scope: u32) -> String {
    let v6 = match ip {
        IpAddr::V4(v4) => return v4.to_string(),
        IpAddr::V6(v6) => v6,
    };
    let words = v6.segments();
    let mut text = if words[..6] == [0; 6] && words[6] != 0 {
        let o = v6.octets();
        format!("::{}", Ipv4Addr::new(o[12], o[13], o[14], o[15]))
    } else {
        v6.to_string()
    };
    if scope != 0 {
        let name = link_local(v6).then(|| sys::interface_name(scope)).flatten();
        text.push('%');
        text.push_str(&name.unwrap_or_else(|| scope.to_string()));
    }
    text
}

/// fe80::/10 or a link-local multicast address (glibc's test for naming
/// a scope by interface).
fn link_local(v6: &Ipv6Addr) -> bool {
    (v6.segments()[0] & 0xffc0) == 0xfe80
        || (v6.octets()[0] == 0xff && matches!(v6.octets()[1] & 0x0f, 1 | 2))
}

/// Splits `host:port` at the last colon. The port is read as libzmq reads
/// it: `*` (bind only) or `0` is 0, anything else goes through atoi and
/// is cut to 16 bits, and must not end up 0.
fn split_port(address: &str, bindable: bool) -> Result<(&[u8], u16)> {
    let colon = address.rfind(':').ok_or(Errno::EINVAL)?;
    let (host, port) = (&address.as_bytes()[..colon], &address[colon + 1..]);
    let port = match port {
        "*" if bindable => 0,
        "*" => return Err(Errno::EINVAL),
        "0" => 0,
        text => match c_strtol(text.as_bytes()) as i32 as u16 {
            0 => return Err(Errno::EINVAL),
            p => p,
        },
    };
    Ok((host, port))
}

/// Strips `[...]` and a `%zone` (an interface name when it starts with a
/// letter, else atoi's number); EINVAL for an empty or unknown zone.
fn split_zone(host: &[u8]) -> Result<(&[u8], u32)> {
    let mut addr = host;
    if addr.len() >= 2 && addr[0] == b'[' && addr[addr.len() - 1] == b']' {
        addr = &addr[1..addr.len() - 1];
    }
    let Some(percent) = addr.iter().rposition(|&b| b == b'%') else {
        return Ok((addr, 0));
    };
    let zone = &addr[percent + 1..];
    let zone_id = match zone.first() {
        None => 0,
        Some(c) if c.is_ascii_alphabetic() => interface_index(zone).unwrap_or(0),
        Some(_) => c_strtol(zone) as i32 as u32,
    };
    if zone_id == 0 {
        return Err(Errno::EINVAL);
    }
    Ok((&addr[..percent], zone_id))
}

fn with_zone(ip: IpAddr, port: u16, zone: u32) -> SocketAddr {
    match ip {
        IpAddr::V4(v4) => SocketAddr::new(IpAddr::V4(v4), port),
        IpAddr::V6(v6) => SocketAddr::V6(SocketAddrV6::new(v6, port, 0, zone)),
    }
}

/// The first address of the interface named `name` in the family
/// ZMQ_IPV6 picks (libzmq's resolve_nic_name). Its scope is not kept:
/// libzmq overwrites it with the endpoint's zone.
fn interface_address(name: &[u8], ipv6: bool) -> Option<IpAddr> {
    let name = std::str::from_utf8(name).ok()?;
    sys::interface_addresses(ipv6)
        .ok()?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, ip)| ip)
}

fn interface_index(name: &[u8]) -> Option<u32> {
    sys::interface_index(std::str::from_utf8(name).ok()?)
}

/// libzmq's ip_resolver_t::resolve without DNS, NIC names or port, then
/// glibc's getaddrinfo(AI_NUMERICHOST, AI_V4MAPPED when `ipv6`).
fn resolve_numeric(text: &[u8], ipv6: bool) -> Option<IpAddr> {
    let (addr, _) = split_zone(text).ok()?;
    numeric(addr, ipv6)
}

/// glibc's getaddrinfo with AI_NUMERICHOST for family AF_INET6 with
/// AI_V4MAPPED (`ipv6`) or AF_INET: inet_aton forms first, then IPv6
/// text with glibc's own `%scope`; an IPv4-mapped IPv6 address is taken
/// as IPv4 by AF_INET.
fn numeric(addr: &[u8], ipv6: bool) -> Option<IpAddr> {
    if let Some(v4) = inet_aton_exact(addr) {
        return Some(if ipv6 {
            IpAddr::V6(v4.to_ipv6_mapped())
        } else {
            IpAddr::V4(v4)
        });
    }
    let (v6_text, scope) = match addr.iter().position(|&b| b == b'%') {
        Some(p) => (&addr[..p], Some(&addr[p + 1..])),
        None => (addr, None),
    };
    let v6: Ipv6Addr = std::str::from_utf8(v6_text).ok()?.parse().ok()?;
    if let Some(scope) = scope {
        let by_name = link_local(&v6) && interface_index(scope).is_some();
        if !by_name && !glibc_scope_number(scope) {
            return None;
        }
    }
    match (ipv6, v6.to_ipv4_mapped()) {
        (true, _) => Some(IpAddr::V6(v6)),
        (false, Some(v4)) => Some(IpAddr::V4(v4)),
        (false, None) => None,
    }
}

/// glibc's inet_aton_exact: 1 to 4 parts, each decimal, octal (leading 0)
/// or hex (0x), the last part filling the remaining bytes; no trailing text.
fn inet_aton_exact(text: &[u8]) -> Option<Ipv4Addr> {
    let mut parts: Vec<u8> = Vec::with_capacity(3);
    let mut pos = 0;
    let last = loop {
        if !text.get(pos)?.is_ascii_digit() {
            return None;
        }
        let (value, end) = c_strtoul_base0(text, pos);
        let value = value?;
        pos = end;
        if text.get(pos) == Some(&b'.') {
            if parts.len() > 2 || value > 0xff {
                return None;
            }
            parts.push(value as u8);
            pos += 1;
        } else {
            break value;
        }
    };
    if pos != text.len() {
        return None;
    }
    let max: u64 = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff][parts.len()];
    if last > max {
        return None;
    }
    let mut bytes = [0u8; 4];
    bytes[..parts.len()].copy_from_slice(&parts);
    let mut word = u32::from_be_bytes(bytes);
    word |= last as u32;
    Some(Ipv4Addr::from(word))
}

/// strtoul(text + pos, &end, 0) for text starting with a digit: the value
/// (None when it exceeds 32 bits) and the end position.
fn c_strtoul_base0(text: &[u8], pos: usize) -> (Option<u64>, usize) {
    let (radix, start) = match (text.get(pos), text.get(pos + 1), text.get(pos + 2)) {
        (Some(b'0'), Some(b'x' | b'X'), Some(c)) if c.is_ascii_hexdigit() => (16, pos + 2),
        (Some(b'0'), _, _) => (8, pos),
        _ => (10, pos),
    };
    let mut value: u64 = 0;
    let mut end = start;
    while let Some(digit) = text.get(end).and_then(|&c| (c as char).to_digit(radix)) {
        value = value
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(digit));
        end += 1;
    }
    ((value <= 0xffff_ffff).then_some(value), end)
}

/// C's strtol(text, NULL, 10): leading white space, a sign, digits; 0
/// when there are none, saturating.
pub(super) fn c_strtol(text: &[u8]) -> i64 {
    let mut rest = text;
    while let Some((&c, tail)) = rest.split_first() {
        if !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            break;
        }
        rest = tail;
    }
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let mut value: i64 = 0;
    for &c in rest.iter().take_while(|c| c.is_ascii_digit()) {
        let digit = i64::from(c - b'0');
        value = if negative {
            value.saturating_mul(10).saturating_sub(digit)
        } else {
            value.saturating_mul(10).saturating_add(digit)
        };
    }
    value
}

/// glibc's numeric IPv6 scope: strtoul base 10 over the whole text, at
/// most 32 bits.
fn glibc_scope_number(scope: &[u8]) -> bool {
    let trimmed = scope
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .map_or(&scope[scope.len()..], |p| &scope[p..]);
    let (negative, digits) = match trimmed.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, trimmed),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let value = std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<u64>().ok());
    match value {
        Some(0) => true,
        Some(v) => !negative && v <= u64::from(u32::MAX),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(text: &str, ipv6: bool) -> Result<String> {
        resolve_bind(text, ipv6).map(|a| endpoint_text(&a))
    }

    #[test]
    fn bind_addresses() {
        assert_eq!(bind("*:*", false).unwrap(), "tcp://0.0.0.0:0");
        assert_eq!(bind("*:0", true).unwrap(), "tcp://[::]:0");
        assert_eq!(
            bind("127.0.0.1:5555", false).unwrap(),
            "tcp://127.0.0.1:5555"
        );
        assert_eq!(
            bind("127.0.0.1:5555", true).unwrap(),
            "tcp://[::ffff:127.0.0.1]:5555"
        );
        assert_eq!(bind("lo:7", false).unwrap(), "tcp://127.0.0.1:7");
        assert_eq!(bind("lo:7", true).unwrap(), "tcp://[::1]:7");
        assert_eq!(bind("[::1]:7", true).unwrap(), "tcp://[::1]:7");
        assert_eq!(bind("::1:7", true).unwrap(), "tcp://[::1]:7");
        // AF_INET takes a v4-mapped literal as IPv4 (glibc).
        assert_eq!(
            bind("[::ffff:127.0.0.1]:7", false).unwrap(),
            "tcp://127.0.0.1:7"
        );
        // atoi, then 16 bits.
        assert_eq!(bind("lo:99999", false).unwrap(), "tcp://127.0.0.1:34463");
        assert_eq!(bind("lo:12x", false).unwrap(), "tcp://127.0.0.1:12");
        for (text, ipv6, err) in [
            ("localhost:5", false, libc::ENODEV),
            ("no-such-if0:5", false, libc::ENODEV),
            ("::1:5", false, libc::ENODEV),
            ("[::]:5", false, libc::ENODEV),
            ("lo:abc", false, libc::EINVAL),
            ("lo:", false, libc::EINVAL),
            ("lo", false, libc::EINVAL),
            ("[fe80::1%]:5", true, libc::EINVAL),
            ("[fe80::1%no-such-if0]:5", true, libc::EINVAL),
            ("[fe80::1%0]:5", true, libc::EINVAL),
        ] {
            assert_eq!(resolve_bind(text, ipv6).unwrap_err(), Errno(err), "{text}");
        }
    }

    #[test]
    fn zones() {
        let lo = sys::interface_index("lo").unwrap();
        let a = resolve_bind("[fe80::1%lo]:5", true).unwrap();
        assert!(matches!(a, SocketAddr::V6(v6) if v6.scope_id() == lo));
        assert_eq!(endpoint_text(&a), "tcp://[fe80::1%lo]:5");
        let b = resolve_bind("[fe80::1%77]:5", true).unwrap();
        assert!(matches!(b, SocketAddr::V6(v6) if v6.scope_id() == 77));
        // A scope on an address that is not link-local prints as a number.
        let c = resolve_bind("[fd00::2%lo]:5", true).unwrap();
        assert_eq!(endpoint_text(&c), format!("tcp://[fd00::2%{lo}]:5"));
    }

    #[test]
    fn text_as_glibc_writes_it() {
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(host_text(&v6("::1.2.3.4"), 0), "::1.2.3.4");
        assert_eq!(host_text(&v6("::ffff:1.2.3.4"), 0), "::ffff:1.2.3.4");
        assert_eq!(host_text(&v6("::1"), 0), "::1");
        assert_eq!(host_text(&v6("::"), 0), "::");
        assert_eq!(host_text(&v6("::0.0.0.2"), 0), "::2");
        assert_eq!(host_text(&v6("1:0:0:2::"), 0), "1:0:0:2::");
        assert_eq!(host_text(&v6("10.0.0.1"), 0), "10.0.0.1");
    }

    #[test]
    fn connect_syntax() {
        for ok in [
            "host:5",
            ":5555",
            "host:0",
            "host:5x",
            "[::1%lo]:5",
            "a;b:5",
            "a;:5",
            "h_o:5",
            "127.0.0.1:4444;127.0.0.1:5555",
        ] {
            assert_eq!(check_connect(ok), Ok(()), "{ok}");
        }
        for bad in [
            "host:", "host", "host:x", "ho st:5", ";b:5", "*:5", "h:*", "-h:5", "",
        ] {
            assert_eq!(check_connect(bad), Err(Errno::EINVAL), "{bad}");
        }
    }

    #[test]
    fn connect_targets() {
        let t = resolve_connect("localhost:80", false).unwrap();
        assert_eq!(t.host, TcpHost::Name("localhost".into()));
        assert_eq!((t.port, t.source), (80, None));
        let t = resolve_connect("127.0.0.1:0;10.0.0.1:5555", false).unwrap();
        assert_eq!(t.source, Some("127.0.0.1:0".parse().unwrap()));
        assert_eq!(t.host, TcpHost::Ip("10.0.0.1".parse().unwrap()));
        let t = resolve_connect("lo:4444;[::1]:5", true).unwrap();
        assert_eq!(t.source, Some("[::1]:4444".parse().unwrap()));
        // A source needs a port, and is never a DNS name (libzmq).
        assert!(resolve_connect("127.0.0.1;10.0.0.1:5555", false).is_err());
        assert!(resolve_connect("localhost:0;10.0.0.1:5555", false).is_err());
        assert!(resolve_connect("host:*", false).is_err());
        assert!(resolve_connect("[::1]:5", false).unwrap().host == TcpHost::Name("::1".into()));
    }

    #[test]
    fn address_families() {
        let t = resolve_connect("example:7", false).unwrap();
        let ips: Vec<IpAddr> = vec!["::1".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        let v4_only: Vec<String> = t
            .addresses(&ips, false)
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(v4_only, ["127.0.0.1:7"]);
        let both: Vec<String> = t
            .addresses(&ips, true)
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(both, ["[::1]:7", "[::ffff:127.0.0.1]:7"]);
        let zoned = resolve_connect("[fe80::1%lo]:7", true).unwrap();
        let TcpHost::Ip(ip) = zoned.host else {
            panic!("numeric")
        };
        let addr = zoned.addresses(&[ip], true)[0];
        assert!(
            matches!(addr, SocketAddr::V6(v6) if v6.scope_id() == zoned.zone && v6.scope_id() != 0)
        );
    }
}
