//! The scanning engine: every phrase of every loaded rule and lexicon in ONE Aho-Corasick
//! automaton (daachorse's double array: on these strings and clinic copy it searches 1.6x
//! faster than aho-corasick's contiguous NFA, with the same matches in the same order, and it
//! can be stored), plus the regex patterns, run over a block's lower-cased text.
//!
//! The automaton uses `MatchKind::Standard` with overlapping search and the word-boundary check
//! afterwards: leftmost-longest search followed by a boundary filter would lose "cures" in
//! "cures cancerous" once the longer "cures cancer" failed its boundary.
//!
//! The automaton also holds each pattern's required literals (see [`super::anchor`]): a pattern
//! is compiled on first need and runs only on the blocks where one of them occurs.
//!
//! The embedded rulesets' automaton is loaded from their snapshot (compiled by the build
//! script). A user's rulesets get an automaton of their own, built when they are loaded (small:
//! only their own strings), stacked on the embedded one (see [`Matcher::stacked`]).

use super::pattern_regex::PatternRegex;
use super::phrase::PhraseSpec;
use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder};
use rayon::prelude::*;
use regex_syntax::hir::Hir;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Who a phrase or pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Target {
    Rule(usize),
    /// An exception phrase of a rule: overlapping a match of the rule, it cancels it.
    RuleException(usize),
    Lexicon(usize),
    LexiconException(usize),
}

/// One match in a block's normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub target: Target,
    pub range: Range<usize>,
    /// Matched by a regex pattern rather than a literal phrase: a pattern's gaps may swallow a
    /// negator the author never wrote into it.
    pub from_pattern: bool,
}

/// What [`Matcher::scan_blocks`] does with the patterns of one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Run on every block where its anchors occur.
    Run,
    /// Not run: its matches would not be used.
    Skip,
    /// Not run yet: the blocks where it would run are listed, and [`Matcher::run_deferred`] runs
    /// it on one of them only if its matches are still wanted when that block's turn comes.
    /// Only patterns with anchors are deferred (the others run over the joined blocks). With
    /// `soon`, it will most likely run on the first blocks that hold its anchors, so it is
    /// compiled with the patterns that run now (side by side) rather than alone when it does.
    Defer { soon: bool },
}

/// Hits of a chunk of blocks, per block.
#[derive(Debug, Default)]
pub struct Scan {
    /// Sorted by start, longest first.
    pub hits: Vec<Vec<Hit>>,
    /// The deferred patterns whose anchors all occur in the block.
    pub deferred: Vec<Vec<usize>>,
}

/// Who an automaton string belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Owner {
    /// A phrase of a rule or lexicon; `prefix` phrases ("dizz*") extend to the end of the word.
    Phrase { target: Target, prefix: bool },
    /// A literal of anchor set `set` of pattern `pattern`: the pattern runs on a block only
    /// where a literal of each of its sets occurs — at the start of a word when `word` (the
    /// pattern puts `\b` before it).
    Anchor { pattern: usize, set: u8, word: bool },
}

/// A regex pattern, compiled when first needed.
struct Pattern {
    regex: PatternRegex,
    target: Target,
    /// How many anchor sets the automaton holds for it (see [`super::anchor`]); with none, the
    /// pattern runs on every block.
    sets: u8,
}

/// A pattern as added to the builder: text to parse (with [`fast_classes`] applied), or a tree.
enum Source {
    Text(String),
    Tree(Hir),
}

impl Pattern {
    /// The mask of anchor sets seen where every set has a literal.
    fn all_sets(&self) -> u8 {
        u8::try_from((1u16 << self.sets) - 1).unwrap_or(u8::MAX)
    }
}

#[derive(Default)]
pub struct MatcherBuilder {
    strings: Vec<String>,
    index: HashMap<String, usize>,
    owners: Vec<Vec<Owner>>,
    patterns: Vec<(Source, Target)>,
}

impl MatcherBuilder {
    pub fn phrase(&mut self, spec: PhraseSpec, target: Target) {
        for v in spec.variants {
            self.add_string(
                v,
                Owner::Phrase {
                    target,
                    prefix: spec.prefix,
                },
            );
        }
    }

    fn add_string(&mut self, s: String, owner: Owner) {
        let idx = *self.index.entry(s.clone()).or_insert_with(|| {
            self.strings.push(s);
            self.owners.push(Vec::new());
            self.strings.len() - 1
        });
        if !self.owners[idx].contains(&owner) {
            self.owners[idx].push(owner);
        }
    }

    /// # Errors
    /// The regex error, when the pattern does not compile.
    pub fn pattern(&mut self, pattern: &str, target: Target) {
        // Parsed (for syntax errors and anchors) by `build`; compiled on first need, or by
        // `build` when asked to validate everything.
        self.patterns
            .push((Source::Text(fast_classes(pattern)), target));
    }

    /// A pattern already parsed, with [`fast_classes`] applied to its source.
    pub fn pattern_tree(&mut self, hir: Hir, target: Target) {
        self.patterns.push((Source::Tree(hir), target));
    }

    /// Builds the automaton. With `validate`, every pattern is also compiled now, so that one
    /// too large for the size limit is reported at load time rather than skipped later; without
    /// it, patterns compile on first need (start-up is then mostly the automaton).
    ///
    /// # Errors
    /// Every pattern that does not parse, else the automaton or, with `validate`, a regex that
    /// cannot be built (size limits): each message with the pattern (in the order added) if it
    /// was one.
    pub fn build(mut self, validate: bool) -> Result<Matcher, Vec<(Option<usize>, String)>> {
        // Patterns given as text are parsed now (those of the embedded rulesets come as trees:
        // see `super::interpolate`); each pattern's anchors are read from its tree. The patterns
        // are independent, and this is a part of start-up.
        let parsed: Vec<_> = std::mem::take(&mut self.patterns)
            .into_par_iter()
            .map(|(source, target)| (parse_with_anchors(source), target))
            .collect();
        let mut errors = Vec::new();
        let mut patterns = Vec::with_capacity(parsed.len());
        for (n, (result, target)) in parsed.into_iter().enumerate() {
            match result {
                Ok((hir, sets)) => {
                    for (k, (set, word)) in sets.iter().enumerate() {
                        for lit in set {
                            self.add_string(
                                lit.clone(),
                                Owner::Anchor {
                                    pattern: n,
                                    set: u8::try_from(k).unwrap_or(u8::MAX),
                                    word: *word,
                                },
                            );
                        }
                    }
                    patterns.push(Pattern {
                        regex: PatternRegex::parsed(hir),
                        target,
                        sets: u8::try_from(sets.len()).unwrap_or(0),
                    });
                }
                Err(message) => errors.push((Some(n), message)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut owner_ends = Vec::with_capacity(self.owners.len());
        let mut owners = Vec::new();
        for o in self.owners {
            owners.extend(o);
            owner_ends.push(
                u32::try_from(owners.len())
                    .map_err(|_| vec![(None, "too many phrases for one automaton".to_string())])?,
            );
        }
        let strings = self.strings.into_iter().map(Cow::Owned).collect();
        let matcher = Matcher::new(strings, owners, owner_ends, patterns, None);
        if validate {
            // A user's ruleset: every error now, at load time, rather than at the first page.
            check_automaton_size(&matcher.strings).map_err(|message| vec![(None, message)])?;
            let ac = build_automaton(&matcher.strings).map_err(|message| vec![(None, message)])?;
            let _ = matcher.ac.set(Some(ac));
            matcher
                .compile_all()
                .map_err(|(n, message)| vec![(Some(n), message)])?;
        }
        Ok(matcher)
    }
}

/// The automaton's limits as daachorse states them (2^24 patterns; states, one per byte at
/// most, counted in 32 bits), with room to spare.
fn check_automaton_size(strings: &[Cow<'_, str>]) -> Result<(), String> {
    let bytes: usize = strings.iter().map(|s| s.len()).sum();
    if strings.len() >= 1 << 24 || bytes >= 1 << 30 {
        return Err(format!(
            "too many phrases for one automaton: {} strings of {bytes} bytes in all (at most \
             16,777,215 strings and 1 GiB)",
            strings.len()
        ));
    }
    Ok(())
}

/// Matches carry the string's index.
type Automaton = DoubleArrayAhoCorasick<u32>;

fn build_automaton(strings: &[Cow<'_, str>]) -> Result<Automaton, String> {
    let numbered = strings
        .iter()
        .enumerate()
        .map(|(i, s)| Ok((s.as_bytes(), u32::try_from(i)?)))
        .collect::<Result<Vec<_>, std::num::TryFromIntError>>()
        .map_err(|_| "too many phrases for one automaton".to_string())?;
    // The default match kind is the standard one, which overlapping search needs.
    DoubleArrayAhoCorasickBuilder::new()
        .build_with_values(numbered)
        .map_err(|e| format!("cannot build the phrase automaton: {e}"))
}

/// A match of the automaton: start, end, and the string's index.
type Found = (usize, usize, usize);

/// A pattern's tree and its anchor sets (see [`super::anchor`]).
/// A pattern's anchor sets as text, each with whether its literals must start a word.
type TextAnchors = Vec<(Vec<String>, bool)>;

fn parse_with_anchors(source: Source) -> Result<(Hir, TextAnchors), String> {
    let hir = match source {
        Source::Text(text) => regex_syntax::Parser::new()
            .parse(&text)
            .map_err(|e| e.to_string())?,
        Source::Tree(hir) => hir,
    };
    // Literals come from a pattern parsed as UTF-8 text, so each is valid UTF-8 unless a byte
    // class split a character; a set with such a literal is not used.
    let sets = super::anchor::anchors_at_words(&hir)
        .into_iter()
        .filter_map(|(set, word)| {
            set.into_iter()
                .map(String::from_utf8)
                .collect::<Result<_, _>>()
                .ok()
                .map(|set| (set, word))
        })
        .collect();
    Ok((hir, sets))
}

/// A word character for patterns: ASCII letters, digits, `_`, and any non-ASCII character.
/// Normalised text has ASCII punctuation and spaces, so every non-ASCII character left is a letter
/// (é, ï), a symbol or an emoji — all fine as word characters.
const WORD_CLASS: &str = r"(?-i:[0-9A-Za-z_\x{80}-\x{10FFFF}])";
const NON_WORD_CLASS: &str = r"(?-i:[^0-9A-Za-z_\x{80}-\x{10FFFF}])";
/// The same inside a `[...]` class, where a group cannot stand: a nested class.
const WORD_SET: &str = r"[0-9A-Za-z_\x{80}-\x{10FFFF}]";
const NON_WORD_SET: &str = r"[^0-9A-Za-z_\x{80}-\x{10FFFF}]";

/// Lower-cases a pattern's literals (documents are matched lower-cased) and rewrites Unicode
/// `\w`, `\W`, `\d`, `\D`, `\b` and `\B` into cheap equivalents. Unicode word classes
/// compile into very large automata (most of start-up time went there) and a Unicode `\b` keeps
/// the regex engine off its DFAs (most of the scanning time); on normalised text the ASCII forms
/// plus "non-ASCII is a letter" match the same words.
pub(super) fn fast_classes(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    // Depth of `[...]` classes, and where the current one's members start: a `]` right there is
    // a member, not the end. Inside a class a rewrite must be a nested class, not a group.
    let mut depth = 0usize;
    let mut members_start = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            match c {
                '[' => {
                    depth += 1;
                    out.push('[');
                    if chars.clone().next() == Some('^') {
                        chars.next();
                        out.push('^');
                    }
                    members_start = Some(out.len());
                }
                ']' if depth > 0 && members_start != Some(out.len()) => {
                    depth -= 1;
                    out.push(']');
                }
                _ => out.extend(c.to_lowercase()),
            }
            continue;
        }
        let in_class = depth > 0;
        match chars.next() {
            Some('w') => out.push_str(if in_class { WORD_SET } else { WORD_CLASS }),
            Some('W') => out.push_str(if in_class {
                NON_WORD_SET
            } else {
                NON_WORD_CLASS
            }),
            // Unicode `\d` is hundreds of ranges; copy writes ASCII digits.
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('b') if !in_class => out.push_str(r"(?-u:\b)"),
            Some('B') if !in_class => out.push_str(r"(?-u:\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
                // `\p{Greek}`, `\x{2019}`: the braces' content is a name, not a literal.
                if matches!(other, 'p' | 'P' | 'x' | 'u' | 'U') && chars.clone().next() == Some('{')
                {
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if inner == '}' {
                            break;
                        }
                    }
                }
            }
            None => out.push('\\'),
        }
    }
    out
}

pub struct Matcher {
    /// Every phrase, lexicon word and anchor, by index; `owners` says whose. Borrowed from the
    /// snapshot of the embedded rulesets where they come from it.
    strings: Vec<Cow<'static, str>>,
    /// The owners of string `i` are `owners[owner_ends[i - 1]..owner_ends[i]]` (from 0 for the
    /// first): one vector rather than one per string, for loading the snapshot.
    owners: Vec<Owner>,
    owner_ends: Vec<u32>,
    /// The automaton as the snapshot stores it (`daachorse`'s serialisation), if it does.
    stored: Option<&'static [u8]>,
    /// `None` if building failed, which a test rules out for the embedded rulesets and load-time
    /// validation for users'.
    ac: OnceLock<Option<Automaton>>,
    patterns: Vec<Pattern>,
    /// The matcher of rulesets compiled on top of these, if any (see [`Matcher::stacked`]).
    next: Option<Box<Matcher>>,
    /// Targets whose patterns in this layer never run: a layer stacked on it holds them as
    /// they now are (see [`Matcher::retired`]).
    retired: Vec<Target>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field(
                "phrases",
                &self.layers().map(|m| m.strings.len()).sum::<usize>(),
            )
            .field(
                "patterns",
                &self.layers().map(|m| m.patterns.len()).sum::<usize>(),
            )
            .field("layers", &self.layers().count())
            .finish_non_exhaustive()
    }
}

/// Joins blocks for scanning: no word character, no space (pattern gaps are "word space"), and a
/// full stop and line breaks, which no pattern's gap classes or `.` cross.
const SEPARATOR: &str = "\n.\n";

/// Whether the character starting at byte `at` of `text` is a word character.
/// An ASCII word byte, as the patterns' `(?-u:\b)` reads one.
fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn word_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[at..].chars().next().is_some_and(char::is_alphanumeric),
    }
}

/// Whether the character ending at byte `at` of `text` is a word character.
fn word_before(text: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|i| text.as_bytes()[i]) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric),
    }
}

/// What a [`Matcher`] is made of, as the snapshot of the embedded rulesets holds it (see
/// [`super::snapshot`]), borrowing its text and the stored automaton.
#[derive(Serialize, Deserialize)]
pub(crate) struct MatcherData<'a> {
    #[serde(borrow)]
    strings: Vec<&'a str>,
    /// The automaton over `strings`, serialised; loaded on first use.
    automaton: &'a [u8],
    owners: Vec<Owner>,
    owner_ends: Vec<u32>,
    #[serde(borrow)]
    patterns: Vec<PatternData<'a>>,
}

/// A [`Pattern`] in the snapshot.
#[derive(Serialize, Deserialize)]
struct PatternData<'a> {
    target: Target,
    sets: u8,
    /// The pattern's regex, as its syntax tree prints (parsed again only where the NFAs are
    /// not enough: see [`PatternRegex`]).
    regex: &'a str,
    /// The forward and reverse NFAs (see [`super::nfa_codec`]); empty where they could not be
    /// stored.
    #[serde(borrow)]
    nfas: [&'a [u8]; 2],
}

/// A pattern's tree and NFAs in bytes, as [`PatternData`] borrows them.
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by the build script's compiler crate")
)]
pub(crate) struct EncodedPattern {
    regex: String,
    nfas: [Vec<u8>; 2],
}

impl Matcher {
    fn new(
        strings: Vec<Cow<'static, str>>,
        owners: Vec<Owner>,
        owner_ends: Vec<u32>,
        patterns: Vec<Pattern>,
        stored: Option<&'static [u8]>,
    ) -> Self {
        Matcher {
            stored,
            ac: OnceLock::new(),
            strings,
            owners,
            owner_ends,
            patterns,
            next: None,
            retired: Vec::new(),
        }
    }

    /// Who string `i` belongs to.
    fn owners_of(&self, i: usize) -> &[Owner] {
        let start = i.checked_sub(1).map_or(0, |p| self.owner_ends[p] as usize);
        &self.owners[start..self.owner_ends[i] as usize]
    }

    /// Each pattern's tree and NFAs in bytes, for [`Matcher::to_data`]; `None` if a tree is
    /// missing.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "used by the build script's compiler crate")
    )]
    pub(crate) fn encoded_patterns(&self) -> Option<Vec<EncodedPattern>> {
        self.patterns
            .iter()
            .map(|p| {
                Some(EncodedPattern {
                    regex: p.regex.hir()?.to_string(),
                    nfas: p.regex.encoded_nfas().unwrap_or_default(),
                })
            })
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn regexes(&self) -> impl Iterator<Item = &PatternRegex> {
        self.patterns.iter().map(|p| &p.regex)
    }

    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "used by the build script's compiler crate")
    )]
    pub(crate) fn to_data<'a>(
        &'a self,
        encoded: &'a [EncodedPattern],
        automaton: &'a [u8],
    ) -> MatcherData<'a> {
        MatcherData {
            strings: self.strings.iter().map(|s| &**s).collect(),
            automaton,
            owners: self.owners.clone(),
            owner_ends: self.owner_ends.clone(),
            patterns: self
                .patterns
                .iter()
                .zip(encoded)
                .map(|(p, e)| PatternData {
                    target: p.target,
                    sets: p.sets,
                    regex: &e.regex,
                    nfas: [&e.nfas[0], &e.nfas[1]],
                })
                .collect(),
        }
    }

    pub(crate) fn from_data(data: MatcherData<'static>) -> Self {
        let patterns = data
            .patterns
            .into_iter()
            .map(|p| Pattern {
                regex: PatternRegex::encoded(p.regex, Some(p.nfas).filter(|n| !n[0].is_empty())),
                target: p.target,
                sets: p.sets,
            })
            .collect();
        Matcher::new(
            data.strings.into_iter().map(Cow::Borrowed).collect(),
            data.owners,
            data.owner_ends,
            patterns,
            Some(data.automaton),
        )
    }

    /// The automaton serialised, for the snapshot; `None` if it cannot be built.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "used by the build script's compiler crate")
    )]
    pub(crate) fn serialized_automaton(&self) -> Option<Vec<u8>> {
        self.automaton().map(DoubleArrayAhoCorasick::serialize)
    }

    /// Compiles every pattern not compiled yet.
    ///
    /// # Errors
    /// A pattern's index and regex error (a size limit: syntax was checked when it was added).
    pub fn compile_all(&self) -> Result<(), (usize, String)> {
        // Compiling the patterns is most of the remaining start-up time; they are independent.
        let mut first = 0;
        for layer in self.layers() {
            layer
                .patterns
                .par_iter()
                .enumerate()
                .try_for_each(|(n, p)| p.regex.compile().map_err(|e| (first + n, e)))?;
            first += layer.patterns.len();
        }
        Ok(())
    }

    /// See [`super::RuleSet::automaton_matches`].
    #[must_use]
    pub fn automaton_matches(&self, text: &str) -> usize {
        self.layers()
            .filter_map(|layer| layer.automaton())
            .map(|ac| ac.find_overlapping_iter(text).count())
            .sum()
    }

    /// The automaton, loaded or built now if need be.
    fn automaton(&self) -> Option<&Automaton> {
        self.ac
            .get_or_init(|| {
                // A stored automaton that does not load (it cannot: the build script stored it
                // with this very code) is built again rather than trusted.
                self.stored
                    .and_then(|bytes| Automaton::deserialize(bytes).ok())
                    .map(|(ac, _)| ac)
                    .or_else(|| build_automaton(&self.strings).ok())
            })
            .as_ref()
    }

    #[cfg(test)]
    pub(crate) fn automaton_found(&self, text: &str) -> Vec<Found> {
        self.automaton()
            .expect("builds")
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.value() as usize))
            .collect()
    }

    /// Every match in each of `blocks` (lower-cased block texts), per block, sorted by start;
    /// the patterns of each target run, or not, or later, as `plan` says.
    ///
    /// The blocks are joined with a separator no phrase or pattern can cross, and each automaton
    /// and regex runs once over the whole document: run per block, the fixed cost of starting a
    /// search, times dozens of patterns, times thousands of short blocks, was most of the time.
    #[must_use]
    pub fn scan_blocks(&self, blocks: &[&str], plan: &dyn Fn(Target) -> Plan) -> Scan {
        let joined = Joined::new(blocks);
        let mut scan = Scan {
            hits: vec![Vec::new(); blocks.len()],
            deferred: vec![Vec::new(); blocks.len()],
        };
        let mut first_pattern = 0;
        for layer in self.layers() {
            layer.scan_layer(&joined, plan, first_pattern, &mut scan);
            first_pattern += layer.patterns.len();
        }
        for hits in &mut scan.hits {
            sort_hits(hits);
        }
        scan
    }

    /// This layer's part of [`Matcher::scan_blocks`], its deferred patterns numbered from
    /// `first_pattern`: the automaton's phrases and anchors, then the patterns.
    fn scan_layer(
        &self,
        joined: &Joined<'_>,
        plan: &dyn Fn(Target) -> Plan,
        first_pattern: usize,
        scan: &mut Scan,
    ) {
        let wanted = self.find_strings(joined, &mut scan.hits);
        let retired = |p: &Pattern| self.retired.contains(&p.target);
        let deferrable =
            |p: &Pattern| !retired(p) && p.sets > 0 && matches!(plan(p.target), Plan::Defer { .. });
        let skip = |p: &Pattern| retired(p) || plan(p.target) == Plan::Skip || deferrable(p);
        let blocks = joined.blocks;
        // The patterns about to run for the first time compile side by side, each with the
        // texts it will run on: on a first page, compiling is most of the check.
        let first_time: Vec<(&Pattern, Vec<&str>)> = self
            .patterns
            .iter()
            .zip(&wanted)
            .filter(|(p, _)| {
                p.regex.untouched()
                    && !retired(p)
                    && (!skip(p) || plan(p.target) == Plan::Defer { soon: true })
            })
            .filter_map(|(p, seen)| {
                let texts: Vec<&str> = if p.sets == 0 {
                    vec![joined.text.as_str()]
                } else {
                    seen.iter()
                        .filter(|(_, mask)| *mask == p.all_sets())
                        .map(|(bi, _)| blocks[*bi])
                        .collect()
                };
                (!texts.is_empty()).then_some((p, texts))
            })
            .collect();
        if first_time.len() > 1 {
            first_time
                .par_iter()
                .for_each(|(p, texts)| p.regex.prepare(texts));
        }
        // Each regex on its own rather than a `RegexSet`: a set of this many large patterns
        // overflows the lazy DFA and falls back to the PikeVM, while each regex alone keeps its
        // literal prefilter and DFA. An anchored pattern runs only on its candidate blocks.
        for (n, pattern) in self.patterns.iter().enumerate() {
            let blocks_to_run = wanted[n]
                .iter()
                .filter(|(_, mask)| *mask == pattern.all_sets())
                .map(|(bi, _)| *bi);
            if deferrable(pattern) {
                for bi in blocks_to_run {
                    scan.deferred[bi].push(first_pattern + n);
                }
                continue;
            }
            if skip(pattern) {
                continue;
            }
            let target = pattern.target;
            let hit = |range| Hit {
                target,
                range,
                from_pattern: true,
            };
            if pattern.sets > 0 {
                for bi in blocks_to_run {
                    pattern.regex.for_each_match(blocks[bi], &mut |range| {
                        scan.hits[bi].push(hit(range));
                    });
                }
            } else {
                pattern.regex.for_each_match(&joined.text, &mut |range| {
                    if let Some((bi, range)) = joined.place(range) {
                        scan.hits[bi].push(hit(range));
                    }
                });
            }
        }
    }

    /// Adds the phrases this layer's automaton finds in `joined` to each block's `hits`, and
    /// returns, for each anchored pattern, the blocks where one of its anchors occurs, in order,
    /// with the mask of its anchor sets seen there.
    fn find_strings(&self, joined: &Joined<'_>, hits: &mut [Vec<Hit>]) -> Vec<Vec<(usize, u8)>> {
        let Joined {
            blocks,
            text,
            starts,
        } = joined;
        let text = text.as_str();
        let mut wanted: Vec<Vec<(usize, u8)>> = vec![Vec::new(); self.patterns.len()];
        // The block of the previous match: overlapping matches arrive in order of their end, so
        // it almost always holds the next one too, and the binary search is rarely needed.
        let mut current = 0;
        let mut on_match = |(s, e, string): Found| {
            let bi = if starts[current] <= s && starts.get(current + 1).is_none_or(|&n| s < n) {
                current
            } else {
                match starts.partition_point(|&st| st <= s).checked_sub(1) {
                    Some(bi) => bi,
                    None => return,
                }
            };
            current = bi;
            let base = starts[bi];
            if e > base + blocks[bi].len() {
                // Crosses into the separator: no phrase or anchor does.
                return;
            }
            let owners = self.owners_of(string);
            let starts_word = !(word_at(text, s) && word_before(text, s));
            let mut ends_word = None;
            for &owner in owners {
                let (target, prefix) = match owner {
                    Owner::Anchor { pattern, set, word } => {
                        // `\b` before the literal in the pattern: inside a word ("lose" in
                        // "close") it cannot be part of a match.
                        if word && s > 0 && is_ascii_word(text.as_bytes()[s - 1]) {
                            continue;
                        }
                        // An anchor is any substring of a match: no boundary applies. Matches
                        // arrive in text order, so a block's entry is the last one if any.
                        let seen = &mut wanted[pattern];
                        match seen.last_mut() {
                            Some((b, mask)) if *b == bi => *mask |= 1 << set,
                            _ => seen.push((bi, 1 << set)),
                        }
                        continue;
                    }
                    Owner::Phrase { target, prefix } => (target, prefix),
                };
                if !starts_word {
                    continue;
                }
                let end = if prefix {
                    // Extends to the end of the word, which ends by the separator at the latest.
                    e + text[e..]
                        .find(|c: char| !c.is_alphanumeric())
                        .unwrap_or(text.len() - e)
                } else if !*ends_word
                    .get_or_insert_with(|| !(word_before(text, e) && word_at(text, e)))
                {
                    continue;
                } else {
                    e
                };
                hits[bi].push(Hit {
                    target,
                    range: s - base..end - base,
                    from_pattern: false,
                });
            }
        };
        if let Some(ac) = self.automaton() {
            for m in ac.find_overlapping_iter(text) {
                on_match((m.start(), m.end(), m.value() as usize));
            }
        }
        wanted
    }

    /// Runs the deferred `patterns` of a block (see [`Plan::Defer`]) whose target `wanted`
    /// accepts, on the block's lower-cased `text`, adding their matches to its sorted `hits`.
    pub fn run_deferred(
        &self,
        patterns: &[usize],
        text: &str,
        wanted: &dyn Fn(Target) -> bool,
        hits: &mut Vec<Hit>,
    ) {
        let before = hits.len();
        for &n in patterns {
            let Some(pattern) = self.pattern(n) else {
                continue;
            };
            if !wanted(pattern.target) {
                continue;
            }
            pattern.regex.for_each_match(text, &mut |range| {
                hits.push(Hit {
                    target: pattern.target,
                    range,
                    from_pattern: true,
                });
            });
        }
        if hits.len() > before {
            sort_hits(hits);
        }
    }

    /// This matcher and the ones stacked on it, in order.
    fn layers(&self) -> impl Iterator<Item = &Matcher> {
        std::iter::successors(Some(self), |m| m.next.as_deref())
    }

    /// Pattern `n`, counting through the layers.
    fn pattern(&self, mut n: usize) -> Option<&Pattern> {
        for layer in self.layers() {
            match layer.patterns.get(n) {
                Some(p) => return Some(p),
                None => n -= layer.patterns.len(),
            }
        }
        None
    }

    /// `self` with the patterns of `targets` retired: a user's rulesets changed a lexicon they
    /// interpolate, and the matcher stacked on this one holds them compiled again.
    #[must_use]
    pub(crate) fn retired(mut self, targets: Vec<Target>) -> Matcher {
        self.retired = targets;
        self
    }

    /// `self` with `top` stacked on it: the phrases and patterns of rulesets compiled on top of
    /// these (see [`super::RuleSet::compile`]), scanned after this matcher's.
    #[must_use]
    pub(crate) fn stacked(mut self, top: Matcher) -> Matcher {
        let mut slot = &mut self.next;
        while let Some(layer) = slot {
            slot = &mut layer.next;
        }
        *slot = Some(Box::new(top));
        self
    }
}

/// The blocks of a scan joined into one text (see [`Matcher::scan_blocks`]).
struct Joined<'a> {
    blocks: &'a [&'a str],
    text: String,
    /// Where each block starts in `text`.
    starts: Vec<usize>,
}

impl<'a> Joined<'a> {
    fn new(blocks: &'a [&'a str]) -> Self {
        let mut text =
            String::with_capacity(blocks.iter().map(|b| b.len() + SEPARATOR.len()).sum());
        let mut starts = Vec::with_capacity(blocks.len());
        for b in blocks {
            starts.push(text.len());
            text.push_str(b);
            text.push_str(SEPARATOR);
        }
        Joined {
            blocks,
            text,
            starts,
        }
    }

    /// The block holding `range`, and the range relative to it, unless it crosses a block end.
    fn place(&self, range: Range<usize>) -> Option<(usize, Range<usize>)> {
        let bi = self
            .starts
            .partition_point(|&s| s <= range.start)
            .checked_sub(1)?;
        let base = self.starts[bi];
        (range.end <= base + self.blocks[bi].len())
            .then(|| (bi, range.start - base..range.end - base))
    }
}

/// A block's hits in reading order: by start, the longest first.
fn sort_hits(hits: &mut [Hit]) {
    hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
}

#[cfg(test)]
mod fast_classes_tests {
    use super::fast_classes;

    fn compile(pattern: &str) -> regex_automata::meta::Regex {
        let hir = regex_syntax::Parser::new()
            .parse(&fast_classes(pattern))
            .expect("parses");
        regex_automata::meta::Regex::builder()
            .build_from_hir(&hir)
            .expect("compiles")
    }

    #[test]
    fn rewrites_word_classes_but_not_other_escapes() {
        assert_eq!(
            fast_classes(r"\bcure\w*\.\\w"),
            r"(?-u:\b)cure(?-i:[0-9A-Za-z_\x{80}-\x{10FFFF}])*\.\\w"
        );
        assert_eq!(fast_classes(r"\d{1,3}\D"), "[0-9]{1,3}[^0-9]");
        // Inside a class, a nested class rather than a group (which would add `(`, `?`, `:`).
        assert_eq!(
            fast_classes(r"[\w,]+[]A]"),
            r"[[0-9A-Za-z_\x{80}-\x{10FFFF}],]+[]a]"
        );
        let re = compile(r"^[\w,]+$");
        assert!(re.is_match("kétamine,ok"));
        assert!(!re.is_match("a(b)"));
        assert_eq!(fast_classes(r"FDA\p{Lu}\x{2019}"), r"fda\p{Lu}\x{2019}");
        let re = compile(r"\b(\w+ ){0,2}traitement");
        assert!(re.is_match("le nouveau traitement"));
        assert!(re.is_match("un kétamine traitement"));
    }
}

#[cfg(test)]
mod deferral_tests {
    use super::{Hit, Plan, Target};
    use crate::rules::RuleSet;
    use crate::rules::builtin;

    /// Deferring the disclosure lexicons' patterns, then running them all on each block, finds
    /// exactly what running them in the scan finds.
    #[test]
    fn deferred_patterns_find_what_running_them_finds() {
        let rules = RuleSet::compile(builtin::sources()).expect("embedded rulesets");
        let blocks = [
            "ketamine infusions are given in our clinic, and a nurse monitors you throughout.",
            "talk to your doctor about whether ketamine is right for you.",
            "our team will check in with you after each session; ask your psychiatrist first.",
            "opening hours are monday to friday.",
            "the doctor will discuss with you whether to continue, and results vary.",
        ];
        let deferrable =
            |t: Target| matches!(t, Target::Lexicon(l) if rules.lexicon_needs[l].is_some());
        let all = rules.matcher.scan_blocks(&blocks, &|_| Plan::Run);
        let plan = |t: Target| {
            if deferrable(t) {
                Plan::Defer { soon: false }
            } else {
                Plan::Run
            }
        };
        let deferred = rules.matcher.scan_blocks(&blocks, &plan);
        assert!(all.deferred.iter().all(Vec::is_empty));
        let mut ran = 0;
        for (bi, text) in blocks.iter().enumerate() {
            let mut hits: Vec<Hit> = deferred.hits[bi].clone();
            let mut none = hits.clone();
            rules
                .matcher
                .run_deferred(&deferred.deferred[bi], text, &|_| false, &mut none);
            assert_eq!(none, deferred.hits[bi], "nothing wanted, nothing added");
            rules
                .matcher
                .run_deferred(&deferred.deferred[bi], text, &|_| true, &mut hits);
            ran += deferred.deferred[bi].len();
            assert_eq!(hits, all.hits[bi], "block {bi}");
            assert!(hits.len() >= none.len());
        }
        assert!(ran >= 4, "the disclosure shapes were deferred ({ran} runs)");
        // And some deferred pattern found something the scan alone did not.
        assert!((0..blocks.len()).any(|bi| all.hits[bi].len() > deferred.hits[bi].len()));
    }
}

#[cfg(test)]
mod automaton_tests {
    use aho_corasick::{AhoCorasick, MatchKind};

    /// The double array replaced aho-corasick's NFA on the promise of the same overlapping
    /// matches in the same order (by end, and at one end the longest first), which the match
    /// loop relies on.
    #[test]
    fn finds_what_aho_corasick_finds_in_its_order() {
        let rules = crate::rules::RuleSet::compile(crate::rules::builtin::sources())
            .expect("embedded rulesets");
        let strings = &rules.matcher.strings;
        let reference = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(strings.iter().map(|s| s.as_bytes()))
            .expect("builds");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut text = String::new();
        for entry in std::fs::read_dir(dir).expect("corpus") {
            let path = entry.expect("entry").path();
            if let Ok(t) = std::fs::read_to_string(&path) {
                text.push_str(&t.to_lowercase());
            }
        }
        let expected: Vec<_> = reference
            .find_overlapping_iter(&text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        assert!(expected.len() > 10_000, "{} matches", expected.len());
        assert_eq!(rules.matcher.automaton_found(&text), expected);
    }
}
