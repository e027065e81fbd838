//! Extractors: a source file → the prose blocks a reader sees, with a map back to the source.
//!
//! Each format lives in its own module and produces the same [`Block`]s, so the engine is
//! format-blind.

pub mod docx;
pub mod html;
pub mod markdown;
pub mod odt;
pub mod plain;

use crate::document::{Block, ProseBuilder};

/// The formats claimlint reads, chosen by file extension (or `--stdin-filename`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
    /// A Word document: read from its package into one line per paragraph (see [`docx`]).
    Docx,
    /// An `OpenDocument` text, read like a Word document (see [`odt`]).
    Odt,
}

impl Format {
    /// Whether files of this format are packages read into one line of text per paragraph,
    /// whose positions are paragraphs (`¶12:34`) and whose text is never written back.
    #[must_use]
    pub fn is_document(self) -> bool {
        matches!(self, Self::Docx | Self::Odt)
    }
}

impl Format {
    /// The format for a file name, or `None` for a file claimlint does not read.
    #[must_use]
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Self::Text),
            "md" | "markdown" | "mdx" => Some(Self::Markdown),
            "html" | "htm" | "xhtml" => Some(Self::Html),
            "docx" => Some(Self::Docx),
            "odt" => Some(Self::Odt),
            _ => None,
        }
    }
}

/// A comment that may carry an inline suppression (`claimlint-disable-next-line …`). Extractors
/// report every comment's text; `check` decides which are directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment's content without its delimiters (`<!--`, `-->`), trimmed.
    pub text: String,
    /// Byte range of the whole comment in the source.
    pub src: std::ops::Range<usize>,
}

/// What an extractor found in one source file.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    pub comments: Vec<Comment>,
}

/// Extracts the prose of `src` read as `format`.
#[must_use]
pub fn extract(format: Format, src: &str) -> Extracted {
    let mut blocks = Vec::new();
    let comments = extract_to(format, src, &mut |b| blocks.push(b));
    Extracted { blocks, comments }
}

/// Extracts the prose of `src`, handing each block to `sink` in reading order as soon as it is
/// final (so that a large file's prose need never be held at once), and returns its comments.
pub fn extract_to(format: Format, src: &str, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    match format {
        Format::Text => plain::extract_to(src, sink),
        Format::Markdown => markdown::extract_to(src, sink),
        Format::Html => html::extract_to(src, sink),
        Format::Docx | Format::Odt => docx::extract_to(src, sink),
    }
}

/// Bytes of text given to a builder at a time by an extractor that can hand blocks on in between:
/// a page on a single line then streams instead of being held as prose all at once.
pub(crate) const TEXT_PIECE: usize = 64 * 1024;

/// `text` in pieces of about [`TEXT_PIECE`] bytes, cut on character boundaries, each with its
/// offset in `text`.
pub(crate) fn in_pieces(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let mut end = (at + TEXT_PIECE).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let piece = (at, &text[at..end]);
        at = end;
        Some(piece)
    })
}

/// Hands the finished blocks of a main builder and a side builder (alt text, attributes, front
/// matter: blocks that sit inside the main text) to `sink` merged in source order, the main block
/// first at equal offsets. Unless `all`, a block is held back while a block still being built
/// starts before it, because that block will come first.
fn emit_in_order(
    main: &mut ProseBuilder,
    side: &mut ProseBuilder,
    all: bool,
    sink: &mut dyn FnMut(Block),
) {
    if main.finished().is_empty() && side.finished().is_empty() {
        return;
    }
    let limit = if all {
        None
    } else {
        [main.open_start(), side.open_start()]
            .into_iter()
            .flatten()
            .min()
    };
    let start = |b: &Block| b.source_range(0..0).start;
    let mut m = std::mem::take(main.finished()).into_iter().peekable();
    let mut s = std::mem::take(side.finished()).into_iter().peekable();
    loop {
        let take_main = match (m.peek(), s.peek()) {
            (Some(a), Some(b)) => start(a) <= start(b),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_main { m.peek() } else { s.peek() };
        if next.is_some_and(|b| limit.is_some_and(|l| start(b) >= l)) {
            break;
        }
        if let Some(b) = if take_main { m.next() } else { s.next() } {
            sink(b);
        }
    }
    main.finished().extend(m);
    side.finished().extend(s);
}
