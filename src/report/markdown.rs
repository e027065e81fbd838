//! `--format markdown`: the review of [`super::html`] as GitHub-flavoured Markdown, for a CI job
//! summary (`claimlint check --format markdown site/ >> "$GITHUB_STEP_SUMMARY"`).

use super::Report;
use super::review::{Review, now};
use std::io::{self, Write};

/// Escapes text for a Markdown table cell or paragraph: the characters that would start markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(if matches!(c, '\n' | '\r') { ' ' } else { c });
    }
    out
}

/// Writes the report, dated now (or `SOURCE_DATE_EPOCH`).
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    emit_review(w, &Review::new(report, now()))
}

/// Writes the Markdown for a [`Review`].
///
/// # Errors
/// Writing to `w` failed.
#[allow(
    clippy::too_many_lines,
    reason = "the report's sections in the order they print"
)]
pub fn emit_review(w: &mut dyn Write, r: &Review<'_>) -> io::Result<()> {
    let (errors, warnings, infos) = r.totals();
    writeln!(w, "## Marketing claims review\n")?;
    writeln!(
        w,
        "{} · {} · {} page{} checked: {errors} error{}, {warnings} warning{}, {infos} info\n",
        r.date,
        r.tool,
        r.files_checked,
        if r.files_checked == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )?;
    if !r.pages.is_empty() {
        writeln!(w, "| Page | Errors | Warnings | Info |\n|---|--:|--:|--:|")?;
        for p in &r.pages {
            writeln!(
                w,
                "| {} | {} | {} | {} |",
                md(&p.path),
                p.errors,
                p.warnings,
                p.infos
            )?;
        }
        writeln!(w)?;
        writeln!(w, "| Category | Findings |\n|---|--:|")?;
        for (c, n) in &r.categories {
            writeln!(w, "| {} | {n} |", md(c))?;
        }
        writeln!(w)?;
    }
    let mut current: Option<&str> = None;
    for item in &r.items {
        let d = &item.diag;
        if current != Some(d.path) {
            current = Some(d.path);
            writeln!(w, "### {}\n", md(d.path))?;
        }
        writeln!(
            w,
            "- **{}** `{}` {} — {}",
            d.severity,
            d.rule,
            item.position,
            md(&d.message)
        )?;
        let ex = &item.excerpt;
        writeln!(
            w,
            "  > {}**{}**{}",
            md(&ex.before),
            md(&ex.matched),
            md(&ex.after)
        )?;
        if !d.help.trim().is_empty() {
            writeln!(w, "  - Balanced wording: {}", md(d.help.trim()))?;
        }
        if let Some(s) = &d.suggestion {
            match &s.sentence {
                Some(sentence) => {
                    writeln!(
                        w,
                        "  - Suggested fix ({}): {}",
                        s.applicability,
                        md(sentence)
                    )?;
                }
                None => writeln!(
                    w,
                    "  - Suggested fix ({}): replace with {}",
                    s.applicability,
                    md(&s.replacement)
                )?,
            }
        }
        if !d.note.trim().is_empty() {
            writeln!(w, "  - Basis: {}", md(d.note.trim()))?;
        }
    }
    if !r.items.is_empty() {
        writeln!(w)?;
    }
    if !r.suppressions.is_empty() {
        writeln!(
            w,
            "### Suppressions\n\n| Page | Directive | Reason |\n|---|---|---|"
        )?;
        for s in &r.suppressions {
            writeln!(
                w,
                "| {} {} | `{}` | {} |",
                md(&s.path),
                s.position,
                s.directive.replace('`', "'"),
                if s.reason.is_empty() {
                    "*no reason given*".to_string()
                } else {
                    md(&s.reason)
                }
            )?;
        }
        writeln!(w)?;
    }
    writeln!(
        w,
        "<details><summary>Rulesets</summary>\n\n| Ruleset | Rules | Fingerprint |\n|---|--:|---|"
    )?;
    for s in &r.rulesets {
        writeln!(w, "| {} | {} | `{}` |", md(&s.name), s.rules, s.fingerprint)?;
    }
    writeln!(w, "\n</details>")
}
