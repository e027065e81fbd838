//! Findings → protocol diagnostics, and config errors → diagnostics on `claimlint.toml`.
//!
//! A diagnostic carries what `check --format json` does: severity (per file, after the config's
//! overrides), the rule id as `code`, a `codeDescription` link to the rule's definition, the
//! message with the balanced wording as a `help:` line, and for a missing caveat a related
//! location: the place where the "insert balanced caveat" fix would put it.

use super::position::{Encoding, Lines};
use super::snapshot::Snapshot;
use crate::check::Finding;
use crate::config::ConfigFailure;
use crate::fix;
use crate::report::{MetaFinding, sarif};
use crate::rules::{Category, Rule, RuleSet, Severity};
use crate::source::LineIndex;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Url,
};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "claimlint";

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where each rule (by index) is documented: its entry in the ruleset file that defines it, on
/// the project's repository for a built-in ruleset, or the file itself for a ruleset of the
/// user's. Computed once per workspace (see [`super::workspace::Workspace::rule_url`]).
#[must_use]
pub fn rule_urls(rules: &RuleSet) -> Vec<Option<Url>> {
    let bases: Vec<(Option<Url>, LineIndex)> = rules
        .sources
        .iter()
        .map(|src| {
            let builtin = crate::rules::builtin::file(&src.name).is_some();
            let base = if builtin {
                Url::parse(&format!(
                    "{}/blob/main/{}",
                    sarif::information_uri(),
                    src.name
                ))
                .ok()
            } else {
                Url::from_file_path(&src.name).ok()
            };
            (base, LineIndex::new(&src.text))
        })
        .collect();
    rules
        .rules
        .iter()
        .map(|rule: &Rule| {
            let (base, index) = bases.get(rule.source)?;
            let mut url = base.clone()?;
            let text = &rules.sources[rule.source].text;
            let line = index.line_col(text, rule.span.start).line;
            url.set_fragment(Some(&format!("L{line}")));
            Some(url)
        })
        .collect()
}

/// The diagnostic for one finding of `snap`.
#[must_use]
pub fn finding(snap: &Snapshot, lines: &Lines<'_>, f: &Finding) -> Option<Diagnostic> {
    let checked = snap.checked.as_ref()?;
    let rules = &checked.workspace.rules;
    let rule = rules.rules.get(f.rule)?;
    let words = crate::report::FindingText::new(rules, f, snap.body());
    let mut message = words.message.into_owned();
    if !words.help.trim().is_empty() {
        message.push_str("\nhelp: ");
        message.push_str(words.help.trim());
    }
    let related = (rule.category == Category::MissingCaveat).then(|| {
        let body = snap.body();
        let at = fix::caveat_edit(rules, f, checked.report.source.format, body)
            .map_or(body.len(), |e| e.range.start);
        let caveat = rule.caveat.map_or("a caveat", |c| c.as_str());
        vec![DiagnosticRelatedInformation {
            location: Location::new(snap.uri.clone(), lines.range(at + snap.bom..at + snap.bom)),
            message: format!(
                "nothing on the page discloses {caveat}: the balanced caveat would go here"
            ),
        }]
    });
    Some(Diagnostic {
        range: lines.range(f.span.start + snap.bom..f.span.end + snap.bom),
        severity: Some(severity(checked.report.severity(rules, f))),
        code: Some(NumberOrString::String(rule.id.clone())),
        code_description: checked
            .workspace
            .rule_url(f.rule)
            .map(|href| CodeDescription { href: href.clone() }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: related,
        tags: None,
        data: None,
    })
}

/// The diagnostic for a problem with a suppression comment.
#[must_use]
pub fn meta(snap: &Snapshot, lines: &Lines<'_>, m: &MetaFinding) -> Diagnostic {
    Diagnostic {
        range: lines.range(m.span.start + snap.bom..m.span.end + snap.bom),
        severity: Some(severity(m.rule.severity())),
        code: Some(NumberOrString::String(m.rule.id().to_string())),
        source: Some(SOURCE.to_string()),
        message: format!("{}\nhelp: {}", m.message, m.rule.label()),
        ..Diagnostic::default()
    }
}

/// Every diagnostic of a snapshot, in document order.
#[must_use]
pub fn all(snap: &Snapshot) -> Vec<Diagnostic> {
    let Some(checked) = &snap.checked else {
        return Vec::new();
    };
    let lines = snap.lines();
    let mut out: Vec<(usize, Diagnostic)> = checked
        .report
        .findings
        .iter()
        .filter_map(|f| finding(snap, &lines, f).map(|d| (f.span.start, d)))
        .chain(
            checked
                .report
                .meta
                .iter()
                .map(|m| (m.span.start, meta(snap, &lines, m))),
        )
        .collect();
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, d)| d).collect()
}

/// A broken config's errors as diagnostics on the config file itself.
#[must_use]
pub fn config_errors(failure: &ConfigFailure, encoding: Encoding) -> Vec<Diagnostic> {
    let lines = Lines::new(&failure.text, encoding);
    failure
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: lines.range(e.span.clone().unwrap_or(0..0)),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE.to_string()),
            message: e.message.clone(),
            ..Diagnostic::default()
        })
        .collect()
}
