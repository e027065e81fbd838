//! Jurisdiction profiles (issue 25): the same page judged under US and UK rules, the profile
//! from `--profile`, `claimlint.toml` and `[[overrides]]`, each profile-specific rule, and the
//! `rules` / `explain` views.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn claimlint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run claimlint");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

/// The diagnostics of a JSON run over standard input under `profile`.
fn diagnostics(text: &str, profile: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = claimlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--profile",
            profile,
            "-",
        ],
        Some(text),
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// (rule, matched) of a JSON run over standard input under `profile`.
fn findings(text: &str, profile: &str) -> Vec<(String, String)> {
    diagnostics(text, profile)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["matched"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn rules_of(text: &str, profile: &str) -> Vec<String> {
    findings(text, profile)
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

#[test]
fn the_same_page_is_clean_under_us_and_a_breach_under_uk() {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/profiles/uk/spravato-leeds.txt"),
    )
    .expect("read page");
    assert_eq!(findings(&page, "us"), vec![]);
    assert_eq!(
        findings(&page, "uk"),
        vec![(
            "advertising/prescription-only-medicine".to_string(),
            "Spravato".to_string()
        )]
    );
}

#[test]
fn approval_claims_are_judged_against_the_active_jurisdiction_with_its_help() {
    let text = "Spravato is approved for treatment-resistant depression in adults.";
    let all = diagnostics(text, "uk");
    let pom = &all[0];
    assert_eq!(pom["rule"], "advertising/prescription-only-medicine");
    assert_eq!(pom["category"], "advertising");
    assert_eq!(pom["profile"], "uk");
    assert_eq!(pom["basis"]["jurisdiction"], "uk");
    assert!(
        pom["basis"]["cite"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Human Medicines Regulations 2012 reg. 284")
    );
    // One jurisdiction's basis, never the US one, in the note of every finding.
    for d in &all {
        let note = d["note"].as_str().unwrap_or_default();
        assert!(note.contains("basis (UK)"), "{note}");
        assert!(!note.contains("FTC") && !note.contains("FDA"), "{note}");
        let help = d["help"].as_str().unwrap_or_default();
        assert!(!help.contains("FDA"), "{help}");
    }
    // Under US the same words are a correctly scoped approval: nothing about advertising.
    assert!(
        !rules_of(text, "us")
            .iter()
            .any(|r| r.starts_with("advertising/"))
    );
}

#[test]
fn canada_flags_claims_for_schedule_a_conditions_and_narcotics() {
    let text = "Ketamine infusions treat depression.";
    let advertising = |profile: &str| -> Vec<String> {
        rules_of(text, profile)
            .into_iter()
            .filter(|r| r.starts_with("advertising/"))
            .collect()
    };
    assert_eq!(
        advertising("ca"),
        vec![
            "advertising/prescription-only-medicine",
            "advertising/restricted-condition"
        ]
    );
    assert!(advertising("us").is_empty());
    // A negated claim is not a treatment claim.
    assert!(
        !rules_of("Ketamine is not a cure for depression.", "ca")
            .contains(&"advertising/restricted-condition".to_string())
    );
}

#[test]
fn australia_flags_testimonials_and_tga_listing_as_endorsement() {
    assert_eq!(
        findings("See our before and after gallery.", "au"),
        vec![(
            "advertising/testimonial".to_string(),
            "before and after".to_string()
        )]
    );
    assert_eq!(
        findings("Our TGA-listed supplements are on sale.", "au"),
        vec![("approval/tga-listed".to_string(), "TGA-listed".to_string())]
    );
    // Not rules of the US or UK profile.
    assert_eq!(
        findings("Our TGA-listed supplements are on sale.", "us"),
        vec![]
    );
    assert_eq!(findings("See our before and after gallery.", "uk"), vec![]);
}

#[test]
fn uk_flags_mhra_approved_and_eu_flags_prescription_only_names() {
    assert_eq!(
        findings("Our MHRA-approved clinic is open on Sundays.", "uk"),
        vec![(
            "approval/mhra-approved".to_string(),
            "MHRA-approved".to_string()
        )]
    );
    assert_eq!(
        findings("Our MHRA-approved clinic is open on Sundays.", "us"),
        vec![]
    );
    assert_eq!(
        rules_of("Book your Spravato session in Dublin.", "eu"),
        vec!["advertising/prescription-only-medicine"]
    );
}

#[test]
fn british_spellings_match_everywhere() {
    // "anaesthetic" and "programme" are matched by phrases written in US spelling, and the
    // other way round, under any profile.
    let us = "Ketamine is FDA-approved only as an anesthetic.";
    let uk = "Ketamine is FDA-approved only as an anaesthetic.";
    assert_eq!(rules_of(us, "us"), rules_of(uk, "us"));
    assert!(rules_of(uk, "us").is_empty(), "{:?}", rules_of(uk, "us"));
}

#[test]
fn config_and_overrides_choose_the_profile_and_the_flag_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "profile = \"uk\"\n\n[[overrides]]\npaths = [\"sydney/**\"]\nprofile = \"au\"\n",
    )
    .expect("write config");
    std::fs::create_dir(dir.path().join("sydney")).expect("mkdir");
    let page = "Ask us about Ozempic.\n";
    std::fs::write(dir.path().join("leeds.txt"), page).expect("write");
    std::fs::write(dir.path().join("sydney/page.txt"), page).expect("write");
    let profiles = |args: &[&str]| -> Vec<(String, String)> {
        let out = claimlint(dir.path(), args, None);
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
        all.iter()
            .filter(|d| d["rule"] == "advertising/prescription-only-medicine")
            .map(|d| {
                (
                    d["path"].as_str().unwrap_or_default().replace('\\', "/"),
                    d["profile"].as_str().unwrap_or("us").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        profiles(&["check", "--format", "json", "leeds.txt", "sydney/page.txt"]),
        vec![
            ("leeds.txt".to_string(), "uk".to_string()),
            ("sydney/page.txt".to_string(), "au".to_string())
        ]
    );
    assert_eq!(
        profiles(&["check", "--format", "json", "--profile", "us", "leeds.txt"]),
        vec![]
    );
    // A bad profile is an error at its place in the file, exit 2.
    std::fs::write(dir.path().join("claimlint.toml"), "profile = \"fr\"\n").expect("write");
    let out = claimlint(dir.path(), &["check", "leeds.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("claimlint.toml"));
}

#[test]
fn rules_and_explain_show_what_applies_under_a_profile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = |profile: &str| -> String {
        let out = claimlint(
            dir.path(),
            &["rules", "--no-config", "--profile", profile],
            None,
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let uk = list("uk");
    let us = list("us");
    assert!(uk.contains("approval/mhra-approved"));
    assert!(!uk.contains("approval/tga-listed"));
    assert!(!us.contains("advertising/prescription-only-medicine"));
    assert!(us.contains("off-label/unapproved-use") && uk.contains("off-label/unapproved-use"));

    let explain = |profile: &str| -> String {
        let out = claimlint(
            dir.path(),
            &[
                "explain",
                "--no-config",
                "advertising/prescription-only-medicine",
                "--profile",
                profile,
            ],
            None,
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ca = explain("ca");
    assert!(
        ca.contains("## Basis\n- Canada: Food and Drug Regulations C.01.044"),
        "{ca}"
    );
    assert!(ca.contains("name, price and quantity only"), "{ca}");
    assert!(explain("us").contains("Under profile us: does not apply"));
}
