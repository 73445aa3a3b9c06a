//! Repeat callers who may be urgent: a second call within minutes lets a silenced call ring.
//!
//! People who use call blockers say a number that calls again within minutes is often someone
//! who really needs them (the hospital, a child's school, a courier at the door), and a
//! screener that silences both calls makes them miss it. Scammers redial too: fake police and
//! ministry callers call back to keep up the pressure, one-ring callers ring again to be called
//! back, and telemarketers dial lists over and over. So the relief is narrow (docs/POLICIES.md,
//! "Repeat callers"):
//! - only a call that would be **silenced** becomes a **warning**; a blocked call stays
//!   blocked, and the warning's advice says what scammers who call back ask for;
//! - only when the number called within the policy's `repeat_urgent_minutes`, and has not yet
//!   called `repeat_caller_min_calls` times in the recent window (from there on it is a
//!   persistent redialer, and `repeat_caller` adds risk as before);
//! - only when nothing speaks against the caller: no report of any kind, no impersonation or
//!   unverifiable claim, no scam script, no impossible number, no failed verification, no
//!   premium or one-ring code, no hard rule of the policy (quiet hours excepted: a second call
//!   at night is what the relief is for). The user's block list is decided before any of this.

use callguard_text::RulePackError;

use super::{Reason, ReasonCode, Verdict};
use crate::evidence::Evidence;

/// The longest `repeat_urgent_minutes` a policy may give: past half an hour a call back is no
/// longer "within minutes".
pub const REPEAT_URGENT_MAX_MINUTES: u32 = 30;

/// Reasons that speak against the caller: with any of them, a call back is not taken as urgent.
const AGAINST: [ReasonCode; 11] = [
    ReasonCode::Reported,
    ReasonCode::ReportedNuisance,
    ReasonCode::Impersonation,
    ReasonCode::ClaimUnverified,
    ReasonCode::ScamScript,
    ReasonCode::InvalidNumber,
    ReasonCode::VerificationFailed,
    ReasonCode::InternationalPremium,
    ReasonCode::OneRingProne,
    ReasonCode::RepeatCaller,
    ReasonCode::PolicyRule,
];

/// Checks a policy's `repeat_urgent_minutes`.
pub(super) fn check_minutes(minutes: u32) -> Result<(), RulePackError> {
    if minutes > REPEAT_URGENT_MAX_MINUTES {
        return Err(RulePackError::new(
            "policy",
            "repeat_urgent_minutes",
            format_args!(
                "at most {REPEAT_URGENT_MAX_MINUTES} minutes (0: a call back is never taken as \
                 urgent)"
            ),
        ));
    }
    Ok(())
}

/// What a policy says about calls back: its `repeat_urgent_minutes` and
/// `repeat_caller_min_calls`.
pub(super) struct CallBack {
    pub minutes: u32,
    pub repeat_caller_min_calls: u32,
}

impl CallBack {
    /// How many whole minutes ago (at least 1) the number called before, if this call would
    /// be silenced, came back within the policy's minutes and nothing among `reasons` speaks
    /// against it (see the module docs): the call may be urgent.
    pub fn urgent(
        &self,
        verdict: Verdict,
        evidence: Option<&Evidence>,
        reasons: &[Reason],
    ) -> Option<u64> {
        let evidence = evidence?;
        let ago = evidence.since_last_call?;
        let minutes = u64::from(self.minutes);
        let urgent = verdict == Verdict::Silence
            && minutes > 0
            && ago <= minutes * 60
            && evidence.recent_calls < self.repeat_caller_min_calls
            && !reasons.iter().any(|r| AGAINST.contains(&r.code));
        // Whole minutes, at least one: "called 0 minutes ago" reads like a fault.
        urgent.then_some((ago / 60).max(1))
    }
}

#[cfg(test)]
mod tests {
    use callguard_number::{Classifier, Region};

    use super::*;
    use crate::call::IncomingCall;
    use crate::claims::Findings;
    use crate::evidence::{ReportCategory, ReportSummary};
    use crate::risk::{Advice, Assessment, Policy, RiskEngine};

    /// A call from a fixed line the person does not know, at night: `elderly` silences it
    /// (quiet hours); `line` is what the store knows about it.
    fn night_call(policy: &str, number: &str, evidence: Evidence) -> Assessment {
        let engine = RiskEngine::new(Policy::preset(policy).expect("preset"));
        let call = IncomingCall {
            local_time: Some("22:30".parse().expect("time")),
            ..IncomingCall::from_number(number)
        };
        let info = Classifier::new(Region::JP).classify(number, call.presentation);
        engine.assess(&call, info, Some(&evidence), &Findings::default())
    }

    fn called(recent_calls: u32, seconds_ago: u64) -> Evidence {
        Evidence {
            list: None,
            reports: None,
            recent_calls,
            since_last_call: Some(seconds_ago),
        }
    }

    #[test]
    fn a_call_back_within_minutes_rings_with_a_warning() {
        let first = night_call("elderly", "03-1234-5678", called(0, 0).with_no_call());
        assert_eq!(first.verdict, Verdict::Silence);
        let again = night_call("elderly", "03-1234-5678", called(1, 120));
        assert_eq!(again.verdict, Verdict::Warn, "{:?}", again.reasons);
        assert_eq!(again.label, Some(ReasonCode::RepeatUrgent));
        assert_eq!(again.advice, Some(Advice::Reason(ReasonCode::RepeatUrgent)));
        assert!(again.has_reason(ReasonCode::QuietHours));
        let message = again.explain(callguard_text::Lang::EN).reasons;
        assert!(
            message.iter().any(|r| r.message.contains("2 min ago")),
            "{message:?}"
        );
    }

    #[test]
    fn a_call_back_after_the_policy_minutes_stays_silenced() {
        // elderly: 3 minutes.
        let late = night_call("elderly", "03-1234-5678", called(1, 4 * 60));
        assert_eq!(late.verdict, Verdict::Silence);
        assert!(!late.has_reason(ReasonCode::RepeatUrgent));
        // A policy that turned the relief off.
        let mut off = (*Policy::preset("elderly").expect("elderly")).clone();
        off.repeat_urgent_minutes = 0;
        let engine = RiskEngine::new(std::sync::Arc::new(off));
        let a = engine.assess(
            &IncomingCall {
                local_time: Some("22:30".parse().expect("time")),
                ..IncomingCall::from_number("03-1234-5678")
            },
            Classifier::new(Region::JP).classify("03-1234-5678", Default::default()),
            Some(&called(1, 0)),
            &Findings::default(),
        );
        assert_eq!(a.verdict, Verdict::Silence);
    }

    #[test]
    fn reported_numbers_and_persistent_redialers_keep_their_verdict() {
        let mut reported = called(1, 60);
        reported.reports = Some(ReportSummary {
            total_count: 1,
            user_count: 0,
            weight: 1.0,
            categories: vec![ReportCategory::Telemarketing],
            first_seen: 0,
            last_seen: 0,
            sources: vec!["feed".into()],
        });
        let a = night_call("elderly", "03-1234-5678", reported.clone());
        assert!(a.verdict >= Verdict::Silence, "{:?}", a.reasons);
        assert!(!a.has_reason(ReasonCode::RepeatUrgent));
        // A reported scam calling a third time: the repeat adds risk, as before.
        reported.recent_calls = 2;
        reported.reports.as_mut().expect("reports").categories = vec![ReportCategory::Scam];
        let a = night_call("elderly", "03-1234-5678", reported);
        assert!(a.has_reason(ReasonCode::RepeatCaller));
        assert!(!a.has_reason(ReasonCode::RepeatUrgent));
        assert!(a.verdict >= Verdict::Silence);
        // Unreported, but calling again and again (elderly: 2 calls make a repeat caller).
        let a = night_call("elderly", "03-1234-5678", called(2, 60));
        assert!(a.has_reason(ReasonCode::RepeatCaller));
        assert!(!a.has_reason(ReasonCode::RepeatUrgent));
        assert!(a.verdict >= Verdict::Silence);
    }

    #[test]
    fn blocked_calls_stay_blocked() {
        // elderly blocks calls from abroad: a call back is no reason to let it through.
        let a = night_call("elderly", "+1 202 555 0143", called(1, 60));
        assert_eq!(a.verdict, Verdict::Block);
        assert!(!a.has_reason(ReasonCode::RepeatUrgent));
    }

    #[test]
    fn the_minutes_are_bounded() {
        let base = Policy::default_policy().to_json();
        let json = base.replace(
            "\"repeat_urgent_minutes\": 5",
            "\"repeat_urgent_minutes\": 31",
        );
        assert_ne!(json, base);
        let err = Policy::from_json(&json).expect_err("31 minutes");
        assert_eq!(err.location, "repeat_urgent_minutes");
        // A file written before the field existed reads as "never", and writes without it,
        // so a lock made on it still matches its content.
        let old = base.replace("  \"repeat_urgent_minutes\": 5,\n", "");
        assert_ne!(old, base);
        let policy = Policy::from_json(&old).expect("a policy without the field");
        assert_eq!(policy.repeat_urgent_minutes, 0);
        assert!(!policy.to_json().contains("repeat_urgent_minutes"));
    }

    impl Evidence {
        fn with_no_call(mut self) -> Evidence {
            self.since_last_call = None;
            self
        }
    }
}
