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
//!
//! Reported numbers are the one part that can be big (a million numbers take about 0.2 s to
//! load), so by default they load in a background thread with its own connection, after
//! opening and after every write that changes them. Until the new index is ready, look-ups read
//! a reported number's rows from SQLite (a primary-key look-up of a few microseconds): the
//! first verdict after a process starts, and every verdict during a reload, waits for no bulk
//! load. [`Reader::reports_from_memory`] says which way the current look-up goes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::store::lists::{load_entries, ListIndex};
use crate::store::parts::{Need, Part};
use crate::store::reports::{source_row, ReportIndex};
use crate::store::time::UnixTime;
use crate::store::{FileId, ReportLoading};

/// The generation counters of `meta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gens {
    pub lists: i64,
    pub reports: i64,
    pub calls: i64,
}

/// How one call brings a stale index of reported numbers up to date (within what the store's
/// [`ReportLoading`] allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Load {
    /// As the store's [`ReportLoading`] says.
    AsConfigured,
    /// Now, in the calling thread (unless the store never loads them).
    Wait,
}

/// A background load of the reported numbers: its result arrives on `result`.
struct Loading {
    result: Receiver<rusqlite::Result<(i64, ReportIndex)>>,
    /// Set to stop the load early (the reader was dropped or loads synchronously instead).
    cancel: Arc<AtomicBool>,
}

impl Drop for Loading {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The reader connection and what it keeps in memory.
pub(crate) struct Reader {
    pub conn: Connection,
    /// When reported numbers load.
    report_loading: ReportLoading,
    /// The database file, for the background loader's own connection, and which file it was
    /// when the store opened it (the loader must read the same one).
    path: PathBuf,
    file: Option<FileId>,
    loading: Option<Loading>,
    /// A background load failed for this generation: do not start another for it.
    failed_gen: Option<i64>,
    /// The generation `feed_names` reflects.
    feed_names_gen: Option<i64>,
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
    /// A reader over `conn`, the database at `path`.
    pub fn new(
        conn: Connection,
        reports_in_memory: bool,
        report_loading: ReportLoading,
        path: PathBuf,
        file: Option<FileId>,
    ) -> Reader {
        Reader {
            conn,
            report_loading,
            path,
            file,
            loading: None,
            failed_gen: None,
            feed_names_gen: None,
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
    /// oldest call to load; `load` says whether a stale index of reported numbers is reloaded
    /// in the background (look-ups then read SQLite meanwhile) or now.
    pub fn sync(
        &mut self,
        need: Need,
        force: bool,
        interval: Duration,
        call_log_since: impl FnOnce() -> UnixTime,
        load: Load,
    ) -> rusqlite::Result<()> {
        let result = (|| {
            let due = force
                || self.data_version.is_none()
                || interval.is_zero()
                || self.checked.is_none_or(|at| at.elapsed() >= interval);
            if due {
                let version = self.data_version_now()?;
                self.checked = Some(Instant::now());
                if self.data_version != Some(version) {
                    self.db_gens = Some(read_gens(&self.conn)?);
                    self.data_version = Some(version);
                }
            }
            let mut reports = need.reports && self.stale(self.reports_gen, |g| g.reports);
            if reports {
                match (self.report_loading, load) {
                    (ReportLoading::Never, _) => reports = false,
                    (ReportLoading::Background, Load::AsConfigured) => {
                        // Take a finished background load, or start one; either way the part
                        // is not loaded in this call.
                        self.poll_background()?;
                        reports = false;
                    }
                    (ReportLoading::Background | ReportLoading::Wait, _) => {}
                }
            }
            // After the poll, which may have read newer counters: the feed names must match
            // the reports look-ups now see.
            let lists = need.lists && self.stale(self.lists_gen, |g| g.lists);
            let feed_names = need.reports && self.stale(self.feed_names_gen, |g| g.reports);
            let calls = need.calls && self.stale(self.calls_gen, |g| g.calls);
            if !(lists || reports || feed_names || calls) {
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
                // Loaded here and now: a background load under way is no longer needed.
                self.loading = None;
                self.reports = load_reports(&tx, self.reports_in_memory, &AtomicBool::new(false))?;
                self.reports_gen = Some(gens.reports);
            }
            if (reports || feed_names) && self.feed_names_gen != Some(gens.reports) {
                self.feed_names = load_feed_names(&tx)?;
                self.feed_names_gen = Some(gens.reports);
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

    /// Whether a part loaded at generation `loaded` is behind the counter `of` last read.
    fn stale(&self, loaded: Option<i64>, of: fn(&Gens) -> i64) -> bool {
        self.db_gens.is_none_or(|g| loaded != Some(of(&g)))
    }

    /// Whether a look-up of reported numbers can use the in-memory index: it reflects the
    /// generation last read from the database. If not, the rows are read from SQLite.
    pub fn reports_from_memory(&self) -> bool {
        self.reports_gen.is_some() && self.reports_gen == self.db_gens.map(|g| g.reports)
    }

    /// Installs a finished background load if it is still current, and starts a new load if
    /// none is under way for the current generation.
    fn poll_background(&mut self) -> rusqlite::Result<()> {
        let Some(mut want) = self.db_gens.map(|g| g.reports) else {
            return Ok(());
        };
        if let Some(loading) = &self.loading {
            match loading.result.try_recv() {
                Err(TryRecvError::Empty) => return Ok(()),
                Ok(Ok((gen, index))) => {
                    self.loading = None;
                    // Meanwhile look-ups read SQLite, which may already show a later commit
                    // than the counters last read here (another connection's, or this store's
                    // before it marked itself dirty). Installing an index older than what they
                    // showed would take answers back in time: look at the counters now.
                    let version = self.data_version_now()?;
                    if self.data_version != Some(version) {
                        self.db_gens = Some(read_gens(&self.conn)?);
                        self.data_version = Some(version);
                        self.checked = Some(Instant::now());
                    }
                    want = self.db_gens.map_or(want, |g| g.reports);
                    if gen == want {
                        self.reports = index;
                        self.reports_gen = Some(gen);
                        return Ok(());
                    }
                    // Written again since the load began: load once more below.
                }
                Ok(Err(_)) | Err(TryRecvError::Disconnected) => {
                    // Look-ups keep reading SQLite, which reports its own errors; try again
                    // after the next write rather than on every call.
                    self.loading = None;
                    self.failed_gen = Some(want);
                }
            }
        }
        if self.failed_gen == Some(want) {
            return Ok(());
        }
        // The old index is not consulted from here on: give its memory back now rather than
        // hold two indexes of a million numbers while the new one loads.
        self.reports = ReportIndex::new(self.reports_in_memory);
        self.reports_gen = None;
        self.loading = spawn_load(self.path.clone(), self.file, self.reports_in_memory);
        if self.loading.is_none() {
            // No thread to be had: look-ups keep reading SQLite.
            self.failed_gen = Some(want);
        }
        Ok(())
    }

    /// `PRAGMA data_version`: changes whenever another connection commits.
    fn data_version_now(&self) -> rusqlite::Result<i64> {
        self.conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))
    }

    /// After this store's own write moved `part`'s counter to `gen`: whether the loaded part
    /// was current just before, so that patching it in place keeps it exact. If so, the part
    /// is labelled `gen` (the caller patches it); if not, it is marked for reloading.
    pub fn own_write(&mut self, part: Part, gen: i64) -> bool {
        let (loaded, known) = match part {
            Part::Lists => (
                &mut self.lists_gen,
                self.db_gens.as_mut().map(|g| &mut g.lists),
            ),
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

/// Starts loading the reported numbers of the database at `path` in a thread of its own, with
/// its own read-only connection; `None` if no thread could be started.
fn spawn_load(path: PathBuf, file: Option<FileId>, with_rows: bool) -> Option<Loading> {
    let (send, result) = mpsc::sync_channel(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = cancel.clone();
    std::thread::Builder::new()
        .name("callguard-reports".into())
        .spawn(move || {
            let loaded = load_reports_from(&path, file, with_rows, &stop);
            // The reader may be gone: then nobody wants the result.
            let _ = send.send(loaded);
        })
        .ok()?;
    Some(Loading { result, cancel })
}

/// Opens `path` read-only and loads its reported numbers with the generation they reflect.
fn load_reports_from(
    path: &Path,
    file: Option<FileId>,
    with_rows: bool,
    cancel: &AtomicBool,
) -> rusqlite::Result<(i64, ReportIndex)> {
    if cancel.load(Ordering::Relaxed) {
        return Err(interrupted());
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The path may name another file by now (a restore, a recovery): then this is not the
    // store's database, and its numbers must not be installed as if they were.
    if file.is_some() && FileId::of(path) != file {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some("the database file was replaced".into()),
        ));
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    let tx = conn.transaction()?;
    let gen = read_gens(&tx)?.reports;
    let index = load_reports(&tx, with_rows, cancel)?;
    tx.commit()?;
    Ok((gen, index))
}

fn load_reports(
    conn: &Connection,
    with_rows: bool,
    cancel: &AtomicBool,
) -> rusqlite::Result<ReportIndex> {
    // Counting first costs a pass over the table but saves growing (and for a moment holding
    // twice) a column of millions of rows.
    let count: i64 = conn.query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?;
    let mut index = ReportIndex::new(with_rows);
    index.reserve(usize::try_from(count).unwrap_or(0));
    // The primary key is (number, source): rows come in that order without a sort.
    let mut stmt = conn.prepare(
        "SELECT number, source, categories, count, first_seen, last_seen FROM reports
         ORDER BY number, source",
    )?;
    let mut rows = stmt.query([])?;
    let mut seen = 0u32;
    while let Some(row) = rows.next()? {
        let number: i64 = row.get(0)?;
        index.push(number as u64, &source_row(row, 1)?);
        seen = seen.wrapping_add(1);
        if seen % 65_536 == 0 && cancel.load(Ordering::Relaxed) {
            return Err(interrupted());
        }
    }
    index.shrink_to_fit();
    Ok(index)
}

fn interrupted() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT),
        Some("load cancelled".into()),
    )
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
