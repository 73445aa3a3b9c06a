//! Recovering a damaged database: [`Store::recover`], and the checks it runs
//! ([`Store::check`]).
//!
//! Recovery keeps what only the user can give back — the allow and block lists, the user's own
//! reports, trusted keys and the call log — and gives up what can be had again: the feeds'
//! reports (the report names the feeds to import again), the record of imported feed files
//! and the iOS Call Directory plans (plan again; the next load of each extension resets).
//!
//! The steps, each safe to interrupt (the damaged file is never deleted):
//! 1. Diagnose: open the file as [`Store::open_with`] does, then [`Store::check`] and SQLite's
//!    `quick_check` of every page. A healthy file is returned open and nothing changes (a
//!    missing one is created, as opening does); a passing fault (a lock held by another
//!    process, a read-only folder, a full disk) and a schema from a newer callguard are
//!    returned as errors and nothing changes either.
//! 2. Salvage: read the damaged file read-only, each table on its own, so one damaged table
//!    does not lose the others; rows with unusable values are counted and left behind.
//! 3. Build a fresh database beside the file (`NAME.recovering`) with the salvaged rows in one
//!    transaction.
//! 4. Move the damaged file and its `-wal`, `-shm` and `-journal` aside, as
//!    `NAME.damaged-YYYYMMDD-HHMMSS` (UTC) with the same suffixes, so SQLite can still open
//!    the set; put the fresh file in its place (an atomic rename); open it.

mod salvage;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use callguard_number::Classifier;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};
use salvage::Salvage;
use serde::Serialize;

use super::error::sql;
use super::lists::{ListKind, Pattern};
use super::reports::ReportCategory;
use super::time::{format_time, now, UnixTime};
use super::{schema, ReportLoading, Store, StoreError, StoreOptions, BUSY_TIMEOUT};

/// What [`Store::recover`] found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    /// The database file.
    pub path: PathBuf,
    /// What was wrong with it, or `None` when it was healthy and nothing was changed.
    pub damage: Option<String>,
    /// No file was there: a new, empty database was created.
    pub created: bool,
    /// Where the damaged file was moved (its `-wal`, `-shm` and `-journal`, if any, beside it
    /// with the same suffixes). `None` when nothing was moved.
    pub moved_to: Option<PathBuf>,
    /// For each table of the user's data, what was kept and lost (empty when healthy).
    pub tables: Vec<TableRecovery>,
    /// The feeds that were installed: their reports were not kept, import them again.
    pub feeds_to_import: Vec<FeedToImport>,
    /// Why the installed feeds could not be listed, if they could not: feeds may be missing
    /// from [`RecoveryReport::feeds_to_import`].
    pub feeds_error: Option<String>,
}

impl RecoveryReport {
    /// Whether the file was healthy (and left as it was).
    pub fn healthy(&self) -> bool {
        self.damage.is_none()
    }

    fn healthy_at(path: &Path) -> RecoveryReport {
        RecoveryReport {
            path: path.to_owned(),
            damage: None,
            created: false,
            moved_to: None,
            tables: Vec::new(),
            feeds_to_import: Vec::new(),
            feeds_error: None,
        }
    }
}

/// What recovery kept of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRecovery {
    /// The table: `list_entries` (both lists), `user_reports` (the user's reports with their
    /// notes), `reports` (the user's own rows: what screening counts), `trusted_keys` or
    /// `call_log`.
    pub table: String,
    /// Rows copied into the new database. For `reports`, rows rebuilt from `user_reports`
    /// where the damaged table had lost them count too.
    pub kept: u64,
    /// Rows read whose values were unusable (a malformed number, pattern or key): left behind.
    pub lost: u64,
    /// Why reading the table stopped, if it did: the rows after that point are lost too, and
    /// how many there were is unknown.
    pub error: Option<String>,
}

/// A feed that was installed in the damaged database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedToImport {
    /// Its name.
    pub name: String,
    /// The version that was installed.
    pub version: u64,
}

/// The files SQLite keeps beside a database, moved with it.
const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

impl Store {
    /// Checks that the database can serve screening now: every table and column of the schema
    /// is there, and the in-memory view loads as a look-up loads it (cheap when nothing
    /// changed since the last look-up). The error names the file and what is missing or
    /// damaged. It does not read every page: [`Store::recover`] also does that.
    pub fn check(&self) -> Result<(), StoreError> {
        self.ensure_same_file()?;
        let found: Vec<(String, String)> = self.select(
            "checking the schema",
            "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
             WHERE m.type = 'table'",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let expected = expected_schema().map_err(sql(&self.path, "checking the schema"))?;
        for (table, columns) in expected {
            let has = |column: &str| found.iter().any(|(t, c)| t == table && c == column);
            if !found.iter().any(|(t, _)| t == table) {
                return Err(self.corrupt(format!("table {table} is missing")));
            }
            if let Some(column) = columns.iter().find(|c| !has(c)) {
                return Err(self.corrupt(format!("table {table} has no column {column}")));
            }
        }
        self.refresh()
    }

    /// SQLite's `quick_check` of every page (it reads the whole file).
    fn check_pages(&self) -> Result<(), StoreError> {
        let problems: Vec<String> =
            self.select("checking every page", "PRAGMA quick_check(5)", |r| r.get(0))?;
        if problems.iter().all(|p| p == "ok") {
            return Ok(());
        }
        Err(self.corrupt(problems.join("; ")))
    }

    fn corrupt(&self, detail: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail,
        }
    }

    /// Opens the database at `path`, repairing it first if it is damaged, and says what was
    /// done: diagnose, salvage, rebuild beside the file, swap (docs/STORE.md, "Faults and
    /// recovery").
    ///
    /// - A healthy file is opened and nothing changes ([`RecoveryReport::healthy`]).
    /// - A missing file is created, empty ([`RecoveryReport::created`]), as opening would.
    /// - A damaged one (not a database, truncated, a missing or malformed table, pages SQLite
    ///   cannot read) is replaced by a fresh database holding what could be salvaged of the
    ///   user's lists, reports, trusted keys and call log; the damaged file is moved aside,
    ///   never deleted. Feeds must be imported again ([`RecoveryReport::feeds_to_import`]).
    /// - A schema from a newer callguard, a lock held by another process, a read-only folder
    ///   and a full disk are errors, and nothing changes: recovery would not help (or would
    ///   lose what a newer callguard wrote). A read-only file that reads well is healthy.
    ///
    /// Run it when no other process writes the database. A connection that still has the
    /// damaged file open goes on using the moved file, never the new one; SQLite, seeing the
    /// file moved, leaves the new database's log alone when it closes.
    pub fn recover(
        path: impl AsRef<Path>,
        options: StoreOptions,
    ) -> Result<(Store, RecoveryReport), StoreError> {
        let path = path.as_ref();
        if options.read_only {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
            });
        }
        if std::fs::symlink_metadata(path).is_err() {
            // Deleted, or never made: a new database is the remedy, as opening gives one.
            let store = Store::open_with(path, options)?;
            let report = RecoveryReport {
                damage: Some(format!("{}: no database file was here", path.display())),
                created: true,
                ..RecoveryReport::healthy_at(path)
            };
            return Ok((store, report));
        }
        // Diagnosed without a background reader: every connection to the file must be closed
        // when the store is, before anything moves (a connection opening the file after its
        // -shm moved would make a new one that the fresh database would then share).
        let diagnose = StoreOptions {
            report_loading: ReportLoading::Wait,
            ..options.clone()
        };
        let damage = match Store::open_with(path, diagnose) {
            Ok(store) => match store.check().and_then(|()| store.check_pages()) {
                Ok(()) => {
                    drop(store);
                    let store = Store::open_with(path, options)?;
                    return Ok((store, RecoveryReport::healthy_at(path)));
                }
                Err(error) if error.is_damage() => error,
                Err(error) => return Err(error),
            },
            Err(error) if error.is_damage() => error,
            Err(error) => return Err(error),
        };
        let classifier = Classifier::new(options.region);
        let salvage = Salvage::read(path, &classifier);
        let fresh = sibling(path, ".recovering");
        remove_database(&fresh)?;
        let mut report = RecoveryReport {
            path: path.to_owned(),
            damage: Some(damage.to_string()),
            created: false,
            moved_to: None,
            tables: Vec::new(),
            feeds_to_import: Vec::new(),
            feeds_error: None,
        };
        match salvage.write(&fresh) {
            Ok(tables) => report.tables = tables,
            Err(error) => {
                // A full disk or a read-only folder: the damaged file stays where it was.
                let _ = remove_database(&fresh);
                return Err(sql(path, "writing the recovered database")(error));
            }
        }
        match salvage.feeds {
            Ok(feeds) => report.feeds_to_import = feeds,
            Err(error) => report.feeds_error = Some(error),
        }
        report.moved_to = Some(swap_in(path, &fresh)?);
        let store = Store::open_with(path, options)?;
        Ok((store, report))
    }
}

/// Every table of the current schema and its columns, from a fresh in-memory database: the
/// schema has one definition (`schema::STEPS`), and this reads it rather than repeat it.
fn expected_schema() -> rusqlite::Result<&'static [(String, Vec<String>)]> {
    static SCHEMA: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    if let Some(schema) = SCHEMA.get() {
        return Ok(schema);
    }
    let mut conn = Connection::open_in_memory()?;
    schema::migrate_to(&mut conn, schema::SCHEMA_VERSION)?;
    let mut stmt = conn.prepare(
        "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
    )?;
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    for row in rows {
        let (table, column) = row?;
        tables.entry(table).or_default().push(column);
    }
    Ok(SCHEMA.get_or_init(|| tables.into_iter().collect()))
}

/// `path` with `suffix` appended to its file name (`callguard.db` → `callguard.db-wal`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a database file and its companions, if there.
fn remove_database(path: &Path) -> Result<(), StoreError> {
    for file in std::iter::once(path.to_owned()).chain(COMPANIONS.map(|s| sibling(path, s))) {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(StoreError::io(&file, e)),
            _ => {}
        }
    }
    Ok(())
}

/// `NAME.damaged-YYYYMMDD-HHMMSS` (UTC) beside `path`, with `-2`, `-3` ... after it if a
/// recovery in the same second took the name.
fn damaged_name(path: &Path, at: UnixTime) -> PathBuf {
    let digits: String = format_time(at)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let stamp = match (digits.get(..8), digits.get(8..)) {
        (Some(date), Some(time)) => format!("{date}-{time}"),
        _ => digits,
    };
    let taken = |p: &Path| {
        std::iter::once(p.to_owned())
            .chain(COMPANIONS.map(|s| sibling(p, s)))
            .any(|f| std::fs::symlink_metadata(f).is_ok())
    };
    let base = sibling(path, &format!(".damaged-{stamp}"));
    let mut name = base.clone();
    let mut n = 1;
    while taken(&name) {
        n += 1;
        name = sibling(&base, &format!("-{n}"));
    }
    name
}

/// Moves the damaged database at `path` (and its companions) aside and renames `fresh` into
/// its place; returns where the damaged file went. On failure, what was moved is moved back.
fn swap_in(path: &Path, fresh: &Path) -> Result<PathBuf, StoreError> {
    let moved = damaged_name(path, now());
    let mut done: Vec<(PathBuf, PathBuf)> = Vec::new();
    let undo = |done: &[(PathBuf, PathBuf)]| {
        for (from, to) in done.iter().rev() {
            let _ = std::fs::rename(to, from);
        }
    };
    // A second name for the damaged file first, so that the moved set can be opened as soon
    // as its companions join it, and `path` names a database at every moment. Where links are
    // not supported the file is renamed after its companions instead (and `path` is missing
    // for a moment): a `-wal` left behind without its file would be read as a fresh
    // database's.
    let linked = std::fs::hard_link(path, &moved).is_ok();
    for suffix in COMPANIONS {
        let (from, to) = (sibling(path, suffix), sibling(&moved, suffix));
        if std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, &to) {
            undo(&done);
            if linked {
                let _ = std::fs::remove_file(&moved);
            }
            return Err(StoreError::io(&from, e));
        }
        done.push((from, to));
    }
    if !linked {
        if let Err(e) = std::fs::rename(path, &moved) {
            undo(&done);
            return Err(StoreError::io(path, e));
        }
    }
    if let Err(e) = std::fs::rename(fresh, path) {
        if linked {
            let _ = std::fs::remove_file(&moved);
        } else {
            let _ = std::fs::rename(&moved, path);
        }
        undo(&done);
        return Err(StoreError::io(path, e));
    }
    Ok(moved)
}

#[cfg(test)]
mod tests;
