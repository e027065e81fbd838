//! `claimlint annotate`: a copy of a Word document with a review comment on each finding and,
//! with `--track-changes`, its safe fixes as tracked changes the writer can accept or reject.
//!
//! The document is read by [`crate::extract::docx`], which knows where every run of text sits in
//! its XML part. A span of the checked text becomes *slots* in the XML: before or after a run, or
//! inside one, which is then rewritten as two runs with the same properties (`w:rPr`) on either
//! side of the cut. Everything else in the package is copied byte for byte (`zip`'s raw copy), so
//! the annotated file differs from the input only by the comments part, its relationship and
//! content type, and the runs that were cut.
//!
//! - A comment (`w:commentRangeStart` … `w:commentRangeEnd` and a `w:commentReference` run) is
//!   anchored on the finding's words, author `claimlint`; its text is the message, the balanced
//!   wording, the rule id and its basis. Word allows no comments in headers and footers, and
//!   `LibreOffice` opens no document with one in a footnote: a finding there is commented on the
//!   document's first paragraph, quoting the words.
//! - A safe replacement becomes a tracked deletion of the words (each run in its own `w:del`,
//!   `w:t` turned into `w:delText`) followed by a tracked insertion of the new words, in the
//!   first deleted run's formatting. It is made only where the words sit in plain runs of one
//!   parent (not inside another tracked change, a field or a text box anchor); otherwise the
//!   comment carries the suggestion.
//! - A missing caveat becomes a tracked insertion of its sentence as a new last paragraph of the
//!   body (the same place `--fix` puts it on a page), and a comment at the treatment's first
//!   mention says so.
//!
//! The input is never modified; the output is written atomically and an existing file is
//! replaced only with `--force`.

use crate::check::Finding;
use crate::extract::Format;
use crate::extract::docx::{self, ChildKind, Docx, DocxError, Run};
use crate::fix;
use crate::rules::{Applicability, Category, RuleSet};
use quick_xml::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::ops::Range;

/// The author of every comment and tracked change.
pub const AUTHOR: &str = "claimlint";

const COMMENTS_PART: &str = "word/comments.xml";
const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

#[derive(Debug, Clone)]
pub struct Options {
    pub track_changes: bool,
    /// The `w:date` of comments and changes (ISO 8601, UTC).
    pub date: String,
}

/// What an annotation added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub comments: usize,
    pub replacements: usize,
    pub insertions: usize,
}

impl Summary {
    /// `3 comments, 1 tracked replacement, 1 tracked insertion`.
    #[must_use]
    pub fn line(self) -> String {
        let n = |k: usize, one: &str| format!("{k} {one}{}", if k == 1 { "" } else { "s" });
        format!(
            "{}, {}, {}",
            n(self.comments, "comment"),
            n(self.replacements, "tracked replacement"),
            n(self.insertions, "tracked insertion")
        )
    }
}

/// Where a marker goes: inside a run (cut at a text offset) or between elements of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    /// Cut run `run` at text offset `at` (strictly inside its text).
    Cut { run: usize, at: usize },
    /// At byte `at` of part `part`.
    Xml { part: usize, at: usize },
}

/// Order of markers at one slot: an insertion closes a replacement, then comments end, then
/// comments start.
const ORDER_INS: u8 = 0;
const ORDER_END: u8 = 1;
const ORDER_START: u8 = 2;

struct Builder<'a> {
    doc: &'a Docx,
    opts: &'a Options,
    next_id: u64,
    /// Markup to put at each slot, with its order and creation sequence.
    markers: Vec<(Slot, u8, usize, String)>,
    /// Text ranges to wrap as tracked deletions.
    deletions: Vec<Range<usize>>,
    /// Comment bodies, `w:comment` elements.
    comments: Vec<String>,
    /// Caveat paragraphs to add at the end of the body.
    caveats: Vec<String>,
    summary: Summary,
}

impl Builder<'_> {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn change_attrs(&mut self) -> String {
        let id = self.id();
        format!(
            r#"w:id="{id}" w:author="{AUTHOR}" w:date="{}""#,
            escape(self.opts.date.as_str())
        )
    }

    fn marker(&mut self, slot: Slot, order: u8, xml: String) {
        let seq = self.markers.len();
        self.markers.push((slot, order, seq, xml));
    }

    /// The paragraph whose line holds text offset `at`.
    fn paragraph_at(&self, at: usize) -> Option<usize> {
        let i = self.doc.paragraphs.partition_point(|p| p.text.start <= at);
        let i = i.checked_sub(1)?;
        (at <= self.doc.paragraphs[i].text.end).then_some(i)
    }

    fn runs_of(&self, para: usize) -> &[Run] {
        &self.doc.runs[self.doc.paragraphs[para].runs.clone()]
    }

    /// The slot where something starting at text offset `at` of paragraph `para` begins.
    fn start_slot(&self, para: usize, at: usize) -> Option<Slot> {
        let base = self.doc.paragraphs[para].runs.start;
        let runs = self.runs_of(para);
        let k = runs.iter().position(|r| r.text.end > at)?;
        let r = &runs[k];
        Some(if r.text.start < at {
            Slot::Cut { run: base + k, at }
        } else {
            Slot::Xml {
                part: r.part,
                at: r.xml.start,
            }
        })
    }

    /// The slot where something ending at text offset `at` of paragraph `para` ends.
    fn end_slot(&self, para: usize, at: usize) -> Option<Slot> {
        let base = self.doc.paragraphs[para].runs.start;
        let runs = self.runs_of(para);
        let k = runs.iter().rposition(|r| r.text.start < at)?;
        let r = &runs[k];
        Some(if r.text.end > at {
            Slot::Cut { run: base + k, at }
        } else {
            Slot::Xml {
                part: r.part,
                at: r.xml.end,
            }
        })
    }

    /// Adds a comment over `range` of paragraph `para` with `paragraphs` of text.
    fn comment(&mut self, para: usize, range: Range<usize>, paragraphs: &[String]) -> bool {
        let (Some(start), Some(end)) = (
            self.start_slot(para, range.start),
            self.end_slot(para, range.end),
        ) else {
            return false;
        };
        let id = self.id();
        self.marker(
            start,
            ORDER_START,
            format!(r#"<w:commentRangeStart w:id="{id}"/>"#),
        );
        self.marker(
            end,
            ORDER_END,
            format!(
                r#"<w:commentRangeEnd w:id="{id}"/><w:r><w:commentReference w:id="{id}"/></w:r>"#
            ),
        );
        let mut body = format!(
            r#"<w:comment w:id="{id}" w:author="{AUTHOR}" w:date="{}" w:initials="CL">"#,
            escape(self.opts.date.as_str())
        );
        for p in paragraphs {
            let _ = write!(
                body,
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape(p.as_str())
            );
        }
        body.push_str("</w:comment>");
        self.comments.push(body);
        self.summary.comments += 1;
        true
    }

    /// Whether `range` of paragraph `para` can be deleted as a tracked change: its runs are plain
    /// runs of one parent.
    fn deletable(&self, para: usize, range: &Range<usize>) -> bool {
        let runs: Vec<&Run> = self
            .runs_of(para)
            .iter()
            .filter(|r| r.text.start < range.end && r.text.end > range.start)
            .collect();
        !runs.is_empty()
            && runs.iter().all(|r| !r.tracked && !r.nested)
            && runs.iter().all(|r| r.parent == runs[0].parent)
            && !self
                .deletions
                .iter()
                .any(|d| d.start < range.end && range.start < d.end)
    }

    /// A tracked replacement of `range` of paragraph `para` by `new`.
    fn replace(&mut self, para: usize, range: Range<usize>, new: &str) -> bool {
        if !self.deletable(para, &range) {
            return false;
        }
        let Some(end) = self.end_slot(para, range.end) else {
            return false;
        };
        let rpr = self
            .runs_of(para)
            .iter()
            .find(|r| r.text.end > range.start)
            .and_then(|r| r.rpr.clone().map(|x| (r.part, x)))
            .map(|(part, x)| self.doc.parts[part].xml[x].to_string())
            .unwrap_or_default();
        let attrs = self.change_attrs();
        self.marker(
            end,
            ORDER_INS,
            format!(
                r#"<w:ins {attrs}><w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r></w:ins>"#,
                escape(new)
            ),
        );
        // Cuts at both ends, so the deleted runs hold exactly the words.
        if let Some(Slot::Cut { run, at }) = self.start_slot(para, range.start) {
            self.marker(Slot::Cut { run, at }, ORDER_START, String::new());
        }
        self.deletions.push(range);
        self.summary.replacements += 1;
        true
    }
}

/// The text of a comment on a finding: the message, what was done or is suggested, the balanced
/// wording, the rule and its basis, one paragraph each. `place` names a header or footer.
fn comment_text(
    rules: &RuleSet,
    f: &Finding,
    text: &str,
    matched: &str,
    action: Option<String>,
    place: Option<&str>,
) -> Vec<String> {
    let rule = &rules.rules[f.rule];
    let words = crate::report::FindingText::new(rules, f, text);
    let mut out = Vec::new();
    let message = words.message.trim();
    out.push(match place {
        Some(w) => format!("{w} \u{201C}{matched}\u{201D}: {message}"),
        None => message.to_string(),
    });
    out.extend(action);
    if !words.help.trim().is_empty() {
        out.push(format!("Balanced wording: {}", words.help.trim()));
    }
    out.push(format!("Rule: {} ({})", rule.id, rule.severity.as_str()));
    if !words.note.trim().is_empty() {
        out.push(format!("Basis: {}", words.note.trim()));
    }
    out
}

/// A change to a part: replace a byte range (empty: insert) with text; order and sequence sort
/// insertions at one byte.
type Splice = (Range<usize>, u8, usize, String);

/// The markers at each cut of one run: text offset → (order, sequence, markup).
type CutMarkers = BTreeMap<usize, Vec<(u8, usize, String)>>;

/// Every `w:id="N"` number in `xml`, for choosing ids no existing annotation uses.
fn max_id(xml: &str) -> u64 {
    let mut max = 0;
    for (i, _) in xml.match_indices("w:id=\"") {
        let digits: String = xml[i + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        max = max.max(digits.parse().unwrap_or(0));
    }
    max
}

/// Where new last paragraphs of the body go: before the body's own `w:sectPr`, else before
/// `</w:body>`.
fn body_end(xml: &str) -> Option<usize> {
    let end = xml.rfind("</w:body>")?;
    let head = &xml[..end];
    match head.rfind("<w:sectPr") {
        Some(s) if !head[s..].contains("</w:p>") && !head[s..].contains("</w:tbl>") => Some(s),
        _ => Some(end),
    }
}

/// The splice that marks the paragraph at `para` (a byte range of `xml`) as ending in an inserted
/// paragraph mark (`w:pPr/w:rPr/w:ins`), or `None` when its properties are too unusual to edit
/// safely (a property change of their own).
fn inserted_mark(xml: &str, para: &Range<usize>, attrs: &str) -> Option<(Range<usize>, String)> {
    let p = &xml[para.clone()];
    let open_end = p.find('>')? + 1;
    if p[..open_end].ends_with("/>") {
        return None;
    }
    let ins = format!("<w:ins {attrs}/>");
    let rest = &p[open_end..];
    let at = para.start + open_end;
    if rest.starts_with("<w:pPr/>") {
        return Some((at..at + 8, format!("<w:pPr><w:rPr>{ins}</w:rPr></w:pPr>")));
    }
    if !rest.starts_with("<w:pPr>") && !rest.starts_with("<w:pPr ") {
        return Some((at..at, format!("<w:pPr><w:rPr>{ins}</w:rPr></w:pPr>")));
    }
    let ppr = &rest[..rest.find("</w:pPr>")?];
    if ppr.contains("pPrChange") || ppr.contains("<w:rPr ") {
        return None;
    }
    if let Some(i) = ppr.find("<w:rPr/>") {
        return Some((at + i..at + i + 8, format!("<w:rPr>{ins}</w:rPr>")));
    }
    if let Some(i) = ppr.find("<w:rPr>") {
        let i = at + i + 7;
        return Some((i..i, ins));
    }
    let i = at + ppr.find("<w:sectPr").unwrap_or(ppr.len());
    Some((i..i, format!("<w:rPr>{ins}</w:rPr>")))
}

/// Rewrites one run cut at `cuts` (text offsets strictly inside it), with `markers` at each cut
/// and the pieces inside `deletions` wrapped as tracked deletions.
fn rewrite_run(
    doc: &Docx,
    run: &Run,
    cuts: &BTreeMap<usize, Vec<String>>,
    deletions: &[Range<usize>],
    del_attrs: &mut dyn FnMut() -> String,
) -> String {
    let xml = &doc.parts[run.part].xml;
    let open = &xml[run.open_tag.clone()];
    let rpr = run.rpr.clone().map_or("", |r| &xml[r]);
    let mut bounds = vec![run.text.start];
    bounds.extend(cuts.keys().copied());
    bounds.push(run.text.end);
    let mut out = String::new();
    let last = bounds.len() - 2;
    for (i, w) in bounds.windows(2).enumerate() {
        let (s, e) = (w[0], w[1]);
        if i > 0
            && let Some(m) = cuts.get(&s)
        {
            out.extend(m.iter().map(String::as_str));
        }
        let deleted = deletions.iter().any(|d| d.start <= s && e <= d.end) && s < e;
        let mut body = String::new();
        for c in &run.children {
            let inside = match c.kind {
                ChildKind::Other => {
                    (s <= c.text.start && c.text.start < e) || (i == last && c.text.start == e)
                }
                ChildKind::Mark => s <= c.text.start && c.text.start < e,
                ChildKind::Text => c.text.start < e && s < c.text.end,
            };
            if !inside {
                continue;
            }
            match c.kind {
                ChildKind::Text => {
                    let t = &doc.text[c.text.start.max(s)..c.text.end.min(e)];
                    let tag = if deleted { "w:delText" } else { "w:t" };
                    let _ = write!(body, r#"<{tag} xml:space="preserve">{}</{tag}>"#, escape(t));
                }
                _ => body.push_str(&xml[c.xml.clone()]),
            }
        }
        let piece = format!("{open}{rpr}{body}</w:r>");
        if deleted {
            let _ = write!(out, "<w:del {}>{piece}</w:del>", del_attrs());
        } else {
            out.push_str(&piece);
        }
    }
    out
}

/// Annotates a document: the bytes of the new package and what was added. `findings` are the
/// findings of `doc.text`, as `check` reports them.
///
/// # Errors
/// The package cannot be read again or written.
#[allow(clippy::too_many_lines)]
pub fn annotate(
    bytes: &[u8],
    doc: &Docx,
    rules: &RuleSet,
    findings: &[Finding],
    opts: &Options,
) -> Result<(Vec<u8>, Summary), DocxError> {
    let mut zip = docx::open_zip(bytes)?;
    let existing_comments = docx::read_part(&mut zip, COMMENTS_PART)?;
    let next_id = doc
        .parts
        .iter()
        .map(|p| max_id(&p.xml))
        .chain(existing_comments.as_deref().map(max_id))
        .max()
        .unwrap_or(0);
    let mut b = Builder {
        doc,
        opts,
        next_id,
        markers: Vec::new(),
        deletions: Vec::new(),
        comments: Vec::new(),
        caveats: Vec::new(),
        summary: Summary::default(),
    };
    // A finding in a header or footer is commented on the first body paragraph with text.
    let first_para = doc
        .paragraphs
        .iter()
        .position(|p| p.part == 0 && p.depth == 0 && !p.runs.is_empty() && !p.text.is_empty());
    let mut caveat_rules = Vec::new();
    for f in findings {
        let rule = &rules.rules[f.rule];
        let Some(para) = b.paragraph_at(f.span.start) else {
            continue;
        };
        let matched = doc.text.get(f.span.clone()).unwrap_or_default();
        let takes_comments = doc.parts[doc.paragraphs[para].part].takes_comments();
        let mut anchor = f.span.clone();
        let mut action = None;
        if rule.category == Category::MissingCaveat {
            if let Some(sentence) = fix::caveat_text(rules, f, &doc.text) {
                action = Some(if opts.track_changes {
                    if !caveat_rules.contains(&f.rule) {
                        caveat_rules.push(f.rule);
                        b.caveats.push(sentence.clone());
                    }
                    "Added the caveat at the end of the document as a tracked insertion."
                        .to_string()
                } else {
                    format!("Suggested addition: \u{201C}{sentence}\u{201D}")
                });
            }
        } else if let Some(edit) = fix::replacement_edit(rules, Format::Docx, &doc.text, f) {
            let same_para = edit.range.end <= doc.paragraphs[para].text.end;
            let safe = fix::fix_applicability(rule) == Some(Applicability::Safe);
            let applied = opts.track_changes
                && safe
                && same_para
                && b.replace(para, edit.range.clone(), &edit.text);
            let old = &doc.text[edit.range.clone()];
            action = Some(if applied {
                anchor = anchor.start.min(edit.range.start)..anchor.end.max(edit.range.end);
                format!(
                    "Replaced \u{201C}{old}\u{201D} with \u{201C}{}\u{201D} as a tracked change.",
                    edit.text
                )
            } else {
                format!(
                    "Suggested replacement ({}): \u{201C}{old}\u{201D} \u{2192} \u{201C}{}\u{201D}",
                    rule.applicability.as_str(),
                    edit.text
                )
            });
        }
        let place = (!takes_comments)
            .then(|| format!("In {},", doc.parts[doc.paragraphs[para].part].place()));
        let text = comment_text(rules, f, &doc.text, matched, action, place.as_deref());
        if takes_comments {
            b.comment(para, anchor, &text);
        } else if let Some(fp) = first_para {
            let r = doc.paragraphs[fp].text.clone();
            b.comment(fp, r, &text);
        }
    }

    // The parts with their splices: (range, order, sequence, text), applied in order.
    let mut splices: Vec<Vec<Splice>> = vec![Vec::new(); doc.parts.len()];
    let mut cuts: BTreeMap<usize, CutMarkers> = BTreeMap::new();
    for (slot, order, seq, xml) in std::mem::take(&mut b.markers) {
        match slot {
            Slot::Cut { run, at } => cuts
                .entry(run)
                .or_default()
                .entry(at)
                .or_default()
                .push((order, seq, xml)),
            Slot::Xml { part, at } => splices[part].push((at..at, order, seq, xml)),
        }
    }
    // Runs to rewrite: those with cuts, and those inside a deletion.
    let deletions = std::mem::take(&mut b.deletions);
    let mut rewrite: Vec<usize> = cuts.keys().copied().collect();
    for (i, r) in doc.runs.iter().enumerate() {
        if deletions
            .iter()
            .any(|d| d.start <= r.text.start && r.text.end <= d.end && r.text.start < r.text.end)
        {
            rewrite.push(i);
        }
    }
    rewrite.sort_unstable();
    rewrite.dedup();
    for i in rewrite {
        let run = &doc.runs[i];
        let mut at: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        if let Some(c) = cuts.get(&i) {
            for (off, ms) in c {
                let mut ms = ms.clone();
                ms.sort();
                at.insert(*off, ms.into_iter().map(|(_, _, x)| x).collect());
            }
        }
        let mut attrs = || b.change_attrs();
        let xml = rewrite_run(doc, run, &at, &deletions, &mut attrs);
        splices[run.part].push((run.xml.clone(), 0, 0, xml));
    }
    if !b.caveats.is_empty()
        && let Some(at) = body_end(&doc.parts[0].xml)
    {
        // New paragraphs after the last one, as Word records typing them: the last paragraph's
        // mark becomes an inserted one, and the last new paragraph ends with the original mark
        // (so rejecting the change leaves the document as it was, in Word and LibreOffice).
        let xml = &doc.parts[0].xml;
        let last = doc
            .paragraphs
            .iter()
            .filter(|p| {
                p.part == 0
                    && p.depth == 0
                    && p.xml.end <= at
                    && xml.get(p.xml.end..at).is_some_and(|g| g.trim().is_empty())
            })
            .max_by_key(|p| p.xml.end);
        let mark_attrs = b.change_attrs();
        let moved_mark = last.and_then(|p| inserted_mark(xml, &p.xml, &mark_attrs));
        if let Some((range, text)) = moved_mark.clone() {
            splices[0].push((range, 0, 0, text));
        }
        let caveats = std::mem::take(&mut b.caveats);
        let n = caveats.len();
        for (i, sentence) in caveats.into_iter().enumerate() {
            let mark = if moved_mark.is_some() && i + 1 == n {
                String::new()
            } else {
                format!(
                    "<w:pPr><w:rPr><w:ins {}/></w:rPr></w:pPr>",
                    b.change_attrs()
                )
            };
            let ins = b.change_attrs();
            let p = format!(
                r#"<w:p>{mark}<w:ins {ins}><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:ins></w:p>"#,
                escape(sentence.as_str())
            );
            let seq = splices[0].len();
            splices[0].push((at..at, ORDER_START, seq, p));
            b.summary.insertions += 1;
        }
    }

    let mut new_parts: BTreeMap<String, String> = BTreeMap::new();
    for (part, mut list) in splices.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        // Insertions before a replacement that starts at the same byte.
        list.sort_by(|a, b| {
            (a.0.start, !a.0.is_empty(), a.1, a.2).cmp(&(b.0.start, !b.0.is_empty(), b.1, b.2))
        });
        let xml = &doc.parts[part].xml;
        let mut out = String::with_capacity(xml.len() + 4096);
        let mut at = 0;
        for (range, _, _, text) in list {
            if range.start < at {
                continue;
            }
            out.push_str(&xml[at..range.start]);
            out.push_str(&text);
            at = range.end;
        }
        out.push_str(&xml[at..]);
        new_parts.insert(doc.parts[part].name.clone(), out);
    }

    if !b.comments.is_empty() {
        let comments = b.comments.concat();
        let part = match existing_comments {
            Some(x) => match x.rfind("</w:comments>") {
                Some(i) => format!("{}{comments}{}", &x[..i], &x[i..]),
                None => return Err(DocxError(format!("{COMMENTS_PART}: no </w:comments>"))),
            },
            None => format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W_NS}">{comments}</w:comments>"#
            ),
        };
        new_parts.insert(COMMENTS_PART.into(), part);
        let types = docx::read_part(&mut zip, "[Content_Types].xml")?
            .ok_or_else(|| DocxError("no [Content_Types].xml in the package".into()))?;
        if !types.contains("/word/comments.xml\"") {
            let i = types
                .rfind("</Types>")
                .ok_or_else(|| DocxError("[Content_Types].xml: no </Types>".into()))?;
            new_parts.insert(
                "[Content_Types].xml".into(),
                format!(
                    r#"{}<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>{}"#,
                    &types[..i],
                    &types[i..]
                ),
            );
        }
        let rels_name = "word/_rels/document.xml.rels";
        let rels = docx::read_part(&mut zip, rels_name)?.unwrap_or_else(|| {
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#
                .to_string()
        });
        if !rels.contains(COMMENTS_REL) {
            let i = rels
                .rfind("</Relationships>")
                .ok_or_else(|| DocxError(format!("{rels_name}: no </Relationships>")))?;
            new_parts.insert(
                rels_name.into(),
                format!(
                    r#"{}<Relationship Id="rIdClaimlintComments" Type="{COMMENTS_REL}" Target="comments.xml"/>{}"#,
                    &rels[..i],
                    &rels[i..]
                ),
            );
        }
    }
    let summary = b.summary;
    Ok((write_package(&mut zip, new_parts)?, summary))
}

/// The package with `replaced` parts written anew (and added if absent), the others copied raw.
fn write_package(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    mut replaced: BTreeMap<String, String>,
) -> Result<Vec<u8>, DocxError> {
    let err = |e: &dyn std::fmt::Display| DocxError(format!("cannot write the package: {e}"));
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|e| err(&e))?;
        let name = file.name().map_err(|e| err(&e))?.into_owned();
        if let Some(text) = replaced.remove(&name) {
            drop(file);
            out.start_file(name.as_str(), options)
                .map_err(|e| err(&e))?;
            out.write_all(text.as_bytes()).map_err(|e| err(&e))?;
        } else {
            out.raw_copy_file(file).map_err(|e| err(&e))?;
        }
    }
    for (name, text) in replaced {
        out.start_file(name.as_str(), options)
            .map_err(|e| err(&e))?;
        out.write_all(text.as_bytes()).map_err(|e| err(&e))?;
    }
    let cursor = out.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

/// Reads a whole file, for `annotate`'s input.
///
/// # Errors
/// The file cannot be read.
pub fn read_input(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, then renamed.
///
/// # Errors
/// An I/O step failed; `path` is then left as it was.
pub fn write_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let (tmp, mut file) = fix::TempFile::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    tmp.persist(path)
}
