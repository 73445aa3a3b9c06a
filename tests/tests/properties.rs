//! Properties of the number path over arbitrary input: it never panics, its output is stable,
//! and emergency numbers are always allowed.

use std::collections::HashMap;
use std::sync::Arc;

use callguard_core::claims::{ClaimOutcome, Findings, ScriptFinding};
use callguard_core::risk::{HardRule, Policy, ReasonCode, RiskEngine, Thresholds};
use callguard_core::store::{Evidence, ReportCategory, ReportSummary};
use callguard_core::{
    Classifier, IncomingCall, Lang, LocalText, LocalTime, NumberKind, Presentation, Region,
    Screener, Verdict, Verification,
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
        let call = IncomingCall {
            number: Some(text),
            presentation,
            verification,
            is_contact,
            ..IncomingCall::default()
        };
        let assessment = Screener::new(region).screen(&call);
        prop_assert!(assessment.score <= 100);
        prop_assert!(!assessment.reasons.is_empty() || assessment.verdict == Verdict::Allow);
    }

    #[test]
    fn emergency_numbers_always_ring(
        verification in prop::sample::select(vec![
            Verification::NotVerified, Verification::Passed, Verification::Failed,
        ]),
        decoration in prop::sample::select(vec!["", " ", "tel:", "-", "+CC", "tel:+CC-", "+CC "]),
    ) {
        for (region, cc, number) in [("JP", "81", "110"), ("JP", "81", "118"), ("JP", "81", "119"),
                                     ("US", "1", "911"), ("GB", "44", "999"), ("DE", "49", "112"),
                                     ("JP", "81", "112"), ("AU", "61", "000")] {
            let region: Region = region.parse().expect("region");
            // "+CC" stands for the region's own country code: +81 110 as IMS may deliver it.
            let decoration = decoration.replace("CC", cc);
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

/// Any policy the format allows: random weights, thresholds and hard rules.
fn policies() -> impl Strategy<Value = Arc<Policy>> {
    let weighted: Vec<ReasonCode> = ReasonCode::ALL
        .into_iter()
        .filter(|c| Policy::takes_weight(*c))
        .collect();
    let n = weighted.len();
    (
        prop::collection::vec(0u8..=100, n),
        (1u8..=98, 1u8..=50, 1u8..=50),
        prop::collection::vec(0usize..4, 0..4),
        2u32..6,
    )
        .prop_map(move |(weights, (warn, a, b), rules, repeat)| {
            // Strictly rising thresholds, as the format requires.
            let silence = warn.saturating_add(a).min(99);
            let block = silence.saturating_add(b).min(100);
            let (warn, silence) = (warn.min(silence - 1), silence.min(block - 1));
            let hard_rules = rules
                .into_iter()
                .map(|r| match r {
                    0 => HardRule::International {
                        verdict: Verdict::Block,
                    },
                    1 => HardRule::Hidden {
                        presentations: vec![Presentation::Restricted, Presentation::Unknown],
                        verdict: Verdict::Block,
                    },
                    2 => HardRule::Kind {
                        kinds: vec![NumberKind::Voip, NumberKind::Fixed, NumberKind::Invalid],
                        verdict: Verdict::Block,
                    },
                    _ => HardRule::QuietHours {
                        from: LocalTime { hour: 0, minute: 0 },
                        to: LocalTime {
                            hour: 23,
                            minute: 59,
                        },
                        verdict: Verdict::Block,
                    },
                })
                .collect();
            let mut policy = (*Policy::default_policy()).clone();
            policy.weights = weighted
                .iter()
                .copied()
                .zip(weights)
                .collect::<HashMap<_, _>>();
            policy.thresholds = Thresholds {
                warn,
                silence,
                block,
            };
            policy.repeat_caller_min_calls = repeat;
            policy.hard_rules = hard_rules;
            // What the format allows, `from_json` accepts.
            Arc::new(Policy::from_json(&policy.to_json()).expect("a valid policy"))
        })
}

fn evidence() -> impl Strategy<Value = Option<Evidence>> {
    prop::option::of((0u64..50, 0.0f64..3.0, any::<bool>(), 0u32..6).prop_map(
        |(count, weight, scam, recent_calls)| Evidence {
            list: None,
            reports: (count > 0).then(|| ReportSummary {
                total_count: count,
                user_count: 0,
                weight,
                categories: vec![if scam {
                    ReportCategory::Scam
                } else {
                    ReportCategory::Spam
                }],
                first_seen: 0,
                last_seen: 0,
                sources: vec!["feed".into()],
            }),
            recent_calls,
        },
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn emergency_numbers_ring_under_any_policy(
        policy in policies(),
        evidence in evidence(),
        number in prop::sample::select(vec!["110", "118", "119", "112", "911", "#9110", "188"]),
        claims in prop::option::of(prop::sample::select(vec!["総務省", "警察", "bank"])),
    ) {
        let engine = RiskEngine::new(policy);
        let call = IncomingCall {
            number: Some(number.to_owned()),
            verification: Verification::Failed,
            local_time: Some(LocalTime { hour: 23, minute: 0 }),
            claims: claims.map(str::to_owned),
            ..IncomingCall::default()
        };
        let info = Classifier::new(Region::JP).classify(number, Presentation::Allowed);
        let a = engine.assess(&call, info, evidence.as_ref(), &Findings::default());
        prop_assert_eq!(a.verdict, Verdict::Allow);
    }

    #[test]
    fn adding_evidence_never_lowers_the_score(
        policy in policies(),
        text in prop::sample::select(vec![
            "+1 202 555 0143", "050-1234-5678", "03-1234-5678", "+83 1234 5678", "+979 123456789",
        ]),
        evidence in evidence(),
        extra_reports in 1u64..20,
        script_score in 1u8..=100,
    ) {
        let engine = RiskEngine::new(policy);
        let info = Classifier::new(Region::JP).classify(text, Presentation::Allowed);
        let call = IncomingCall::from_number(text);
        let base = engine.assess(&call, info.clone(), evidence.as_ref(), &Findings::default());

        // More reports, a failed verification, a scam script, an impersonation claim, night.
        let mut more = evidence.clone().unwrap_or(Evidence {
            list: None,
            reports: None,
            recent_calls: 0,
        });
        let mut reports = more.reports.clone().unwrap_or(ReportSummary {
            total_count: 0,
            user_count: 0,
            weight: 0.0,
            categories: vec![ReportCategory::Spam],
            first_seen: 0,
            last_seen: 0,
            sources: vec!["feed".into()],
        });
        reports.total_count += extra_reports;
        reports.weight += 0.5;
        reports.categories.push(ReportCategory::Scam);
        more.reports = Some(reports);
        more.recent_calls += 1;
        let worse_call = IncomingCall {
            verification: Verification::Failed,
            local_time: Some(LocalTime { hour: 23, minute: 30 }),
            ..call.clone()
        };
        let findings = Findings {
            claim: Some(ClaimOutcome::Impersonation {
                organisation: LocalText::from_pairs([(Lang::JA, "総務省".into()), (Lang::EN, "the Ministry".into())]),
                advice: LocalText::from_pairs([(Lang::JA, "切って".into()), (Lang::EN, "hang up".into())]),
            }),
            script: Some(ScriptFinding {
                score: script_score,
                summary: LocalText::from_pairs([(Lang::JA, "脅し".into()), (Lang::EN, "threats".into())]),
            }),
        };
        let worse = engine.assess(&worse_call, info, Some(&more), &findings);
        prop_assert!(worse.score >= base.score, "{} < {}", worse.score, base.score);
        prop_assert!(worse.verdict >= base.verdict);
    }
}
