//! A compiled pattern's NFA in bytes, for the snapshot of the embedded rulesets (see
//! [`super::snapshot`]).
//!
//! `regex-automata` cannot store an NFA, but its `thompson::Builder` takes states one by one:
//! handing it the states of a compiled NFA, in order, gives the same NFA back (a test compares
//! them) without the compiler's work — UTF-8 sequences, literal tries, and the syntax tree it
//! starts from — which was most of building the patterns a first small page needs.

use regex_automata::nfa::thompson::{Builder, NFA, Transition};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;

#[cfg_attr(
    not(test),
    allow(dead_code, reason = "used by the build script's compiler crate")
)]
/// The states of `nfa` in bytes; `None` for an NFA the builder could not rebuild as it is (more
/// than one pattern, or capture states: the patterns' automata have neither).
pub(crate) fn encode(nfa: &NFA) -> Option<Vec<u8>> {
    use regex_automata::nfa::thompson::State;
    if nfa.pattern_len() != 1 {
        return None;
    }
    let mut out = Vec::with_capacity(nfa.states().len() * 4);
    out.push(u8::from(nfa.is_reverse()) | u8::from(nfa.is_utf8()) << 1);
    let pattern_start = nfa.start_pattern(regex_automata::PatternID::ZERO)?;
    for id in [nfa.start_anchored(), nfa.start_unanchored(), pattern_start] {
        put(&mut out, id.as_u32());
    }
    put(&mut out, u32::try_from(nfa.states().len()).ok()?);
    for (at, state) in nfa.states().iter().enumerate() {
        // Most transitions lead to a state nearby: stored relative to this one, they take a byte.
        let at = i64::try_from(at).ok()?;
        let mut put_id = |out: &mut Vec<u8>, id: StateID| put_relative(out, id, at);
        match state {
            State::ByteRange { trans } => {
                out.push(0);
                put_transition(&mut out, *trans, &mut put_id);
            }
            State::Sparse(sparse) => {
                out.push(1);
                put(&mut out, u32::try_from(sparse.transitions.len()).ok()?);
                for &t in &*sparse.transitions {
                    put_transition(&mut out, t, &mut put_id);
                }
            }
            State::Look { look, next } => {
                out.push(2);
                put(&mut out, look.as_repr());
                put_id(&mut out, *next);
            }
            State::Union { alternates } => {
                out.push(3);
                put(&mut out, u32::try_from(alternates.len()).ok()?);
                for &id in &**alternates {
                    put_id(&mut out, id);
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(4);
                put_id(&mut out, *alt1);
                put_id(&mut out, *alt2);
            }
            State::Fail => out.push(5),
            State::Match { .. } => out.push(6),
            State::Dense(_) | State::Capture { .. } => return None,
        }
    }
    Some(out)
}

/// The NFA `encode` gave `bytes` for; `None` if they are not one. `size_limit` as the compiler's.
pub(crate) fn decode(bytes: &[u8], size_limit: Option<usize>) -> Option<NFA> {
    let mut r = Reader {
        bytes,
        at: 0,
        len: u32::MAX,
    };
    let flags = r.byte()?;
    let (anchored, unanchored, pattern_start) = (r.u32()?, r.u32()?, r.u32()?);
    let len = r.u32()?;
    // The builder panics on a transition to a state it does not have.
    r.len = len;
    let mut builder = Builder::new();
    builder.set_reverse(flags & 1 != 0);
    builder.set_utf8(flags & 2 != 0);
    builder.set_size_limit(size_limit).ok()?;
    builder.start_pattern().ok()?;
    for expected in 0..len {
        let at = i64::from(expected);
        let id = match r.byte()? {
            0 => builder.add_range(r.transition(at)?),
            1 => {
                let n = r.u32()?;
                let transitions = (0..n).map(|_| r.transition(at)).collect::<Option<_>>()?;
                builder.add_sparse(transitions)
            }
            2 => {
                let look = Look::from_repr(r.u32()?)?;
                builder.add_look(r.relative(at)?, look)
            }
            3 => {
                let n = r.u32()?;
                let alternates = (0..n).map(|_| r.relative(at)).collect::<Option<_>>()?;
                builder.add_union(alternates)
            }
            4 => builder.add_union(vec![r.relative(at)?, r.relative(at)?]),
            5 => builder.add_fail(),
            6 => builder.add_match(),
            _ => return None,
        }
        .ok()?;
        // States keep their ids only if they are added in order, each once.
        if id.as_u32() != expected {
            return None;
        }
    }
    if r.at != bytes.len() {
        return None;
    }
    let [anchored, unanchored, pattern_start] =
        [anchored, unanchored, pattern_start].map(|id| r.state(i64::from(id)));
    builder.finish_pattern(pattern_start?).ok()?;
    builder.build(anchored?, unanchored?).ok()
}

/// Unsigned LEB128: most ids and bytes fit in one or two.
#[allow(
    clippy::cast_possible_truncation,
    reason = "each byte takes the low seven bits on purpose"
)]
fn put(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// `id` as a distance from state `at`, zigzag-encoded (0, -1, 1, -2, … as 0, 1, 2, 3, …).
fn put_relative(out: &mut Vec<u8>, id: StateID, at: i64) {
    let delta = i64::from(id.as_u32()) - at;
    // Both are state ids, below 2^31: the zigzag of their difference fits in 32 bits.
    put(
        out,
        u32::try_from((delta << 1) ^ (delta >> 63)).unwrap_or(u32::MAX),
    );
}

fn put_transition(
    out: &mut Vec<u8>,
    t: Transition,
    put_id: &mut impl FnMut(&mut Vec<u8>, StateID),
) {
    out.extend([t.start, t.end]);
    put_id(out, t.next);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// How many states the NFA has.
    len: u32,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            n |= u32::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    /// A state id stored by `put_relative` for state `at`.
    fn relative(&mut self, at: i64) -> Option<StateID> {
        let z = i64::from(self.u32()?);
        self.state(at + ((z >> 1) ^ -(z & 1)))
    }

    fn state(&self, id: i64) -> Option<StateID> {
        let id = u32::try_from(id).ok().filter(|&id| id < self.len)?;
        StateID::new(id as usize).ok()
    }

    fn transition(&mut self, at: i64) -> Option<Transition> {
        let (start, end) = (self.byte()?, self.byte()?);
        Some(Transition {
            start,
            end,
            next: self.relative(at)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use regex_automata::nfa::thompson::{Compiler, Config, NFA, WhichCaptures};

    fn round_trip(pattern: &str, reverse: bool) -> (NFA, NFA) {
        let nfa = Compiler::new()
            .configure(
                Config::new()
                    .which_captures(WhichCaptures::None)
                    .reverse(reverse),
            )
            .build(pattern)
            .expect("compiles");
        let bytes = encode(&nfa).expect("encodes");
        let back = decode(&bytes, None).expect("decodes");
        (nfa, back)
    }

    #[test]
    fn an_nfa_comes_back_state_for_state() {
        for pattern in [
            r"cures? (all|every|any)\b",
            r"(?i)fda[- ]approved",
            r"^(a|ab|abc)+$",
            r"[^.;:!?]{0,20}(é|ü|\d)",
            r"x*",
        ] {
            for reverse in [false, true] {
                let (nfa, back) = round_trip(pattern, reverse);
                assert_eq!(format!("{nfa:?}"), format!("{back:?}"), "{pattern}");
                assert_eq!(
                    format!("{:?}", nfa.byte_classes()),
                    format!("{:?}", back.byte_classes()),
                    "{pattern}"
                );
                assert_eq!(nfa.look_set_any(), back.look_set_any(), "{pattern}");
                assert_eq!(nfa.is_reverse(), back.is_reverse());
            }
        }
    }

    #[test]
    fn bytes_that_are_not_an_nfa_are_refused() {
        let (nfa, _) = round_trip("abc", false);
        let bytes = encode(&nfa).expect("encodes");
        assert!(decode(&bytes[..bytes.len() - 1], None).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, None).is_none());
        assert!(decode(&[], None).is_none());
        assert!(
            decode(&[0, 9, 9, 9, 1, 6], None).is_none(),
            "starts past the states"
        );
        // One state, a byte range leading to state 0 + 5.
        assert!(
            decode(&[0, 0, 0, 0, 1, 0, b'a', b'a', 10], None).is_none(),
            "a transition past them"
        );
    }
}
