//! Extractors: a source file → the prose blocks a reader sees, with a map back to the source.
//!
//! Each format lives in its own module and produces the same [`Block`]s, so the engine is
//! format-blind.

pub mod html;
pub mod markdown;
pub mod plain;

use crate::document::Block;

/// The formats claimlint reads, chosen by file extension (or `--stdin-filename`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
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
    match format {
        Format::Text => plain::extract(src),
        Format::Markdown => markdown::extract(src),
        Format::Html => html::extract(src),
    }
}
