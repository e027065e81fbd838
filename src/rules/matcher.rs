//! The scanning engine: every phrase of every loaded rule and lexicon in ONE Aho-Corasick
//! automaton, plus the regex patterns, run over a block's lower-cased text.
//!
//! The automaton uses `MatchKind::Standard` with overlapping search and the word-boundary check
//! afterwards: leftmost-longest search followed by a boundary filter would lose "cures" in
//! "cures cancerous" once the longer "cures cancer" failed its boundary.

use super::phrase::PhraseSpec;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::collections::HashMap;
use std::ops::Range;

/// Who a phrase or pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

#[derive(Default)]
pub struct MatcherBuilder {
    strings: Vec<String>,
    index: HashMap<String, usize>,
    owners: Vec<Vec<(Target, bool)>>,
    patterns: Vec<(String, Target)>,
}

/// Size limit for one compiled regex; generous because lexicon interpolation builds long
/// alternations, bounded so a hostile user ruleset cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 64 << 20;

impl MatcherBuilder {
    pub fn phrase(&mut self, spec: PhraseSpec, target: Target) {
        for v in spec.variants {
            let idx = *self.index.entry(v.clone()).or_insert_with(|| {
                self.strings.push(v);
                self.owners.push(Vec::new());
                self.strings.len() - 1
            });
            if !self.owners[idx].contains(&(target, spec.prefix)) {
                self.owners[idx].push((target, spec.prefix));
            }
        }
    }

    /// # Errors
    /// The regex error, when the pattern does not compile.
    pub fn pattern(&mut self, pattern: &str, target: Target) -> Result<(), regex::Error> {
        compile_regex(pattern)?;
        self.patterns.push((pattern.to_string(), target));
        Ok(())
    }

    /// # Errors
    /// When the automaton or the regex set cannot be built (size limits).
    pub fn build(self) -> Result<Matcher, String> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.strings)
            .map_err(|e| format!("cannot build the phrase automaton: {e}"))?;
        let regexes = self
            .patterns
            .iter()
            .map(|(p, t)| compile_regex(p).map(|r| (r, *t)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let set = RegexSetBuilder::new(self.patterns.iter().map(|(p, _)| p))
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Matcher {
            ac,
            owners: self.owners,
            lens: self.strings.iter().map(String::len).collect(),
            regexes,
            set,
        })
    }
}

fn compile_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

pub struct Matcher {
    ac: AhoCorasick,
    owners: Vec<Vec<(Target, bool)>>,
    lens: Vec<usize>,
    regexes: Vec<(Regex, Target)>,
    set: RegexSet,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("phrases", &self.lens.len())
            .field("patterns", &self.regexes.len())
            .finish_non_exhaustive()
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

impl Matcher {
    /// Appends every match in `lower` (a block's lower-cased text) to `out`, sorted by start.
    pub fn scan(&self, lower: &str, out: &mut Vec<Hit>) {
        let first = out.len();
        for m in self.ac.find_overlapping_iter(lower) {
            let (s, e) = (m.start(), m.end());
            let pat = m.pattern().as_usize();
            debug_assert_eq!(e - s, self.lens[pat]);
            let before = lower[..s].chars().next_back();
            let first_char = lower[s..e].chars().next();
            if is_word(first_char) && is_word(before) {
                continue;
            }
            let after = lower[e..].chars().next();
            let last_char = lower[s..e].chars().next_back();
            for &(target, prefix) in &self.owners[pat] {
                let end = if prefix {
                    e + lower[e..]
                        .find(|c: char| !c.is_alphanumeric())
                        .unwrap_or(lower.len() - e)
                } else if is_word(last_char) && is_word(after) {
                    continue;
                } else {
                    e
                };
                out.push(Hit {
                    target,
                    range: s..end,
                    from_pattern: false,
                });
            }
        }
        if !self.regexes.is_empty() {
            for i in self.set.matches(lower).iter() {
                let (re, target) = &self.regexes[i];
                for m in re.find_iter(lower) {
                    if !m.is_empty() {
                        out.push(Hit {
                            target: *target,
                            range: m.range(),
                            from_pattern: true,
                        });
                    }
                }
            }
        }
        out[first..].sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    }
}
