//! Prefix → pipes map for PUB/XPUB: which subscribers want a message.
//!
//! Same compressed trie as [`super::trie`], with a sorted `Vec` of pipe ids
//! per prefix instead of a count: subscribers per prefix are usually few,
//! so a sorted vector beats a tree set and makes lookups binary searches.

use super::trie::{Radix, Slot};

/// The pipes subscribed to one prefix: sorted, no duplicates.
impl<P> Slot for Vec<P> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
}

/// Subscriptions per pipe. A pipe is in a prefix's set at most once, as in
/// libzmq: repeated subscriptions from one pipe do not stack.
#[derive(Debug)]
pub struct MTrie<P> {
    inner: Radix<Vec<P>>,
}

impl<P> Default for MTrie<P> {
    fn default() -> Self {
        MTrie {
            inner: Radix::default(),
        }
    }
}

/// Matching nodes remembered on the stack by [`MTrie::for_each_match`]
/// before it falls back to allocating.
const INLINE_HITS: usize = 8;

impl<P: Copy + Eq + Ord> MTrie<P> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `pipe` to `prefix`. True if the prefix had no pipe before, so
    /// XPUB must report the subscription upstream. Adding a pipe already
    /// there returns false and keeps one entry.
    pub fn add(&mut self, prefix: &[u8], pipe: P) -> bool {
        self.inner
            .modify(prefix, true, |pipes| match pipes.binary_search(&pipe) {
                Ok(_) => false,
                Err(pos) => {
                    pipes.insert(pos, pipe);
                    pipes.len() == 1
                }
            })
            .unwrap_or(false)
    }

    /// Removes `pipe` from `prefix`: `Some(true)` if no pipe is left (the
    /// last unsubscribe), `Some(false)` if others remain, `None` if the
    /// pipe was not subscribed to it.
    pub fn remove(&mut self, prefix: &[u8], pipe: P) -> Option<bool> {
        self.inner
            .modify(prefix, false, |pipes| {
                let i = pipes.binary_search(&pipe).ok()?;
                pipes.remove(i);
                if pipes.is_empty() {
                    // A branch node outlives its pipes; drop the buffer.
                    *pipes = Vec::new();
                } else if pipes.capacity() >= 8 && pipes.len() * 4 <= pipes.capacity() {
                    pipes.shrink_to(pipes.len() * 2);
                }
                Some(pipes.is_empty())
            })
            .flatten()
    }

    /// Removes `pipe` from every prefix (it is going away), calling
    /// `f(prefix)` for each prefix that it leaves without pipes so XPUB can
    /// forward the unsubscription.
    pub fn remove_pipe(&mut self, pipe: P, mut f: impl FnMut(&[u8])) {
        // Collect first, then remove one by one: reuses `remove`'s pruning
        // instead of restructuring the trie mid-traversal.
        let mut buf = Vec::new();
        let mut ends = Vec::new();
        self.inner.for_each(|prefix, pipes| {
            if pipes.binary_search(&pipe).is_ok() {
                buf.extend_from_slice(prefix);
                ends.push(buf.len());
            }
        });
        let mut start = 0;
        for end in ends {
            let prefix = &buf[start..end];
            if self.remove(prefix, pipe) == Some(true) {
                f(prefix);
            }
            start = end;
        }
    }

    /// Calls `f(pipe)` for every pipe subscribed to some prefix of `data`,
    /// each pipe once. Does not allocate unless more than eight distinct
    /// subscribed prefixes of `data` carry pipes.
    #[inline]
    pub fn for_each_match(&self, data: &[u8], mut f: impl FnMut(P)) {
        let mut hits: [&[P]; INLINE_HITS] = [&[]; INLINE_HITS];
        let mut n = 0;
        let overflow = self.inner.walk(data, |pipes| {
            if n == INLINE_HITS {
                return true;
            }
            hits[n] = pipes;
            n += 1;
            false
        });
        if overflow {
            let mut out = Vec::new();
            self.for_each_match_into(data, &mut out);
            out.into_iter().for_each(f);
            return;
        }
        // Each set is sorted, so "already emitted by a shorter prefix" is a
        // binary search in the earlier sets; with one hit it is a plain copy.
        for (k, pipes) in hits[..n].iter().enumerate() {
            for &p in pipes.iter() {
                if !hits[..k].iter().any(|seen| seen.binary_search(&p).is_ok()) {
                    f(p);
                }
            }
        }
    }

    /// Clears `out` and fills it with the pipes matching `data`, sorted and
    /// deduplicated. Lets a caller reuse one buffer across messages.
    pub fn for_each_match_into(&self, data: &[u8], out: &mut Vec<P>) {
        out.clear();
        let mut sources = 0;
        self.inner.walk(data, |pipes| {
            out.extend_from_slice(pipes);
            sources += 1;
            false
        });
        if sources > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// Number of distinct prefixes with at least one pipe.
    pub fn num_prefixes(&self) -> usize {
        self.inner.len()
    }

    #[cfg(test)]
    pub(crate) fn node_count(&self) -> usize {
        self.inner.node_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    use std::collections::{BTreeMap, BTreeSet};

    fn matches(t: &MTrie<u64>, data: &[u8]) -> Vec<u64> {
        let mut got = Vec::new();
        t.for_each_match(data, |p| got.push(p));
        let mut sorted = got.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), got.len(), "pipe reported twice: {got:?}");
        let mut into = vec![999];
        t.for_each_match_into(data, &mut into);
        assert_eq!(into, sorted);
        sorted
    }

    fn removed_by(t: &mut MTrie<u64>, pipe: u64) -> BTreeSet<Vec<u8>> {
        let mut out = BTreeSet::new();
        t.remove_pipe(pipe, |p| assert!(out.insert(p.to_vec()), "reported twice"));
        out
    }

    #[test]
    fn empty_matches_nothing() {
        let t = MTrie::<u64>::new();
        assert!(matches(&t, b"").is_empty());
        assert!(matches(&t, b"abc").is_empty());
        assert_eq!(t.num_prefixes(), 0);
    }

    #[test]
    fn add_remove_results() {
        let mut t = MTrie::new();
        assert!(t.add(b"a", 1u64));
        assert!(!t.add(b"a", 2));
        assert!(!t.add(b"a", 1), "duplicate add");
        assert_eq!(matches(&t, b"ab"), [1, 2]);
        assert_eq!(t.remove(b"a", 3), None);
        assert_eq!(t.remove(b"b", 1), None);
        assert_eq!(t.remove(b"", 1), None);
        assert_eq!(t.remove(b"a", 1), Some(false));
        // One entry per pipe: the duplicate add did not stack.
        assert_eq!(t.remove(b"a", 1), None);
        assert_eq!(matches(&t, b"a"), [2]);
        assert_eq!(t.remove(b"a", 2), Some(true));
        assert!(matches(&t, b"a").is_empty());
        assert_eq!(t.num_prefixes(), 0);
        assert_eq!(t.node_count(), 1);
        t.inner.check();
    }

    #[test]
    fn branch_node_is_not_a_subscription() {
        let mut t = MTrie::new();
        t.add(b"abc", 1u64);
        t.add(b"abd", 2);
        assert_eq!(t.remove(b"ab", 1), None);
        assert!(matches(&t, b"ab").is_empty());
        assert!(t.add(b"ab", 3));
        assert_eq!(matches(&t, b"abd"), [2, 3]);
        assert_eq!(t.remove(b"ab", 3), Some(true));
        t.inner.check();
        assert_eq!(t.num_prefixes(), 2);
    }

    #[test]
    fn empty_prefix_matches_everything() {
        let mut t = MTrie::new();
        assert!(t.add(b"", 7u64));
        assert_eq!(matches(&t, b""), [7]);
        assert_eq!(matches(&t, &[0xFF, 0]), [7]);
        t.add(b"x", 8);
        assert_eq!(matches(&t, b"xy"), [7, 8]);
        assert_eq!(matches(&t, b"y"), [7]);
        assert_eq!(t.remove(b"", 7), Some(true));
        assert!(matches(&t, b"y").is_empty());
        t.inner.check();
    }

    #[test]
    fn dedup_across_nested_prefixes() {
        let mut t = MTrie::new();
        t.add(b"", 1u64);
        t.add(b"a", 1);
        t.add(b"a", 2);
        t.add(b"ab", 2);
        t.add(b"ab", 3);
        t.add(b"abc", 1);
        t.add(b"abc", 2);
        t.add(b"abc", 3);
        t.add(b"abc", 4);
        assert_eq!(matches(&t, b"abcd"), [1, 2, 3, 4]);
        assert_eq!(matches(&t, b"ab"), [1, 2, 3]);
        assert_eq!(matches(&t, b"b"), [1]);
        t.inner.check();
    }

    #[test]
    fn many_matching_prefixes_fall_back_correctly() {
        // More nested hits than the inline array holds.
        let data: Vec<u8> = (0..40u8).collect();
        let mut t = MTrie::new();
        for n in 0..=data.len() {
            t.add(&data[..n], (n % 5) as u64);
            t.add(&data[..n], 100 + n as u64);
        }
        let expect: Vec<u64> = (0..5).chain(100..=140).collect();
        assert_eq!(matches(&t, &data), expect);
        let few: Vec<u64> = (0..3).chain(100..=102).collect();
        assert_eq!(matches(&t, &data[..2]), few);
    }

    #[test]
    fn remove_pipe_reports_exactly_emptied_prefixes() {
        let mut t = MTrie::new();
        t.add(b"", 1u64);
        t.add(b"a", 1);
        t.add(b"ab", 1);
        t.add(b"ab", 2);
        t.add(b"abc", 1);
        t.add(&[0x00, 0xFF], 1);
        t.add(b"b", 2);
        t.add(b"zz", 3);
        let got = removed_by(&mut t, 1);
        let want: BTreeSet<Vec<u8>> = [&b""[..], b"a", b"abc", &[0x00, 0xFF]]
            .iter()
            .map(|p| p.to_vec())
            .collect();
        assert_eq!(got, want);
        t.inner.check();
        assert_eq!(t.num_prefixes(), 3);
        assert_eq!(matches(&t, b"abc"), [2]);
        assert!(matches(&t, &[0x00, 0xFF]).is_empty());
        assert!(removed_by(&mut t, 1).is_empty(), "pipe already gone");
        assert_eq!(
            removed_by(&mut t, 2),
            BTreeSet::from([b"ab".to_vec(), b"b".to_vec()])
        );
        assert_eq!(removed_by(&mut t, 3), BTreeSet::from([b"zz".to_vec()]));
        assert_eq!(t.num_prefixes(), 0);
        assert_eq!(t.node_count(), 1);
    }

    #[test]
    fn long_and_binary_prefixes() {
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 13 + 5) as u8).collect();
        let mut t = MTrie::new();
        assert!(t.add(&long, 1u64));
        assert!(t.add(&long[..1], 2));
        assert!(t.add(&[0x00], 3));
        assert!(t.add(&[0xFF, 0xFF], 4));
        assert_eq!(matches(&t, &long), [1, 2]);
        assert_eq!(matches(&t, &long[..999]), [2]);
        assert_eq!(matches(&t, &[0x00, 0x00]), [3]);
        assert_eq!(matches(&t, &[0xFF, 0xFF, 0x00]), [4]);
        assert!(matches(&t, &[0xFF]).is_empty());
        assert_eq!(removed_by(&mut t, 1), BTreeSet::from([long.clone()]));
        t.inner.check();
        assert_eq!(t.node_count(), 4);
    }

    const ALPHABET: &[u8] = &[0x00, b'a', 0xFF];

    #[test]
    fn randomized_against_naive() {
        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
            let mut t = MTrie::new();
            let mut naive: BTreeMap<Vec<u8>, BTreeSet<u64>> = BTreeMap::new();
            for _ in 0..600 {
                let pipe = rng.below(6);
                match rng.below(20) {
                    0 => {
                        let mut want = BTreeSet::new();
                        naive.retain(|p, pipes| {
                            if pipes.remove(&pipe) && pipes.is_empty() {
                                want.insert(p.clone());
                            }
                            !pipes.is_empty()
                        });
                        assert_eq!(removed_by(&mut t, pipe), want);
                    }
                    1..=11 => {
                        let p = rng.bytes(6, ALPHABET);
                        let pipes = naive.entry(p.clone()).or_default();
                        let first = pipes.is_empty();
                        pipes.insert(pipe);
                        assert_eq!(t.add(&p, pipe), first);
                    }
                    _ => {
                        let p = rng.bytes(6, ALPHABET);
                        let expect = naive
                            .get_mut(&p)
                            .and_then(|pipes| pipes.remove(&pipe).then_some(pipes.is_empty()));
                        if expect == Some(true) {
                            naive.remove(&p);
                        }
                        assert_eq!(t.remove(&p, pipe), expect);
                    }
                }
                t.inner.check();
                assert_eq!(t.num_prefixes(), naive.len());
                for _ in 0..8 {
                    let d = rng.bytes(8, ALPHABET);
                    let expect: BTreeSet<u64> = naive
                        .iter()
                        .filter(|(k, _)| d.starts_with(k))
                        .flat_map(|(_, pipes)| pipes.iter().copied())
                        .collect();
                    let expect: Vec<u64> = expect.into_iter().collect();
                    assert_eq!(matches(&t, &d), expect, "data {d:?}");
                }
            }
            for pipe in 0..6 {
                t.remove_pipe(pipe, |_| {});
            }
            assert_eq!(t.num_prefixes(), 0);
            assert_eq!(t.node_count(), 1);
        }
    }
}
