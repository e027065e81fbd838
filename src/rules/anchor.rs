//! Required literals of a regex pattern: a set of strings such that every match of the pattern
//! contains at least one of them.
//!
//! The matcher adds these "anchors" to its phrase automaton. A pattern then runs only on the
//! blocks where one of its anchors occurs, and is compiled only when that first happens: most
//! pages never need most patterns, so neither the start-up cost of compiling them nor the cost of
//! one search per pattern over the whole document is paid.

use regex_syntax::hir::{Hir, HirKind, Look};

/// Most literals an anchor set may hold (a lexicon alternation of a few hundred phrases is fine;
/// an exploding product is not).
const MAX_ANCHORS: usize = 4096;

/// Most anchor sets used per pattern: each costs automaton matches, and two or three
/// independent requirements already rule out almost every block.
const MAX_SETS: usize = 3;

/// Shortest literal worth a set of its own when the pattern has a better one (a set holding
/// "is" or " " matches everywhere and filters nothing).
const MIN_EXTRA_SCORE: usize = 3;

/// A set of alternative literals: every match of the pattern contains at least one of them.
pub type AnchorSet = Vec<Vec<u8>>;

/// Independent requirements of `hir`: every match contains a literal of EACH returned set.
/// Empty when some match need not contain any literal (the pattern must then always run).
#[must_use]
pub fn anchors(hir: &Hir) -> Vec<AnchorSet> {
    anchors_at_words(hir)
        .into_iter()
        .map(|(set, _)| set)
        .collect()
}

/// [`anchors`], each set with whether the pattern requires an ASCII word boundary just before
/// its literals (`\bcures …`): an occurrence inside a word ("secures") then cannot be part of a
/// match, and the matcher need not run the pattern for it.
#[must_use]
pub fn anchors_at_words(hir: &Hir) -> Vec<(AnchorSet, bool)> {
    let mut sets: Vec<(AnchorSet, bool)> = Vec::new();
    required_all(hir, &mut sets);
    sets.retain(|(set, _)| !set.is_empty() && set.iter().all(|l| !l.is_empty()));
    sets.sort_by_key(|(set, _)| (std::cmp::Reverse(score(set)), set.len()));
    let keep = sets
        .iter()
        .enumerate()
        .take_while(|(i, (set, _))| *i == 0 || score(set) >= MIN_EXTRA_SCORE)
        .take(MAX_SETS)
        .count();
    sets.truncate(keep);
    for (set, word) in &mut sets {
        // The boundary says where a literal starts only if the literal opens with a word byte.
        *word &= set.iter().all(|l| {
            l.first()
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        });
    }
    sets
}

/// Whether `hir` is an ASCII word boundary (`(?-u:\b)` and its start-of-word forms).
fn ascii_word_boundary(hir: &Hir) -> bool {
    matches!(
        hir.kind(),
        HirKind::Look(Look::WordAscii | Look::WordStartAscii | Look::WordStartHalfAscii)
    )
}

/// Most strings in a cross product of adjacent literal pieces ("(six|seven) in (10|ten)").
const MAX_PRODUCT: usize = 256;

/// Most characters of a class read as alternative literals.
const MAX_CLASS_CHARS: usize = 8;

/// Pushes every independent requirement of `hir`: the pieces of a concatenation are each
/// required, and adjacent pieces that spell a finite set of strings are joined into one set of
/// longer strings, which the automaton finds far more rarely ("in" alone is everywhere;
/// "seven in 10" is not).
/// A run that opens on an ASCII word boundary is marked: its literals start a word.
fn required_all(hir: &Hir, out: &mut Vec<(AnchorSet, bool)>) {
    match hir.kind() {
        HirKind::Concat(parts) => {
            let mut run: Option<(AnchorSet, bool)> = None;
            for part in parts {
                match exact(part) {
                    Some(strings) => {
                        run = Some(match run.take() {
                            None => (strings, ascii_word_boundary(part)),
                            Some((prev, word)) if prev.len() * strings.len() <= MAX_PRODUCT => {
                                (product(&prev, &strings), word)
                            }
                            Some(prev) => {
                                out.push(prev);
                                (strings, ascii_word_boundary(part))
                            }
                        });
                    }
                    None => {
                        out.extend(run.take());
                        required_all(part, out);
                    }
                }
            }
            out.extend(run);
        }
        HirKind::Capture(cap) => required_all(&cap.sub, out),
        HirKind::Repetition(rep) if rep.min >= 1 => required_all(&rep.sub, out),
        _ => out.extend(
            exact(hir)
                .or_else(|| required_one(hir))
                .map(|set| (set, false)),
        ),
    }
}

/// The strings `hir` matches, when it matches only a few fixed strings.
fn exact(hir: &Hir) -> Option<AnchorSet> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(cap) => exact(&cap.sub),
        HirKind::Class(class) => {
            let chars: Vec<char> = match class {
                regex_syntax::hir::Class::Unicode(u) => {
                    let n: u32 = u
                        .ranges()
                        .iter()
                        .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                        .sum();
                    if n as usize > MAX_CLASS_CHARS {
                        return None;
                    }
                    u.ranges()
                        .iter()
                        .flat_map(|r| r.start()..=r.end())
                        .collect()
                }
                regex_syntax::hir::Class::Bytes(_) => return None,
            };
            Some(chars.iter().map(|c| c.to_string().into_bytes()).collect())
        }
        HirKind::Alternation(alts) => {
            let mut out: AnchorSet = Vec::new();
            for alt in alts {
                out.extend(exact(alt)?);
                if out.len() > MAX_PRODUCT {
                    return None;
                }
            }
            out.sort_unstable();
            out.dedup();
            Some(out)
        }
        HirKind::Concat(parts) => {
            let mut acc: AnchorSet = vec![Vec::new()];
            for part in parts {
                let next = exact(part)?;
                if acc.len() * next.len() > MAX_PRODUCT {
                    return None;
                }
                acc = product(&acc, &next);
            }
            Some(acc)
        }
        HirKind::Repetition(_) => None,
    }
}

fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> AnchorSet {
    let mut out: AnchorSet = a
        .iter()
        .flat_map(|x| {
            b.iter().map(move |y| {
                let mut s = x.clone();
                s.extend_from_slice(y);
                s
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The single best requirement of `hir`, if it has one.
fn required_one(hir: &Hir) -> Option<AnchorSet> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(cap) => required_one(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required_one(&rep.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required_one)
            .max_by_key(|set| (score(set), std::cmp::Reverse(set.len()))),
        HirKind::Alternation(alts) => {
            let mut out: AnchorSet = Vec::new();
            for alt in alts {
                out.extend(required_one(alt)?);
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

/// How selective a set is: its least selective literal, by length (short literals such as "is"
/// occur everywhere), with digits and punctuation counting triple: "%" is rarer in copy than
/// any three letters. Full stops and commas are not: every sentence has one, so a set of "." or
/// ", " would make the automaton report every sentence.
fn score(set: &[Vec<u8>]) -> usize {
    let weight = |lit: &Vec<u8>| -> usize {
        lit.iter()
            .map(|&b| {
                if b.is_ascii_lowercase() || matches!(b, b' ' | b'.' | b',') {
                    1
                } else {
                    3
                }
            })
            .sum()
    };
    set.iter().map(weight).min().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::anchors;

    fn of(pattern: &str) -> Vec<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(pattern).expect("parses");
        anchors(&hir)
            .into_iter()
            .map(|set| {
                set.into_iter()
                    .map(|l| String::from_utf8(l).expect("utf-8"))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_selective_piece_is_a_requirement_and_adjacent_pieces_join() {
        assert_eq!(
            of(r"\bketamine (\w+ ){0,3}(is|are) (fda|health canada)[- ]approved\b"),
            [
                vec![
                    "are fda approved",
                    "are fda-approved",
                    "are health canada approved",
                    "are health canada-approved",
                    "is fda approved",
                    "is fda-approved",
                    "is health canada approved",
                    "is health canada-approved"
                ],
                vec!["ketamine "]
            ]
        );
        // Weak pieces ("is", " ") are dropped when there is a better one.
        assert_eq!(
            of(r"(\w+ ){0,2}(is|are) approved"),
            [vec!["are approved", "is approved"]]
        );
    }

    #[test]
    fn a_literal_after_an_ascii_word_boundary_must_start_a_word() {
        let at_words = |pattern: &str| -> Vec<(Vec<String>, bool)> {
            let hir = regex_syntax::Parser::new().parse(pattern).expect("parses");
            super::anchors_at_words(&hir)
                .into_iter()
                .map(|(set, word)| {
                    let set = set
                        .into_iter()
                        .map(|l| String::from_utf8(l).expect("utf-8"));
                    (set.collect(), word)
                })
                .collect()
        };
        assert_eq!(
            at_words(r"(?-u:\b)(lose|shed) (\w+ ){0,2}pounds"),
            [
                (vec!["pounds".to_string()], false),
                (vec!["lose ".to_string(), "shed ".to_string()], true)
            ]
        );
        // A literal that opens on punctuation says nothing about words.
        assert_eq!(
            at_words(r"(?-u:\b)%ers"),
            [(vec!["%ers".to_string()], false)]
        );
        // A Unicode boundary reads letters differently: not used.
        assert_eq!(at_words(r"\bheals"), [(vec!["heals".to_string()], false)]);
    }

    #[test]
    fn alternations_union_their_branches() {
        assert_eq!(
            of(r"\b(?:cures?|heals) (?:ptsd|ocd)"),
            [vec!["cure", "heals"], vec![" ocd", " ptsd"]]
        );
        assert_eq!(
            of(r"(?:miracle|wonder)+ drug"),
            [vec!["miracle", "wonder"], vec![" drug"]]
        );
    }

    #[test]
    fn punctuation_counts_as_rare() {
        // "% " would lose to any three letters on length alone; "%" is rare in copy.
        assert_eq!(
            of(r"[0-9]+ ?(%|percent) (\w+ ){0,2}(success|response)"),
            [vec!["response", "success"], vec!["% ", "percent "]]
        );
    }

    #[test]
    fn sentence_punctuation_is_no_requirement_beside_a_better_one() {
        // "." and ", " are in every sentence: as extra sets they would only add automaton
        // matches. "%" stays rare (see above).
        assert_eq!(
            of(r"\bsimply (\w+ )?better( \w+)?[.!;]"),
            [vec!["simply "], vec!["better"]]
        );
        assert_eq!(of(r"\bso(\w+)?, (\w+ )?better"), [vec!["better"]]);
    }

    #[test]
    fn a_weak_requirement_is_kept_when_it_is_the_only_one() {
        assert_eq!(of(r"[a-z]+ly"), [vec!["ly"]]);
        assert_eq!(
            of(r"(six|[7-9]) in (10|ten)"),
            [vec![
                "7 in 10",
                "7 in ten",
                "8 in 10",
                "8 in ten",
                "9 in 10",
                "9 in ten",
                "six in 10",
                "six in ten"
            ]]
        );
        assert_eq!(of(r"\?"), [vec!["?"]]);
    }

    #[test]
    fn optional_or_class_only_patterns_have_none() {
        assert!(of(r"(?:miracle)? ?\w+").is_empty());
        assert!(of(r"(?:ptsd|\w+)").is_empty());
        assert!(of(r"").is_empty());
    }
}
