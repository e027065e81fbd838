//! `OpenDocument` text (.odt, as `LibreOffice` and Google Docs save it): the package → one line of
//! text per paragraph, laid out like a Word document's (see [`super::docx`]), for checking only
//! (`annotate` writes Word documents).
//!
//! The same crates as for .docx: `zip` for the package, `quick-xml` for `content.xml` (the body)
//! and `styles.xml` (the headers and footers of the page styles). A paragraph is `text:p` or
//! `text:h` (a heading); spans, links and tracked-change marks inside it are read through;
//! `text:s` is as many spaces as its `text:c`, `text:tab` a tab, `text:line-break` a space.
//! Footnotes (`text:note-body`) and text boxes hold paragraphs of their own, numbered in the order
//! they start. Deleted text lives in `text:tracked-changes` and is not read, nor are comments
//! (`office:annotation`) or a note's citation mark; inserted text is inline and counts.

use super::docx::{DocxError, open_zip, read_part};
use crate::document::BlockKind;
use quick_xml::events::Event;

/// Elements whose content is not the document's text.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "text:tracked-changes"
            | "office:annotation"
            | "office:annotation-end"
            | "text:note-citation"
            | "text:sequence-decls"
            | "office:forms"
    )
}

struct Open {
    start: usize,
    kind: BlockKind,
    text: String,
}

/// The paragraphs of one part: (start in the part, kind, text), in the order they start.
#[allow(clippy::too_many_lines, reason = "one event loop over the XML")]
fn paragraphs(name: &str, xml: &str) -> Result<Vec<(usize, BlockKind, String)>, DocxError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut open: Vec<Open> = Vec::new();
    let mut done = Vec::new();
    let mut depth = 0usize;
    let mut skip: Option<usize> = None;
    let mut cells = 0usize;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            DocxError(format!(
                "{name}: malformed XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let qname = e.name();
                let n: &str = qname.as_ref();
                if !empty {
                    depth += 1;
                }
                if skip.is_some() {
                    continue;
                }
                if skipped(n) {
                    if !empty {
                        skip = Some(depth);
                    }
                    continue;
                }
                match n {
                    "text:p" | "text:h" => {
                        let kind = if n == "text:h" {
                            BlockKind::Heading
                        } else if cells > 0 {
                            BlockKind::TableCell
                        } else {
                            BlockKind::Paragraph
                        };
                        if empty {
                            done.push((before, kind, String::new()));
                        } else {
                            open.push(Open {
                                start: before,
                                kind,
                                text: String::new(),
                            });
                        }
                    }
                    "table:table-cell" if !empty => cells += 1,
                    "text:s" => {
                        let count = e
                            .try_get_attribute("text:c")
                            .ok()
                            .flatten()
                            .and_then(|a| a.value.trim().parse::<usize>().ok())
                            .unwrap_or(1)
                            .min(1000);
                        if let Some(p) = open.last_mut() {
                            p.text.extend(std::iter::repeat_n(' ', count));
                        }
                    }
                    "text:tab" => open.last_mut().into_iter().for_each(|p| p.text.push('\t')),
                    "text:line-break" => open.last_mut().into_iter().for_each(|p| p.text.push(' ')),
                    _ => {}
                }
            }
            Event::End(e) => {
                let qname = e.name();
                let n: &str = qname.as_ref();
                if skip == Some(depth) {
                    skip = None;
                } else if skip.is_none() {
                    match n {
                        "text:p" | "text:h" => {
                            if let Some(p) = open.pop() {
                                done.push((p.start, p.kind, p.text));
                            }
                        }
                        "table:table-cell" => cells = cells.saturating_sub(1),
                        _ => {}
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if skip.is_none() => {
                if let Some(p) = open.last_mut() {
                    p.text.extend(
                        t.xml10_content()
                            .chars()
                            .map(|c| if c.is_whitespace() { ' ' } else { c }),
                    );
                }
            }
            Event::GeneralRef(r) if skip.is_none() => {
                if let Some(p) = open.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => p.text.push(if c.is_whitespace() { ' ' } else { c }),
                        _ => p.text.push_str(
                            quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                                .unwrap_or(""),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    done.sort_by_key(|p| p.0);
    Ok(done)
}

/// The text of an .odt package: its paragraphs one per line, the body's, then those of the page
/// styles' headers and footers.
///
/// # Errors
/// Not a zip archive, no `content.xml`, or a part that is not well-formed XML.
pub fn read(bytes: &[u8]) -> Result<String, DocxError> {
    let mut zip = open_zip(bytes)?;
    let content = read_part(&mut zip, "content.xml")?.ok_or_else(|| {
        DocxError("not an OpenDocument text (no content.xml in the package)".into())
    })?;
    let mut text = String::new();
    for (name, xml) in [
        ("content.xml", Some(content)),
        ("styles.xml", read_part(&mut zip, "styles.xml")?),
    ] {
        let Some(xml) = xml else { continue };
        let paras = paragraphs(name, &xml)?;
        // In styles.xml only the headers and footers are text of the document.
        let keep = |start: usize| {
            name == "content.xml" || {
                let head = &xml[..start];
                let open = [
                    "<style:header",
                    "<style:footer",
                    "<style:header-first",
                    "<style:footer-first",
                ]
                .iter()
                .filter_map(|t| head.rfind(t))
                .max();
                let close = [
                    "</style:header>",
                    "</style:footer>",
                    "</style:header-first>",
                    "</style:footer-first>",
                ]
                .iter()
                .filter_map(|t| head.rfind(t))
                .max();
                open.is_some_and(|o| close.is_none_or(|c| c < o))
            }
        };
        for (start, _, t) in paras {
            if keep(start) {
                text.push_str(&t);
                text.push('\n');
            }
        }
    }
    Ok(text)
}
