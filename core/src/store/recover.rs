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

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OpenFlags, Row};
use serde::Serialize;

use super::error::sql;
use super::lists::{ListKind, Pattern};
use super::reports::Category;
use super::schema;
use super::time::{format_time, now, UnixTime};
use super::{ReportLoading, Store, StoreError, StoreOptions, BUSY_TIMEOUT};
use crate::classify::Classifier;
use crate::number::E164;

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

/// A list entry as salvaged.
struct ListRow {
    list: ListKind,
    pattern: Pattern,
    label: Option<String>,
    note: Option<String>,
    added_at: UnixTime,
}

/// A user's report as salvaged.
struct UserReportRow {
    number: E164,
    category: Category,
    note: Option<String>,
    reported_at: UnixTime,
}

/// The user's own row of `reports` (source 0) as salvaged.
struct ReportRow {
    number: E164,
    categories: u8,
    count: i64,
    first_seen: UnixTime,
    last_seen: UnixTime,
}

/// A trusted key as salvaged.
struct KeyRow {
    name: String,
    key: Vec<u8>,
    added_at: UnixTime,
}

/// A logged call as salvaged.
struct CallRow {
    number: Option<E164>,
    at: UnixTime,
    verdict: String,
    reasons: String,
}

/// What could be read of the damaged file, and what became of each table.
struct Salvage {
    lists: Vec<ListRow>,
    user_reports: Vec<UserReportRow>,
    reports: Vec<ReportRow>,
    keys: Vec<KeyRow>,
    calls: Vec<CallRow>,
    /// The count of wrong caregiver PINs (`meta`), so a recovery does not reset it.
    pin_counts: Vec<(String, i64)>,
    feeds: Result<Vec<FeedToImport>, String>,
    /// Per table, in the order read: rows left behind, and why reading stopped.
    read: Vec<(&'static str, u64, Option<String>)>,
}

/// An E.164 number from its integer column.
fn e164(value: i64) -> Option<E164> {
    u64::try_from(value).ok().and_then(E164::from_u64)
}

impl Salvage {
    /// Reads what it can of the database at `path`, read-only, each table on its own.
    fn read(path: &Path, classifier: &Classifier) -> Salvage {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // SQLite refuses a file shorter than its header says (a truncated copy) unless
            // the schema is writable; reading the pages that are there is what salvage wants.
            // (The connection is read-only: nothing is written.)
            conn.pragma_update(None, "writable_schema", true)?;
            Ok(conn)
        })
        .map_err(|e| e.to_string());
        let mut read = Vec::new();
        let lists = salvage(
            &conn,
            &mut read,
            "list_entries",
            "SELECT list, pattern, label, note, added_at FROM list_entries ORDER BY id",
            |r| {
                let list = r.get::<_, String>(0)?.parse::<ListKind>().ok();
                // The pattern is parsed again as typed text: a damaged row cannot bring back
                // an emergency number or a malformed range.
                let pattern = Pattern::parse(&r.get::<_, String>(1)?, classifier).ok();
                let (label, note, added_at) = (r.get(2)?, r.get(3)?, r.get(4)?);
                Ok(list.zip(pattern).map(|(list, pattern)| ListRow {
                    list,
                    pattern,
                    label,
                    note,
                    added_at,
                }))
            },
        );
        let user_reports = salvage(
            &conn,
            &mut read,
            "user_reports",
            "SELECT number, category, note, reported_at FROM user_reports ORDER BY id",
            |r| {
                let number = e164(r.get(0)?);
                let category = r.get::<_, String>(1)?.parse::<Category>().ok();
                let (note, reported_at) = (r.get(2)?, r.get(3)?);
                Ok(number
                    .zip(category)
                    .map(|(number, category)| UserReportRow {
                        number,
                        category,
                        note,
                        reported_at,
                    }))
            },
        );
        let reports = salvage(
            &conn,
            &mut read,
            "reports",
            "SELECT number, categories, count, first_seen, last_seen FROM reports
             WHERE source = 0",
            |r| {
                let categories = u8::try_from(r.get::<_, i64>(1)?).ok();
                let count = Some(r.get::<_, i64>(2)?).filter(|&c| c >= 1);
                let (first_seen, last_seen) = (r.get(3)?, r.get(4)?);
                Ok(e164(r.get(0)?).zip(categories).zip(count).map(
                    |((number, categories), count)| ReportRow {
                        number,
                        categories,
                        count,
                        first_seen,
                        last_seen,
                    },
                ))
            },
        );
        let keys = salvage(
            &conn,
            &mut read,
            "trusted_keys",
            "SELECT name, key, added_at FROM trusted_keys ORDER BY name",
            |r| {
                // Kept whatever the key's bytes: an import refuses to run while a trusted key
                // is unusable (it names the key), where dropping it could leave no key and
                // let unsigned feeds in. A value that is neither bytes nor text is lost.
                let key = match r.get_ref(1)? {
                    ValueRef::Blob(bytes) | ValueRef::Text(bytes) => Some(bytes.to_vec()),
                    _ => None,
                };
                let (name, added_at) = (r.get(0)?, r.get(2)?);
                Ok(key.map(|key| KeyRow {
                    name,
                    key,
                    added_at,
                }))
            },
        );
        let calls = salvage(
            &conn,
            &mut read,
            "call_log",
            "SELECT number, at, verdict, reasons FROM call_log ORDER BY id",
            |r| {
                let number = match r.get::<_, Option<i64>>(0)? {
                    None => Some(None),
                    Some(value) => e164(value).map(Some),
                };
                let (at, verdict, reasons) = (r.get(1)?, r.get(2)?, r.get(3)?);
                Ok(number.map(|number| CallRow {
                    number,
                    at,
                    verdict,
                    reasons,
                }))
            },
        );
        let mut feeds_read = Vec::new();
        let feeds = salvage(
            &conn,
            &mut feeds_read,
            "feeds",
            "SELECT name, version FROM feeds ORDER BY name",
            |r| {
                Ok(Some(FeedToImport {
                    name: r.get(0)?,
                    version: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                }))
            },
        );
        let mut pins_read = Vec::new();
        let pin_counts = salvage(
            &conn,
            &mut pins_read,
            "meta",
            "SELECT key, value FROM meta WHERE key IN ('pin_failures', 'pin_last_failure')",
            |r| Ok(Some((r.get(0)?, r.get(1)?))),
        );
        let feeds = match feeds_read.pop() {
            Some((_, _, Some(error))) => Err(error),
            _ => Ok(feeds),
        };
        Salvage {
            lists,
            user_reports,
            reports,
            keys,
            calls,
            pin_counts,
            feeds,
            read,
        }
    }

    /// Creates a fresh database at `path` holding the salvaged rows, in one transaction, and
    /// says what was kept per table.
    fn write(&self, path: &Path) -> rusqlite::Result<Vec<TableRecovery>> {
        // A new file: never one a link planted at its name points to.
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::default() | OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        schema::migrate_to(&mut conn, schema::SCHEMA_VERSION)?;
        let tx = conn.transaction()?;
        let mut kept: BTreeMap<&'static str, u64> = BTreeMap::new();
        for row in &self.lists {
            let (lo, hi, digits) = row.pattern.columns();
            *kept.entry("list_entries").or_default() += tx.execute(
                "INSERT INTO list_entries (list, kind, lo, hi, digits, pattern, label, note,
                     added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (list, pattern) DO NOTHING",
                params![
                    row.list.as_str(),
                    row.pattern.kind_str(),
                    lo,
                    hi,
                    digits,
                    row.pattern.to_string(),
                    row.label,
                    row.note,
                    row.added_at
                ],
            )? as u64;
        }
        for row in &self.user_reports {
            *kept.entry("user_reports").or_default() += tx.execute(
                "INSERT INTO user_reports (number, category, note, reported_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    row.number.as_i64(),
                    row.category.as_str(),
                    row.note,
                    row.reported_at
                ],
            )? as u64;
        }
        for row in &self.reports {
            *kept.entry("reports").or_default() += tx.execute(
                "INSERT INTO reports (number, source, categories, count, first_seen, last_seen)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5) ON CONFLICT (number, source) DO NOTHING",
                params![
                    row.number.as_i64(),
                    row.categories,
                    row.count,
                    row.first_seen,
                    row.last_seen
                ],
            )? as u64;
        }
        // Screening counts the user's reports through their rows in `reports`: rebuild the
        // rows that table lost from the reports themselves, as `Store::report_number` wrote
        // them (one count per report, their categories, the first and last time).
        let mut rebuilt: BTreeMap<E164, (u8, i64, UnixTime, UnixTime)> = BTreeMap::new();
        for row in &self.user_reports {
            let at = row.reported_at;
            let entry = rebuilt.entry(row.number).or_insert((0, 0, at, at));
            entry.0 |= row.category.bit();
            entry.1 += 1;
            entry.2 = entry.2.min(at);
            entry.3 = entry.3.max(at);
        }
        for (number, (categories, count, first_seen, last_seen)) in rebuilt {
            *kept.entry("reports").or_default() += tx.execute(
                "INSERT INTO reports (number, source, categories, count, first_seen, last_seen)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5) ON CONFLICT (number, source) DO NOTHING",
                params![number.as_i64(), categories, count, first_seen, last_seen],
            )? as u64;
        }
        for row in &self.keys {
            *kept.entry("trusted_keys").or_default() += tx.execute(
                "INSERT INTO trusted_keys (name, key, added_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![row.name, row.key, row.added_at],
            )? as u64;
        }
        for (key, value) in &self.pin_counts {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        for row in &self.calls {
            *kept.entry("call_log").or_default() += tx.execute(
                "INSERT INTO call_log (number, at, verdict, reasons) VALUES (?1, ?2, ?3, ?4)",
                params![
                    row.number.map(E164::as_i64),
                    row.at,
                    row.verdict,
                    row.reasons
                ],
            )? as u64;
        }
        tx.commit()?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(self
            .read
            .iter()
            .map(|(table, lost, error)| TableRecovery {
                table: (*table).to_owned(),
                kept: kept.get(table).copied().unwrap_or(0),
                lost: *lost,
                error: error.clone(),
            })
            .collect())
    }
}

/// Reads `query`'s rows with `row` (`None`: a row whose values are unusable) until the end or
/// the first error that stops the query, and notes in `read` how many rows were left behind
/// and why reading stopped.
fn salvage<T>(
    conn: &Result<Connection, String>,
    read: &mut Vec<(&'static str, u64, Option<String>)>,
    table: &'static str,
    query: &str,
    mut row: impl FnMut(&Row<'_>) -> rusqlite::Result<Option<T>>,
) -> Vec<T> {
    let mut kept = Vec::new();
    let mut lost = 0;
    let result = match conn {
        Err(error) => Err(error.clone()),
        Ok(conn) => (|| -> rusqlite::Result<()> {
            let mut stmt = conn.prepare(query)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                match row(r) {
                    Ok(Some(value)) => kept.push(value),
                    // A value of the wrong type spoils this row only: read on.
                    Ok(None) | Err(_) => lost += 1,
                }
            }
            Ok(())
        })()
        .map_err(|e| e.to_string()),
    };
    read.push((table, lost, result.err()));
    kept
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
mod tests {
    use super::*;

    #[test]
    fn damaged_names_carry_the_time_and_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("callguard.db");
        // 2025-11-29 01:51:02 UTC
        let first = damaged_name(&path, 1_764_381_062);
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("callguard.db.damaged-20251129-015102")
        );
        std::fs::write(sibling(&first, "-wal"), b"").expect("write");
        let second = damaged_name(&path, 1_764_381_062);
        assert_eq!(
            second.file_name().and_then(|n| n.to_str()),
            Some("callguard.db.damaged-20251129-015102-2")
        );
    }

    #[test]
    fn the_expected_schema_lists_every_table() {
        let schema = expected_schema().expect("schema");
        let names: Vec<&str> = schema.iter().map(|(t, _)| t.as_str()).collect();
        for table in [
            "meta",
            "list_entries",
            "reports",
            "user_reports",
            "trusted_keys",
        ] {
            assert!(names.contains(&table), "{names:?}");
        }
        let reports = schema
            .iter()
            .find(|(t, _)| t == "reports")
            .expect("reports");
        assert_eq!(
            reports.1,
            [
                "number",
                "source",
                "categories",
                "count",
                "first_seen",
                "last_seen"
            ]
        );
    }
}
