//! Reporting: checked files and their findings → text on a `dyn Write`.
//!
//! The emitters take typed data ([`Report`], and the [`Diagnostic`] values built from it) and never
//! decide anything: `--format json` is the same values serialised that the human renderer shows.
//! Every emitter sees files sorted by path and findings sorted by offset, so output is
//! deterministic whatever order the parallel checker finished in.

pub mod concise;
pub mod escape;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod review;
pub mod sarif;
pub mod statistics;

use crate::check::{About, Finding};
use crate::rules::profile::Basis;
use crate::rules::{Category, Profile, Rule, RuleSet, Severity};
use crate::source::{LineIndex, SourceFile};
use serde::Serialize;
use std::borrow::Cow;
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
    /// Paths that could not be checked (reported on stderr): the summary never calls such a run
    /// clean.
    pub files_failed: usize,
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
                let mut d = Diagnostic::new(self.rules, &file.source, &index, f);
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
    /// What replaces the matched words: the rule's replacement in the case of the matched text
    /// (title case included), fitted to the sentence (see [`crate::fix::propose`]).
    pub replacement: String,
    /// `safe` only when the sentence still reads correctly after the fix.
    pub applicability: &'static str,
    /// The whole sentence as it would read after the fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
}

/// One finding, resolved against its rule and file: the JSON object of `--format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic<'a> {
    pub path: &'a str,
    pub rule: &'a str,
    pub category: &'static str,
    pub severity: &'static str,
    pub message: Cow<'a, str>,
    pub start: Position,
    pub end: Position,
    pub matched: &'a str,
    pub help: Cow<'a, str>,
    /// Why the rule exists, with its regulatory basis.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub note: Cow<'a, str>,
    pub suggestion: Option<Suggestion>,
    /// Present only for missing-caveat rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<&'static str>,
    /// The claim the claim model judged: its treatment and condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimJson<'a>>,
    /// The jurisdiction profile judged, when it is not the default `us`.
    #[serde(skip_serializing_if = "is_us")]
    pub profile: Profile,
    /// The finding's legal basis in that jurisdiction (see [`basis_of`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<&'a Basis>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference.
fn is_us(p: &Profile) -> bool {
    *p == Profile::Us
}

/// `"claim": {"treatment": "cbd", "condition": "anxiety", "matched": "anxiety"}` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimJson<'a> {
    /// The dictionary id of the subject.
    pub treatment: &'a str,
    /// The vocabulary id of the condition judged, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'a str>,
}

/// The text of a finding: its rule's message, label, help and note with the placeholders filled
/// in for what the finding is about (see `rulesets/claims.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingText<'a> {
    pub message: Cow<'a, str>,
    pub label: Cow<'a, str>,
    pub help: Cow<'a, str>,
    pub note: Cow<'a, str>,
}

impl<'a> FindingText<'a> {
    #[must_use]
    pub fn new(rules: &'a RuleSet, f: &Finding, text: &str) -> Self {
        let rule = &rules.rules[f.rule];
        let about = f.about.as_ref();
        let p = f.profile;
        Self {
            message: render(&rule.message, rules, about, text, p),
            label: render(&rule.label, rules, about, text, p),
            help: render(rule.help_in(p), rules, about, text, p),
            note: note(rules, rule, about, text, p),
        }
    }
}

/// A finding's note under `profile`: one jurisdiction's basis, never a mix. The US notes were
/// written with their US basis in the text, so under `us` the note is the rule's own (with its
/// own US `basis`, if it has one). Under another profile a general rule's note gives way to the
/// basis for that jurisdiction (the rule's, else the profile's default); a rule written for
/// that profile keeps its note, followed by its basis.
fn note<'a>(
    rules: &RuleSet,
    rule: &'a Rule,
    about: Option<&About>,
    text: &str,
    profile: Profile,
) -> Cow<'a, str> {
    let basis = basis_of(rules, rule, profile);
    let own = render(&rule.note, rules, about, text, profile);
    let keep_note = profile == Profile::Us || !rule.profiles.is_empty();
    match basis {
        None if keep_note => own,
        None => Cow::Borrowed(""),
        Some(b) => {
            let cite = format!(
                "basis ({}): {}{}",
                profile.label(),
                b.cite.trim_end_matches('.'),
                if b.verified {
                    ""
                } else {
                    " (citation not verified)"
                }
            );
            if keep_note && !own.is_empty() {
                Cow::Owned(format!("{}; {cite}", own.trim_end_matches('.')))
            } else {
                Cow::Owned(cite)
            }
        }
    }
}

/// The basis a finding of `rule` shows under `profile` (see [`note`]).
#[must_use]
pub fn basis_of<'a>(rules: &'a RuleSet, rule: &'a Rule, profile: Profile) -> Option<&'a Basis> {
    if profile == Profile::Us {
        rule.own_basis(profile)
    } else {
        rules.basis(rule, profile)
    }
}

/// Fills `{treatment}`, `{Treatment}`, `{condition}`, `{predicate}`, `{approval}`, `{risks}`,
/// `{controlled}` and `{jurisdiction}` in `template`. Without a subject they read generically
/// ("this treatment"), so no text ever shows a bare placeholder.
#[must_use]
pub fn render<'a>(
    template: &'a str,
    rules: &RuleSet,
    about: Option<&About>,
    text: &str,
    profile: Profile,
) -> Cow<'a, str> {
    if !template.contains('{') {
        return Cow::Borrowed(template);
    }
    let dict = &rules.dictionary;
    let jurisdiction = profile.as_str();
    let treatment = about.map(|a| dict.treatment(a.treatment));
    let words = |r: &std::ops::Range<usize>| -> String {
        text.get(r.clone())
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let name = treatment.map_or("this treatment", |t| t.name.as_str());
    let condition = about
        .and_then(|a| a.condition.as_ref())
        .map_or_else(|| "this use".to_string(), |(_, r)| words(r));
    // The page's own verb when it reads as one ("relieves", "helps with"); otherwise a neutral
    // one, so the message stays a sentence.
    // A list item under "Conditions we treat" is its own predicate and object: no verb to quote.
    let is_object = |r: &Range<usize>| {
        about
            .and_then(|a| a.condition.as_ref())
            .is_some_and(|(_, c)| r.start < c.end && c.start < r.end)
    };
    let predicate = about
        .and_then(|a| a.predicate.as_ref())
        .filter(|r| !is_object(r))
        .map(|r| words(r).to_lowercase())
        .filter(|p| {
            let mut w = p.split(' ');
            let first = w.next().unwrap_or_default();
            let rest: Vec<&str> = w.collect();
            first.len() > 3
                && first.ends_with('s')
                && !first.ends_with("ss")
                && (rest.is_empty() || matches!(rest.as_slice(), ["with" | "from"]))
        })
        .unwrap_or_else(|| "helps with".to_string());
    let approval = about
        .and_then(|a| dict.authorisation(a.treatment, jurisdiction))
        .map_or_else(
            || "Say plainly what this treatment is and is not approved for".to_string(),
            |a| a.statement.clone(),
        );
    let risks = treatment.map_or_else(
        || "the risks your clinician will explain".to_string(),
        |t| list(&t.risks),
    );
    // The dictionary states controlled status in US terms (Schedule III): another profile gets
    // the plain words rather than a US schedule.
    let controlled = treatment
        .and_then(|t| t.controlled.clone())
        .filter(|_| profile == Profile::Us)
        .unwrap_or_else(|| "a controlled substance".to_string());
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let value = match &after[..close] {
            "treatment" => name.to_string(),
            "Treatment" => capitalise(name),
            "condition" => condition.clone(),
            "predicate" => predicate.clone(),
            "approval" => approval.clone(),
            "risks" => risks.clone(),
            "controlled" => controlled.clone(),
            "jurisdiction" => profile.label().to_string(),
            other => format!("{{{other}}}"),
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// "a, b, c and d": the first four.
fn list(items: &[String]) -> String {
    let items = &items[..items.len().min(4)];
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl<'a> Diagnostic<'a> {
    #[must_use]
    pub fn new(rules: &'a RuleSet, file: &'a SourceFile, index: &LineIndex, f: &Finding) -> Self {
        let rule = &rules.rules[f.rule];
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
        let words = FindingText::new(rules, f, text);
        let claim = f.about.as_ref().filter(|a| a.judged).map(|a| ClaimJson {
            treatment: &rules.dictionary.treatment(a.treatment).id,
            condition: a
                .condition
                .as_ref()
                .map(|(c, _)| rules.dictionary.conditions[usize::from(*c)].id.as_str()),
        });
        Self {
            path: &file.name,
            rule: &rule.id,
            category: rule.category.as_str(),
            severity: rule.severity.as_str(),
            message: words.message,
            start: pos(f.span.start),
            end: pos(f.span.end),
            matched,
            help: words.help,
            note: words.note,
            suggestion: suggestion_in(rule, file.format, text, &f.span),
            caveat: if rule.category == Category::MissingCaveat {
                rule.caveat.map(crate::rules::CaveatId::as_str)
            } else {
                None
            },
            claim,
            profile: f.profile,
            basis: basis_of(rules, rule, f.profile),
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
            message: Cow::Borrowed(&m.message),
            start: pos(m.span.start),
            end: pos(m.span.end),
            matched: text.get(m.span.clone()).unwrap_or_default(),
            help: Cow::Borrowed(""),
            note: Cow::Borrowed(""),
            suggestion: None,
            caveat: None,
            claim: None,
            profile: Profile::Us,
            basis: None,
        }
    }
}

/// The rule's suggested replacement for `matched`, if it has one, without its sentence.
#[must_use]
pub fn suggestion(rule: &Rule, matched: &str) -> Option<Suggestion> {
    rule.replacement.as_ref().map(|r| Suggestion {
        replacement: keep_case(r, matched),
        applicability: rule.applicability.as_str(),
        sentence: None,
    })
}

/// The suggestion for the words at `span` of `text`, fitted to their sentence by
/// [`crate::fix::propose`]: its applicability is `review` when the sentence would not read well.
/// Where the fix reaches beyond the matched words (an article, a doubled word), `replacement`
/// stays the rule's, in the matched words' case, and `sentence` shows the whole fix.
#[must_use]
pub fn suggestion_in(
    rule: &Rule,
    format: crate::extract::Format,
    text: &str,
    span: &Range<usize>,
) -> Option<Suggestion> {
    let matched = text.get(span.clone()).unwrap_or_default();
    let base = suggestion(rule, matched)?;
    let Some(p) = crate::fix::propose(rule, format, text, span.clone()) else {
        return Some(base);
    };
    Some(Suggestion {
        replacement: if p.edit.range == *span {
            p.edit.text
        } else {
            base.replacement
        },
        applicability: p.applicability.as_str(),
        sentence: Some(p.sentence),
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
pub fn summary(files_checked: usize, files_failed: usize, c: Counts) -> String {
    let files = count(files_checked, "file", "files");
    if files_failed > 0 {
        // Never "no problems found" when a path could not be checked (issue 22).
        let failed = format!(
            "{} could not be checked",
            count(files_failed, "path", "paths")
        );
        let found = summary(files_checked, 0, c);
        let found = found
            .strip_prefix(&format!("checked {files}: "))
            .unwrap_or(&found);
        return if found == "no problems found" {
            format!("checked {files}; {failed}")
        } else {
            format!("checked {files}: {found}; {failed}")
        };
    }
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
            summary(3, 0, c),
            "checked 3 files: 2 errors, 5 warnings, 1 info"
        );
        assert_eq!(
            summary(1, 0, Counts::default()),
            "checked 1 file: no problems found"
        );
        // A path that could not be checked is never a clean run.
        assert_eq!(
            summary(0, 1, Counts::default()),
            "checked 0 files; 1 path could not be checked"
        );
        assert_eq!(
            summary(2, 3, c),
            "checked 2 files: 2 errors, 5 warnings, 1 info; 3 paths could not be checked"
        );
    }
}
