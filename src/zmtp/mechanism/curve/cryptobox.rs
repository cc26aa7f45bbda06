//! NaCl's boxes as CurveZMQ uses them: X25519 from x25519-dalek, HSalsa20
//! from RustCrypto's crypto_secretbox, XSalsa20-Poly1305 from `secretbox`
//! (RustCrypto, or libsodium in a `sodium` build).
//!
//! A box on the wire is NaCl's `crypto_box` output without its 16 leading
//! zero bytes: the Poly1305 tag, then the ciphertext (libsodium's "easy"
//! form). Keys and derived secrets are wiped when dropped.

use crypto_secretbox::aead::generic_array::GenericArray;
use crypto_secretbox::{Kdf, Key, XSalsa20Poly1305};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::secretbox::{SecretBox, TAG_LEN};
use crate::zmtp::mechanism::Failure;

pub const KEY_LEN: usize = 32;
/// What a box adds to its plaintext: the Poly1305 tag.
pub const MAC_LEN: usize = TAG_LEN;

/// A 24-byte nonce: a fixed prefix, then a counter or random bytes.
pub fn nonce(prefix: &[u8], tail: &[u8]) -> [u8; 24] {
    let mut nonce = [0u8; 24];
    nonce[..prefix.len()].copy_from_slice(prefix);
    nonce[prefix.len()..].copy_from_slice(tail);
    nonce
}

/// Random bytes from the OS.
pub fn random<const N: usize>() -> Result<[u8; N], Failure> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|_| Failure::NoDetail(libc::EFAULT))?;
    Ok(bytes)
}

/// A key pair: long-term from the socket options, or short-term (fresh for
/// every connection).
pub struct KeyPair {
    pub secret: StaticSecret,
    pub public: [u8; KEY_LEN],
}

impl KeyPair {
    pub fn from_secret(secret: [u8; KEY_LEN]) -> KeyPair {
        let secret = StaticSecret::from(secret);
        let public = PublicKey::from(&secret).to_bytes();
        KeyPair { secret, public }
    }

    pub fn generate() -> Result<KeyPair, Failure> {
        let bytes = Zeroizing::new(random::<KEY_LEN>()?);
        Ok(KeyPair::from_secret(*bytes))
    }
}

/// An XSalsa20-Poly1305 key: the precomputed key of a box between two
/// parties (`crypto_box_beforenm`), or a secretbox key.
pub struct BoxKey(SecretBox);

impl BoxKey {
    /// The key for boxes between `secret`'s owner and `public`'s: HSalsa20
    /// of their X25519 shared point. None when that point is all zero (a
    /// low-order public key), which libsodium refuses too.
    pub fn shared(public: &[u8; KEY_LEN], secret: &StaticSecret) -> Option<BoxKey> {
        let shared = secret.diffie_hellman(&PublicKey::from(*public));
        if !shared.was_contributory() {
            return None;
        }
        let key = Zeroizing::new(<XSalsa20Poly1305 as Kdf>::kdf(
            Key::from_slice(shared.as_bytes()),
            &GenericArray::default(),
        ));
        let key = <&[u8; KEY_LEN]>::try_from(key.as_slice()).ok()?;
        Some(BoxKey(SecretBox::new(key)))
    }

    /// A secretbox key (the server's cookie key).
    pub fn secret(key: &[u8; KEY_LEN]) -> BoxKey {
        BoxKey(SecretBox::new(key))
    }

    /// Boxes `buf[MAC_LEN..]` in place and writes the tag to
    /// `buf[..MAC_LEN]`. False only if `buf` is shorter than a tag.
    pub fn seal_in_place(&self, nonce: &[u8; 24], buf: &mut [u8]) -> bool {
        let Some((mac, text)) = buf.split_at_mut_checked(MAC_LEN) else {
            return false;
        };
        match self.0.seal(nonce, text) {
            Some(tag) => {
                mac.copy_from_slice(&tag);
                true
            }
            None => false,
        }
    }

    /// Box [plaintext], `MAC_LEN` bytes longer than it.
    pub fn seal(&self, nonce: &[u8; 24], plaintext: &[u8]) -> Option<Vec<u8>> {
        let mut boxed = vec![0u8; MAC_LEN + plaintext.len()];
        boxed[MAC_LEN..].copy_from_slice(plaintext);
        self.seal_in_place(nonce, &mut boxed).then_some(boxed)
    }

    /// Opens a box in place: on success `buf[MAC_LEN..]` holds the
    /// plaintext; on failure (forged, tampered, wrong key or nonce, shorter
    /// than a tag) `buf` is untouched.
    pub fn open_in_place(&self, nonce: &[u8; 24], buf: &mut [u8]) -> bool {
        let Some((mac, text)) = buf.split_at_mut_checked(MAC_LEN) else {
            return false;
        };
        let Ok(tag) = <&[u8; MAC_LEN]>::try_from(&*mac) else {
            return false;
        };
        self.0.open(nonce, text, tag)
    }

    /// The plaintext of a box, wiped when dropped since it may hold keys.
    pub fn open(&self, nonce: &[u8; 24], boxed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(boxed.to_vec());
        if !self.open_in_place(nonce, &mut buf) {
            return None;
        }
        buf.drain(..MAC_LEN);
        Some(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // NaCl's published crypto_box test (tests/box.c and box2.c in the NaCl
    // distribution, test/default/box.c in libsodium): Alice's secret key,
    // Bob's key pair, the nonce, the 131-byte message and its 147-byte box
    // (tag, then ciphertext). tests/secretbox.c boxes the same message
    // under the precomputed key to the same bytes.
    const ALICE_SECRET: [u8; 32] = [
        0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66,
        0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9,
        0x2c, 0x2a,
    ];
    const BOB_SECRET: [u8; 32] = [
        0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1, 0x7f, 0x8b, 0x83, 0x80, 0x0e,
        0xe6, 0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18, 0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88,
        0xe0, 0xeb,
    ];
    const BOB_PUBLIC: [u8; 32] = [
        0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4, 0xd3, 0x5b, 0x61, 0xc2, 0xec, 0xe4, 0x35,
        0x37, 0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78, 0x67, 0x4d, 0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88,
        0x2b, 0x4f,
    ];
    /// crypto_box_beforenm(Bob's public, Alice's secret) (NaCl's
    /// tests/box.c "firstkey", the key of tests/secretbox.c).
    const SHARED: [u8; 32] = [
        0x1b, 0x27, 0x55, 0x64, 0x73, 0xe9, 0x85, 0xd4, 0x62, 0xcd, 0x51, 0x19, 0x7a, 0x9a, 0x46,
        0xc7, 0x60, 0x09, 0x54, 0x9e, 0xac, 0x64, 0x74, 0xf2, 0x06, 0xc4, 0xee, 0x08, 0x44, 0xf6,
        0x83, 0x89,
    ];
    const NONCE: [u8; 24] = [
        0x69, 0x69, 0x6e, 0xe9, 0x55, 0xb6, 0x2b, 0x73, 0xcd, 0x62, 0xbd, 0xa8, 0x75, 0xfc, 0x73,
        0xd6, 0x82, 0x19, 0xe0, 0x03, 0x6b, 0x7a, 0x0b, 0x37,
    ];
    const MESSAGE: [u8; 131] = [
        0xbe, 0x07, 0x5f, 0xc5, 0x3c, 0x81, 0xf2, 0xd5, 0xcf, 0x14, 0x13, 0x16, 0xeb, 0xeb, 0x0c,
        0x7b, 0x52, 0x28, 0xc5, 0x2a, 0x4c, 0x62, 0xcb, 0xd4, 0x4b, 0x66, 0x84, 0x9b, 0x64, 0x24,
        0x4f, 0xfc, 0xe5, 0xec, 0xba, 0xaf, 0x33, 0xbd, 0x75, 0x1a, 0x1a, 0xc7, 0x28, 0xd4, 0x5e,
        0x6c, 0x61, 0x29, 0x6c, 0xdc, 0x3c, 0x01, 0x23, 0x35, 0x61, 0xf4, 0x1d, 0xb6, 0x6c, 0xce,
        0x31, 0x4a, 0xdb, 0x31, 0x0e, 0x3b, 0xe8, 0x25, 0x0c, 0x46, 0xf0, 0x6d, 0xce, 0xea, 0x3a,
        0x7f, 0xa1, 0x34, 0x80, 0x57, 0xe2, 0xf6, 0x55, 0x6a, 0xd6, 0xb1, 0x31, 0x8a, 0x02, 0x4a,
        0x83, 0x8f, 0x21, 0xaf, 0x1f, 0xde, 0x04, 0x89, 0x77, 0xeb, 0x48, 0xf5, 0x9f, 0xfd, 0x49,
        0x24, 0xca, 0x1c, 0x60, 0x90, 0x2e, 0x52, 0xf0, 0xa0, 0x89, 0xbc, 0x76, 0x89, 0x70, 0x40,
        0xe0, 0x82, 0xf9, 0x37, 0x76, 0x38, 0x48, 0x64, 0x5e, 0x07, 0x05,
    ];
    const BOXED: [u8; 147] = [
        0xf3, 0xff, 0xc7, 0x70, 0x3f, 0x94, 0x00, 0xe5, 0x2a, 0x7d, 0xfb, 0x4b, 0x3d, 0x33, 0x05,
        0xd9, 0x8e, 0x99, 0x3b, 0x9f, 0x48, 0x68, 0x12, 0x73, 0xc2, 0x96, 0x50, 0xba, 0x32, 0xfc,
        0x76, 0xce, 0x48, 0x33, 0x2e, 0xa7, 0x16, 0x4d, 0x96, 0xa4, 0x47, 0x6f, 0xb8, 0xc5, 0x31,
        0xa1, 0x18, 0x6a, 0xc0, 0xdf, 0xc1, 0x7c, 0x98, 0xdc, 0xe8, 0x7b, 0x4d, 0xa7, 0xf0, 0x11,
        0xec, 0x48, 0xc9, 0x72, 0x71, 0xd2, 0xc2, 0x0f, 0x9b, 0x92, 0x8f, 0xe2, 0x27, 0x0d, 0x6f,
        0xb8, 0x63, 0xd5, 0x17, 0x38, 0xb4, 0x8e, 0xee, 0xe3, 0x14, 0xa7, 0xcc, 0x8a, 0xb9, 0x32,
        0x16, 0x45, 0x48, 0xe5, 0x26, 0xae, 0x90, 0x22, 0x43, 0x68, 0x51, 0x7a, 0xcf, 0xea, 0xbd,
        0x6b, 0xb3, 0x73, 0x2b, 0xc0, 0xe9, 0xda, 0x99, 0x83, 0x2b, 0x61, 0xca, 0x01, 0xb6, 0xde,
        0x56, 0x24, 0x4a, 0x9e, 0x88, 0xd5, 0xf9, 0xb3, 0x79, 0x73, 0xf6, 0x22, 0xa4, 0x3d, 0x14,
        0xa6, 0x59, 0x9b, 0x1f, 0x65, 0x4c, 0xb4, 0x5a, 0x74, 0xe3, 0x55, 0xa5,
    ];

    #[test]
    fn nacl_crypto_box_vector() {
        let alice = StaticSecret::from(ALICE_SECRET);
        let key = BoxKey::shared(&BOB_PUBLIC, &alice).unwrap();
        assert_eq!(key.seal(&NONCE, &MESSAGE).unwrap(), BOXED);

        // Bob opens it with his secret and Alice's public key.
        let alice_public = KeyPair::from_secret(ALICE_SECRET).public;
        let bob = BoxKey::shared(&alice_public, &StaticSecret::from(BOB_SECRET)).unwrap();
        assert_eq!(bob.open(&NONCE, &BOXED).unwrap().as_slice(), MESSAGE);
        assert_eq!(KeyPair::from_secret(BOB_SECRET).public, BOB_PUBLIC);
    }

    #[test]
    fn nacl_secretbox_vector() {
        // crypto_box is crypto_secretbox under the precomputed key.
        let key = BoxKey::secret(&SHARED);
        assert_eq!(key.seal(&NONCE, &MESSAGE).unwrap(), BOXED);
        assert_eq!(key.open(&NONCE, &BOXED).unwrap().as_slice(), MESSAGE);
    }

    #[test]
    fn forgeries_do_not_open() {
        let key = BoxKey::secret(&SHARED);
        for i in 0..BOXED.len() {
            let mut tampered = BOXED;
            tampered[i] ^= 1;
            assert!(key.open(&NONCE, &tampered).is_none(), "byte {i}");
        }
        let mut other_nonce = NONCE;
        other_nonce[23] ^= 1;
        assert!(key.open(&other_nonce, &BOXED).is_none());
        assert!(key.open(&NONCE, &BOXED[..15]).is_none());
        assert!(key.open(&NONCE, &[]).is_none());
        assert!(BoxKey::secret(&[0; 32]).open(&NONCE, &BOXED).is_none());
        // An empty plaintext still has its tag.
        let sealed = key.seal(&NONCE, b"").unwrap();
        assert_eq!(sealed.len(), MAC_LEN);
        assert_eq!(key.open(&NONCE, &sealed).unwrap().len(), 0);
    }

    #[test]
    fn low_order_public_keys_are_refused() {
        let secret = StaticSecret::from(ALICE_SECRET);
        assert!(BoxKey::shared(&[0; 32], &secret).is_none());
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(BoxKey::shared(&one, &secret).is_none());
    }

    #[test]
    fn nonces() {
        let n = nonce(b"CurveZMQMESSAGEC", &7u64.to_be_bytes());
        assert_eq!(&n[..16], b"CurveZMQMESSAGEC");
        assert_eq!(n[16..], [0, 0, 0, 0, 0, 0, 0, 7]);
        let n = nonce(b"COOKIE--", &[9; 16]);
        assert_eq!(&n[..8], b"COOKIE--");
        assert_eq!(n[8..], [9; 16]);
    }
}
