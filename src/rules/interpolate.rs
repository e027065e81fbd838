//! Lexicon interpolation in the syntax tree rather than in the text of a pattern.
//!
//! A pattern such as `{treatment} (is|are) {hype}` means the pattern with each `{lexicon}`
//! replaced by a group alternating that lexicon's phrases. Spelled out as text, the embedded
//! rulesets' ~95 patterns come to 73 KB of regex source, most of it the same few lexicons over and
//! over, and parsing that text was the largest part of start-up. So a pattern is parsed with a
//! named group standing for each lexicon, each lexicon is parsed once, and its tree is put
//! in place of the group. A test checks that this builds the very tree the spelled-out text
//! parses to, for every embedded pattern.
//!
//! Where the two could differ — inline flags such as `(?i)` or `(?x)`, which would apply to the
//! spelled-out lexicon too, or a `{lexicon}` inside a `[class]` — the caller parses the
//! spelled-out text as before.

use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};

/// Prefix of the name of the group that stands for a lexicon: `__claimlint_lexicon_<id>_<n>`, the
/// `n`th lexicon of the pattern (names must be unique within a pattern).
const PREFIX: &str = "__claimlint_lexicon_";

/// The group that stands for lexicon `id`, the `nth` lexicon interpolated into a pattern. Not
/// empty: the parser drops a repetition of what can only match the empty string (`(?<g>)+`).
#[must_use]
pub fn placeholder(id: usize, nth: usize) -> String {
    format!("(?<{PREFIX}{id}_{nth}>x)")
}

/// Whether `pattern` sets flags inline (`(?i)`, `(?x:…)`, …), which would reach into lexicons
/// spelled out in its text but not into lexicons parsed on their own.
#[must_use]
pub fn has_inline_flags(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'(' if bytes.get(i + 1) == Some(&b'?') => {
                // `(?:` and named groups `(?P<`, `(?<` set no flags.
                let rest = &bytes[i + 2..];
                if !(rest.starts_with(b":") || rest.starts_with(b"P<") || rest.starts_with(b"<")) {
                    return true;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    false
}

/// `hir` with every placeholder group replaced by its lexicon's tree (`lexicon(id)`) and every
/// other capture group by its contents (only whole matches are used), rebuilt bottom-up with the
/// same constructors the parser uses, so adjacent literals merge and nested concatenations
/// flatten as they would in the spelled-out pattern. `replaced` counts the placeholders found.
/// `None` when a lexicon has no tree.
pub fn substitute(
    hir: Hir,
    lexicon: &mut dyn FnMut(usize) -> Option<Hir>,
    replaced: &mut usize,
) -> Option<Hir> {
    Some(match hir.into_kind() {
        HirKind::Capture(Capture { name, sub, .. }) => {
            match name.as_deref().and_then(|n| n.strip_prefix(PREFIX)) {
                Some(rest) => {
                    let id = rest.split('_').next()?.parse().ok()?;
                    *replaced += 1;
                    lexicon(id)?
                }
                None => substitute(*sub, lexicon, replaced)?,
            }
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(substitute(*rep.sub, lexicon, replaced)?),
            ..rep
        }),
        HirKind::Concat(subs) => Hir::concat(
            subs.into_iter()
                .map(|h| substitute(h, lexicon, replaced))
                .collect::<Option<_>>()?,
        ),
        HirKind::Alternation(subs) => Hir::alternation(
            subs.into_iter()
                .map(|h| substitute(h, lexicon, replaced))
                .collect::<Option<_>>()?,
        ),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(lit) => Hir::literal(lit.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &str) -> Hir {
        regex_syntax::Parser::new().parse(p).expect("parses")
    }

    fn without_captures(p: &str) -> Hir {
        substitute(parse(p), &mut |_| None, &mut 0).expect("no placeholders")
    }

    #[test]
    fn a_substituted_lexicon_builds_the_spelled_out_tree() {
        let lexicon = "(?:\\bmay\\b|\\bcan\\b|%)";
        for (skeleton, spelled) in [
            ("it LEX help", format!("it {lexicon} help")),
            ("LEX+ (a|b)", format!("{lexicon}+ (a|b)")),
            ("xLEXy|LEX", format!("x{lexicon}y|{lexicon}")),
            ("(LEX)?z{2}", format!("({lexicon})?z{{2}}")),
        ] {
            let mut nth = 0;
            let skeleton = skeleton
                .split("LEX")
                .collect::<Vec<_>>()
                .join("\u{1}")
                .chars()
                .map(|c| {
                    if c == '\u{1}' {
                        nth += 1;
                        placeholder(7, nth)
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>();
            let mut replaced = 0;
            let got = substitute(
                parse(&skeleton),
                &mut |id| (id == 7).then(|| without_captures(lexicon)),
                &mut replaced,
            );
            assert_eq!(replaced, nth);
            assert_eq!(got, Some(without_captures(&spelled)), "{skeleton}");
        }
    }

    #[test]
    fn a_lexicon_without_a_tree_fails_the_substitution() {
        let hir = parse(&format!("a{}b", placeholder(3, 1)));
        assert_eq!(substitute(hir, &mut |_| None, &mut 0), None);
    }

    #[test]
    fn inline_flags_are_told_from_groups() {
        assert!(has_inline_flags("(?i)cure"));
        assert!(has_inline_flags("a(?x: b )"));
        assert!(has_inline_flags("(?-u:\\b)x"));
        assert!(!has_inline_flags("(?:a|b)(?P<n>c)(?<m>d)"));
        assert!(!has_inline_flags(r"\(?x\)?"));
    }
}
