//! `cargo bench`: the whole pipeline (extract → segment → match → decide) per format, in bytes
//! per second, on seeded generated copy, plus the one-time cost of compiling the built-in
//! rulesets. `scripts/bench.sh` measures the binary end to end against the targets.

use claimlint::check;
use claimlint::extract::Format;
use claimlint::rules::{RuleSet, builtin};
use divan::Bencher;
use divan::counter::BytesCount;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::compile(builtin::sources()).expect("built-in rulesets"))
}

/// The sentences the seeded copy is built from, shared with `scripts/bench.sh`.
#[derive(serde::Deserialize)]
struct Copy {
    clean: Vec<String>,
    hype: Vec<String>,
}

fn copy() -> &'static Copy {
    static COPY: OnceLock<Copy> = OnceLock::new();
    COPY.get_or_init(|| toml::from_str(include_str!("copy.toml")).expect("benches/copy.toml"))
}

/// `bytes` of seeded copy in `format` (the same LCG as `scripts/bench.sh`'s generator in spirit:
/// reproducible, mostly clean, rare findings).
fn corpus(format: Format, bytes: usize) -> String {
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap() % n
    };
    let mut s = String::with_capacity(bytes + 256);
    if format == Format::Html {
        s.push_str("<!doctype html><html><head><title>Clinic</title></head><body><main>\n");
    }
    while s.len() < bytes {
        let copy = copy();
        let para: Vec<&str> = (0..3 + next(4))
            .map(|_| {
                // Hype sentences are rare: one pick in fifty.
                if next(50) == 0 {
                    copy.hype[next(copy.hype.len())].as_str()
                } else {
                    copy.clean[next(copy.clean.len())].as_str()
                }
            })
            .collect();
        let para = para.join(" ");
        match format {
            Format::Text | Format::Docx | Format::Odt => {
                s.push_str(&para);
                s.push_str("\n\n");
            }
            Format::Markdown => match next(6) {
                0 => s.push_str("## About the treatment\n\n"),
                1 => {
                    s.push_str("- ");
                    s.push_str(&para.replacen("doctor", "**doctor**", 1));
                    s.push('\n');
                }
                _ => {
                    s.push_str(&para.replacen("clinic", "[clinic](https://example.com)", 1));
                    s.push_str("\n\n");
                }
            },
            Format::Html => match next(6) {
                0 => s.push_str("<h2>About the treatment</h2>\n"),
                1 => {
                    s.push_str("<ul><li>");
                    s.push_str(&para.replacen("doctor", "<strong>doctor</strong>", 1));
                    s.push_str("</li></ul>\n");
                }
                _ => {
                    s.push_str("<p>");
                    s.push_str(&para.replacen("clinic", "<a href=\"/c\">clinic</a>", 1));
                    s.push_str("</p>\n");
                }
            },
            Format::Jsx => {
                s.push_str("<p>");
                s.push_str(&para);
                s.push_str("</p>\n");
            }
        }
    }
    if format == Format::Html {
        s.push_str("</main></body></html>\n");
    }
    s
}

const FORMATS: [Format; 3] = [Format::Text, Format::Markdown, Format::Html];

/// End to end on 1 MB of one format.
#[divan::bench(args = FORMATS, sample_count = 20)]
fn check_1mb(bencher: Bencher, format: Format) {
    let rules = rules();
    let text = corpus(format, 1 << 20);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| check::check(rules, format, divan::black_box(&text)));
}

/// The phrase automaton alone over 1 MB of lower-cased plain copy, nothing decided: the floor
/// under `check_1mb` for as long as every phrase, lexicon word and pattern anchor is one
/// automaton run over all the text (docs/performance.md).
#[divan::bench(sample_count = 20)]
fn automaton_alone_1mb(bencher: Bencher) {
    let rules = rules();
    let text = corpus(Format::Text, 1 << 20).to_lowercase();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| rules.automaton_matches(divan::black_box(&text)));
}

/// The template pass alone (issue 22) over 1 MB of Markdown and of HTML: the cost every page pays
/// before extraction, compared with `check_1mb`.
#[divan::bench(args = [Format::Markdown, Format::Html], sample_count = 20)]
fn template_mask_1mb(bencher: Bencher, format: Format) {
    let text = corpus(format, 1 << 20);
    let opts = claimlint::extract::template::TemplateOptions::default();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| claimlint::extract::template::mask(divan::black_box(&text), &opts));
}

/// The same Markdown with a Hugo expression and a shortcode pair in every paragraph.
#[divan::bench(sample_count = 20)]
fn check_1mb_hugo_markdown(bencher: Bencher) {
    let rules = rules();
    let text = corpus(Format::Markdown, 1 << 20).replace(
        "\n\n",
        " {{ .Site.Params.city }}.\n\n{{< note >}}Ask us.{{< /note >}}\n\n",
    );
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| check::check(rules, Format::Markdown, divan::black_box(&text)));
}

/// A 5 KB page, the editor-keystroke case.
#[divan::bench(args = FORMATS)]
fn check_5kb(bencher: Bencher, format: Format) {
    let rules = rules();
    let text = corpus(format, 5 * 1024);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| check::check(rules, format, divan::black_box(&text)));
}

/// Compiling the built-in rulesets: paid once per process (patterns themselves compile lazily).
#[divan::bench(sample_count = 10)]
fn compile_builtin_rulesets() -> RuleSet {
    RuleSet::compile(builtin::sources()).expect("built-in rulesets")
}

/// The cold path of one CLI run on a 5 KB page: compiling the rulesets, then the first check,
/// which compiles the patterns that page needs (they compile lazily, on first need).
#[divan::bench(sample_count = 10)]
fn compile_and_first_check_5kb(bencher: Bencher) {
    let text = corpus(Format::Text, 5 * 1024);
    bencher.bench(|| {
        let rules = RuleSet::compile(builtin::sources()).expect("built-in rulesets");
        check::check(&rules, Format::Text, divan::black_box(&text))
    });
}
