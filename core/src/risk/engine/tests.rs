//! Unit tests of the engine.

use super::*;
use callguard_number::Classifier;
use callguard_number::Region;

fn assess(policy: &str, call: IncomingCall) -> Assessment {
    let engine = RiskEngine::new(Policy::preset(policy).expect("preset"));
    let info = Classifier::new(Region::JP)
        .classify(call.number.as_deref().unwrap_or(""), call.presentation);
    engine.assess(&call, info, None, &Findings::default())
}

#[test]
fn every_code_round_trips() {
    for code in ReasonCode::ALL {
        assert_eq!(code.as_str().parse::<ReasonCode>(), Ok(code));
    }
}

#[test]
fn elderly_blocks_calls_from_abroad_and_hidden_numbers() {
    let a = assess("elderly", IncomingCall::from_number("+1 202 555 0143"));
    assert_eq!(a.verdict, Verdict::Block);
    assert!(a.has_reason(ReasonCode::PolicyRule) && a.has_reason(ReasonCode::International));
    let a = assess(
        "elderly",
        IncomingCall {
            presentation: Presentation::Restricted,
            ..IncomingCall::default()
        },
    );
    assert_eq!(a.verdict, Verdict::Block);
    // Payphones are not covered by the hidden rule.
    let a = assess(
        "elderly",
        IncomingCall {
            presentation: Presentation::Payphone,
            ..IncomingCall::default()
        },
    );
    assert_eq!(a.verdict, Verdict::Allow);
    // The same calls only warn under balanced.
    let a = assess("balanced", IncomingCall::from_number("+1 202 555 0143"));
    assert_eq!(a.verdict, Verdict::Warn);
}

#[test]
fn quiet_hours_silence_unknown_numbers_only() {
    let night = IncomingCall {
        local_time: Some("22:30".parse().expect("time")),
        ..IncomingCall::from_number("03-1234-5678")
    };
    let a = assess("elderly", night.clone());
    assert_eq!(a.verdict, Verdict::Silence);
    assert!(a.has_reason(ReasonCode::QuietHours));
    assert!(a.advice.is_some());
    let a = assess(
        "elderly",
        IncomingCall {
            is_contact: true,
            ..night.clone()
        },
    );
    assert_eq!(a.verdict, Verdict::Allow);
    let a = assess("balanced", night);
    assert_eq!(a.verdict, Verdict::Allow);
    let day = IncomingCall {
        local_time: Some("10:00".parse().expect("time")),
        ..IncomingCall::from_number("03-1234-5678")
    };
    assert_eq!(assess("elderly", day).verdict, Verdict::Allow);
}

#[test]
fn minimal_lets_calls_from_abroad_ring() {
    let a = assess("minimal", IncomingCall::from_number("+1 202 555 0143"));
    assert_eq!(a.verdict, Verdict::Allow);
    let a = assess("minimal", IncomingCall::from_number("+83 1234 5678"));
    assert_eq!(a.verdict, Verdict::Block);
}

#[test]
fn emergency_numbers_ring_under_every_policy() {
    for policy in Policy::preset_names() {
        for n in ["110", "119", "118"] {
            let call = IncomingCall {
                verification: Verification::Failed,
                local_time: Some("23:00".parse().expect("time")),
                ..IncomingCall::from_number(n)
            };
            assert_eq!(assess(policy, call).verdict, Verdict::Allow, "{policy} {n}");
        }
    }
}
