//! claimlint: a linter for medical marketing copy, as a library; the binary (`src/main.rs`) only
//! parses arguments, calls [`run::run`] and maps its outcome to an exit code.
//!
//! The data flows one way. A file is **read** ([`source`]: UTF-8, BOM, binary detection, line
//! index) and its **prose extracted** ([`extract`]: plain text, Markdown, HTML) into blocks of
//! normalised text with an offset map back to the source ([`document`]); each block is
//! **segmented** into sentences ([`segment`]) and **matched** against the compiled rulesets
//! ([`rules`]: TOML rules and lexicons, compiled into one phrase automaton plus regex patterns
//! gated by their literals; the embedded rulesets are compiled when claimlint is built); the
//! hits are **decided** into findings ([`check`]: qualifiers, negators, clauses, caveats,
//! in-document suppressions), which are **reported** (`report`: human, concise, JSON, SARIF,
//! GitHub) or **fixed** ([`fix`]). [`serve`] keeps the rules compiled for an editor.
//!
//! The public API is what the binary, the tests, the benchmarks and the fuzzers use:
//! [`rules::RuleSet::compile`] with [`rules::builtin::sources`], [`check::check`] or
//! [`check::Checker`], [`extract::Format`], the [`fix`] functions and [`run::run`].

pub mod annotate;
mod baseline;
pub mod check;
mod check_rules;
pub mod claim;
pub mod cli;
mod config;
pub mod document;
pub mod extract;
pub mod fix;
pub mod lsp;
mod report;
pub mod rules;
pub mod run;
mod segment;
pub mod serve;
pub mod site;
pub mod source;
mod suppress;
