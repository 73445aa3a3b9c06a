//! The FFI surface called from Rust: error mapping, the cancellation hook, thread safety.
//! The foreign-language tests (bindings/tests/python, bindings/tests/kotlin) cover the same
//! edge through the generated bindings.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use callguard_core::store::{ImportOptions as CoreImportOptions, Store, StoreError};
use callguard_core::Region;
use callguard_ffi::Lang;
use callguard_ffi::{
    CallGuard, CallGuardError, ImportOptions, ImportProgress, IncomingCall, ListKind, Verdict,
};
use callguard_testkit::feeds::scam_csv;
use callguard_testkit::workdir::{write, WorkDir};

fn big_feed(dir: &std::path::Path, rows: u64) -> String {
    let numbers = (0..rows).map(|i| format!("+81901{:07}", i * 7));
    write(dir, "big.csv", scam_csv("big", None, numbers))
        .display()
        .to_string()
}

#[derive(Default)]
struct Counter {
    calls: AtomicUsize,
    cancel_after: Option<usize>,
}

impl ImportProgress for Counter {
    fn on_progress(&self, _done: i64, _total: i64) -> Result<bool, CallGuardError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(self.cancel_after.is_none_or(|limit| n < limit))
    }
}

#[test]
fn the_object_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CallGuard>();
}

#[test]
fn constructor_errors_carry_their_reason() {
    let err = CallGuard::new(None, "XX".into(), "balanced".into()).expect_err("region");
    assert!(matches!(&err, CallGuardError::InvalidInput { reason } if reason.contains("XX")));
    let err = CallGuard::new(None, "JP".into(), "nope".into()).expect_err("policy");
    assert!(matches!(&err, CallGuardError::InvalidInput { reason } if reason.contains("nope")));
    let guard = CallGuard::new(None, "JP".into(), String::new()).expect("default policy");
    assert_eq!(guard.policy_name(), "balanced");
    assert!(matches!(
        guard.list_entries(),
        Err(CallGuardError::Database { .. })
    ));
}

#[test]
fn screening_converts_the_assessment() {
    let guard = CallGuard::new(None, "JP".into(), "balanced".into()).expect("guard");
    let a = guard.screen(
        IncomingCall {
            number: Some("+1 202-555-0143".into()),
            ..IncomingCall::default()
        },
        Lang::EN,
    );
    assert_eq!(a.verdict, Verdict::Warn);
    assert_eq!(a.number.e164.as_deref(), Some("+12025550143"));
    assert!(a.reasons.iter().any(|r| r.code == "international"));
}

#[test]
fn a_cancel_flag_set_before_the_import_changes_nothing() {
    let dir = WorkDir::new();
    let feed = big_feed(dir.path(), 10_000);
    let store = Store::open(dir.path().join("db"), Region::JP).expect("open");
    let options = CoreImportOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..CoreImportOptions::default()
    };
    let err = store
        .import_file(std::path::Path::new(&feed), &options, None)
        .expect_err("cancelled");
    assert!(matches!(err, StoreError::Cancelled { .. }), "{err}");
    assert!(store.feeds().expect("feeds").is_empty());
}

#[test]
fn returning_false_from_the_callback_cancels_the_import() {
    let dir = WorkDir::new();
    let feed = big_feed(dir.path(), 150_000);
    let db = dir.path().join("db").display().to_string();
    let guard = CallGuard::new(Some(db), "JP".into(), "balanced".into()).expect("guard");
    let progress = Arc::new(Counter {
        cancel_after: Some(1),
        ..Counter::default()
    });
    let err = guard
        .import_feed(
            feed.clone(),
            ImportOptions::default(),
            Some(progress.clone()),
        )
        .expect_err("cancelled");
    assert!(matches!(err, CallGuardError::Cancelled { .. }), "{err}");
    assert_eq!(progress.calls.load(Ordering::SeqCst), 1);
    assert!(guard.stats().expect("stats").feeds.is_empty());

    let progress = Arc::new(Counter::default());
    let summary = guard
        .import_feed(feed, ImportOptions::default(), Some(progress.clone()))
        .expect("import");
    assert_eq!(summary.imported, 150_000);
    assert!(progress.calls.load(Ordering::SeqCst) >= 3);
}

#[test]
fn screening_goes_on_in_other_threads_during_an_import() {
    let dir = WorkDir::new();
    let feed = big_feed(dir.path(), 150_000);
    let db = dir.path().join("db").display().to_string();
    let guard = CallGuard::new(Some(db), "JP".into(), "balanced".into()).expect("guard");
    guard
        .add_list_entry(ListKind::Block, "050-1234-5678".into(), None, None)
        .expect("list");
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u32;
                    while !done.load(Ordering::SeqCst) || n < 100 {
                        let a = guard.screen(
                            IncomingCall {
                                number: Some("05012345678".into()),
                                ..IncomingCall::default()
                            },
                            Lang::EN,
                        );
                        assert_eq!(a.verdict, Verdict::Block);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let summary = guard.import_feed(feed, ImportOptions::default(), None);
        done.store(true, Ordering::SeqCst);
        for worker in workers {
            assert!(worker.join().expect("worker") >= 100);
        }
        assert_eq!(summary.expect("import").imported, 150_000);
    });
}
