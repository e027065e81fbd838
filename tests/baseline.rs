//! `--write-baseline` and `--baseline`: recorded findings stay quiet when other lines move, new
//! ones are reported.

use crate::formats::{check, code, stderr, stdout, tree};
use serde_json::Value;
use std::fs;

const PAGE: &str = "Welcome.\nA groundbreaking clinic.\nIt cures pain.\n";

#[test]
fn baseline_suppresses_recorded_findings_wherever_they_move() {
    let dir = tree(&[("site/page.txt", PAGE)]);
    let out = check(
        dir.path(),
        &["--write-baseline", "claimlint-baseline.json", "./site"],
        None,
    );
    assert_eq!(
        (code(&out), stdout(&out).as_str(), stderr(&out).as_str()),
        (0, "", "wrote 2 findings to claimlint-baseline.json\n")
    );
    let written: Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("claimlint-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["version"], 1);
    let entries = written["findings"].as_array().unwrap();
    let brief: Vec<(&str, &str, usize)> = entries
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap(),
                e["rule"].as_str().unwrap(),
                e["fingerprint"].as_str().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            ("site/page.txt", "efficacy/cures", 16),
            ("site/page.txt", "hype/groundbreaking", 16)
        ]
    );

    let args = [
        "--format",
        "concise",
        "--baseline",
        "claimlint-baseline.json",
        "site",
    ];
    let out = check(dir.path(), &args, None);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, ""));

    // Lines added above, and the paragraph reflowed: still the same findings.
    fs::write(
        dir.path().join("site/page.txt"),
        "New intro line.\nAnother one.\n\nWelcome.\nA groundbreaking\n  clinic.\nIt cures pain.\n",
    )
    .unwrap();
    let out = check(dir.path(), &args, None);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, ""));

    // A new claim is reported; so is the old one repeated in a new sentence.
    fs::write(
        dir.path().join("site/page.txt"),
        "New intro line.\nWelcome.\nA groundbreaking clinic.\nIt cures pain.\nA miracle.\nIt cures pain.\n",
    )
    .unwrap();
    let out = check(dir.path(), &args, None);
    assert_eq!(
        stdout(&out),
        "site/page.txt:5:3: warning[hype/groundbreaking] `groundbreaking` overstates the treatment\n\
         site/page.txt:6:4: error[efficacy/cures] cure claim: 100% sure, no doubt\n"
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn rewording_the_sentence_reports_it_again() {
    let dir = tree(&[("page.txt", PAGE)]);
    check(
        dir.path(),
        &["--write-baseline", "b.json", "page.txt"],
        None,
    );
    fs::write(
        dir.path().join("page.txt"),
        "Welcome.\nA groundbreaking new clinic.\nIt cures pain.\n",
    )
    .unwrap();
    let out = check(
        dir.path(),
        &["--format", "concise", "--baseline", "b.json", "page.txt"],
        None,
    );
    assert_eq!(
        stdout(&out),
        "page.txt:2:3: warning[hype/groundbreaking] `groundbreaking` overstates the treatment\n"
    );
}

#[test]
fn a_bad_baseline_is_an_error() {
    let dir = tree(&[("page.txt", PAGE), ("b.json", "{\"version\": 1}")]);
    let out = check(dir.path(), &["--baseline", "b.json", "page.txt"], None);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: b.json: not a claimlint baseline: missing field `findings` at line 1 column 14\n"
    );
    let out = check(dir.path(), &["--baseline", "none.json", "page.txt"], None);
    assert_eq!(
        stderr(&out),
        "error: none.json: no such file or directory\n"
    );
    assert_eq!(code(&out), 2);
}
