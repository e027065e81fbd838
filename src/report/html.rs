//! `--format html`: one self-contained page a compliance lead can read, print to PDF and sign —
//! no scripts, no fonts or images to fetch, the CSS inline (print styles included).
//!
//! It shows the [`Review`]: the summary per page and per category, each finding with its
//! sentence and the words highlighted, the message, balanced wording and regulatory basis, the
//! suppressions with their reasons, the rulesets' fingerprints, the date and a sign-off block.
//! Text is escaped with `quick-xml`'s escaper (already used for Word documents; it escapes the
//! five characters HTML needs).

use super::Report;
use super::review::{Review, now};
use quick_xml::escape::escape;
use std::io::{self, Write};

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d8dde5; --error: #b42318;
  --warning: #b54708; --info: #175cd3; --mark: #fff1a8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; word-break: break-all; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f5f7fa; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--warning); border-radius: 6px;
  padding: .75rem 1rem; margin: .75rem 0; break-inside: avoid; }
.finding.error { border-left-color: var(--error); }
.finding.info { border-left-color: var(--info); }
.finding header { display: flex; gap: .75rem; align-items: baseline; flex-wrap: wrap; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; }
.error .sev { color: var(--error); } .warning .sev { color: var(--warning); } .info .sev { color: var(--info); }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.pos { color: var(--muted); }
blockquote { margin: .5rem 0; padding: .4rem .75rem; background: #f8f9fb; border-radius: 4px; }
mark { background: var(--mark); padding: 0 .1em; font-weight: 600; }
dl { margin: .25rem 0 0; display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; }
dt { color: var(--muted); } dd { margin: 0; }
.clean { color: var(--muted); }
.signoff { margin-top: 2.5rem; border: 1px solid var(--ink); border-radius: 6px; padding: 1rem 1.25rem; break-inside: avoid; }
.signoff p { margin: 0 0 .75rem; }
.field { display: grid; grid-template-columns: 9rem 1fr; gap: 1rem; margin: 1.4rem 0 0; }
.field span:last-child { border-bottom: 1px solid var(--ink); min-height: 1.4rem; }
.disclaimer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn e(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// Writes the report page, dated now (or `SOURCE_DATE_EPOCH`).
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    emit_review(w, &Review::new(report, now()))
}

/// Writes the page for a [`Review`].
///
/// # Errors
/// Writing to `w` failed.
#[allow(clippy::too_many_lines)]
pub fn emit_review(w: &mut dyn Write, r: &Review<'_>) -> io::Result<()> {
    let (errors, warnings, infos) = r.totals();
    let date = r.date.split('T').next().unwrap_or(&r.date);
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>claimlint review, {date}</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    )?;
    writeln!(w, "<h1>Marketing claims review</h1>")?;
    writeln!(
        w,
        "<p class=\"meta\">{} \u{b7} {} \u{b7} {} checked: {errors} error{}, {warnings} warning{}, {infos} info</p>",
        e(&r.date),
        e(&r.tool),
        plural(r.files_checked, "page", "pages"),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )?;

    writeln!(w, "<h2>Summary by page</h2>")?;
    if r.pages.is_empty() {
        writeln!(w, "<p class=\"clean\">No findings on any page.</p>")?;
    } else {
        writeln!(
            w,
            "<table><thead><tr><th>Page</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th><th class=\"n\">Info</th></tr></thead><tbody>"
        )?;
        for p in &r.pages {
            writeln!(
                w,
                "<tr><td><a href=\"#{}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                anchor(&p.path),
                e(&p.path),
                p.errors,
                p.warnings,
                p.infos
            )?;
        }
        writeln!(w, "</tbody></table>")?;
        let clean = r.files_checked.saturating_sub(r.pages.len());
        if clean > 0 {
            writeln!(
                w,
                "<p class=\"clean\">{} with no findings.</p>",
                plural(clean, "other page", "other pages")
            )?;
        }
    }

    writeln!(w, "<h2>Summary by category</h2>")?;
    if r.categories.is_empty() {
        writeln!(w, "<p class=\"clean\">None.</p>")?;
    } else {
        writeln!(
            w,
            "<table><thead><tr><th>Category</th><th class=\"n\">Findings</th></tr></thead><tbody>"
        )?;
        for (c, n) in &r.categories {
            writeln!(w, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", e(c))?;
        }
        writeln!(w, "</tbody></table>")?;
    }

    writeln!(w, "<h2>Findings</h2>")?;
    let mut current: Option<&str> = None;
    for item in &r.items {
        let d = &item.diag;
        if current != Some(d.path) {
            current = Some(d.path);
            writeln!(w, "<h3 id=\"{}\">{}</h3>", anchor(d.path), e(d.path))?;
        }
        writeln!(
            w,
            "<section class=\"finding {sev}\"><header><span class=\"sev\">{sev}</span><strong>{msg}</strong><code>{rule}</code><span class=\"pos\">{pos}</span></header>",
            sev = e(d.severity),
            msg = e(&d.message),
            rule = e(d.rule),
            pos = e(&item.position),
        )?;
        writeln!(
            w,
            "<blockquote>{}<mark>{}</mark>{}</blockquote>",
            e(&item.excerpt.before),
            e(&item.excerpt.matched),
            e(&item.excerpt.after)
        )?;
        write!(w, "<dl>")?;
        if !d.help.trim().is_empty() {
            write!(w, "<dt>Balanced wording</dt><dd>{}</dd>", e(d.help.trim()))?;
        }
        if let Some(s) = &d.suggestion {
            let text = match &s.sentence {
                Some(sentence) => format!("\u{201C}{sentence}\u{201D} ({})", s.applicability),
                None => format!(
                    "replace with \u{201C}{}\u{201D} ({})",
                    s.replacement, s.applicability
                ),
            };
            write!(w, "<dt>Suggested fix</dt><dd>{}</dd>", e(&text))?;
        }
        if !d.note.trim().is_empty() {
            write!(w, "<dt>Basis</dt><dd>{}</dd>", e(d.note.trim()))?;
        }
        writeln!(w, "</dl></section>")?;
    }
    if r.items.is_empty() {
        writeln!(w, "<p class=\"clean\">None.</p>")?;
    }

    writeln!(w, "<h2>Suppressions</h2>")?;
    if r.suppressions.is_empty() {
        writeln!(
            w,
            "<p class=\"clean\">No suppression comments on the pages above.</p>"
        )?;
    } else {
        writeln!(
            w,
            "<table><thead><tr><th>Page</th><th>Directive</th><th>Reason</th></tr></thead><tbody>"
        )?;
        for s in &r.suppressions {
            writeln!(
                w,
                "<tr><td>{} <span class=\"pos\">{}</span></td><td><code>{}</code></td><td>{}</td></tr>",
                e(&s.path),
                e(&s.position),
                e(&s.directive),
                if s.reason.is_empty() {
                    "<em>no reason given</em>".to_string()
                } else {
                    e(&s.reason).into_owned()
                }
            )?;
        }
        writeln!(w, "</tbody></table>")?;
    }

    writeln!(w, "<h2>Rulesets</h2>")?;
    writeln!(
        w,
        "<table><thead><tr><th>Ruleset</th><th class=\"n\">Rules</th><th>Fingerprint</th></tr></thead><tbody>"
    )?;
    for s in &r.rulesets {
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            e(&s.name),
            s.rules,
            e(&s.fingerprint)
        )?;
    }
    writeln!(w, "</tbody></table>")?;

    writeln!(
        w,
        "<section class=\"signoff\"><h2>Sign-off</h2><p>I have reviewed the findings above and the pages they refer to.</p>\
         <div class=\"field\"><span>Name</span><span></span></div>\
         <div class=\"field\"><span>Role</span><span></span></div>\
         <div class=\"field\"><span>Decision</span><span></span></div>\
         <div class=\"field\"><span>Date</span><span></span></div>\
         <div class=\"field\"><span>Signature</span><span></span></div></section>"
    )?;
    writeln!(
        w,
        "<p class=\"disclaimer\">claimlint is a screening aid, not legal or regulatory advice. Report made {} by {}.</p>\n</body>\n</html>",
        e(&r.date),
        e(&r.tool)
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An element id for a page path.
fn anchor(path: &str) -> String {
    let id: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("page-{id}")
}
