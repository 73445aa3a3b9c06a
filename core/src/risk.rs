//! From what callguard knows about a call to a verdict with its reasons.
//!
//! Each signal has a stable code, a weight and a message in the risk rule pack
//! (`core/rules/risk.json`). Weights add up to a score of 0 to 100; the pack's thresholds turn
//! the score into a verdict. Precedence comes first: emergency and special service numbers and
//! contacts are allowed whatever the score.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::call::{IncomingCall, Verification};
use crate::classify::{NumberFlag, NumberInfo, NumberKind};
use crate::number::Presentation;
use crate::rules::{LocalText, RulePackError};
use crate::store::{Category, Evidence, ListHit, ListKind};
use crate::Lang;

const PACK: &str = "risk";
const EMBEDDED: &str = include_str!("../rules/risk.json");
const FORMAT: u32 = 1;

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
    /// Screening could not run; the call rings.
    ScreeningUnavailable,
}

impl ReasonCode {
    /// Every code, in a fixed order.
    pub const ALL: [ReasonCode; 24] = [
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
        ReasonCode::ScreeningUnavailable,
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
            ReasonCode::ScreeningUnavailable => "screening_unavailable",
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
    /// What the person should do, if anything.
    pub advice: Option<LocalText>,
}

impl Assessment {
    /// Whether a reason with `code` is among the reasons.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    warn: u8,
    silence: u8,
    block: u8,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Signal {
    weight: u8,
    message: LocalText,
    #[serde(default)]
    advice: Option<LocalText>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    thresholds: Thresholds,
    /// Calls within the store's recent window that make a repeat caller.
    repeat_caller_min_calls: u32,
    signals: HashMap<String, Signal>,
}

/// The risk rule pack: weights, messages and thresholds.
#[derive(Debug)]
pub struct RiskRules {
    version: String,
    thresholds: Thresholds,
    repeat_caller_min_calls: u32,
    signals: HashMap<ReasonCode, Signal>,
}

impl RiskRules {
    /// The pack built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<RiskRules> {
        static RULES: OnceLock<Arc<RiskRules>> = OnceLock::new();
        RULES
            .get_or_init(|| {
                // Checked by a unit test, so this cannot fail in a release.
                Arc::new(
                    RiskRules::from_json(EMBEDDED).unwrap_or_else(|err| {
                        panic!("the embedded risk rule pack is invalid: {err}")
                    }),
                )
            })
            .clone()
    }

    /// Reads and checks a pack from JSON text: every reason code needs an entry, thresholds
    /// must rise, and nothing unknown may appear.
    pub fn from_json(text: &str) -> Result<RiskRules, RulePackError> {
        let file: PackFile =
            serde_json::from_str(text).map_err(|e| RulePackError::from_json(PACK, &e))?;
        if file.format != FORMAT {
            return Err(RulePackError::new(
                PACK,
                "format",
                format_args!(
                    "format {} is not supported (expected {FORMAT})",
                    file.format
                ),
            ));
        }
        let t = &file.thresholds;
        if !(0 < t.warn && t.warn <= t.silence && t.silence <= t.block && t.block <= 100) {
            return Err(RulePackError::new(
                PACK,
                "thresholds",
                "need 0 < warn <= silence <= block <= 100",
            ));
        }
        let mut signals = HashMap::new();
        for (name, signal) in file.signals {
            let code: ReasonCode = name
                .parse()
                .map_err(|e| RulePackError::new(PACK, format_args!("signals.{name}"), e))?;
            if signal.weight > 100 {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("signals.{name}.weight"),
                    "a weight is 0 to 100",
                ));
            }
            signals.insert(code, signal);
        }
        if let Some(missing) = ReasonCode::ALL.iter().find(|c| !signals.contains_key(c)) {
            return Err(RulePackError::new(
                PACK,
                format_args!("signals.{}", missing.as_str()),
                "missing",
            ));
        }
        if file.repeat_caller_min_calls < 2 {
            return Err(RulePackError::new(
                PACK,
                "repeat_caller_min_calls",
                "a repeat caller has called at least twice",
            ));
        }
        Ok(RiskRules {
            version: file.version,
            thresholds: file.thresholds,
            repeat_caller_min_calls: file.repeat_caller_min_calls,
            signals,
        })
    }

    /// The pack's version string.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn verdict_for(&self, score: u8) -> Verdict {
        let t = &self.thresholds;
        if score >= t.block {
            Verdict::Block
        } else if score >= t.silence {
            Verdict::Silence
        } else if score >= t.warn {
            Verdict::Warn
        } else {
            Verdict::Allow
        }
    }

    fn reason(&self, code: ReasonCode, detail: Option<&LocalText>) -> (Reason, Option<LocalText>) {
        // `from_json` guarantees an entry for every code.
        let signal = &self.signals[&code];
        let fill = |text: &str, lang: Lang| match detail {
            Some(d) => text.replace("{detail}", d.get(lang)),
            None => text
                .replace(" ({detail})", "")
                .replace("（{detail}）", "")
                .replace("{detail}", ""),
        };
        let message = LocalText {
            ja: fill(&signal.message.ja, Lang::Ja),
            en: fill(&signal.message.en, Lang::En),
        };
        (
            Reason {
                code,
                weight: signal.weight,
                message,
            },
            signal.advice.clone(),
        )
    }

    /// Assesses a call whose number has been classified, with what the store knows about the
    /// number (`None` when there is no store or the number has no E.164 form).
    ///
    /// Precedence, highest first: emergency and special service numbers ring; the user's allow
    /// list and contacts ring; the user's block list blocks; then the evidence is scored.
    pub fn assess(
        &self,
        call: &IncomingCall,
        number: NumberInfo,
        evidence: Option<&Evidence>,
    ) -> Assessment {
        let mut signals: Vec<(ReasonCode, Option<LocalText>)> = Vec::new();
        let list_hit = evidence.and_then(|e| e.list.as_ref());
        let list_detail = |hit: &ListHit| {
            let text = hit.label.clone().unwrap_or_else(|| hit.pattern.to_string());
            LocalText {
                ja: text.clone(),
                en: text,
            }
        };

        let protected = match number.kind {
            NumberKind::Emergency => Some((ReasonCode::EmergencyNumber, number.service.clone())),
            NumberKind::Special => Some((ReasonCode::SpecialService, number.service.clone())),
            _ => match list_hit {
                Some(hit) if hit.list == ListKind::Allow => {
                    Some((ReasonCode::AllowList, Some(list_detail(hit))))
                }
                _ if call.is_contact => Some((ReasonCode::Contact, None)),
                _ => None,
            },
        };
        if let Some((code, detail)) = protected {
            let (reason, _) = self.reason(code, detail.as_ref());
            return Assessment {
                number,
                verdict: Verdict::Allow,
                score: 0,
                reasons: vec![reason],
                advice: None,
            };
        }
        if let Some(hit) = list_hit.filter(|h| h.list == ListKind::Block) {
            let (reason, advice) = self.reason(ReasonCode::BlockList, Some(&list_detail(hit)));
            return Assessment {
                number,
                verdict: Verdict::Block,
                score: 100,
                reasons: vec![reason],
                advice,
            };
        }

        match number.kind {
            NumberKind::Invalid => {
                let detail = number.invalid.as_ref().map(|r| LocalText {
                    ja: r.message(Lang::Ja),
                    en: r.message(Lang::En),
                });
                signals.push((ReasonCode::InvalidNumber, detail));
            }
            NumberKind::Hidden => signals.push((
                match number.presentation {
                    Presentation::Restricted => ReasonCode::Withheld,
                    Presentation::Unavailable => ReasonCode::Unavailable,
                    Presentation::Payphone => ReasonCode::Payphone,
                    Presentation::Unknown | Presentation::Allowed => {
                        ReasonCode::UnknownPresentation
                    }
                },
                None,
            )),
            NumberKind::Voip => signals.push((ReasonCode::IpPhone, None)),
            NumberKind::Premium if !number.has_flag(NumberFlag::InternationalPremium) => {
                signals.push((ReasonCode::Premium, None))
            }
            NumberKind::M2m => signals.push((ReasonCode::M2mNumber, None)),
            _ => {}
        }
        if number.international == Some(true) {
            let detail = match number.country {
                Some(c) => LocalText {
                    ja: c.to_string(),
                    en: c.to_string(),
                },
                None => LocalText {
                    ja: "国際番号".into(),
                    en: "an international service".into(),
                },
            };
            signals.push((ReasonCode::International, Some(detail)));
        }
        for flag in &number.flags {
            let code = match flag {
                NumberFlag::InternationalPremium => ReasonCode::InternationalPremium,
                NumberFlag::InternationalNetwork => ReasonCode::InternationalNetwork,
                NumberFlag::OneRingProne => ReasonCode::OneRingProne,
                NumberFlag::MissingPlus => ReasonCode::MissingPlus,
            };
            let detail = (code == ReasonCode::OneRingProne).then(|| {
                let text = number
                    .e164
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| number.input.clone());
                LocalText {
                    ja: text.clone(),
                    en: text,
                }
            });
            signals.push((code, detail));
        }
        match call.verification {
            Verification::Failed => signals.push((ReasonCode::VerificationFailed, None)),
            Verification::Passed => signals.push((ReasonCode::VerificationPassed, None)),
            Verification::NotVerified => {}
        }
        // Reports weigh by their decayed weight: one fresh feed report counts once, the user's
        // own report twice, stale ones fade (see `ReportSummary::weight`); capped at twice.
        let mut report_scale = 1.0;
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
            report_scale = reports.weight.clamp(0.0, 2.0);
            let detail = LocalText {
                ja: format!("{}件・{}", reports.total_count, reports.sources.join("、")),
                en: format!(
                    "{} report{} from {}",
                    reports.total_count,
                    if reports.total_count == 1 { "" } else { "s" },
                    reports.sources.join(", ")
                ),
            };
            signals.push((code, Some(detail)));
        }
        if let Some(calls) = evidence
            .map(|e| e.recent_calls)
            .filter(|&n| n >= self.repeat_caller_min_calls)
        {
            let detail = LocalText {
                ja: format!("最近{calls}回"),
                en: format!("{calls} recent calls"),
            };
            signals.push((ReasonCode::RepeatCaller, Some(detail)));
        }

        let mut reasons = Vec::with_capacity(signals.len());
        let mut advice = None;
        let mut best_advice_weight = 0;
        let mut total: u32 = 0;
        for (code, detail) in signals {
            let (mut reason, reason_advice) = self.reason(code, detail.as_ref());
            if matches!(code, ReasonCode::Reported | ReasonCode::ReportedNuisance) {
                reason.weight = (f64::from(reason.weight) * report_scale).round().min(100.0) as u8;
            }
            total += u32::from(reason.weight);
            if reason_advice.is_some() && (advice.is_none() || reason.weight > best_advice_weight) {
                best_advice_weight = reason.weight;
                advice = reason_advice;
            }
            reasons.push(reason);
        }
        reasons.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(&b.code)));
        let score = total.min(100) as u8;
        let verdict = self.verdict_for(score);
        Assessment {
            number,
            verdict,
            score,
            reasons,
            advice: if verdict == Verdict::Allow {
                None
            } else {
                advice
            },
        }
    }

    /// The fail-open answer: the call rings, with a reason saying screening was unavailable.
    pub fn unavailable(&self, number: NumberInfo, why: &str) -> Assessment {
        let detail = LocalText {
            ja: why.to_owned(),
            en: why.to_owned(),
        };
        let (reason, _) = self.reason(ReasonCode::ScreeningUnavailable, Some(&detail));
        Assessment {
            number,
            verdict: Verdict::Allow,
            score: 0,
            reasons: vec![reason],
            advice: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_pack_loads_and_covers_every_code() {
        let rules = RiskRules::from_json(EMBEDDED).expect("embedded risk pack");
        for code in ReasonCode::ALL {
            assert!(rules.signals.contains_key(&code), "{code:?}");
            assert_eq!(code.as_str().parse::<ReasonCode>(), Ok(code));
        }
    }

    #[test]
    fn verdict_thresholds() {
        let rules = RiskRules::embedded();
        assert_eq!(rules.verdict_for(0), Verdict::Allow);
        assert_eq!(rules.verdict_for(29), Verdict::Allow);
        assert_eq!(rules.verdict_for(30), Verdict::Warn);
        assert_eq!(rules.verdict_for(60), Verdict::Silence);
        assert_eq!(rules.verdict_for(80), Verdict::Block);
        assert_eq!(rules.verdict_for(100), Verdict::Block);
    }

    #[test]
    fn bad_packs_are_named() {
        let err = RiskRules::from_json(&EMBEDDED.replace("\"warn\": 30", "\"warn\": 90"))
            .expect_err("thresholds out of order");
        assert_eq!(err.location, "thresholds");
        let err = RiskRules::from_json(&EMBEDDED.replace("\"payphone\": {", "\"payfone\": {"))
            .expect_err("unknown code");
        assert_eq!(err.location, "signals.payfone");
        let err = RiskRules::from_json(&EMBEDDED.replace("\"weight\": 90", "\"weight\": 190"))
            .expect_err("weight too big");
        assert_eq!(err.location, "signals.invalid_number.weight");
    }
}
