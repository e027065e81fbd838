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
        let mut memo = NextLineMemo::default();
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
                Kind::NextLine => next_line(text, c.src.end, &comments, &mut memo),
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

    /// Which findings a directive covers, marking every entry that covers one as used — not just
    /// the first, so overlapping directives are not reported as unused.
    ///
    /// One sweep in offset order (issue 21: a scan of every entry for every finding was
    /// quadratic, 32 s for 80,000 `disable-next-line` comments). Entries are added as the sweep
    /// passes their start; each distinct selector keeps the furthest end of its started entries
    /// (a finding at `p` is covered when that end is past `p`) and the started entries not yet
    /// used, which the first covered finding marks and drops. Selectors must name a known rule,
    /// prefix or category, so there are at most a few hundred distinct ones whatever the file.
    fn mark(&mut self, findings: &[Finding], rules: &RuleSet) -> Vec<bool> {
        struct Active {
            selector: usize,
            furthest: usize,
            pending: Vec<usize>,
        }
        let mut suppressed = vec![false; findings.len()];
        if self.entries.is_empty() {
            return suppressed;
        }
        let mut by_start: Vec<usize> = (0..self.entries.len()).collect();
        by_start.sort_by_key(|&i| self.entries[i].scope.start);
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by_key(|&i| findings[i].span.start);
        let mut active: Vec<Active> = Vec::new();
        let mut slot: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut used = vec![false; self.entries.len()];
        let mut next = 0;
        for fi in order {
            let p = findings[fi].span.start;
            while next < by_start.len() && self.entries[by_start[next]].scope.start <= p {
                let ei = by_start[next];
                let e = &self.entries[ei];
                let k = *slot.entry(e.selector.as_str()).or_insert_with(|| {
                    active.push(Active {
                        selector: ei,
                        furthest: 0,
                        pending: Vec::new(),
                    });
                    active.len() - 1
                });
                active[k].furthest = active[k].furthest.max(e.scope.end);
                active[k].pending.push(ei);
                next += 1;
            }
            let rule = &rules.rules[findings[fi].rule];
            for a in &mut active {
                if a.furthest > p && selector_matches(&self.entries[a.selector].selector, rule) {
                    suppressed[fi] = true;
                    for ei in a.pending.drain(..) {
                        // An entry that ended before `p` covers no later finding either.
                        if self.entries[ei].scope.end > p {
                            used[ei] = true;
                        }
                    }
                }
            }
        }
        for (e, u) in self.entries.iter_mut().zip(used) {
            e.used |= u;
        }
        suppressed
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
        let suppressed = self.mark(findings, rules);
        let mut keep = suppressed.iter().map(|&s| !s);
        findings.retain(|_| keep.next().unwrap_or(true));
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

/// Answers of [`next_line`] already found, by the start of a line scanned on the way: stacked
/// `disable-next-line` comments all skip the same run of comment lines, and scanning it again for
/// each of them was quadratic (issue 21).
#[derive(Default)]
struct NextLineMemo {
    answer: std::collections::HashMap<usize, Range<usize>>,
}

/// The byte range of the first line after the one `from` is on that is neither blank nor only a
/// comment; empty when there is none. `comments` are sorted by start.
fn next_line(
    text: &str,
    from: usize,
    comments: &[&Comment],
    memo: &mut NextLineMemo,
) -> Range<usize> {
    let Some(nl) = text.get(from..).and_then(|t| t.find('\n')) else {
        return 0..0;
    };
    let mut start = from + nl + 1;
    let mut seen = Vec::new();
    let found = loop {
        if start >= text.len() {
            break 0..0;
        }
        if let Some(r) = memo.answer.get(&start) {
            break r.clone();
        }
        seen.push(start);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let lead = line.len() - line.trim_start().len();
        let content = start + lead..start + line.trim_end().len();
        let at = comments.partition_point(|c| c.src.start < content.start);
        let only_comment = comments[at..]
            .iter()
            .take_while(|c| c.src.start == content.start)
            .any(|c| c.src.end >= content.end);
        if !content.is_empty() && !only_comment {
            break start..end;
        }
        start = end + 1;
    };
    for s in seen {
        memo.answer.insert(s, found.clone());
    }
    found
}
