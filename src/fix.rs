//! Fixes: findings → edits → fixed text, and writing it back safely.
//!
//! A rule with a `replacement` offers a word swap; a missing-caveat rule offers its `help`
//! sentence as a new paragraph at the end of the page (before `</main>` or `</body>` in HTML).
//! Each fix has an applicability: a replacement's comes from its rule (`safe` or `review`); an
//! inserted caveat is always `review`, because it puts new claims about risks on the page.
//! `--fix` applies `safe` fixes, `--unsafe-fixes` adds the `review` ones.
//!
//! Decisions, in the order they are taken:
//! - A replacement keeps the case of the words it replaces (`Groundbreaking` → `New`), fixes the
//!   article before it (`an unprecedented` → `a new`) and does not double a word (`a
//!   groundbreaking new therapy` → `a new therapy`).
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
//! [`check_suggestions`] runs when rulesets load: a replacement or caveat that would itself be
//! flagged is a ruleset error, so `--fix` can never trade one finding for another.

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
#[must_use]
pub fn caveat_sentence(rule: &Rule) -> Option<&str> {
    let s = rule.help.trim();
    (rule.category == Category::MissingCaveat && !s.is_empty() && !s.contains('[')).then_some(s)
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
        Format::Text => true,
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
    let rule = &rules.rules[f.rule];
    if rule.category == Category::MissingCaveat {
        return None;
    }
    let replacement = rule.replacement.as_deref()?;
    let matched = text.get(f.span.clone())?;
    if matched.is_empty() || !in_prose(format, matched) {
        return None;
    }
    let mut range = f.span.clone();
    let mut new = keep_case(replacement, matched);

    // "a groundbreaking new therapy" → "a new therapy", not "a new new therapy".
    if let Some(last) = replacement.split_whitespace().last() {
        let after = &text[range.end..];
        if let Some(rest) = after.strip_prefix(' ')
            && rest.len() >= last.len()
            && rest.is_char_boundary(last.len())
            && rest[..last.len()].eq_ignore_ascii_case(last)
            && !rest[last.len()..].starts_with(is_word_char)
        {
            range.end += 1 + last.len();
        }
    }

    // "an unprecedented result" → "a new result".
    let before = &text[..range.start];
    if let Some(head) = before.strip_suffix(' ') {
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

    if format == Format::Html {
        new = escape_html(&new);
    }
    Some(Edit {
        range,
        text: new,
        rule: f.rule,
    })
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
pub fn caveat_edit(rules: &RuleSet, rule_idx: usize, format: Format, text: &str) -> Option<Edit> {
    let sentence = caveat_sentence(&rules.rules[rule_idx])?;
    let eol = line_ending(text);
    let mut edit = match format {
        // A component's copy has no place a sentence can be appended to safely.
        Format::Jsx => return None,
        Format::Text | Format::Markdown => append_paragraph(text, sentence, eol),
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
        let allowed = match fix_applicability(rule) {
            Some(Applicability::Safe) => true,
            Some(Applicability::Review) => unsafe_fixes,
            None => false,
        };
        if !allowed {
            continue;
        }
        let edit = if rule.category == Category::MissingCaveat {
            if skip.contains(&f.rule) || out.iter().any(|e: &Edit| e.rule == f.rule) {
                continue;
            }
            caveat_edit(rules, f.rule, format, text)
        } else {
            replacement_edit(rules, format, text, f)
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
        let example = rule.examples.flag.first();
        if rule.category == Category::MissingCaveat {
            let Some(sentence) = caveat_sentence(rule) else {
                continue;
            };
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
struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    fn create(target: &Path) -> io::Result<(Self, fs::File)> {
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

    fn persist(mut self, to: &Path) -> io::Result<()> {
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
    let fixed: Vec<Fixed> = files
        .par_iter()
        .map(|f| {
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
