//! The treatment dictionary and the conditions vocabulary: facts as data.
//!
//! `[[treatment]]` and `[[condition]]` entries (rulesets/treatments.toml, rulesets/conditions.toml,
//! or a user's `--ruleset`) say what each treatment is, what it is authorised for in each
//! jurisdiction, and which words name each condition. Compiling turns every entry's names into a
//! lexicon of its own (`treatment:<id>`, `condition:<id>`, plus `any-treatment` for all treatment
//! names), so they share the one automaton with everything else; the decision step then looks
//! facts up by the lexicon a hit belongs to. Adding a treatment is an entry, never a rule or a
//! regex alternation.

use super::compile::{LexId, Lexicon, RulesetError};
use super::profile::{Basis, ProfileInfo};
use super::schema::{AuthKind, RawLexicon, RawRuleset, TreatmentKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::Spanned;

pub const TREATMENT_PREFIX: &str = "treatment:";
pub const CONDITION_PREFIX: &str = "condition:";
/// The lexicon of every treatment name: what dictionary-driven caveats are triggered by.
pub const ANY_TREATMENT: &str = "any-treatment";
pub const COMPOUNDED_PREFIX: &str = "compounded-cue:";

/// The jurisdiction judged until profiles choose another.
pub const DEFAULT_JURISDICTION: &str = "us";

pub type TreatmentId = u16;
pub type ConditionId = u16;

/// The compiled dictionary, with the lexicon of each entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dictionary {
    pub treatments: Vec<Treatment>,
    pub conditions: Vec<Condition>,
    /// For each lexicon: the treatment it names, if any.
    lex_treatment: Vec<Option<TreatmentId>>,
    /// For each lexicon: the condition it names, if any.
    lex_condition: Vec<Option<ConditionId>>,
    /// The jurisdiction profiles' facts (`[[profile]]`).
    pub profiles: Vec<ProfileInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Treatment {
    pub id: String,
    pub name: String,
    pub kind: TreatmentKind,
    pub clinic: bool,
    pub controlled: Option<String>,
    pub risks: Vec<String>,
    pub tolerated: Vec<ConditionId>,
    pub compounded_form: Option<TreatmentId>,
    /// The lexicon of words that show this page sells the compounded form.
    pub compounded_cues: Option<LexId>,
    pub authorisations: Vec<(String, Authorisation)>,
    pub lexicon: LexId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Authorisation {
    pub kind: AuthKind,
    pub uses: Vec<ConditionId>,
    pub statement: String,
    pub basis: String,
    pub verified: bool,
    pub designations: Vec<String>,
    /// A prescription-only medicine in this jurisdiction.
    pub prescription_only: bool,
    /// Public advertising may state only name, price and quantity (Canada): a claim about it
    /// breaches, naming it does not.
    pub name_price_quantity: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Condition {
    pub id: String,
    pub group: String,
    pub parent: Option<ConditionId>,
    pub outcome: bool,
    pub desirable: bool,
    pub lexicon: LexId,
}

impl AuthKind {
    /// Whether the authorisation lets the product be called "approved" (or "licensed").
    #[must_use]
    pub fn is_approval(self) -> bool {
        matches!(self, Self::Approved | Self::Licensed)
    }

    /// The word a correct statement would use.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Licensed => "licensed",
            Self::Cleared => "cleared",
            Self::Granted => "granted marketing authorisation",
            Self::None => "not authorised",
            Self::Prohibited => "declared to have no medical use",
        }
    }
}

impl Dictionary {
    #[must_use]
    pub fn treatment_of(&self, l: LexId) -> Option<TreatmentId> {
        self.lex_treatment.get(l).copied().flatten()
    }

    #[must_use]
    pub fn condition_of(&self, l: LexId) -> Option<ConditionId> {
        self.lex_condition.get(l).copied().flatten()
    }

    #[must_use]
    pub fn treatment(&self, t: TreatmentId) -> &Treatment {
        &self.treatments[usize::from(t)]
    }

    #[must_use]
    pub fn authorisation(&self, t: TreatmentId, jurisdiction: &str) -> Option<&Authorisation> {
        self.treatment(t)
            .authorisations
            .iter()
            .find(|(j, _)| j == jurisdiction)
            .map(|(_, a)| a)
    }

    /// The dictionary with its per-lexicon maps covering `lexicons` lexicons: the embedded one
    /// under rulesets that add lexicons but no entries (see `RuleSet::compile_over`).
    #[must_use]
    pub(crate) fn covering(mut self, lexicons: usize) -> Self {
        self.lex_treatment.resize(lexicons, None);
        self.lex_condition.resize(lexicons, None);
        self
    }

    /// Whether `a` is `c` or one of its broader conditions.
    #[must_use]
    pub fn is_within(&self, c: ConditionId, a: ConditionId) -> bool {
        self.within(c, a)
    }

    fn within(&self, c: ConditionId, a: ConditionId) -> bool {
        let mut at = Some(c);
        while let Some(x) = at {
            if x == a {
                return true;
            }
            at = self.conditions[usize::from(x)].parent;
        }
        false
    }

    /// Whether a benefit claimed for `c` stays inside what `t` is authorised (or tolerated) for:
    /// the use itself, a narrower form of it, or the broader condition it belongs to ("helps with
    /// depression" for a treatment authorised for treatment-resistant depression is a benefit
    /// claim; broadening it is judged when approval is stated).
    #[must_use]
    pub fn benefit_covered(&self, t: TreatmentId, c: ConditionId, jurisdiction: &str) -> bool {
        let tr = self.treatment(t);
        let uses = self
            .authorisation(t, jurisdiction)
            .map(|a| a.uses.as_slice())
            .unwrap_or_default();
        uses.iter()
            .chain(&tr.tolerated)
            .any(|&u| self.within(c, u) || self.within(u, c))
    }

    /// Whether an approval stated for `c` is inside the authorised uses (the use or a narrower
    /// form of it; never a broader one).
    #[must_use]
    pub fn approval_covered(&self, t: TreatmentId, c: ConditionId, jurisdiction: &str) -> bool {
        self.authorisation(t, jurisdiction)
            .is_some_and(|a| a.uses.iter().any(|&u| self.within(c, u)))
    }
}

/// Adds the lexicons that name dictionary entries to the files that define them, before the
/// rulesets are compiled (they join the automaton like any lexicon).
pub(crate) fn add_lexicons(files: &mut [RawRuleset]) {
    let mut all: Vec<Spanned<String>> = Vec::new();
    let mut home = None;
    for (i, file) in files.iter_mut().enumerate() {
        let mut added = Vec::new();
        for t in &file.treatment {
            let t_ref = t.get_ref();
            all.extend(t_ref.names.iter().cloned());
            home.get_or_insert(i);
            added.push((
                format!("{TREATMENT_PREFIX}{}", t_ref.id.get_ref()),
                lexicon(t, &t_ref.name, &t_ref.names),
            ));
            if !t_ref.compounded_cues.is_empty() {
                added.push((
                    format!("{COMPOUNDED_PREFIX}{}", t_ref.id.get_ref()),
                    lexicon(t, "signs of its compounded form", &t_ref.compounded_cues),
                ));
            }
        }
        for c in &file.condition {
            let c_ref = c.get_ref();
            added.push((
                format!("{CONDITION_PREFIX}{}", c_ref.id.get_ref()),
                lexicon(c, c_ref.id.get_ref(), &c_ref.names),
            ));
        }
        for (name, lex) in added {
            file.lexicon.entry(name).or_insert(lex);
        }
    }
    if let Some(i) = home {
        let span = 0..0;
        files[i]
            .lexicon
            .entry(ANY_TREATMENT.into())
            .or_insert_with(|| {
                Spanned::new(
                    span,
                    RawLexicon {
                        description: "Every name of every treatment in the dictionary.".into(),
                        phrases: all,
                        patterns: Vec::new(),
                        exceptions: Vec::new(),
                        exception_patterns: Vec::new(),
                        clause_bound: false,
                        sentence_wide: false,
                    },
                )
            });
    }
}

fn lexicon<T>(entry: &Spanned<T>, what: &str, names: &[Spanned<String>]) -> Spanned<RawLexicon> {
    Spanned::new(
        entry.span(),
        RawLexicon {
            description: format!("Names of {what} (from the dictionary)."),
            phrases: names.to_vec(),
            patterns: Vec::new(),
            exceptions: Vec::new(),
            exception_patterns: Vec::new(),
            clause_bound: false,
            sentence_wide: false,
        },
    )
}

/// Resolves the dictionary's references (condition ids, compounded forms) once its lexicons are
/// numbered. Every unknown id is an error at its place in the TOML.
#[allow(
    clippy::too_many_lines,
    reason = "the dictionary's passes in order: number, link parents, resolve treatments"
)]
pub(crate) fn compile(
    files: &[RawRuleset],
    lexicons: &[Lexicon],
) -> Result<Dictionary, Vec<RulesetError>> {
    let lex_id: HashMap<&str, LexId> = lexicons
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut dict = Dictionary {
        lex_treatment: vec![None; lexicons.len()],
        lex_condition: vec![None; lexicons.len()],
        ..Dictionary::default()
    };
    let mut cond_ids: HashMap<String, ConditionId> = HashMap::new();
    let mut treat_ids: HashMap<String, TreatmentId> = HashMap::new();
    for (src, file) in files.iter().enumerate() {
        for c in &file.condition {
            let id = c.get_ref().id.get_ref();
            let n = ConditionId::try_from(dict.conditions.len()).unwrap_or(ConditionId::MAX);
            if cond_ids.insert(id.clone(), n).is_some() {
                errors.push(err(
                    src,
                    c.get_ref().id.span(),
                    format!("condition `{id}` is defined twice"),
                ));
                continue;
            }
            let lexicon = lex_id[format!("{CONDITION_PREFIX}{id}").as_str()];
            dict.lex_condition[lexicon] = Some(n);
            dict.conditions.push(Condition {
                id: id.clone(),
                group: c.get_ref().group.clone(),
                parent: None,
                outcome: c.get_ref().outcome,
                desirable: c.get_ref().desirable,
                lexicon,
            });
        }
        for t in &file.treatment {
            let id = t.get_ref().id.get_ref();
            let n = TreatmentId::try_from(treat_ids.len()).unwrap_or(TreatmentId::MAX);
            if treat_ids.insert(id.clone(), n).is_some() {
                errors.push(err(
                    src,
                    t.get_ref().id.span(),
                    format!("treatment `{id}` is defined twice"),
                ));
            }
        }
    }
    let cond = |src: usize, s: &Spanned<String>, errors: &mut Vec<RulesetError>| {
        let c = cond_ids.get(s.get_ref()).copied();
        if c.is_none() {
            errors.push(err(
                src,
                s.span(),
                format!("unknown condition `{}`", s.get_ref()),
            ));
        }
        c
    };
    let mut next = 0;
    for (src, file) in files.iter().enumerate() {
        for c in &file.condition {
            if let Some(p) = &c.get_ref().parent {
                let parent = cond(src, p, &mut errors);
                if let Some(slot) = dict.conditions.get_mut(next) {
                    slot.parent = parent;
                }
            }
            next += 1;
        }
    }
    for (src, file) in files.iter().enumerate() {
        for t in &file.treatment {
            let raw = t.get_ref();
            let id = raw.id.get_ref();
            let lexicon = lex_id[format!("{TREATMENT_PREFIX}{id}").as_str()];
            let n = TreatmentId::try_from(dict.treatments.len()).unwrap_or(TreatmentId::MAX);
            dict.lex_treatment[lexicon] = Some(n);
            let mut authorisations = Vec::new();
            for (j, a) in &raw.authorisation {
                authorisations.push((
                    j.clone(),
                    Authorisation {
                        kind: a.kind,
                        uses: a
                            .uses
                            .iter()
                            .filter_map(|u| cond(src, u, &mut errors))
                            .collect(),
                        statement: a.statement.trim_end_matches('.').to_string(),
                        basis: a.basis.clone(),
                        verified: a.verified,
                        designations: a.designations.clone(),
                        prescription_only: a.prescription_only,
                        name_price_quantity: a.name_price_quantity,
                    },
                ));
            }
            let compounded_form = raw.compounded_form.as_ref().and_then(|f| {
                let found = treat_ids.get(f.get_ref()).copied();
                if found.is_none() {
                    errors.push(err(
                        src,
                        f.span(),
                        format!("unknown treatment `{}`", f.get_ref()),
                    ));
                }
                found
            });
            dict.treatments.push(Treatment {
                id: id.clone(),
                name: raw.name.clone(),
                kind: raw.kind,
                clinic: raw.clinic,
                controlled: raw.controlled.clone(),
                risks: raw.risks.clone(),
                tolerated: raw
                    .tolerated_uses
                    .iter()
                    .filter_map(|u| cond(src, u, &mut errors))
                    .collect(),
                compounded_form,
                compounded_cues: lex_id
                    .get(format!("{COMPOUNDED_PREFIX}{id}").as_str())
                    .copied(),
                authorisations,
                lexicon,
            });
        }
    }
    for (src, file) in files.iter().enumerate() {
        for p in &file.profile {
            let raw = p.get_ref();
            if dict.profiles.iter().any(|q| q.id == raw.id) {
                errors.push(err(
                    src,
                    p.span(),
                    format!("profile `{}` is defined twice", raw.id),
                ));
                continue;
            }
            let basis = |c: &super::schema::RawCite| Basis {
                jurisdiction: raw.id,
                cite: c.cite.clone(),
                verified: c.verified,
            };
            dict.profiles.push(ProfileInfo {
                id: raw.id,
                name: raw.name.clone(),
                basis: basis(&raw.basis),
                restricted: raw
                    .restricted_conditions
                    .iter()
                    .filter_map(|c| cond(src, c, &mut errors))
                    .collect(),
                restricted_basis: raw.restricted_basis.as_ref().map(basis),
            });
        }
    }
    if errors.is_empty() {
        Ok(dict)
    } else {
        Err(errors)
    }
}

fn err(source: usize, span: std::ops::Range<usize>, message: String) -> RulesetError {
    RulesetError {
        source,
        span: Some(span),
        message,
    }
}
