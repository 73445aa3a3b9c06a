//! Screening with the store: precedence of lists, reports and contacts, repeat callers, and
//! failing open when the store cannot answer.

use std::sync::Arc;

use callguard_core::store::{ListKind, ReportCategory, Store};
use callguard_core::{IncomingCall, ReasonCode, Region, Screener, Verdict};
use callguard_testkit::workdir::WorkDir;

fn screener_with_store() -> (WorkDir, Arc<Store>, Screener) {
    let dir = WorkDir::new();
    let store = Arc::new(Store::open(dir.path().join("cg.db"), Region::JP).expect("store"));
    let screener = Screener::new(Region::JP).with_store(store.clone());
    (dir, store, screener)
}

fn codes(screener: &Screener, call: &IncomingCall) -> (Verdict, Vec<ReasonCode>) {
    let a = screener.screen(call);
    (a.verdict, a.reasons.iter().map(|r| r.code).collect())
}

#[test]
fn block_list_blocks_and_allow_list_wins_over_it() {
    let (_dir, store, screener) = screener_with_store();
    store
        .add_list_entry(ListKind::Block, "+8150*", Some("050 numbers"), None)
        .expect("block prefix");
    let call = IncomingCall::from_number("050-1234-5678");
    assert_eq!(
        codes(&screener, &call),
        (Verdict::Block, vec![ReasonCode::BlockList])
    );

    store
        .add_list_entry(ListKind::Allow, "050-1234-5678", Some("son"), None)
        .expect("allow exact");
    assert_eq!(
        codes(&screener, &call),
        (Verdict::Allow, vec![ReasonCode::AllowList])
    );
    // Other 050 numbers stay blocked.
    let other = IncomingCall::from_number("050-9999-0000");
    assert_eq!(codes(&screener, &other).0, Verdict::Block);
}

#[test]
fn contacts_win_over_the_block_list_and_reports() {
    let (_dir, store, screener) = screener_with_store();
    store
        .add_list_entry(ListKind::Block, "+1 415 555 2671", None, None)
        .expect("block");
    store
        .report("+1 415 555 2671", ReportCategory::Scam, None)
        .expect("report");
    let call = IncomingCall {
        is_contact: true,
        ..IncomingCall::from_number("+1 415 555 2671")
    };
    assert_eq!(
        codes(&screener, &call),
        (Verdict::Allow, vec![ReasonCode::Contact])
    );
}

#[test]
fn reports_add_to_the_score() {
    let (_dir, store, screener) = screener_with_store();
    let call = IncomingCall::from_number("03-1234-5678");
    let before = screener.screen(&call);
    assert_eq!(before.verdict, Verdict::Allow);

    store
        .report("03-1234-5678", ReportCategory::Telemarketing, None)
        .expect("report");
    let nuisance = screener.screen(&call);
    assert!(
        nuisance.has_reason(ReasonCode::ReportedNuisance),
        "{nuisance:?}"
    );
    assert!(nuisance.score > before.score);

    store
        .report("03-1234-5678", ReportCategory::Scam, None)
        .expect("report");
    let scam = screener.screen(&call);
    assert!(scam.has_reason(ReasonCode::Reported), "{scam:?}");
    assert!(scam.score >= nuisance.score);
    assert_eq!(scam.verdict, Verdict::Block);
    assert!(scam.advice.is_some());
}

#[test]
fn repeat_callers_are_counted_from_the_call_log() {
    let (_dir, _store, screener) = screener_with_store();
    let call = IncomingCall::from_number("03-1234-5678");
    let now = callguard_core::store::now();
    for _ in 0..2 {
        let a = screener.screen(&call);
        assert!(!a.has_reason(ReasonCode::RepeatCaller));
        screener.record(&a, now).expect("log");
    }
    let a = screener.screen(&call);
    screener.record(&a, now).expect("log");
    let third = screener.screen(&call);
    assert!(third.has_reason(ReasonCode::RepeatCaller), "{third:?}");
}

#[test]
fn emergency_numbers_ring_whatever_the_store_says() {
    let (_dir, store, screener) = screener_with_store();
    // The store refuses to list or report them in the first place ...
    assert!(store
        .add_list_entry(ListKind::Block, "110", None, None)
        .is_err());
    assert!(store.report("119", ReportCategory::Scam, None).is_err());
    // ... and a block prefix covering everything does not reach short numbers.
    store
        .add_list_entry(ListKind::Block, "+81*", None, None)
        .expect("block all of +81");
    for n in ["110", "118", "119", "#9110"] {
        let (verdict, _) = codes(&screener, &IncomingCall::from_number(n));
        assert_eq!(verdict, Verdict::Allow, "{n}");
    }
}

#[test]
fn a_store_that_cannot_answer_fails_open() {
    let dir = WorkDir::new();
    let path = dir.path().join("cg.db");
    let store = Arc::new(Store::open(&path, Region::JP).expect("store"));
    store
        .add_list_entry(ListKind::Block, "+44 20 7946 0958", None, None)
        .expect("block");
    let screener = Screener::new(Region::JP).with_store(store.clone());
    // Another process breaks the database under the screener.
    let other = rusqlite::Connection::open(&path).expect("second connection");
    other
        .execute_batch("DROP TABLE list_entries; CREATE TABLE list_entries (x);")
        .expect("break the schema");
    drop(other);

    let a = screener.screen(&IncomingCall::from_number("+44 20 7946 0958"));
    assert_eq!(a.verdict, Verdict::Allow, "{a:?}");
    assert_eq!(
        a.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        vec![ReasonCode::ScreeningUnavailable]
    );
}
