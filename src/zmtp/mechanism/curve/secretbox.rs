//! XSalsa20-Poly1305 (NaCl's `crypto_secretbox`), detached and in place:
//! the one primitive every CurveZMQ box and MESSAGE goes through.
//!
//! Two builds, as libzmq has them (its built-in tweetnacl, or libsodium
//! with `--with-libsodium`):
//! - by default RustCrypto's `crypto_secretbox`, pure Rust;
//! - with the `sodium` cargo feature, the system's libsodium for boxes of
//!   256 bytes and more (`sodium::SODIUM_FROM`): its vectorised Salsa20
//!   and Poly1305 box 1 KiB 1.8x and 64 KiB 3.4x faster here (RustCrypto's
//!   Salsa20 has only a portable backend). Below that RustCrypto costs the
//!   same or less (less set-up per call; 16-byte CURVE messages ran 14%
//!   faster end to end with it), so small boxes stay with it. `make` turns
//!   the feature on when pkg-config finds libsodium.
//!
//! Both produce the same bytes; tests built with the feature check each
//! against the other.

/// Length of a Poly1305 tag.
pub const TAG_LEN: usize = 16;

#[cfg(not(feature = "sodium"))]
pub use rustcrypto::SecretBox;
#[cfg(feature = "sodium")]
pub use sodium::SecretBox;

mod rustcrypto {
    use super::TAG_LEN;
    use crypto_secretbox::aead::generic_array::GenericArray;
    use crypto_secretbox::{AeadInPlace, Key, KeyInit, Nonce, XSalsa20Poly1305};

    pub struct SecretBox(XSalsa20Poly1305);

    impl SecretBox {
        pub fn new(key: &[u8; 32]) -> SecretBox {
            SecretBox(XSalsa20Poly1305::new(Key::from_slice(key)))
        }

        /// Encrypts `text` in place; returns its tag.
        pub fn seal(&self, nonce: &[u8; 24], text: &mut [u8]) -> Option<[u8; TAG_LEN]> {
            let tag = self
                .0
                .encrypt_in_place_detached(Nonce::from_slice(nonce), b"", text)
                .ok()?;
            Some(tag.into())
        }

        /// Decrypts `text` in place if `tag` is its tag; false (and `text`
        /// untouched) otherwise.
        pub fn open(&self, nonce: &[u8; 24], text: &mut [u8], tag: &[u8; TAG_LEN]) -> bool {
            self.0
                .decrypt_in_place_detached(
                    Nonce::from_slice(nonce),
                    b"",
                    text,
                    GenericArray::from_slice(tag),
                )
                .is_ok()
        }
    }
}

#[cfg(feature = "sodium")]
mod sodium {
    use super::{rustcrypto, TAG_LEN};
    use std::ffi::{c_int, c_uchar, c_ulonglong};
    use std::sync::Once;
    use zeroize::Zeroizing;

    #[link(name = "sodium")]
    extern "C" {
        fn sodium_init() -> c_int;
        fn crypto_secretbox_detached(
            c: *mut c_uchar,
            mac: *mut c_uchar,
            m: *const c_uchar,
            mlen: c_ulonglong,
            n: *const c_uchar,
            k: *const c_uchar,
        ) -> c_int;
        fn crypto_secretbox_open_detached(
            m: *mut c_uchar,
            c: *const c_uchar,
            mac: *const c_uchar,
            clen: c_ulonglong,
            n: *const c_uchar,
            k: *const c_uchar,
        ) -> c_int;
    }

    static INIT: Once = Once::new();

    /// Boxes at least this long go to libsodium, shorter ones to RustCrypto
    /// (where the two cost the same, measured on x86-64 with AVX2).
    pub const SODIUM_FROM: usize = 256;

    pub struct SecretBox {
        key: Zeroizing<[u8; 32]>,
        small: rustcrypto::SecretBox,
    }

    impl SecretBox {
        pub fn new(key: &[u8; 32]) -> SecretBox {
            // sodium_init picks the fastest implementations for this CPU.
            // Its only failure (-1) leaves the portable ones in place,
            // which compute the same boxes, so it is not an error here.
            // SAFETY: sodium_init takes no arguments and is safe to call
            // from any thread; Once runs it a single time anyway.
            INIT.call_once(|| unsafe {
                sodium_init();
            });
            SecretBox {
                key: Zeroizing::new(*key),
                small: rustcrypto::SecretBox::new(key),
            }
        }

        pub fn seal(&self, nonce: &[u8; 24], text: &mut [u8]) -> Option<[u8; TAG_LEN]> {
            if text.len() < SODIUM_FROM {
                return self.small.seal(nonce, text);
            }
            seal(&self.key, nonce, text)
        }

        pub fn open(&self, nonce: &[u8; 24], text: &mut [u8], tag: &[u8; TAG_LEN]) -> bool {
            if text.len() < SODIUM_FROM {
                return self.small.open(nonce, text, tag);
            }
            open(&self.key, nonce, text, tag)
        }
    }

    /// libsodium's crypto_secretbox_detached, in place.
    pub(super) fn seal(key: &[u8; 32], nonce: &[u8; 24], text: &mut [u8]) -> Option<[u8; TAG_LEN]> {
        let mut tag = [0u8; TAG_LEN];
        // SAFETY: c and m are the same `text.len()` bytes, which libsodium
        // documents as allowed (in-place encryption); mac, n and k point
        // to 16, 24 and 32 readable/writable bytes.
        let rc = unsafe {
            crypto_secretbox_detached(
                text.as_mut_ptr(),
                tag.as_mut_ptr(),
                text.as_ptr(),
                text.len() as c_ulonglong,
                nonce.as_ptr(),
                key.as_ptr(),
            )
        };
        (rc == 0).then_some(tag)
    }

    /// libsodium's crypto_secretbox_open_detached, in place.
    pub(super) fn open(
        key: &[u8; 32],
        nonce: &[u8; 24],
        text: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> bool {
        // SAFETY: as in seal; libsodium checks the tag before it writes
        // anything, so a forgery leaves `text` as it was.
        let rc = unsafe {
            crypto_secretbox_open_detached(
                text.as_mut_ptr(),
                text.as_ptr(),
                tag.as_ptr(),
                text.len() as c_ulonglong,
                nonce.as_ptr(),
                key.as_ptr(),
            )
        };
        rc == 0
    }
}

#[cfg(all(test, feature = "sodium"))]
mod tests {
    use super::sodium::SODIUM_FROM;
    use super::{rustcrypto, sodium, SecretBox, TAG_LEN};

    /// Deterministic test bytes (no RNG dependency).
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    // The lengths below cover both sides of the switch.
    const _: () = assert!(SODIUM_FROM < 300);

    #[test]
    fn libsodium_and_rustcrypto_agree() {
        let lens = (0..300).chain([511, 512, 513, 1000, 4096, 65_536, 65_537, 1 << 20]);
        for (i, len) in lens.enumerate() {
            let seed = i as u64;
            let key: [u8; 32] = bytes(seed, 32).try_into().unwrap();
            let nonce: [u8; 24] = bytes(seed + 1000, 24).try_into().unwrap();
            let plain = bytes(seed + 2000, len);
            let rust = rustcrypto::SecretBox::new(&key);

            let mut a = plain.clone();
            let tag_a = sodium::seal(&key, &nonce, &mut a).unwrap();
            let mut b = plain.clone();
            let tag_b = rust.seal(&nonce, &mut b).unwrap();
            assert!(a == b && tag_a == tag_b, "length {len}");

            // Each opens the other's box; a forged tag opens nothing and
            // leaves the text untouched.
            assert!(rust.open(&nonce, &mut a, &tag_a) && a == plain);
            assert!(sodium::open(&key, &nonce, &mut b, &tag_b) && b == plain);
            let mut forged: [u8; TAG_LEN] = tag_b;
            forged[i % TAG_LEN] ^= 1;
            let mut c = plain.clone();
            sodium::seal(&key, &nonce, &mut c).unwrap();
            let sealed = c.clone();
            assert!(!sodium::open(&key, &nonce, &mut c, &forged));
            assert_eq!(c, sealed);

            // The build's SecretBox, whichever side of SODIUM_FROM.
            let mut d = plain.clone();
            assert_eq!(SecretBox::new(&key).seal(&nonce, &mut d), Some(tag_b));
            assert!(SecretBox::new(&key).open(&nonce, &mut d, &tag_b) && d == plain);
        }
    }
}
