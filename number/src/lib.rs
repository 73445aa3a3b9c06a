//! callguard-number: what a caller number is.
//!
//! Caller-ID text in, a [`NumberInfo`] out, never an error: [`parse`](mod@parse) reads any text a
//! phone shows (spacing, `+`, dial prefixes, full width, `tel:` URIs, display words) into a
//! hidden presentation, a short number, an international or national number or an invalid text
//! with the reason; [`Classifier`] classifies it with every region's numbering plan and short
//! numbers from libphonenumber ([`plan`], embedded at build time) and the numbering rule pack
//! ([`numbering`]: what libphonenumber lacks). No storage and no risk here: the core builds on
//! this.

mod classify;
mod e164;
mod info;
mod invalid;
mod kind;
pub mod numbering;
pub mod parse;
mod plan;
mod presentation;
mod region;
mod texts;

pub use classify::Classifier;
pub use e164::{E164, MAX_E164_DIGITS};
pub use info::NumberInfo;
pub use invalid::InvalidReason;
pub use kind::{NumberFlag, NumberKind};
pub use numbering::NumberingRules;
pub use parse::{DialPrefix, Parsed, ParsedNumber};
pub use plan::libphonenumber_version;
pub use presentation::Presentation;
pub use region::{Region, UnknownRegion};
pub use texts::NumberTexts;
