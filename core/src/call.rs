//! One incoming call as a phone's shell reports it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use callguard_number::Presentation;

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

/// A local wall-clock time of day, for quiet hours. The shell knows the phone's time zone; the
/// core does not need to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime {
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
}

impl LocalTime {
    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }

    /// Whether the time falls in `[from, to)`, across midnight when `from` is later than `to`.
    pub fn is_within(self, from: LocalTime, to: LocalTime) -> bool {
        let (t, a, b) = (self.minutes(), from.minutes(), to.minutes());
        if a <= b {
            a <= t && t < b
        } else {
            t >= a || t < b
        }
    }
}

impl FromStr for LocalTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not a time of day (HH:MM, 00:00 to 23:59)");
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 || m.len() != 2 {
            return Err(bad());
        }
        Ok(LocalTime { hour, minute })
    }
}

impl TryFrom<String> for LocalTime {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<LocalTime> for String {
    fn from(t: LocalTime) -> String {
        t.to_string()
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
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
    /// The local time the call came in, for quiet hours (none: quiet hours do not apply).
    pub local_time: Option<LocalTime>,
    /// Who the caller says they are ("総務省", "the police"), if known.
    pub claims: Option<String>,
    /// What was heard on the call or left as a message, if known.
    pub transcript: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times() {
        let t = |s: &str| s.parse::<LocalTime>().expect(s);
        assert_eq!(t("07:05").to_string(), "07:05");
        for bad in ["24:00", "7", "07:5", "07:60", "x:00", ""] {
            assert!(bad.parse::<LocalTime>().is_err(), "{bad}");
        }
        let (night, morning) = (t("21:00"), t("07:00"));
        assert!(t("23:30").is_within(night, morning));
        assert!(t("00:00").is_within(night, morning));
        assert!(t("06:59").is_within(night, morning));
        assert!(!t("07:00").is_within(night, morning));
        assert!(!t("12:00").is_within(night, morning));
        assert!(t("12:00").is_within(t("09:00"), t("17:00")));
        assert!(!t("17:00").is_within(t("09:00"), t("17:00")));
    }
}
