//! Kana numerals before a counter become digits: にじかん → 2じかん, いちをおして → 1をおして,
//! にじゅうごふん → 25ふん. Speech recognisers write numbers in kana; the cues use digits.
//!
//! A numeral counts only at the start of a word (the character before it is not hiragana:
//! ASR text has spaces there), so the particle に in でんわにばんごう and the に of こんにちは stay.

use super::chars::{is_hiragana, Unit};

/// The numerals and counters of the normaliser pack.
#[derive(Debug, Default)]
pub(crate) struct KanaNumbers {
    /// Readings and their digit, longest reading first (`きゅう` before `に`).
    digits: Vec<(Vec<char>, u32)>,
    /// Counters that must follow a numeral (`じかん`, `ばん`, `を お` ...), longest first.
    counters: Vec<Vec<char>>,
}

const TEN: [char; 3] = ['じ', 'ゅ', 'う'];

/// The small ゃ ゅ ょ that make a syllable with the kana before them.
fn is_small_ya(c: char) -> bool {
    matches!(c, 'ゃ' | 'ゅ' | 'ょ')
}

impl KanaNumbers {
    /// From the pack's `kana_digits` (reading → digit) and `counters`.
    pub(crate) fn new(digits: Vec<(String, u32)>, counters: Vec<String>) -> KanaNumbers {
        let mut digits: Vec<(Vec<char>, u32)> = digits
            .into_iter()
            .map(|(r, d)| (r.chars().collect(), d))
            .collect();
        digits.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut counters: Vec<Vec<char>> = counters.iter().map(|c| c.chars().collect()).collect();
        counters.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        KanaNumbers { digits, counters }
    }

    /// The units with every kana numeral before a counter replaced by its digits.
    pub(crate) fn apply(&self, units: Vec<Unit>) -> Vec<Unit> {
        if self.digits.is_empty() || !units.iter().any(|u| is_hiragana(u.c)) {
            return units;
        }
        let chars: Vec<char> = units.iter().map(|u| u.c).collect();
        let mut out = Vec::with_capacity(units.len());
        let mut i = 0;
        while i < units.len() {
            let at_word_start = i == 0 || !is_hiragana(chars[i - 1]);
            if at_word_start {
                if let Some((end, value)) = self.numeral_at(&chars, i) {
                    let span = (units[i].span.0, units[end - 1].span.1);
                    out.extend(value.to_string().chars().map(|c| Unit { c, span }));
                    i = end;
                    continue;
                }
            }
            out.push(units[i]);
            i += 1;
        }
        out
    }

    /// A numeral at `i` followed by a counter: its end and value. The forms are tried as a
    /// backtracking matcher would: tens (`[unit]じゅう[unit]`, the trailing unit first with,
    /// then without), then a single unit.
    fn numeral_at(&self, chars: &[char], i: usize) -> Option<(usize, u32)> {
        // With a leading unit first (if one is there), then without.
        let leads = [self.unit_at(chars, i).map(Some), Some(None)];
        for lead in leads.into_iter().flatten() {
            let after_lead = lead.map_or(i, |(end, _)| end);
            if !starts_with(chars, after_lead, &TEN) {
                continue;
            }
            let after_ten = after_lead + TEN.len();
            let tens = lead.map_or(1, |(_, d)| d);
            if let Some((end, ones)) = self.unit_at(chars, after_ten) {
                if self.counter_at(chars, end) {
                    return Some((end, tens * 10 + ones));
                }
            }
            if self.counter_at(chars, after_ten) {
                return Some((after_ten, tens * 10));
            }
        }
        let (end, digit) = self.unit_at(chars, i)?;
        self.counter_at(chars, end).then_some((end, digit))
    }

    fn unit_at(&self, chars: &[char], i: usize) -> Option<(usize, u32)> {
        self.digits
            .iter()
            .find(|(reading, _)| starts_with(chars, i, reading))
            .map(|(reading, d)| (i + reading.len(), *d))
    }

    /// Whether a counter follows at `i`: whitespace allowed before it, and inside it where
    /// the pack writes a space (`を お`); a counter that ends on a hiragana must not go on
    /// into a small ゃ ゅ ょ (じ is not the じ of じゃ).
    fn counter_at(&self, chars: &[char], i: usize) -> bool {
        let start = skip_space(chars, i);
        self.counters.iter().any(|counter| {
            let mut at = start;
            for &c in counter {
                if c == ' ' {
                    at = skip_space(chars, at);
                    continue;
                }
                if chars.get(at) != Some(&c) {
                    return false;
                }
                at += 1;
            }
            let last = counter.last().copied().unwrap_or(' ');
            !(is_hiragana(last) && chars.get(at).is_some_and(|&c| is_small_ya(c)))
        })
    }
}

fn skip_space(chars: &[char], mut at: usize) -> usize {
    while at < chars.len() && chars[at].is_whitespace() {
        at += 1;
    }
    at
}

fn starts_with(chars: &[char], at: usize, word: &[char]) -> bool {
    chars.get(at..at + word.len()) == Some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> KanaNumbers {
        let digits = [
            ("いち", 1),
            ("に", 2),
            ("さん", 3),
            ("よん", 4),
            ("ご", 5),
            ("ろく", 6),
            ("なな", 7),
            ("しち", 7),
            ("はち", 8),
            ("きゅう", 9),
        ];
        let counters = ["じかん", "ばん", "ふん", "にち", "じ", "を お", "を 押"];
        KanaNumbers::new(
            digits.iter().map(|(r, d)| ((*r).to_owned(), *d)).collect(),
            counters.iter().map(|c| (*c).to_owned()).collect(),
        )
    }

    fn apply(text: &str) -> String {
        let units = text.chars().map(|c| Unit { c, span: (0, 1) }).collect();
        numbers().apply(units).iter().map(|u| u.c).collect()
    }

    #[test]
    fn numerals_before_counters() {
        assert_eq!(apply("にじかん"), "2じかん");
        assert_eq!(apply("あと にじかん"), "あと 2じかん");
        assert_eq!(apply("いちを おして"), "1を おして");
        assert_eq!(apply("にじゅうごふん"), "25ふん");
        assert_eq!(apply("じゅうじ"), "10じ");
        assert_eq!(apply("じゅうにち"), "10にち");
        assert_eq!(apply("しちじ"), "7じ");
    }

    #[test]
    fn numerals_inside_words_stay() {
        assert_eq!(apply("でんわに ばんごうを"), "でんわに ばんごうを");
        assert_eq!(apply("こんにちは"), "こんにちは");
        assert_eq!(apply("にじゃない"), "にじゃない");
    }
}
