//! Fuzz target: arbitrary bytes read as a Html file, through the whole pipeline (reader →
//! extract → segment → match → decide → fix), asserting `fuzz/invariants.rs`.
#![no_main]

use claimlint::extract::Format;
use claimlint::source::SourceFile;
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
    // The reader first: binary, UTF-16 and invalid UTF-8 are per-file errors, never panics.
    if let Ok(file) = SourceFile::from_bytes("fuzz", data.to_vec(), Format::Html) {
        invariants::assert_invariants(Format::Html, &file.text);
    }
    }
);
