//! `--format markdown`: a Markdown report for a CI job summary (GitHub's `$GITHUB_STEP_SUMMARY`,
//! a merge-request comment): the summary line, then one table per page.
//!
//! Editors read findings where the pull request shows them; GitHub shows only a few annotations
//! per step, so the job summary is where the full list lives. Table cells are escaped (`|`,
//! backticks kept, line breaks folded) so a message or matched text cannot break the table.

use super::{Diagnostic, Report, summary};
use std::io::{self, Write};

/// Writes the report as Markdown.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    writeln!(w, "## claimlint\n")?;
    writeln!(
        w,
        "{}\n",
        summary(report.files_checked, report.files_failed, report.counts())
    )?;
    let diagnostics = report.diagnostics();
    let mut pages: Vec<(&str, Vec<&Diagnostic<'_>>)> = Vec::new();
    for d in &diagnostics {
        match pages.last_mut() {
            Some((p, list)) if *p == d.path => list.push(d),
            _ => pages.push((d.path, vec![d])),
        }
    }
    for (path, list) in pages {
        let n = list.len();
        writeln!(
            w,
            "### `{}` — {n} finding{}\n",
            path.replace('`', "'"),
            if n == 1 { "" } else { "s" }
        )?;
        writeln!(w, "| line | severity | rule | finding | words |")?;
        writeln!(w, "| ---: | --- | --- | --- | --- |")?;
        for d in list {
            writeln!(
                w,
                "| {}:{} | {} | `{}` | {} | {} |",
                d.start.line,
                d.start.column,
                d.severity,
                d.rule,
                cell(d.message),
                cell(d.matched)
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// Text made safe for one table cell: on one line, `|` escaped, HTML-ish brackets neutralised.
fn cell(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let one = if one.chars().count() > 120 {
        let cut: String = one.chars().take(117).collect();
        format!("{cut}…")
    } else {
        one
    };
    one.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a | b\n c <b>"), "a \\| b c &lt;b&gt;");
        assert_eq!(cell(&"x".repeat(130)).chars().count(), 118);
    }
}
