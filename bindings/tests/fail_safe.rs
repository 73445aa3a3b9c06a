//! What an app can count on when a file, a callback or a person works against it: a read-only
//! database still blocks what its lists block, a progress callback decides an import before it
//! is committed, wrong caregiver PINs are counted and slowed down, and another application's
//! SQLite file is never touched.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use callguard_ffi::Lang;
use callguard_ffi::{
    CallGuard, CallGuardError, ImportOptions, ImportProgress, IncomingCall, ListKind, StoreState,
    Verdict,
};
use callguard_testkit::faults::{rollback_journal, Unwritable};
use callguard_testkit::feeds::{mobile_numbers, scam_csv};
use callguard_testkit::workdir::{file_names, write, WorkDir};

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
    let a = guard.screen(
        IncomingCall {
            number: Some(number.into()),
            ..IncomingCall::default()
        },
        Lang::EN,
    );
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

fn feed(dir: &Path, rows: u64) -> String {
    let text = scam_csv("carrier", None, mobile_numbers(0, rows));
    write(dir, "carrier.csv", text).display().to_string()
}

/// A read-only database in rollback-journal mode (as a backup tool or another SQLite user may
/// leave it) opens read-only and screens with the user's block list. Before, switching it to
/// WAL failed, the store was "unavailable", and the blocked number rang.
#[test]
fn a_read_only_rollback_journal_database_still_blocks() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    drop(rollback_journal(&path));
    let Some(file_lock) = Unwritable::make(&[&path]) else {
        eprintln!("skipped: files cannot be made unwritable here");
        return;
    };
    let guard = guard_at(&path);
    let status = guard.store_status();
    let outcome = verdict(&guard, BLOCKED);
    let change = guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None);
    drop(guard);
    drop(file_lock);
    assert_eq!(status.state, StoreState::Ready, "{status:?}");
    assert_eq!(outcome, (Verdict::Block, vec!["block_list".to_owned()]));
    match change {
        Err(CallGuardError::Database { reason }) => {
            assert!(reason.contains("read-only"), "{reason}")
        }
        other => panic!("expected a read-only refusal, got {other:?}"),
    }
}

/// Answers each progress call as told, and looks, in the call with the whole file read,
/// whether the feed is already installed (through another object on the same database).
struct Decide {
    answer: Result<bool, CallGuardError>,
    db: PathBuf,
    installed_when_done: Mutex<Vec<bool>>,
}

impl ImportProgress for Decide {
    fn on_progress(&self, done: i64, total: i64) -> Result<bool, CallGuardError> {
        if done == total {
            let other = guard_at(&self.db);
            let installed = !other.stats().expect("stats").feeds.is_empty();
            self.installed_when_done
                .lock()
                .expect("lock")
                .push(installed);
        }
        self.answer.clone()
    }
}

/// A feed under 65,536 rows: its only progress call used to come after the commit, so `false`
/// was ignored and an exception reported a failure for a feed that was in. Now the call comes
/// with the whole file read and before the commit, and the result is what happened.
#[test]
fn the_progress_callback_decides_before_the_commit() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let guard = guard_at(&path);
    let feed = feed(dir.path(), 100);
    let answers = [
        Ok(false),
        Err(CallGuardError::Internal {
            reason: "the app gave up".into(),
        }),
    ];
    for answer in answers {
        let progress = Arc::new(Decide {
            answer: answer.clone(),
            db: path.clone(),
            installed_when_done: Mutex::new(Vec::new()),
        });
        let result = guard.import_feed(
            feed.clone(),
            ImportOptions::default(),
            Some(progress.clone()),
        );
        match (&answer, &result) {
            (Ok(false), Err(CallGuardError::Cancelled { .. })) => {}
            (Err(thrown), Err(error)) => assert_eq!(error, thrown),
            _ => panic!("{answer:?} gave {result:?}"),
        }
        assert!(guard.stats().expect("stats").feeds.is_empty(), "{answer:?}");
        assert_eq!(*progress.installed_when_done.lock().expect("lock"), [false]);
    }
    let progress = Arc::new(Decide {
        answer: Ok(true),
        db: path.clone(),
        installed_when_done: Mutex::new(Vec::new()),
    });
    let summary = guard
        .import_feed(feed, ImportOptions::default(), Some(progress.clone()))
        .expect("import");
    assert_eq!(summary.imported, 100);
    // Its last call came before the commit: the feed was not in yet.
    assert_eq!(*progress.installed_when_done.lock().expect("lock"), [false]);
    assert_eq!(guard.stats().expect("stats").feeds.len(), 1);
}

fn locked_reason<T: std::fmt::Debug>(result: Result<T, CallGuardError>) -> String {
    match result {
        Err(CallGuardError::Locked { reason }) => reason,
        other => panic!("expected Locked, got {other:?}"),
    }
}

/// One PIN guess cost about 22 ms and nothing else: 10,000 four-digit PINs took minutes. With a
/// database, wrong PINs are counted there (by every object and process on the file), and after
/// three each attempt must wait, the right PIN included.
#[test]
fn wrong_pins_are_counted_and_slowed_down() {
    let dir = WorkDir::new();
    let path = dir.db();
    let guard = CallGuard::new(
        Some(path.display().to_string()),
        "JP".into(),
        "elderly".into(),
    )
    .expect("guard");
    match guard.lock_policy("1234".into(), None) {
        Err(CallGuardError::InvalidInput { reason }) => assert!(reason.contains("PIN"), "{reason}"),
        other => panic!("a weak PIN must be refused: {other:?}"),
    }
    guard.lock_policy("2468".into(), None).expect("lock");
    for _ in 0..3 {
        let reason = locked_reason(guard.set_policy("minimal".into(), Some("0000".into())));
        assert!(reason.contains("does not unlock"), "{reason}");
    }
    let reason = locked_reason(guard.set_policy("minimal".into(), Some("2468".into())));
    assert!(reason.contains("too many wrong PINs"), "{reason}");
    assert!(!guard.policy_change_allowed(Some("2468".into())));
    assert_eq!(guard.policy_name(), "elderly");
    // Another object on the same database (another process) sees the same count.
    let json = guard.policy_json();
    let other = CallGuard::new(Some(path.display().to_string()), "JP".into(), json).expect("other");
    let reason = locked_reason(other.set_policy("minimal".into(), Some("2468".into())));
    assert!(reason.contains("too many wrong PINs"), "{reason}");
}

/// `CallGuard` on another application's SQLite file: the database is unavailable (screening
/// fails open), `recover` refuses, and the file is never converted, extended or moved.
#[test]
fn another_applications_database_is_left_alone() {
    let dir = WorkDir::new();
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
    assert_eq!(file_names(&dir), ["notes.db"]);
}
