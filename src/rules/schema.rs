//! The ruleset file format as serde reads it: raw, unvalidated, with spans kept for the errors
//! that later validation reports. `deny_unknown_fields` everywhere, so a misspelt key is an error
//! at its line and column rather than a silently ignored setting.

use super::profile::Profile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleset {
    #[serde(default)]
    pub ruleset: Option<RawMeta>,
    /// Named phrase/pattern sets that rules refer to in `unless`, `requires`, `negated-by`,
    /// `trigger` and `present-if`, and inside patterns as `{name}`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Spanned<RawLexicon>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    /// Entries of the treatment dictionary (see [`super::dictionary`]).
    #[serde(default)]
    pub treatment: Vec<Spanned<RawTreatment>>,
    /// Entries of the conditions vocabulary.
    #[serde(default)]
    pub condition: Vec<Spanned<RawCondition>>,
    /// What each jurisdiction profile is called and restricts (see [`super::profile`]).
    #[serde(default)]
    pub profile: Vec<Spanned<RawProfile>>,
}

/// One jurisdiction profile's facts: its default legal basis and the conditions its law
/// restricts in advertising to the public.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProfile {
    pub id: Profile,
    pub name: String,
    /// The basis shown for a rule that has none of its own for this jurisdiction.
    pub basis: RawCite,
    /// Conditions the law bars as the subject of advertising to the public (Canada's Schedule
    /// A.1, Australia's restricted representations): condition ids.
    #[serde(default)]
    pub restricted_conditions: Vec<Spanned<String>>,
    /// Where `restricted-conditions` comes from.
    #[serde(default)]
    pub restricted_basis: Option<RawCite>,
}

/// A citation: the instrument and what it says, in our words; `verified = false` where we could
/// not confirm it against its source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCite {
    pub cite: String,
    #[serde(default = "yes")]
    pub verified: bool,
}

/// A rule's legal basis in one jurisdiction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBasis {
    pub jurisdiction: Profile,
    pub cite: String,
    #[serde(default = "yes")]
    pub verified: bool,
}

/// One treatment of the dictionary: names, kind, authorisations per jurisdiction, risks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTreatment {
    pub id: Spanned<String>,
    pub name: String,
    pub names: Vec<Spanned<String>>,
    pub kind: TreatmentKind,
    #[serde(default)]
    pub clinic: bool,
    #[serde(default)]
    pub controlled: Option<String>,
    #[serde(default)]
    pub risks: Vec<String>,
    #[serde(default)]
    pub tolerated_uses: Vec<Spanned<String>>,
    /// The treatment a page means when it names this one and speaks of compounding.
    #[serde(default)]
    pub compounded_form: Option<Spanned<String>>,
    /// Words that, for this treatment only, show the page sells the compounded form (brand
    /// GLP-1 drugs come in pens, so a vial means a compounded product).
    #[serde(default)]
    pub compounded_cues: Vec<Spanned<String>>,
    /// Keyed by jurisdiction (`us`, `uk`, `ca`, `au`, `eu`).
    pub authorisation: BTreeMap<String, RawAuthorisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAuthorisation {
    pub kind: AuthKind,
    #[serde(default)]
    pub uses: Vec<Spanned<String>>,
    /// What is and is not authorised, as one sentence a clinic could publish.
    pub statement: String,
    pub basis: String,
    #[serde(default = "yes")]
    pub verified: bool,
    /// Expedited-review designations held in this jurisdiction (`breakthrough`, `fast-track`):
    /// they speed review and authorise nothing.
    #[serde(default)]
    pub designations: Vec<String>,
    /// A prescription-only medicine in this jurisdiction: where the law bars advertising those
    /// to the public, naming it on a clinic page is the breach (`judge = "prescription-only"`).
    #[serde(default)]
    pub prescription_only: bool,
    /// Canada: public advertising of a prescription drug may state only its name, price and
    /// quantity (FDR C.01.044), so only a claim about it breaches; a narcotic may not be
    /// advertised at all. `false` (the default) means naming it is already the breach.
    #[serde(default)]
    pub name_price_quantity: bool,
}

/// One condition or wellness outcome, with the words copy uses for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCondition {
    pub id: Spanned<String>,
    pub group: String,
    #[serde(default)]
    pub parent: Option<Spanned<String>>,
    /// A wellness outcome (energy, ageing, detox) rather than a disease: an unsupported benefit
    /// for it is an efficacy claim, not an off-label one.
    #[serde(default)]
    pub outcome: bool,
    /// Something people want more of (energy, fertility): lowering it is a harm, not a benefit.
    #[serde(default)]
    pub desirable: bool,
    pub names: Vec<Spanned<String>>,
}

/// What kind of product or service a treatment is: it decides which approval words fit.
#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentKind {
    Drug,
    Biologic,
    Device,
    Procedure,
    Supplement,
    CompoundedDrug,
    UnapprovedProduct,
}

/// The kind of marketing authorisation a treatment holds in one jurisdiction.
#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AuthKind {
    /// A drug approval (or a device PMA).
    Approved,
    /// A biologic licence.
    Licensed,
    /// A device 510(k) clearance.
    Cleared,
    /// A device De Novo grant.
    Granted,
    None,
    /// The regulator says it has no medical use.
    Prohibited,
}

/// What the claim model judges for a rule that has no phrases of its own.
#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Judge {
    /// A benefit claimed for a condition outside the subject's authorised uses.
    OffLabel,
    /// A wellness outcome (energy, ageing, detox) claimed for a treatment not authorised for it.
    Outcome,
    /// "Approved" said of a treatment with no approval.
    Unauthorised,
    /// "Approved" said of a cleared or granted device.
    WrongKind,
    /// An approval stated for a use outside the authorised ones.
    BeyondScope,
    /// A review designation ("breakthrough therapy", "fast-tracked") the subject does not hold.
    Designation,
    /// A prescription-only medicine named on a page for the public, where the profile's law
    /// bars advertising those (its authorisation says `prescription-only`).
    PrescriptionOnly,
    /// A benefit claimed for a condition the profile restricts in public advertising.
    RestrictedCondition,
}

/// Which pages a dictionary-driven caveat applies to, by the page's main treatment.
#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AppliesIf {
    /// Any treatment of the dictionary.
    Any,
    /// A controlled substance.
    Controlled,
    /// A treatment given or supervised in a clinic.
    Clinic,
    /// A treatment with no authorisation, or a page that claims a use outside it.
    ApprovalGap,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLexicon {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Phrases that, overlapping a match of this lexicon, cancel it ("not only" for `not`).
    #[serde(default)]
    pub exceptions: Vec<Spanned<String>>,
    /// Patterns that cancel an overlapping match, for exceptions no phrase list can spell: a
    /// rhetorical "why wait … when …?" cancels the `?` that marks a real question.
    #[serde(default)]
    pub exception_patterns: Vec<Spanned<String>>,
    /// As a qualifier (`unless`), the lexicon counts only in the claim's own clause: a modal
    /// hedges its own verb ("the pills you may have tried, ketamine works at once").
    #[serde(default)]
    pub clause_bound: bool,
    /// A qualifier that governs its whole sentence ("research suggests that …", a question
    /// mark); others govern only their own clause.
    #[serde(default)]
    pub sentence_wide: bool,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Hype,
    Efficacy,
    OffLabel,
    Approval,
    Safety,
    Superiority,
    MissingCaveat,
    /// Advertising the profile's law bars outright, however worded (issue 25): a
    /// prescription-only medicine named to the public, a restricted disease, a testimonial.
    Advertising,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CaveatId {
    SideEffects,
    Supervision,
    ApprovalScope,
    Abuse,
    IndividualResults,
    Consult,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Sentence,
    Paragraph,
    Document,
}

#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// A word swap that keeps the meaning: `--fix` applies it.
    Safe,
    /// Changes a claim or adds text: applied only with `--unsafe-fixes`.
    #[default]
    Review,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRule {
    pub id: Spanned<String>,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub help: String,
    pub note: String,
    /// A concrete replacement for the matched words, when one keeps the sentence intact.
    #[serde(default)]
    pub replacement: Option<Spanned<String>>,
    #[serde(default)]
    pub applicability: Applicability,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub exceptions: Vec<Spanned<String>>,
    /// As for a lexicon: patterns that cancel an overlapping match.
    #[serde(default)]
    pub exception_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub negated_by: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless_scope: Scope,
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    #[serde(default)]
    pub requires_document: Vec<Spanned<String>>,
    /// Missing-caveat rules only.
    #[serde(default)]
    pub caveat: Option<CaveatId>,
    #[serde(default)]
    pub trigger: Vec<Spanned<String>>,
    /// Groups of lexicons: the caveat is present when every lexicon of some group matches in
    /// one sentence.
    #[serde(default)]
    pub present_if: Vec<Vec<Spanned<String>>>,
    /// Missing-caveat rules only: how many trigger mentions make a page promote the treatment.
    #[serde(default = "one")]
    pub min_triggers: usize,
    /// Lexicons that name the source of a figure: in the same or the next sentence, they
    /// qualify the match.
    #[serde(default)]
    pub sourced_by: Vec<Spanned<String>>,
    /// For a claim-model rule: what it judges (it has no phrases or patterns).
    #[serde(default)]
    pub judge: Option<Judge>,
    /// For a missing-caveat rule driven by the treatment dictionary: which pages it applies to.
    #[serde(default)]
    pub applies_if: Option<AppliesIf>,
    /// The profiles the rule applies in; empty: every profile.
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// The legal basis per jurisdiction: a finding shows the active profile's.
    #[serde(default)]
    pub basis: Vec<RawBasis>,
    /// Help text for a profile, replacing `help` there (a UK page is never told to name a US
    /// approval).
    #[serde(default)]
    pub profile_help: BTreeMap<Profile, String>,
    #[serde(default)]
    pub examples: RawExamples,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(default)]
    pub flag: Vec<String>,
    #[serde(default)]
    pub pass: Vec<String>,
}

fn one() -> usize {
    1
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl Category {
    pub const ALL: [Self; 8] = [
        Self::Hype,
        Self::Efficacy,
        Self::OffLabel,
        Self::Approval,
        Self::Safety,
        Self::Superiority,
        Self::MissingCaveat,
        Self::Advertising,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hype => "hype",
            Self::Efficacy => "efficacy",
            Self::OffLabel => "off-label",
            Self::Approval => "approval",
            Self::Safety => "safety",
            Self::Superiority => "superiority",
            Self::MissingCaveat => "missing-caveat",
            Self::Advertising => "advertising",
        }
    }
}

impl CaveatId {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SideEffects => "side-effects",
            Self::Supervision => "supervision",
            Self::ApprovalScope => "approval-scope",
            Self::Abuse => "abuse",
            Self::IndividualResults => "individual-results",
            Self::Consult => "consult",
        }
    }
}

impl Applicability {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Review => "review",
        }
    }
}
