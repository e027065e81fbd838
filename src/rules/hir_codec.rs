//! A regex syntax tree in bytes, for the snapshot of the embedded rulesets (see
//! [`super::snapshot`]): rebuilding a tree from its parts takes a fraction of the time parsing
//! its pattern does (the lexicons they interpolate make the embedded patterns about 170 KB of
//! regex), and a pattern needs its tree only when it is compiled, on first need.

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, Look,
    Repetition,
};
use serde::{Deserialize, Serialize};

/// [`HirKind`], as plain data.
#[derive(Serialize, Deserialize)]
enum Node {
    Empty,
    Literal(Vec<u8>),
    Unicode(Vec<(char, char)>),
    Bytes(Vec<(u8, u8)>),
    Look(u32),
    Repetition {
        min: u32,
        max: Option<u32>,
        greedy: bool,
        sub: Box<Node>,
    },
    Capture {
        index: u32,
        name: Option<String>,
        sub: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
}

impl Node {
    #[cfg(test)]
    fn from_hir(hir: &Hir) -> Self {
        use regex_syntax::hir::HirKind;
        match hir.kind() {
            HirKind::Empty => Node::Empty,
            HirKind::Literal(lit) => Node::Literal(lit.0.to_vec()),
            HirKind::Class(Class::Unicode(c)) => {
                Node::Unicode(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
            }
            HirKind::Class(Class::Bytes(c)) => {
                Node::Bytes(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
            }
            HirKind::Look(look) => Node::Look(look.as_repr()),
            HirKind::Repetition(r) => Node::Repetition {
                min: r.min,
                max: r.max,
                greedy: r.greedy,
                sub: Box::new(Node::from_hir(&r.sub)),
            },
            HirKind::Capture(c) => Node::Capture {
                index: c.index,
                name: c.name.as_deref().map(str::to_string),
                sub: Box::new(Node::from_hir(&c.sub)),
            },
            HirKind::Concat(subs) => Node::Concat(subs.iter().map(Node::from_hir).collect()),
            HirKind::Alternation(subs) => {
                Node::Alternation(subs.iter().map(Node::from_hir).collect())
            }
        }
    }

    fn into_hir(self) -> Option<Hir> {
        Some(match self {
            Node::Empty => Hir::empty(),
            Node::Literal(bytes) => Hir::literal(bytes),
            Node::Unicode(ranges) => Hir::class(Class::Unicode(ClassUnicode::new(
                ranges
                    .into_iter()
                    .map(|(a, b)| ClassUnicodeRange::new(a, b)),
            ))),
            Node::Bytes(ranges) => Hir::class(Class::Bytes(ClassBytes::new(
                ranges.into_iter().map(|(a, b)| ClassBytesRange::new(a, b)),
            ))),
            Node::Look(repr) => Hir::look(Look::from_repr(repr)?),
            Node::Repetition {
                min,
                max,
                greedy,
                sub,
            } => Hir::repetition(Repetition {
                min,
                max,
                greedy,
                sub: Box::new(sub.into_hir()?),
            }),
            Node::Capture { index, name, sub } => Hir::capture(Capture {
                index,
                name: name.map(String::into_boxed_str),
                sub: Box::new(sub.into_hir()?),
            }),
            Node::Concat(subs) => Hir::concat(
                subs.into_iter()
                    .map(Node::into_hir)
                    .collect::<Option<_>>()?,
            ),
            Node::Alternation(subs) => Hir::alternation(
                subs.into_iter()
                    .map(Node::into_hir)
                    .collect::<Option<_>>()?,
            ),
        })
    }
}

#[cfg(test)]
/// The tree in bytes.
#[must_use]
pub(crate) fn encode(hir: &Hir) -> Vec<u8> {
    postcard::to_stdvec(&Node::from_hir(hir)).expect("a syntax tree always serialises")
}

/// The tree `encode` wrote; `None` if the bytes are not one.
#[must_use]
pub(crate) fn decode(bytes: &[u8]) -> Option<Hir> {
    postcard::from_bytes::<Node>(bytes).ok()?.into_hir()
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn trees_come_back_equal() {
        for pattern in [
            r"(?-u:\b)cures? (all|every) (cancer|disease)s?\b",
            r"(?i)fda[- ]approved\s+for\s+\w+",
            r"^(?P<head>[0-9]{1,3}%)\s*(?:of\s+)?patients?$",
            r"a*?b{2,}c{3}(?m:^$)[^\x00-\x7f]|",
            r"(?-u:\B)x\B",
        ] {
            let hir = regex_syntax::Parser::new().parse(pattern).expect("parses");
            assert_eq!(decode(&encode(&hir)), Some(hir), "{pattern}");
        }
        assert_eq!(decode(b"\xff\xff"), None);
    }
}
