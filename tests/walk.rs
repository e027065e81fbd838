//! The directory walk at site scale: a 2,000-file tree with .gitignore, hidden directories,
//! unknown extensions, `--include` / `--exclude` and the config's `exclude`.

use crate::config::{code, run, stdout};
use std::fmt::Write as _;
use std::path::Path;

/// The summary line's file count: `checked N files: …`.
fn files_checked(dir: &Path, args: &[&str]) -> usize {
    let mut all = vec!["check", "--color", "never", "--select", "hype/game-changer"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_ne!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_default();
    let n = last
        .strip_prefix("checked ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("no summary in {last:?}"));
    n.parse().unwrap()
}

/// Builds the tree; returns how many files of each kind it wrote.
///
/// ```text
/// pages/dNN/pMMM.md      1,200  checked
/// pages/dNN/pMMM.html      400  checked
/// blog/pMMM.md             100  checked, excluded by the config in one test
/// build/…                  100  gitignored directory
/// notes/pMMM.draft.md      100  gitignored by pattern
/// .cache/pMMM.md            50  hidden
/// assets/pMMM.css           48  unknown extension
/// .gitignore, claimlint.toml  2
/// ```
fn site(root: &Path) -> usize {
    let mut n = 0;
    let mut write = |rel: String, body: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
        n += 1;
    };
    let hype = "A game-changer.\n";
    for i in 0..1600 {
        let ext = if i % 4 == 3 { "html" } else { "md" };
        write(format!("pages/d{:02}/p{i:04}.{ext}", i / 100), hype);
    }
    for i in 0..100 {
        write(format!("blog/p{i:03}.md"), hype);
        write(format!("build/out/p{i:03}.md"), hype);
        write(format!("notes/p{i:03}.draft.md"), hype);
    }
    for i in 0..50 {
        write(format!(".cache/p{i:03}.md"), hype);
    }
    for i in 0..48 {
        write(format!("assets/p{i:03}.css"), "a { color: red }\n");
    }
    let mut ignore = String::new();
    writeln!(ignore, "build/").unwrap();
    writeln!(ignore, "*.draft.md").unwrap();
    write(".gitignore".into(), &ignore);
    write("claimlint.toml".into(), "");
    n
}

#[test]
fn a_two_thousand_file_site_respects_gitignore_and_globs() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(site(dir.path()), 2000);
    let root = dir.path();

    // .gitignore (outside a git repository too), hidden files and unknown extensions. Every
    // checked file has one finding, and the output is sorted by path.
    let out = run(
        root,
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "hype/game-changer",
        ],
    );
    let lines: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.contains("hype/game-changer"))
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 1700);
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("build/") && !l.contains(".draft.") && !l.contains(".cache"))
    );

    // Each run below starts the binary and loads the rules (seconds in a debug build), so the
    // cases are combined into as few runs as say something distinct.
    // `--include` narrows; it never brings back an ignored or hidden file.
    assert_eq!(
        files_checked(
            root,
            &[
                "--include",
                "*.html",
                "--include",
                "*.draft.md",
                "--include",
                ".cache/**"
            ]
        ),
        400
    );
    // `--exclude` prunes, several globs add up, include and exclude combine; globs are relative
    // to the current directory.
    assert_eq!(
        files_checked(
            &root.join("pages"),
            &[
                "--include",
                "*.md",
                "--exclude",
                "d1*/",
                "--exclude",
                "/d00"
            ]
        ),
        675
    );
    // The config's `exclude` applies on top, relative to the config file.
    std::fs::write(
        root.join("claimlint.toml"),
        "exclude = [\"/blog\", \"p00*.html\"]\n",
    )
    .unwrap();
    assert_eq!(files_checked(root, &["--exclude", "pages/d1*"]), 1000 - 25);
}
