//! Site repositories as they are (issue 22): which files are fragments rather than pages, and
//! which caveats a shared footer may count for.
//!
//! A partial, an include or a layout is part of many pages, so whether "the page" discloses a
//! caveat is a question for the pages that include it: a fragment gets span findings only. And a
//! footer that every page of a section shows (`[caveats] shared-footer`, or per path in an
//! `[[overrides]]` entry) counts only for the caveats of a treatment it names itself: the TMS
//! pages' footer naming TMS's side effects says nothing about ketamine's.
//!
//! Globs use the `ignore` crate's gitignore matcher, as every other path filter of the config.

use std::sync::{Arc, OnceLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::check::FooterNames;
use crate::document::Block;
use crate::rules::matcher::{Plan, Target};
use crate::rules::{Category, RuleSet};

/// Where site generators keep fragments: Jekyll's `_includes/` and `_layouts/`, Hugo's
/// `layouts/` (partials and page templates alike), Eleventy's and Astro's `_includes/`,
/// `partials/` and `components/` directories, and Next.js layout and app-shell files. The
/// config's `fragments` replaces the list.
pub const DEFAULT_FRAGMENTS: [&str; 10] = [
    "_includes/",
    "_layouts/",
    "layouts/",
    "partials/",
    "_partials/",
    "includes/",
    "components/",
    "layout.[jt]sx",
    "_app.[jt]sx",
    "_document.[jt]sx",
];

/// [`DEFAULT_FRAGMENTS`] compiled once: names without a leading slash match at any depth.
#[must_use]
pub fn default_fragments_ref() -> &'static Gitignore {
    static DEFAULT: OnceLock<Gitignore> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        let mut b = GitignoreBuilder::new("/");
        for g in DEFAULT_FRAGMENTS {
            // The list is ours and every entry parses (a test checks it).
            let _ = b.add_line(None, g);
        }
        b.build().unwrap_or_else(|_| Gitignore::empty())
    })
}

/// A shared footer: its prose, and what it names, which decides the caveats it may satisfy.
#[derive(Debug, Clone)]
pub struct Footer {
    pub blocks: Arc<[Block]>,
    /// By lexicon: `true` for a lexicon (a treatment's among them) the footer names.
    pub named: Arc<[bool]>,
    /// By rule index: `true` for a trigger-driven caveat rule one of whose triggers the footer
    /// names.
    pub counts: Arc<[bool]>,
}

impl Footer {
    /// The footer made of `blocks`; which caveats it counts for is decided by what it names: a
    /// dictionary-driven caveat rule (`applies-if`) is about the page's main treatment, which the
    /// footer must name itself (decided per page, see [`crate::check::Checker::footer_counts`]);
    /// a trigger-driven one needs one of its trigger lexicons in the footer.
    #[must_use]
    pub fn new(rules: &RuleSet, blocks: Vec<Block>) -> Self {
        let named = named_lexicons(rules, &blocks);
        let counts = rules
            .rules
            .iter()
            .map(|r| r.category == Category::MissingCaveat && r.trigger.iter().any(|&l| named[l]))
            .collect();
        Self {
            blocks: Arc::from(blocks),
            named: Arc::from(named),
            counts,
        }
    }

    /// What the checker needs to know of it.
    #[must_use]
    pub fn names(&self) -> FooterNames<'_> {
        FooterNames {
            lexicons: &self.named,
            trigger_rules: &self.counts,
        }
    }
}

/// Which lexicons occur anywhere in `blocks`.
fn named_lexicons(rules: &RuleSet, blocks: &[Block]) -> Vec<bool> {
    let mut named = vec![false; rules.lexicons.len()];
    let texts: Vec<&str> = blocks.iter().map(|b| b.lower.as_str()).collect();
    if texts.is_empty() {
        return named;
    }
    let scan = rules.matcher.scan_blocks(&texts, &|_| Plan::Run);
    for hit in scan.hits.iter().flatten() {
        if let Target::Lexicon(l) = hit.target {
            named[l] = true;
        }
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Format, extract};
    use crate::rules::builtin;
    use std::path::Path;

    #[test]
    fn default_fragments_match_at_any_depth() {
        let g = default_fragments_ref();
        assert_eq!(g.num_ignores(), DEFAULT_FRAGMENTS.len() as u64);
        let is = |p: &str| {
            g.matched_path_or_any_parents(Path::new(p), false)
                .is_ignore()
        };
        assert!(is("/site/_includes/footer.html"));
        assert!(is("/site/layouts/partials/caveats.html"));
        assert!(is("/w/app/components/Hero.tsx"));
        assert!(is("/w/app/layout.tsx"));
        assert!(!is("/site/content/ketamine.md"));
        assert!(!is("/w/app/page.tsx"));
    }

    #[test]
    fn a_footer_counts_for_the_treatments_it_names() {
        let rules = RuleSet::compile(builtin::sources()).expect("built-in rules");
        let footer = |text: &str| Footer::new(&rules, extract(Format::Text, text).blocks);
        let lexicon = |id: &str| {
            rules
                .dictionary
                .treatments
                .iter()
                .find(|t| t.id == id)
                .expect(id)
                .lexicon
        };
        let ketamine = footer("Ketamine can cause dissociation, nausea and raised blood pressure.");
        assert!(ketamine.named[lexicon("ketamine")]);
        let tms = footer("TMS can cause headaches and scalp discomfort.");
        assert!(!tms.named[lexicon("ketamine")]);
        assert!(tms.named[lexicon("tms")]);
        // Only caveat rules are ever counted for.
        let idx = |id: &str| rules.rules.iter().position(|r| r.id == id).expect(id);
        assert!(!ketamine.counts[idx("hype/game-changer")]);
    }
}
