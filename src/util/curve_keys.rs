//! CURVE key pairs (X25519), as `zmq_curve_keypair` and `zmq_curve_public`
//! hand them out.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::errno::{Errno, Result};

pub const KEY_LEN: usize = 32;

/// A fresh random key pair: (public, secret). The secret is wiped when
/// dropped.
pub fn keypair() -> Result<([u8; KEY_LEN], Zeroizing<[u8; KEY_LEN]>)> {
    let mut secret = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::getrandom(secret.as_mut()).map_err(|_| Errno::EFAULT)?;
    let public = public_key(&secret);
    Ok((public, secret))
}

/// The public key belonging to a secret key.
pub fn public_key(secret: &[u8; KEY_LEN]) -> [u8; KEY_LEN] {
    let secret = StaticSecret::from(*secret);
    PublicKey::from(&secret).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7748_alice() {
        // RFC 7748 section 6.1: Alice's private and public keys.
        let secret: [u8; 32] = [
            0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2,
            0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5,
            0x1d, 0xb9, 0x2c, 0x2a,
        ];
        let public: [u8; 32] = [
            0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e,
            0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e,
            0xaa, 0x9b, 0x4e, 0x6a,
        ];
        assert_eq!(public_key(&secret), public);
    }

    #[test]
    fn keypair_is_consistent_and_random() {
        let (p1, s1) = keypair().unwrap();
        let (p2, _) = keypair().unwrap();
        assert_eq!(public_key(&s1), p1);
        assert_ne!(p1, p2);
    }
}
