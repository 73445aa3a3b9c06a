//! The database schema and its migrations.
//!
//! `PRAGMA user_version` holds the schema version. `STEPS[v]` upgrades a database from
//! version `v` to `v + 1`; each step runs in its own transaction together with the version bump,
//! so a crash or a full disk leaves the database at one version or the next, never in between.
//! A fresh database is built by running every step from 0, which is exactly what an old
//! database goes through: there is one definition of the schema, not two that could drift.
//!
//! Policy: never edit a released step; add a new one. Steps must keep every row of the user's
//! lists and reports.

use rusqlite::{Connection, TransactionBehavior};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

/// `PRAGMA application_id` of a callguard database: `CLGD` in ASCII. Set in the same
/// transaction as the first schema step of a new file, and once, on the first read-write open,
/// in files an older callguard made without it. A file that carries another application's id
/// (or none, and tables callguard does not know) is never written to.
pub const APPLICATION_ID: i32 = 0x434C_4744;

/// Tables only callguard makes: an older callguard file (before [`APPLICATION_ID`]) is
/// recognised by any of them, with a schema version from 1. The generic names (`meta`,
/// `reports`, `feeds`, `call_log`) alone are not enough.
const OWN_TABLES: [&str; 4] = [
    "list_entries",
    "user_reports",
    "feed_imports",
    "trusted_keys",
];

/// One upgrade step per version: `STEPS[v]` takes a database from version `v` to `v + 1`.
/// Version 0 is an empty file.
pub(crate) const STEPS: [&str; SCHEMA_VERSION as usize] = [V1, V2];

/// Version 1, the first released schema.
///
/// - `meta`: generation counters, one per part of the reader's in-memory view (`lists_gen`,
///   `reports_gen`, `calls_gen`); every write that changes a part bumps its counter.
/// - `reports` is keyed by (number, source), WITHOUT ROWID, so a reported number costs one
///   b-tree cell of about 25 bytes and no index. Source 0 is the user; feeds have ids from 1.
///   `categories` is a bit set (see `ReportCategory::bit`).
/// - `feed_imports`: the SHA-256 of every imported file, for idempotent re-imports.
/// - `call_log`: screened calls, for repeat-caller rules (bounded by the store's options).
/// - `trusted_keys`: ed25519 feed-signing keys trusted for every import.
const V1: &str = "
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('lists_gen', 0), ('reports_gen', 0), ('calls_gen', 0);
CREATE TABLE list_entries (
    id INTEGER PRIMARY KEY,
    list TEXT NOT NULL CHECK (list IN ('allow', 'block')),
    kind TEXT NOT NULL CHECK (kind IN ('exact', 'prefix', 'range')),
    lo INTEGER NOT NULL,
    hi INTEGER NOT NULL,
    digits INTEGER NOT NULL,
    pattern TEXT NOT NULL,
    label TEXT,
    note TEXT,
    added_at INTEGER NOT NULL,
    UNIQUE (list, pattern)
);
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    sha256 BLOB
);
CREATE TABLE reports (
    number INTEGER NOT NULL,
    source INTEGER NOT NULL,
    categories INTEGER NOT NULL,
    count INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (number, source)
) WITHOUT ROWID;
CREATE TABLE user_reports (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL,
    category TEXT NOT NULL,
    note TEXT,
    reported_at INTEGER NOT NULL
);
CREATE INDEX user_reports_number ON user_reports (number);
CREATE TABLE feed_imports (
    feed INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    rows INTEGER NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (feed, sha256)
) WITHOUT ROWID;
CREATE TABLE call_log (
    id INTEGER PRIMARY KEY,
    number INTEGER,
    at INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL
);
CREATE INDEX call_log_number_at ON call_log (number, at);
CREATE TABLE trusted_keys (
    name TEXT PRIMARY KEY NOT NULL,
    key BLOB NOT NULL UNIQUE,
    added_at INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Version 2: the iOS Call Directory's plans (`core::directory`, docs/IOS.md).
///
/// - `directory_plans`: one row per planned version (AUTOINCREMENT: a version number is never
///   reused, even after its plan is deleted), with its budget, extension count, entry count
///   and summary (JSON).
/// - `directory_labels`: the label texts of a version's identification entries.
/// - `directory_runs`: a version's entries per extension as blobs of up to 4,096 runs of
///   consecutive numbers (`core::directory::encode_runs`), keyed by (version, extension, seq);
///   `first` is the first number of the blob, `entries` how many numbers it holds.
/// - `directory_state`: per extension, the version the system holds (`delivered`, NULL when
///   unknown) and the version being loaded (`loading`). Plans neither delivered, loading nor
///   newest are deleted when a new plan is stored.
const V2: &str = "
CREATE TABLE directory_plans (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    budget INTEGER NOT NULL,
    extensions INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE directory_labels (
    version INTEGER NOT NULL,
    id INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version, id)
) WITHOUT ROWID;
CREATE TABLE directory_runs (
    version INTEGER NOT NULL,
    extension INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    first INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (version, extension, seq)
) WITHOUT ROWID;
CREATE TABLE directory_state (
    extension INTEGER PRIMARY KEY,
    delivered INTEGER,
    loading INTEGER
);
";

/// What [`migrate_to`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Migration {
    /// The database is at `SCHEMA_VERSION` (after zero or more steps).
    Current,
    /// The database is newer than this build.
    TooNew(i64),
}

/// The schema version of an open database.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Whose file an open database is, read before anything is written to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    /// No tables, no schema version, no application id: a new or zero-byte file.
    Empty,
    /// callguard's: its application id, or (from an older callguard) a schema version and
    /// callguard's own tables.
    Callguard {
        /// Whether the application id is still to be set.
        unstamped: bool,
    },
    /// Another application's: the reason says how it was told apart.
    Foreign(String),
}

/// Tells a callguard database from another application's SQLite file (see [`Identity`]).
pub(crate) fn identify(conn: &Connection) -> rusqlite::Result<Identity> {
    let id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if id == APPLICATION_ID {
        return Ok(Identity::Callguard { unstamped: false });
    }
    if id != 0 {
        return Ok(Identity::Foreign(format!(
            "its application id is {id:#010x}, not callguard's {APPLICATION_ID:#010x}"
        )));
    }
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")?;
    let names = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let version = version(conn)?;
    if names.is_empty() && version == 0 {
        return Ok(Identity::Empty);
    }
    if version >= 1 && names.iter().any(|n| OWN_TABLES.contains(&n.as_str())) {
        return Ok(Identity::Callguard { unstamped: true });
    }
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    Ok(Identity::Foreign(if shown.is_empty() {
        format!("it has schema version {version} but no tables and no callguard application id")
    } else {
        format!(
            "it holds tables callguard does not make ({}{}) and no callguard application id",
            shown.join(", "),
            if names.len() > shown.len() {
                ", ..."
            } else {
                ""
            }
        )
    }))
}

/// Sets callguard's application id in a file an older callguard made without it.
pub(crate) fn stamp(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()
}

/// Upgrades the database to `target` (normally [`SCHEMA_VERSION`]), one step per transaction.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<Migration> {
    // The usual case, a current database, needs no write lock: opening it while another
    // process imports a feed must not wait for that import.
    let current = version(conn)?;
    if current > SCHEMA_VERSION {
        return Ok(Migration::TooNew(current));
    }
    if current >= target && current > 0 {
        return Ok(Migration::Current);
    }
    loop {
        // IMMEDIATE: take the write lock before reading the version, so two processes opening
        // an old database at once do not both run the same step.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current > SCHEMA_VERSION {
            return Ok(Migration::TooNew(current));
        }
        if current >= target {
            return Ok(Migration::Current);
        }
        // `current` is in 0..SCHEMA_VERSION here.
        tx.execute_batch(STEPS[current as usize])?;
        tx.pragma_update(None, "user_version", current + 1)?;
        // Not part of the released steps: the file says whose it is from its first step on.
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT type, name, coalesce(sql, '') FROM sqlite_master \
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    /// Writes rows of the user's and the feeds' data into a database at version `version`
    /// (at least 1), so that a migration must carry them along. A new schema version that
    /// moves these tables extends this with a branch for the versions before it.
    fn fill(conn: &Connection, version: i64) {
        assert!(version >= 1);
        conn.execute_batch(
            "INSERT INTO list_entries (list, kind, lo, hi, digits, pattern, label, note, added_at)
                 VALUES ('block', 'exact', 815012345678, 815012345678, 12, '+815012345678',
                         'scam', NULL, 1700000000);
             INSERT INTO feeds (name, version, kind, format, imported_at)
                 VALUES ('police', 3, 'full', 'csv', 1700000000);
             INSERT INTO reports VALUES (815012345678, 0, 1, 2, 1700000000, 1700000100);
             INSERT INTO reports VALUES (815012345678, 1, 4, 7, 1690000000, 1700000100);
             INSERT INTO user_reports (number, category, note, reported_at)
                 VALUES (815012345678, 'scam', 'said he was police', 1700000100);",
        )
        .expect("fill");
    }

    fn count(conn: &Connection, table: &str) -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    /// Builds every past schema (version 0 is an empty file; 1 is the first released schema;
    /// 2 added the iOS directory's tables), fills it, migrates it and compares it with a fresh
    /// one.
    #[test]
    fn every_past_schema_migrates_to_the_fresh_one() {
        let mut fresh = Connection::open_in_memory().expect("open");
        assert_eq!(
            migrate_to(&mut fresh, SCHEMA_VERSION).expect("migrate"),
            Migration::Current
        );
        assert_eq!(version(&fresh).expect("version"), SCHEMA_VERSION);
        let want = schema_of(&fresh);
        assert!(want.iter().any(|(_, name, _)| name == "trusted_keys"));

        for past in 0..SCHEMA_VERSION {
            let mut old = Connection::open_in_memory().expect("open");
            migrate_to(&mut old, past).expect("build past schema");
            assert_eq!(version(&old).expect("version"), past);
            if past >= 1 {
                fill(&old, past);
            }
            migrate_to(&mut old, SCHEMA_VERSION).expect("upgrade");
            assert_eq!(version(&old).expect("version"), SCHEMA_VERSION);
            assert_eq!(schema_of(&old), want, "schema after migrating from v{past}");
            if past >= 1 {
                let kept = (
                    count(&old, "list_entries"),
                    count(&old, "reports"),
                    count(&old, "user_reports"),
                );
                assert_eq!(kept, (1, 2, 1), "data kept from v{past}");
            }
            assert_eq!(
                count(&old, "meta"),
                3,
                "meta rows after migrating from v{past}"
            );
        }
    }

    /// Version 0 as found on disk: an empty file (what `touch` or a crashed installer leaves).
    /// Opening it runs every step and gives a working database with the fresh schema.
    #[test]
    fn an_empty_file_is_upgraded_to_the_current_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("empty.db");
        std::fs::write(&path, b"").expect("empty file");
        let mut conn = Connection::open(&path).expect("open");
        assert_eq!(version(&conn).expect("version"), 0);
        assert_eq!(
            migrate_to(&mut conn, SCHEMA_VERSION).expect("migrate"),
            Migration::Current
        );
        let mut fresh = Connection::open_in_memory().expect("open");
        migrate_to(&mut fresh, SCHEMA_VERSION).expect("migrate");
        assert_eq!(schema_of(&conn), schema_of(&fresh));
        fill(&conn, SCHEMA_VERSION);
        drop(conn);
        let store = crate::store::Store::open(&path, crate::Region::JP).expect("store");
        assert_eq!(store.stats().expect("stats").reported_numbers, 1);
        assert_eq!(store.list_entries().expect("entries").len(), 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("pragma");
        assert_eq!(
            migrate_to(&mut conn, SCHEMA_VERSION).expect("migrate"),
            Migration::TooNew(SCHEMA_VERSION + 1)
        );
    }
}
