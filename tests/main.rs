//! Integration tests, built as one binary (`autotests = false`).

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
mod sites;
mod suppress;
mod walk;
