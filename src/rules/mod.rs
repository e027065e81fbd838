//! Rules are data: TOML rulesets are parsed ([`schema`]), validated and compiled into one
//! [`RuleSet`] ([`compile`]) whose phrases share one automaton ([`matcher`]). The embedded
//! rulesets are compiled by the build script and loaded ready-made ([`builtin`]); a user's
//! rulesets are compiled at start-up on top of them, with an automaton of their own.

pub mod anchor;
pub mod builtin;
pub mod compile;
pub mod dictionary;
pub mod examples;
pub mod interpolate;
pub mod matcher;
mod nfa_codec;
mod pattern_regex;
pub mod phrase;
pub mod profile;
pub mod schema;
mod snapshot;
pub mod spelling;

pub use compile::{LexId, Rule, RuleSet, RulesetError, RulesetSource};
pub use profile::Profile;
pub use schema::{
    Applicability, AppliesIf, AuthKind, Category, CaveatId, Judge, Scope, Severity, TreatmentKind,
};
