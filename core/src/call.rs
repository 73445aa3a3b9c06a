//! One incoming call as a phone's shell reports it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::number::Presentation;

/// Whether the network verified the caller's number (STIR/SHAKEN; Android's
/// `getCallerNumberVerificationStatus()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// Not verified (the usual case, and always outside STIR/SHAKEN networks).
    #[default]
    NotVerified,
    /// Verified: the number is not spoofed. Says nothing about the caller's honesty.
    Passed,
    /// Verification failed: the number is likely spoofed.
    Failed,
}

impl Verification {
    /// The stable name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::NotVerified => "not-verified",
            Verification::Passed => "passed",
            Verification::Failed => "failed",
        }
    }
}

impl FromStr for Verification {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Verification::NotVerified,
            Verification::Passed,
            Verification::Failed,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            format!("unknown verification {text:?}: expected passed, failed or not-verified")
        })
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incoming call to screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncomingCall {
    /// The caller's number as shown (`tel:` URI, national or international text), if any.
    pub number: Option<String>,
    /// How the network presented the number.
    pub presentation: Presentation,
    /// Whether the network verified the number.
    pub verification: Verification,
    /// Whether the number is in the person's contacts (the shell knows, the core does not).
    pub is_contact: bool,
}

impl IncomingCall {
    /// A call from `number`, shown normally, not verified, not a contact.
    pub fn from_number(number: impl Into<String>) -> IncomingCall {
        IncomingCall {
            number: Some(number.into()),
            ..IncomingCall::default()
        }
    }
}
