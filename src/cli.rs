//! Command-line definitions (clap derive). Only the shape of the interface lives here; what each
//! command does is in [`crate::run`].

use crate::rules::Profile;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Screens medical marketing copy for hype, unsupported claims and missing caveats.
///
/// claimlint is a screening aid, not legal or regulatory advice.
#[derive(Debug, Parser)]
#[command(name = "claimlint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (`-` reads standard input).
    Check(CheckArgs),
    /// List every loaded rule.
    Rules(RulesArgs),
    /// Explain one rule: what it flags, why, what to write instead, and examples.
    Explain(ExplainArgs),
    /// Serve the paste-and-review page and its JSON API on a local port.
    Serve(ServeArgs),
    /// Validate ruleset files and run their examples; errors point into the TOML.
    CheckRules(CheckRulesArgs),
    /// Run the language server on standard input and output (for editors; see docs/editors.md).
    Lsp(LspArgs),
    /// Write a copy of a Word document (.docx) with a review comment on each finding.
    Annotate(AnnotateArgs),
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted because editor clients
    /// such as vscode-languageclient pass it).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// The Word document to check; it is never modified.
    #[arg(value_name = "DOCX")]
    pub input: PathBuf,

    /// Where to write the annotated copy.
    #[arg(short, long, value_name = "DOCX")]
    pub output: PathBuf,

    /// Also put each safe fix in as a tracked replacement, and each missing caveat as a tracked
    /// insertion at the end of the document, for the writer to accept or reject.
    #[arg(long)]
    pub track_changes: bool,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub rulesets: RulesetArgs,

    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct CheckRulesArgs {
    /// Ruleset files to check. They are compiled with the built-in rulesets (a file with the
    /// same name as a built-in one replaces it), so duplicate ids and lexicon references are
    /// checked across all of them.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Check the files on their own, without the built-in rulesets.
    #[arg(long)]
    pub no_default_rulesets: bool,

    /// When to colour the diagnostics (`auto` does not colour: they go to stderr).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; directories are walked, honouring .gitignore and skipping
    /// hidden files. `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// When to colour human output; `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The file name to report for `-`; its extension picks the format (default: plain text).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Skip (with an error, exit code 2) files and standard input larger than this: a number of
    /// bytes with an optional K, M or G suffix.
    #[arg(long, value_name = "NUM+SUFFIX?", default_value = "64M", value_parser = crate::source::parse_size)]
    pub max_filesize: u64,

    #[command(flatten)]
    pub rulesets: RulesetArgs,

    #[command(flatten)]
    pub filter: FilterArgs,

    #[command(flatten)]
    pub ci: CiArgs,

    #[command(flatten)]
    pub paths_filter: PathFilterArgs,

    #[command(flatten)]
    pub suppressions: SuppressionArgs,

    /// The jurisdiction whose rules pages are judged under (default: the config's `profile`,
    /// else `us`).
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<Profile>,
}

/// Which walked files are checked (on top of .gitignore and the config's `exclude`).
#[derive(Debug, Args, Default)]
pub struct PathFilterArgs {
    /// Check only walked files matching this gitignore-style glob (repeatable), e.g. `'*.md'`,
    /// `'blog/**'`; relative to the current directory. Files named explicitly are always checked.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip walked files and directories matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Filter files named on the command line as walked ones are: excludes, `--include`, and
    /// only formats a walk reads (for lists of changed files from CI; ruff's flag of that name).
    #[arg(long)]
    pub force_exclude: bool,
}

/// Reporting on inline suppressions.
#[derive(Debug, Args, Default)]
pub struct SuppressionArgs {
    /// Report suppression comments that suppressed nothing (default: on when `CI` is set, or as
    /// the config's `report-unused-suppressions` says).
    #[arg(long, overrides_with = "no_report_unused_suppressions")]
    pub report_unused_suppressions: bool,

    /// Do not report unused suppressions.
    #[arg(long, overrides_with = "report_unused_suppressions")]
    pub no_report_unused_suppressions: bool,
}

impl SuppressionArgs {
    /// The flags' verdict, if either was given.
    #[must_use]
    pub fn report_unused(&self) -> Option<bool> {
        if self.report_unused_suppressions {
            Some(true)
        } else if self.no_report_unused_suppressions {
            Some(false)
        } else {
            None
        }
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// List only the rules that apply under this jurisdiction profile.
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    #[command(flatten)]
    pub rulesets: RulesetArgs,

    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The TCP port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,

    /// The address to listen on. The default answers this computer only; `0.0.0.0` lets anyone
    /// on the network use the page.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    #[command(flatten)]
    pub rulesets: RulesetArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `hype/game-changer`.
    #[arg(value_name = "RULE")]
    pub rule: String,

    /// Explain the rule as it applies under this jurisdiction profile (its help and basis).
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    #[command(flatten)]
    pub rulesets: RulesetArgs,
}

/// Which rulesets to load.
#[derive(Debug, Args, Default)]
pub struct RulesetArgs {
    /// A ruleset file to load in addition to the built-in ones (repeatable).
    #[arg(long = "ruleset", value_name = "FILE")]
    pub rulesets: Vec<PathBuf>,

    /// Load only the `--ruleset` files, not the built-in rulesets.
    #[arg(long, requires = "rulesets")]
    pub no_default_rulesets: bool,

    /// The config file (default: the nearest `claimlint.toml` in the current directory or above).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Use no config file.
    #[arg(long)]
    pub no_config: bool,
}

/// Which rules report.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Only these rules: comma-separated rule ids, id prefixes (`ketamine/`) or categories
    /// (`hype`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules: comma-separated rule ids, id prefixes or categories.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output. An explicit `always` wins over `NO_COLOR` (the `NO_COLOR` convention:
    /// command-line flags override it); `auto` colours only a terminal with `NO_COLOR` unset or empty.
    #[must_use]
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// `check --format`: the `rules` formats plus the CI ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Compiler-style diagnostics with the source line.
    Human,
    /// A JSON array of diagnostics.
    Json,
    /// One line per diagnostic: `path:line:col: severity[rule] message`.
    Concise,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// A self-contained HTML page for a compliance lead to review, print and sign.
    Html,
    /// The same review as GitHub-flavoured Markdown (for a CI job summary).
    Markdown,
}

/// The least severity that makes `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Exit 0 whatever is found (errors reading files still exit 2).
    Never,
}

/// Reporting and fixing options for CI and review workflows (issue 5).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("fix-mode").args(["fix", "diff", "write_baseline"]))]
pub struct CiArgs {
    /// Print a table of counts per rule and per category instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,

    /// The least severity that makes the exit code 1 [default: the config's `fail-on`, else
    /// warning].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Report only findings that are not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in a baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Apply safe suggestions to the files (with `-`, print the fixed text instead).
    #[arg(long)]
    pub fix: bool,

    /// Also apply suggestions marked `review` (claim rewrites, inserted caveats).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change, and write nothing.
    #[arg(long)]
    pub diff: bool,
}

/// `--profile us|uk|ca|au|eu`, spelled as in config files.
impl clap::ValueEnum for Profile {
    fn value_variants<'a>() -> &'a [Self] {
        &Profile::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()).help(self.label()))
    }
}
