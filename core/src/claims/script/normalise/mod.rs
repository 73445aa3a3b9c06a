//! The normaliser: one function folds the scanned text and every cue of the pack, so a cue
//! written in any folded form matches all of them (`core/rules/script/normalise.json`).
//!
//! In order:
//!
//! 1. Per character: NFKC (a character and its combining marks together, so `ｶﾞ` is `ガ`),
//!    lower case, katakana → hiragana (`ー` stays).
//! 2. Kanji numerals → digits (`二十四` → `24`); kana numerals before a counter → digits
//!    (`にじかん` → `2じかん`, only at the start of a word).
//! 3. Tokens: English words (letters and digits, `'` inside a word, `,` or `.` between digits)
//!    go through contractions, number words, replacements and the stemmer, joined by one space;
//!    whitespace, punctuation, symbols and control characters are dropped; every other
//!    character is kept.
//! 4. The reading lexicon, leftmost-longest: kanji, okurigana variants and kana spellings fold
//!    to one reading (`総務省` / `そうむしょう`, `振り込み` / `振込` → `ふりこみ`).
//! 5. Honorific `お` / `ご` before a listed noun is dropped (`お電話` → `でんわ`).
//!
//! Every byte of the result remembers the byte range of the original text it came from, so a
//! match quotes the caller's own words.

pub(crate) mod chars;
mod english;
mod kana_numbers;
mod rewrite;

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use callguard_text::pack::{RulePack, Versioned};
use callguard_text::RulePackError;

use chars::{is_dropped, is_latin, Unit};
use english::English;
use kana_numbers::KanaNumbers;
use rewrite::Rewriter;

/// The pack's name in errors.
pub(crate) const PACK: &str = "script/normalise";

/// Normalised text and, for each of its bytes, the original byte range it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    /// The folded text the cues are matched against.
    pub text: String,
    spans: Vec<(u32, u32)>,
}

impl Normalised {
    /// The original byte range behind the normalised byte range `start..end`; `None` for an
    /// empty or out-of-bounds range.
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let first = self.spans.get(start)?;
        let last = self.spans.get(end - 1)?;
        Some((first.0 as usize, last.1 as usize))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct NormaliseFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    description: String,
    ja: JapaneseEntry,
    en: EnglishEntry,
}

impl Versioned for NormaliseFile {
    fn format(&self) -> u32 {
        self.format
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JapaneseEntry {
    readings: BTreeMap<String, String>,
    kana_digits: BTreeMap<String, String>,
    counters: Vec<String>,
    honorific_nouns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnglishEntry {
    contractions: HashMap<String, String>,
    number_words: HashMap<String, String>,
    words: HashMap<String, String>,
    stem_exceptions: HashMap<String, String>,
}

/// The normaliser, built from its pack.
#[derive(Debug, Default)]
pub struct Normaliser {
    kana_numbers: KanaNumbers,
    english: English,
    lexicon: Rewriter,
    honorific: Rewriter,
    /// (folded written form, reading) of every lexicon entry, for the cues' collision guards.
    readings: Vec<(String, String)>,
}

fn err(location: impl std::fmt::Display, message: impl std::fmt::Display) -> RulePackError {
    RulePackError::new(PACK, location, message)
}

impl RulePack for Normaliser {
    const NAME: &'static str = PACK;
    const FORMAT: u32 = 1;
    type File = NormaliseFile;

    fn compile(file: NormaliseFile) -> Result<Normaliser, RulePackError> {
        let ja = file.ja;
        let mut digits = Vec::new();
        for (reading, digit) in ja.kana_digits {
            let at = format!("ja.kana_digits.{reading}");
            let value: u32 = digit
                .parse()
                .ok()
                .filter(|d| *d <= 9)
                .ok_or_else(|| err(&at, "a kana digit is one of 0 to 9"))?;
            if reading.is_empty() || !reading.chars().all(chars::is_hiragana) {
                return Err(err(&at, "a kana numeral is written in hiragana"));
            }
            digits.push((reading, value));
        }
        for (i, counter) in ja.counters.iter().enumerate() {
            if counter.trim().is_empty() {
                return Err(err(format_args!("ja.counters[{i}]"), "empty counter"));
            }
        }
        let mut normaliser = Normaliser {
            kana_numbers: KanaNumbers::new(digits, ja.counters),
            english: English::new(
                file.en.contractions,
                file.en.number_words,
                file.en.words,
                file.en.stem_exceptions,
            ),
            ..Normaliser::default()
        };

        let mut lexicon: BTreeMap<String, String> = BTreeMap::new();
        for (written, reading) in ja.readings {
            let at = format!("ja.readings.{written}");
            let key = fold_plain(&written);
            if key.is_empty() || reading.is_empty() {
                return Err(err(&at, "empty after normalisation"));
            }
            if let Some(other) = lexicon.insert(key.clone(), reading.clone()) {
                if other != reading {
                    return Err(err(
                        &at,
                        format_args!("folds to {key:?}, which another entry reads {other:?}"),
                    ));
                }
            }
        }
        normaliser.readings = lexicon
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        normaliser.lexicon = Rewriter::new(normaliser.readings.clone())
            .map_err(|e| err("ja.readings", format_args!("cannot compile: {e}")))?;

        let mut honorific = BTreeMap::new();
        for (i, noun) in ja.honorific_nouns.iter().enumerate() {
            let folded: String = normaliser
                .lexicon
                .apply(chars::kanji_numerals(chars::fold(noun)))
                .iter()
                .map(|u| u.c)
                .filter(|c| !c.is_whitespace())
                .collect();
            if folded.is_empty() {
                return Err(err(format_args!("ja.honorific_nouns[{i}]"), "empty noun"));
            }
            honorific.insert(format!("お{folded}"), folded.clone());
            honorific.insert(format!("ご{folded}"), folded);
        }
        normaliser.honorific = Rewriter::new(honorific.into_iter().collect())
            .map_err(|e| err("ja.honorific_nouns", format_args!("cannot compile: {e}")))?;
        Ok(normaliser)
    }
}

/// Steps 1 and 2 (without kana numerals) and no whitespace: how lexicon keys are compared.
pub(crate) fn fold_plain(text: &str) -> String {
    chars::kanji_numerals(chars::fold(text))
        .iter()
        .map(|u| u.c)
        .filter(|c| *c != ' ')
        .collect()
}

impl Normaliser {
    /// Normalises a whole text (see the module's documentation).
    pub fn normalise(&self, text: &str) -> Normalised {
        self.normalise_units(chars::fold(text))
    }

    /// A cue as the matcher sees it.
    pub(crate) fn fold_cue(&self, cue: &str) -> String {
        self.normalise(cue).text
    }

    /// Every lexicon entry: (folded written form, reading).
    pub(crate) fn readings(&self) -> &[(String, String)] {
        &self.readings
    }

    /// Steps 2 to 5 on units already folded by step 1 (a clause of the scanned text).
    pub(crate) fn normalise_units(&self, units: Vec<Unit>) -> Normalised {
        let units = self.kana_numbers.apply(chars::kanji_numerals(units));
        let units = self.tokens(&units);
        let units = self.honorific.apply(self.lexicon.apply(units));
        let mut out = Normalised {
            text: String::with_capacity(units.len() * 3),
            spans: Vec::with_capacity(units.len() * 3),
        };
        for u in units {
            out.text.push(u.c);
            out.spans
                .extend(std::iter::repeat_n(u.span, u.c.len_utf8()));
        }
        out
    }

    /// Step 3: English words through their pipeline, one space between them; separators
    /// dropped; everything else kept.
    fn tokens(&self, units: &[Unit]) -> Vec<Unit> {
        let mut out = Vec::with_capacity(units.len());
        let mut last_latin = false;
        let mut words = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let c = units[i].c;
            if is_latin(c) {
                let mut raw = String::new();
                let mut j = i;
                while j < units.len() {
                    let cj = units[j].c;
                    let next = units.get(j + 1).map(|u| u.c);
                    if is_latin(cj) {
                        raw.push(cj);
                    } else if matches!(cj, '\'' | '\u{2019}')
                        && next.is_some_and(|n| n.is_ascii_lowercase())
                    {
                        raw.push('\'');
                    } else if matches!(cj, ',' | '.')
                        && raw.ends_with(|r: char| r.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_digit())
                    {
                        // A thousands separator or decimal point: dropped ("2,000" → "2000").
                    } else {
                        break;
                    }
                    j += 1;
                }
                let span = (units[i].span.0, units[j - 1].span.1);
                words.clear();
                self.english.words(&raw, &mut words);
                for w in &words {
                    if last_latin {
                        out.push(Unit { c: ' ', span });
                    }
                    out.extend(w.chars().map(|c| Unit { c, span }));
                    last_latin = true;
                }
                i = j;
                continue;
            }
            if !is_dropped(c) {
                out.push(units[i]);
                last_latin = false;
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests;
