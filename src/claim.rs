//! The claim model: a sentence's hits → claims (subject, predicate, object) → judgements.
//!
//! Binding reads one sentence at a time. The subject is the treatment the sentence names nearest
//! the predicate or, when it names none ("it", "this therapy", a heading, a bullet), the page's
//! main treatment, decided once the whole page is read; a benefit given to another agent
//! ("antidepressants treat anxiety") binds to nothing. The predicate is a benefit ("relieves",
//! "helps with", "X for Y") or an approval word; the objects are the conditions of the
//! conditions vocabulary that follow it in the same clause. A qualifier or negator counts only in
//! the claim's own clause (or, for a sentence-wide one such as "studies suggest", anywhere in the
//! sentence), so "not only is it effective, but in some cases it may…" keeps its first claim.
//!
//! Judging compares a claim with the treatment dictionary under the jurisdiction in force:
//! an object outside the subject's authorised uses is off-label; an approval word that does not
//! fit the subject's authorisation kind, or names a use outside it, misstates approval.

use crate::rules::compile::Lexicon;
use crate::rules::dictionary::{ConditionId, Dictionary, TreatmentId};
use crate::rules::{AuthKind, Judge, LexId, Rule};
use std::ops::Range;

/// Who a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Named(TreatmentId),
    /// The page's main treatment, known once the page is read.
    Page,
}

/// What a claim predicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predicate {
    Benefit,
    /// An approval statement, with the authorisation kind its words claim.
    Approval(AuthKind),
    /// A review designation, by its name in the dictionary (`breakthrough`, `fast-track`).
    Designation(&'static str),
}

/// A claim bound in one sentence; ranges are offsets in the block's normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub subject: Subject,
    pub predicate: Predicate,
    pub predicate_range: Range<usize>,
    pub objects: Vec<(ConditionId, Range<usize>)>,
    /// A qualifier in scope or a negator governing the predicate.
    pub qualified: bool,
    /// Conditions the sentence names as who the benefit is for ("for men with testosterone
    /// deficiency, …"): outcomes claimed for them stay inside an authorised use.
    pub population: Vec<ConditionId>,
}

/// The lexicons binding reads, looked up once per rule set by name.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub benefit: Option<LexId>,
    /// Benefits whose grammatical subject is the condition or the patient ("PTSD improves with
    /// …", "sufferers find relief with …"): the conditions stand before them, the treatment after.
    pub benefit_passive: Option<LexId>,
    /// Words that frame a condition as the people a benefit is for ("adults with …").
    pub population: Option<LexId>,
    /// Words that name a condition as what qualifies someone beside the use ("… and a
    /// weight-related condition such as high blood pressure").
    pub comorbidity: Option<LexId>,
    pub use_for: Option<LexId>,
    pub any_treatment: Option<LexId>,
    pub approval: Option<LexId>,
    /// Inside an approval statement, the words that make it a clearance or a licence, and the
    /// agency's name (a bare "approved" names none).
    pub clearance: Option<LexId>,
    pub licence: Option<LexId>,
    pub agency: Option<LexId>,
    pub designation: Option<LexId>,
    pub other_subject: Option<LexId>,
    pub generic_subject: Option<LexId>,
    pub indication_heading: Option<LexId>,
    pub compounding: Option<LexId>,
    /// Present-tense use ("we use it for X") and the frequency words that do not hedge it.
    pub use_claim: Option<LexId>,
    /// Words that turn what follows into a harm ("worsens", "can cause"): a list of objects
    /// stops there.
    pub harm: Option<LexId>,
    /// Predicates that lessen their object ("reduces") and ones that increase it ("boosts"): a
    /// benefit only for an unwanted and a wanted object respectively.
    pub diminish: Option<LexId>,
    pub enhance: Option<LexId>,
    pub use_frequency: Option<LexId>,
    /// Qualifiers and negators of the off-label judgement (its rule's `unless`, `negated-by`).
    pub benefit_unless: Vec<LexId>,
    pub benefit_negated_by: Vec<LexId>,
    pub approval_unless: Vec<LexId>,
    pub approval_negated_by: Vec<LexId>,
    /// Words that end a clause (`clause-break` lexicon); none: punctuation only.
    pub clause_break: Option<LexId>,
    /// Words that stop a negator reaching a predicate (`negation-stop` lexicon).
    pub negation_stop: Option<LexId>,
}

impl Words {
    #[must_use]
    pub fn new(lexicons: &[Lexicon], rules: &[Rule]) -> Self {
        let id = |name: &str| lexicons.iter().position(|l| l.name == name);
        let judge = |j: Judge| rules.iter().find(|r| r.judge == Some(j));
        let off = judge(Judge::OffLabel);
        let appr = judge(Judge::Unauthorised);
        Self {
            benefit: id("benefit"),
            benefit_passive: id("benefit-passive"),
            population: id("population-frame"),
            comorbidity: id("comorbidity-frame"),
            use_for: id("use-for"),
            any_treatment: id("any-treatment"),
            approval: id("approval-word"),
            clearance: id("clearance-word"),
            licence: id("licence-word"),
            agency: id("agency-word"),
            designation: id("designation-word"),
            other_subject: id("other-subject"),
            generic_subject: id("generic-subject"),
            indication_heading: id("indication-heading"),
            compounding: id("compounding-cue"),
            use_claim: id("use-claim"),
            harm: id("harm-verb"),
            diminish: id("benefit-diminish"),
            enhance: id("benefit-enhance"),
            use_frequency: id("use-frequency"),
            benefit_unless: off.map(|r| r.unless.clone()).unwrap_or_default(),
            benefit_negated_by: off.map(|r| r.negated_by.clone()).unwrap_or_default(),
            approval_unless: appr.map(|r| r.unless.clone()).unwrap_or_default(),
            approval_negated_by: appr.map(|r| r.negated_by.clone()).unwrap_or_default(),
            clause_break: id("clause-break"),
            negation_stop: id("negation-stop"),
        }
    }

    /// Whether binding has anything to read where these lexicons are found (a block's or a
    /// sentence's hits): one pass over the hits, as most blocks and sentences have none of them.
    #[must_use]
    pub fn wanted(
        &self,
        found: impl IntoIterator<Item = LexId>,
        dict: &Dictionary,
        list_like: bool,
    ) -> bool {
        let (mut benefit, mut join, mut treatment, mut condition) =
            (list_like, false, false, false);
        for l in found {
            let is = |w: Option<LexId>| w == Some(l);
            if is(self.approval) || is(self.designation) {
                return true;
            }
            benefit |= is(self.benefit) || is(self.benefit_passive);
            join |= is(self.use_for);
            treatment |= is(self.any_treatment);
            condition |= dict.condition_of(l).is_some();
        }
        (benefit || (join && treatment)) && condition
    }
}

/// Longest sentence the claim model binds claims in (bytes).
pub const MAX_SENTENCE_BYTES: usize = 4096;

/// One sentence as binding sees it.
pub struct Sentence<'a> {
    /// The block's lower-cased text.
    pub text: &'a str,
    pub range: Range<usize>,
    /// Lexicon hits in the sentence, in order of start.
    pub hits: &'a [(LexId, Range<usize>)],
    /// The sentence is a heading: its subject is left out ("Fast, Lasting Relief from …").
    pub heading: bool,
}

/// Clause boundaries that stop a qualifier: strong punctuation, and the clause-break words.
fn clause_breaks(s: &Sentence<'_>, words: &Words) -> Vec<usize> {
    let mut out: Vec<usize> = s.text[s.range.clone()]
        // A colon introduces what the clause says ("approved for two uses: …"): no break.
        .match_indices([';', '\u{2014}', '\u{2013}'])
        .map(|(i, _)| s.range.start + i)
        .collect();
    // The normaliser folds dashes to " - ": a spaced hyphen is a dash.
    out.extend(
        s.text[s.range.clone()]
            .match_indices(" - ")
            .map(|(i, _)| s.range.start + i),
    );
    if let Some(cb) = words.clause_break {
        out.extend(
            s.hits
                .iter()
                .filter(|(l, _)| *l == cb)
                .map(|(_, r)| r.start),
        );
    }
    out.sort_unstable();
    out
}

/// The clause of `s` around `at`: between the nearest breaks.
fn clause_of(breaks: &[usize], s: &Sentence<'_>, at: usize) -> Range<usize> {
    let i = breaks.partition_point(|&b| b <= at);
    let start = if i == 0 { s.range.start } else { breaks[i - 1] };
    let end = breaks.get(i).copied().unwrap_or(s.range.end);
    start..end
}

fn inside(r: &Range<usize>, clause: &Range<usize>) -> bool {
    r.start >= clause.start && r.end <= clause.end
}

/// Hits of `l`-matching lexicons with ranges nested in a longer hit of the same kind dropped:
/// "treatment-resistant depression" is one condition, not two.
fn outermost<T: Copy>(items: &[(T, Range<usize>)]) -> Vec<(T, Range<usize>)> {
    items
        .iter()
        .filter(|(_, r)| {
            !items.iter().any(|(_, o)| {
                o != r
                    && o.start <= r.start
                    && r.end <= o.end
                    && (o.end - o.start) > (r.end - r.start)
            })
        })
        .cloned()
        .collect()
}

/// Whether a qualifier or negator governs a predicate at `at` in `clause`.
#[allow(
    clippy::too_many_arguments,
    reason = "one sentence's facts and the judging rule's lexicons, passed as the caller has them"
)]
fn qualified(
    s: &Sentence<'_>,
    lexicons: &[Lexicon],
    unless: &[LexId],
    negated_by: &[LexId],
    at: &Range<usize>,
    clause: &Range<usize>,
    ignore: &[Range<usize>],
    negation_stop: Option<LexId>,
) -> bool {
    let hedged = s.hits.iter().any(|(l, r)| {
        unless.contains(l)
            && (lexicons[*l].sentence_wide || inside(r, clause))
            && !ignore.iter().any(|i| inside(r, i))
    });
    let negated = s.hits.iter().any(|(l, r)| {
        negated_by.contains(l)
            && r.end <= at.start
            && r.start >= clause.start
            && crate::check::governs(s.text, r.end..at.start, s.hits, negation_stop)
    });
    hedged || negated
}

/// The claims of one sentence. `list_context`: the sentence is a list item or table cell under a
/// heading or lead-in that presents uses ("Conditions we treat:"), so its conditions are claimed
/// for the page's treatment (or the one the heading names).
#[must_use]
#[allow(
    clippy::too_many_lines,
    reason = "the claim model's steps in order, over one sentence"
)]
pub fn bind(
    s: &Sentence<'_>,
    words: &Words,
    lexicons: &[Lexicon],
    dict: &Dictionary,
    list_context: Option<Subject>,
) -> Vec<Claim> {
    let all_conditions: Vec<(ConditionId, Range<usize>)> = outermost(
        &s.hits
            .iter()
            .filter_map(|(l, r)| dict.condition_of(*l).map(|c| (c, r.clone())))
            .collect::<Vec<_>>(),
    );
    // A treatment's name inside a longer condition ("testosterone deficiency") names the
    // condition, not the treatment.
    let treatments: Vec<(TreatmentId, Range<usize>)> = outermost(
        &s.hits
            .iter()
            .filter_map(|(l, r)| dict.treatment_of(*l).map(|t| (t, r.clone())))
            .collect::<Vec<_>>(),
    )
    .into_iter()
    .filter(|(_, t)| {
        !all_conditions
            .iter()
            .any(|(_, c)| c.start <= t.start && t.end <= c.end && c.len() > t.len())
    })
    .collect();
    let conditions: Vec<(ConditionId, Range<usize>)> = all_conditions
        .into_iter()
        .filter(|(_, r)| {
            !treatments
                .iter()
                .any(|(_, t)| t.start < r.end && r.start < t.end)
        })
        .collect();
    let is = |want: Option<LexId>, l: LexId| want == Some(l);
    let breaks = clause_breaks(s, words);
    // A claim's qualifiers: the judging rule's `unless` and `negated-by` words, in its clause.
    let qualified_by = |unless: &[LexId],
                        negators: &[LexId],
                        at: &Range<usize>,
                        clause: &Range<usize>,
                        ignore: &[Range<usize>]| {
        qualified(
            s,
            lexicons,
            unless,
            negators,
            at,
            clause,
            ignore,
            words.negation_stop,
        )
    };
    let benefit_qualified = |at: &Range<usize>, clause: &Range<usize>, ignore: &[Range<usize>]| {
        qualified_by(
            &words.benefit_unless,
            &words.benefit_negated_by,
            at,
            clause,
            ignore,
        )
    };
    let approval_qualified = |at: &Range<usize>, clause: &Range<usize>| {
        qualified_by(
            &words.approval_unless,
            &words.approval_negated_by,
            at,
            clause,
            &[],
        )
    };
    // Who a claim is for: a condition just after a population frame, or one a comorbidity
    // frame's list holds.
    let framed = |frame: Option<LexId>, reach: usize, (_, r): &&(ConditionId, Range<usize>)| {
        frame.is_some_and(|fl| {
            s.hits.iter().any(|(l, f)| {
                *l == fl && f.end <= r.start && words_between(s.text, f.end, r.start) <= reach
            })
        })
    };
    let population: Vec<ConditionId> = conditions
        .iter()
        .filter(|c| framed(words.population, 2, c) || framed(words.comorbidity, 8, c))
        .map(|(c, _)| *c)
        .collect();
    let mut claims = Vec::new();
    let mut used_clauses: Vec<Range<usize>> = Vec::new();

    // Benefits: the first benefit word of a clause with conditions after it.
    // Benefit words first (the longest of nested ones), then "X for Y" joins, which span a
    // treatment and the words up to "for" and may hold a benefit word of their own.
    let mut benefit_hits = hits_of(s, words.benefit);
    // "Ketamine for PTSD": a treatment's name joined to a use by a `use-for` word within a few
    // words after it, in the same sentence. Read here from the hits rather than by a regex over
    // every block that names a treatment, which cost more than the rest of binding.
    if let Some(join) = words.use_for {
        for (_, t) in &treatments {
            let joined = s.hits.iter().find(|(l, j)| {
                *l == join
                    && j.start >= t.end
                    && s.text.get(t.end..j.start).is_some_and(|gap| {
                        !gap.contains(['.', ';', '!', '?'])
                            && gap.split_whitespace().count() <= USE_FOR_REACH_WORDS
                    })
            });
            if let Some((_, j)) = joined {
                benefit_hits.push((join, t.start..j.end));
            }
        }
    }
    for (l, b) in &benefit_hits {
        let clause = clause_of(&breaks, s, b.start);
        if used_clauses.contains(&clause) {
            continue;
        }
        // "Reduces fertility" and "raises blood pressure" state harms: the direction of the
        // verb must suit the object.
        let covers = |lex: Option<LexId>| {
            lex.is_some_and(|x| {
                s.hits
                    .iter()
                    .any(|(l, r)| *l == x && r.start < b.end && b.start < r.end)
            })
        };
        let (lessens, raises) = (covers(words.diminish), covers(words.enhance));
        let objects: Vec<(ConditionId, Range<usize>)> = objects_after(
            s,
            words.harm,
            &words.benefit_negated_by,
            &conditions,
            b,
            &clause,
        )
        .into_iter()
        .filter(|(c, _)| {
            let wanted = dict.conditions[usize::from(*c)].desirable;
            if wanted { !lessens } else { !raises }
        })
        .collect();
        if objects.is_empty() {
            continue;
        }
        // "We most often use it for X": how often a clinic uses it hedges nothing.
        let use_claim = words.use_claim.is_some_and(|u| {
            s.hits
                .iter()
                .any(|(l, r)| *l == u && r.start < b.end && b.start < r.end)
        });
        // "Approved for X" is an approval statement, judged as one below.
        let after_approval = is(words.use_for, *l)
            && s.hits
                .iter()
                .any(|(al, ar)| is(words.approval, *al) && ar.start >= b.start && ar.end <= b.end);
        // "KAP is not suitable for people with …" joins the treatment to a use only to deny it.
        let denied = is(words.use_for, *l)
            && s.hits.iter().any(|(nl, nr)| {
                words.benefit_negated_by.contains(nl) && nr.start >= b.start && nr.end <= b.end
            });
        // "Cleared" inside "FDA-cleared for X" is the approval statement, not a benefit.
        let approval_word = s
            .hits
            .iter()
            .any(|(al, ar)| is(words.approval, *al) && ar.start <= b.start && b.end <= ar.end);
        if after_approval || denied || approval_word {
            continue;
        }
        let subject = if is(words.use_for, *l) {
            // The use-for pattern starts at the treatment it joins to the use.
            match treatments.iter().find(|(_, t)| t.start == b.start) {
                Some((t, _)) => Subject::Named(*t),
                None => continue,
            }
        } else {
            match subject_for(s, words, &treatments, b, &clause, use_claim) {
                Some(subj) => subj,
                None => continue,
            }
        };
        used_clauses.push(clause.clone());
        let ignore: Vec<Range<usize>> = if use_claim {
            s.hits
                .iter()
                .filter(|(l, r)| Some(*l) == words.use_frequency && inside(r, &clause))
                .map(|(_, r)| r.clone())
                .collect()
        } else {
            Vec::new()
        };
        claims.push(Claim {
            subject,
            predicate: Predicate::Benefit,
            predicate_range: b.clone(),
            objects,
            qualified: benefit_qualified(b, &clause, &ignore),
            population: population.clone(),
        });
    }

    // "PTSD improves with ketamine", "pain sufferers find relief after a session": the
    // conditions stand before the benefit and the treatment after it, joined closely.
    let passive_hits = hits_of(s, words.benefit_passive);
    for (_, p) in &passive_hits {
        let clause = clause_of(&breaks, s, p.start);
        if used_clauses.contains(&clause) {
            continue;
        }
        let objects = objects_before(s, &words.benefit_negated_by, &conditions, p, &clause);
        if objects.is_empty() {
            continue;
        }
        let near_after = |r: &Range<usize>| {
            r.start >= p.end && inside(r, &clause) && words_between(s.text, p.end, r.start) <= 4
        };
        let subject = if let Some((t, _)) = treatments.iter().find(|(_, t)| near_after(t)) {
            Subject::Named(*t)
        } else if words
            .generic_subject
            .is_some_and(|g| s.hits.iter().any(|(l, r)| *l == g && near_after(r)))
        {
            Subject::Page
        } else if let Some(subject) = (!denied_here(s, words, &objects[0].1, p))
            .then(|| subject_before(s, words, &treatments, &objects[0].1, &clause))
            .flatten()
        {
            // "After a month of red light my eczema cleared up": the treatment, or "our
            // series", named before the people or conditions that improved.
            subject
        } else if treatments.is_empty()
            && objects.iter().all(|(c, _)| population.contains(c))
            && !words
                .other_subject
                .is_some_and(|o| s.hits.iter().any(|(l, _)| *l == o))
        {
            // "Patients with tennis elbow respond well": on a page promoting one treatment, the
            // people it names improving are that treatment's patients unless another agent is
            // named.
            Subject::Page
        } else {
            continue;
        };
        used_clauses.push(clause.clone());
        let span = objects[0].1.start..p.end;
        claims.push(Claim {
            subject,
            predicate: Predicate::Benefit,
            predicate_range: span.clone(),
            objects,
            qualified: benefit_qualified(p, &clause, &[]),
            population: population.clone(),
        });
    }

    // "Anxiety and stress: calm without sedation", "Hot flashes: gone within days": a label of
    // conditions, a colon, then the benefit, as feature lists and bullets write it.
    if let Some(colon) = s.text[s.range.clone()].find(':').map(|i| s.range.start + i)
        && words_between(s.text, s.range.start, colon) <= LABEL_REACH_WORDS
    {
        let objects: Vec<(ConditionId, Range<usize>)> = conditions
            .iter()
            .filter(|(_, r)| r.end <= colon)
            .cloned()
            .collect();
        let predicate = benefit_hits
            .iter()
            .chain(&passive_hits)
            .map(|(_, b)| b)
            .filter(|b| b.start > colon && words_between(s.text, colon + 1, b.start) <= 3)
            .min_by_key(|b| b.start);
        if let Some(p) = predicate
            && !objects.is_empty()
        {
            let clause = clause_of(&breaks, s, p.start);
            if !used_clauses.contains(&clause) {
                used_clauses.push(clause.clone());
                let subject = treatments
                    .iter()
                    .find(|(_, t)| t.start > colon)
                    .map_or(Subject::Page, |(t, _)| Subject::Named(*t));
                claims.push(Claim {
                    subject,
                    predicate: Predicate::Benefit,
                    predicate_range: p.clone(),
                    objects,
                    qualified: benefit_qualified(p, &clause, &[]),
                    population: population.clone(),
                });
            }
        }
    }

    // A bullet under "Conditions we treat": its conditions are claimed as uses.
    if claims.is_empty()
        && let Some(subject) = list_context
        && !conditions.is_empty()
    {
        let subject = treatments
            .first()
            .map_or(subject, |(t, _)| Subject::Named(*t));
        let first = conditions[0].1.clone();
        let clause = clause_of(&breaks, s, first.start);
        claims.push(Claim {
            subject,
            predicate: Predicate::Benefit,
            predicate_range: first.clone(),
            objects: conditions.clone(),
            qualified: benefit_qualified(&first, &clause, &[]),
            population: population.clone(),
        });
    }

    // Approval statements ("approved" inside "FDA-approved" is the same statement).
    let approvals = hits_of(s, words.approval);
    for (_, a) in &approvals {
        let says = |lex: Option<LexId>| {
            lex.is_some_and(|x| {
                s.hits
                    .iter()
                    .any(|(l, r)| *l == x && r.start >= a.start && r.end <= a.end)
            })
        };
        let kind = if says(words.clearance) {
            AuthKind::Cleared
        } else if says(words.licence) {
            AuthKind::Licensed
        } else {
            AuthKind::Approved
        };
        let clause = clause_of(&breaks, s, a.start);
        let bare = !says(words.agency);
        // The subject stands before the approval word ("semaglutide is an FDA-approved
        // weight-loss injection"); one after it only when none does ("FDA-approved TMS").
        let named = named_near(&treatments, a, &clause);
        let objects = objects_after(
            s,
            words.harm,
            &words.approval_negated_by,
            &conditions,
            a,
            &clause,
        );
        let other = words.other_subject.is_some_and(|o| {
            s.hits
                .iter()
                .any(|(l, r)| *l == o && inside(r, &clause) && r.end <= a.start)
        });
        let subject = match named {
            Some((t, _)) => Subject::Named(*t),
            None if other => continue,
            None => Subject::Page,
        };
        // "Approved" without the agency is judged only when it reads as regulatory: a named
        // subject right before it, or a use after it.
        if bare
            && objects.is_empty()
            && !named.is_some_and(|(_, t)| {
                t.end <= a.start && words_between(s.text, t.end, a.start) <= 4
            })
        {
            continue;
        }
        claims.push(Claim {
            subject,
            predicate: Predicate::Approval(kind),
            predicate_range: a.clone(),
            objects,
            qualified: approval_qualified(a, &clause),
            population: population.clone(),
        });
    }
    // "Designated a breakthrough therapy", "fast-tracked by the FDA": a designation claimed
    // for the sentence's treatment, or the page's.
    for (_, d) in s.hits.iter().filter(|(l, _)| is(words.designation, *l)) {
        let clause = clause_of(&breaks, s, d.start);
        let named = named_near(&treatments, d, &clause);
        let kind = if s.text[d.clone()].contains("fast") {
            "fast-track"
        } else {
            "breakthrough"
        };
        claims.push(Claim {
            subject: named.map_or(Subject::Page, |(t, _)| Subject::Named(*t)),
            predicate: Predicate::Designation(kind),
            predicate_range: d.clone(),
            objects: Vec::new(),
            qualified: approval_qualified(d, &clause),
            population: population.clone(),
        });
    }
    claims
}

/// Most words between a treatment's name and the word joining it to a use ("TMS, a
/// drug-free option for …").
const USE_FOR_REACH_WORDS: usize = 4;

/// The longest label before a colon read as the conditions a benefit after it is for.
const LABEL_REACH_WORDS: usize = 6;

/// Most words between a predicate and its first object, and between one object of a list and
/// the next: further away, a condition belongs to another thought.
const OBJECT_REACH_WORDS: usize = 10;

/// The conditions a predicate at `p` takes as objects: the first within reach after it in its
/// clause, and those that continue the list from there.
fn objects_after(
    s: &Sentence<'_>,
    harm: Option<LexId>,
    negators: &[LexId],
    conditions: &[(ConditionId, Range<usize>)],
    p: &Range<usize>,
    clause: &Range<usize>,
) -> Vec<(ConditionId, Range<usize>)> {
    let text = s.text;
    let mut out: Vec<(ConditionId, Range<usize>)> = Vec::new();
    let mut from = p.end;
    for (c, r) in conditions {
        // "Without anaesthesia", "no surgery": a negated condition is not an object.
        let denied = negators.iter().any(|&n| {
            s.hits.iter().any(|(l, x)| {
                *l == n && x.end <= r.start && words_between(text, x.end, r.start) <= 1
            })
        });
        if denied {
            from = r.end;
            continue;
        }
        let harmful = harm.is_some_and(|h| {
            s.hits
                .iter()
                .any(|(l, x)| *l == h && x.start >= from && x.end <= r.start)
        });
        if harmful {
            break;
        }
        // An object may share words with its predicate ("help children with autism").
        if r.start <= p.start || r.end <= p.end || !inside(r, clause) {
            continue;
        }
        if words_between(text, from.min(r.start), r.start) > OBJECT_REACH_WORDS {
            break;
        }
        out.push((*c, r.clone()));
        from = r.end;
    }
    out
}

/// The conditions standing before a passive benefit at `p` in its clause: the nearest within
/// reach, and the list it ends ("anxiety, PTSD and chronic pain all improve with …").
fn objects_before(
    s: &Sentence<'_>,
    negators: &[LexId],
    conditions: &[(ConditionId, Range<usize>)],
    p: &Range<usize>,
    clause: &Range<usize>,
) -> Vec<(ConditionId, Range<usize>)> {
    let mut out: Vec<(ConditionId, Range<usize>)> = Vec::new();
    let mut to = p.start;
    for (c, r) in conditions.iter().rev() {
        if r.end > p.start || !inside(r, clause) {
            continue;
        }
        if words_between(s.text, r.end, to) > OBJECT_REACH_WORDS {
            break;
        }
        let denied = negators.iter().any(|&n| {
            s.hits.iter().any(|(l, x)| {
                *l == n && x.end <= r.start && words_between(s.text, x.end, r.start) <= 1
            })
        });
        if !denied {
            out.push((*c, r.clone()));
        }
        to = r.start;
    }
    out.reverse();
    out
}

/// The treatment an approval or designation word at `at` speaks of: the nearest before it in its
/// clause ("semaglutide is an FDA-approved …"), else the nearest after it ("FDA-approved TMS").
fn named_near<'t>(
    treatments: &'t [(TreatmentId, Range<usize>)],
    at: &Range<usize>,
    clause: &Range<usize>,
) -> Option<&'t (TreatmentId, Range<usize>)> {
    let in_clause = || treatments.iter().filter(|(_, t)| inside(t, clause));
    in_clause()
        .filter(|(_, t)| t.end <= at.start)
        .min_by_key(|(_, t)| distance(t, at))
        .or_else(|| in_clause().min_by_key(|(_, t)| distance(t, at)))
}

/// The hits of lexicon `want` in `s`, nested ones dropped ("fda-approved" holds "approved").
fn hits_of(s: &Sentence<'_>, want: Option<LexId>) -> Vec<(LexId, Range<usize>)> {
    outermost(
        &s.hits
            .iter()
            .filter(|(l, _)| Some(*l) == want)
            .cloned()
            .collect::<Vec<_>>(),
    )
}

fn distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

fn words_between(text: &str, from: usize, to: usize) -> usize {
    text.get(from..to)
        .map_or(usize::MAX, |t| t.split_whitespace().count())
}

/// Whether a negator between the objects and the predicate denies it ("adults whose depression
/// has not responded to …" describes them; it claims nothing).
fn denied_here(s: &Sentence<'_>, words: &Words, first: &Range<usize>, p: &Range<usize>) -> bool {
    s.hits.iter().any(|(l, r)| {
        words.benefit_negated_by.contains(l)
            && r.start >= first.end
            && r.end <= p.start
            && crate::check::governs(s.text, r.end..p.start, s.hits, words.negation_stop)
    })
}

/// The subject of a benefit told from the patient's side whose objects start at `first`: the
/// nearest treatment, or word pointing at the page's, before them in the clause, unless another
/// agent stands between.
fn subject_before(
    s: &Sentence<'_>,
    words: &Words,
    treatments: &[(TreatmentId, Range<usize>)],
    first: &Range<usize>,
    clause: &Range<usize>,
) -> Option<Subject> {
    let before = |r: &Range<usize>| r.end <= first.start && r.start >= clause.start;
    let hit_before = |lex: Option<LexId>| {
        lex.and_then(|x| {
            s.hits
                .iter()
                .filter(|(l, r)| *l == x && before(r))
                .map(|(_, r)| r.end)
                .max()
        })
    };
    let other = hit_before(words.other_subject);
    let named = treatments.iter().rev().find(|(_, t)| before(t));
    let generic = hit_before(words.generic_subject);
    match (named, generic) {
        (Some((t, tr)), g) if g.is_none_or(|g| g <= tr.end) => other
            .is_none_or(|o| o <= tr.end)
            .then_some(Subject::Named(*t)),
        (_, Some(g)) => other.is_none_or(|o| o <= g).then_some(Subject::Page),
        _ => None,
    }
}

/// The subject of a benefit at `b`: the nearest treatment before it in the sentence, else one
/// after it in its clause; else the page's, unless another agent stands before the benefit in
/// its clause ("antidepressants relieve …").
fn subject_for(
    s: &Sentence<'_>,
    words: &Words,
    treatments: &[(TreatmentId, Range<usize>)],
    b: &Range<usize>,
    clause: &Range<usize>,
    use_claim: bool,
) -> Option<Subject> {
    let before = treatments.iter().rev().find(|(_, t)| t.end <= b.start);
    let other_before = words.other_subject.and_then(|o| {
        s.hits
            .iter()
            .filter(|(l, r)| *l == o && r.end <= b.start && r.start >= clause.start)
            .map(|(_, r)| r.clone())
            .next_back()
    });
    if let Some((t, tr)) = before {
        // Another agent nearer the benefit, in its clause, takes it.
        if other_before.as_ref().is_some_and(|o| o.start > tr.end) {
            return None;
        }
        return Some(Subject::Named(*t));
    }
    if let Some((t, _)) = treatments
        .iter()
        .find(|(_, t)| t.start >= b.end && inside(t, clause))
    {
        return Some(Subject::Named(*t));
    }
    if other_before.is_some() {
        return None;
    }
    // The page's treatment only when the sentence points at it ("it", "this therapy", "our
    // infusions") or leaves the subject out (a heading, a bullet: the benefit opens the clause).
    let generic = words.generic_subject.is_some_and(|g| {
        s.hits
            .iter()
            .any(|(l, r)| *l == g && r.end <= b.start && r.start >= clause.start)
    });
    // A heading or bullet that opens with the benefit, or a heading that only describes it
    // ("Fast, Lasting Relief from …"), leaves out the page's treatment.
    let opens = s.heading || words_between(s.text, clause.start, b.start) <= 1;
    // A use claim speaks in the clinic's voice about its own treatment ("we use it for …").
    (generic || opens || use_claim).then_some(Subject::Page)
}

/// Whether object `i` of a claim about `t` lies outside what `t` may be said to do: for a
/// benefit, outside its authorised or tolerated uses; for an approval, outside its authorised
/// uses and not narrowed to one by a later object.
fn breaches(
    claim: &Claim,
    i: usize,
    t: TreatmentId,
    dict: &Dictionary,
    jurisdiction: &str,
) -> bool {
    let c = claim.objects[i].0;
    match claim.predicate {
        Predicate::Benefit => {
            // "For men with testosterone deficiency, it restores libido": a wanted outcome
            // claimed for people with an authorised condition stays inside that use.
            let cond = &dict.conditions[usize::from(c)];
            let for_authorised = || {
                claim
                    .population
                    .iter()
                    .any(|&p| dict.benefit_covered(t, p, jurisdiction))
            };
            !dict.benefit_covered(t, c, jurisdiction)
                && !((cond.outcome || cond.desirable) && for_authorised())
        }
        Predicate::Approval(_) | Predicate::Designation(_) => {
            // "Approved for adults with obesity and a weight-related condition such as high
            // blood pressure": a condition that describes who qualifies, beside an authorised
            // use, is not a use of its own.
            let describes_who = || {
                claim.population.contains(&c)
                    && claim
                        .objects
                        .iter()
                        .any(|&(o, _)| o != c && dict.approval_covered(t, o, jurisdiction))
            };
            !dict.approval_covered(t, c, jurisdiction)
                && !narrowed(claim, i, dict)
                && !describes_who()
        }
    }
}

/// The judgement of a claim about `t`, and the condition it turns on, if it breaches.
#[must_use]
pub fn judge(
    claim: &Claim,
    t: TreatmentId,
    dict: &Dictionary,
    jurisdiction: &str,
) -> Option<(Judge, Option<usize>)> {
    let breach = |i: usize| breaches(claim, i, t, dict, jurisdiction);
    let n = claim.objects.len();
    match claim.predicate {
        Predicate::Benefit => {
            let outcome = |i: usize| dict.conditions[usize::from(claim.objects[i].0)].outcome;
            // A disease outside the authorisation makes the claim off-label; wellness outcomes
            // alone make it an unsupported efficacy claim.
            if let Some(i) = (0..n).find(|&i| breach(i) && !outcome(i)) {
                return Some((Judge::OffLabel, Some(i)));
            }
            (0..n)
                .find(|&i| breach(i))
                .map(|i| (Judge::Outcome, Some(i)))
        }
        Predicate::Approval(word) => {
            let kind = dict
                .authorisation(t, jurisdiction)
                .map_or(AuthKind::None, |a| a.kind);
            match (word, kind) {
                (_, AuthKind::None | AuthKind::Prohibited) => Some((Judge::Unauthorised, None)),
                (
                    AuthKind::Approved | AuthKind::Licensed,
                    AuthKind::Cleared | AuthKind::Granted,
                ) => Some((Judge::WrongKind, None)),
                _ => (0..n)
                    .find(|&i| breach(i))
                    .map(|i| (Judge::BeyondScope, Some(i))),
            }
        }
        Predicate::Designation(name) => {
            let holds = dict
                .authorisation(t, jurisdiction)
                .is_some_and(|a| a.designations.iter().any(|d| d == name));
            (!holds).then_some((Judge::Designation, None))
        }
    }
}

/// Whether object `i` is narrowed by a later object of the same family ("depressive symptoms
/// … with acute suicidal thoughts" is the narrower condition, not depression at large).
#[must_use]
pub fn narrowed(claim: &Claim, i: usize, dict: &Dictionary) -> bool {
    let (c, _) = claim.objects[i];
    claim.objects[i + 1..]
        .iter()
        .any(|(later, _)| *later != c && dict.is_within(*later, c))
}

/// Whether an approval claim states a correct scope: it names uses, and each is authorised or
/// narrowed by a later one ("approved for adults with treatment-resistant depression").
#[must_use]
pub fn states_scope(claim: &Claim, t: TreatmentId, dict: &Dictionary, jurisdiction: &str) -> bool {
    // A scope word ("only", "treatment-resistant") qualifies the claim against misstatement
    // findings, and is exactly what makes it state the scope: `qualified` is not read here.
    matches!(claim.predicate, Predicate::Approval(_))
        && !claim.objects.is_empty()
        && claim.objects.iter().enumerate().all(|(i, (c, _))| {
            dict.approval_covered(t, *c, jurisdiction) || narrowed(claim, i, dict)
        })
}

/// The last object of a claim that breaches, for the end of its span.
#[must_use]
pub fn last_breach(claim: &Claim, t: TreatmentId, dict: &Dictionary, jurisdiction: &str) -> usize {
    (0..claim.objects.len())
        .rev()
        .find(|&i| breaches(claim, i, t, dict, jurisdiction))
        .unwrap_or(0)
}
