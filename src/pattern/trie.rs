//! Subscription prefix sets for PUB/SUB filtering (RFC 29: a message
//! matches when a subscription is a byte prefix of its first frame).
//!
//! [`Trie`] is the counted set SUB/XSUB filter incoming messages with; the
//! radix tree underneath ([`Radix`]) is shared with [`super::mtrie`].
//!
//! Edges are compressed (a node's label holds all bytes since the last
//! branch or subscription), so a long subscription costs one node and the
//! match loop compares whole labels instead of chasing one box per byte.
//! Every walk is iterative, so depth never costs stack.

/// What a node stores; "set" marks a subscribed prefix. Unset non-root
/// nodes exist only as branch points and are pruned as soon as they stop
/// being one.
pub(crate) trait Slot: Default {
    fn is_set(&self) -> bool;
}

/// The subscription count of a prefix.
impl Slot for usize {
    fn is_set(&self) -> bool {
        *self > 0
    }
}

#[derive(Debug, Default)]
struct Node<V> {
    /// Bytes of the edge leading here; non-empty except at the root.
    label: Box<[u8]>,
    /// First byte of each child's label, sorted; kept apart from `children`
    /// so the lookup scans a dense byte array.
    keys: Vec<u8>,
    children: Vec<Node<V>>,
    value: V,
}

impl<V: Slot> Node<V> {
    fn leaf(label: &[u8]) -> Self {
        Node {
            label: label.into(),
            keys: Vec::new(),
            children: Vec::new(),
            value: V::default(),
        }
    }

    /// Cuts this node's label after `at` bytes, moving everything it holds
    /// into a single child carrying the rest of the label.
    fn split(&mut self, at: usize) {
        let tail = Node {
            label: self.label[at..].into(),
            keys: std::mem::take(&mut self.keys),
            children: std::mem::take(&mut self.children),
            value: std::mem::take(&mut self.value),
        };
        self.label = self.label[..at].into();
        self.keys = vec![tail.label[0]];
        self.children = vec![tail];
    }

    /// Folds the only child into this (unset) node, restoring compression.
    fn merge_only_child(&mut self) {
        debug_assert_eq!(self.children.len(), 1);
        let Some(only) = self.children.pop() else {
            return;
        };
        self.label = [&self.label[..], &only.label[..]].concat().into();
        self.keys = only.keys;
        self.children = only.children;
        self.value = only.value;
    }

    /// Restores the invariants after `children[i]` became unset: drop it if
    /// it is a leaf (then maybe fold this node), or fold it into its only
    /// child. Nothing further up can change.
    fn prune(&mut self, i: usize, self_is_root: bool) {
        match self.children[i].children.len() {
            0 => {
                self.keys.remove(i);
                self.children.remove(i);
                // Give back memory after churn instead of keeping the peak.
                let (len, cap) = (self.children.len(), self.children.capacity());
                if cap >= 8 && len * 4 <= cap {
                    self.children.shrink_to(len * 2);
                    self.keys.shrink_to(len * 2);
                }
                if !self_is_root && !self.value.is_set() && self.children.len() == 1 {
                    self.merge_only_child();
                }
            }
            1 => self.children[i].merge_only_child(),
            _ => {}
        }
    }
}

/// A compressed trie from byte prefixes to values of type `V`.
///
/// Invariants: `keys[i] == children[i].label[0]`, `keys` strictly sorted,
/// every non-root node either set or branching (two or more children).
#[derive(Debug, Default)]
pub(crate) struct Radix<V: Slot> {
    root: Node<V>,
    /// Number of set nodes, i.e. distinct subscribed prefixes.
    len: usize,
}

fn common_len(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl<V: Slot> Radix<V> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Applies `f` to the value at `prefix`, creating the node first when
    /// `create` (else `None` if it does not exist), then prunes the node if
    /// `f` left it unset. One routine for add and remove keeps the node
    /// bookkeeping in a single place.
    pub(crate) fn modify<R>(
        &mut self,
        prefix: &[u8],
        create: bool,
        f: impl FnOnce(&mut V) -> R,
    ) -> Option<R> {
        if prefix.is_empty() {
            let was = self.root.value.is_set();
            let r = f(&mut self.root.value);
            let now = self.root.value.is_set();
            self.account(was, now);
            return Some(r);
        }
        let mut parent = &mut self.root;
        let mut parent_is_root = true;
        let mut rest = prefix;
        // `rest` is never empty here: the target lies strictly below `parent`.
        let (was, now, r) = loop {
            let i = match parent.keys.binary_search(&rest[0]) {
                Ok(i) => i,
                Err(pos) if create => {
                    parent.keys.insert(pos, rest[0]);
                    parent.children.insert(pos, Node::leaf(rest));
                    pos
                }
                Err(_) => return None,
            };
            let label_len = parent.children[i].label.len();
            let common = common_len(&parent.children[i].label, rest);
            if common < label_len {
                if !create {
                    return None;
                }
                parent.children[i].split(common);
            }
            if common < rest.len() {
                rest = &rest[common..];
                parent = &mut parent.children[i];
                parent_is_root = false;
                continue;
            }
            let target = &mut parent.children[i];
            let was = target.value.is_set();
            let r = f(&mut target.value);
            let now = target.value.is_set();
            if !now {
                parent.prune(i, parent_is_root);
            }
            break (was, now, r);
        };
        self.account(was, now);
        Some(r)
    }

    fn account(&mut self, was: bool, now: bool) {
        match (was, now) {
            (false, true) => self.len += 1,
            (true, false) => self.len -= 1,
            _ => {}
        }
    }

    /// Calls `visit` on the value of every set prefix of `data`, shortest
    /// first, until it returns true; returns whether it did. No allocation:
    /// this is the per-message path.
    #[inline]
    pub(crate) fn walk<'a>(&'a self, data: &[u8], mut visit: impl FnMut(&'a V) -> bool) -> bool {
        let mut node = &self.root;
        let mut rest = data;
        loop {
            if node.value.is_set() && visit(&node.value) {
                return true;
            }
            let Some(&b) = rest.first() else {
                return false;
            };
            let Ok(i) = node.keys.binary_search(&b) else {
                return false;
            };
            let child = &node.children[i];
            let Some(tail) = rest.strip_prefix(&child.label[..]) else {
                return false;
            };
            rest = tail;
            node = child;
        }
    }

    /// Calls `f(prefix, value)` for every set node, parents before children.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8], &V)) {
        if self.len == 0 {
            return;
        }
        let mut path = Vec::new();
        let mut stack = vec![(&self.root, 0)];
        while let Some((node, depth)) = stack.pop() {
            path.truncate(depth);
            path.extend_from_slice(&node.label);
            if node.value.is_set() {
                f(&path, &node.value);
            }
            let depth = path.len();
            stack.extend(node.children.iter().rev().map(|c| (c, depth)));
        }
    }

    #[cfg(test)]
    pub(crate) fn node_count(&self) -> usize {
        let mut count = 0;
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            count += 1;
            stack.extend(node.children.iter());
        }
        count
    }

    /// Panics unless every structural invariant holds.
    #[cfg(test)]
    pub(crate) fn check(&self) {
        let mut set = 0;
        let mut stack = vec![(&self.root, true)];
        while let Some((node, is_root)) = stack.pop() {
            assert_eq!(node.keys.len(), node.children.len());
            assert!(node.keys.windows(2).all(|w| w[0] < w[1]), "keys unsorted");
            if node.value.is_set() {
                set += 1;
            }
            if is_root {
                assert!(node.label.is_empty());
            } else {
                assert!(!node.label.is_empty(), "empty label below root");
                assert!(
                    node.value.is_set() || node.children.len() >= 2,
                    "unset node that is not a branch point"
                );
            }
            for (k, c) in node.keys.iter().zip(&node.children) {
                assert_eq!(*k, c.label[0]);
                stack.push((c, false));
            }
        }
        assert_eq!(set, self.len);
    }
}

/// Tearing down iteratively: a chain of nested prefixes can be deeper than
/// the recursive drop glue would have stack for.
impl<V: Slot> Drop for Radix<V> {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.root.children);
        while let Some(mut node) = stack.pop() {
            stack.append(&mut node.children);
        }
    }
}

/// Counted set of subscribed prefixes (SUB/XSUB). A prefix subscribed
/// twice needs two removals, as libzmq counts them.
#[derive(Debug, Default)]
pub struct Trie {
    inner: Radix<usize>,
}

impl Trie {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one subscription to `prefix` (empty = everything). True if the
    /// prefix was not subscribed before, i.e. it must be sent upstream.
    pub fn add(&mut self, prefix: &[u8]) -> bool {
        self.inner
            .modify(prefix, true, |count| {
                *count += 1;
                *count == 1
            })
            .unwrap_or(false)
    }

    /// Removes one subscription. True if it was the last one for `prefix`;
    /// an absent prefix returns false and changes nothing.
    pub fn remove(&mut self, prefix: &[u8]) -> bool {
        self.inner
            .modify(prefix, false, |count| match *count {
                0 => false,
                _ => {
                    *count -= 1;
                    *count == 0
                }
            })
            .unwrap_or(false)
    }

    /// True if some subscribed prefix is a prefix of `data`.
    #[inline]
    pub fn matches(&self, data: &[u8]) -> bool {
        self.inner.walk(data, |_| true)
    }

    /// Number of distinct subscribed prefixes.
    pub fn num_prefixes(&self) -> usize {
        self.inner.len()
    }

    /// Calls `f` once per distinct subscribed prefix (order unspecified),
    /// e.g. to resend subscriptions after a reconnect.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        self.inner.for_each(|prefix, _| f(prefix));
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

    fn prefixes(t: &Trie) -> BTreeSet<Vec<u8>> {
        let mut out = BTreeSet::new();
        t.for_each(|p| assert!(out.insert(p.to_vec()), "prefix reported twice"));
        out
    }

    #[test]
    fn empty_trie_matches_nothing() {
        let t = Trie::new();
        assert!(!t.matches(b""));
        assert!(!t.matches(b"abc"));
        assert_eq!(t.num_prefixes(), 0);
        assert!(prefixes(&t).is_empty());
        t.inner.check();
    }

    #[test]
    fn empty_prefix_matches_everything() {
        let mut t = Trie::new();
        assert!(t.add(b""));
        assert!(t.matches(b""));
        assert!(t.matches(b"x"));
        assert!(t.matches(&[0, 255, 1]));
        assert_eq!(t.num_prefixes(), 1);
        assert_eq!(prefixes(&t), BTreeSet::from([Vec::new()]));
        assert!(t.remove(b""));
        assert!(!t.matches(b"x"));
        assert_eq!(t.num_prefixes(), 0);
        t.inner.check();
    }

    #[test]
    fn counted_add_remove() {
        let mut t = Trie::new();
        assert!(t.add(b"abc"));
        assert!(!t.add(b"abc"));
        assert!(!t.add(b"abc"));
        assert_eq!(t.num_prefixes(), 1);
        assert!(!t.remove(b"abc"));
        assert!(!t.remove(b"abc"));
        assert!(t.matches(b"abcd"));
        assert!(t.remove(b"abc"));
        assert!(!t.matches(b"abcd"));
        assert!(!t.remove(b"abc"));
        assert_eq!(t.num_prefixes(), 0);
        assert_eq!(t.node_count(), 1);
    }

    #[test]
    fn removing_absent_changes_nothing() {
        let mut t = Trie::new();
        assert!(!t.remove(b"a"));
        assert!(!t.remove(b""));
        t.add(b"abc");
        t.add(b"abd");
        let nodes = t.node_count();
        // "ab" exists only as a branch node; "a", "abcd", "x", "" not at all.
        for absent in [&b"ab"[..], b"a", b"abcd", b"x", b"", b"abe", b"b"] {
            assert!(!t.remove(absent));
            t.inner.check();
        }
        assert_eq!(t.node_count(), nodes);
        assert_eq!(t.num_prefixes(), 2);
        assert!(t.matches(b"abc") && t.matches(b"abd") && !t.matches(b"ab"));
    }

    #[test]
    fn nested_prefixes() {
        let mut t = Trie::new();
        t.add(b"abc");
        t.add(b"a");
        t.add(b"ab");
        t.inner.check();
        assert!(t.matches(b"a"));
        assert!(t.matches(b"az"));
        assert!(!t.matches(b"b"));
        assert!(!t.matches(b""));
        assert!(t.remove(b"a"));
        assert!(!t.matches(b"a"));
        assert!(t.matches(b"ab"));
        assert!(t.remove(b"ab"));
        assert!(!t.matches(b"abx"));
        assert!(t.matches(b"abc"));
        assert!(t.matches(b"abcdef"));
        assert_eq!(t.node_count(), 2);
        assert!(t.remove(b"abc"));
        assert_eq!(t.node_count(), 1);
        t.inner.check();
    }

    #[test]
    fn split_and_merge_reclaim_nodes() {
        let mut t = Trie::new();
        t.add(b"hello world");
        assert_eq!(t.node_count(), 2);
        t.add(b"help");
        // root -> "hel" -> {"lo world", "p"}
        assert_eq!(t.node_count(), 4);
        t.inner.check();
        assert!(t.matches(b"help me") && t.matches(b"hello world!"));
        assert!(!t.matches(b"hello") && !t.matches(b"hel"));
        t.remove(b"hello world");
        assert_eq!(t.node_count(), 2);
        assert_eq!(prefixes(&t), BTreeSet::from([b"help".to_vec()]));
        t.add(b"he");
        t.add(b"hex");
        t.remove(b"he");
        t.inner.check();
        assert_eq!(
            prefixes(&t),
            BTreeSet::from([b"help".to_vec(), b"hex".to_vec()])
        );
        t.remove(b"help");
        t.remove(b"hex");
        assert_eq!(t.node_count(), 1);
        assert_eq!(t.num_prefixes(), 0);
    }

    #[test]
    fn binary_bytes() {
        let mut t = Trie::new();
        t.add(&[0x00]);
        t.add(&[0xFF, 0x00]);
        t.add(&[0x00, 0xFF, 0x00]);
        t.add(&[0x7F]);
        t.inner.check();
        assert!(t.matches(&[0x00]));
        assert!(t.matches(&[0x00, 0x01]));
        assert!(t.matches(&[0xFF, 0x00, 0xFF]));
        assert!(!t.matches(&[0xFF]));
        assert!(!t.matches(&[0xFF, 0xFF]));
        assert!(!t.matches(&[0x01]));
        assert!(t.remove(&[0x00]));
        assert!(!t.matches(&[0x00, 0x01]));
        assert!(t.matches(&[0x00, 0xFF, 0x00, 0x00]));
        assert_eq!(t.num_prefixes(), 3);
    }

    #[test]
    fn all_256_first_bytes() {
        let mut t = Trie::new();
        for b in 0..=255u8 {
            assert!(t.add(&[b, b]));
        }
        t.inner.check();
        for b in 0..=255u8 {
            assert!(t.matches(&[b, b, 0]));
            assert!(!t.matches(&[b, b.wrapping_add(1)]));
        }
        for b in 0..=255u8 {
            assert!(t.remove(&[b, b]));
        }
        assert_eq!(t.node_count(), 1);
        assert!(t.inner.root.children.capacity() < 8, "children not shrunk");
    }

    #[test]
    fn long_prefix() {
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let mut t = Trie::new();
        assert!(t.add(&long));
        assert_eq!(t.node_count(), 2);
        assert!(t.matches(&long));
        let mut longer = long.clone();
        longer.extend_from_slice(b"tail");
        assert!(t.matches(&longer));
        assert!(!t.matches(&long[..999]));
        let mut off = long.clone();
        off[500] ^= 1;
        assert!(!t.matches(&off));
        t.add(&long[..500]);
        t.add(&off);
        t.inner.check();
        assert!(t.matches(&long[..500]));
        assert_eq!(prefixes(&t).len(), 3);
        assert!(t.remove(&long));
        assert!(t.remove(&off));
        assert!(t.remove(&long[..500]));
        assert_eq!(t.node_count(), 1);
    }

    #[test]
    fn deep_chain_does_not_recurse() {
        // 3000 nested prefixes make a 3000-deep path; everything must be
        // iterative, including drop.
        let data = vec![b'a'; 3000];
        let mut t = Trie::new();
        for n in 1..=data.len() {
            t.add(&data[..n]);
        }
        assert_eq!(t.num_prefixes(), 3000);
        assert_eq!(prefixes(&t).len(), 3000);
        assert!(t.matches(&data));
        for n in (2..=data.len()).step_by(2) {
            assert!(t.remove(&data[..n]));
        }
        t.inner.check();
        drop(t);
    }

    #[test]
    fn churn_does_not_grow() {
        let mut t = Trie::new();
        t.add(b"keep");
        let base = t.node_count();
        for round in 0..2000u32 {
            let p = format!("topic/{}/{}", round % 37, round);
            assert!(t.add(p.as_bytes()));
            assert!(t.add(&p.as_bytes()[..8]) || round >= 37);
            assert!(t.remove(p.as_bytes()));
        }
        for k in 0..37u32 {
            let p = format!("topic/{k}/");
            while !t.remove(&p.as_bytes()[..8]) {}
        }
        t.inner.check();
        assert_eq!(t.node_count(), base);
        assert_eq!(t.num_prefixes(), 1);
    }

    const ALPHABET: &[u8] = &[0x00, b'a', b'b', 0xFF];

    #[test]
    fn randomized_against_naive() {
        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut t = Trie::new();
            let mut naive: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
            for _ in 0..600 {
                let p = rng.bytes(6, ALPHABET);
                if rng.below(5) < 3 {
                    let c = naive.entry(p.clone()).or_default();
                    *c += 1;
                    assert_eq!(t.add(&p), *c == 1);
                } else {
                    let expect = match naive.get_mut(&p) {
                        Some(c) => {
                            *c -= 1;
                            *c == 0
                        }
                        None => false,
                    };
                    if expect {
                        naive.remove(&p);
                    }
                    assert_eq!(t.remove(&p), expect);
                }
                t.inner.check();
                assert_eq!(t.num_prefixes(), naive.len());
                for _ in 0..8 {
                    let d = rng.bytes(8, ALPHABET);
                    let expect = naive.keys().any(|k| d.starts_with(k));
                    assert_eq!(t.matches(&d), expect, "data {d:?}");
                }
            }
            assert_eq!(prefixes(&t), naive.keys().cloned().collect());
            // Drain everything: the trie must shrink back to its root.
            for (p, c) in naive {
                for left in (0..c).rev() {
                    assert_eq!(t.remove(&p), left == 0);
                }
            }
            assert_eq!(t.num_prefixes(), 0);
            assert_eq!(t.node_count(), 1);
        }
    }
}
