//! `claimlint check-rules FILE...`: validates ruleset files the way a compiler checks code.
//!
//! Every problem is a codespan diagnostic on the TOML file itself, with its line and column:
//! TOML syntax, unknown keys and bad enum values such as an unknown category or caveat id (serde,
//! `deny_unknown_fields`), missing fields, unknown lexicons, invalid regexes, duplicate ids across
//! files, empty phrase lists and phrases that can never match (all from
//! [`RuleSet::compile`]), a suggestion that would itself be flagged ([`fix::check_suggestions`]),
//! and `examples` that do not behave as their rule says ([`examples::run`]). Exit 2 on any
//! problem, else 0 with a one-line summary.
//!
//! The named files are compiled together with the built-in rulesets, because a user ruleset may
//! refer to the built-in lexicons and must not reuse a built-in rule id. A named file with the
//! same file name as a built-in one (`rulesets/medical.toml`) replaces it, so the shipped rulesets
//! can be checked from a checkout; `--no-default-rulesets` checks the files on their own.

use crate::cli::CheckRulesArgs;
use crate::fix;
use crate::report::human;
use crate::rules::examples::{self, ExampleFailure};
use crate::rules::{RuleSet, RulesetError, builtin};
use crate::run::{Exit, Io};
use std::fmt::Write as _;
use std::io;
use std::ops::Range;
use std::path::Path;

/// Runs `check-rules`.
///
/// # Errors
/// Only failures to write output.
pub fn run(args: &CheckRulesArgs, io: &mut Io<'_>) -> io::Result<Exit> {
    let color = args.color.enabled(false);
    let (named, unreadable) = crate::run::read_ruleset_files(&args.files, io)?;
    if named.is_empty() {
        return Ok(Exit::Error);
    }
    let named_count = named.len();
    let mut sources = named;
    if !args.no_default_rulesets {
        sources.extend(builtin::sources().into_iter().filter(|b| {
            !args
                .files
                .iter()
                .any(|p| p.file_name() == Path::new(&b.name).file_name())
        }));
    }

    let rules = match RuleSet::compile(sources) {
        Ok(rules) => rules,
        Err((sources, errors)) => {
            human::emit_ruleset_errors(io.stderr, &sources, &errors, color)?;
            return Ok(Exit::Error);
        }
    };
    let mut errors = fix::check_suggestions(&rules);
    let failures = examples::run(&rules);
    errors.extend(failures.iter().map(|f| example_error(&rules, f)));
    // Built-in rules are checked too (a named file could break one, say by cancelling its
    // examples with an exception), but a clean built-in set reports nothing.
    errors.sort_by_key(|e| (e.source, e.span.as_ref().map(|s| s.start)));
    if !errors.is_empty() {
        human::emit_ruleset_errors(io.stderr, &rules.sources, &errors, color)?;
        return Ok(Exit::Error);
    }

    let in_named = |source: usize| source < named_count;
    let rule_count = rules.rules.iter().filter(|r| in_named(r.source)).count();
    let example_count: usize = rules
        .rules
        .iter()
        .filter(|r| in_named(r.source))
        .map(|r| r.examples.flag.len() + r.examples.pass.len())
        .sum();
    writeln!(
        io.stdout,
        "checked {named_count} ruleset file{}: {rule_count} rule{}, {example_count} example{} pass",
        plural(named_count),
        plural(rule_count),
        plural(example_count),
    )?;
    io.stdout.flush()?;
    Ok(if unreadable { Exit::Error } else { Exit::Clean })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A failing example as a diagnostic: on the example's own string when it can be found inside its
/// rule's table, else on the whole rule.
fn example_error(rules: &RuleSet, f: &ExampleFailure) -> RulesetError {
    let rule = rules
        .rule(&f.rule)
        .expect("examples::run reports loaded rules");
    let text = &rules.sources[rule.source].text;
    let span = find_example(text, rule.span.clone(), &f.example).unwrap_or(rule.span.clone());
    let what = if f.expected_flag {
        "should be flagged by"
    } else {
        "should pass but is flagged by"
    };
    let mut message = format!("example {what} `{}`", f.rule);
    if !f.fired.is_empty() {
        let others: Vec<&str> = f
            .fired
            .iter()
            .filter(|id| **id != f.rule)
            .map(String::as_str)
            .collect();
        if !others.is_empty() {
            let _ = write!(message, " (fired instead: {})", others.join(", "));
        }
    }
    RulesetError {
        source: rule.source,
        span: Some(span),
        message,
    }
}

/// The span of `example` (with its quotes) in the rule's table, for the common case of a TOML
/// string without escapes. `None` when it is not written literally there. The rule's span may
/// cover only its `[[rule]]` header, so the table runs on to the next table header.
fn find_example(text: &str, within: Range<usize>, example: &str) -> Option<Range<usize>> {
    let after = text.get(within.end..)?;
    let end = after.find("\n[").map_or(text.len(), |i| within.end + i);
    let within = within.start..end;
    let table = text.get(within.clone())?;
    ['"', '\''].iter().find_map(|q| {
        let quoted = format!("{q}{example}{q}");
        table
            .find(&quoted)
            .map(|at| within.start + at..within.start + at + quoted.len())
    })
}

#[cfg(test)]
mod tests {
    use super::find_example;

    #[test]
    fn finds_quoted_examples() {
        let text = r#"[[rule]]
examples.flag = ["a miracle", 'it cures']"#;
        let r = find_example(text, 0..text.len(), "it cures").unwrap();
        assert_eq!(&text[r], "'it cures'");
        assert_eq!(find_example(text, 0..text.len(), "nothing"), None);
    }
}
