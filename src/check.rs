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
//!
//! A document is decided block by block as its extractor produces them ([`Checker`]), keeping
//! only document-level facts between chunks, so memory does not grow with the file's prose.

use crate::claim::{self, Claim, Predicate, Subject, Words};
use crate::document::{Block, BlockKind};
use crate::extract::{self, Extracted, Format};
use crate::rules::compile::Lexicon;
use crate::rules::dictionary::{ConditionId, TreatmentId};
use crate::rules::matcher::{Hit, Plan, Target};
use crate::rules::{AppliesIf, AuthKind, Category, Judge, LexId, Profile, Rule, RuleSet, Scope};
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
    /// What the finding is about: the treatment (the claim's subject or the page's main one) and,
    /// for a judged claim, the condition.
    pub about: Option<About>,
    /// The jurisdiction it was judged under: its text and basis render for that one.
    pub profile: Profile,
}

/// The treatment (and condition) a finding speaks of, for its message, help and JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct About {
    pub treatment: TreatmentId,
    /// The condition judged and where the page names it (source bytes).
    pub condition: Option<(ConditionId, Range<usize>)>,
    /// The predicate as the page words it (source bytes).
    pub predicate: Option<Range<usize>>,
    /// A claim the claim model judged (JSON reports it as `claim`).
    pub judged: bool,
}

/// A claim bound in the document, its ranges in source bytes, waiting for the page's main
/// treatment to be known.
struct PendingClaim {
    claim: Claim,
    context: Range<usize>,
}

/// Bytes of prose scanned in one pass, and held before a streamed chunk is decided (see
/// [`Checker`]).
const SCAN_CHUNK: usize = 1 << 20;

/// Most words a negator may stand before the claim it governs ("not a proven miracle").
const NEGATION_WINDOW_WORDS: usize = 3;

/// A rule hit inside the block being decided.
struct Located {
    sentence: usize,
    range: Range<usize>,
    from_pattern: bool,
}

/// The lexicon hits of one sentence.
type SentenceHits = Vec<(LexId, Range<usize>)>;

/// The lexicons of the language's own words (`rulesets/language.toml`), read by name: where a
/// clause breaks, and what stops a negator reaching the word after it. Either may be missing
/// (rulesets loaded without the embedded ones); punctuation still breaks clauses then.
#[derive(Clone, Copy)]
struct LanguageWords {
    clause_break: Option<LexId>,
    negation_stop: Option<LexId>,
}

impl LanguageWords {
    fn of(rules: &RuleSet) -> Self {
        Self {
            clause_break: rules.lexicon_id("clause-break"),
            negation_stop: rules.lexicon_id("negation-stop"),
        }
    }
}

/// One block's scan results, alive only while the block is decided.
struct BlockScan<'a> {
    block: &'a Block,
    language: LanguageWords,
    sentences: Vec<Range<usize>>,
    /// Lexicon hits per sentence (after lexicon exceptions).
    lex_hits: Vec<SentenceHits>,
    /// Exception hits of rules, sorted by start: (rule, range).
    rule_exceptions: Vec<(usize, Range<usize>)>,
}

/// Where a lexicon first occurs in the document.
struct FirstHit {
    /// Reading order: the block's sequence number, then the offset in it.
    order: (usize, usize),
    /// In the document's own blocks rather than a shared footer.
    own: bool,
    span: Range<usize>,
    context: Range<usize>,
}

/// The section heading or lead-in ("Side effects", "Risks include:") the current block sits under,
/// kept for the caveat rules: a sentence in that section reads with it.
struct Heading {
    lower: String,
    lex_hits: Vec<SentenceHits>,
    /// Which lexicons occur in it.
    present: Vec<bool>,
    /// It presents the list under it as uses ("Conditions we treat:"), of the treatment it
    /// names or the page's.
    uses_of: Option<Subject>,
}

/// Checks one document block by block, in reading order, keeping only document-level facts
/// between blocks: which lexicons occurred (first place, count), which caveats are disclosed,
/// the current section heading, and the candidate findings. Blocks can therefore be fed as an
/// extractor produces them and dropped once decided, so a large file needs memory for itself and
/// a chunk of prose, not for all its prose and matches at once.
pub struct Checker<'r> {
    rules: &'r RuleSet,
    enabled: &'r dyn Fn(usize) -> bool,
    language: LanguageWords,
    /// Rule findings that passed every sentence-level test; the document-level ones
    /// (`requires-document`, document-scope qualifiers) are applied by `finish`.
    candidates: Vec<Finding>,
    first_lex: Vec<Option<FirstHit>>,
    /// Hits of each lexicon in the document's own blocks (not a shared footer).
    lex_count: Vec<usize>,
    /// For each rule, whether a sentence disclosing its caveat has been seen.
    disclosed: Vec<bool>,
    heading: Option<Heading>,
    /// Blocks decided so far.
    seq: usize,
    /// Blocks fed but not yet decided, and their size in bytes.
    pending: Vec<Block>,
    pending_bytes: usize,
    words: Words,
    /// Claims bound so far, judged when the page's main treatment is known.
    claims: Vec<PendingClaim>,
    /// What a shared footer names (issue 22), so that it discloses only the caveats of a
    /// treatment it names itself; `None`: it counts for every caveat.
    footer_names: Option<FooterNames<'r>>,
    /// The page's main treatment as its own blocks leave it, for the footer's blocks.
    footer_main: Option<TreatmentId>,
    /// The jurisdiction judged (issue 25): authorisations, and which rules apply.
    profile: Profile,
}

/// What a shared footer names: by lexicon, and, for a caveat rule with triggers, whether one of
/// them is among those (by rule index).
#[derive(Debug, Clone, Copy)]
pub struct FooterNames<'r> {
    pub lexicons: &'r [bool],
    pub trigger_rules: &'r [bool],
}

impl<'r> Checker<'r> {
    #[must_use]
    pub fn new(rules: &'r RuleSet, enabled: &'r dyn Fn(usize) -> bool) -> Self {
        Self {
            rules,
            enabled,
            language: LanguageWords::of(rules),
            candidates: Vec::new(),
            first_lex: (0..rules.lexicons.len()).map(|_| None).collect(),
            lex_count: vec![0; rules.lexicons.len()],
            disclosed: vec![false; rules.rules.len()],
            heading: None,
            seq: 0,
            pending: Vec::new(),
            pending_bytes: 0,
            words: Words::new(&rules.lexicons, &rules.rules),
            claims: Vec::new(),
            footer_names: None,
            footer_main: None,
            profile: Profile::default(),
        }
    }

    /// Judges the document under `profile` (the default is [`Profile::Us`]).
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Whether rule `idx` reports: selected, and applying under the profile.
    fn on(&self, idx: usize) -> bool {
        (self.enabled)(idx) && self.rules.rules[idx].applies_in(self.profile)
    }

    /// Restricts the caveats the shared footer given to [`Checker::finish`] may disclose to those
    /// of a treatment it names: a dictionary-driven caveat (`applies-if`) counts when the footer
    /// names the page's main treatment, a trigger-driven one when it names one of its triggers.
    pub fn footer_counts(&mut self, names: FooterNames<'r>) {
        self.footer_names = Some(names);
    }

    /// Whether the shared footer may disclose caveat rule `idx` (see [`Checker::footer_counts`]).
    fn footer_counts_for(&self, idx: usize, rule: &Rule) -> bool {
        let Some(names) = self.footer_names else {
            return true;
        };
        if rule.applies_if.is_some() {
            self.footer_main.is_some_and(|t| {
                self.treatment_lexicons(t)
                    .any(|l| names.lexicons.get(l) == Some(&true))
            })
        } else {
            names.trigger_rules.get(idx) == Some(&true)
        }
    }

    /// The lexicons that name treatment `t` on a page: its own, and its plain form's when `t` is
    /// a compounded form.
    fn treatment_lexicons(&self, t: TreatmentId) -> impl Iterator<Item = LexId> + '_ {
        let dict = &self.rules.dictionary;
        let treatment = dict.treatment(t);
        dict.treatments
            .iter()
            .filter(move |x| x.id == treatment.id || x.compounded_form == Some(t))
            .map(|x| x.lexicon)
    }

    /// Takes the document's next block; blocks are decided a chunk at a time.
    pub fn feed(&mut self, block: Block) {
        self.pending_bytes += block.lower.len();
        self.pending.push(block);
        if self.pending_bytes >= SCAN_CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let mut blocks = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        self.blocks(&blocks, true);
        // The next chunk reuses the vector's room.
        blocks.clear();
        self.pending = blocks;
    }

    /// Decides `blocks` (in reading order), the document's own (`own`) or a shared footer's.
    fn blocks(&mut self, blocks: &[Block], own: bool) {
        let mut start = 0;
        while start < blocks.len() {
            // One search per pattern over a chunk of blocks: raw hits are many and short-lived,
            // so the chunk bounds their memory while keeping the searches few.
            let mut end = start;
            let mut len = 0;
            while end < blocks.len()
                && (end == start || len + blocks[end].lower.len() <= SCAN_CHUNK)
            {
                len += blocks[end].lower.len();
                end += 1;
            }
            let texts: Vec<&str> = blocks[start..end]
                .iter()
                .map(|b| b.lower.as_str())
                .collect();
            // The patterns of a lexicon that matters only inside a block (long "talk to your
            // doctor" or "results vary" shapes, whose anchors are in most blocks of clinic copy)
            // wait for their block's turn, and run only if a claim there reads the lexicon or a
            // caveat it could disclose is still open — usually the first few blocks.
            let plan = |t: Target| match t {
                Target::Lexicon(l) => self.rules.lexicon_needs[l]
                    .as_ref()
                    .map_or(Plan::Run, |needs| needs.plan(&self.disclosed)),
                _ => Plan::Run,
            };
            let scan = self.rules.matcher.scan_blocks(&texts, &plan);
            for ((block, mut hits), deferred) in
                blocks[start..end].iter().zip(scan.hits).zip(scan.deferred)
            {
                if !deferred.is_empty() {
                    let mut claims: Vec<usize> = hits
                        .iter()
                        .filter_map(|h| match h.target {
                            Target::Rule(r) => Some(r),
                            _ => None,
                        })
                        .collect();
                    // The claim model's qualifiers are wanted where a claim could bind.
                    let found = hits.iter().filter_map(|h| match h.target {
                        Target::Lexicon(l) => Some(l),
                        _ => None,
                    });
                    if self.words.wanted(found, &self.rules.dictionary, true) {
                        claims.extend(
                            self.rules
                                .rules
                                .iter()
                                .enumerate()
                                .filter(|(_, r)| r.judge.is_some())
                                .map(|(i, _)| i),
                        );
                    }
                    let wanted = |t: Target| match t {
                        Target::Lexicon(l) => self.rules.lexicon_needs[l]
                            .as_ref()
                            .is_none_or(|needs| needs.wanted(&self.disclosed, &claims)),
                        _ => true,
                    };
                    self.rules
                        .matcher
                        .run_deferred(&deferred, &block.lower, &wanted, &mut hits);
                }
                self.block(block, &hits, own);
            }
            start = end;
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the decision step is being reshaped around claims; split with that change"
    )]
    fn block(&mut self, block: &Block, hits: &[Hit], own: bool) {
        self.seq += 1;
        let heading_like = is_heading_like(block);
        if hits.is_empty() {
            // Findings are rare: most blocks need no segmentation at all.
            if heading_like {
                self.heading = None;
            }
            return;
        }
        let lex_exceptions: Vec<(Target, Range<usize>)> = hits
            .iter()
            .filter(|h| matches!(h.target, Target::LexiconException(_)))
            .map(|h| (h.target, h.range.clone()))
            .collect();
        let cancelled = |h: &Hit, l: LexId| {
            any_overlapping(&lex_exceptions, &h.range, |t| {
                *t == Target::LexiconException(l)
            })
        };
        // Sentences matter only around a rule hit, for a lexicon's first place, in a heading, and
        // where a caveat could be disclosed. Any other block (most of a long page: lexicon words
        // such as "may" or "doctor" and nothing else) only adds to the lexicon counts.
        let mut present = vec![false; self.rules.lexicons.len()];
        let mut needs_sentences = heading_like;
        for h in hits {
            match h.target {
                Target::Rule(_) => needs_sentences = true,
                Target::Lexicon(l) if !cancelled(h, l) => {
                    present[l] = true;
                    needs_sentences |= self.first_lex[l].is_none();
                }
                _ => {}
            }
        }
        let list_like = self.heading.as_ref().is_some_and(|h| h.uses_of.is_some())
            && matches!(block.kind, BlockKind::ListItem | BlockKind::TableCell);
        needs_sentences |= own
            && self.words.wanted(
                hits.iter().filter_map(|h| match h.target {
                    Target::Lexicon(l) if !cancelled(h, l) => Some(l),
                    _ => None,
                }),
                &self.rules.dictionary,
                list_like || heading_like,
            );
        if !needs_sentences && !self.could_disclose(&present) {
            if own {
                for h in hits {
                    if let Target::Lexicon(l) = h.target
                        && !block.lower[h.range.start..].starts_with(' ')
                        && !cancelled(h, l)
                    {
                        self.lex_count[l] += 1;
                    }
                }
            }
            return;
        }
        let sentences = segment::sentences(block);
        let mut scan = BlockScan {
            block,
            language: self.language,
            lex_hits: vec![Vec::new(); sentences.len()],
            rule_exceptions: Vec::new(),
            sentences,
        };
        let mut rule_hits = Vec::new();
        for h in hits {
            let Some(si) = sentence_of(&scan.sentences, &h.range) else {
                continue;
            };
            match h.target {
                Target::Lexicon(l) => {
                    if cancelled(h, l) {
                        continue;
                    }
                    scan.lex_hits[si].push((l, h.range.clone()));
                    if own {
                        self.lex_count[l] += 1;
                    }
                    if self.first_lex[l].is_none() {
                        self.first_lex[l] = Some(FirstHit {
                            order: (self.seq, h.range.start),
                            own,
                            span: block.source_range(h.range.clone()),
                            context: block.source_range(scan.sentences[si].clone()),
                        });
                    }
                }
                Target::Rule(r) => rule_hits.push((
                    r,
                    Located {
                        sentence: si,
                        range: h.range.clone(),
                        from_pattern: h.from_pattern,
                    },
                )),
                Target::RuleException(r) => scan.rule_exceptions.push((r, h.range.clone())),
                Target::LexiconException(_) => {}
            }
        }
        if own {
            for (rule_idx, loc) in &rule_hits {
                let rule = &self.rules.rules[*rule_idx];
                if self.on(*rule_idx) && keep(&self.rules.lexicons, rule, *rule_idx, loc, &scan) {
                    self.candidates.push(Finding {
                        rule: *rule_idx,
                        span: block.source_range(loc.range.clone()),
                        context: block.source_range(scan.sentences[loc.sentence].clone()),
                        about: None,
                        profile: self.profile,
                    });
                }
            }
        }
        if own {
            self.bind_claims(&scan, list_like);
        }
        let heading = if heading_like {
            None
        } else {
            self.heading.as_ref()
        };
        for (idx, rule) in self.rules.rules.iter().enumerate() {
            if rule.category == Category::MissingCaveat
                && !self.disclosed[idx]
                && (own || self.footer_counts_for(idx, rule))
                && discloses(rule, &scan, heading)
            {
                self.disclosed[idx] = true;
            }
        }
        if heading_like {
            let mut present = vec![false; self.rules.lexicons.len()];
            for (l, _) in scan.lex_hits.iter().flatten() {
                present[*l] = true;
            }
            let uses_of = self.uses_heading(&scan.lex_hits, &present);
            self.heading = Some(Heading {
                lower: block.lower.clone(),
                lex_hits: scan.lex_hits,
                present,
                uses_of,
            });
        }
    }

    /// Whether a block holding the lexicons in `present` might disclose a caveat not disclosed
    /// yet: some `present-if` group has all its lexicons in the block or its section heading.
    /// Whether a heading presents what follows as uses, and of which treatment.
    fn uses_heading(&self, hits: &[SentenceHits], present: &[bool]) -> Option<Subject> {
        let w = &self.words;
        let cue = [w.indication_heading, w.benefit]
            .iter()
            .flatten()
            .any(|&l| present[l]);
        if !cue {
            return None;
        }
        let dict = &self.rules.dictionary;
        Some(
            hits.iter()
                .flatten()
                .find_map(|(l, _)| dict.treatment_of(*l))
                .map_or(Subject::Page, Subject::Named),
        )
    }

    /// Binds the claims of a block's sentences (see [`claim::bind`]).
    fn bind_claims(&mut self, scan: &BlockScan<'_>, list_like: bool) {
        let list_context = if list_like {
            self.heading.as_ref().and_then(|h| h.uses_of)
        } else {
            None
        };
        for (si, range) in scan.sentences.iter().enumerate() {
            // No real sentence is this long: a page without full stops would make binding
            // quadratic in its hits for nothing.
            if range.len() > claim::MAX_SENTENCE_BYTES
                || !self.words.wanted(
                    scan.lex_hits[si].iter().map(|(l, _)| *l),
                    &self.rules.dictionary,
                    list_context.is_some(),
                )
            {
                continue;
            }
            let sentence = claim::Sentence {
                text: &scan.block.lower,
                range: range.clone(),
                hits: &scan.lex_hits[si],
                heading: is_heading_like(scan.block),
            };
            let claims = claim::bind(
                &sentence,
                &self.words,
                &self.rules.lexicons,
                &self.rules.dictionary,
                list_context,
            );
            for mut c in claims {
                let src = |r: &Range<usize>| scan.block.source_range(r.clone());
                c.predicate_range = src(&c.predicate_range);
                for (_, r) in &mut c.objects {
                    *r = src(r);
                }
                self.claims.push(PendingClaim {
                    claim: c,
                    context: src(range),
                });
            }
        }
    }

    fn could_disclose(&self, present: &[bool]) -> bool {
        let heading = self.heading.as_ref();
        self.rules.rules.iter().enumerate().any(|(idx, rule)| {
            rule.category == Category::MissingCaveat
                && !self.disclosed[idx]
                && rule.present_if.iter().any(|group| {
                    group
                        .iter()
                        .all(|&l| present[l] || heading.is_some_and(|h| h.present[l]))
                })
        })
    }

    /// Ends the document — followed by a shared `footer` (see [`check_with_footer`]), if any —
    /// and returns its findings, sorted by position, then rule.
    #[must_use]
    pub fn finish(mut self, footer: &[Block]) -> Vec<Finding> {
        self.flush();
        // The footer's blocks need the page's treatment; footer mentions never choose it.
        self.footer_main = self.main_treatment();
        self.blocks(footer, false);
        let rules = self.rules;
        let first_lex = &self.first_lex;
        let mut findings = std::mem::take(&mut self.candidates);
        findings.retain(|f| {
            let rule = &rules.rules[f.rule];
            rule.requires_document
                .iter()
                .all(|&l| first_lex[l].is_some())
                && !(rule.unless_scope == Scope::Document
                    && rule.unless.iter().any(|&l| first_lex[l].is_some()))
        });
        let main = self.main_treatment();
        let (judged, gap) = self.judge_claims(main);
        findings.extend(judged);
        findings.extend(self.advertising(main));
        findings.extend(self.missing_caveats(main, gap));
        if let Some(t) = main {
            for f in &mut findings {
                f.about.get_or_insert(About {
                    treatment: t,
                    condition: None,
                    predicate: None,
                    judged: false,
                });
            }
        }
        dedupe(rules, &mut findings);
        findings
    }

    /// The treatment the page is about: the one its own prose names most (the first named, on
    /// a tie), as the compounded form when the page speaks of compounding.
    fn main_treatment(&self) -> Option<TreatmentId> {
        let dict = &self.rules.dictionary;
        let best = dict
            .treatments
            .iter()
            .enumerate()
            .filter(|(_, t)| self.lex_count[t.lexicon] > 0)
            .max_by_key(|(_, t)| {
                let first = self.first_lex[t.lexicon]
                    .as_ref()
                    .map_or((usize::MAX, 0), |f| f.order);
                (self.lex_count[t.lexicon], std::cmp::Reverse(first))
            })
            .and_then(|(i, _)| TreatmentId::try_from(i).ok())?;
        Some(self.as_sold(best, true))
    }

    /// `t`, or its compounded form when the page shows it sells that: by the treatment's own
    /// cues (a vial of a GLP-1 drug) or, for the page's main treatment (`page`), by any talk of
    /// compounding. A sentence that names the treatment keeps it ("ketamine is approved as an
    /// anaesthetic" on a page that also mentions compounded troches).
    fn as_sold(&self, t: TreatmentId, page: bool) -> TreatmentId {
        let treatment = self.rules.dictionary.treatment(t);
        let seen = |l: Option<LexId>| l.is_some_and(|l| self.first_lex[l].is_some());
        let compounding = (page && seen(self.words.compounding)) || seen(treatment.compounded_cues);
        match treatment.compounded_form {
            Some(c) if compounding => c,
            _ => t,
        }
    }

    /// The findings of the claims bound on the page, and whether the page claims a use outside
    /// its main treatment's authorisation (or that treatment has none): the approval-scope gap.
    fn judge_claims(&self, main: Option<TreatmentId>) -> (Vec<Finding>, bool) {
        let rules = self.rules;
        let dict = &rules.dictionary;
        let j = self.profile.as_str();
        let rule_of = |judge: Judge| {
            rules
                .rules
                .iter()
                .position(|r| r.judge == Some(judge))
                .filter(|&i| self.on(i))
        };
        let mut gap = main.is_some_and(|t| {
            dict.authorisation(t, j)
                .is_none_or(|a| matches!(a.kind, AuthKind::None | AuthKind::Prohibited))
        });
        let mut scope_stated = false;
        let mut out = Vec::new();
        for pending in &self.claims {
            let c = &pending.claim;
            let t = match c.subject {
                Subject::Named(t) => self.as_sold(t, false),
                Subject::Page => match main {
                    Some(t) => t,
                    None => continue,
                },
            };
            // A correct approval statement with its scope ("approved for adults with
            // treatment-resistant depression") states the approval scope.
            if main == Some(t) && claim::states_scope(c, t, dict, j) {
                scope_stated = true;
            }
            // A benefit, or an approval statement, for a use outside the authorisation leaves
            // the reader to learn the scope; conditions that only say who qualifies do not.
            let scoped = match c.predicate {
                Predicate::Benefit => true,
                Predicate::Approval(_) => !c.qualified,
                Predicate::Designation(_) => false,
            };
            if main == Some(t)
                && scoped
                && c.objects.iter().enumerate().any(|(i, (o, _))| {
                    let who = c.predicate != Predicate::Benefit && c.population.contains(o);
                    !(dict.approval_covered(t, *o, j) || claim::narrowed(c, i, dict) || who)
                })
            {
                gap = true;
            }
            // No entry for the jurisdiction: its status there is unknown, so not judged.
            if c.qualified || dict.authorisation(t, j).is_none() {
                continue;
            }
            let Some((judge, object)) = claim::judge(c, t, dict, j) else {
                continue;
            };
            let Some(rule) = rule_of(judge) else {
                continue;
            };
            let last = claim::last_breach(c, t, dict, j);
            let end = c
                .objects
                .get(last)
                .filter(|_| object.is_some())
                .map_or(c.predicate_range.end, |(_, r)| {
                    r.end.max(c.predicate_range.end)
                });
            out.push(Finding {
                rule,
                span: c.predicate_range.start..end,
                context: pending.context.clone(),
                about: Some(About {
                    treatment: t,
                    condition: object.and_then(|i| c.objects.get(i).cloned()),
                    predicate: Some(c.predicate_range.clone()),
                    judged: true,
                }),
                profile: self.profile,
            });
        }
        (out, gap && !scope_stated)
    }

    /// Advertising the profile's law bars however it is worded (issue 25): a prescription-only
    /// medicine named to the public (at its first mention; in Canada, where a public ad may give
    /// only name, price and quantity, at its first claim), and a benefit claimed for a condition
    /// the profile restricts (Canada's Schedule A.1, Australia's restricted representations).
    fn advertising(&self, main: Option<TreatmentId>) -> Vec<Finding> {
        let rules = self.rules;
        let dict = &rules.dictionary;
        let j = self.profile.as_str();
        let rule_of = |judge: Judge| {
            (0..rules.rules.len()).find(|&i| rules.rules[i].judge == Some(judge) && self.on(i))
        };
        let mut out = Vec::new();
        let about = |t, condition| About {
            treatment: t,
            condition,
            predicate: None,
            judged: true,
        };
        if let Some(rule) = rule_of(Judge::PrescriptionOnly) {
            for (i, t) in dict.treatments.iter().enumerate() {
                let Ok(id) = TreatmentId::try_from(i) else {
                    break;
                };
                let Some(auth) = dict.authorisation(id, j).filter(|a| a.prescription_only) else {
                    continue;
                };
                let at = if auth.name_price_quantity {
                    self.claims
                        .iter()
                        .find(|p| {
                            !p.claim.objects.is_empty()
                                && match p.claim.subject {
                                    Subject::Named(s) => s == id,
                                    Subject::Page => main == Some(id),
                                }
                        })
                        .map(|p| (p.claim.predicate_range.clone(), p.context.clone()))
                } else {
                    self.first_lex[t.lexicon]
                        .as_ref()
                        .filter(|f| f.own)
                        .map(|f| (f.span.clone(), f.context.clone()))
                };
                if let Some((span, context)) = at {
                    out.push(Finding {
                        rule,
                        span,
                        context,
                        about: Some(about(id, None)),
                        profile: self.profile,
                    });
                }
            }
        }
        let restricted = rules.profile(self.profile).map(|p| &p.restricted[..]);
        if let (Some(rule), Some(restricted)) = (rule_of(Judge::RestrictedCondition), restricted) {
            for p in self
                .claims
                .iter()
                .filter(|p| p.claim.predicate == Predicate::Benefit && !p.claim.qualified)
            {
                let t = match p.claim.subject {
                    Subject::Named(t) => t,
                    Subject::Page => match main {
                        Some(t) => t,
                        None => continue,
                    },
                };
                let hit = p
                    .claim
                    .objects
                    .iter()
                    .find(|(c, _)| restricted.iter().any(|&r| dict.is_within(*c, r)));
                if let Some((c, r)) = hit {
                    out.push(Finding {
                        rule,
                        span: p.claim.predicate_range.start..r.end.max(p.claim.predicate_range.end),
                        context: p.context.clone(),
                        about: Some(About {
                            predicate: Some(p.claim.predicate_range.clone()),
                            ..about(t, Some((*c, r.clone())))
                        }),
                        profile: self.profile,
                    });
                }
            }
        }
        out
    }

    /// A caveat rule fires at the document's first trigger; a trigger only in a shared footer
    /// does not make the document about the topic.
    fn missing_caveats(&self, main: Option<TreatmentId>, gap: bool) -> Vec<Finding> {
        let rules = self.rules;
        let dict = &rules.dictionary;
        let mut out: Vec<(usize, Finding)> = Vec::new();
        for (idx, rule) in rules.rules.iter().enumerate() {
            if rule.category != Category::MissingCaveat || !self.on(idx) || self.disclosed[idx] {
                continue;
            }
            if rule.unless.iter().any(|&l| self.first_lex[l].is_some()) {
                continue;
            }
            if let Some(applies) = rule.applies_if {
                // Driven by the dictionary: the page's main treatment, named often enough.
                let Some(t) = main else { continue };
                let treatment = dict.treatment(t);
                let first = self
                    .treatment_lexicons(t)
                    .filter_map(|l| self.first_lex[l].as_ref())
                    .min_by_key(|f| f.order);
                let Some(first) = first.filter(|f| f.own) else {
                    continue;
                };
                let mentions: usize = self.treatment_lexicons(t).map(|l| self.lex_count[l]).sum();
                let applies = match applies {
                    AppliesIf::Any => true,
                    AppliesIf::Controlled => treatment.controlled.is_some(),
                    AppliesIf::Clinic => treatment.clinic,
                    AppliesIf::ApprovalGap => gap,
                };
                if !applies || mentions < rule.min_triggers {
                    continue;
                }
                out.push((
                    mentions,
                    Finding {
                        rule: idx,
                        span: first.span.clone(),
                        context: first.context.clone(),
                        about: Some(About {
                            treatment: t,
                            condition: None,
                            predicate: None,
                            judged: false,
                        }),
                        profile: self.profile,
                    },
                ));
                continue;
            }
            let first = rule
                .trigger
                .iter()
                .filter_map(|&l| self.first_lex[l].as_ref())
                .min_by_key(|f| f.order);
            let Some(first) = first.filter(|f| f.own) else {
                continue;
            };
            let mentions: usize = rule.trigger.iter().map(|&l| self.lex_count[l]).sum();
            if mentions < rule.min_triggers {
                continue;
            }
            out.push((
                mentions,
                Finding {
                    rule: idx,
                    span: first.span.clone(),
                    context: first.context.clone(),
                    about: None,
                    profile: self.profile,
                },
            ));
        }
        out.sort_by_key(|(mentions, f)| (std::cmp::Reverse(*mentions), f.rule));
        let mut reported = HashSet::new();
        out.into_iter()
            .filter(|(_, f)| reported.insert(rules.rules[f.rule].caveat))
            .map(|(_, f)| f)
            .collect()
    }
}

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
/// another file.
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
    let mut checker = Checker::new(rules, enabled);
    checker.blocks(&ex.blocks, true);
    checker.finish(footer)
}

/// Whether a sentence of `scan` — read with its section `heading` — has every lexicon of one of
/// `rule`'s `present-if` groups.
fn discloses(rule: &Rule, scan: &BlockScan<'_>, heading: Option<&Heading>) -> bool {
    // A disclosure a negator governs is a denial ("no risk of dependence"), not a disclosure,
    // so it does not count.
    let affirmed = |text: &str, hits: &[(LexId, Range<usize>)], l: LexId| {
        hits.iter().any(|(id, r)| {
            *id == l
                && !hits.iter().any(|(n, nr)| {
                    rule.negated_by.contains(n)
                        && nr.end <= r.start
                        && governs(text, nr.end..r.start, hits, scan.language.negation_stop)
                })
        })
    };
    scan.lex_hits.iter().any(|sentence| {
        // A sentence under a heading such as "Side effects" or "Possible risks:" reads with it:
        // "- Dizziness" in that list discloses a side effect.
        let counts = |l: LexId| {
            affirmed(&scan.block.lower, sentence, l)
                || heading.is_some_and(|h| h.lex_hits.iter().any(|s| affirmed(&h.lower, s, l)))
        };
        rule.present_if
            .iter()
            .any(|group| group.iter().all(|&l| counts(l)))
    })
}

/// Longest paragraph, in words, that still reads as a heading when it has no closing stop.
const HEADING_MAX_WORDS: usize = 10;

/// Whether a block opens a section for the blocks after it: a heading, or a short paragraph
/// without a closing stop, or one ending in a colon ("Risks include:").
fn is_heading_like(b: &Block) -> bool {
    let text = b.text.trim_end();
    match b.kind {
        BlockKind::Heading => true,
        BlockKind::Paragraph => {
            text.ends_with(':')
                || (!text.ends_with(['.', '!', '?'])
                    && text.split_whitespace().count() <= HEADING_MAX_WORDS)
        }
        _ => false,
    }
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
    scan: &BlockScan<'_>,
) -> bool {
    let sentence_hits = &scan.lex_hits[loc.sentence];
    let in_sentence = |l: LexId| sentence_hits.iter().any(|(id, _)| *id == l);
    if any_overlapping(&scan.rule_exceptions, &loc.range, |r| *r == rule_idx) {
        return false;
    }
    if !rule.requires.iter().all(|&l| in_sentence(l)) {
        return false;
    }
    let text = &scan.block.lower;
    // A negator governs the claim when it stands just before it, or — for a pattern, whose gaps
    // can swallow one ("benefits are not permanent") — inside the match before its last word
    // (a pattern may end on a negator itself: "where other treatments did not").
    // A match that opens on its own negator ("no risk of addiction") is a denial already: a
    // negator before it belongs to something else ("no downtime and no risk of addiction").
    let opens_negated = sentence_hits
        .iter()
        .any(|(l, r)| rule.negated_by.contains(l) && r.start == loc.range.start);
    let negated = sentence_hits.iter().any(|(l, r)| {
        rule.negated_by.contains(l)
            && ((!opens_negated
                && r.end <= loc.range.start
                && governs(
                    text,
                    r.end..loc.range.start,
                    sentence_hits,
                    scan.language.negation_stop,
                ))
                || (loc.from_pattern && r.start > loc.range.start && r.end < loc.range.end))
    });
    if negated {
        return false;
    }
    // A clause-bound qualifier (a modal) hedges only its own clause.
    let qualifies = |l: LexId, r: &Range<usize>| {
        let lex = &rules_lexicons[l];
        if lex.sentence_wide {
            return true;
        }
        let (a, b) = if r.end <= loc.range.start {
            (r.end, loc.range.start)
        } else {
            (loc.range.end.min(r.start), r.start)
        };
        let between = a..b.max(a);
        if lex.clause_bound {
            !crosses_clause(text, between, sentence_hits, scan.language)
        } else {
            !crosses_strong_clause(text, between, sentence_hits, scan.language)
        }
    };
    let qualified = match rule.unless_scope {
        Scope::Sentence => rule.unless.iter().any(|&l| {
            sentence_hits
                .iter()
                .any(|(id, r)| *id == l && qualifies(l, r))
        }),
        Scope::Paragraph => rule
            .unless
            .iter()
            .any(|&l| scan.lex_hits.iter().flatten().any(|(id, _)| *id == l)),
        Scope::Document => false,
    };
    // A figure's source may follow in the next sentence ("… in a 2021 trial of 80 adults").
    let sourced = !rule.sourced_by.is_empty()
        && scan.lex_hits[loc.sentence..scan.lex_hits.len().min(loc.sentence + 2)]
            .iter()
            .flatten()
            .any(|(id, _)| rule.sourced_by.contains(id));
    let qualified = qualified || sourced;
    !qualified
}

/// Whether `text[between]` (what separates a qualifier from a claim) holds a clause boundary:
/// punctuation, or a word of the `clause-break` lexicon (among the sentence's `hits`).
fn crosses_clause(
    text: &str,
    between: Range<usize>,
    hits: &[(LexId, Range<usize>)],
    words: LanguageWords,
) -> bool {
    text[between.clone()].contains([',', ';', ':', '(', ')'])
        || holds(words.clause_break, hits, &between)
}

/// Whether `text[between]` holds a strong clause break: a semicolon, colon or dash (the
/// normaliser folds dashes to " - "), or a word of the `clause-break` lexicon (", and", "but"). A
/// hedge does not reach across one ("not only is it effective, but in some cases it may …");
/// commas alone do not end its reach.
fn crosses_strong_clause(
    text: &str,
    between: Range<usize>,
    hits: &[(LexId, Range<usize>)],
    words: LanguageWords,
) -> bool {
    let gap = &text[between.clone()];
    gap.contains([';', ':', '\u{2014}', '\u{2013}'])
        || gap.contains(" - ")
        || holds(words.clause_break, hits, &between)
}

/// Whether a negator followed by `gap` governs the word after the gap: close enough, and no
/// clause boundary in between ("no side effects" yes; "no, but it cures" no). `negation_stop`
/// is the lexicon of words that stop it ("not only cures"), among the sentence's `hits`; the
/// claim model asks too.
pub(crate) fn governs(
    text: &str,
    gap: Range<usize>,
    hits: &[(LexId, Range<usize>)],
    negation_stop: Option<LexId>,
) -> bool {
    let between = &text[gap.clone()];
    if between.contains([',', ';', ':', '.', '!', '?', '(', ')']) {
        return false;
    }
    between.split_whitespace().count() <= NEGATION_WINDOW_WORDS && !holds(negation_stop, hits, &gap)
}

/// Whether a hit of `lexicon` lies inside `range`.
fn holds(lexicon: Option<LexId>, hits: &[(LexId, Range<usize>)], range: &Range<usize>) -> bool {
    lexicon.is_some_and(|l| {
        hits.iter()
            .any(|(id, r)| *id == l && range.start <= r.start && r.end <= range.end)
    })
}

/// Keeps one finding per category per sentence — the most serious, then the earliest, then the
/// longest — because claims are judged per sentence: a second hype word in the same sentence is
/// the same problem, not a new one. Then sorts by position.
/// Two findings merge only when their spans overlap and they judge the same kind of claim
/// (category): the most specific stays — a judged claim before a phrase, then the more severe,
/// then the longer span. Every other finding is kept, so a sentence with three hype words gives
/// three findings.
fn dedupe(rules: &RuleSet, findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    findings.sort_by_cached_key(|f| {
        let r = &rules.rules[f.rule];
        (
            std::cmp::Reverse(f.about.as_ref().is_some_and(|a| a.judged)),
            std::cmp::Reverse(r.severity),
            std::cmp::Reverse(f.span.end - f.span.start),
            f.span.start,
            r.id.clone(),
        )
    });
    // Per category, the kept spans (start → end); they never overlap one another.
    let mut kept: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); Category::ALL.len()];
    findings.retain(|f| {
        let cat = rules.rules[f.rule].category;
        if cat == Category::MissingCaveat {
            return true;
        }
        let spans = &mut kept[cat as usize];
        let (s, e) = (f.span.start, f.span.end.max(f.span.start + 1));
        let before = spans
            .range(..e)
            .next_back()
            .is_some_and(|(_, &end)| end > s);
        if before {
            return false;
        }
        spans.insert(s, e);
        true
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
    use crate::rules::compile::LexiconNeeds;

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
[lexicon.clause-break]
phrases = ["but", "while", "whereas", "although", "though", "yet"]
[lexicon.negation-stop]
phrases = ["but", "only", "just", "merely"]
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
    fn exception_patterns_cancel_the_matches_they_overlap() {
        let rules = RuleSet::compile(vec![RulesetSource {
            name: "x.toml".into(),
            text: r#"
[lexicon.question]
patterns = ['\?']
exception-patterns = ['\bwhy wait\b[^.!?]*\?']
[lexicon.place]
phrases = ["clinic"]
exception-patterns = ['\bclinic (street|road)\b']

[[rule]]
id = "t/fast"
category = "efficacy"
severity = "warning"
message = "m"
label = "l"
help = "h"
note = "n"
phrases = ["works fast"]
patterns = ['\bat the {place}\b', '\bnear the {place}\b']
exception-patterns = ['\bworks fast food\b']
unless = ["question"]
examples.flag = ["It works fast."]
"#
            .into(),
        }])
        .unwrap_or_else(|(_, e)| panic!("{e:?}"));
        let found = |src: &str| -> Vec<String> {
            check(&rules, Format::Text, src)
                .into_iter()
                .map(|f| src[f.span].to_string())
                .collect()
        };
        // A real question still suppresses; a rhetorical one no longer counts as a question.
        assert!(found("Who says it works fast?").is_empty());
        assert_eq!(found("Why wait when it works fast?"), ["works fast"]);
        // A rule's own exception pattern.
        assert!(found("It works fast food magic.").is_empty());
        assert_eq!(found("It works fast."), ["works fast"]);
        // A lexicon's exception pattern comes along into a rule pattern that interpolates it.
        assert_eq!(found("Meet us at the clinic today."), ["at the clinic"]);
        assert!(found("Meet us at the clinic road.").is_empty());
        assert!(found("Park near the clinic street.").is_empty());
        // Inherited once per rule, not once per pattern that interpolates the lexicon: `?`,
        // its exception, the place exception, two rule patterns, the rule's own exception and
        // the inherited one.
        assert!(
            format!("{:?}", rules.matcher).contains("patterns: 7"),
            "{:?}",
            rules.matcher
        );
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
        // A word of the `clause-break` lexicon breaks the clause as a comma does.
        assert_eq!(ids("It cures though the effect may fade."), ["t/cure"]);
        assert!(ids("It cures and the effect may fade.").is_empty());
        // A proportion qualifier reaches across the comma.
        assert!(ids("In some patients, it cures.").is_empty());
    }

    #[test]
    fn negation_must_govern_the_claim() {
        assert!(ids("It is not a miracle.").is_empty());
        assert!(ids("There is no miracle here.").is_empty());
        assert_eq!(ids("It is not only a miracle but more."), ["t/hype"]);
        // `negation-stop` words stop a negator; other words in the window do not.
        assert_eq!(ids("It is not just a miracle."), ["t/hype"]);
        assert!(ids("It is not a real miracle.").is_empty());
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
    fn lexicons_needed_only_inside_blocks_are_known() {
        let rules = rules();
        let id = |rule: &str| rules.rules.iter().position(|r| r.id == rule).expect("rule");
        let needs =
            |name: &str| rules.lexicon_needs[rules.lexicon_id(name).expect("lexicon")].clone();
        let needs_of = |disclosures: Vec<usize>, claims: Vec<usize>| {
            Some(LexiconNeeds {
                disclosures,
                claims,
            })
        };
        let caveat = id("t/caveat");
        assert_eq!(needs("risk"), needs_of(vec![caveat], vec![]));
        assert_eq!(needs("cue"), needs_of(vec![caveat], vec![]));
        assert_eq!(needs("drug"), None, "a trigger counts mentions");
        assert_eq!(
            needs("hedge"),
            needs_of(vec![], vec![id("t/cure")]),
            "a qualifier"
        );
        assert_eq!(
            needs("topic"),
            needs_of(vec![], vec![id("t/offlabel")]),
            "required"
        );
        assert_eq!(
            needs("negation"),
            needs_of(vec![caveat], vec![id("t/cure"), id("t/hype")]),
            "a negator of claims and of disclosures"
        );
        // Once disclosed, the rest of a long page no longer needs them; the result is unchanged.
        let filler = "Parking is free behind the building.\n\n".repeat(SCAN_CHUNK / 20);
        let src = format!(
            "Ketamine helps. It can cause nausea.\n\n{filler}Ketamine can cause dizziness.\n"
        );
        assert!(streamed(&src).is_empty());
    }

    /// A document several scan chunks long, fed a block at a time as the binary does.
    fn streamed(src: &str) -> Vec<String> {
        let rules = rules();
        let mut checker = Checker::new(&rules, &|_| true);
        let _ = crate::extract::extract_to(Format::Text, src, &mut |b| checker.feed(b));
        checker
            .finish(&[])
            .iter()
            .map(|f| format!("{}@{}", rules.rules[f.rule].id, f.span.start))
            .collect()
    }

    #[test]
    fn document_level_facts_cross_chunk_boundaries() {
        // Filler well past two scan chunks between the parts of each decision.
        let filler = "Parking is free behind the building.\n\n".repeat(SCAN_CHUNK / 20);
        // The claim comes first; the drug it requires is named only chunks later.
        let src = format!("It treats PTSD.\n\n{filler}Ketamine is offered here.\n");
        let drug = src.rfind("Ketamine").expect("drug");
        assert_eq!(
            streamed(&src),
            ["t/offlabel@3", &format!("t/caveat@{drug}")]
        );
        // The caveat's disclosure comes chunks after its trigger, and in a section whose
        // heading came before the filler.
        let src = format!("Ketamine helps.\n\nSide effects\n\n{filler}- Nausea\n");
        assert!(streamed(&src).is_empty(), "{:?}", streamed(&src));
        // Streaming decides exactly as a whole-document check does.
        let src = format!("Ketamine helps.\n\n{filler}It cures PTSD. A miracle.\n");
        let whole: Vec<String> = check(&rules(), Format::Text, &src)
            .iter()
            .map(|f| format!("{}@{}", rules().rules[f.rule].id, f.span.start))
            .collect();
        assert_eq!(streamed(&src), whole);
        let cure = src.find("cures").expect("claim");
        let hype = src.find("miracle").expect("hype");
        assert_eq!(
            whole,
            [
                "t/caveat@0".to_string(),
                format!("t/cure@{cure}"),
                format!("t/hype@{hype}")
            ]
        );
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
    fn every_claim_in_a_sentence_is_reported() {
        assert_eq!(
            run("A miracle, a game-changer."),
            [
                ("t/hype".into(), "miracle".into()),
                ("t/hype".into(), "game-changer".into())
            ]
        );
        assert_eq!(
            ids("Our miracle protocol is a revolutionary game-changer."),
            ["t/hype", "t/hype2", "t/hype"]
        );
        assert_eq!(ids("A miracle. A game-changer."), ["t/hype", "t/hype"]);
    }

    #[test]
    fn a_deselected_rule_does_not_hide_another_in_its_sentence() {
        let rules = rules();
        let ex = extract::extract(Format::Text, "A miracle, revolutionary.");
        let all = check_extracted(&rules, &ex);
        let ids: Vec<&str> = all
            .iter()
            .map(|f| rules.rules[f.rule].id.as_str())
            .collect();
        assert_eq!(ids, ["t/hype", "t/hype2"]);
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
    fn overlapping_findings_of_one_category_merge_to_the_most_specific() {
        // "cures cancer" and "cure" overlap and judge the same efficacy claim: one stays, the
        // longer; a hype word in the same sentence is another claim and stays too.
        assert_eq!(
            run("A miracle that cures cancer."),
            [
                ("t/hype".into(), "miracle".into()),
                ("t/cure".into(), "cures cancer".into())
            ]
        );
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
