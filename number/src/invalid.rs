//! Why a text is not a usable caller number.

use serde::Serialize;

use crate::region::Region;

/// Why a text is not a usable caller number. For a screener this is evidence of spoofing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum InvalidReason {
    /// Nothing but spaces or punctuation.
    Empty,
    /// Letters where digits should be.
    Letters,
    /// A character no phone number contains.
    BadCharacter {
        /// The character.
        character: char,
    },
    /// A `+` that is not at the start.
    MisplacedPlus,
    /// More digits than any phone number has.
    TooLong {
        /// How many digits there were.
        digits: usize,
    },
    /// Fewer digits than a phone number in the region has, and not a known service number.
    TooShort {
        /// How many digits there were.
        digits: usize,
    },
    /// A `*` or `#` code that is not a known service number.
    UnknownServiceCode,
    /// A few digits that are not a short number of the home region (nor an emergency number
    /// anywhere): perhaps a service the data does not know, perhaps a fake. Weak evidence.
    UnknownShortNumber {
        /// How many digits there were.
        digits: usize,
    },
    /// A country code that is not assigned to anyone.
    UnassignedCountryCode {
        /// The code.
        country_code: u16,
        /// Whether it is one of the codes seen as fake caller IDs on scam calls.
        seen_on_scam_calls: bool,
    },
    /// A North American (+1) number whose area code starts with 0 or 1 or whose length is not 10.
    NorthAmericanFormat,
    /// A number the country's numbering plan does not have (unallocated range or wrong length).
    NotInNumberingPlan {
        /// The country whose plan was consulted.
        country: Option<Region>,
    },
}

impl InvalidReason {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            InvalidReason::Empty => "empty",
            InvalidReason::Letters => "letters",
            InvalidReason::BadCharacter { .. } => "bad_character",
            InvalidReason::MisplacedPlus => "misplaced_plus",
            InvalidReason::TooLong { .. } => "too_long",
            InvalidReason::TooShort { .. } => "too_short",
            InvalidReason::UnknownServiceCode => "unknown_service_code",
            InvalidReason::UnknownShortNumber { .. } => "unknown_short_number",
            InvalidReason::UnassignedCountryCode { .. } => "unassigned_country_code",
            InvalidReason::NorthAmericanFormat => "north_american_format",
            InvalidReason::NotInNumberingPlan { .. } => "not_in_numbering_plan",
        }
    }

    /// Whether the text was a short code no data knows (`unknown_short_number`,
    /// `unknown_service_code`): weak evidence, unlike a number that cannot exist.
    pub fn is_unknown_short(&self) -> bool {
        matches!(
            self,
            InvalidReason::UnknownShortNumber { .. } | InvalidReason::UnknownServiceCode
        )
    }

    /// The key of this reason's text and the values of its placeholders.
    pub(crate) fn text_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            InvalidReason::BadCharacter { character } => {
                ("bad_character", vec![("character", character.to_string())])
            }
            InvalidReason::TooLong { digits } => ("too_long", vec![("digits", digits.to_string())]),
            InvalidReason::TooShort { digits } => {
                ("too_short", vec![("digits", digits.to_string())])
            }
            InvalidReason::UnknownShortNumber { digits } => {
                ("unknown_short_number", vec![("digits", digits.to_string())])
            }
            InvalidReason::UnassignedCountryCode {
                country_code,
                seen_on_scam_calls,
            } => (
                if *seen_on_scam_calls {
                    "unassigned_country_code_seen_on_scam_calls"
                } else {
                    "unassigned_country_code"
                },
                vec![("country_code", country_code.to_string())],
            ),
            InvalidReason::NotInNumberingPlan {
                country: Some(country),
            } => (
                "not_in_numbering_plan_of",
                vec![("country", country.to_string())],
            ),
            other => (other.code(), Vec::new()),
        }
    }
}
