//! Text normalisation for phrase matching, with a map back to the original text.
//!
//! The same function folds the input and the pack's phrases, so a phrase written in any of the
//! folded forms matches all of them:
//!
//! 1. NFKC, applied per cluster (a character and the combining marks after it), so full-width
//!    letters and digits become ASCII and half-width katakana become full-width (`ｶﾞ` → `ガ`).
//! 2. Lower case (`ATM` → `atm`).
//! 3. Katakana → hiragana (`カード` → `かーど`); the long-vowel mark `ー` stays.
//! 4. Kanji numerals → ASCII digits: a run of `〇一二三四五六七八九十` is read as a number
//!    (`二` → `2`, `二十四` → `24`, `十` → `10`, `二〇二五` → `2025`).
//! 5. Whitespace, control and format characters (zero-width, bidi marks) and punctuation are
//!    removed, except that one space is kept between two Latin letters or digits so English
//!    words stay apart (`press 1`, `within two hours`). Apostrophes are removed without a space
//!    (`don't` → `dont`).
//!
//! Every byte of the normalised text remembers the byte range of the original text it came
//! from, so a match quotes the caller's own words.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// At most this many characters form one NFKC cluster; longer runs of combining marks are cut
/// so that normalisation stays linear on hostile input.
const MAX_CLUSTER_CHARS: usize = 16;

/// Normalised text and, for each of its bytes, the original byte range it came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Normalized {
    /// The folded text the patterns are matched against.
    pub(crate) text: String,
    /// One `(start, end)` original byte range per byte of `text`.
    spans: Vec<(u32, u32)>,
}

impl Normalized {
    /// The original byte range behind the normalised byte range `start..end`.
    ///
    /// Returns `None` for an empty or out-of-bounds range.
    pub(crate) fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let first = self.spans.get(start)?;
        let last = self.spans.get(end - 1)?;
        Some((first.0 as usize, last.1 as usize))
    }

    fn push(&mut self, c: char, span: (u32, u32)) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.spans.push(span);
        }
    }
}

/// One folded character with the original byte range it came from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    span: (u32, u32),
}

/// Normalises `text` (see the module documentation). `text` must be shorter than 4 GiB; the
/// scanner caps its input far below that.
pub(crate) fn fold_with_spans(text: &str) -> Normalized {
    let units = fold(text);
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len()),
    };
    let mut pending_space: Option<(u32, u32)> = None;
    let mut last: Option<char> = None;
    let mut emit = |out: &mut Normalized, pending: &mut Option<(u32, u32)>, c: char, span| {
        if let Some(space) = pending.take() {
            if last.is_some_and(is_word) && is_word(c) {
                out.push(' ', space);
            }
        }
        out.push(c, span);
        last = Some(c);
    };

    let mut i = 0;
    while i < units.len() {
        let unit = units[i];
        if is_joiner_mark(unit.c) {
            i += 1;
            continue;
        }
        if is_separator(unit.c) {
            pending_space.get_or_insert(unit.span);
            i += 1;
            continue;
        }
        if kanji_digit(unit.c).is_some() {
            let run_end = units[i..]
                .iter()
                .position(|u| kanji_digit(u.c).is_none())
                .map_or(units.len(), |n| i + n);
            let run = &units[i..run_end];
            let span = (unit.span.0, run[run.len() - 1].span.1);
            for digit in kanji_number(run.iter().map(|u| u.c)).chars() {
                emit(&mut out, &mut pending_space, digit, span);
            }
            i = run_end;
            continue;
        }
        emit(&mut out, &mut pending_space, unit.c, unit.span);
        i += 1;
    }
    out
}

/// Steps 1 to 3: NFKC per cluster, lower case, katakana → hiragana.
fn fold(text: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        let mut count = 1;
        while let Some(&(next_start, next)) = chars.peek() {
            if count >= MAX_CLUSTER_CHARS || !continues_cluster(next) {
                break;
            }
            end = next_start + next.len_utf8();
            count += 1;
            chars.next();
        }
        let span = (start as u32, end as u32);
        let cluster = &text[start..end];
        if count == 1 && c.is_ascii() {
            units.push(Unit {
                c: c.to_ascii_lowercase(),
                span,
            });
            continue;
        }
        if count == 1 && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
            // Most kana and kanji: already in NFKC, skip the normaliser's buffers.
            push_folded(&mut units, c, span);
            continue;
        }
        for composed in cluster.nfkc() {
            push_folded(&mut units, composed, span);
        }
    }
    units
}

/// Steps 2 and 3 for one NFKC character.
fn push_folded(units: &mut Vec<Unit>, c: char, span: (u32, u32)) {
    // ASCII, kana and kanji (no case) and characters without a lower-case form take one step.
    if c.is_ascii() || ('\u{3000}'..'\u{A000}').contains(&c) || !c.is_uppercase() {
        units.push(Unit {
            c: katakana_to_hiragana(c.to_ascii_lowercase()),
            span,
        });
        return;
    }
    for lower in c.to_lowercase() {
        units.push(Unit {
            c: katakana_to_hiragana(lower),
            span,
        });
    }
}

/// Whether `c` belongs to the cluster of the character before it: a combining mark, or a
/// character whose compatibility decomposition starts with one (half-width `ﾞ`).
fn continues_cluster(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    if is_combining_mark(c) {
        return true;
    }
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    first.is_some_and(|d| d != c && is_combining_mark(d))
}

fn katakana_to_hiragana(c: char) -> char {
    match c {
        // ァ..ヶ and ヽ ヾ sit 0x60 above their hiragana.
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}'..='\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// A Latin (or other alphabetic, non-CJK) letter or a digit: the characters English words are
/// made of, between which a space is kept.
pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric() && (c as u32) < 0x2E80
}

/// Marks removed without leaving a word break.
fn is_joiner_mark(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{00AD}')
}

/// Whitespace, control and format characters and punctuation: removed, leaving at most a word
/// break between Latin words.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric();
    }
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            // Latin-1 punctuation: ¡ « » ¿ · and the like.
            '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
            // General punctuation: zero-width and bidi marks, dashes, quotes, ellipsis.
            | '\u{2000}'..='\u{206F}'
            // CJK punctuation (、。「」〜 ...) but not 々 〆 〇.
            | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{3030}' | '\u{303D}'
            // Katakana middle dot.
            | '\u{30FB}'
            // Variation selectors, byte-order mark, interlinear annotation, replacement.
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFD}'
            // Vertical and small forms of punctuation left by NFKC.
            | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}'
        )
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// A run of kanji numerals as ASCII digits: positional with one `十` (`二十四` → `24`),
/// digit by digit otherwise (`二〇二五` → `2025`, `十十` → `1010`).
fn kanji_number(run: impl Iterator<Item = char>) -> String {
    let values: Vec<u32> = run.filter_map(kanji_digit).collect();
    let tens: Vec<usize> = values
        .iter()
        .enumerate()
        .filter(|(_, &v)| v == 10)
        .map(|(i, _)| i)
        .collect();
    if let [at] = tens.as_slice() {
        let (before, after) = (&values[..*at], &values[at + 1..]);
        let tens_digit = match before {
            [] => Some(1),
            [d] if *d >= 1 => Some(*d),
            _ => None,
        };
        let units_digit = match after {
            [] => Some(0),
            [d] if *d >= 1 => Some(*d),
            _ => None,
        };
        if let (Some(t), Some(u)) = (tens_digit, units_digit) {
            return (t * 10 + u).to_string();
        }
    }
    values.iter().map(|v| v.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        fold_with_spans(text).text
    }

    #[test]
    fn numerals_fold_to_one_form() {
        for text in ["２時間", "2時間", "二時間", "二 時間", "2 時間", "２　時間"]
        {
            assert_eq!(norm(text), "2時間", "{text}");
        }
        assert_eq!(norm("二十四時間"), "24時間");
        assert_eq!(norm("十分"), "10分");
        assert_eq!(norm("三十"), "30");
        assert_eq!(norm("十五"), "15");
        assert_eq!(norm("二〇二五年"), "2025年");
        assert_eq!(norm("十十"), "1010");
        assert_eq!(norm("一を押してください"), "1を押してください");
    }

    #[test]
    fn kana_and_case_fold() {
        assert_eq!(norm("キャッシュカード"), "きゃっしゅかーど");
        assert_eq!(norm("ｷｬｯｼｭｶｰﾄﾞ"), "きゃっしゅかーど");
        assert_eq!(norm("ＡＴＭ"), "atm");
        assert_eq!(norm("Ministry"), "ministry");
        assert_eq!(norm("ヴ"), "ゔ");
    }

    #[test]
    fn spaces_kept_only_between_latin_words() {
        assert_eq!(norm("Press  1, now."), "press 1 now");
        assert_eq!(norm("within two-hours!"), "within two hours");
        assert_eq!(norm("LINE で 連絡"), "lineで連絡");
        assert_eq!(norm("警察 に 繋ぐ"), "警察に繋ぐ");
        assert_eq!(norm("「通信を、停止」します。"), "通信を停止します");
        assert_eq!(norm("don't hang up"), "dont hang up");
        assert_eq!(norm("総\u{200B}務\u{202E}省"), "総務省");
    }

    #[test]
    fn spans_point_into_the_original() {
        let text = "ＡＴＭへ 二時間";
        let n = fold_with_spans(text);
        assert_eq!(n.text, "atmへ2時間");
        let (s, e) = n.original_range(0, 3).expect("range");
        assert_eq!(&text[s..e], "ＡＴＭ");
        let at = n.text.find('2').expect("digit");
        let (s, e) = n.original_range(at, n.text.len()).expect("range");
        assert_eq!(&text[s..e], "二時間");
        assert_eq!(n.original_range(3, 3), None);
        assert_eq!(n.original_range(0, 999), None);
    }

    #[test]
    fn combining_marks_compose() {
        // か + combining voiced mark, and half-width カ + half-width voiced mark.
        assert_eq!(norm("か\u{3099}"), "が");
        assert_eq!(norm("ｶﾞ"), "が");
        let long = format!("a{}", "\u{0301}".repeat(1000));
        assert!(!norm(&long).is_empty());
    }
}
