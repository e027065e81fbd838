//! Plain text → prose blocks.
//!
//! Blank lines end paragraphs. A list item (`- `, `* `, `• `, `1. `, `a) `) is a block of its own,
//! and its indented continuation lines join it. Inside a paragraph, a short line with no closing
//! punctuation followed by a capitalised line reads as a heading or label and ends a sentence;
//! otherwise line breaks are soft (line-wrapped prose).

use super::{Comment, Context, Extracted, in_pieces};
use crate::document::{Block, BlockKind, ProseBuilder};

/// Longest capitalised line, in words, read as an item of an unmarked list.
const LIST_ITEM_MAX_WORDS: usize = 6;

/// Longest line, in words, still read as a heading when it has no closing punctuation.
const HEADING_MAX_WORDS: usize = 10;

/// A line starting with this is a suppression directive, not prose.
const DIRECTIVE_PREFIX: &str = "claimlint-";

#[must_use]
pub fn extract(src: &str) -> Extracted {
    super::extract(super::Format::Text, src)
}

/// Extracts the prose of `src`, handing each block to `sink` as soon as it ends.
pub(crate) fn extract_to(src: &str, cx: &Context<'_>, sink: &mut dyn FnMut(Block)) -> Vec<Comment> {
    let mut b = cx.builder();
    let mut comments = Vec::new();
    let mut kind: Option<BlockKind> = None;
    let mut prev_line: Option<&str> = None;
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        for block in b.finished().drain(..) {
            sink(block);
        }
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(k) = kind.take() {
                b.end_block(k);
            }
            prev_line = None;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if trimmed.starts_with(DIRECTIVE_PREFIX) {
            comments.push(Comment {
                text: trimmed.to_string(),
                src: start + indent..start + indent + trimmed.len(),
            });
            continue;
        }
        if list_marker(trimmed).is_none() && is_heading_line(trimmed) {
            // A heading is a block of its own, so that the section under it can read with it
            // ("Side Effects" over a list of risks).
            if let Some(k) = kind.take() {
                b.end_block(k);
            }
            b.text(trimmed, start + indent);
            b.end_block(BlockKind::Heading);
            prev_line = None;
            continue;
        }
        if let Some(marker) = list_marker(trimmed) {
            if let Some(k) = kind.take() {
                b.end_block(k);
            }
            b.text(&trimmed[marker..], start + indent + marker);
            kind = Some(BlockKind::ListItem);
        } else {
            match kind {
                Some(BlockKind::ListItem) if indent == 0 => {
                    b.end_block(BlockKind::ListItem);
                    kind = Some(BlockKind::Paragraph);
                }
                Some(_) => {
                    if prev_line.is_some_and(|p| ends_sentence(p, trimmed)) {
                        b.sentence_break();
                    } else {
                        b.space(start);
                    }
                }
                None => kind = Some(BlockKind::Paragraph),
            }
            text_streamed(&mut b, trimmed, start + indent, sink);
        }
        prev_line = Some(trimmed);
    }
    if let Some(k) = kind {
        b.end_block(k);
    }
    for block in b.finish() {
        sink(block);
    }
    comments
}

/// Appends a line's text in pieces, handing on the blocks a very long line is cut into as they
/// are finished, so that a file on one line is never held as prose all at once.
fn text_streamed(b: &mut ProseBuilder, text: &str, start: usize, sink: &mut dyn FnMut(Block)) {
    for (at, piece) in in_pieces(text) {
        b.text(piece, start + at);
        for block in b.finished().drain(..) {
            sink(block);
        }
    }
}

/// Byte length of a list marker and the space after it, if the line starts with one.
fn list_marker(line: &str) -> Option<usize> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    if matches!(
        first,
        '-' | '*' | '+' | '•' | '·' | '◦' | '▪' | '–' | '—' | '✓' | '✔'
    ) {
        let rest = &line[first.len_utf8()..];
        return rest
            .starts_with(' ')
            .then(|| first.len_utf8() + 1 + (rest.len() - rest[1..].trim_start().len() - 1));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let alpha = usize::from(digits == 0 && line.as_bytes()[0].is_ascii_lowercase());
    let n = digits.max(alpha);
    if (1..=3).contains(&n)
        && matches!(line.as_bytes().get(n), Some(b'.' | b')'))
        && line.as_bytes().get(n + 1) == Some(&b' ')
    {
        let rest = &line[n + 2..];
        return Some(n + 2 + (rest.len() - rest.trim_start().len()));
    }
    None
}

/// Capitalised words that start sentences but are almost never proper nouns. Pages copied from
/// the web often lose a full stop at a line end ("…its anesthetic properties\nBeyond its use…"); a
/// capitalised line start from this list then still ends the sentence, while "…offered\nKetamine
/// infusions…" in wrapped prose does not.
const SENTENCE_STARTERS: &[&str] = &[
    "a",
    "after",
    "all",
    "also",
    "although",
    "an",
    "and",
    "another",
    "as",
    "at",
    "because",
    "before",
    "beyond",
    "both",
    "but",
    "by",
    "call",
    "contact",
    "despite",
    "during",
    "each",
    "even",
    "every",
    "finally",
    "for",
    "from",
    "further",
    "furthermore",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "instead",
    "it",
    "its",
    "learn",
    "many",
    "meanwhile",
    "moreover",
    "most",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "once",
    "one",
    "only",
    "or",
    "our",
    "over",
    "patients",
    "people",
    "please",
    "research",
    "she",
    "since",
    "so",
    "some",
    "studies",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "to",
    "today",
    "unlike",
    "until",
    "we",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "with",
    "within",
    "without",
    "yet",
    "you",
    "your",
];

/// A line on its own reads as a heading: short, mostly capitalised words, and no full stop or
/// comma at the end (a question or a colon is fine: "Is Ketamine Safe?", "Side Effects:").
fn is_heading_line(line: &str) -> bool {
    if line.ends_with(['.', ',', ';', '-', '(', '"', '\'']) {
        return false;
    }
    // One word past the limit is enough to know; a page on one line has millions.
    let words: Vec<&str> = line
        .split_whitespace()
        .take(HEADING_MAX_WORDS + 1)
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    words.len() <= HEADING_MAX_WORDS && capitalised * 2 > words.len()
}

/// Whether a line break between `prev` and `next` ends a sentence although `prev` has no full
/// stop: `prev` reads as a heading or label (short, mostly capitalised, or ending in a colon), or
/// `next` starts with a capitalised common sentence opener.
fn ends_sentence(prev: &str, next: &str) -> bool {
    if prev.ends_with(['.', '!', '?', ',', ';', '-', '(', '"', '\'']) {
        return false;
    }
    if !next.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    // Only short lines matter below: one word past the longer limit is enough to know.
    let words: Vec<&str> = prev
        .split_whitespace()
        .take(HEADING_MAX_WORDS.max(LIST_ITEM_MAX_WORDS) + 1)
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
        .count();
    let heading =
        prev.ends_with(':') || (words.len() <= HEADING_MAX_WORDS && capitalised * 2 > words.len());
    // A short capitalised line with no stop is an item of an unmarked list, as pages copied from
    // the web often have ("Treatment-resistant depression\nPostpartum depression").
    let list_item =
        words.len() <= LIST_ITEM_MAX_WORDS && prev.chars().next().is_some_and(char::is_uppercase);
    let first = next
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    heading || list_item || SENTENCE_STARTERS.binary_search(&first.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(src: &str) -> Vec<(BlockKind, String, Vec<usize>)> {
        extract(src)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text, b.breaks))
            .collect()
    }

    #[test]
    fn paragraphs_lists_and_headings() {
        let src = "Our Approach\nKetamine may help.\n\nWe offer:\n- infusions\n  twice weekly\n* KAP\n\nEnd.";
        let got = blocks(src);
        assert_eq!(
            (got[0].0, got[0].1.as_str()),
            (BlockKind::Heading, "Our Approach")
        );
        assert_eq!(got[1].1, "Ketamine may help.");
        assert_eq!(got[2].1, "We offer:");
        assert_eq!(
            (got[3].0, got[3].1.as_str()),
            (BlockKind::ListItem, "infusions twice weekly")
        );
        assert_eq!(got[4].1, "KAP");
        assert_eq!(got[5].1, "End.");
        let faq = blocks("Is Ketamine Safe?\nIt can cause nausea.\nWhat Are the Side Effects?\n");
        let kinds: Vec<BlockKind> = faq.iter().map(|b| b.0).collect();
        assert_eq!(
            kinds,
            [BlockKind::Heading, BlockKind::Paragraph, BlockKind::Heading]
        );
    }

    #[test]
    fn list_item_offsets_point_past_the_marker() {
        let src = "x\n\n  1. Miracle cure\r\n";
        let b = &extract(src).blocks[1];
        assert_eq!(&src[b.source_range(0..7)], "Miracle");
    }

    #[test]
    fn starters_are_sorted() {
        assert!(SENTENCE_STARTERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn lost_full_stop_before_a_common_opener_ends_the_sentence() {
        let src = "known for its anesthetic properties\nBeyond surgery, it is used widely.";
        assert_eq!(blocks(src)[0].2, vec![35]);
        let src = "clinics now offer\nKetamine infusions for adults.";
        assert!(blocks(src)[0].2.is_empty());
    }

    #[test]
    fn unmarked_list_lines_are_sentences() {
        let got = blocks(
            "Conditions\n\nTreatment-resistant depression\nPostpartum depression\nChronic pain\n",
        );
        assert_eq!(
            got[1].1,
            "Treatment-resistant depression Postpartum depression Chronic pain"
        );
        assert_eq!(got[1].2, vec![30, 52]);
    }

    #[test]
    fn wrapped_prose_has_no_breaks() {
        let src = "Ketamine is an anesthetic that some clinics now offer for\nDepression under supervision.";
        assert!(blocks(src)[0].2.is_empty());
    }
}
