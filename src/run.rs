//! The commands: what `check`, `rules` and `explain` do, as a library function the thin binary
//! calls. Output goes to the writers in [`Io`]; nothing here prints on its own.
//!
//! `check` walks the inputs, reads and checks the files in parallel against one compiled
//! [`RuleSet`], then sorts the results by path so output never depends on thread timing. A file
//! that cannot be read is one `error: PATH: problem` line on stderr; the run goes on and exits 2
//! at the end (ripgrep's habit).

use crate::check;
use crate::cli::{
    CheckArgs, Cli, Command, ExplainArgs, FilterArgs, OutputFormat, RulesArgs, RulesetArgs,
};
use crate::extract::Format;
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
    }
}

/// Loads and compiles the rulesets the flags ask for, reporting problems on stderr.
fn load_rules(args: &RulesetArgs, io: &mut Io<'_>, color: bool) -> io::Result<Option<RuleSet>> {
    let mut sources = if args.no_default_rulesets {
        Vec::new()
    } else {
        builtin::sources()
    };
    let mut failed = false;
    for path in &args.rulesets {
        match std::fs::read_to_string(path) {
            Ok(text) => sources.push(RulesetSource {
                name: path.display().to_string(),
                text,
            }),
            Err(e) => {
                writeln!(
                    io.stderr,
                    "error: {}",
                    SourceError::io(path.display().to_string(), &e)
                )?;
                failed = true;
            }
        }
    }
    if failed {
        return Ok(None);
    }
    match RuleSet::compile(sources) {
        Ok(rules) => Ok(Some(rules)),
        Err((sources, errors)) => {
            human::emit_ruleset_errors(io.stderr, &sources, &errors, color)?;
            Ok(None)
        }
    }
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

/// Expands the command-line paths: directories are walked (honouring .gitignore and .ignore,
/// skipping hidden entries, keeping only files of a known format); a file named explicitly is
/// read whatever its extension, as plain text when the extension is unknown.
fn collect_inputs(paths: &[PathBuf], errors: &mut Vec<SourceError>) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, &mut inputs, errors);
        } else {
            let format = Format::from_path(path).unwrap_or(Format::Text);
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

fn walk(root: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<SourceError>) {
    // Symlinks are not followed (ripgrep's default), so a link cycle cannot trap the walk. The
    // ignore files apply outside a git repository too: a site tree is often not one.
    let walker = ignore::WalkBuilder::new(root)
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
                if let Some(format) = Format::from_path(e.path()) {
                    inputs.push(Input::File(e.into_path(), format));
                }
            }
            Err(e) => errors.push(walk_error(root, e)),
        }
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

/// A file and its findings (after `--select` / `--ignore`).
type Checked = (SourceFile, Vec<check::Finding>);

fn run_check(args: &CheckArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let color = args.color.enabled(io.stdout_is_terminal);
    let Some(rules) = load_rules(&args.rulesets, io, color)? else {
        return Ok(Exit::Error);
    };
    let filter = match Filter::new(&args.filter, &rules) {
        Ok(f) => f,
        Err(msg) => {
            writeln!(io.stderr, "error: {msg}")?;
            return Ok(Exit::Error);
        }
    };

    let mut errors = Vec::new();
    let inputs = collect_inputs(&args.paths, &mut errors);

    // Standard input is read up front, on this thread; files are read by the workers.
    let mut stdin_file = None;
    if inputs.contains(&Input::Stdin) {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| STDIN_NAME.to_string());
        let format = args
            .stdin_filename
            .as_deref()
            .and_then(|n| Format::from_path(Path::new(n)))
            .unwrap_or(Format::Text);
        let mut bytes = Vec::new();
        stdin_file = Some(match io.stdin.read_to_end(&mut bytes) {
            Ok(_) => SourceFile::from_bytes(name, bytes, format),
            Err(e) => Err(SourceError::io(name, &e)),
        });
    }

    let check_one = |file: SourceFile| -> Checked {
        let mut findings = check::check(&rules, file.format, &file.text);
        findings.retain(|f| filter.enabled(&rules.rules[f.rule]));
        (file, findings)
    };
    let mut results: Vec<Result<Checked, SourceError>> = inputs
        .par_iter()
        .filter_map(|input| match input {
            // Read above, on this thread.
            Input::Stdin => None,
            Input::File(path, format) => Some(SourceFile::read(path, *format)),
        })
        .map(|r| r.map(check_one))
        .collect();
    if let Some(s) = stdin_file {
        results.push(s.map(check_one));
    }

    let mut files = Vec::new();
    let mut files_checked = 0;
    for r in results {
        match r {
            Ok((source, findings)) => {
                files_checked += 1;
                if !findings.is_empty() {
                    files.push(FileReport { source, findings });
                }
            }
            Err(e) => errors.push(e),
        }
    }
    files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    for e in &errors {
        writeln!(io.stderr, "error: {e}")?;
    }

    let report = Report {
        rules: &rules,
        files,
        files_checked,
    };
    match args.format {
        OutputFormat::Human => human::emit(io.stdout, &report, color)?,
        OutputFormat::Json => json::emit(io.stdout, &report)?,
    }
    io.stdout.flush()?;

    let failing = report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .any(|f| rules.rules[f.rule].severity >= Severity::Warning);
    Ok(if !errors.is_empty() {
        Exit::Error
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    })
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
    let selected: Vec<&Rule> = rules.rules.iter().filter(|r| filter.enabled(r)).collect();
    match args.format {
        OutputFormat::Human => human::rules_table(io.stdout, &selected)?,
        OutputFormat::Json => json::rules(io.stdout, &selected)?,
    }
    io.stdout.flush()?;
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
    human::explain(io.stdout, &rules, rule)?;
    io.stdout.flush()?;
    Ok(Exit::Clean)
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
