//! Integration tests, built as one binary (`autotests = false`).

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
mod walk;
