//! Reporting: checked files and their findings → text on a `dyn Write`.
//!
//! The emitters take typed data ([`Report`], and the [`Diagnostic`] values built from it) and never
//! decide anything: `--format json` is the same values serialised that the human renderer shows.
//! Every emitter sees files sorted by path and findings sorted by offset, so output is
//! deterministic whatever order the parallel checker finished in.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use crate::check::Finding;
use crate::rules::{Category, Rule, RuleSet, Severity};
use crate::source::{LineIndex, SourceFile};
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// One checked file that has findings.
#[derive(Debug)]
pub struct FileReport {
    pub source: SourceFile,
    /// Sorted by offset.
    pub findings: Vec<Finding>,
    /// Diagnostics about the file's suppression comments rather than its prose, sorted by offset.
    pub meta: Vec<MetaFinding>,
    /// The severity of each rule (by index) for this file when a config `[[overrides]]` entry
    /// changes it; `None`: the rules' own. Use [`FileReport::severity`].
    pub severities: Option<Arc<[Severity]>>,
}

impl FileReport {
    /// A file's findings with no meta diagnostics and the rules' own severities.
    #[must_use]
    pub fn new(source: SourceFile, findings: Vec<Finding>) -> Self {
        Self {
            source,
            findings,
            meta: Vec::new(),
            severities: None,
        }
    }

    /// The severity `f` reports at in this file.
    #[must_use]
    pub fn severity(&self, rules: &RuleSet, f: &Finding) -> Severity {
        self.severities
            .as_ref()
            .and_then(|s| s.get(f.rule).copied())
            .unwrap_or(rules.rules[f.rule].severity)
    }
}

/// A rule of claimlint itself rather than of a ruleset: it checks the suppression comments, so it
/// has no help text, no examples and no ruleset entry. Always a warning, category `suppression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetaRule {
    /// A `claimlint-disable…` comment without `-- reason`.
    SuppressionWithoutReason,
    /// A rule a suppression names that suppressed nothing (`--report-unused-suppressions`).
    UnusedSuppression,
    /// An unknown directive, or a rule name that matches nothing.
    InvalidSuppression,
}

impl MetaRule {
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Self::SuppressionWithoutReason => "claimlint/suppression-without-reason",
            Self::UnusedSuppression => "claimlint/unused-suppression",
            Self::InvalidSuppression => "claimlint/invalid-suppression",
        }
    }

    #[must_use]
    #[allow(
        clippy::unused_self,
        reason = "every kind is a warning today; callers ask the kind, not assume it"
    )]
    pub fn severity(self) -> Severity {
        Severity::Warning
    }

    pub const CATEGORY: &'static str = "suppression";

    /// The short label under the comment in human output.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::SuppressionWithoutReason => "add ` -- why` after the rule names",
            Self::UnusedSuppression => "nothing to suppress here",
            Self::InvalidSuppression => "not a valid suppression",
        }
    }
}

/// One meta diagnostic: a [`MetaRule`] at a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaFinding {
    pub rule: MetaRule,
    /// Byte range of the comment in the source.
    pub span: Range<usize>,
    pub message: String,
}

/// Everything a run found.
#[derive(Debug)]
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    /// Files with findings, sorted by path.
    pub files: Vec<FileReport>,
    /// How many files were read and checked, with or without findings.
    pub files_checked: usize,
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report<'_> {
    #[must_use]
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        let severities = self.files.iter().flat_map(|file| {
            let findings = file.findings.iter().map(|f| file.severity(self.rules, f));
            findings.chain(file.meta.iter().map(|m| m.rule.severity()))
        });
        for s in severities {
            match s {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// Every finding as a [`Diagnostic`], sorted by path, then offset.
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic<'_>> {
        let mut out = Vec::new();
        for file in &self.files {
            let index = LineIndex::new(&file.source.text);
            let start = out.len();
            for f in &file.findings {
                let mut d = Diagnostic::new(&self.rules.rules[f.rule], &file.source, &index, f);
                d.severity = file.severity(self.rules, f).as_str();
                out.push(d);
            }
            if !file.meta.is_empty() {
                out.extend(
                    file.meta
                        .iter()
                        .map(|m| Diagnostic::meta(m, &file.source, &index)),
                );
                // Stable: a meta diagnostic sorts after a finding at the same offset.
                out[start..].sort_by_key(|d| d.start.offset);
            }
        }
        out
    }
}

/// A position for the user: 1-based line, 1-based column in characters, and the byte offset in
/// the file as read (a skipped byte-order mark included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// A concrete replacement for the matched words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The rule's replacement with the case of the matched text kept.
    pub replacement: String,
    pub applicability: &'static str,
}

/// One finding, resolved against its rule and file: the JSON object of `--format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic<'a> {
    pub path: &'a str,
    pub rule: &'a str,
    pub category: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
    pub start: Position,
    pub end: Position,
    pub matched: &'a str,
    pub help: &'a str,
    pub suggestion: Option<Suggestion>,
    /// Present only for missing-caveat rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<&'static str>,
}

impl<'a> Diagnostic<'a> {
    #[must_use]
    pub fn new(rule: &'a Rule, file: &'a SourceFile, index: &LineIndex, f: &Finding) -> Self {
        let text = file.text.as_str();
        let pos = |offset: usize| {
            let lc = index.line_col(text, offset);
            Position {
                line: lc.line,
                column: lc.column,
                offset: offset + file.bom,
            }
        };
        let matched = text.get(f.span.clone()).unwrap_or_default();
        Self {
            path: &file.name,
            rule: &rule.id,
            category: rule.category.as_str(),
            severity: rule.severity.as_str(),
            message: &rule.message,
            start: pos(f.span.start),
            end: pos(f.span.end),
            matched,
            help: &rule.help,
            suggestion: suggestion(rule, matched),
            caveat: if rule.category == Category::MissingCaveat {
                rule.caveat.map(crate::rules::CaveatId::as_str)
            } else {
                None
            },
        }
    }
}

impl<'a> Diagnostic<'a> {
    /// The diagnostic for a [`MetaFinding`]: no help, no suggestion.
    #[must_use]
    pub fn meta(m: &'a MetaFinding, file: &'a SourceFile, index: &LineIndex) -> Self {
        let text = file.text.as_str();
        let pos = |offset: usize| {
            let lc = index.line_col(text, offset);
            Position {
                line: lc.line,
                column: lc.column,
                offset: offset + file.bom,
            }
        };
        Self {
            path: &file.name,
            rule: m.rule.id(),
            category: MetaRule::CATEGORY,
            severity: m.rule.severity().as_str(),
            message: &m.message,
            start: pos(m.span.start),
            end: pos(m.span.end),
            matched: text.get(m.span.clone()).unwrap_or_default(),
            help: "",
            suggestion: None,
            caveat: None,
        }
    }
}

/// The rule's suggested replacement for `matched`, if it has one.
#[must_use]
pub fn suggestion(rule: &Rule, matched: &str) -> Option<Suggestion> {
    rule.replacement.as_ref().map(|r| Suggestion {
        replacement: keep_case(r, matched),
        applicability: rule.applicability.as_str(),
    })
}

/// `replacement` in the case of `matched`: all capitals (two letters or more) → upper case; a
/// capital first letter → the replacement's first letter capitalised; otherwise as written.
#[must_use]
pub fn keep_case(replacement: &str, matched: &str) -> String {
    let mut letters = matched.chars().filter(|c| c.is_alphabetic());
    let first = letters.next();
    let all_caps = first.is_some_and(char::is_uppercase) && {
        let rest: Vec<char> = letters.collect();
        !rest.is_empty() && rest.iter().all(|c| c.is_uppercase())
    };
    if all_caps {
        return replacement.to_uppercase();
    }
    if matched.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = replacement.chars();
        if let Some(c) = chars.next() {
            return c.to_uppercase().chain(chars).collect();
        }
    }
    replacement.to_string()
}

/// Plural-aware count: `1 file`, `2 files`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary: `checked 3 files: 2 errors, 5 warnings, 1 info`.
#[must_use]
pub fn summary(files_checked: usize, c: Counts) -> String {
    let files = count(files_checked, "file", "files");
    let mut parts = Vec::new();
    if c.errors > 0 {
        parts.push(count(c.errors, "error", "errors"));
    }
    if c.warnings > 0 {
        parts.push(count(c.warnings, "warning", "warnings"));
    }
    if c.infos > 0 {
        parts.push(format!("{} info", c.infos));
    }
    if parts.is_empty() {
        format!("checked {files}: no problems found")
    } else {
        format!("checked {files}: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_case_follows_the_match() {
        assert_eq!(keep_case("new", "miracle"), "new");
        assert_eq!(keep_case("new option", "Miracle"), "New option");
        assert_eq!(keep_case("new", "MIRACLE"), "NEW");
        assert_eq!(keep_case("new", "Game-Changer"), "New");
    }

    #[test]
    fn summary_line() {
        let c = Counts {
            errors: 2,
            warnings: 5,
            infos: 1,
        };
        assert_eq!(
            summary(3, c),
            "checked 3 files: 2 errors, 5 warnings, 1 info"
        );
        assert_eq!(
            summary(1, Counts::default()),
            "checked 1 file: no problems found"
        );
    }
}
