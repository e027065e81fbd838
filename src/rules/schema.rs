//! The ruleset file format as serde reads it: raw, unvalidated, with spans kept for the errors
//! that later validation reports. `deny_unknown_fields` everywhere, so a misspelt key is an error
//! at its line and column rather than a silently ignored setting.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleset {
    #[serde(default)]
    pub ruleset: Option<RawMeta>,
    /// Named phrase/pattern sets that rules refer to in `unless`, `requires`, `negated-by`,
    /// `trigger` and `present-if`, and inside patterns as `{name}`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Spanned<RawLexicon>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLexicon {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Phrases that, overlapping a match of this lexicon, cancel it ("not only" for `not`).
    #[serde(default)]
    pub exceptions: Vec<Spanned<String>>,
    /// Patterns that cancel an overlapping match, for exceptions no phrase list can spell: a
    /// rhetorical "why wait … when …?" cancels the `?` that marks a real question.
    #[serde(default)]
    pub exception_patterns: Vec<Spanned<String>>,
    /// As a qualifier (`unless`), the lexicon counts only in the claim's own clause: a modal
    /// hedges its own verb ("the pills you may have tried, ketamine works at once").
    #[serde(default)]
    pub clause_bound: bool,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Hype,
    Efficacy,
    OffLabel,
    Approval,
    Safety,
    Superiority,
    MissingCaveat,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CaveatId {
    SideEffects,
    Supervision,
    ApprovalScope,
    Abuse,
    IndividualResults,
    Consult,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Sentence,
    Paragraph,
    Document,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// A word swap that keeps the meaning: `--fix` applies it.
    Safe,
    /// Changes a claim or adds text: applied only with `--unsafe-fixes`.
    #[default]
    Review,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRule {
    pub id: Spanned<String>,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub help: String,
    pub note: String,
    /// A concrete replacement for the matched words, when one keeps the sentence intact.
    #[serde(default)]
    pub replacement: Option<Spanned<String>>,
    #[serde(default)]
    pub applicability: Applicability,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub exceptions: Vec<Spanned<String>>,
    /// As for a lexicon: patterns that cancel an overlapping match.
    #[serde(default)]
    pub exception_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub negated_by: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless_scope: Scope,
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    #[serde(default)]
    pub requires_document: Vec<Spanned<String>>,
    /// Missing-caveat rules only.
    #[serde(default)]
    pub caveat: Option<CaveatId>,
    #[serde(default)]
    pub trigger: Vec<Spanned<String>>,
    /// Groups of lexicons: the caveat is present when every lexicon of some group matches in
    /// one sentence.
    #[serde(default)]
    pub present_if: Vec<Vec<Spanned<String>>>,
    /// Missing-caveat rules only: how many trigger mentions make a page promote the treatment.
    #[serde(default = "one")]
    pub min_triggers: usize,
    #[serde(default)]
    pub examples: RawExamples,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(default)]
    pub flag: Vec<String>,
    #[serde(default)]
    pub pass: Vec<String>,
}

fn one() -> usize {
    1
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl Category {
    pub const ALL: [Self; 7] = [
        Self::Hype,
        Self::Efficacy,
        Self::OffLabel,
        Self::Approval,
        Self::Safety,
        Self::Superiority,
        Self::MissingCaveat,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hype => "hype",
            Self::Efficacy => "efficacy",
            Self::OffLabel => "off-label",
            Self::Approval => "approval",
            Self::Safety => "safety",
            Self::Superiority => "superiority",
            Self::MissingCaveat => "missing-caveat",
        }
    }
}

impl CaveatId {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SideEffects => "side-effects",
            Self::Supervision => "supervision",
            Self::ApprovalScope => "approval-scope",
            Self::Abuse => "abuse",
            Self::IndividualResults => "individual-results",
            Self::Consult => "consult",
        }
    }
}

impl Applicability {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Review => "review",
        }
    }
}
