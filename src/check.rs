//! The decision step: matches → findings.
//!
//! A phrase or pattern match becomes a finding only if, in its sentence, nothing cancels it:
//! an exception phrase overlapping it ("Breakthrough Therapy designation"), a negator governing it
//! ("not a miracle"), a missing required topic (an efficacy verb without a condition), or a
//! qualifier in its scope ("may", "in some patients", "off-label", a question mark). One finding
//! per category per sentence survives, the most serious. Missing-caveat rules look at the whole
//! document: triggered by a topic the page names often enough, satisfied by one sentence anywhere
//! (read together with its section heading) that has every lexicon of one of their `present-if`
//! groups, unless a negator governs the disclosure.

use crate::document::{Block, BlockKind};
use crate::extract::{self, Extracted, Format};
use crate::rules::compile::Lexicon;
use crate::rules::matcher::{Hit, Target};
use crate::rules::{Category, LexId, Rule, RuleSet, Scope};
use crate::segment;
use std::collections::HashSet;
use std::ops::Range;

/// One diagnostic before rendering: which rule, and where in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    /// Byte range in the source text.
    pub span: Range<usize>,
    /// Byte range of the sentence (or block) the finding sits in: the baseline fingerprints it.
    pub context: Range<usize>,
}

/// Bytes of prose scanned in one pass (see `scan`).
const SCAN_CHUNK: usize = 1 << 20;

/// Most words a negator may stand before the claim it governs ("not a proven miracle").
const NEGATION_WINDOW_WORDS: usize = 3;

/// A located lexicon or rule hit inside one block.
struct Located {
    block: usize,
    sentence: usize,
    range: Range<usize>,
    from_pattern: bool,
}

/// The lexicon hits of one sentence.
type SentenceHits = Vec<(LexId, Range<usize>)>;

/// Per-document scan results, kept in text order.
struct Scan<'a> {
    blocks: &'a [Block],
    sentences: Vec<Vec<Range<usize>>>,
    /// Lexicon hits per block, per sentence (after lexicon exceptions).
    lex_hits: Vec<Vec<SentenceHits>>,
    rule_hits: Vec<(usize, Located)>,
    /// Exception hits of rules, per block, sorted by start: (rule, range).
    rule_exceptions: Vec<Vec<(usize, Range<usize>)>>,
    /// First hit of each lexicon in the document.
    first_lex: Vec<Option<Located>>,
    /// Hits of each lexicon in the document's own blocks (not a shared footer).
    lex_count: Vec<usize>,
    /// For each block, the heading or lead-in block ("Side effects", "Risks include:") whose
    /// section it sits in.
    section_heading: Vec<Option<usize>>,
}

/// Checks one source text; the findings are sorted by position, then rule.
#[must_use]
pub fn check(rules: &RuleSet, format: Format, src: &str) -> Vec<Finding> {
    let ex = extract::extract(format, src);
    check_extracted(rules, &ex)
}

/// Checks already-extracted prose (the extractor's output for one file).
#[must_use]
pub fn check_extracted(rules: &RuleSet, ex: &Extracted) -> Vec<Finding> {
    check_selected(rules, ex, &[], &|_| true)
}

/// Checks a document followed by shared prose the site shows on every page (the config's
/// `[caveats] shared-footer`): the footer's sentences count as context — a caveat there satisfies
/// a caveat rule — but nothing is reported inside the footer, because its spans are offsets into
/// another file. Footer hits are dropped before de-duplication so they can never hide a finding of
/// the document that happens to have the same offsets.
#[must_use]
pub fn check_with_footer(rules: &RuleSet, ex: &Extracted, footer: &[Block]) -> Vec<Finding> {
    check_selected(rules, ex, footer, &|_| true)
}

/// Checks a document (with an optional shared footer, see [`check_with_footer`]) with only the
/// rules `enabled` accepts (by index). Deselected rules are dropped before findings are
/// de-duplicated, so ignoring one rule never hides another rule's finding in the same sentence.
#[must_use]
pub fn check_selected(
    rules: &RuleSet,
    ex: &Extracted,
    footer: &[Block],
    enabled: &dyn Fn(usize) -> bool,
) -> Vec<Finding> {
    if footer.is_empty() {
        return check_blocks(rules, &ex.blocks, ex.blocks.len(), enabled);
    }
    let mut blocks = ex.blocks.clone();
    blocks.extend_from_slice(footer);
    check_blocks(rules, &blocks, ex.blocks.len(), enabled)
}

/// Checks `blocks`, reporting only findings in the first `own` of them (the document's).
fn check_blocks(
    rules: &RuleSet,
    blocks: &[Block],
    own: usize,
    enabled: &dyn Fn(usize) -> bool,
) -> Vec<Finding> {
    let scan = scan(rules, blocks, own);
    let mut findings = Vec::new();
    for (rule_idx, loc) in &scan.rule_hits {
        let rule = &rules.rules[*rule_idx];
        if loc.block < own
            && enabled(*rule_idx)
            && keep(&rules.lexicons, rule, *rule_idx, loc, &scan)
        {
            let block = &scan.blocks[loc.block];
            findings.push(Finding {
                rule: *rule_idx,
                span: block.source_range(loc.range.clone()),
                context: block.source_range(scan.sentences[loc.block][loc.sentence].clone()),
            });
        }
    }
    findings.extend(missing_caveats(rules, &scan, own, enabled));
    dedupe(rules, &mut findings);
    findings
}

fn scan<'a>(rules: &RuleSet, blocks: &'a [Block], own: usize) -> Scan<'a> {
    let mut s = Scan {
        blocks,
        sentences: Vec::with_capacity(blocks.len()),
        lex_hits: Vec::with_capacity(blocks.len()),
        rule_hits: Vec::new(),
        rule_exceptions: vec![Vec::new(); blocks.len()],
        first_lex: (0..rules.lexicons.len()).map(|_| None).collect(),
        lex_count: vec![0; rules.lexicons.len()],
        section_heading: section_headings(blocks),
    };
    // Scan a chunk of blocks at a time: raw hits are many and short-lived, so this bounds their
    // memory on a large file while keeping one search per pattern for most documents.
    let mut chunk_start = 0;
    let mut chunk_hits: std::vec::IntoIter<Vec<Hit>> = Vec::new().into_iter();
    for (bi, block) in blocks.iter().enumerate() {
        if bi == chunk_start {
            let mut len = 0;
            let mut end = bi;
            while end < blocks.len() && (end == bi || len + blocks[end].lower.len() <= SCAN_CHUNK) {
                len += blocks[end].lower.len();
                end += 1;
            }
            let texts: Vec<&str> = blocks[bi..end].iter().map(|b| b.lower.as_str()).collect();
            chunk_hits = rules.matcher.scan_blocks(&texts).into_iter();
            chunk_start = end;
        }
        let hits = chunk_hits.next().unwrap_or_default();
        if hits.is_empty() {
            // Findings are rare: most blocks need no segmentation at all.
            s.sentences.push(Vec::new());
            s.lex_hits.push(Vec::new());
            continue;
        }
        let sentences = segment::sentences(block);
        let mut per_sentence: Vec<SentenceHits> = vec![Vec::new(); sentences.len()];
        let lex_exceptions: Vec<(Target, Range<usize>)> = hits
            .iter()
            .filter(|h| matches!(h.target, Target::LexiconException(_)))
            .map(|h| (h.target, h.range.clone()))
            .collect();
        for h in &hits {
            let Some(si) = sentence_of(&sentences, &h.range) else {
                continue;
            };
            let loc = || Located {
                block: bi,
                sentence: si,
                range: h.range.clone(),
                from_pattern: h.from_pattern,
            };
            match h.target {
                Target::Lexicon(l) => {
                    let cancelled = any_overlapping(&lex_exceptions, &h.range, |t| {
                        *t == Target::LexiconException(l)
                    });
                    if !cancelled {
                        per_sentence[si].push((l, h.range.clone()));
                        if bi < own {
                            s.lex_count[l] += 1;
                        }
                        if s.first_lex[l].is_none() {
                            s.first_lex[l] = Some(loc());
                        }
                    }
                }
                Target::Rule(r) => s.rule_hits.push((r, loc())),
                Target::RuleException(r) => s.rule_exceptions[bi].push((r, h.range.clone())),
                Target::LexiconException(_) => {}
            }
        }
        s.sentences.push(sentences);
        s.lex_hits.push(per_sentence);
    }
    s
}

/// Longest paragraph, in words, that still reads as a heading when it has no closing stop.
const HEADING_MAX_WORDS: usize = 10;

fn section_headings(blocks: &[Block]) -> Vec<Option<usize>> {
    let mut current = None;
    blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let text = b.text.trim_end();
            let heading_like = match b.kind {
                BlockKind::Heading => true,
                BlockKind::Paragraph => {
                    text.ends_with(':')
                        || (!text.ends_with(['.', '!', '?'])
                            && text.split_whitespace().count() <= HEADING_MAX_WORDS)
                }
                _ => false,
            };
            if heading_like {
                current = Some(i);
                None
            } else {
                current
            }
        })
        .collect()
}

fn sentence_of(sentences: &[Range<usize>], r: &Range<usize>) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= r.start);
    (i < sentences.len() && sentences[i].start <= r.start).then_some(i)
}

/// Whether an item of `sorted` (by range start) that `wanted` accepts overlaps `range`. Only the
/// items that can reach `range` are looked at, so a huge block (a 200 MB single line) with many
/// exception hits stays linear overall.
fn any_overlapping<T>(
    sorted: &[(T, Range<usize>)],
    range: &Range<usize>,
    wanted: impl Fn(&T) -> bool,
) -> bool {
    let end = sorted.partition_point(|(_, r)| r.start < range.end);
    sorted[..end]
        .iter()
        .rev()
        .take_while(|(_, r)| r.start + MAX_EXCEPTION_LEN > range.start)
        .any(|(t, r)| wanted(t) && overlaps(r, range))
}

/// Longest exception match considered when looking back from a hit (exception phrases are a
/// few words; a longer one is only ever missed for hits that start this far inside it).
const MAX_EXCEPTION_LEN: usize = 512;

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn keep(
    rules_lexicons: &[Lexicon],
    rule: &Rule,
    rule_idx: usize,
    loc: &Located,
    scan: &Scan<'_>,
) -> bool {
    let sentence_hits = &scan.lex_hits[loc.block][loc.sentence];
    let in_sentence = |l: LexId| sentence_hits.iter().any(|(id, _)| *id == l);
    if any_overlapping(&scan.rule_exceptions[loc.block], &loc.range, |r| {
        *r == rule_idx
    }) {
        return false;
    }
    if !rule.requires.iter().all(|&l| in_sentence(l)) {
        return false;
    }
    if !rule
        .requires_document
        .iter()
        .all(|&l| scan.first_lex[l].is_some())
    {
        return false;
    }
    let text = &scan.blocks[loc.block].lower;
    // A negator governs the claim when it stands just before it, or — for a pattern, whose gaps
    // can swallow one ("benefits are not permanent") — inside the match before its last word
    // (a pattern may end on a negator itself: "where other treatments did not").
    let negated = sentence_hits.iter().any(|(l, r)| {
        rule.negated_by.contains(l)
            && ((r.end <= loc.range.start && governs(&text[r.end..loc.range.start]))
                || (loc.from_pattern && r.start > loc.range.start && r.end < loc.range.end))
    });
    if negated {
        return false;
    }
    // A clause-bound qualifier (a modal) hedges only its own clause.
    let qualifies = |l: LexId, r: &Range<usize>| {
        !rules_lexicons[l].clause_bound || {
            let (a, b) = if r.end <= loc.range.start {
                (r.end, loc.range.start)
            } else {
                (loc.range.end.min(r.start), r.start)
            };
            !crosses_clause(&text[a..b.max(a)])
        }
    };
    let qualified = match rule.unless_scope {
        Scope::Sentence => rule.unless.iter().any(|&l| {
            sentence_hits
                .iter()
                .any(|(id, r)| *id == l && qualifies(l, r))
        }),
        Scope::Paragraph => rule.unless.iter().any(|&l| {
            scan.lex_hits[loc.block]
                .iter()
                .flatten()
                .any(|(id, _)| *id == l)
        }),
        Scope::Document => rule.unless.iter().any(|&l| scan.first_lex[l].is_some()),
    };
    !qualified
}

/// Whether `between` (the text separating a qualifier from a claim) holds a clause boundary.
fn crosses_clause(between: &str) -> bool {
    between.contains([',', ';', ':', '(', ')'])
        || [
            " but ",
            " while ",
            " whereas ",
            " although ",
            " though ",
            " yet ",
        ]
        .iter()
        .any(|w| between.contains(w))
}

/// Whether a negator followed by `gap` governs the word after the gap: close enough, and no
/// clause boundary in between ("no side effects" yes; "no, but it cures" no).
fn governs(gap: &str) -> bool {
    if gap.contains([',', ';', ':', '.', '!', '?', '(', ')']) {
        return false;
    }
    let words: Vec<&str> = gap.split_whitespace().collect();
    words.len() <= NEGATION_WINDOW_WORDS
        && !words
            .iter()
            .any(|w| matches!(*w, "but" | "only" | "just" | "merely"))
}

/// A caveat rule fires at the document's first trigger; a trigger only in blocks from `own` on
/// (the shared footer) does not make the document about the topic.
fn missing_caveats(
    rules: &RuleSet,
    scan: &Scan<'_>,
    own: usize,
    enabled: &dyn Fn(usize) -> bool,
) -> Vec<Finding> {
    let mut out: Vec<(usize, Finding)> = Vec::new();
    for (idx, rule) in rules.rules.iter().enumerate() {
        if rule.category != Category::MissingCaveat || !enabled(idx) {
            continue;
        }
        let first = rule
            .trigger
            .iter()
            .filter_map(|&l| scan.first_lex[l].as_ref())
            .min_by_key(|loc| (loc.block, loc.range.start));
        let Some(first) = first.filter(|loc| loc.block < own) else {
            continue;
        };
        // A page promotes a treatment it names repeatedly; a single passing mention ("unlike
        // ketamine, TMS…") does not make the treatment's caveats apply.
        let mentions: usize = rule.trigger.iter().map(|&l| scan.lex_count[l]).sum();
        if mentions < rule.min_triggers {
            continue;
        }
        // A caveat rule's `unless` lexicons, present anywhere, hand the document to other rules.
        if rule.unless.iter().any(|&l| scan.first_lex[l].is_some()) {
            continue;
        }
        let present = scan.lex_hits.iter().enumerate().any(|(bi, sentences)| {
            let heading = scan.section_heading[bi].map(|h| (h, &scan.lex_hits[h]));
            sentences.iter().any(|sentence| {
                // A disclosure a negator governs is a denial ("no risk of dependence"), not a
                // disclosure, so it does not count.
                let affirmed = |block: usize, hits: &[(LexId, Range<usize>)], l: LexId| {
                    let text = &scan.blocks[block].lower;
                    hits.iter().any(|(id, r)| {
                        *id == l
                            && !hits.iter().any(|(n, nr)| {
                                rule.negated_by.contains(n)
                                    && nr.end <= r.start
                                    && governs(&text[nr.end..r.start])
                            })
                    })
                };
                // A sentence under a heading such as "Side effects" or "Possible risks:" reads
                // with it: "- Dizziness" in that list discloses a side effect.
                let counts = |l: LexId| {
                    affirmed(bi, sentence, l)
                        || heading.is_some_and(|(h, hs)| hs.iter().any(|s| affirmed(h, s, l)))
                };
                rule.present_if
                    .iter()
                    .any(|group| group.iter().all(|&l| counts(l)))
            })
        });
        if !present {
            let block = &scan.blocks[first.block];
            out.push((
                mentions,
                Finding {
                    rule: idx,
                    span: block.source_range(first.range.clone()),
                    context: block
                        .source_range(scan.sentences[first.block][first.sentence].clone()),
                },
            ));
        }
    }
    // Several rules may own one caveat (ketamine's and the general one): report it once, from
    // the rule whose treatment the page names most — the page's own subject.
    out.sort_by_key(|(mentions, f)| (std::cmp::Reverse(*mentions), f.rule));
    let mut reported = HashSet::new();
    out.into_iter()
        .filter(|(_, f)| reported.insert(rules.rules[f.rule].caveat))
        .map(|(_, f)| f)
        .collect()
}

/// Keeps one finding per category per sentence — the most serious, then the earliest, then the
/// longest — because claims are judged per sentence: a second hype word in the same sentence is
/// the same problem, not a new one. Then sorts by position.
fn dedupe(rules: &RuleSet, findings: &mut Vec<Finding>) {
    findings.sort_by_cached_key(|f| {
        let r = &rules.rules[f.rule];
        (
            std::cmp::Reverse(r.severity),
            f.span.start,
            std::cmp::Reverse(f.span.end),
            r.id.clone(),
        )
    });
    let mut seen: HashSet<(Category, usize, usize)> = HashSet::new();
    findings.retain(|f| {
        let cat = rules.rules[f.rule].category;
        cat == Category::MissingCaveat || seen.insert((cat, f.context.start, f.context.end))
    });
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, &rules.rules[a.rule].id).cmp(&(
            b.span.start,
            b.span.end,
            &rules.rules[b.rule].id,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RulesetSource;

    /// A small ruleset exercising each mechanism on its own.
    const RULES: &str = r#"
[lexicon.hedge]
phrases = ["some patients"]
[lexicon.modal]
phrases = ["may"]
clause-bound = true
[lexicon.negation]
phrases = ["not", "no"]
exceptions = ["not only"]
[lexicon.topic]
phrases = ["ptsd"]
[lexicon.drug]
phrases = ["ketamine"]
[lexicon.risk]
phrases = ["nausea", "dizz*"]
[lexicon.cue]
phrases = ["can cause", "side effects"]
exceptions = ["fewer side effects"]

[[rule]]
id = "t/cure"
category = "efficacy"
severity = "error"
message = "m"
label = "l"
help = "h"
note = "n"
phrases = ["cure", "cures", "cures cancer"]
negated-by = ["negation"]
unless = ["hedge", "modal"]
examples.flag = ["It cures."]

[[rule]]
id = "t/hype"
category = "hype"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
phrases = ["game-changer", "miracle"]
negated-by = ["negation"]
examples.flag = ["A miracle."]

[[rule]]
id = "t/hype2"
category = "hype"
severity = "info"
message = "m"
label = "l"
help = "h"
note = "n"
phrases = ["revolutionary"]
examples.flag = ["Revolutionary."]

[[rule]]
id = "t/offlabel"
category = "off-label"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
patterns = ['\btreats\b']
requires = ["topic"]
requires-document = ["drug"]
examples.flag = ["Ketamine treats PTSD."]

[[rule]]
id = "t/caveat"
category = "missing-caveat"
caveat = "side-effects"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
trigger = ["drug"]
present-if = [["risk", "cue"]]
negated-by = ["negation"]
examples.flag = ["Ketamine."]
"#;

    fn rules() -> RuleSet {
        RuleSet::compile(vec![RulesetSource {
            name: "t.toml".into(),
            text: RULES.into(),
        }])
        .unwrap_or_else(|(_, e)| panic!("{e:?}"))
    }

    /// (rule id, matched source text) of every finding.
    fn run(src: &str) -> Vec<(String, String)> {
        let rules = rules();
        check(&rules, Format::Text, src)
            .into_iter()
            .map(|f| (rules.rules[f.rule].id.clone(), src[f.span].to_string()))
            .collect()
    }

    fn ids(src: &str) -> Vec<String> {
        run(src).into_iter().map(|(id, _)| id).collect()
    }

    #[test]
    fn a_failed_longer_phrase_does_not_hide_a_shorter_one() {
        // "cures cancer" fails its boundary inside "cancerous"; "cures" must still be found.
        assert_eq!(
            run("It cures cancerous growths."),
            [("t/cure".into(), "cures".into())]
        );
        assert_eq!(
            run("It cures cancer."),
            [("t/cure".into(), "cures cancer".into())]
        );
        assert!(run("It procures supplies.").is_empty());
    }

    #[test]
    fn spelling_variants_and_case_match() {
        for s in [
            "A Game Changer.",
            "a gamechanger.",
            "A GAME-CHANGER.",
            "a game\nchanger.",
        ] {
            assert_eq!(ids(s), ["t/hype"], "{s:?}");
        }
    }

    #[test]
    fn qualifier_in_the_same_sentence_suppresses_a_claim_but_not_hype() {
        assert!(ids("It may cure it.").is_empty());
        assert_eq!(ids("It can cure it."), ["t/cure"]);
        assert_eq!(ids("It cures. Some patients may wait."), ["t/cure"]);
        assert_eq!(ids("It may be a miracle."), ["t/hype"]);
    }

    #[test]
    fn a_modal_hedges_only_its_own_clause() {
        assert!(ids("It may cure it.").is_empty());
        assert_eq!(
            ids("Unlike pills you may have tried, it cures."),
            ["t/cure"]
        );
        assert_eq!(ids("It cures, but the effect may fade."), ["t/cure"]);
        // A proportion qualifier reaches across the comma.
        assert!(ids("In some patients, it cures.").is_empty());
    }

    #[test]
    fn negation_must_govern_the_claim() {
        assert!(ids("It is not a miracle.").is_empty());
        assert!(ids("There is no miracle here.").is_empty());
        assert_eq!(ids("It is not only a miracle but more."), ["t/hype"]);
        // Too far away, or across a clause break.
        assert_eq!(ids("Not that we would say it, but a miracle."), ["t/hype"]);
    }

    #[test]
    fn requires_topic_in_sentence_and_document() {
        assert_eq!(ids("Ketamine treats PTSD."), ["t/caveat", "t/offlabel"]);
        assert_eq!(ids("Ketamine treats pain."), ["t/caveat"]);
        assert!(ids("It treats PTSD.").is_empty(), "no drug in the document");
    }

    #[test]
    fn caveat_needs_the_shape_not_the_words() {
        assert_eq!(ids("Ketamine helps."), ["t/caveat"]);
        assert!(ids("Ketamine helps. It can cause nausea.").is_empty());
        assert_eq!(
            ids("Ketamine has fewer side effects and less nausea."),
            ["t/caveat"]
        );
        assert_eq!(
            ids("Ketamine: no nausea, no dizziness, it can cause calm."),
            ["t/caveat"]
        );
        // A heading gives its section the cue.
        assert!(ids("Ketamine helps.\n\nSide effects\n\n- Nausea\n- Dizziness\n").is_empty());
    }

    #[test]
    fn caveat_points_at_the_first_trigger_once() {
        let rules = rules();
        let src = "Intro.\n\nWhy ketamine? Ketamine helps.";
        let found = check(&rules, Format::Text, src);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span, 12..20);
    }

    #[test]
    fn one_finding_per_category_per_sentence() {
        assert_eq!(
            run("A miracle, a game-changer."),
            [("t/hype".into(), "miracle".into())]
        );
        assert_eq!(ids("A miracle. A game-changer."), ["t/hype", "t/hype"]);
    }

    #[test]
    fn a_deselected_rule_does_not_hide_another_in_its_sentence() {
        let rules = rules();
        let ex = extract::extract(Format::Text, "A miracle, revolutionary.");
        let all = check_extracted(&rules, &ex);
        assert_eq!(all.len(), 1);
        assert_eq!(rules.rules[all[0].rule].id, "t/hype");
        let hype = rules
            .rules
            .iter()
            .position(|r| r.id == "t/hype")
            .expect("rule");
        let rest = check_selected(&rules, &ex, &[], &|i| i != hype);
        let ids: Vec<&str> = rest
            .iter()
            .map(|f| rules.rules[f.rule].id.as_str())
            .collect();
        assert_eq!(ids, ["t/hype2"]);
    }

    #[test]
    fn spans_map_to_source_bytes_through_multibyte_text_and_entities() {
        let rules = rules();
        let src = "Caf\u{e9} \u{201C}m\u{e9}decine\u{201D} \u{2014} a miracle\u{2019}s work.";
        let found = check(&rules, Format::Text, src);
        assert_eq!(found.len(), 1);
        assert_eq!(&src[found[0].span.clone()], "miracle");
        let html = "<p>A mir&shy;acle &amp; more</p>";
        let found = check(&rules, Format::Html, html);
        assert_eq!(&html[found[0].span.clone()], "mir&shy;acle");
    }

    #[test]
    fn questions_are_left_to_rules_that_opt_in() {
        // The test ruleset has no `question` lexicon: a question still counts here.
        assert_eq!(ids("Does it cure?"), ["t/cure"]);
    }
}
