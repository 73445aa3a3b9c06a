//! A pause of protection: while the person paused it, calls ring.
//!
//! What a pause does and does not do (docs/POLICIES.md, "Pausing protection"):
//! - emergency and special numbers ring, as always; contacts and the allow list ring, as always;
//! - the user's **block list still blocks**: those are numbers the person chose, one by one, never
//!   to hear again (the caller who threatened them, the scammer of last week), and a pause taken
//!   to receive an unknown caller's call is not a reason to hear from them;
//! - every other call **rings**: a verdict of silence or block becomes a warning, so a call the
//!   evidence calls a scam still shows its warning and advice while it rings; the reason
//!   `protection_paused` says so and for how long;
//! - every assessment made during a pause carries when it ends ([`Assessment::paused_until`]).

use callguard_text::LocalText;

use super::engine::Signal;
use super::{Assessment, ReasonCode, RiskEngine, Verdict};
use crate::evidence::ProtectionPause;

/// Reasons that decide a call before a pause is looked at.
const DECIDED_BEFORE: [ReasonCode; 6] = [
    ReasonCode::EmergencyNumber,
    ReasonCode::SpecialService,
    ReasonCode::Contact,
    ReasonCode::AllowList,
    ReasonCode::BlockList,
    ReasonCode::ScreeningUnavailable,
];

impl RiskEngine {
    /// `assessment` as it stands while `pause` is in force at `now` (see the module docs).
    pub fn under_pause(
        &self,
        mut assessment: Assessment,
        pause: &ProtectionPause,
        now: i64,
    ) -> Assessment {
        if !pause.in_force_at(now) {
            return assessment;
        }
        assessment.paused_until = Some(pause.until);
        if assessment
            .reasons
            .iter()
            .any(|r| DECIDED_BEFORE.contains(&r.code))
        {
            return assessment;
        }
        let left = pause.remaining_at(now).as_secs().div_ceil(60);
        let (hours, minutes) = ((left / 60).to_string(), (left % 60).to_string());
        let detail: LocalText = self
            .texts()
            .detail("pause_remaining")
            .filled(&[("hours", &hours), ("minutes", &minutes)]);
        let (reason, _) = self.reason(Signal {
            code: ReasonCode::ProtectionPaused,
            weight: 0,
            detail: Some(detail),
            advice: None,
        });
        assessment.verdict = assessment.verdict.min(Verdict::Warn);
        if assessment.verdict == Verdict::Allow {
            // Nothing found: the pause is what the person should know about this call.
            assessment.label = Some(reason.code);
        }
        assessment.reasons.push(reason);
        assessment
    }
}

#[cfg(test)]
mod tests {
    use callguard_number::{Classifier, Region};

    use super::*;
    use crate::call::IncomingCall;
    use crate::claims::Findings;
    use crate::risk::Policy;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn assess(policy: &str, number: &str) -> (RiskEngine, Assessment) {
        let engine = RiskEngine::new(Policy::preset(policy).expect("preset"));
        let info = Classifier::new(Region::JP).classify(number, Default::default());
        let a = engine.assess(
            &IncomingCall::from_number(number),
            info,
            None,
            &Findings::default(),
        );
        (engine, a)
    }

    fn pause(minutes: i64) -> ProtectionPause {
        ProtectionPause {
            started_at: NOW - 60,
            until: NOW + minutes * 60,
        }
    }

    #[test]
    fn a_blocked_call_rings_with_its_warning_while_paused() {
        let (engine, blocked) = assess("elderly", "+1 202 555 0143");
        assert_eq!(blocked.verdict, Verdict::Block);
        let paused = engine.under_pause(blocked.clone(), &pause(90), NOW);
        assert_eq!(paused.verdict, Verdict::Warn);
        assert_eq!(paused.paused_until, Some(NOW + 90 * 60));
        assert!(paused.has_reason(ReasonCode::ProtectionPaused));
        // What the evidence says is still said: the label and the advice.
        assert_eq!(paused.label, blocked.label);
        assert_eq!(paused.advice, blocked.advice);
        let words = paused.explain(callguard_text::Lang::EN);
        assert!(
            words
                .reasons
                .iter()
                .any(|r| r.message.contains("1 h 30 min left")),
            "{words:?}"
        );
        let words = paused.explain(callguard_text::Lang::JA);
        assert!(words
            .reasons
            .iter()
            .any(|r| r.message.contains("あと1時間30分")));
    }

    #[test]
    fn a_call_with_nothing_found_says_protection_is_paused() {
        let (engine, a) = assess("balanced", "03-1234-5678");
        let paused = engine.under_pause(a, &pause(10), NOW);
        assert_eq!(paused.verdict, Verdict::Allow);
        assert_eq!(paused.label, Some(ReasonCode::ProtectionPaused));
    }

    #[test]
    fn emergency_numbers_are_decided_before_a_pause() {
        let (engine, a) = assess("elderly", "110");
        let paused = engine.under_pause(a.clone(), &pause(10), NOW);
        assert_eq!(paused.verdict, Verdict::Allow);
        assert!(!paused.has_reason(ReasonCode::ProtectionPaused));
        assert_eq!(paused.paused_until, Some(NOW + 600));
        assert_eq!(paused.reasons, a.reasons);
    }

    #[test]
    fn a_pause_ends_by_itself_and_never_lasts_over_a_day() {
        let (engine, blocked) = assess("elderly", "+1 202 555 0143");
        let ended = engine.under_pause(blocked.clone(), &pause(10), NOW + 600);
        assert_eq!(ended, blocked);
        // An end further than 24 hours ahead (the clock was set back, the file edited).
        let too_long = ProtectionPause {
            started_at: NOW,
            until: NOW + 24 * 3600 + 1,
        };
        assert_eq!(engine.under_pause(blocked.clone(), &too_long, NOW), blocked);
        let a_day = ProtectionPause {
            until: NOW + 24 * 3600,
            ..too_long
        };
        assert_eq!(
            engine.under_pause(blocked, &a_day, NOW).verdict,
            Verdict::Warn
        );
    }
}
