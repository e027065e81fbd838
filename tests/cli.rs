//! The command line end to end: the built binary on temporary files, with a small fixture
//! ruleset (`tests/fixtures/test-ruleset.toml`) so the tests do not move when the shipped rules do.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const RULESET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/test-ruleset.toml"
);

/// Runs `claimlint SUBCOMMAND --no-default-rulesets --ruleset FIXTURE ARGS…` in `dir`.
fn claimlint(dir: &Path, sub: &str, args: &[&str]) -> Output {
    claimlint_stdin(dir, sub, args, None)
}

fn claimlint_stdin(dir: &Path, sub: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir)
        .arg(sub)
        .args(["--no-default-rulesets", "--ruleset", RULESET])
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run claimlint");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Vec<Value>, Output) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = claimlint(dir, "check", &all);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(&out)));
    (v.as_array().expect("a top-level array").clone(), out)
}

/// (rule, line, column, offset, matched) of each diagnostic.
fn brief(diags: &[Value]) -> Vec<(String, u64, u64, u64, String)> {
    diags
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["start"]["offset"].as_u64().unwrap(),
                d["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(
    rule: &str,
    line: u64,
    col: u64,
    offset: usize,
    matched: &str,
) -> (String, u64, u64, u64, String) {
    (rule.into(), line, col, offset as u64, matched.into())
}

#[test]
fn json_has_exact_fields_and_positions_after_multibyte_text() {
    let text = "Intro line\ncafé — a Miracle here\n";
    let dir = tree(&[("page.txt", text.as_bytes())]);
    let (diags, out) = json(dir.path(), &["page.txt"]);
    assert_eq!(code(&out), 1);
    let at = text.find("Miracle").unwrap();
    assert_eq!(
        brief(&diags),
        vec![row("hype/miracle", 2, 10, at, "Miracle")]
    );
    let d = &diags[0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "path",
        "rule",
        "category",
        "severity",
        "message",
        "start",
        "end",
        "matched",
        "help",
        "note",
        "suggestion",
    ];
    expected.sort_unstable();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    assert_eq!(
        keys_sorted, expected,
        "no `caveat` key on a non-caveat rule"
    );
    assert_eq!(d["path"], "page.txt");
    assert_eq!(d["category"], "hype");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["message"], "hype word");
    assert_eq!(d["help"], "say what it does");
    assert_eq!(d["end"]["line"], 2);
    assert_eq!(d["end"]["column"], 17);
    assert_eq!(d["end"]["offset"], at + "Miracle".len());
    // The replacement keeps the capital of the matched word.
    assert_eq!(d["suggestion"]["replacement"], "New");
    assert_eq!(d["suggestion"]["applicability"], "safe");
}

#[test]
fn json_suggestion_is_null_and_caveat_present_for_missing_caveat() {
    let dir = tree(&[("k.txt", b"We offer ketamine.\n")]);
    let (diags, _) = json(dir.path(), &["k.txt"]);
    assert_eq!(
        brief(&diags),
        vec![row("caveat/side-effects", 1, 10, 9, "ketamine")]
    );
    assert_eq!(diags[0]["caveat"], "side-effects");
    assert_eq!(diags[0]["category"], "missing-caveat");
    assert!(diags[0]["suggestion"].is_null());
}

#[test]
fn crlf_columns_do_not_count_the_carriage_return() {
    let text = "first line\r\nnow a miracle\r\nALL MIRACLE\r\n";
    let dir = tree(&[("crlf.txt", text.as_bytes())]);
    let (diags, _) = json(dir.path(), &["crlf.txt"]);
    assert_eq!(
        brief(&diags),
        vec![
            row(
                "hype/miracle",
                2,
                7,
                text.find("miracle").unwrap(),
                "miracle"
            ),
            row(
                "hype/miracle",
                3,
                5,
                text.find("MIRACLE").unwrap(),
                "MIRACLE"
            ),
        ]
    );
    assert_eq!(diags[1]["suggestion"]["replacement"], "NEW");
}

#[test]
fn bom_is_skipped_but_counted_in_offsets() {
    let dir = tree(&[("bom.md", "\u{FEFF}a miracle".as_bytes())]);
    let (diags, _) = json(dir.path(), &["bom.md"]);
    assert_eq!(brief(&diags), vec![row("hype/miracle", 1, 3, 5, "miracle")]);
    assert_eq!(diags[0]["end"]["offset"], 12);
}

#[test]
fn json_is_sorted_by_path_then_offset() {
    let dir = tree(&[
        ("b.txt", b"a miracle that cures"),
        ("a/z.md", b"cures and miracle"),
        ("a.txt", b"miracle"),
    ]);
    let (diags, _) = json(dir.path(), &["."]);
    let order: Vec<(String, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["start"]["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(order.len(), 5);
}

#[test]
fn human_output_is_compiler_style() {
    let dir = tree(&[("a.md", b"Intro line\nOur miracle cures all.\n")]);
    let out = claimlint(dir.path(), "check", &["--color", "never", "a.md"]);
    let s = stdout(&out);
    for want in [
        "warning[hype/miracle]: hype word",
        "--> a.md:2:5",
        "2 | Our miracle cures all.",
        "^^^^^^^ hype",
        "= help: say what it does",
        "= help: replace with `new`",
        "= note: regulators read this as implied superiority",
        "error[efficacy/cures]: cure claim",
        "--> a.md:2:13",
        "= note: a cure claim needs substantiation",
    ] {
        assert!(s.contains(want), "missing {want:?} in:\n{s}");
    }
    assert!(!s.contains('\u{1b}'), "no colour with --color never");
    assert_eq!(s.lines().last(), Some("checked 1 file: 1 error, 1 warning"));
    assert_eq!(code(&out), 1);
}

#[test]
fn color_always_colours_and_info_counts() {
    let dir = tree(&[("a.txt", b"a gentle miracle")]);
    let out = claimlint(dir.path(), "check", &["--color", "always", "a.txt"]);
    let s = stdout(&out);
    assert!(s.contains('\u{1b}'), "ANSI colour expected:\n{s}");
    assert!(s.contains("checked 1 file: 1 warning, 1 info"), "{s}");
}

#[test]
fn exit_codes() {
    let dir = tree(&[
        ("clean.txt", b"A plain sentence about a clinic."),
        ("info.txt", b"A gentle treatment."),
        ("warn.txt", b"A miracle."),
    ]);
    let clean = claimlint(dir.path(), "check", &["clean.txt"]);
    assert_eq!(code(&clean), 0);
    assert_eq!(stdout(&clean).trim(), "checked 1 file: no problems found");
    assert_eq!(
        code(&claimlint(dir.path(), "check", &["info.txt"])),
        0,
        "info only is 0"
    );
    assert_eq!(code(&claimlint(dir.path(), "check", &["warn.txt"])), 1);
    assert_eq!(
        code(&claimlint(
            dir.path(),
            "check",
            &["--format", "yaml", "warn.txt"]
        )),
        2
    );
    let (diags, out) = json(dir.path(), &["clean.txt"]);
    assert!(diags.is_empty());
    assert_eq!(code(&out), 0);
}

#[test]
fn missing_path_is_one_line_and_other_files_are_still_reported() {
    let dir = tree(&[("a.txt", b"a miracle")]);
    let out = claimlint(
        dir.path(),
        "check",
        &["--color", "never", "nope.md", "a.txt"],
    );
    assert_eq!(code(&out), 2, "an I/O error wins over findings");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: nope.md: "), "{err}");
    assert!(stdout(&out).contains("--> a.txt:1:3"));
    assert!(stdout(&out).contains("checked 1 file: 1 warning"));
}

#[test]
fn unreadable_encodings_are_skipped_with_an_error() {
    let dir = tree(&[
        ("bin.txt", b"abc\0def"),
        ("wide.txt", b"\xFF\xFEa\0b\0"),
        ("bad.txt", b"ok \xC3\x28"),
        ("good.txt", b"fine"),
    ]);
    let out = claimlint(
        dir.path(),
        "check",
        &["bin.txt", "wide.txt", "bad.txt", "good.txt"],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("error: bin.txt: binary file, skipped"),
        "{err}"
    );
    assert!(
        err.contains("error: wide.txt: UTF-16 is not supported; save the file as UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("error: bad.txt: invalid UTF-8 at byte 3"),
        "{err}"
    );
    // Never "no problems found" when a path could not be checked (issue 22).
    assert!(
        stdout(&out).contains("checked 1 file; 3 paths could not be checked"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn directories_are_walked_honouring_ignore_files() {
    let dir = tree(&[
        (".gitignore", b"ignored.md\n"),
        ("ignored.md", b"miracle"),
        (".hidden.md", b"miracle"),
        ("notes.xyz", b"miracle"),
        ("sub/page.html", b"miracle"),
        ("sub/deep/post.markdown", b"miracle"),
        ("top.txt", b"miracle"),
    ]);
    let (diags, out) = json(dir.path(), &["."]);
    assert_eq!(code(&out), 1);
    let mut paths: Vec<String> = diags
        .iter()
        .map(|d| d["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["./sub/deep/post.markdown", "./sub/page.html", "./top.txt"]
    );
    // A file named explicitly is read whatever its extension.
    let (diags, _) = json(dir.path(), &["notes.xyz"]);
    assert_eq!(brief(&diags), vec![row("hype/miracle", 1, 1, 0, "miracle")]);
}

#[test]
fn stdin_is_read_for_dash() {
    let dir = tree(&[]);
    let out = claimlint_stdin(
        dir.path(),
        "check",
        &["--format", "json", "-"],
        Some(b"so\na miracle"),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["path"], "<stdin>");
    assert_eq!(v[0]["start"]["line"], 2);
    let out = claimlint_stdin(
        dir.path(),
        "check",
        &["--color", "never", "--stdin-filename", "site/page.md", "-"],
        Some(b"a miracle"),
    );
    assert!(
        stdout(&out).contains("--> site/page.md:1:3"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn select_and_ignore_by_id_prefix_and_category() {
    let dir = tree(&[("a.txt", b"A gentle miracle cures ketamine users.")]);
    let rules_of = |args: &[&str]| -> Vec<String> {
        let (d, _) = json(dir.path(), &[args, &["a.txt"]].concat());
        d.iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules_of(&["--select", "hype"]), ["hype/miracle"]);
    assert_eq!(
        rules_of(&["--select", "efficacy/cures,safety"]),
        ["safety/gentle", "efficacy/cures"]
    );
    assert_eq!(rules_of(&["--select", "caveat/"]), ["caveat/side-effects"]);
    assert_eq!(
        rules_of(&["--ignore", "missing-caveat", "--ignore", "hype/miracle"]),
        ["safety/gentle", "efficacy/cures"]
    );
    let out = claimlint(dir.path(), "check", &["--select", "hyp3", "a.txt"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean `hype`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_lists_every_rule_in_columns() {
    let dir = tree(&[]);
    let out = claimlint(dir.path(), "rules", &[]);
    assert_eq!(code(&out), 0);
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 4, "{s}");
    assert_eq!(
        lines[0],
        "hype/miracle         hype            warning  hype word"
    );
    assert!(lines[3].starts_with("caveat/side-effects  missing-caveat  warning  ketamine"));
    let out = claimlint(
        dir.path(),
        "rules",
        &["--format", "json", "--select", "hype"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["id"], "hype/miracle");
    assert_eq!(v[0]["replacement"], "new");
}

#[test]
fn explain_prints_the_sections() {
    let dir = tree(&[]);
    let out = claimlint(dir.path(), "explain", &["hype/miracle"]);
    assert_eq!(code(&out), 0);
    let s = stdout(&out);
    for want in [
        "hype/miracle",
        "Category: hype",
        "Severity: warning",
        "## Why\nregulators read this as implied superiority",
        "## Use instead\nsay what it does",
        "`new`",
        "## Flagged\n- a miracle",
        "## Not flagged\n- a new option",
    ] {
        assert!(s.contains(want), "missing {want:?} in:\n{s}");
    }
    let out = claimlint(dir.path(), "explain", &["hype/miracel"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown rule `hype/miracel`; did you mean `hype/miracle`?"));
}

#[test]
fn ruleset_errors_point_into_the_toml() {
    let dir = tree(&[(
        "bad.toml",
        b"[[rule]]\nid = \"hype/x\"\ncategory = \"hype\"\nseverity = \"loud\"\n",
    )]);
    let out = claimlint(
        dir.path(),
        "check",
        &["--ruleset", "bad.toml", "--color", "never", "."],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("--> bad.toml:4:"), "{err}");
    assert!(err.contains("error"), "{err}");
    let out = claimlint(dir.path(), "check", &["--ruleset", "absent.toml", "."]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: absent.toml: "),
        "{}",
        stderr(&out)
    );
}
