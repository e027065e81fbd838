//! HTML → prose blocks.
//!
//! A visitor of a page reads its text, its `<title>`, the alt and title text of its elements, and
//! (in search results and link previews) its meta descriptions. This module tokenizes the page
//! with html5gum, which reports byte spans, and pushes exactly that prose through a
//! [`ProseBuilder`] so every character maps back to the bytes it came from. Script, style, code
//! and the like are skipped; comments are collected because they carry suppression directives.
//!
//! html5gum hands out text with entities already decoded, which would lose the map from a word to
//! its bytes. So each text or attribute value is re-read from its raw source slice: literal runs
//! are pushed verbatim and each character reference is decoded on its own (by html5gum itself, so
//! the decoding rules are the tokenizer's) and mapped to its whole source range. If the re-read
//! ever disagrees with the tokenizer, the token's text is mapped to its whole span instead: a
//! coarser map, never a wrong one.
//!
//! There is no tree and no recursion: a flat stack of open block elements (searched only near its
//! top) and counters for skipped elements keep 100,000 nested tags linear and stack-safe.

use std::collections::HashMap;
use std::ops::Range;

use std::convert::Infallible;

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, HtmlString, Span, Spanned, StartTag, Token, Tokenizer};

use super::{Comment, Context, Extracted, TEXT_PIECE, emit_in_order, in_pieces};
use crate::document::{Block, BlockKind, ProseBuilder};

/// Elements whose content is not prose a reader sees. `noframe` is html5gum's spelling of
/// `noframes` in its state switching, so both are listed.
const SKIPPED: [&str; 13] = [
    "script", "style", "noscript", "template", "code", "pre", "svg", "iframe", "noembed",
    "noframes", "noframe", "xmp", "textarea",
];

/// Elements that start and end a block of prose. Inline elements (`b`, `a`, `span`, …) are
/// absent: they insert nothing, so `<b>ground</b>breaking` reads "groundbreaking".
const BLOCKS: [&str; 52] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "button",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "label",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "optgroup",
    "option",
    "p",
    "section",
    "select",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Block elements without content (no end tag, nothing to push on the stack).
const VOID_BLOCKS: [&str; 1] = ["hr"];

/// How far below the top of the open-element stack an end tag looks for its start tag. Real
/// pages misnest only locally; a bound keeps hostile input linear.
const END_TAG_SEARCH: usize = 32;

/// `<meta>` names (or properties) whose content is shown as a page's description.
const DESCRIPTION_METAS: [&str; 3] = ["description", "og:description", "twitter:description"];

/// Elements in `<head>` whose `alt`/`title` attributes are not shown to a reader.
const HIDDEN_ATTRIBUTE_ELEMENTS: [&str; 6] = ["base", "head", "html", "link", "meta", "style"];

/// Attributes whose values are read as text (image alternatives, tooltips).
const PROSE_ATTRIBUTES: [&str; 2] = ["alt", "title"];

#[must_use]
pub fn extract(src: &str) -> Extracted {
    super::extract(super::Format::Html, src)
}

/// Extracts the prose of `src`, handing each block to `sink` as soon as its place is final.
pub(crate) fn extract_to(src: &str, cx: &Context<'_>, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    let mut walk = Walk::new(src, cx, sink);
    let mut inner = CallbackEmitter::new(Events {
        walk: &mut walk,
        tag: StartTag::default(),
        attribute: None,
    });
    // Switch into raw-text states after `<script>`, `<style>`, `<title>`, … so that their content
    // arrives as one text token instead of being read as markup.
    inner.naively_switch_states(true);
    let Ok(()) = Tokenizer::new_with_emitter(src, InPieces { inner, pending: 0 }).finish();
    walk.finish()
}

/// The walk driven by html5gum's parsing events as they happen, rather than by the tokens its
/// default emitter would queue: a text run is then walked (and its memory reused) piece by piece
/// instead of being queued whole. Tags and comments are assembled as the default emitter does.
struct Events<'w, 's, 'k> {
    walk: &'w mut Walk<'s, 'k>,
    /// The start tag being read.
    tag: StartTag<usize>,
    /// The attribute whose value is being read; `None` after a duplicate name, whose value
    /// html5gum's default emitter drops too.
    attribute: Option<HtmlString>,
}

impl Callback<Infallible, usize> for Events<'_, '_, '_> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<Infallible> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag = StartTag {
                    name: name.to_vec().into(),
                    span,
                    ..StartTag::default()
                };
                self.attribute = None;
            }
            CallbackEvent::AttributeName { name } => {
                self.attribute = None;
                if !self.tag.attributes.contains_key(name) {
                    let name = HtmlString(name.to_vec());
                    let value = Spanned {
                        value: HtmlString::default(),
                        span,
                    };
                    self.tag.attributes.insert(name.clone(), value);
                    self.attribute = Some(name);
                }
            }
            CallbackEvent::AttributeValue { value } => {
                if let Some(attr) = self
                    .attribute
                    .as_ref()
                    .and_then(|name| self.tag.attributes.get_mut(name))
                {
                    attr.value.0.extend_from_slice(value);
                    attr.span.end = span.end + 1;
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let mut tag = std::mem::take(&mut self.tag);
                tag.self_closing = self_closing;
                tag.span.end = span.end;
                self.walk.start(&tag);
            }
            CallbackEvent::EndTag { name } => {
                self.tag.attributes.clear();
                self.walk.end(name);
            }
            CallbackEvent::String { value } => self.walk.text(value, span),
            CallbackEvent::Comment { value } => self.walk.comments.push(Comment {
                text: String::from_utf8_lossy(value).trim().to_string(),
                src: span_range(span),
            }),
            CallbackEvent::Doctype { .. } | CallbackEvent::Error(_) => {}
        }
        let walk = &mut *self.walk;
        emit_in_order(&mut walk.b, &mut walk.side, false, walk.sink);
        None
    }
}

/// html5gum's callback emitter, except that a long text run is handed over in pieces.
///
/// html5gum reads a run of text up to the next `<` or `&` in one go and keeps it until the next
/// tag, so a page on a single line was held whole. A run longer than [`TEXT_PIECE`] is passed on
/// in pieces cut after a whitespace byte, each flushed to the walk at once (`emit_eof` flushes
/// pending text and does nothing else) with its own span: the position is moved back to the
/// piece's end while it is emitted, and the next piece's span starts there.
struct InPieces<E> {
    inner: E,
    /// Text bytes handed to `inner` since it last flushed: html5gum also keeps a run made of many
    /// short strings (text between character references: `a &amp; b &amp; …`), and a paragraph of
    /// them was held whole (issue 21).
    pending: usize,
}

impl<E: Emitter> ForwardingEmitter for InPieces<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    fn emit_string(&mut self, s: &[u8]) {
        let mut rest = s;
        loop {
            // Bytes this piece may still take before a cut after whitespace is due.
            let room = TEXT_PIECE.saturating_sub(self.pending);
            if rest.len() <= room {
                break;
            }
            let Some(ws) = rest[room..].iter().position(u8::is_ascii_whitespace) else {
                break;
            };
            let (piece, after) = rest.split_at(room + ws + 1);
            // The tokenizer has already moved the position past all of `s`.
            let back = isize::try_from(after.len()).unwrap_or(isize::MAX);
            self.inner.move_position(-back);
            self.inner.emit_string(piece);
            self.inner.emit_eof();
            self.inner.init_string();
            self.inner.move_position(back);
            self.pending = 0;
            rest = after;
        }
        self.pending += rest.len();
        self.inner.emit_string(rest);
    }

    // A tag or comment flushes the text before it.
    fn init_start_tag(&mut self) {
        self.pending = 0;
        self.inner.init_start_tag();
    }

    fn init_end_tag(&mut self) {
        self.pending = 0;
        self.inner.init_end_tag();
    }

    fn init_comment(&mut self) {
        self.pending = 0;
        self.inner.init_comment();
    }
}

/// The state of one walk over the token stream.
struct Walk<'s, 'k> {
    src: &'s str,
    /// Where finished blocks go, in reading order.
    sink: &'k mut dyn FnMut(Block),
    /// Text in reading order.
    b: ProseBuilder,
    /// Attribute and meta values: blocks of their own that sit in the middle of text, built on the
    /// side and merged by source position at the end.
    side: ProseBuilder,
    comments: Vec<Comment>,
    /// Open block elements, innermost last.
    open: Vec<(&'static str, BlockKind)>,
    /// Open count of each element of [`SKIPPED`]; text is skipped while any is non-zero.
    skipped: [usize; SKIPPED.len()],
    entities: EntityCache,
}

impl<'s, 'k> Walk<'s, 'k> {
    fn new(src: &'s str, cx: &Context<'_>, sink: &'k mut dyn FnMut(Block)) -> Self {
        Self {
            src,
            sink,
            b: cx.builder(),
            side: cx.builder(),
            comments: Vec::new(),
            open: Vec::new(),
            skipped: [0; SKIPPED.len()],
            entities: EntityCache::default(),
        }
    }

    fn skipping(&self) -> bool {
        self.skipped.iter().any(|&n| n > 0)
    }

    fn kind(&self) -> BlockKind {
        self.open.last().map_or(BlockKind::Paragraph, |&(_, k)| k)
    }

    fn flush(&mut self) {
        self.b.end_block(self.kind());
    }

    fn text(&mut self, value: &[u8], span: Span<usize>) {
        if self.skipping() {
            return;
        }
        let side = &mut self.side;
        let sink = &mut *self.sink;
        push_raw(
            &mut self.b,
            &mut self.entities,
            self.src,
            span_range(span),
            value,
            false,
            &mut |b| emit_in_order(b, side, false, sink),
        );
    }

    fn start(&mut self, tag: &StartTag<usize>) {
        let name = tag.name.as_slice();
        if let Some(i) = SKIPPED.iter().position(|s| s.as_bytes() == name) {
            // html5gum switches to raw text after `<script/>` too; only foreign `<svg/>` is
            // really self-closing.
            if !(tag.self_closing && name == b"svg") {
                if !self.skipping() {
                    if name == b"pre" {
                        self.flush();
                    } else {
                        // Inline code and the like are not prose, but they separate words.
                        self.b.space(tag.span.start);
                    }
                }
                self.skipped[i] += 1;
            }
            return;
        }
        if self.skipping() {
            return;
        }
        self.attributes(tag);
        match name {
            b"br" => self.b.sentence_break(),
            b"title" => {
                self.flush();
                self.open.push(("title", BlockKind::Metadata));
            }
            _ => {
                if let Some(block) = BLOCKS.iter().find(|b| b.as_bytes() == name) {
                    self.close_implied(block);
                    self.flush();
                    if !VOID_BLOCKS.contains(block) {
                        self.open.push((block, block_kind(block)));
                    }
                }
            }
        }
    }

    /// Closes the elements that a new block start tag ends without an end tag (`<li>a<li>b`,
    /// `<p>a<div>`), so the kind of the text that follows is right.
    fn close_implied(&mut self, block: &str) {
        if self.kind_name() == Some("p") {
            self.open.pop();
        }
        let closes: &[&str] = match block {
            "li" => &["li"],
            "dd" | "dt" => &["dd", "dt"],
            "td" | "th" => &["td", "th"],
            "tr" => &["td", "th", "tr"],
            "option" => &["option"],
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => &["h1", "h2", "h3", "h4", "h5", "h6"],
            _ => &[],
        };
        for close in closes {
            if self.kind_name() == Some(close) {
                self.flush();
                self.open.pop();
            }
        }
    }

    fn kind_name(&self) -> Option<&'static str> {
        self.open.last().map(|&(n, _)| n)
    }

    fn end(&mut self, name: &[u8]) {
        if let Some(i) = SKIPPED.iter().position(|s| s.as_bytes() == name) {
            self.skipped[i] = self.skipped[i].saturating_sub(1);
            return;
        }
        if self.skipping() {
            return;
        }
        if name == b"br" {
            // Browsers read `</br>` as `<br>`.
            self.b.sentence_break();
            return;
        }
        if name == b"title" || BLOCKS.iter().any(|b| b.as_bytes() == name) {
            self.flush();
            let found = self
                .open
                .iter()
                .rev()
                .take(END_TAG_SEARCH)
                .position(|&(n, _)| n.as_bytes() == name);
            if let Some(depth) = found {
                self.open.truncate(self.open.len() - depth - 1);
            }
        }
    }

    /// Pushes `alt`/`title` values and meta descriptions as blocks of their own.
    fn attributes(&mut self, tag: &StartTag<usize>) {
        let is_meta = tag.name.as_slice() == b"meta";
        // `<link title>` and the like label resources nobody sees on the page.
        if HIDDEN_ATTRIBUTE_ELEMENTS
            .iter()
            .any(|e| e.as_bytes() == tag.name.as_slice())
            && !is_meta
        {
            return;
        }
        for (name, value) in &tag.attributes {
            let kind = if PROSE_ATTRIBUTES
                .iter()
                .any(|a| a.as_bytes() == name.as_slice())
            {
                BlockKind::Attribute
            } else if is_meta && name.as_slice() == b"content" && is_description_meta(tag) {
                BlockKind::Metadata
            } else {
                continue;
            };
            let Some(range) =
                attribute_value_range(self.src, span_range(value.span), span_range(tag.span))
            else {
                continue;
            };
            push_raw(
                &mut self.side,
                &mut self.entities,
                self.src,
                range,
                &value.value,
                true,
                &mut |_| {},
            );
            self.side.end_block(kind);
        }
    }

    fn finish(mut self) -> Vec<Comment> {
        self.b.end_block(BlockKind::Paragraph);
        self.side.end_block(BlockKind::Paragraph);
        // Attribute blocks go where they appear in the source.
        emit_in_order(&mut self.b, &mut self.side, true, self.sink);
        self.comments
    }
}

fn block_kind(name: &str) -> BlockKind {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dt" | "dd" | "option" => BlockKind::ListItem,
        "td" | "th" => BlockKind::TableCell,
        _ => BlockKind::Paragraph,
    }
}

fn is_description_meta(tag: &StartTag<usize>) -> bool {
    ["name", "property"].iter().any(|key| {
        tag.attributes.get(key.as_bytes()).is_some_and(|v| {
            DESCRIPTION_METAS
                .iter()
                .any(|d| d.as_bytes().eq_ignore_ascii_case(v.value.as_slice()))
        })
    })
}

fn span_range(span: Span<usize>) -> Range<usize> {
    span.start..span.end.max(span.start)
}

/// The byte range of an attribute's value inside its tag. html5gum's attribute span starts at the
/// attribute name and may run past the value, so the value is found by reading the source:
/// `name`, optional whitespace, `=`, optional whitespace, then a quoted or unquoted value.
fn attribute_value_range(src: &str, attr: Range<usize>, tag: Range<usize>) -> Option<Range<usize>> {
    let bytes = src.as_bytes();
    let end = tag.end.min(bytes.len());
    let mut i = attr.start;
    // The name: the first character may be anything (even `=`); then up to a delimiter.
    i += 1;
    while i < end
        && !matches!(
            bytes[i],
            b'=' | b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0C'
        )
    {
        i += 1;
    }
    let skip_ws = |mut i: usize| {
        while i < end && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0C') {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if bytes.get(i) != Some(&b'=') {
        return None;
    }
    i = skip_ws(i + 1);
    let range = match bytes.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let start = i + 1;
            let len = bytes.get(start..end)?.iter().position(|&c| c == q);
            // An unterminated value runs to the end of what the tokenizer read.
            start..len.map_or(end, |l| start + l)
        }
        Some(_) => {
            let start = i;
            let len = bytes
                .get(start..end)?
                .iter()
                .position(|c| matches!(c, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0C'));
            start..len.map_or(end, |l| start + l)
        }
        None => return None,
    };
    src.get(range.clone()).map(|_| range)
}

/// One piece of a raw text run: verbatim source, or a character reference and its decoding.
enum Piece {
    Literal(Range<usize>),
    Entity(Range<usize>, String),
}

/// Pushes the raw source `src[range]` of a text token or attribute value, whose decoded value
/// html5gum reported as `decoded`. `handed` runs after each piece of a long literal run, so that
/// the caller can hand on blocks a very long paragraph was cut into.
fn push_raw(
    b: &mut ProseBuilder,
    entities: &mut EntityCache,
    src: &str,
    range: Range<usize>,
    decoded: &[u8],
    attribute: bool,
    handed: &mut dyn FnMut(&mut ProseBuilder),
) {
    fn piece_text<'a>(src: &'a str, piece: &'a Piece) -> &'a str {
        match piece {
            Piece::Literal(r) => &src[r.clone()],
            Piece::Entity(_, text) => text,
        }
    }
    let decoded = String::from_utf8_lossy(decoded);
    let Some(raw) = src.get(range.clone()) else {
        b.decoded(
            &decoded,
            range.start.min(src.len())..range.end.min(src.len()),
        );
        return;
    };
    // Two passes over the references rather than a list of them: an entity-dense paragraph has
    // millions (issue 21), and the list cost more than the page. The first compares with
    // html5gum's decoding, the second pushes.
    // The tokenizer normalises line endings (and a few odd characters); compare on that basis.
    // Without a carriage return the pieces are compared in place: a text token can be a page.
    let same = if raw.contains('\r') || decoded.contains('\r') {
        let mut rebuilt = String::new();
        split_references(raw, range.start, attribute, entities, &mut |p| {
            rebuilt.push_str(piece_text(src, &p));
            true
        });
        normalise_newlines(&rebuilt) == normalise_newlines(&decoded)
    } else {
        let mut rest: &str = &decoded;
        split_references(raw, range.start, attribute, entities, &mut |p| {
            let t = piece_text(src, &p);
            rest.strip_prefix(t).is_some_and(|r| {
                rest = r;
                true
            })
        }) && rest.is_empty()
    };
    if !same {
        b.decoded(&decoded, range);
        return;
    }
    split_references(raw, range.start, attribute, entities, &mut |piece| {
        match piece {
            Piece::Literal(r) => {
                for (at, text) in in_pieces(&src[r.clone()]) {
                    b.text(text, r.start + at);
                    handed(b);
                }
            }
            Piece::Entity(r, text) => {
                b.decoded(&text, r);
                handed(b);
            }
        }
        true
    });
}

fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Splits a raw run at source offset `base` into literal runs and character references, handing
/// each to `each` in order until it returns false; returns whether all were taken.
fn split_references(
    raw: &str,
    base: usize,
    attribute: bool,
    entities: &mut EntityCache,
    each: &mut dyn FnMut(Piece) -> bool,
) -> bool {
    let bytes = raw.as_bytes();
    let mut run = 0;
    let mut pos = 0;
    while let Some(found) = raw[pos..].find('&') {
        let amp = pos + found;
        let mut end = amp + 1;
        if bytes.get(end) == Some(&b'#') {
            end += 1;
            let hex = matches!(bytes.get(end), Some(b'x' | b'X'));
            if hex {
                end += 1;
            }
            while bytes.get(end).is_some_and(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            }) {
                end += 1;
            }
        } else {
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
        }
        if bytes.get(end) == Some(&b';') {
            end += 1;
        } else if attribute && bytes.get(end) == Some(&b'=') {
            // `&not=` in an attribute is literal; the `=` decides it, so the probe must see it.
            end += 1;
        }
        let candidate = &raw[amp..end];
        if let Some((len, text)) = entities.reference(candidate, attribute) {
            if amp > run && !each(Piece::Literal(base + run..base + amp)) {
                return false;
            }
            if !each(Piece::Entity(base + amp..base + amp + len, text)) {
                return false;
            }
            run = amp + len;
        }
        pos = (amp + 1).max(run);
    }
    run >= raw.len() || each(Piece::Literal(base + run..base + raw.len()))
}

/// Decodes character references with html5gum itself, so that legacy references without a
/// semicolon (`&copy`, `&notit;` → "¬it;") and the attribute-value exceptions follow the
/// tokenizer exactly. Results are cached: a page repeats the same few references.
#[derive(Default)]
struct EntityCache {
    cache: HashMap<(String, bool), Option<(usize, String)>>,
}

impl EntityCache {
    /// For a candidate `&…` run, the byte length of the reference at its start and its decoding;
    /// `None` when the run is literal text.
    fn reference(&mut self, candidate: &str, attribute: bool) -> Option<(usize, String)> {
        if candidate.len() < 3 {
            return None;
        }
        self.cache
            .entry((candidate.to_string(), attribute))
            .or_insert_with(|| decode_candidate(candidate, attribute))
            .clone()
    }
}

fn decode_candidate(candidate: &str, attribute: bool) -> Option<(usize, String)> {
    let decoded = if attribute {
        let probe = format!("<a x=\"{candidate}\">");
        Tokenizer::new(probe.as_str()).find_map(|t| match t {
            Ok(Token::StartTag(tag)) => tag
                .attributes
                .get(b"x".as_slice())
                .map(|v| String::from_utf8_lossy(&v.value).into_owned()),
            _ => None,
        })?
    } else {
        Tokenizer::new(candidate)
            .filter_map(|t| match t {
                Ok(Token::String(s)) => Some(String::from_utf8_lossy(&s.value).into_owned()),
                _ => None,
            })
            .collect()
    };
    // The decoded text is the reference's decoding followed by whatever of the candidate it did
    // not consume, verbatim. Strip that common tail, keeping at least one decoded character.
    let raw: Vec<char> = candidate.chars().collect();
    let dec: Vec<char> = decoded.chars().collect();
    let mut tail = 0;
    while tail + 1 < dec.len()
        && tail + 1 < raw.len()
        && raw[raw.len() - 1 - tail] == dec[dec.len() - 1 - tail]
    {
        tail += 1;
    }
    let raw_len: usize = raw[..raw.len() - tail].iter().map(|c| c.len_utf8()).sum();
    let text: String = dec[..dec.len() - tail].iter().collect();
    (text != candidate[..raw_len]).then_some((raw_len, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn texts(src: &str) -> Vec<(BlockKind, String)> {
        extract(src)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    fn kinds(ex: &Extracted) -> Vec<(BlockKind, &str)> {
        ex.blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect()
    }

    fn src_of<'a>(src: &'a str, block: &Block, word: &str) -> &'a str {
        let at = block.text.find(word).expect("word in block");
        &src[block.source_range(at..at + word.len())]
    }

    #[test]
    fn blocks_kinds_and_inline_elements() {
        let src = "<html><head><title>Ketamine &amp; You</title></head><body>\n<h1>A <em>Game</em> Changer</h1>\n<p>Truly <b>ground</b>breaking<br>care.</p><ul><li>one<li>two</ul><table><tr><td>cell a<td>cell b</table><div>loose</div></body></html>";
        let ex = extract(src);
        let got = kinds(&ex);
        assert_eq!(
            got,
            vec![
                (BlockKind::Metadata, "Ketamine & You"),
                (BlockKind::Heading, "A Game Changer"),
                (BlockKind::Paragraph, "Truly groundbreaking care."),
                (BlockKind::ListItem, "one"),
                (BlockKind::ListItem, "two"),
                (BlockKind::TableCell, "cell a"),
                (BlockKind::TableCell, "cell b"),
                (BlockKind::Paragraph, "loose"),
            ]
        );
        assert_eq!(ex.blocks[2].breaks, vec![20]);
        assert_eq!(
            src_of(src, &ex.blocks[2], "groundbreaking"),
            "ground</b>breaking"
        );
        assert_eq!(src_of(src, &ex.blocks[6], "b"), "b");
    }

    #[test]
    fn entities_map_to_their_source() {
        let src = "<p>It&rsquo;s a cure&#8217;s &#x2019;best&#x2019; &amp;&nbsp;safe &copy &notit; &bogus; end</p>";
        let ex = extract(src);
        let b = &ex.blocks[0];
        assert_eq!(b.text, "It's a cure's 'best' & safe © ¬it; &bogus; end");
        assert_eq!(src_of(src, b, "It's"), "It&rsquo;s");
        assert_eq!(src_of(src, b, "cure's"), "cure&#8217;s");
        assert_eq!(src_of(src, b, "'best'"), "&#x2019;best&#x2019;");
        assert_eq!(src_of(src, b, "safe"), "safe");
        assert_eq!(src_of(src, b, "¬"), "&not");
        assert_eq!(src_of(src, b, "it;"), "it;");
        assert_eq!(src_of(src, b, "&bogus;"), "&bogus;");
        assert_eq!(src_of(src, b, "end"), "end");
    }

    #[test]
    fn attributes_and_meta_are_blocks() {
        let src = r#"<head><meta name="description" content="Proven &amp; safe relief"><meta property="og:description" content='Fast'><meta name="keywords" content="cure"></head><p>See <img src="cure.png" alt="A &ldquo;miracle&rdquo; cure" title=Tip>here</p>"#;
        let ex = extract(src);
        let got = kinds(&ex);
        assert_eq!(
            got,
            vec![
                (BlockKind::Metadata, "Proven & safe relief"),
                (BlockKind::Metadata, "Fast"),
                (BlockKind::Paragraph, "See here"),
                (BlockKind::Attribute, "A \"miracle\" cure"),
                (BlockKind::Attribute, "Tip"),
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[0], "safe relief"), "safe relief");
        assert_eq!(
            src_of(src, &ex.blocks[3], "\"miracle\" cure"),
            "&ldquo;miracle&rdquo; cure"
        );
        assert_eq!(src_of(src, &ex.blocks[4], "Tip"), "Tip");
    }

    #[test]
    fn attribute_references_follow_attribute_rules() {
        let src = r#"<img alt="a &not=b &amp c">"#;
        let b = &extract(src).blocks[0];
        assert_eq!(b.text, "a &not=b & c");
        assert_eq!(src_of(src, b, "&not=b"), "&not=b");
        assert_eq!(src_of(src, b, "& c"), "&amp c");
    }

    #[test]
    fn skipped_content_is_not_prose() {
        let src = "<p>Take <code>cure()</code> daily</p><script>var s = '<p>miracle</p>';</script><style>p{}</style><pre>cure</pre><noscript>cure</noscript><template><p>cure</p></template><svg><text>cure</text><title>cure</title></svg><svg/><p>after</p><a href=\"https://cure.example\">link</a>";
        let all: String = texts(src).into_iter().map(|(_, t)| t + "|").collect();
        assert_eq!(all, "Take daily|after|link|");
    }

    #[test]
    fn comments_are_collected() {
        let src = "<p>a<!-- claimlint-disable-next-line hype -->b</p><!--x--><!-- open";
        let ex = extract(src);
        let got: Vec<_> = ex
            .comments
            .iter()
            .map(|c| (c.text.as_str(), &src[c.src.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "claimlint-disable-next-line hype",
                    "<!-- claimlint-disable-next-line hype -->"
                ),
                ("x", "<!--x-->"),
                ("open", "<!-- open"),
            ]
        );
        assert_eq!(ex.blocks[0].text, "ab");
    }

    #[test]
    fn whitespace_and_crlf() {
        let src = "<p>\r\n  Relief\r\n  that   lasts\r\n</p>";
        let b = &extract(src).blocks[0];
        assert_eq!(b.text, "Relief that lasts");
        assert_eq!(src_of(src, b, "lasts"), "lasts");
    }

    #[test]
    fn upper_case_bom_and_hidden_attributes() {
        let src = "\u{FEFF}<HEAD><LINK rel=alternate title=\"Feed\"></HEAD><P>Safe<BR>and <A HREF=x>ground</A>breaking</P>";
        let ex = extract(src);
        let got = kinds(&ex);
        assert_eq!(got, vec![(BlockKind::Paragraph, "Safe and groundbreaking")]);
        assert_eq!(ex.blocks[0].breaks, vec![4]);
        assert_eq!(src_of(src, &ex.blocks[0], "Safe"), "Safe");
        assert_eq!(src_of(src, &ex.blocks[0], "and"), "and");
    }

    #[test]
    fn nested_blocks_keep_their_kinds() {
        let src = "<ul><li>Outer <p>para in item</p> tail</li></ul><dl><dt>Term<dd>Def</dl><h2>One<h3>Two</h3>";
        let got = texts(src);
        assert_eq!(
            got,
            vec![
                (BlockKind::ListItem, "Outer".to_string()),
                (BlockKind::Paragraph, "para in item".to_string()),
                (BlockKind::ListItem, "tail".to_string()),
                (BlockKind::ListItem, "Term".to_string()),
                (BlockKind::ListItem, "Def".to_string()),
                (BlockKind::Heading, "One".to_string()),
                (BlockKind::Heading, "Two".to_string()),
            ]
        );
    }

    /// A run made of many short strings (the text between character references) is cut into
    /// pieces too, so an entity-dense paragraph is never held whole.
    #[test]
    fn an_entity_dense_run_comes_in_pieces() {
        let run = "care &amp; calm ".repeat(20_000);
        let src = format!("<p>{run}</p>");
        let emitter = InPieces {
            inner: html5gum::DefaultEmitter::<usize>::new_with_span(),
            pending: 0,
        };
        let strings: Vec<(Range<usize>, Vec<u8>)> =
            Tokenizer::new_with_emitter(src.as_str(), emitter)
                .filter_map(|t| match t {
                    Ok(Token::String(s)) => Some((span_range(s.span), s.value.to_vec())),
                    _ => None,
                })
                .collect();
        assert!(strings.len() >= run.len() / TEXT_PIECE, "{}", strings.len());
        let mut at = "<p>".len();
        for (range, value) in &strings {
            assert_eq!(range.start, at);
            at = range.end;
            assert!(value.len() <= TEXT_PIECE + 16);
            // Each piece is its source decoded: the spans are right.
            let raw = src[range.clone()].replace("&amp;", "&");
            assert_eq!(raw.as_bytes(), value.as_slice());
        }
        assert_eq!(at, src.len() - "</p>".len());
        let ex = extract(&src);
        let text: Vec<&str> = ex.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(text.join(" "), run.replace("&amp;", "&").trim_end());
    }

    #[test]
    fn a_long_text_run_comes_in_pieces_with_their_own_spans() {
        let run = "Calm words here. ".repeat(20_000);
        let src = format!("<p>{run}&amp; end</p>");
        let emitter = InPieces {
            inner: html5gum::DefaultEmitter::<usize>::new_with_span(),
            pending: 0,
        };
        let strings: Vec<(Range<usize>, Vec<u8>)> =
            Tokenizer::new_with_emitter(src.as_str(), emitter)
                .filter_map(|t| match t {
                    Ok(Token::String(s)) => Some((span_range(s.span), s.value.to_vec())),
                    _ => None,
                })
                .collect();
        assert_eq!(strings.len(), run.len() / (TEXT_PIECE + 1) + 1);
        let mut at = "<p>".len();
        for (i, (range, value)) in strings.iter().enumerate() {
            assert_eq!(range.start, at, "piece {i} starts where the previous ended");
            at = range.end;
            if i + 1 < strings.len() {
                assert_eq!(&src.as_bytes()[range.clone()], value.as_slice());
                assert!(value.ends_with(b" ") && value.len() <= TEXT_PIECE + 17);
            } else {
                assert!(src[range.clone()].ends_with("&amp; end"));
                assert!(value.ends_with(b"& end"));
            }
        }
        assert_eq!(at, src.len() - "</p>".len());
        // Through the whole extractor: the prose is the same, and maps back word for word.
        let ex = extract(&src);
        let text: Vec<&str> = ex.blocks.iter().map(|b| b.text.as_str()).collect();
        // (A block is cut after a sentence end past 256 KB; the space between is no block's.)
        assert!(text.len() > 1);
        assert!(text.join(" ") == format!("{run}& end"), "prose differs");
        let last = ex.blocks.last().expect("blocks");
        assert_eq!(src_of(&src, last, "& end"), "&amp; end");
    }

    #[test]
    fn deep_nesting_stays_linear_and_stack_safe() {
        let src = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
        let start = std::time::Instant::now();
        let ex = extract(&src);
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(ex.blocks.len(), 1);
        assert_eq!(src_of(&src, &ex.blocks[0], "deep"), "deep");
    }

    #[test]
    fn garbage_does_not_panic_or_hang() {
        let spans = "<span><code>".repeat(10_000) + "x";
        let unclosed = "<b>".repeat(20_000) + "text";
        let misnested = "<p>".repeat(10_000) + &"</li>".repeat(10_000) + "end";
        let ended = "</p>".repeat(10_000) + "end";
        for src in [
            spans.as_str(),
            unclosed.as_str(),
            misnested.as_str(),
            ended.as_str(),
            "<!-- never closed",
            "<p class=\"open",
            "<img alt=\"x &",
            "<img alt=x&amp>",
            "<script>never closed",
            "&#xFFFFFFFF; &#0; &# &; &&",
            "<title>t",
            "<p>\0 nul</p>",
        ] {
            let start = std::time::Instant::now();
            let _ = extract(src);
            assert!(start.elapsed().as_secs() < 5, "slow on {src:.20}");
        }
        assert_eq!(extract(&unclosed).blocks[0].text, "text");
    }
}
