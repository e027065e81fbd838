//! Human output: compiler-style diagnostics rendered by codespan-reporting, plus the `rules` table
//! and `explain` page.
//!
//! ```text
//! warning[hype/miracle]: hype word
//!  --> page.md:2:5
//!   |
//! 2 | A miracle cure.
//!   |   ^^^^^^^ hype
//!   |
//!   = help: say what it does
//!   = help: replace with `new`
//!   = note: regulators read this as implied superiority
//! ```
//!
//! codespan has no "info" severity: info findings render as `note[…]`. It has no suggestion
//! rendering either, so a replacement is one more `help:` line.

use super::{FindingText, MetaFinding, Report, escape, suggestion_in, summary};
use crate::check::Finding;
use crate::extract::Format;
use crate::rules::{Profile, Rule, RuleSet, RulesetError, RulesetSource, Severity};
use crate::source::LineIndex;
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{self, SimpleFile, SimpleFiles};
use codespan_reporting::term::{self, Chars, Config, WriteStyle, termcolor};
use std::io::{self, Write};

fn config() -> Config {
    Config {
        // `-->` rather than box drawing: reads the same in every terminal and log.
        chars: Chars::ascii(),
        ..Config::default()
    }
}

fn to_io(e: files::Error) -> io::Error {
    match e {
        files::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Runs `f` with a [`WriteStyle`] over `w`: ANSI colours or none.
fn styled(
    w: &mut dyn Write,
    color: bool,
    f: impl FnOnce(&mut dyn WriteStyle) -> Result<(), files::Error>,
) -> io::Result<()> {
    if color {
        f(&mut termcolor::Ansi::new(w)).map_err(to_io)
    } else {
        f(&mut termcolor::NoColor::new(w)).map_err(to_io)
    }
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// The codespan diagnostic for one finding in `text` (read as `format`).
#[must_use]
pub fn diagnostic(
    rules: &RuleSet,
    finding: &Finding,
    text: &str,
    format: Format,
) -> Diagnostic<()> {
    let rule = &rules.rules[finding.rule];
    let words = FindingText::new(rules, finding, text);
    let mut notes = Vec::new();
    // Rendered text can quote the page (a treatment's name, the sentence a fix makes): its
    // control characters are escaped like the source lines'.
    let esc = |s: &str| escape::escape(s).into_owned();
    if !words.help.is_empty() {
        notes.push(format!("help: {}", esc(words.help.trim_end())));
    }
    if let Some(s) = suggestion_in(rule, format, text, &finding.span) {
        // A fix that would not read well on its own is shown as the sentence it would make.
        match s.sentence {
            Some(sentence) if s.applicability != "safe" => {
                notes.push(format!(
                    "help: consider rewriting as \"{}\"",
                    esc(&sentence)
                ));
            }
            _ => notes.push(format!("help: replace with `{}`", esc(&s.replacement))),
        }
    }
    if !words.note.is_empty() {
        notes.push(format!("note: {}", esc(words.note.trim_end())));
    }
    Diagnostic::new(severity(rule.severity))
        .with_code(rule.id.clone())
        .with_message(esc(&words.message))
        .with_labels(vec![
            Label::primary((), finding.span.clone()).with_message(esc(&words.label)),
        ])
        .with_notes(notes)
}

/// The codespan diagnostic for a diagnostic about a suppression comment.
#[must_use]
pub fn meta_diagnostic(m: &MetaFinding) -> Diagnostic<()> {
    Diagnostic::new(severity(m.rule.severity()))
        .with_code(m.rule.id())
        .with_message(escape::escape(&m.message).into_owned())
        .with_labels(vec![
            Label::primary((), m.span.clone()).with_message(m.rule.label()),
        ])
}

/// Renders problems in the config file as diagnostics on the TOML itself, then one summary line.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit_config_errors(
    w: &mut dyn Write,
    name: &str,
    text: &str,
    errors: &[(Option<std::ops::Range<usize>>, String)],
    color: bool,
) -> io::Result<()> {
    let config = config();
    let file = SimpleFile::new(name, text);
    for (span, message) in errors {
        let mut d = Diagnostic::error().with_message(message.clone());
        d = match span {
            Some(span) => d.with_labels(vec![Label::primary((), span.clone())]),
            None => d.with_notes(vec![format!("in {name}")]),
        };
        styled(w, color, |s| {
            term::emit_to_write_style(s, &config, &file, &d)
        })?;
    }
    let n = errors.len();
    writeln!(
        w,
        "error: could not load the config file {name} ({n} problem{})",
        if n == 1 { "" } else { "s" }
    )
}

/// Writes every finding, then the summary line.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>, color: bool) -> io::Result<()> {
    let config = config();
    for file in &report.files {
        let name = escape::escape(&file.source.name);
        let src = SimpleFile::new(name.as_ref(), file.source.text.as_str());
        let mut diags: Vec<(usize, Diagnostic<()>)> = Vec::new();
        for f in &file.findings {
            let mut d = diagnostic(report.rules, f, &file.source.text, file.source.format);
            d.severity = severity(file.severity(report.rules, f));
            diags.push((f.span.start, d));
        }
        diags.extend(file.meta.iter().map(|m| (m.span.start, meta_diagnostic(m))));
        // Stable: findings were already in order, a meta diagnostic goes after them at a tie.
        diags.sort_by_key(|(start, _)| *start);
        let index = LineIndex::new(&file.source.text);
        let docx = file.source.format.is_document();
        for (_, d) in &diags {
            // A Word document's lines are paragraphs: its locations read `draft.docx:¶12:34`.
            let mut buf = Vec::new();
            let out: &mut dyn Write = if docx { &mut buf } else { &mut *w };
            match excerpt(&name, &file.source.text, &index, d) {
                Some((ex, d)) => {
                    styled(out, color, |s| {
                        term::emit_to_write_style(s, &config, &ex, &d)
                    })?;
                }
                None => styled(out, color, |s| {
                    term::emit_to_write_style(s, &config, &src, d)
                })?,
            }
            if docx {
                w.write_all(&paragraph_locus(&buf, &name))?;
            }
        }
    }
    writeln!(
        w,
        "{}",
        summary(report.files_checked, report.files_failed, report.counts())
    )
}

/// A rendered diagnostic with a pilcrow before the line number of its `--> name:line:col` locus.
fn paragraph_locus(rendered: &[u8], name: &str) -> Vec<u8> {
    let needle = format!("{name}:");
    let text = String::from_utf8_lossy(rendered);
    let at = text
        .match_indices(&needle)
        .map(|(i, _)| i + needle.len())
        .find(|&i| text[i..].starts_with(|c: char| c.is_ascii_digit()));
    match at {
        Some(i) => format!("{}\u{b6}{}", &text[..i], &text[i..]).into_bytes(),
        None => rendered.to_vec(),
    }
}

/// Longest source line rendered whole. Longer lines (minified HTML, a page that is one line) are
/// shown as a window around the finding, so one diagnostic never prints megabytes.
const MAX_LINE: usize = 400;
/// Bytes of context either side of a finding in such a window.
const WINDOW_CONTEXT: usize = 120;

/// One source line as printed: a long one cut down to a window around a finding, control
/// characters escaped (see [`escape`]), still reporting the real line and column numbers.
struct Excerpt<'a> {
    name: &'a str,
    text: String,
    line_number: usize,
    /// Real 1-based column of `text[lead..]`.
    first_column: usize,
    /// Bytes of the leading "…" marker.
    lead: usize,
    /// The window's text as escaped, for columns.
    escaped: escape::Escaped,
}

impl<'a> files::Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _byte: usize) -> Result<usize, files::Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _line: usize) -> Result<usize, files::Error> {
        Ok(self.line_number)
    }

    fn column_number(&'a self, (): (), _line: usize, byte: usize) -> Result<usize, files::Error> {
        let byte = byte.clamp(self.lead, self.lead + self.escaped.text.len());
        Ok(self.first_column + self.escaped.chars_before(byte - self.lead))
    }

    fn line_range(&'a self, (): (), line: usize) -> Result<std::ops::Range<usize>, files::Error> {
        if line == 0 {
            Ok(0..self.text.len())
        } else {
            Err(files::Error::LineTooLarge {
                given: line,
                max: 0,
            })
        }
    }
}

/// A windowed, escaped excerpt and the diagnostic re-pointed into it, when the diagnostic's line
/// is too long to print whole or holds a control character.
fn excerpt<'a>(
    name: &'a str,
    text: &str,
    index: &LineIndex,
    d: &Diagnostic<()>,
) -> Option<(Excerpt<'a>, Diagnostic<()>)> {
    let span = d.labels.first()?.range.clone();
    let at = index.line_col(text, span.start);
    // Without a CRLF line's `\r`: that is its line ending, not a control character to show.
    let line = index.line_range(text, at.line - 1);
    let long = line.len() > MAX_LINE;
    if !long && !text[line.clone()].chars().any(escape::is_unsafe) {
        return None;
    }
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let (start, end) = if long {
        let start = floor(span.start.saturating_sub(WINDOW_CONTEXT).max(line.start));
        let end = ceil(
            (span.end.max(span.start) + WINDOW_CONTEXT)
                .min(line.end)
                .max(start),
        );
        (start, end)
    } else {
        (line.start, line.end)
    };
    let lead = if start > line.start { "\u{2026}" } else { "" };
    let trail = if end < line.end { "\u{2026}" } else { "" };
    let escaped = escape::Escaped::new(&text[start..end]);
    let excerpt = Excerpt {
        name,
        text: format!("{lead}{}{trail}", escaped.text),
        line_number: at.line,
        first_column: index.line_col(text, start).column,
        lead: lead.len(),
        escaped,
    };
    let shift = |i: usize| excerpt.escaped.to_escaped(i.clamp(start, end) - start) + lead.len();
    let mut d = d.clone();
    for label in &mut d.labels {
        label.range = shift(label.range.start)..shift(label.range.end);
    }
    Some((excerpt, d))
}

/// Renders ruleset problems as diagnostics on the TOML files themselves.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit_ruleset_errors(
    w: &mut dyn Write,
    sources: &[RulesetSource],
    errors: &[RulesetError],
    color: bool,
) -> io::Result<()> {
    let config = config();
    let mut files = SimpleFiles::new();
    let ids: Vec<usize> = sources
        .iter()
        .map(|s| files.add(s.name.as_str(), s.text.as_str()))
        .collect();
    for e in errors {
        let mut d = Diagnostic::error().with_message(e.message.clone());
        match (&e.span, ids.get(e.source)) {
            (Some(span), Some(&id)) => {
                d = d.with_labels(vec![Label::primary(id, span.clone())]);
            }
            (None, Some(_)) => {
                d = d.with_notes(vec![format!("in {}", sources[e.source].name)]);
            }
            _ => {}
        }
        styled(w, color, |s| {
            term::emit_to_write_style(s, &config, &files, &d)
        })?;
    }
    let n = errors.len();
    writeln!(
        w,
        "error: could not load the rulesets ({n} problem{})",
        if n == 1 { "" } else { "s" }
    )
}

/// The `rules` table: id, category, severity and message in aligned columns.
///
/// # Errors
/// Writing to `w` failed.
pub fn rules_table(w: &mut dyn Write, rules: &[&Rule]) -> io::Result<()> {
    let width = |f: fn(&Rule) -> usize| rules.iter().map(|r| f(r)).max().unwrap_or(0);
    let id_w = width(|r| r.id.chars().count());
    let cat_w = width(|r| r.category.as_str().len());
    let sev_w = width(|r| r.severity.as_str().len());
    for r in rules {
        writeln!(
            w,
            "{:id_w$}  {:cat_w$}  {:sev_w$}  {}",
            r.id,
            r.category.as_str(),
            r.severity.as_str(),
            r.message
        )?;
    }
    Ok(())
}

/// The `explain` page: ruff-like sections from the rule's fields.
///
/// # Errors
/// Writing to `w` failed.
pub fn explain(
    w: &mut dyn Write,
    rules: &RuleSet,
    rule: &Rule,
    profile: Option<Profile>,
) -> io::Result<()> {
    writeln!(w, "# {}", rule.id)?;
    writeln!(w)?;
    writeln!(w, "Category: {}", rule.category.as_str())?;
    writeln!(w, "Severity: {}", rule.severity.as_str())?;
    if let Some(c) = rule.caveat {
        writeln!(w, "Caveat: {}", c.as_str())?;
    }
    if !rule.profiles.is_empty() {
        let names: Vec<&str> = rule.profiles.iter().map(|p| p.as_str()).collect();
        writeln!(w, "Profiles: {}", names.join(", "))?;
    }
    if let Some(p) = profile.filter(|p| !rule.applies_in(*p)) {
        writeln!(w, "Under profile {p}: does not apply")?;
    }
    if let Some(src) = rules.sources.get(rule.source) {
        writeln!(w, "Defined in: {}", src.name)?;
    }
    let section = |w: &mut dyn Write, title: &str, body: &str| -> io::Result<()> {
        if body.trim().is_empty() {
            return Ok(());
        }
        writeln!(w)?;
        writeln!(w, "## {title}")?;
        writeln!(w, "{}", body.trim_end())
    };
    section(w, "What it flags", &rule.message)?;
    section(w, "Why", &rule.note)?;
    // The basis per jurisdiction: the chosen profile's only, or every one the rule states.
    let cite = |b: &crate::rules::profile::Basis| {
        format!(
            "- {}: {}{}",
            b.jurisdiction.label(),
            b.cite,
            if b.verified { "" } else { " (not verified)" }
        )
    };
    let basis: Vec<String> = match profile {
        Some(p) => crate::report::basis_of(rules, rule, p)
            .map(cite)
            .into_iter()
            .collect(),
        None => rule.basis.iter().map(cite).collect(),
    };
    section(w, "Basis", &basis.join("\n"))?;
    section(
        w,
        "Use instead",
        profile.map_or(&rule.help, |p| rule.help_in(p)),
    )?;
    if let Some(r) = &rule.replacement {
        section(
            w,
            "Replacement",
            &format!("`{r}` (applicability: {})", rule.applicability.as_str()),
        )?;
    }
    let list = |items: &[String]| {
        items
            .iter()
            .map(|e| format!("- {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    section(w, "Flagged", &list(&rule.examples.flag))?;
    section(w, "Not flagged", &list(&rule.examples.pass))?;
    Ok(())
}
