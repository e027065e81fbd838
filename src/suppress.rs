//! Inline suppressions: directives in the comments a document carries (issue 4).
//!
//! ```text
//! <!-- claimlint-disable-next-line hype/miracle, efficacy -- quoting a patient review -->
//! <!-- claimlint-disable caveat -- the caveats are on the linked safety page -->
//! …
//! <!-- claimlint-enable caveat -->
//! <!-- claimlint-disable-file hype -- a press-release archive, kept verbatim -->
//! ```
//!
//! Plain text has no comments, so a line of its own starting `claimlint-` is one (the plain
//! extractor hands it over as a [`Comment`]). A directive names rules as the `--select` flag does:
//! a rule id, an id prefix (`ketamine/`) or a category (`hype`).
//!
//! What a directive covers is decided by where a finding *starts*: the next non-blank line after a
//! `disable-next-line` comment (lines holding only another comment are skipped, so directives can
//! be stacked); from a `disable` comment to the matching `enable` comment (or the end of the file);
//! the whole file for `disable-file`. A missing-caveat finding sits at the first mention of its
//! topic, so a region or file directive is the practical way to suppress one.
//!
//! Suppressions are checked themselves, as meta rules that live here rather than in a ruleset
//! (see [`MetaRule`]): a directive without a `-- reason` still works but is a warning, so every
//! exception to the rules is explained in the copy; one naming no known rule is a warning; and with
//! `--report-unused-suppressions` (on by default when `CI` is set) a rule named by a directive that
//! suppressed nothing is reported, so stale suppressions do not pile up.

use crate::check::Finding;
use crate::config::{selector_is_known, selector_matches};
use crate::extract::Comment;
use crate::report::{MetaFinding, MetaRule};
use crate::rules::RuleSet;
use std::ops::Range;

/// Every directive starts with this.
const PREFIX: &str = "claimlint-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Region,
    File,
    Enable,
}

impl Kind {
    fn parse(keyword: &str) -> Option<Self> {
        Some(match keyword {
            "claimlint-disable-next-line" => Self::NextLine,
            "claimlint-disable" => Self::Region,
            "claimlint-disable-file" => Self::File,
            "claimlint-enable" => Self::Enable,
            _ => return None,
        })
    }
}

/// One rule selector of one directive, with the bytes where findings it matches are suppressed.
#[derive(Debug)]
struct Entry {
    selector: String,
    /// Source byte range of the directive's comment, for diagnostics about it.
    comment: Range<usize>,
    /// A finding starting in this range is suppressed.
    scope: Range<usize>,
    used: bool,
}

/// The suppressions of one document.
#[derive(Debug, Default)]
pub struct Suppressions {
    entries: Vec<Entry>,
    /// Problems with the directives themselves (no reason, unknown rule, stray enable).
    problems: Vec<MetaFinding>,
}

impl Suppressions {
    /// Reads the directives among `comments` (in any order) of the source `text`.
    #[must_use]
    pub fn parse(comments: &[Comment], text: &str, rules: &RuleSet) -> Self {
        let mut comments: Vec<&Comment> = comments.iter().collect();
        comments.sort_by_key(|c| c.src.start);
        let mut s = Self::default();
        // Open `disable` regions: indices into `entries`.
        let mut open: Vec<usize> = Vec::new();
        for c in &comments {
            let body = c.text.trim();
            if !body.starts_with(PREFIX) {
                continue;
            }
            let (head, reason) = match body.split_once("--") {
                Some((h, r)) => (h, Some(r.trim())),
                None => (body, None),
            };
            let mut words = head
                .split([',', ' ', '\t', '\n', '\r'])
                .filter(|w| !w.is_empty());
            let keyword = words.next().unwrap_or_default();
            let selectors: Vec<&str> = words.collect();
            let Some(kind) = Kind::parse(keyword) else {
                s.problem(
                    MetaRule::InvalidSuppression,
                    c,
                    format!("unknown directive `{keyword}`"),
                );
                continue;
            };
            if kind == Kind::Enable {
                s.enable(&selectors, c, &mut open);
                continue;
            }
            if selectors.is_empty() {
                s.problem(
                    MetaRule::InvalidSuppression,
                    c,
                    format!("`{keyword}` names no rule or category"),
                );
                continue;
            }
            if reason.is_none_or(str::is_empty) {
                s.problem(
                    MetaRule::SuppressionWithoutReason,
                    c,
                    "suppression without a reason".to_string(),
                );
            }
            let scope = match kind {
                Kind::NextLine => next_line(text, c.src.end, &comments),
                Kind::Region => c.src.end..usize::MAX,
                _ => 0..usize::MAX,
            };
            for sel in selectors {
                if !selector_is_known(sel, rules) {
                    s.problem(
                        MetaRule::InvalidSuppression,
                        c,
                        format!("`{sel}` matches no rule or category"),
                    );
                    continue;
                }
                if kind == Kind::Region {
                    open.push(s.entries.len());
                }
                s.entries.push(Entry {
                    selector: sel.to_string(),
                    comment: c.src.clone(),
                    scope: scope.clone(),
                    used: false,
                });
            }
        }
        s
    }

    /// Closes the open regions an `enable` names (all of them when it names none).
    fn enable(&mut self, selectors: &[&str], c: &Comment, open: &mut Vec<usize>) {
        let close = |entry: &mut Entry| entry.scope.end = c.src.start;
        if selectors.is_empty() {
            for i in open.drain(..) {
                close(&mut self.entries[i]);
            }
            return;
        }
        for sel in selectors {
            let before = open.len();
            open.retain(|&i| {
                let hit = self.entries[i].selector == *sel;
                if hit {
                    close(&mut self.entries[i]);
                }
                !hit
            });
            if open.len() == before {
                self.problem(
                    MetaRule::InvalidSuppression,
                    c,
                    format!("no open `claimlint-disable {sel}` to enable"),
                );
            }
        }
    }

    fn problem(&mut self, rule: MetaRule, c: &Comment, message: String) {
        self.problems.push(MetaFinding {
            rule,
            span: c.src.clone(),
            message,
        });
    }

    /// Removes the suppressed findings and returns the diagnostics about the directives, sorted by
    /// offset: the problems found while parsing, and with `report_unused` each named rule that
    /// suppressed nothing.
    #[must_use]
    pub fn apply(
        mut self,
        findings: &mut Vec<Finding>,
        rules: &RuleSet,
        report_unused: bool,
    ) -> Vec<MetaFinding> {
        findings.retain(|f| {
            let rule = &rules.rules[f.rule];
            let mut suppressed = false;
            // Every matching entry is marked used, not just the first, so overlapping directives
            // are not reported as unused.
            for e in &mut self.entries {
                if e.scope.contains(&f.span.start) && selector_matches(&e.selector, rule) {
                    e.used = true;
                    suppressed = true;
                }
            }
            !suppressed
        });
        let mut out = self.problems;
        if report_unused {
            out.extend(
                self.entries
                    .iter()
                    .filter(|e| !e.used)
                    .map(|e| MetaFinding {
                        rule: MetaRule::UnusedSuppression,
                        span: e.comment.clone(),
                        message: format!("unused suppression: `{}` matched no finding", e.selector),
                    }),
            );
        }
        out.sort_by_key(|m| m.span.start);
        out
    }
}

/// The byte range of the first line after the one `from` is on that is neither blank nor only a
/// comment; empty when there is none.
fn next_line(text: &str, from: usize, comments: &[&Comment]) -> Range<usize> {
    let Some(nl) = text.get(from..).and_then(|t| t.find('\n')) else {
        return 0..0;
    };
    let mut start = from + nl + 1;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let lead = line.len() - line.trim_start().len();
        let content = start + lead..start + line.trim_end().len();
        let only_comment = comments
            .iter()
            .any(|c| c.src.start == content.start && c.src.end >= content.end);
        if !content.is_empty() && !only_comment {
            return start..end;
        }
        start = end + 1;
    }
    0..0
}
