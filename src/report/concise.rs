//! `--format concise`: one line per diagnostic, `path:line:col: severity[rule] message`.
//!
//! The shape compilers and grep use, so editors' problem matchers and `sort`/`uniq` pipelines
//! read it without a parser. Nothing else is printed: a clean run prints nothing. Paths and
//! messages have their control characters escaped ([`super::escape`]), so a file cannot forge a
//! line.

use super::{Report, escape::escape};
use std::io::{self, Write};

/// Writes one line per diagnostic, sorted by path, then offset.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    for d in report.diagnostics() {
        writeln!(
            w,
            "{}:{}:{}: {}[{}] {}",
            escape(d.path),
            d.start.line,
            d.start.column,
            d.severity,
            d.rule,
            one_line(&d.message)
        )?;
    }
    Ok(())
}

/// A message on one line whatever a ruleset wrote.
fn one_line(s: &str) -> String {
    escape(&s.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}
