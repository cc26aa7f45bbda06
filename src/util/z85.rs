//! Z85 (ZeroMQ RFC 32): 4 bytes of binary as 5 printable characters.

const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Reverse of ALPHABET: 0xFF marks a byte that is not a Z85 digit.
const DIGITS: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Length of the text for `len` bytes, or None when `len` is not a
/// multiple of 4 (Z85 has no padding).
pub fn encoded_len(len: usize) -> Option<usize> {
    (len % 4 == 0).then_some(len / 4 * 5)
}

/// Encodes `data` into `out`, which must hold exactly `encoded_len` bytes.
pub fn encode_into(data: &[u8], out: &mut [u8]) {
    for (chunk, text) in data.chunks_exact(4).zip(out.chunks_exact_mut(5)) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        for slot in text.iter_mut().rev() {
            *slot = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
    }
}

pub fn encode(data: &[u8]) -> Option<String> {
    let mut out = vec![0u8; encoded_len(data.len())?];
    encode_into(data, &mut out);
    Some(String::from_utf8(out).expect("Z85 alphabet is ASCII"))
}

/// Decodes Z85 text; None when its length is not a non-zero multiple of 5,
/// a byte is outside the alphabet, or a group's value does not fit 32 bits.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.is_empty() || text.len() % 5 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 5 * 4);
    for group in text.chunks_exact(5) {
        let mut value: u64 = 0;
        for &c in group {
            let digit = DIGITS[c as usize];
            if digit == 0xFF {
                return None;
            }
            value = value * 85 + u64::from(digit);
        }
        let value = u32::try_from(value).ok()?;
        out.extend_from_slice(&value.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 32's test vector.
    const HELLO: [u8; 8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    #[test]
    fn rfc_vector() {
        assert_eq!(encode(&HELLO).unwrap(), "HelloWorld");
        assert_eq!(decode(b"HelloWorld").unwrap(), HELLO);
    }

    #[test]
    fn round_trips_every_byte() {
        let data: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&data).unwrap().as_bytes()).unwrap(), data);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(encode(&[1, 2, 3]).is_none());
        assert!(decode(b"abcd").is_none());
        assert!(decode(b"abc d").is_none());
        assert!(decode(b"%%%%%").is_none(), "overflows 32 bits");
        assert!(decode(b"").is_none());
        assert!(decode(b"%nSc1").is_none(), "2^32");
        assert_eq!(decode(b"%nSc0").unwrap(), [0xFF; 4]);
    }
}
