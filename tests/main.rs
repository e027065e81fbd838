//! Integration tests, built as one binary (`autotests = false`).

// Pedantic lints that only make test helpers longer: offsets read from our own JSON fit in a
// `usize`, fixture names are lower-case, short local names mirror the request they build, test
// clients take JSON values as built, and a scenario test reads top to bottom.
#![allow(
    clippy::cast_possible_truncation,
    clippy::case_sensitive_file_extension_comparisons,
    clippy::duration_suboptimal_units,
    clippy::format_push_string,
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::too_many_lines
)]

mod baseline;
mod check_rules;
mod cli;
mod config;
mod corpus;
mod docx;
mod fix;
mod formats;
mod hostile;
mod judgement;
mod lsp;
mod profiles;
mod props;
mod review;
mod serve;
mod sites;
mod suppress;
mod user_rulesets;
mod walk;
