//! A complete international number as one integer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// E.164 allows at most 15 digits, country code included.
pub const MAX_E164_DIGITS: usize = 15;

/// A complete international number: the E.164 digits (country code first) as one integer.
///
/// The first digit of a country code is never 0, so the integer keeps every digit; at most 15
/// digits fit comfortably in 64 bits. This is the key of every per-number table and the entry
/// format of iOS's Call Directory.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct E164(u64);

impl E164 {
    /// From the digits without `+`: 1 to 15 ASCII digits, the first not 0.
    pub fn from_digits(digits: &str) -> Option<E164> {
        let bytes = digits.as_bytes();
        if bytes.is_empty()
            || bytes.len() > MAX_E164_DIGITS
            || bytes[0] == b'0'
            || !bytes.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        digits.parse().ok().map(E164)
    }

    /// From the integer form (as stored in the database or handed to iOS).
    pub fn from_u64(value: u64) -> Option<E164> {
        (value > 0 && value < 10u64.pow(MAX_E164_DIGITS as u32)).then_some(E164(value))
    }

    /// The integer form.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The integer form as iOS's Call Directory wants it.
    pub fn as_i64(self) -> i64 {
        // At most 15 digits, far below i64::MAX.
        self.0 as i64
    }

    /// The digits without `+`.
    pub fn digits(self) -> String {
        self.0.to_string()
    }

    /// How many digits the number has.
    pub fn digit_count(self) -> usize {
        self.0.checked_ilog10().map_or(1, |l| l as usize + 1)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.0)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164(+{})", self.0)
    }
}

impl From<E164> for String {
    fn from(value: E164) -> String {
        value.to_string()
    }
}

impl TryFrom<String> for E164 {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl FromStr for E164 {
    type Err = String;

    /// Strict: `+` and the digits, nothing else. Use [`normalize`] for text a person wrote.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.strip_prefix('+')
            .and_then(E164::from_digits)
            .ok_or_else(|| format!("{text:?} is not an E.164 number (+ and 1 to 15 digits)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_round_trips() {
        let n = E164::from_digits("819012345678").expect("valid");
        assert_eq!(n.to_string(), "+819012345678");
        assert_eq!(n.digit_count(), 12);
        assert_eq!("+819012345678".parse::<E164>(), Ok(n));
        assert_eq!(E164::from_u64(n.as_u64()), Some(n));
        assert!(E164::from_digits("0123").is_none());
        assert!(E164::from_digits("1234567890123456").is_none());
        assert!("819012345678".parse::<E164>().is_err());
    }
}
