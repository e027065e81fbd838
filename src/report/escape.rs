//! Control characters from checked text, made visible before they reach a terminal (issue 21).
//!
//! `human` and `concise` output print source lines, paths and words taken from the page. A page
//! holding `ESC [ 2 K` or a bare carriage return could clear a line of a CI log and print its own
//! (a fake `error:` or a fake clean summary); bidirectional overrides can make a line read in a
//! different order than it is. Each such character is written as Rust writes it in a string,
//! `\u{1b}`, so the output shows exactly what the file holds and nothing can act on the terminal.
//! Hand-written rather than a crate: the set is a few ranges, and the human renderer needs the
//! offset correspondence ([`Escaped::map`]) to keep labels and columns exact.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as itself: C0 controls but tab and newline, DEL, C1
/// controls, and the bidirectional embeddings, overrides and isolates.
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `s` with every unsafe character written as `\u{…}`; borrowed when there is none (the usual
/// case).
#[must_use]
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(Escaped::new(s).text)
}

/// An escaped copy of a text and the correspondence of its offsets with the original's.
#[derive(Debug)]
pub struct Escaped {
    pub text: String,
    /// `(original byte, escaped byte, characters of the original before it)` at the start and
    /// at each escaped character and after it; between two entries the texts agree byte for
    /// byte.
    pub map: Vec<(usize, usize, usize)>,
}

impl Escaped {
    #[must_use]
    pub fn new(s: &str) -> Self {
        let mut text = String::with_capacity(s.len());
        let mut map = vec![(0, 0, 0)];
        for (chars, (i, c)) in s.char_indices().enumerate() {
            if is_unsafe(c) {
                map.push((i, text.len(), chars));
                let _ = write!(text, "\\u{{{:x}}}", u32::from(c));
                map.push((i + c.len_utf8(), text.len(), chars + 1));
            } else {
                text.push(c);
            }
        }
        Self { text, map }
    }

    fn entry_by_original(&self, orig: usize) -> (usize, usize, usize) {
        let k = self.map.partition_point(|e| e.0 <= orig);
        self.map[k.saturating_sub(1)]
    }

    /// The escaped offset of an original offset (on a character boundary).
    #[must_use]
    pub fn to_escaped(&self, orig: usize) -> usize {
        let (o, e, _) = self.entry_by_original(orig);
        e + (orig - o)
    }

    /// Characters of the original before the original offset that escaped offset `esc` stands
    /// for; inside an escape sequence, the escaped character's own position.
    #[must_use]
    pub fn chars_before(&self, esc: usize) -> usize {
        let j = self.map.partition_point(|e| e.1 <= esc).saturating_sub(1);
        let (_, e, chars) = self.map[j];
        // Entries come in pairs after the first: an odd one starts an escape sequence.
        if j % 2 == 1 {
            return chars;
        }
        chars + self.text.get(e..esc).map_or(0, |t| t.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_but_not_tab_or_newline() {
        assert_eq!(escape("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(escape("x\ry"), "x\\u{d}y");
        assert_eq!(escape("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(escape("tab\there\n"), "tab\there\n");
        assert!(matches!(escape("plain café"), Cow::Borrowed(_)));
    }

    #[test]
    fn offsets_and_columns_map_across_escapes() {
        let e = Escaped::new("é\u{1b}miracle");
        assert_eq!(e.text, "é\\u{1b}miracle");
        // "miracle" starts at original byte 3 (é is 2 bytes, ESC 1).
        let at = e.to_escaped(3);
        assert_eq!(&e.text[at..], "miracle");
        // Two characters come before it in the original.
        assert_eq!(e.chars_before(at), 2);
        assert_eq!(e.chars_before(e.to_escaped(2)), 1);
        assert_eq!(e.chars_before(e.text.len()), 9);
    }
}
