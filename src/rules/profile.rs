//! Jurisdiction profiles (issue 25): which regulator's rules a page is judged under.
//!
//! A profile is a value threaded through a run (the command line's `--profile`, a config's
//! `profile = "…"`, per `[[overrides]]` path), never a global: the checker judges approvals and
//! off-label use against the dictionary's authorisation for the profile's jurisdiction, applies
//! only the rules whose `profiles` include it, and stamps it on each finding so that the
//! message, note and basis render for that jurisdiction. What a profile is called and which
//! conditions it restricts are data (`[[profile]]` in `rulesets/profiles.toml`); the set of
//! profiles is this enum, because the command line and config validate against it: serde and
//! the command line's `ValueEnum` (in `cli.rs`, so that the build script's copy of this file
//! needs no clap) both spell it by [`Profile::as_str`].

use serde::{Deserialize, Serialize};

/// A jurisdiction whose advertising rules a page is judged under.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// United States: FTC Act, with FDA labelling as the benchmark.
    #[default]
    Us,
    /// United Kingdom: ASA/CAP Code, Human Medicines Regulations 2012.
    Uk,
    /// Canada: Food and Drugs Act and Regulations.
    Ca,
    /// Australia: Therapeutic Goods Act and Advertising Code.
    Au,
    /// European Union: Directive 2001/83/EC Title VIII.
    Eu,
}

impl Profile {
    pub const ALL: [Self; 5] = [Self::Us, Self::Uk, Self::Ca, Self::Au, Self::Eu];

    /// The key the dictionary's `authorisation.<jurisdiction>` tables use.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Uk => "uk",
            Self::Ca => "ca",
            Self::Au => "au",
            Self::Eu => "eu",
        }
    }

    /// How messages name the jurisdiction ("US", "UK").
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Us => "US",
            Self::Uk => "UK",
            Self::Ca => "Canada",
            Self::Au => "Australia",
            Self::Eu => "EU",
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A legal basis in one jurisdiction: the instrument and what it says, in our words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    pub jurisdiction: Profile,
    pub cite: String,
    /// `false` where we could not confirm the citation against its source.
    pub verified: bool,
}

/// A profile's facts from the rulesets (`[[profile]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub id: Profile,
    pub name: String,
    /// The basis of a rule with none of its own for this jurisdiction.
    pub basis: Basis,
    /// Conditions the profile's law restricts in public advertising (condition ids).
    pub restricted: Vec<super::dictionary::ConditionId>,
    pub restricted_basis: Option<Basis>,
}

impl super::compile::Rule {
    /// Whether the rule applies under `profile`.
    #[must_use]
    pub fn applies_in(&self, profile: Profile) -> bool {
        self.profiles.is_empty() || self.profiles.contains(&profile)
    }

    /// The rule's help under `profile`.
    #[must_use]
    pub fn help_in(&self, profile: Profile) -> &str {
        self.profile_help
            .iter()
            .find(|(p, _)| *p == profile)
            .map_or(self.help.as_str(), |(_, h)| h.as_str())
    }

    /// The rule's own basis under `profile`, if it has one.
    #[must_use]
    pub fn own_basis(&self, profile: Profile) -> Option<&Basis> {
        self.basis.iter().find(|b| b.jurisdiction == profile)
    }
}

impl super::compile::RuleSet {
    /// What the rulesets say about `profile`, if anything.
    #[must_use]
    pub fn profile(&self, profile: Profile) -> Option<&ProfileInfo> {
        self.dictionary.profiles.iter().find(|p| p.id == profile)
    }

    /// The basis a finding of `rule` shows under `profile`: the rule's own for that
    /// jurisdiction, else (for a rule with a basis elsewhere, or none) the profile's default.
    /// For the US profile a rule whose `note` already carries its basis needs neither.
    #[must_use]
    pub fn basis<'a>(
        &'a self,
        rule: &'a super::compile::Rule,
        profile: Profile,
    ) -> Option<&'a Basis> {
        rule.own_basis(profile)
            .or_else(|| self.profile(profile).map(|p| &p.basis))
    }
}
