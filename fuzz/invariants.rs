//! The pipeline invariants every input must keep, shared by the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the property test (`tests/props.rs`), which include this file
//! with `#[path]` so both assert exactly the same thing.
//!
//! For any text in any format: checking does not panic; every finding's span and context lie
//! inside the source and on character boundaries; the line and column reported for a span agree
//! with a naive count from the start of the text; the streamed check (blocks fed to the checker as
//! the extractor finishes them, as the binary does) finds exactly what the whole-document check
//! finds; applying every safe fix (until nothing changes,
//! as `--fix` does) gives text that a second pass finds nothing fixable in.

use claimlint::check::{self, Finding};
use claimlint::extract::Format;
use claimlint::fix;
use claimlint::rules::{RuleSet, builtin};
use claimlint::source::{LineCol, LineIndex};
use std::ops::Range;
use std::sync::OnceLock;

/// The built-in rulesets, compiled once per process.
pub fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::compile(builtin::sources())
            .unwrap_or_else(|(_, e)| panic!("built-in rulesets do not compile: {e:?}"))
    })
}

/// Line and column by walking the text from the start: the reference for [`LineIndex`].
fn naive_line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

fn check_range(text: &str, what: &str, r: &Range<usize>) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what} {r:?} outside the source (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what} {r:?} not on char boundaries"
    );
}

fn check_findings(text: &str, findings: &[Finding], rule_count: usize) {
    let index = LineIndex::new(text);
    for f in findings {
        assert!(f.rule < rule_count, "rule index {} out of range", f.rule);
        check_range(text, "span", &f.span);
        check_range(text, "context", &f.context);
        for at in [f.span.start, f.span.end] {
            assert_eq!(
                index.line_col(text, at),
                naive_line_col(text, at),
                "line/column of offset {at}"
            );
        }
    }
}

/// Reads `data` as a file of `format`, as the binary does, and asserts every invariant on it.
/// Binary, UTF-16 and invalid UTF-8 input are per-file errors of the reader, never panics.
pub fn assert_invariants_on_bytes(format: Format, data: &[u8]) {
    if let Ok(file) = claimlint::source::SourceFile::from_bytes("fuzz", data.to_vec(), format) {
        assert_invariants(format, &file.text);
    }
}

/// Runs the whole pipeline on `text` read as `format` and asserts every invariant.
///
/// # Panics
/// When an invariant does not hold (that is the point).
pub fn assert_invariants(format: Format, text: &str) {
    let rules = rules();
    let findings = check::check(rules, format, text);
    check_findings(text, &findings, rules.rules.len());

    // The binary streams: blocks go to the checker as the extractor finishes them. It must
    // decide exactly as the whole-document check does.
    let mut checker = check::Checker::new(rules, &|_| true);
    let _ = claimlint::extract::extract_to(format, text, &mut |b| checker.feed(b));
    assert_eq!(checker.finish(&[]), findings, "streamed check differs");

    // `--fix` (safe fixes only), then a second pass: nothing fixable may be left. Each fix must
    // also produce text that itself keeps the span invariants.
    let recheck = |t: &str| check::check(rules, format, t);
    let fixed = fix::fix_text(rules, format, text, findings, false, &recheck);
    check_findings(&fixed.text, &fixed.remaining, rules.rules.len());
    let left = fix::edits(rules, format, &fixed.text, &fixed.remaining, false, &[]);
    assert!(
        left.is_empty(),
        "fixable findings left after --fix: {left:?}\nfixed text: {:?}",
        fixed.text
    );
}
