//! claimlint's rule compiler, for claimlint's build script.
//!
//! The build script compiles the embedded rulesets (`rulesets/*.toml`) into the snapshot the
//! binary loads (see `src/rules/snapshot.rs`), and it needs the very compiler the binary has, or
//! the snapshot's bytes would not read back. A build script cannot use the crate it builds, so
//! this crate compiles the compiler's source files where they are, in `src/` (`#[path]`
//! modules, in the same module tree, so their `super::` and `crate::` paths hold), and adds only
//! what the binary gets from the build script itself: [`builtin`], which here knows of no
//! precompiled rulesets.
//!
//! Much of the included code (scanning, the template mask) is never called here.
#![allow(dead_code, unreachable_pub)]

#[path = "../../../src/document.rs"]
pub mod document;

/// `document.rs` builds prose with a template mask (issue 22), so its type comes along. (Declared
/// here and re-exported: a `#[path]` inside an inline `mod extract` would resolve through a
/// folder this crate does not have.)
#[path = "../../../src/extract/template.rs"]
mod template;
pub mod extract {
    pub(crate) use super::template;
}

pub mod rules {
    #[path = "../../../../src/rules/anchor.rs"]
    pub mod anchor;
    pub mod builtin;
    #[path = "../../../../src/rules/compile.rs"]
    pub mod compile;
    #[path = "../../../../src/rules/dictionary.rs"]
    pub mod dictionary;
    #[path = "../../../../src/rules/interpolate.rs"]
    pub mod interpolate;
    #[path = "../../../../src/rules/matcher.rs"]
    pub mod matcher;
    #[path = "../../../../src/rules/nfa_codec.rs"]
    mod nfa_codec;
    #[path = "../../../../src/rules/pattern_regex.rs"]
    mod pattern_regex;
    #[path = "../../../../src/rules/phrase.rs"]
    pub mod phrase;
    #[path = "../../../../src/rules/profile.rs"]
    pub mod profile;
    #[path = "../../../../src/rules/schema.rs"]
    pub mod schema;
    #[path = "../../../../src/rules/snapshot.rs"]
    pub(crate) mod snapshot;
    #[path = "../../../../src/rules/spelling.rs"]
    pub mod spelling;

    pub use compile::{LexId, Rule, RuleSet, RulesetError, RulesetSource};
    pub use profile::Profile;
    pub use schema::{
        Applicability, AppliesIf, AuthKind, Category, CaveatId, Judge, Scope, Severity,
        TreatmentKind,
    };
}

use rules::{RuleSet, RulesetSource};

/// Whether a ruleset folder's file is a ruleset (it defines a `[[rule]]`, a `[lexicon.*]`, or a
/// dictionary entry, `[[treatment]]` or `[[condition]]`, whose names become lexicons) rather
/// than data for another part of claimlint; a file that is not TOML is a ruleset, so that
/// compiling it reports the error.
#[must_use]
pub fn is_ruleset(text: &str) -> bool {
    match text.parse::<toml::Table>() {
        Ok(table) => ["rule", "lexicon", "treatment", "condition"]
            .iter()
            .any(|k| table.contains_key(*k)),
        Err(_) => true,
    }
}

/// The snapshot of `sources` (display name, text) compiled, and their lexicons as rulesets
/// compiled on top of them read them, for `src/rules/builtin.rs`; or every error, one per line,
/// each with its file and line.
///
/// # Errors
/// The rulesets' errors (every pattern is compiled, so a broken one fails the build).
pub fn compile(sources: &[(String, String)]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let sources: Vec<RulesetSource> = sources
        .iter()
        .map(|(name, text)| RulesetSource {
            name: name.clone(),
            text: text.clone(),
        })
        .collect();
    let rules = RuleSet::compile(sources).map_err(|(sources, errors)| {
        errors
            .iter()
            .map(|e| {
                let source = &sources[e.source];
                let line = e.span.as_ref().map_or(0, |span| {
                    source.text[..span.start.min(source.text.len())]
                        .matches('\n')
                        .count()
                        + 1
                });
                format!("{}:{line}: {}", source.name, e.message)
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let snapshot = rules::snapshot::encode(&rules)
        .ok_or("the compiled rulesets cannot be stored (a pattern has no tree)")?;
    let lexicons = rules::snapshot::encode_lexicon_defs(&rules.sources)
        .ok_or("the embedded lexicons cannot be stored")?;
    Ok((snapshot, lexicons))
}
