//! One version of an open document and what checking it found: the unit a worker thread
//! produces, the main loop publishes, and code actions and hovers read.
//!
//! A snapshot is immutable and shared (`Arc`), so a code action computed on a worker reads the
//! same text and findings the diagnostics were published from, whatever the editor sends
//! meanwhile. Checking is exactly `check`'s per-file step ([`Settings::check_file`]: extraction,
//! rules, the config's per-path selection, suppression comments), so the editor and CI agree.

use super::position::{Encoding, Lines};
use super::workspace::{Load, Workspace, Workspaces};
use crate::config::{CliSelection, Settings};
use crate::extract::Format;
use crate::report::FileReport;
use crate::source::SourceFile;
use lsp_types::Url;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A document version to check.
#[derive(Debug, Clone)]
pub struct Job {
    pub uri: Url,
    pub version: i32,
    /// Bumped by the server on every change; a result for an older generation is stale.
    pub generation: u64,
    pub text: Arc<str>,
    /// `None`: a file kind claimlint does not read (it is tracked, never checked).
    pub format: Option<Format>,
    /// The file's path, for a `file:` document.
    pub path: Option<PathBuf>,
    /// Where an unsaved document looks for its config: the first workspace folder.
    pub root: Option<PathBuf>,
    pub encoding: Encoding,
}

/// A checked document version.
#[derive(Debug)]
pub struct Snapshot {
    pub uri: Url,
    pub version: i32,
    pub generation: u64,
    pub encoding: Encoding,
    /// The text as the editor holds it.
    pub text: Arc<str>,
    /// Length of a leading byte-order mark, which the engine does not see: an engine offset plus
    /// `bom` is an offset in `text`.
    pub bom: usize,
    pub path: Option<PathBuf>,
    /// `None` when the document is not checked: unknown file kind, excluded by the config, or
    /// its config is broken.
    pub checked: Option<Checked>,
}

/// The findings of a checked snapshot and the rules that found them.
#[derive(Debug)]
pub struct Checked {
    pub workspace: Arc<Workspace>,
    pub report: FileReport,
}

impl Snapshot {
    /// The line table for converting this text's offsets.
    #[must_use]
    pub fn lines(&self) -> Lines<'_> {
        Lines::new(&self.text, self.encoding)
    }

    /// The text the engine checked (without the byte-order mark).
    #[must_use]
    pub fn body(&self) -> &str {
        &self.text[self.bom..]
    }

    /// The findings of `text` (a changed body, e.g. with a fix applied) under the same rules,
    /// settings and path.
    #[must_use]
    pub fn recheck(&self, text: &str) -> Option<FileReport> {
        let c = self.checked.as_ref()?;
        Some(check_text(
            &c.workspace,
            self.path.as_deref(),
            c.report.source.format,
            self.uri.as_str(),
            text.to_string(),
        ))
    }
}

/// Checks one text as `check` checks a file.
#[must_use]
pub fn check_text(
    ws: &Workspace,
    path: Option<&Path>,
    format: Format,
    name: &str,
    text: String,
) -> FileReport {
    let source = SourceFile {
        name: name.to_string(),
        text,
        bom: 0,
        format,
    };
    let cli = CliSelection {
        select_given: false,
        enabled: &|_| true,
        report_unused: report_unused(&ws.settings),
        profile: None,
    };
    ws.settings.check_file(&ws.rules, source, path, &cli)
}

/// Unused suppressions are reported when the config asks for it (the command line's default,
/// "on in CI", means nothing in an editor).
fn report_unused(settings: &Settings) -> bool {
    settings.report_unused_suppressions.unwrap_or(false)
}

/// Checks a job; also returns the config load it used, so the server can report a broken config.
#[must_use]
pub fn run(job: Job, workspaces: &Workspaces) -> (Snapshot, Option<Arc<Load>>) {
    let bom = if job.text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut snap = Snapshot {
        uri: job.uri,
        version: job.version,
        generation: job.generation,
        encoding: job.encoding,
        text: job.text,
        bom,
        path: job.path,
        checked: None,
    };
    let Some(format) = job.format else {
        return (snap, None);
    };
    let dir = snap
        .path
        .as_deref()
        .and_then(Path::parent)
        .or(job.root.as_deref());
    let load = workspaces.for_dir(dir);
    if let Ok(ws) = &load.result
        && !snap.path.as_deref().is_some_and(|p| ws.excluded(p))
    {
        let report = check_text(
            ws,
            snap.path.as_deref(),
            format,
            snap.uri.as_str(),
            snap.body().to_string(),
        );
        snap.checked = Some(Checked {
            workspace: ws.clone(),
            report,
        });
    }
    (snap, Some(load))
}
