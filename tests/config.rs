//! `claimlint.toml`: discovery, errors, select/ignore, severity, per-path overrides, excludes,
//! `fail-on` and the shared caveat footer — the built binary with the built-in rulesets, run in
//! temporary site trees.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `claimlint ARGS…` in `dir` with a clean environment (no `CI`, no `NO_COLOR`).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_env(dir, args, &[])
}

pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimlint"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("CI")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run claimlint")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A temporary directory holding `files` (parents created).
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

/// (path, rule, severity, line, column) of one diagnostic.
pub type Row = (String, String, String, u64, u64);

/// `check --format json ARGS…` in `dir`: (path, rule, severity, line, column) of each diagnostic,
/// and the exit code.
pub fn check(dir: &Path, args: &[&str]) -> (Vec<Row>, i32) {
    check_env(dir, args, &[])
}

pub fn check_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Vec<Row>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run_env(dir, &all, env);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", stdout(&out), stderr(&out)));
    let rows = v
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    (rows, code(&out))
}

pub fn row(path: &str, rule: &str, severity: &str, line: u64, col: u64) -> Row {
    (path.into(), rule.into(), severity.into(), line, col)
}

/// Hype and nothing else the built-in rules care about.
const HYPE: &str = "Our clinic is a game-changer.\n";

#[test]
fn config_is_found_by_walking_up_from_a_nested_directory() {
    let dir = tree(&[
        (
            "claimlint.toml",
            "select = [\"hype\"]\n\n[severity]\nhype = \"error\"\n",
        ),
        ("site/blog/2024/post.md", HYPE),
    ]);
    let nested = dir.path().join("site/blog/2024");
    let (rows, code) = check(&nested, &["post.md"]);
    assert_eq!(
        rows,
        vec![row("post.md", "hype/game-changer", "error", 1, 17)]
    );
    assert_eq!(code, 1);

    // `--no-config` ignores it; `--config` names another one.
    let (rows, _) = check(&nested, &["--no-config", "--select", "hype", "post.md"]);
    assert_eq!(
        rows,
        vec![row("post.md", "hype/game-changer", "warning", 1, 17)]
    );
    std::fs::write(
        dir.path().join("other.toml"),
        "[severity]\nhype = \"info\"\n",
    )
    .unwrap();
    let (rows, code) = check(
        &nested,
        &[
            "--config",
            "../../../other.toml",
            "--select",
            "hype",
            "post.md",
        ],
    );
    assert_eq!(
        rows,
        vec![row("post.md", "hype/game-changer", "info", 1, 17)]
    );
    assert_eq!(code, 0, "info does not fail the run");
}

#[test]
fn unknown_key_is_an_error_at_its_line_and_column() {
    let dir = tree(&[
        (
            "claimlint.toml",
            "select = [\"hype\"]\n\n[caveats]\n  shared_footer = \"x.md\"\n",
        ),
        ("sub/page.md", HYPE),
    ]);
    let out = run(&dir.path().join("sub"), &["check", "page.md"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("unknown field `shared_footer`"), "{err}");
    assert!(err.contains("claimlint.toml:4:3"), "{err}");
    assert!(err.contains("could not load the config file"), "{err}");
    assert_eq!(stdout(&out), "");

    // A bad value and a selector that matches nothing are reported the same way.
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "fail-on = \"sometimes\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "sub/page.md"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("claimlint.toml:1:11"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "ignore = [\"hype\", \"hype/game-changr\"]\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "sub/page.md"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("`hype/game-changr` matches no rule or category"),
        "{err}"
    );
    assert!(err.contains("claimlint.toml:1:19"), "{err}");
}

#[test]
fn severity_overrides_change_the_output_and_the_exit_code() {
    let dir = tree(&[
        (
            "claimlint.toml",
            "select = [\"hype\"]\nfail-on = \"error\"\n",
        ),
        ("page.md", HYPE),
    ]);
    let (rows, code) = check(dir.path(), &["page.md"]);
    assert_eq!(
        rows,
        vec![row("page.md", "hype/game-changer", "warning", 1, 17)]
    );
    assert_eq!(code, 0, "fail-on = error: a warning passes");

    // The most specific key wins, whatever the order in the table.
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "select = [\"hype\"]\nfail-on = \"error\"\n[severity]\n\"hype/game-changer\" = \"error\"\nhype = \"info\"\n",
    )
    .unwrap();
    let (rows, code) = check(dir.path(), &["page.md"]);
    assert_eq!(
        rows,
        vec![row("page.md", "hype/game-changer", "error", 1, 17)]
    );
    assert_eq!(code, 1);
    // `--fail-on` on the command line wins over the file.
    let (_, code) = check(dir.path(), &["--fail-on", "never", "page.md"]);
    assert_eq!(code, 0);
    // `rules` shows the configured severity too.
    let out = run(dir.path(), &["rules", "--select", "hype/game-changer"]);
    assert!(stdout(&out).contains("error"), "{}", stdout(&out));
}

#[test]
fn per_path_overrides_select_ignore_and_severity() {
    let dir = tree(&[
        (
            "claimlint.toml",
            concat!(
                "select = [\"hype\", \"efficacy\"]\n",
                "[[overrides]]\npaths = [\"blog/**\"]\nignore = [\"hype\"]\n",
                "[[overrides]]\npaths = [\"press/*.md\"]\nseverity = { hype = \"error\" }\n",
            ),
        ),
        ("blog/2024/post.md", HYPE),
        ("press/release.md", HYPE),
        ("press/old/release.md", HYPE),
        ("pages/home.md", HYPE),
    ]);
    let (rows, code) = check(dir.path(), &["."]);
    assert_eq!(
        rows,
        vec![
            row("./pages/home.md", "hype/game-changer", "warning", 1, 17),
            row(
                "./press/old/release.md",
                "hype/game-changer",
                "warning",
                1,
                17
            ),
            row("./press/release.md", "hype/game-changer", "error", 1, 17),
        ]
    );
    assert_eq!(code, 1);
    // Override paths are relative to the config file, not to the current directory.
    let (rows, _) = check(&dir.path().join("blog"), &["2024/post.md"]);
    assert_eq!(rows, vec![]);
}

#[test]
fn config_excludes_prune_the_walk_but_not_named_files() {
    let dir = tree(&[
        (
            "claimlint.toml",
            "select = [\"hype\"]\nexclude = [\"drafts/\", \"*.old.md\"]\n",
        ),
        ("drafts/a.md", HYPE),
        ("pages/b.old.md", HYPE),
        ("pages/c.md", HYPE),
    ]);
    let (rows, _) = check(dir.path(), &["."]);
    assert_eq!(
        rows,
        vec![row("./pages/c.md", "hype/game-changer", "warning", 1, 17)]
    );
    // From a subdirectory the globs still mean the same files.
    let (rows, _) = check(&dir.path().join("pages"), &[]);
    assert_eq!(
        rows,
        vec![row("./c.md", "hype/game-changer", "warning", 1, 17)]
    );
    // A file named on the command line is always checked (ripgrep's habit).
    let (rows, _) = check(dir.path(), &["drafts/a.md"]);
    assert_eq!(
        rows,
        vec![row("drafts/a.md", "hype/game-changer", "warning", 1, 17)]
    );
}

#[test]
fn config_rulesets_are_relative_to_the_config_file() {
    let ruleset = r#"
[[rule]]
id = "clinic/gentle"
category = "safety"
severity = "info"
message = "soft safety wording"
label = "wording"
help = "describe the known risks"
note = "every treatment has risks"
phrases = ["dolphin-assisted"]
examples.flag = ["a dolphin-assisted session"]
"#;
    let dir = tree(&[
        (
            "claimlint.toml",
            "rulesets = [\"rules/extra.toml\"]\nselect = [\"clinic/\"]\n",
        ),
        ("rules/extra.toml", ruleset),
        ("site/page.txt", "A dolphin-assisted session.\n"),
    ]);
    let (rows, _) = check(&dir.path().join("site"), &["page.txt"]);
    assert_eq!(rows, vec![row("page.txt", "clinic/gentle", "info", 1, 3)]);

    std::fs::write(
        dir.path().join("claimlint.toml"),
        "rulesets = [\"rules/missing.toml\"]\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "site/page.txt"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot read ruleset `rules/missing.toml`"),
        "{err}"
    );
    assert!(err.contains("claimlint.toml:1:13"), "{err}");
}

/// A ketamine page that names no side effects.
const KETAMINE_PAGE: &str = "# Ketamine therapy\n\nKetamine infusions are given in our clinic.\n";

#[test]
fn shared_footer_satisfies_a_caveat_and_is_never_reported() {
    let footer = "Ketamine can cause side effects such as dissociation, nausea and dizziness.\n\
                  Our game-changer of a clinic.\n";
    let dir = tree(&[
        ("partials/safety.md", footer),
        ("site/ketamine.md", KETAMINE_PAGE),
        ("site/other.md", "We are open on Mondays.\n"),
    ]);
    let args = ["--select", "caveat/side-effects,hype", "site"];
    let (rows, _) = check(dir.path(), &args);
    assert_eq!(
        rows,
        vec![row(
            "site/ketamine.md",
            "caveat/side-effects",
            "warning",
            1,
            3
        )]
    );

    std::fs::write(
        dir.path().join("claimlint.toml"),
        "[caveats]\nshared-footer = \"partials/safety.md\"\n",
    )
    .unwrap();
    // The footer's caveat counts; its hype and its own mention of ketamine are not reported
    // against the pages, and a page that never mentions ketamine gets no caveat finding.
    let (rows, exit) = check(dir.path(), &args);
    assert_eq!(rows, vec![]);
    assert_eq!(exit, 0);

    std::fs::write(
        dir.path().join("claimlint.toml"),
        "[caveats]\nshared-footer = \"partials/nope.md\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "site"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("claimlint.toml:2:17"),
        "{}",
        stderr(&out)
    );
}
