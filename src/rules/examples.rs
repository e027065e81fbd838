//! Running each rule's own `examples`: every `flag` sentence must trigger the rule and no `pass`
//! sentence may. The test suite and `check-rules` both use this, so a ruleset cannot ship with
//! documentation that disagrees with its behaviour.

use super::RuleSet;
use crate::check;
use crate::extract::Format;

/// An example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub example: String,
    /// `true` for a `flag` example that was not flagged, `false` for a `pass` example that was.
    pub expected_flag: bool,
    /// Rule ids that did fire on the example.
    pub fired: Vec<String>,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.expected_flag {
            "should be flagged but is not"
        } else {
            "should pass but is flagged"
        };
        write!(f, "{}: example {:?} {what}", self.rule, self.example)?;
        if !self.fired.is_empty() {
            write!(f, " (fired: {})", self.fired.join(", "))?;
        }
        Ok(())
    }
}

/// Runs every example of every rule in `rules`.
#[must_use]
pub fn run(rules: &RuleSet) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for rule in &rules.rules {
        let cases = rule
            .examples
            .flag
            .iter()
            .map(|e| (e, true))
            .chain(rule.examples.pass.iter().map(|e| (e, false)));
        for (example, expected_flag) in cases {
            // The rule on its own: in a full run, an overlapping finding of the same kind of
            // claim may stand for it (see `check::dedupe`), but its examples test what it finds.
            let index = rules.rules.iter().position(|r| r.id == rule.id);
            let ex = crate::extract::extract(Format::Text, example);
            // A rule written for some profiles is tried under the first of them.
            let profile = rule.profiles.first().copied().unwrap_or_default();
            let only = |i| Some(i) == index;
            let mut checker = check::Checker::new(rules, &only).with_profile(profile);
            for b in ex.blocks {
                checker.feed(b);
            }
            let alone = checker.finish(&[]);
            if alone.iter().any(|f| Some(f.rule) == index) != expected_flag {
                let fired: Vec<String> = check::check(rules, Format::Text, example)
                    .into_iter()
                    .map(|f| rules.rules[f.rule].id.clone())
                    .collect();
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    example: example.clone(),
                    expected_flag,
                    fired,
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    #[test]
    fn builtin_examples_hold() {
        let rules = super::RuleSet::compile(super::super::builtin::sources())
            .unwrap_or_else(|(_, e)| panic!("builtin rulesets do not compile: {e:?}"));
        // They compile lazily in a normal run; every one must compile.
        assert_eq!(rules.matcher.compile_all(), Ok(()));
        let suggestions = crate::fix::check_suggestions(&rules);
        assert!(
            suggestions.is_empty(),
            "builtin suggestions are flagged: {suggestions:?}"
        );
        let failures = super::run(&rules);
        let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
        assert!(
            report.is_empty(),
            "{} failing examples:\n{}",
            report.len(),
            report.join("\n")
        );
    }
}
