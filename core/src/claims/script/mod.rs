//! Scam-script detection in text: call transcripts, voicemail, SMS, in Japanese and English.
//!
//! The script rule pack (`core/rules/script.json`) lists phrases by category (authority
//! impersonation, urgency, cutting off service, transfer to the police, accusations of crime,
//! money, PIN and card, apps and SNS, My Number, automated voice), each with a weight, and
//! co-occurrence rules ("combos") that add a bonus or raise the level when categories appear
//! together. A lone mention of the ministry or the police scores low; the ministry together with
//! a threat to cut the line off scores high.
//!
//! The text and the phrases are normalised alike (NFKC, case, katakana → hiragana, kanji
//! numerals, spaces and punctuation; see [`normalize`]), so `２時間`, `2時間`, `二時間` and
//! `二 時間` match one phrase. Matches quote the original words with byte offsets into the
//! original text.
//!
//! Scanning never panics and takes time linear in the input; input beyond
//! [`MAX_INPUT_BYTES`] is not scanned (the result says so with `truncated`).

mod normalize;
mod pack;

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use callguard_text::Lang;
use callguard_text::{LocalText, RulePackError};
use pack::{Compiled, CueSet};

const EMBEDDED: &str = include_str!("../../../rules/script.json");

/// Only the first 64 KiB of a text are scanned (cut at a character boundary); a call transcript
/// or a message is far shorter.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// At most this many matches are reported per category (all of them count for the score).
pub const MAX_MATCHES_PER_CATEGORY: usize = 8;

/// A kind of scam cue. The snake_case codes are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    /// The caller claims to be the ministry, the police, a prosecutor, a regulator ...
    AuthorityImpersonation,
    /// Pressure of time: within two hours, today is the deadline.
    Urgency,
    /// A threat to stop the phone line or service.
    ServiceCutoff,
    /// An offer to put the call through to the police.
    PoliceTransfer,
    /// An accusation: the account was used in a crime, an arrest warrant, a hijacked phone.
    CrimeAccusation,
    /// Money: refunds, transfers, ATMs, gift cards, electronic money, cash.
    Money,
    /// PIN codes and bank cards.
    PinAndCard,
    /// Moving the conversation to LINE, a video call or an SNS, or installing an app.
    AppOrSns,
    /// The My Number card, health card or portal.
    MyNumber,
    /// A recorded voice asking to press a key.
    AutomatedVoice,
}

impl Cue {
    /// Every category, in code order.
    pub const ALL: [Cue; 10] = [
        Cue::AuthorityImpersonation,
        Cue::Urgency,
        Cue::ServiceCutoff,
        Cue::PoliceTransfer,
        Cue::CrimeAccusation,
        Cue::Money,
        Cue::PinAndCard,
        Cue::AppOrSns,
        Cue::MyNumber,
        Cue::AutomatedVoice,
    ];

    /// The stable snake_case code used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Cue::AuthorityImpersonation => "authority_impersonation",
            Cue::Urgency => "urgency",
            Cue::ServiceCutoff => "service_cutoff",
            Cue::PoliceTransfer => "police_transfer",
            Cue::CrimeAccusation => "crime_accusation",
            Cue::Money => "money",
            Cue::PinAndCard => "pin_and_card",
            Cue::AppOrSns => "app_or_sns",
            Cue::MyNumber => "my_number",
            Cue::AutomatedVoice => "automated_voice",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Cue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Cue {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Cue::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| format!("unknown script category {text:?}"))
    }
}

/// How strongly a text looks like a scam script.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ScriptLevel {
    /// No cue at all, or too weak to mention.
    #[default]
    None,
    /// A cue that is common in ordinary talk (the police, an ATM).
    Low,
    /// Cues that deserve care.
    Medium,
    /// Cues that together make a known scam script.
    High,
}

impl ScriptLevel {
    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptLevel::None => "none",
            ScriptLevel::Low => "low",
            ScriptLevel::Medium => "medium",
            ScriptLevel::High => "high",
        }
    }

    /// Every level, lowest first.
    pub const ALL: [ScriptLevel; 4] = [
        ScriptLevel::None,
        ScriptLevel::Low,
        ScriptLevel::Medium,
        ScriptLevel::High,
    ];
}

impl fmt::Display for ScriptLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One phrase found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScriptMatch {
    /// The category the phrase belongs to.
    pub category: Cue,
    /// The words as they appear in the original text.
    pub text: String,
    /// Byte offset of the first byte in the original text.
    pub start: usize,
    /// Byte offset just past the last byte in the original text.
    pub end: usize,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanResult {
    /// The level the score reaches (or a combo raised it to).
    pub level: ScriptLevel,
    /// 0 to 100.
    pub score: u8,
    /// The phrases found, in text order (at most [`MAX_MATCHES_PER_CATEGORY`] per category).
    pub matches: Vec<ScriptMatch>,
    /// Every category found, in code order.
    pub categories: Vec<Cue>,
    /// The ids of the co-occurrence rules that held, in pack order.
    pub combos: Vec<String>,
    /// True when the text was longer than [`MAX_INPUT_BYTES`] and only its start was scanned.
    pub truncated: bool,
}

/// Finds scam-script phrases in text. Build it once; scanning is read-only and thread-safe.
#[derive(Debug)]
pub struct ScriptScanner {
    pack: Compiled,
}

/// Folds text the way the scanner does before matching (useful to write and test phrases):
/// NFKC, lower case, katakana → hiragana, kanji numerals → digits, spaces and punctuation
/// removed except one space between Latin words.
pub fn fold_for_matching(text: &str) -> String {
    normalize::fold_with_spans(cap(text).0).text
}

/// The longest prefix of `text` within [`MAX_INPUT_BYTES`], cut at a character boundary.
fn cap(text: &str) -> (&str, bool) {
    if text.len() <= MAX_INPUT_BYTES {
        return (text, false);
    }
    let mut end = MAX_INPUT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

struct Hit {
    category: Cue,
    weight: u8,
    start: usize,
    end: usize,
}

impl ScriptScanner {
    /// The pack built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<ScriptScanner> {
        static SLOT: OnceLock<Arc<ScriptScanner>> = OnceLock::new();
        callguard_text::pack::embedded_with(&SLOT, "script", || ScriptScanner::from_json(EMBEDDED))
    }

    /// Reads and checks a pack from JSON text; the error names the entry that is wrong.
    pub fn from_json(text: &str) -> Result<ScriptScanner, RulePackError> {
        Ok(ScriptScanner {
            pack: pack::parse(text)?,
        })
    }

    /// The pack's version string.
    pub fn version(&self) -> &str {
        &self.pack.version
    }

    /// A level in words for people ("中", "HIGH: this sounds like a scam").
    pub fn level_label(&self, level: ScriptLevel, lang: Lang) -> &str {
        // The pack's loader checks a text for every level.
        self.pack.levels[&level].get(lang)
    }

    /// The cue's short label in every language.
    pub fn label(&self, category: Cue) -> &LocalText {
        &self.pack.labels[category.index()]
    }

    /// Scans `text` (its first [`MAX_INPUT_BYTES`] bytes) for scam-script phrases.
    pub fn scan(&self, text: &str) -> ScanResult {
        let (input, truncated) = cap(text);
        let norm = normalize::fold_with_spans(input);
        let hits = self.find(&norm.text);

        let mut best = [0u8; Cue::ALL.len()];
        let mut found = CueSet::default();
        for hit in &hits {
            found.insert(hit.category);
            let slot = &mut best[hit.category.index()];
            *slot = (*slot).max(hit.weight);
        }

        let mut total: u32 = best.iter().map(|&w| u32::from(w)).sum();
        let mut floor = 0u8;
        let mut combos = Vec::new();
        for combo in &self.pack.combos {
            if combo.holds(found) {
                total += u32::from(combo.bonus);
                if let Some(level) = combo.floor {
                    floor = floor.max(self.pack.thresholds.floor(level));
                }
                combos.push(combo.id.clone());
            }
        }
        let score = u8::try_from(total.min(100)).unwrap_or(100).max(floor);

        let mut matches: Vec<ScriptMatch> = hits
            .iter()
            .filter_map(|h| {
                let (start, end) = norm.original_range(h.start, h.end)?;
                Some(ScriptMatch {
                    category: h.category,
                    text: input.get(start..end)?.to_owned(),
                    start,
                    end,
                })
            })
            .collect();
        matches.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end), a.category).cmp(&(
                b.start,
                std::cmp::Reverse(b.end),
                b.category,
            ))
        });
        // Drop a match that overlaps an earlier one of the same category (警察 inside 警察官,
        // 停止します after 通信を停止), and cap the count per category.
        let mut reach = [0usize; Cue::ALL.len()];
        let mut count = [0usize; Cue::ALL.len()];
        matches.retain(|m| {
            let i = m.category.index();
            if (count[i] > 0 && m.start < reach[i]) || count[i] >= MAX_MATCHES_PER_CATEGORY {
                return false;
            }
            reach[i] = reach[i].max(m.end);
            count[i] += 1;
            true
        });

        ScanResult {
            level: if found == CueSet::default() {
                ScriptLevel::None
            } else {
                self.pack.thresholds.level(score)
            },
            score: if found == CueSet::default() { 0 } else { score },
            matches,
            categories: Cue::ALL
                .into_iter()
                .filter(|&c| found.contains(c))
                .collect(),
            combos,
            truncated,
        }
    }

    /// Every phrase and regex match in the normalised text.
    fn find(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let Some(automaton) = &self.pack.automaton {
            for m in automaton.find_overlapping_iter(text) {
                let Some(literal) = self.pack.literals.get(m.pattern().as_usize()) else {
                    continue;
                };
                if !literal.on_boundaries(text, m.start(), m.end()) {
                    continue;
                }
                hits.extend(literal.hits.iter().map(|&(category, weight)| Hit {
                    category,
                    weight,
                    start: m.start(),
                    end: m.end(),
                }));
            }
        }
        for (re, category, weight) in &self.pack.regexes {
            hits.extend(re.find_iter(text).map(|m| Hit {
                category: *category,
                weight: *weight,
                start: m.start(),
                end: m.end(),
            }));
        }
        hits
    }
}

#[cfg(test)]
mod tests;
