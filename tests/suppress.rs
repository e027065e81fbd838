//! Inline suppressions in Markdown, HTML and plain text, and the diagnostics about them.

use crate::config::{check, check_env, row, run, stdout, tree};

const HYPE: &str = "Our clinic is a game-changer.";

fn md_next_line() -> String {
    format!(
        "# Clinic\n\n\
         <!-- claimlint-disable-next-line hype/game-changer -- quoting a patient review -->\n\
         <!-- an ordinary comment -->\n\n\
         {HYPE}\n\n\
         {HYPE}\n"
    )
}

#[test]
fn next_line_in_markdown_skips_blank_and_comment_lines() {
    let dir = tree(&[("page.md", &md_next_line())]);
    let (rows, code) = check(dir.path(), &["--select", "hype", "page.md"]);
    assert_eq!(
        rows,
        vec![row("page.md", "hype/game-changer", "warning", 8, 17)]
    );
    assert_eq!(code, 1);
}

#[test]
fn region_in_html_and_category_selectors() {
    let html = format!(
        "<html><body>\n\
         <!-- claimlint-disable hype, efficacy/cure -- archived press release -->\n\
         <p>{HYPE}</p>\n\
         <p>A revolutionary clinic.</p>\n\
         <!-- claimlint-enable hype -->\n\
         <p>{HYPE}</p>\n\
         </body></html>\n"
    );
    let dir = tree(&[("page.html", &html)]);
    let (rows, _) = check(dir.path(), &["--select", "hype", "page.html"]);
    assert_eq!(
        rows,
        vec![row("page.html", "hype/game-changer", "warning", 6, 20)]
    );

    // Without an enable the region runs to the end of the file.
    let html = html.replace("<!-- claimlint-enable hype -->\n", "");
    std::fs::write(dir.path().join("page.html"), html).unwrap();
    let (rows, _) = check(dir.path(), &["--select", "hype", "page.html"]);
    assert_eq!(rows, vec![]);
}

#[test]
fn plain_text_directives_are_lines() {
    let text = format!(
        "claimlint-disable-next-line hype -- a testimonial, quoted verbatim\n{HYPE}\n{HYPE}\n"
    );
    let dir = tree(&[("page.txt", &text)]);
    let (rows, _) = check(dir.path(), &["--select", "hype", "page.txt"]);
    assert_eq!(
        rows,
        vec![row("page.txt", "hype/game-changer", "warning", 3, 17)]
    );

    let text = format!("{HYPE}\n\nclaimlint-disable-file hype -- archive\n\n{HYPE}\n");
    std::fs::write(dir.path().join("page.txt"), text).unwrap();
    let (rows, code) = check(dir.path(), &["--select", "hype", "page.txt"]);
    assert_eq!(rows, vec![]);
    assert_eq!(code, 0);
}

#[test]
fn disable_file_suppresses_a_missing_caveat() {
    let page = "<!-- claimlint-disable-file caveat/side-effects -- the safety page is linked -->\n\
                # Ketamine therapy\n\nKetamine infusions are given in our clinic.\n";
    let dir = tree(&[("page.md", page)]);
    let (rows, _) = check(dir.path(), &["--select", "caveat/side-effects", "page.md"]);
    assert_eq!(rows, vec![]);
}

#[test]
fn a_suppression_without_a_reason_still_works_but_warns() {
    let page =
        format!("Intro.\n\n<!-- claimlint-disable-next-line hype/game-changer -->\n{HYPE}\n");
    let dir = tree(&[("page.md", &page)]);
    let (rows, code) = check(dir.path(), &["--select", "hype", "page.md"]);
    assert_eq!(
        rows,
        vec![row(
            "page.md",
            "claimlint/suppression-without-reason",
            "warning",
            3,
            1
        )]
    );
    assert_eq!(code, 1);
    // Empty reasons count as none; the category is `suppression`, there is no help text.
    let page = page.replace("game-changer -->", "game-changer -- -->");
    std::fs::write(dir.path().join("page.md"), page).unwrap();
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--select", "hype", "page.md"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["rule"], "claimlint/suppression-without-reason");
    assert_eq!(v[0]["category"], "suppression");
    assert_eq!(v[0]["help"], "");
    // Human output renders it like any diagnostic.
    let out = run(
        dir.path(),
        &["check", "--color", "never", "--select", "hype", "page.md"],
    );
    let text = stdout(&out);
    assert!(
        text.contains(
            "warning[claimlint/suppression-without-reason]: suppression without a reason"
        ),
        "{text}"
    );
    assert!(text.contains("--> page.md:3:1"), "{text}");
}

#[test]
fn unused_suppressions_are_reported_on_request_and_in_ci() {
    let page = format!(
        "<!-- claimlint-disable-next-line hype/miracle, hype/game-changer -- review quote -->\n{HYPE}\n"
    );
    let dir = tree(&[("page.md", &page)]);
    let args = ["--select", "hype", "page.md"];
    let unused = vec![row(
        "page.md",
        "claimlint/unused-suppression",
        "warning",
        1,
        1,
    )];
    let (rows, code) = check(dir.path(), &args);
    assert_eq!((rows, code), (vec![], 0), "off by default");
    let mut forced = vec!["--report-unused-suppressions"];
    forced.extend(args);
    let (rows, code) = check(dir.path(), &forced);
    assert_eq!((rows, code), (unused.clone(), 1));
    let (rows, _) = check_env(dir.path(), &args, &[("CI", "true")]);
    assert_eq!(rows, unused, "on in CI");
    let mut off = vec!["--no-report-unused-suppressions"];
    off.extend(args);
    let (rows, _) = check_env(dir.path(), &off, &[("CI", "true")]);
    assert_eq!(rows, vec![], "the flag wins over CI");
    // The config can turn it on too.
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "report-unused-suppressions = true\n",
    )
    .unwrap();
    let (rows, _) = check(dir.path(), &args);
    assert_eq!(rows, unused);
}

#[test]
fn a_suppression_naming_no_rule_is_reported() {
    let page = format!(
        "<!-- claimlint-disable-next-line hype/game-changr -- typo -->\n{HYPE}\n\
         <!-- claimlint-disable-line hype -- no such directive -->\n"
    );
    let dir = tree(&[("page.md", &page)]);
    let (rows, _) = check(dir.path(), &["--select", "hype", "page.md"]);
    assert_eq!(
        rows,
        vec![
            row("page.md", "claimlint/invalid-suppression", "warning", 1, 1),
            row("page.md", "hype/game-changer", "warning", 2, 17),
            row("page.md", "claimlint/invalid-suppression", "warning", 3, 1),
        ]
    );
}
