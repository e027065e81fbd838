//! The embedded rulesets compiled ahead of time, as bytes: checking one small page used to spend
//! most of its time parsing the TOML, expanding lexicons into patterns and choosing their
//! anchors, the same work on every run. The build script (`build.rs`) compiles
//! `rulesets/*.toml` with this very code (the `claimlint-rules-compiler` crate includes these
//! files) and writes [`encode`]'s bytes to `OUT_DIR`; the binary [`load`]s them (see
//! [`super::builtin`]). They are generated on every build that changes a ruleset or the compiler,
//! never committed, so they cannot go stale.
//!
//! postcard (serde) because its format borrows: the strings, trees and NFAs stay in the binary's
//! bytes rather than being copied at start-up.

use super::compile::{Lexicon, LexiconDef, LexiconNeeds, Rule, RuleSet, RulesetSource};
use super::dictionary::Dictionary;
use super::matcher::{Matcher, MatcherData};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Snapshot<'a> {
    rules: Vec<Rule>,
    lexicons: Vec<Lexicon>,
    lexicon_needs: Vec<Option<LexiconNeeds>>,
    dictionary: Dictionary,
    #[serde(borrow)]
    matcher: MatcherData<'a>,
}

/// The rulesets compiled from `sources`, from the bytes [`encode`] made of them; `sources` back
/// if `bytes` are not a snapshot.
pub(crate) fn load(
    bytes: &'static [u8],
    sources: Vec<RulesetSource>,
) -> Result<RuleSet, Vec<RulesetSource>> {
    let Ok(snap) = postcard::from_bytes::<Snapshot>(bytes) else {
        return Err(sources);
    };
    Ok(RuleSet {
        sources,
        rules: snap.rules,
        lexicons: snap.lexicons,
        lexicon_needs: snap.lexicon_needs,
        dictionary: snap.dictionary,
        matcher: Matcher::from_data(snap.matcher),
    })
}

/// Compiled rulesets as bytes for [`load`]; `None` if a pattern has no tree to store or the
/// automaton cannot be built.
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by the build script's compiler crate")
)]
pub(crate) fn encode(rules: &RuleSet) -> Option<Vec<u8>> {
    let patterns = rules.matcher.encoded_patterns()?;
    let automaton = rules.matcher.serialized_automaton()?;
    let snap = Snapshot {
        rules: rules.rules.clone(),
        lexicons: rules.lexicons.clone(),
        lexicon_needs: rules.lexicon_needs.clone(),
        dictionary: rules.dictionary.clone(),
        matcher: rules.matcher.to_data(&patterns, &automaton),
    };
    postcard::to_stdvec(&snap).ok()
}

/// The embedded lexicons as a user's rulesets compiled on top read them (see
/// [`super::compile::lexicon_defs`]), from the bytes [`encode_lexicon_defs`] made; `None` if
/// `bytes` are not that. A second blob, so that a run with the embedded rulesets alone does not
/// decode it.
pub(crate) fn load_lexicon_defs(bytes: &'static [u8]) -> Option<Vec<LexiconDef<'static>>> {
    postcard::from_bytes(bytes).ok()
}

/// The lexicons of the embedded rulesets `sources` as bytes for [`load_lexicon_defs`]; `None` if
/// they do not compile.
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by the build script's compiler crate")
)]
pub(crate) fn encode_lexicon_defs(sources: &[RulesetSource]) -> Option<Vec<u8>> {
    postcard::to_stdvec(&super::compile::lexicon_defs(sources)?).ok()
}

#[cfg(test)]
mod tests {
    use super::encode;
    use crate::rules::{RuleSet, builtin};

    /// The embedded snapshot is what compiling the embedded rulesets gives, and loading it
    /// keeps everything.
    #[test]
    fn the_embedded_snapshot_is_what_compiling_gives() {
        let compiled = RuleSet::compile_sources(builtin::sources()).expect("embedded rulesets");
        let fresh = encode(&compiled).expect("every pattern has a tree");
        let loaded = RuleSet::compile(builtin::sources()).expect("the snapshot loads");
        assert_eq!(encode(&loaded), Some(fresh), "loading keeps everything");
        assert_eq!(
            format!("{:?}", loaded.matcher),
            format!("{:?}", compiled.matcher)
        );
    }

    /// A pattern's regex is stored as its tree prints; parsed again, it is the same tree.
    #[test]
    fn stored_regex_text_parses_to_the_compiled_tree() {
        let compiled = RuleSet::compile_sources(builtin::sources()).expect("embedded rulesets");
        let loaded = RuleSet::compile(builtin::sources()).expect("the snapshot loads");
        let mut n = 0;
        for (a, b) in compiled.matcher.regexes().zip(loaded.matcher.regexes()) {
            assert!(a.hir().is_some() && a.hir() == b.hir(), "pattern {n}");
            n += 1;
        }
        assert!(n > 100, "{n} patterns");
    }

    /// The stored embedded lexicons are what reading the embedded TOML gives.
    #[test]
    fn the_stored_lexicons_are_what_the_toml_gives() {
        let bytes = super::encode_lexicon_defs(&builtin::sources()).expect("embedded rulesets");
        let fresh: Vec<crate::rules::compile::LexiconDef> =
            postcard::from_bytes(&bytes).expect("reads back");
        let stored = builtin::lexicon_defs().expect("the stored lexicons load");
        assert_eq!(stored, fresh);
        let loaded = RuleSet::compile(builtin::sources()).expect("the snapshot loads");
        assert_eq!(stored.len(), loaded.lexicons.len());
    }

    #[test]
    fn stored_nfas_are_the_compiled_ones() {
        let loaded = RuleSet::compile(builtin::sources()).expect("the snapshot loads");
        let mut n = 0;
        for regex in loaded.matcher.regexes() {
            assert!(regex.nfas_are_compiled_ones(), "pattern {n}");
            n += 1;
        }
        assert!(n > 100, "{n} patterns");
    }
}
