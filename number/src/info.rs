//! Everything callguard knows about a caller number from the number alone.

use callguard_text::LocalText;

use crate::e164::E164;
use crate::invalid::InvalidReason;
use crate::kind::{NumberFlag, NumberKind};
use crate::parse::DialPrefix;
use crate::presentation::Presentation;
use crate::region::Region;

/// Everything callguard knows about a caller number from the number alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberInfo {
    /// The text as given.
    pub input: String,
    /// The presentation the call came with (or that a caller-ID word such as 非通知 stands for).
    pub presentation: Presentation,
    /// The complete number, for full-length valid numbers.
    pub e164: Option<E164>,
    /// The country (ISO 3166 code), for full-length valid numbers of a geographic country.
    pub country: Option<Region>,
    /// What kind of number it is.
    pub kind: NumberKind,
    /// Whether the number is from outside the home region (None for hidden, short and invalid).
    pub international: Option<bool>,
    /// Facts worth knowing beyond the kind.
    pub flags: Vec<NumberFlag>,
    /// Dial prefixes removed from the text.
    pub prefixes: Vec<DialPrefix>,
    /// For invalid numbers: why.
    pub invalid: Option<InvalidReason>,
    /// For short numbers: what they reach.
    pub service: Option<LocalText>,
}

impl NumberInfo {
    pub(crate) fn hidden(input: &str, presentation: Presentation) -> NumberInfo {
        NumberInfo {
            input: input.to_owned(),
            presentation,
            e164: None,
            country: None,
            kind: NumberKind::Hidden,
            international: None,
            flags: Vec::new(),
            prefixes: Vec::new(),
            invalid: None,
            service: None,
        }
    }

    pub(crate) fn invalid(input: &str, reason: InvalidReason) -> NumberInfo {
        NumberInfo {
            kind: NumberKind::Invalid,
            presentation: Presentation::Allowed,
            invalid: Some(reason),
            ..NumberInfo::hidden(input, Presentation::Allowed)
        }
    }

    /// What is known of a number that could not be classified (the fail-open path): only the
    /// text and the presentation.
    pub fn unclassified(input: &str, presentation: Presentation) -> NumberInfo {
        NumberInfo {
            kind: NumberKind::Invalid,
            ..NumberInfo::hidden(input, presentation)
        }
    }

    /// Whether the presentation hid the number.
    pub fn is_hidden(&self) -> bool {
        self.kind == NumberKind::Hidden
    }

    /// Whether the number has `flag`.
    pub fn has_flag(&self, flag: NumberFlag) -> bool {
        self.flags.contains(&flag)
    }
}
