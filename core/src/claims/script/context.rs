//! Clauses and their context (`core/rules/script/context.json`): the text is cut into clauses
//! at sentence punctuation and line breaks; a clause holding a negation cue (「…ことはありません」,
//! "will never call") or a reported-speech cue (「…をかたる電話があった」, "claiming to be", "if
//! someone calls") does not count the cues inside it, and neither does a quotation reported
//! with と / って or put in English quotes. The scope is the clause, so a warning recited first
//! and a demand made after it are scored apart.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::cues::{CueBuilder, CueEntry, CueMatcher, Hit};
use super::normalise::chars::Unit;
use super::normalise::Normaliser;
use callguard_text::pack::Versioned;
use callguard_text::{LocalText, RulePackError};

pub(crate) const PACK: &str = "script/context";

/// Why a cue was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextKind {
    /// The clause denies it: "we will never ask for your PIN".
    Negation,
    /// The clause retells or warns about it: 「総務省をかたる電話があった」.
    Reported,
    /// It sits inside a quotation that is reported, not said.
    Quotation,
    /// It names a thing asked for (a PIN, gift cards, a fee) in a clause that asks for
    /// nothing: "two attempts to buy gift cards were blocked".
    NotAsked,
}

impl ContextKind {
    /// The stable code used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::Negation => "negation",
            ContextKind::Reported => "reported",
            ContextKind::Quotation => "quotation",
            ContextKind::NotAsked => "not_asked",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct ContextFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    description: String,
    clause_breaks: BreaksEntry,
    negation: ByLanguage,
    reported: ByLanguage,
    request: ByLanguage,
    quotes: QuotesEntry,
    labels: BTreeMap<ContextKind, LocalText>,
}

impl Versioned for ContextFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// Context cues by the language of the text they are found in, tried in this order (the
/// first that matches names the context).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ByLanguage {
    ja: Vec<CueEntry>,
    en: Vec<CueEntry>,
}

impl ByLanguage {
    fn sections(&self) -> [(&'static str, &[CueEntry]); 2] {
        [("ja", &self.ja), ("en", &self.en)]
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BreaksEntry {
    chars: String,
    abbreviations: Vec<String>,
    /// A clause starts at each of these (a contrast: " but ").
    #[serde(default)]
    before: Vec<String>,
    /// A clause ends after each of these (「ませんが、」).
    #[serde(default)]
    after: Vec<String>,
    #[allow(dead_code)] // documentation in the data
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotesEntry {
    ja: JaQuotes,
    en: EnQuotes,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JaQuotes {
    pairs: Vec<String>,
    followed_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnQuotes {
    pairs: Vec<String>,
    min_words: usize,
}

/// The compiled context rules.
#[derive(Debug)]
pub(crate) struct Context {
    breaks: Vec<char>,
    abbreviations: Vec<String>,
    break_before: Vec<Vec<char>>,
    break_after: Vec<Vec<char>>,
    /// Negation cues (owner 0), reported-speech cues (owner 1) and request cues (owner 2).
    cues: CueMatcher,
    ja_pairs: Vec<(char, char)>,
    ja_followed_by: Vec<Vec<char>>,
    en_pairs: Vec<(char, char)>,
    en_min_words: usize,
    labels: BTreeMap<ContextKind, LocalText>,
}

/// The context of one clause.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClauseContext {
    /// The clause is negated or reported: the kind and the cue that says so.
    pub(crate) clause: Option<(ContextKind, String)>,
    /// Original byte ranges of reported quotations.
    pub(crate) quotes: Vec<(usize, usize)>,
    /// The clause asks the listener for something (「…てください」, "you need to").
    pub(crate) asks: bool,
}

fn chars_of(list: &[String]) -> Vec<Vec<char>> {
    list.iter()
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().collect())
        .collect()
}

fn pairs(list: &[String], at: &str) -> Result<Vec<(char, char)>, RulePackError> {
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            let mut cs = p.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(o), Some(c), None) => Ok((o, c)),
                _ => Err(RulePackError::new(
                    PACK,
                    format_args!("{at}[{i}]"),
                    "a quotation pair is two characters: the opening and the closing mark",
                )),
            }
        })
        .collect()
}

impl Context {
    /// Checks and compiles the context file.
    pub(crate) fn compile(
        file: ContextFile,
        normaliser: &Normaliser,
        gap: usize,
    ) -> Result<Context, RulePackError> {
        let mut builder = CueBuilder::new(PACK, normaliser, gap);
        for (owner, name, section) in [
            (0u16, "negation", &file.negation),
            (1, "reported", &file.reported),
            (2, "request", &file.request),
        ] {
            for (lang, cues) in section.sections() {
                for (i, cue) in cues.iter().enumerate() {
                    builder.add(owner, 0, cue, &format!("{name}.{lang}[{i}]"))?;
                }
            }
        }
        for kind in [
            ContextKind::Negation,
            ContextKind::Reported,
            ContextKind::Quotation,
            ContextKind::NotAsked,
        ] {
            let at = format!("labels.{}", kind.as_str());
            file.labels
                .get(&kind)
                .ok_or_else(|| RulePackError::new(PACK, &at, "missing"))?
                .check(PACK, &at)?;
        }
        Ok(Context {
            breaks: file.clause_breaks.chars.chars().collect(),
            abbreviations: file.clause_breaks.abbreviations,
            break_before: chars_of(&file.clause_breaks.before),
            break_after: chars_of(&file.clause_breaks.after),
            cues: builder.build()?,
            ja_pairs: pairs(&file.quotes.ja.pairs, "quotes.ja.pairs")?,
            ja_followed_by: file
                .quotes
                .ja
                .followed_by
                .iter()
                .map(|f| f.chars().collect())
                .collect(),
            en_pairs: pairs(&file.quotes.en.pairs, "quotes.en.pairs")?,
            en_min_words: file.quotes.en.min_words,
            labels: file.labels,
        })
    }

    /// The words for people of a kind of context, `{cue}` filled.
    pub(crate) fn label(&self, kind: ContextKind) -> &LocalText {
        // The loader checks a label for every kind.
        &self.labels[&kind]
    }

    /// Clauses of the (folded, masked) units, as ranges of units: cut after each break
    /// character and after each `after` string, before each `before` string, and after a `.`
    /// followed by whitespace or the end unless the word before it is a listed abbreviation.
    /// Nothing cuts inside a Japanese quotation whose closing mark follows: the quoted
    /// sentences and the verb that reports them are one clause. Clauses of nothing but
    /// whitespace are dropped.
    pub(crate) fn clauses(&self, units: &[Unit]) -> Vec<Range<usize>> {
        let chars: Vec<char> = units.iter().map(|u| u.c).collect();
        let mut out = Vec::new();
        let mut start = 0;
        // The index of the closing mark of the quotation being read, if any.
        let mut quote_end: Option<usize> = None;
        for i in 0..units.len() {
            let c = chars[i];
            if quote_end.is_none_or(|end| i > end) {
                if let Some(&(_, close)) = self.ja_pairs.iter().find(|(open, _)| *open == c) {
                    quote_end = chars[i + 1..]
                        .iter()
                        .position(|&x| x == close)
                        .map(|k| i + 1 + k);
                }
            }
            if quote_end.is_some_and(|end| i < end) {
                continue;
            }
            if i > start && self.break_before.iter().any(|w| chars[i..].starts_with(w)) {
                out.push(start..i);
                start = i;
            }
            let mut cut = self.breaks.contains(&c)
                || self
                    .break_after
                    .iter()
                    .any(|w| chars[start..=i].ends_with(w));
            if c == '.' && units.get(i + 1).is_none_or(|u| u.c.is_whitespace()) {
                cut = !self.abbreviation_before(&units[start..i]);
            }
            if cut {
                out.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < units.len() {
            out.push(start..units.len());
        }
        out.retain(|r| units[r.clone()].iter().any(|u| !u.c.is_whitespace()));
        out
    }

    /// Whether the run of `[a-z.]` just before a period is a listed abbreviation (`mr`, `p.m`).
    fn abbreviation_before(&self, units: &[Unit]) -> bool {
        let run: String = units
            .iter()
            .rev()
            .take_while(|u| u.c.is_ascii_lowercase() || u.c == '.')
            .map(|u| u.c)
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect();
        !run.is_empty() && self.abbreviations.contains(&run)
    }

    /// The context of one clause: its units and its normalised text.
    pub(crate) fn of_clause(
        &self,
        units: &[Unit],
        normalised: &str,
        hits: &mut Vec<Hit>,
    ) -> ClauseContext {
        hits.clear();
        self.cues.find(normalised, hits);
        // The first cue in pack order names the context; negation before reported speech.
        let clause = hits
            .iter()
            .map(|h| h.cue)
            .filter(|&c| self.cues.cue(c).owner < 2)
            .min_by_key(|&c| (self.cues.cue(c).owner, c))
            .map(|c| {
                let cue = self.cues.cue(c);
                let kind = if cue.owner == 0 {
                    ContextKind::Negation
                } else {
                    ContextKind::Reported
                };
                (kind, cue.label.clone())
            });
        ClauseContext {
            clause,
            quotes: self.quotes(units),
            asks: hits.iter().any(|h| self.cues.cue(h.cue).owner == 2),
        }
    }

    /// Original byte ranges of reported quotations in a clause: Japanese brackets followed by
    /// と, って, という ...; English quotes around at least `min_words` words.
    fn quotes(&self, units: &[Unit]) -> Vec<(usize, usize)> {
        let chars: Vec<char> = units.iter().map(|u| u.c).collect();
        let span = |s: usize, e: usize| (units[s].span.0 as usize, units[e - 1].span.1 as usize);
        let mut out = Vec::new();
        for &(open, close) in &self.ja_pairs {
            let mut i = 0;
            while i < chars.len() {
                if chars[i] != open {
                    i += 1;
                    continue;
                }
                let Some(k) = chars[i + 1..]
                    .iter()
                    .position(|&c| c == close)
                    .map(|k| i + 1 + k)
                else {
                    break;
                };
                let after = &chars[k + 1..];
                if self.ja_followed_by.iter().any(|f| after.starts_with(f)) {
                    out.push(span(i, k + 1));
                }
                i = k + 1;
            }
        }
        for &(open, close) in &self.en_pairs {
            let mut i = 0;
            while i < chars.len() {
                let ok_start = chars[i] == open && (i == 0 || !chars[i - 1].is_ascii_alphabetic());
                if !ok_start {
                    i += 1;
                    continue;
                }
                let close_at = chars[i + 1..].iter().position(|&c| c == close || c == '\n');
                match close_at.map(|k| i + 1 + k) {
                    Some(k)
                        if chars[k] == close
                            && k - (i + 1) >= 3
                            && !chars.get(k + 1).is_some_and(|c| c.is_ascii_alphabetic()) =>
                    {
                        let inner: String = chars[i + 1..k].iter().collect();
                        if inner.split_whitespace().count() >= self.en_min_words {
                            out.push(span(i, k + 1));
                        }
                        i = k + 1;
                    }
                    _ => i += 1,
                }
            }
        }
        out
    }
}
