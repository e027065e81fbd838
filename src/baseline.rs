//! Baselines: adopt claimlint on a site that already has findings, and fail only on new ones.
//!
//! `--write-baseline FILE` records each finding as (path, rule, fingerprint); `--baseline FILE`
//! then drops the findings it records. The fingerprint hashes the rule, the matched words and the
//! sentence around them — never a line number — so editing other parts of a page keeps its old
//! findings suppressed, while rewording the sentence itself (or adding the claim elsewhere) shows
//! it again. Whitespace runs are collapsed before hashing, so reflowing a paragraph does not count
//! as a change. Entries form a multiset: the same claim twice in one page needs two entries.
//!
//! Paths are stored as reported, relative to where claimlint runs (`./` dropped, `/` separators),
//! so run it from the same directory — in CI, the repository root — when writing and reading.

use crate::check::Finding;
use crate::report::sarif::relative_path;
use crate::rules::{Rule, RuleSet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// The baseline format version this build reads and writes.
pub const VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    /// 16 hex digits: FNV-1a 64 of the rule, the matched text and its sentence.
    pub fingerprint: String,
}

/// The baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A loaded baseline: how many times each entry may still suppress a finding.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    remaining: HashMap<Entry, usize>,
}

/// 64-bit FNV-1a: tiny and stable across Rust versions and platforms, which `DefaultHasher` is
/// not promised to be. Collisions only matter within one path and rule.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator no text contains, so ("ab", "c") and ("a", "bc") differ.
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of a finding in `text`: rule id, matched words and sentence, whitespace
/// collapsed.
#[must_use]
pub fn fingerprint(rule: &Rule, text: &str, f: &Finding) -> String {
    let matched = collapse(text.get(f.span.clone()).unwrap_or_default());
    let sentence = collapse(text.get(f.context.clone()).unwrap_or_default());
    format!("{:016x}", fnv1a(&[&rule.id, &matched, &sentence]))
}

/// The baseline entry for a finding in the file reported as `path`.
#[must_use]
pub fn entry(rules: &RuleSet, path: &str, text: &str, f: &Finding) -> Entry {
    let rule = &rules.rules[f.rule];
    Entry {
        path: relative_path(path),
        rule: rule.id.clone(),
        fingerprint: fingerprint(rule, text, f),
    }
}

impl Baseline {
    /// Reads a baseline file.
    ///
    /// # Errors
    /// A one-line message (without the path) when the file cannot be read or is not a baseline.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text =
            crate::source::read_text(path, crate::source::BASELINE_LIMIT, "the baseline limit")
                .map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    _ => e.to_string(),
                })?;
        Self::parse(&text)
    }

    /// Parses the text of a baseline file.
    ///
    /// # Errors
    /// The text is not a baseline of a version this build reads.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|e| format!("not a claimlint baseline: {e}"))?;
        if file.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                file.version
            ));
        }
        let mut remaining = HashMap::new();
        for e in file.findings {
            *remaining.entry(e).or_insert(0) += 1;
        }
        Ok(Self { remaining })
    }

    /// Drops the findings of one file that the baseline records, each entry suppressing at most
    /// as many findings as it was recorded. Findings must be in report order, so that which
    /// duplicates stay suppressed is deterministic (the first ones). Takes `&self`, so files can
    /// be filtered in parallel and a fixed text re-checked against the same baseline.
    pub fn filter(&self, rules: &RuleSet, path: &str, text: &str, findings: &mut Vec<Finding>) {
        if self.remaining.is_empty() {
            return;
        }
        let mut used: HashMap<Entry, usize> = HashMap::new();
        findings.retain(|f| {
            let e = entry(rules, path, text, f);
            let recorded = self.remaining.get(&e).copied().unwrap_or(0);
            let n = used.entry(e).or_insert(0);
            if *n < recorded {
                *n += 1;
                false
            } else {
                true
            }
        });
    }
}

/// The baseline file recording `findings` (path, text, findings of each file).
#[must_use]
pub fn build<'a>(
    rules: &RuleSet,
    files: impl IntoIterator<Item = (&'a str, &'a str, &'a [Finding])>,
) -> BaselineFile {
    let mut findings: Vec<Entry> = files
        .into_iter()
        .flat_map(|(path, text, fs)| fs.iter().map(move |f| entry(rules, path, text, f)))
        .collect();
    findings.sort();
    BaselineFile {
        version: VERSION,
        findings,
    }
}

/// The baseline as written to disk: pretty JSON, one entry per line group, newline at the end.
///
/// # Panics
/// Never: the values always serialise.
#[must_use]
pub fn to_json(file: &BaselineFile) -> String {
    let mut s = serde_json::to_string_pretty(file).expect("a baseline serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Reference values of FNV-1a 64.
        assert_eq!(fnv1a(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn rejects_other_versions() {
        assert_eq!(
            Baseline::parse(r#"{"version": 2, "findings": []}"#).unwrap_err(),
            "baseline version 2 is not supported (expected 1)"
        );
        assert!(
            Baseline::parse("[]")
                .unwrap_err()
                .starts_with("not a claimlint baseline")
        );
    }
}
