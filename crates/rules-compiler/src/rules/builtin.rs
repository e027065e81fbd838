//! The build script's stand-in for `src/rules/builtin.rs`: while the embedded rulesets are being
//! compiled there are none precompiled, so every source is compiled from its TOML.

use super::compile::{LexiconDef, RuleSet, RulesetSource};

/// No source is precompiled here.
pub(crate) fn embedded_prefix(_: &[RulesetSource]) -> usize {
    0
}

/// Never called, as [`embedded_prefix`] is always 0.
pub(crate) fn precompiled(sources: Vec<RulesetSource>) -> Result<RuleSet, Vec<RulesetSource>> {
    Err(sources)
}

/// Never called, as nothing is compiled on top of precompiled rulesets here.
pub(crate) fn lexicon_defs() -> Option<Vec<LexiconDef<'static>>> {
    None
}
