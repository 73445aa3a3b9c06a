//! The engine: precedence, hard rules and scored signals, from what is known about a call to an
//! [`Assessment`].

use std::sync::Arc;

use callguard_number::{InvalidReason, NumberFlag, NumberInfo, NumberKind, Presentation};
use callguard_text::LocalText;

use super::urgent::CallBack;
use super::{Advice, Assessment, HardRule, Policy, Reason, ReasonCode, ReasonTexts, Verdict};
use crate::call::{IncomingCall, Verification};
use crate::claims::{ClaimOutcome, Findings};
use crate::evidence::{Evidence, ListHit, ListKind, ReportCategory};

/// Turns what is known about a call into an [`Assessment`] under a [`Policy`].
#[derive(Debug, Clone)]
pub struct RiskEngine {
    policy: Arc<Policy>,
    texts: Arc<ReasonTexts>,
}

impl Default for RiskEngine {
    fn default() -> Self {
        RiskEngine::new(Policy::default_policy())
    }
}

/// Signals gathered for scoring: a code, its weight under the policy, a detail for the message
/// and advice that replaces the reason's own.
pub(super) struct Signal {
    pub code: ReasonCode,
    pub weight: u8,
    pub detail: Option<LocalText>,
    pub advice: Option<LocalText>,
}

fn same(text: String) -> LocalText {
    LocalText::same(text)
}

impl RiskEngine {
    /// An engine for `policy` with the embedded reason texts.
    pub fn new(policy: Arc<Policy>) -> RiskEngine {
        RiskEngine {
            policy,
            texts: ReasonTexts::embedded(),
        }
    }

    /// An engine with reason texts of the caller's choosing.
    pub fn with_texts(policy: Arc<Policy>, texts: Arc<ReasonTexts>) -> RiskEngine {
        RiskEngine { policy, texts }
    }

    /// The policy in use.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The reason texts in use.
    pub(super) fn texts(&self) -> &Arc<ReasonTexts> {
        &self.texts
    }

    pub(super) fn reason(&self, signal: Signal) -> (Reason, Option<Advice>) {
        let advice = match signal.advice {
            Some(text) => Some(Advice::Text(text)),
            None => self
                .texts
                .has_advice(signal.code)
                .then_some(Advice::Reason(signal.code)),
        };
        (
            Reason {
                code: signal.code,
                weight: signal.weight,
                detail: signal.detail,
            },
            advice,
        )
    }

    fn decided(
        &self,
        number: NumberInfo,
        verdict: Verdict,
        score: u8,
        signal: Signal,
    ) -> Assessment {
        let (reason, advice) = self.reason(signal);
        Assessment {
            number,
            verdict,
            score,
            label: Some(reason.code),
            reasons: vec![reason],
            advice: if verdict == Verdict::Allow {
                None
            } else {
                advice
            },
            policy: self.policy.name.clone(),
            line: None,
            paused_until: None,
            texts: self.texts.clone(),
        }
    }

    fn scored(&self, code: ReasonCode, detail: Option<LocalText>) -> Signal {
        Signal {
            code,
            weight: self.policy.weight(code),
            detail,
            advice: None,
        }
    }

    /// Assesses a call whose number has been classified, with what the store knows about the
    /// number (`None` without a store or an E.164 number) and the claim and script findings.
    pub fn assess(
        &self,
        call: &IncomingCall,
        number: NumberInfo,
        evidence: Option<&Evidence>,
        findings: &Findings,
    ) -> Assessment {
        let list_hit = evidence.and_then(|e| e.list.as_ref());
        let list_detail =
            |hit: &ListHit| same(hit.label.clone().unwrap_or_else(|| hit.pattern.to_string()));
        let fixed = |code, detail| Signal {
            code,
            weight: 0,
            detail,
            advice: None,
        };

        // Precedence 1: emergency and special service numbers always ring.
        match number.kind {
            NumberKind::Emergency | NumberKind::Special => {
                let code = if number.kind == NumberKind::Emergency {
                    ReasonCode::EmergencyNumber
                } else {
                    ReasonCode::SpecialService
                };
                let detail = number.service.clone();
                return self.decided(number, Verdict::Allow, 0, fixed(code, detail));
            }
            // A `*` or `#` code is dialled inside a carrier's network, not a number anyone can
            // be given: a call showing one is the carrier's own service (its customer centre,
            // a network announcement). It rings, named as such.
            NumberKind::Invalid
                if matches!(number.invalid, Some(InvalidReason::UnknownServiceCode)) =>
            {
                let detail = self
                    .texts
                    .detail("carrier_service_code")
                    .filled(&[("code", number.input.trim())]);
                let signal = fixed(ReasonCode::SpecialService, Some(detail));
                return self.decided(number, Verdict::Allow, 0, signal);
            }
            _ => {}
        }
        // Precedence 2: the user's allow list and contacts.
        if let Some(hit) = list_hit.filter(|h| h.list == ListKind::Allow) {
            let signal = fixed(ReasonCode::AllowList, Some(list_detail(hit)));
            return self.decided(number, Verdict::Allow, 0, signal);
        }
        if call.is_contact {
            return self.decided(number, Verdict::Allow, 0, fixed(ReasonCode::Contact, None));
        }
        // Precedence 3: the user's block list.
        if let Some(hit) = list_hit.filter(|h| h.list == ListKind::Block) {
            let signal = fixed(ReasonCode::BlockList, Some(list_detail(hit)));
            return self.decided(number, Verdict::Block, 100, signal);
        }

        // Scored evidence.
        let mut signals = self.number_signals(call, &number, evidence, findings);
        // Precedence 4: hard rules set a verdict at least.
        let mut floor = Verdict::Allow;
        for rule in &self.policy.hard_rules {
            if let Some(signal) = self.hard_rule(rule, call, &number) {
                floor = floor.max(rule.verdict());
                signals.push(signal);
            }
        }

        let mut reasons = Vec::with_capacity(signals.len());
        let mut advice: Option<(u16, Advice)> = None;
        let mut total: u32 = 0;
        for signal in signals {
            let made_for_this_call = signal.advice.is_some();
            let (reason, reason_advice) = self.reason(signal);
            total += u32::from(reason.weight);
            if let Some(text) = reason_advice {
                // The most specific advice wins: advice made for this call (the organisation's
                // own number to call back), then the heaviest reason's; a hard rule's advice
                // (quiet hours) only when no weighed reason has any.
                let rank = if made_for_this_call {
                    u16::MAX
                } else if matches!(reason.code, ReasonCode::PolicyRule | ReasonCode::QuietHours) {
                    u16::from(reason.weight.max(1))
                } else {
                    u16::from(reason.weight)
                };
                if advice.as_ref().is_none_or(|(best, _)| rank > *best) {
                    advice = Some((rank, text));
                }
            }
            reasons.push(reason);
        }
        reasons.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(&b.code)));
        let thresholds = &self.policy.thresholds;
        let score = (total.min(100) as u8).max(thresholds.floor(floor));
        let mut verdict = thresholds.verdict(score);
        // The label names what counted: the heaviest reason that weighed something, else the
        // hard rule that set the verdict; none when nothing was found (a verified number
        // alone is no news).
        let mut label = reasons
            .iter()
            .find(|r| r.weight > 0)
            .or_else(|| {
                (floor > Verdict::Allow).then(|| {
                    reasons
                        .iter()
                        .find(|r| matches!(r.code, ReasonCode::QuietHours | ReasonCode::PolicyRule))
                })?
            })
            .map(|r| r.code);
        let mut advice = advice.map(|(_, text)| text);
        // A call back within minutes that would be silenced may be urgent: it rings, warned.
        let call_back = CallBack {
            minutes: self.policy.repeat_urgent_minutes,
            repeat_caller_min_calls: self.policy.repeat_caller_min_calls,
        };
        if let Some(ago) = call_back.urgent(verdict, evidence, &reasons) {
            let minutes = ago.to_string();
            let detail = self
                .texts
                .detail("last_call_minutes")
                .filled(&[("minutes", &minutes)]);
            let (reason, urgent_advice) = self.reason(Signal {
                code: ReasonCode::RepeatUrgent,
                weight: 0,
                detail: Some(detail),
                advice: None,
            });
            verdict = Verdict::Warn;
            label = Some(reason.code);
            advice = urgent_advice.or(advice);
            reasons.push(reason);
        }
        Assessment {
            number,
            verdict,
            score,
            label,
            reasons,
            advice: if verdict == Verdict::Allow {
                None
            } else {
                advice
            },
            policy: self.policy.name.clone(),
            line: None,
            paused_until: None,
            texts: self.texts.clone(),
        }
    }

    /// Signals from the number, the store's evidence and the findings, weighted by the policy.
    fn number_signals(
        &self,
        call: &IncomingCall,
        number: &NumberInfo,
        evidence: Option<&Evidence>,
        findings: &Findings,
    ) -> Vec<Signal> {
        let mut signals = Vec::new();
        match number.kind {
            NumberKind::Invalid => {
                let detail = number.invalid.as_ref().map(InvalidReason::message);
                // A short code no data knows may be a service the data lacks: weak evidence,
                // which alone never silences or blocks (its weight is capped below the
                // policy's silence threshold).
                let unknown_short = number
                    .invalid
                    .as_ref()
                    .is_some_and(InvalidReason::is_unknown_short);
                if unknown_short {
                    let mut signal = self.scored(ReasonCode::UnknownShortNumber, detail);
                    let below_silence = self.policy.thresholds.silence.saturating_sub(1);
                    signal.weight = signal.weight.min(below_silence);
                    signals.push(signal);
                } else {
                    signals.push(self.scored(ReasonCode::InvalidNumber, detail));
                }
            }
            NumberKind::Hidden => {
                let code = match number.presentation {
                    Presentation::Restricted => ReasonCode::Withheld,
                    Presentation::Unavailable => ReasonCode::Unavailable,
                    Presentation::Payphone => ReasonCode::Payphone,
                    Presentation::Unknown | Presentation::Allowed => {
                        ReasonCode::UnknownPresentation
                    }
                };
                signals.push(self.scored(code, None));
            }
            NumberKind::Voip => signals.push(self.scored(ReasonCode::IpPhone, None)),
            NumberKind::Premium if !number.has_flag(NumberFlag::InternationalPremium) => {
                signals.push(self.scored(ReasonCode::Premium, None))
            }
            NumberKind::M2m => signals.push(self.scored(ReasonCode::M2mNumber, None)),
            _ => {}
        }
        if number.international == Some(true) {
            let detail = match number.country {
                Some(c) => same(c.to_string()),
                None => self.texts.detail("international_service").clone(),
            };
            signals.push(self.scored(ReasonCode::International, Some(detail)));
        }
        for flag in &number.flags {
            let code = match flag {
                NumberFlag::InternationalPremium => ReasonCode::InternationalPremium,
                NumberFlag::InternationalNetwork => ReasonCode::InternationalNetwork,
                NumberFlag::OneRingProne => ReasonCode::OneRingProne,
                NumberFlag::MissingPlus => ReasonCode::MissingPlus,
            };
            let detail = (code == ReasonCode::OneRingProne).then(|| {
                same(
                    number
                        .e164
                        .map_or_else(|| number.input.clone(), |n| n.to_string()),
                )
            });
            signals.push(self.scored(code, detail));
        }
        match call.verification {
            Verification::Failed => signals.push(self.scored(ReasonCode::VerificationFailed, None)),
            Verification::Passed => signals.push(Signal {
                code: ReasonCode::VerificationPassed,
                weight: 0,
                detail: None,
                advice: None,
            }),
            Verification::NotVerified => {}
        }
        if let Some(reports) = evidence.and_then(|e| e.reports.as_ref()) {
            let scam = reports
                .categories
                .iter()
                .any(|c| matches!(c, ReportCategory::Scam | ReportCategory::Fraud));
            let code = if scam {
                ReasonCode::Reported
            } else {
                ReasonCode::ReportedNuisance
            };
            // Reports weigh by their decayed weight: one fresh feed report counts once, the
            // user's own report twice, stale ones fade; the rule is `Policy::report_weight`.
            let weight = self.policy.report_weight(scam, reports.weight);
            let key = if reports.total_count == 1 {
                "reports_one"
            } else {
                "reports_many"
            };
            let count = reports.total_count.to_string();
            let detail = LocalText::from_fn(|lang| {
                self.texts.detail(key).render(
                    lang,
                    &[
                        ("count", &count),
                        ("sources", &reports.sources.join(lang.list_separator())),
                    ],
                )
            });
            signals.push(Signal {
                code,
                weight,
                detail: Some(detail),
                advice: None,
            });
        }
        if let Some(calls) = evidence
            .map(|e| e.recent_calls)
            .filter(|&n| n >= self.policy.repeat_caller_min_calls)
        {
            let detail = self
                .texts
                .detail("recent_calls")
                .filled(&[("count", &calls.to_string())]);
            signals.push(self.scored(ReasonCode::RepeatCaller, Some(detail)));
        }
        match &findings.claim {
            Some(ClaimOutcome::Impersonation {
                organisation,
                advice,
            }) => signals.push(Signal {
                advice: Some(advice.clone()),
                ..self.scored(ReasonCode::Impersonation, Some(organisation.clone()))
            }),
            Some(ClaimOutcome::Unverifiable {
                organisation,
                advice,
            }) => signals.push(Signal {
                advice: Some(advice.clone()),
                ..self.scored(ReasonCode::ClaimUnverified, Some(organisation.clone()))
            }),
            Some(ClaimOutcome::Matches { organisation }) => signals.push(Signal {
                code: ReasonCode::ClaimMatches,
                weight: 0,
                detail: Some(organisation.clone()),
                advice: None,
            }),
            None => {}
        }
        if let Some(script) = findings.script.as_ref().filter(|s| s.score > 0) {
            let weight = (u32::from(self.policy.weight(ReasonCode::ScamScript))
                * u32::from(script.score.min(100))
                / 100) as u8;
            signals.push(Signal {
                weight,
                ..self.scored(ReasonCode::ScamScript, Some(script.summary.clone()))
            });
        }
        signals
    }

    /// The signal of a hard rule that applies to the call, if it does.
    fn hard_rule(
        &self,
        rule: &HardRule,
        call: &IncomingCall,
        number: &NumberInfo,
    ) -> Option<Signal> {
        // `{rule}_{verdict}`: one sentence per rule and verdict, for languages whose verbs do
        // not slot into a sentence.
        let verdict = match rule.verdict() {
            Verdict::Block => "block",
            Verdict::Silence => "silence",
            Verdict::Warn | Verdict::Allow => "warn",
        };
        let policy_rule = |name: &str, args: &[(&str, &LocalText)]| {
            let template = self.texts.rule(&format!("{name}_{verdict}"));
            let policy = self.policy.name.as_str();
            Signal {
                code: ReasonCode::PolicyRule,
                weight: 0,
                detail: Some(LocalText::from_fn(|lang| {
                    let mut filled: Vec<(&str, &str)> = vec![("policy", policy)];
                    filled.extend(args.iter().map(|(k, v)| (*k, v.get(lang))));
                    template.render(lang, &filled)
                })),
                advice: None,
            }
        };
        match rule {
            HardRule::International { .. } if number.international == Some(true) => {
                Some(policy_rule("international", &[]))
            }
            HardRule::Hidden { presentations, .. }
                if number.kind == NumberKind::Hidden
                    && presentations.contains(&number.presentation) =>
            {
                let presentation = number.presentation.label();
                Some(policy_rule("hidden", &[("presentation", &presentation)]))
            }
            HardRule::Kind { kinds, .. } if kinds.contains(&number.kind) => {
                Some(policy_rule("kind", &[("kind", &number.kind.label())]))
            }
            HardRule::QuietHours { from, to, .. }
                if call.local_time.is_some_and(|t| t.is_within(*from, *to)) =>
            {
                Some(Signal {
                    code: ReasonCode::QuietHours,
                    weight: 0,
                    detail: Some(same(format!("{from}–{to}"))),
                    advice: None,
                })
            }
            _ => None,
        }
    }

    /// The fail-open answer: the call rings, with a reason saying screening was unavailable.
    pub fn unavailable(&self, number: NumberInfo, why: &str) -> Assessment {
        let signal = Signal {
            code: ReasonCode::ScreeningUnavailable,
            weight: 0,
            detail: Some(same(why.to_owned())),
            advice: None,
        };
        self.decided(number, Verdict::Allow, 0, signal)
    }
}

#[cfg(test)]
mod tests;
