//! `screen_summary` against `screen`: the same verdict, score, reasons and label on the same
//! calls, with and without a database, under every preset. The Python (test_fast.py) and Kotlin
//! (FastScreenTest) tests check the same through the generated bindings.

use callguard_ffi::fast::{reason_codes, ScreenSummary};
use callguard_ffi::Lang;
use callguard_ffi::{
    CallGuard, IncomingCall, ListKind, LocalTime, Presentation, ReportCategory, Verdict,
    Verification,
};
use callguard_testkit::workdir::WorkDir;

fn number(text: &str) -> IncomingCall {
    IncomingCall {
        number: Some(text.to_owned()),
        ..IncomingCall::default()
    }
}

/// Calls that reach every kind of decision: international, national, IP phone, invalid,
/// premium, emergency, hidden, contact, verification, quiet hours, claims and scripts, and the
/// user's lists and reports when the guard has a database.
fn calls() -> Vec<IncomingCall> {
    vec![
        number("+1 202-555-0143"),
        number("03-5253-5111"),
        number("050-1234-5678"),
        number("+83 1234 5678"),
        number("+979 123456789"),
        number("+1 809 555 0199"),
        number("110"),
        number("090-1234-5678"),
        number("+44 20 7946 0958"),
        number("+81 90 5555 0000"),
        number("+81 90 5555 0001"),
        number("not a number"),
        IncomingCall {
            presentation: Some(Presentation::Restricted),
            ..IncomingCall::default()
        },
        IncomingCall {
            presentation: Some(Presentation::Payphone),
            ..IncomingCall::default()
        },
        IncomingCall {
            is_contact: true,
            ..number("+1 202-555-0143")
        },
        IncomingCall {
            verification: Some(Verification::Failed),
            ..number("03-5253-5111")
        },
        IncomingCall {
            verification: Some(Verification::Passed),
            ..number("+1 415 555 2671")
        },
        IncomingCall {
            local_time: Some(LocalTime {
                hour: 23,
                minute: 30,
            }),
            ..number("090-1234-5678")
        },
        IncomingCall {
            claims: Some("総務省".into()),
            transcript: Some("こちらは総務省です。２時間以内に使えなくなります。".into()),
            ..number("+44 20 7946 0958")
        },
        IncomingCall {
            claims: Some("the police".into()),
            ..number("03-3581-4321")
        },
        IncomingCall {
            transcript: Some("医療費の還付金があります。ATMへ行ってください。".into()),
            ..number("050-9999-0000")
        },
    ]
}

fn assert_same(guard: &CallGuard, call: &IncomingCall) {
    let codes = reason_codes();
    for &lang in Lang::all() {
        let full = guard.screen(call.clone(), lang);
        let brief = guard.screen_summary(call.clone(), lang);
        assert_eq!(brief.verdict, full.verdict, "{call:?}");
        assert_eq!(brief.score, full.score, "{call:?}");
        let mut mask = 0i64;
        for reason in &full.reasons {
            let bit = codes
                .iter()
                .position(|c| *c == reason.code)
                .unwrap_or_else(|| panic!("{} is not in reason_codes()", reason.code));
            mask |= 1 << bit;
        }
        assert_eq!(brief.reasons, mask, "{call:?}");
        assert_eq!(brief.label, full.label, "{call:?}");
    }
}

#[test]
fn the_summary_agrees_with_the_assessment_without_a_database() {
    for policy in ["balanced", "elderly", "minimal"] {
        let guard = CallGuard::new(None, "JP".into(), policy.into()).expect("guard");
        for call in calls() {
            assert_same(&guard, &call);
        }
    }
}

#[test]
fn the_summary_agrees_with_the_assessment_with_the_users_lists_and_reports() {
    let dir = WorkDir::new();
    let db = dir.db().display().to_string();
    let guard = CallGuard::new(Some(db), "JP".into(), "elderly".into()).expect("guard");
    guard
        .add_list_entry(ListKind::Block, "+81 90 5555 0000".into(), None, None)
        .expect("block");
    guard
        .add_list_entry(
            ListKind::Allow,
            "+1 202-555-0143".into(),
            Some("姉".into()),
            None,
        )
        .expect("allow");
    guard
        .report("+81 90 5555 0001".into(), ReportCategory::Scam, None)
        .expect("report");
    let mut verdicts = Vec::new();
    for call in calls() {
        assert_same(&guard, &call);
        let verdict = guard.screen(call, Lang::EN).verdict;
        if !verdicts.contains(&verdict) {
            verdicts.push(verdict);
        }
    }
    // The calls reach every verdict here, so the comparison covered each of them.
    verdicts.sort();
    assert_eq!(
        verdicts,
        [
            Verdict::Allow,
            Verdict::Warn,
            Verdict::Silence,
            Verdict::Block
        ]
    );
    // The lists and the report decided something, so the comparison above covered them.
    let blocked = guard.screen_summary(number("090-5555-0000"), Lang::EN);
    assert_eq!(blocked.verdict, Verdict::Block);
    let allowed = guard.screen_summary(number("+1 202-555-0143"), Lang::EN);
    assert_eq!(allowed.verdict, Verdict::Allow);
}

#[test]
fn the_summary_names_its_reasons_and_label() {
    let guard = CallGuard::new(None, "JP".into(), "balanced".into()).expect("guard");
    let codes = reason_codes();
    let international = codes
        .iter()
        .position(|c| c == "international")
        .expect("international is a code");
    let brief = guard.screen_summary(number("+1 202-555-0143"), Lang::JA);
    assert_eq!(brief.verdict, Verdict::Warn);
    assert_ne!(brief.reasons & (1 << international), 0);
    assert_eq!(brief.label.as_deref(), Some("国際電話"));
    // Nothing found: no reason, no label.
    let quiet = guard.screen_summary(number("03-5253-5111"), Lang::EN);
    assert_eq!(
        quiet,
        ScreenSummary {
            verdict: Verdict::Allow,
            score: 0,
            reasons: 0,
            label: None,
        }
    );
}
