//! `--format sarif`: a SARIF 2.1.0 log, as GitHub code scanning reads it.
//!
//! One run; `tool.driver.rules` lists every loaded rule with its message, note, balanced wording
//! (`help`), default level and category tag, and each result points at its rule by id and index.
//! Locations are relative to the repository root through the `%SRCROOT%` base id (CI runs
//! claimlint from the checkout's root). Columns count Unicode code points, as our human output
//! does, so the run declares `columnKind: unicodeCodePoints` instead of SARIF's UTF-16 default.
//! A result whose rule has a replacement carries it as a `fixes[]` entry, built by the same code
//! as `--fix` so the two never disagree.

use super::{Diagnostic, MetaRule, Report};
use crate::baseline;
use crate::fix;
use crate::rules::{Rule, Severity};
use crate::source::LineIndex;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Where the rules are documented, for `tool.driver.informationUri`.
const FALLBACK_INFORMATION_URI: &str = "https://github.com/claimlint/claimlint";

/// The URI of the project: Cargo's `repository` when set.
#[must_use]
pub fn information_uri() -> &'static str {
    let repo = env!("CARGO_PKG_REPOSITORY");
    if repo.is_empty() {
        FALLBACK_INFORMATION_URI
    } else {
        repo
    }
}

/// SARIF's name for a severity.
#[must_use]
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A reported path as a repository-relative path: `./` prefixes dropped, `\` turned into `/`.
#[must_use]
pub fn relative_path(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    p
}

/// Percent-encodes a relative path for a URI reference, keeping `/` and RFC 3986 unreserved bytes.
#[must_use]
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The artifact location of a reported path: relative to `%SRCROOT%`, or an absolute `file:` URI.
fn artifact_location(path: &str) -> Value {
    let rel = relative_path(path);
    if rel.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_encode(&rel)) })
    } else {
        json!({ "uri": uri_encode(&rel), "uriBaseId": "%SRCROOT%" })
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut help = rule.help.trim_end().to_string();
    if let Some(r) = &rule.replacement {
        let _ = write!(
            help,
            "\n\nSuggested replacement: \"{r}\" ({}).",
            rule.applicability.as_str()
        );
    }
    let full = if rule.note.is_empty() {
        rule.message.clone()
    } else {
        rule.note.trim_end().to_string()
    };
    json!({
        "id": rule.id,
        "shortDescription": { "text": rule.message },
        "fullDescription": { "text": full },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": [rule.category.as_str()] },
    })
}

fn region(index: &LineIndex, text: &str, range: std::ops::Range<usize>) -> Value {
    let start = index.line_col(text, range.start);
    let end = index.line_col(text, range.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// claimlint's own rules (about suppression comments), listed after the ruleset rules.
const META_RULES: [MetaRule; 3] = [
    MetaRule::SuppressionWithoutReason,
    MetaRule::UnusedSuppression,
    MetaRule::InvalidSuppression,
];

fn meta_descriptor(m: MetaRule) -> Value {
    json!({
        "id": m.id(),
        "shortDescription": { "text": m.label() },
        "fullDescription": { "text": m.label() },
        "help": { "text": m.label() },
        "defaultConfiguration": { "level": level(m.severity()) },
        "properties": { "tags": [MetaRule::CATEGORY] },
    })
}

fn result(d: &Diagnostic<'_>, rule_index: usize, region: &Value) -> Value {
    json!({
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": match d.severity {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        },
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(d.path),
                "region": region,
            }
        }],
    })
}

/// The whole SARIF log as a JSON value.
#[must_use]
pub fn log(report: &Report<'_>) -> Value {
    let mut rules: Vec<Value> = report.rules.rules.iter().map(rule_descriptor).collect();
    rules.extend(META_RULES.iter().map(|&m| meta_descriptor(m)));
    let mut results = Vec::new();
    for file in &report.files {
        let text = file.source.text.as_str();
        let index = LineIndex::new(text);
        // (offset, result): findings and suppression diagnostics, merged by offset.
        let mut file_results: Vec<(usize, Value)> = Vec::new();
        for f in &file.findings {
            let rule = &report.rules.rules[f.rule];
            let mut d = Diagnostic::new(report.rules, &file.source, &index, f);
            d.severity = file.severity(report.rules, f).as_str();
            let mut r = result(&d, f.rule, &region(&index, text, f.span.clone()));
            r["partialFingerprints"] =
                json!({ "claimlint/v1": baseline::fingerprint(rule, text, f) });
            if let Some(edit) = fix::replacement_edit(report.rules, file.source.format, text, f) {
                r["fixes"] = json!([{
                    "description": {
                        "text": format!("Replace with `{}` ({})", edit.text, rule.applicability.as_str()),
                    },
                    "artifactChanges": [{
                        "artifactLocation": artifact_location(d.path),
                        "replacements": [{
                            "deletedRegion": region(&index, text, edit.range.clone()),
                            "insertedContent": { "text": edit.text },
                        }],
                    }],
                }]);
            }
            file_results.push((f.span.start, r));
        }
        for m in &file.meta {
            let d = Diagnostic::meta(m, &file.source, &index);
            let idx = report.rules.rules.len()
                + META_RULES.iter().position(|&x| x == m.rule).unwrap_or(0);
            file_results.push((
                m.span.start,
                result(&d, idx, &region(&index, text, m.span.clone())),
            ));
        }
        file_results.sort_by_key(|(offset, _)| *offset);
        results.extend(file_results.into_iter().map(|(_, r)| r));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "claimlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri(),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Writes the SARIF log, pretty-printed.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &log(report)).map_err(io::Error::from)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(relative_path("./site\\a b.md"), "site/a b.md");
        assert_eq!(uri_encode("site/a b%.md"), "site/a%20b%25.md");
    }
}
