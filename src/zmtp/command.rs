//! ZMTP command bodies: READY (with metadata), ERROR, SUBSCRIBE, CANCEL,
//! PING and PONG (RFC 23, 37).
//!
//! A command body is a name (a length byte and ASCII letters) followed by
//! data. Every length read from the wire is checked against what is left.

/// A command split into name and data.
pub fn split(body: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = body.split_first()?;
    let len = len as usize;
    if len == 0 || rest.len() < len {
        return None;
    }
    Some(rest.split_at(len))
}

fn with_name(name: &[u8], capacity: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(1 + name.len() + capacity);
    body.push(name.len() as u8);
    body.extend_from_slice(name);
    body
}

/// READY with its metadata properties (name up to 255 bytes, value with a
/// 4-byte big-endian length).
pub fn ready(properties: &[(&[u8], &[u8])]) -> Vec<u8> {
    let size = properties.iter().map(|(n, v)| 5 + n.len() + v.len()).sum();
    let mut body = with_name(b"READY", size);
    append_properties(&mut body, properties);
    body
}

pub fn append_properties(body: &mut Vec<u8>, properties: &[(&[u8], &[u8])]) {
    for (name, value) in properties {
        body.push(name.len() as u8);
        body.extend_from_slice(name);
        body.extend_from_slice(&(value.len() as u32).to_be_bytes());
        body.extend_from_slice(value);
    }
}

/// Metadata properties, in order; None when malformed (a length running
/// past the end, an empty name).
pub fn parse_properties(mut data: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut props = Vec::new();
    while !data.is_empty() {
        let (&name_len, rest) = data.split_first()?;
        let name_len = name_len as usize;
        if name_len == 0 || rest.len() < name_len + 4 {
            return None;
        }
        let (name, rest) = rest.split_at(name_len);
        let (len, rest) = rest.split_at(4);
        let value_len = u32::from_be_bytes(len.try_into().ok()?) as usize;
        if rest.len() < value_len {
            return None;
        }
        let (value, rest) = rest.split_at(value_len);
        props.push((name.to_vec(), value.to_vec()));
        data = rest;
    }
    Some(props)
}

/// ERROR with a reason of up to 255 bytes.
pub fn error(reason: &[u8]) -> Vec<u8> {
    let reason = &reason[..reason.len().min(255)];
    let mut body = with_name(b"ERROR", 1 + reason.len());
    body.push(reason.len() as u8);
    body.extend_from_slice(reason);
    body
}

/// The reason of an ERROR command's data.
pub fn parse_error(data: &[u8]) -> Option<&[u8]> {
    let (&len, rest) = data.split_first()?;
    rest.get(..len as usize)
}

/// SUBSCRIBE (`subscribe`) or CANCEL for a topic (ZMTP 3.1 peers).
pub fn subscription(subscribe: bool, topic: &[u8]) -> Vec<u8> {
    let name: &[u8] = if subscribe { b"SUBSCRIBE" } else { b"CANCEL" };
    let mut body = with_name(name, topic.len());
    body.extend_from_slice(topic);
    body
}

/// PING with the peer's time-to-live (deciseconds) and up to 16 bytes of
/// context, which the PONG echoes.
pub fn ping(ttl_deciseconds: u16, context: &[u8]) -> Vec<u8> {
    let context = &context[..context.len().min(16)];
    let mut body = with_name(b"PING", 2 + context.len());
    body.extend_from_slice(&ttl_deciseconds.to_be_bytes());
    body.extend_from_slice(context);
    body
}

/// A PING's TTL and context; None when too short.
pub fn parse_ping(data: &[u8]) -> Option<(u16, &[u8])> {
    if data.len() < 2 {
        return None;
    }
    let context = &data[2..];
    Some((
        u16::from_be_bytes([data[0], data[1]]),
        &context[..context.len().min(16)],
    ))
}

pub fn pong(context: &[u8]) -> Vec<u8> {
    let mut body = with_name(b"PONG", context.len());
    body.extend_from_slice(context);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_round_trip() {
        let body = ready(&[(b"Socket-Type", b"DEALER"), (b"Identity", b"")]);
        assert_eq!(&body[..6], b"\x05READY");
        let (name, data) = split(&body).unwrap();
        assert_eq!(name, b"READY");
        let props = parse_properties(data).unwrap();
        assert_eq!(props[0], (b"Socket-Type".to_vec(), b"DEALER".to_vec()));
        assert_eq!(props[1], (b"Identity".to_vec(), Vec::new()));
    }

    #[test]
    fn malformed_metadata_is_refused() {
        assert!(parse_properties(b"\x04Name\x00\x00\x00\x09short").is_none());
        assert!(parse_properties(b"\x00\x00\x00\x00\x00").is_none());
        assert!(parse_properties(b"\x09Socket").is_none());
        assert!(parse_properties(b"\x04Name\xff\xff\xff\xff").is_none());
        assert_eq!(parse_properties(b"").unwrap(), Vec::new());
    }

    #[test]
    fn other_commands() {
        assert_eq!(split(b"").map(|_| ()), None);
        assert_eq!(split(b"\x09SUBSC").map(|_| ()), None);
        let sub = subscription(true, b"weather");
        let (name, topic) = split(&sub).unwrap();
        assert_eq!((name, topic), (&b"SUBSCRIBE"[..], &b"weather"[..]));
        assert_eq!(split(&subscription(false, b"")).unwrap().0, b"CANCEL");
        let err = error(b"Denied");
        let (_, data) = split(&err).unwrap();
        assert_eq!(parse_error(data), Some(&b"Denied"[..]));
        assert_eq!(parse_error(b"\x09abc"), None);
        let p = ping(50, b"ctx");
        let (name, data) = split(&p).unwrap();
        assert_eq!(name, b"PING");
        assert_eq!(parse_ping(data), Some((50, &b"ctx"[..])));
        assert_eq!(split(&pong(b"ctx")).unwrap(), (&b"PONG"[..], &b"ctx"[..]));
    }
}
