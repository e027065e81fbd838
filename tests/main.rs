//! Integration tests, built as one binary (`autotests = false`).

mod cli;
