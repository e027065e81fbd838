//! Fixes: findings → edits → fixed text, and writing it back safely.
//!
//! A rule with a `replacement` offers a word swap; a missing-caveat rule offers its `help`
//! sentence as a new paragraph at the end of the page (before `</main>` or `</body>` in HTML).
//! Each fix has an applicability: a replacement's comes from its rule (`safe` or `review`); an
//! inserted caveat is always `review`, because it puts new claims about risks on the page.
//! `--fix` applies `safe` fixes, `--unsafe-fixes` adds the `review` ones.
//!
//! Decisions, in the order they are taken:
//! - A replacement is fitted to its sentence ([`propose`]): it keeps the case of the words it
//!   replaces, title case included (`Groundbreaking` → `New`, `A Game-Changer in Mental Health`
//!   → `A New Option in Mental Health`); before the noun it modifies a noun-phrase replacement
//!   gives only its modifier (`a game-changer treatment` → `a new treatment`); it doubles no word
//!   or near-synonym on either side (`a new game-changer treatment` → `a new treatment`, `new,
//!   groundbreaking protocol` → `new protocol`, `a groundbreaking new therapy` → `a new therapy`);
//!   and it fixes the article before it (`an unprecedented` → `a new`).
//! - It keeps its rule's applicability only when the sentence then reads correctly: a stutter
//!   left over, or a novelty word put in as a predicate (`is truly new`, which says something
//!   else of a decades-old drug), makes it `review`; the report carries the rewritten sentence.
//! - It lands in prose only. Spans come from the extractor's offset map, so they never start or
//!   end in markup, but a span can *contain* markup (`<b>ground</b>breaking`, `**game**
//!   changer`): such a finding gets no fix, because any edit would break or drop the markup.
//! - Overlapping edits are resolved deterministically: the earliest wins, then the longest, then
//!   the rule's load order; the others are dropped. Insertions at one point are all kept, in rule order.
//! - After applying, the text is checked again and the loop repeats until nothing fixable is
//!   left (or a text comes back, or [`MAX_PASSES`]), so a second `--fix` changes nothing. A caveat is
//!   inserted once per run at most, even if the page still misses it (say, it ends inside an
//!   unclosed code fence).
//! - Writes are atomic: a temporary file in the same directory, fsync, rename, with the file's
//!   permissions. A read-only file is not touched; a file that changed on disk since it was read
//!   is reported, not overwritten.
//!
//! [`check_suggestions`] runs when rulesets load (for a user's own rules; `check-rules` and the
//! test suite run it on every rule): a replacement or caveat that would itself be flagged is a
//! ruleset error, so `--fix` can never trade one finding for another.

use crate::check::{self, Finding};
use crate::extract::Format;
use crate::report::{FileReport, keep_case};
use crate::rules::{Applicability, Category, Rule, RuleSet, RulesetError};
use crate::source::{SourceError, SourceErrorKind, SourceFile};
use rayon::prelude::*;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Most fix-and-recheck rounds per file. Real pages settle in one or two, but each round fixes
/// one finding per category per sentence (findings are reported that way), so a sentence that
/// repeats a phrase many times needs as many rounds — the fuzzer found one with twelve "game
/// changer"s that eight rounds left half-fixed. The ceiling only guards against fixes that never
/// settle, and a round that brings back an earlier text stops the loop at once.
pub const MAX_PASSES: usize = 1000;

/// One text edit: replace `range` of the source with `text` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
    /// Index into [`RuleSet::rules`] of the rule that offered it.
    pub rule: usize,
}

/// The applicability of a rule's fix, or `None` when it offers none.
#[must_use]
pub fn fix_applicability(rule: &Rule) -> Option<Applicability> {
    if rule.category == Category::MissingCaveat {
        caveat_sentence(rule).map(|_| Applicability::Review)
    } else {
        rule.replacement.as_ref().map(|_| rule.applicability)
    }
}

/// A missing-caveat rule's sentence to insert: its `help`, unless that is a template with
/// `[placeholders]` an editor has to fill in (inserting those would publish the brackets).
/// `{treatment}`-style placeholders are filled for the page's treatment (see
/// [`crate::report::render`]).
#[must_use]
pub fn caveat_sentence(rule: &Rule) -> Option<&str> {
    let s = rule.help.trim();
    (rule.category == Category::MissingCaveat && !s.is_empty() && !s.contains('[')).then_some(s)
}

/// The caveat sentence of finding `f` in `text`, written for the treatment it is about.
#[must_use]
pub fn caveat_text(rules: &RuleSet, f: &Finding, text: &str) -> Option<String> {
    let template = caveat_sentence(&rules.rules[f.rule])?;
    Some(crate::report::render(template, rules, f.about.as_ref(), text, f.profile).into_owned())
}

/// Whether replacing `source` (the bytes of a span) keeps the markup intact.
fn in_prose(format: Format, source: &str) -> bool {
    // A span across template syntax (`a {{ .Name }} cure`) would rewrite the template.
    if ["{{", "{%", "{#", "%}", "}}"]
        .iter()
        .any(|t| source.contains(t))
    {
        return false;
    }
    match format {
        // A Word document's text has no markup (its runs are rebuilt by `annotate`).
        Format::Text | Format::Docx | Format::Odt => true,
        // Entities and escapes are prose (the span covers them whole); tags are not.
        Format::Html => !source.contains(['<', '>']),
        Format::Markdown => !source.contains(['*', '_', '`', '[', ']', '<', '>']),
        // JSX text and string props; an expression or a tag is code.
        Format::Jsx => !source.contains(['<', '>', '{', '}', '"', '\'', '`']),
    }
}

/// Escapes text for HTML content and for a double-quoted attribute value (a replacement can land
/// in a meta description or an `alt` text).
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '-'
}

/// The edit a replacement rule offers for one finding in `text`, whatever its applicability.
#[must_use]
pub fn replacement_edit(rules: &RuleSet, format: Format, text: &str, f: &Finding) -> Option<Edit> {
    propose(&rules.rules[f.rule], format, text, f.span.clone()).map(|p| Edit {
        rule: f.rule,
        ..p.edit
    })
}

/// A replacement fix as offered for one finding: the edit, how sure it is, and the sentence as it
/// would read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The edit (its `rule` is 0: the caller knows the rule).
    pub edit: Edit,
    /// The rule's applicability, lowered to `review` when the sentence would not read well.
    pub applicability: Applicability,
    /// The whole sentence after the edit.
    pub sentence: String,
}

/// Words that follow a hype word without being the noun it modifies: before them the hype word
/// is a noun or a predicate, not an adjective ("a game-changer for many", "is revolutionary and").
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "because", "but", "by", "for", "from", "has",
    "have", "if", "in", "into", "is", "it", "its", "of", "on", "or", "since", "so", "than", "that",
    "the", "their", "then", "these", "this", "those", "to", "was", "we", "were", "which", "who",
    "with", "you", "your",
];

/// Words left in lower case inside a title ("A New Option in Mental Health").
const TITLE_SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "vs",
    "with",
];

/// Words close enough in meaning that one next to the other reads as a stutter ("a new, novel
/// therapy", "a new option treatment").
const NEAR_SYNONYMS: &[&[&str]] = &[
    &["new", "newer", "novel", "latest", "innovative", "modern"],
    &[
        "option",
        "options",
        "treatment",
        "treatments",
        "therapy",
        "therapies",
        "approach",
    ],
];

/// Words that state a fact (novelty) rather than remove hype: put in as a predicate ("is truly
/// new") they change what the sentence claims, so such a fix is never safe.
const CLAIM_WORDS: &[&str] = &["new", "newer", "novel", "latest"];

/// Words before a predicate slot ("is revolutionary", "truly revolutionary").
const PREDICATE_LEAD: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "seems",
    "feels",
    "truly",
    "really",
    "so",
    "very",
    "quite",
    "genuinely",
    "simply",
    "absolutely",
    "totally",
];

fn same_or_synonym(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    a == b
        || NEAR_SYNONYMS
            .iter()
            .any(|g| g.contains(&a.as_str()) && g.contains(&b.as_str()))
}

/// The word that ends just before byte `at` (skipping spaces and, if `comma`, one comma), with its
/// start; `None` at a line start or after other punctuation.
fn word_before(text: &str, at: usize, comma: bool) -> Option<(usize, &str)> {
    let head = text[..at].trim_end_matches(' ');
    let head = if comma {
        head.strip_suffix(',').unwrap_or(head).trim_end_matches(' ')
    } else {
        head
    };
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start < head.len()).then(|| (start, &head[start..]))
}

/// The word that starts just after byte `at` and one space, with its end.
fn word_after(text: &str, at: usize) -> Option<(usize, &str)> {
    let rest = text[at..].strip_prefix(' ')?;
    let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
    let word = rest[..len].trim_end_matches(['\'', '-']);
    (!word.is_empty()).then(|| (at + 1 + word.len(), word))
}

/// Whether `matched` sits in a title-case sentence: its own words all capitalised, and at least
/// two other significant words around it, all capitalised (`# A Game-Changer in Mental Health`,
/// `title: "Why Ketamine Is a Game-Changer"`). A leading `key:` (front matter) is not a word.
fn in_title_case(text: &str, span: &Range<usize>, format: Format) -> bool {
    let around = sentence_around(text, span, format);
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let start = around.start.max(line_start);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let end = around.end.min(line_end);
    let before = &text[start..span.start];
    let before = match before.split_once(": ") {
        Some((key, rest)) if !key.contains(' ') => rest,
        _ => before,
    };
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !is_word_char(c))
            .flat_map(|w| w.split('-'))
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
            .map(str::to_string)
            .collect()
    };
    let own = words(&text[span.clone()]);
    let others: Vec<String> = words(before)
        .into_iter()
        .chain(words(&text[span.end..end]))
        .filter(|w| !TITLE_SMALL_WORDS.contains(&w.to_lowercase().as_str()))
        .collect();
    !own.is_empty()
        && own.iter().all(|w| capital(w))
        && others.len() >= 2
        && others.iter().all(|w| capital(w))
}

/// `s` in title case: each word capitalised but the small ones (not the first).
fn title_case(s: &str) -> String {
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && TITLE_SMALL_WORDS.contains(&w.to_lowercase().as_str()) {
                w.to_string()
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentence of `text` around `range`: from after the previous stop to the next one, across
/// single line breaks but not blank lines; in HTML, not across a tag or out of an attribute value.
fn sentence_around(text: &str, range: &Range<usize>, format: Format) -> Range<usize> {
    let html = format == Format::Html;
    let head = &text[..range.start];
    let mut start = 0;
    for (i, c) in head.char_indices().rev() {
        let stop = matches!(c, '.' | '!' | '?')
            || (html && matches!(c, '<' | '>' | '"'))
            || (c == '\n'
                && head[..i]
                    .trim_end_matches([' ', '\t', '\r'])
                    .ends_with('\n'))
            || (c == '\n' && (key_line(&head[i + 1..]) || key_line(last_line(&head[..i]))));
        if stop {
            start = i + c.len_utf8();
            break;
        }
    }
    let tail = &text[range.end..];
    let mut end = text.len();
    for (i, c) in tail.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            end = range.end + i + 1;
            break;
        }
        if (html && matches!(c, '<' | '>' | '"'))
            || (c == '\n'
                && tail[i + 1..]
                    .trim_start_matches([' ', '\t', '\r'])
                    .starts_with('\n'))
            || (c == '\n'
                && (key_line(&tail[i + 1..])
                    || key_line(&head[head.rfind('\n').map_or(0, |j| j + 1)..])))
        {
            end = range.end + i;
            break;
        }
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    start + lead..(end - trail).max(start + lead)
}

/// Whether the line starting `s` is a front-matter field (`title: …`) or fence (`---`): lines
/// like that are values of their own, not parts of a wrapped sentence.
fn key_line(s: &str) -> bool {
    let line = s.trim_start_matches([' ', '\t']);
    let key = line.find(':').map_or("", |i| &line[..i]);
    line.starts_with("---")
        || (!key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && line[key.len() + 1..].starts_with([' ', '\t', '\r', '\n']))
}

/// The last line of `s`.
fn last_line(s: &str) -> &str {
    &s[s.rfind('\n').map_or(0, |i| i + 1)..]
}

/// A sentence as a reader sees it: whitespace runs (line breaks included) as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fix a replacement rule offers for the words at `span` of `text`, written to read well:
/// - it keeps the case of the original, title case included (`A Game-Changer in Mental Health`
///   → `A New Option in Mental Health`);
/// - it fits the slot: before the noun it modifies, a noun-phrase replacement gives only its
///   modifier (`a game-changer treatment` → `a new treatment`, not `a new option treatment`);
/// - it doubles no word and no near-synonym on either side: `a new game-changer treatment` →
///   `a new treatment`, `new, groundbreaking protocol` → `new protocol`, `a groundbreaking new
///   therapy` → `a new therapy`;
/// - the article before it agrees (`an unprecedented result` → `a new result`).
///
/// The fix keeps its rule's applicability only if the sentence then reads correctly: a stutter
/// that is left, or a novelty claim put in as a predicate (`is truly revolutionary` → `is truly
/// new`, which says something else of a decades-old drug), makes it `review`.
#[must_use]
#[allow(
    clippy::too_many_lines,
    reason = "one decision per kind of fix, read top to bottom"
)]
pub fn propose(rule: &Rule, format: Format, text: &str, span: Range<usize>) -> Option<Proposal> {
    if rule.category == Category::MissingCaveat {
        return None;
    }
    let replacement = rule.replacement.as_deref()?;
    let matched = text.get(span.clone())?;
    if matched.is_empty() || !in_prose(format, matched) {
        return None;
    }
    let mut applicability = rule.applicability;
    let mut range = span.clone();
    let next = word_after(text, span.end);
    let mut words: Vec<&str> = replacement.split_whitespace().collect();
    // A noun phrase where an adjective stands: keep its modifier only.
    let adjective_slot = next.is_some_and(|(_, w)| {
        !FUNCTION_WORDS.contains(&w.to_lowercase().as_str())
            && w.chars().next().is_some_and(char::is_alphabetic)
    });
    if adjective_slot && words.len() > 1 {
        words.pop();
    }
    let title = in_title_case(text, &span, format);
    let mut new = if title {
        title_case(&words.join(" "))
    } else {
        keep_case(&words.join(" "), matched)
    };

    // "a groundbreaking new therapy" → "a new therapy", not "a new new therapy".
    if let (Some(last), Some((end, next_word))) = (words.last(), next)
        && same_or_synonym(last, next_word)
    {
        if words.len() == 1 {
            // The next word says it already: drop the hype word and its space.
            range.end = end - next_word.len();
            new = String::new();
        } else {
            range.end = end;
        }
    }
    // "a new game-changer treatment", "new, groundbreaking protocol": the word before says it.
    if let Some(first) = words.first()
        && let Some((_, prev)) = word_before(text, span.start, true)
        && same_or_synonym(first, prev)
        && !new.is_empty()
    {
        if words.len() == 1 {
            // Delete the hype word with what separates it from the word before.
            let (pstart, prev) = word_before(text, span.start, true).unwrap_or((span.start, ""));
            range.start = pstart + prev.len();
            new = String::new();
        } else {
            let rest = new.split_once(' ').map_or("", |(_, r)| r).to_string();
            new = rest;
        }
    }

    // "an unprecedented result" → "a new result".
    if !new.is_empty()
        && let Some(head) = text[..range.start].strip_suffix(' ')
    {
        let start = head
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let article = &head[start..];
        if article.eq_ignore_ascii_case("a") || article.eq_ignore_ascii_case("an") {
            let vowel = new.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
            let wanted = if vowel { "an" } else { "a" };
            if !article.eq_ignore_ascii_case(wanted) {
                new = format!("{} {new}", keep_case(wanted, article));
                range.start = start;
            }
        }
    }

    // A novelty word put in as a predicate changes the claim.
    let predicate = !adjective_slot
        && word_before(text, span.start, false)
            .is_some_and(|(_, w)| PREDICATE_LEAD.contains(&w.to_lowercase().as_str()));
    if predicate
        && new
            .split_whitespace()
            .any(|w| CLAIM_WORDS.contains(&w.to_lowercase().as_str()))
    {
        applicability = Applicability::Review;
    }

    let fixed = apply(
        text,
        &[Edit {
            range: range.clone(),
            text: new.clone(),
            rule: 0,
        }],
    );
    let new_range = range.start..range.start + new.len();
    let around = sentence_around(&fixed, &new_range, format);
    let sentence = one_line(&fixed[around]);
    if !reads_well(&sentence) {
        applicability = Applicability::Review;
    }
    if format == Format::Html {
        new = escape_html(&new);
    }
    Some(Proposal {
        edit: Edit {
            range,
            text: new,
            rule: 0,
        },
        applicability,
        sentence,
    })
}

/// Whether a sentence reads without a stutter (a word or near-synonym twice in a row, across a
/// comma too) or an article that disagrees with the word after it.
#[must_use]
pub fn reads_well(sentence: &str) -> bool {
    let words: Vec<&str> = sentence
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if same_or_synonym(pair[0], pair[1]) {
            return false;
        }
        let first = pair[1].chars().next().unwrap_or(' ').to_ascii_lowercase();
        let vowel = "aeiou".contains(first);
        match pair[0].to_lowercase().as_str() {
            "a" if vowel && pair[1].len() > 1 && !pair[1].chars().all(char::is_uppercase) => {
                return false;
            }
            "an" if !vowel && first.is_alphabetic() && first != 'h' => return false,
            _ => {}
        }
    }
    true
}

/// The line ending a text uses (CRLF if any line has one).
fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Byte offset of the last `</name` closing tag (case-insensitive), if any.
fn last_closing_tag(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("</{name}");
    let mut end = lower.len();
    while let Some(i) = lower[..end].rfind(&needle) {
        let next = lower[i + needle.len()..].chars().next();
        if next.is_none_or(|c| c == '>' || c.is_ascii_whitespace()) {
            return Some(i);
        }
        end = i;
    }
    None
}

/// Text appended at the end of `text` as a new paragraph.
fn append_paragraph(text: &str, para: &str, eol: &str) -> Edit {
    let lead = if text.is_empty() || text.ends_with(&format!("{eol}{eol}")) {
        String::new()
    } else if text.ends_with('\n') {
        eol.to_string()
    } else {
        format!("{eol}{eol}")
    };
    Edit {
        range: text.len()..text.len(),
        text: format!("{lead}{para}{eol}"),
        rule: 0,
    }
}

/// The edit a missing-caveat rule offers for `text`: its sentence as a new paragraph.
#[must_use]
pub fn caveat_edit(rules: &RuleSet, f: &Finding, format: Format, text: &str) -> Option<Edit> {
    let rule_idx = f.rule;
    let sentence = caveat_text(rules, f, text)?;
    let sentence = sentence.as_str();
    let eol = line_ending(text);
    let mut edit = match format {
        // A component's copy has no place a sentence can be appended to safely.
        Format::Jsx => return None,
        Format::Text | Format::Markdown | Format::Docx | Format::Odt => {
            append_paragraph(text, sentence, eol)
        }
        Format::Html => {
            let para = format!("<p>{}</p>", escape_html(sentence));
            match last_closing_tag(text, "main").or_else(|| last_closing_tag(text, "body")) {
                Some(at) => {
                    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    let indent = &text[line_start..at];
                    if indent.chars().all(|c| c == ' ' || c == '\t') {
                        // `</main>` on a line of its own: a new line inside it, one level deeper.
                        let unit = if indent.contains('\t') { "\t" } else { "  " };
                        Edit {
                            range: line_start..line_start,
                            text: format!("{indent}{unit}{para}{eol}"),
                            rule: 0,
                        }
                    } else {
                        Edit {
                            range: at..at,
                            text: para,
                            rule: 0,
                        }
                    }
                }
                None => append_paragraph(text, &para, eol),
            }
        }
    };
    edit.rule = rule_idx;
    Some(edit)
}

/// The edits to apply for `findings`, overlaps resolved. `skip` holds caveat rules already
/// inserted in this run.
#[must_use]
pub fn edits(
    rules: &RuleSet,
    format: Format,
    text: &str,
    findings: &[Finding],
    unsafe_fixes: bool,
    skip: &[usize],
) -> Vec<Edit> {
    let mut out = Vec::new();
    for f in findings {
        let rule = &rules.rules[f.rule];
        let edit = if rule.category == Category::MissingCaveat {
            if !unsafe_fixes
                || fix_applicability(rule).is_none()
                || skip.contains(&f.rule)
                || out.iter().any(|e: &Edit| e.rule == f.rule)
            {
                continue;
            }
            caveat_edit(rules, f, format, text)
        } else {
            // The applicability is the proposal's: a fix that would not read well is `review`.
            match propose(rule, format, text, f.span.clone()) {
                Some(p) if p.applicability == Applicability::Safe || unsafe_fixes => Some(Edit {
                    rule: f.rule,
                    ..p.edit
                }),
                _ => None,
            }
        };
        out.extend(edit);
    }
    resolve(out)
}

/// Drops overlapping edits: earliest first, then insertions before replacements at the same
/// point, then the longest, then by rule load order (so inserted caveats read in ruleset order).
#[must_use]
pub fn resolve(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by(|a, b| {
        (a.range.start, !a.range.is_empty(), b.range.end, a.rule).cmp(&(
            b.range.start,
            !b.range.is_empty(),
            a.range.end,
            b.rule,
        ))
    });
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    let mut last_end = 0;
    for e in edits {
        if e.range.start < last_end {
            continue;
        }
        last_end = last_end.max(e.range.end);
        kept.push(e);
    }
    kept
}

/// `text` with non-overlapping `edits` (sorted by position) applied.
#[must_use]
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The result of fixing one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// How many edits were applied, over all passes.
    pub applied: usize,
    /// The findings of the fixed text.
    pub remaining: Vec<Finding>,
}

/// Fixes `text` until nothing fixable is left. `recheck` returns the findings of a text as the
/// run reports them (rule filter, suppressions and baseline applied), so only reported findings
/// are fixed.
pub fn fix_text(
    rules: &RuleSet,
    format: Format,
    text: &str,
    findings: Vec<Finding>,
    unsafe_fixes: bool,
    recheck: &dyn Fn(&str) -> Vec<Finding>,
) -> Fixed {
    let mut cur = text.to_string();
    let mut findings = findings;
    let mut applied = 0;
    let mut inserted: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PASSES {
        let es = edits(rules, format, &cur, &findings, unsafe_fixes, &inserted);
        // A text seen before means the fixes cycle: stop rather than go round again.
        if es.is_empty() || !seen.insert(hash_of(&cur)) {
            break;
        }
        for e in &es {
            if rules.rules[e.rule].category == Category::MissingCaveat {
                inserted.push(e.rule);
            }
        }
        applied += es.len();
        cur = apply(&cur, &es);
        findings = recheck(&cur);
    }
    Fixed {
        text: cur,
        applied,
        remaining: findings,
    }
}

fn hash_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Rejects suggestions that would themselves be flagged: each replacement is tried in its rule's
/// first `examples.flag` sentence, and each caveat sentence is checked on its own (no other rule
/// may flag it) and after that example (it must satisfy its own rule, or `--fix` would never
/// settle).
#[must_use]
pub fn check_suggestions(rules: &RuleSet) -> Vec<RulesetError> {
    check_suggestions_of(rules, &|_| true)
}

/// [`check_suggestions`] for the rules `of` selects (by index): what a run checks at start-up
/// for the rulesets a user loads, whose own suggestions are new; the embedded rules' are held
/// to it by the test suite, and `claimlint check-rules` checks them all.
#[must_use]
pub fn check_suggestions_of(rules: &RuleSet, of: &dyn Fn(usize) -> bool) -> Vec<RulesetError> {
    let mut errors = Vec::new();
    let err = |rule: &Rule, message: String| RulesetError {
        source: rule.source,
        span: Some(rule.span.clone()),
        message,
    };
    let flagged_by = |findings: &[Finding], within: Option<&Range<usize>>| -> Vec<String> {
        let mut ids: Vec<String> = findings
            .iter()
            .filter(|f| rules.rules[f.rule].category != Category::MissingCaveat)
            .filter(|f| within.is_none_or(|r| overlaps(&f.span, r)))
            .map(|f| format!("`{}`", rules.rules[f.rule].id))
            .collect();
        ids.dedup();
        ids
    };
    for (idx, rule) in rules.rules.iter().enumerate() {
        if !of(idx) {
            continue;
        }
        let example = rule.examples.flag.first();
        if rule.category == Category::MissingCaveat {
            // The help as written for the treatment of the rule's first example.
            let found = example.and_then(|e| {
                check::check(rules, Format::Text, e)
                    .into_iter()
                    .find(|f| f.rule == idx)
                    .and_then(|f| caveat_text(rules, &f, e))
            });
            let Some(sentence) = found.or_else(|| caveat_sentence(rule).map(str::to_string)) else {
                continue;
            };
            let sentence = sentence.as_str();
            let ids = flagged_by(&check::check(rules, Format::Text, sentence), None);
            if !ids.is_empty() {
                errors.push(err(
                    rule,
                    format!(
                        "the caveat `help` of `{}` would itself be flagged by {}",
                        rule.id,
                        ids.join(", ")
                    ),
                ));
            }
            if let Some(example) = example {
                let doc = format!("{example}\n\n{sentence}\n");
                if check::check(rules, Format::Text, &doc)
                    .iter()
                    .any(|f| f.rule == idx)
                {
                    errors.push(err(
                        rule,
                        format!(
                            "the caveat `help` of `{}` does not satisfy the rule's `present-if`, so `--fix` would insert it again and again",
                            rule.id
                        ),
                    ));
                }
            }
        } else if let (Some(replacement), Some(example)) = (&rule.replacement, example) {
            let findings = check::check(rules, Format::Text, example);
            // An example that does not fire is the examples check's business.
            let Some(f) = findings.iter().find(|f| f.rule == idx) else {
                continue;
            };
            let Some(edit) = replacement_edit(rules, Format::Text, example, f) else {
                continue;
            };
            let fixed = apply(example, std::slice::from_ref(&edit));
            let new_range = edit.range.start..edit.range.start + edit.text.len();
            let ids = flagged_by(&check::check(rules, Format::Text, &fixed), Some(&new_range));
            if !ids.is_empty() {
                errors.push(err(
                    rule,
                    format!(
                        "the replacement `{replacement}` of `{}` would itself be flagged by {} (in {fixed:?})",
                        rule.id,
                        ids.join(", ")
                    ),
                ));
            }
        }
    }
    errors
}

/// Why a fixed file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file is read-only: we do not replace it behind its owner's back.
    ReadOnly,
    /// The file on disk no longer holds what was checked.
    Changed,
    Io(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadOnly => f.write_str("read-only file, not fixed"),
            Self::Changed => f.write_str("changed on disk while being checked; not overwritten"),
            Self::Io(e) => {
                let s = SourceError::io("", e).to_string();
                f.write_str(s.trim_start_matches(": "))
            }
        }
    }
}

impl std::error::Error for WriteError {}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// A temporary file next to `target` that is removed unless [`TempFile::persist`] renames it.
pub(crate) struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    pub(crate) fn create(target: &Path) -> io::Result<(Self, fs::File)> {
        let dir = target.parent().unwrap_or_else(|| Path::new("."));
        let name = target
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
        let pid = std::process::id();
        for n in 0..100u32 {
            let path = dir.join(format!(".{name}.claimlint-{pid}-{n}.tmp"));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => return Ok((Self { path: Some(path) }, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }

    pub(crate) fn persist(mut self, to: &Path) -> io::Result<()> {
        let from = self.path.take().expect("not yet persisted");
        fs::rename(&from, to).inspect_err(|_| {
            let _ = fs::remove_file(&from);
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// Replaces the file at `path` with `new`, atomically, if it still holds `original`.
///
/// A symlink is followed: its target is replaced, the link stays a link.
///
/// # Errors
/// The file is read-only, changed since it was read, or an I/O step failed; the file is then
/// left as it was.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let (tmp, mut file) = TempFile::create(&target)?;
    file.write_all(new)?;
    file.set_permissions(meta.permissions())?;
    file.sync_all()?;
    drop(file);
    // The last moment before the rename: has anyone written the file since we read it?
    let now = fs::metadata(&target)?;
    if now.len() != original.len() as u64 || fs::read(&target)? != original {
        return Err(WriteError::Changed);
    }
    tmp.persist(&target)?;
    if let Some(dir) = target.parent()
        && let Ok(d) = fs::File::open(dir)
    {
        // Make the rename itself durable; not every platform can sync a directory.
        let _ = d.sync_all();
    }
    Ok(())
}

/// `--fix` writes files (or prints the fixed standard input); `--diff` prints a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Diff,
}

/// What a `--fix` / `--diff` run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Edits applied (or that would be).
    pub fixes: usize,
    /// Files changed (or that would be).
    pub files: usize,
}

impl Summary {
    /// The line for stderr: `fixed 3 findings in 2 files` / `would fix …`.
    #[must_use]
    pub fn line(self, mode: Mode) -> String {
        let verb = match mode {
            Mode::Write => "fixed",
            Mode::Diff => "would fix",
        };
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{verb} {} finding{} in {} file{}",
            self.fixes,
            s(self.fixes),
            self.files,
            s(self.files)
        )
    }
}

/// The unified diff of one file, `a/PATH` → `b/PATH`.
#[must_use]
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let rel = crate::report::sarif::relative_path(path);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{rel}"), &format!("b/{rel}"))
        .to_string()
}

/// Applies `--fix` or `--diff` to checked files.
///
/// Fixed texts are computed in parallel, then written (or diffed) in path order. With
/// [`Mode::Write`], a file that was written gets its fixed text and remaining findings, so the
/// report that follows shows what is left; a file that could not be written keeps its findings
/// and its error goes to `errors`. Standard input (named `stdin_name`) is never written: its
/// fixed text goes to `out`, unchanged when there was nothing to fix. With [`Mode::Diff`] the
/// diffs go to `out` and nothing changes.
///
/// # Errors
/// Writing to `out` failed.
#[allow(clippy::too_many_arguments)]
pub fn run(
    rules: &RuleSet,
    files: &mut [FileReport],
    mode: Mode,
    unsafe_fixes: bool,
    stdin_name: Option<&str>,
    recheck: &(dyn Fn(&SourceFile, &str) -> Vec<Finding> + Sync),
    out: &mut dyn Write,
    errors: &mut Vec<SourceError>,
) -> io::Result<Summary> {
    // A Word document's text is read out of its package and cannot be written back as text:
    // `claimlint annotate --track-changes` offers its fixes as tracked changes instead.
    for f in files.iter().filter(|f| f.source.format.is_document()) {
        errors.push(SourceError::new(
            f.source.name.clone(),
            SourceErrorKind::Other(
                "a Word or OpenDocument file is not fixed in place; use `claimlint annotate --track-changes` on a .docx"
                    .into(),
            ),
        ));
    }
    let fixed: Vec<Fixed> = files
        .par_iter()
        .map(|f| {
            if f.source.format.is_document() {
                return Fixed {
                    text: f.source.text.clone(),
                    applied: 0,
                    remaining: f.findings.clone(),
                };
            }
            fix_text(
                rules,
                f.source.format,
                &f.source.text,
                f.findings.clone(),
                unsafe_fixes,
                &|t| recheck(&f.source, t),
            )
        })
        .collect();
    let mut summary = Summary::default();
    for (file, fixed) in files.iter_mut().zip(fixed) {
        let is_stdin = stdin_name == Some(file.source.name.as_str());
        let changed = fixed.text != file.source.text;
        if changed {
            summary.fixes += fixed.applied;
            summary.files += 1;
        }
        match mode {
            Mode::Diff => {
                if changed {
                    out.write_all(
                        unified_diff(&file.source.name, &file.source.text, &fixed.text).as_bytes(),
                    )?;
                }
            }
            Mode::Write if is_stdin => {
                if file.source.bom > 0 {
                    out.write_all(b"\xEF\xBB\xBF")?;
                }
                out.write_all(fixed.text.as_bytes())?;
                file.source.text = fixed.text;
                file.findings = fixed.remaining;
            }
            Mode::Write if changed => {
                let bom: &[u8] = if file.source.bom > 0 {
                    b"\xEF\xBB\xBF"
                } else {
                    b""
                };
                let original = [bom, file.source.text.as_bytes()].concat();
                let new = [bom, fixed.text.as_bytes()].concat();
                match write_atomic(Path::new(&file.source.name), &original, &new) {
                    Ok(()) => {
                        file.source.text = fixed.text;
                        file.findings = fixed.remaining;
                    }
                    Err(e) => {
                        summary.fixes -= fixed.applied;
                        summary.files -= 1;
                        errors.push(SourceError::new(
                            file.source.name.clone(),
                            SourceErrorKind::Other(e.to_string()),
                        ));
                    }
                }
            }
            Mode::Write => {}
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::compile(crate::rules::builtin::sources()).expect("builtin rulesets compile")
    }

    #[test]
    fn builtin_suggestions_are_clean() {
        let rules = rules();
        let errors: Vec<String> = check_suggestions(&rules)
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn closing_tag_search() {
        assert_eq!(last_closing_tag("<main></mainx></MAIN >", "main"), Some(14));
        assert_eq!(last_closing_tag("<body></bodyx>", "body"), None);
    }
}
