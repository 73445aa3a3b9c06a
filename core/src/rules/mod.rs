//! Rule packs: versioned data that says what code must not hard-wire.
//!
//! A rule pack is JSON embedded in the binary with `include_str!` and replaceable at run time
//! (an app may ship a newer pack without a new build). Loading checks every entry and names the
//! one that is wrong; a pack that fails to load is never half applied.

pub mod numbering;

use std::fmt;

/// A rule pack could not be loaded: which pack, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule pack {pack}: {location}: {message}")]
pub struct RulePackError {
    /// The pack's name (e.g. `numbering`) or the file it came from.
    pub pack: String,
    /// Where in the pack: a JSON path such as `regions.JP.short_numbers[3]`, or `line 4 column 2`.
    pub location: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl RulePackError {
    pub(crate) fn new(pack: &str, location: impl fmt::Display, message: impl fmt::Display) -> Self {
        RulePackError {
            pack: pack.to_owned(),
            location: location.to_string(),
            message: message.to_string(),
        }
    }

    pub(crate) fn from_json(pack: &str, error: &serde_json::Error) -> Self {
        RulePackError::new(
            pack,
            format_args!("line {} column {}", error.line(), error.column()),
            error,
        )
    }
}

/// Reads a pack's JSON, naming the line and column of a syntax or type error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    pack: &str,
    text: &str,
) -> Result<T, RulePackError> {
    serde_json::from_str(text).map_err(|e| RulePackError::from_json(pack, &e))
}

/// Every pack starts with `"format": N`, the version of its layout; this code reads one.
pub(crate) fn check_format(pack: &str, found: u32, expected: u32) -> Result<(), RulePackError> {
    if found == expected {
        Ok(())
    } else {
        Err(RulePackError::new(
            pack,
            "format",
            format_args!("format {found} is not supported (expected {expected})"),
        ))
    }
}

/// A text in both of the languages callguard speaks to people in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalText {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

impl LocalText {
    /// The text in `lang`.
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Ja => &self.ja,
            crate::Lang::En => &self.en,
        }
    }
}
