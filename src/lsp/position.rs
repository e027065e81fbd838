//! Positions: the engine's byte offsets ↔ the protocol's (line, character) pairs.
//!
//! The protocol counts characters in UTF-16 code units unless client and server agree on another
//! encoding at `initialize` (`general.positionEncodings`, LSP 3.17). We take UTF-8 when the client
//! offers it — our spans are UTF-8 byte offsets, so nothing needs converting — then UTF-32, and
//! otherwise the mandatory UTF-16. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.
//! A position past the end of its line means the end of the line, and a line past the end of the
//! document means the end of the document (the protocol's rule for out-of-range positions), so a
//! client that is one edit ahead never makes the server panic.
//!
//! Hand-written rather than a crate: `lsp-types` has the types but no conversion, and the whole
//! job is a table of line starts and a walk along one line.

use lsp_types::{Position, PositionEncodingKind, Range};

/// The unit `Position::character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use given the client's offer (in its order of preference): UTF-8 if
    /// offered, then UTF-32, else UTF-16 (which every client must support).
    #[must_use]
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Self::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Self::Utf32
        } else {
            Self::Utf16
        }
    }

    #[must_use]
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf8 => PositionEncodingKind::UTF8,
            Self::Utf16 => PositionEncodingKind::UTF16,
            Self::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Self::Utf8 => c.len_utf8(),
            Self::Utf16 => c.len_utf16(),
            Self::Utf32 => 1,
        }
    }
}

/// The line starts of one text, for converting in both directions.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    #[must_use]
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self {
            text,
            starts,
            encoding,
        }
    }

    /// The byte range of line `line`'s content, without its line break.
    fn content(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.text.len(), |&next| {
            let t = &self.text[start..next];
            next - if t.ends_with("\r\n") { 2 } else { 1 }
        });
        start..end
    }

    /// The position of byte `offset` (clamped to the text and moved back to a character boundary).
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match self.encoding {
            Encoding::Utf8 => offset - start,
            enc => self.text[start..offset].chars().map(|c| enc.width(c)).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos`; out-of-range lines and characters clamp to the end of the
    /// document or the line, and a position inside a character's code units rounds down to it.
    #[must_use]
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let content = self.content(line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in self.text[content.clone()].char_indices() {
            let w = self.encoding.width(c);
            if units + w > want {
                return content.start + i;
            }
            units += w;
        }
        content.end
    }

    /// The protocol range of a byte range.
    #[must_use]
    pub fn range(&self, r: std::ops::Range<usize>) -> Range {
        Range::new(self.position(r.start), self.position(r.end))
    }

    /// The byte range of a protocol range (start and end ordered).
    #[must_use]
    pub fn byte_range(&self, r: Range) -> std::ops::Range<usize> {
        let a = self.offset(r.start);
        let b = self.offset(r.end);
        a.min(b)..a.max(b)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_surrogate_pairs_and_accents() {
        // "é" is 2 bytes and 1 UTF-16 unit; "🙂" is 4 bytes and 2 units.
        let text = "café 🙂 miracle\nnext";
        let l = Lines::new(text, Encoding::Utf16);
        let m = text.find("miracle").unwrap();
        assert_eq!(l.position(m), Position::new(0, 8));
        assert_eq!(l.offset(Position::new(0, 8)), m);
        let l8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(l8.position(m), Position::new(0, 11));
        let l32 = Lines::new(text, Encoding::Utf32);
        assert_eq!(l32.position(m), Position::new(0, 7));
        // Inside the surrogate pair: rounds down to the emoji.
        assert_eq!(l.offset(Position::new(0, 6)), text.find('🙂').unwrap());
    }

    #[test]
    fn line_breaks_and_clamping() {
        let text = "a\r\nb\rc\nd";
        let l = Lines::new(text, Encoding::Utf16);
        assert_eq!(l.position(3), Position::new(1, 0));
        assert_eq!(l.position(5), Position::new(2, 0));
        assert_eq!(l.position(7), Position::new(3, 0));
        // Past the end of a line: the end of its content, before the CR LF.
        assert_eq!(l.offset(Position::new(0, 40)), 1);
        assert_eq!(l.offset(Position::new(9, 0)), text.len());
        assert_eq!(l.position(text.len() + 5), Position::new(3, 1));
    }

    #[test]
    fn negotiation_prefers_utf8() {
        let offer = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offer)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offer = [PositionEncodingKind::UTF16];
        assert_eq!(Encoding::negotiate(Some(&offer)), Encoding::Utf16);
    }
}
