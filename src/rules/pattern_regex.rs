//! A pattern's regex, built in two halves on first need.
//!
//! A regex that reports where its matches start and end is two automata: a forward one that
//! finds where a match ends, and a reverse one, run back from that end, that finds where it
//! starts. Compiling them is most of checking a first small page, and most patterns that run
//! there match nothing: their anchors occur, the pattern does not. So the forward half is built
//! first and asked only whether the text matches at all; the reverse half is built the first time
//! it does (about 40% of compiling, measured on the embedded rulesets).
//!
//! Both halves are lazy DFAs configured as `regex-automata`'s meta regex configures its own, and
//! its answers are the meta regex's (leftmost-first); where a lazy DFA cannot be built, or gives
//! up on a text, the meta regex itself runs.

use regex_automata::hybrid::{dfa, regex as hybrid};
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::iter::Searcher;
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::Hir;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

/// Size limit for one compiled automaton; generous because lexicon interpolation builds long
/// alternations, bounded so a hostile user ruleset cannot exhaust memory.
const SIZE_LIMIT: usize = 64 << 20;

/// A pattern's syntax tree (with `fast_classes` applied to its source) and its regex.
pub(crate) struct PatternRegex {
    tree: Tree,
    /// The forward and reverse NFAs in the snapshot's bytes (see [`super::nfa_codec`]): building
    /// a half from them skips the compiler and the tree, which is then needed only for the meta
    /// regex.
    nfas: Option<[&'static [u8]; 2]>,
    /// The forward half; `None` where a lazy DFA cannot be built for it.
    forward: OnceLock<Option<Forward>>,
    /// `None` if compiling failed, which validation at load time rules out for user rulesets
    /// and a test rules out for the embedded ones.
    full: OnceLock<Option<Full>>,
}

/// A syntax tree: parsed, or the snapshot's regex text, parsed if it is needed (where the NFAs
/// are missing, or for the meta regex).
enum Tree {
    Parsed(Hir),
    Text(&'static str),
}

type MakeCache<T> = Box<dyn Fn() -> T + Send + Sync>;

struct Forward {
    dfa: dfa::DFA,
    caches: Pool<dfa::Cache, MakeCache<dfa::Cache>>,
}

enum Full {
    Lazy(Box<Lazy>),
    Meta(Regex),
}

struct Lazy {
    regex: hybrid::Regex,
    caches: Pool<hybrid::Cache, MakeCache<hybrid::Cache>>,
    /// For a text on which the lazy DFAs give up (their cache thrashes), as the meta regex does.
    fallback: OnceLock<Option<Regex>>,
}

impl PatternRegex {
    pub(crate) fn parsed(hir: Hir) -> Self {
        Self::new(Tree::Parsed(hir), None)
    }

    /// From the snapshot: the regex text (as a tree prints) and, if they could be stored, the
    /// NFAs' bytes.
    pub(crate) fn encoded(regex: &'static str, nfas: Option<[&'static [u8]; 2]>) -> Self {
        Self::new(Tree::Text(regex), nfas)
    }

    fn new(tree: Tree, nfas: Option<[&'static [u8]; 2]>) -> Self {
        PatternRegex {
            tree,
            nfas,
            forward: OnceLock::new(),
            full: OnceLock::new(),
        }
    }

    /// The syntax tree; `None` if the snapshot's text does not parse.
    pub(crate) fn hir(&self) -> Option<Cow<'_, Hir>> {
        match &self.tree {
            Tree::Parsed(hir) => Some(Cow::Borrowed(hir)),
            Tree::Text(text) => regex_syntax::Parser::new().parse(text).ok().map(Cow::Owned),
        }
    }

    /// The forward and reverse NFAs in bytes, for the snapshot; `None` if they cannot be stored.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "used by the build script's compiler crate")
    )]
    pub(crate) fn encoded_nfas(&self) -> Option<[Vec<u8>; 2]> {
        let hir = self.hir()?;
        let [forward, reverse] =
            [false, true].map(|reverse| super::nfa_codec::encode(&build_nfa(&hir, reverse).ok()?));
        Some([forward?, reverse?])
    }

    /// Whether the NFAs built for it (from the snapshot's bytes, if it has them) are the ones
    /// the compiler builds from its tree.
    #[cfg(test)]
    pub(crate) fn nfas_are_compiled_ones(&self) -> bool {
        let Some(hir) = self.hir() else {
            return false;
        };
        [false, true].into_iter().all(|reverse| {
            let built = self.nfa(reverse).map(|n| format!("{n:?}"));
            let compiled = build_nfa(&hir, reverse).map(|n| format!("{n:?}"));
            built.is_ok() && built == compiled
        })
    }

    /// Whether nothing has been built yet.
    pub(crate) fn untouched(&self) -> bool {
        self.forward.get().is_none() && self.full.get().is_none()
    }

    /// Builds what searching `texts` needs (the forward half, and the reverse one if a text
    /// matches), so that several patterns can be built side by side.
    pub(crate) fn prepare(&self, texts: &[&str]) {
        if self.full.get().is_some() {
            return;
        }
        if self
            .forward()
            .is_none_or(|f| texts.iter().any(|t| f.may_match(t)))
        {
            self.full.get_or_init(|| self.build_full().ok());
        }
    }

    /// Builds the whole regex now.
    ///
    /// # Errors
    /// The regex error (a size limit: syntax was checked when the pattern was added).
    pub(crate) fn compile(&self) -> Result<(), String> {
        if self.full.get().is_none() {
            let full = self.build_full()?;
            let _ = self.full.set(Some(full));
        }
        Ok(())
    }

    /// Calls `f` with the range of each non-empty match in `text`, in order.
    pub(crate) fn for_each_match(&self, text: &str, f: &mut dyn FnMut(Range<usize>)) {
        if self.full.get().is_none()
            && let Some(forward) = self.forward()
            && !forward.may_match(text)
        {
            return;
        }
        let Some(full) = self.full.get_or_init(|| self.build_full().ok()) else {
            return;
        };
        match full {
            Full::Meta(regex) => meta_matches(regex, text, f),
            Full::Lazy(lazy) => {
                let Lazy {
                    regex,
                    caches,
                    fallback,
                } = &**lazy;
                let mut cache = caches.get();
                let mut searcher = Searcher::new(Input::new(text));
                let mut found = Vec::new();
                loop {
                    match searcher.try_advance(|input| regex.try_search(&mut cache, input)) {
                        Ok(Some(m)) => found.push(m.range()),
                        Ok(None) => break,
                        Err(_) => {
                            if let Some(meta) = fallback.get_or_init(|| self.build_meta().ok()) {
                                meta_matches(meta, text, f);
                            }
                            return;
                        }
                    }
                }
                found.into_iter().filter(|r| !r.is_empty()).for_each(f);
            }
        }
    }

    /// A half's NFA: from the snapshot's bytes if it has them, else compiled from the tree.
    fn nfa(&self, reverse: bool) -> Result<thompson::NFA, String> {
        if let Some(nfa) = self
            .nfas
            .and_then(|n| super::nfa_codec::decode(n[usize::from(reverse)], Some(SIZE_LIMIT)))
        {
            return Ok(nfa);
        }
        build_nfa(&*self.hir().ok_or(BROKEN_TREE)?, reverse)
    }

    fn forward(&self) -> Option<&Forward> {
        self.forward
            .get_or_init(|| {
                let nfa = self.nfa(false).ok()?;
                let dfa = dfa::Builder::new()
                    .configure(dfa_config())
                    .build_from_nfa(nfa)
                    .ok()?;
                let make = dfa.clone();
                Some(Forward {
                    dfa,
                    caches: Pool::new(Box::new(move || make.create_cache())),
                })
            })
            .as_ref()
    }

    fn build_full(&self) -> Result<Full, String> {
        let Some(forward) = self.forward() else {
            return self.build_meta().map(Full::Meta);
        };
        let reverse = self.nfa(true)?;
        let Ok(reverse) = dfa::Builder::new()
            .configure(
                dfa_config()
                    .match_kind(MatchKind::All)
                    .specialize_start_states(false),
            )
            .build_from_nfa(reverse)
        else {
            return self.build_meta().map(Full::Meta);
        };
        // The cache maker needs a regex of its own (the regex is not `Clone`; its DFAs are cheap
        // to clone: they share the NFA).
        let make = hybrid::Builder::new().build_from_dfas(forward.dfa.clone(), reverse.clone());
        let regex = hybrid::Builder::new().build_from_dfas(forward.dfa.clone(), reverse);
        Ok(Full::Lazy(Box::new(Lazy {
            regex,
            caches: Pool::new(Box::new(move || make.create_cache())),
            fallback: OnceLock::new(),
        })))
    }

    fn build_meta(&self) -> Result<Regex, String> {
        compile_meta(&*self.hir().ok_or(BROKEN_TREE)?)
    }
}

const BROKEN_TREE: &str = "the rulesets' snapshot holds a regex that does not parse";

impl Forward {
    /// Whether `text` holds a match; `true` where the lazy DFA gives up.
    fn may_match(&self, text: &str) -> bool {
        let mut cache = self.caches.get();
        !matches!(
            self.dfa
                .try_search_fwd(&mut cache, &Input::new(text).earliest(true)),
            Ok(None)
        )
    }
}

fn meta_matches(regex: &Regex, text: &str, f: &mut dyn FnMut(Range<usize>)) {
    regex
        .find_iter(text)
        .filter(|m| !m.is_empty())
        .for_each(|m| f(m.range()));
}

/// Captures are no use to a lazy DFA.
fn nfa_config() -> thompson::Config {
    thompson::Config::new()
        .nfa_size_limit(Some(SIZE_LIMIT))
        .which_captures(WhichCaptures::None)
}

thread_local! {
    /// A compiler allocates and zeroes about 400 KB of maps on its first use: one per thread and
    /// direction, reused, pays that once rather than per automaton (it was most of the page
    /// faults of checking a first small page).
    static COMPILERS: [thompson::Compiler; 2] = [false, true].map(|reverse| {
        let mut compiler = thompson::Compiler::new();
        compiler.configure(nfa_config().reverse(reverse));
        compiler
    });
}

fn build_nfa(hir: &Hir, reverse: bool) -> Result<thompson::NFA, String> {
    COMPILERS.with(|c| {
        c[usize::from(reverse)]
            .build_from_hir(hir)
            .map_err(|e| nfa_error(&e))
    })
}

/// As the meta regex configures its lazy DFAs (without a prefilter, as ours runs without one:
/// see [`compile_meta`]). With no Unicode word boundary allowed, a pattern that has one gets no
/// lazy DFA and runs as a meta regex.
fn dfa_config() -> dfa::Config {
    dfa::Config::new()
        .skip_cache_capacity_check(false)
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10))
}

fn nfa_error(e: &thompson::BuildError) -> String {
    match e.size_limit() {
        Some(limit) => format!("compiled pattern exceeds size limit of {limit} bytes"),
        None => e.to_string(),
    }
}

/// The meta regex for a tree: where the halves cannot be built, and where they give up.
fn compile_meta(hir: &Hir) -> Result<Regex, String> {
    // Case-sensitive over lower-cased text with lower-cased literals: Unicode case folding of
    // every literal and class made compilation several times slower for no gain. Only the lazy
    // DFA and the PikeVM are built: the engines that help short anchored searches (one-pass DFA,
    // backtracker, eager full DFA) cost compile time. Only the implicit whole-match group (with
    // none, the PikeVM fallback lost matches on French copy in our corpus) and no literal
    // prefilter: the automaton's anchors already chose the blocks, and on a block of a few
    // hundred bytes the lazy DFA alone is faster than building a prefilter for a pattern that
    // interpolates a lexicon of hundreds of phrases.
    Regex::builder()
        .configure(
            Regex::config()
                .nfa_size_limit(Some(SIZE_LIMIT))
                .onepass(false)
                .backtrack(false)
                .dfa(false)
                .which_captures(WhichCaptures::Implicit)
                .auto_prefilter(false),
        )
        .build_from_hir(hir)
        .map_err(|e| match e.size_limit() {
            Some(limit) => format!("compiled pattern exceeds size limit of {limit} bytes"),
            None => match std::error::Error::source(&e) {
                Some(cause) => format!("{e}: {cause}"),
                None => e.to_string(),
            },
        })
}

#[cfg(test)]
mod tests {
    use super::PatternRegex;

    fn matches(pattern: &str, text: &str) -> Vec<String> {
        let hir = regex_syntax::Parser::new().parse(pattern).expect("parses");
        let re = PatternRegex::parsed(hir.clone());
        let mut out = Vec::new();
        re.for_each_match(text, &mut |r| out.push(text[r].to_string()));
        // The meta regex agrees.
        let meta: Vec<String> = super::compile_meta(&hir)
            .expect("compiles")
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| text[m.range()].to_string())
            .collect();
        assert_eq!(out, meta, "{pattern} on {text:?}");
        out
    }

    #[test]
    fn finds_what_the_meta_regex_finds() {
        assert_eq!(
            matches(r"cures? (all|every)", "it cures all, cure every, cures"),
            ["cures all", "cure every"]
        );
        // Leftmost-first, not longest: the first alternative that matches wins.
        assert_eq!(matches(r"a|ab", "ab ab"), ["a", "a"]);
        // Empty matches are dropped; the non-empty ones around them kept.
        assert_eq!(matches(r"x*", "axxbx"), ["xx", "x"]);
        assert_eq!(
            matches(r"(?-u:\b)ké\w*", "la kétamine, kéto"),
            ["kétamine", "kéto"]
        );
        assert!(matches(r"zzz", "nothing here").is_empty());
    }

    fn parsed(pattern: &str) -> PatternRegex {
        PatternRegex::parsed(regex_syntax::Parser::new().parse(pattern).expect("parses"))
    }

    #[test]
    fn a_unicode_word_boundary_runs_as_a_meta_regex() {
        let re = parsed(r"\bété\b");
        let mut out = Vec::new();
        re.for_each_match("un été chaud", &mut |r| out.push(r));
        assert_eq!((out.len(), out.first()), (1, Some(&(3..8))));
        assert!(re.forward().is_none(), "no lazy DFA for a Unicode boundary");
    }

    #[test]
    fn nothing_is_built_until_needed_and_the_reverse_half_only_on_a_match() {
        let re = parsed(r"miracle cure");
        assert!(re.untouched());
        re.for_each_match("a plain sentence", &mut |_| panic!("no match"));
        assert!(re.forward.get().is_some() && re.full.get().is_none());
        let mut n = 0;
        re.for_each_match("a miracle cure", &mut |_| n += 1);
        assert_eq!(n, 1);
        assert!(re.full.get().is_some());
    }
}
