//! Validation and compilation: raw ruleset files → one [`RuleSet`].
//!
//! Every file's rules and lexicons share one namespace and one automaton, so a user ruleset can
//! refer to the lexicons of the built-in ones. Errors carry the file and byte span they concern,
//! so `check-rules` can point into the TOML like a compiler.

use super::dictionary::{self, Dictionary};
use super::matcher::{Matcher, MatcherBuilder, Plan, Target, fast_classes};
use super::profile::{Basis, Profile};
use super::schema::{
    Applicability, AppliesIf, Category, CaveatId, Judge, RawLexicon, RawRule, RawRuleset, Scope,
    Severity,
};
use super::{builtin, interpolate, phrase};
use rayon::prelude::*;
use regex_syntax::hir::Hir;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use toml::Spanned;

/// One ruleset file as loaded: its display name and text, kept for error rendering and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetSource {
    pub name: String,
    pub text: String,
}

/// A problem in a ruleset file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetError {
    /// Index into the sources passed to [`RuleSet::compile`].
    pub source: usize,
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// Index of a lexicon in [`RuleSet::lexicons`].
pub type LexId = usize;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lexicon {
    pub name: String,
    pub description: String,
    /// Counts as a qualifier only inside the claim's clause.
    pub clause_bound: bool,
    /// Governs its whole sentence rather than its clause.
    pub sentence_wide: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Examples {
    pub flag: Vec<String>,
    pub pass: Vec<String>,
}

/// A validated rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub help: String,
    pub note: String,
    pub replacement: Option<String>,
    pub applicability: Applicability,
    pub caveat: Option<CaveatId>,
    pub negated_by: Vec<LexId>,
    pub unless: Vec<LexId>,
    pub unless_scope: Scope,
    pub requires: Vec<LexId>,
    pub requires_document: Vec<LexId>,
    pub trigger: Vec<LexId>,
    pub present_if: Vec<Vec<LexId>>,
    pub min_triggers: usize,
    /// Lexicons naming a figure's source, read in the same or the next sentence.
    pub sourced_by: Vec<LexId>,
    /// For a claim-model rule, what it judges.
    pub judge: Option<Judge>,
    /// For a dictionary-driven caveat, which pages it applies to.
    pub applies_if: Option<AppliesIf>,
    /// The profiles it applies in; empty: all.
    pub profiles: Vec<Profile>,
    /// Its legal basis per jurisdiction.
    pub basis: Vec<Basis>,
    /// Help replacing `help` under a profile.
    pub profile_help: Vec<(Profile, String)>,
    pub examples: Examples,
    /// Which source file defines it and where.
    pub source: usize,
    pub span: Range<usize>,
}

/// All loaded rules, compiled once and shared by every file checked.
#[derive(Debug)]
pub struct RuleSet {
    pub sources: Vec<RulesetSource>,
    pub rules: Vec<Rule>,
    pub lexicons: Vec<Lexicon>,
    /// The treatment dictionary and conditions vocabulary.
    pub dictionary: Dictionary,
    pub(crate) matcher: Matcher,
    /// For each lexicon whose hits matter only inside a block, when they are needed there (see
    /// [`LexiconNeeds`]); `None` for a lexicon the whole document needs.
    pub(crate) lexicon_needs: Vec<Option<LexiconNeeds>>,
}

/// When the hits of a lexicon that matters only inside a block are needed: a lexicon that
/// qualifies, negates or is required by a claim is read in the claim's own sentence or paragraph,
/// and one that discloses a caveat only until the caveat is disclosed. A lexicon the whole
/// document needs (a caveat trigger, a `requires-document` topic, a document-scope qualifier, a
/// caveat rule's own `unless`) has no `LexiconNeeds`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LexiconNeeds {
    /// The caveat rules it can disclose (`present-if`, or their `negated-by`): needed while one
    /// of them is not disclosed yet.
    pub disclosures: Vec<usize>,
    /// The rules that read it around their own matches (`unless`, `negated-by`, `requires`):
    /// needed in a block where one of them has a hit.
    pub claims: Vec<usize>,
}

impl LexiconNeeds {
    /// Whether a caveat it could disclose is still open, given which rules are `disclosed`.
    fn open(&self, disclosed: &[bool]) -> bool {
        self.disclosures.iter().any(|&r| !disclosed[r])
    }

    /// What a scan does with its patterns (see [`Plan`]): nothing once no caveat it could
    /// disclose is open and no claim reads it; otherwise they wait for their block.
    pub(crate) fn plan(&self, disclosed: &[bool]) -> Plan {
        let soon = self.open(disclosed);
        if soon || !self.claims.is_empty() {
            Plan::Defer { soon }
        } else {
            Plan::Skip
        }
    }

    /// Whether its hits are wanted in a block whose rule hits are `claims`.
    pub(crate) fn wanted(&self, disclosed: &[bool], claims: &[usize]) -> bool {
        self.open(disclosed) || self.claims.iter().any(|r| claims.contains(r))
    }
}

struct Ctx<'a> {
    errors: Vec<RulesetError>,
    /// Ordered, so that compiling is deterministic (the snapshot test compares bytes).
    lex_ids: BTreeMap<String, LexId>,
    raw_lex: Vec<(usize, &'a Spanned<RawLexicon>)>,
    /// Where each pattern added to the matcher was written (file, span), in order.
    pattern_spans: Vec<(usize, Range<usize>)>,
}

impl Ctx<'_> {
    fn err(&mut self, source: usize, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(RulesetError {
            source,
            span: Some(span),
            message: message.into(),
        });
    }

    fn resolve(&mut self, source: usize, names: &[Spanned<String>]) -> Vec<LexId> {
        names
            .iter()
            .filter_map(|n| match self.lex_ids.get(n.get_ref()) {
                Some(&id) => Some(id),
                None => {
                    self.err(
                        source,
                        n.span(),
                        format!("unknown lexicon `{}`", n.get_ref()),
                    );
                    None
                }
            })
            .collect()
    }
}

/// Message of a TOML error without the rendered snippet toml adds (we render our own).
fn toml_message(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}

impl RuleSet {
    /// Parses, validates and compiles ruleset sources. All errors are collected, not just the first.
    ///
    /// # Errors
    /// Every problem found, each with its file and span.
    ///
    /// When `sources` begin with the embedded rulesets, those come precompiled (see
    /// [`super::builtin`]) and only the files after them are compiled, on top: their own
    /// phrases and patterns in a matcher of their own, every one of their patterns compiled now
    /// so that errors are reported at load time, while the embedded patterns still compile only
    /// when a page needs them.
    pub fn compile(
        mut sources: Vec<RulesetSource>,
    ) -> Result<Self, (Vec<RulesetSource>, Vec<RulesetError>)> {
        let embedded = builtin::embedded_prefix(&sources);
        if embedded > 0 {
            let rest = sources.split_off(embedded);
            match builtin::precompiled(sources) {
                Ok(base) if rest.is_empty() => return Ok(base),
                Ok(base) => return Self::compile_over(base, rest),
                Err(mut back) => {
                    back.extend(rest);
                    sources = back;
                }
            }
        }
        Self::compile_sources(sources)
    }

    /// [`RuleSet::compile`] from the TOML, never from the embedded rulesets' compiled form; every
    /// pattern is compiled now.
    pub(crate) fn compile_sources(
        sources: Vec<RulesetSource>,
    ) -> Result<Self, (Vec<RulesetSource>, Vec<RulesetError>)> {
        let mut parsed = match parse(&sources) {
            Ok(parsed) => parsed,
            Err(errors) => return Err((sources, errors)),
        };
        dictionary::add_lexicons(&mut parsed);
        let (rules, lexicons, matcher) = match build(&parsed, 0, 0, true, &Reopen::default(), None)
        {
            Ok(built) => built,
            Err(errors) => return Err((sources, errors)),
        };
        match dictionary::compile(&parsed, &lexicons) {
            Ok(dictionary) => Ok(Self {
                lexicon_needs: lexicon_needs(&rules, lexicons.len()),
                sources,
                rules,
                lexicons,
                dictionary,
                matcher,
            }),
            Err(errors) => Err((sources, errors)),
        }
    }

    /// The `rest` of the sources compiled on top of `base`, the embedded rulesets: `rest` may use
    /// their lexicons, but adds its phrases and patterns to a matcher of its own, stacked on the
    /// precompiled one.
    ///
    /// What `rest` reads of the embedded lexicons (the regex each `{name}` stands for, the
    /// exceptions a pattern that interpolates one inherits) was stored by the build script
    /// ([`builtin::lexicon_defs`]), so only `rest` is parsed: parsing the embedded TOML again
    /// and rebuilding their lexicons' regexes was most of the start-up a small user ruleset
    /// cost (about 5 ms of 11). A user's treatments, conditions or profiles change embedded
    /// lexicons and the dictionary itself (see [`reopened`]), so for them the embedded TOML is
    /// still parsed and compiled again with the user's files.
    fn compile_over(
        base: Self,
        rest: Vec<RulesetSource>,
    ) -> Result<Self, (Vec<RulesetSource>, Vec<RulesetError>)> {
        Self::compile_over_with(base, rest, builtin::lexicon_defs)
    }

    /// [`RuleSet::compile_over`] with the stored embedded lexicons from `defs` (`None`: read
    /// from the TOML again, as the tests compare).
    fn compile_over_with(
        base: Self,
        rest: Vec<RulesetSource>,
        defs: fn() -> Option<Vec<LexiconDef<'static>>>,
    ) -> Result<Self, (Vec<RulesetSource>, Vec<RulesetError>)> {
        let Self {
            sources: mut all,
            rules: mut all_rules,
            lexicons: base_lexicons,
            dictionary: base_dictionary,
            matcher: base_matcher,
            ..
        } = base;
        let own_from = all.len();
        all.extend(rest);
        let own = match parse(&all[own_from..]) {
            Ok(own) => own,
            Err(mut errors) => {
                for e in &mut errors {
                    e.source += own_from;
                }
                return Err((all, errors));
            }
        };
        // Entries of the dictionary change embedded lexicons and the dictionary: see above.
        let plain = own
            .iter()
            .all(|f| f.treatment.is_empty() && f.condition.is_empty() && f.profile.is_empty());
        let stored = plain
            .then(defs)
            .flatten()
            // Stored by the same build as the snapshot, so numbered alike; checked all the same.
            .filter(|d| d.len() == base_lexicons.len());
        let mut parsed = match &stored {
            // The embedded files stand empty: their lexicons come from `stored`, their rules are
            // compiled already.
            Some(_) => (0..own_from).map(|_| RawRuleset::default()).collect(),
            None => match parse(&all[..own_from]) {
                Ok(parsed) => parsed,
                Err(errors) => return Err((all, errors)),
            },
        };
        parsed.extend(own);
        // A user's treatment names join `any-treatment`, an embedded lexicon: its phrases are
        // in the precompiled automaton and its regex inside precompiled patterns ("X for Y" is
        // anchored on it). The user's matcher takes the new names, and the embedded lexicons and
        // rules whose patterns interpolate it have those patterns compiled again there (the
        // precompiled ones are retired).
        //
        // The dictionary's lexicons are added first, as when compiling from the TOML, so the
        // embedded ones keep their numbers and a user's treatments and conditions get lexicons
        // of their own (in their file, so in the user's matcher).
        dictionary::add_lexicons(&mut parsed);
        let reopen = reopened(&parsed, own_from);
        let embedded = stored.map(|defs| Embedded::new(&base_lexicons, defs, &all_rules));
        let (rules, lexicons, matcher) = match build(
            &parsed,
            own_from,
            all_rules.len(),
            true,
            &reopen,
            embedded.as_ref(),
        ) {
            Ok(built) => built,
            Err(errors) => return Err((all, errors)),
        };
        let lexicon_targets = reopen
            .lexicons
            .iter()
            .filter_map(|name| lexicons.iter().position(|l| l.name == *name))
            .flat_map(|id| [Target::Lexicon(id), Target::LexiconException(id)]);
        let rule_targets = reopen
            .rules
            .iter()
            .filter_map(|id| all_rules.iter().position(|r| r.id == *id))
            .flat_map(|i| [Target::Rule(i), Target::RuleException(i)]);
        let base_matcher = base_matcher.retired(lexicon_targets.chain(rule_targets).collect());
        // Compiled again over every file when they were parsed: the embedded entries keep their
        // numbers, the user's are appended, and the per-lexicon maps cover the user's lexicons.
        // Without dictionary entries of the user's, that is the embedded dictionary with maps
        // that cover the user's lexicons.
        let dictionary = if embedded.is_some() {
            Ok(base_dictionary.covering(lexicons.len()))
        } else {
            dictionary::compile(&parsed, &lexicons)
        };
        match dictionary {
            Ok(dictionary) => {
                all_rules.extend(rules);
                Ok(Self {
                    lexicon_needs: lexicon_needs(&all_rules, lexicons.len()),
                    sources: all,
                    rules: all_rules,
                    lexicons,
                    dictionary,
                    matcher: base_matcher.stacked(matcher),
                })
            }
            Err(errors) => Err((all, errors)),
        }
    }

    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    #[must_use]
    pub fn lexicon_id(&self, name: &str) -> Option<LexId> {
        self.lexicons.iter().position(|l| l.name == name)
    }

    /// How many strings of the phrase automaton occur in `text` (lower-cased), overlapping:
    /// the first pass of every check on its own, with nothing decided. The benchmark measures it
    /// as the floor under the engine's throughput.
    #[must_use]
    pub fn automaton_matches(&self, text: &str) -> usize {
        self.matcher.automaton_matches(text)
    }
}

type Built = (Vec<Rule>, Vec<Lexicon>, Matcher);

/// One embedded lexicon as the rulesets compiled on top of the embedded ones read it (see
/// [`RuleSet::compile_over`]): the regex `{name}` stands for in their patterns, and the exceptions
/// (phrases, patterns) that a rule pattern interpolating it inherits; each with its file and
/// span. The build script stores them, by lexicon id, next to the snapshot (see
/// [`lexicon_defs`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LexiconDef<'a> {
    source: usize,
    span: Range<usize>,
    #[serde(borrow)]
    regex: Option<Cow<'a, str>>,
    #[serde(borrow)]
    exceptions: Vec<(Range<usize>, Cow<'a, str>)>,
    #[serde(borrow)]
    exception_patterns: Vec<(Range<usize>, Cow<'a, str>)>,
}

/// The lexicons of the embedded rulesets `sources` as [`LexiconDef`]s, by id; `None` if they do
/// not compile.
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by the build script's compiler crate")
)]
pub(crate) fn lexicon_defs(sources: &[RulesetSource]) -> Option<Vec<LexiconDef<'static>>> {
    let mut files = parse(sources).ok()?;
    dictionary::add_lexicons(&mut files);
    let (ctx, _, lex_regex) = lexicons(&files, None);
    if !ctx.errors.is_empty() {
        return None;
    }
    let spanned = |list: &[Spanned<String>]| -> Vec<(Range<usize>, Cow<'static, str>)> {
        list.iter()
            .map(|s| (s.span(), Cow::Owned(s.get_ref().clone())))
            .collect()
    };
    let defs = ctx
        .raw_lex
        .iter()
        .zip(lex_regex)
        .map(|(&(source, lex), regex)| LexiconDef {
            source,
            span: lex.span(),
            regex: regex.map(Cow::Owned),
            exceptions: spanned(&lex.get_ref().exceptions),
            exception_patterns: spanned(&lex.get_ref().exception_patterns),
        })
        .collect();
    Some(defs)
}

/// The embedded rulesets as [`build`] reads them when their TOML is not parsed (see
/// [`RuleSet::compile_over`]): their files then stand empty in `build`'s list.
struct Embedded<'a> {
    /// Their lexicons, by id.
    lexicons: &'a [Lexicon],
    /// Each lexicon's file and a stand-in definition holding only its exceptions: its phrases
    /// and patterns are in `regex` (and in the precompiled matcher), and nothing else is read
    /// of an embedded lexicon when compiling on top.
    defs: Vec<(usize, Spanned<RawLexicon>)>,
    /// Each lexicon's regex, as [`lexicon_regex`] gave it.
    regex: Vec<Option<Cow<'a, str>>>,
    /// Their rules' ids, which must stay unique.
    rule_ids: Vec<&'a str>,
}

impl<'a> Embedded<'a> {
    fn new(lexicons: &'a [Lexicon], defs: Vec<LexiconDef<'a>>, rules: &'a [Rule]) -> Self {
        let spanned = |list: Vec<(Range<usize>, Cow<'_, str>)>| -> Vec<Spanned<String>> {
            list.into_iter()
                .map(|(span, s)| Spanned::new(span, s.into_owned()))
                .collect()
        };
        let mut regex = Vec::with_capacity(defs.len());
        let defs = defs
            .into_iter()
            .map(|d| {
                regex.push(d.regex);
                let lex = RawLexicon {
                    description: String::new(),
                    phrases: Vec::new(),
                    patterns: Vec::new(),
                    exceptions: spanned(d.exceptions),
                    exception_patterns: spanned(d.exception_patterns),
                    clause_bound: false,
                    sentence_wide: false,
                };
                (d.source, Spanned::new(d.span, lex))
            })
            .collect();
        Self {
            lexicons,
            defs,
            regex,
            rule_ids: rules.iter().map(|r| r.id.as_str()).collect(),
        }
    }
}

/// What the files from `own_from` change in the embedded rulesets (`files[..own_from]`), which
/// must then be compiled again with them (see [`RuleSet::compile_over`]).
#[derive(Debug, Default, PartialEq, Eq)]
struct Reopen {
    /// `any-treatment` when these files define treatments (their names join it), and every
    /// embedded lexicon whose patterns interpolate a changed one, by name.
    lexicons: Vec<String>,
    /// The embedded rules whose patterns interpolate a changed lexicon, by id.
    rules: Vec<String>,
}

fn reopened(files: &[RawRuleset], own_from: usize) -> Reopen {
    let (base, own) = files.split_at(own_from);
    if own.iter().all(|f| f.treatment.is_empty())
        || !base
            .iter()
            .any(|f| f.lexicon.contains_key(dictionary::ANY_TREATMENT))
    {
        return Reopen::default();
    }
    let mut changed = vec![dictionary::ANY_TREATMENT.to_string()];
    let uses = |patterns: &[Spanned<String>], changed: &[String]| {
        patterns.iter().any(|p| {
            changed
                .iter()
                .any(|name| p.get_ref().contains(&format!("{{{name}}}")))
        })
    };
    loop {
        let before = changed.len();
        for (name, lex) in base.iter().flat_map(|f| &f.lexicon) {
            let lex = lex.get_ref();
            if !changed.contains(name)
                && (uses(&lex.patterns, &changed) || uses(&lex.exception_patterns, &changed))
            {
                changed.push(name.clone());
            }
        }
        if changed.len() == before {
            break;
        }
    }
    let rules = base
        .iter()
        .flat_map(|f| &f.rule)
        .map(Spanned::get_ref)
        .filter(|r| uses(&r.patterns, &changed) || uses(&r.exception_patterns, &changed))
        .map(|r| r.id.get_ref().clone())
        .collect();
    Reopen {
        lexicons: changed,
        rules,
    }
}

/// Each source's TOML, or every file's syntax errors.
fn parse(sources: &[RulesetSource]) -> Result<Vec<RawRuleset>, Vec<RulesetError>> {
    let mut parsed = Vec::with_capacity(sources.len());
    let mut errors = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        match toml::from_str::<RawRuleset>(&s.text) {
            Ok(r) => parsed.push(r),
            Err(e) => errors.push(RulesetError {
                source: i,
                span: e.span(),
                message: toml_message(&e),
            }),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// See [`RuleSet::lexicon_needs`]. Interpolation into a pattern is not a use: the pattern's
/// regex holds the lexicon's phrases itself.
fn lexicon_needs(rules: &[Rule], lexicons: usize) -> Vec<Option<LexiconNeeds>> {
    let mut out: Vec<Option<LexiconNeeds>> = vec![Some(LexiconNeeds::default()); lexicons];
    for (idx, rule) in rules.iter().enumerate() {
        let caveat = rule.category == Category::MissingCaveat;
        let mut document: Vec<LexId> = rule.requires_document.clone();
        document.extend(&rule.trigger);
        let (mut disclosures, mut claims): (Vec<LexId>, Vec<LexId>) = (Vec::new(), Vec::new());
        if caveat {
            // A caveat rule's `unless` hands the whole document to other rules; its negators
            // deny a disclosure, so they matter where one could be.
            document.extend(&rule.unless);
            document.extend(&rule.requires);
            disclosures.extend(&rule.negated_by);
        } else if rule.judge.is_some() {
            // Read where the claim model binds a claim: the checker counts a judge rule as a
            // claim of every block whose hits could bind one.
            claims.extend(&rule.unless);
            claims.extend(&rule.negated_by);
        } else {
            if rule.unless_scope == Scope::Document {
                document.extend(&rule.unless);
            } else {
                claims.extend(&rule.unless);
            }
            claims.extend(&rule.negated_by);
            claims.extend(&rule.requires);
            claims.extend(&rule.sourced_by);
        }
        disclosures.extend(rule.present_if.iter().flatten());
        for l in document {
            out[l] = None;
        }
        for l in disclosures {
            if let Some(needs) = &mut out[l] {
                needs.disclosures.push(idx);
            }
        }
        for l in claims {
            if let Some(needs) = &mut out[l] {
                needs.claims.push(idx);
            }
        }
    }
    for entry in &mut out {
        if entry
            .as_ref()
            .is_some_and(|n| n.disclosures.is_empty() && n.claims.is_empty())
        {
            // Used by no rule at all: nothing to wait for.
            *entry = None;
        }
    }
    for needs in out.iter_mut().flatten() {
        needs.disclosures.dedup();
        needs.claims.dedup();
    }
    out
}

/// The lexicons of `embedded` (numbered first) and of `files`, and the regex alternation of
/// each (`None` where it refers to itself).
fn lexicons<'a>(
    files: &'a [RawRuleset],
    embedded: Option<&'a Embedded<'_>>,
) -> (Ctx<'a>, Vec<Lexicon>, Vec<Option<String>>) {
    let mut ctx = Ctx {
        errors: Vec::new(),
        lex_ids: BTreeMap::new(),
        raw_lex: Vec::new(),
        pattern_spans: Vec::new(),
    };
    let mut lexicons = Vec::new();
    let mut lex_regex: Vec<Option<String>> = Vec::new();
    if let Some(e) = embedded {
        for (id, (lexicon, (src, def))) in e.lexicons.iter().zip(&e.defs).enumerate() {
            ctx.lex_ids.insert(lexicon.name.clone(), id);
            ctx.raw_lex.push((*src, def));
            lexicons.push(lexicon.clone());
        }
        lex_regex = e
            .regex
            .iter()
            .map(|r| r.as_deref().map(String::from))
            .collect();
    }
    let known = lexicons.len();
    for (src, file) in files.iter().enumerate() {
        for (name, lex) in &file.lexicon {
            if ctx.lex_ids.contains_key(name) {
                ctx.err(
                    src,
                    lex.span(),
                    format!("lexicon `{name}` is defined twice"),
                );
                continue;
            }
            ctx.lex_ids.insert(name.clone(), lexicons.len());
            ctx.raw_lex.push((src, lex));
            lexicons.push(Lexicon {
                name: name.clone(),
                description: lex.get_ref().description.clone(),
                clause_bound: lex.get_ref().clause_bound,
                sentence_wide: lex.get_ref().sentence_wide,
            });
        }
    }
    // Before any pattern: patterns may interpolate lexicons.
    lex_regex.resize(lexicons.len(), None);
    for id in known..lexicons.len() {
        lexicon_regex(&mut ctx, id, &mut lex_regex, 0);
    }
    (ctx, lexicons, lex_regex)
}

/// Compiles the rules and lexicons of `files[own_from..]`; the files before them are already
/// compiled (their `base_rules` rules come first) and only lend their lexicons and their rule
/// ids (which must stay unique). The lexicons returned are all files'. With `validate`, every
/// pattern is compiled now. `reopen` (see [`reopened`]) names the embedded lexicons and rules
/// that the files from `own_from` change: their patterns are compiled again with these files,
/// and the treatment names of these files are added to `any-treatment`.
fn build(
    files: &[RawRuleset],
    own_from: usize,
    base_rules: usize,
    validate: bool,
    reopen: &Reopen,
    embedded: Option<&Embedded<'_>>,
) -> Result<Built, Vec<RulesetError>> {
    let (mut ctx, lexicons, lex_regex) = lexicons(files, embedded);
    let mut mb = MatcherBuilder::default();
    let mut pattern_trees = pattern_trees(&ctx, files, own_from, &lex_regex, embedded.is_some());
    add_lexicons(
        &mut ctx,
        &mut mb,
        &lexicons,
        own_from,
        &mut pattern_trees,
        &lex_regex,
    );
    add_reopened(
        &mut ctx,
        &mut mb,
        files,
        own_from,
        &reopen.lexicons,
        &mut pattern_trees,
        &lex_regex,
    );

    let mut rules: Vec<Rule> = Vec::new();
    let mut base_index = 0;
    let mut seen: HashSet<String> = embedded
        .iter()
        .flat_map(|e| &e.rule_ids)
        .map(|id| (*id).to_string())
        .collect();
    for (src, file) in files.iter().enumerate() {
        for raw in &file.rule {
            let r = raw.get_ref();
            let id = r.id.get_ref().clone();
            if !seen.insert(id.clone()) {
                ctx.err(src, r.id.span(), format!("rule id `{id}` is defined twice"));
                continue;
            }
            if src < own_from {
                if reopen.rules.contains(&id) {
                    let trees = &mut pattern_trees;
                    add_rule_patterns(&mut ctx, &mut mb, src, r, base_index, trees, &lex_regex);
                }
                base_index += 1;
                continue;
            }
            if !valid_id(&id) {
                ctx.err(
                    src,
                    r.id.span(),
                    format!("rule id `{id}` must be `group/name` in lower-case kebab-case"),
                );
            }
            let index = base_rules + rules.len();
            validate_kind(&mut ctx, src, raw.span(), r);
            add_phrases(&mut ctx, &mut mb, src, &r.phrases, Target::Rule(index));
            add_phrases(
                &mut ctx,
                &mut mb,
                src,
                &r.exceptions,
                Target::RuleException(index),
            );
            let trees = &mut pattern_trees;
            add_rule_patterns(&mut ctx, &mut mb, src, r, index, trees, &lex_regex);
            rules.push(resolved_rule(&mut ctx, src, raw, id));
        }
    }
    // Built even when other errors were found, so that regex errors are reported with them.
    let built = mb.build(validate && ctx.errors.is_empty());
    match built {
        Ok(m) if ctx.errors.is_empty() => Ok((rules, lexicons, m)),
        Ok(_) => Err(ctx.errors),
        Err(errors) => Err(with_pattern_errors(ctx, errors)),
    }
}

/// The patterns and exception patterns of rule `index` (`r`, from file `src`).
fn add_rule_patterns(
    ctx: &mut Ctx<'_>,
    mb: &mut MatcherBuilder,
    src: usize,
    r: &RawRule,
    index: usize,
    trees: &mut HashMap<&str, Option<Hir>>,
    lex_regex: &[Option<String>],
) {
    let (rule, exception) = (Target::Rule(index), Target::RuleException(index));
    add_patterns(ctx, mb, src, &r.patterns, rule, trees, lex_regex);
    add_patterns(
        ctx,
        mb,
        src,
        &r.exception_patterns,
        exception,
        trees,
        lex_regex,
    );
}

/// A rule's compiled form: its text as written, and its lexicon names resolved.
fn resolved_rule(ctx: &mut Ctx<'_>, src: usize, raw: &Spanned<RawRule>, id: String) -> Rule {
    let span = raw.span();
    let r = raw.get_ref();
    Rule {
        id,
        category: r.category,
        severity: r.severity,
        message: r.message.clone(),
        label: r.label.clone(),
        help: r.help.clone(),
        note: r.note.clone(),
        replacement: r.replacement.as_ref().map(|s| s.get_ref().clone()),
        applicability: r.applicability,
        caveat: r.caveat,
        negated_by: ctx.resolve(src, &r.negated_by),
        unless: ctx.resolve(src, &r.unless),
        unless_scope: r.unless_scope,
        requires: ctx.resolve(src, &r.requires),
        requires_document: ctx.resolve(src, &r.requires_document),
        trigger: ctx.resolve(src, &r.trigger),
        present_if: r.present_if.iter().map(|g| ctx.resolve(src, g)).collect(),
        min_triggers: r.min_triggers,
        sourced_by: ctx.resolve(src, &r.sourced_by),
        judge: r.judge,
        applies_if: r.applies_if,
        profiles: r.profiles.clone(),
        basis: r
            .basis
            .iter()
            .map(|b| Basis {
                jurisdiction: b.jurisdiction,
                cite: b.cite.clone(),
                verified: b.verified,
            })
            .collect(),
        profile_help: r
            .profile_help
            .iter()
            .map(|(p, h)| (*p, h.clone()))
            .collect(),
        examples: super::compile::Examples {
            flag: r.examples.flag.clone(),
            pass: r.examples.pass.clone(),
        },
        source: src,
        span,
    }
}

/// The errors of `ctx` and then the matcher's, each pattern's placed where it was written.
fn with_pattern_errors(ctx: Ctx<'_>, errors: Vec<(Option<usize>, String)>) -> Vec<RulesetError> {
    let Ctx {
        errors: mut out,
        pattern_spans,
        ..
    } = ctx;
    out.extend(errors.into_iter().map(|(pattern, message)| {
        let at = pattern.and_then(|n| pattern_spans.get(n).cloned());
        RulesetError {
            source: at.as_ref().map_or(0, |(src, _)| *src),
            span: at.map(|(_, span)| span),
            message: if pattern.is_some() {
                format!("invalid regex: {message}")
            } else {
                message
            },
        }
    }));
    out
}

/// Each pattern of `files[own_from..]` parsed into a syntax tree with its lexicons put in place
/// (see [`pattern_tree`]), by its text; and the exception patterns of every lexicon, as a rule
/// pattern that interpolates one brings them along (`on_top` of the stored embedded lexicons,
/// those of an embedded lexicon only if a rule pattern of these files interpolates it: nothing
/// else reads them then). Parsing patterns is most of compiling the rulesets, and they are
/// independent, so they are parsed side by side.
fn pattern_trees<'f>(
    ctx: &Ctx<'f>,
    files: &'f [RawRuleset],
    own_from: usize,
    lex_regex: &[Option<String>],
    on_top: bool,
) -> HashMap<&'f str, Option<Hir>> {
    let trees = LexiconTrees {
        lex_regex,
        trees: (0..lex_regex.len()).map(|_| OnceLock::new()).collect(),
    };
    let own = files.iter().skip(own_from).flat_map(|f| {
        f.lexicon
            .values()
            .flat_map(|l| &l.get_ref().patterns)
            .chain(f.rule.iter().flat_map(|r| {
                let r = r.get_ref();
                r.patterns.iter().chain(&r.exception_patterns)
            }))
    });
    let interpolated = |name: &str| {
        let name = format!("{{{name}}}");
        files[own_from..]
            .iter()
            .flat_map(|f| &f.rule)
            .flat_map(|r| &r.get_ref().patterns)
            .any(|p| p.get_ref().contains(&name))
    };
    let exceptions = ctx
        .lex_ids
        .iter()
        .map(|(name, &id)| (name, ctx.raw_lex[id]))
        .filter(|(name, (src, l))| {
            !l.get_ref().exception_patterns.is_empty()
                && (!on_top || *src >= own_from || interpolated(name))
        })
        .flat_map(|(_, (_, l))| &l.get_ref().exception_patterns);
    own.chain(exceptions)
        .map(|p| p.get_ref().as_str())
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|p| (p, pattern_tree(ctx, p, &trees)))
        .collect()
}

/// Adds the phrases and patterns of the lexicons of `files[own_from..]` to the matcher.
fn add_lexicons(
    ctx: &mut Ctx<'_>,
    mb: &mut MatcherBuilder,
    lexicons: &[Lexicon],
    own_from: usize,
    pattern_trees: &mut HashMap<&str, Option<Hir>>,
    lex_regex: &[Option<String>],
) {
    let raw_lex = std::mem::take(&mut ctx.raw_lex);
    for (id, (src, lex)) in raw_lex.iter().enumerate() {
        if *src < own_from {
            continue;
        }
        let lex = lex.get_ref();
        if lex.phrases.is_empty() && lex.patterns.is_empty() {
            ctx.err(
                *src,
                raw_lex[id].1.span(),
                format!("lexicon `{}` has no phrases or patterns", lexicons[id].name),
            );
        }
        add_phrases(ctx, mb, *src, &lex.phrases, Target::Lexicon(id));
        add_phrases(ctx, mb, *src, &lex.exceptions, Target::LexiconException(id));
        add_patterns(
            ctx,
            mb,
            *src,
            &lex.patterns,
            Target::Lexicon(id),
            pattern_trees,
            lex_regex,
        );
        add_patterns(
            ctx,
            mb,
            *src,
            &lex.exception_patterns,
            Target::LexiconException(id),
            pattern_trees,
            lex_regex,
        );
    }
    ctx.raw_lex = raw_lex;
}

/// Adds to the matcher what the files from `own_from` change in the embedded lexicons named in
/// `reopen`: their own treatment names as phrases of `any-treatment`, and the patterns of each
/// reopened lexicon, spelled out with the lexicons as they now are. (Reopened rules are added
/// by [`build`], which numbers the rules.)
fn add_reopened(
    ctx: &mut Ctx<'_>,
    mb: &mut MatcherBuilder,
    files: &[RawRuleset],
    own_from: usize,
    reopen: &[String],
    pattern_trees: &mut HashMap<&str, Option<Hir>>,
    lex_regex: &[Option<String>],
) {
    for name in reopen {
        let Some(&id) = ctx.lex_ids.get(name) else {
            continue;
        };
        if name == dictionary::ANY_TREATMENT {
            for (src, file) in files.iter().enumerate().skip(own_from) {
                for t in &file.treatment {
                    add_phrases(ctx, mb, src, &t.get_ref().names, Target::Lexicon(id));
                }
            }
        }
        let (src, lex) = ctx.raw_lex[id];
        let lex = lex.get_ref();
        add_patterns(
            ctx,
            mb,
            src,
            &lex.patterns,
            Target::Lexicon(id),
            pattern_trees,
            lex_regex,
        );
        add_patterns(
            ctx,
            mb,
            src,
            &lex.exception_patterns,
            Target::LexiconException(id),
            pattern_trees,
            lex_regex,
        );
    }
}

fn valid_id(id: &str) -> bool {
    let mut parts = id.split('/');
    let ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if ok(a) && ok(b))
}

fn validate_kind(ctx: &mut Ctx<'_>, src: usize, span: Range<usize>, r: &RawRule) {
    let caveat_fields = r.caveat.is_some() || !r.trigger.is_empty() || !r.present_if.is_empty();
    if r.category == Category::MissingCaveat {
        // A dictionary-driven caveat (`applies-if`) is triggered by the page's main treatment.
        if r.caveat.is_none()
            || (r.trigger.is_empty() && r.applies_if.is_none())
            || r.present_if.is_empty()
        {
            ctx.err(
                src,
                span.clone(),
                "a `missing-caveat` rule needs `caveat`, `trigger` and `present-if`",
            );
        }
        if !r.phrases.is_empty() || !r.patterns.is_empty() {
            ctx.err(
                src,
                span.clone(),
                "a `missing-caveat` rule matches through `trigger`, not `phrases` or `patterns`",
            );
        }
        if r.present_if.iter().any(Vec::is_empty) {
            ctx.err(
                src,
                span.clone(),
                "a `present-if` group must name at least one lexicon",
            );
        }
    } else {
        if caveat_fields {
            ctx.err(
                src,
                span.clone(),
                "`caveat`, `trigger` and `present-if` belong to `missing-caveat` rules",
            );
        }
        if r.judge.is_some() {
            if !r.phrases.is_empty() || !r.patterns.is_empty() {
                ctx.err(
                    src,
                    span.clone(),
                    "a `judge` rule is decided by the claim model, not by `phrases` or `patterns`",
                );
            }
        } else if r.phrases.is_empty() && r.patterns.is_empty() {
            ctx.err(
                src,
                span.clone(),
                "the rule has no `phrases` or `patterns`: it can never match",
            );
        }
    }
    if r.examples.flag.is_empty() {
        ctx.err(
            src,
            span,
            "every rule needs at least one `examples.flag` sentence",
        );
    }
}

fn add_phrases(
    ctx: &mut Ctx<'_>,
    mb: &mut MatcherBuilder,
    src: usize,
    phrases: &[Spanned<String>],
    target: Target,
) {
    for p in phrases {
        // Other spellings of the phrase match too (see `spelling`), unless the list has them.
        for v in super::spelling::variants(p.get_ref()) {
            if !phrases.iter().any(|q| *q.get_ref() == v)
                && let Some(spec) = phrase::spec(&v)
            {
                mb.phrase(spec, target);
            }
        }
        match phrase::spec(p.get_ref()) {
            Some(spec) => mb.phrase(spec, target),
            None => ctx.err(
                src,
                p.span(),
                format!(
                    "phrase {:?} can never match: nothing is left after normalisation",
                    p.get_ref()
                ),
            ),
        }
    }
}

fn add_patterns(
    ctx: &mut Ctx<'_>,
    mb: &mut MatcherBuilder,
    src: usize,
    patterns: &[Spanned<String>],
    target: Target,
    trees: &mut HashMap<&str, Option<Hir>>,
    lex_regex: &[Option<String>],
) {
    // Exception patterns of the lexicons these rule patterns interpolate, each lexicon once.
    let mut inherited = Vec::new();
    for p in patterns {
        // A pattern written twice is parsed from its text the second time.
        if let Some(hir) = trees.remove(p.get_ref().as_str()).flatten() {
            mb.pattern_tree(hir, target);
        } else {
            // Parsed from the spelled-out text, which also gives the error messages.
            match interpolate(ctx, p.get_ref(), lex_regex) {
                Ok(expanded) => mb.pattern(&expanded, target),
                Err(msg) => {
                    ctx.err(src, p.span(), msg);
                    continue;
                }
            }
        }
        ctx.pattern_spans.push((src, p.span()));
        // A rule pattern inherits the exceptions of the lexicons it interpolates, so that
        // "{unapproved-condition}" does not match inside "trauma-informed".
        if let Target::Rule(rule) = target {
            for (name, &id) in &ctx.lex_ids {
                if p.get_ref().contains(&format!("{{{name}}}")) {
                    let (lex_src, lex) = ctx.raw_lex[id];
                    for spec in lex
                        .get_ref()
                        .exceptions
                        .iter()
                        .filter_map(|e| phrase::spec(e.get_ref()))
                    {
                        mb.phrase(spec, Target::RuleException(rule));
                    }
                    if !inherited.iter().any(|(seen, _, _)| *seen == id) {
                        inherited.push((id, lex_src, &lex.get_ref().exception_patterns));
                    }
                }
            }
        }
    }
    if let Target::Rule(rule) = target {
        for (_, lex_src, patterns) in inherited {
            add_patterns(
                ctx,
                mb,
                lex_src,
                patterns,
                Target::RuleException(rule),
                trees,
                lex_regex,
            );
        }
    }
}

/// Replaces each `{lexicon}` in a pattern with a non-capturing alternation of that lexicon.
fn interpolate(
    ctx: &Ctx<'_>,
    pattern: &str,
    lex_regex: &[Option<String>],
) -> Result<String, String> {
    interpolate_with(ctx, pattern, &mut |id, name| {
        let alt = lex_regex[id].as_deref().ok_or_else(|| {
            format!("lexicon `{name}` cannot be used in a pattern (it refers to itself)")
        })?;
        Ok(format!("(?:{alt})"))
    })
}

/// Replaces each `{lexicon}` in a pattern with `with(id, name)`.
fn interpolate_with(
    ctx: &Ctx<'_>,
    pattern: &str,
    with: &mut dyn FnMut(LexId, &str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name = close.map(|c| &after[..c]);
        match name {
            Some(n)
                if n.starts_with(|c: char| c.is_ascii_lowercase())
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
            {
                let id = *ctx
                    .lex_ids
                    .get(n)
                    .ok_or_else(|| format!("unknown lexicon `{{{n}}}` in pattern"))?;
                out.push_str(&rest[..open]);
                out.push_str(&with(id, n)?);
                rest = &after[n.len() + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Each lexicon's syntax tree for [`interpolate::substitute`], parsed on first use (from any
/// thread); `None` inside when it does not parse on its own.
struct LexiconTrees<'a> {
    lex_regex: &'a [Option<String>],
    trees: Vec<OnceLock<Option<Hir>>>,
}

impl LexiconTrees<'_> {
    fn tree(&self, id: LexId) -> Option<Hir> {
        let lex_regex = self.lex_regex;
        self.trees
            .get(id)?
            .get_or_init(|| {
                let text = fast_classes(&format!("(?:{})", lex_regex[id].as_deref()?));
                let hir = regex_syntax::Parser::new().parse(&text).ok()?;
                interpolate::substitute(hir, &mut |_| None, &mut 0)
            })
            .clone()
    }
}

/// The syntax tree of `pattern` with its lexicons put in place (see [`super::interpolate`]), or
/// `None` where that could differ from parsing the spelled-out text, which the caller then does.
fn pattern_tree(ctx: &Ctx<'_>, pattern: &str, trees: &LexiconTrees<'_>) -> Option<Hir> {
    if interpolate::has_inline_flags(pattern) {
        return None;
    }
    let mut nth = 0;
    let skeleton = interpolate_with(ctx, pattern, &mut |id, _| {
        nth += 1;
        Ok(interpolate::placeholder(id, nth))
    })
    .ok()?;
    let hir = regex_syntax::Parser::new()
        .parse(&fast_classes(&skeleton))
        .ok()?;
    let mut replaced = 0;
    let hir = interpolate::substitute(hir, &mut |id| trees.tree(id), &mut replaced)?;
    // A `{lexicon}` inside a `[class]` is no group in the skeleton.
    (replaced == nth).then_some(hir)
}

/// The regex alternation of a lexicon's phrases and patterns, computed on first use so that
/// lexicons may interpolate other lexicons (to a small depth; a cycle is an error).
fn lexicon_regex(
    ctx: &mut Ctx<'_>,
    id: LexId,
    memo: &mut Vec<Option<String>>,
    depth: usize,
) -> Option<String> {
    if let Some(r) = &memo[id] {
        return Some(r.clone());
    }
    if depth > 4 {
        return None;
    }
    let (src, lex) = ctx.raw_lex[id];
    let lex = lex.get_ref();
    let mut alts: Vec<String> = lex
        .phrases
        .iter()
        .flat_map(|p| {
            let mut all = super::spelling::variants(p.get_ref());
            all.insert(0, p.get_ref().clone());
            all
        })
        .filter_map(|p| phrase::spec(&p))
        .map(|s| phrase::to_regex(&s))
        .collect();
    alts.dedup();
    for p in &lex.patterns {
        // Resolve nested lexicons before interpolating.
        let mut pending = Vec::new();
        for name in ctx.lex_ids.keys() {
            if p.get_ref().contains(&format!("{{{name}}}")) {
                pending.push(ctx.lex_ids[name]);
            }
        }
        for dep in pending {
            if dep == id || lexicon_regex(ctx, dep, memo, depth + 1).is_none() {
                ctx.err(
                    src,
                    p.span(),
                    "lexicon patterns refer to each other in a cycle",
                );
                return None;
            }
        }
        match interpolate(ctx, p.get_ref(), memo) {
            Ok(e) => alts.push(format!("(?:{e})")),
            Err(m) => {
                ctx.err(src, p.span(), m);
                return None;
            }
        }
    }
    let joined = alts.join("|");
    memo[id] = Some(joined.clone());
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `base` and `user` parsed, with the dictionary's lexicons added.
    fn with_user(base: &str, user: &str) -> Vec<RawRuleset> {
        let mut files: Vec<RawRuleset> = [base, user]
            .iter()
            .map(|text| toml::from_str(text).expect("ruleset"))
            .collect();
        dictionary::add_lexicons(&mut files);
        files
    }

    #[test]
    fn a_users_treatments_reopen_what_is_built_on_any_treatment() {
        let base = r#"
[[treatment]]
id = "ketamine"
name = "ketamine"
names = ["ketamine"]
kind = "drug"
clinic = true
[treatment.authorisation.us]
kind = "approved"
uses = ["anaesthesia"]
statement = "approved for anaesthesia"
basis = "made up"
[[condition]]
id = "anaesthesia"
group = "procedure"
names = ["anaesthesia"]
[[condition]]
id = "migraine"
group = "pain"
names = ["migraine"]
[lexicon.use-for]
patterns = ['{any-treatment} for']
[lexicon.built-on-use-for]
patterns = ['{use-for} migraine']
[lexicon.other]
patterns = ['calm \w+']
[[rule]]
id = "t/only"
category = "superiority"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
patterns = ['only {any-treatment} can']
examples.flag = ["only ketamine can"]
[[rule]]
id = "t/calm"
category = "hype"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
patterns = ['{other}']
examples.flag = ["calm words"]
"#;
        let treatment = r#"
[[treatment]]
id = "zorbex"
name = "Zorbex"
names = ["zorbex"]
kind = "drug"
clinic = false
[treatment.authorisation.us]
kind = "approved"
uses = ["migraine"]
statement = "approved for migraine"
basis = "made up"
"#;
        let files = with_user(base, treatment);
        let reopen = reopened(&files, 1);
        let mut lexicons = reopen.lexicons.clone();
        lexicons.sort();
        assert_eq!(lexicons, ["any-treatment", "built-on-use-for", "use-for"]);
        assert_eq!(reopen.rules, ["t/only"]);
        // Rules, lexicons and conditions of one's own change nothing embedded.
        let files = with_user(base, "[lexicon.mine]\nphrases = [\"calm\"]\n");
        assert_eq!(reopened(&files, 1), Reopen::default());

        // End to end: the user's name is matched by the embedded pattern's lexicon and rule.
        let mut sources: Vec<RulesetSource> = builtin::sources();
        sources.push(RulesetSource {
            name: "zorbex.toml".into(),
            text: treatment.replace("migraine", "anxiety"),
        });
        let rules = RuleSet::compile(sources).expect("compiles");
        let only = rules
            .rules
            .iter()
            .position(|r| r.id == "superiority/superlative")
            .expect("superlative rule");
        let scan = rules
            .matcher
            .scan_blocks(&["we think only zorbex can help"], &|_| Plan::Run);
        let found: Vec<_> = scan.hits[0]
            .iter()
            .filter(|h| h.target == Target::Rule(only))
            .map(|h| h.range.clone())
            .collect();
        assert_eq!(found, vec![Range { start: 9, end: 24 }]);
    }

    /// A user's ruleset compiled on top of the embedded ones from their stored lexicons
    /// compiles as it does with their TOML parsed again: the same rule set (rules, lexicons,
    /// dictionary, matchers), or the same errors at the same places.
    #[test]
    fn stored_embedded_lexicons_compile_as_their_toml() {
        const RULE: &str = r#"
category = "hype"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
examples.flag = ["No more waiting for relief."]
"#;
        let cases = [
            // Phrases only, an embedded lexicon as a qualifier.
            format!(
                "[[rule]]\nid = \"mine/phrase\"\nphrases = [\"more waiting\"]\n\
                 unless = [\"epistemic\"]\n{RULE}"
            ),
            // Patterns interpolating embedded lexicons with exceptions (`negation`) and
            // exception patterns (`question`), and a lexicon of the user's built on one.
            format!(
                "[lexicon.mine]\npatterns = ['{{epistemic}} end']\n\
                 [[rule]]\nid = \"mine/pattern\"\n\
                 patterns = ['{{negation}} \\w+ waiting', 'waiting{{question}}', '{{mine}}']\n\
                 exception-patterns = ['{{risk-cue}} \\w+']\n{RULE}"
            ),
            // Errors: an embedded rule id and lexicon name taken again, an unknown lexicon, a
            // regex that does not parse.
            format!(
                "[lexicon.negation]\nphrases = [\"nope\"]\n\
                 [[rule]]\nid = \"hype/breakthrough\"\npatterns = ['{{nowhere}} (']\n{RULE}"
            ),
            format!("[[rule]]\nid = \"mine/bad\"\npatterns = ['(unclosed']\n{RULE}"),
            "[[rule]\nid = 1".to_string(),
        ];
        let compile = |text: &str, defs: fn() -> Option<Vec<LexiconDef<'static>>>| {
            let base = builtin::precompiled(builtin::sources()).expect("the snapshot loads");
            let user = RulesetSource {
                name: "user.toml".into(),
                text: text.into(),
            };
            RuleSet::compile_over_with(base, vec![user], defs)
        };
        assert!(
            builtin::lexicon_defs().is_some(),
            "the stored lexicons load"
        );
        let mut compiled = 0;
        for case in &cases {
            match (compile(case, builtin::lexicon_defs), compile(case, || None)) {
                (Ok(stored), Ok(parsed)) => {
                    assert_eq!(format!("{stored:?}"), format!("{parsed:?}"), "{case}");
                    compiled += 1;
                }
                (Err((_, stored)), Err((_, parsed))) => assert_eq!(stored, parsed, "{case}"),
                (a, b) => panic!("{case}: {:?} / {:?}", a.err(), b.err()),
            }
        }
        assert_eq!(compiled, 2);
    }

    #[test]
    fn embedded_patterns_built_as_trees_equal_their_spelled_out_parse() {
        let mut files: Vec<RawRuleset> = builtin::sources()
            .iter()
            .map(|s| toml::from_str(&s.text).expect("embedded ruleset"))
            .collect();
        dictionary::add_lexicons(&mut files);
        let (ctx, _, lex_regex) = lexicons(&files, None);
        let trees = LexiconTrees {
            lex_regex: &lex_regex,
            trees: (0..lex_regex.len()).map(|_| OnceLock::new()).collect(),
        };
        let patterns = files.iter().flat_map(|f| {
            f.rule
                .iter()
                .flat_map(|r| &r.get_ref().patterns)
                .chain(f.lexicon.values().flat_map(|l| &l.get_ref().patterns))
        });
        let mut with_lexicons = 0;
        for p in patterns {
            let p = p.get_ref();
            let tree = pattern_tree(&ctx, p, &trees).expect("built as a tree");
            let text = fast_classes(&interpolate(&ctx, p, &lex_regex).expect("interpolates"));
            let parsed = regex_syntax::Parser::new().parse(&text).expect("parses");
            let spelled = interpolate::substitute(parsed, &mut |_| None, &mut 0).expect("tree");
            assert!(tree == spelled, "{p}");
            with_lexicons += usize::from(p.contains('{'));
        }
        assert!(with_lexicons > 20, "{with_lexicons}");
    }

    /// Patterns built as trees (a lexicon under `?`, inside a group) and patterns that fall back
    /// to the spelled-out text (inline flags, a lexicon inside a class) match the same.
    #[test]
    fn user_patterns_match_on_both_paths() {
        let ruleset = r#"
[lexicon.drug]
phrases = ["zorblax", "quinotrine"]

[[rule]]
id = "hype/tree"
category = "hype"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
patterns = ['(new )?({drug} )?cures \w+']
examples.flag = ["zorblax cures it"]

[[rule]]
id = "hype/flags"
category = "hype"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
patterns = ['(?x) {drug} \s+ heals']
examples.flag = ["quinotrine heals"]
"#;
        let rules = RuleSet::compile(vec![RulesetSource {
            name: "user.toml".into(),
            text: ruleset.into(),
        }])
        .expect("compiles");
        let found = |text: &str| -> Vec<(String, String)> {
            crate::check::check(&rules, crate::extract::Format::Text, text)
                .iter()
                .map(|f| {
                    (
                        rules.rules[f.rule].id.clone(),
                        text[f.span.clone()].to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(
            found("A new Quinotrine cures pain."),
            [("hype/tree".into(), "new Quinotrine cures pain".into())]
        );
        assert_eq!(
            found("Zorblax heals."),
            [("hype/flags".into(), "Zorblax heals".into())]
        );
        // The lexicon is optional there.
        assert_eq!(
            found("It cures pain."),
            [("hype/tree".into(), "cures pain".into())]
        );
        assert_eq!(found("Quinotrine treats pain."), []);
    }
}
