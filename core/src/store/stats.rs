//! Counts for people, and the write-ahead log folded back into the file.

use std::path::PathBuf;

use serde::Serialize;

use super::feeds::feeds_of;
use super::{lock, schema, FeedInfo, Store, StoreError};

/// Counts for `callguard stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The database file.
    pub path: PathBuf,
    /// Its schema version.
    pub schema_version: i64,
    /// Bytes on disk: the database file and its write-ahead log.
    pub file_bytes: u64,
    /// Entries on the allow list.
    pub allow_entries: u64,
    /// Entries on the block list.
    pub block_entries: u64,
    /// Distinct reported numbers.
    pub reported_numbers: u64,
    /// The user's own reports.
    pub user_reports: u64,
    /// Installed feeds.
    pub feeds: Vec<FeedInfo>,
    /// Calls in the call log.
    pub logged_calls: u64,
    /// Trusted keys stored in the database.
    pub trusted_keys: u64,
}

impl Store {
    /// Counts for people.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let reader = self.reader_conn();
        let conn = &reader.conn;
        let e = || self.err("counting");
        let count = |q: &str| -> Result<u64, StoreError> {
            conn.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(e())
        };
        let file_bytes = [
            self.path.clone(),
            PathBuf::from(format!("{}-wal", self.path.display())),
        ]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
        Ok(Stats {
            path: self.path.clone(),
            schema_version: schema::version(conn).map_err(e())?,
            file_bytes,
            allow_entries: count("SELECT count(*) FROM list_entries WHERE list = 'allow'")?,
            block_entries: count("SELECT count(*) FROM list_entries WHERE list = 'block'")?,
            reported_numbers: count("SELECT count(DISTINCT number) FROM reports")?,
            user_reports: count("SELECT count(*) FROM user_reports")?,
            feeds: feeds_of(conn).map_err(e())?,
            logged_calls: count("SELECT count(*) FROM call_log")?,
            trusted_keys: count("SELECT count(*) FROM trusted_keys")?,
        })
    }

    /// Copies the write-ahead log into the database file and truncates it (after big imports,
    /// so the WAL does not keep the disk space of the last import).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let Some(writer) = &self.writer else {
            return Ok(());
        };
        let conn = lock(writer);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(self.err("checkpointing"))
    }
}
