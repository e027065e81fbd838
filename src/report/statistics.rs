//! `--statistics`: how many findings each rule and each category produced, instead of the
//! findings themselves — the first thing to look at when adopting claimlint on a large site.
//!
//! ```text
//! count  severity  fix     rule
//!     2  warning   safe    hype/game-changer
//!     1  error     -       efficacy/cure
//!
//! count  category
//!     2  hype
//!     1  efficacy
//!
//! count  errors  warnings  info  page
//!     3       1         2     0  site/index.md
//! ```
//!
//! Rows are sorted by count (most first), then name. `--format json` gives the same numbers as
//! one JSON object.

use super::Report;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One rule's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub category: &'static str,
    pub severity: &'static str,
    /// `safe` or `review` when the rule has a fix, else `None`.
    pub fix: Option<&'static str>,
    pub count: usize,
}

/// One category's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: &'static str,
    pub count: usize,
}

/// One page's row: its findings at each severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageCount {
    pub path: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub count: usize,
}

/// The counts of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistics {
    pub rules: Vec<RuleCount>,
    pub categories: Vec<CategoryCount>,
    /// Pages with findings (a clean page has no row).
    pub pages: Vec<PageCount>,
    pub total: usize,
}

impl Statistics {
    /// Counts the report's diagnostics (suppression-comment diagnostics included) at the severity
    /// each was reported with.
    #[must_use]
    pub fn new(report: &Report<'_>) -> Self {
        let mut per_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
        let mut per_cat: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut per_page: BTreeMap<&str, PageCount> = BTreeMap::new();
        let diags = report.diagnostics();
        for d in &diags {
            let page = per_page.entry(d.path).or_insert_with(|| PageCount {
                path: d.path.to_string(),
                errors: 0,
                warnings: 0,
                infos: 0,
                count: 0,
            });
            page.count += 1;
            match d.severity {
                "error" => page.errors += 1,
                "warning" => page.warnings += 1,
                _ => page.infos += 1,
            }
            per_rule
                .entry(d.rule)
                .or_insert_with(|| RuleCount {
                    rule: d.rule.to_string(),
                    category: d.category,
                    severity: d.severity,
                    fix: report
                        .rules
                        .rule(d.rule)
                        .and_then(crate::fix::fix_applicability)
                        .map(crate::rules::Applicability::as_str),
                    count: 0,
                })
                .count += 1;
            *per_cat.entry(d.category).or_default() += 1;
        }
        let mut rules: Vec<RuleCount> = per_rule.into_values().collect();
        rules.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
        let mut categories: Vec<CategoryCount> = per_cat
            .into_iter()
            .map(|(category, count)| CategoryCount { category, count })
            .collect();
        categories.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.category.cmp(b.category))
        });
        let mut pages: Vec<PageCount> = per_page.into_values().collect();
        pages.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
        Self {
            rules,
            categories,
            pages,
            total: diags.len(),
        }
    }
}

/// Writes the two tables and the summary line.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let stats = Statistics::new(report);
    if stats.total > 0 {
        writeln!(w, "count  severity  fix     rule")?;
        for r in &stats.rules {
            writeln!(
                w,
                "{:>5}  {:<8}  {:<6}  {}",
                r.count,
                r.severity,
                r.fix.unwrap_or("-"),
                r.rule
            )?;
        }
        writeln!(w)?;
        writeln!(w, "count  category")?;
        for c in &stats.categories {
            writeln!(w, "{:>5}  {}", c.count, c.category)?;
        }
        writeln!(w)?;
        writeln!(w, "count  errors  warnings  info  page")?;
        for p in &stats.pages {
            writeln!(
                w,
                "{:>5}  {:>6}  {:>8}  {:>4}  {}",
                p.count, p.errors, p.warnings, p.infos, p.path
            )?;
        }
        writeln!(w)?;
    }
    writeln!(
        w,
        "{}",
        super::summary(report.files_checked, report.files_failed, report.counts())
    )
}

/// Writes the statistics as one JSON object.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit_json(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &Statistics::new(report)).map_err(io::Error::from)?;
    writeln!(w)
}
