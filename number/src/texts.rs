//! What callguard says about a caller number, in every language (`data/texts.json`): the labels
//! of the kinds of numbers and why a text is no usable number.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use callguard_text::pack::{self, RulePack, Versioned};
use callguard_text::{LocalText, RulePackError};
use serde::Deserialize;

use crate::invalid::InvalidReason;
use crate::kind::NumberKind;
use crate::presentation::Presentation;

const EMBEDDED: &str = include_str!("../data/texts.json");

/// Every text key of `invalid` a reason can ask for.
pub(crate) const INVALID_KEYS: [&str; 13] = [
    "empty",
    "letters",
    "bad_character",
    "misplaced_plus",
    "too_long",
    "too_short",
    "unknown_service_code",
    "unknown_short_number",
    "unassigned_country_code",
    "unassigned_country_code_seen_on_scam_calls",
    "north_american_format",
    "not_in_numbering_plan",
    "not_in_numbering_plan_of",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct TextsFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    kinds: HashMap<NumberKind, LocalText>,
    presentations: HashMap<Presentation, LocalText>,
    invalid: HashMap<String, LocalText>,
}

impl Versioned for TextsFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The number texts, checked: a label for every kind and a message for every reason, in every
/// language.
#[derive(Debug)]
pub struct NumberTexts {
    version: String,
    kinds: HashMap<NumberKind, LocalText>,
    presentations: HashMap<Presentation, LocalText>,
    invalid: HashMap<String, LocalText>,
}

impl RulePack for NumberTexts {
    const NAME: &'static str = "number texts";
    const FORMAT: u32 = 1;
    type File = TextsFile;

    fn compile(file: TextsFile) -> Result<NumberTexts, RulePackError> {
        for kind in NumberKind::ALL {
            file.kinds
                .get(&kind)
                .ok_or_else(|| {
                    RulePackError::new(Self::NAME, format_args!("kinds.{kind}"), "missing")
                })?
                .check(Self::NAME, format_args!("kinds.{kind}"))?;
        }
        for presentation in Presentation::ALL {
            let at = format!("presentations.{presentation}");
            file.presentations
                .get(&presentation)
                .ok_or_else(|| RulePackError::new(Self::NAME, &at, "missing"))?
                .check(Self::NAME, &at)?;
        }
        for key in INVALID_KEYS {
            file.invalid
                .get(key)
                .ok_or_else(|| {
                    RulePackError::new(Self::NAME, format_args!("invalid.{key}"), "missing")
                })?
                .check(Self::NAME, format_args!("invalid.{key}"))?;
        }
        if let Some(key) = file
            .invalid
            .keys()
            .find(|k| !INVALID_KEYS.contains(&k.as_str()))
        {
            return Err(RulePackError::new(
                Self::NAME,
                format_args!("invalid.{key}"),
                "no reason uses this text",
            ));
        }
        Ok(NumberTexts {
            version: file.version,
            kinds: file.kinds,
            presentations: file.presentations,
            invalid: file.invalid,
        })
    }
}

impl NumberTexts {
    /// The texts built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<NumberTexts> {
        static SLOT: OnceLock<Arc<NumberTexts>> = OnceLock::new();
        pack::embedded(&SLOT, EMBEDDED)
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The label of a kind of number ("携帯電話", "mobile").
    pub fn kind(&self, kind: NumberKind) -> &LocalText {
        // `compile` guarantees a label for every kind.
        &self.kinds[&kind]
    }

    /// How a number was presented, in words ("非通知", "withheld").
    pub fn presentation(&self, presentation: Presentation) -> &LocalText {
        // `compile` guarantees a text for every presentation.
        &self.presentations[&presentation]
    }

    /// Why a text is no usable number, in every language.
    pub fn invalid(&self, reason: &InvalidReason) -> LocalText {
        let (key, args) = reason.text_key();
        let arg_refs: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        // `compile` guarantees a text for every key a reason asks for.
        self.invalid[key].filled(&arg_refs)
    }
}

// The words for the number layer's types live with the texts, so those types know nothing of
// the pack and the texts can name every variant.

impl NumberKind {
    /// A short description for people, in every language (from the number texts).
    pub fn label(self) -> LocalText {
        NumberTexts::embedded().kind(self).clone()
    }
}

impl InvalidReason {
    /// The reason in plain words, in every language (from the number texts).
    pub fn message(&self) -> LocalText {
        NumberTexts::embedded().invalid(self)
    }
}

impl Presentation {
    /// How the number was presented, in words, in every language (from the number texts).
    pub fn label(self) -> LocalText {
        NumberTexts::embedded().presentation(self).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_texts_are_complete() {
        let texts = NumberTexts::from_json(EMBEDDED).expect("embedded texts");
        assert!(!texts.version().is_empty());
        let reason = InvalidReason::TooLong { digits: 16 };
        assert_eq!(
            texts.invalid(&reason).get(callguard_text::Lang::EN),
            "16 digits: longer than any phone number (at most 15)"
        );
        let broken = EMBEDDED.replace("\"empty\":", "\"emptty\":");
        let err = NumberTexts::from_json(&broken).expect_err("a missing text");
        assert_eq!(err.location, "invalid.empty");
    }
}
