//! What a compliance lead signs off: the findings of a run grouped for review — a summary per
//! page and per category, each finding with its sentence, message, balanced wording and basis,
//! the suppression comments with their reasons, and which rulesets (by content fingerprint) and
//! which claimlint produced it, when. `--format html` ([`super::html`]) and `--format markdown`
//! ([`super::markdown`]) render the same [`Review`].

use super::{Diagnostic, Report};
use crate::extract::{self, Format};
use crate::source::LineIndex;
use std::collections::BTreeMap;

/// Characters of context shown either side of a finding.
const CONTEXT_CHARS: usize = 160;

/// The words around a finding: `before` and `after` are context, `matched` is highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// One finding for review.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub diag: Diagnostic<'a>,
    /// `¶12:34` for a Word document, `12:34` otherwise.
    pub position: String,
    pub excerpt: Excerpt,
}

/// One page's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSummary {
    pub path: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// One suppression directive found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    pub position: String,
    /// The directive without its reason (`claimlint-disable-next-line hype/miracle`).
    pub directive: String,
    /// Empty when the directive gives none.
    pub reason: String,
}

/// A ruleset as loaded: its name, how many rules it holds, and a fingerprint of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetVersion {
    pub name: String,
    pub rules: usize,
    /// FNV-1a of the ruleset's text, in hex: two reports with the same fingerprint were judged by
    /// the same rules.
    pub fingerprint: String,
}

/// A run's findings, grouped for review.
#[derive(Debug, Clone)]
pub struct Review<'a> {
    pub pages: Vec<PageSummary>,
    pub files_checked: usize,
    /// Category → count, most first.
    pub categories: Vec<(&'static str, usize)>,
    pub items: Vec<Item<'a>>,
    pub suppressions: Vec<Suppression>,
    pub rulesets: Vec<RulesetVersion>,
    /// `claimlint 0.1.0`.
    pub tool: String,
    /// When the report was made (RFC 3339, UTC).
    pub date: String,
}

/// FNV-1a, 64 bits: a stable fingerprint of a ruleset's text (std's hasher may change between
/// Rust releases, and a report is compared across them).
fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `text[range]` with at most `n` characters kept at the far end (`from_end`: the last ones).
fn clip(s: &str, n: usize, from_end: bool) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    if from_end {
        let skip = count - n;
        format!("\u{2026}{}", s.chars().skip(skip).collect::<String>())
    } else {
        format!("{}\u{2026}", s.chars().take(n).collect::<String>())
    }
}

/// Drops HTML tags from context text (the finding's own words never hold any).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

impl<'a> Review<'a> {
    /// Groups `report` for review; `date` is when it was made.
    #[must_use]
    pub fn new(report: &'a Report<'a>, date: String) -> Self {
        let mut pages = Vec::new();
        let mut per_cat: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut items = Vec::new();
        let mut suppressions = Vec::new();
        let diags = report.diagnostics();
        let mut by_path: BTreeMap<&str, Vec<Diagnostic<'a>>> = BTreeMap::new();
        for d in diags {
            by_path.entry(d.path).or_default().push(d);
        }
        for file in &report.files {
            let text = file.source.text.as_str();
            let docx = file.source.format.is_document();
            let index = LineIndex::new(text);
            let pos = |line: usize, column: usize| {
                if docx {
                    format!("\u{b6}{line}:{column}")
                } else {
                    format!("{line}:{column}")
                }
            };
            let mut page = PageSummary {
                path: file.source.name.clone(),
                ..PageSummary::default()
            };
            for d in by_path
                .remove(file.source.name.as_str())
                .unwrap_or_default()
            {
                match d.severity {
                    "error" => page.errors += 1,
                    "warning" => page.warnings += 1,
                    _ => page.infos += 1,
                }
                *per_cat.entry(d.category).or_default() += 1;
                let start = d.start.offset - file.source.bom;
                let end = (d.end.offset - file.source.bom).max(start);
                let line = index.line_range(text, d.start.line - 1);
                let before = &text[line.start..start.max(line.start)];
                let after = &text[end.min(line.end).max(start)..line.end.max(end)];
                let (before, after) = if file.source.format == Format::Html {
                    (strip_tags(before), strip_tags(after))
                } else {
                    (before.to_string(), after.to_string())
                };
                items.push(Item {
                    position: pos(d.start.line, d.start.column),
                    excerpt: Excerpt {
                        before: clip(before.trim_start(), CONTEXT_CHARS, true),
                        matched: text[start..end].to_string(),
                        after: clip(after.trim_end(), CONTEXT_CHARS, false),
                    },
                    diag: d,
                });
            }
            pages.push(page);
            let comments = extract::extract(file.source.format, text).comments;
            for c in comments {
                let body = c.text.trim();
                if !body.starts_with("claimlint-disable") {
                    continue;
                }
                let (directive, reason) = body
                    .split_once("--")
                    .map_or((body, ""), |(h, r)| (h.trim(), r.trim()));
                let lc = index.line_col(text, c.src.start);
                suppressions.push(Suppression {
                    path: file.source.name.clone(),
                    position: pos(lc.line, lc.column),
                    directive: directive.to_string(),
                    reason: reason.to_string(),
                });
            }
        }
        let mut categories: Vec<(&'static str, usize)> = per_cat.into_iter().collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let rulesets = report
            .rules
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| RulesetVersion {
                name: s.name.clone(),
                rules: report.rules.rules.iter().filter(|r| r.source == i).count(),
                fingerprint: format!("{:016x}", fnv1a(&s.text)),
            })
            .collect();
        Self {
            pages,
            files_checked: report.files_checked,
            categories,
            items,
            suppressions,
            rulesets,
            tool: format!("claimlint {}", env!("CARGO_PKG_VERSION")),
            date,
        }
    }

    /// Findings at each severity, over all pages.
    #[must_use]
    pub fn totals(&self) -> (usize, usize, usize) {
        self.pages.iter().fold((0, 0, 0), |(e, w, i), p| {
            (e + p.errors, w + p.warnings, i + p.infos)
        })
    }
}

/// The current time for a report: RFC 3339 in UTC, to the second; `SOURCE_DATE_EPOCH` (seconds)
/// fixes it, for reproducible reports and tests.
#[must_use]
pub fn now() -> String {
    let time = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or_else(std::time::SystemTime::now, |secs| {
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        });
    humantime::format_rfc3339_seconds(time).to_string()
}
