//! `claimlint.toml`: discovery, parsing and validation, and the path filters of a run (issue 4).
//!
//! The file is found by walking up from the current directory (or named with `--config`), and
//! every path in it is relative to the file, so a site repository behaves the same from any
//! subdirectory. Two stages, as for rulesets: [`Config::load`] parses the raw TOML
//! (`deny_unknown_fields`, kebab-case, so a typo is an error at its line and column), and
//! [`Config::compile`] checks it against the loaded rules and turns it into [`Settings`], whose
//! errors also point into the TOML.
//!
//! ```toml
//! rulesets = ["rules/clinic.toml"]       # in addition to the built-in rulesets
//! select = ["hype", "ketamine/"]         # rule ids, id prefixes or categories
//! ignore = ["caveat/consult"]
//! exclude = ["drafts/**", "legal/"]      # gitignore-style globs, relative to this file
//! fail-on = "warning"                    # error | warning | info | never
//! profile = "uk"                         # us (default) | uk | ca | au | eu (issue 25)
//! report-unused-suppressions = true
//!
//! [severity]                             # the most specific key wins
//! hype = "info"
//! "ketamine/approval-unscoped" = "error"
//!
//! include = ["app/**/*.tsx"]             # formats a walk skips by default (issue 22)
//! fragments = ["_includes/", "layouts/"] # span findings only, no missing caveats
//! front-matter-fields = ["title", "seo.description"]
//! jsx-props = ["title", "alt"]
//! text-shortcodes = ["note"]
//!
//! [ignore-patterns]                      # Vale's BlockIgnores / TokenIgnores
//! block = ['(?s)<!-- x -->.*?<!-- /x -->']
//! token = ['\[\[[a-z]+\]\]']
//!
//! [caveats]
//! shared-footer = "partials/safety.md"   # prose every page shows: its caveats count
//!
//! [[overrides]]                          # later entries win
//! paths = ["blog/**"]
//! profile = "au"                         # the Sydney clinic's pages
//! ignore = ["hype"]
//! severity = { efficacy = "warning" }
//! caveats.shared-footer = "partials/blog-safety.md"
//! ```
//!
//! Command-line flags win over the file: `--select` replaces `select` (and every override's
//! `select`), `--ignore` adds to `ignore`, `--fail-on` replaces `fail-on`.

use crate::check;
use crate::cli::FailOn;
use crate::extract::{self, Format};
use crate::report::FileReport;
use crate::rules::{Category, Profile, Rule, RuleSet, RulesetSource, Severity};
use crate::site;
use crate::source::{self, SourceFile};
use crate::suppress::Suppressions;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The name looked for in the current directory and its ancestors.
pub const FILE_NAME: &str = "claimlint.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rulesets: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<RawFailOn>,
    #[serde(default)]
    report_unused_suppressions: Option<bool>,
    #[serde(default)]
    caveats: RawCaveats,
    #[serde(default)]
    overrides: Vec<Spanned<RawOverride>>,
    /// Globs that bring in files a walk skips by default (`.jsx` / `.tsx`).
    #[serde(default)]
    include: Vec<Spanned<String>>,
    /// Globs of fragments (partials, includes, layouts): span findings only.
    #[serde(default)]
    fragments: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    front_matter_fields: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    jsx_props: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    text_shortcodes: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore_patterns: RawIgnorePatterns,
    /// The jurisdiction profile pages are judged under.
    #[serde(default)]
    profile: Option<Profile>,
}

/// Vale's `BlockIgnores` and `TokenIgnores`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIgnorePatterns {
    #[serde(default)]
    block: Vec<Spanned<String>>,
    #[serde(default)]
    token: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCaveats {
    #[serde(default)]
    shared_footer: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    caveats: RawCaveats,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawFailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl From<RawFailOn> for FailOn {
    fn from(f: RawFailOn) -> Self {
        match f {
            RawFailOn::Error => Self::Error,
            RawFailOn::Warning => Self::Warning,
            RawFailOn::Info => Self::Info,
            RawFailOn::Never => Self::Never,
        }
    }
}

/// A problem in the config file: a message and, when known, the byte span in the TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// Why the config could not be used: the file (for rendering) and every problem found in it.
#[derive(Debug, Clone)]
pub struct ConfigFailure {
    /// The file's display name.
    pub name: String,
    pub text: String,
    pub errors: Vec<ConfigError>,
}

impl ConfigFailure {
    /// The errors as (span, message) pairs, the shape the human renderer takes.
    #[must_use]
    pub fn spans(&self) -> Vec<(Option<Range<usize>>, String)> {
        self.errors
            .iter()
            .map(|e| (e.span.clone(), e.message.clone()))
            .collect()
    }
}

/// A parsed config file (stage one: syntax and keys checked, nothing resolved against the rules).
#[derive(Debug)]
pub struct Config {
    /// The file's display name: as given to `--config`, or its path when discovered.
    pub name: String,
    /// The absolute directory of the file; its relative paths start here.
    pub dir: PathBuf,
    pub text: String,
    raw: RawConfig,
}

/// The nearest `claimlint.toml` in `cwd` or an ancestor.
#[must_use]
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// `path` made absolute against `cwd` and cleaned of `.` and `..` without touching the file
/// system (a symlinked directory is not resolved: globs match the path as the user sees it).
#[must_use]
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A rule selector (`--select`, `ignore`, a `[severity]` key, a suppression) matches a rule by
/// category name or as a prefix of its id: `hype`, `ketamine/`, `hype/miracle`.
#[must_use]
pub fn selector_matches(sel: &str, rule: &Rule) -> bool {
    rule.category.as_str() == sel || rule.id.starts_with(sel)
}

/// Whether a selector names a category or matches at least one loaded rule.
#[must_use]
pub fn selector_is_known(sel: &str, rules: &RuleSet) -> bool {
    Category::ALL.iter().any(|c| c.as_str() == sel)
        || rules.rules.iter().any(|r| selector_matches(sel, r))
}

/// How specific a selector is for a rule it matches: an exact id beats a longer prefix, which
/// beats a shorter one, which beats a category name.
fn specificity(sel: &str, rule: &Rule) -> Option<usize> {
    if rule.id == sel {
        Some(usize::MAX)
    } else if rule.id.starts_with(sel) {
        Some(1 + sel.len())
    } else if rule.category.as_str() == sel {
        Some(0)
    } else {
        None
    }
}

impl Config {
    /// Reads and parses the config file at `path` (relative to `cwd`).
    ///
    /// # Errors
    /// The file cannot be read, is not TOML, or has an unknown key or a bad value.
    pub fn load(path: &Path, cwd: &Path) -> Result<Self, ConfigFailure> {
        let abs = absolute(cwd, path);
        let name = match abs.strip_prefix(cwd) {
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        };
        let fail = |text: String, span, message| ConfigFailure {
            name: name.clone(),
            text,
            errors: vec![ConfigError { span, message }],
        };
        let text =
            source::read_text(&abs, source::CONFIG_LIMIT, "the config limit").map_err(|e| {
                let e = crate::source::SourceError::io(String::new(), &e);
                let msg = e.to_string();
                fail(
                    String::new(),
                    None,
                    msg.trim_start_matches(": ").to_string(),
                )
            })?;
        let raw: RawConfig = toml::from_str(&text)
            .map_err(|e| fail(text.clone(), e.span(), e.message().trim().to_string()))?;
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Self {
            name,
            dir,
            text,
            raw,
        })
    }

    fn failure(&self, errors: Vec<ConfigError>) -> ConfigFailure {
        ConfigFailure {
            name: self.name.clone(),
            text: self.text.clone(),
            errors,
        }
    }

    /// The other files the config reads (its rulesets and shared footer), as absolute paths: a
    /// long-running process (the language server) reloads the config when one changes.
    #[must_use]
    pub fn files(&self) -> Vec<PathBuf> {
        let footer = self.raw.caveats.shared_footer.iter();
        self.raw
            .rulesets
            .iter()
            .chain(footer)
            .map(|p| self.dir.join(p.get_ref()))
            .collect()
    }

    /// Reads the extra rulesets the file lists.
    ///
    /// # Errors
    /// A listed file cannot be read (the error points at its entry).
    pub fn rulesets(&self) -> Result<Vec<RulesetSource>, ConfigFailure> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for r in &self.raw.rulesets {
            let path = self.dir.join(r.get_ref());
            match source::read_text(&path, source::RULESET_LIMIT, "the ruleset limit") {
                Ok(text) => out.push(RulesetSource {
                    name: path.display().to_string(),
                    text,
                }),
                Err(e) => errors.push(ConfigError {
                    span: Some(r.span()),
                    message: format!("cannot read ruleset `{}`: {}", r.get_ref(), io_reason(&e)),
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(self.failure(errors))
        }
    }

    /// Validates the file against the loaded rules: every selector and severity key must match
    /// something, every glob must parse, the shared footer must be readable.
    ///
    /// # Errors
    /// Every problem found, each at its span in the TOML.
    pub fn compile(&self, rules: &RuleSet) -> Result<Settings, ConfigFailure> {
        let mut errors = Vec::new();
        let base = layer(
            &self.raw.select,
            &self.raw.ignore,
            &self.raw.severity,
            rules,
            &mut errors,
        );
        let exclude = globs(&self.dir, &self.raw.exclude, &mut errors);
        let extract = self.extract_options(&mut errors);
        let footer = self
            .raw
            .caveats
            .shared_footer
            .as_ref()
            .and_then(|f| self.footer(f, rules, &extract, &mut errors));
        let mut overrides = Vec::new();
        for o in &self.raw.overrides {
            let raw = o.get_ref();
            if raw.paths.is_empty() {
                errors.push(ConfigError {
                    span: Some(o.span()),
                    message: "an override needs at least one glob in `paths`".into(),
                });
            }
            let paths = globs(&self.dir, &raw.paths, &mut errors);
            let l = layer(&raw.select, &raw.ignore, &raw.severity, rules, &mut errors);
            let footer = raw
                .caveats
                .shared_footer
                .as_ref()
                .and_then(|f| self.footer(f, rules, &extract, &mut errors));
            overrides.push(Override {
                paths,
                layer: l,
                footer,
                profile: raw.profile,
            });
        }
        let fragments = self
            .raw
            .fragments
            .as_ref()
            .map(|f| globs(&self.dir, f, &mut errors));
        let include = (!self.raw.include.is_empty())
            .then(|| Arc::new(globs(&self.dir, &self.raw.include, &mut errors)));
        if !errors.is_empty() {
            return Err(self.failure(errors));
        }
        Ok(Settings {
            base,
            overrides,
            exclude: Some(exclude),
            footer,
            fragments,
            include,
            extract: Arc::new(extract),
            fail_on: self.raw.fail_on.map(FailOn::from),
            report_unused_suppressions: self.raw.report_unused_suppressions,
            profile: self.raw.profile,
        })
    }

    /// Reads and extracts a shared footer named at `f`, and works out which caveats it may count
    /// for (see [`site::Footer`]).
    fn footer(
        &self,
        f: &Spanned<String>,
        rules: &RuleSet,
        opts: &extract::Options,
        errors: &mut Vec<ConfigError>,
    ) -> Option<site::Footer> {
        let path = self.dir.join(f.get_ref());
        match source::read_text(&path, source::DEFAULT_MAX_FILESIZE, "--max-filesize") {
            Ok(text) => {
                let format = Format::from_path(&path).unwrap_or(Format::Text);
                let blocks = extract::extract_with(format, &text, opts).blocks;
                Some(site::Footer::new(rules, blocks))
            }
            Err(e) => {
                errors.push(ConfigError {
                    span: Some(f.span()),
                    message: format!(
                        "cannot read the shared footer `{}`: {}",
                        f.get_ref(),
                        io_reason(&e)
                    ),
                });
                None
            }
        }
    }

    /// How site files are read: template options, ignore patterns, front-matter fields, JSX props.
    fn extract_options(&self, errors: &mut Vec<ConfigError>) -> extract::Options {
        let names = |v: &Option<Vec<Spanned<String>>>| {
            v.as_ref()
                .map(|v| v.iter().map(|s| s.get_ref().trim().to_string()).collect())
        };
        let mut regexes = |v: &[Spanned<String>], multi_line: bool| -> Vec<regex::Regex> {
            v.iter()
                .filter_map(|p| {
                    match regex::RegexBuilder::new(p.get_ref())
                        .multi_line(multi_line)
                        .build()
                    {
                        Ok(re) => Some(re),
                        Err(e) => {
                            errors.push(ConfigError {
                                span: Some(p.span()),
                                message: format!(
                                    "invalid ignore pattern: {}",
                                    e.to_string().lines().last().unwrap_or_default().trim()
                                ),
                            });
                            None
                        }
                    }
                })
                .collect()
        };
        let ignore_block = regexes(&self.raw.ignore_patterns.block, true);
        let ignore_token = regexes(&self.raw.ignore_patterns.token, false);
        extract::Options {
            templates: extract::template::TemplateOptions {
                text_shortcodes: names(&self.raw.text_shortcodes),
                ignore_block,
                ignore_token,
            },
            front_matter_fields: names(&self.raw.front_matter_fields),
            jsx_props: names(&self.raw.jsx_props),
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    let s = crate::source::SourceError::io(String::new(), e).to_string();
    s.trim_start_matches(": ").to_string()
}

/// Validates and copies one layer of select / ignore / severity.
fn layer(
    select: &[Spanned<String>],
    ignore: &[Spanned<String>],
    severity: &BTreeMap<Spanned<String>, Severity>,
    rules: &RuleSet,
    errors: &mut Vec<ConfigError>,
) -> Layer {
    let mut check = |sel: &Spanned<String>| {
        let known = selector_is_known(sel.get_ref(), rules);
        if !known {
            errors.push(ConfigError {
                span: Some(sel.span()),
                message: format!("`{}` matches no rule or category", sel.get_ref()),
            });
        }
        known
    };
    let select = select
        .iter()
        .filter(|s| check(s))
        .map(|s| s.get_ref().clone())
        .collect();
    let ignore = ignore
        .iter()
        .filter(|s| check(s))
        .map(|s| s.get_ref().clone())
        .collect();
    let severity = severity
        .iter()
        .filter(|(k, _)| check(k))
        .map(|(k, v)| (k.get_ref().clone(), *v))
        .collect();
    Layer {
        select,
        ignore,
        severity,
    }
}

/// Compiles gitignore-style globs rooted at `root`.
fn globs(root: &Path, patterns: &[Spanned<String>], errors: &mut Vec<ConfigError>) -> Gitignore {
    let mut b = GitignoreBuilder::new(root);
    for p in patterns {
        if let Err(e) = b.add_line(None, p.get_ref()) {
            errors.push(ConfigError {
                span: Some(p.span()),
                message: format!("invalid glob `{}`: {}", p.get_ref(), glob_reason(&e)),
            });
        }
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

fn glob_reason(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
    }
}

/// Whether `path` (absolute, clean) or one of its parents under the matcher's root matches.
fn matches(globs: &Gitignore, path: &Path, is_dir: bool) -> bool {
    !globs.is_empty()
        && path.starts_with(globs.path())
        && globs.matched_path_or_any_parents(path, is_dir).is_ignore()
}

/// One `[[overrides]]` entry, compiled.
#[derive(Debug)]
struct Override {
    paths: Gitignore,
    layer: Layer,
    /// Its `caveats.shared-footer`, replacing the top-level one for its paths.
    footer: Option<site::Footer>,
    /// Its `profile`, replacing the top-level one for its paths.
    profile: Option<Profile>,
}

/// One layer of rule selection: the top level of the file, or one `[[overrides]]` entry.
#[derive(Debug, Default, Clone)]
struct Layer {
    select: Vec<String>,
    ignore: Vec<String>,
    severity: Vec<(String, Severity)>,
}

impl Layer {
    /// The severity the most specific key of this layer gives `rule`, if any key matches it.
    fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .iter()
            .filter_map(|(k, s)| specificity(k, rule).map(|n| (n, *s)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, s)| s)
    }
}

/// What the config asks of a run, validated and compiled (stage two). [`Settings::default`] is a
/// run without a config file.
#[derive(Debug, Default)]
pub struct Settings {
    base: Layer,
    overrides: Vec<Override>,
    exclude: Option<Gitignore>,
    /// The shared footer (`[caveats] shared-footer`), extracted once.
    pub footer: Option<site::Footer>,
    /// Fragments: no page-level findings. `None` (no config file): the default globs.
    fragments: Option<Gitignore>,
    /// The config's `include` globs: files a walk skips by default that it should read.
    pub include: Option<Arc<Gitignore>>,
    /// How site files are read (templates, ignore patterns, front matter, JSX props).
    pub extract: Arc<extract::Options>,
    pub fail_on: Option<FailOn>,
    pub report_unused_suppressions: Option<bool>,
    /// The top-level `profile`; `None`: the default.
    pub profile: Option<Profile>,
}

/// Which rules report in one file, and at what severity.
#[derive(Debug, Clone)]
pub struct FileRules {
    /// By rule index: `None` when the rule is off for this file.
    levels: Arc<[Option<Severity>]>,
    /// Whether an `[[overrides]]` entry applied (so severities may differ from the rules' own).
    overridden: bool,
}

impl FileRules {
    #[must_use]
    pub fn enabled(&self, rule: usize) -> bool {
        self.levels.get(rule).is_some_and(Option::is_some)
    }

    /// The per-file severity table for [`crate::report::FileReport::severities`]: `None` when
    /// no override applied and the rules' own severities stand.
    #[must_use]
    pub fn severities(&self, rules: &RuleSet) -> Option<Arc<[Severity]>> {
        self.overridden.then(|| {
            self.levels
                .iter()
                .zip(&rules.rules)
                .map(|(l, r)| l.unwrap_or(r.severity))
                .collect()
        })
    }
}

impl Settings {
    /// Applies the top-level `[severity]` table to the rules themselves, so every consumer of the
    /// rule set (`rules`, `explain`, every output format) sees the configured severity.
    pub fn apply_severities(&self, rules: &mut RuleSet) {
        for r in &mut rules.rules {
            if let Some(s) = self.base.severity_of(r) {
                r.severity = s;
            }
        }
    }

    /// Which rules report in the file at `path` (absolute and clean, see [`absolute`]), and at
    /// what severity. `cli_select` replaces every `select` list (the command line wins).
    #[must_use]
    pub fn file_rules(&self, rules: &RuleSet, path: Option<&Path>, cli_select: bool) -> FileRules {
        let applied: Vec<&Layer> = match path {
            Some(p) => self
                .overrides
                .iter()
                .filter(|o| matches(&o.paths, p, false))
                .map(|o| &o.layer)
                .collect(),
            None => Vec::new(),
        };
        let levels = rules
            .rules
            .iter()
            .map(|rule| {
                let mut select = if cli_select {
                    &[][..]
                } else {
                    &self.base.select[..]
                };
                let mut ignored = self.base.ignore.iter().any(|s| selector_matches(s, rule));
                let mut severity = rule.severity;
                for l in &applied {
                    if !cli_select && !l.select.is_empty() {
                        select = &l.select;
                    }
                    ignored |= l.ignore.iter().any(|s| selector_matches(s, rule));
                    if let Some(s) = l.severity_of(rule) {
                        severity = s;
                    }
                }
                let selected =
                    select.is_empty() || select.iter().any(|s| selector_matches(s, rule));
                (selected && !ignored).then_some(severity)
            })
            .collect();
        FileRules {
            levels,
            overridden: !applied.is_empty(),
        }
    }
}

/// Which walked paths are checked: the config's `exclude` (relative to the config file) and the
/// command line's `--include` / `--exclude` (relative to the current directory). All are
/// gitignore-style globs: one without a `/` matches a name at any depth, `dir/**` everything
/// under a directory. Excludes prune whole directories; includes only narrow what the walk finds
/// (a glob never brings back an ignored or hidden file).
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    cwd: PathBuf,
    include: Option<Arc<Gitignore>>,
    exclude: Vec<Arc<Gitignore>>,
    /// The config's `include`: brings in formats a walk skips by default (`.jsx`, `.tsx`).
    opt_in: Option<Arc<Gitignore>>,
}

impl PathFilter {
    /// # Errors
    /// A command-line glob does not parse.
    pub fn new(
        cwd: &Path,
        include: &[String],
        exclude: &[String],
        settings: &Settings,
    ) -> Result<Self, String> {
        let build = |flag: &str, patterns: &[String]| -> Result<Gitignore, String> {
            let mut b = GitignoreBuilder::new(cwd);
            for p in patterns {
                b.add_line(None, p)
                    .map_err(|e| format!("{flag} `{p}`: invalid glob: {}", glob_reason(&e)))?;
            }
            b.build().map_err(|e| format!("{flag}: {e}"))
        };
        let include = build("--include", include)?;
        let exclude_cli = build("--exclude", exclude)?;
        let mut excludes = vec![Arc::new(exclude_cli)];
        if let Some(g) = &settings.exclude {
            excludes.push(Arc::new(g.clone()));
        }
        Ok(Self {
            cwd: cwd.to_path_buf(),
            include: (!include.is_empty()).then(|| Arc::new(include)),
            exclude: excludes,
            opt_in: settings.include.clone(),
        })
    }

    /// Whether a walked file of a format that is skipped by default is brought in: by the
    /// config's `include`, or by a `--include` glob.
    #[must_use]
    pub fn opted_in(&self, path: &Path) -> bool {
        let abs = absolute(&self.cwd, path);
        [&self.opt_in, &self.include]
            .into_iter()
            .flatten()
            .any(|g| matches(g, &abs, false))
    }

    /// Whether a walked entry is excluded (a directory is then not entered).
    #[must_use]
    pub fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        let abs = absolute(&self.cwd, path);
        self.exclude.iter().any(|g| matches(g, &abs, is_dir))
    }

    /// Whether a walked file passes `--include` (always, when there is none).
    #[must_use]
    pub fn included(&self, path: &Path) -> bool {
        self.include
            .as_ref()
            .is_none_or(|g| matches(g, &absolute(&self.cwd, path), false))
    }

    /// The absolute, clean form of a path as given (for per-path overrides).
    #[must_use]
    pub fn absolute(&self, path: &Path) -> PathBuf {
        absolute(&self.cwd, path)
    }
}

impl Settings {
    /// Whether the file at `path` (absolute, clean) is a fragment (the config's `fragments`, or
    /// by default `_includes/`, `layouts/`, `partials/`, `components/` …).
    #[must_use]
    pub fn is_fragment(&self, path: &Path) -> bool {
        match &self.fragments {
            Some(g) => matches(g, path, false),
            None => matches(site::default_fragments_ref(), path, false),
        }
    }

    /// The shared footer for the file at `path`: the last matching override's, else the
    /// top-level one.
    #[must_use]
    pub fn footer_for(&self, path: Option<&Path>) -> Option<&site::Footer> {
        path.and_then(|p| {
            self.overrides
                .iter()
                .rev()
                .filter(|o| o.footer.is_some())
                .find(|o| matches(&o.paths, p, false))
                .and_then(|o| o.footer.as_ref())
        })
        .or(self.footer.as_ref())
    }

    /// The profile the file at `path` is judged under: the command line's `--profile`, else the
    /// last matching override's, else the top-level one, else [`Profile::Us`].
    #[must_use]
    pub fn profile_for(&self, path: Option<&Path>, cli: Option<Profile>) -> Profile {
        cli.or_else(|| {
            path.and_then(|p| {
                self.overrides
                    .iter()
                    .rev()
                    .filter(|o| o.profile.is_some())
                    .find(|o| matches(&o.paths, p, false))
                    .and_then(|o| o.profile)
            })
        })
        .or(self.profile)
        .unwrap_or_default()
    }

    /// Checks one file under these settings: extraction, the rules (with the shared footer as
    /// context), the file's rule selection (`cli_enabled` is the command line's `--select` /
    /// `--ignore`), then its suppression comments. `path` is the file's absolute, clean path for
    /// per-path overrides (`None` for standard input without `--stdin-filename`).
    #[must_use]
    pub fn check_file(
        &self,
        rules: &RuleSet,
        source: SourceFile,
        path: Option<&Path>,
        cli: &CliSelection<'_>,
    ) -> FileReport {
        let file_rules = self.file_rules(rules, path, cli.select_given);
        // A fragment (a partial, an include, a layout) is part of many pages: its sentences are
        // checked, but whether a page discloses a caveat is a question for the page.
        let fragment = path.is_some_and(|p| self.is_fragment(p));
        let enabled = |rule: usize| {
            let r = &rules.rules[rule];
            file_rules.enabled(rule)
                && (cli.enabled)(r)
                && !(fragment && r.category == Category::MissingCaveat)
        };
        let footer = self.footer_for(path);
        // Blocks go to the checker as the extractor finishes them and are dropped once decided:
        // a large file never has all its prose in memory at once.
        let profile = self.profile_for(path, cli.profile);
        let mut checker = check::Checker::new(rules, &enabled).with_profile(profile);
        if let Some(f) = footer {
            checker.footer_counts(f.names());
        }
        let comments =
            extract::extract_to_with(source.format, &source.text, &self.extract, &mut |b| {
                checker.feed(b);
            });
        let mut findings = checker.finish(footer.map_or(&[][..], |f| &f.blocks[..]));
        let meta = if comments.is_empty() {
            Vec::new()
        } else {
            Suppressions::parse(&comments, &source.text, rules).apply(
                &mut findings,
                rules,
                cli.report_unused,
            )
        };
        FileReport {
            severities: file_rules.severities(rules),
            source,
            findings,
            meta,
        }
    }
}

/// What the command line adds to the config for each file.
pub struct CliSelection<'a> {
    /// `--select` was given: it replaces the config's `select` lists.
    pub select_given: bool,
    /// The command line's `--select` / `--ignore` verdict on a rule.
    pub enabled: &'a (dyn Fn(&Rule) -> bool + Sync),
    /// Report unused suppressions.
    pub report_unused: bool,
    /// `--profile`: replaces the config's profiles.
    pub profile: Option<Profile>,
}

/// Whether the environment is a CI run (`CI` set to anything but empty, `0` or `false`): the
/// default for `--report-unused-suppressions`.
#[must_use]
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}
