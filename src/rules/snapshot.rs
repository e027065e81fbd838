//! The embedded rulesets compiled ahead of time: checking one small page used to spend most of
//! its time parsing the TOML, expanding lexicons into patterns and choosing their anchors, the
//! same work on every run. `builtin.snapshot` holds the result (rules, lexicons, automaton
//! strings, pattern trees and NFAs), and loading it replaces compiling whenever it was made from the very
//! rulesets and compiler code in this binary; otherwise the rulesets are compiled as usual, so a
//! stale snapshot costs time, never correctness.
//!
//! The test suite fails when the snapshot is stale; `CLAIMLINT_BLESS=1 cargo test --lib
//! snapshot` writes a fresh one (after editing `rulesets/*.toml` or the compiler).

use super::compile::{Lexicon, LexiconNeeds, Rule, RuleSet, RulesetSource};
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
    include_str!("matcher.rs"),
    include_str!("anchor.rs"),
    include_str!("interpolate.rs"),
    include_str!("phrase.rs"),
    include_str!("schema.rs"),
    include_str!("hir_codec.rs"),
    include_str!("nfa_codec.rs"),
    include_str!("pattern_regex.rs"),
    include_str!("snapshot.rs"),
    include_str!("../document.rs"),
    include_str!("../../Cargo.lock"),
];

#[derive(Serialize, Deserialize)]
struct Snapshot<'a> {
    /// [`fingerprint`] of what it was compiled from.
    fingerprint: u64,
    rules: Vec<Rule>,
    lexicons: Vec<Lexicon>,
    lexicon_needs: Vec<Option<LexiconNeeds>>,
    #[serde(borrow)]
    matcher: MatcherData<'a>,
}

/// A hash of the ruleset sources and the compiler: eight bytes at a time, FNV-style, because it
/// runs on every start (about 300 KB) and guards against honest staleness, not an adversary.
fn fingerprint(sources: &[RulesetSource]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            let word = u64::from_le_bytes(w.try_into().unwrap_or_default());
            h = (h ^ word).wrapping_mul(PRIME).rotate_left(23);
        }
        for &b in words.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
        // The length ends each part, so that moving bytes between parts changes the hash.
        h = (h ^ bytes.len() as u64).wrapping_mul(PRIME);
    };
    for code in COMPILER {
        feed(code.as_bytes());
    }
    for s in sources {
        feed(s.name.as_bytes());
        feed(s.text.as_bytes());
    }
    h
}

/// The compiled rulesets, if the snapshot was made from `sources` by this compiler; otherwise
/// `sources` back, to compile.
pub(crate) fn load(sources: Vec<RulesetSource>) -> Result<RuleSet, Vec<RulesetSource>> {
    match postcard::from_bytes::<Snapshot>(SNAPSHOT) {
        Ok(snap) if snap.fingerprint == fingerprint(&sources) => Ok(RuleSet {
            sources,
            rules: snap.rules,
            lexicons: snap.lexicons,
            lexicon_needs: snap.lexicon_needs,
            matcher: Matcher::from_data(snap.matcher),
        }),
        _ => Err(sources),
    }
}

#[cfg(test)]
/// The snapshot of compiled rulesets; `None` if a pattern has no tree to store.
pub(crate) fn encode(rules: &RuleSet) -> Option<Vec<u8>> {
    let patterns = rules.matcher.encoded_patterns()?;
    let snap = Snapshot {
        fingerprint: fingerprint(&rules.sources),
        rules: rules.rules.clone(),
        lexicons: rules.lexicons.clone(),
        lexicon_needs: rules.lexicon_needs.clone(),
        matcher: rules.matcher.to_data(&patterns),
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
