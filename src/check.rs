//! The decision step: matches → findings.
//!
//! A phrase or pattern match becomes a finding only if, in its sentence, nothing cancels it:
//! an exception phrase overlapping it ("Breakthrough Therapy designation"), a negator governing it
//! ("not a miracle"), a missing required topic (an efficacy verb without a condition), or a
//! qualifier in its scope ("may", "in some patients", "off-label"). Missing-caveat rules look at
//! the whole document: triggered by a topic, satisfied by one sentence anywhere that has every
//! lexicon of one of their `present-if` groups.

use crate::document::Block;
use crate::extract::{self, Extracted, Format};
use crate::rules::matcher::{Hit, Target};
use crate::rules::{Category, LexId, Rule, RuleSet, Scope};
use crate::segment;
use std::collections::{BTreeMap, HashMap};
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

/// Most words a negator may stand before the claim it governs ("not a proven miracle").
const NEGATION_WINDOW_WORDS: usize = 3;

/// A located lexicon or rule hit inside one block.
struct Located {
    block: usize,
    sentence: usize,
    range: Range<usize>,
}

/// Per-document scan results, kept in text order.
struct Scan<'a> {
    blocks: &'a [Block],
    sentences: Vec<Vec<Range<usize>>>,
    /// Lexicon hits per block, per sentence (after lexicon exceptions).
    lex_hits: Vec<Vec<Vec<(LexId, Range<usize>)>>>,
    rule_hits: Vec<(usize, Located)>,
    rule_exceptions: Vec<(usize, Located)>,
    /// First hit of each lexicon in the document.
    first_lex: Vec<Option<Located>>,
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
    let scan = scan(rules, &ex.blocks);
    let mut findings = Vec::new();
    for (rule_idx, loc) in &scan.rule_hits {
        let rule = &rules.rules[*rule_idx];
        if keep(rule, *rule_idx, loc, &scan) {
            let block = &scan.blocks[loc.block];
            findings.push(Finding {
                rule: *rule_idx,
                span: block.source_range(loc.range.clone()),
                context: block.source_range(scan.sentences[loc.block][loc.sentence].clone()),
            });
        }
    }
    findings.extend(missing_caveats(rules, &scan));
    dedupe(rules, &mut findings);
    findings
}

fn scan<'a>(rules: &RuleSet, blocks: &'a [Block]) -> Scan<'a> {
    let mut s = Scan {
        blocks,
        sentences: Vec::with_capacity(blocks.len()),
        lex_hits: Vec::with_capacity(blocks.len()),
        rule_hits: Vec::new(),
        rule_exceptions: Vec::new(),
        first_lex: (0..rules.lexicons.len()).map(|_| None).collect(),
    };
    let mut hits: Vec<Hit> = Vec::new();
    for (bi, block) in blocks.iter().enumerate() {
        hits.clear();
        rules.matcher.scan(&block.lower, &mut hits);
        if hits.is_empty() {
            // Findings are rare: most blocks need no segmentation at all.
            s.sentences.push(Vec::new());
            s.lex_hits.push(Vec::new());
            continue;
        }
        let sentences = segment::sentences(block);
        let mut per_sentence: Vec<Vec<(LexId, Range<usize>)>> = vec![Vec::new(); sentences.len()];
        let lex_exceptions: Vec<&Hit> = hits
            .iter()
            .filter(|h| matches!(h.target, Target::LexiconException(_)))
            .collect();
        for h in &hits {
            let Some(si) = sentence_of(&sentences, &h.range) else {
                continue;
            };
            let loc = || Located {
                block: bi,
                sentence: si,
                range: h.range.clone(),
            };
            match h.target {
                Target::Lexicon(l) => {
                    let cancelled = lex_exceptions.iter().any(|e| {
                        e.target == Target::LexiconException(l) && overlaps(&e.range, &h.range)
                    });
                    if !cancelled {
                        per_sentence[si].push((l, h.range.clone()));
                        if s.first_lex[l].is_none() {
                            s.first_lex[l] = Some(loc());
                        }
                    }
                }
                Target::Rule(r) => s.rule_hits.push((r, loc())),
                Target::RuleException(r) => s.rule_exceptions.push((r, loc())),
                Target::LexiconException(_) => {}
            }
        }
        s.sentences.push(sentences);
        s.lex_hits.push(per_sentence);
    }
    s
}

fn sentence_of(sentences: &[Range<usize>], r: &Range<usize>) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= r.start);
    (i < sentences.len() && sentences[i].start <= r.start).then_some(i)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn keep(rule: &Rule, rule_idx: usize, loc: &Located, scan: &Scan<'_>) -> bool {
    let sentence_hits = &scan.lex_hits[loc.block][loc.sentence];
    let in_sentence = |l: LexId| sentence_hits.iter().any(|(id, _)| *id == l);
    if scan.rule_exceptions.iter().any(|(r, e)| {
        *r == rule_idx && e.block == loc.block && overlaps(&e.range, &loc.range)
    }) {
        return false;
    }
    if !rule.requires.iter().all(|&l| in_sentence(l)) {
        return false;
    }
    if !rule.requires_document.iter().all(|&l| scan.first_lex[l].is_some()) {
        return false;
    }
    let text = &scan.blocks[loc.block].lower;
    let negated = sentence_hits.iter().any(|(l, r)| {
        rule.negated_by.contains(l) && r.end <= loc.range.start && governs(&text[r.end..loc.range.start])
    });
    if negated {
        return false;
    }
    let qualified = match rule.unless_scope {
        Scope::Sentence => rule.unless.iter().any(|&l| in_sentence(l)),
        Scope::Paragraph => rule.unless.iter().any(|&l| {
            scan.lex_hits[loc.block].iter().flatten().any(|(id, _)| *id == l)
        }),
        Scope::Document => rule.unless.iter().any(|&l| scan.first_lex[l].is_some()),
    };
    !qualified
}

/// Whether a negator followed by `gap` governs the word after the gap: close enough, and no
/// clause boundary in between ("no side effects" yes; "no, but it cures" no).
fn governs(gap: &str) -> bool {
    if gap.contains([',', ';', ':', '.', '!', '?', '(', ')']) {
        return false;
    }
    let words: Vec<&str> = gap.split_whitespace().collect();
    words.len() <= NEGATION_WINDOW_WORDS && !words.iter().any(|w| matches!(*w, "but" | "only" | "just" | "merely"))
}

fn missing_caveats(rules: &RuleSet, scan: &Scan<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (idx, rule) in rules.rules.iter().enumerate() {
        if rule.category != Category::MissingCaveat {
            continue;
        }
        let first = rule
            .trigger
            .iter()
            .filter_map(|&l| scan.first_lex[l].as_ref())
            .min_by_key(|loc| (loc.block, loc.range.start));
        let Some(first) = first else { continue };
        // A caveat rule's `unless` lexicons, present anywhere, hand the document to other rules.
        if rule.unless.iter().any(|&l| scan.first_lex[l].is_some()) {
            continue;
        }
        let present = scan.lex_hits.iter().flatten().any(|sentence| {
            rule.present_if
                .iter()
                .any(|group| group.iter().all(|&l| sentence.iter().any(|(id, _)| *id == l)))
        });
        if !present {
            let block = &scan.blocks[first.block];
            out.push(Finding {
                rule: idx,
                span: block.source_range(first.range.clone()),
                context: block.source_range(scan.sentences[first.block][first.sentence].clone()),
            });
        }
    }
    out
}

/// Drops a finding that overlaps a more serious (then earlier, then longer) one of the same
/// category: two rules agreeing on the same words is one problem, not two. Then sorts by position.
fn dedupe(rules: &RuleSet, findings: &mut Vec<Finding>) {
    let rank = |f: &Finding| {
        let r = &rules.rules[f.rule];
        (std::cmp::Reverse(r.severity), f.span.start, std::cmp::Reverse(f.span.end), r.id.clone())
    };
    findings.sort_by_cached_key(rank);
    // Kept spans per category, non-overlapping, keyed by start: an overlap can only be with the
    // neighbours of a new span, which keeps this O(n log n) on hostile input.
    let mut taken: HashMap<Category, BTreeMap<usize, usize>> = HashMap::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        let cat = rules.rules[f.rule].category;
        if cat != Category::MissingCaveat {
            let spans = taken.entry(cat).or_default();
            let before = spans.range(..=f.span.start).next_back();
            let after = spans.range(f.span.start..).next();
            let clash = before
                .into_iter()
                .chain(after)
                .any(|(&s, &e)| overlaps(&(s..e), &f.span) || (s == f.span.start));
            if clash {
                continue;
            }
            spans.insert(f.span.start, f.span.end);
        }
        kept.push(f);
    }
    kept.sort_by(|a, b| {
        (a.span.start, a.span.end, &rules.rules[a.rule].id)
            .cmp(&(b.span.start, b.span.end, &rules.rules[b.rule].id))
    });
    *findings = kept;
}
