//! Required literals of a regex pattern: a set of strings such that every match of the pattern
//! contains at least one of them.
//!
//! The matcher adds these "anchors" to its phrase automaton. A pattern then runs only on the
//! blocks where one of its anchors occurs, and is compiled only when that first happens: most
//! pages never need most patterns, so neither the start-up cost of compiling them nor the cost of
//! one search per pattern over the whole document is paid.

use regex_syntax::hir::{Hir, HirKind};

/// Most literals an anchor set may hold (a lexicon alternation of a few hundred phrases is fine;
/// an exploding product is not).
const MAX_ANCHORS: usize = 4096;

/// The best anchor set of `hir`, or `None` when some match need not contain any literal.
#[must_use]
pub fn anchors(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    required(hir).filter(|set| !set.is_empty() && set.iter().all(|l| !l.is_empty()))
}

fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(cap) => required(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required)
            .max_by_key(|set| (score(set), std::cmp::Reverse(set.len()))),
        HirKind::Alternation(alts) => {
            let mut out: Vec<Vec<u8>> = Vec::new();
            for alt in alts {
                out.extend(required(alt)?);
                if out.len() > MAX_ANCHORS {
                    return None;
                }
            }
            out.sort_unstable();
            out.dedup();
            Some(out)
        }
        // Classes, look-arounds, empty and optional pieces require no particular literal.
        _ => None,
    }
}

/// How selective a set is: its shortest literal (short literals such as "is" occur everywhere).
fn score(set: &[Vec<u8>]) -> usize {
    set.iter().map(Vec::len).min().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::anchors;

    fn of(pattern: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(pattern).expect("parses");
        anchors(&hir).map(|set| {
            set.into_iter()
                .map(|l| String::from_utf8(l).expect("utf-8"))
                .collect()
        })
    }

    #[test]
    fn picks_the_longest_required_piece() {
        assert_eq!(
            of(r"\bketamine (\w+ ){0,3}(is|are) (fda|health canada)[- ]approved\b"),
            Some(vec!["ketamine ".to_string()])
        );
        assert_eq!(
            of(r"(\w+ ){0,2}(is|are) approved"),
            Some(vec![" approved".to_string()])
        );
    }

    #[test]
    fn alternations_union_their_branches() {
        assert_eq!(
            of(r"\b(?:cures?|heals) (?:ptsd|ocd)"),
            Some(vec!["cure".to_string(), "heals".to_string()])
        );
        assert_eq!(
            of(r"(?:miracle|wonder)+ drug"),
            Some(vec!["miracle".to_string(), "wonder".to_string()])
        );
    }

    #[test]
    fn optional_or_class_only_patterns_have_none() {
        assert_eq!(of(r"(?:miracle)? ?\w+"), None);
        assert_eq!(of(r"[a-z]+ly"), Some(vec!["ly".to_string()]));
        assert_eq!(of(r"(?:ptsd|\w+)"), None);
        assert_eq!(of(r""), None);
    }
}
