//! ISO 3166-1 alpha-2 region codes, as used for the home region and a number's country.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A region (country or territory) named by its ISO 3166-1 alpha-2 code, e.g. `JP`, `US`.
///
/// Only regions that have a telephone numbering plan in the metadata are accepted, so a
/// `Region` can always be used to parse national numbers.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region([u8; 2]);

/// The text given for a region is not a known ISO 3166-1 alpha-2 code with a numbering plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region {0:?}: expected an ISO 3166-1 alpha-2 code such as JP or US")]
pub struct UnknownRegion(pub String);

impl Region {
    /// Japan, where callguard starts.
    pub const JP: Region = Region(*b"JP");
    /// The United States.
    pub const US: Region = Region(*b"US");
    /// The United Kingdom.
    pub const GB: Region = Region(*b"GB");

    /// Every region with a numbering plan, in code order.
    pub fn all() -> impl Iterator<Item = Region> {
        crate::plan::region_ids()
            .iter()
            .filter_map(|id| id.parse().ok())
    }

    /// The two-letter code, upper case.
    pub fn as_str(&self) -> &str {
        // Constructed only from validated ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(UnknownRegion(text.to_owned()));
        }
        let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
        let code = std::str::from_utf8(&upper).map_err(|_| UnknownRegion(text.to_owned()))?;
        if !crate::plan::is_region_id(code) {
            return Err(UnknownRegion(text.to_owned()));
        }
        Ok(Region(upper))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.as_str())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_codes_case_insensitively() {
        assert_eq!(
            "jp".parse::<Region>().map(|r| r.to_string()),
            Ok("JP".to_owned())
        );
        assert_eq!(" US ".parse::<Region>(), Ok(Region::US));
    }

    #[test]
    fn rejects_unknown_codes() {
        for bad in ["", "J", "JPN", "ZZ", "1A", "日本"] {
            assert!(bad.parse::<Region>().is_err(), "{bad:?} should be rejected");
        }
    }
}
