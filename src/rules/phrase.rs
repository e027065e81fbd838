//! Phrase normalisation and spelling variants.
//!
//! A phrase is written once in a ruleset and matched in every spelling a writer might use: case,
//! curly or straight quotes, runs of whitespace, and — because compounds are spelt three ways —
//! space/hyphen variants of every separator, plus the closed form ("gamechanger") wherever the
//! author wrote a hyphen. A trailing `*` makes the phrase a word prefix: `revolution*` matches
//! "revolutionary", "revolutionise" and "revolutionize".

use crate::document::{BlockKind, ProseBuilder};

/// A phrase ready for the automaton: its normalised spelling variants and whether it is a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseSpec {
    pub variants: Vec<String>,
    pub prefix: bool,
}

/// Separators beyond this many get only the all-space and all-hyphen variants, to keep the number
/// of variants small for long phrases.
const MAX_COMBINED_SEPARATORS: usize = 3;

/// Normalises text exactly as documents are normalised (so a phrase and the prose it must match
/// agree), returning the lower-cased form.
#[must_use]
pub fn normalise(text: &str) -> String {
    // Most phrases are plain lower-case ASCII words with single spaces, which normalise to
    // themselves lower-cased; the builder is for the rest (quotes, dashes, odd spacing).
    let plain = text
        .bytes()
        .all(|b| (b.is_ascii_graphic() && b != b'`') || b == b' ')
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ");
    if plain {
        return text.to_ascii_lowercase();
    }
    let mut b = ProseBuilder::new();
    b.text(text, 0);
    b.end_block(BlockKind::Paragraph);
    b.finish().pop().map(|blk| blk.lower).unwrap_or_default()
}

/// Parses a phrase as written in a ruleset. `None` when nothing is left after normalisation.
#[must_use]
pub fn spec(raw: &str) -> Option<PhraseSpec> {
    let (body, prefix) = match raw.trim_end().strip_suffix('*') {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let norm = normalise(body);
    if !norm.chars().any(char::is_alphanumeric) {
        return None;
    }
    // Split into words and the separators between them (' ' or '-').
    let mut words: Vec<&str> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut start = 0;
    for (i, c) in norm.char_indices() {
        if c == ' ' || (c == '-' && i > 0 && i + 1 < norm.len()) {
            words.push(&norm[start..i]);
            seps.push(c);
            start = i + 1;
        }
    }
    words.push(&norm[start..]);
    if words.iter().any(|w| w.is_empty()) {
        return Some(PhraseSpec {
            variants: vec![norm],
            prefix,
        });
    }
    let options: Vec<Vec<&str>> = seps
        .iter()
        .map(|&s| {
            if s == '-' {
                vec![" ", "-", ""]
            } else {
                vec![" ", "-"]
            }
        })
        .collect();
    let mut variants = Vec::new();
    if seps.len() <= MAX_COMBINED_SEPARATORS {
        let mut idx = vec![0usize; seps.len()];
        loop {
            let mut v = String::from(words[0]);
            for (k, w) in words[1..].iter().enumerate() {
                v.push_str(options[k][idx[k]]);
                v.push_str(w);
            }
            variants.push(v);
            // Odometer over the separator choices.
            let mut k = 0;
            loop {
                if k == idx.len() {
                    variants.sort();
                    variants.dedup();
                    return Some(PhraseSpec { variants, prefix });
                }
                idx[k] += 1;
                if idx[k] < options[k].len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
        }
    }
    for sep in [" ", "-"] {
        variants.push(words.join(sep));
    }
    variants.sort();
    variants.dedup();
    Some(PhraseSpec { variants, prefix })
}

/// A regex alternative for a phrase, used when a lexicon is interpolated into a pattern.
#[must_use]
pub fn to_regex(spec: &PhraseSpec) -> String {
    let alts: Vec<String> = spec
        .variants
        .iter()
        .map(|v| {
            let mut s = String::new();
            if v.starts_with(|c: char| c.is_alphanumeric()) {
                s.push_str(r"\b");
            }
            s.push_str(&regex_syntax::escape(v));
            if spec.prefix {
                s.push_str(r"\w*");
            } else if v.ends_with(|c: char| c.is_alphanumeric()) {
                s.push_str(r"\b");
            }
            s
        })
        .collect();
    alts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_phrases_normalise_as_prose_does() {
        for text in [
            "Game-Changer",
            "fda approved",
            "it's",
            "a  b",
            " x",
            "`q`",
            "100%",
        ] {
            let mut b = ProseBuilder::new();
            b.text(text, 0);
            b.end_block(BlockKind::Paragraph);
            let prose = b.finish().pop().map(|blk| blk.lower).unwrap_or_default();
            assert_eq!(normalise(text), prose, "{text:?}");
        }
    }

    #[test]
    fn hyphenated_phrase_has_three_spellings() {
        let s = spec("Game-Changer").unwrap();
        assert_eq!(s.variants, ["game changer", "game-changer", "gamechanger"]);
        assert!(!s.prefix);
    }

    #[test]
    fn spaced_phrase_has_space_and_hyphen_spellings() {
        let s = spec("cutting  edge").unwrap();
        assert_eq!(s.variants, ["cutting edge", "cutting-edge"]);
    }

    #[test]
    fn prefix_and_quotes() {
        let s = spec("doesn\u{2019}t hurt*").unwrap();
        assert!(s.prefix);
        assert!(s.variants.contains(&"doesn't hurt".to_string()));
    }

    #[test]
    fn punctuation_only_phrase_is_rejected() {
        assert_eq!(spec(" -- "), None);
        assert_eq!(spec("\u{200B}"), None);
    }
}
