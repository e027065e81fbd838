//! `--format json`: a top-level array of [`Diagnostic`](super::Diagnostic) objects, sorted by path,
//! then offset, one object per line so the output also diffs and greps well.

use super::Report;
use std::io::{self, Write};

/// Writes the report's diagnostics as a JSON array.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let diags = report.diagnostics();
    if diags.is_empty() {
        return writeln!(w, "[]");
    }
    writeln!(w, "[")?;
    for (i, d) in diags.iter().enumerate() {
        serde_json::to_writer(&mut *w, d).map_err(io::Error::from)?;
        writeln!(w, "{}", if i + 1 < diags.len() { "," } else { "" })?;
    }
    writeln!(w, "]")
}

/// One rule in `rules --format json`.
#[derive(Debug, serde::Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    category: &'static str,
    severity: &'static str,
    message: &'a str,
    replacement: Option<&'a str>,
    applicability: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caveat: Option<&'static str>,
    /// Balanced wording, as in each diagnostic.
    help: &'a str,
    /// Why the rule exists (its regulatory basis): the serve page shows it beside a finding.
    note: &'a str,
    /// The profiles it applies in (absent: all).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    profiles: &'a [crate::rules::Profile],
    /// Its legal basis per jurisdiction.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    basis: &'a [crate::rules::profile::Basis],
}

/// Writes the `rules` listing as a JSON array.
///
/// # Errors
/// Writing to `w` failed.
pub fn rules(w: &mut dyn Write, rules: &[&crate::rules::Rule]) -> io::Result<()> {
    let entries: Vec<RuleEntry<'_>> = rules
        .iter()
        .map(|r| RuleEntry {
            id: &r.id,
            category: r.category.as_str(),
            severity: r.severity.as_str(),
            message: &r.message,
            replacement: r.replacement.as_deref(),
            applicability: r.applicability.as_str(),
            caveat: r.caveat.map(crate::rules::CaveatId::as_str),
            help: &r.help,
            note: &r.note,
            profiles: &r.profiles,
            basis: &r.basis,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &entries).map_err(io::Error::from)?;
    writeln!(w)
}
