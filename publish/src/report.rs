//! One report as the publisher keeps it: which number, who reported it, when, and what for.

use callguard_core::store::{ReportCategory, UnixTime};
use serde::Serialize;

/// One reporter's reports of one number, folded: the unit the aggregation counts. A reporter is
/// an opaque 64-bit id (a hash of the id the publisher's back-end gives a phone); two reports of
/// one number by one reporter are one reporter, however often they report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The number, E.164 digits as one integer.
    pub number: u64,
    /// Who reported it.
    pub reporter: u64,
    /// Their first report of it (Unix seconds).
    pub first_seen: UnixTime,
    /// Their last report of it (Unix seconds).
    pub last_seen: UnixTime,
    /// The categories they gave, as the store's bit set.
    pub categories: u8,
}

impl Report {
    /// The sort key: number, then reporter.
    pub fn key(&self) -> (u64, u64) {
        (self.number, self.reporter)
    }

    /// Folds another report of the same number by the same reporter into this one.
    pub fn fold(&mut self, other: &Report) {
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
        self.categories |= other.categories;
    }

    /// The categories by name.
    pub fn category_names(bits: u8) -> String {
        ReportCategory::from_bits(bits)
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// Why a report or a number was left out of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dropped {
    /// A report with a field that cannot be read (category, time): quoted in the summary.
    Malformed,
    /// A number that cannot exist (or no number at all).
    InvalidNumber,
    /// An emergency or special service number: never published, whoever reports it.
    Protected,
    /// A number an organisation publishes (`core/rules/organisations.json`): scammers spoof
    /// these, and a feed blocking them would cut people off from the number to call back.
    Official,
    /// A number with fewer independent reporters than the threshold.
    TooFewReporters,
    /// A number with enough reporters, but whose reports have aged below the threshold.
    Stale,
}

impl Dropped {
    /// Every reason, in the order summaries list them.
    pub const ALL: [Dropped; 6] = [
        Dropped::Malformed,
        Dropped::InvalidNumber,
        Dropped::Protected,
        Dropped::Official,
        Dropped::TooFewReporters,
        Dropped::Stale,
    ];

    /// The stable name (JSON, texts).
    pub fn as_str(self) -> &'static str {
        match self {
            Dropped::Malformed => "malformed",
            Dropped::InvalidNumber => "invalid_number",
            Dropped::Protected => "protected",
            Dropped::Official => "official",
            Dropped::TooFewReporters => "too_few_reporters",
            Dropped::Stale => "stale",
        }
    }

    /// Whether the reason applies to single reports (the rest apply to numbers).
    pub fn is_per_report(self) -> bool {
        matches!(
            self,
            Dropped::Malformed | Dropped::InvalidNumber | Dropped::Protected | Dropped::Official
        )
    }
}

/// Categories as the feeds write them: names joined by `|`; none means `other`.
pub fn parse_categories(text: &str) -> Result<u8, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(ReportCategory::Other.bit());
    }
    text.split('|').try_fold(0u8, |bits, part| {
        ReportCategory::parse_bytes(part.as_bytes())
            .map(|c| bits | c.bit())
            .ok_or_else(|| {
                format!(
                    "unknown category {:?}: expected scam, fraud, spam, telemarketing, robocall, \
                     survey or other",
                    part.chars().take(40).collect::<String>()
                )
            })
    })
}
