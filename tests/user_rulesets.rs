//! A user's `--ruleset` on top of the embedded rulesets (issue 20): the embedded ones come
//! precompiled, and what the user adds must still reach every part of them that reads it.

use serde_json::Value;
use std::process::Command;

/// A made-up treatment, approved for migraine only, and a page that sells it for depression.
const ZORBEX: &str = r#"
[[treatment]]
id = "zorbex"
name = "Zorbex"
names = ["zorbex"]
kind = "drug"
clinic = false
risks = ["headache"]
[treatment.authorisation.us]
kind = "approved"
uses = ["migraine"]
statement = "Zorbex is approved only for migraine"
basis = "none: made up for this test"
verified = true
"#;
const PAGE: &str =
    "Zorbex for depression and anxiety.\n\nWe offer zorbex, the modern option for depression.\n";

/// `claimlint check --format json page.txt --ruleset user.toml` in a fresh folder.
fn check_with(ruleset: &str, page: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("user.toml"), ruleset).unwrap();
    std::fs::write(dir.path().join("page.txt"), page).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--ruleset",
            "user.toml",
        ])
        .arg("page.txt")
        .current_dir(dir.path())
        .output()
        .expect("run claimlint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn a_users_treatment_names_join_any_treatment() {
    let d = check_with(ZORBEX, PAGE);
    let found: Vec<(&str, &str)> = d
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["matched"].as_str().unwrap()))
        .collect();
    // "X for Y" is anchored on `any-treatment`, and the approval-scope caveat is triggered by it:
    // both need the user's names in it.
    assert_eq!(
        found,
        [
            ("caveat/approval-scope", "Zorbex"),
            ("caveat/consult", "Zorbex"),
            ("caveat/individual-results", "Zorbex"),
            ("caveat/side-effects", "Zorbex"),
            (
                "off-label/unapproved-use",
                "Zorbex for depression and anxiety"
            ),
            (
                "off-label/unapproved-use",
                "zorbex, the modern option for depression"
            ),
        ]
    );
    let first = &d[4];
    assert_eq!(first["start"]["line"], 1);
    assert_eq!(first["start"]["column"], 1);
    assert_eq!(first["claim"]["treatment"], "zorbex");
    assert_eq!(first["claim"]["condition"], "depression");
    assert_eq!(
        first["message"],
        "claims Zorbex helps with depression: not an authorised use of Zorbex (US)"
    );
    assert!(
        d[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("Zorbex is approved only for migraine")
    );
}

#[test]
fn a_users_rule_may_use_the_embedded_lexicons() {
    // Compiled on top of the precompiled rulesets: `epistemic` (medical.toml) qualifies the claim.
    let rules = r#"
[[rule]]
id = "mine/guaranteed"
category = "hype"
severity = "warning"
message = "a guarantee"
label = "guaranteed here"
help = "say what the evidence shows"
note = "nothing in medicine is guaranteed"
phrases = ["guaranteed calm"]
unless = ["epistemic"]
examples.flag = ["Guaranteed calm in a week."]
"#;
    let d = check_with(
        rules,
        "Guaranteed calm in a week.\n\nIt may bring guaranteed calm.\n",
    );
    let mine: Vec<_> = d
        .iter()
        .filter(|f| f["rule"] == "mine/guaranteed")
        .collect();
    assert_eq!(mine.len(), 1, "{d:#?}");
    assert_eq!(mine[0]["start"]["line"], 1);
    assert_eq!(mine[0]["matched"], "Guaranteed calm");
}

#[test]
fn a_users_pattern_inherits_the_exceptions_of_embedded_lexicons() {
    // `negation` (medical.toml) lists "no longer" among its exceptions: a pattern of the user's
    // that interpolates it inherits them, from the lexicons stored with the precompiled rulesets.
    let rules = r#"
[[rule]]
id = "mine/no-waiting"
category = "hype"
severity = "warning"
message = "a promise of no waiting"
label = "promised here"
help = "say how long it takes"
note = "waiting lists are real"
patterns = ['{negation} \w+ waiting']
examples.flag = ["No more waiting for relief."]
"#;
    let d = check_with(
        rules,
        "No more waiting for relief.\n\nWe are no longer waiting for results.\n",
    );
    let mine: Vec<_> = d
        .iter()
        .filter(|f| f["rule"] == "mine/no-waiting")
        .collect();
    assert_eq!(mine.len(), 1, "{d:#?}");
    assert_eq!(mine[0]["start"]["line"], 1);
    assert_eq!(mine[0]["matched"], "No more waiting");
}
