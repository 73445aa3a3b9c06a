//! What callguard's tests share, so that each helper is written once: a runner for the
//! `callguard` binary ([`cli`]), temporary work folders with a database path ([`workdir`]),
//! feed files, keys, signatures and manifests ([`feeds`]), ways to damage, lock, fill or freeze
//! a database ([`faults`]), and a model of what iOS keeps for a Call Directory extension
//! ([`ios`]).
//!
//! A dev-dependency only: nothing here ships, and it panics with a message rather than
//! returning errors, as a test wants.

pub mod cli;
pub mod faults;
pub mod feeds;
pub mod ios;
pub mod workdir;
