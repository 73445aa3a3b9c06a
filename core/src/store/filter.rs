//! The reader's in-memory view: what lets a look-up answer without touching SQLite.
//!
//! The reader keeps three parts in memory, each guarded by a generation counter in `meta`
//! that every write changing the part bumps:
//! - the lists, indexed ([`ListIndex`]), and
//! - the reported numbers with their per-source rows ([`ReportIndex`]) and the feeds' names,
//! - the recent call log (times per number).
//!
//! Freshness: writes through the same [`Store`](super::Store) mark the view stale at once (or
//! patch it in place: a logged call, a user report). Writes by other connections (another
//! process) are noticed by `PRAGMA data_version`, asked at most once per
//! `StoreOptions::refresh_interval`; between two checks a look-up costs no SQLite call at all.
//! When the version moved, the counters are read and only the parts whose counter moved are
//! reloaded, in one read transaction with the counters so a part and its label agree.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::store::lists::{ListEntry, ListIndex, ListKind, Pattern};
use crate::store::reports::{ReportIndex, SourceRow};
use crate::store::time::UnixTime;

/// Which parts of the view a caller needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Need {
    pub lists: bool,
    pub reports: bool,
    pub calls: bool,
}

impl Need {
    /// Everything: what a look-up needs.
    pub const ALL: Need = Need {
        lists: true,
        reports: true,
        calls: true,
    };
    /// The lists only.
    pub const LISTS: Need = Need {
        lists: true,
        reports: false,
        calls: false,
    };
}

/// The generation counters of `meta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gens {
    pub lists: i64,
    pub reports: i64,
    pub calls: i64,
}

/// The reader connection and what it keeps in memory.
pub(crate) struct Reader {
    pub conn: Connection,
    /// `PRAGMA data_version` when last checked, and when that was.
    data_version: Option<i64>,
    checked: Option<Instant>,
    /// The counters as last read from the database.
    db_gens: Option<Gens>,
    /// The generation each loaded part reflects (`None`: not loaded).
    pub lists_gen: Option<i64>,
    pub reports_gen: Option<i64>,
    pub calls_gen: Option<i64>,
    pub lists: ListIndex,
    pub reports: ReportIndex,
    /// Feed ids to names.
    pub feed_names: HashMap<i64, String>,
    /// Logged calls per number (times), within the call log's retention.
    pub calls: HashMap<u64, Vec<UnixTime>>,
    reports_in_memory: bool,
}

impl Reader {
    pub fn new(conn: Connection, reports_in_memory: bool) -> Reader {
        Reader {
            conn,
            data_version: None,
            checked: None,
            db_gens: None,
            lists_gen: None,
            reports_gen: None,
            calls_gen: None,
            lists: ListIndex::default(),
            reports: ReportIndex::new(reports_in_memory),
            feed_names: HashMap::new(),
            calls: HashMap::new(),
            reports_in_memory,
        }
    }

    /// Brings the parts in `need` up to date. Writes by other connections are looked for when
    /// `force` is set or `interval` has passed since the last look; `call_log_since` gives the
    /// oldest call to load.
    pub fn sync(
        &mut self,
        need: Need,
        force: bool,
        interval: Duration,
        call_log_since: impl FnOnce() -> UnixTime,
    ) -> rusqlite::Result<()> {
        let result = (|| {
            let due = force
                || self.data_version.is_none()
                || interval.is_zero()
                || self.checked.is_none_or(|at| at.elapsed() >= interval);
            if due {
                let version: i64 = self
                    .conn
                    .prepare_cached("PRAGMA data_version")?
                    .query_row([], |r| r.get(0))?;
                self.checked = Some(Instant::now());
                if self.data_version != Some(version) {
                    self.db_gens = Some(read_gens(&self.conn)?);
                    self.data_version = Some(version);
                }
            }
            let stale = |loaded: Option<i64>, of: fn(&Gens) -> i64| {
                self.db_gens.is_none_or(|g| loaded != Some(of(&g)))
            };
            let lists = need.lists && stale(self.lists_gen, |g| g.lists);
            let reports = need.reports && stale(self.reports_gen, |g| g.reports);
            let calls = need.calls && stale(self.calls_gen, |g| g.calls);
            if !(lists || reports || calls) {
                return Ok(());
            }
            // One read transaction, so each part and the counter it is labelled with agree.
            let tx = self.conn.unchecked_transaction()?;
            let gens = read_gens(&tx)?;
            if lists && self.lists_gen != Some(gens.lists) {
                self.lists = ListIndex::new(load_entries(&tx)?);
                self.lists_gen = Some(gens.lists);
            }
            if reports && self.reports_gen != Some(gens.reports) {
                self.reports = load_reports(&tx, self.reports_in_memory)?;
                self.feed_names = load_feed_names(&tx)?;
                self.reports_gen = Some(gens.reports);
            }
            if calls && self.calls_gen != Some(gens.calls) {
                self.calls = load_calls(&tx, call_log_since())?;
                self.calls_gen = Some(gens.calls);
            }
            tx.commit()?;
            self.db_gens = Some(gens);
            Ok(())
        })();
        if result.is_err() {
            // Look again next time, whatever the interval.
            self.data_version = None;
        }
        result
    }

    /// After this store's own write moved `part`'s counter to `gen`: whether the loaded part
    /// was current just before, so that patching it in place keeps it exact. If so, the part
    /// is labelled `gen` (the caller patches it); if not, it is marked for reloading.
    pub fn own_write(&mut self, part: Part, gen: i64) -> bool {
        let (loaded, known) = match part {
            Part::Reports => (
                &mut self.reports_gen,
                self.db_gens.as_mut().map(|g| &mut g.reports),
            ),
            Part::Calls => (
                &mut self.calls_gen,
                self.db_gens.as_mut().map(|g| &mut g.calls),
            ),
        };
        if let Some(known) = known.filter(|k| **k == gen - 1) {
            *known = gen;
        }
        let current = *loaded == Some(gen - 1);
        *loaded = if current { Some(gen) } else { None };
        current
    }
}

/// The parts of the view a write of this store can patch in place.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    /// Reported numbers.
    Reports,
    /// The call log.
    Calls,
}

fn read_gens(conn: &Connection) -> rusqlite::Result<Gens> {
    conn.prepare_cached(
        "SELECT (SELECT value FROM meta WHERE key = 'lists_gen'),
                (SELECT value FROM meta WHERE key = 'reports_gen'),
                (SELECT value FROM meta WHERE key = 'calls_gen')",
    )?
    .query_row([], |r| {
        Ok(Gens {
            lists: r.get(0)?,
            reports: r.get(1)?,
            calls: r.get(2)?,
        })
    })
}

fn load_reports(conn: &Connection, with_rows: bool) -> rusqlite::Result<ReportIndex> {
    let count: i64 = conn.query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?;
    let mut index = ReportIndex::new(with_rows);
    index.reserve(usize::try_from(count).unwrap_or(0));
    // The primary key is (number, source): rows come in that order without a sort.
    let mut stmt = conn.prepare(
        "SELECT number, source, categories, count, first_seen, last_seen FROM reports
         ORDER BY number, source",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let number: i64 = row.get(0)?;
        index.push(number as u64, &source_row(row, 1)?);
    }
    index.shrink_to_fit();
    Ok(index)
}

/// Reads a `reports` row's (source, categories, count, first_seen, last_seen) starting at
/// column `first`.
pub(crate) fn source_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        source: row.get(first)?,
        categories: row.get::<_, i64>(first + 1)? as u8,
        count: row.get::<_, i64>(first + 2)?.max(0) as u64,
        first_seen: row.get(first + 3)?,
        last_seen: row.get(first + 4)?,
    })
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
