//! How the network presented the caller's number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How the network presented the caller's number, as Android's `Call.Details` and Japanese
/// caller-ID displays tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    /// The number is shown.
    #[default]
    Allowed,
    /// The caller withheld the number (非通知, "Anonymous", "Private").
    Restricted,
    /// The network does not know the number.
    Unknown,
    /// A payphone (公衆電話).
    Payphone,
    /// The number could not be delivered (表示圏外), often a call from abroad.
    Unavailable,
}

impl Presentation {
    /// The stable name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Presentation::Allowed => "allowed",
            Presentation::Restricted => "restricted",
            Presentation::Unknown => "unknown",
            Presentation::Payphone => "payphone",
            Presentation::Unavailable => "unavailable",
        }
    }

    /// All presentations, in a fixed order.
    pub const ALL: [Presentation; 5] = [
        Presentation::Allowed,
        Presentation::Restricted,
        Presentation::Unknown,
        Presentation::Payphone,
        Presentation::Unavailable,
    ];
}

impl FromStr for Presentation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Presentation::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown presentation {text:?}: expected allowed, restricted, unknown, payphone or unavailable"
                )
            })
    }
}

impl fmt::Display for Presentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
