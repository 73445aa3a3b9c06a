//! What the caller claims and what the words heard say: the organisations scammers impersonate
//! and their published numbers ([`organisations`]), and scam-script detection in transcripts,
//! voicemail and SMS ([`script`]). What they find goes to the risk engine as [`Findings`].

pub mod organisations;
pub mod script;

use callguard_text::LocalText;

pub use organisations::{Organisation, Organisations};

/// What checking the caller's claim against the organisations' published numbers found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The number is one the organisation publishes (which a spoofer can show too).
    Matches {
        /// The organisation's name.
        organisation: LocalText,
    },
    /// The organisation publishes no number to check a call against (the police call from
    /// many stations): the claim can be neither confirmed nor refuted.
    Unverifiable {
        /// The organisation's name.
        organisation: LocalText,
        /// What to do: the organisation's own advice and the number to call back.
        advice: LocalText,
    },
    /// The number is not one of the organisation's.
    Impersonation {
        /// The organisation's name.
        organisation: LocalText,
        /// What to do instead: the organisation's own advice and the number to call back.
        advice: LocalText,
    },
}

/// What scanning the words heard on the call found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFinding {
    /// 0 to 100: how much the words look like a scam script.
    pub score: u8,
    /// The categories found, for people (e.g. "authority, cut-off of service").
    pub summary: LocalText,
}

/// Findings beyond the number and the store: the caller's claim and the words heard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The claim check, when the caller named an organisation.
    pub claim: Option<ClaimOutcome>,
    /// The script scan, when there was a transcript.
    pub script: Option<ScriptFinding>,
}
