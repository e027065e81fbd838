//! Build script: embeds every `rulesets/*.toml` and compiles the rulesets among them into the
//! snapshot the binary loads at start-up (see `src/rules/builtin.rs`), with the compiler's own
//! source through the `claimlint-rules-compiler` crate, and stores what a user's rulesets
//! compiled on top of them read of their lexicons (so that those need not parse the embedded
//! TOML again). All go to `OUT_DIR`: generated on every build that changes a ruleset or the
//! compiler, never committed.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    // A new, edited or deleted ruleset file; the compiler's source is tracked by cargo itself
    // (it is a build dependency).
    println!("cargo::rerun-if-changed=rulesets");
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new(&root).join("rulesets");

    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let name = format!(
                "rulesets/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            );
            let text = fs::read_to_string(p)
                .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", p.display())));
            (name, text)
        })
        .collect();
    let rulesets: Vec<usize> = load_order(&files);

    let mut listing = String::from("/// Every `rulesets/*.toml`, sorted by name.\n");
    listing.push_str("pub(crate) const FILES: &[(&str, &str)] = &[\n");
    for ((name, _), path) in files.iter().zip(&paths) {
        let _ = writeln!(
            listing,
            "    ({name:?}, include_str!({:?})),",
            path.display()
        );
    }
    listing.push_str("];\n/// The rulesets among [`FILES`], in load order.\n");
    let _ = writeln!(
        listing,
        "pub(crate) const RULESETS: &[usize] = &{rulesets:?};"
    );
    write(&Path::new(&out).join("embedded.rs"), listing.as_bytes());

    let sources: Vec<(String, String)> = rulesets.iter().map(|&i| files[i].clone()).collect();
    match claimlint_rules_compiler::compile(&sources) {
        Ok((snapshot, lexicons)) => {
            write(&Path::new(&out).join("builtin.snapshot"), &snapshot);
            write(&Path::new(&out).join("builtin.lexicons"), &lexicons);
        }
        Err(errors) => fail(&format!(
            "the embedded rulesets do not compile (run `claimlint check-rules FILE` for \
             the full diagnostics):\n{errors}"
        )),
    }
}

/// The rulesets among `files`, in load order: `medical.toml` first, as it holds the lexicons the
/// others build on, then `ketamine.toml` and `language.toml`, then the dictionary
/// (`conditions.toml` before `treatments.toml`, whose entries name conditions) and the claim
/// model's `claims.toml`, then any other by name. Load order decides lexicon, rule and dictionary
/// numbering, and so `claimlint rules` and the order of findings at one place.
fn load_order(files: &[(String, String)]) -> Vec<usize> {
    const FIRST: &[&str] = &[
        "rulesets/medical.toml",
        "rulesets/ketamine.toml",
        "rulesets/language.toml",
        "rulesets/conditions.toml",
        "rulesets/treatments.toml",
        "rulesets/claims.toml",
    ];
    let mut order: Vec<usize> = (0..files.len())
        .filter(|&i| claimlint_rules_compiler::is_ruleset(&files[i].1))
        .collect();
    // Stable: the rest keep their order by name.
    order.sort_by_key(|&i| {
        FIRST
            .iter()
            .position(|n| *n == files[i].0)
            .unwrap_or(FIRST.len())
    });
    order
}

fn write(path: &Path, bytes: &[u8]) {
    // Rewritten only when it changes, so that an unchanged snapshot does not rebuild the crate.
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return;
    }
    fs::write(path, bytes)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
