//! A tiny xorshift PRNG for randomized tests (subscription tries, hostile
//! input), so they need no crates and replay the same cases on every run.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Up to `max_len` bytes drawn from `alphabet`: a small alphabet (with
    /// 0x00 and 0xFF) makes prefixes overlap often.
    pub fn bytes(&mut self, max_len: u64, alphabet: &[u8]) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize])
            .collect()
    }
}
