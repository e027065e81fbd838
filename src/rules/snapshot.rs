//! The embedded rulesets compiled ahead of time: checking one small page used to spend most of
//! its time parsing the TOML, expanding lexicons into patterns and choosing their anchors, the
//! same work on every run. `builtin.snapshot` holds the result (rules, lexicons, automaton
//! strings, pattern trees and NFAs), and loading it replaces compiling whenever it was made from the very
//! rulesets and compiler code in this binary; otherwise the rulesets are compiled as usual, so a
//! stale snapshot costs time, never correctness.
//!
//! The test suite fails when the snapshot is stale; `CLAIMLINT_BLESS=1 cargo test --lib
//! snapshot` writes a fresh one (after editing `rulesets/*.toml` or the compiler).

use super::builtin;
use super::compile::{Lexicon, LexiconNeeds, Rule, RuleSet, RulesetSource};
use super::dictionary::Dictionary;
use super::matcher::{Matcher, MatcherData};
use serde::{Deserialize, Serialize};

#[cfg(test)]
/// Where the snapshot lives, from the crate root.
const PATH: &str = "src/rules/builtin.snapshot";

const SNAPSHOT: &[u8] = include_bytes!("builtin.snapshot");

/// The code that decides what compiling produces, and the snapshot's own format: a change to any
/// of it makes the snapshot stale. (`Cargo.lock` pins the regex parser.)
const COMPILER: &[&str] = &[
    include_str!("compile.rs"),
    include_str!("dictionary.rs"),
    include_str!("matcher.rs"),
    include_str!("anchor.rs"),
    include_str!("interpolate.rs"),
    include_str!("phrase.rs"),
    include_str!("schema.rs"),
    include_str!("hir_codec.rs"),
    include_str!("nfa_codec.rs"),
    include_str!("pattern_regex.rs"),
    include_str!("snapshot.rs"),
    include_str!("profile.rs"),
    include_str!("spelling.rs"),
    include_str!("../document.rs"),
    include_str!("../../Cargo.lock"),
];

#[derive(Serialize, Deserialize)]
struct Snapshot<'a> {
    /// [`FINGERPRINT`] of the binary that wrote it.
    fingerprint: u64,
    rules: Vec<Rule>,
    lexicons: Vec<Lexicon>,
    lexicon_needs: Vec<Option<LexiconNeeds>>,
    dictionary: Dictionary,
    #[serde(borrow)]
    matcher: MatcherData<'a>,
}

/// A hash of the embedded rulesets and the compiler, computed when the binary is built (it
/// used to take 0.06 ms of every start): eight bytes at a time, FNV-style, because it guards
/// against honest staleness, not an adversary.
const FINGERPRINT: u64 = fingerprint(COMPILER, builtin::BUILTIN);

const fn fingerprint(code: &[&str], sources: &[(&str, &str)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < code.len() {
        h = feed(h, code[i].as_bytes());
        i += 1;
    }
    let mut i = 0;
    while i < sources.len() {
        h = feed(h, sources[i].0.as_bytes());
        h = feed(h, sources[i].1.as_bytes());
        i += 1;
    }
    h
}

const fn feed(mut h: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes([
            bytes[i],
            bytes[i + 1],
            bytes[i + 2],
            bytes[i + 3],
            bytes[i + 4],
            bytes[i + 5],
            bytes[i + 6],
            bytes[i + 7],
        ]);
        h = (h ^ word).wrapping_mul(PRIME).rotate_left(23);
        i += 8;
    }
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(PRIME);
        i += 1;
    }
    // The length ends each part, so that moving bytes between parts changes the hash.
    (h ^ bytes.len() as u64).wrapping_mul(PRIME)
}

/// The compiled rulesets, if `sources` are the embedded ones and the snapshot was made from
/// them by this compiler; otherwise `sources` back, to compile.
pub(crate) fn load(sources: Vec<RulesetSource>) -> Result<RuleSet, Vec<RulesetSource>> {
    match postcard::from_bytes::<Snapshot>(SNAPSHOT) {
        Ok(snap) if snap.fingerprint == FINGERPRINT && builtin::are_builtin(&sources) => {
            Ok(RuleSet {
                sources,
                rules: snap.rules,
                lexicons: snap.lexicons,
                lexicon_needs: snap.lexicon_needs,
                dictionary: snap.dictionary,
                matcher: Matcher::from_data(snap.matcher),
            })
        }
        _ => Err(sources),
    }
}

#[cfg(test)]
/// The snapshot of compiled rulesets; `None` if a pattern has no tree to store.
pub(crate) fn encode(rules: &RuleSet) -> Option<Vec<u8>> {
    let patterns = rules.matcher.encoded_patterns()?;
    let automaton = rules.matcher.serialized_automaton()?;
    let snap = Snapshot {
        fingerprint: FINGERPRINT,
        rules: rules.rules.clone(),
        lexicons: rules.lexicons.clone(),
        lexicon_needs: rules.lexicon_needs.clone(),
        dictionary: rules.dictionary.clone(),
        matcher: rules.matcher.to_data(&patterns, &automaton),
    };
    postcard::to_stdvec(&snap).ok()
}

#[cfg(test)]
mod tests {
    use super::{PATH, SNAPSHOT, encode, load};
    use crate::rules::{RuleSet, builtin};

    /// The embedded snapshot is what compiling the embedded rulesets gives now. With
    /// `CLAIMLINT_BLESS=1`, writes it instead.
    #[test]
    fn snapshot_is_fresh() {
        let compiled = RuleSet::compile_sources(builtin::sources()).expect("embedded rulesets");
        let fresh = encode(&compiled).expect("every pattern has a tree");
        if std::env::var_os("CLAIMLINT_BLESS").is_some() {
            let path = format!("{}/{PATH}", env!("CARGO_MANIFEST_DIR"));
            std::fs::write(path, &fresh).expect("write the snapshot");
            return;
        }
        assert!(
            fresh == SNAPSHOT,
            "{PATH} is stale: run `CLAIMLINT_BLESS=1 cargo test --lib snapshot` and commit it"
        );
        let loaded = load(builtin::sources()).expect("the snapshot loads");
        assert_eq!(encode(&loaded), Some(fresh), "loading keeps everything");
    }

    #[test]
    fn stored_nfas_are_the_compiled_ones() {
        let loaded = load(builtin::sources()).expect("the snapshot loads");
        let mut n = 0;
        for regex in loaded.matcher.regexes() {
            assert!(regex.nfas_are_compiled_ones(), "pattern {n}");
            n += 1;
        }
        assert!(n > 100, "{n} patterns");
    }

    #[test]
    fn other_sources_are_compiled_not_loaded() {
        let mut sources = builtin::sources();
        sources[0].text.push_str("\n# an edit\n");
        assert!(load(sources.clone()).is_err());
        sources.pop();
        assert!(load(sources).is_err());
    }
}
