//! Database faults through screening, and recovery: for each way the on-device database can
//! fail (missing, truncated, random bytes, not SQLite, locked, read-only, full, from a newer
//! callguard, a damaged table), screening still answers at once — emergency numbers ring as
//! usual, and a call only the store could decide rings with `screening_unavailable` — changes
//! fail with an error naming the file and change nothing, and `Store::recover` gives back what
//! it can of the user's data.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use callguard_core::store::{
    ImportOptions, ListKind, RecoveryReport, ReportCategory, Store, StoreError, StoreOptions,
};
use callguard_core::{Assessment, IncomingCall, NumberKind, ReasonCode, Region, Screener, Verdict};
use callguard_testkit::faults::{
    self, moved_aside, settle, size_cap, snapshot, without, Unwritable,
};
use callguard_testkit::feeds::{publisher_key, scam_feed, sign};
use callguard_testkit::workdir::WorkDir;

/// On the user's block list in the fixture.
const BLOCKED: &str = "+815012345678";
/// On the user's allow list.
const ALLOWED: &str = "+81312345678";
/// Reported by the user as a scam.
const REPORTED: &str = "+815098765432";
/// Rows of the fixture's feed: enough that the feed's pages fill most of the file.
const FEED_ROWS: u64 = 20_000;
/// What "at once" means for a screening call here (debug build, busy machine): far below the
/// seconds a lock wait would take.
const PROMPT: Duration = Duration::from_millis(1500);

fn call(number: &str) -> IncomingCall {
    IncomingCall {
        number: Some(number.to_owned()),
        ..IncomingCall::default()
    }
}

fn codes(a: &Assessment) -> Vec<ReasonCode> {
    a.reasons.iter().map(|r| r.code).collect()
}

/// Screens `number`, checking it answered at once.
fn screen(screener: &Screener, number: &str) -> Assessment {
    let start = Instant::now();
    let a = screener.screen(&call(number));
    let took = start.elapsed();
    assert!(took < PROMPT, "screening {number} took {took:?}");
    a
}

/// Emergency numbers ring as usual, and calls the store would decide ring with
/// `screening_unavailable` and a message that contains `why`.
fn assert_fails_open(screener: &Screener, why: &str) {
    for number in ["110", "119", "112"] {
        let a = screen(screener, number);
        assert_eq!(a.verdict, Verdict::Allow, "{number}");
        assert_eq!(a.number.kind, NumberKind::Emergency, "{number}");
        assert_eq!(codes(&a), [ReasonCode::EmergencyNumber], "{number}");
    }
    // A contact rings whatever the store holds, and says why.
    let contact = screener.screen(&IncomingCall {
        is_contact: true,
        ..call(BLOCKED)
    });
    assert_eq!(contact.verdict, Verdict::Allow);
    assert_eq!(codes(&contact)[0], ReasonCode::Contact, "{contact:?}");
    for number in [BLOCKED, ALLOWED, "+1 202-555-0143"] {
        let a = screen(screener, number);
        assert_eq!(a.verdict, Verdict::Allow, "{number}: {a:?}");
        assert_eq!(
            codes(&a),
            [ReasonCode::ScreeningUnavailable],
            "{number}: {a:?}"
        );
        for &lang in callguard_core::Lang::all() {
            let message = a.message(&a.reasons[0], lang);
            assert!(message.contains(why), "{number}: {message:?}");
        }
    }
}

/// The store answers normally: the block list blocks, emergency numbers ring.
fn assert_screens_normally(screener: &Screener) {
    let a = screen(screener, BLOCKED);
    assert_eq!(a.verdict, Verdict::Block, "{a:?}");
    assert_eq!(codes(&a), [ReasonCode::BlockList]);
    let a = screen(screener, "110");
    assert_eq!(a.verdict, Verdict::Allow);
}

fn screener_for(store: Result<Store, StoreError>) -> Screener {
    let screener = Screener::new(Region::JP);
    match store {
        Ok(store) => screener.with_store(store.into()),
        Err(error) => screener.with_unavailable_store(error),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("file name")
        .to_owned()
}

/// A feed file of `rows` scam reports named `name`, with `FILE.sig` signed by the key the
/// fixture trusts.
fn feed(dir: &Path, name: &str, version: u64, rows: u64, first: u64) -> PathBuf {
    let path = scam_feed(dir, name, version, rows, first);
    sign(&publisher_key(), &path);
    path
}

/// A database with the user's data in every table recovery keeps: two list entries, a report
/// with a note, a trusted key, a logged call, and a feed of `FEED_ROWS` numbers. Closed, so
/// everything is in the one file.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("callguard.db");
    let store = Store::open(&path, Region::JP).expect("open");
    store
        .add_list_entry(
            ListKind::Block,
            BLOCKED,
            Some("偽の警察"),
            Some("said police"),
        )
        .expect("block");
    store
        .add_list_entry(ListKind::Allow, ALLOWED, Some("doctor"), None)
        .expect("allow");
    store
        .report(REPORTED, ReportCategory::Scam, Some("総務省を名乗る"))
        .expect("report");
    let feed = feed(dir, "police", 3, FEED_ROWS, 0);
    store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    // After the import: with a trusted key every import must be signed.
    store
        .add_trusted_key("publisher", &publisher_key().verifying_key())
        .expect("key");
    let a = Screener::new(Region::JP)
        .with_store(Store::open(&path, Region::JP).expect("open").into())
        .screen(&call(BLOCKED));
    store
        .log_call(a.number.e164, 1_700_000_000, "block", &["block_list"])
        .expect("log");
    store.checkpoint().expect("checkpoint");
    drop(store);
    settle(&path);
    path
}

fn table<'a>(report: &'a RecoveryReport, name: &str) -> &'a callguard_core::store::TableRecovery {
    report
        .tables
        .iter()
        .find(|t| t.table == name)
        .unwrap_or_else(|| panic!("no table {name} in {report:#?}"))
}

/// Checks a recovery that replaced a damaged file: the damaged bytes were moved aside
/// unchanged, and the fresh database at `path` screens with what was kept.
fn assert_moved_aside(report: &RecoveryReport, path: &Path, damaged: &[u8]) {
    assert!(!report.healthy(), "{report:#?}");
    assert_eq!(report.path, path);
    let moved = report.moved_to.as_ref().expect("moved");
    assert_eq!(moved.parent(), path.parent());
    let moved_name = name_of(moved);
    assert!(
        moved_name.starts_with("callguard.db.damaged-"),
        "{moved_name}"
    );
    assert_eq!(std::fs::read(moved).expect("read moved"), damaged);
    // The fresh file is healthy: a second recovery changes nothing.
    let (_, again) = Store::recover(path, StoreOptions::default()).expect("recover again");
    assert!(again.healthy(), "{again:#?}");
    assert!(again.moved_to.is_none());
}

fn user_entries(store: &Store) -> Vec<String> {
    store
        .list_entries()
        .expect("entries")
        .iter()
        .map(|e| format!("{} {} {:?}", e.list, e.pattern, e.label))
        .collect()
}

// --- missing ----------------------------------------------------------------------------

#[test]
fn a_missing_file_fails_open_and_is_named() {
    let dir = WorkDir::new();
    let path = dir.db();
    // A screening-only process (read-only) finds no file.
    let read_only = StoreOptions {
        read_only: true,
        ..StoreOptions::default()
    };
    let screener = Screener::new(Region::JP).with_store_at(&path, read_only.clone());
    let error = screener.store_error().expect("unavailable").to_string();
    assert!(error.contains("callguard.db"), "{error}");
    assert_fails_open(&screener, "callguard.db");
    let a = screener.screen(&call(BLOCKED));
    let err = screener
        .record(&a, 1_700_000_000)
        .expect_err("no store to record in");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    assert!(err.to_string().contains("callguard.db"), "{err}");

    // A folder that does not exist cannot hold a new database either.
    let nested = dir.path().join("gone").join("callguard.db");
    let err = Store::open(&nested, Region::JP).expect_err("no folder");
    assert!(err.to_string().contains("gone/callguard.db"), "{err}");
    assert_fails_open(&screener_for(Err(err)), "callguard.db");

    // Recovery in a missing folder fails, naming the file; where the file alone is missing,
    // it makes a new, empty database, and screening works.
    let err = Store::recover(&nested, StoreOptions::default()).expect_err("no folder");
    assert!(err.to_string().contains("gone/callguard.db"), "{err}");
    let (store, report) = Store::recover(&path, StoreOptions::default()).expect("recover");
    assert!(report.created && !report.healthy(), "{report:#?}");
    assert!(report.moved_to.is_none() && report.tables.is_empty());
    assert!(store.list_entries().expect("entries").is_empty());
    let screener = Screener::new(Region::JP).with_store(store.into());
    let a = screen(&screener, "+1 202-555-0143");
    assert_eq!(a.verdict, Verdict::Warn, "{a:?}");
}

#[test]
fn a_file_deleted_under_a_running_store_is_noticed_by_check() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let store = std::sync::Arc::new(Store::open(&path, Region::JP).expect("open"));
    let screener = Screener::new(Region::JP).with_store(store.clone());
    assert_screens_normally(&screener);
    std::fs::remove_file(&path).expect("delete");
    // SQLite keeps reading the open file: screening goes on with what it held.
    assert_screens_normally(&screener);
    let err = store.check().expect_err("deleted");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    assert!(err.to_string().contains("deleted or replaced"), "{err}");
    // A change would be written into the deleted file and lost: it is refused instead.
    let err = store
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect_err("refused");
    assert!(err.to_string().contains("deleted or replaced"), "{err}");
    assert!(
        !path.exists(),
        "nothing recreated the file behind the store's back"
    );
}

#[test]
fn a_file_replaced_under_a_running_store_refuses_changes() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let store = Store::open(&path, Region::JP).expect("open");
    let before = store.list_entries().expect("entries").len();
    // Another file moved into place (a restore, or a recovery run by another process).
    let other = dir.path().join("other.db");
    drop(Store::open(&other, Region::JP).expect("other"));
    std::fs::rename(&other, &path).expect("replace");
    let err = store
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect_err("refused");
    assert!(err.to_string().contains("deleted or replaced"), "{err}");
    // Opened again, the store works on the file now in place.
    let reopened = Store::open(&path, Region::JP).expect("reopen");
    reopened
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect("add");
    assert_eq!(reopened.list_entries().expect("entries").len(), 1);
    assert!(before > 0);
}

// --- truncated, random, not SQLite --------------------------------------------------------

/// Replaces the fixture's file with `bytes(original)` and checks the whole story: screening
/// fails open, opening fails naming the file and changes nothing, recovery moves the damaged
/// bytes aside and returns a working store. Returns the recovery's report and the store.
fn damaged_file_story(
    dir: &Path,
    bytes: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> (RecoveryReport, Store) {
    let path = fixture(dir);
    let damaged = bytes(std::fs::read(&path).expect("read"));
    std::fs::write(&path, &damaged).expect("write");

    let err = Store::open(&path, Region::JP).expect_err("damaged");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    let screener = screener_for(Err(err));
    assert_fails_open(&screener, "callguard.db");
    // Trying to open it again (as every change would) leaves the bytes as they were.
    for _ in 0..2 {
        Store::open(&path, Region::JP).expect_err("still damaged");
    }
    assert_eq!(std::fs::read(&path).expect("read"), damaged);

    let (store, report) = Store::recover(&path, StoreOptions::default()).expect("recover");
    assert!(
        report
            .damage
            .as_deref()
            .is_some_and(|d| d.contains("callguard.db")),
        "{report:#?}"
    );
    assert_moved_aside(&report, &path, &damaged);
    (report, store)
}

#[test]
fn a_file_truncated_to_half_keeps_the_user_data_that_survived() {
    let dir = WorkDir::new();
    let (report, store) = damaged_file_story(dir.path(), |mut bytes| {
        bytes.truncate(bytes.len() / 2);
        bytes
    });
    // The user's tables were written first, so their pages are in the half that is left;
    // the feed's rows ran past the cut.
    assert_eq!(table(&report, "list_entries").kept, 2, "{report:#?}");
    assert_eq!(table(&report, "user_reports").kept, 1, "{report:#?}");
    let reports = table(&report, "reports");
    assert_eq!(reports.kept, 1, "{report:#?}");
    assert!(
        reports.error.is_some(),
        "the feed's rows were cut: {report:#?}"
    );
    assert_eq!(report.feeds_to_import.len(), 1, "{report:#?}");
    assert_eq!(report.feeds_to_import[0].name, "police");
    assert_eq!(report.feeds_to_import[0].version, 3);

    assert_eq!(
        user_entries(&store),
        [
            "block +815012345678 Some(\"偽の警察\")",
            "allow +81312345678 Some(\"doctor\")"
        ]
    );
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);
    let a = screen(&screener, REPORTED);
    assert!(codes(&a).contains(&ReasonCode::Reported), "{a:?}");
    // The feed's numbers are gone until it is imported again.
    let fed = screen(&screener, "+819000000007");
    assert!(!codes(&fed).contains(&ReasonCode::Reported), "{fed:?}");
}

#[test]
fn a_file_truncated_to_100_bytes_is_replaced_by_an_empty_database() {
    let dir = WorkDir::new();
    let (report, store) = damaged_file_story(dir.path(), |mut bytes| {
        bytes.truncate(100);
        bytes
    });
    for t in &report.tables {
        assert_eq!(t.kept, 0, "{report:#?}");
        assert!(t.error.is_some(), "{report:#?}");
    }
    assert!(report.feeds_error.is_some(), "{report:#?}");
    assert!(store.list_entries().expect("entries").is_empty());
    let screener = Screener::new(Region::JP).with_store(store.into());
    let a = screen(&screener, BLOCKED);
    assert!(
        !codes(&a).contains(&ReasonCode::ScreeningUnavailable),
        "{a:?}"
    );
}

#[test]
fn random_bytes_and_a_text_file_are_moved_aside() {
    let dir = WorkDir::new();
    let (report, store) = damaged_file_story(dir.path(), |bytes| {
        // A fixed xorshift: random-looking and the same every run.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..bytes.len())
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    });
    assert!(report.tables.iter().all(|t| t.kept == 0), "{report:#?}");
    assert!(store.list_entries().expect("entries").is_empty());

    let dir = WorkDir::new();
    let (report, _) = damaged_file_story(dir.path(), |_| {
        "{\"this\": \"is a JSON file, not SQLite\"}\n"
            .repeat(200)
            .into_bytes()
    });
    assert!(report.tables.iter().all(|t| t.kept == 0), "{report:#?}");
}

// --- a schema from the future ---------------------------------------------------------

#[test]
fn a_schema_from_a_newer_callguard_fails_open_and_is_never_recovered() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    faults::from_a_newer_callguard(&path);
    let before = snapshot(&path);

    let err = Store::open(&path, Region::JP).expect_err("too new");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("callguard.db"), "{err}");
    assert_fails_open(&screener_for(Err(err)), "newer");

    // Recovery would throw away what the newer callguard wrote: it refuses, changing nothing.
    let err = Store::recover(&path, StoreOptions::default()).expect_err("too new");
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err}");
    assert!(moved_aside(dir.path()).is_empty());
    assert_eq!(snapshot(&path), before);
}

// --- a damaged table ------------------------------------------------------------------

#[test]
fn a_table_dropped_under_a_running_store() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let store = std::sync::Arc::new(Store::open(&path, Region::JP).expect("open"));
    let screener = Screener::new(Region::JP).with_store(store.clone());
    assert_screens_normally(&screener);

    // Another connection damages the schema (and tells readers the reports changed, as any
    // writer of reports does), and stays open, its -wal and -shm with it. Until then the
    // store answers from the view it loaded: it never reads what did not change.
    let other = rusqlite::Connection::open(&path).expect("other");
    other
        .execute_batch(
            "DROP TABLE reports; UPDATE meta SET value = value + 1 WHERE key = 'reports_gen';",
        )
        .expect("drop");
    std::thread::sleep(Duration::from_millis(150)); // the store's refresh interval

    assert_fails_open(&screener, "no such table: reports");
    let err = store
        .report("+815011112222", ReportCategory::Scam, None)
        .expect_err("no reports table");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    assert!(err.to_string().contains("recording a report"), "{err}");
    let feed = feed(dir.path(), "police", 4, 10, 0);
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("no reports table");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    let err = store.check().expect_err("damaged");
    assert!(
        err.to_string().contains("table reports is missing"),
        "{err}"
    );
    let before = without(snapshot(&path), &["reports"]);
    drop(screener);
    drop(store);

    let (store, report) = Store::recover(&path, StoreOptions::default()).expect("recover");
    assert!(
        report
            .damage
            .as_deref()
            .is_some_and(|d| d.contains("table reports is missing")),
        "{report:#?}"
    );
    assert_eq!(table(&report, "list_entries").kept, 2);
    assert_eq!(table(&report, "user_reports").kept, 1);
    assert_eq!(table(&report, "trusted_keys").kept, 1);
    assert_eq!(table(&report, "call_log").kept, 1);
    // The user's row of `reports` is rebuilt from the report itself.
    let reports = table(&report, "reports");
    assert_eq!(reports.kept, 1, "{report:#?}");
    assert!(reports
        .error
        .as_deref()
        .is_some_and(|e| e.contains("no such table")));
    assert_eq!(report.feeds_to_import.len(), 1);
    let moved = report.moved_to.clone().expect("moved");
    // The damaged set moved together: SQLite opens it with its log.
    assert!(PathBuf::from(format!("{}-wal", moved.display())).exists());

    // Every line of the user's data is there again (the feed excepted: import it again).
    let after = without(snapshot(&path), &["reports", "feed"]);
    assert_eq!(after, without(before, &["feed"]));
    let screener = Screener::new(Region::JP).with_store(std::sync::Arc::new(store));
    assert_screens_normally(&screener);
    let a = screen(&screener, REPORTED);
    assert!(codes(&a).contains(&ReasonCode::Reported), "{a:?}");
    let store = screener.store().expect("store");
    assert_eq!(store.trusted_keys().expect("keys").len(), 1);
    // The trusted key was kept: an unsigned feed is refused, a signed one goes in.
    std::fs::remove_file(format!("{}.sig", feed.display())).expect("unsign");
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("unsigned");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    let police = self::feed(dir.path(), "police", 5, 10, 0);
    let summary = store
        .import_file(&police, &ImportOptions::default(), None)
        .expect("signed");
    assert!(summary.signed);

    // The connection that still has the damaged file open closes without touching the new
    // database (SQLite sees the file moved and neither checkpoints nor deletes its log).
    drop(other);
    assert!(PathBuf::from(format!("{}-wal", moved.display())).exists());
    assert_screens_normally(&screener);
    assert_eq!(user_entries(store).len(), 2);
    // What went into the new database's log since (the signed import) is still there.
    drop(screener);
    let reopened = Store::open(&path, Region::JP).expect("reopen");
    let feeds: Vec<(String, u64)> = reopened
        .feeds()
        .expect("feeds")
        .into_iter()
        .map(|f| (f.name, f.version))
        .collect();
    assert_eq!(feeds, [("police".to_owned(), 5)]);
    assert_eq!(user_entries(&reopened).len(), 2);
    let moved_conn = rusqlite::Connection::open(&moved).expect("open moved");
    let tables: i64 = moved_conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'reports'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(tables, 0, "the moved file is the damaged one");
}

// --- a healthy file ---------------------------------------------------------------------

#[test]
fn recovering_a_healthy_file_changes_nothing() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let before = snapshot(&path);
    let bytes = std::fs::read(&path).expect("read");
    let (store, report) = Store::recover(&path, StoreOptions::default()).expect("recover");
    assert!(report.healthy(), "{report:#?}");
    assert!(report.moved_to.is_none() && report.tables.is_empty());
    assert!(moved_aside(dir.path()).is_empty());
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);
    drop(screener);
    assert_eq!(snapshot(&path), before);
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

// --- locks ------------------------------------------------------------------------------

/// Checks that a list change and an import fail as busy, naming the file and what was being
/// done, while another connection holds the write lock.
fn assert_writes_are_busy(store: &Store, dir: &Path) {
    let err = store
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect_err("locked");
    assert!(matches!(err, StoreError::Busy { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("callguard.db") && text.contains("adding a list entry"),
        "{text}"
    );
    let feed = feed(dir, "refused", 1, 10, 300_000);
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("locked");
    assert!(matches!(err, StoreError::Busy { .. }), "{err}");
    assert!(err.to_string().contains("callguard.db"), "{err}");
}

#[test]
fn another_connection_holding_begin_exclusive() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let before = snapshot(&path);
    let store = Store::open(&path, Region::JP).expect("open");
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);

    let other = rusqlite::Connection::open(&path).expect("other");
    other
        .execute_batch(
            "BEGIN EXCLUSIVE;
             INSERT INTO list_entries (list, kind, lo, hi, digits, pattern, added_at)
                 VALUES ('allow', 'exact', 815012345678, 815012345678, 12, '+815012345678', 0);
             UPDATE meta SET value = value + 1 WHERE key = 'lists_gen';",
        )
        .expect("lock");
    std::thread::sleep(Duration::from_millis(150));
    // Readers never wait for a writer in WAL mode: screening answers from the last commit.
    assert_screens_normally(&screener);
    let store = screener.store().expect("store");
    assert_writes_are_busy(store, dir.path());
    assert_screens_normally(&screener);

    // Opening a current database takes no write lock: a screener opened now works at once
    // (its writes would wait for the lock like any other).
    let start = Instant::now();
    let opened = Screener::new(Region::JP).with_store_at(&path, StoreOptions::default());
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(opened.store_error().is_none(), "{:?}", opened.store_error());
    assert_screens_normally(&opened);
    drop(opened);
    // Recovery finds a healthy file under the lock and moves nothing.
    let (recovered, report) = Store::recover(&path, StoreOptions::default()).expect("healthy");
    assert!(report.healthy(), "{report:?}");
    drop(recovered);
    assert!(moved_aside(dir.path()).is_empty());

    other.execute_batch("ROLLBACK").expect("rollback");
    drop(other);
    drop(screener);
    assert_eq!(snapshot(&path), before);
}

#[test]
fn another_import_mid_transaction() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let store = Store::open(&path, Region::JP).expect("open");
    let screener = Screener::new(Region::JP).with_store(store.into());

    // Another process's import, paused inside its transaction (in its progress callback).
    let (paused_tx, paused) = mpsc::channel::<()>();
    let (resume, resume_rx) = mpsc::channel::<()>();
    let feed = feed(dir.path(), "carrier", 1, 200_000, 100_000);
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let other = Store::open(&writer_path, Region::JP).expect("other");
        let mut first = true;
        let mut tick = |_: u64, _: u64| {
            if first {
                first = false;
                paused_tx.send(()).expect("paused");
                resume_rx.recv().expect("resume");
            }
        };
        other.import_file(&feed, &ImportOptions::default(), Some(&mut tick))
    });
    paused
        .recv_timeout(Duration::from_secs(60))
        .expect("import started");

    std::thread::sleep(Duration::from_millis(150));
    assert_screens_normally(&screener);
    let store = screener.store().expect("store");
    assert_writes_are_busy(store, dir.path());
    assert_screens_normally(&screener);

    resume.send(()).expect("resume");
    let summary = writer.join().expect("join").expect("their import");
    assert_eq!(summary.imported, 200_000);
    // Their import went in whole; our changes, refused, are nowhere.
    let reopened = Store::open(&path, Region::JP).expect("reopen");
    assert_eq!(user_entries(&reopened).len(), 2);
    let feeds: Vec<String> = reopened
        .feeds()
        .expect("feeds")
        .into_iter()
        .map(|f| format!("{} {} {}", f.name, f.version, f.numbers))
        .collect();
    assert_eq!(feeds, ["carrier 1 200000", "police 3 20000"]);
}

#[test]
fn a_reader_never_waits_seconds_for_an_exclusive_lock() {
    // A file left in rollback-journal mode (by another tool) and a screening-only store: there
    // a writer's exclusive lock does block readers, and the look-up must give up at once.
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let other = faults::rollback_journal(&path);
    let store = Store::open_with(
        &path,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
    .expect("open read-only");
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);

    faults::hold_exclusive_lock(&other);
    std::thread::sleep(Duration::from_millis(150));
    // Before, each of these waited the 5 s busy timeout.
    assert_fails_open(&screener, "busy");

    other.execute_batch("ROLLBACK").expect("rollback");
    // The next look-up asks again, whatever the interval.
    assert_screens_normally(&screener);
}

// --- read-only --------------------------------------------------------------------------

#[test]
fn a_read_only_file_or_folder_fails_open_and_changes_nothing() {
    let dir = WorkDir::new();
    let folder = dir.folder("data");
    let path = fixture(&folder);
    let before = snapshot(&path);

    // A running store whose file and log become unwritable: changes fail, naming the file.
    // (Not the -shm: SQLite maps it, and a mapping made unwritable under it faults.)
    let store = Store::open(&path, Region::JP).expect("open");
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);
    let files: Vec<PathBuf> = ["", "-wal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect();
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let Some(guard) = Unwritable::make(&files) else {
        eprintln!("skipped: files cannot be made unwritable here");
        return;
    };
    let store = screener.store().expect("store");
    let err = store
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect_err("read-only");
    let text = err.to_string();
    assert!(text.contains("callguard.db"), "{text}");
    assert!(
        matches!(err, StoreError::ReadOnly { .. }) || text.contains("adding a list entry"),
        "{text}"
    );
    assert_screens_normally(&screener);
    drop(screener);
    drop(guard);
    // Without its -wal and -shm: a read-only folder could not hold new ones (with them
    // there, SQLite needs no new file and works).
    settle(&path);

    // A read-only file (in a writable folder) opens read-only: screening works as usual,
    // changes fail, naming the file, and recovery finds nothing to repair.
    let guard = Unwritable::make(&[&path]).expect("unwritable");
    let screener = Screener::new(Region::JP).with_store_at(&path, StoreOptions::default());
    assert_screens_normally(&screener);
    let store = screener.store().expect("opened read-only");
    let err = store
        .add_list_entry(ListKind::Block, "+815099990000", None, None)
        .expect_err("read-only");
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    let feed = feed(dir.path(), "carrier", 1, 10, 0);
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("read-only");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    let (_, report) = Store::recover(&path, StoreOptions::default()).expect("healthy");
    assert!(report.healthy(), "{report:#?}");
    drop(screener);
    drop(guard);
    settle(&path);
    assert_eq!(snapshot(&path), before);

    // In a read-only folder SQLite cannot make the -wal and -shm it needs: the store cannot
    // open, the screener fails open, and recovery (it is no damage) moves nothing.
    let guard = Unwritable::make(&[&folder]).expect("unwritable");
    let screener = Screener::new(Region::JP).with_store_at(&path, StoreOptions::default());
    let err = screener.store_error().expect("cannot open").to_string();
    assert!(err.contains("callguard.db"), "{err}");
    assert_fails_open(&screener, "callguard.db");
    let err = Store::recover(&path, StoreOptions::default()).expect_err("read-only folder");
    assert!(err.to_string().contains("callguard.db"), "{err}");
    drop(guard);
    assert!(moved_aside(&folder).is_empty());
    assert_eq!(snapshot(&path), before);
}

// --- full disk --------------------------------------------------------------------------

#[test]
fn a_full_disk_fails_imports_and_changes_nothing() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let before = snapshot(&path);
    let pages: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("pages");
    size_cap::set(&path, pages + 2);
    let store = Store::open(&path, Region::JP).expect("open");
    let screener = Screener::new(Region::JP).with_store(store.into());
    assert_screens_normally(&screener);
    let store = screener.store().expect("store");

    let feed = feed(dir.path(), "carrier", 1, 50_000, 100_000);
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("full");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("callguard.db") && text.contains("the disk is full while"),
        "{text}"
    );
    // Screening goes on as before, and nothing of the import is there.
    assert_screens_normally(&screener);
    assert_eq!(store.feeds().expect("feeds").len(), 1);
    drop(screener);
    size_cap::clear();
    assert_eq!(snapshot(&path), before);
}

#[test]
fn recovery_on_a_full_disk_fails_and_moves_nothing() {
    let dir = WorkDir::new();
    let path = fixture(dir.path());
    let fresh = PathBuf::from(format!("{}.recovering", path.display()));
    // The file is damaged (its `reports` dropped) and the fresh one has no room.
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch("DROP TABLE reports")
        .expect("drop");
    std::fs::write(&fresh, b"").expect("touch");
    size_cap::set(&fresh, 3);
    let bytes = std::fs::read(&path).expect("read");
    let err = Store::recover(&path, StoreOptions::default()).expect_err("full");
    size_cap::clear();
    assert!(err.to_string().contains("callguard.db"), "{err}");
    assert!(moved_aside(dir.path()).is_empty());
    assert!(!fresh.exists(), "the unfinished fresh file is removed");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}
