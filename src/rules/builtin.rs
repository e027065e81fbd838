//! The rulesets embedded in the binary: the default set when no `--ruleset` replaces it.

use super::compile::RulesetSource;

/// Each embedded ruleset's display name and text.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    (
        "rulesets/medical.toml",
        include_str!("../../rulesets/medical.toml"),
    ),
    (
        "rulesets/ketamine.toml",
        include_str!("../../rulesets/ketamine.toml"),
    ),
    (
        "rulesets/conditions.toml",
        include_str!("../../rulesets/conditions.toml"),
    ),
    (
        "rulesets/treatments.toml",
        include_str!("../../rulesets/treatments.toml"),
    ),
    (
        "rulesets/claims.toml",
        include_str!("../../rulesets/claims.toml"),
    ),
    (
        "rulesets/profiles.toml",
        include_str!("../../rulesets/profiles.toml"),
    ),
];

/// The embedded ruleset files, in load order.
#[must_use]
pub fn sources() -> Vec<RulesetSource> {
    BUILTIN
        .iter()
        .map(|(name, text)| RulesetSource {
            name: (*name).to_string(),
            text: (*text).to_string(),
        })
        .collect()
}

/// Whether `sources` are the embedded rulesets, in load order (without copying them, as
/// [`sources`] would: this runs on every start).
#[must_use]
pub fn are_builtin(sources: &[RulesetSource]) -> bool {
    sources.len() == BUILTIN.len()
        && sources
            .iter()
            .zip(BUILTIN)
            .all(|(s, (name, text))| s.name == *name && s.text == *text)
}
