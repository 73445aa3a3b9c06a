//! The on-device database: the user's lists, reported numbers, feeds and the call log.
//!
//! One SQLite file in WAL mode, with one writer connection and one reader connection, so
//! screening (reads) never waits for an import (a write) in another thread or process. Every
//! write is one transaction: a bad feed line, a wrong signature or a full disk leaves the file
//! as it was. The schema is versioned ([`schema`]); opening an older file upgrades it.
//!
//! - [`Store::lookup`]: what the store knows about one number ([`Evidence`]), called on every
//!   call, answered from memory (lists, reported numbers, recent calls) without SQLite.
//! - Lists: [`Store::add_list_entry`], [`Store::remove_list_entry`], [`Store::list_entries`].
//! - Reports: [`Store::report`], [`Store::export_user_reports`].
//! - Feeds: [`Store::import_file`] (CSV, JSON Lines, the FTC's CSV; signed or not),
//!   [`Store::feeds`], [`Store::remove_feed`], trusted keys.
//! - Call log: [`Store::log_call`], [`Store::recent_calls`].
//! - iOS Call Directory plans are kept here too, by [`crate::call_directory`].

mod call_log;
mod error;
pub mod feed;
mod feeds;
mod keys;
pub(crate) mod lists;
mod parts;
mod pin;
mod recover;
pub(crate) mod reports;
pub mod schema;
mod stats;
mod text;
pub(crate) mod time;
pub(crate) mod view;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use serde::Serialize;

pub use error::StoreError;
pub use feed::{FeedFormat, FeedKind, ImportOptions, ImportSummary};
pub use feeds::FeedInfo;
pub use keys::TrustedKey;
pub use lists::{parse_number, ListEntry, ListHit, ListKind, Pattern};
pub use pin::{pin_wait, PinAttempt, PIN_FREE_ATTEMPTS};
pub use recover::{FeedToImport, RecoveryReport, TableRecovery};
pub use reports::{ReportCategory, ReportSummary, UserReport};
pub use stats::Stats;
pub use text::{MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS};
pub use time::{format_time, now, parse_time, UnixTime};

use callguard_number::Classifier;
use callguard_number::Region;
use callguard_number::E164;
use error::sql;
use parts::{Need, Part};
use view::{Load, Reader};

/// How a store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The home region, used to normalise numbers people type (`050-1234-5678`).
    pub region: Region,
    /// Open without a writer: for a second process that only screens (the iOS extension).
    pub read_only: bool,
    /// Reports lose half their weight every this many days.
    pub half_life_days: f64,
    /// [`Evidence::recent_calls`] counts calls within this window.
    pub recent_window: Duration,
    /// The call log keeps at most this many calls ...
    pub call_log_max_rows: u32,
    /// ... and none older than this.
    pub call_log_max_age: Duration,
    /// How often a look-up asks SQLite whether another connection (another process) wrote.
    /// Writes through this store are seen at once; others within this interval, or at once
    /// after [`Store::refresh`]. Zero asks on every look-up.
    pub refresh_interval: Duration,
    /// Keep every report row in memory (24 bytes per reported number with one source), so a
    /// look-up of a reported number reads no SQLite page; `false` keeps only the numbers (8
    /// bytes each) and reads a reported number's rows from the database.
    pub reports_in_memory: bool,
    /// When the in-memory view of reported numbers is (re)loaded: in a background thread
    /// (the default), in the look-up that finds it stale, or never.
    pub report_loading: ReportLoading,
    /// Create the database if there is none (the default). Off for screening, which must never
    /// leave a new file behind: a missing or zero-byte file is then an error.
    pub create: bool,
}

/// When a store loads its in-memory view of reported numbers (after opening, and again after
/// every write that changes them). Until the view is loaded, a look-up reads the number's rows
/// from SQLite by primary key: a few microseconds instead of under one, with the same answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportLoading {
    /// In a background thread with its own connection: no look-up waits for it. For processes
    /// that screen many calls (the app's screening service, `check --batch`).
    #[default]
    Background,
    /// In the first look-up that needs it, which waits for it (about 0.2 s for a million
    /// numbers); every look-up after it answers from memory.
    Wait,
    /// Never: every look-up of a reported number reads SQLite. For a process that screens one
    /// call and exits, where loading a million numbers would only compete with that call.
    Never,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            region: Region::JP,
            read_only: false,
            half_life_days: 90.0,
            recent_window: Duration::from_secs(3600),
            call_log_max_rows: 10_000,
            call_log_max_age: Duration::from_secs(90 * 86_400),
            refresh_interval: DEFAULT_REFRESH_INTERVAL,
            reports_in_memory: true,
            report_loading: ReportLoading::default(),
            create: true,
        }
    }
}

/// What the store knows about one number: everything the risk engine needs from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The list entry that decides for the number, if any (allow beats block).
    pub list: Option<ListHit>,
    /// What was reported about it, if anything.
    pub reports: Option<ReportSummary>,
    /// Calls from this number logged within [`StoreOptions::recent_window`].
    pub recent_calls: u32,
}

impl Evidence {
    /// Whether the store knows nothing about the number.
    pub fn is_empty(&self) -> bool {
        self.list.is_none() && self.reports.is_none() && self.recent_calls == 0
    }
}

/// The on-device database. `Sync`: share it between threads behind an `Arc`.
pub struct Store {
    pub(crate) path: PathBuf,
    pub(crate) classifier: Classifier,
    pub(crate) options: StoreOptions,
    writer: Option<Mutex<Connection>>,
    reader: Mutex<Reader>,
    /// Set after this store's own writes: the next read looks for changes at once.
    dirty: AtomicBool,
    /// The identity of the file opened (device and inode), to notice it deleted or replaced.
    file: Option<FileId>,
}

/// Which file a path names: (device, inode) where the platform has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId(u64, u64);

impl FileId {
    pub(crate) fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(FileId(0, 0))
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("read_only", &self.writer.is_none())
            .finish()
    }
}

/// Poisoning only means another thread panicked mid-call; the connection itself is still sound
/// (SQLite rolls back an unfinished transaction), so keep going: screening fails open.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the reader waits for a lock. Screening reads through it, and a call must not wait
/// seconds for another process's write: past this, the look-up fails and the call rings with
/// `screening_unavailable`. (In WAL mode readers never wait for writers; this bites when
/// another connection holds an exclusive lock, e.g. a writer on a file left in rollback mode.)
const READER_BUSY_TIMEOUT: Duration = Duration::from_millis(100);
/// The default [`StoreOptions::refresh_interval`].
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_millis(100);
/// The reader maps up to this much of the database file.
const READER_MMAP_BYTES: i64 = 256 << 20;

impl Store {
    /// Opens (creating and upgrading as needed) the database at `path` for the home `region`.
    pub fn open(path: impl AsRef<Path>, region: Region) -> Result<Store, StoreError> {
        Store::open_with(
            path,
            StoreOptions {
                region,
                ..StoreOptions::default()
            },
        )
    }

    /// Opens the database at `path` with `options`.
    ///
    /// Before anything is written, the file is identified: another application's SQLite file
    /// (its `application_id`, or tables callguard does not make) is refused with
    /// [`StoreError::Foreign`] and left exactly as it was, never converted to WAL. A file that
    /// cannot be written (permissions, a read-only mount) opens read-only: look-ups work, writes
    /// fail with [`StoreError::ReadOnly`]. With [`StoreOptions::create`] off, or read-only, a
    /// missing (or zero-byte) file is an error and nothing is created.
    pub fn open_with(path: impl AsRef<Path>, options: StoreOptions) -> Result<Store, StoreError> {
        let path = path.as_ref().to_owned();
        if (options.read_only || !options.create) && std::fs::symlink_metadata(&path).is_err() {
            return Err(no_database(&path, "no database here"));
        }
        let writer = if options.read_only {
            None
        } else {
            open_writer(&path, options.create)?.map(Mutex::new)
        };
        let reader = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql(&path, "opening the reader"))?;
        reader
            .busy_timeout(READER_BUSY_TIMEOUT)
            .map_err(sql(&path, "opening the reader"))?;
        // Look-ups of reported numbers land on random leaf pages: reading them through a
        // memory map costs no system call and no copy, and the pages stay shared with the
        // operating system's cache instead of a second private copy.
        reader
            .pragma_update(None, "mmap_size", READER_MMAP_BYTES)
            .map_err(sql(&path, "opening the reader"))?;
        if writer.is_none() {
            // The writer identified the file already; without one, the reader does.
            match schema::identify(&reader).map_err(sql(&path, "identifying the database"))? {
                schema::Identity::Callguard { .. } => {}
                schema::Identity::Empty => {
                    return Err(no_database(
                        &path,
                        "the file is empty: no callguard database",
                    ))
                }
                schema::Identity::Foreign(reason) => {
                    return Err(StoreError::Foreign { path, reason })
                }
            }
        }
        let found = schema::version(&reader).map_err(sql(&path, "reading the schema version"))?;
        if found != schema::SCHEMA_VERSION {
            return Err(if found > schema::SCHEMA_VERSION {
                StoreError::SchemaTooNew {
                    path,
                    found,
                    supported: schema::SCHEMA_VERSION,
                }
            } else {
                StoreError::NeedsUpgrade {
                    path,
                    found,
                    supported: schema::SCHEMA_VERSION,
                }
            });
        }
        let file = FileId::of(&path);
        let reader = Mutex::new(Reader::new(
            reader,
            options.reports_in_memory,
            options.report_loading,
            path.clone(),
            file,
        ));
        Ok(Store {
            classifier: Classifier::new(options.region),
            file,
            path,
            options,
            writer,
            reader,
            dirty: AtomicBool::new(false),
        })
    }

    /// Whether this store can write (it was opened read-write and its file is writable).
    pub fn is_writable(&self) -> bool {
        self.writer.is_some()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The classifier used to normalise typed numbers.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    pub(crate) fn err(&self, context: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        sql(&self.path, context)
    }

    /// Runs `f` in one IMMEDIATE write transaction: all of it or none of it. The next read
    /// looks for the change.
    fn write<T>(
        &self,
        context: &'static str,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let result = self.write_quietly(context, f);
        self.mark_dirty();
        result
    }

    /// Marks the in-memory view stale: the next read asks SQLite what changed.
    fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Release);
    }

    /// The writer connection, if this store has one and its file is still the one it opened.
    /// SQLite goes on writing to a file deleted or replaced under it (by a person, a backup
    /// restore or a recovery in another process), and whatever it writes then is lost when it
    /// closes: refuse instead, so a list change never reports a success that is not kept.
    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        let Some(writer) = &self.writer else {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        };
        // Looked at once the lock is ours: a write waiting behind a long import must not
        // commit into a file replaced meanwhile.
        let conn = lock(writer);
        self.ensure_same_file()?;
        Ok(conn)
    }

    /// Fails if the path no longer names the file this store opened (deleted, or replaced by a
    /// restore or a recovery): SQLite goes on using the open file, and whatever is written to
    /// it then is lost when it closes.
    pub fn ensure_same_file(&self) -> Result<(), StoreError> {
        if self.file.is_none() || FileId::of(&self.path) == self.file {
            return Ok(());
        }
        Err(StoreError::io(
            &self.path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the database file was deleted or replaced while open: open it again \
                 (or recover it)",
            ),
        ))
    }

    /// [`Store::write`] for writes that bring the reader's view up to date themselves.
    pub(crate) fn write_quietly<T>(
        &self,
        context: &'static str,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(self.err(context))?;
        let value = f(&tx)?;
        tx.commit().map_err(self.err(context))?;
        Ok(value)
    }

    /// The reader with the parts of its in-memory view in `need` up to date (see
    /// [`StoreOptions::refresh_interval`]).
    pub(crate) fn view(&self, need: Need) -> Result<MutexGuard<'_, Reader>, StoreError> {
        self.view_loading(need, Load::AsConfigured)
    }

    /// [`Store::view`], reloading a stale index of reported numbers as `load` says.
    fn view_loading(&self, need: Need, load: Load) -> Result<MutexGuard<'_, Reader>, StoreError> {
        let mut reader = lock(&self.reader);
        let force = self.dirty.swap(false, Ordering::AcqRel);
        let max_age = self.options.call_log_max_age.as_secs() as i64;
        reader
            .sync(
                need,
                force,
                self.options.refresh_interval,
                || now() - max_age,
                load,
            )
            .map_err(self.err("refreshing the in-memory view"))?;
        Ok(reader)
    }

    /// The reader connection, for queries that read SQLite directly.
    pub(crate) fn reader_conn(&self) -> MutexGuard<'_, Reader> {
        lock(&self.reader)
    }

    /// Looks for writes by other connections now and loads what changed, in this thread and
    /// before returning, so every look-up after it answers from memory (call it after an
    /// import made by another process, or to have the view ready before the first call).
    /// With [`ReportLoading::Never`] reported numbers stay in SQLite.
    pub fn refresh(&self) -> Result<(), StoreError> {
        self.dirty.store(true, Ordering::Release);
        self.view_loading(Need::ALL, Load::Wait).map(drop)
    }

    /// Whether look-ups of reported numbers are answered from the in-memory view now (`false`
    /// while it loads in the background: they read SQLite meanwhile).
    pub fn reports_loaded(&self) -> bool {
        lock(&self.reader).reports_from_memory()
    }

    /// Heap bytes of the in-memory view of reported numbers (after a look-up loaded it).
    pub fn report_memory_bytes(&self) -> usize {
        self.reader_conn().reports.heap_bytes()
    }

    /// What the store knows about `number` now.
    pub fn lookup(&self, number: E164) -> Result<Evidence, StoreError> {
        self.lookup_at(number, now())
    }

    /// What the store knows about `number` at time `now` (decay and the recent-call window are
    /// measured from it).
    pub fn lookup_at(&self, number: E164, now: UnixTime) -> Result<Evidence, StoreError> {
        let reader = self.view(Need::ALL)?;
        let list = reader.lists.best_hit(number);
        let n = number.as_u64();
        let window = self.options.recent_window.as_secs() as i64;
        let recent_calls = reader.calls.get(&n).map_or(0, |times| {
            times.iter().filter(|&&t| t >= now - window).count() as u32
        });
        let feed_name = |id| {
            reader
                .feed_names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("feed#{id}"))
        };
        let half_life = self.options.half_life_days;
        let in_memory = if reader.reports_from_memory() {
            reader.reports.get(n)
        } else {
            // The view is (re)loading in the background: ask SQLite.
            reports::Reported::InDatabase
        };
        let reports = match in_memory {
            reports::Reported::No => None,
            reports::Reported::Rows(rows) => reports::summarize(rows, now, half_life, feed_name),
            reports::Reported::InDatabase => {
                let rows =
                    query_report_rows(&reader.conn, number).map_err(self.err("looking up"))?;
                reports::summarize(rows, now, half_life, feed_name)
            }
        };
        Ok(Evidence {
            list,
            reports,
            recent_calls,
        })
    }
}

/// The error for a database that is not there (and is not to be created).
fn no_database(path: &Path, why: &str) -> StoreError {
    StoreError::io(
        path,
        std::io::Error::new(std::io::ErrorKind::NotFound, why.to_owned()),
    )
}

/// Opens the writer connection: identifies the file, switches it to WAL and upgrades its
/// schema. `None` for a file this process cannot write: the store then only reads.
fn open_writer(path: &Path, create: bool) -> Result<Option<Connection>, StoreError> {
    let e = |context| sql(path, context);
    let mut flags = OpenFlags::default();
    if !create {
        flags.remove(OpenFlags::SQLITE_OPEN_CREATE);
    }
    let mut conn = Connection::open_with_flags(path, flags).map_err(e("opening the database"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(e("opening the database"))?;
    // Whose file is it? Nothing is written before this is known.
    let identity = schema::identify(&conn).map_err(e("identifying the database"))?;
    match &identity {
        schema::Identity::Foreign(reason) => {
            return Err(StoreError::Foreign {
                path: path.to_owned(),
                reason: reason.clone(),
            })
        }
        schema::Identity::Empty if !create => {
            return Err(no_database(
                path,
                "the file is empty: no callguard database",
            ))
        }
        _ => {}
    }
    // A file that cannot be written (SQLite fell back to read-only): screen from it as it is,
    // in whatever journal mode it is in, and refuse changes.
    if conn
        .is_readonly("main")
        .map_err(e("opening the database"))?
    {
        return Ok(None);
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(e("switching to WAL"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::ReadOnly {
            path: path.to_owned(),
        });
    }
    // WAL + NORMAL: a power cut may lose the last transaction, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(e("configuring the database"))?;
    match schema::migrate_to(&mut conn, schema::SCHEMA_VERSION)
        .map_err(e("upgrading the schema"))?
    {
        schema::Migration::Current => {}
        schema::Migration::TooNew(found) => {
            return Err(StoreError::SchemaTooNew {
                path: path.to_owned(),
                found,
                supported: schema::SCHEMA_VERSION,
            })
        }
    }
    if matches!(identity, schema::Identity::Callguard { unstamped: true })
        && schema::identify(&conn).map_err(e("identifying the database"))?
            != (schema::Identity::Callguard { unstamped: false })
    {
        // An older callguard's file, current but without the id: stamp it once.
        schema::stamp(&mut conn).map_err(e("marking the database as callguard's"))?;
    }
    Ok(Some(conn))
}

/// Increments a generation counter in `meta` and returns its new value. Readers reload the
/// in-memory part a counter guards when it moves.
fn bump(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<i64> {
    tx.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = ?1 RETURNING value",
        [key],
        |r| r.get(0),
    )
}

fn query_report_rows(conn: &Connection, number: E164) -> rusqlite::Result<Vec<reports::SourceRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source, categories, count, first_seen, last_seen FROM reports WHERE number = ?1
         ORDER BY source",
    )?;
    let rows = stmt.query_map([number.as_i64()], |r| reports::source_row(r, 0))?;
    rows.collect()
}

#[cfg(test)]
mod tests;
