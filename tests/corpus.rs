//! The corpus: our own clinic pages with the findings a reviewer expects (`corpus/expected.toml`).
//!
//! Two checks. A regression snapshot: the JSON diagnostics of every page, compared with
//! `corpus/snapshots/<file>.json` (refresh with `UPDATE_SNAPSHOTS=1 cargo test`, then review the
//! diff). And a score: precision and recall of span findings and missing caveats against the
//! reviewer's annotations, with the same matching rules as `../shared/eval/score.py`, held above
//! floors so a rule change that costs judgement fails here. Balanced pages must be clean.
//!
//! Pages under `corpus/profiles/<profile>/` are clinic copy for another jurisdiction (issue 25):
//! each is checked with `--profile <profile>` (or the doc's own `profile`), and its snapshot is
//! `<file with / as ->.<profile>.json`.

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Deserialize)]
struct Expected {
    doc: Vec<Doc>,
}

#[derive(Deserialize)]
struct Doc {
    file: String,
    /// The profile the page is judged under (default `us`).
    #[serde(default = "us")]
    profile: String,
    #[serde(default)]
    balanced: bool,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    ok: Vec<String>,
    #[serde(default)]
    finding: Vec<Gold>,
}

#[derive(Deserialize)]
struct Gold {
    categories: Vec<String>,
    quote: String,
    #[serde(default = "one")]
    nth: usize,
}

fn one() -> usize {
    1
}

fn us() -> String {
    "us".into()
}

/// The key of a doc's diagnostics: its file under `us`, `file@profile` under another profile.
fn key(file: &str, profile: &str) -> String {
    if profile == "us" {
        file.to_string()
    } else {
        format!("{file}@{profile}")
    }
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Byte range of the `nth` occurrence of `quote` in `text`.
fn locate(text: &str, quote: &str, nth: usize) -> (usize, usize) {
    let mut from = 0;
    let mut at = None;
    for _ in 0..nth {
        let pos = text[from..]
            .find(quote)
            .unwrap_or_else(|| panic!("gold quote not found: {quote:?}"));
        at = Some(from + pos);
        from += pos + 1;
    }
    let start = at.expect("nth >= 1");
    (start, start + quote.len())
}

/// The diagnostics of one `check --format json` run over `args`, by path relative to the
/// corpus (keyed as [`key`] says).
fn run(args: &[&str], profile: &str) -> BTreeMap<String, Vec<Value>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["check", "--format", "json", "--profile", profile])
        .args(args)
        .current_dir(root)
        .env_remove("CI")
        .output()
        .expect("run claimlint");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON output");
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in all {
        let path = d["path"].as_str().expect("path").replace('\\', "/");
        let rel = path
            .split_once("corpus/")
            .map_or(path.as_str(), |(_, r)| r)
            .to_string();
        let mut d = d;
        d["path"] = Value::String(format!("corpus/{rel}"));
        by_file.entry(key(&rel, profile)).or_default().push(d);
    }
    by_file
}

/// All diagnostics of the corpus: the top-level pages under `us`, each profile's pages under
/// that profile, and any page a doc asks to see under another profile.
fn run_corpus() -> BTreeMap<String, Vec<Value>> {
    let mut by_file = run(
        &[
            "corpus",
            "--exclude",
            "corpus/profiles/",
            "--exclude",
            "corpus/blind/",
        ],
        "us",
    );
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for doc in &expected().doc {
        if doc.file.starts_with("profiles/") || doc.profile != "us" {
            wanted
                .entry(doc.profile.clone())
                .or_default()
                .push(format!("corpus/{}", doc.file));
        }
    }
    for (profile, files) in &wanted {
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        by_file.extend(run(&files, profile));
    }
    by_file
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    hits: usize,
    fn_: usize,
    ctp: usize,
    cfp: usize,
    cfn: usize,
    errors: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let r = a as f64 / (a + b) as f64;
        r
    }
}

fn score(expected: &Expected, by_file: &BTreeMap<String, Vec<Value>>) -> Score {
    let mut s = Score::default();
    for doc in &expected.doc {
        let text = std::fs::read_to_string(corpus().join(&doc.file)).expect("read corpus file");
        let diags = by_file
            .get(&key(&doc.file, &doc.profile))
            .map_or(&[][..], Vec::as_slice);
        let gold: Vec<((usize, usize), &Gold)> = doc
            .finding
            .iter()
            .map(|g| (locate(&text, &g.quote, g.nth), g))
            .collect();
        let oks: Vec<(usize, usize)> = doc.ok.iter().map(|q| locate(&text, q, 1)).collect();
        let mut hit = vec![false; gold.len()];
        let mut caveats = BTreeSet::new();
        for d in diags {
            let cat = d["category"].as_str().unwrap_or_default();
            if cat == "missing-caveat" {
                caveats.insert(d["caveat"].as_str().unwrap_or_default().to_string());
                continue;
            }
            let start = usize::try_from(d["start"]["offset"].as_u64().unwrap_or(0)).unwrap_or(0);
            let mut end = usize::try_from(d["end"]["offset"].as_u64().unwrap_or(0)).unwrap_or(0);
            if end <= start {
                end = start + 1;
            }
            let mut matched = false;
            for (i, ((gs, ge), g)) in gold.iter().enumerate() {
                if start < *ge && *gs < end && g.categories.iter().any(|c| c == cat) {
                    hit[i] = true;
                    matched = true;
                }
            }
            if matched {
                s.tp += 1;
            } else if !oks.iter().any(|(os, oe)| start < *oe && *os < end) {
                s.fp += 1;
                s.errors.push(format!(
                    "FP {}: [{cat}] {:?} ({})",
                    doc.file,
                    &text[start..end],
                    d["rule"]
                ));
            }
        }
        for (h, (_, g)) in hit.iter().zip(&gold) {
            if *h {
                s.hits += 1;
            } else {
                s.fn_ += 1;
                s.errors
                    .push(format!("FN {}: {:?} {:?}", doc.file, g.categories, g.quote));
            }
        }
        for c in &doc.missing {
            if caveats.contains(c) {
                s.ctp += 1;
            } else {
                s.cfn += 1;
                s.errors
                    .push(format!("FN {}: missing-caveat {c}", doc.file));
            }
        }
        for c in doc.present.iter().filter(|c| caveats.contains(*c)) {
            s.cfp += 1;
            s.errors.push(format!(
                "FP {}: missing-caveat {c} (the copy has it)",
                doc.file
            ));
        }
    }
    s
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(corpus().join("expected.toml")).expect("read expected.toml");
    toml::from_str(&text).expect("parse expected.toml")
}

/// Prints a score's errors and figures under `name` and holds them to `floor` (span precision,
/// span recall, caveat precision, caveat recall).
fn hold(name: &str, s: &Score, floor: (f64, f64, f64, f64)) {
    let (p, r) = (ratio(s.tp, s.fp), ratio(s.hits, s.fn_));
    let (cp, cr) = (ratio(s.ctp, s.cfp), ratio(s.ctp, s.cfn));
    println!("{}", s.errors.join("\n"));
    println!(
        "{name}: spans tp={} fp={} hit={} fn={}; caveats tp={} fp={} fn={}",
        s.tp, s.fp, s.hits, s.fn_, s.ctp, s.cfp, s.cfn
    );
    println!(
        "span_precision={p:.2} span_recall={r:.2} caveat_precision={cp:.2} caveat_recall={cr:.2}"
    );
    assert!(
        p >= floor.0,
        "{name}: span precision {p:.2} fell below {}",
        floor.0
    );
    assert!(
        r >= floor.1,
        "{name}: span recall {r:.2} fell below {}",
        floor.1
    );
    assert!(
        cp >= floor.2,
        "{name}: caveat precision {cp:.2} fell below {}",
        floor.2
    );
    assert!(
        cr >= floor.3,
        "{name}: caveat recall {cr:.2} fell below {}",
        floor.3
    );
}

#[test]
fn corpus_scores_above_floors_and_balanced_pages_are_clean() {
    let expected = expected();
    let by_file = run_corpus();
    // Floors a little under today's figures: a change that loses judgement fails here.
    hold(
        "corpus",
        &score(&expected, &by_file),
        (0.92, 0.85, 0.92, 0.92),
    );

    for doc in expected.doc.iter().filter(|d| d.balanced) {
        let diags = by_file
            .get(&key(&doc.file, &doc.profile))
            .map_or(&[][..], Vec::as_slice);
        let rules: Vec<&str> = diags.iter().filter_map(|d| d["rule"].as_str()).collect();
        assert!(
            rules.is_empty(),
            "balanced page {} has findings: {rules:?}",
            doc.file
        );
    }
}

/// Copy written from DOMAIN.md and TREATMENTS.md alone by colleagues who never saw the rules,
/// with their reviewer's gold: how well judgement carries to wording the rules were not written
/// for. Its figures sit below our own corpus's by design; a change that loses ground fails here.
#[test]
fn blind_set_scores_above_floors() {
    let text = std::fs::read_to_string(corpus().join("blind/expected.toml"))
        .expect("read blind/expected.toml");
    let expected: Expected = toml::from_str(&text).expect("parse blind/expected.toml");
    let by_file = run(&["corpus/blind"], "us");
    hold("blind", &score(&expected, &by_file), FLOOR);
}

/// Span precision and recall, caveat precision and recall on the blind set: a little under the
/// figures when it was added.
const FLOOR: (f64, f64, f64, f64) = (0.88, 0.75, 0.84, 0.85);

#[test]
fn every_corpus_page_is_annotated() {
    let expected = expected();
    let listed: BTreeSet<&str> = expected.doc.iter().map(|d| d.file.as_str()).collect();
    let mut names = Vec::new();
    for dir in [
        "",
        "profiles/uk/",
        "profiles/ca/",
        "profiles/au/",
        "profiles/eu/",
    ] {
        for entry in std::fs::read_dir(corpus().join(dir)).expect("read corpus") {
            let name = entry.expect("entry").file_name();
            names.push(format!("{dir}{}", name.to_string_lossy()));
        }
    }
    for name in names {
        let page =
            [".txt", ".md", ".html"].iter().any(|e| name.ends_with(e)) && name != "README.md";
        if page {
            assert!(
                listed.contains(name.as_str()),
                "{name} has no entry in expected.toml"
            );
        }
    }
}

#[test]
fn corpus_output_matches_snapshots() {
    let by_file = run_corpus();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let dir = corpus().join("snapshots");
    let mut stale = Vec::new();
    for doc in &expected().doc {
        let diags = by_file
            .get(&key(&doc.file, &doc.profile))
            .cloned()
            .unwrap_or_default();
        let got = serde_json::to_string_pretty(&diags).expect("serialise") + "\n";
        let name = doc.file.replace('/', "-");
        let path = if doc.profile == "us" {
            dir.join(format!("{name}.json"))
        } else {
            dir.join(format!("{name}.{}.json", doc.profile))
        };
        if update {
            std::fs::write(&path, &got).expect("write snapshot");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            stale.push(key(&doc.file, &doc.profile));
        }
    }
    assert!(
        stale.is_empty(),
        "output differs from corpus/snapshots for {stale:?}; if intended, run `UPDATE_SNAPSHOTS=1 cargo test corpus` and review the diff"
    );
}

/// Byte ranges of a Markdown or HTML page where prose never is: code, scripts, styles, comments,
/// URLs and attributes other than the checked ones (`alt`, `title`, meta `content`).
fn non_prose(name: &str, text: &str) -> Vec<(usize, usize)> {
    let html = [
        r"(?is)<script\b.*?</script>",
        r"(?is)<style\b.*?</style>",
        r"(?is)<noscript\b.*?</noscript>",
        r"(?is)<pre\b.*?</pre>",
        r"(?is)<code\b.*?</code>",
        r"(?is)<template\b.*?</template>",
        r"(?s)<!--.*?-->",
        r#"(?i)\s(href|src|class|id|style|data-[\w-]+|property|name|rel|type|lang|charset)\s*=\s*("[^"]*"|'[^']*')"#,
    ];
    let markdown = [
        r"(?ms)^(```|~~~).*?^(```|~~~)",
        r"`[^`\n]+`",
        r"\]\([^)]*\)",
        r"<https?://[^>]*>",
        r"(?s)<!--.*?-->",
    ];
    let patterns: &[&str] = if name.ends_with(".html") {
        &html
    } else if name.ends_with(".md") {
        &markdown
    } else {
        &[]
    };
    patterns
        .iter()
        .flat_map(|p| {
            regex::Regex::new(p)
                .expect("test regex")
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn nothing_is_reported_inside_code_scripts_urls_or_unchecked_attributes() {
    let by_file = run_corpus();
    let mut checked = 0;
    for (name, diags) in &by_file {
        let file = name.split('@').next().unwrap_or(name);
        let text = std::fs::read_to_string(corpus().join(file)).expect("read corpus file");
        let forbidden = non_prose(file, &text);
        for d in diags {
            let start = usize::try_from(d["start"]["offset"].as_u64().unwrap_or(0)).unwrap_or(0);
            let end = usize::try_from(d["end"]["offset"].as_u64().unwrap_or(0)).unwrap_or(0);
            assert_eq!(&text[start..end], d["matched"].as_str().unwrap_or_default());
            // A span may cross inline markup ("mir<span>acle"), but neither end may sit inside
            // a region that is not prose.
            for (fs, fe) in &forbidden {
                let inside = |at: usize| *fs <= at && at < *fe;
                assert!(
                    !inside(start) && !inside(end.saturating_sub(1)),
                    "{name}: {} reported inside non-prose {:?}",
                    d["rule"],
                    &text[*fs..*fe]
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 100,
        "the corpus should produce many diagnostics, got {checked}"
    );
}
