//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's changed lines.
//!
//! ```text
//! ::warning file=page.md,line=2,col=3,endLine=2,endColumn=10,title=hype/miracle::hype word%0Ahelp: say what it does
//! ```
//!
//! Escaping follows the runner's parser (actions/toolkit `command.ts`): in the message `%`, `\r`
//! and `\n` become `%25`, `%0D` and `%0A`; property values additionally escape `:` and `,`, which
//! would otherwise end the value.

use super::{Diagnostic, Report};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes one workflow command per diagnostic.
///
/// # Errors
/// Writing to `w` failed.
pub fn emit(w: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    for d in report.diagnostics() {
        writeln!(w, "{}", command(&d))?;
    }
    Ok(())
}

/// The workflow command for one diagnostic.
#[must_use]
pub fn command(d: &Diagnostic<'_>) -> String {
    let level = match d.severity {
        "error" => "error",
        "warning" => "warning",
        _ => "notice",
    };
    let mut message = d.message.to_string();
    if !d.help.is_empty() {
        message.push_str("\nhelp: ");
        message.push_str(d.help.trim_end());
    }
    if let Some(s) = &d.suggestion {
        let _ = write!(
            message,
            "\nsuggestion ({}): replace with `{}`",
            s.applicability, s.replacement
        );
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&super::sarif::relative_path(d.path)),
        d.start.line,
        d.start.column,
        d.end.line,
        d.end.column,
        escape_property(d.rule),
        escape_data(&message)
    )
}

/// Escapes a command's message (`%`, CR, LF).
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the message escapes plus `:` and `,`.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100%\r\nsure: a,b"), "100%25%0D%0Asure: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
