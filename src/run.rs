//! The commands: what `check`, `rules` and `explain` do, as a library function the thin binary
//! calls. Output goes to the writers in [`Io`]; nothing here prints on its own.
//!
//! `check` walks the inputs, reads and checks the files in parallel against one compiled
//! [`RuleSet`], then sorts the results by path so output never depends on thread timing. A file
//! that cannot be read is one `error: PATH: problem` line on stderr; the run goes on and exits 2
//! at the end (ripgrep's habit).

use crate::baseline::{self, Baseline};
use crate::check;
use crate::cli::{
    CheckArgs, Cli, Command, ExplainArgs, FilterArgs, OutputFormat, RulesArgs, RulesetArgs,
};
use crate::cli::{CheckFormat, FailOn};
use crate::config::{self, CliSelection, Config, PathFilter, Settings};
use crate::extract::Format;
use crate::fix;
use crate::report::{FileReport, Report, human, json};
use crate::rules::{Category, Rule, RuleSet, RulesetSource, Severity, builtin};
use crate::source::{STDIN_NAME, SourceError, SourceErrorKind, SourceFile};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How a run ended; [`Exit::code`] is the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at warning or above.
    Clean,
    /// Findings at warning or error.
    Findings,
    /// A usage, I/O or ruleset error (wins over findings).
    Error,
}

impl Exit {
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Findings => 1,
            Self::Error => 2,
        }
    }
}

/// The process's streams, passed in so tests can capture them.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdout is a terminal (for `--color auto`).
    pub stdout_is_terminal: bool,
    /// Whether the process exits when the command returns, so that what it built need not be
    /// freed.
    pub exits_after: bool,
}

/// Runs one command.
///
/// # Errors
/// Only failures to write output (a broken pipe among them, which the caller should treat as a
/// quiet exit); everything else is reported on `io.stderr` and becomes [`Exit::Error`].
pub fn run(cli: &Cli, io: &mut Io<'_>) -> io::Result<Exit> {
    match &cli.command {
        Command::Check(args) => run_check(args, io),
        Command::Rules(args) => run_rules(args, io),
        Command::Explain(args) => run_explain(args, io),
        Command::Serve(args) => run_serve(args, io),
        Command::CheckRules(args) => crate::check_rules::run(args, io),
        // The server owns the process's standard streams (the binary starts it before locking
        // them); exit code 1 when the client exits without `shutdown`, as the protocol says.
        Command::Lsp(_) => {
            crate::lsp::run_stdio().map(|clean| if clean { Exit::Clean } else { Exit::Findings })
        }
        Command::Annotate(args) => run_annotate(args, io),
    }
}

/// Loads the config file and the rulesets, reporting problems on stderr.
fn load_rules(args: &RulesetArgs, io: &mut Io<'_>, color: bool) -> io::Result<Option<RuleSet>> {
    Ok(load_setup(args, io, color)?.map(|(rules, _)| rules))
}

/// Loads the config file (`--config`, or the nearest `claimlint.toml`), the rulesets it and the
/// flags name, and validates the config against them; problems are reported on stderr.
fn load_setup(
    args: &RulesetArgs,
    io: &mut Io<'_>,
    color: bool,
) -> io::Result<Option<(RuleSet, Settings)>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = if args.no_config {
        None
    } else {
        args.config.clone().or_else(|| config::discover(&cwd))
    };
    let loaded = path.map(|p| -> Result<_, config::ConfigFailure> {
        let c = Config::load(&p, &cwd)?;
        let extra = c.rulesets()?;
        Ok((c, extra))
    });
    let (cfg, extra) = match loaded.transpose() {
        Ok(Some((c, extra))) => (Some(c), extra),
        Ok(None) => (None, Vec::new()),
        Err(f) => {
            human::emit_config_errors(io.stderr, &f.name, &f.text, &f.spans(), color)?;
            return Ok(None);
        }
    };
    let Some(mut rules) = compile_rules(args, extra, io, color)? else {
        return Ok(None);
    };
    let settings = match cfg.as_ref().map(|c| c.compile(&rules)).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(f) => {
            human::emit_config_errors(io.stderr, &f.name, &f.text, &f.spans(), color)?;
            return Ok(None);
        }
    };
    settings.apply_severities(&mut rules);
    Ok(Some((rules, settings)))
}

/// Compiles the built-in rulesets (unless turned off), the config's `extra` ones and the
/// `--ruleset` files; problems are rendered on `io.stderr`.
///
/// # Errors
/// Only failures to write to `io.stderr`.
pub fn compile_rules(
    args: &RulesetArgs,
    extra: Vec<RulesetSource>,
    io: &mut Io<'_>,
    color: bool,
) -> io::Result<Option<RuleSet>> {
    let mut sources = if args.no_default_rulesets {
        Vec::new()
    } else {
        builtin::sources()
    };
    sources.extend(extra);
    let (files, failed) = read_ruleset_files(&args.rulesets, io)?;
    sources.extend(files);
    if failed {
        return Ok(None);
    }
    match RuleSet::compile(sources) {
        Ok(rules) => {
            // A suggestion that would itself be flagged is a ruleset error (issue 5). The
            // embedded rulesets are held to this by the test suite, so start-up checks only the
            // suggestions of the user's own rules (`check-rules` checks every rule's).
            let user_source: Vec<bool> = rules
                .sources
                .iter()
                .map(|s| !builtin::is_ruleset_name(&s.name))
                .collect();
            let errors = if user_source.contains(&true) {
                fix::check_suggestions_of(&rules, &|i| user_source[rules.rules[i].source])
            } else {
                Vec::new()
            };
            if errors.is_empty() {
                Ok(Some(rules))
            } else {
                human::emit_ruleset_errors(io.stderr, &rules.sources, &errors, color)?;
                Ok(None)
            }
        }
        Err((sources, errors)) => {
            human::emit_ruleset_errors(io.stderr, &sources, &errors, color)?;
            Ok(None)
        }
    }
}

/// Reads ruleset files, reporting each unreadable one as a one-line error; the flag says whether
/// any failed.
///
/// # Errors
/// Only failures to write to stderr.
pub fn read_ruleset_files(
    paths: &[PathBuf],
    io: &mut Io<'_>,
) -> io::Result<(Vec<RulesetSource>, bool)> {
    let mut sources = Vec::with_capacity(paths.len());
    let mut failed = false;
    for path in paths {
        match crate::source::read_text(path, crate::source::RULESET_LIMIT, "the ruleset limit") {
            Ok(text) => sources.push(RulesetSource {
                name: path.display().to_string(),
                text,
            }),
            Err(e) => {
                let name = path.display().to_string();
                writeln!(io.stderr, "error: {}", SourceError::io(name, &e))?;
                failed = true;
            }
        }
    }
    Ok((sources, failed))
}

/// `--select` / `--ignore`: which rules report.
#[derive(Debug, Default)]
pub struct Filter {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl Filter {
    /// Validates the selectors against the loaded rules: each must be a category name or match at
    /// least one rule id, so a typo is an error rather than a silently empty selection.
    ///
    /// # Errors
    /// The message for the first selector that matches nothing.
    pub fn new(args: &FilterArgs, rules: &RuleSet) -> Result<Self, String> {
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let f = Self {
            select: clean(&args.select),
            ignore: clean(&args.ignore),
        };
        for (flag, sel) in f
            .select
            .iter()
            .map(|s| ("--select", s))
            .chain(f.ignore.iter().map(|s| ("--ignore", s)))
        {
            let known = Category::ALL.iter().any(|c| c.as_str() == sel)
                || rules.rules.iter().any(|r| selector_matches(sel, r));
            if !known {
                let mut msg = format!("{flag} `{sel}` matches no rule or category");
                let candidates = rules
                    .rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .chain(Category::ALL.iter().map(|c| c.as_str()));
                if let Some(s) = did_you_mean(sel, candidates) {
                    let _ = write!(msg, "; did you mean `{s}`?");
                }
                return Err(msg);
            }
        }
        Ok(f)
    }

    #[must_use]
    pub fn enabled(&self, rule: &Rule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| selector_matches(s, rule)))
            && !self.ignore.iter().any(|s| selector_matches(s, rule))
    }
}

/// A selector matches a rule by category name or as a prefix of its id (`hype`, `ketamine/`,
/// `hype/miracle`).
fn selector_matches(sel: &str, rule: &Rule) -> bool {
    rule.category.as_str() == sel || rule.id.starts_with(sel)
}

/// The closest candidate to `input` by edit distance, if close enough to be a likely typo.
fn did_you_mean<'a>(input: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).max(2);
    candidates
        .map(|c| (levenshtein(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    Stdin,
    File(PathBuf, Format),
}

/// Why a walk passed over a file, in the order the "no files to check" error lists them.
const SKIP_REASONS: [&str; 5] = [
    "not supported yet (.pdf, .doc, .rtf, .pages)",
    "of a format claimlint does not read",
    ".jsx/.tsx without an `include` glob",
    "outside --include",
    "excluded",
];

/// Files a walk passed over, by reason, for the "no files to check" error (issue 22: nothing
/// passes silently).
#[derive(Debug, Default)]
struct Skipped {
    /// By reason, in the order of [`SKIP_REASONS`].
    reasons: Vec<(&'static str, usize)>,
}

impl Skipped {
    fn add(&mut self, reason: &'static str) {
        self.add_n(reason, 1);
    }

    fn add_n(&mut self, reason: &'static str, count: usize) {
        match self.reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += count,
            None => {
                self.reasons.push((reason, count));
                self.reasons
                    .sort_by_key(|(r, _)| SKIP_REASONS.iter().position(|s| s == r));
            }
        }
    }

    fn total(&self) -> usize {
        self.reasons.iter().map(|(_, n)| n).sum()
    }

    /// `no files to check (3 skipped: 2 of a format claimlint does not read, 1 excluded)`.
    fn message(&self) -> String {
        if self.reasons.is_empty() {
            return "no files to check".to_string();
        }
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        format!(
            "no files to check ({} skipped: {})",
            self.total(),
            parts.join(", ")
        )
    }
}

/// Expands the command-line paths: directories are walked (honouring .gitignore and .ignore,
/// skipping hidden entries, keeping only files of a known format, and `.jsx` / `.tsx` only when an
/// `include` glob brings them in); a file named explicitly is read whatever its extension, as
/// plain text when the extension is unknown, and whatever the `--include` / `--exclude` globs and
/// the config's `exclude` say (ripgrep's habit) — except a format claimlint knows it cannot read
/// yet (`.pdf`, `.doc`), which is an error saying so.
fn collect_inputs(
    paths: &[PathBuf],
    filter: &PathFilter,
    force_exclude: bool,
    errors: &mut Vec<SourceError>,
    skipped: &mut Skipped,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, filter, &mut inputs, errors, skipped);
        } else if force_exclude && let Some(reason) = walk_skips(path, filter, true) {
            skipped.add(reason);
        } else if let Some(reason) = crate::extract::unsupported(path) {
            errors.push(SourceError::new(
                path.display().to_string(),
                SourceErrorKind::Other(reason.to_string()),
            ));
        } else {
            let format = Format::from_path(path).unwrap_or(Format::Text);
            if let Some(e) = unreadable_format(path, format) {
                errors.push(e);
                continue;
            }
            inputs.push(Input::File(path.clone(), format));
        }
    }
    inputs.sort_by(|a, b| match (a, b) {
        (Input::File(a, _), Input::File(b, _)) => a.cmp(b),
        _ => matches!(a, Input::File(..)).cmp(&matches!(b, Input::File(..))),
    });
    inputs.dedup();
    inputs
}

/// Why a walk would pass over the file at `path` (`--force-exclude` applies this to `named`
/// files, whose excluded parents the walk has not pruned), or `None` when it would read it.
fn walk_skips(path: &Path, filter: &PathFilter, named: bool) -> Option<&'static str> {
    if named
        && (filter.excluded(path, false)
            || path
                .ancestors()
                .skip(1)
                .any(|a| !a.as_os_str().is_empty() && filter.excluded(a, true)))
    {
        return Some(SKIP_REASONS[4]);
    }
    let Some(format) = Format::from_path(path) else {
        return Some(if crate::extract::unsupported(path).is_some() {
            SKIP_REASONS[0]
        } else {
            SKIP_REASONS[1]
        });
    };
    if !format.walked_by_default() && !filter.opted_in(path) {
        Some(SKIP_REASONS[2])
    } else if !filter.included(path) {
        Some(SKIP_REASONS[3])
    } else {
        None
    }
}

/// A format this build cannot read: `.jsx` / `.tsx` without the `jsx` feature.
fn unreadable_format(path: &Path, format: Format) -> Option<SourceError> {
    (format == Format::Jsx && !cfg!(feature = "jsx")).then(|| {
        SourceError::new(
            path.display().to_string(),
            SourceErrorKind::Other(
                "reading .jsx and .tsx needs claimlint built with its `jsx` feature".into(),
            ),
        )
    })
}

fn walk(
    root: &Path,
    filter: &PathFilter,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<SourceError>,
    skipped: &mut Skipped,
) {
    // Symlinks are not followed (ripgrep's default), so a link cycle cannot trap the walk. The
    // ignore files apply outside a git repository too: a site tree is often not one. Excluded
    // directories are pruned, not entered; `--include` is checked per file afterwards so that it
    // only narrows the walk (the `ignore` crate's own overrides would let a whitelist glob bring
    // back gitignored and hidden files).
    let excluded = filter.clone();
    let pruned = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pruned_in = pruned.clone();
    let walker = ignore::WalkBuilder::new(root)
        .filter_entry(move |e| {
            let keep = e.depth() == 0
                || !excluded.excluded(e.path(), e.file_type().is_some_and(|t| t.is_dir()));
            if !keep {
                pruned_in.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            keep
        })
        .hidden(true)
        .git_ignore(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                if !e.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = e.path();
                // `~$draft.docx` is the owner file Word keeps beside an open document, not a
                // document.
                let lock_file = e.file_name().to_string_lossy().starts_with("~$");
                if let Some(reason) = walk_skips(path, filter, false) {
                    skipped.add(reason);
                } else if lock_file {
                    skipped.add(SKIP_REASONS[1]);
                } else if let Some(format) = Format::from_path(path) {
                    if let Some(err) = unreadable_format(path, format) {
                        errors.push(err);
                    } else {
                        inputs.push(Input::File(e.into_path(), format));
                    }
                }
            }
            Err(e) => errors.push(walk_error(root, e)),
        }
    }
    let n = pruned.load(std::sync::atomic::Ordering::Relaxed);
    if n > 0 {
        skipped.add_n(SKIP_REASONS[4], n);
    }
}

fn walk_error(root: &Path, err: ignore::Error) -> SourceError {
    let mut path = root.display().to_string();
    let mut err = err;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = p.display().to_string();
                err = *inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => {
                err = *inner;
            }
            ignore::Error::Loop { child, .. } => {
                return SourceError::new(
                    child.display().to_string(),
                    SourceErrorKind::Other("file system loop".into()),
                );
            }
            ignore::Error::Io(e) => return SourceError::io(path, &e),
            other => return SourceError::new(path, SourceErrorKind::Other(other.to_string())),
        }
    }
}

/// A file and its findings (after the config, `--select` / `--ignore` and suppressions).
type Checked = FileReport;

/// Standard input as a source file named by `--stdin-filename` (which also gives its format).
fn read_stdin(args: &CheckArgs, io: &mut Io<'_>) -> Result<SourceFile, SourceError> {
    let name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| STDIN_NAME.to_string());
    let format = args
        .stdin_filename
        .as_deref()
        .and_then(|n| Format::from_path(Path::new(n)))
        .unwrap_or(Format::Text);
    SourceFile::read_stream(&name, io.stdin, args.max_filesize, format)
        .and_then(|bytes| SourceFile::from_bytes(name, bytes, format))
}

/// The files checked with something to report, by name, and how many were checked; the read
/// errors go to `errors`, by path (output never depends on thread timing).
fn sort_results(
    results: Vec<Result<Checked, SourceError>>,
    errors: &mut Vec<SourceError>,
) -> (Vec<Checked>, usize) {
    let mut files = Vec::new();
    let mut files_checked = 0;
    for r in results {
        match r {
            Ok(file) => {
                files_checked += 1;
                if !file.findings.is_empty() || !file.meta.is_empty() {
                    files.push(file);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (files, files_checked)
}

#[allow(
    clippy::too_many_lines,
    reason = "one step after another; split further when the lead's judgement work settles"
)]
fn run_check(args: &CheckArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let color = args.color.enabled(io.stdout_is_terminal);
    let Some((rules, settings)) = load_setup(&args.rulesets, io, color)? else {
        return Ok(Exit::Error);
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let filters = PathFilter::new(
        &cwd,
        &args.paths_filter.include,
        &args.paths_filter.exclude,
        &settings,
    )
    .and_then(|paths| Ok((paths, Filter::new(&args.filter, &rules)?)));
    let (path_filter, filter) = match filters {
        Ok(f) => f,
        Err(msg) => {
            writeln!(io.stderr, "error: {msg}")?;
            return Ok(Exit::Error);
        }
    };

    let mut errors = Vec::new();
    let mut skipped = Skipped::default();
    let inputs = collect_inputs(
        &args.paths,
        &path_filter,
        args.paths_filter.force_exclude,
        &mut errors,
        &mut skipped,
    );
    if inputs.is_empty() && errors.is_empty() {
        // Nothing passes silently: a run that checked nothing is an error, not a clean page.
        writeln!(io.stderr, "error: {}", skipped.message())?;
        return Ok(Exit::Error);
    }

    // Standard input is read up front, on this thread; files are read by the workers.
    let stdin_file = inputs.contains(&Input::Stdin).then(|| read_stdin(args, io));

    let enabled = |r: &Rule| filter.enabled(r);
    let cli = CliSelection {
        select_given: !args.filter.select.is_empty(),
        enabled: &enabled,
        report_unused: args
            .suppressions
            .report_unused()
            .or(settings.report_unused_suppressions)
            .unwrap_or_else(config::in_ci),
        profile: args.profile,
    };
    let check_one = |file: SourceFile| -> Checked {
        // Per-path overrides match the path as given, or `--stdin-filename` for standard input.
        let path = (file.name != STDIN_NAME).then(|| path_filter.absolute(Path::new(&file.name)));
        settings.check_file(&rules, file, path.as_deref(), &cli)
    };
    let mut results: Vec<Result<Checked, SourceError>> = inputs
        .par_iter()
        .filter_map(|input| match input {
            // Read above, on this thread.
            Input::Stdin => None,
            Input::File(path, format) => {
                Some(SourceFile::read_limited(path, *format, args.max_filesize))
            }
        })
        .map(|r| r.map(check_one))
        .collect();
    let stdin_source = stdin_file.as_ref().and_then(|s| s.as_ref().ok()).cloned();
    if let Some(s) = stdin_file {
        results.push(s.map(check_one));
    }

    let (mut files, files_checked) = sort_results(results, &mut errors);
    for e in &errors {
        writeln!(io.stderr, "error: {e}")?;
    }

    let recheck = |src: &SourceFile, text: &str| {
        check_one(SourceFile {
            text: text.to_string(),
            ..src.clone()
        })
        .findings
    };
    let ci = ci_stage(
        args,
        &rules,
        &mut files,
        stdin_source.as_ref(),
        &recheck,
        io,
    )?;
    if let Some(exit) = ci.exit {
        return Ok(if errors.is_empty() { exit } else { Exit::Error });
    }

    let report = Report {
        rules: &rules,
        files,
        files_checked,
        files_failed: errors.len(),
    };
    if ci.report_to_stderr {
        emit_check_report(args, &report, false, io.stderr)?;
    } else {
        emit_check_report(args, &report, color, io.stdout)?;
    }
    io.stdout.flush()?;

    // The flag wins; without it the config's `fail-on`, then warning.
    let fail_on = args
        .ci
        .fail_on
        .or(settings.fail_on)
        .unwrap_or(FailOn::Warning);
    let failing = fails(&report, fail_on);
    let exit = if !errors.is_empty() || ci.failed {
        Exit::Error
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    };
    if io.exits_after {
        // The process ends with this run: freeing the compiled rulesets and the checked files
        // is the operating system's job (half a millisecond of checking one small page).
        std::mem::forget(report);
        std::mem::forget(rules);
    }
    Ok(exit)
}

/// `annotate`: checks one Word document as `check` would and writes an annotated copy.
fn run_annotate(args: &crate::cli::AnnotateArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    use crate::annotate;
    let Some((rules, settings)) = load_setup(&args.rulesets, io, false)? else {
        return Ok(Exit::Error);
    };
    let filter = match Filter::new(&args.filter, &rules) {
        Ok(f) => f,
        Err(msg) => {
            writeln!(io.stderr, "error: {msg}")?;
            return Ok(Exit::Error);
        }
    };
    let name = args.input.display().to_string();
    let out_name = args.output.display().to_string();
    let fail = |io: &mut Io<'_>, msg: &str| -> io::Result<Exit> {
        writeln!(io.stderr, "error: {msg}")?;
        Ok(Exit::Error)
    };
    let same = std::fs::canonicalize(&args.input)
        .ok()
        .zip(std::fs::canonicalize(&args.output).ok())
        .is_some_and(|(a, b)| a == b);
    if same {
        return fail(
            io,
            &format!("{out_name}: is the input; the input is never modified"),
        );
    }
    if args.output.exists() && !args.force {
        return fail(
            io,
            &format!("{out_name}: exists; use --force to replace it"),
        );
    }
    if Format::from_path(&args.input) == Some(Format::Odt) {
        return fail(
            io,
            &format!("{name}: annotate writes Word documents; save the draft as .docx"),
        );
    }
    let bytes = match annotate::read_input(&args.input) {
        Ok(b) => b,
        Err(e) => return fail(io, &SourceError::io(name, &e).to_string()),
    };
    let doc = match crate::extract::docx::read(&bytes) {
        Ok(d) => d,
        Err(e) => return fail(io, &format!("{name}: {e}")),
    };
    let source = SourceFile {
        name: name.clone(),
        text: doc.text.clone(),
        bom: 0,
        format: Format::Docx,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let enabled = |r: &Rule| filter.enabled(r);
    let cli = CliSelection {
        select_given: !args.filter.select.is_empty(),
        enabled: &enabled,
        report_unused: false,
        profile: None,
    };
    let path = cwd.join(&args.input);
    let report = settings.check_file(&rules, source, Some(&path), &cli);
    let opts = annotate::Options {
        track_changes: args.track_changes,
        date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
    };
    let (new, summary) = match annotate::annotate(&bytes, &doc, &rules, &report.findings, &opts) {
        Ok(r) => r,
        Err(e) => return fail(io, &format!("{name}: {e}")),
    };
    if let Err(e) = annotate::write_new(&args.output, &new) {
        return fail(io, &SourceError::io(out_name, &e).to_string());
    }
    writeln!(io.stderr, "wrote {out_name}: {}", summary.line())?;
    let failing = report
        .findings
        .iter()
        .any(|f| report.severity(&rules, f) >= Severity::Warning);
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

fn run_rules(args: &RulesArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let Some(rules) = load_rules(&args.rulesets, io, false)? else {
        return Ok(Exit::Error);
    };
    let filter = match Filter::new(&args.filter, &rules) {
        Ok(f) => f,
        Err(msg) => {
            writeln!(io.stderr, "error: {msg}")?;
            return Ok(Exit::Error);
        }
    };
    let selected: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| filter.enabled(r) && args.profile.is_none_or(|p| r.applies_in(p)))
        .collect();
    match args.format {
        OutputFormat::Human => human::rules_table(io.stdout, &selected)?,
        OutputFormat::Json => json::rules(io.stdout, &selected)?,
    }
    io.stdout.flush()?;
    Ok(Exit::Clean)
}

/// `serve`: compiles the rules once, binds, prints the URL, then answers requests until killed.
fn run_serve(args: &crate::cli::ServeArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let Some(rules) = load_rules(&args.rulesets, io, false)? else {
        return Ok(Exit::Error);
    };
    let server = match crate::serve::Server::bind(rules, (args.host.as_str(), args.port)) {
        Ok(s) => s,
        Err(e) => {
            writeln!(
                io.stderr,
                "error: cannot listen on {}:{}: {e}",
                args.host, args.port
            )?;
            return Ok(Exit::Error);
        }
    };
    if !server.local_addr().ip().is_loopback() {
        writeln!(
            io.stderr,
            "warning: listening on {}, not loopback: anyone who can reach it can use the page",
            server.local_addr().ip()
        )?;
    }
    writeln!(io.stdout, "claimlint serve: listening on {}", server.url())?;
    io.stdout.flush()?;
    server.run()?;
    Ok(Exit::Clean)
}

fn run_explain(args: &ExplainArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let Some(rules) = load_rules(&args.rulesets, io, false)? else {
        return Ok(Exit::Error);
    };
    let Some(rule) = rules.rule(args.rule.trim()) else {
        write!(io.stderr, "error: unknown rule `{}`", args.rule)?;
        match did_you_mean(&args.rule, rules.rules.iter().map(|r| r.id.as_str())) {
            Some(s) => writeln!(io.stderr, "; did you mean `{s}`?")?,
            None => writeln!(io.stderr, " (`claimlint rules` lists them)")?,
        }
        return Ok(Exit::Error);
    };
    human::explain(io.stdout, &rules, rule, args.profile)?;
    io.stdout.flush()?;
    Ok(Exit::Clean)
}

/// What the CI stage (issue 5) decided: stop with this exit code, or go on to the report.
struct CiOutcome {
    exit: Option<Exit>,
    /// `--fix` printed the fixed standard input on stdout, so the report goes to stderr.
    report_to_stderr: bool,
    /// A fixed file could not be written (reported already): exit 2 after the report.
    failed: bool,
}

/// `--write-baseline`: records the findings of `files` at `path`, and says so.
fn write_baseline(
    rules: &RuleSet,
    files: &[FileReport],
    path: &Path,
    io: &mut Io<'_>,
) -> io::Result<Exit> {
    let file = baseline::build(
        rules,
        files.iter().map(|f| {
            (
                f.source.name.as_str(),
                f.source.text.as_str(),
                &f.findings[..],
            )
        }),
    );
    if let Err(e) = std::fs::write(path, baseline::to_json(&file)) {
        writeln!(
            io.stderr,
            "error: {}",
            SourceError::io(path.display().to_string(), &e)
        )?;
        return Ok(Exit::Error);
    }
    let n = file.findings.len();
    writeln!(
        io.stderr,
        "wrote {n} finding{} to {}",
        if n == 1 { "" } else { "s" },
        path.display()
    )?;
    Ok(Exit::Clean)
}

/// The steps between checking and reporting: `--baseline` drops recorded findings,
/// `--write-baseline` records them and ends the run, `--fix` / `--diff` apply or show the fixes.
/// `recheck` reruns the per-file pipeline (rule filter, suppressions) on a fixed text; the
/// baseline is applied on top. `stdin` is the standard input as read, if it was checked.
fn ci_stage(
    args: &CheckArgs,
    rules: &RuleSet,
    files: &mut Vec<FileReport>,
    stdin: Option<&SourceFile>,
    recheck: &(dyn Fn(&SourceFile, &str) -> Vec<check::Finding> + Sync),
    io: &mut Io<'_>,
) -> io::Result<CiOutcome> {
    let ci = &args.ci;
    let go_on = CiOutcome {
        exit: None,
        report_to_stderr: false,
        failed: false,
    };
    let baseline = match &ci.baseline {
        Some(path) => match Baseline::read(path) {
            Ok(b) => Some(b),
            Err(msg) => {
                writeln!(io.stderr, "error: {}: {msg}", path.display())?;
                return Ok(CiOutcome {
                    exit: Some(Exit::Error),
                    ..go_on
                });
            }
        },
        None => None,
    };
    if let Some(b) = &baseline {
        for f in files.iter_mut() {
            b.filter(rules, &f.source.name, &f.source.text, &mut f.findings);
        }
        files.retain(|f| !f.findings.is_empty() || !f.meta.is_empty());
    }

    if let Some(path) = &ci.write_baseline {
        return Ok(CiOutcome {
            exit: Some(write_baseline(rules, files, path, io)?),
            ..go_on
        });
    }

    let mode = if ci.diff {
        fix::Mode::Diff
    } else if ci.fix {
        fix::Mode::Write
    } else {
        return Ok(go_on);
    };
    let stdin_name = stdin.map(|s| s.name.clone());
    if mode == fix::Mode::Write
        && let Some(s) = stdin
        && !files.iter().any(|f| f.source.name == s.name)
    {
        // Nothing to fix, but `--fix -` always prints the text.
        files.push(FileReport::new(s.clone(), Vec::new()));
    }
    let with_baseline = |src: &SourceFile, text: &str| {
        let mut findings = recheck(src, text);
        if let Some(b) = &baseline {
            b.filter(rules, &src.name, text, &mut findings);
        }
        findings
    };
    let mut errors = Vec::new();
    let summary = fix::run(
        rules,
        files,
        mode,
        ci.unsafe_fixes,
        stdin_name.as_deref(),
        &with_baseline,
        io.stdout,
        &mut errors,
    )?;
    files.retain(|f| !f.findings.is_empty() || !f.meta.is_empty());
    for e in &errors {
        writeln!(io.stderr, "error: {e}")?;
    }
    writeln!(io.stderr, "{}", summary.line(mode))?;
    if mode == fix::Mode::Diff {
        let exit = if !errors.is_empty() {
            Exit::Error
        } else if summary.files > 0 {
            Exit::Findings
        } else {
            Exit::Clean
        };
        return Ok(CiOutcome {
            exit: Some(exit),
            ..go_on
        });
    }
    Ok(CiOutcome {
        exit: None,
        report_to_stderr: stdin_name.is_some(),
        failed: !errors.is_empty(),
    })
}

/// Writes the report in the chosen `--format`, or its `--statistics`.
fn emit_check_report(
    args: &CheckArgs,
    report: &Report<'_>,
    color: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    use crate::report::{concise, github, markdown, sarif, statistics};
    match (args.format, args.ci.statistics) {
        (CheckFormat::Json, true) => statistics::emit_json(w, report),
        (_, true) => statistics::emit(w, report),
        (CheckFormat::Human, false) => human::emit(w, report, color),
        (CheckFormat::Json, false) => json::emit(w, report),
        (CheckFormat::Concise, false) => concise::emit(w, report),
        (CheckFormat::Sarif, false) => sarif::emit(w, report),
        (CheckFormat::Github, false) => github::emit(w, report),
        (CheckFormat::Html, false) => crate::report::html::emit(w, report),
        (CheckFormat::Markdown, false) => markdown::emit(w, report),
    }
}

/// Whether the report should exit 1 under `--fail-on`.
fn fails(report: &Report<'_>, fail_on: FailOn) -> bool {
    let least = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return false,
    };
    report.files.iter().any(|file| {
        file.findings
            .iter()
            .map(|f| file.severity(report.rules, f))
            .chain(file.meta.iter().map(|m| m.rule.severity()))
            .any(|s| s >= least)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("hype/miracel", "hype/miracle"), 2);
        assert_eq!(
            did_you_mean(
                "hype/miracel",
                ["hype/miracle", "safety/no-risk"].into_iter()
            ),
            Some("hype/miracle")
        );
        assert_eq!(did_you_mean("zzz", ["hype/miracle"].into_iter()), None);
    }
}
