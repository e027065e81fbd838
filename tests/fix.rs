//! `--fix`, `--unsafe-fixes` and `--diff`: exact fixed texts, prose-only edits in Markdown and
//! HTML, atomic writes, and a second `--fix` that changes nothing on the whole corpus.

use crate::formats::{check, check_with, code, stderr, stdout, tree};
use claimlint::extract::Format;
use claimlint::rules::{RuleSet, builtin};
use std::fs;
use std::path::Path;

const PAGE: &str = "Groundbreaking care.\n\
An unprecedented result and a groundbreaking new option.\n\
It is revolutionary.\n\
We offer ketamine.\n";

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn fix_applies_safe_fixes_keeping_case_and_articles() {
    let dir = tree(&[("page.txt", PAGE)]);
    let out = check(
        dir.path(),
        &["--fix", "--format", "concise", "page.txt"],
        None,
    );
    assert_eq!(
        read(dir.path(), "page.txt"),
        "New care.\n\
         A new result and a new option.\n\
         It is revolutionary.\n\
         We offer ketamine.\n"
    );
    // What is left is reported at its new position.
    assert_eq!(
        stdout(&out),
        "page.txt:3:7: warning[hype/revolutionary] `revolutionary` oversells the treatment\n\
         page.txt:4:10: warning[caveat/side-effects] ketamine is mentioned but its side effects are not\n"
    );
    assert_eq!(stderr(&out), "fixed 3 findings in 1 file\n");
    assert_eq!(code(&out), 1);
}

#[test]
fn unsafe_fixes_add_review_fixes_and_the_caveat_then_a_second_fix_is_a_no_op() {
    let dir = tree(&[("page.txt", PAGE)]);
    let out = check(
        dir.path(),
        &["--fix", "--unsafe-fixes", "--format", "concise", "page.txt"],
        None,
    );
    let fixed = "New care.\n\
         A new result and a new option.\n\
         It is newer.\n\
         We offer ketamine.\n\
         \n\
         Ketamine can cause side effects such as nausea.\n";
    assert_eq!(read(dir.path(), "page.txt"), fixed);
    assert_eq!(
        (code(&out), stdout(&out).as_str(), stderr(&out).as_str()),
        (0, "", "fixed 5 findings in 1 file\n")
    );

    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(dir.path().join("page.txt")).unwrap().ino()
    };
    let again = check(dir.path(), &["--fix", "--unsafe-fixes", "page.txt"], None);
    assert_eq!(stderr(&again), "fixed 0 findings in 0 files\n");
    assert_eq!(read(dir.path(), "page.txt"), fixed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = fs::metadata(dir.path().join("page.txt")).unwrap().ino();
        assert_eq!(now, inode, "a file with nothing to fix is not rewritten");
    }
}

#[test]
fn diff_prints_what_fix_would_change_and_writes_nothing() {
    let dir = tree(&[("page.txt", PAGE), ("clean.txt", "Nothing here.\n")]);
    let out = check(dir.path(), &["--diff", "./page.txt", "clean.txt"], None);
    assert_eq!(
        stdout(&out),
        "--- a/page.txt\n\
         +++ b/page.txt\n\
         @@ -1,4 +1,4 @@\n\
         -Groundbreaking care.\n\
         -An unprecedented result and a groundbreaking new option.\n\
         +New care.\n\
         +A new result and a new option.\n\
         \x20It is revolutionary.\n\
         \x20We offer ketamine.\n"
    );
    assert_eq!(stderr(&out), "would fix 3 findings in 1 file\n");
    assert_eq!(code(&out), 1, "a diff exits 1");
    assert_eq!(read(dir.path(), "page.txt"), PAGE);

    let out = check(dir.path(), &["--diff", "clean.txt"], None);
    assert_eq!(
        (code(&out), stdout(&out).as_str(), stderr(&out).as_str()),
        (0, "", "would fix 0 findings in 0 files\n")
    );
}

#[test]
fn fix_and_diff_are_exclusive() {
    let dir = tree(&[("page.txt", PAGE)]);
    let out = check(dir.path(), &["--fix", "--diff", "page.txt"], None);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: the argument '--fix' cannot be used with '--diff'"));
}

#[test]
fn stdin_fix_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = tree(&[]);
    let out = check(
        dir.path(),
        &["--fix", "--format", "concise", "-"],
        Some("A miracle. It cures.\n"),
    );
    assert_eq!(stdout(&out), "A new. It cures.\n");
    assert_eq!(
        stderr(&out),
        "fixed 1 finding in 1 file\n\
         <stdin>:1:11: error[efficacy/cures] cure claim: 100% sure, no doubt\n"
    );
    assert_eq!(code(&out), 1);
    // Nothing to fix: the text comes back unchanged.
    let out = check(dir.path(), &["--fix", "-"], Some("Plain words.\n"));
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "Plain words.\n"));
}

#[test]
fn markdown_fixes_land_in_prose_only() {
    let md = "---\ntitle: \"A groundbreaking page\"\n---\n\
# Groundbreaking care\n\
\n\
Our **groundbreaking** clinic, see [the miracle](miracle.html) and `groundbreaking`.\n\
\n\
A **ground**breaking idea.\n\
\n\
```\ngroundbreaking\n```\n\
\n\
We offer ketamine.\n";
    let dir = tree(&[("page.md", md)]);
    let out = check(dir.path(), &["--fix", "--unsafe-fixes", "page.md"], None);
    assert_eq!(
        read(dir.path(), "page.md"),
        "---\ntitle: \"A new page\"\n---\n\
# New care\n\
\n\
Our **new** clinic, see [the new](miracle.html) and `groundbreaking`.\n\
\n\
A **ground**breaking idea.\n\
\n\
```\ngroundbreaking\n```\n\
\n\
We offer ketamine.\n\
\n\
Ketamine can cause side effects such as nausea.\n"
    );
    // The finding whose words straddle markup has no fix and is still reported.
    assert_eq!(code(&out), 1);
}

#[test]
fn html_fixes_land_in_prose_only_and_the_caveat_goes_before_main_closes() {
    let html = "<!DOCTYPE html>\n<html>\n<head><title>Groundbreaking care</title></head>\n<body>\n<main>\n  \
<p class=\"groundbreaking\">A miracle <a href=\"/miracle\">here</a>.</p>\n  \
<p>A <b>ground</b>breaking idea &amp; ketamine.</p>\n  \
<script>var groundbreaking = 1;</script>\n\
</main>\n<footer>Footer</footer>\n</body>\n</html>\n";
    let dir = tree(&[("page.html", html)]);
    let out = check(dir.path(), &["--fix", "--unsafe-fixes", "page.html"], None);
    assert_eq!(
        read(dir.path(), "page.html"),
        "<!DOCTYPE html>\n<html>\n<head><title>New care</title></head>\n<body>\n<main>\n  \
<p class=\"groundbreaking\">A new <a href=\"/miracle\">here</a>.</p>\n  \
<p>A <b>ground</b>breaking idea &amp; ketamine.</p>\n  \
<script>var groundbreaking = 1;</script>\n  \
<p>Ketamine can cause side effects such as nausea.</p>\n\
</main>\n<footer>Footer</footer>\n</body>\n</html>\n"
    );
    assert_eq!(stderr(&out), "fixed 3 findings in 1 file\n");
    assert_eq!(
        code(&out),
        1,
        "`<b>ground</b>breaking` is left for a person"
    );
}

#[test]
fn crlf_and_bom_are_kept() {
    let dir = tree(&[]);
    fs::write(
        dir.path().join("page.txt"),
        b"\xEF\xBB\xBFA miracle.\r\nWe offer ketamine.\r\n",
    )
    .unwrap();
    let out = check(dir.path(), &["--fix", "--unsafe-fixes", "page.txt"], None);
    assert_eq!(code(&out), 0);
    assert_eq!(
        fs::read(dir.path().join("page.txt")).unwrap(),
        b"\xEF\xBB\xBFA new.\r\nWe offer ketamine.\r\n\r\nKetamine can cause side effects such as nausea.\r\n"
    );
}

#[cfg(unix)]
#[test]
fn writes_keep_permissions_and_skip_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("shared.txt", "A miracle.\n"),
        ("locked.txt", "A miracle.\n"),
    ]);
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    fs::set_permissions(
        dir.path().join("shared.txt"),
        fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    fs::set_permissions(
        dir.path().join("locked.txt"),
        fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let out = check(dir.path(), &["--fix", "--format", "concise", "."], None);
    assert_eq!(read(dir.path(), "shared.txt"), "A new.\n");
    assert_eq!(mode("shared.txt"), 0o640);
    assert_eq!(read(dir.path(), "locked.txt"), "A miracle.\n");
    assert_eq!(mode("locked.txt"), 0o444);
    assert_eq!(
        stderr(&out),
        "error: ./locked.txt: read-only file, not fixed\nfixed 1 finding in 1 file\n"
    );
    assert_eq!(
        stdout(&out),
        "./locked.txt:1:3: warning[hype/groundbreaking] `groundbreaking` overstates the treatment\n"
    );
    assert_eq!(code(&out), 2);
    // No temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["locked.txt", "rules.toml", "shared.txt"]);
}

#[test]
fn a_file_changed_between_read_and_write_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.txt");
    fs::write(&path, "edited by someone else\n").unwrap();
    let err = claimlint::fix::write_atomic(&path, b"A miracle.\n", b"A new.\n").unwrap_err();
    assert!(matches!(err, claimlint::fix::WriteError::Changed));
    assert_eq!(
        err.to_string(),
        "changed on disk while being checked; not overwritten"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "edited by someone else\n"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file removed"
    );
    // Unchanged: written.
    claimlint::fix::write_atomic(&path, b"edited by someone else\n", b"done\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "done\n");
}

#[test]
fn overlapping_edits_resolve_earliest_then_longest() {
    use claimlint::fix::{Edit, apply, resolve};
    let e = |range: std::ops::Range<usize>, text: &str, rule: usize| Edit {
        range,
        text: text.into(),
        rule,
    };
    let kept = resolve(vec![
        e(4..9, "X", 2),
        e(0..5, "A", 1),
        e(0..3, "B", 0),
        e(12..12, "<ins2>", 4),
        e(12..12, "<ins1>", 3),
        e(10..12, "C", 5),
    ]);
    assert_eq!(
        kept,
        vec![
            e(0..5, "A", 1),
            e(10..12, "C", 5),
            e(12..12, "<ins1>", 3),
            e(12..12, "<ins2>", 4)
        ]
    );
    assert_eq!(apply("0123456789ab", &kept), "A56789C<ins1><ins2>");
}

#[test]
fn a_suggestion_that_would_be_flagged_is_a_ruleset_error() {
    let bad = crate::formats::RULES.replace(
        "replacement = \"newer\"",
        "replacement = \"groundbreaking\"",
    );
    let dir = tree(&[("page.txt", "Fine.\n")]);
    fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = check_with(
        dir.path(),
        &["--no-default-rulesets", "--ruleset", "bad.toml"],
        &["page.txt"],
        None,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with(
            "error: the replacement `groundbreaking` of `hype/revolutionary` would itself be flagged by `hype/groundbreaking` (in \"a groundbreaking therapy\")\n"
        ),
        "{}",
        stderr(&out)
    );

    let bad = crate::formats::RULES.replace(
        "help = \"Ketamine can cause side effects such as nausea.\"",
        "help = \"Ketamine is a miracle and we watch you closely.\"",
    );
    fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = check_with(
        dir.path(),
        &["--no-default-rulesets", "--ruleset", "bad.toml"],
        &["page.txt"],
        None,
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.starts_with("error: the caveat `help` of `caveat/side-effects` would itself be flagged by `hype/groundbreaking`\n"), "{err}");
    assert!(err.contains("error: the caveat `help` of `caveat/side-effects` does not satisfy the rule's `present-if`, so `--fix` would insert it again and again\n"), "{err}");
}

/// Every file of `corpus/` claimlint reads, with its format.
fn corpus() -> Vec<(String, Format, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<(String, Format, String)> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let format = Format::from_path(&path)?;
            let text = fs::read_to_string(&path).unwrap();
            Some((path.file_name()?.to_str()?.to_string(), format, text))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// `--fix` then a second `--fix`, through the library so the rulesets compile once (the CLI
/// runs `fix::run`, which calls the same `fix_text`): the second finds nothing to apply. Run on
/// every corpus file, safe fixes alone and with `--unsafe-fixes`.
#[test]
fn a_second_fix_changes_nothing_on_the_corpus() {
    use claimlint::check::check;
    use claimlint::fix::{edits, fix_text};
    use rayon::prelude::*;
    let rules = RuleSet::compile(builtin::sources()).unwrap();
    let files = corpus();
    assert!(files.len() >= 30, "corpus has {} files", files.len());
    let changed: Vec<(String, bool, usize)> = files
        .par_iter()
        .flat_map_iter(|(name, format, text)| {
            let recheck = |t: &str| check(&rules, *format, t);
            let findings = recheck(text);
            [false, true].map(|unsafe_fixes| {
                let once = fix_text(
                    &rules,
                    *format,
                    text,
                    findings.clone(),
                    unsafe_fixes,
                    &recheck,
                );
                let again = edits(
                    &rules,
                    *format,
                    &once.text,
                    &once.remaining,
                    unsafe_fixes,
                    &[],
                );
                assert_eq!(
                    again,
                    vec![],
                    "{name} (unsafe: {unsafe_fixes}): a second --fix would change it"
                );
                (name.clone(), unsafe_fixes, once.applied)
            })
        })
        .collect();
    // The corpus exercises both kinds: some files get safe fixes, more get review ones.
    let files_fixed = |unsafe_fixes: bool| {
        changed
            .iter()
            .filter(|(_, u, n)| *u == unsafe_fixes && *n > 0)
            .count()
    };
    assert!(files_fixed(false) >= 5, "{changed:?}");
    assert!(files_fixed(true) > files_fixed(false), "{changed:?}");
}

#[test]
fn a_sentence_repeating_a_phrase_is_fixed_in_one_run() {
    // One fix per category per sentence per round (findings are reported that way): twelve
    // repeats need twelve rounds, more than the old ceiling of eight (found by the fuzzer). Not
    // "It is groundbreaking": a novelty word put in as a predicate is never a safe fix.
    let sentence = format!("We offer {}here.\n", "groundbreaking and ".repeat(12));
    let dir = tree(&[("page.txt", &sentence)]);
    let out = check(
        dir.path(),
        &["--fix", "--format", "concise", "page.txt"],
        None,
    );
    assert_eq!(
        read(dir.path(), "page.txt"),
        format!("We offer {}here.\n", "new and ".repeat(12))
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // A second run has nothing left to change.
    let again = check(
        dir.path(),
        &["--fix", "--format", "concise", "page.txt"],
        None,
    );
    assert_eq!(code(&again), 0);
    assert_eq!(
        read(dir.path(), "page.txt"),
        format!("We offer {}here.\n", "new and ".repeat(12))
    );
}

#[test]
fn fixes_read_well_in_the_issue_examples() {
    let dir = tree(&[
        (
            "a.txt",
            "TMS is a new game-changer treatment.\n\n\
             Our new, groundbreaking protocol is truly revolutionary.\n",
        ),
        (
            "b.md",
            "# A Game-Changer in Mental Health\n\nTMS sessions run on weekdays.\n",
        ),
    ]);
    let out = crate::config::run(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "a.txt", "b.md"],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        read(dir.path(), "a.txt"),
        "TMS is a new treatment.\n\nOur new protocol is truly new.\n"
    );
    assert_eq!(
        read(dir.path(), "b.md"),
        "# A New Option in Mental Health\n\nTMS sessions run on weekdays.\n"
    );
}

#[test]
fn a_novelty_word_as_a_predicate_is_only_a_review_fix_with_its_sentence() {
    // One hype finding per sentence: the two words are in two sentences.
    let dir = tree(&[(
        "a.txt",
        "Our new, groundbreaking protocol suits adults. It is truly revolutionary.\n",
    )]);
    let out = crate::config::run(dir.path(), &["check", "--format", "json", "a.txt"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let s: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = &d["suggestion"];
            (
                d["rule"].as_str().unwrap().to_string(),
                s["applicability"].as_str().unwrap().to_string(),
                s["sentence"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        s,
        [
            (
                "hype/groundbreaking".to_string(),
                "safe".to_string(),
                "Our new protocol suits adults.".to_string()
            ),
            (
                "hype/revolutionary".to_string(),
                "review".to_string(),
                "It is truly new.".to_string()
            ),
        ]
    );
}

/// Adjacent word pairs of `text` (commas ignored), lower-cased.
fn pairs(text: &str) -> Vec<(String, String)> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect()
}

/// What a fix must not bring in: a word twice in a row, or an article that disagrees with the
/// word after it.
fn stutters(text: &str) -> Vec<(String, String)> {
    pairs(text)
        .into_iter()
        .filter(|(a, b)| {
            let vowel = b.starts_with(['a', 'e', 'i', 'o', 'u']);
            a == b || (a == "a" && vowel) || (a == "an" && !vowel && !b.starts_with('h'))
        })
        .collect()
}

#[test]
fn every_rule_example_fixes_without_a_stutter_or_a_broken_article() {
    let rules = RuleSet::compile(builtin::sources()).unwrap();
    let recheck = |t: &str| claimlint::check::check(&rules, Format::Text, t);
    let mut fixed_any = 0;
    for rule in &rules.rules {
        for example in &rule.examples.flag {
            let findings = recheck(example);
            let fixed =
                claimlint::fix::fix_text(&rules, Format::Text, example, findings, true, &recheck);
            if fixed.text == *example {
                continue;
            }
            fixed_any += 1;
            let before = stutters(example);
            let new: Vec<_> = stutters(&fixed.text)
                .into_iter()
                .filter(|p| !before.contains(p))
                .collect();
            assert!(
                new.is_empty(),
                "{}: {example:?} -> {:?} brings in {new:?}",
                rule.id,
                fixed.text
            );
        }
    }
    assert!(fixed_any > 20, "only {fixed_any} examples were fixed");
}
