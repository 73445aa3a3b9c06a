//! What an import is told (format, name, version, kind, keys) and what it reports.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::{parse_name, StoreError};
/// A feed file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedFormat {
    /// callguard's CSV: header `number,category,count,first_seen,last_seen,op`.
    Csv,
    /// JSON Lines: one object per line with the same fields.
    Jsonl,
    /// The US FTC's "Do Not Call reported calls" CSV.
    Ftc,
}

impl FeedFormat {
    /// The name used on the command line: `csv`, `jsonl` or `ftc`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedFormat::Csv => "csv",
            FeedFormat::Jsonl => "jsonl",
            FeedFormat::Ftc => "ftc",
        }
    }
}

impl FromStr for FeedFormat {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        use FeedFormat::*;
        let names = [
            ("csv", Csv),
            ("jsonl", Jsonl),
            ("ndjson", Jsonl),
            ("ftc", Ftc),
        ];
        parse_name("feed format", text, &names)
    }
}

impl fmt::Display for FeedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a feed version replaces the previous one or patches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// The file is the whole feed: the feed's previous entries are dropped.
    Full,
    /// The file adds to (and, with `op` = `remove`, removes from) the installed feed.
    Delta,
}

impl FeedKind {
    /// `full` or `delta`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Full => "full",
            FeedKind::Delta => "delta",
        }
    }
}

impl FromStr for FeedKind {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let names = [("full", FeedKind::Full), ("delta", FeedKind::Delta)];
        parse_name("feed kind", text, &names)
    }
}

/// How to import a feed. Anything left `None` comes from the file's metadata lines, then from
/// the defaults documented in `docs/STORE.md`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The format; by default sniffed from the content and the file name.
    pub format: Option<FeedFormat>,
    /// The feed's name (`--source`); must agree with a `# name:` line if both are given.
    pub name: Option<String>,
    /// The feed's version; must agree with a `# version:` line if both are given.
    pub version: Option<u64>,
    /// Full or delta; must agree with a `# kind:` line if both are given.
    pub kind: Option<FeedKind>,
    /// Skip (and count) malformed lines instead of aborting the import.
    pub skip_invalid: bool,
    /// Keys trusted for this import, on top of those stored in the database. With any trusted
    /// key, an unsigned or tampered feed is rejected.
    pub trusted_keys: Vec<VerifyingKey>,
    /// The detached signature file; `FILE.sig` by default.
    pub signature: Option<PathBuf>,
    /// A signed manifest naming the file's SHA-256 (see [`manifest`]); by default
    /// `FILE.manifest.json` if it exists. With a manifest, `FILE.sig` is not needed.
    pub manifest: Option<PathBuf>,
    /// Cancels the import when set (from another thread, or from the progress callback): it
    /// stops within [`CANCEL_CHECK_ROWS`] rows, rolls back and fails with
    /// [`StoreError::Cancelled`], changing nothing.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// An import looks at [`ImportOptions::cancel`] every this many rows, and once more before it
/// commits.
pub const CANCEL_CHECK_ROWS: u64 = 4096;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    /// The file.
    pub file: PathBuf,
    /// The feed's name.
    pub feed: String,
    /// The version now installed.
    pub version: u64,
    /// Full or delta.
    pub kind: FeedKind,
    /// The format read.
    pub format: FeedFormat,
    /// Data lines read (not counting the header, metadata and comments).
    pub rows_read: u64,
    /// Rows added.
    pub imported: u64,
    /// Rows that removed a number (delta feeds).
    pub removed: u64,
    /// Malformed lines skipped (with `skip_invalid`).
    pub skipped: u64,
    /// Rows for emergency or special numbers, never stored.
    pub protected: u64,
    /// Distinct numbers the feed now reports (full) or that this file touched (delta; exact
    /// up to [`TOUCHED_EXACT_MAX`] numbers, then counted per chunk of [`CHUNK_ROWS`] rows, an
    /// upper bound).
    pub numbers_touched: u64,
    /// The same file was imported for this feed before: nothing changed.
    pub already_imported: bool,
    /// The signature was checked against a trusted key.
    pub signed: bool,
    /// The first few skipped lines, as `line N: what is wrong`.
    pub problems: Vec<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
}
