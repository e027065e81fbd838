//! Sentence segmentation inside a block.
//!
//! Works on the normalised block text. A sentence ends at a forced break recorded by the extractor
//! (a `<br>`, a heading-like line) or after `.`, `!` or `?` (and any closing quotes or brackets)
//! followed by a space and a capital, digit, quote or bracket — unless the word before the stop is
//! a known abbreviation ("Dr.", "e.g.", "U.S.") or a single initial. Lower-case after a stop does
//! not end a sentence, which keeps "approx. two hours" and "vs. placebo" whole.

use crate::document::Block;
use std::ops::Range;

/// Abbreviations (lower-case, without the final stop) after which a full stop does not end a
/// sentence. Data rather than logic so that new ones are one line.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.s.a", "no",
    "approx", "inc", "ltd", "co", "jr", "sr", "fig", "al", "cf", "ph.d", "m.d", "d.o", "n.p",
    "a.p.r.n", "r.n", "mt", "ave", "dept", "est", "min", "hr", "hrs", "mg", "ml", "viz",
];

/// A sentence: a range of the block's normalised text, trimmed of surrounding spaces.
pub type Sentence = Range<usize>;

/// Splits a block into sentences, in order, covering every non-space character exactly once.
#[must_use]
pub fn sentences(block: &Block) -> Vec<Sentence> {
    let text = block.text.as_str();
    let bytes = text.as_bytes();
    let mut cuts: Vec<usize> = block.breaks.clone();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len()
                && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
            {
                j += 1;
            }
            // A footnote marker after the full stop ("… depression (TRD).1 People …").
            let mut k = j;
            while k < bytes.len() && k - j < 3 && bytes[k].is_ascii_digit() {
                k += 1;
            }
            if k > j
                && i > 0
                && !bytes[i - 1].is_ascii_digit()
                && k < bytes.len()
                && bytes[k] == b' '
                && starts_sentence(&text[k + 1..])
            {
                j = k;
            }
            if j < bytes.len()
                && bytes[j] == b' '
                && starts_sentence(&text[j + 1..])
                && (c != b'.' || !is_abbreviation(&block.lower[..i]))
            {
                cuts.push(j);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(text.len())) {
        if let Some(r) = trim(text, start..cut) {
            out.push(r);
        }
        start = cut;
    }
    out
}

fn starts_sentence(rest: &str) -> bool {
    rest.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '(' | '[' | '-' | '*')
    })
}

/// Whether the word that ends `before` (the text up to a full stop) is an abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true; // an initial: "J. Smith"
    }
    ABBREVIATIONS.contains(&word)
}

fn trim(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (lead + trail < s.len()).then(|| r.start + lead..r.end - trail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BlockKind, ProseBuilder};

    fn split(s: &str) -> Vec<String> {
        let mut b = ProseBuilder::new();
        b.text(s, 0);
        b.end_block(BlockKind::Paragraph);
        let block = &b.finish()[0];
        sentences(block)
            .into_iter()
            .map(|r| block.text[r].to_string())
            .collect()
    }

    #[test]
    fn splits_on_stops_before_capitals() {
        assert_eq!(
            split("It helps. It may not! Why? Ask."),
            ["It helps.", "It may not!", "Why?", "Ask."]
        );
    }

    #[test]
    fn keeps_abbreviations_whole() {
        assert_eq!(
            split(
                "Dr. Lee treats adults in the U.S. Each visit, e.g. the first, lasts approx. two hours."
            ),
            [
                "Dr. Lee treats adults in the U.S. Each visit, e.g. the first, lasts approx. two hours."
            ]
        );
        assert_eq!(
            split("Ask J. Smith. Then rest."),
            ["Ask J. Smith.", "Then rest."]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            split("She said \"it works.\" Then left."),
            ["She said \"it works.\"", "Then left."]
        );
    }

    #[test]
    fn wrapped_lines_are_one_sentence() {
        assert_eq!(
            split("Ketamine may\nhelp some\nadults."),
            ["Ketamine may help some adults."]
        );
    }
}
