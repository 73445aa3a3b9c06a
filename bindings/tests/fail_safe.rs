//! What an app can count on when a file works against it: a read-only database still blocks
//! what its lists block, and another application's SQLite file is never touched.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use callguard_ffi::{CallGuard, CallGuardError, IncomingCall, ListKind, StoreState, Verdict};

const BLOCKED: &str = "+815012345678";

fn guard_at(path: &Path) -> Arc<CallGuard> {
    CallGuard::new(
        Some(path.display().to_string()),
        "JP".into(),
        "balanced".into(),
    )
    .expect("a database never stops the constructor")
}

fn verdict(guard: &CallGuard, number: &str) -> (Verdict, Vec<String>) {
    let a = guard.screen(IncomingCall {
        number: Some(number.into()),
        ..IncomingCall::default()
    });
    (
        a.verdict,
        a.reasons.iter().map(|r| r.code.clone()).collect(),
    )
}

/// A closed database whose block list holds [`BLOCKED`].
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("callguard.db");
    let guard = guard_at(&path);
    guard
        .add_list_entry(ListKind::Block, BLOCKED.into(), None, None)
        .expect("block");
    drop(guard);
    path
}

/// A read-only database in rollback-journal mode (as a backup tool or another SQLite user may
/// leave it) opens read-only and screens with the user's block list. Before, switching it to
/// WAL failed, the store was "unavailable", and the blocked number rang.
#[test]
fn a_read_only_rollback_journal_database_still_blocks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fixture(dir.path());
    let conn = rusqlite::Connection::open(&path).expect("open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .expect("rollback mode");
    assert_eq!(mode, "delete");
    drop(conn);
    let made = Command::new("chattr")
        .arg("+i")
        .arg(&path)
        .output()
        .is_ok_and(|o| o.status.success());
    if !made {
        eprintln!("skipped: chattr +i is not available here");
        return;
    }
    let guard = guard_at(&path);
    let status = guard.store_status();
    let outcome = verdict(&guard, BLOCKED);
    let change = guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None);
    drop(guard);
    let _ = Command::new("chattr").arg("-i").arg(&path).status();
    assert_eq!(status.state, StoreState::Ready, "{status:?}");
    assert_eq!(outcome, (Verdict::Block, vec!["block_list".to_owned()]));
    match change {
        Err(CallGuardError::Database { reason }) => {
            assert!(reason.contains("read-only"), "{reason}")
        }
        other => panic!("expected a read-only refusal, got {other:?}"),
    }
}

/// `CallGuard` on another application's SQLite file: the database is unavailable (screening
/// fails open), `recover` refuses, and the file is never converted, extended or moved.
#[test]
fn another_applications_database_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.db");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
         INSERT INTO notes (text) VALUES ('buy milk');",
    )
    .expect("notes");
    drop(conn);
    let before = std::fs::read(&path).expect("read");
    let guard = guard_at(&path);
    let status = guard.store_status();
    assert_eq!(status.state, StoreState::Unavailable);
    assert!(
        status
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("not a callguard database")),
        "{status:?}"
    );
    assert_eq!(
        verdict(&guard, "+1 202-555-0143").1,
        ["screening_unavailable"]
    );
    assert!(guard.recover().is_err());
    drop(guard);
    assert_eq!(std::fs::read(&path).expect("read"), before);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["notes.db"]);
}
