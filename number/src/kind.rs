//! The kind of a caller number, and facts worth knowing beyond it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of a caller number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// A mobile phone.
    Mobile,
    /// A fixed line.
    Fixed,
    /// Fixed or mobile: the plan does not tell (North America).
    FixedOrMobile,
    /// An IP phone (Japan's 050).
    Voip,
    /// Free for the caller to dial (0120, 0800, 1-800).
    TollFree,
    /// Premium rate, including international premium rate (+979).
    Premium,
    /// Shared cost (Japan's 0570 navi-dial).
    SharedCost,
    /// A universal access (company) number.
    Uan,
    /// A personal number that forwards elsewhere.
    Personal,
    /// A pager.
    Pager,
    /// A machine-to-machine data line, odd on a voice call.
    M2m,
    /// Voicemail access.
    Voicemail,
    /// An emergency number (110, 119, 112, 911, 999 ...). Never blocked.
    Emergency,
    /// A special service number (188, #9110, 171 ...). Never blocked.
    Special,
    /// Not a usable number: evidence of spoofing.
    Invalid,
    /// No number was presented.
    Hidden,
}

impl NumberKind {
    /// Every kind, in a fixed order.
    pub const ALL: [NumberKind; 16] = [
        NumberKind::Mobile,
        NumberKind::Fixed,
        NumberKind::FixedOrMobile,
        NumberKind::Voip,
        NumberKind::TollFree,
        NumberKind::Premium,
        NumberKind::SharedCost,
        NumberKind::Uan,
        NumberKind::Personal,
        NumberKind::Pager,
        NumberKind::M2m,
        NumberKind::Voicemail,
        NumberKind::Emergency,
        NumberKind::Special,
        NumberKind::Invalid,
        NumberKind::Hidden,
    ];

    /// The stable name used in JSON and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Mobile => "mobile",
            NumberKind::Fixed => "fixed",
            NumberKind::FixedOrMobile => "fixed_or_mobile",
            NumberKind::Voip => "voip",
            NumberKind::TollFree => "toll_free",
            NumberKind::Premium => "premium",
            NumberKind::SharedCost => "shared_cost",
            NumberKind::Uan => "uan",
            NumberKind::Personal => "personal",
            NumberKind::Pager => "pager",
            NumberKind::M2m => "m2m",
            NumberKind::Voicemail => "voicemail",
            NumberKind::Emergency => "emergency",
            NumberKind::Special => "special",
            NumberKind::Invalid => "invalid",
            NumberKind::Hidden => "hidden",
        }
    }

    /// Emergency and special service numbers: never blocked, whatever a list or feed says.
    pub fn is_protected(self) -> bool {
        matches!(self, NumberKind::Emergency | NumberKind::Special)
    }

    /// Kinds a range of full-length numbers can have (not short, hidden or invalid).
    pub fn is_number_range_kind(self) -> bool {
        !matches!(
            self,
            NumberKind::Emergency | NumberKind::Special | NumberKind::Invalid | NumberKind::Hidden
        )
    }
}

impl fmt::Display for NumberKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NumberKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        NumberKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| format!("unknown number kind {text:?}"))
    }
}

/// Something worth knowing about a number beyond its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberFlag {
    /// International premium rate (+979): calling back costs a lot.
    InternationalPremium,
    /// An international network or satellite service (+870, +881, +882, +883).
    InternationalNetwork,
    /// A code used by one-ring (wangiri) scams that want a costly call back.
    OneRingProne,
    /// An international number shown without `+` or an international prefix.
    MissingPlus,
}

impl NumberFlag {
    /// The stable name used in JSON and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberFlag::InternationalPremium => "international_premium",
            NumberFlag::InternationalNetwork => "international_network",
            NumberFlag::OneRingProne => "one_ring_prone",
            NumberFlag::MissingPlus => "missing_plus",
        }
    }
}
