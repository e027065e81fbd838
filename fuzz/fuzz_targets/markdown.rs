//! Fuzz target: arbitrary bytes read as a Markdown file, through the whole pipeline (reader →
//! extract → segment → match → decide → fix), asserting `fuzz/invariants.rs`.
#![no_main]

use claimlint::extract::Format;
use libfuzzer_sys::fuzz_target;

#[path = "../invariants.rs"]
mod invariants;

fuzz_target!(
    // Compile the rulesets before the first input, so their one-time cost (seconds under the
    // sanitizer) is not counted against the per-input timeout.
    init: {
        invariants::rules();
    },
    |data: &[u8]| {
        invariants::assert_invariants_on_bytes(Format::Markdown, data);
    }
);
