//! Reading input files: bytes → checked UTF-8 text, and byte offsets → line and column.
//!
//! Everything that can go wrong with one file becomes a [`SourceError`] whose `Display` is one
//! line naming the file, so the CLI can print it, skip the file and go on (ripgrep's habit: a
//! per-file error does not stop the run, the exit code becomes 2 at the end).
//!
//! Every input is read as a stream with a size bound (issue 21): [`read_bounded`] looks at the
//! first 8 KiB for a NUL byte or a UTF-16 mark before reading on, and stops one byte past the
//! limit, so `/dev/zero` on standard input or a runaway generated file costs 8 KiB or the limit,
//! never all the memory there is. [`open_regular`] refuses devices, FIFOs and sockets named as
//! files (a path to `/dev/zero` would otherwise be endless); standard input is read with `-`.
//! Rulesets, config and baseline files go through [`read_text`] with their own bounds.
//!
//! A UTF-8 byte-order mark is skipped: [`SourceFile::text`] starts after it and
//! [`SourceFile::bom`] says how many bytes were dropped, so offsets reported to the user (which
//! count bytes of the file as read) add it back.

use crate::extract::Format;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The display name of standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// How far into a file a NUL byte marks it as binary (the same window as git and ripgrep).
const BINARY_SNIFF_LEN: usize = 8 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Default of `--max-filesize`: larger than any real page (64 MiB), small enough that a few
/// files at once fit the memory budget.
pub const DEFAULT_MAX_FILESIZE: u64 = 64 << 20;

/// Largest `claimlint.toml` read (1 MiB): a config is a few hundred bytes.
pub const CONFIG_LIMIT: u64 = 1 << 20;

/// Largest ruleset file read (16 MiB): the built-in ones are about 100 KB; a generated
/// 10,000-phrase ruleset is under 1 MB.
pub const RULESET_LIMIT: u64 = 16 << 20;

/// Largest baseline file read (64 MiB): about 300,000 entries.
pub const BASELINE_LIMIT: u64 = 64 << 20;

/// A byte count for people: `64 MiB`, `512 KiB`, `100 bytes`.
#[must_use]
pub fn human_size(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Parses a size as ripgrep's `--max-filesize` does: a number with an optional `K`, `M` or `G`
/// suffix (powers of 1024).
///
/// # Errors
/// Not a number with one of those suffixes, or too large.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "invalid size `{s}`: expected a number with an optional K, M or G suffix"
        ));
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("size `{s}` is too large"))
}

/// The error for input over `limit` bytes; `what` names the bound (`--max-filesize`).
fn too_large(limit: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than {} ({what}), skipped", human_size(limit)),
    )
}

/// Opens `path` for reading if it is a regular file (after following links), refusing
/// directories, devices, FIFOs and sockets, which could block or never end. Returns the file and
/// its length as the metadata says.
///
/// # Errors
/// The file cannot be opened, or is not a regular file.
pub fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a device, FIFO or socket); use `-` to read standard input",
        ));
    }
    let file = File::open(path)?;
    Ok((file, meta.len()))
}

/// Reads at most `limit` bytes from `r`, in a stream. With `sniff`, the first 8 KiB are read
/// first and refused at once if they hold a NUL byte or start with a UTF-16 mark, so an endless
/// binary stream costs 8 KiB. `what` names the bound in the error (`--max-filesize`).
///
/// # Errors
/// Reading failed, the input is longer than `limit` (`FileTooLarge`), or with `sniff` it is
/// binary or UTF-16 (`InvalidData`, with the message [`SourceErrorKind`] would print).
pub fn read_bounded(r: &mut dyn Read, limit: u64, sniff: bool, what: &str) -> io::Result<Vec<u8>> {
    read_bounded_hint(r, limit, sniff, what, 0)
}

/// [`read_bounded`] into a buffer of `hint` bytes to start with (a file's length), so that a
/// file is read into one allocation of its size rather than a doubling one.
fn read_bounded_hint(
    r: &mut dyn Read,
    limit: u64,
    sniff: bool,
    what: &str,
    hint: u64,
) -> io::Result<Vec<u8>> {
    let cap = usize::try_from(hint.min(limit).saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(cap);
    let head = (BINARY_SNIFF_LEN as u64).min(limit.saturating_add(1));
    r.take(head).read_to_end(&mut bytes)?;
    if sniff && let Some(kind) = sniff_head(&bytes) {
        let msg = SourceError::new(String::new(), kind).to_string();
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            msg.trim_start_matches(": ").to_string(),
        ));
    }
    let rest = limit.saturating_add(1).saturating_sub(bytes.len() as u64);
    r.take(rest).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit, what));
    }
    Ok(bytes)
}

/// Reads a whole text file (a ruleset, config or baseline) of at most `limit` bytes; `what`
/// names the bound in the error.
///
/// # Errors
/// As [`open_regular`] and [`read_bounded`], or the text is not UTF-8 (`InvalidData`).
pub fn read_text(path: &Path, limit: u64, what: &str) -> io::Result<String> {
    let (mut file, len) = open_regular(path)?;
    if len > limit {
        return Err(too_large(limit, what));
    }
    let bytes = read_bounded(&mut file, limit, true, what)?;
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        )
    })
}

/// The [`SourceError`] for an error of [`read_bounded`]: the sniff's verdicts keep their kind.
fn sniffed(name: &str, e: &io::Error) -> SourceError {
    if e.kind() == io::ErrorKind::InvalidData {
        let msg = e.to_string();
        for kind in [SourceErrorKind::Binary, SourceErrorKind::Utf16] {
            if SourceError::new(String::new(), kind.clone()).to_string() == format!(": {msg}") {
                return SourceError::new(name, kind);
            }
        }
    }
    SourceError::io(name, e)
}

/// What the first bytes of a file say is wrong with it, if anything: UTF-16 or binary.
fn sniff_head(bytes: &[u8]) -> Option<SourceErrorKind> {
    // UTF-16 is full of NUL bytes: name the real problem before the binary sniff does.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(SourceErrorKind::Utf16);
    }
    if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
        return Some(SourceErrorKind::Binary);
    }
    None
}

/// One input file, read and decoded.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or as the walker found it); `<stdin>` for `-`.
    pub name: String,
    /// The text after any byte-order mark.
    pub text: String,
    /// Bytes skipped at the start of the file: 3 for a UTF-8 BOM, else 0.
    pub bom: usize,
    pub format: Format,
}

/// Why a file could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub path: String,
    pub kind: SourceErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceErrorKind {
    NotFound,
    PermissionDenied,
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// A UTF-16 byte-order mark.
    Utf16,
    /// Not UTF-8; the byte offset (in the file as read) of the first bad byte.
    InvalidUtf8(usize),
    /// Anything else the operating system or the directory walker reported.
    Other(String),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", crate::report::escape::escape(&self.path))?;
        match &self.kind {
            SourceErrorKind::NotFound => f.write_str("no such file or directory"),
            SourceErrorKind::PermissionDenied => f.write_str("permission denied"),
            SourceErrorKind::Binary => f.write_str("binary file, skipped"),
            SourceErrorKind::Utf16 => {
                f.write_str("UTF-16 is not supported; save the file as UTF-8")
            }
            SourceErrorKind::InvalidUtf8(at) => write!(f, "invalid UTF-8 at byte {at}"),
            // Keep it on one line whatever the OS said.
            SourceErrorKind::Other(msg) => f.write_str(&msg.replace(['\n', '\r'], " ")),
        }
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    #[must_use]
    pub fn new(path: impl Into<String>, kind: SourceErrorKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }

    /// Classifies an I/O error for `path`.
    #[must_use]
    pub fn io(path: impl Into<String>, err: &io::Error) -> Self {
        let kind = match err.kind() {
            io::ErrorKind::NotFound => SourceErrorKind::NotFound,
            io::ErrorKind::PermissionDenied => SourceErrorKind::PermissionDenied,
            io::ErrorKind::IsADirectory => SourceErrorKind::Other("is a directory".into()),
            _ => SourceErrorKind::Other(lower_first(&err.to_string())),
        };
        Self::new(path, kind)
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() && !chars.clone().next().is_some_and(char::is_uppercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

impl SourceFile {
    /// Reads a file from disk. `format` is the format to read it as; callers choose it from the
    /// extension, falling back to plain text for a file the user named explicitly.
    ///
    /// # Errors
    /// The file cannot be read, is binary or UTF-16, or is not valid UTF-8.
    pub fn read(path: &Path, format: Format) -> Result<Self, SourceError> {
        Self::read_limited(path, format, DEFAULT_MAX_FILESIZE)
    }

    /// [`SourceFile::read`] with a size bound (`--max-filesize`): a larger file is refused from
    /// its metadata without reading it, and a file that grows while read stops one byte past the
    /// bound.
    ///
    /// # Errors
    /// As [`SourceFile::read`], or the file is larger than `limit`, or not a regular file.
    pub fn read_limited(path: &Path, format: Format, limit: u64) -> Result<Self, SourceError> {
        let name = path.display().to_string();
        let err = |e: &io::Error| SourceError::io(name.clone(), e);
        let (mut file, len) = open_regular(path).map_err(|e| err(&e))?;
        if len > limit {
            return Err(err(&too_large(limit, "--max-filesize")));
        }
        // A Word or OpenDocument package is a zip archive, full of NUL bytes: not sniffed.
        let sniff = !format.is_document();
        let bytes = read_bounded_hint(&mut file, limit, sniff, "--max-filesize", len)
            .map_err(|e| sniffed(&name, &e))?;
        Self::from_bytes(name, bytes, format)
    }

    /// Reads a stream (standard input) of at most `limit` bytes for a file named `name` to be read
    /// as `format`, refusing binary content from its first 8 KiB unless `format` is a (zipped)
    /// document.
    ///
    /// # Errors
    /// Reading failed, or the stream is binary, UTF-16 or longer than `limit`.
    pub fn read_stream(
        name: &str,
        r: &mut dyn Read,
        limit: u64,
        format: Format,
    ) -> Result<Vec<u8>, SourceError> {
        read_bounded(r, limit, !format.is_document(), "--max-filesize")
            .map_err(|e| sniffed(name, &e))
    }

    /// Decodes bytes already read (stdin, a test) as a file named `name`.
    ///
    /// # Errors
    /// The bytes are binary or UTF-16, or not valid UTF-8.
    pub fn from_bytes(
        name: impl Into<String>,
        mut bytes: Vec<u8>,
        format: Format,
    ) -> Result<Self, SourceError> {
        let name = name.into();
        if format.is_document() {
            // A package, not text: its paragraphs become the text that is checked.
            let text = if format == Format::Odt {
                crate::extract::odt::read(&bytes)
            } else {
                crate::extract::docx::read(&bytes).map(|d| d.text)
            }
            .map_err(|e| SourceError::new(name.clone(), SourceErrorKind::Other(e.0)))?;
            return Ok(Self {
                name,
                text,
                bom: 0,
                format,
            });
        }
        if let Some(kind) = sniff_head(&bytes) {
            return Err(SourceError::new(name, kind));
        }
        let bom = if bytes.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            0
        };
        bytes.drain(..bom);
        let text = String::from_utf8(bytes).map_err(|e| {
            SourceError::new(
                name.clone(),
                SourceErrorKind::InvalidUtf8(bom + e.utf8_error().valid_up_to()),
            )
        })?;
        Ok(Self {
            name,
            text,
            bom,
            format,
        })
    }
}

/// A 1-based line and column; the column counts characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offset → line and column, for one text.
///
/// Lines end at `\n`; in a CRLF file the `\r` belongs to the line it ends, so it never counts
/// towards a column of the next line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
    /// Characters before byte `k * CHAR_CHECKPOINT`, for each `k`: columns on a very long line
    /// (a minified page, a 200 MB single line) cost a bounded count, not a walk from the line
    /// start for every diagnostic.
    chars_before: Vec<usize>,
}

/// Bytes between two character-count checkpoints.
const CHAR_CHECKPOINT: usize = 4096;

/// Bytes that start a character (all but UTF-8 continuation bytes).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before = Vec::with_capacity(text.len() / CHAR_CHECKPOINT + 1);
        let mut total = 0;
        chars_before.push(0);
        for chunk in text.as_bytes().chunks(CHAR_CHECKPOINT) {
            total += count_chars(chunk);
            chars_before.push(total);
        }
        Self {
            starts,
            chars_before,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let k = offset / CHAR_CHECKPOINT;
        self.chars_before[k] + count_chars(&text.as_bytes()[k * CHAR_CHECKPOINT..offset])
    }

    /// The line and column of byte `offset` in `text` (the text the index was built from).
    /// An offset inside a multi-byte character counts as that character's position.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        // Most lines are short: counting their characters directly beats two checkpoint walks
        // (up to 4 KB each); a page on one line still uses the checkpoints.
        let column = if offset - start <= CHAR_CHECKPOINT {
            count_chars(&text.as_bytes()[start..offset])
        } else {
            self.chars_to(text, offset) - self.chars_to(text, start)
        };
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Byte range of 0-based line `line`, without its line ending.
    #[must_use]
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1);
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncafé miracle\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let m = text.find("miracle").unwrap();
        assert_eq!(idx.line_col(text, m), LineCol { line: 2, column: 6 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_range(text, 1), 3..text.find('\r').unwrap());
    }

    #[test]
    fn columns_agree_on_short_and_long_lines() {
        // Lines on both sides of the direct-count limit, with multi-byte characters around it.
        let text = format!(
            "é{}\n{}é x\n",
            "a".repeat(CHAR_CHECKPOINT - 3),
            "ü".repeat(5000)
        );
        let idx = LineIndex::new(&text);
        let mut expected = LineCol { line: 1, column: 1 };
        for (offset, c) in text.char_indices() {
            assert_eq!(idx.line_col(&text, offset), expected, "offset {offset}");
            expected = if c == '\n' {
                LineCol {
                    line: expected.line + 1,
                    column: 1,
                }
            } else {
                LineCol {
                    column: expected.column + 1,
                    ..expected
                }
            };
        }
    }

    #[test]
    fn decoding_errors() {
        let e = SourceFile::from_bytes("a", b"\xFF\xFEa\0".to_vec(), Format::Text).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::Utf16);
        let e = SourceFile::from_bytes("a", b"ab\0c".to_vec(), Format::Text).unwrap_err();
        assert_eq!(e.to_string(), "a: binary file, skipped");
        let e =
            SourceFile::from_bytes("a", b"\xEF\xBB\xBFab\xC3".to_vec(), Format::Text).unwrap_err();
        assert_eq!(e.to_string(), "a: invalid UTF-8 at byte 5");
        let f = SourceFile::from_bytes("a", b"\xEF\xBB\xBFhi".to_vec(), Format::Text).unwrap();
        assert_eq!((f.text.as_str(), f.bom), ("hi", 3));
    }
}
