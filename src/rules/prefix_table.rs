//! The automaton's strings found without the automaton, for the first few hundred kilobytes a
//! process checks.
//!
//! The embedded rulesets' automaton (daachorse's double-array Aho-Corasick over every phrase,
//! lexicon word and anchor, about 7,000 strings) comes serialized in the snapshot, but a user's
//! ruleset needs it built, which takes about 10 ms. This table takes a fraction of a millisecond
//! to build: each string is filed under its first three bytes (or all of them, if shorter), and
//! the text is looked up at every byte. That is several times slower per byte than the automaton,
//! which [`super::matcher::Matcher`] builds once a process has scanned enough text to repay it.
//!
//! The matches are exactly the automaton's overlapping matches (`MatchKind::Standard`), in the
//! order it reports them: by end, and at one end the longest first.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Strings filed under their first [`KEY_LEN`] bytes, or all their bytes if shorter.
const KEY_LEN: usize = 3;

pub struct PrefixTable {
    /// Key (see [`key`]) → the strings filed under it.
    buckets: HashMap<u32, Vec<u32>, BuildHasherDefault<MulHasher>>,
    /// Which key lengths (1 to [`KEY_LEN`]) any string is filed under: most positions then need
    /// one look-up rather than three.
    lengths: Vec<usize>,
    /// Whether some string starts with this byte.
    starts: [bool; 256],
}

/// A match: start, end, and the string's index.
pub type Found = (usize, usize, usize);

/// A key: the bytes packed, with the length above them so that "ab" and "ab\0" differ.
fn key(bytes: &[u8]) -> u32 {
    let mut k = u32::try_from(bytes.len()).unwrap_or(0) << 24;
    for (i, b) in bytes.iter().enumerate() {
        k |= u32::from(*b) << (8 * i);
    }
    k
}

impl PrefixTable {
    /// Files `strings` (empty strings are never matched, as in the automaton).
    #[must_use]
    pub fn new<S: AsRef<str>>(strings: &[S]) -> Self {
        let mut buckets: HashMap<u32, Vec<u32>, BuildHasherDefault<MulHasher>> =
            HashMap::with_capacity_and_hasher(strings.len(), BuildHasherDefault::default());
        let mut lengths = Vec::new();
        let mut starts = [false; 256];
        for (i, s) in strings.iter().enumerate() {
            let bytes = s.as_ref().as_bytes();
            let Some(&first) = bytes.first() else {
                continue;
            };
            starts[usize::from(first)] = true;
            let n = bytes.len().min(KEY_LEN);
            if !lengths.contains(&n) {
                lengths.push(n);
            }
            let Ok(i) = u32::try_from(i) else { break };
            buckets.entry(key(&bytes[..n])).or_default().push(i);
        }
        lengths.sort_unstable();
        Self {
            buckets,
            lengths,
            starts,
        }
    }

    /// Every occurrence of every string in `text`, overlapping, in the automaton's order.
    #[must_use]
    pub fn find<S: AsRef<str>>(&self, strings: &[S], text: &str) -> Vec<Found> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for start in 0..bytes.len() {
            if !self.starts[usize::from(bytes[start])] {
                continue;
            }
            for &n in &self.lengths {
                let Some(head) = bytes.get(start..start + n) else {
                    break;
                };
                let Some(ids) = self.buckets.get(&key(head)) else {
                    continue;
                };
                for &id in ids {
                    let s = strings[id as usize].as_ref().as_bytes();
                    if bytes[start..].starts_with(s) {
                        out.push((start, start + s.len(), id as usize));
                    }
                }
            }
        }
        // The automaton reports a match when it reads the match's last byte, and among the
        // matches ending there, the longest first.
        out.sort_unstable_by_key(|&(s, e, _)| (e, std::cmp::Reverse(e - s)));
        out
    }
}

/// A multiplicative hash for the table's `u32` keys: the default SipHash costs more than the
/// look-up it guards, and the keys are not chosen by an adversary who could flood a bucket.
#[derive(Default)]
struct MulHasher(u64);

impl Hasher for MulHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::PrefixTable;
    use aho_corasick::{AhoCorasick, MatchKind};

    fn automaton(strings: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(strings)
            .expect("builds");
        ac.find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    #[test]
    fn finds_what_the_automaton_finds_in_its_order() {
        let strings: Vec<String> = [
            "a",
            "ab",
            "abc",
            "abcd",
            "bc",
            "c",
            "cure",
            "cures",
            "cures cancer",
            "é",
            "kétamine",
            " to",
            "to ",
            "is ",
            "this is",
            "%",
            "100%",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for text in [
            "",
            "abcd",
            "abcabcd cures cancerous",
            "this is to be 100% kétamine é",
            "c",
            "zzz",
        ] {
            let table = PrefixTable::new(&strings);
            assert_eq!(
                table.find(&strings, text),
                automaton(&strings, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn finds_what_the_automaton_finds_for_the_embedded_rulesets() {
        let rules = crate::rules::RuleSet::compile(crate::rules::builtin::sources())
            .expect("embedded rulesets");
        let text = "ketamine is a game-changer for ptsd and may help some patients. \
                    talk to your doctor; side effects include nausea and dizziness. \
                    it works faster than ssris, with results in minutes — 9 in 10 respond.";
        assert_eq!(
            rules.matcher.table_matches(text),
            rules.matcher.automaton_found(text)
        );
    }
}
