//! The rulesets embedded in the binary: the default set when no `--ruleset` replaces it.

use super::compile::RulesetSource;

const BUILTIN: &[(&str, &str)] = &[
    (
        "rulesets/medical.toml",
        include_str!("../../rulesets/medical.toml"),
    ),
    (
        "rulesets/ketamine.toml",
        include_str!("../../rulesets/ketamine.toml"),
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
