//! Extractors: a source file → the prose blocks a reader sees, with a map back to the source.
//!
//! Each format lives in its own module and produces the same [`Block`]s, so the engine is
//! format-blind. Before any of them runs, [`template`] finds the ranges that are template syntax
//! or match the config's ignore patterns, and every extractor's builder drops them.

pub mod docx;
pub mod html;
#[cfg(feature = "jsx")]
pub mod jsx;
pub mod markdown;
pub mod odt;
pub mod plain;
pub mod template;

use std::sync::Arc;

use crate::document::{Block, BlockKind, ProseBuilder};
use template::{Mask, TemplateOptions};

/// Front-matter fields read as prose when the config names none (`front-matter-fields`): what a
/// visitor sees as the page's title, subtitle, lead and search or link-preview snippet. A dotted
/// name is a nested key (`seo.description`: `description` under `seo`).
pub const FRONT_MATTER_FIELDS: [&str; 9] = [
    "title",
    "description",
    "summary",
    "excerpt",
    "subtitle",
    "lead",
    "og_description",
    "seo.description",
    "og.description",
];

/// JSX props read as copy when the config names none (`jsx-props`): in MDX component tags and,
/// when opted in, in `.jsx` / `.tsx` files.
pub const JSX_PROPS: [&str; 8] = [
    "title",
    "description",
    "alt",
    "label",
    "caption",
    "summary",
    "subtitle",
    "heading",
];

/// How to read site files: what is template syntax, which front-matter fields and JSX props are
/// copy. [`Options::default`] is every built-in default.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub templates: TemplateOptions,
    /// `None`: [`FRONT_MATTER_FIELDS`].
    pub front_matter_fields: Option<Vec<String>>,
    /// `None`: [`JSX_PROPS`].
    pub jsx_props: Option<Vec<String>>,
}

impl Options {
    /// The front-matter fields to read, as dotted paths.
    #[must_use]
    pub fn front_matter_fields(&self) -> Vec<&str> {
        match &self.front_matter_fields {
            Some(v) => v.iter().map(String::as_str).collect(),
            None => FRONT_MATTER_FIELDS.to_vec(),
        }
    }

    /// Whether a JSX prop's string value is copy.
    #[must_use]
    pub fn is_jsx_prop(&self, name: &str) -> bool {
        match &self.jsx_props {
            Some(v) => v.iter().any(|p| p == name),
            None => JSX_PROPS.contains(&name),
        }
    }
}

/// What every extractor is handed besides the source: the options and the source's mask.
pub(crate) struct Context<'o> {
    pub opts: &'o Options,
    pub mask: Option<Arc<Mask>>,
}

impl Context<'_> {
    pub(crate) fn builder(&self) -> ProseBuilder {
        ProseBuilder::with_mask(self.mask.clone())
    }
}

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
    /// JavaScript or TypeScript with JSX (`.jsx`, `.tsx`): read only when the config opts in.
    Jsx,
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
            "jsx" | "tsx" => Some(Self::Jsx),
            _ => None,
        }
    }

    /// Whether a directory walk picks this format up on its own (`.jsx` / `.tsx` files are
    /// components, mostly code: only an `include` glob brings them in).
    #[must_use]
    pub fn walked_by_default(self) -> bool {
        self != Self::Jsx
    }
}

/// A format claimlint knows of but cannot read yet, by file extension: a file named on the
/// command line gets this reason instead of being read as text or called binary.
#[must_use]
pub fn unsupported(path: &std::path::Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some("PDF files are not supported yet"),
        "doc" | "rtf" | "pages" => Some("word-processor documents are not supported yet"),
        _ => None,
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
    extract_with(format, src, &Options::default())
}

/// Extracts the prose of `src` read as `format` under `opts`.
#[must_use]
pub fn extract_with(format: Format, src: &str, opts: &Options) -> Extracted {
    let mut blocks = Vec::new();
    let comments = extract_to_with(format, src, opts, &mut |b| blocks.push(b));
    Extracted { blocks, comments }
}

/// Extracts the prose of `src`, handing each block to `sink` in reading order as soon as it is
/// final (so that a large file's prose need never be held at once), and returns its comments.
pub fn extract_to(format: Format, src: &str, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    extract_to_with(format, src, &Options::default(), sink)
}

/// [`extract_to`] under `opts`. Template syntax and the ignore patterns are masked first (see
/// [`template`]); an HTML page's front matter (Jekyll's) is read for its fields and masked.
pub fn extract_to_with(
    format: Format,
    src: &str,
    opts: &Options,
    sink: &mut dyn FnMut(Block),
) -> Vec<Comment> {
    // A document's paragraphs are its text: no template syntax, no ignore patterns.
    if format.is_document() {
        return docx::extract_to(src, sink);
    }
    let mut mask = template::mask(src, &opts.templates);
    let mut cx = Context {
        opts,
        mask: (!mask.is_empty()).then(|| Arc::new(mask.clone())),
    };
    if format == Format::Html
        && let Some((body, whole)) = markdown::front_matter_range(src)
    {
        let mut side = cx.builder();
        markdown::front_matter(src, body, &opts.front_matter_fields(), &mut side);
        side.end_block(BlockKind::Metadata);
        for b in side.finish() {
            sink(b);
        }
        mask.add(whole, true);
        cx.mask = Some(Arc::new(mask));
    }
    match format {
        Format::Text => plain::extract_to(src, &cx, sink),
        Format::Markdown => markdown::extract_to(src, &cx, sink),
        Format::Html => html::extract_to(src, &cx, sink),
        Format::Docx | Format::Odt => docx::extract_to(src, sink),
        #[cfg(feature = "jsx")]
        Format::Jsx => jsx::extract_to(src, &cx, sink),
        // Built without the parser: the run reports these files as unsupported before reading.
        #[cfg(not(feature = "jsx"))]
        Format::Jsx => Vec::new(),
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
