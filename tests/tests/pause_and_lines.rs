//! The person's settings through the screener and a real store: a pause of protection, a
//! preset per phone line, a call back within minutes, all at the call's own time (`at`).

use std::sync::Arc;

use callguard_core::store::{ListKind, Store};
use callguard_core::{IncomingCall, Policy, ReasonCode, Region, Screener, Verdict};
use callguard_testkit::workdir::WorkDir;

/// 2026-01-01T12:00:00Z.
const T: i64 = 1_767_268_800;

fn elderly_with_store() -> (WorkDir, Arc<Store>, Screener) {
    let dir = WorkDir::new();
    let store = Arc::new(Store::open(dir.db(), Region::JP).expect("store"));
    let screener = Screener::new(Region::JP)
        .with_policy(Policy::preset("elderly").expect("elderly"))
        .with_store(store.clone());
    (dir, store, screener)
}

fn at(number: &str, at: i64) -> IncomingCall {
    IncomingCall {
        at: Some(at),
        ..IncomingCall::from_number(number)
    }
}

#[test]
fn a_pause_lets_calls_ring_until_it_ends_and_the_block_list_still_blocks() {
    let (_dir, store, screener) = elderly_with_store();
    store
        .add_list_entry(ListKind::Block, "050-1111-2222", Some("偽の警察"), None)
        .expect("block");
    let abroad = "+1 202 555 0143";
    assert_eq!(screener.screen(&at(abroad, T)).verdict, Verdict::Block);

    store.pause_protection(T, T + 3600).expect("pause an hour");
    let paused = screener.screen(&at(abroad, T + 60));
    assert_eq!(paused.verdict, Verdict::Warn, "{:?}", paused.reasons);
    assert!(paused.has_reason(ReasonCode::ProtectionPaused));
    assert_eq!(paused.paused_until, Some(T + 3600));
    // Withheld numbers too (elderly blocks them otherwise).
    let withheld = screener.screen(&IncomingCall {
        presentation: callguard_core::Presentation::Restricted,
        at: Some(T + 60),
        ..IncomingCall::default()
    });
    assert_eq!(withheld.verdict, Verdict::Warn);
    // The block list is the person's own choice: it still blocks, and says a pause is on.
    let listed = screener.screen(&at("050-1111-2222", T + 60));
    assert_eq!(listed.verdict, Verdict::Block);
    assert!(!listed.has_reason(ReasonCode::ProtectionPaused));
    assert_eq!(listed.paused_until, Some(T + 3600));
    // Emergency numbers ring, as always.
    let emergency = screener.screen(&at("110", T + 60));
    assert_eq!(emergency.verdict, Verdict::Allow);
    assert_eq!(emergency.paused_until, Some(T + 3600));

    // The pause ends by itself.
    let after = screener.screen(&at(abroad, T + 3600));
    assert_eq!(after.verdict, Verdict::Block);
    assert_eq!(after.paused_until, None);
    // Or earlier, when the person resumes protection.
    store.pause_protection(T, T + 3600).expect("pause again");
    store.resume_protection().expect("resume");
    assert_eq!(screener.screen(&at(abroad, T + 60)).verdict, Verdict::Block);
}

#[test]
fn each_line_is_screened_under_its_own_preset() {
    let (_dir, store, screener) = elderly_with_store();
    store
        .set_line_preset("sim-work", "minimal", T)
        .expect("work SIM under minimal");
    let abroad = |line: Option<&str>| IncomingCall {
        line: line.map(str::to_owned),
        ..at("+1 202 555 0143", T)
    };
    let work = screener.screen(&abroad(Some("sim-work")));
    assert_eq!(work.verdict, Verdict::Allow, "{:?}", work.reasons);
    assert_eq!(work.policy, "minimal");
    assert_eq!(work.line.as_deref(), Some("sim-work"));
    for line in [Some("sim-home"), None] {
        let home = screener.screen(&abroad(line));
        assert_eq!(home.verdict, Verdict::Block, "{line:?}");
        assert_eq!(home.policy, "elderly");
        assert_eq!(home.line, None);
    }
    // A name that is no preset (a newer callguard's, or edited) leaves the line under the
    // policy in use rather than unscreened.
    store
        .set_line_preset("sim-work", "lenient", T)
        .expect("any name is stored");
    let work = screener.screen(&abroad(Some("sim-work")));
    assert_eq!((work.verdict, work.line), (Verdict::Block, None));
}

#[test]
fn a_call_back_within_minutes_rings_and_a_third_does_not() {
    let (_dir, _store, screener) = elderly_with_store();
    // 22:30 local time: elderly silences numbers the person does not know.
    let night = |when: i64| IncomingCall {
        local_time: Some("22:30".parse().expect("time")),
        ..at("03-1234-5678", when)
    };
    let first = screener.screen(&night(T));
    assert_eq!(first.verdict, Verdict::Silence);
    screener.record(&first, T).expect("log");
    let second = screener.screen(&night(T + 120));
    assert_eq!(second.verdict, Verdict::Warn, "{:?}", second.reasons);
    assert_eq!(second.label, Some(ReasonCode::RepeatUrgent));
    // Screening is deterministic at a given time.
    assert_eq!(screener.screen(&night(T + 120)), second);
    // Too late to count as a call back (elderly: 3 minutes).
    assert_eq!(screener.screen(&night(T + 600)).verdict, Verdict::Silence);
    // A third call: a repeat caller, which adds risk, not relief.
    screener.record(&second, T + 120).expect("log");
    let third = screener.screen(&night(T + 180));
    assert!(third.verdict >= Verdict::Silence, "{:?}", third.reasons);
    assert!(third.has_reason(ReasonCode::RepeatCaller));
    assert!(!third.has_reason(ReasonCode::RepeatUrgent));
}
