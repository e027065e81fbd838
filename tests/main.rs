//! Integration tests, built as one binary (`autotests = false`).

mod baseline;
mod cli;
mod config;
mod corpus;
mod fix;
mod formats;
mod serve;
mod suppress;
mod walk;
