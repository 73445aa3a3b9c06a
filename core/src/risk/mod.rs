//! From what callguard knows about a call to a verdict with its reasons.
//!
//! Each signal has a stable [`ReasonCode`]. The [`Policy`] gives each a weight; weights add up
//! to a score of 0 to 100 and the policy's thresholds turn the score into a verdict. What a
//! reason means to people, and what to do about it, is in [`ReasonTexts`].
//!
//! Precedence, highest first: emergency and special service numbers ring; the user's allow list
//! and contacts ring; the user's block list blocks; the policy's hard rules set a verdict at
//! least; scored evidence decides the rest.

mod policy;
mod texts;

pub use policy::{
    pin_weakness, HardRule, Policy, PolicyError, PolicyLock, Thresholds, LOCK_VERSION,
};
pub use texts::ReasonTexts;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::call::{IncomingCall, Verification};
use crate::classify::{NumberFlag, NumberInfo, NumberKind};
use crate::number::{InvalidReason, Presentation};
use crate::rules::LocalText;
use crate::store::{Category, Evidence, ListHit, ListKind};
use crate::Lang;

/// What the phone should do with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Let it ring.
    Allow,
    /// Let it ring, with a warning on screen.
    Warn,
    /// Do not ring; the call is still logged and can be returned.
    Silence,
    /// Reject the call.
    Block,
}

impl Verdict {
    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Silence => "silence",
            Verdict::Block => "block",
        }
    }

    /// A short word for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Verdict::Allow, Lang::En) => "ALLOW",
            (Verdict::Warn, Lang::En) => "WARN",
            (Verdict::Silence, Lang::En) => "SILENCE",
            (Verdict::Block, Lang::En) => "BLOCK",
            (Verdict::Allow, Lang::Ja) => "着信",
            (Verdict::Warn, Lang::Ja) => "注意",
            (Verdict::Silence, Lang::Ja) => "消音",
            (Verdict::Block, Lang::Ja) => "拒否",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable code of a reason. Apps and scripts may rely on these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// An emergency number.
    EmergencyNumber,
    /// A special service number.
    SpecialService,
    /// The caller is in the person's contacts.
    Contact,
    /// The number cannot exist.
    InvalidNumber,
    /// From outside the home region.
    International,
    /// The caller withheld the number.
    Withheld,
    /// The number could not be delivered.
    Unavailable,
    /// The network did not know the number.
    UnknownPresentation,
    /// A payphone.
    Payphone,
    /// An IP phone number.
    IpPhone,
    /// A premium-rate number.
    Premium,
    /// International premium rate.
    InternationalPremium,
    /// An international network or satellite number.
    InternationalNetwork,
    /// A code used by one-ring scams.
    OneRingProne,
    /// A data-only number.
    M2mNumber,
    /// An international number shown without `+`.
    MissingPlus,
    /// STIR/SHAKEN or similar verification failed.
    VerificationFailed,
    /// Verification passed (the number is real, not the caller honest).
    VerificationPassed,
    /// On the user's allow list.
    AllowList,
    /// On the user's block list.
    BlockList,
    /// Reported as a scam or fraud (by the user or a feed).
    Reported,
    /// Reported as a nuisance (spam, telemarketing, robocall, survey, other).
    ReportedNuisance,
    /// Called several times within a short window.
    RepeatCaller,
    /// A hard rule of the policy (block calls from abroad ...).
    PolicyRule,
    /// The policy's quiet hours.
    QuietHours,
    /// The caller claims to be an organisation whose numbers this is not.
    Impersonation,
    /// The caller claims to be an organisation and the number is one of theirs.
    ClaimMatches,
    /// The caller claims to be an organisation that publishes no number to check against.
    ClaimUnverified,
    /// What was said on the call matches scam scripts.
    ScamScript,
    /// Screening could not run; the call rings.
    ScreeningUnavailable,
    /// A short number that is no known service number of the home region (nor an emergency
    /// number anywhere): weak evidence, never enough alone to silence or block.
    UnknownShortNumber,
}

impl ReasonCode {
    /// Every code, in a fixed order.
    pub const ALL: [ReasonCode; 31] = [
        ReasonCode::EmergencyNumber,
        ReasonCode::SpecialService,
        ReasonCode::Contact,
        ReasonCode::InvalidNumber,
        ReasonCode::International,
        ReasonCode::Withheld,
        ReasonCode::Unavailable,
        ReasonCode::UnknownPresentation,
        ReasonCode::Payphone,
        ReasonCode::IpPhone,
        ReasonCode::Premium,
        ReasonCode::InternationalPremium,
        ReasonCode::InternationalNetwork,
        ReasonCode::OneRingProne,
        ReasonCode::M2mNumber,
        ReasonCode::MissingPlus,
        ReasonCode::VerificationFailed,
        ReasonCode::VerificationPassed,
        ReasonCode::AllowList,
        ReasonCode::BlockList,
        ReasonCode::Reported,
        ReasonCode::ReportedNuisance,
        ReasonCode::RepeatCaller,
        ReasonCode::PolicyRule,
        ReasonCode::QuietHours,
        ReasonCode::Impersonation,
        ReasonCode::ClaimMatches,
        ReasonCode::ClaimUnverified,
        ReasonCode::ScamScript,
        ReasonCode::ScreeningUnavailable,
        ReasonCode::UnknownShortNumber,
    ];

    /// The stable name used in JSON and the rule pack.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::EmergencyNumber => "emergency_number",
            ReasonCode::SpecialService => "special_service",
            ReasonCode::Contact => "contact",
            ReasonCode::InvalidNumber => "invalid_number",
            ReasonCode::International => "international",
            ReasonCode::Withheld => "withheld",
            ReasonCode::Unavailable => "unavailable",
            ReasonCode::UnknownPresentation => "unknown_presentation",
            ReasonCode::Payphone => "payphone",
            ReasonCode::IpPhone => "ip_phone",
            ReasonCode::Premium => "premium",
            ReasonCode::InternationalPremium => "international_premium",
            ReasonCode::InternationalNetwork => "international_network",
            ReasonCode::OneRingProne => "one_ring_prone",
            ReasonCode::M2mNumber => "m2m_number",
            ReasonCode::MissingPlus => "missing_plus",
            ReasonCode::VerificationFailed => "verification_failed",
            ReasonCode::VerificationPassed => "verification_passed",
            ReasonCode::AllowList => "allow_list",
            ReasonCode::BlockList => "block_list",
            ReasonCode::Reported => "reported",
            ReasonCode::ReportedNuisance => "reported_nuisance",
            ReasonCode::RepeatCaller => "repeat_caller",
            ReasonCode::PolicyRule => "policy_rule",
            ReasonCode::QuietHours => "quiet_hours",
            ReasonCode::Impersonation => "impersonation",
            ReasonCode::ClaimMatches => "claim_matches",
            ReasonCode::ClaimUnverified => "claim_unverified",
            ReasonCode::ScamScript => "scam_script",
            ReasonCode::ScreeningUnavailable => "screening_unavailable",
            ReasonCode::UnknownShortNumber => "unknown_short_number",
        }
    }
}

impl FromStr for ReasonCode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ReasonCode::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| format!("unknown reason code {text:?}"))
    }
}

/// One reason behind a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// How much it added to the score.
    pub weight: u8,
    /// What it means, in both languages.
    pub message: LocalText,
}

/// The verdict on one call, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// What callguard made of the number.
    pub number: NumberInfo,
    /// What the phone should do.
    pub verdict: Verdict,
    /// 0 (no concern) to 100.
    pub score: u8,
    /// Every reason that counted, heaviest first.
    pub reasons: Vec<Reason>,
    /// A short label for the call ("Impersonation", "International call"), for a
    /// notification's title: the label of the reason that decided.
    pub label: Option<LocalText>,
    /// What the person should do, if anything.
    pub advice: Option<LocalText>,
}

impl Assessment {
    /// Whether a reason with `code` is among the reasons.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

/// What checking the caller's claim against the official directory found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The number is one the organisation publishes (which a spoofer can show too).
    Matches {
        /// The organisation's name.
        organisation: LocalText,
    },
    /// The organisation publishes no number to check a call against (the police call from
    /// many stations): the claim can be neither confirmed nor refuted.
    Unverifiable {
        /// The organisation's name.
        organisation: LocalText,
        /// What to do: the organisation's own advice and the number to call back.
        advice: LocalText,
    },
    /// The number is not one of the organisation's.
    Impersonation {
        /// The organisation's name.
        organisation: LocalText,
        /// What to do instead: the organisation's own advice and the number to call back.
        advice: LocalText,
    },
}

/// What scanning the words heard on the call found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFinding {
    /// 0 to 100: how much the words look like a scam script.
    pub score: u8,
    /// The categories found, for people (e.g. "authority, cut-off of service").
    pub summary: LocalText,
}

/// Findings beyond the number and the store: the caller's claim and the words heard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The claim check, when the caller named an organisation.
    pub claim: Option<ClaimOutcome>,
    /// The script scan, when there was a transcript.
    pub script: Option<ScriptFinding>,
}

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
struct Signal {
    code: ReasonCode,
    weight: u8,
    detail: Option<LocalText>,
    advice: Option<LocalText>,
}

fn same(text: String) -> LocalText {
    LocalText {
        ja: text.clone(),
        en: text,
    }
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

    fn reason(&self, signal: &Signal) -> (Reason, Option<LocalText>) {
        let (message, advice) = self.texts.render(signal.code, signal.detail.as_ref());
        let advice = signal.advice.clone().or_else(|| advice.cloned());
        (
            Reason {
                code: signal.code,
                weight: signal.weight,
                message,
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
        let (reason, advice) = self.reason(&signal);
        Assessment {
            number,
            verdict,
            score,
            label: Some(self.texts.label(reason.code).clone()),
            reasons: vec![reason],
            advice: if verdict == Verdict::Allow {
                None
            } else {
                advice
            },
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
        let mut advice: Option<(u16, LocalText)> = None;
        let mut total: u32 = 0;
        for signal in &signals {
            let (reason, reason_advice) = self.reason(signal);
            total += u32::from(reason.weight);
            if let Some(text) = reason_advice {
                // The most specific advice wins: advice made for this call (the organisation's
                // own number to call back), then the heaviest reason's; a hard rule's advice
                // (quiet hours) only when no weighed reason has any.
                let rank = if signal.advice.is_some() {
                    u16::MAX
                } else if matches!(signal.code, ReasonCode::PolicyRule | ReasonCode::QuietHours) {
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
        let verdict = thresholds.verdict(score);
        // The label names what counted: the heaviest reason that weighed something, else the
        // hard rule that set the verdict; none when nothing was found (a verified number
        // alone is no news).
        let label = reasons
            .iter()
            .find(|r| r.weight > 0)
            .or_else(|| {
                (floor > Verdict::Allow).then(|| {
                    reasons
                        .iter()
                        .find(|r| matches!(r.code, ReasonCode::QuietHours | ReasonCode::PolicyRule))
                })?
            })
            .map(|r| self.texts.label(r.code).clone());
        Assessment {
            number,
            verdict,
            score,
            label,
            reasons,
            advice: if verdict == Verdict::Allow {
                None
            } else {
                advice.map(|(_, text)| text)
            },
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
                let detail = number.invalid.as_ref().map(|r| LocalText {
                    ja: r.message(Lang::Ja),
                    en: r.message(Lang::En),
                });
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
                None => LocalText {
                    ja: "国際番号".into(),
                    en: "an international service".into(),
                },
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
                .any(|c| matches!(c, Category::Scam | Category::Fraud));
            let code = if scam {
                ReasonCode::Reported
            } else {
                ReasonCode::ReportedNuisance
            };
            // Reports weigh by their decayed weight: one fresh feed report counts once, the
            // user's own report twice, stale ones fade; the rule is `Policy::report_weight`.
            let weight = self.policy.report_weight(scam, reports.weight);
            let detail = LocalText {
                ja: format!("{}件・{}", reports.total_count, reports.sources.join("、")),
                en: format!(
                    "{} report{} from {}",
                    reports.total_count,
                    if reports.total_count == 1 { "" } else { "s" },
                    reports.sources.join(", ")
                ),
            };
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
            let detail = LocalText {
                ja: format!("最近{calls}回"),
                en: format!("{calls} recent calls"),
            };
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
        let verb = |verdict: Verdict| match verdict {
            Verdict::Block => ("ブロック", "blocks"),
            Verdict::Silence => ("消音", "silences"),
            _ => ("警告", "warns about"),
        };
        let (ja_verb, en_verb) = verb(rule.verdict());
        let policy_rule = |ja: String, en: String| Signal {
            code: ReasonCode::PolicyRule,
            weight: 0,
            detail: Some(LocalText { ja, en }),
            advice: None,
        };
        match rule {
            HardRule::International { .. } if number.international == Some(true) => {
                Some(policy_rule(
                    format!("連絡先にない海外からの電話は{ja_verb}します"),
                    format!(
                        "the {} policy {en_verb} calls from abroad that are not from contacts",
                        self.policy.name
                    ),
                ))
            }
            HardRule::Hidden { presentations, .. }
                if number.kind == NumberKind::Hidden
                    && presentations.contains(&number.presentation) =>
            {
                Some(policy_rule(
                    format!(
                        "番号を通知しない電話（{}）は{ja_verb}します",
                        number.presentation
                    ),
                    format!(
                        "the {} policy {en_verb} calls without a number ({})",
                        self.policy.name, number.presentation
                    ),
                ))
            }
            HardRule::Kind { kinds, .. } if kinds.contains(&number.kind) => {
                let label = number.kind.label();
                Some(policy_rule(
                    format!("{}の番号は{ja_verb}します", label.ja),
                    format!(
                        "the {} policy {en_verb} {} numbers",
                        self.policy.name, label.en
                    ),
                ))
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
mod tests {
    use super::*;
    use crate::classify::Classifier;
    use crate::region::Region;

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
}
