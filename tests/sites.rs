//! Website repositories as they are (issue 22): small Hugo-, Jekyll- and Next.js-like trees under
//! `tests/fixtures/sites/` (our own copy). Every template construct, shortcode body, ignored
//! pattern and non-copy prop in them holds a word a rule would flag, so a finding inside any of
//! them would show up here.

use crate::config::{Row, check, code, run, stderr, stdout, tree};
use std::path::{Path, PathBuf};

fn site(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sites")
        .join(name)
}

/// (path, rule, line, column) of each finding of `check .` in a fixture site, and the exit code.
fn findings(name: &str) -> (Vec<(String, String, u64, u64)>, i32) {
    let (rows, code) = check(&site(name), &["."]);
    let rows = rows
        .into_iter()
        .map(|(path, rule, _, line, col): Row| {
            (path.trim_start_matches("./").to_string(), rule, line, col)
        })
        .collect();
    (rows, code)
}

fn row(path: &str, rule: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (path.to_string(), rule.to_string(), line, col)
}

/// The ketamine caveats a page that names ketamine and discloses nothing is missing.
const KETAMINE_CAVEATS: [&str; 5] = [
    "caveat/abuse",
    "caveat/approval-scope",
    "caveat/consult",
    "caveat/individual-results",
    "caveat/side-effects",
];

fn caveats_at(path: &str, line: u64, col: u64) -> Vec<(String, String, u64, u64)> {
    KETAMINE_CAVEATS
        .iter()
        .map(|r| row(path, r, line, col))
        .collect()
}

#[test]
fn hugo_templates_shortcodes_and_ignore_patterns_are_not_prose() {
    let (got, exit) = findings("hugo");
    let mut want = caveats_at("content/ketamine.md", 2, 10);
    want.extend([
        // `summary` and `seo.description` are configured front-matter fields; `keywords` is not.
        row("content/ketamine.md", "hype/revolutionary", 3, 14),
        row("content/ketamine.md", "hype/miracle", 6, 28),
        // The body of a text shortcode (`note`) is copy; a `highlight` or `gallery` body, a Go
        // comment, `{{ … }}`, a lone `{{< ref >}}`, the `[[token]]` and the ignored price block
        // are not.
        row("content/ketamine.md", "hype/game-changer", 18, 28),
        // A partial: its sentences are checked, but it owes no caveats of its own.
        row("layouts/partials/promo.html", "hype/game-changer", 3, 31),
    ]);
    assert_eq!(got, want);
    assert_eq!(exit, 1);
}

#[test]
fn jekyll_liquid_fragments_and_per_path_footers() {
    let (got, exit) = findings("jekyll");
    let mut want = vec![row("_includes/cta.html", "hype/game-changer", 1, 49)];
    // Under the top-level footer, which names TMS only: it says results vary and to ask a
    // clinician, but for TMS, so the ketamine page still owes every ketamine caveat.
    want.extend(caveats_at("blog/ketamine-faq.md", 2, 24));
    want.extend([
        // An HTML page's YAML front matter: `excerpt` and nested `seo.description` are read,
        // `tags` are not; Liquid comments, `{{ … }}`, `{% include %}`, Nunjucks `{# #}` and
        // Handlebars `{{!-- --}}` are not prose. The `ketamine/**` override's footer names
        // ketamine and discloses its caveats.
        row("ketamine/infusions.html", "hype/breakthrough", 4, 12),
        row("ketamine/infusions.html", "hype/miracle", 6, 30),
    ]);
    // `tms/index.md` is covered by the TMS footer; `_layouts/` holds only template syntax.
    assert_eq!(got, want);
    assert_eq!(exit, 1);
}

#[test]
fn a_footer_counts_only_for_the_treatment_it_names() {
    // The same ketamine page, once under a footer that names TMS and once under one that
    // names ketamine, with the same general wording about results and clinicians.
    let general = "Results vary from person to person. Ask your clinician whether it suits you.";
    let dir = tree(&[
        (
            "claimlint.toml",
            "[caveats]\nshared-footer = \"tms.md\"\n\n[[overrides]]\npaths = [\"k/**\"]\ncaveats.shared-footer = \"ketamine.md\"\n",
        ),
        ("tms.md", &format!("TMS is offered here. {general}\n")),
        (
            "ketamine.md",
            &format!("Ketamine is offered here. {general}\n"),
        ),
        (
            "a/page.md",
            "Ketamine infusions are offered at our clinic. Ketamine may ease depression.\n",
        ),
        (
            "k/page.md",
            "Ketamine infusions are offered at our clinic. Ketamine may ease depression.\n",
        ),
    ]);
    let (rows, _) = check(dir.path(), &["a/page.md", "k/page.md"]);
    let rules = |p: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r.0 == p)
            .map(|r| r.1.clone())
            .collect()
    };
    assert_eq!(rules("a/page.md"), KETAMINE_CAVEATS);
    assert_eq!(
        rules("k/page.md"),
        [
            "caveat/abuse",
            "caveat/approval-scope",
            "caveat/side-effects"
        ]
    );
}

#[test]
fn next_mdx_props_and_opted_in_tsx() {
    let (got, exit) = findings("next");
    let mut want = vec![
        // JSX text and copy props (`title`, `alt` on an element passed as a prop), never the
        // comment, `className` or a string outside JSX.
        row("app/page.tsx", "hype/revolutionary", 10, 22),
    ];
    want.extend(caveats_at("app/page.tsx", 10, 36));
    want.extend([
        row("app/page.tsx", "hype/miracle", 10, 72),
        row("app/page.tsx", "hype/game-changer", 14, 28),
    ]);
    want.extend(caveats_at("content/post.mdx", 2, 12));
    want.extend([
        row("content/post.mdx", "hype/breakthrough", 3, 13),
        // `<Callout title="…">` on a line of its own, `<Badge label="…">` inside a paragraph,
        // inline text children; never `tone={…}`, `export const` or `import`.
        row("content/post.mdx", "hype/revolutionary", 9, 19),
        row("content/post.mdx", "hype/miracle", 13, 61),
        row("content/post.mdx", "hype/game-changer", 15, 37),
    ]);
    // `app/layout.tsx` is a fragment (names ketamine twice, owes no caveats);
    // `components/Hero.tsx` is outside `include`, `lib/copy.ts` is not a format claimlint reads.
    assert_eq!(got, want);
    assert_eq!(exit, 1);
}

#[test]
fn tsx_is_read_only_when_opted_in() {
    let dir = tree(&[(
        "Hero.tsx",
        "export const A = () => <p>A miracle cure.</p>;\n",
    )]);
    let out = run(dir.path(), &["check", "."]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: no files to check (1 skipped: 1 .jsx/.tsx without an `include` glob)\n"
    );
    let (rows, exit) = check(dir.path(), &[".", "--include", "*.tsx"]);
    assert_eq!(exit, 1);
    assert_eq!(rows[0].1, "hype/miracle");
    assert_eq!((rows[0].3, rows[0].4), (1, 29));
}

#[test]
fn configured_front_matter_fields_replace_the_defaults() {
    let page = "---\ntitle: Plain title\nlead: A miracle lead\nhero:\n  caption: A breakthrough\n---\n\nBody.\n";
    let dir = tree(&[("p.md", page)]);
    let (rows, _) = check(dir.path(), &["p.md"]);
    let rules: Vec<(&str, u64)> = rows.iter().map(|r| (r.1.as_str(), r.3)).collect();
    assert_eq!(rules, [("hype/miracle", 3)]);
    std::fs::write(
        dir.path().join("claimlint.toml"),
        "front-matter-fields = [\"hero.caption\"]\n",
    )
    .unwrap();
    let (rows, _) = check(dir.path(), &["p.md"]);
    let rules: Vec<(&str, u64)> = rows.iter().map(|r| (r.1.as_str(), r.3)).collect();
    assert_eq!(rules, [("hype/breakthrough", 5)]);
}

#[test]
fn a_bad_ignore_pattern_is_a_config_error_at_its_place() {
    let dir = tree(&[
        (
            "claimlint.toml",
            "[ignore-patterns]\ntoken = ['(unclosed']\n",
        ),
        ("p.md", "Text.\n"),
    ]);
    let out = run(dir.path(), &["check", "--color", "never", "p.md"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("invalid ignore pattern"), "{err}");
    assert!(err.contains("claimlint.toml:2:10"), "{err}");
}

#[test]
fn nothing_passes_silently() {
    let dir = tree(&[
        ("site/style.css", "a { color: red }\n"),
        ("site/Hero.tsx", "export const A = 1;\n"),
        ("site/brochure.doc", "\u{d0}\u{cf}\u{11}\u{e0}"),
        ("site/drafts/a.md", "A miracle.\n"),
        ("claimlint.toml", "exclude = [\"drafts/\"]\n"),
        ("leaflet.pdf", "%PDF-1.7\n"),
        ("ok.md", "Fine.\n"),
    ]);
    // A tree that yields no checkable file: exit 2, with what was skipped and why.
    let out = run(dir.path(), &["check", "site"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: no files to check (4 skipped: 1 not supported yet (.pdf, .doc, .rtf, .pages), \
         1 of a format claimlint does not read, 1 .jsx/.tsx without an `include` glob, \
         1 excluded)\n"
    );
    assert_eq!(stdout(&out), "");
    // A missing path: exit 2, and the summary never says "no problems found".
    let out = run(
        dir.path(),
        &["check", "--color", "never", "missing.md", "ok.md"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: missing.md: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "checked 1 file; 1 path could not be checked\n"
    );
    assert!(!stdout(&out).contains("no problems found"));
    // A .pdf or .doc named on the command line: "not supported yet", not "binary file".
    let out = run(dir.path(), &["check", "leaflet.pdf", "site/brochure.doc"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: leaflet.pdf: PDF files are not supported yet\n\
         error: site/brochure.doc: word-processor documents are not supported yet\n"
    );
}

#[test]
fn markdown_job_summary_has_a_table_per_page() {
    // The review report (src/report/markdown.rs): a table of pages, then each page's findings.
    let out = run(&site("jekyll"), &["check", "--format", "markdown", "."]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("7 pages checked: 0 errors, 8 warnings, 0 info\n\n| Page | Errors | Warnings | Info |\n|---|--:|--:|--:|\n| ./\\_includes/cta.html | 0 | 1 | 0 |\n| ./blog/ketamine-faq.md | 0 | 5 | 0 |\n| ./ketamine/infusions.html | 0 | 2 | 0 |\n\n"),
        "{text}"
    );
    assert_eq!(text.matches("\n### ./").count(), 3, "{text}");
    assert!(
        text.contains("### ./\\_includes/cta.html\n\n- **warning** `hype/game-changer` 1:49 — \\`game-changer\\` casts the treatment as revolutionary\n"),
        "{text}"
    );
}

#[test]
fn force_exclude_filters_named_files_like_walked_ones() {
    let dir = tree(&[
        ("claimlint.toml", "exclude = [\"drafts/\"]\n"),
        ("drafts/a.md", "A miracle.\n"),
        ("src/main.rs", "// a miracle\n"),
        ("Hero.tsx", "export const A = () => <p>A miracle.</p>;\n"),
        ("page.md", "A miracle.\n"),
    ]);
    let named = ["drafts/a.md", "src/main.rs", "Hero.tsx", "page.md"];
    let mut args = vec!["--force-exclude"];
    args.extend(named);
    let (rows, exit) = check(dir.path(), &args);
    assert_eq!(exit, 1);
    let paths: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(paths, ["page.md"]);
    // Without it, a named file is read whatever the filters say.
    let (rows, _) = check(dir.path(), &named);
    let mut paths: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    paths.dedup();
    assert_eq!(paths, ["Hero.tsx", "drafts/a.md", "page.md", "src/main.rs"]);
    // Everything filtered out: nothing to check, and it says why.
    let out = run(
        dir.path(),
        &["check", "--force-exclude", "drafts/a.md", "src/main.rs"],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: no files to check (2 skipped: 1 of a format claimlint does not read, 1 excluded)\n"
    );
}
