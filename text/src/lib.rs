//! callguard-text: what every layer of callguard shares to speak to people and to load its data.
//!
//! - [`Lang`]: a language callguard speaks, one of those listed in `data/languages.json`.
//! - [`LocalText`]: one text in every language, keyed by language, with `{name}` placeholders;
//!   adding a language is a data change.
//! - [`pack`]: the one loader every rule pack uses (format check, errors that name the entry,
//!   embedded packs parsed once).
//! - [`fold`]: how words typed by people and words in packs are compared.

pub mod fold;
mod lang;
mod local;
pub mod pack;

pub use fold::fold;
pub use lang::{Lang, UnknownLang};
pub use local::LocalText;
pub use pack::RulePackError;
