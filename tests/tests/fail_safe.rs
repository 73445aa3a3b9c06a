//! The store against other applications' files: a foreign SQLite file is never written, an
//! older callguard file is recognised, and screening never creates a database.

use std::path::Path;

use callguard_core::store::{Store, StoreError, StoreOptions};
use callguard_core::Region;

fn store(dir: &Path) -> Store {
    Store::open(dir.join("callguard.db"), Region::JP).expect("open")
}

/// Another application's SQLite file, opened by mistake: refused before anything is written
/// (never switched to WAL, never given callguard's tables), by screening, by a read-write open
/// and by recovery alike; the file stays byte for byte.
#[test]
fn another_applications_file_is_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, setup) in [
        (
            "tagged.db",
            "PRAGMA application_id = 1234; CREATE TABLE t (x);",
        ),
        (
            "notes.db",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); PRAGMA user_version = 3;",
        ),
        (
            "reports.db",
            "CREATE TABLE reports (x); CREATE TABLE meta (k, v); PRAGMA user_version = 1;",
        ),
    ] {
        let path = dir.path().join(name);
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(setup).expect("setup");
        drop(conn);
        let before = std::fs::read(&path).expect("read");
        let err = Store::open(&path, Region::JP).expect_err(name);
        assert!(matches!(err, StoreError::Foreign { .. }), "{name}: {err}");
        assert!(!err.is_damage(), "{name}: recovery is no remedy");
        let read_only = StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        };
        let err = Store::open_with(&path, read_only).expect_err(name);
        assert!(matches!(err, StoreError::Foreign { .. }), "{name}: {err}");
        let err = Store::recover(&path, StoreOptions::default()).expect_err(name);
        assert!(
            err.to_string().contains("not a callguard database"),
            "{name}: {err}"
        );
        assert_eq!(std::fs::read(&path).expect("read"), before, "{name}");
        assert!(!dir.path().join(format!("{name}-wal")).exists(), "{name}");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// A database of an older callguard (no application id) is recognised by its schema, works,
/// and is marked callguard's on its first read-write open; screening never creates a file.
#[test]
fn an_older_callguard_file_is_recognised_and_nothing_is_created_for_screening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("callguard.db");
    let db = store(dir.path());
    db.add_list_entry(
        callguard_core::store::ListKind::Block,
        "+815012345678",
        None,
        None,
    )
    .expect("entry");
    drop(db);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.pragma_update(None, "application_id", 0)
        .expect("unmark");
    drop(conn);
    let read_only = StoreOptions {
        read_only: true,
        ..StoreOptions::default()
    };
    let screening = Store::open_with(&path, read_only.clone()).expect("recognised");
    assert_eq!(screening.list_entries().expect("entries").len(), 1);
    drop(screening);
    drop(store(dir.path()));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("id");
    assert_eq!(id, callguard_core::store::schema::APPLICATION_ID);

    let missing = dir.path().join("missing.db");
    assert!(Store::open_with(&missing, read_only).is_err());
    let no_create = StoreOptions {
        create: false,
        ..StoreOptions::default()
    };
    assert!(Store::open_with(&missing, no_create).is_err());
    assert!(!missing.exists());
}
