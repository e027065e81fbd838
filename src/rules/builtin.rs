//! The rulesets embedded in the binary — the default set when no `--ruleset` replaces it — and
//! their compiled form.
//!
//! `build.rs` finds every `rulesets/*.toml`, lists them in `OUT_DIR/embedded.rs` (so a new file
//! there is embedded without touching this module), and compiles those that are rulesets (they
//! define a `[[rule]]` or a `[lexicon.*]`; other files there are data, such as facts tables,
//! embedded as they are) into `OUT_DIR/builtin.snapshot` (see [`super::snapshot`]), and stores
//! what rulesets compiled on top of them read of their lexicons in `OUT_DIR/builtin.lexicons`.

use super::compile::{LexiconDef, RuleSet, RulesetSource};

// `FILES`: every `rulesets/*.toml` as (display name, text), sorted by name; `RULESETS`: the
// indices in `FILES` of the rulesets, in load order.
include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The embedded rulesets compiled by the build script.
static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.snapshot"));

/// Their lexicons as rulesets compiled on top of them read them (see
/// [`super::compile::lexicon_defs`]), stored by the build script too.
static LEXICON_DEFS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.lexicons"));

/// The text of the embedded file `name` (for example `rulesets/medical.toml`).
#[must_use]
pub fn file(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The embedded ruleset files, in load order.
#[must_use]
pub fn sources() -> Vec<RulesetSource> {
    RULESETS
        .iter()
        .map(|&i| RulesetSource {
            name: FILES[i].0.to_string(),
            text: FILES[i].1.to_string(),
        })
        .collect()
}

/// Whether `name` is the display name of an embedded ruleset (compared without copying their
/// texts, as [`sources`] would: this runs on every start).
#[must_use]
pub(crate) fn is_ruleset_name(name: &str) -> bool {
    RULESETS.iter().any(|&i| FILES[i].0 == name)
}

/// How many of `sources`, from the first, are the embedded rulesets in load order: all of them
/// or none (compared without copying them, as [`sources`] would: this runs on every start).
#[must_use]
pub(crate) fn embedded_prefix(sources: &[RulesetSource]) -> usize {
    let embedded = sources.len() >= RULESETS.len()
        && sources.iter().zip(RULESETS).all(|(s, &i)| {
            let (name, text) = FILES[i];
            s.name == name && s.text == text
        });
    if embedded { RULESETS.len() } else { 0 }
}

/// The embedded rulesets, precompiled, given their `sources` (see [`embedded_prefix`]); the
/// sources back if the snapshot does not load, which a test rules out.
pub(crate) fn precompiled(sources: Vec<RulesetSource>) -> Result<RuleSet, Vec<RulesetSource>> {
    super::snapshot::load(SNAPSHOT, sources)
}

/// The embedded lexicons as rulesets compiled on top of them read them, so that their TOML is
/// not parsed again; `None` if the stored bytes do not load, which a test rules out.
pub(crate) fn lexicon_defs() -> Option<Vec<LexiconDef<'static>>> {
    super::snapshot::load_lexicon_defs(LEXICON_DEFS)
}

#[cfg(test)]
mod tests {
    use super::{embedded_prefix, sources};

    #[test]
    fn only_the_embedded_rulesets_in_order_are_precompiled() {
        let mut list = sources();
        assert!(list.len() >= 2, "medical and ketamine");
        assert_eq!(embedded_prefix(&list), list.len());
        list.push(crate::rules::RulesetSource {
            name: "mine.toml".into(),
            text: String::new(),
        });
        assert_eq!(embedded_prefix(&list), list.len() - 1);
        list[0].text.push_str("\n# an edit\n");
        assert_eq!(embedded_prefix(&list), 0);
        let mut list = sources();
        list.swap(0, 1);
        assert_eq!(embedded_prefix(&list), 0);
        list.pop();
        assert_eq!(embedded_prefix(&list), 0);
    }
}
