//! Integration tests, built as one binary (`autotests = false`).

// Pedantic lints that only make test helpers longer: offsets read from our own JSON fit in a
// `usize`, fixture names are lower-case, and short local names mirror the request they build.
#![allow(
    clippy::cast_possible_truncation,
    clippy::case_sensitive_file_extension_comparisons,
    clippy::duration_suboptimal_units,
    clippy::format_push_string,
    clippy::many_single_char_names
)]

mod baseline;
mod check_rules;
mod cli;
mod config;
mod corpus;
mod fix;
mod formats;
mod hostile;
mod props;
mod serve;
mod suppress;
mod walk;
