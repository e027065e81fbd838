//! Markdown (`CommonMark` + GFM tables, footnotes, strikethrough, front matter, MDX) → prose blocks.
//!
//! A reader of rendered Markdown sees headings, paragraphs, list items, quotes, table cells, link
//! text and image alt text; never code, raw HTML or URLs. This module walks pulldown-cmark's event
//! stream with source offsets and pushes exactly that prose through a [`ProseBuilder`], so every
//! character of a block maps back to the bytes it came from. HTML comments are collected because
//! they carry suppression directives. Front matter contributes only the fields a visitor sees
//! (`title`, `description`, `summary`, … or the config's `front-matter-fields`), and MDX component
//! tags only the string values of their copy props (`title=`, `alt=`, … or `jsx-props`).
//!
//! The walk is a flat loop over events with explicit stacks (never recursion), so pathological
//! nesting (`- - - - …`, `>>>>…`) costs memory linear in the input and cannot overflow the stack.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Comment, Context, Extracted, emit_in_order, in_pieces};
use crate::document::{Block, BlockKind, ProseBuilder};

/// Longest run of lines one MDX JSX tag may span before we stop treating it as a tag: an
/// unbalanced `{` must not blank the rest of the document.
const MAX_JSX_TAG_LINES: usize = 200;

/// The same bound in bytes, so that many long lines opening unclosed tags stay linear.
const MAX_JSX_TAG_BYTES: usize = 16 * 1024;

#[must_use]
pub fn extract(src: &str) -> Extracted {
    super::extract(super::Format::Markdown, src)
}

/// Extracts the prose of `src`, handing each block to `sink` as soon as its place is final.
pub(crate) fn extract_to(src: &str, cx: &Context<'_>, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    // MDX lines are blanked to spaces of the same byte length, so every offset the parser reports
    // is still an offset into `src`.
    let (text, jsx_tags, inline_tags) = blank_mdx(src);
    // Inline JSX tags are not prose: they join the mask the builders drop.
    let masked;
    let side_cx = cx;
    let cx = if inline_tags.is_empty() {
        cx
    } else {
        let mut mask = cx.mask.as_deref().cloned().unwrap_or_default();
        mask.extend(inline_tags, false);
        masked = Context {
            opts: cx.opts,
            mask: Some(std::sync::Arc::new(mask)),
        };
        &masked
    };
    let mut walk = Walk::new(&text, cx, sink);
    // Prop values live inside the masked tags: the side builder (alt text, front matter, props)
    // masks template syntax only.
    walk.side = side_cx.builder();
    walk.orig = src;
    // The copy in MDX component props (`<Callout title="…">`), read where the tags stand.
    for tag in jsx_tags {
        walk.attributes
            .extend(jsx_attribute_values(src, tag, cx.opts));
    }
    walk.attributes.reverse();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    for section in sections(&text) {
        let at = section.start;
        for (event, range) in Parser::new_ext(&text[section], options).into_offset_iter() {
            walk.event(event, range.start + at..range.end + at);
            emit_in_order(&mut walk.b, &mut walk.side, false, walk.sink);
        }
    }
    walk.finish()
}

/// Largest piece of a Markdown file parsed at once (see [`sections`]).
pub const SECTION_BYTES: usize = 256 << 10;

/// Byte ranges of `text`, in order and covering it, each parsed on its own.
///
/// pulldown-cmark builds its tree for the whole input before the first event: about 9 bytes per
/// byte of entity-dense text, and twice that while the allocator still holds the tree's earlier
/// copies as it grows (issue 21: 953 MB for one 100 MB paragraph with entities). A file up to
/// [`SECTION_BYTES`] is one section, so every real page parses exactly as a whole. A longer one is
/// cut before each mark at the last *safe* line: after a blank line, outside a fenced code block
/// and an HTML comment, starting at column 0 with no list or front-matter marker, so that the
/// text on either side reads as it did. Failing that (one giant paragraph or code block), at the
/// last line start, then after the last space, then at a character boundary. What a cut can change
/// in such a file: a reference link whose definition sits in another section shows as text.
fn sections(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if text.len() <= SECTION_BYTES {
        out.push(0..text.len());
        return out;
    }
    let mut start = 0;
    let (mut last_safe, mut last_line) = (None::<usize>, None::<usize>);
    let (mut fence, mut comment, mut prev_blank) = (None::<u8>, false, false);
    let mut ls = 0;
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i + 1);
        let line = &text[ls..le];
        if ls > start {
            last_line = Some(ls);
            let first = line.as_bytes().first().copied().unwrap_or(b' ');
            if prev_blank
                && fence.is_none()
                && !comment
                && !first.is_ascii_whitespace()
                && !matches!(first, b'-' | b'+' | b'*')
            {
                last_safe = Some(ls);
            }
        }
        while le - start > SECTION_BYTES {
            let mark = start + SECTION_BYTES;
            let cut = match last_safe.or(last_line) {
                Some(c) if c > start => c,
                _ => {
                    // Inside this line: after its last space before the mark, else anywhere.
                    let from = ls.max(start);
                    let mut end = mark;
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text[from..end]
                        .rfind(' ')
                        .map(|i| from + i + 1)
                        .filter(|&c| c > start)
                        .unwrap_or(end)
                }
            };
            out.push(start..cut);
            start = cut;
            last_safe = None;
            last_line = None;
        }
        // The state the next line starts in.
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if comment {
            comment = !line.contains("-->");
        } else if indent < 4 && (body.starts_with("```") || body.starts_with("~~~")) {
            let c = body.as_bytes()[0];
            fence = match fence {
                None => Some(c),
                Some(f) if f == c => None,
                other => other,
            };
        } else if fence.is_none()
            && let Some(p) = line.find("<!--")
        {
            comment = !line[p..].contains("-->");
        }
        prev_blank = line.trim().is_empty();
        ls = le;
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The state of one walk over the event stream.
struct Walk<'s, 'k> {
    src: &'s str,
    /// Where finished blocks go, in reading order.
    sink: &'k mut dyn FnMut(Block),
    /// Prose in reading order: headings, paragraphs, list items, table cells.
    b: ProseBuilder,
    /// Image alt text and front-matter values: blocks of their own that may sit in the middle of a
    /// paragraph, so they are built on the side and merged by source position at the end.
    side: ProseBuilder,
    comments: Vec<Comment>,
    /// Kind of the innermost open container, one entry per open container that decides a kind.
    kinds: Vec<BlockKind>,
    /// Open elements whose text is not prose (code blocks, HTML blocks, autolinks).
    skip: usize,
    /// Open images: their text is alt text and goes to `side`.
    images: usize,
    /// Whether each open link is an autolink (its text is the URL).
    links: Vec<bool>,
    meta: bool,
    /// The front-matter fields read as prose.
    fields: Vec<&'k str>,
    /// Source ranges of MDX prop values still to push as attribute blocks, last first.
    attributes: Vec<Range<usize>>,
    /// The source before MDX lines were blanked (prop values live in those lines).
    orig: &'s str,
}

impl<'s, 'k> Walk<'s, 'k> {
    fn new(src: &'s str, cx: &'k Context<'k>, sink: &'k mut dyn FnMut(Block)) -> Self {
        Self {
            src,
            sink,
            b: cx.builder(),
            side: cx.builder(),
            fields: cx.opts.front_matter_fields(),
            attributes: Vec::new(),
            orig: src,
            comments: Vec::new(),
            kinds: Vec::new(),
            skip: 0,
            images: 0,
            links: Vec::new(),
            meta: false,
        }
    }

    fn kind(&self) -> BlockKind {
        self.kinds.last().copied().unwrap_or(BlockKind::Paragraph)
    }

    /// Ends the current block: every block-level boundary does this, so text never runs from one
    /// element into the next.
    fn flush(&mut self) {
        self.b.end_block(self.kind());
    }

    fn open(&mut self, kind: BlockKind) {
        self.flush();
        self.kinds.push(kind);
    }

    fn close(&mut self) {
        self.flush();
        self.kinds.pop();
    }

    /// Pushes the MDX prop values that start before `pos` as attribute blocks.
    fn attributes_before(&mut self, pos: usize) {
        if self.images > 0 {
            return;
        }
        while let Some(r) = self.attributes.last().filter(|r| r.start < pos).cloned() {
            self.attributes.pop();
            if let Some(text) = self.orig.get(r.clone()) {
                self.side.end_block(BlockKind::Attribute);
                self.side.text(text, r.start);
                self.side.end_block(BlockKind::Attribute);
            }
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        self.attributes_before(range.start);
        match event {
            Event::Start(tag) => self.start(&tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text, range),
            // Inline code is not prose, but it does separate the words around it.
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                self.builder().space(range.start);
            }
            Event::InlineHtml(html) => {
                scan_comments(self.src, range.clone(), &mut self.comments);
                if is_br(&html) && self.skip == 0 {
                    self.builder().sentence_break();
                }
            }
            Event::SoftBreak => {
                if self.skip == 0 && !self.meta {
                    self.builder().space(range.start);
                }
            }
            Event::HardBreak => {
                if self.skip == 0 && !self.meta {
                    self.builder().sentence_break();
                }
            }
            Event::Rule => self.flush(),
            // Block HTML is scanned for comments once, from its whole range at `Start`.
            Event::Html(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }

    /// Where text goes right now: alt text builds on the side.
    fn builder(&mut self) -> &mut ProseBuilder {
        if self.images > 0 {
            &mut self.side
        } else {
            &mut self.b
        }
    }

    fn start(&mut self, tag: &Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                // A loose list item's paragraphs are still list-item prose.
                let kind = if self.kind() == BlockKind::ListItem {
                    BlockKind::ListItem
                } else {
                    BlockKind::Paragraph
                };
                self.open(kind);
            }
            Tag::Heading { .. } => self.open(BlockKind::Heading),
            Tag::Item => self.open(BlockKind::ListItem),
            Tag::TableCell => self.open(BlockKind::TableCell),
            Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) => self.open(BlockKind::Paragraph),
            Tag::CodeBlock(_) => {
                self.flush();
                self.skip += 1;
            }
            Tag::HtmlBlock => {
                self.flush();
                scan_comments(self.src, range, &mut self.comments);
                self.skip += 1;
            }
            Tag::MetadataBlock(_) => {
                self.flush();
                self.meta = true;
            }
            Tag::Link { link_type, .. } => {
                // An autolink's only text is its URL.
                let auto = matches!(link_type, LinkType::Autolink | LinkType::Email);
                self.links.push(auto);
                if auto {
                    self.skip += 1;
                }
            }
            Tag::Image { .. } => {
                if self.images == 0 {
                    // Whatever the side builder holds is finished (it never holds anything here,
                    // but a stray buffer must not leak into the alt text).
                    self.side.end_block(BlockKind::Attribute);
                }
                self.images += 1;
            }
            Tag::List(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough => {
                if is_block(tag) {
                    self.flush();
                }
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition => self.close(),
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.skip = self.skip.saturating_sub(1);
            }
            TagEnd::MetadataBlock(_) => self.meta = false,
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    self.skip = self.skip.saturating_sub(1);
                }
            }
            TagEnd::Image => {
                self.images = self.images.saturating_sub(1);
                if self.images == 0 {
                    self.side.end_block(BlockKind::Attribute);
                }
            }
            TagEnd::List(_)
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough => {}
        }
    }

    fn text(&mut self, text: &str, range: Range<usize>) {
        if self.meta {
            front_matter(self.src, range, &self.fields, &mut self.side);
            return;
        }
        if self.skip > 0 {
            return;
        }
        let src = self.src;
        if src.get(range.clone()) == Some(text) {
            // In pieces, handing on what a very long paragraph is cut into as it goes.
            for (at, piece) in in_pieces(text) {
                self.builder().text(piece, range.start + at);
                emit_in_order(&mut self.b, &mut self.side, false, self.sink);
            }
        } else {
            let b = self.builder();
            // An entity or a backslash escape: the text replaces its whole source range.
            b.decoded(text, range);
        }
    }

    fn finish(mut self) -> Vec<Comment> {
        self.attributes_before(usize::MAX);
        self.b.end_block(BlockKind::Paragraph);
        self.side.end_block(BlockKind::Paragraph);
        // Side blocks (alt text, front matter) go where they appear in the source.
        emit_in_order(&mut self.b, &mut self.side, true, self.sink);
        self.comments
    }
}

/// Container tags among the inline-or-container group of `start`.
fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::List(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

/// Whether an inline HTML tag is a line break (`<br>`, `<br/>`, `<BR />`).
fn is_br(html: &str) -> bool {
    let lower = html.trim().to_ascii_lowercase();
    lower
        .strip_prefix("<br")
        .is_some_and(|rest| rest.starts_with(['>', '/', ' ', '\t', '\n']))
}

/// Collects every `<!-- … -->` in `src[range]`. An unterminated comment runs to the end of the
/// range, as it does in a browser.
pub(super) fn scan_comments(src: &str, range: Range<usize>, out: &mut Vec<Comment>) {
    let Some(slice) = src.get(range.clone()) else {
        return;
    };
    let mut pos = 0;
    while let Some(open) = slice[pos..].find("<!--") {
        let body_start = pos + open + 4;
        let rest = &slice[body_start..];
        // `<!-->` and `<!--->` are complete (empty) comments in HTML.
        let (body_end, end) = if rest.starts_with('>') {
            (body_start, body_start + 1)
        } else if rest.starts_with("->") {
            (body_start, body_start + 2)
        } else {
            match rest.find("-->") {
                Some(close) => (body_start + close, body_start + close + 3),
                None => (slice.len(), slice.len()),
            }
        };
        out.push(Comment {
            text: slice[body_start..body_end].trim().to_string(),
            src: range.start + pos + open..range.start + end,
        });
        pos = end;
    }
}

/// The body and whole range of a front-matter block at the very start of `src` (`---` YAML or
/// `+++` TOML, each fence on a line of its own), for formats whose parser does not read it (an
/// HTML page of a Jekyll site).
#[must_use]
pub(super) fn front_matter_range(src: &str) -> Option<(Range<usize>, Range<usize>)> {
    let fence = ["---", "+++"].into_iter().find(|f| src.starts_with(f))?;
    let first = src.find('\n')?;
    if src[..first].trim_end() != fence {
        return None;
    }
    let mut at = first + 1;
    for line in src[at..].split_inclusive('\n') {
        if line.trim_end() == fence || (fence == "---" && line.trim_end() == "...") {
            return Some((first + 1..at, 0..at + line.len()));
        }
        at += line.len();
    }
    None
}

/// One key of a front-matter line: its name, where its value starts (after `:` or `=`, in
/// `line`) and whether it is YAML.
fn front_matter_key(rest: &str) -> Option<(&str, usize, bool)> {
    let (key, after) = match rest.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let close = rest[1..].find(*q as char)? + 1;
            (&rest[1..close], close + 1)
        }
        _ => {
            let end = rest.find([':', '=', ' ', '\t']).unwrap_or(rest.len());
            (&rest[..end], end)
        }
    };
    if key.is_empty() {
        return None;
    }
    let tail = &rest[after..];
    let sep = tail.len() - tail.trim_start_matches([' ', '\t']).len();
    match tail.as_bytes().get(sep) {
        // A YAML key's colon is followed by a space or the end of the line (`http://x` is not a key).
        Some(b':')
            if tail
                .as_bytes()
                .get(sep + 1)
                .is_none_or(u8::is_ascii_whitespace) =>
        {
            Some((key, after + sep + 1, true))
        }
        Some(b'=') => Some((key, after + sep + 1, false)),
        _ => None,
    }
}

/// Pushes the values of the front-matter `fields` (dotted paths, `seo.description`) of a YAML or
/// TOML front-matter body (`src[range]`) as metadata blocks. Nesting is read from indentation in
/// YAML and from `[table]` headers and dotted keys in TOML.
pub(super) fn front_matter(src: &str, range: Range<usize>, fields: &[&str], b: &mut ProseBuilder) {
    let Some(body) = src.get(range.clone()) else {
        return;
    };
    let lines: Vec<(usize, &str)> = body
        .split_inclusive('\n')
        .scan(0, |off, line| {
            let at = *off;
            *off += line.len();
            Some((at, line))
        })
        .collect();
    // YAML: the open mapping keys with their indentation; TOML: the current table.
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut table = String::new();
    let mut skip_to = 0;
    for (i, &(at, line)) in lines.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let rest = line[indent..].trim_end_matches(['\n', '\r']);
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if let Some(header) = rest.strip_prefix('[').filter(|_| indent == 0) {
            // A TOML table header (`[seo]`, `[[links]]`).
            table = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            continue;
        }
        let Some((key, value_at, yaml)) = front_matter_key(rest) else {
            continue;
        };
        let path = if yaml {
            parents.retain(|(ind, _)| *ind < indent);
            let mut p: Vec<&str> = parents.iter().map(|(_, k)| k.as_str()).collect();
            p.push(key);
            p.join(".")
        } else if table.is_empty() {
            key.split('.').map(str::trim).collect::<Vec<_>>().join(".")
        } else {
            format!(
                "{table}.{}",
                key.split('.').map(str::trim).collect::<Vec<_>>().join(".")
            )
        };
        let value_off = indent + value_at;
        let value = &line[value_off..];
        let value_off = value_off + (value.len() - value.trim_start_matches([' ', '\t']).len());
        // Continuation lines of a YAML plain or block scalar: indented deeper than the key.
        let more = lines[i + 1..]
            .iter()
            .take_while(|(_, l)| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
            .count();
        let value_empty = line[value_off..].trim().is_empty();
        if yaml && value_empty {
            // A nested mapping (or a list) follows: its keys are children of this one.
            parents.push((indent, key.to_string()));
            continue;
        }
        if yaml {
            skip_to = i + 1 + more;
        }
        if !fields.iter().any(|f| f.eq_ignore_ascii_case(&path)) {
            continue;
        }
        let value_abs = range.start + at + value_off;
        let rest_of_body = &body[at + value_off..];
        let continuation = lines[i + 1..i + 1 + more]
            .iter()
            .map(|&(a, l)| (range.start + a, l));
        push_scalar(b, rest_of_body, value_abs, yaml, continuation);
        b.end_block(BlockKind::Metadata);
    }
}

/// Pushes one front-matter scalar that starts at `value` (the rest of the body from the value's
/// first byte, at source offset `abs`).
fn push_scalar<'a>(
    b: &mut ProseBuilder,
    value: &str,
    abs: usize,
    yaml: bool,
    continuation: impl Iterator<Item = (usize, &'a str)>,
) {
    for (quote, escapes) in [("\"\"\"", true), ("'''", false)] {
        if !yaml && value.starts_with(quote) {
            let body = &value[3..];
            let end = body.find(quote).unwrap_or(body.len());
            push_quoted(b, &body[..end], abs + 3, escapes, false);
            return;
        }
    }
    let first_line = value.split(['\n', '\r']).next().unwrap_or_default();
    match value.as_bytes().first() {
        Some(b'"') => {
            let body = &value[1..];
            let end = closing_quote(body, b'"', yaml).unwrap_or(first_line.len().saturating_sub(1));
            push_quoted(b, &body[..end], abs + 1, true, false);
        }
        Some(b'\'') => {
            let body = &value[1..];
            let end =
                closing_quote(body, b'\'', yaml).unwrap_or(first_line.len().saturating_sub(1));
            push_quoted(b, &body[..end], abs + 1, false, yaml);
        }
        Some(b'|' | b'>') if yaml => {
            for (at, line) in continuation {
                let trimmed = line.trim();
                if !trimmed.is_empty() {
                    let lead = line.len() - line.trim_start().len();
                    b.space(at);
                    b.text(trimmed, at + lead);
                }
            }
        }
        _ if yaml => {
            b.text(strip_yaml_comment(first_line).trim_end(), abs);
            for (at, line) in continuation {
                let trimmed = strip_yaml_comment(line.trim_start()).trim_end();
                if !trimmed.is_empty() {
                    let lead = line.len() - line.trim_start().len();
                    b.space(at);
                    b.text(trimmed, at + lead);
                }
            }
        }
        // A bare TOML value is a number, date or boolean: not prose.
        _ => {}
    }
}

/// Byte offset in `body` of the quote that closes a string opened just before it. YAML
/// single-quoted strings escape a quote by doubling it; double-quoted ones use a backslash.
fn closing_quote(body: &str, quote: u8, yaml: bool) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            q if q == quote => {
                if yaml && quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i);
                }
            }
            // TOML strings (and sane YAML ones) end at the line; an unclosed one stops there.
            b'\n' if !yaml => return None,
            _ => i += 1,
        }
    }
    None
}

/// Pushes the inside of a quoted string at source offset `abs`: literal runs verbatim, each
/// escape (`\"`, `\u2019`, YAML's `''`) decoded and mapped to its whole source range.
fn push_quoted(b: &mut ProseBuilder, body: &str, abs: usize, backslash: bool, doubled: bool) {
    let mut run = 0;
    let mut i = 0;
    let bytes = body.as_bytes();
    while i < bytes.len() {
        let esc = if backslash && bytes[i] == b'\\' {
            decode_escape(&body[i..])
        } else if doubled && bytes[i] == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
            Some(("'".to_string(), 2))
        } else {
            None
        };
        match esc {
            Some((decoded, len)) => {
                b.text(&body[run..i], abs + run);
                b.decoded(&decoded, abs + i..abs + i + len);
                i += len;
                run = i;
            }
            None => i += 1,
        }
    }
    b.text(&body[run..], abs + run);
}

/// Decodes a backslash escape at the start of `s`: the text and the escape's byte length.
fn decode_escape(s: &str) -> Option<(String, usize)> {
    let mut chars = s.chars();
    chars.next()?;
    let c = chars.next()?;
    let hex = |digits: usize| {
        let code = s.get(2..2 + digits)?;
        let ch = char::from_u32(u32::from_str_radix(code, 16).ok()?)?;
        Some((ch.to_string(), 2 + digits))
    };
    match c {
        'u' => hex(4),
        'U' => hex(8),
        'x' => hex(2),
        'n' | 't' | 'r' | '\n' => Some((" ".to_string(), 1 + c.len_utf8())),
        c => Some((c.to_string(), 1 + c.len_utf8())),
    }
}

/// A plain YAML scalar ends at ` #` (a comment).
fn strip_yaml_comment(line: &str) -> &str {
    line.find(" #").map_or(line, |at| &line[..at])
}

/// Blanks the MDX-only lines of `src` (ES `import`/`export` statements, lines holding only JSX
/// tags) to spaces of the same byte length, keeping line breaks, so that pulldown-cmark reads the
/// rest as Markdown and every offset still points into `src`.
///
/// The patterns are narrow enough to apply to plain Markdown too: a prose line never starts with
/// `import x from` or `export const`, and a line holding only `<Capitalised>` tags would be an HTML
/// block, which is skipped anyway. Fenced code blocks are left alone.
fn blank_mdx(src: &str) -> (Cow<'_, str>, Vec<Range<usize>>, Vec<Range<usize>>) {
    let lines: Vec<(usize, &str)> = src
        .split_inclusive('\n')
        .scan(0, |off, line| {
            let at = *off;
            *off += line.len();
            Some((at, line))
        })
        .collect();
    let mut blank: Vec<Range<usize>> = Vec::new();
    let mut jsx: Vec<Range<usize>> = Vec::new();
    let mut inline: Vec<Range<usize>> = Vec::new();
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if line.len() - trimmed.len() < 4
            && let Some(f) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f))
        {
            fence = Some(f);
            i += 1;
            continue;
        }
        if is_es_statement(line) {
            let end = statement_end(&lines, i);
            blank.push(at..lines[end].0 + lines[end].1.len());
            i = end + 1;
            continue;
        }
        if let Some(end) = jsx_only_lines(src, &lines, i) {
            blank.push(at..end);
            jsx.push(at..end);
            while i < lines.len() && lines[i].0 < end {
                i += 1;
            }
            continue;
        }
        inline_jsx_tags(src, at, line, &mut inline);
        i += 1;
    }
    jsx.extend(inline.iter().cloned());
    jsx.sort_by_key(|r| r.start);
    if blank.is_empty() {
        return (Cow::Borrowed(src), jsx, inline);
    }
    let mut bytes = src.as_bytes().to_vec();
    for r in blank {
        for byte in &mut bytes[r] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    // Only whole characters were replaced, each byte by an ASCII space.
    (
        Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| src.to_string())),
        jsx,
        inline,
    )
}

/// JSX tags inside a line of prose (`Text <Badge label="x" /> more`, `<Note>Text</Note>`): their
/// ranges, which are masked rather than blanked (a blanked tag at the start of a line would indent
/// the text after it into a code block). Inline code spans are left alone; a tag must close on
/// its own line.
fn inline_jsx_tags(src: &str, at: usize, line: &str, out: &mut Vec<Range<usize>>) {
    let bytes = src.as_bytes();
    let end = at + line.len();
    let mut i = at;
    while i < end {
        match bytes[i] {
            b'`' => {
                let run = bytes[i..end].iter().take_while(|&&b| b == b'`').count();
                let fence = &src[i..i + run];
                i += run;
                if let Some(close) = src[i..end].find(fence) {
                    i += close + run;
                }
            }
            b'<' if matches!(bytes.get(i + 1), Some(c) if c.is_ascii_uppercase() || *c == b'>')
                || (bytes.get(i + 1) == Some(&b'/')
                    && matches!(bytes.get(i + 2), Some(c) if c.is_ascii_uppercase() || *c == b'>')) =>
            {
                match jsx_tag_end(bytes, i, end) {
                    Some(tag_end) => {
                        out.push(i..tag_end);
                        i = tag_end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
}

/// The source ranges of the string values of copy props (see [`super::Options::is_jsx_prop`]) in
/// the JSX tags of `src[range]`: `title="…"`, `alt='…'`, `label={"…"}`. Expressions, spreads and
/// other props are skipped; a tag that never closes ends the scan.
fn jsx_attribute_values(
    src: &str,
    range: Range<usize>,
    opts: &super::Options,
) -> Vec<Range<usize>> {
    let bytes = src.as_bytes();
    let end = range.end.min(bytes.len());
    let mut out = Vec::new();
    let mut i = range.start;
    while i < end {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let Some(tag_end) = jsx_tag_end(bytes, i, end) else {
            break;
        };
        // Skip the tag name, then read `name=value` pairs.
        let mut j = i + 1;
        while j < tag_end && !bytes[j].is_ascii_whitespace() && !matches!(bytes[j], b'>' | b'/') {
            j += 1;
        }
        while j < tag_end {
            let c = bytes[j];
            if c == b'{' {
                j = skip_braces(bytes, j, tag_end);
                continue;
            }
            if !(c.is_ascii_alphabetic() || c == b'_') {
                j += 1;
                continue;
            }
            let name_start = j;
            while j < tag_end
                && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b':'))
            {
                j += 1;
            }
            let name = &src[name_start..j];
            if bytes.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            let (quote_at, braced) = match bytes.get(j) {
                Some(b'"' | b'\'') => (j, false),
                Some(b'{') if matches!(bytes.get(j + 1), Some(b'"' | b'\'')) => (j + 1, true),
                Some(b'{') => {
                    j = skip_braces(bytes, j, tag_end);
                    continue;
                }
                _ => continue,
            };
            let q = bytes[quote_at];
            let Some(len) = bytes[quote_at + 1..tag_end].iter().position(|&b| b == q) else {
                break;
            };
            let value = quote_at + 1..quote_at + 1 + len;
            j = value.end + 1;
            if braced {
                j = skip_braces(bytes, quote_at - 1, tag_end);
            }
            if opts.is_jsx_prop(name) && !value.is_empty() {
                out.push(value);
            }
        }
        i = tag_end;
    }
    out
}

/// Offset past the `}` that closes the `{` at `start` (quotes inside skipped), at most `limit`.
fn skip_braces(bytes: &[u8], start: usize, limit: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < limit {
        let c = bytes[i];
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, b'"' | b'\'' | b'`') => quote = Some(c),
            (None, b'{') => depth += 1,
            (None, b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    limit
}

/// An MDX `import … from …` or `export const …` line (at column 0, as MDX requires).
fn is_es_statement(line: &str) -> bool {
    if let Some(rest) = line.strip_prefix("import ") {
        let rest = rest.trim_start();
        return rest.starts_with(['\'', '"', '{', '*']) || rest.contains(" from ");
    }
    line.strip_prefix("export ").is_some_and(|rest| {
        let word = rest.trim_start();
        [
            "const ",
            "let ",
            "var ",
            "function",
            "default ",
            "class ",
            "async ",
            "type ",
            "interface ",
            "{",
            "*",
        ]
        .iter()
        .any(|w| word.starts_with(w))
    })
}

/// Index of the last line of an ES statement starting at line `first`: brackets must balance.
/// Continuation stops at a line starting at column 0 with a letter, so an unbalanced bracket
/// cannot swallow the prose after it.
fn statement_end(lines: &[(usize, &str)], first: usize) -> usize {
    let mut depth: i64 = 0;
    let mut last = first;
    for (i, &(_, line)) in lines.iter().enumerate().skip(first) {
        if i > first && line.starts_with(|c: char| c.is_alphabetic()) {
            break;
        }
        for c in line.chars() {
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth -= 1,
                _ => {}
            }
        }
        last = i;
        if depth <= 0 {
            break;
        }
    }
    last
}

/// If line `first` holds only JSX tags (`<Callout type="x">`, `</Callout>`, `<Chart … />`, possibly
/// spanning lines), the source offset where those lines end.
fn jsx_only_lines(src: &str, lines: &[(usize, &str)], first: usize) -> Option<usize> {
    let (at, line) = lines[first];
    let mut pos = at + (line.len() - line.trim_start().len());
    let limit = lines
        .get(first + MAX_JSX_TAG_LINES)
        .map_or(src.len(), |&(a, _)| a)
        .min(at.saturating_add(MAX_JSX_TAG_BYTES));
    let bytes = src.as_bytes();
    let mut tags = 0;
    loop {
        let is_tag = bytes.get(pos) == Some(&b'<')
            && match bytes.get(pos + 1) {
                Some(b'/') => bytes
                    .get(pos + 2)
                    .is_some_and(|c| c.is_ascii_uppercase() || *c == b'>'),
                Some(c) => c.is_ascii_uppercase() || *c == b'>',
                None => false,
            };
        if !is_tag {
            break;
        }
        pos = jsx_tag_end(bytes, pos, limit)?;
        tags += 1;
        while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
    }
    if tags == 0 {
        return None;
    }
    match bytes.get(pos) {
        None => Some(pos),
        Some(b'\n') => Some(pos + 1),
        Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => Some(pos + 2),
        // Text follows the tag on its line: it is inline JSX in a paragraph, left to the parser
        // (which skips the tags as inline HTML and keeps the text).
        Some(_) => None,
    }
}

/// Offset just past the `>` that closes the JSX tag opening at `start`, skipping `{…}`
/// expressions and quoted attribute values.
fn jsx_tag_end(bytes: &[u8], start: usize, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = start + 1;
    while i < limit.min(bytes.len()) {
        let c = bytes[i];
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, b'"' | b'\'' | b'`') => quote = Some(c),
            (None, b'{') => depth += 1,
            (None, b'}') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
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

    /// The source text of the first occurrence of `word` in `block`.
    fn src_of<'a>(src: &'a str, block: &Block, word: &str) -> &'a str {
        let at = block.text.find(word).expect("word in block");
        &src[block.source_range(at..at + word.len())]
    }

    #[test]
    fn blocks_and_kinds() {
        let src = "# A **Game** Changer\n\nSome *ground*breaking text\nwrapped.\n\n- one\n- two\n  - inner\n\n> quoted\n";
        let got = texts(src);
        assert_eq!(
            got,
            vec![
                (BlockKind::Heading, "A Game Changer".to_string()),
                (
                    BlockKind::Paragraph,
                    "Some groundbreaking text wrapped.".to_string()
                ),
                (BlockKind::ListItem, "one".to_string()),
                (BlockKind::ListItem, "two".to_string()),
                (BlockKind::ListItem, "inner".to_string()),
                (BlockKind::Paragraph, "quoted".to_string()),
            ]
        );
    }

    #[test]
    fn loose_list_items_are_list_items() {
        let got = texts("- one\n\n- two\n");
        assert_eq!(got[0], (BlockKind::ListItem, "one".to_string()));
        assert_eq!(got[1], (BlockKind::ListItem, "two".to_string()));
    }

    #[test]
    fn emphasis_and_entities_map_to_source() {
        let src = "It&rsquo;s a **game** changer &amp; ground**breaking** cure";
        let ex = extract(src);
        let b = &ex.blocks[0];
        assert_eq!(b.text, "It's a game changer & groundbreaking cure");
        assert_eq!(src_of(src, b, "It's"), "It&rsquo;s");
        assert_eq!(src_of(src, b, "game changer"), "game** changer");
        assert_eq!(src_of(src, b, "groundbreaking"), "ground**breaking");
        assert_eq!(src_of(src, b, "cure"), "cure");
        assert_eq!(src_of(src, b, "&"), "&amp;");
    }

    #[test]
    fn escapes_are_decoded() {
        let src = "No \\*risk\\* here";
        let b = &extract(src).blocks[0];
        assert_eq!(b.text, "No *risk* here");
        assert_eq!(src_of(src, b, "here"), "here");
    }

    #[test]
    fn breaks() {
        let src = "line one  \nline two\nline three";
        let b = &extract(src).blocks[0];
        assert_eq!(b.text, "line one line two line three");
        assert_eq!(b.breaks, vec![8]);
    }

    #[test]
    fn tables_cells_are_blocks() {
        let src = "| Treatment | Result |\n|---|---|\n| Ketamine | **Cures** depression |\n";
        let ex = extract(src);
        let cells: Vec<_> = ex
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                (BlockKind::TableCell, "Treatment"),
                (BlockKind::TableCell, "Result"),
                (BlockKind::TableCell, "Ketamine"),
                (BlockKind::TableCell, "Cures depression"),
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[3], "depression"), "depression");
        assert_eq!(src_of(src, &ex.blocks[3], "Cures"), "Cures");
    }

    #[test]
    fn code_html_and_urls_are_not_prose() {
        let src = "Use `miracle` now.\n\n```\ncures everything\n```\n\n    indented cure\n\n<div>html cure</div>\n\nSee <https://cure.example> and [the site](https://miracle.example \"title\").\n";
        let all: String = texts(src).into_iter().map(|(_, t)| t + "|").collect();
        assert_eq!(all, "Use now.|See and the site.|");
    }

    #[test]
    fn image_alt_text_is_an_attribute_block() {
        let src = "Before ![A *proven* cure](x.png) after";
        let ex = extract(src);
        let got: Vec<_> = ex
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BlockKind::Paragraph, "Before after"),
                (BlockKind::Attribute, "A proven cure"),
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[1], "proven cure"), "proven* cure");
    }

    #[test]
    fn link_text_is_prose() {
        let src = "Read [our *guaranteed* results](/r).";
        let b = &extract(src).blocks[0];
        assert_eq!(b.text, "Read our guaranteed results.");
        assert_eq!(src_of(src, b, "results"), "results");
    }

    #[test]
    fn comments_inline_and_block() {
        let src = "Text <!-- claimlint-disable-next-line hype --> more\n\n<!--\n  block note\n-->\n\nEnd <!-- open";
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
                ("block note", "<!--\n  block note\n-->"),
            ]
        );
        assert_eq!(ex.blocks[0].text, "Text more");
        assert_eq!(ex.blocks.len(), 2);
    }

    #[test]
    fn yaml_front_matter_title_and_description_only() {
        let src = "---\ntitle: \"Ketamine \\\"miracle\\\" care\"\nlayout: post\ndescription: Proven\n  relief, fast # seo\ntags: [cure]\n---\n\nBody text.\n";
        let ex = extract(src);
        let got: Vec<_> = ex
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BlockKind::Metadata, "Ketamine \"miracle\" care"),
                (BlockKind::Metadata, "Proven relief, fast"),
                (BlockKind::Paragraph, "Body text."),
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[0], "Ketamine"), "Ketamine");
        assert_eq!(src_of(src, &ex.blocks[0], "\"miracle\""), "\\\"miracle\\\"");
        assert_eq!(src_of(src, &ex.blocks[1], "relief"), "relief");
    }

    #[test]
    fn yaml_block_scalar_and_single_quotes() {
        let src = "---\ntitle: 'It''s safe'\ndescription: >-\n  Fast relief\n  for all\n---\n";
        let ex = extract(src);
        assert_eq!(ex.blocks[0].text, "It's safe");
        assert_eq!(src_of(src, &ex.blocks[0], "safe"), "safe");
        assert_eq!(ex.blocks[1].text, "Fast relief for all");
        assert_eq!(src_of(src, &ex.blocks[1], "for all"), "for all");
    }

    #[test]
    fn toml_front_matter() {
        let src =
            "+++\ntitle = \"Cure \\u2019s\"\ndraft = true\ndescription = 'Guaranteed'\n+++\nText";
        let ex = extract(src);
        assert_eq!(ex.blocks[0].kind, BlockKind::Metadata);
        assert_eq!(ex.blocks[0].text, "Cure 's");
        assert_eq!(src_of(src, &ex.blocks[0], "Cure"), "Cure");
        assert_eq!(src_of(src, &ex.blocks[1], "Guaranteed"), "Guaranteed");
        assert_eq!(ex.blocks[2].text, "Text");
    }

    #[test]
    fn front_matter_fields_are_dotted_paths() {
        let yaml = "---\ntitle: T\nseo:\n  description: Nested\n  title: Not a field\nimages:\n  - description: In a list\nsummary: Sum\nteaser: Not read\n---\n";
        let got: Vec<String> = extract(yaml).blocks.into_iter().map(|b| b.text).collect();
        assert_eq!(got, ["T", "Nested", "Sum"]);
        let toml = "+++\ntitle = 'T'\nog.description = \"Dotted\"\n[seo]\ndescription = \"Table\"\n[params]\ndescription = \"Params\"\n+++\n";
        let got: Vec<String> = extract(toml).blocks.into_iter().map(|b| b.text).collect();
        assert_eq!(got, ["T", "Dotted", "Table"]);
    }

    #[test]
    fn mdx_copy_props_are_attribute_blocks() {
        let src = "<Card title=\"Fast relief\" tone={\"not copy\"} alt='Two' {...rest}>\nBody.\n</Card>\n\nText <Badge label={\"Inline\"} /> end.\n";
        let ex = extract(src);
        let got: Vec<(BlockKind, &str)> = ex
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Attribute, "Fast relief"),
                (BlockKind::Attribute, "Two"),
                (BlockKind::Paragraph, "Body."),
                (BlockKind::Paragraph, "Text end."),
                (BlockKind::Attribute, "Inline"),
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[0], "relief"), "relief");
        assert_eq!(src_of(src, &ex.blocks[4], "Inline"), "Inline");
    }

    #[test]
    fn mdx_statements_and_jsx_lines_are_skipped() {
        let src = "import Chart from './Chart'\nexport const meta = {\n  title: 'x',\n}\n\n# Title\n\n<Callout type=\"warn\">\nKetamine is not a cure.\n</Callout>\n\n<Chart\n  data={[1, 2]}\n/>\n\nWe import only what we need.\n";
        let ex = extract(src);
        let got: Vec<_> = ex.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "Title",
                "Ketamine is not a cure.",
                "We import only what we need."
            ]
        );
        assert_eq!(src_of(src, &ex.blocks[1], "cure"), "cure");
    }

    #[test]
    fn more_structure() {
        let src = "Setext *Title*\n===\n\n- outer\n  - inner\n\n  outer again\n\nA<br>B[^n] and `x`y\n\n[^n]: Noted.\n\n***\n";
        let got: Vec<_> = texts(src);
        assert_eq!(
            got,
            vec![
                (BlockKind::Heading, "Setext Title".to_string()),
                (BlockKind::ListItem, "outer".to_string()),
                (BlockKind::ListItem, "inner".to_string()),
                (BlockKind::ListItem, "outer again".to_string()),
                (BlockKind::Paragraph, "A B and y".to_string()),
                (BlockKind::Paragraph, "Noted.".to_string()),
            ]
        );
        let b = &extract(src).blocks[4];
        assert_eq!(b.breaks, vec![1]);
    }

    #[test]
    fn deep_nesting_does_not_overflow_or_crawl() {
        for src in [
            "- ".repeat(50_000) + "deep",
            ">".repeat(50_000) + " deep",
            "* ".repeat(25_000) + "\n" + &"1. ".repeat(25_000),
            "[".repeat(50_000) + "x" + &"](u)".repeat(50_000),
        ] {
            let start = std::time::Instant::now();
            let ex = extract(&src);
            assert!(start.elapsed().as_secs() < 5);
            assert!(ex.blocks.len() <= 2);
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "---\ntitle: \"unterminated\n",
            "---\ntitle: \"\\u12",
            "+++\ntitle = \"\"\"open\n+++\n",
            "<Chart data={{{\n\ntext",
            &"<A {\n".repeat(20_000),
            "export const x = {\nprose continues\n",
            "<!--",
            "![",
            "\u{FEFF}é&#xZZ; &;\\",
        ] {
            let _ = extract(src);
        }
    }

    /// Sections cover the file in order, a small file is one section, and a cut never falls
    /// inside a fenced code block or a comment when a safe line comes before the mark.
    #[test]
    fn large_files_are_parsed_in_sections_cut_at_safe_lines() {
        assert_eq!(sections("A page.\n"), vec![0..8]);
        let para = "A calm paragraph about our clinic and its opening hours.\n\n";
        let fence = format!("```\n{}```\n\n", "code line\n\n".repeat(20_000));
        let comment = format!("<!-- a note\n\n{}-->\n\n", "more\n\n".repeat(20_000));
        let text = format!(
            "{}{fence}{}{comment}{}",
            para.repeat(4_000),
            para.repeat(4_000),
            para.repeat(4_000)
        );
        let got = sections(&text);
        assert!(got.len() > 2, "{}", got.len());
        assert_eq!(got.first().map(|r| r.start), Some(0));
        assert_eq!(got.last().map(|r| r.end), Some(text.len()));
        // Strictly inside: a cut right before either is a good one.
        let fence_at = text.find("```").unwrap() + 1..text.rfind("```").unwrap();
        let comment_at = text.find("<!--").unwrap() + 1..text.find("-->").unwrap();
        for w in got.windows(2) {
            let cut = w[0].end;
            assert_eq!(cut, w[1].start);
            assert!(w[0].len() <= SECTION_BYTES);
            // Each cut is at a line start after a blank line.
            assert!(text[..cut].ends_with("\n\n"), "cut at {cut}");
            // Both fit in a section: neither is cut.
            assert!(
                !fence_at.contains(&cut) && !comment_at.contains(&cut),
                "cut at {cut}"
            );
        }
        // The prose reads the same as when parsed whole, paragraph for paragraph.
        let words = |t: &str| {
            extract(t)
                .blocks
                .iter()
                .filter(|b| b.text.starts_with("A calm"))
                .count()
        };
        assert_eq!(words(&text), 12_000);
        // One giant paragraph on one line is cut after spaces.
        let line = "calm words here ".repeat(40_000);
        let got = sections(&line);
        assert!(got.len() >= 2);
        for w in got.windows(2) {
            assert!(line[..w[0].end].ends_with(' '));
        }
    }
}
