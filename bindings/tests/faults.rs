//! Database faults across the FFI: a `CallGuard` whose database is damaged, from a newer
//! callguard, locked, read-only, full or gone still screens (failing open, emergency numbers
//! as always), says why (`store_status`), refuses what needs the database with a reason that
//! names the file and what was being done, changes nothing, and `recover` gives it back.
//!
//! Raw SQLite work (dropping a table, holding a lock from another process) is done by Python's
//! `sqlite3` module in a child process: a real other process, with its own SQLite.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use callguard_ffi::Lang;
use callguard_ffi::{
    Assessment, CallGuard, CallGuardError, ImportOptions, ImportProgress, IncomingCall, ListKind,
    NumberKind, ReportCategory, StoreState, Verdict,
};
use callguard_testkit::faults::{
    moved_aside, settle, sql_from_another_process, LockHolder, SmallDisk, Unwritable,
};
use callguard_testkit::feeds::scam_feed;
use callguard_testkit::workdir::WorkDir;

const BLOCKED: &str = "+815012345678";
const ALLOWED: &str = "+81312345678";
const REPORTED: &str = "+815098765432";
const PROMPT: Duration = Duration::from_millis(1500);

fn callguard_at(path: &Path) -> Arc<CallGuard> {
    CallGuard::new(
        Some(path.display().to_string()),
        "JP".into(),
        "balanced".into(),
    )
    .expect("a database never stops the constructor")
}

fn codes(a: &Assessment) -> Vec<String> {
    a.reasons.iter().map(|r| r.code.clone()).collect()
}

fn screen(guard: &CallGuard, number: &str) -> Assessment {
    let start = Instant::now();
    let a = guard.screen(
        IncomingCall {
            number: Some(number.into()),
            ..IncomingCall::default()
        },
        Lang::EN,
    );
    assert!(
        start.elapsed() < PROMPT,
        "screening {number} took {:?}",
        start.elapsed()
    );
    a
}

/// Emergency numbers ring as usual; calls the database would decide ring with
/// `screening_unavailable`, the message containing `why`.
fn assert_fails_open(guard: &CallGuard, why: &str) {
    for number in ["110", "119", "112"] {
        let a = screen(guard, number);
        assert_eq!(a.verdict, Verdict::Allow, "{number}");
        assert_eq!(a.number.kind, NumberKind::Emergency, "{number}");
        assert_eq!(codes(&a), ["emergency_number"], "{number}");
    }
    for number in [BLOCKED, ALLOWED, "+1 202-555-0143"] {
        let a = screen(guard, number);
        assert_eq!(a.verdict, Verdict::Allow, "{number}: {a:?}");
        assert_eq!(codes(&a), ["screening_unavailable"], "{number}: {a:?}");
        assert!(a.reasons[0].message.contains(why), "{a:?}");
    }
}

fn assert_screens_normally(guard: &CallGuard) {
    let a = screen(guard, BLOCKED);
    assert_eq!(a.verdict, Verdict::Block, "{a:?}");
    assert_eq!(codes(&a), ["block_list"]);
    assert_eq!(screen(guard, "110").verdict, Verdict::Allow);
}

/// A `Database` error whose reason contains every one of `words`.
fn assert_database_error<T: std::fmt::Debug>(result: Result<T, CallGuardError>, words: &[&str]) {
    match result {
        Err(CallGuardError::Database { reason }) => {
            for word in words {
                assert!(reason.contains(word), "{word:?} not in {reason:?}");
            }
        }
        other => panic!("expected a Database error with {words:?}, got {other:?}"),
    }
}

/// Every call that needs the database refuses, naming the file and what it was doing.
fn assert_changes_refused(guard: &CallGuard, dir: &Path, why: &str) {
    let file = "callguard.db";
    assert_database_error(
        guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &[file, "adding a list entry", why],
    );
    assert_database_error(
        guard.remove_list_entry(ListKind::Block, BLOCKED.into()),
        &[file, "removing a list entry", why],
    );
    assert_database_error(
        guard.report("+815011112222".into(), ReportCategory::Scam, None),
        &[file, "recording a report", why],
    );
    let feed = feed(dir, "carrier", 1, 10, 500_000);
    assert_database_error(
        guard.import_feed(feed.clone(), ImportOptions::default(), None),
        &[file, "importing", &feed, why],
    );
    assert_database_error(guard.list_entries(), &[file, "reading the lists", why]);
    assert_database_error(guard.stats(), &[file, why]);
    let a = screen(guard, BLOCKED);
    assert_database_error(guard.record(a), &[file, "logging a call", why]);
}

fn feed(dir: &Path, name: &str, version: u64, rows: u64, first: u64) -> String {
    scam_feed(dir, name, version, rows, first)
        .display()
        .to_string()
}

/// A closed database with both lists, a report and a feed of `feed_rows` numbers.
fn fixture(dir: &Path, feed_rows: u64) -> PathBuf {
    let path = dir.join("callguard.db");
    let guard = callguard_at(&path);
    guard
        .add_list_entry(
            ListKind::Block,
            BLOCKED.into(),
            Some("偽の警察".into()),
            None,
        )
        .expect("block");
    guard
        .add_list_entry(ListKind::Allow, ALLOWED.into(), None, None)
        .expect("allow");
    guard
        .report(REPORTED.into(), ReportCategory::Scam, Some("総務省".into()))
        .expect("report");
    if feed_rows > 0 {
        let feed = feed(dir, "police", 3, feed_rows, 0);
        guard
            .import_feed(feed, ImportOptions::default(), None)
            .expect("import");
    }
    drop(guard);
    settle(&path);
    path
}

fn entries(guard: &CallGuard) -> Vec<String> {
    guard
        .list_entries()
        .expect("entries")
        .into_iter()
        .map(|e| e.pattern)
        .collect()
}

/// A damaged file: the object works, fails open, refuses changes (the bytes stay as they
/// were), and `recover` moves the file aside and brings the database back.
fn damaged_story(damage: impl FnOnce(Vec<u8>) -> Vec<u8>) -> (WorkDir, Arc<CallGuard>) {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 20_000);
    let damaged = damage(std::fs::read(&path).expect("read"));
    std::fs::write(&path, &damaged).expect("write");

    let guard = callguard_at(&path);
    let status = guard.store_status();
    assert_eq!(status.state, StoreState::Unavailable, "{status:?}");
    assert_eq!(
        status.path.as_deref(),
        Some(path.display().to_string().as_str())
    );
    assert!(
        status
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("callguard.db")),
        "{status:?}"
    );
    assert_fails_open(&guard, "callguard.db");
    assert_changes_refused(&guard, dir.path(), "unavailable");
    assert_eq!(std::fs::read(&path).expect("read"), damaged);

    let report = guard.recover().expect("recover");
    assert!(!report.healthy && !report.created, "{report:?}");
    let moved = PathBuf::from(report.moved_to.clone().expect("moved"));
    assert_eq!(std::fs::read(&moved).expect("moved file"), damaged);
    assert_eq!(guard.store_status().state, StoreState::Ready);
    let a = screen(&guard, "+1 202-555-0143");
    assert_eq!(a.verdict, Verdict::Warn, "{a:?}");
    (dir, guard)
}

#[test]
fn random_bytes_a_text_file_and_a_stub_are_recovered_empty() {
    let damages: [fn(Vec<u8>) -> Vec<u8>; 3] = [
        |bytes| (0..bytes.len()).map(|i| (i * 7919 % 251) as u8).collect(),
        |_| b"PK\x03\x04 this is a zip file, not a database".repeat(50),
        |mut bytes| {
            bytes.truncate(100);
            bytes
        },
    ];
    for damage in damages {
        let (_dir, guard) = damaged_story(damage);
        assert!(entries(&guard).is_empty());
        let report = guard.recover().expect("healthy now");
        assert!(report.healthy && report.moved_to.is_none(), "{report:?}");
    }
}

#[test]
fn a_truncated_file_gives_back_the_lists_and_names_the_feed() {
    let (_dir, guard) = damaged_story(|mut bytes| {
        bytes.truncate(bytes.len() / 2);
        bytes
    });
    assert_eq!(entries(&guard), [BLOCKED, ALLOWED]);
    assert_screens_normally(&guard);
    let a = screen(&guard, REPORTED);
    assert!(codes(&a).contains(&"reported".to_owned()), "{a:?}");
    let stats = guard.stats().expect("stats");
    assert_eq!(stats.user_reports, 1);
    assert!(stats.feeds.is_empty());
}

#[test]
fn a_schema_from_a_newer_callguard_is_left_alone() {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 0);
    sql_from_another_process(&path, "PRAGMA user_version = 99;");
    let bytes = std::fs::read(&path).expect("read");
    let guard = callguard_at(&path);
    let status = guard.store_status();
    assert_eq!(status.state, StoreState::Unavailable);
    assert!(
        status
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("newer")),
        "{status:?}"
    );
    assert_fails_open(&guard, "newer");
    assert_changes_refused(&guard, dir.path(), "newer");
    assert_database_error(guard.recover(), &["recovering the database", "newer"]);
    assert_eq!(moved_aside(&dir).len(), 0);
    drop(guard);
    settle(&path);
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn a_table_dropped_under_the_object() {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 1_000);
    let guard = callguard_at(&path);
    assert_screens_normally(&guard);
    assert_eq!(guard.store_status().state, StoreState::Ready);
    // Another process drops the table and, as any writer of reports does, bumps its counter.
    sql_from_another_process(
        &path,
        "DROP TABLE reports; UPDATE meta SET value = value + 1 WHERE key = 'reports_gen';",
    );
    std::thread::sleep(Duration::from_millis(150));
    assert_fails_open(&guard, "no such table: reports");
    let status = guard.store_status();
    assert_eq!(status.state, StoreState::Unavailable);
    assert!(
        status
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("reports")),
        "{status:?}"
    );
    assert_database_error(
        guard.report("+815011112222".into(), ReportCategory::Scam, None),
        &[
            "callguard.db",
            "recording a report",
            "no such table: reports",
        ],
    );

    let report = guard.recover().expect("recover");
    assert!(
        report
            .damage
            .as_deref()
            .is_some_and(|d| d.contains("table reports is missing")),
        "{report:?}"
    );
    let kept: Vec<(String, i64)> = report
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.kept))
        .collect();
    assert_eq!(
        kept,
        [
            ("list_entries".to_owned(), 2),
            ("user_reports".to_owned(), 1),
            ("reports".to_owned(), 1),
            ("trusted_keys".to_owned(), 0),
            ("call_log".to_owned(), 0),
        ]
    );
    assert_eq!(report.feeds_to_import.len(), 1);
    assert_eq!(report.feeds_to_import[0].name, "police");
    assert_eq!(report.feeds_to_import[0].version, 3);
    assert_eq!(guard.store_status().state, StoreState::Ready);
    assert_screens_normally(&guard);
    let a = screen(&guard, REPORTED);
    assert!(codes(&a).contains(&"reported".to_owned()), "{a:?}");
    assert_eq!(entries(&guard), [BLOCKED, ALLOWED]);
}

#[test]
fn a_lock_held_by_another_process() {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 0);
    let guard = callguard_at(&path);
    assert_screens_normally(&guard);
    let holder = LockHolder::hold(&path);
    // Readers never wait for a writer: screening answers from the last commit, at once.
    assert_screens_normally(&guard);
    assert_database_error(
        guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &["callguard.db", "busy while adding a list entry"],
    );
    assert_screens_normally(&guard);

    // Made while the lock is held, an object opens at once (a current database needs no
    // write lock to open) and screens; its writes wait like any other, and `recover` finds
    // the file healthy and moves nothing.
    let late = guard_while_locked(&path);
    assert_eq!(late.store_status().state, StoreState::Ready);
    assert_screens_normally(&late);
    assert_database_error(
        late.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &["callguard.db", "busy while adding a list entry"],
    );
    let report = late.recover().expect("healthy");
    assert!(report.healthy && report.moved_to.is_none(), "{report:?}");
    assert_eq!(moved_aside(&dir).len(), 0);
    drop(holder);
    late.add_list_entry(ListKind::Block, "+815099990000".into(), None, None)
        .expect("the lock is gone");
    assert_eq!(late.store_status().state, StoreState::Ready);
    assert_screens_normally(&late);
    assert_eq!(entries(&late), [BLOCKED, ALLOWED, "+815099990000"]);
}

fn guard_while_locked(path: &Path) -> Arc<CallGuard> {
    let start = Instant::now();
    let guard = callguard_at(path);
    assert!(start.elapsed() < Duration::from_secs(10));
    guard
}

/// Pauses an import in its first progress call until told to go on.
struct Pause {
    paused: Mutex<Option<mpsc::Sender<()>>>,
    resume: Mutex<mpsc::Receiver<()>>,
}

impl ImportProgress for Pause {
    fn on_progress(&self, done: i64, total: i64) -> Result<bool, CallGuardError> {
        if done < total {
            if let Some(paused) = self.paused.lock().expect("lock").take() {
                paused.send(()).expect("paused");
                self.resume.lock().expect("lock").recv().expect("resume");
            }
        }
        Ok(true)
    }
}

#[test]
fn another_import_mid_transaction() {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 0);
    let guard = callguard_at(&path);
    let (paused_tx, paused) = mpsc::channel();
    let (resume, resume_rx) = mpsc::channel();
    let pause = Arc::new(Pause {
        paused: Mutex::new(Some(paused_tx)),
        resume: Mutex::new(resume_rx),
    });
    let feed = feed(dir.path(), "carrier", 1, 200_000, 100_000);
    let other_path = path.clone();
    let importer = std::thread::spawn(move || {
        let other = callguard_at(&other_path);
        other.import_feed(feed, ImportOptions::default(), Some(pause))
    });
    paused
        .recv_timeout(Duration::from_secs(60))
        .expect("import started");
    std::thread::sleep(Duration::from_millis(150));
    assert_screens_normally(&guard);
    assert_database_error(
        guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &["callguard.db", "busy while adding a list entry"],
    );
    assert_screens_normally(&guard);
    resume.send(()).expect("resume");
    let summary = importer.join().expect("join").expect("their import");
    assert_eq!(summary.imported, 200_000);
    assert_eq!(entries(&guard), [BLOCKED, ALLOWED]);
    let feeds = guard.stats().expect("stats").feeds;
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].numbers, 200_000);
}

#[test]
fn a_read_only_file_or_folder() {
    let dir = WorkDir::new();
    let folder = dir.folder("data");
    let path = fixture(&folder, 0);

    // A read-only file opens read-only: screening as usual, changes refused.
    let Some(file_lock) = Unwritable::make(&[&path]) else {
        eprintln!("skipped: files cannot be made unwritable here");
        return;
    };
    let guard = callguard_at(&path);
    assert_eq!(guard.store_status().state, StoreState::Ready);
    assert_screens_normally(&guard);
    assert_database_error(
        guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &["adding a list entry", "callguard.db", "read-only"],
    );
    drop(guard);
    drop(file_lock);
    settle(&path);

    // In a read-only folder it cannot open (SQLite needs its -wal and -shm there).
    let folder_lock = Unwritable::make(&[&folder]).expect("unwritable");
    let guard = callguard_at(&path);
    assert_eq!(guard.store_status().state, StoreState::Unavailable);
    assert_fails_open(&guard, "callguard.db");
    assert_changes_refused(&guard, dir.path(), "unavailable");
    assert_database_error(
        guard.recover(),
        &["recovering the database", "callguard.db"],
    );
    drop(folder_lock);
    assert_eq!(moved_aside(&folder).len(), 0);
    let report = guard.recover().expect("reopened");
    assert!(report.healthy, "{report:?}");
    assert_eq!(entries(&guard), [BLOCKED, ALLOWED]);
}

#[test]
fn a_full_disk() {
    let dir = WorkDir::new();
    let disk = dir.folder("disk");
    let Some(_mounted) = SmallDisk::mount(&disk, 1 << 20) else {
        eprintln!("skipped: cannot mount a small file system here");
        return;
    };
    let path = fixture(&disk, 0);
    let guard = callguard_at(&path);
    let feed = feed(dir.path(), "carrier", 1, 100_000, 100_000);
    let result = guard.import_feed(feed, ImportOptions::default(), None);
    assert_database_error(result, &["callguard.db", "the disk is full while"]);
    assert_screens_normally(&guard);
    assert_eq!(entries(&guard), [BLOCKED, ALLOWED]);
    assert!(guard.stats().expect("stats").feeds.is_empty());
}

#[test]
fn a_missing_file_or_folder() {
    let dir = WorkDir::new();
    // A folder that is not there: no database can be made in it.
    let nowhere = dir.path().join("gone").join("callguard.db");
    let lost = callguard_at(&nowhere);
    assert_eq!(lost.store_status().state, StoreState::Unavailable);
    assert_fails_open(&lost, "callguard.db");
    assert_changes_refused(&lost, dir.path(), "unavailable");
    assert_database_error(
        lost.recover(),
        &["recovering the database", "gone/callguard.db"],
    );

    // A file deleted under the object: screening goes on with what it held, changes are
    // refused (SQLite would write them into the deleted file), and `recover` starts afresh.
    let path = fixture(dir.path(), 0);
    let guard = callguard_at(&path);
    assert_screens_normally(&guard);
    std::fs::remove_file(&path).expect("delete");
    assert_screens_normally(&guard);
    let status = guard.store_status();
    assert_eq!(status.state, StoreState::Unavailable);
    assert!(
        status
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("deleted or replaced")),
        "{status:?}"
    );
    assert_database_error(
        guard.add_list_entry(ListKind::Block, "+815099990000".into(), None, None),
        &["adding a list entry", "callguard.db", "deleted or replaced"],
    );
    let report = guard.recover().expect("recover");
    assert!(report.created, "{report:?}");
    assert_eq!(guard.store_status().state, StoreState::Ready);
    assert!(entries(&guard).is_empty());
    guard
        .add_list_entry(ListKind::Block, BLOCKED.into(), None, None)
        .expect("add");
    assert_screens_normally(&guard);
}

#[test]
fn without_a_database_there_is_nothing_to_recover() {
    let guard = CallGuard::new(None, "JP".into(), "elderly".into()).expect("guard");
    assert_eq!(guard.store_status().state, StoreState::NoDatabase);
    assert_database_error(guard.recover(), &["no database"]);
    let a = screen(&guard, "+1 202-555-0143");
    assert_eq!(
        a.verdict,
        Verdict::Block,
        "elderly blocks calls from abroad"
    );
}

#[test]
fn a_policy_change_keeps_an_unavailable_database_unavailable() {
    let dir = WorkDir::new();
    let path = dir.db();
    std::fs::write(&path, b"not a database".repeat(100)).expect("write");
    let guard = callguard_at(&path);
    guard.set_policy("elderly".into(), None).expect("policy");
    assert_eq!(guard.policy_name(), "elderly");
    assert_fails_open(&guard, "callguard.db");
    guard.recover().expect("recover");
    assert_eq!(guard.policy_name(), "elderly", "recovery keeps the policy");
    let a = screen(&guard, "+1 202-555-0143");
    assert_eq!(a.verdict, Verdict::Block, "{a:?}");
}

/// Calls back into the object from inside its import, after a recovery started waiting.
struct Reenter {
    guard: Arc<CallGuard>,
    started: Mutex<Option<mpsc::Sender<()>>>,
    stats_seen: Mutex<Vec<i64>>,
}

impl ImportProgress for Reenter {
    fn on_progress(&self, done: i64, total: i64) -> Result<bool, CallGuardError> {
        if done < total {
            if let Some(started) = self.started.lock().expect("lock").take() {
                started.send(()).expect("started");
                std::thread::sleep(Duration::from_millis(300));
            }
            let stats = self.guard.stats()?;
            self.stats_seen
                .lock()
                .expect("lock")
                .push(stats.allow_entries);
        }
        Ok(true)
    }
}

#[test]
fn a_recovery_waits_for_an_import_whose_callback_calls_back() {
    let dir = WorkDir::new();
    let path = fixture(dir.path(), 0);
    let guard = callguard_at(&path);
    let (started_tx, started) = mpsc::channel();
    let progress = Arc::new(Reenter {
        guard: guard.clone(),
        started: Mutex::new(Some(started_tx)),
        stats_seen: Mutex::new(Vec::new()),
    });
    let feed = feed(dir.path(), "carrier", 1, 200_000, 100_000);
    let importer = {
        let (guard, progress) = (guard.clone(), progress.clone());
        std::thread::spawn(move || {
            guard.import_feed(feed, ImportOptions::default(), Some(progress))
        })
    };
    started
        .recv_timeout(Duration::from_secs(60))
        .expect("import started");
    // The recovery waits for the import (whose callback reads through the same object) and
    // then finds the database healthy: nothing deadlocks, nothing is lost.
    let report = guard.recover().expect("recover");
    assert!(report.healthy, "{report:?}");
    let summary = importer.join().expect("join").expect("import");
    assert_eq!(summary.imported, 200_000);
    assert!(!progress.stats_seen.lock().expect("lock").is_empty());
    let feeds = guard.stats().expect("stats").feeds;
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].numbers, 200_000);
}
