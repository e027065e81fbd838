//! British, Australian and Canadian spellings of the words rules match (issue 25).
//!
//! Spelling follows the page, not the profile: an Australian clinic writes "anaesthetic" and a
//! US one "anesthetic", and both are judged under whichever profile is chosen. So every phrase
//! of every lexicon and rule is compiled with its other spellings ([`variants`]), from the small
//! table below, rather than each ruleset listing both. Only phrases are expanded; a pattern
//! spells its own alternatives. Hand-written: the table is short and the substitutions must not
//! touch words that merely contain a fragment ("imaging" is not "ageing").

/// (US, Commonwealth) spellings. A `true` flag: only as a whole word (so "program" does not
/// turn "programme" into "programmeme", nor "aging" turn "imaging" into "imageing").
const PAIRS: &[(&str, &str, bool)] = &[
    ("anesth", "anaesth", false),
    ("pediatric", "paediatric", false),
    ("hematolog", "haematolog", false),
    ("hemorrh", "haemorrh", false),
    ("hemoglobin", "haemoglobin", false),
    ("hemochromatosis", "haemochromatosis", false),
    ("estrogen", "oestrogen", false),
    ("edema", "oedema", false),
    ("esophag", "oesophag", false),
    ("anemi", "anaemi", false),
    ("leukemi", "leukaemi", false),
    ("septicemi", "septicaemi", false),
    ("glycemi", "glycaemi", false),
    ("ischemi", "ischaemi", false),
    ("diarrhea", "diarrhoea", false),
    ("apnea", "apnoea", false),
    ("orthoped", "orthopaed", false),
    ("gynecolog", "gynaecolog", false),
    ("celiac", "coeliac", false),
    ("tumor", "tumour", false),
    ("behavior", "behaviour", false),
    ("fiber", "fibre", false),
    ("counseling", "counselling", false),
    ("counselor", "counsellor", false),
    ("personaliz", "personalis", false),
    ("specializ", "specialis", false),
    ("minimiz", "minimis", false),
    ("maximiz", "maximis", false),
    ("optimiz", "optimis", false),
    ("revolutioniz", "revolutionis", false),
    ("authoriz", "authoris", false),
    ("recogniz", "recognis", false),
    ("customiz", "customis", false),
    ("revitaliz", "revitalis", false),
    ("energiz", "energis", false),
    ("stabiliz", "stabilis", false),
    ("analyz", "analys", false),
    ("paralyz", "paralys", false),
    ("aging", "ageing", true),
    ("program", "programme", true),
    ("programs", "programmes", true),
    ("center", "centre", true),
    ("centers", "centres", true),
    ("license", "licence", true),
    ("licenses", "licences", true),
];

/// The other spellings of `phrase` (lower-case, as rulesets write phrases), without `phrase`
/// itself; empty for most phrases. Both directions: a ruleset may write either spelling.
#[must_use]
pub fn variants(phrase: &str) -> Vec<String> {
    // Most phrases hold no respellable fragment: one automaton pass over the phrase says which
    // pairs to try, instead of a substring search per pair and direction (thousands of phrases
    // are compiled when a user ruleset loads).
    let fragments = fragments();
    let mut pairs: Vec<usize> = fragments
        .automaton
        .find_overlapping_iter(phrase)
        .flat_map(|m| fragments.pairs[m.value()].iter().copied())
        .collect();
    if pairs.is_empty() {
        return Vec::new();
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut frontier = vec![phrase.to_string()];
    // Two rounds: a phrase with two respellable words gets every combination that matters.
    for _ in 0..2 {
        let mut next = Vec::new();
        for p in &frontier {
            for &(us, uk, whole) in pairs.iter().map(|&i| &PAIRS[i]) {
                for (from, to) in [(us, uk), (uk, us)] {
                    if let Some(v) = replace(p, from, to, whole)
                        && v != phrase
                        && !out.contains(&v)
                    {
                        out.push(v.clone());
                        next.push(v);
                    }
                }
            }
        }
        frontier = next;
    }
    out
}

/// Every spelling of [`PAIRS`] in one automaton, and for each (its match value) the pairs that
/// hold it.
struct Fragments {
    automaton: daachorse::DoubleArrayAhoCorasick<usize>,
    pairs: Vec<Vec<usize>>,
}

fn fragments() -> &'static Fragments {
    static FRAGMENTS: std::sync::OnceLock<Fragments> = std::sync::OnceLock::new();
    FRAGMENTS.get_or_init(|| {
        let mut strings: Vec<&str> = Vec::new();
        let mut pairs: Vec<Vec<usize>> = Vec::new();
        for (i, &(us, uk, _)) in PAIRS.iter().enumerate() {
            for f in [us, uk] {
                match strings.iter().position(|&s| s == f) {
                    Some(k) => pairs[k].push(i),
                    None => {
                        strings.push(f);
                        pairs.push(vec![i]);
                    }
                }
            }
        }
        let automaton = daachorse::DoubleArrayAhoCorasick::with_values(
            strings.iter().enumerate().map(|(k, &f)| (f, k)),
        )
        .expect("the spelling table builds an automaton");
        Fragments { automaton, pairs }
    })
}

/// `p` with every occurrence of `from` replaced by `to` (as a whole word when `whole`), or
/// `None` when there is none.
fn replace(p: &str, from: &str, to: &str, whole: bool) -> Option<String> {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(p.len() + 4);
    let mut rest = p;
    let mut found = false;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().last().or_else(|| out.chars().last());
        let after = rest[i + from.len()..].chars().next();
        // "estrogen" inside "oestrogen" is already the other spelling.
        let done = to.find(from).is_some_and(|k| {
            let at = out.len() + i;
            let whole_p = format!("{out}{rest}");
            at >= k && whole_p[at - k..].starts_with(to)
        });
        if !done && (!whole || (!is_word(before) && !is_word(after))) {
            out.push_str(&rest[..i]);
            out.push_str(to);
            found = true;
        } else {
            out.push_str(&rest[..i + from.len()]);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::variants;

    #[test]
    fn respells_both_ways_and_leaves_lookalikes_alone() {
        assert_eq!(variants("anesthetic"), ["anaesthetic"]);
        assert_eq!(variants("anaesthesia"), ["anesthesia"]);
        assert_eq!(variants("pediatric patients"), ["paediatric patients"]);
        assert_eq!(variants("our program"), ["our programme"]);
        assert_eq!(variants("our programme"), ["our program"]);
        assert_eq!(
            variants("hormone therapy with estrogen"),
            ["hormone therapy with oestrogen"]
        );
        assert_eq!(variants("anti-aging"), ["anti-ageing"]);
        assert!(variants("imaging").is_empty());
        assert!(variants("programming").is_empty());
        assert!(variants("licensed").is_empty());
        assert_eq!(variants("no licence"), ["no license"]);
        assert_eq!(
            variants("pediatric anesthesia"),
            [
                "pediatric anaesthesia",
                "paediatric anesthesia",
                "paediatric anaesthesia"
            ]
        );
    }
}
