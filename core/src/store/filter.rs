//! The reader's in-memory view: what lets the negative path answer without touching SQLite.
//!
//! Most calls are from numbers on no list and in no report. The reader keeps the list entries
//! (a few hundred at most), a sorted `Vec<u64>` of every reported number (8 bytes each, exact,
//! no false positives) and the recent call log in memory. A lookup costs one `PRAGMA
//! data_version` (answered from the WAL index in shared memory, no page read) to learn whether
//! any connection wrote since; only then are the `meta` generation counters read, and only the
//! part whose counter moved is rebuilt, so logging calls does not rebuild the report filter.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::store::lists::{ListEntry, ListKind, Pattern};
use crate::store::time::UnixTime;

/// The reader connection and what it keeps in memory.
pub(crate) struct Reader {
    pub conn: Connection,
    pub data_version: Option<i64>,
    pub evidence_gen: Option<i64>,
    pub calls_gen: Option<i64>,
    /// Every number with a row in `reports`, sorted, without duplicates.
    pub reported: Vec<u64>,
    /// Every list entry.
    pub entries: Vec<ListEntry>,
    /// Feed ids to names.
    pub feed_names: HashMap<i64, String>,
    /// Logged calls per number (times), within the call log's retention.
    pub calls: HashMap<u64, Vec<UnixTime>>,
}

impl Reader {
    pub fn new(conn: Connection) -> Reader {
        Reader {
            conn,
            data_version: None,
            evidence_gen: None,
            calls_gen: None,
            reported: Vec::new(),
            entries: Vec::new(),
            feed_names: HashMap::new(),
            calls: HashMap::new(),
        }
    }

    /// Brings the in-memory view up to date with the database.
    pub fn sync(&mut self, call_log_since: UnixTime) -> rusqlite::Result<()> {
        let version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        if self.data_version == Some(version) {
            return Ok(());
        }
        // One read transaction, so the counters and the contents agree.
        let tx = self.conn.unchecked_transaction()?;
        let (evidence, calls): (i64, i64) = tx.query_row(
            "SELECT (SELECT value FROM meta WHERE key = 'evidence_gen'),
                    (SELECT value FROM meta WHERE key = 'calls_gen')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if self.evidence_gen != Some(evidence) {
            self.reported = load_reported(&tx)?;
            self.entries = load_entries(&tx)?;
            self.feed_names = load_feed_names(&tx)?;
            self.evidence_gen = Some(evidence);
        }
        if self.calls_gen != Some(calls) {
            self.calls = load_calls(&tx, call_log_since)?;
            self.calls_gen = Some(calls);
        }
        tx.commit()?;
        self.data_version = Some(version);
        Ok(())
    }

    /// Whether `number` has any report (in memory, no SQLite).
    pub fn is_reported(&self, number: u64) -> bool {
        self.reported.binary_search(&number).is_ok()
    }
}

fn load_reported(conn: &Connection) -> rusqlite::Result<Vec<u64>> {
    let count: i64 = conn.query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?;
    let mut numbers = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    // The primary key is (number, source): rows come in number order, duplicates adjacent.
    let mut stmt = conn.prepare("SELECT number FROM reports ORDER BY number")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let n: i64 = row.get(0)?;
        let n = n as u64;
        if numbers.last() != Some(&n) {
            numbers.push(n);
        }
    }
    numbers.shrink_to_fit();
    Ok(numbers)
}

pub(crate) fn load_entries(conn: &Connection) -> rusqlite::Result<Vec<ListEntry>> {
    let mut stmt = conn.prepare(
        "SELECT list, kind, lo, hi, digits, label, note, added_at FROM list_entries ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let list: String = r.get(0)?;
        let kind: String = r.get(1)?;
        Ok((
            list,
            kind,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (list, kind, lo, hi, digits, label, note, added_at) = row?;
        // The CHECK constraints keep `list` and `kind` valid; skip anything else rather than
        // fail screening over one odd row.
        let list = if list == "allow" {
            ListKind::Allow
        } else {
            ListKind::Block
        };
        if let Some(pattern) = Pattern::from_columns(&kind, lo, hi, digits) {
            entries.push(ListEntry {
                list,
                pattern,
                label,
                note,
                added_at,
            });
        }
    }
    Ok(entries)
}

fn load_feed_names(conn: &Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM feeds")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

fn load_calls(conn: &Connection, since: UnixTime) -> rusqlite::Result<HashMap<u64, Vec<UnixTime>>> {
    let mut stmt = conn.prepare(
        "SELECT number, at FROM call_log WHERE number IS NOT NULL AND at >= ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([since])?;
    let mut calls: HashMap<u64, Vec<UnixTime>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let number: i64 = row.get(0)?;
        calls.entry(number as u64).or_default().push(row.get(1)?);
    }
    Ok(calls)
}
