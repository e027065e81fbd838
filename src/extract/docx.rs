//! Word documents (.docx): the package → one line of text per paragraph, and a map from that text
//! back to the XML runs it came from (which `annotate` needs to put comments and tracked changes
//! on exact spans).
//!
//! A .docx is a zip of XML parts, read with the `zip` crate (the maintained reader and writer of
//! the format, here with only its deflate codec) and `quick-xml` (a streaming pull parser that
//! reports byte positions, so every run's place in its part is known without building a tree).
//! No maintained crate reads a document *with* positions back into the XML, which is what
//! annotating needs, so the model here is ours.
//!
//! What counts as text: `w:t` inside `w:r` in every paragraph (`w:p`) of the body, its tables and
//! text boxes (`w:txbxContent`), the headers, footers, footnotes and endnotes. Text of a tracked
//! insertion (`w:ins`, `w:moveTo`) counts, as the document reads once the changes are accepted;
//! deleted text (`w:del`, `w:moveFrom`) does not, nor does the VML copy of a text box that Word
//! keeps for old readers (`mc:Fallback`), field instructions, or deleted field instructions.
//! A tab is a tab, a line break a space; a non-breaking hyphen a hyphen; a soft hyphen is
//! dropped when matching (the prose normaliser drops it). The runs of a paragraph are joined
//! without anything in between, so a phrase split across runs (`game-` in one, `changer` in the
//! next, or across a bold boundary) reads as one phrase.
//!
//! The text claimlint checks is these paragraphs, one per line, each ending in `\n`: the body in
//! document order (a text box's paragraphs after the paragraph that anchors it... in the order
//! their `w:p` starts), then the headers, footers, footnotes and endnotes, each in part-name
//! order. So a diagnostic's `line` is the paragraph number (`¶12`), its `column` the character in
//! that paragraph, and its `offset` the byte offset in that UTF-8 text (not in any XML part).

use crate::document::{Block, BlockKind, ProseBuilder};
use crate::extract::Comment;
use quick_xml::events::Event;
use std::io::Read;
use std::ops::Range;

/// The main document part.
pub const DOCUMENT_PART: &str = "word/document.xml";

/// Largest XML part read, uncompressed: a real document's body is a few MB; a zip bomb is not
/// read to the end.
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// One XML part of the package that holds text.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part's name in the zip (`word/document.xml`).
    pub name: String,
    pub xml: String,
}

impl Part {
    /// Whether comments are anchored in this part: the body only. Word allows none in headers and
    /// footers, and `LibreOffice` cannot open a document with one in a footnote.
    #[must_use]
    pub fn takes_comments(&self) -> bool {
        self.name == DOCUMENT_PART
    }

    /// What a reader calls this part: "a header", "a footnote"…
    #[must_use]
    pub fn place(&self) -> &'static str {
        let n = self.name.as_str();
        if n.starts_with("word/header") {
            "a header"
        } else if n.starts_with("word/footer") {
            "a footer"
        } else if n.starts_with("word/footnotes") {
            "a footnote"
        } else if n.starts_with("word/endnotes") {
            "an endnote"
        } else {
            "the body"
        }
    }
}

/// What a child of a run is, for rewriting the run in pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    /// `w:t`: its text is the run text at the child's `text` range.
    Text,
    /// `w:tab`, `w:br` and the like: one character of text, kept as it is.
    Mark,
    /// Anything else (a drawing, a field character): no text, kept as it is.
    Other,
}

/// One child element of a run (its properties excepted).
#[derive(Debug, Clone)]
pub struct Child {
    pub kind: ChildKind,
    /// Byte range of the element in its part.
    pub xml: Range<usize>,
    /// Byte range of its text in [`Docx::text`] (empty, at its place, for [`ChildKind::Other`]).
    pub text: Range<usize>,
}

/// One `w:r` with text or marks in it.
#[derive(Debug, Clone)]
pub struct Run {
    pub part: usize,
    /// Byte range of the whole `<w:r …>…</w:r>` in its part.
    pub xml: Range<usize>,
    /// Byte range of the start tag `<w:r …>`.
    pub open_tag: Range<usize>,
    /// Byte range of `<w:rPr>…</w:rPr>`, if the run has properties.
    pub rpr: Option<Range<usize>>,
    pub children: Vec<Child>,
    /// Byte range of the run's text in [`Docx::text`].
    pub text: Range<usize>,
    /// Start of the element that holds the run (the paragraph, a hyperlink, a tracked insertion):
    /// runs can be wrapped together only when they share it.
    pub parent: usize,
    /// Inside a tracked insertion or a field: not ours to rewrite.
    pub tracked: bool,
    /// Holds a text box's paragraphs (in a drawing): never rewritten, its inner runs are.
    pub nested: bool,
}

/// One `w:p`.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub part: usize,
    pub kind: BlockKind,
    /// Byte range of the paragraph's text in [`Docx::text`] (its line, without the `\n`).
    pub text: Range<usize>,
    /// Byte range of the whole `<w:p>…</w:p>` in its part.
    pub xml: Range<usize>,
    /// Indexes into [`Docx::runs`], in text order.
    pub runs: Range<usize>,
    /// Nesting: 0 for a paragraph of the body, a table or a header; more inside a text box.
    pub depth: usize,
}

/// A Word document read for checking and annotating.
#[derive(Debug, Clone, Default)]
pub struct Docx {
    /// The paragraphs, one per line (see the module docs).
    pub text: String,
    pub parts: Vec<Part>,
    pub paragraphs: Vec<Paragraph>,
    pub runs: Vec<Run>,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxError(pub String);

impl std::fmt::Display for DocxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocxError {}

/// The zip archive of a package, or a one-line error.
///
/// # Errors
/// The bytes are not a zip archive.
pub fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, DocxError> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| DocxError(format!("not a Word document (not a zip archive: {e})")))
}

/// Reads one part of a package as UTF-8, or `None` when it is absent.
///
/// # Errors
/// The part cannot be decompressed, is too large, or is not UTF-8.
pub fn read_part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, DocxError> {
    let Ok(file) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut text = String::new();
    let mut limited = file.take(MAX_PART_BYTES + 1);
    limited
        .read_to_string(&mut text)
        .map_err(|e| DocxError(format!("cannot read {name}: {e}")))?;
    if text.len() as u64 > MAX_PART_BYTES {
        return Err(DocxError(format!(
            "{name} is larger than {} MB uncompressed",
            MAX_PART_BYTES >> 20
        )));
    }
    Ok(Some(text))
}

/// The number in a part name like `word/header12.xml`, for ordering parts as Word numbers them.
fn part_number(name: &str) -> u32 {
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// Reads a .docx package.
///
/// # Errors
/// Not a zip archive, no `word/document.xml`, or a part that is not well-formed XML.
pub fn read(bytes: &[u8]) -> Result<Docx, DocxError> {
    let mut zip = open_zip(bytes)?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .collect();
    let mut wanted = vec![DOCUMENT_PART.to_string()];
    for prefix in ["word/header", "word/footer"] {
        let mut found: Vec<&String> = names
            .iter()
            .filter(|n| {
                n.starts_with(prefix)
                    && std::path::Path::new(n.as_str())
                        .extension()
                        .is_some_and(|e| e == "xml")
                    && !n[prefix.len()..].contains('/')
            })
            .collect();
        found.sort_by_key(|n| (part_number(n), (*n).clone()));
        wanted.extend(found.into_iter().cloned());
    }
    wanted.push("word/footnotes.xml".into());
    wanted.push("word/endnotes.xml".into());
    let mut doc = Docx::default();
    for name in wanted {
        let Some(xml) = read_part(&mut zip, &name)? else {
            if name == DOCUMENT_PART {
                return Err(DocxError(
                    "not a Word document (no word/document.xml in the package)".into(),
                ));
            }
            continue;
        };
        let part = doc.parts.len();
        doc.parts.push(Part { name, xml });
        parse_part(&mut doc, part)?;
    }
    Ok(doc)
}

/// What an open element is to the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Paragraph,
    Run,
    Text,
    RunProps,
    Other,
}

struct Frame {
    role: Role,
    start: usize,
    /// `w:ins` / `w:moveTo` / a field: runs inside are left alone by `annotate`.
    tracked: bool,
    /// A table cell (`w:tc`).
    cell: bool,
}

/// A run being read; its text ranges are relative to its paragraph's text until the part ends.
struct OpenRun {
    xml_start: usize,
    open_tag: Range<usize>,
    rpr: Option<Range<usize>>,
    children: Vec<Child>,
    text_start: usize,
    parent: usize,
    tracked: bool,
    nested: bool,
}

struct OpenPara {
    xml_start: usize,
    kind: BlockKind,
    text: String,
    runs: Vec<Run>,
    run: Option<OpenRun>,
    depth: usize,
}

struct DonePara {
    xml: Range<usize>,
    kind: BlockKind,
    text: String,
    runs: Vec<Run>,
    depth: usize,
}

/// Elements whose content is not text of the document as it reads.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "w:del" | "w:moveFrom" | "mc:Fallback" | "w:instrText" | "w:delText" | "w:delInstrText"
    )
}

/// The text a mark element inside a run stands for.
fn mark_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "w:tab" | "w:ptab" => "\t",
        "w:br" | "w:cr" => " ",
        "w:noBreakHyphen" => "\u{2011}",
        "w:softHyphen" => "\u{AD}",
        _ => return None,
    })
}

fn heading_style(style: &str) -> bool {
    let s = style.to_ascii_lowercase();
    s.starts_with("heading") || s == "title" || s == "subtitle"
}

fn xml_error(part: &str, at: u64, e: &dyn std::fmt::Display) -> DocxError {
    DocxError(format!("{part}: malformed XML at byte {at}: {e}"))
}

/// Parses one part's paragraphs into `doc`.
#[allow(clippy::too_many_lines)]
fn parse_part(doc: &mut Docx, part: usize) -> Result<(), DocxError> {
    let xml = doc.parts[part].xml.as_str();
    let name = doc.parts[part].name.clone();
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut frames: Vec<Frame> = Vec::new();
    let mut paras: Vec<OpenPara> = Vec::new();
    let mut done: Vec<DonePara> = Vec::new();
    // Depth of `frames` at which a skipped element was opened.
    let mut skip: Option<usize> = None;
    let mut in_text: Option<(usize, usize)> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader
            .read_event()
            .map_err(|e| xml_error(&name, reader.error_position(), &e))?;
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let qname = e.name();
                let n = qname.as_ref();
                let parent_tracked = frames.last().is_some_and(|f| f.tracked);
                let tracked = parent_tracked || matches!(n, "w:ins" | "w:moveTo" | "w:fldSimple");
                let mut role = Role::Other;
                if skip.is_none() {
                    let parent_role = frames.last().map(|f| f.role);
                    match n {
                        "w:p" => {
                            if let Some(r) = paras.last_mut().and_then(|p| p.run.as_mut()) {
                                r.nested = true;
                            }
                            let depth = paras.len();
                            paras.push(OpenPara {
                                xml_start: before,
                                kind: BlockKind::Paragraph,
                                text: String::new(),
                                runs: Vec::new(),
                                run: None,
                                depth,
                            });
                            role = Role::Paragraph;
                        }
                        "w:pStyle" => {
                            if let Some(p) = paras.last_mut()
                                && let Ok(Some(v)) = e.try_get_attribute("w:val")
                                && heading_style(&v.value)
                            {
                                p.kind = BlockKind::Heading;
                            }
                        }
                        "w:numPr" => {
                            if let Some(p) = paras.last_mut()
                                && p.kind == BlockKind::Paragraph
                            {
                                p.kind = BlockKind::ListItem;
                            }
                        }
                        "w:r" if !empty => {
                            if let Some(p) = paras.last_mut() {
                                p.run = Some(OpenRun {
                                    xml_start: before,
                                    open_tag: before..after,
                                    rpr: None,
                                    children: Vec::new(),
                                    text_start: p.text.len(),
                                    parent: frames.last().map_or(0, |f| f.start),
                                    tracked: parent_tracked,
                                    nested: false,
                                });
                                role = Role::Run;
                            }
                        }
                        "w:rPr" if parent_role == Some(Role::Run) => role = Role::RunProps,
                        "w:t" if parent_role == Some(Role::Run) => {
                            role = Role::Text;
                            if let Some(p) = paras.last() {
                                in_text = Some((before, p.text.len()));
                            }
                        }
                        _ => {
                            if empty
                                && parent_role == Some(Role::Run)
                                && let Some(mark) = mark_text(n)
                                && let Some(p) = paras.last_mut()
                            {
                                let at = p.text.len();
                                p.text.push_str(mark);
                                let end = p.text.len();
                                if let Some(r) = p.run.as_mut() {
                                    r.children.push(Child {
                                        kind: ChildKind::Mark,
                                        xml: before..after,
                                        text: at..end,
                                    });
                                }
                                continue;
                            }
                        }
                    }
                }
                if empty {
                    // An empty element is opened and closed at once.
                    if skip.is_none() {
                        close(
                            &mut paras,
                            &mut done,
                            &frames,
                            role,
                            before,
                            after,
                            &mut in_text,
                        );
                        if role == Role::Other
                            && frames.last().map(|f| f.role) == Some(Role::Run)
                            && let Some(p) = paras.last_mut()
                            && let Some(r) = p.run.as_mut()
                        {
                            let at = p.text.len();
                            r.children.push(Child {
                                kind: ChildKind::Other,
                                xml: before..after,
                                text: at..at,
                            });
                        }
                    }
                    continue;
                }
                let skip_here = skip.is_none() && skipped(n);
                frames.push(Frame {
                    role,
                    start: before,
                    tracked,
                    cell: n == "w:tc",
                });
                if skip_here {
                    skip = Some(frames.len());
                }
            }
            Event::End(e) => {
                let Some(frame) = frames.pop() else {
                    return Err(xml_error(
                        &name,
                        reader.buffer_position(),
                        &"unbalanced end tag",
                    ));
                };
                if skip.is_some_and(|d| d > frames.len()) {
                    skip = None;
                    // A skipped element directly in a run (deleted field instructions) is kept.
                    if frames.last().map(|f| f.role) == Some(Role::Run)
                        && let Some(p) = paras.last_mut()
                        && let Some(r) = p.run.as_mut()
                    {
                        let at = p.text.len();
                        r.children.push(Child {
                            kind: ChildKind::Other,
                            xml: frame.start..after,
                            text: at..at,
                        });
                    }
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                let _ = e;
                close(
                    &mut paras,
                    &mut done,
                    &frames,
                    frame.role,
                    frame.start,
                    after,
                    &mut in_text,
                );
                if frame.role == Role::Other
                    && frames.last().map(|f| f.role) == Some(Role::Run)
                    && let Some(p) = paras.last_mut()
                    && let Some(r) = p.run.as_mut()
                {
                    let at = p.text.len();
                    r.children.push(Child {
                        kind: ChildKind::Other,
                        xml: frame.start..after,
                        text: at..at,
                    });
                }
            }
            Event::Text(t) if skip.is_none() && in_text.is_some() => {
                push_text(&mut paras, &t.xml10_content());
            }
            Event::CData(t) if skip.is_none() && in_text.is_some() => {
                push_text(&mut paras, &t.into_inner());
            }
            Event::GeneralRef(r) if skip.is_none() && in_text.is_some() => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                        .unwrap_or("")
                        .to_string(),
                };
                push_text(&mut paras, &s);
            }
            _ => {}
        }
    }
    // Paragraphs in the order they start (a text box's after the paragraph that anchors it).
    done.sort_by_key(|p| p.xml.start);
    for p in done {
        let base = doc.text.len();
        let first_run = doc.runs.len();
        for mut r in p.runs {
            r.part = part;
            r.text = base + r.text.start..base + r.text.end;
            for c in &mut r.children {
                c.text = base + c.text.start..base + c.text.end;
            }
            doc.runs.push(r);
        }
        doc.text.push_str(&p.text);
        doc.paragraphs.push(Paragraph {
            part,
            kind: p.kind,
            text: base..doc.text.len(),
            xml: p.xml,
            runs: first_run..doc.runs.len(),
            depth: p.depth,
        });
        doc.text.push('\n');
    }
    Ok(())
}

/// Appends text of a `w:t` to the open paragraph; line breaks inside it become spaces, so a
/// paragraph stays one line.
fn push_text(paras: &mut [OpenPara], s: &str) {
    if let Some(p) = paras.last_mut() {
        p.text.extend(
            s.chars()
                .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }),
        );
    }
}

/// Closes an element of the given role.
#[allow(clippy::too_many_arguments)]
fn close(
    paras: &mut Vec<OpenPara>,
    done: &mut Vec<DonePara>,
    frames: &[Frame],
    role: Role,
    start: usize,
    end: usize,
    in_text: &mut Option<(usize, usize)>,
) {
    match role {
        Role::Paragraph => {
            if let Some(p) = paras.pop() {
                let kind = if p.kind == BlockKind::Paragraph && in_cell(frames) {
                    BlockKind::TableCell
                } else {
                    p.kind
                };
                done.push(DonePara {
                    xml: p.xml_start..end,
                    kind,
                    text: p.text,
                    runs: p.runs,
                    depth: p.depth,
                });
            }
        }
        Role::Run => {
            if let Some(p) = paras.last_mut()
                && let Some(r) = p.run.take()
            {
                let text = r.text_start..p.text.len();
                if !r.children.is_empty() || !text.is_empty() {
                    p.runs.push(Run {
                        part: 0,
                        xml: r.xml_start..end,
                        open_tag: r.open_tag,
                        rpr: r.rpr,
                        children: r.children,
                        text,
                        parent: r.parent,
                        tracked: r.tracked,
                        nested: r.nested,
                    });
                }
            }
        }
        Role::RunProps => {
            if let Some(r) = paras.last_mut().and_then(|p| p.run.as_mut()) {
                r.rpr = Some(start..end);
            }
        }
        Role::Text => {
            if let Some((xml_start, text_start)) = in_text.take()
                && let Some(p) = paras.last_mut()
            {
                let text_end = p.text.len();
                if let Some(r) = p.run.as_mut() {
                    r.children.push(Child {
                        kind: ChildKind::Text,
                        xml: xml_start..end,
                        text: text_start..text_end,
                    });
                }
            }
        }
        Role::Other => {}
    }
}

/// Whether a paragraph closing at this depth sits in a table cell.
fn in_cell(frames: &[Frame]) -> bool {
    frames.iter().any(|f| f.cell)
}

/// The prose of a document's text (as [`read`] lays it out): each non-empty line is a block; a
/// line that starts with `claimlint-` is a suppression directive, as in plain text.
pub fn extract_to(src: &str, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut b = ProseBuilder::new();
    let mut at = 0;
    for line in src.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let text = line.trim_end_matches('\n');
        let trimmed = text.trim_start();
        if trimmed.starts_with("claimlint-") {
            let lead = text.len() - trimmed.len();
            let t = trimmed.trim_end();
            comments.push(Comment {
                text: t.to_string(),
                src: start + lead..start + lead + t.len(),
            });
            continue;
        }
        for (off, piece) in super::in_pieces(text) {
            b.text(piece, start + off);
            for block in b.finished().drain(..) {
                sink(block);
            }
        }
        b.end_block(BlockKind::Paragraph);
        for block in b.finished().drain(..) {
            sink(block);
        }
    }
    for block in b.finish() {
        sink(block);
    }
    comments
}
