//! Code actions: the fixes `--fix` knows, one finding at a time, plus suppressing a finding and
//! fixing the whole document.
//!
//! - **Replace** (a rule with a `replacement`): the edit [`fix::replacement_edit`] builds, so the
//!   editor and `--fix` never disagree. Marked preferred when the rule's fix is `safe`, so "apply
//!   the preferred fix" picks only word swaps that keep the meaning.
//! - **Insert balanced caveat** (a missing caveat): [`fix::caveat_edit`], the rule's `help`
//!   sentence as a new paragraph. Never preferred: it adds claims about risks for a person to
//!   read.
//! - **Suppress on this line**: a `claimlint-disable-next-line RULE -- REASON` comment with a
//!   placeholder reason to replace. In Markdown and HTML it is appended to the line above when
//!   that line has text (a comment line there would split a paragraph in two), else inserted as
//!   a line of its own; in plain text a directive is always a line of its own. An action is
//!   offered only after checking the edited text: the finding must be gone and every other
//!   finding still there, so a comment that would break the markup (after a code fence, inside a
//!   table) is never suggested.
//! - **Fix all safe** (`source.fixAll.claimlint`, and as a quick fix next to a fixable finding):
//!   [`fix::fix_text`] with safe fixes only, sent as line-level edits (`similar`, as `--diff`
//!   uses) rather than one whole-document replacement, so the editor keeps folds and cursor.
//!
//! Edits carry the document version they were computed for, so a client applies them only to
//! that text.

use super::diagnostics;
use super::snapshot::Snapshot;
use crate::check::Finding;
use crate::extract::Format;
use crate::fix::{self, Edit};
use crate::rules::{Applicability, Category};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;
use std::ops::Range;

/// The kind of the "fix all safe" source action.
pub const FIX_ALL: &str = "source.fixAll.claimlint";

/// The reason a suppression comment is inserted with, for the writer to replace.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this wording is acceptable";

/// How the client wants workspace edits.
#[derive(Debug, Clone, Copy)]
pub struct EditStyle {
    /// The client takes `documentChanges` (versioned edits); otherwise plain `changes`.
    pub document_changes: bool,
}

/// The code actions for `params` on `snap`.
#[must_use]
#[allow(
    clippy::too_many_lines,
    reason = "one action per kind, read top to bottom"
)]
pub fn code_actions(
    snap: &Snapshot,
    params: &CodeActionParams,
    style: EditStyle,
) -> Vec<CodeActionOrCommand> {
    let Some(checked) = &snap.checked else {
        return Vec::new();
    };
    let rules = &checked.workspace.rules;
    let format = checked.report.source.format;
    let body = snap.body();
    let lines = snap.lines();
    let want = lines.byte_range(params.range);
    let want = want.start.saturating_sub(snap.bom)..want.end.saturating_sub(snap.bom);
    let only = params.context.only.as_deref();
    let allowed = |kind: &str| {
        only.is_none_or(|only| {
            only.iter().any(|k| {
                let k = k.as_str();
                kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
            })
        })
    };
    let findings = &checked.report.findings;
    let at_cursor: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.span.start <= want.end && want.start <= f.span.end)
        .collect();

    let mut out = Vec::new();
    let action = |title: String,
                  kind: &str,
                  diag: Option<lsp_types::Diagnostic>,
                  edits: Vec<Edit>,
                  preferred: bool| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::from(kind.to_string())),
            diagnostics: diag.map(|d| vec![d]),
            edit: Some(workspace_edit(snap, &edits, style)),
            is_preferred: Some(preferred),
            ..CodeAction::default()
        })
    };
    let quickfix_kind = CodeActionKind::QUICKFIX;
    let quickfix = quickfix_kind.as_str();
    if allowed(quickfix) {
        for f in &at_cursor {
            let rule = &rules.rules[f.rule];
            let diag = diagnostics::finding(snap, &lines, f);
            if rule.category == Category::MissingCaveat {
                if let Some(e) = fix::caveat_edit(rules, f, format, body) {
                    let sentence = fix::caveat_sentence(rule).unwrap_or_default();
                    out.push(action(
                        format!("Insert balanced caveat: \u{201c}{sentence}\u{201d}"),
                        quickfix,
                        diag.clone(),
                        vec![e],
                        false,
                    ));
                }
            } else if let Some(e) = fix::replacement_edit(rules, format, body, f) {
                let safe = rule.applicability == Applicability::Safe;
                out.push(action(
                    format!(
                        "Replace `{}` with `{}`{}",
                        &body[e.range.clone()],
                        e.text,
                        if safe { "" } else { " (review the meaning)" }
                    ),
                    quickfix,
                    diag.clone(),
                    vec![e],
                    safe,
                ));
            }
            if let Some(e) = suppression(snap, format, f) {
                out.push(action(
                    format!("Suppress `{}` on this line", rule.id),
                    quickfix,
                    diag,
                    vec![e],
                    false,
                ));
            }
        }
    }

    // Fix all: a source action when asked for one, and a quick fix next to a safely fixable
    // finding so it shows in the light bulb.
    let fix_all_kind = if only.is_some() && allowed(FIX_ALL) {
        Some(FIX_ALL)
    } else if allowed(quickfix)
        && at_cursor
            .iter()
            .any(|f| fix::fix_applicability(&rules.rules[f.rule]) == Some(Applicability::Safe))
    {
        Some(quickfix)
    } else {
        None
    };
    if let Some(kind) = fix_all_kind
        && let Some(edits) = fix_all(snap)
    {
        out.push(action(
            "Fix all safe claimlint problems".to_string(),
            kind,
            None,
            edits,
            false,
        ));
    }
    out
}

/// The edits that apply every safe fix to the document, until nothing safe is left; `None` when
/// there is nothing to fix.
#[must_use]
pub fn fix_all(snap: &Snapshot) -> Option<Vec<Edit>> {
    let checked = snap.checked.as_ref()?;
    let body = snap.body();
    let recheck = |t: &str| snap.recheck(t).map(|r| r.findings).unwrap_or_default();
    let fixed = fix::fix_text(
        &checked.workspace.rules,
        checked.report.source.format,
        body,
        checked.report.findings.clone(),
        false,
        &recheck,
    );
    (fixed.applied > 0).then(|| line_edits(body, &fixed.text))
}

/// `old` → `new` as edits over whole changed lines.
fn line_edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    // Byte offset of each line start (and of the end) on either side.
    let offsets = |slices: &mut dyn Iterator<Item = &str>| {
        let mut at = vec![0];
        for s in slices {
            at.push(at.last().copied().unwrap_or(0) + s.len());
        }
        at
    };
    let old_at = offsets(&mut diff.iter_old_slices());
    let new_at = offsets(&mut diff.iter_new_slices());
    diff.grouped_ops(0)
        .iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let old_lines = first.old_range().start..last.old_range().end;
            let new_lines = first.new_range().start..last.new_range().end;
            Some(Edit {
                range: old_at[old_lines.start]..old_at[old_lines.end],
                text: new[new_at[new_lines.start]..new_at[new_lines.end]].to_string(),
                rule: 0,
            })
        })
        .collect()
}

/// The suppression comment for finding `f`, if one is found that suppresses exactly it.
fn suppression(snap: &Snapshot, format: Format, f: &Finding) -> Option<Edit> {
    // A component's comments are not read for directives (src/extract/jsx.rs reports none).
    if format == Format::Jsx {
        return None;
    }
    let checked = snap.checked.as_ref()?;
    let id = &checked.workspace.rules.rules[f.rule].id;
    let body = snap.body();
    let directive = format!("claimlint-disable-next-line {id} -- {REASON_PLACEHOLDER}");
    let line_start = body[..f.span.start]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let line = &body[line_start..];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut candidates = Vec::new();
    if format != Format::Text && line_start > 0 {
        // The end of the previous line's text, before its line break.
        let before = &body[..line_start];
        let prev_end = before.trim_end_matches(['\n', '\r']).len();
        let prev_start = body[..prev_end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let blank_between = before[prev_end..].matches('\n').count() > 1;
        if !blank_between && !body[prev_start..prev_end].trim().is_empty() {
            candidates.push(Edit {
                range: prev_end..prev_end,
                text: format!(" <!-- {directive} -->"),
                rule: f.rule,
            });
        }
    }
    let own_line = match format {
        // Word documents are out of the language server's scope: never opened as text.
        Format::Text | Format::Docx | Format::Odt => format!("{directive}{eol}"),
        Format::Markdown | Format::Html => format!("{indent}<!-- {directive} -->{eol}"),
        Format::Jsx => return None,
    };
    candidates.push(Edit {
        range: line_start..line_start,
        text: own_line,
        rule: f.rule,
    });
    candidates
        .into_iter()
        .find(|e| suppresses_exactly(snap, e, f))
}

/// Whether applying `edit` (an insertion) removes finding `f` because of the directive, and
/// leaves every other finding and every suppression diagnostic where it was. A control copy of
/// the same comment that is not a directive must leave `f` too: otherwise the comment removed it
/// by breaking the markup (appended to a closing code fence, the rest of the page turns to
/// code).
fn suppresses_exactly(snap: &Snapshot, edit: &Edit, f: &Finding) -> bool {
    let Some(checked) = &snap.checked else {
        return false;
    };
    let shifted = |edit: &Edit, keep: &dyn Fn(&Finding) -> bool| -> Vec<(usize, Range<usize>)> {
        let moved = |x: usize| {
            if x >= edit.range.start {
                x + edit.text.len()
            } else {
                x
            }
        };
        checked
            .report
            .findings
            .iter()
            .filter(|g| keep(g))
            .map(|g| (g.rule, moved(g.span.start)..moved(g.span.end)))
            .collect()
    };
    let same = |edit: &Edit, expected: Vec<(usize, Range<usize>)>| {
        let new = fix::apply(snap.body(), std::slice::from_ref(edit));
        snap.recheck(&new).is_some_and(|after| {
            let got: Vec<(usize, Range<usize>)> = after
                .findings
                .iter()
                .map(|g| (g.rule, g.span.clone()))
                .collect();
            got == expected && after.meta.len() == checked.report.meta.len()
        })
    };
    // Plain text has no markup to break (and a control line there would be prose).
    let control_holds = checked.report.source.format == Format::Text || {
        let control = Edit {
            text: edit.text.replacen("claimlint-", "claimlint_", 1),
            ..edit.clone()
        };
        same(&control, shifted(&control, &|_| true))
    };
    control_holds && same(edit, shifted(edit, &|g| g != f))
}

/// Engine edits (offsets in the body) → a workspace edit on the snapshot's version.
fn workspace_edit(snap: &Snapshot, edits: &[Edit], style: EditStyle) -> WorkspaceEdit {
    let lines = snap.lines();
    let text_edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit {
            range: lines.range(e.range.start + snap.bom..e.range.end + snap.bom),
            new_text: e.text.clone(),
        })
        .collect();
    if style.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: snap.uri.clone(),
                    version: Some(snap.version),
                },
                edits: text_edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(snap.uri.clone(), text_edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_edits_cover_changed_lines_only() {
        let old = "one\ntwo miracle\nthree\nfour miracle\n";
        let new = "one\ntwo new\nthree\nfour new\n";
        let edits = line_edits(old, new);
        assert_eq!(edits.len(), 2);
        assert_eq!(&old[edits[0].range.clone()], "two miracle\n");
        assert_eq!(edits[0].text, "two new\n");
        assert_eq!(fix::apply(old, &edits), new);
    }
}
