//! Hover over a finding: the rule's `explain` text (what it flags, why, what to write instead,
//! examples), rendered by the same [`human::explain`] as `claimlint explain RULE`. Its headings
//! are Markdown already, so it is sent as Markdown.

use super::snapshot::Snapshot;
use crate::report::human;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

/// The hover at `pos`, if a finding or a suppression diagnostic covers it.
#[must_use]
pub fn hover(snap: &Snapshot, pos: Position) -> Option<Hover> {
    let checked = snap.checked.as_ref()?;
    let lines = snap.lines();
    let at = lines.offset(pos).checked_sub(snap.bom)?;
    let rules = &checked.workspace.rules;
    let covers = |span: &std::ops::Range<usize>| span.start <= at && at < span.end;
    let mut parts = Vec::new();
    let mut range: Option<std::ops::Range<usize>> = None;
    let mut widen = |span: &std::ops::Range<usize>| {
        range = Some(range.as_ref().map_or(span.clone(), |r| {
            r.start.min(span.start)..r.end.max(span.end)
        }));
    };
    for f in checked.report.findings.iter().filter(|f| covers(&f.span)) {
        let mut text = Vec::new();
        human::explain(&mut text, rules, &rules.rules[f.rule], Some(f.profile)).ok()?;
        parts.push(String::from_utf8_lossy(&text).trim_end().to_string());
        widen(&f.span);
    }
    for m in checked.report.meta.iter().filter(|m| covers(&m.span)) {
        parts.push(format!(
            "# {}\n\n{}\n\n{}",
            m.rule.id(),
            m.message,
            m.rule.label()
        ));
        widen(&m.span);
    }
    let range = range?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: Some(lines.range(range.start + snap.bom..range.end + snap.bom)),
    })
}
