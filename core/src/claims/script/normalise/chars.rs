//! Character folding: NFKC per cluster, lower case, katakana → hiragana, kanji numerals, with
//! the byte range of the original text behind every folded character.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// At most this many characters form one NFKC cluster; longer runs of combining marks are cut
/// so that folding stays linear on hostile input.
const MAX_CLUSTER_CHARS: usize = 16;

/// The placeholder a link becomes before the words are matched (one private-use character).
pub(crate) const LINK: char = '\u{E000}';
/// The placeholder a phone number becomes before the words are matched.
pub(crate) const PHONE: char = '\u{E001}';

/// One folded character with the original byte range it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    pub(crate) c: char,
    pub(crate) span: (u32, u32),
}

/// NFKC per cluster (a character and the combining marks after it, so half-width `ｶﾞ` is one
/// `ガ`), lower case, katakana → hiragana. `text` must be shorter than 4 GiB; the scanner caps
/// its input far below that.
pub(crate) fn fold(text: &str) -> Vec<Unit> {
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
        for composed in text[start..end].nfkc() {
            push_folded(&mut units, composed, span);
        }
    }
    units
}

/// Lower case and katakana → hiragana for one NFKC character.
fn push_folded(units: &mut Vec<Unit>, c: char, span: (u32, u32)) {
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

/// A hiragana letter (ぁ to ゟ).
pub(crate) fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// A character of an English word as the matcher sees it: `a-z` or `0-9`.
pub(crate) fn is_latin(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// The value of a kanji numeral (`十` is 10).
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

/// Runs of kanji numerals become ASCII digits, each digit spanning the whole run.
pub(crate) fn kanji_numerals(units: Vec<Unit>) -> Vec<Unit> {
    if !units.iter().any(|u| kanji_digit(u.c).is_some()) {
        return units;
    }
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        if kanji_digit(units[i].c).is_none() {
            out.push(units[i]);
            i += 1;
            continue;
        }
        let end = units[i..]
            .iter()
            .position(|u| kanji_digit(u.c).is_none())
            .map_or(units.len(), |n| i + n);
        let span = (units[i].span.0, units[end - 1].span.1);
        for c in kanji_number(units[i..end].iter().map(|u| u.c)).chars() {
            out.push(Unit { c, span });
        }
        i = end;
    }
    out
}

/// A run of kanji numerals as ASCII digits: positional with one `十` (`二十四` → `24`, `十` →
/// `10`), digit by digit otherwise (`二〇二五` → `2025`).
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

/// Whether a character is dropped between words: whitespace, punctuation, symbols, control and
/// format characters (Unicode categories Z, P, S and C), except the placeholders and the
/// Japanese marks `ー 々 〆 ヶ`, which are part of words.
pub(crate) fn is_dropped(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric();
    }
    match c {
        LINK | PHONE | 'ー' | '々' | '〆' | 'ヶ' => false,
        // Hiragana, katakana (without ・ and the voicing marks ゛ ゜) and CJK ideographs.
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' => false,
        '\u{30FD}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' => false,
        _ => category_zpsc(c),
    }
}

/// Unicode general category Z*, P*, S* or C* (the `regex` crate carries the tables).
fn category_zpsc(c: char) -> bool {
    static CLASS: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let class = CLASS.get_or_init(|| regex::Regex::new(r"^[\p{Z}\p{P}\p{S}\p{C}]$").ok());
    let mut buf = [0u8; 4];
    match class {
        Some(re) => re.is_match(c.encode_utf8(&mut buf)),
        // The pattern is a constant that compiles; were it not to, keep the character.
        None => c.is_whitespace() || c.is_control(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(units: &[Unit]) -> String {
        units.iter().map(|u| u.c).collect()
    }

    #[test]
    fn width_case_kana_and_numerals() {
        assert_eq!(text(&fold("ＡＴＭとｷｬｯｼｭｶｰﾄﾞ")), "atmときゃっしゅかーど");
        assert_eq!(text(&fold("か\u{3099}")), "が");
        assert_eq!(text(&kanji_numerals(fold("二十四時間"))), "24時間");
        assert_eq!(text(&kanji_numerals(fold("十分"))), "10分");
        assert_eq!(text(&kanji_numerals(fold("二〇二五年"))), "2025年");
        assert_eq!(text(&kanji_numerals(fold("十十"))), "1010");
    }

    #[test]
    fn spans_cover_the_original() {
        let original = "ＡＴＭへ二時間";
        let units = kanji_numerals(fold(original));
        let (s, e) = units[0].span;
        assert_eq!(&original[s as usize..e as usize], "Ａ");
        let two = units.iter().find(|u| u.c == '2').expect("digit");
        assert_eq!(&original[two.span.0 as usize..two.span.1 as usize], "二");
    }

    #[test]
    fn dropped_characters() {
        for c in [
            '、', '。', '「', '・', '¥', '→', '\u{200B}', '\u{3000}', '☎', '!',
        ] {
            assert!(is_dropped(c), "{c:?}");
        }
        for c in ['あ', 'ア', '漢', 'ー', '々', LINK, PHONE, 'é', 'a', '7'] {
            assert!(!is_dropped(c), "{c:?}");
        }
    }

    #[test]
    fn hostile_combining_runs_stay_linear() {
        let long = format!("a{}", "\u{0301}".repeat(1000));
        assert!(!fold(&long).is_empty());
    }
}
