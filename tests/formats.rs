//! `--format concise|sarif|github`, `--statistics` and `--fail-on`, end to end, with a ruleset
//! written next to the files (so the tests do not move when the shipped rules do). The helpers
//! here are shared with `fix.rs` and `baseline.rs`.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A small ruleset: safe and review replacements, a rule without one, an info rule, and a caveat.
pub const RULES: &str = r#"
[lexicon.hedge]
phrases = ["may"]

[lexicon.ketamine]
phrases = ["ketamine"]

[lexicon.side-effects]
phrases = ["side effects", "nausea"]

[[rule]]
id = "hype/groundbreaking"
category = "hype"
severity = "warning"
message = "`groundbreaking` overstates the treatment"
label = "hype"
help = "state a fact instead"
note = "superlatives imply superiority"
replacement = "new"
applicability = "safe"
phrases = ["groundbreaking", "unprecedented", "miracle"]
examples.flag = ["a groundbreaking therapy"]

[[rule]]
id = "hype/revolutionary"
category = "hype"
severity = "warning"
message = "`revolutionary` oversells the treatment"
label = "hype"
help = "say what is different"
note = "implies superiority"
replacement = "newer"
applicability = "review"
phrases = ["revolutionary"]
examples.flag = ["a revolutionary therapy"]

[[rule]]
id = "efficacy/cures"
category = "efficacy"
severity = "error"
message = "cure claim: 100% sure, no doubt"
label = "cure claim"
help = "describe the evidence"
note = "needs substantiation"
phrases = ["cures"]
unless = ["hedge"]
examples.flag = ["it cures depression"]

[[rule]]
id = "safety/gentle"
category = "safety"
severity = "info"
message = "soft safety wording"
label = "wording"
help = "describe the known risks"
note = "every treatment has risks"
phrases = ["gentle"]
examples.flag = ["a gentle treatment"]

[[rule]]
id = "caveat/side-effects"
category = "missing-caveat"
severity = "warning"
message = "ketamine is mentioned but its side effects are not"
label = "first mention"
help = "Ketamine can cause side effects such as nausea."
note = "balanced risk information is expected"
caveat = "side-effects"
trigger = ["ketamine"]
present-if = [["side-effects"]]
examples.flag = ["we offer ketamine"]
"#;

/// A temporary directory holding `rules.toml` and `files`.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

/// Runs `claimlint check --no-default-rulesets --ruleset rules.toml ARGS…` in `dir`.
pub fn check(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    check_with(
        dir,
        &["--no-default-rulesets", "--ruleset", "rules.toml"],
        args,
        stdin,
    )
}

/// Runs `claimlint check PRE… ARGS…` in `dir`.
pub fn check_with(dir: &Path, pre: &[&str], args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir)
        .arg("check")
        .args(pre)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run claimlint");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

const PAGE: &str = "Intro.\nA groundbreaking, gentle care.\nIt cures: café\n";

#[test]
fn concise_is_one_line_per_diagnostic() {
    let dir = tree(&[
        ("site/page.txt", PAGE),
        ("site/clean.txt", "Nothing here.\n"),
    ]);
    let out = check(dir.path(), &["--format", "concise", "site"], None);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "site/page.txt:2:3: warning[hype/groundbreaking] `groundbreaking` overstates the treatment\n\
         site/page.txt:2:19: info[safety/gentle] soft safety wording\n\
         site/page.txt:3:4: error[efficacy/cures] cure claim: 100% sure, no doubt\n"
    );
    assert_eq!(stderr(&out), "");
    // A clean run prints nothing at all.
    let out = check(dir.path(), &["--format", "concise", "site/clean.txt"], None);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, ""));
}

#[test]
fn github_annotations_escape_messages_and_properties() {
    let dir = tree(&[("a,b:c.txt", PAGE)]);
    let out = check(dir.path(), &["--format", "github", "a,b:c.txt"], None);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "::warning file=a%2Cb%3Ac.txt,line=2,col=3,endLine=2,endColumn=17,title=hype/groundbreaking::`groundbreaking` overstates the treatment%0Ahelp: state a fact instead%0Asuggestion (safe): replace with `new`\n\
         ::notice file=a%2Cb%3Ac.txt,line=2,col=19,endLine=2,endColumn=25,title=safety/gentle::soft safety wording%0Ahelp: describe the known risks\n\
         ::error file=a%2Cb%3Ac.txt,line=3,col=4,endLine=3,endColumn=9,title=efficacy/cures::cure claim: 100%25 sure, no doubt%0Ahelp: describe the evidence\n"
    );
}

/// The properties the SARIF 2.1.0 schema requires, checked by hand (no schema file vendored).
fn assert_sarif_valid(log: &Value) {
    let obj = |v: &Value, what: &str| {
        assert!(v.is_object(), "{what} must be an object: {v}");
    };
    let text = |v: &Value, what: &str| {
        obj(v, what);
        assert!(v["text"].is_string(), "{what}.text is required: {v}");
    };
    let region = |r: &Value, what: &str| {
        obj(r, what);
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(r[k].as_u64().is_some_and(|n| n >= 1), "{what}.{k}: {r}");
        }
    };
    let location = |l: &Value, what: &str| {
        obj(l, what);
        let uri = l["uri"].as_str().expect("artifactLocation.uri");
        assert!(
            !uri.starts_with('/') && !uri.contains(' '),
            "{what}.uri {uri}"
        );
    };
    obj(log, "sarifLog");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs is a required array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    obj(driver, "tool.driver (required)");
    assert_eq!(driver["name"], "claimlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().expect("rules");
    for r in rules {
        assert!(r["id"].is_string(), "reportingDescriptor.id is required");
        text(&r["shortDescription"], "shortDescription");
        text(&r["fullDescription"], "fullDescription");
        text(&r["help"], "help");
        assert!(
            ["none", "note", "warning", "error"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
        assert_eq!(r["properties"]["tags"].as_array().unwrap().len(), 1);
    }
    for res in run["results"].as_array().expect("results") {
        text(&res["message"], "result.message");
        let idx = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[idx]["id"], res["ruleId"],
            "ruleIndex points at ruleId"
        );
        assert!(["none", "note", "warning", "error"].contains(&res["level"].as_str().unwrap()));
        for l in res["locations"].as_array().unwrap() {
            let p = &l["physicalLocation"];
            location(&p["artifactLocation"], "artifactLocation");
            region(&p["region"], "region");
        }
        if let Some(fixes) = res.get("fixes") {
            for f in fixes.as_array().unwrap() {
                let changes = f["artifactChanges"]
                    .as_array()
                    .expect("fix.artifactChanges");
                assert!(!changes.is_empty(), "artifactChanges: minItems 1");
                for c in changes {
                    location(&c["artifactLocation"], "artifactChange.artifactLocation");
                    let reps = c["replacements"].as_array().expect("replacements");
                    assert!(!reps.is_empty(), "replacements: minItems 1");
                    for r in reps {
                        region(&r["deletedRegion"], "deletedRegion");
                    }
                }
            }
        }
    }
}

#[test]
fn sarif_is_valid_and_exact() {
    let dir = tree(&[("my site/page.txt", PAGE)]);
    let out = check(dir.path(), &["--format", "sarif", "./my site"], None);
    assert_eq!(code(&out), 1);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_sarif_valid(&log);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[0],
        serde_json::json!({
            "id": "hype/groundbreaking",
            "shortDescription": { "text": "`groundbreaking` overstates the treatment" },
            "fullDescription": { "text": "superlatives imply superiority" },
            "help": { "text": "state a fact instead\n\nSuggested replacement: \"new\" (safe)." },
            "defaultConfiguration": { "level": "warning" },
            "properties": { "tags": ["hype"] },
        })
    );
    let results = run["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["hype/groundbreaking", "safety/gentle", "efficacy/cures"]
    );
    let first = &results[0];
    assert_eq!(first["level"], "warning");
    assert_eq!(
        first["message"]["text"],
        "`groundbreaking` overstates the treatment"
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": { "uri": "my%20site/page.txt", "uriBaseId": "%SRCROOT%" },
            "region": { "startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 17 },
        })
    );
    assert_eq!(
        first["fixes"][0]["artifactChanges"][0]["replacements"][0],
        serde_json::json!({
            "deletedRegion": { "startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 17 },
            "insertedContent": { "text": "new" },
        })
    );
    // No replacement, no fixes; info is SARIF's `note`.
    assert_eq!(results[1]["level"], "note");
    assert!(results[1].get("fixes").is_none());
    assert_eq!(results[2]["level"], "error");
}

#[test]
fn sarif_with_no_findings_is_still_a_valid_log() {
    let dir = tree(&[("clean.txt", "Nothing here.\n")]);
    let out = check(dir.path(), &["--format", "sarif", "clean.txt"], None);
    assert_eq!(code(&out), 0);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_sarif_valid(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn statistics_count_per_rule_and_category() {
    let page =
        "A groundbreaking miracle.\nAn unprecedented result.\nIt cures.\nWe offer ketamine.\n";
    let dir = tree(&[
        ("page.txt", page),
        ("b.txt", "A gentle, groundbreaking plan.\n"),
    ]);
    let out = check(dir.path(), &["--statistics", "page.txt", "b.txt"], None);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "count  severity  fix     rule\n\
         \x20   4  warning   safe    hype/groundbreaking\n\
         \x20   1  warning   review  caveat/side-effects\n\
         \x20   1  error     -       efficacy/cures\n\
         \x20   1  info      -       safety/gentle\n\
         \n\
         count  category\n\
         \x20   4  hype\n\
         \x20   1  efficacy\n\
         \x20   1  missing-caveat\n\
         \x20   1  safety\n\
         \n\
         count  errors  warnings  info  page\n\
         \x20   5       1         4     0  page.txt\n\
         \x20   2       0         1     1  b.txt\n\
         \n\
         checked 2 files: 1 error, 5 warnings, 1 info\n"
    );
    let out = check(
        dir.path(),
        &["--statistics", "--format", "json", "page.txt"],
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 5);
    assert_eq!(
        v["pages"],
        serde_json::json!([{
            "path": "page.txt", "errors": 1, "warnings": 4, "infos": 0, "count": 5,
        }])
    );
    assert_eq!(
        v["rules"][0],
        serde_json::json!({
            "rule": "hype/groundbreaking", "category": "hype", "severity": "warning",
            "fix": "safe", "count": 3,
        })
    );
    assert_eq!(
        v["categories"][2],
        serde_json::json!({ "category": "missing-caveat", "count": 1 })
    );
}

#[test]
fn fail_on_sets_what_exits_one() {
    let dir = tree(&[
        ("info.txt", "A gentle touch.\n"),
        ("warn.txt", "A miracle.\n"),
        ("err.txt", "It cures.\n"),
    ]);
    let exit = |file: &str, level: &str| {
        code(&check(
            dir.path(),
            &["--format", "concise", "--fail-on", level, file],
            None,
        ))
    };
    assert_eq!(exit("info.txt", "warning"), 0, "the default threshold");
    assert_eq!(exit("info.txt", "info"), 1);
    assert_eq!(exit("warn.txt", "warning"), 1);
    assert_eq!(exit("warn.txt", "error"), 0);
    assert_eq!(exit("err.txt", "error"), 1);
    assert_eq!(exit("err.txt", "never"), 0);
    assert_eq!(
        code(&check(
            dir.path(),
            &["--format", "concise", "info.txt"],
            None
        )),
        0
    );
    // A file that cannot be read still exits 2 under `never`.
    assert_eq!(exit("missing.txt", "never"), 2);
}
