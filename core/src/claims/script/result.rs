//! What a scan found, every point of the score traced to the words behind it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::context::ContextKind;
use super::evidence::{Link, Phone};

/// How strongly a text looks like a scam script.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ScriptLevel {
    /// Nothing, or too little to mention.
    #[default]
    None,
    /// Cues common in ordinary talk, or a threat without a demand.
    Low,
    /// Cues that deserve care.
    Medium,
    /// Cues that together make a known scam script.
    High,
}

impl ScriptLevel {
    /// Every level, lowest first.
    pub const ALL: [ScriptLevel; 4] = [
        ScriptLevel::None,
        ScriptLevel::Low,
        ScriptLevel::Medium,
        ScriptLevel::High,
    ];

    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptLevel::None => "none",
            ScriptLevel::Low => "low",
            ScriptLevel::Medium => "medium",
            ScriptLevel::High => "high",
        }
    }
}

impl fmt::Display for ScriptLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cue family present in the text: what it adds and the words that earned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyFound {
    /// The family's stable code (`authority`, `threat`, `link_suspect` ...).
    pub family: String,
    /// What it adds: the weight of its heaviest cue found.
    pub weight: u8,
    /// That cue as written in the pack (or the link signs, the phone's kind).
    pub cue: String,
    /// The words of the text it matched.
    pub text: String,
    /// Byte range of those words in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// A combination of families that holds, and its bonus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComboFound {
    /// The combination's stable id (`authority_threat` ...).
    pub id: String,
    /// What it adds.
    pub bonus: u8,
}

/// A cue found but not counted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discounted {
    /// The family it belongs to.
    pub family: String,
    /// The words of the text.
    pub text: String,
    /// Byte range of those words.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Negation, reported speech or a quotation.
    pub context: ContextKind,
    /// The words that make the context ("ことはありません", "claiming to be"; empty for a
    /// quotation).
    pub because: String,
}

/// How the sum of weights and bonuses became the score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScoreSteps {
    /// Weights of the families plus bonuses of the combinations.
    pub sum: u16,
    /// No family of the demand group: the score was held at this.
    pub no_demand_cap: Option<u8>,
    /// A combination with a floor raised the score to at least this: (combination, floor).
    pub floor: Option<(String, u8)>,
    /// What the learned weighting read and did, when the pack has one.
    pub learned: Option<LearnedStep>,
}

/// The learned weighting's reading of a text (docs/SCRIPT.md, "Learned weighting").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LearnedStep {
    /// How scam-like the words read, in percent.
    pub percent: u8,
    /// The weighting raised the score to this (medium).
    pub raised_to: Option<u8>,
    /// The weighting lowered the score to this (just below medium).
    pub lowered_to: Option<u8>,
    /// The three features that pushed hardest, with their contribution in thousandths:
    /// `f:<family>`, `c:<combination>`, `d:<family>` (a cue not counted), `score`, or
    /// `g:<context>:<characters>` (characters of the normalised text).
    pub strongest: Vec<(String, i32)>,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanResult {
    /// The level the score reaches.
    pub level: ScriptLevel,
    /// 0 to 100: the families' weights plus the combinations' bonuses, through `steps`.
    pub score: u8,
    /// What the words pass to a verdict: the score at medium or above; at low, a little
    /// (at most the pack's cap) when several families are present; else 0.
    pub verdict_score: u8,
    /// Every family present, in pack order.
    pub families: Vec<FamilyFound>,
    /// Every combination that holds, in pack order.
    pub combos: Vec<ComboFound>,
    /// How the sum became the score.
    pub steps: ScoreSteps,
    /// Cues inside negation, reported speech or quotations: found, not counted.
    pub discounted: Vec<Discounted>,
    /// Links in the text.
    pub links: Vec<Link>,
    /// Phone numbers in the text.
    pub phones: Vec<Phone>,
    /// Who the caller says they are: organisations named outside negation and reported speech,
    /// authorities first, in text order.
    pub claims: Vec<String>,
    /// The text was longer than the scanner reads; only its start was scanned.
    pub truncated: bool,
}

impl ScanResult {
    /// The family with this code, if present.
    pub fn family(&self, code: &str) -> Option<&FamilyFound> {
        self.families.iter().find(|f| f.family == code)
    }

    /// Whether the combination with this id holds.
    pub fn has_combo(&self, id: &str) -> bool {
        self.combos.iter().any(|c| c.id == id)
    }
}
