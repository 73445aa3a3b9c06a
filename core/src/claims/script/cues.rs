//! Cues: phrases and patterns matched on normalised text, compiled into one automaton.
//!
//! A phrase is normalised like the text; `…` splits it into parts matched in order with at
//! most `gap` characters between them (`暗証番号を…紙`). A part that starts (ends) with a Latin
//! letter or digit matches only at a word boundary on that side; a phrase that ends in hiragana
//! must not be followed by a small kana (a match cannot end inside a mora: `とうし` 投資 is not
//! in `たんとうしゃ`); a phrase that starts with hiragana is not matched where the text before
//! it makes it the tail of another word's reading (`しょうきん` 賞金 inside `ほしょうきん` 保証金),
//! the *collision guards*, computed from the reading lexicon at load. A pattern (`{"pattern": …}`)
//! is a regex on the normalised text, with optional patterns the text right after the match
//! must (`followed_by`) or must not (`not_followed_by`) start with.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

use super::normalise::chars::{is_hiragana, is_latin};
use super::normalise::{fold_plain, Normaliser};
use callguard_text::RulePackError;

/// Longest phrase or pattern accepted, in bytes.
const MAX_CUE_BYTES: usize = 256;
/// Compiled size limit for one pattern, so a replaced pack cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A cue as written in a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum CueEntry {
    /// A phrase with the family's weight.
    Plain(String),
    /// A phrase with its own weight.
    Phrase {
        text: String,
        #[serde(default)]
        weight: Option<u8>,
        /// The name of a thing asked for (a PIN, gift cards, a fee): counted only in a clause
        /// that asks for something.
        #[serde(default)]
        mention: bool,
    },
    /// A pattern on the normalised text.
    Pattern {
        #[serde(rename = "pattern")]
        re: String,
        #[serde(default)]
        weight: Option<u8>,
        #[serde(default)]
        followed_by: Option<String>,
        #[serde(default)]
        not_followed_by: Option<String>,
        #[serde(default)]
        mention: bool,
    },
}

impl CueEntry {
    fn weight(&self) -> Option<u8> {
        match self {
            CueEntry::Plain(_) => None,
            CueEntry::Phrase { weight, .. } | CueEntry::Pattern { weight, .. } => *weight,
        }
    }

    fn mention(&self) -> bool {
        match self {
            CueEntry::Plain(_) => false,
            CueEntry::Phrase { mention, .. } | CueEntry::Pattern { mention, .. } => *mention,
        }
    }
}

/// How a phrase's last part must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Not followed by a Latin letter or digit.
    Word,
    /// Not followed by a small kana.
    Mora,
    /// Anywhere.
    Free,
}

#[derive(Debug)]
enum Kind {
    Phrase {
        parts: Vec<String>,
        /// The first part starts with a Latin letter or digit: no Latin character before it.
        word_start: bool,
        end: End,
        /// Text that must not come right before the match.
        guards: Vec<String>,
    },
    Pattern {
        re: Regex,
        /// The pattern anchored at both ends, to try shorter matches when the text after a
        /// match fails `followed_by` / `not_followed_by` (only cues that have one).
        whole: Option<Regex>,
        followed_by: Option<Regex>,
        not_followed_by: Option<Regex>,
    },
}

/// One compiled cue.
#[derive(Debug)]
pub(crate) struct Cue {
    /// What the cue belongs to (a family, a kind of context), by index.
    pub(crate) owner: u16,
    /// Its weight.
    pub(crate) weight: u8,
    /// The cue as written, for explanations.
    pub(crate) label: String,
    /// It names a thing asked for: counted only in a clause that asks for something.
    pub(crate) mention: bool,
    kind: Kind,
}

/// One match: the cue and the byte range in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) cue: u32,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A set of cues, compiled.
#[derive(Debug, Default)]
pub(crate) struct CueMatcher {
    cues: Vec<Cue>,
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: the cues whose first part it is.
    by_first_part: Vec<Vec<u32>>,
    patterns: Vec<u32>,
    /// Every pattern cue's regex in one set, in the order of `patterns`: one pass per clause
    /// tells which patterns match at all.
    pattern_set: Option<RegexSet>,
    gap: usize,
}

/// Collects cues, then compiles them.
pub(crate) struct CueBuilder<'a> {
    pack: &'static str,
    normaliser: &'a Normaliser,
    gap: usize,
    cues: Vec<Cue>,
    /// (first part as written, folded) of each phrase cue starting with hiragana, by cue index.
    guard_heads: Vec<(u32, String, String)>,
}

fn small_kana(c: char) -> bool {
    matches!(
        c,
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ'
    )
}

/// `source` with every `\b` and `\B` made an ASCII word boundary. A Unicode word boundary
/// stops the regex engine's fast DFA at the first non-ASCII byte, which in a Japanese text is
/// the first character, and the slow engine took most of a scan; the cues it appears in are
/// English words, for which ASCII and Unicode boundaries agree. (The prototype compiles the
/// same patterns with `re.ASCII`.)
fn ascii_word_boundaries(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(b @ ('b' | 'B')) => {
                out.push_str("(?-u:\\");
                out.push(b);
                out.push(')');
            }
            Some(other) => {
                out.push(c);
                out.push(other);
            }
            None => out.push(c),
        }
    }
    out
}

fn compile_regex(pack: &str, at: &str, source: &str) -> Result<Regex, RulePackError> {
    if source.len() > MAX_CUE_BYTES {
        return Err(RulePackError::new(
            pack,
            at,
            format_args!("pattern longer than {MAX_CUE_BYTES} bytes"),
        ));
    }
    RegexBuilder::new(&ascii_word_boundaries(source))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| RulePackError::new(pack, at, format_args!("bad pattern: {e}")))
}

impl<'a> CueBuilder<'a> {
    /// A builder for cues of `pack`, normalised by `normaliser`, with at most `gap` characters
    /// between the parts of a phrase.
    pub(crate) fn new(pack: &'static str, normaliser: &'a Normaliser, gap: usize) -> Self {
        CueBuilder {
            pack,
            normaliser,
            gap,
            cues: Vec::new(),
            guard_heads: Vec::new(),
        }
    }

    /// Adds one cue of `owner`; `at` names it in errors.
    pub(crate) fn add(
        &mut self,
        owner: u16,
        default_weight: u8,
        entry: &CueEntry,
        at: &str,
    ) -> Result<(), RulePackError> {
        let err = |message: String| RulePackError::new(self.pack, at, message);
        let weight = entry.weight().unwrap_or(default_weight);
        if !(1..=100).contains(&weight) && default_weight != 0 {
            return Err(err(format!("weight {weight} is not between 1 and 100")));
        }
        let index = self.cues.len() as u32;
        let (label, kind) = match entry {
            CueEntry::Plain(text) | CueEntry::Phrase { text, .. } => {
                if text.len() > MAX_CUE_BYTES {
                    return Err(err(format!("phrase longer than {MAX_CUE_BYTES} bytes")));
                }
                let written: Vec<&str> = text.split('…').collect();
                let parts: Vec<String> = written
                    .iter()
                    .map(|p| self.normaliser.fold_cue(p))
                    .collect();
                if parts.iter().any(String::is_empty) {
                    return Err(err(format!("{text:?} is empty after normalisation")));
                }
                let first = parts[0].chars().next().unwrap_or(' ');
                let last = parts[parts.len() - 1].chars().next_back().unwrap_or(' ');
                let end = if is_latin(last) {
                    End::Word
                } else if is_hiragana(last) {
                    End::Mora
                } else {
                    End::Free
                };
                if !is_latin(first) && is_hiragana(first) {
                    self.guard_heads
                        .push((index, fold_plain(written[0]), parts[0].clone()));
                }
                let kind = Kind::Phrase {
                    word_start: is_latin(first),
                    parts,
                    end,
                    guards: Vec::new(),
                };
                (text.clone(), kind)
            }
            CueEntry::Pattern {
                re,
                followed_by,
                not_followed_by,
                ..
            } => {
                let compiled = compile_regex(self.pack, at, re)?;
                if compiled.is_match("") {
                    return Err(err("the pattern matches the empty text".to_owned()));
                }
                let anchored = |p: &Option<String>| {
                    p.as_ref()
                        .map(|p| compile_regex(self.pack, at, &format!("^(?:{p})")))
                        .transpose()
                };
                let kind = Kind::Pattern {
                    whole: if followed_by.is_some() || not_followed_by.is_some() {
                        Some(compile_regex(self.pack, at, &format!("^(?:{re})$"))?)
                    } else {
                        None
                    },
                    re: compiled,
                    followed_by: anchored(followed_by)?,
                    not_followed_by: anchored(not_followed_by)?,
                };
                (re.clone(), kind)
            }
        };
        self.cues.push(Cue {
            owner,
            weight,
            label,
            mention: entry.mention(),
            kind,
        });
        Ok(())
    }

    /// Compiles the cues: the collision guards from the lexicon, then one automaton over the
    /// phrases' first parts.
    pub(crate) fn build(mut self) -> Result<CueMatcher, RulePackError> {
        self.add_guards()?;
        let mut firsts: Vec<String> = Vec::new();
        let mut by_first_part: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut patterns = Vec::new();
        for (i, cue) in self.cues.iter().enumerate() {
            match &cue.kind {
                Kind::Phrase { parts, .. } => {
                    let k = *index.entry(parts[0].clone()).or_insert_with(|| {
                        firsts.push(parts[0].clone());
                        by_first_part.push(Vec::new());
                        firsts.len() - 1
                    });
                    by_first_part[k].push(i as u32);
                }
                Kind::Pattern { .. } => patterns.push(i as u32),
            }
        }
        let automaton = if firsts.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&firsts)
                    .map_err(|e| {
                        RulePackError::new(self.pack, "cues", format_args!("cannot compile: {e}"))
                    })?,
            )
        };
        let sources: Vec<&str> = patterns
            .iter()
            .filter_map(|&i| match &self.cues[i as usize].kind {
                Kind::Pattern { re, .. } => Some(re.as_str()),
                Kind::Phrase { .. } => None,
            })
            .collect();
        let pattern_set = if sources.is_empty() {
            None
        } else {
            Some(
                RegexSetBuilder::new(&sources)
                    .size_limit(REGEX_SIZE_LIMIT * sources.len())
                    .build()
                    .map_err(|e| {
                        RulePackError::new(self.pack, "cues", format_args!("patterns: {e}"))
                    })?,
            )
        };
        Ok(CueMatcher {
            cues: self.cues,
            automaton,
            by_first_part,
            patterns,
            pattern_set,
            gap: self.gap,
        })
    }

    /// For every phrase that starts with hiragana, the prefixes that would make it the tail of
    /// another word's reading, unless that word contains the phrase as written (`銀行協会`
    /// inside `全国銀行協会` is the same word).
    fn add_guards(&mut self) -> Result<(), RulePackError> {
        if self.guard_heads.is_empty() {
            return Ok(());
        }
        let mut heads: Vec<String> = self.guard_heads.iter().map(|(_, _, h)| h.clone()).collect();
        heads.sort();
        heads.dedup();
        // Used once, here: a DFA would cost more to build than this loop saves.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(&heads)
            .map_err(|e| RulePackError::new(self.pack, "cues", format_args!("guards: {e}")))?;
        // head -> (word, prefix) pairs where the head occurs inside the word's reading.
        let mut inside: Vec<Vec<(usize, String)>> = vec![Vec::new(); heads.len()];
        for (w, (_, reading)) in self.normaliser.readings().iter().enumerate() {
            for m in automaton.find_overlapping_iter(reading) {
                if m.start() > 0 {
                    inside[m.pattern().as_usize()].push((w, reading[..m.start()].to_owned()));
                }
            }
        }
        let readings = self.normaliser.readings();
        for (cue, written, head) in &self.guard_heads {
            let Ok(h) = heads.binary_search(head) else {
                continue;
            };
            let mut guards: Vec<String> = inside[h]
                .iter()
                .filter(|(w, _)| !readings[*w].0.contains(written.as_str()))
                .map(|(_, prefix)| prefix.clone())
                .collect();
            guards.sort();
            guards.dedup();
            if let Kind::Phrase { guards: slot, .. } = &mut self.cues[*cue as usize].kind {
                *slot = guards;
            }
        }
        Ok(())
    }
}

impl CueMatcher {
    /// The cue behind a hit.
    pub(crate) fn cue(&self, index: u32) -> &Cue {
        &self.cues[index as usize]
    }

    /// Appends every match of every cue in the normalised `text` to `out`: for each cue, its
    /// matches from left to right without overlap (a match starts where the previous one of
    /// the same cue ended or later), as a regex search for that cue alone would find them.
    pub(crate) fn find(&self, text: &str, out: &mut Vec<Hit>) {
        let base = out.len();
        if let Some(automaton) = &self.automaton {
            for m in automaton.find_overlapping_iter(text) {
                for &i in &self.by_first_part[m.pattern().as_usize()] {
                    if let Some(end) = self.phrase_end(i, text, m.start(), m.end()) {
                        out.push(Hit {
                            cue: i,
                            start: m.start(),
                            end,
                        });
                    }
                }
            }
        }
        if let Some(set) = &self.pattern_set {
            for k in set.matches(text).iter() {
                self.find_pattern(self.patterns[k], text, out);
            }
        }
        let found = &mut out[base..];
        found.sort_unstable_by_key(|h| (h.cue, h.start, h.end));
        let mut kept = base;
        let mut reach: Option<(u32, usize)> = None;
        for k in base..out.len() {
            let hit = out[k];
            if reach.is_some_and(|(cue, end)| cue == hit.cue && hit.start < end) {
                continue;
            }
            reach = Some((hit.cue, hit.end));
            out[kept] = hit;
            kept += 1;
        }
        out.truncate(kept);
    }

    /// The matches of pattern cue `i`. When the text after a match fails the cue's
    /// `followed_by` / `not_followed_by` test, a shorter match at the same start is tried, then
    /// the search goes on one character further, as a backtracking look-around would.
    fn find_pattern(&self, i: u32, text: &str, out: &mut Vec<Hit>) {
        let Kind::Pattern {
            re,
            whole,
            followed_by,
            not_followed_by,
        } = &self.cues[i as usize].kind
        else {
            return;
        };
        let after_ok = |end: usize| {
            let rest = &text[end..];
            !(followed_by.as_ref().is_some_and(|p| !p.is_match(rest))
                || not_followed_by.as_ref().is_some_and(|p| p.is_match(rest)))
        };
        let mut from = 0;
        while let Some(m) = re.find_at(text, from) {
            let end = if after_ok(m.end()) {
                Some(m.end())
            } else {
                whole.as_ref().and_then(|whole| {
                    (m.start() + 1..m.end())
                        .rev()
                        .filter(|&e| text.is_char_boundary(e))
                        .find(|&e| whole.is_match(&text[m.start()..e]) && after_ok(e))
                })
            };
            match end {
                Some(end) => {
                    out.push(Hit {
                        cue: i,
                        start: m.start(),
                        end,
                    });
                    from = if end > m.start() { end } else { end + 1 };
                }
                None => {
                    from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                }
            }
            if from > text.len() {
                break;
            }
        }
    }

    /// Where phrase cue `i` whose first part matched `start..first_end` ends, if it matches.
    fn phrase_end(&self, i: u32, text: &str, start: usize, first_end: usize) -> Option<usize> {
        let Kind::Phrase {
            parts,
            word_start,
            end,
            guards,
        } = &self.cues[i as usize].kind
        else {
            return None;
        };
        let before = &text[..start];
        if *word_start {
            if before.chars().next_back().is_some_and(is_latin) {
                return None;
            }
        } else if guards.iter().any(|g| before.ends_with(g.as_str())) {
            return None;
        }
        self.rest(text, first_end, &parts[1..], *end)
    }

    /// Matches the remaining parts after `from`, each within `gap` characters of the previous
    /// one, trying nearer occurrences first; then the end condition.
    fn rest(&self, text: &str, from: usize, parts: &[String], end: End) -> Option<usize> {
        let Some((part, more)) = parts.split_first() else {
            let next = text[from..].chars().next();
            let ok = match end {
                End::Word => !next.is_some_and(is_latin),
                End::Mora => !next.is_some_and(small_kana),
                End::Free => true,
            };
            return ok.then_some(from);
        };
        // Candidate starts: `from` and the next `gap` character boundaries after it.
        let starts = std::iter::once(from).chain(
            text[from..]
                .char_indices()
                .skip(1)
                .map(|(i, _)| from + i)
                .chain(std::iter::once(text.len()))
                .take(self.gap),
        );
        for at in starts {
            if text[at..].starts_with(part.as_str()) {
                if let Some(e) = self.rest(text, at + part.len(), more, end) {
                    return Some(e);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::ascii_word_boundaries;

    #[test]
    fn word_boundaries_become_ascii_and_escaped_backslashes_stay() {
        assert_eq!(
            ascii_word_boundaries(r"\bno (?:fee|charge)\b"),
            r"(?-u:\b)no (?:fee|charge)(?-u:\b)"
        );
        assert_eq!(ascii_word_boundaries(r"a\Bb"), r"a(?-u:\B)b");
        assert_eq!(ascii_word_boundaries(r"\\b\$[0-9]"), r"\\b\$[0-9]");
        assert_eq!(ascii_word_boundaries("[0-9]+をおし"), "[0-9]+をおし");
    }
}
