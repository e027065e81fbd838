//! The scanning engine: every phrase of every loaded rule and lexicon in ONE Aho-Corasick
//! automaton, plus the regex patterns, run over a block's lower-cased text.
//!
//! The automaton uses `MatchKind::Standard` with overlapping search and the word-boundary check
//! afterwards: leftmost-longest search followed by a boundary filter would lose "cures" in
//! "cures cancerous" once the longer "cures cancer" failed its boundary.

use super::phrase::PhraseSpec;
use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use regex::{Regex, RegexBuilder};
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
    pub fn pattern(&mut self, pattern: &str, target: Target) -> Result<(), String> {
        // Syntax only: compiling here and again in `build` doubled start-up time. A pattern that
        // parses but exceeds the size limit is reported by `build`.
        regex_syntax::Parser::new()
            .parse(&fast_classes(pattern))
            .map_err(|e| e.to_string())?;
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
        // Compiling the patterns is most of start-up time; they are independent.
        let regexes = self
            .patterns
            .par_iter()
            .map(|(p, t)| compile_regex(p).map(|r| (r, *t)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Ok(Matcher {
            ac,
            owners: self.owners,
            lens: self.strings.iter().map(String::len).collect(),
            regexes,
        })
    }
}

fn compile_regex(p: &str) -> Result<Regex, regex::Error> {
    // Case-sensitive over lower-cased text with lower-cased literals: Unicode case folding of
    // every literal and class made compilation several times slower for no gain.
    RegexBuilder::new(&fast_classes(p))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// A word character for patterns: ASCII letters, digits, `_`, and any non-ASCII character.
/// Normalised text has ASCII punctuation and spaces, so every non-ASCII character left is a letter
/// (é, ï), a symbol or an emoji — all fine as word characters.
const WORD_CLASS: &str = r"(?-i:[0-9A-Za-z_\x{80}-\x{10FFFF}])";
const NON_WORD_CLASS: &str = r"(?-i:[^0-9A-Za-z_\x{80}-\x{10FFFF}])";

/// Lower-cases a pattern's literals (documents are matched lower-cased) and rewrites Unicode
/// `\w`, `\W`, `\b` and `\B` into cheap equivalents. Unicode word classes
/// compile into very large automata (most of start-up time went there) and a Unicode `\b` keeps
/// the regex engine off its DFAs (most of the scanning time); on normalised text the ASCII forms
/// plus "non-ASCII is a letter" match the same words.
fn fast_classes(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.extend(c.to_lowercase());
            continue;
        }
        match chars.next() {
            Some('w') => out.push_str(WORD_CLASS),
            Some('W') => out.push_str(NON_WORD_CLASS),
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some('B') => out.push_str(r"(?-u:\B)"),
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
    ac: AhoCorasick,
    owners: Vec<Vec<(Target, bool)>>,
    lens: Vec<usize>,
    regexes: Vec<(Regex, Target)>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("phrases", &self.lens.len())
            .field("patterns", &self.regexes.len())
            .finish_non_exhaustive()
    }
}

/// Joins blocks for scanning: no word character, no space (pattern gaps are "word space"), and a
/// full stop and line breaks, which no pattern's gap classes or `.` cross.
const SEPARATOR: &str = "\n.\n";

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

impl Matcher {
    /// Every match in each of `blocks` (lower-cased block texts), per block, sorted by start.
    ///
    /// The blocks are joined with a separator no phrase or pattern can cross, and each automaton
    /// and regex runs once over the whole document: run per block, the fixed cost of starting a
    /// search, times dozens of patterns, times thousands of short blocks, was most of the time.
    #[must_use]
    pub fn scan_blocks(&self, blocks: &[&str]) -> Vec<Vec<Hit>> {
        let mut joined =
            String::with_capacity(blocks.iter().map(|b| b.len() + SEPARATOR.len()).sum());
        let mut starts = Vec::with_capacity(blocks.len());
        for b in blocks {
            starts.push(joined.len());
            joined.push_str(b);
            joined.push_str(SEPARATOR);
        }
        let mut out: Vec<Vec<Hit>> = vec![Vec::new(); blocks.len()];
        // The block holding `range`, and the range relative to it, unless it crosses a block end.
        let place = |range: Range<usize>| -> Option<(usize, Range<usize>)> {
            let bi = starts
                .partition_point(|&s| s <= range.start)
                .checked_sub(1)?;
            let base = starts[bi];
            (range.end <= base + blocks[bi].len())
                .then(|| (bi, range.start - base..range.end - base))
        };
        let text = joined.as_str();
        for m in self.ac.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let pat = m.pattern().as_usize();
            let before = text[..s].chars().next_back();
            let first_char = text[s..e].chars().next();
            if is_word(first_char) && is_word(before) {
                continue;
            }
            let after = text[e..].chars().next();
            let last_char = text[s..e].chars().next_back();
            for &(target, prefix) in &self.owners[pat] {
                let end = if prefix {
                    e + text[e..]
                        .find(|c: char| !c.is_alphanumeric())
                        .unwrap_or(text.len() - e)
                } else if is_word(last_char) && is_word(after) {
                    continue;
                } else {
                    e
                };
                if let Some((bi, range)) = place(s..end) {
                    out[bi].push(Hit {
                        target,
                        range,
                        from_pattern: false,
                    });
                }
            }
        }
        // Each regex on its own rather than a `RegexSet` first: a set of this many large
        // patterns overflows the lazy DFA and falls back to the PikeVM (80% of the time in a
        // profile), while each regex alone keeps its literal prefilter and DFA.
        for (re, target) in &self.regexes {
            for m in re.find_iter(text) {
                if m.is_empty() {
                    continue;
                }
                if let Some((bi, range)) = place(m.range()) {
                    out[bi].push(Hit {
                        target: *target,
                        range,
                        from_pattern: true,
                    });
                }
            }
        }
        for hits in &mut out {
            hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
        }
        out
    }
}

#[cfg(test)]
mod fast_classes_tests {
    use super::fast_classes;

    #[test]
    fn rewrites_word_classes_but_not_other_escapes() {
        assert_eq!(
            fast_classes(r"\bcure\w*\.\\w"),
            r"(?-u:\b)cure(?-i:[0-9A-Za-z_\x{80}-\x{10FFFF}])*\.\\w"
        );
        assert_eq!(fast_classes(r"FDA\p{Lu}\x{2019}"), r"fda\p{Lu}\x{2019}");
        let re = super::compile_regex(r"\b(\w+ ){0,2}traitement").expect("compiles");
        assert!(re.is_match("le nouveau traitement"));
        assert!(re.is_match("un kétamine traitement"));
    }
}
