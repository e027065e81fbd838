//! `--format html` and `--format markdown`: the review a compliance lead signs, with the small
//! ruleset of `formats.rs` so the expected pages do not move when the shipped rules do.

use crate::formats::{RULES, check_with, code, stdout, tree};

const PAGE: &str = "Our groundbreaking clinic <b>cures</b> low mood & more.\n\
\n\
claimlint-disable-next-line safety/gentle -- quoting a patient's own words\n\
A gentle treatment.\n\
\n\
A revolutionary plan.\n";

fn report(format: &str) -> String {
    let dir = tree(&[
        ("page.txt", PAGE),
        ("clean.txt", "Opening hours are 9 to 5.\n"),
    ]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--no-default-rulesets",
            "--ruleset",
            "rules.toml",
            "--format",
            format,
            "page.txt",
            "clean.txt",
        ])
        .env("SOURCE_DATE_EPOCH", "1780000000")
        .env_remove("CI")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    String::from_utf8(o.stdout).unwrap()
}

/// The fingerprint the report gives `RULES`.
fn fingerprint() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in RULES.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn html_report_is_one_self_contained_page() {
    let html = report("html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // Nothing to fetch, nothing to run.
    for needle in [
        "<script", "<link", "src=", "http://", "https://", "@import", "url(",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
    assert!(html.contains("<style>") && html.contains("@media print"));
    assert!(html.contains(
        "<p class=\"meta\">2026-05-28T20:26:40Z \u{b7} claimlint 0.1.0 \u{b7} 2 pages checked: 1 error, 2 warnings, 0 info</p>"
    ));
    // Per page, per category.
    assert!(html.contains("<tr><td><a href=\"#page-page-txt\">page.txt</a></td><td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">0</td></tr>"));
    assert!(html.contains("<p class=\"clean\">1 other page with no findings.</p>"));
    assert!(html.contains("<tr><td>hype</td><td class=\"n\">2</td></tr><tr><td>efficacy</td><td class=\"n\">1</td></tr>")
        || html.contains("<tr><td>hype</td><td class=\"n\">2</td></tr>\n<tr><td>efficacy</td><td class=\"n\">1</td></tr>"));
    // Each finding: its sentence with the words marked (and escaped), message, rule, position,
    // balanced wording, fix and basis.
    assert_eq!(html.matches("<section class=\"finding").count(), 3);
    assert!(html.contains(
        "<blockquote>Our groundbreaking clinic &lt;b&gt;<mark>cures</mark>&lt;/b&gt; low mood &amp; more.</blockquote>"
    ));
    assert!(html.contains(
        "<section class=\"finding error\"><header><span class=\"sev\">error</span><strong>cure claim: 100% sure, no doubt</strong><code>efficacy/cures</code><span class=\"pos\">1:30</span></header>"
    ));
    assert!(html.contains(
        "<dt>Balanced wording</dt><dd>state a fact instead</dd><dt>Suggested fix</dt><dd>\u{201C}Our new clinic &lt;b&gt;cures&lt;/b&gt; low mood &amp; more.\u{201D} (safe)</dd><dt>Basis</dt><dd>superlatives imply superiority</dd>"
    ));
    // The suppression and its reason; the ruleset and its fingerprint; the sign-off.
    assert!(html.contains(
        "<tr><td>page.txt <span class=\"pos\">3:1</span></td><td><code>claimlint-disable-next-line safety/gentle</code></td><td>quoting a patient&apos;s own words</td></tr>"
    ));
    assert!(html.contains(&format!(
        "<tr><td>rules.toml</td><td class=\"n\">5</td><td><code>{}</code></td></tr>",
        fingerprint()
    )));
    assert!(html.contains("<section class=\"signoff\"><h2>Sign-off</h2>"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn markdown_report_is_the_same_review() {
    let md = report("markdown");
    let expected = r"## Marketing claims review

2026-05-28T20:26:40Z · claimlint 0.1.0 · 2 pages checked: 1 error, 2 warnings, 0 info

| Page | Errors | Warnings | Info |
|---|--:|--:|--:|
| page.txt | 1 | 2 | 0 |

| Category | Findings |
|---|--:|
| hype | 2 |
| efficacy | 1 |

### page.txt

- **warning** `hype/groundbreaking` 1:5 — \`groundbreaking\` overstates the treatment
  > Our **groundbreaking** clinic \<b\>cures\</b\> low mood & more.
  - Balanced wording: state a fact instead
  - Suggested fix (safe): Our new clinic \<b\>cures\</b\> low mood & more.
  - Basis: superlatives imply superiority
- **error** `efficacy/cures` 1:30 — cure claim: 100% sure, no doubt
  > Our groundbreaking clinic \<b\>**cures**\</b\> low mood & more.
  - Balanced wording: describe the evidence
  - Basis: needs substantiation
- **warning** `hype/revolutionary` 6:3 — \`revolutionary\` oversells the treatment
  > A **revolutionary** plan.
  - Balanced wording: say what is different
  - Suggested fix (review): A newer plan.
  - Basis: implies superiority

### Suppressions

| Page | Directive | Reason |
|---|---|---|
| page.txt 3:1 | `claimlint-disable-next-line safety/gentle` | quoting a patient's own words |

<details><summary>Rulesets</summary>

| Ruleset | Rules | Fingerprint |
|---|--:|---|
| rules.toml | 5 | `FP` |

</details>
"
    .replace("FP", &fingerprint());
    assert_eq!(md, expected);
}

#[test]
fn a_clean_run_still_makes_a_report_to_sign() {
    let dir = tree(&[("clean.txt", "Opening hours are 9 to 5.\n")]);
    let o = check_with(
        dir.path(),
        &["--no-default-rulesets", "--ruleset", "rules.toml"],
        &["--format", "html", "clean.txt"],
        None,
    );
    assert_eq!(code(&o), 0);
    let html = stdout(&o);
    assert!(html.contains("<p class=\"clean\">No findings on any page.</p>"));
    assert!(html.contains("<section class=\"signoff\">"));
}
