//! The one loader every rule pack uses.
//!
//! A rule pack is JSON embedded in the binary and replaceable at run time (an app may ship a
//! newer pack without a new build). Loading checks every entry and names the one that is wrong;
//! a pack that fails to load is never half applied. [`RulePack`] is the shape each pack's owner
//! implements: its name, the format its code reads, and how the parsed file becomes the
//! checked, indexed pack; [`RulePack::from_json`] and [`embedded`] do the rest the same way for
//! every pack.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;

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
    /// An error in `pack` at `location`.
    pub fn new(pack: &str, location: impl fmt::Display, message: impl fmt::Display) -> Self {
        RulePackError {
            pack: pack.to_owned(),
            location: location.to_string(),
            message: message.to_string(),
        }
    }

    /// A JSON syntax or type error, located by line and column.
    pub fn from_json(pack: &str, error: &serde_json::Error) -> Self {
        RulePackError::new(
            pack,
            format_args!("line {} column {}", error.line(), error.column()),
            error,
        )
    }
}

/// What a pack's file says about its layout: every pack starts with `"format": N`.
pub trait Versioned {
    /// The file's format number.
    fn format(&self) -> u32;
}

/// A rule pack: a JSON file with a format number, checked and indexed on load.
pub trait RulePack: Sized + Send + Sync + 'static {
    /// The pack's name in errors (`numbering`, `reasons` ...).
    const NAME: &'static str;
    /// The format this code reads.
    const FORMAT: u32;
    /// The file as parsed.
    type File: DeserializeOwned + Versioned;

    /// Checks the parsed file and builds the pack; errors name the entry that is wrong.
    fn compile(file: Self::File) -> Result<Self, RulePackError>;

    /// Reads and checks a pack from JSON text.
    fn from_json(text: &str) -> Result<Self, RulePackError> {
        let file: Self::File = parse_json(Self::NAME, text)?;
        check_format(Self::NAME, file.format(), Self::FORMAT)?;
        Self::compile(file)
    }
}

/// The embedded pack in `slot`, parsed from `json` on first use and then shared. Embedded packs
/// are checked by their owners' unit tests, so a failure here is a build bug and panics.
pub fn embedded<P: RulePack>(slot: &'static OnceLock<Arc<P>>, json: &str) -> Arc<P> {
    slot.get_or_init(|| {
        Arc::new(
            P::from_json(json)
                .unwrap_or_else(|err| panic!("the embedded {} pack is invalid: {err}", P::NAME)),
        )
    })
    .clone()
}

/// Like [`embedded`], for a pack that loads itself: `load` reads and checks the embedded JSON.
pub fn embedded_with<T: Send + Sync + 'static>(
    slot: &'static OnceLock<Arc<T>>,
    name: &str,
    load: impl FnOnce() -> Result<T, RulePackError>,
) -> Arc<T> {
    slot.get_or_init(|| {
        Arc::new(load().unwrap_or_else(|err| panic!("the embedded {name} pack is invalid: {err}")))
    })
    .clone()
}

/// Reads a pack's JSON, naming the line and column of a syntax or type error.
pub fn parse_json<T: DeserializeOwned>(pack: &str, text: &str) -> Result<T, RulePackError> {
    serde_json::from_str(text).map_err(|e| RulePackError::from_json(pack, &e))
}

/// Every pack starts with `"format": N`, the version of its layout; this code reads one.
pub fn check_format(pack: &str, found: u32, expected: u32) -> Result<(), RulePackError> {
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
