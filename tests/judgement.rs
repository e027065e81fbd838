//! The judgement the shipped rulesets make, end to end: the claim model against the treatment
//! dictionary (issue 19's ten kinds of miss). Every sentence here is our own.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// `claimlint check - --stdin-filename NAME --format json` on `text` with the embedded rulesets.
fn lint(name: &str, text: &str) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
        .args(["check", "-", "--stdin-filename", name, "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run claimlint");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// (rule, matched) of the span findings, in order.
fn spans(diags: &[Value]) -> Vec<(String, String)> {
    diags
        .iter()
        .filter(|d| d["category"] != "missing-caveat")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rules(diags: &[Value]) -> Vec<String> {
    spans(diags).into_iter().map(|(r, _)| r).collect()
}

/// The (rule, matched text) pairs of the off-label findings.
fn off_label_spans(diags: &[Value]) -> Vec<(String, String)> {
    spans(diags)
        .into_iter()
        .filter(|(r, _)| r == "off-label/unapproved-use")
        .collect()
}

fn find<'a>(diags: &'a [Value], rule: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {diags:#?}"))
}

#[test]
fn every_claim_in_a_sentence_is_reported() {
    let d = lint(
        "a.txt",
        "Our groundbreaking protocol is a revolutionary game-changer.\n",
    );
    assert_eq!(
        spans(&d),
        [
            ("hype/groundbreaking".into(), "groundbreaking".into()),
            ("hype/revolutionary".into(), "revolutionary".into()),
            ("hype/game-changer".into(), "game-changer".into()),
        ]
    );
    let d = lint(
        "b.txt",
        "Our drips are totally safe and have no side effects.\n",
    );
    let safety: Vec<_> = spans(&d)
        .into_iter()
        .filter(|(r, _)| r.starts_with("safety/"))
        .collect();
    assert_eq!(safety.len(), 2, "{safety:?}");
    assert!(safety.iter().any(|(_, m)| m.contains("no side effects")));
}

#[test]
fn off_label_is_judged_for_any_treatment_in_the_dictionary() {
    for (text, treatment, condition, matched) in [
        (
            "CBD gummies calm anxiety.",
            "cbd",
            "anxiety",
            "calm anxiety",
        ),
        (
            "Our peptide stack rebuilds cartilage.",
            "peptides",
            "cartilage",
            "rebuilds cartilage",
        ),
        (
            "Hyperbaric sessions help children with autism.",
            "hbot",
            "children-development",
            "help children with autism",
        ),
        (
            "Chelation clears your arteries.",
            "chelation",
            "cardiovascular",
            "clears your arteries",
        ),
        (
            "Semaglutide lowers your cancer risk.",
            "semaglutide",
            "cancer",
            "lowers your cancer risk",
        ),
    ] {
        let d = lint("page.txt", &format!("{text}\n"));
        let f = find(&d, "off-label/unapproved-use");
        assert_eq!(f["matched"], matched, "{text}");
        assert_eq!(f["claim"]["treatment"], treatment, "{text}");
        assert_eq!(f["claim"]["condition"], condition, "{text}");
        assert_eq!(f["start"]["line"], 1);
    }
    let d = lint("cbd.txt", "CBD oil calms anxiety.\n");
    assert_eq!(
        find(&d, "off-label/unapproved-use")["message"],
        "claims CBD calms anxiety: not an authorised use of CBD (US)"
    );
    // An authorised use is not off-label, and a named agent other than the treatment takes
    // the benefit.
    assert!(lint("w.txt", "Wegovy helps adults with obesity lose weight.\n").is_empty());
    let d = lint(
        "x.txt",
        "Antidepressants treat anxiety; CBD comes as an oil.\n",
    );
    assert!(!rules(&d).contains(&"off-label/unapproved-use".to_string()));
}

#[test]
fn caveats_and_help_name_the_pages_own_treatment() {
    let page = "Semaglutide helps adults with obesity lose weight.\n\n\
                Book a semaglutide visit today.\n";
    let d = lint("sema.txt", page);
    let side = find(&d, "caveat/side-effects");
    let help = side["help"].as_str().unwrap();
    assert!(
        help.starts_with("Common side effects of semaglutide include nausea"),
        "{help}"
    );
    for diag in &d {
        for field in ["message", "help", "note"] {
            let text = diag[field].as_str().unwrap_or_default();
            assert!(!text.to_lowercase().contains("ketamine"), "{field}: {text}");
            assert!(
                !text.contains('[') && !text.contains('{'),
                "{field}: {text}"
            );
        }
    }
    // The abuse caveat is for controlled substances, supervision for clinic-given ones.
    let caveats: Vec<&str> = d.iter().filter_map(|x| x["caveat"].as_str()).collect();
    assert!(
        !caveats.contains(&"abuse") && !caveats.contains(&"supervision"),
        "{caveats:?}"
    );
    let d = lint(
        "cbd.txt",
        "CBD gummies calm anxiety.\n\nOrder CBD online.\n",
    );
    let caveats: Vec<&str> = d.iter().filter_map(|x| x["caveat"].as_str()).collect();
    assert!(caveats.contains(&"approval-scope"), "{caveats:?}");
    let scope = d.iter().find(|x| x["caveat"] == "approval-scope").unwrap();
    assert!(scope["help"].as_str().unwrap().contains("Epidiolex"));
    // A named risk from the dictionary's words discloses side effects.
    let d = lint(
        "cbd2.txt",
        "CBD gummies may calm some people.\n\nCBD can cause drowsiness.\n",
    );
    assert!(!d.iter().any(|x| x["caveat"] == "side-effects"), "{d:#?}");
}

#[test]
fn a_hedge_governs_its_own_clause() {
    let d = lint(
        "laser.txt",
        "Not only does the laser cure back pain, but in some cases it may replace surgery.\n",
    );
    assert_eq!(find(&d, "efficacy/cure")["matched"], "cure");
    let d = lint(
        "laser2.txt",
        "In some cases the laser may cure back pain.\n",
    );
    assert!(!rules(&d).contains(&"efficacy/cure".to_string()));
}

#[test]
fn outcome_figures_need_a_source() {
    for text in [
        "Our clinic has a 92% success rate.",
        "8 of 10 patients are pain-free after the first month.",
        "We see remission in 70% of our clients.",
        "Patients lose up to 20% of their body weight.",
    ] {
        let d = lint("f.txt", &format!("{text}\n"));
        assert!(
            rules(&d).contains(&"efficacy/success-rate".to_string()),
            "{text}: {d:#?}"
        );
    }
    let d = lint(
        "g.txt",
        "Our clinic has a 92% success rate. The figure comes from a 2021 trial of 80 adults.\n",
    );
    assert!(!rules(&d).contains(&"efficacy/success-rate".to_string()));
}

#[test]
fn headings_and_bullets_are_claims() {
    let page = "Erases Joint Pain\n\nOur stem cell injections are given in the office.\n\n\
                What we treat:\n\n- Knee arthritis\n- Multiple sclerosis\n\nSafe for Seniors\n\n\
                Stem cells come from your own body.\n";
    let d = lint("stem.md", page);
    let off: Vec<(String, i64)> = d
        .iter()
        .filter(|x| x["rule"] == "off-label/unapproved-use")
        .map(|x| {
            (
                x["matched"].as_str().unwrap().to_string(),
                x["start"]["line"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        off,
        [
            ("Erases Joint Pain".to_string(), 1),
            ("Knee arthritis".to_string(), 7),
            ("Multiple sclerosis".to_string(), 8),
        ]
    );
    assert_eq!(find(&d, "safety/safe-predicate")["start"]["line"], 10);
}

#[test]
fn present_tense_use_is_a_claim() {
    for text in [
        "Ketamine is increasingly offered for PTSD.",
        "Ketamine is our go-to option for anxiety.",
        "We most often use it for chronic pain, and ketamine is what we offer.",
    ] {
        let d = lint("use.txt", &format!("{text}\n"));
        assert!(
            rules(&d).contains(&"off-label/unapproved-use".to_string()),
            "{text}: {d:#?}"
        );
    }
}

#[test]
fn safety_wording_variants() {
    for (text, rule) in [
        (
            "Our drips are a safe, and gentle option.",
            "safety/safe-predicate",
        ),
        ("Ozone therapy is quite safe.", "safety/safe-predicate"),
        ("Chelation safely removes metals.", "safety/safe-predicate"),
        ("Is it safe? Absolutely.", "safety/safe-predicate"),
        (
            "Some people get mild nausea that goes away quickly.",
            "safety/downplayed-risk",
        ),
    ] {
        let d = lint("s.txt", &format!("{text}\n"));
        assert!(rules(&d).contains(&rule.to_string()), "{text}: {d:#?}");
    }
}

#[test]
fn contrast_framing_is_superiority_or_sameness() {
    let d = lint(
        "c.txt",
        "Unlike pills, which take months - when they help at all - our infusions work in days.\n",
    );
    assert_eq!(find(&d, "superiority/contrast")["matched"], "Unlike pills");
    let d = lint("c2.txt", "Our program reaches what talk therapy can't.\n");
    assert!(rules(&d).contains(&"superiority/contrast".to_string()));
    let d = lint(
        "c3.txt",
        "Our compounded semaglutide is identical to the brand-name drug at a fraction of the price.\n",
    );
    assert_eq!(find(&d, "approval/sameness-claim")["severity"], "error");
}

#[test]
fn the_supplement_disclaimer_is_not_a_claim() {
    let page = "Our CBD oil supports calm evenings.\n\n\
                These statements have not been evaluated by the Food and Drug Administration. \
                This product is not intended to diagnose, treat, cure or prevent any disease.\n\n\
                CBD oil is sold in 30 ml bottles.\n";
    let d = lint("cbd.txt", page);
    assert!(
        !d.iter()
            .any(|x| x["category"] == "efficacy" || x["category"] == "off-label"),
        "{d:#?}"
    );
    // It discloses approval scope.
    assert!(!d.iter().any(|x| x["caveat"] == "approval-scope"), "{d:#?}");
}

#[test]
fn approval_words_are_checked_against_the_authorisation_kind() {
    let d = lint("nad.txt", "Our NAD+ infusions are FDA-approved.\n");
    let f = find(&d, "approval/not-approved");
    assert_eq!(f["claim"]["treatment"], "nad");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .starts_with("No NAD+ product is FDA-approved")
    );
    let d = lint("tms.txt", "We offer FDA-approved TMS therapy.\n");
    assert_eq!(
        find(&d, "approval/cleared-not-approved")["matched"],
        "FDA-approved"
    );
    let d = lint("oz.txt", "Ozempic is FDA-approved for weight loss.\n");
    let f = find(&d, "approval/beyond-authorisation");
    assert_eq!(f["claim"]["condition"], "weight");
    // A compounded GLP-1 sold from vials is not the approved product.
    let d = lint(
        "vial.txt",
        "Semaglutide is an FDA-approved weight loss injection. It comes in a 2 mL vial.\n",
    );
    assert_eq!(
        find(&d, "approval/not-approved")["claim"]["treatment"],
        "compounded-semaglutide"
    );
    assert!(
        lint(
            "wegovy.txt",
            "Wegovy is FDA-approved for chronic weight management.\n"
        )
        .iter()
        .all(|x| x["category"] != "approval")
    );
}

#[test]
fn a_benefit_told_from_the_patients_side_binds_conditions_before_it() {
    let d = lint(
        "a.txt",
        "Panic disorder improves quickly with sublingual ketamine.\n\n\
         Veterans with PTSD find lasting relief after our ketamine sessions.\n\n\
         Many people with PTSD feel better with ketamine.\n",
    );
    let off = off_label_spans(&d);
    assert_eq!(
        off,
        vec![
            (
                "off-label/unapproved-use".to_string(),
                "Panic disorder improves".to_string()
            ),
            (
                "off-label/unapproved-use".to_string(),
                "PTSD find lasting relief".to_string()
            ),
            // "Many" limits who benefits, not whether the use is authorised (DOMAIN §3: only
            // status, epistemic and attribution qualifiers suppress an off-label claim).
            (
                "off-label/unapproved-use".to_string(),
                "PTSD feel better".to_string()
            ),
        ],
        "{d:#?}"
    );
    assert_eq!(
        find(&d, "off-label/unapproved-use")["claim"]["condition"],
        "anxiety"
    );
}

#[test]
fn an_outcome_for_people_with_an_authorised_condition_stays_in_scope() {
    let inside = lint(
        "a.txt",
        "For men with a diagnosed testosterone deficiency, testosterone therapy restores libido.\n",
    );
    assert!(rules(&inside).is_empty(), "{inside:#?}");
    let outside = lint("a.txt", "Testosterone therapy restores libido.\n");
    assert_eq!(
        rules(&outside),
        vec!["off-label/unapproved-use".to_string()],
        "{outside:#?}"
    );
}

#[test]
fn a_review_designation_is_judged_against_the_dictionary() {
    let d = lint(
        "a.txt",
        "The FDA designated ketamine a breakthrough therapy.\n\n\
         Esketamine held a Breakthrough Therapy designation before its approval.\n",
    );
    assert_eq!(
        spans(&d),
        vec![(
            "approval/false-designation".to_string(),
            "designated ketamine a breakthrough".to_string()
        )],
        "{d:#?}"
    );
    let m = find(&d, "approval/false-designation")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        m,
        "claims an FDA review designation for ketamine that it does not hold (US)"
    );
}

#[test]
fn settled_research_words_qualify_nothing_but_tentative_ones_do() {
    let settled = lint(
        "a.txt",
        "Research has consistently shown that ketamine relieves PTSD.\n",
    );
    assert_eq!(
        spans(&settled),
        vec![(
            "off-label/unapproved-use".to_string(),
            "relieves PTSD".to_string()
        )],
        "{settled:#?}"
    );
    let tentative = lint("a.txt", "Studies suggest that ketamine relieves PTSD.\n");
    assert!(rules(&tentative).is_empty(), "{tentative:#?}");
}

#[test]
fn a_page_that_denies_selling_a_compounded_form_keeps_its_treatment() {
    let text = "Ketamine infusions are given in our clinic.\n\n\
                We never use compounded ketamine lozenges.\n\n\
                Ketamine infusions last forty minutes.\n";
    let d = lint("a.txt", text);
    let caveat = find(&d, "caveat/side-effects");
    assert_eq!(
        caveat["message"], "the page promotes ketamine but never names its side effects",
        "{d:#?}"
    );
}

#[test]
fn a_heading_that_describes_a_benefit_claims_it_for_the_page() {
    let d = lint(
        "a.md",
        "# Ketamine infusions\n\n## Gentle, Real Help for PTSD\n\n\
         Ketamine infusions are given by our nurses.\n",
    );
    assert_eq!(
        spans(&d),
        vec![(
            "off-label/unapproved-use".to_string(),
            "Help for PTSD".to_string()
        )],
        "{d:#?}"
    );
    // The same words in a sentence with another subject bind to it, not to the page.
    let other = lint(
        "a.md",
        "# Ketamine infusions\n\nTalk therapy is real help for PTSD.\n\n\
         Ketamine infusions are given by our nurses.\n",
    );
    assert!(rules(&other).is_empty(), "{other:#?}");
}

#[test]
fn a_list_item_under_a_conditions_heading_is_named_without_a_borrowed_verb() {
    let d = lint(
        "a.md",
        "# Ozone therapy\n\nOzone therapy sessions in our clinic.\n\n## Conditions we help\n\n* Migraines\n* Shingles\n",
    );
    let messages: Vec<&str> = d
        .iter()
        .filter(|x| x["rule"] == "off-label/unapproved-use")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "claims ozone therapy helps with Migraines: not an authorised use of ozone therapy (US)",
            "claims ozone therapy helps with Shingles: not an authorised use of ozone therapy (US)",
        ]
    );
}

#[test]
fn people_with_a_condition_improving_on_a_treatment_page_are_its_patients() {
    let d = lint(
        "a.txt",
        "Ozone therapy at our clinic. We give ozone therapy every weekday.\n\n\
         Patients with shingles respond well.\n\n\
         Patients with lupus often improve on their own.\n\n\
         Lupus improves with time.\n",
    );
    let off = off_label_spans(&d);
    assert_eq!(
        off,
        [(
            "off-label/unapproved-use".to_string(),
            "shingles respond well".to_string()
        )],
        "{d:#?}"
    );
}

#[test]
fn a_label_of_conditions_before_a_colon_is_what_the_benefit_after_it_is_for() {
    let d = lint(
        "a.md",
        "# Ozone therapy\n\nOzone therapy sessions at our clinic.\n\n## Benefits\n\n\
         - Lupus: calms flares within weeks\n\
         - Opening hours: 9:00 to 17:00\n\
         - Shingles: studies suggest it may help some people\n",
    );
    let off = off_label_spans(&d);
    assert_eq!(
        off,
        [("off-label/unapproved-use".to_string(), "calms".to_string())],
        "{d:#?}"
    );
    assert_eq!(
        find(&d, "off-label/unapproved-use")["start"]["line"],
        7,
        "{d:#?}"
    );
}

#[test]
fn cleared_for_a_use_is_an_approval_statement_not_a_benefit() {
    let d = lint(
        "a.txt",
        "Our chambers are FDA-cleared for long COVID. Our chambers run daily at our hyperbaric oxygen center, and hyperbaric oxygen sessions take an hour.\n",
    );
    let rules: Vec<&str> = d.iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert!(
        rules.contains(&"approval/beyond-authorisation"),
        "{rules:?}"
    );
    assert!(!rules.contains(&"off-label/unapproved-use"), "{rules:?}");
    // A misstated scope leaves the reader to learn the real one.
    assert!(rules.contains(&"caveat/approval-scope"), "{rules:?}");
}

#[test]
fn a_title_announcing_a_review_and_graded_evidence_assert_nothing() {
    let d = lint(
        "a.md",
        "# Ozone Therapy for Lupus: What the Evidence Says\n\n\
         ## What ozone therapy is approved for\n\n\
         One review found limited evidence that ozone therapy eases lupus flares.\n\n\
         # Ozone Therapy for Lupus\n",
    );
    let claims: Vec<(String, u64)> = d
        .iter()
        .filter(|x| x["category"] != "missing-caveat")
        .map(|x| {
            (
                x["rule"].as_str().unwrap().to_string(),
                x["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        claims,
        [("off-label/unapproved-use".to_string(), 7)],
        "{d:#?}"
    );
}

#[test]
fn a_patients_story_binds_the_treatment_named_before_the_condition() {
    let d = lint(
        "a.md",
        "# Red light therapy\n\nRed light therapy sessions in our studio.\n\n\
         Three weeks of red light therapy and my eczema cleared up.\n\n\
         After a month of antidepressants my eczema cleared up.\n",
    );
    let off: Vec<(String, u64)> = d
        .iter()
        .filter(|x| x["rule"] == "off-label/unapproved-use")
        .map(|x| {
            (
                x["claim"]["condition"].as_str().unwrap().to_string(),
                x["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(off, [("skin-disease".to_string(), 5)], "{d:#?}");
}
