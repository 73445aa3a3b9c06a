//! The script rule pack: reading, checking and compiling `core/rules/script.json`.
//!
//! Phrases are normalised with the same function as the scanned text and compiled into one
//! Aho-Corasick automaton; regexes run on the normalised text. Every error names the entry.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::normalize::{fold_with_spans, is_word};
use super::{Cue, ScriptLevel};
use callguard_text::{LocalText, RulePackError};

pub(crate) const PACK: &str = "script";
/// The pack format this code reads.
const FORMAT: u32 = 1;
/// Longest phrase or regex source accepted, in bytes.
const MAX_PATTERN_BYTES: usize = 256;
/// Compiled size limit for one regex, so a replaced pack cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    thresholds: LevelThresholds,
    levels: HashMap<ScriptLevel, LocalText>,
    categories: Vec<CategoryEntry>,
    #[serde(default)]
    combos: Vec<ComboEntry>,
}

/// Scores at or above which a result reaches each level.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelThresholds {
    pub(crate) low: u8,
    pub(crate) medium: u8,
    pub(crate) high: u8,
}

impl LevelThresholds {
    pub(crate) fn level(&self, score: u8) -> ScriptLevel {
        if score >= self.high {
            ScriptLevel::High
        } else if score >= self.medium {
            ScriptLevel::Medium
        } else if score >= self.low {
            ScriptLevel::Low
        } else {
            ScriptLevel::None
        }
    }

    pub(crate) fn floor(&self, level: ScriptLevel) -> u8 {
        match level {
            ScriptLevel::None => 0,
            ScriptLevel::Low => self.low,
            ScriptLevel::Medium => self.medium,
            ScriptLevel::High => self.high,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryEntry {
    code: Cue,
    label: LocalText,
    weight: u8,
    #[allow(dead_code)] // documentation in the data
    source: String,
    #[serde(default)]
    phrases: Vec<PhraseEntry>,
    #[serde(default)]
    regexes: Vec<RegexEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PhraseEntry {
    Plain(String),
    Weighted(WeightedPhrase),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightedPhrase {
    text: String,
    weight: u8,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexEntry {
    pattern: String,
    #[serde(default)]
    weight: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComboEntry {
    id: String,
    #[serde(default)]
    all: Vec<Cue>,
    #[serde(default)]
    any: Vec<Cue>,
    bonus: u8,
    #[serde(default)]
    floor: Option<ScriptLevel>,
    #[allow(dead_code)] // documentation in the data
    note: String,
}

/// A set of categories as a bit mask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CueSet(u16);

impl CueSet {
    pub(crate) fn insert(&mut self, c: Cue) {
        self.0 |= 1 << c.index();
    }

    pub(crate) fn contains(self, c: Cue) -> bool {
        self.0 & (1 << c.index()) != 0
    }

    fn contains_all(self, other: CueSet) -> bool {
        self.0 & other.0 == other.0
    }

    fn intersects(self, other: CueSet) -> bool {
        self.0 & other.0 != 0
    }

    fn of(list: &[Cue]) -> CueSet {
        let mut set = CueSet::default();
        for &c in list {
            set.insert(c);
        }
        set
    }
}

/// A co-occurrence rule: when it holds, its bonus is added and the level raised to its floor.
#[derive(Debug)]
pub(crate) struct Combo {
    pub(crate) id: String,
    all: CueSet,
    any: CueSet,
    pub(crate) bonus: u8,
    pub(crate) floor: Option<ScriptLevel>,
}

impl Combo {
    pub(crate) fn holds(&self, found: CueSet) -> bool {
        found.contains_all(self.all) && (self.any.0 == 0 || found.intersects(self.any))
    }
}

/// What a literal phrase stands for (one phrase may serve several categories).
#[derive(Debug)]
pub(crate) struct Literal {
    pub(crate) hits: Vec<(Cue, u8)>,
    /// The phrase starts with a Latin letter or digit: the match must not continue a word.
    left_boundary: bool,
    /// The phrase ends with a Latin letter or digit: the match must not run into a word.
    right_boundary: bool,
}

impl Literal {
    /// Whether the match `start..end` of this phrase in `text` stands on word boundaries.
    pub(crate) fn on_boundaries(&self, text: &str, start: usize, end: usize) -> bool {
        let left_ok = !self.left_boundary
            || text
                .get(..start)
                .and_then(|t| t.chars().next_back())
                .is_none_or(|c| !is_word(c));
        let right_ok = !self.right_boundary
            || text
                .get(end..)
                .and_then(|t| t.chars().next())
                .is_none_or(|c| !is_word(c));
        left_ok && right_ok
    }
}

/// A checked, compiled pack.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) version: String,
    pub(crate) thresholds: LevelThresholds,
    pub(crate) labels: Vec<LocalText>,
    /// Each level's words for people.
    pub(crate) levels: HashMap<ScriptLevel, LocalText>,
    pub(crate) automaton: Option<AhoCorasick>,
    pub(crate) literals: Vec<Literal>,
    pub(crate) regexes: Vec<(Regex, Cue, u8)>,
    pub(crate) combos: Vec<Combo>,
}

fn err(location: impl std::fmt::Display, message: impl std::fmt::Display) -> RulePackError {
    RulePackError::new(PACK, location, message)
}

fn check_weight(weight: u8, at: &str) -> Result<u8, RulePackError> {
    if (1..=100).contains(&weight) {
        Ok(weight)
    } else {
        Err(err(
            at,
            format_args!("weight {weight} is not between 1 and 100"),
        ))
    }
}

pub(crate) fn parse(text: &str) -> Result<Compiled, RulePackError> {
    let file: PackFile = callguard_text::pack::parse_json(PACK, text)?;
    compile(file)
}

fn compile(file: PackFile) -> Result<Compiled, RulePackError> {
    callguard_text::pack::check_format(PACK, file.format, FORMAT)?;
    let t = file.thresholds;
    if !(1 <= t.low && t.low < t.medium && t.medium < t.high && t.high <= 100) {
        return Err(err("thresholds", "need 1 <= low < medium < high <= 100"));
    }

    for level in ScriptLevel::ALL {
        file.levels
            .get(&level)
            .ok_or_else(|| err(format!("levels.{level}"), "missing"))?
            .check(PACK, format_args!("levels.{level}"))?;
    }
    let mut labels: Vec<Option<LocalText>> = vec![None; Cue::ALL.len()];
    let mut literal_index: HashMap<String, usize> = HashMap::new();
    let mut phrases: Vec<String> = Vec::new();
    let mut literals: Vec<Literal> = Vec::new();
    let mut regexes = Vec::new();

    for (i, entry) in file.categories.into_iter().enumerate() {
        let code = entry.code;
        let at = format!("categories[{i}] ({})", code.as_str());
        let slot = &mut labels[code.index()];
        if slot.is_some() {
            return Err(err(&at, "category listed twice"));
        }
        entry.label.check(PACK, format_args!("{at}.label"))?;
        *slot = Some(entry.label);
        let weight = check_weight(entry.weight, &at)?;

        for (j, phrase) in entry.phrases.into_iter().enumerate() {
            let at = format!("{at}.phrases[{j}]");
            let (raw, w) = match phrase {
                PhraseEntry::Plain(text) => (text, weight),
                PhraseEntry::Weighted(p) => {
                    let w = check_weight(p.weight, &at)?;
                    (p.text, w)
                }
            };
            if raw.len() > MAX_PATTERN_BYTES {
                return Err(err(
                    &at,
                    format_args!("phrase longer than {MAX_PATTERN_BYTES} bytes"),
                ));
            }
            let folded = fold_with_spans(&raw).text;
            if folded.is_empty() {
                return Err(err(
                    &at,
                    format_args!("{raw:?} is empty after normalisation"),
                ));
            }
            let k = match literal_index.get(&folded) {
                Some(&k) => k,
                None => {
                    let k = literals.len();
                    literals.push(Literal {
                        hits: Vec::new(),
                        left_boundary: folded.chars().next().is_some_and(is_word),
                        right_boundary: folded.chars().next_back().is_some_and(is_word),
                    });
                    literal_index.insert(folded.clone(), k);
                    phrases.push(folded.clone());
                    k
                }
            };
            let hits = &mut literals[k].hits;
            if hits.iter().any(|(c, _)| *c == code) {
                return Err(err(
                    &at,
                    format_args!("{raw:?} is listed twice (normalised: {folded:?})"),
                ));
            }
            hits.push((code, w));
        }

        for (j, entry) in entry.regexes.into_iter().enumerate() {
            let at = format!("{at}.regexes[{j}]");
            let w = match entry.weight {
                Some(w) => check_weight(w, &at)?,
                None => weight,
            };
            if entry.pattern.len() > MAX_PATTERN_BYTES {
                return Err(err(
                    &at,
                    format_args!("regex longer than {MAX_PATTERN_BYTES} bytes"),
                ));
            }
            let re = RegexBuilder::new(&entry.pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| err(&at, format_args!("bad regex: {e}")))?;
            if re.is_match("") {
                return Err(err(&at, "regex matches the empty text"));
            }
            regexes.push((re, code, w));
        }
    }

    let labels = Cue::ALL
        .iter()
        .zip(labels)
        .map(|(c, label)| {
            label.ok_or_else(|| {
                err(
                    "categories",
                    format_args!("category {} is missing", c.as_str()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut combos = Vec::new();
    for (i, c) in file.combos.into_iter().enumerate() {
        let at = format!("combos[{i}] ({})", c.id);
        if c.id.trim().is_empty() {
            return Err(err(format_args!("combos[{i}]"), "empty id"));
        }
        if combos.iter().any(|o: &Combo| o.id == c.id) {
            return Err(err(&at, "id used twice"));
        }
        if c.all.is_empty() && c.any.is_empty() {
            return Err(err(&at, "needs categories in all or any"));
        }
        if c.bonus > 100 {
            return Err(err(&at, "bonus is more than 100"));
        }
        if c.bonus == 0 && c.floor.is_none() {
            return Err(err(&at, "has neither a bonus nor a floor"));
        }
        combos.push(Combo {
            id: c.id,
            all: CueSet::of(&c.all),
            any: CueSet::of(&c.any),
            bonus: c.bonus,
            floor: c.floor,
        });
    }

    let automaton = if phrases.is_empty() {
        None
    } else {
        Some(
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&phrases)
                .map_err(|e| err("categories", format_args!("cannot compile phrases: {e}")))?,
        )
    };

    Ok(Compiled {
        version: file.version,
        thresholds: t,
        labels,
        levels: file.levels,
        automaton,
        literals,
        regexes,
        combos,
    })
}
