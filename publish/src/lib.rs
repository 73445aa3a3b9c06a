//! callguard-publish: the publisher's side of callguard's feeds.
//!
//! A carrier or a family-safety app collects what its users' phones report
//! (`callguard reports export`), and every phone imports what it publishes. This crate turns
//! the one into the other on one machine, in bounded memory, with the core's own reading of
//! numbers (so a number is the same number on the phone and in the feed):
//! - [`keys`]: the publisher's ed25519 key pair;
//! - [`input`]: reports from phones' exports, a back-end's CSV or the FTC's complaints;
//! - [`runs`]: an external sort, so any number of reports fits in fixed memory;
//! - [`build`]: reports → a full feed, with independent reporters, time decay, a threshold
//!   and protected numbers left out, and a summary of what was dropped and why;
//! - [`diff`]: the delta between two versions;
//! - [`sign`]: the signed manifest phones verify.
//!
//! Nothing here runs on phones, and nothing touches the network: files in, files out.

pub mod build;
pub mod diff;
pub mod error;
pub mod feed_file;
pub mod input;
pub mod keys;
pub mod numbers;
pub mod report;
pub mod runs;
pub mod sign;

pub use build::{build, BuildOptions, BuildSummary};
pub use diff::{diff, DiffSummary};
pub use error::PublishError;
pub use input::{ReportFormat, Tally};
pub use report::Dropped;
pub use sign::{sign, Signed};
