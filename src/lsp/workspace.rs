//! The rules and settings a document is checked with: the nearest `claimlint.toml` above it,
//! loaded once and reloaded when it (or a ruleset or shared footer it names) changes on disk.
//!
//! The command line finds its config from the current directory; an editor has one server for
//! many folders, so each document finds its own, from its directory upwards (the same
//! [`config::discover`]), and documents under one config share its compiled rules. Freshness is
//! checked on every check by comparing modification times and sizes of the files a load read — a
//! few `stat` calls — so an edit saved by any program is picked up even by clients that never
//! send `workspace/didChangeWatchedFiles`; the watcher the server registers only makes it
//! re-check open documents at once.
//!
//! Loading reuses the command line's steps ([`Config::load`], [`Config::rulesets`],
//! [`run::compile_rules`], [`Config::compile`]) but keeps a config failure as data, so its errors
//! can be published as diagnostics on the `claimlint.toml` itself.

use crate::cli::RulesetArgs;
use crate::config::{self, Config, ConfigFailure, PathFilter, Settings};
use crate::rules::RuleSet;
use crate::run::{self, Io};
use lsp_types::Url;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// Compiled rules and settings for the documents under one config (or none).
#[derive(Debug)]
pub struct Workspace {
    pub rules: RuleSet,
    pub settings: Settings,
    /// The config file, if one applies.
    pub config: Option<PathBuf>,
    filter: PathFilter,
    /// Each rule's documentation link, built on first use.
    urls: OnceLock<Vec<Option<Url>>>,
}

impl Workspace {
    fn new(
        rules: RuleSet,
        settings: Settings,
        config: Option<PathBuf>,
        filter: PathFilter,
    ) -> Self {
        Self {
            rules,
            settings,
            config,
            filter,
            urls: OnceLock::new(),
        }
    }

    /// Where rule `idx` is documented (for a diagnostic's `codeDescription`).
    #[must_use]
    pub fn rule_url(&self, idx: usize) -> Option<&Url> {
        self.urls
            .get_or_init(|| super::diagnostics::rule_urls(&self.rules))
            .get(idx)?
            .as_ref()
    }

    /// Whether the config's `exclude` globs leave `path` out (an editor shows it no diagnostics,
    /// as `check` skips it when walking).
    #[must_use]
    pub fn excluded(&self, path: &Path) -> bool {
        self.filter.excluded(path, false)
    }
}

/// Why a config could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The config file itself is wrong: errors with spans in its text.
    Config {
        path: PathBuf,
        failure: ConfigFailure,
    },
    /// A ruleset it names does not compile: the rendered errors.
    Rules { path: PathBuf, rendered: String },
}

impl LoadError {
    /// The config file at fault.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::Config { path, .. } | Self::Rules { path, .. } => path,
        }
    }

    /// One line for the user.
    #[must_use]
    pub fn summary(&self) -> String {
        match self {
            Self::Config { path, failure } => format!(
                "claimlint: {} has {} error{}; its documents are not checked until it is fixed",
                path.display(),
                failure.errors.len(),
                if failure.errors.len() == 1 { "" } else { "s" }
            ),
            Self::Rules { path, rendered } => format!(
                "claimlint: a ruleset named in {} does not compile; its documents are not checked until it is fixed\n{rendered}",
                path.display()
            ),
        }
    }
}

/// One load, with the state of the files it read.
#[derive(Debug)]
pub struct Load {
    pub result: Result<Arc<Workspace>, LoadError>,
    stamps: Vec<(PathBuf, Option<Stamp>)>,
}

type Stamp = (SystemTime, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Load {
    fn fresh(&self) -> bool {
        self.stamps.iter().all(|(p, s)| stamp(p) == *s)
    }

    /// Whether `path` is one of the files this load read.
    #[must_use]
    pub fn reads(&self, path: &Path) -> bool {
        self.stamps.iter().any(|(p, _)| p == path)
    }
}

/// Every config loaded so far, by path (`None`: no config applies).
#[derive(Debug, Default)]
pub struct Workspaces {
    loads: Mutex<HashMap<Option<PathBuf>, Arc<Load>>>,
}

impl Workspaces {
    /// The load for a document in `dir` (its directory, or the workspace root for an unsaved
    /// document; `None`: no config), reloaded first if a file it read changed.
    pub fn for_dir(&self, dir: Option<&Path>) -> Arc<Load> {
        let key = dir.and_then(config::discover);
        // Loading holds the lock: two documents under one new config wait for one compile
        // instead of racing two.
        let mut loads = self
            .loads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(l) = loads.get(&key)
            && l.fresh()
        {
            return l.clone();
        }
        let load = Arc::new(load(key.as_deref()));
        loads.insert(key, load.clone());
        load
    }

    /// Whether a saved file is a config or a file a loaded config reads.
    #[must_use]
    pub fn is_dependency(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == config::FILE_NAME)
            || self
                .loads
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .values()
                .any(|l| l.reads(path))
    }
}

fn load(path: Option<&Path>) -> Load {
    let Some(path) = path else {
        return Load {
            result: compile(Vec::new(), None).map(|rules| {
                Arc::new(Workspace::new(
                    rules,
                    Settings::default(),
                    None,
                    PathFilter::default(),
                ))
            }),
            stamps: Vec::new(),
        };
    };
    let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut stamps = vec![(path.to_path_buf(), stamp(path))];
    let config_error = |failure| LoadError::Config {
        path: path.to_path_buf(),
        failure,
    };
    let result = (|| {
        let cfg = Config::load(path, &dir).map_err(config_error)?;
        stamps.extend(cfg.files().into_iter().map(|p| {
            let s = stamp(&p);
            (p, s)
        }));
        let extra = cfg.rulesets().map_err(config_error)?;
        let mut rules = compile(extra, Some(path))?;
        let settings = cfg.compile(&rules).map_err(config_error)?;
        settings.apply_severities(&mut rules);
        let filter = PathFilter::new(&dir, &[], &[], &settings).unwrap_or_default();
        Ok(Arc::new(Workspace::new(
            rules,
            settings,
            Some(path.to_path_buf()),
            filter,
        )))
    })();
    Load { result, stamps }
}

/// The built-in rulesets and `extra`, compiled as `check` compiles them.
fn compile(
    extra: Vec<crate::rules::RulesetSource>,
    config: Option<&Path>,
) -> Result<RuleSet, LoadError> {
    let mut rendered = Vec::new();
    let mut io = Io {
        stdin: &mut std::io::empty(),
        stdout: &mut std::io::sink(),
        stderr: &mut rendered,
        stdout_is_terminal: false,
        exits_after: false,
    };
    match run::compile_rules(&RulesetArgs::default(), extra, &mut io, false) {
        Ok(Some(rules)) => Ok(rules),
        _ => Err(LoadError::Rules {
            path: config.map(Path::to_path_buf).unwrap_or_default(),
            rendered: String::from_utf8_lossy(&rendered).into_owned(),
        }),
    }
}
