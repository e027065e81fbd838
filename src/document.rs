//! The prose model every extractor produces and every rule reads.
//!
//! Extractors (plain text, Markdown, HTML) push the prose they find through a [`ProseBuilder`],
//! which normalises it as it goes — curly quotes and dashes folded, whitespace runs collapsed to
//! one space, invisible characters dropped, letters lower-cased for matching — and records an
//! [`OffsetMap`] from the normalised text back to byte ranges of the source. The engine never sees
//! markup and never computes a source position itself: every diagnostic span comes from this map,
//! which is why a Markdown or HTML extractor plugs in without touching the engine.

use std::ops::Range;
use std::sync::Arc;

use crate::extract::template::Mask;

/// What kind of element a block came from. Headings, list items and table cells are sentences of
/// their own even without a full stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
    /// A document title, meta description or front-matter value.
    Metadata,
    /// Alternative or advisory text of an element (`alt`, `title`).
    Attribute,
}

/// A run of prose that ends a paragraph: sentences never cross blocks.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Normalised text, original case kept (sentence segmentation needs capitals).
    pub text: String,
    /// `text` lower-cased character by character without changing any byte length, so an offset
    /// into `lower` is the same offset into `text`.
    pub lower: String,
    /// Offsets in `text` where the source forces a sentence break (a `<br>`, a heading-like line).
    pub breaks: Vec<usize>,
    pub map: OffsetMap,
}

impl Block {
    /// Byte range in the source for a range of the normalised text.
    #[must_use]
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        self.map.source_range(range)
    }
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    norm: usize,
    norm_len: usize,
    src: usize,
    src_len: usize,
    /// Byte-for-byte: normalised offset `norm + k` is source offset `src + k`.
    exact: bool,
}

/// Maps byte offsets of a block's normalised text back to byte offsets of the source file.
/// Exact segments map byte for byte; a replaced segment (an entity, a folded quote, a collapsed
/// whitespace run) maps to its whole source range.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    segs: Vec<Seg>,
}

impl OffsetMap {
    fn seg_at(&self, norm: usize) -> Option<&Seg> {
        let idx = self.segs.partition_point(|s| s.norm <= norm);
        idx.checked_sub(1).map(|i| &self.segs[i])
    }

    fn push(&mut self, norm: usize, norm_len: usize, src: usize, src_len: usize, exact: bool) {
        if let Some(last) = self.segs.last_mut()
            && exact
            && last.exact
            && last.norm + last.norm_len == norm
            && last.src + last.src_len == src
        {
            last.norm_len += norm_len;
            last.src_len += src_len;
            return;
        }
        self.segs.push(Seg {
            norm,
            norm_len,
            src,
            src_len,
            exact,
        });
    }

    /// Source offset of a normalised start offset.
    #[must_use]
    pub fn source_start(&self, norm: usize) -> usize {
        match self.seg_at(norm) {
            Some(s) if s.exact => s.src + (norm - s.norm).min(s.src_len),
            Some(s) => s.src,
            None => 0,
        }
    }

    /// Source offset of a normalised exclusive end offset.
    #[must_use]
    pub fn source_end(&self, norm_end: usize) -> usize {
        if norm_end == 0 {
            return self.source_start(0);
        }
        match self.seg_at(norm_end - 1) {
            Some(s) if s.exact => s.src + (norm_end - s.norm).min(s.src_len),
            Some(s) => s.src + s.src_len,
            None => 0,
        }
    }

    #[must_use]
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_start(range.start);
        let end = self.source_end(range.end).max(start);
        start..end
    }
}

/// Folds a character for matching: `None` drops it, `Some(' ')` is whitespace.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{00AD}'
        | '\u{200B}'
        | '\u{200C}'
        | '\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{180E}'
        | '\u{FEFF}' => return None,
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// Combining diacritical marks and variation selectors: ignored for matching (issue 21), so
/// "mira\u{301}cle" with a combining accent reads as "miracle". Precomposed letters ("é") are
/// kept; only a mark standing on its own in the source is dropped.
fn is_ignored_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE00}'..='\u{FE0F}' | '\u{FE20}'..='\u{FE2F}')
}

/// The NFKC form of a character when it differs and is made of letters and digits only:
/// full-width letters ("Ｍｉｒａｃｌｅ"), ligatures ("ﬁ"), mathematical and circled letters, the
/// look-alikes a page can use to slip a hype word past matching (issue 21). Punctuation and spaces
/// keep their own handling ([`fold`]): NFKC would turn "…" into "..." and move sentence ends.
/// unicode-normalization is the Unicode project's tables as a well-kept crate; only characters
/// that are not NFKC already (a quick table check) pay for the mapping.
fn compat_letters(c: char) -> Option<String> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
    if c.is_ascii() || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        return None;
    }
    let n: String = std::iter::once(c).nfkc().collect();
    (n != c.to_string() && !n.is_empty() && n.chars().all(char::is_alphanumeric)).then_some(n)
}

/// Length from which a block is cut at the next sentence end (see [`ProseBuilder::text`]).
pub const SPLIT_BLOCK_BYTES: usize = 256 * 1024;

/// Length from which a block with no sentence end is cut at the next space.
pub const FORCE_SPLIT_BYTES: usize = 1 << 20;

/// Length at which a block is cut wherever it is.
pub const MAX_BLOCK_BYTES: usize = 2 << 20;

/// Whether [`fold`] keeps this ASCII byte as it is: printable, not whitespace, not a backtick.
fn keeps_ascii(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'`'
}

/// Length of the run at the start of `bytes` that normalisation keeps as it is: ASCII bytes
/// [`keeps_ascii`] accepts, and single spaces between two of them (a space that the text before
/// and after keeps is emitted as itself) — but no space at or after byte `spaces_before`, so that
/// a long block still ends a run at every space from the length where it may be cut.
fn kept_run(bytes: &[u8], spaces_before: usize) -> usize {
    let mut j = 0;
    loop {
        j += bytes[j..]
            .iter()
            .position(|&b| !keeps_ascii(b))
            .unwrap_or(bytes.len() - j);
        if j > 0
            && j < spaces_before
            && bytes.get(j) == Some(&b' ')
            && bytes.get(j + 1).is_some_and(|&b| keeps_ascii(b))
        {
            j += 1;
        } else {
            return j;
        }
    }
}

/// Lower-cases a character only when its lower-case form has the same UTF-8 length, so that
/// `lower` stays aligned with `text`. The few characters that change length keep their case and
/// are matched case-sensitively; none occurs in our rulesets.
fn lower_same_len(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

#[derive(Default)]
struct BlockBuf {
    text: String,
    lower: String,
    breaks: Vec<usize>,
    map: OffsetMap,
    /// Source range of whitespace seen since the last character, to be emitted as one space
    /// only if more text follows.
    pending_space: Option<Range<usize>>,
}

impl BlockBuf {
    /// Emits the whitespace seen before the text about to be pushed, as one space.
    fn flush_space(&mut self) {
        if let Some(ws) = self.pending_space.take()
            && !self.text.is_empty()
            && !self.text.ends_with(' ')
        {
            let at = self.text.len();
            self.text.push(' ');
            self.lower.push(' ');
            self.map.push(at, 1, ws.start, ws.len(), ws.len() == 1);
        }
    }

    fn push_char(&mut self, out: char, src: Range<usize>, exact: bool) {
        self.flush_space();
        let at = self.text.len();
        self.text.push(out);
        self.lower.push(lower_same_len(out));
        self.map
            .push(at, out.len_utf8(), src.start, src.len(), exact);
    }

    /// Appends a run of ASCII characters that normalisation keeps as they are (see
    /// [`keeps_ascii`]): the common case, done a run at a time rather than a character at a time.
    fn push_ascii_run(&mut self, run: &str, src_start: usize) {
        self.flush_space();
        let at = self.text.len();
        self.text.push_str(run);
        self.lower.push_str(run);
        self.lower[at..].make_ascii_lowercase();
        self.map.push(at, run.len(), src_start, run.len(), true);
    }

    /// Pushes one character of the source, normalised: marks dropped, look-alike letters mapped
    /// to their NFKC letters (each mapping to the whole source character), the rest folded.
    fn push_source_char(&mut self, c: char, src: Range<usize>) {
        if is_ignored_mark(c) {
            return;
        }
        if let Some(n) = compat_letters(c) {
            let exact = n.len() == c.len_utf8() && n.chars().count() == 1;
            for l in n.chars() {
                self.push_char(l, src.clone(), exact);
            }
            return;
        }
        match fold(c) {
            None => {}
            Some(' ') => self.space(src),
            Some(f) => self.push_char(f, src, f.len_utf8() == c.len_utf8()),
        }
    }

    fn space(&mut self, src: Range<usize>) {
        if self.pending_space.is_none() {
            self.pending_space = Some(src);
        }
    }
}

/// Collects the prose of one source file, block by block.
#[derive(Default)]
pub struct ProseBuilder {
    blocks: Vec<Block>,
    cur: BlockBuf,
    /// Source ranges that are not prose (template syntax, ignore patterns): text inside them is
    /// dropped as it is pushed, whatever the extractor thought it was.
    mask: Option<Arc<Mask>>,
}

impl ProseBuilder {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder that drops the text of `mask`'s ranges (see [`crate::extract::template`]).
    #[must_use]
    pub fn with_mask(mask: Option<Arc<Mask>>) -> Self {
        Self {
            mask: mask.filter(|m| !m.is_empty()),
            ..Self::default()
        }
    }

    /// Appends text that appears verbatim in the source starting at byte `src_start`. A masked
    /// range inside it becomes a space, or a sentence break for a block construct.
    pub fn text(&mut self, text: &str, src_start: usize) {
        let Some(mask) = self.mask.clone() else {
            self.unmasked_text(text, src_start);
            return;
        };
        let end = src_start + text.len();
        let mut at = src_start;
        for m in mask.overlapping(src_start..end) {
            if m.range.start > at
                && let Some(piece) = text.get(at - src_start..m.range.start - src_start)
            {
                self.unmasked_text(piece, at);
            }
            if m.breaks {
                self.sentence_break();
            } else {
                self.space(m.range.start.max(src_start));
            }
            at = at.max(m.range.end.min(end));
        }
        if let Some(piece) = text.get(at - src_start..).filter(|p| !p.is_empty()) {
            self.unmasked_text(piece, at);
        }
    }

    fn unmasked_text(&mut self, text: &str, src_start: usize) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = kept_run(
                &bytes[i..],
                SPLIT_BLOCK_BYTES.saturating_sub(self.cur.text.len()),
            );
            // One giant word is cut too (see `bound`): ASCII, so any byte is a boundary.
            let run = run.min(
                MAX_BLOCK_BYTES
                    .saturating_sub(self.cur.text.len() + 1)
                    .max(1),
            );
            if run > 0 {
                self.cur.push_ascii_run(&text[i..i + run], src_start + i);
                i += run;
                self.bound(bytes.get(i).is_some_and(u8::is_ascii_whitespace));
                if self.cur.text.len() >= SPLIT_BLOCK_BYTES
                    && self.cur.text.ends_with(['.', '!', '?'])
                    && bytes.get(i).is_some_and(u8::is_ascii_whitespace)
                {
                    // A paragraph this long (a page on one line, a text dump) is cut after a
                    // sentence-ending stop, so that it can be checked and dropped a piece at a
                    // time; real paragraphs are a few hundred bytes.
                    self.end_block(BlockKind::Paragraph);
                }
                continue;
            }
            // `i` is on a character boundary: everything before it was whole ASCII runs or
            // whole characters.
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let src = src_start + i..src_start + i + c.len_utf8();
            self.cur.push_source_char(c, src);
            i += c.len_utf8();
            self.bound(bytes.get(i).is_some_and(u8::is_ascii_whitespace));
        }
    }

    /// Appends text that replaces the source range `src` (a decoded entity, an escape): every
    /// character of it maps to the whole range.
    pub fn decoded(&mut self, text: &str, src: Range<usize>) {
        if let Some(m) = self
            .mask
            .as_ref()
            .and_then(|m| m.overlapping(src.clone()).first())
        {
            if m.breaks {
                self.sentence_break();
            } else {
                self.cur.space(src);
            }
            return;
        }
        for c in text.chars() {
            if is_ignored_mark(c) {
                continue;
            }
            if let Some(n) = compat_letters(c) {
                for l in n.chars() {
                    self.cur.push_char(l, src.clone(), false);
                }
                continue;
            }
            match fold(c) {
                None => {}
                Some(' ') => self.cur.space(src.clone()),
                Some(f) => self.cur.push_char(f, src.clone(), false),
            }
            self.bound(false);
        }
    }

    /// Keeps a block within the memory budget whatever the source (issue 21): a block with no
    /// sentence end is cut at a space once it reaches [`FORCE_SPLIT_BYTES`], and at any character
    /// at [`MAX_BLOCK_BYTES`] (one giant word). Real paragraphs are a few hundred bytes; a cut
    /// only ever happens in a dump, and a sentence cut in two there is checked as two.
    fn bound(&mut self, next_is_space: bool) {
        let len = self.cur.text.len();
        if len >= MAX_BLOCK_BYTES || (len >= FORCE_SPLIT_BYTES && next_is_space) {
            self.end_block(BlockKind::Paragraph);
        }
    }

    /// Inline whitespace that the source implies without a character (a soft line break that an
    /// extractor dropped, a boundary between two inline elements that renders as a space).
    pub fn space(&mut self, src_pos: usize) {
        self.cur.space(src_pos..src_pos);
    }

    /// A forced sentence break inside the current block.
    pub fn sentence_break(&mut self) {
        let at = self.cur.text.len();
        if at > 0 && self.cur.breaks.last() != Some(&at) {
            self.cur.breaks.push(at);
        }
        self.cur.pending_space = None;
        if at > 0 && !self.cur.text.ends_with(' ') {
            // A break is also a word boundary.
            self.cur.pending_space = Some(0..0);
        }
    }

    /// Ends the current block; an empty block is dropped.
    pub fn end_block(&mut self, kind: BlockKind) {
        let buf = std::mem::take(&mut self.cur);
        if buf.text.is_empty() {
            return;
        }
        let mut buf = buf;
        buf.breaks.retain(|&b| b > 0 && b < buf.text.len());
        // Blocks live for the whole check; growth slack would be up to half their memory.
        buf.text.shrink_to_fit();
        buf.lower.shrink_to_fit();
        buf.breaks.shrink_to_fit();
        buf.map.segs.shrink_to_fit();
        self.blocks.push(Block {
            kind,
            text: buf.text,
            lower: buf.lower,
            breaks: buf.breaks,
            map: buf.map,
        });
    }

    /// Source offset where the block being built starts, if it has any text yet.
    #[must_use]
    pub fn open_start(&self) -> Option<usize> {
        self.cur.map.segs.first().map(|s| s.src)
    }

    /// The finished blocks not yet handed on, in order.
    pub fn finished(&mut self) -> &mut Vec<Block> {
        &mut self.blocks
    }

    #[must_use]
    pub fn finish(mut self) -> Vec<Block> {
        self.end_block(BlockKind::Paragraph);
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(f: impl FnOnce(&mut ProseBuilder)) -> Vec<Block> {
        let mut b = ProseBuilder::new();
        f(&mut b);
        b.finish()
    }

    #[test]
    fn collapses_whitespace_and_maps_exactly() {
        let src = "  A  game\n changer ";
        let blocks = build(|b| b.text(src, 0));
        assert_eq!(blocks[0].text, "A game changer");
        let at = blocks[0].text.find("changer").unwrap();
        let r = blocks[0].source_range(at..at + 7);
        assert_eq!(&src[r], "changer");
    }

    #[test]
    fn folds_curly_quotes_to_the_whole_source_char() {
        let src = "it\u{2019}s a \u{201C}miracle\u{201D}";
        let blocks = build(|b| b.text(src, 10));
        assert_eq!(blocks[0].text, "it's a \"miracle\"");
        let r = blocks[0].source_range(0..4);
        assert_eq!(&src[r.start - 10..r.end - 10], "it\u{2019}s");
        let m = blocks[0].text.find("miracle").unwrap();
        let r = blocks[0].source_range(m - 1..m + 8);
        assert_eq!(&src[r.start - 10..r.end - 10], "\u{201C}miracle\u{201D}");
    }

    #[test]
    fn lower_is_aligned_with_text() {
        let blocks = build(|b| b.text("KÉTAMINE İs Ünique", 0));
        assert_eq!(blocks[0].lower.len(), blocks[0].text.len());
        assert!(blocks[0].lower.starts_with("kétamine"));
    }

    #[test]
    fn decoded_entity_maps_to_entity() {
        let src = "ground&shy;breaking &amp; new";
        let blocks = build(|b| {
            b.text("ground", 0);
            b.decoded("\u{00AD}", 6..11);
            b.text("breaking ", 11);
            b.decoded("&", 20..25);
            b.text(" new", 25);
        });
        assert_eq!(blocks[0].text, "groundbreaking & new");
        assert_eq!(&src[blocks[0].source_range(0..14)], "ground&shy;breaking");
        assert_eq!(&src[blocks[0].source_range(15..16)], "&amp;");
    }

    #[test]
    fn blocks_without_sentence_ends_stay_bounded() {
        // No sentence end: cut at a space once past FORCE_SPLIT_BYTES.
        let words = "calm words here ".repeat(FORCE_SPLIT_BYTES / 16 * 3);
        let blocks = build(|b| {
            for (at, piece) in crate::extract::in_pieces(&words) {
                b.text(piece, at);
            }
        });
        assert!(blocks.len() >= 3, "{} blocks", blocks.len());
        for b in &blocks {
            assert!(b.text.len() <= FORCE_SPLIT_BYTES + 16, "{}", b.text.len());
            // Cut between words, never inside one.
            assert!(
                ["calm", "words", "here"]
                    .iter()
                    .any(|w| b.text.ends_with(w))
                    && ["calm", "words", "here"]
                        .iter()
                        .any(|w| b.text.starts_with(w)),
                "{:?}",
                &b.text[b.text.len() - 10..]
            );
        }
        // One giant word: cut at MAX_BLOCK_BYTES whatever.
        let word = "a".repeat(MAX_BLOCK_BYTES * 2 + 10);
        let blocks = build(|b| b.text(&word, 0));
        let lens: Vec<usize> = blocks.iter().map(|b| b.text.len()).collect();
        assert_eq!(lens, vec![MAX_BLOCK_BYTES, MAX_BLOCK_BYTES, 10]);
        // Decoded text (entities) is bounded the same way, and maps to its source.
        let blocks = build(|b| {
            for i in 0..MAX_BLOCK_BYTES + 5 {
                b.decoded("&", i * 5..i * 5 + 5);
            }
        });
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text.len(), MAX_BLOCK_BYTES);
        assert_eq!(
            blocks[1].source_range(0..1),
            MAX_BLOCK_BYTES * 5..MAX_BLOCK_BYTES * 5 + 5
        );
    }

    #[test]
    fn look_alike_letters_and_marks_are_normalised_with_exact_positions() {
        let src = "A \u{ff2d}\u{ff49}ra\u{301}cle \u{fb01}ne.";
        let blocks = build(|b| b.text(src, 0));
        assert_eq!(blocks[0].text, "A Miracle fine.");
        assert_eq!(blocks[0].lower, "a miracle fine.");
        let at = blocks[0].text.find("Miracle").unwrap();
        let r = blocks[0].source_range(at..at + "Miracle".len());
        assert_eq!(&src[r], "\u{ff2d}\u{ff49}ra\u{301}cle");
        // A ligature maps as a whole: "fi" is the source's "ﬁ".
        let at = blocks[0].text.find("fine").unwrap();
        assert_eq!(&src[blocks[0].source_range(at..at + 2)], "\u{fb01}");
        // Punctuation keeps its own folding: an ellipsis is not turned into three stops.
        let blocks = build(|b| b.text("Wait\u{2026} now", 0));
        assert_eq!(blocks[0].text, "Wait\u{2026} now");
    }

    #[test]
    fn a_huge_paragraph_is_cut_after_sentence_ends() {
        let sentence = "Our clinic is open on weekdays. ";
        let src = sentence.repeat(SPLIT_BLOCK_BYTES / sentence.len() * 3);
        let blocks = build(|b| b.text(&src, 0));
        assert!(blocks.len() >= 3, "{} blocks", blocks.len());
        let mut expected_start = 0;
        for b in &blocks {
            assert!(
                b.text.ends_with("weekdays."),
                "{:?}",
                &b.text[b.text.len() - 20..]
            );
            assert!(b.text.len() <= SPLIT_BLOCK_BYTES + sentence.len());
            // Each piece maps back to its own stretch of the source, in order.
            let r = b.source_range(0..b.text.len());
            assert_eq!(&src[r.clone()], b.text);
            assert!(r.start >= expected_start);
            expected_start = r.end;
        }
        let total: usize = blocks.iter().map(|b| b.text.len() + 1).sum();
        assert_eq!(total, src.len());
    }

    /// Feeds `src` a word at a time, each piece ending after its whitespace: no run can then
    /// take in a space, as before runs crossed single spaces.
    fn build_by_word(src: &str, start: usize) -> Vec<Block> {
        build(|b| {
            let mut at = 0;
            for piece in src.split_inclusive(char::is_whitespace) {
                b.text(piece, start + at);
                at += piece.len();
            }
        })
    }

    #[test]
    fn runs_across_single_spaces_map_like_words_fed_one_by_one() {
        for src in [
            "A game changer.  Two\tspaces, a\nline, \u{201C}quoted\u{201D} it\u{2019}s caf\u{e9} ok ",
            " x y  z\u{AD}w  v\u{2003}u ",
        ] {
            let (whole, by_word) = (build(|b| b.text(src, 3)), build_by_word(src, 3));
            assert_eq!(whole.len(), by_word.len());
            for (w, c) in whole.iter().zip(&by_word) {
                assert_eq!(
                    (&w.text, &w.lower, &w.breaks),
                    (&c.text, &c.lower, &c.breaks)
                );
                for (i, _) in w.text.char_indices() {
                    for j in (i + 1..=w.text.len()).filter(|&j| w.text.is_char_boundary(j)) {
                        assert_eq!(w.source_range(i..j), c.source_range(i..j), "{i}..{j}");
                    }
                }
            }
        }
        // Around the length from which a block is cut, every space must still end a run, so
        // that the cut falls after the same sentence.
        let sentence = "Our clinic is open. On weekdays too. ";
        let long = sentence.repeat(SPLIT_BLOCK_BYTES / sentence.len() + 2);
        let lens = |bs: &[Block]| bs.iter().map(|b| b.text.len()).collect::<Vec<_>>();
        let whole = lens(&build(|b| b.text(&long, 0)));
        assert_eq!(whole, lens(&build_by_word(&long, 0)));
        assert_eq!(whole.len(), 2);
    }

    #[test]
    fn sentence_break_separates_words() {
        let blocks = build(|b| {
            b.text("Line one", 0);
            b.sentence_break();
            b.text("Line two", 9);
        });
        assert_eq!(blocks[0].text, "Line one Line two");
        assert_eq!(blocks[0].breaks, vec![8]);
    }
}
