//! `claimlint check-rules` (issue 7): every ruleset problem is a diagnostic pointing into the TOML
//! file at the right line, exit 2; a clean ruleset prints a one-line summary and exits 0.

use std::path::Path;
use std::process::{Command, Output};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/test-ruleset.toml"
);

/// A valid one-rule ruleset; tests break one line of it.
const GOOD: &str = r#"[lexicon.hedge]
phrases = ["may"]

[[rule]]
id = "hype/wonder"
category = "hype"
severity = "warning"
message = "hype word"
label = "hype"
help = "say what it does"
note = "regulators read this as implied superiority"
phrases = ["zorbulous drug"]
unless = ["hedge"]
examples.flag = ["a zorbulous drug"]
examples.pass = ["it may be a zorbulous drug", "a new drug"]
"#;

fn check_rules(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir)
        .arg("check-rules")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run claimlint")
}

/// Writes `GOOD` with `from` replaced by `to` as `bad.toml`, checks it on its own and returns
/// stderr after asserting exit 2.
fn broken(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from:?} not in GOOD");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), GOOD.replacen(from, to, 1)).unwrap();
    let o = check_rules(dir.path(), &["--no-default-rulesets", "bad.toml"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty());
    err
}

/// The diagnostic mentions `message` and points at `bad.toml:line:`.
fn assert_points(err: &str, message: &str, line: usize) {
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    assert!(
        err.contains(&format!("bad.toml:{line}:")),
        "expected a label on line {line}:\n{err}"
    );
}

#[test]
fn clean_rulesets_pass_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let o = check_rules(dir.path(), &["good.toml"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(out, "checked 1 ruleset file: 1 rule, 3 examples pass\n");

    let o = check_rules(dir.path(), &["--no-default-rulesets", FIXTURE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn shipped_rulesets_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = check_rules(root, &["rulesets/medical.toml", "rulesets/ketamine.toml"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("checked 2 ruleset files: "), "{out}");
}

#[test]
fn toml_syntax_error() {
    let err = broken("severity = \"warning\"", "severity = \"warning");
    assert_points(&err, "error:", 7);
}

#[test]
fn unknown_key() {
    let err = broken("label = \"hype\"", "lable = \"hype\"");
    assert_points(&err, "unknown field `lable`", 9);
}

#[test]
fn missing_field() {
    let err = broken("message = \"hype word\"\n", "");
    assert_points(&err, "missing field `message`", 4);
}

#[test]
fn unknown_category() {
    let err = broken("category = \"hype\"", "category = \"hyped\"");
    assert_points(&err, "unknown variant `hyped`", 6);
}

#[test]
fn unknown_caveat_id() {
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "phrases = [\"zorbulous drug\"]\ncaveat = \"side-efects\"",
    );
    assert_points(&err, "unknown variant `side-efects`", 13);
}

#[test]
fn unknown_lexicon() {
    let err = broken("unless = [\"hedge\"]", "unless = [\"hedges\"]");
    assert_points(&err, "unknown lexicon `hedges`", 13);
}

#[test]
fn invalid_regex() {
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "patterns = [\"wonder (drug\"]",
    );
    assert_points(&err, "unclosed group", 12);
}

#[test]
fn invalid_exception_pattern() {
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "phrases = [\"zorbulous drug\"]\nexception-patterns = [\"zorbulous (drugstore\"]",
    );
    assert_points(&err, "unclosed group", 13);
}

#[test]
fn regex_over_the_size_limit_is_reported_at_load() {
    // Valid syntax, but far too large to compile: caught when the ruleset loads, not skipped
    // later when the pattern would first be needed.
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "patterns = [\"(?:[a-z]{1000}){1000}\"]",
    );
    assert_points(&err, "exceeds size limit", 12);
}

#[test]
fn empty_phrase_list() {
    let err = broken("phrases = [\"may\"]", "phrases = []");
    assert!(
        err.contains("bad.toml:1:") || err.contains("bad.toml:2:"),
        "{err}"
    );
}

#[test]
fn phrase_that_can_never_match() {
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "phrases = [\"zorbulous drug\", \"  \"]",
    );
    assert_points(&err, "", 12);
}

#[test]
fn failing_examples_point_at_the_example() {
    let err = broken(
        "examples.flag = [\"a zorbulous drug\"]",
        "examples.flag = [\"a zorbulous pill\"]",
    );
    assert_points(&err, "example should be flagged by `hype/wonder`", 14);
    let err = broken("\"a new drug\"", "\"a zorbulous drug indeed\"");
    assert_points(
        &err,
        "example should pass but is flagged by `hype/wonder`",
        15,
    );
}

#[test]
fn suggestion_that_would_be_flagged() {
    let err = broken(
        "phrases = [\"zorbulous drug\"]",
        "phrases = [\"zorbulous drug\"]\nreplacement = \"zorbulous drug\"\napplicability = \"safe\"",
    );
    assert!(err.contains("bad.toml:"), "{err}");
}

#[test]
fn duplicate_rule_ids_across_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), GOOD).unwrap();
    // The same rule again, with the lexicon renamed so only the rule id clashes.
    std::fs::write(dir.path().join("bad.toml"), GOOD.replace("hedge", "hedge2")).unwrap();
    let o = check_rules(dir.path(), &["--no-default-rulesets", "a.toml", "bad.toml"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_points(&err, "rule id `hype/wonder` is defined twice", 5);
}

#[test]
fn duplicate_of_a_builtin_id() {
    let dir = tempfile::tempdir().unwrap();
    let builtin_id = {
        let o = Command::new(env!("CARGO_BIN_EXE_claimlint"))
            .args(["rules", "--format", "json", "--no-config"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v[0]["id"].as_str().unwrap().to_string()
    };
    std::fs::write(
        dir.path().join("bad.toml"),
        GOOD.replace("hype/wonder", &builtin_id)
            .replace("hedge", "my-hedge"),
    )
    .unwrap();
    let o = check_rules(dir.path(), &["bad.toml"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&builtin_id), "{err}");
}

#[test]
fn unreadable_file_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let o = check_rules(dir.path(), &["good.toml", "nope.toml"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err, "error: nope.toml: no such file or directory\n");
    assert_eq!(o.status.code(), Some(2));
}
