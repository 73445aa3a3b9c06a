//! Why a call got its verdict: stable reason codes, the reasons of one assessment and the advice,
//! all language-neutral (the words are in the reason texts).

use std::str::FromStr;

use callguard_text::LocalText;
use serde::{Deserialize, Serialize};

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

/// One reason behind a verdict: what counted and how much. What it means to people is in the
/// reason texts, rendered in a language when asked ([`Assessment::explain`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// How much it added to the score.
    pub weight: u8,
    /// What fills the message's `{detail}` (the organisation claimed, the country, the
    /// reports), in every language; none: the message without it.
    pub detail: Option<LocalText>,
}

/// What the person should do about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// The advice of a reason, from the reason texts.
    Reason(ReasonCode),
    /// Advice made for this call: the organisation's own advice and number to call back.
    Text(LocalText),
}
