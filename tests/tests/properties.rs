//! Properties of the number path over arbitrary input: it never panics, its output is stable,
//! and emergency numbers are always allowed.

use callguard_core::{
    Classifier, IncomingCall, NumberKind, Presentation, Region, Screener, Verdict, Verification,
};
use proptest::prelude::*;

fn regions() -> impl Strategy<Value = Region> {
    prop::sample::select(vec![
        "JP", "US", "GB", "DE", "FR", "AU", "KR", "IT", "BR", "IN",
    ])
    .prop_map(|r| r.parse().expect("region"))
}

/// Text that looks like what phones and people produce, plus the hostile cases: control
/// characters, bidi marks, full-width forms, other scripts, very long strings.
fn caller_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+]?[0-9 ()\\-.]{0,24}",
        "(tel:|sip:|TEL:)?[+%0-9A-F;=\\-]{0,30}",
        "[#*]?[0-9]{1,8}",
        "[０-９＋－（）　ー]{0,20}",
        "[\\u{0}-\\u{1F}\\u{202A}-\\u{202E}\\u{2066}-\\u{2069}\\u{200B}-\\u{200F}0-9+]{0,20}",
        ".{0,40}",
        "[0-9]{200,400}",
        "\\PC{0,300}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn classify_never_panics_and_is_consistent(text in caller_text(), region in regions()) {
        let info = Classifier::new(region).classify(&text, Presentation::Allowed);
        // e164, country and international are present exactly for full-length valid numbers.
        let full = !matches!(
            info.kind,
            NumberKind::Invalid | NumberKind::Hidden | NumberKind::Emergency | NumberKind::Special
        );
        prop_assert_eq!(info.e164.is_some(), full, "{:?}", info);
        prop_assert_eq!(info.international.is_some(), full, "{:?}", info);
        prop_assert_eq!(info.invalid.is_some(), info.kind == NumberKind::Invalid, "{:?}", info);
        if let Some(e164) = info.e164 {
            prop_assert!(e164.digit_count() <= 15);
        }
    }

    #[test]
    fn a_normalised_number_classifies_the_same_again(text in caller_text(), region in regions()) {
        let classifier = Classifier::new(region);
        let first = classifier.classify(&text, Presentation::Allowed);
        if let Some(e164) = first.e164 {
            let again = classifier.classify(&e164.to_string(), Presentation::Allowed);
            prop_assert_eq!(again.e164, Some(e164));
            prop_assert_eq!(again.kind, first.kind);
            prop_assert_eq!(again.country, first.country);
            prop_assert_eq!(again.international, first.international);
            prop_assert_eq!(classifier.classify_e164(e164).kind, first.kind);
        }
    }

    #[test]
    fn screening_never_panics(
        text in caller_text(),
        region in regions(),
        presentation in prop::sample::select(Presentation::ALL.to_vec()),
        verification in prop::sample::select(vec![
            Verification::NotVerified, Verification::Passed, Verification::Failed,
        ]),
        is_contact in any::<bool>(),
    ) {
        let call = IncomingCall { number: Some(text), presentation, verification, is_contact };
        let assessment = Screener::new(region).screen(&call);
        prop_assert!(assessment.score <= 100);
        prop_assert!(!assessment.reasons.is_empty() || assessment.verdict == Verdict::Allow);
    }

    #[test]
    fn emergency_numbers_always_ring(
        verification in prop::sample::select(vec![
            Verification::NotVerified, Verification::Passed, Verification::Failed,
        ]),
        decoration in prop::sample::select(vec!["", " ", "tel:", "-"]),
    ) {
        for (region, number) in [("JP", "110"), ("JP", "118"), ("JP", "119"), ("US", "911"),
                                 ("GB", "999"), ("DE", "112"), ("JP", "112"), ("AU", "000")] {
            let region: Region = region.parse().expect("region");
            let call = IncomingCall {
                number: Some(format!("{decoration}{number}")),
                verification,
                ..IncomingCall::default()
            };
            let assessment = Screener::new(region).screen(&call);
            prop_assert_eq!(assessment.verdict, Verdict::Allow, "{} {}", region, number);
            prop_assert_eq!(assessment.number.kind, NumberKind::Emergency);
        }
    }
}
