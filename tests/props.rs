//! Property test (issue 7): the fuzz targets' invariants (`fuzz/invariants.rs`, included here so
//! both assert the same thing) on generated text, for a bounded number of cases in `cargo test`.
//!
//! The generator mixes claim words the built-in rules react to, hedges, markup of all three
//! formats, multi-byte characters, entities and odd whitespace, so most cases reach the decision
//! and fix steps rather than stopping at "no hits".

use claimlint::extract::Format;
use proptest::prelude::*;

#[path = "../fuzz/invariants.rs"]
mod invariants;

const PIECES: &[&str] = &[
    "miracle",
    "cures",
    "cure",
    "guaranteed",
    "100% effective",
    "no side effects",
    "ketamine",
    "Spravato",
    "FDA-approved",
    "breakthrough",
    "game-changer",
    "may",
    "not",
    "some patients",
    "depression",
    "safe",
    "side effects include nausea",
    "risk-free",
    "clinically proven",
    "revolutionary",
    "the best",
    "Dr.",
    "e.g.",
    ". ",
    "! ",
    "? ",
    ": ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "  ",
    "\u{a0}",
    "\u{200b}",
    "’",
    "“",
    "”",
    "—",
    "–",
    "é",
    "日本",
    "🙂",
    "&amp;",
    "&nbsp;",
    "&#x2014;",
    "&bogus;",
    "<p>",
    "</p>",
    "<br>",
    "<h1>",
    "</h1>",
    "<!--",
    "-->",
    "<!-- claimlint-disable-next-line -->",
    "<script>",
    "</script>",
    "<img alt=\"",
    "\">",
    "<",
    ">",
    "# ",
    "## ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "**",
    "_",
    "`",
    "```\n",
    "[",
    "](x)",
    "|",
    "---\n",
    "\\",
    "claimlint-disable",
    "a",
    "the",
    "treatment",
    "works",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
            1 => "[a-z ]{1,12}",
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Text),
        Just(Format::Markdown),
        Just(Format::Html)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn pipeline_invariants(format in format(), text in text()) {
        invariants::assert_invariants(format, &text);
    }
}

/// Inputs the fuzzers found (`fuzz/regressions/`), replayed so they stay fixed. The first byte of
/// each file name's format part picks the format: `text-…`, `markdown-…`, `html-…`.
#[test]
fn fuzz_regressions() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let format = if name.starts_with("markdown-") {
            Format::Markdown
        } else if name.starts_with("html-") {
            Format::Html
        } else if name.starts_with("text-") {
            Format::Text
        } else {
            continue;
        };
        invariants::assert_invariants_on_bytes(format, &std::fs::read(&path).unwrap());
    }
}
