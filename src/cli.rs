//! Command-line definitions (clap derive). Only the shape of the interface lives here; what each
//! command does is in [`crate::run`].

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
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; directories are walked, honouring .gitignore and skipping
    /// hidden files. `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// When to colour human output; `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The file name to report for `-`; its extension picks the format (default: plain text).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    #[command(flatten)]
    pub rulesets: RulesetArgs,

    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    #[command(flatten)]
    pub rulesets: RulesetArgs,

    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `hype/game-changer`.
    #[arg(value_name = "RULE")]
    pub rule: String,

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
