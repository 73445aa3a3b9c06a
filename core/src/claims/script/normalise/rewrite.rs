//! Leftmost-longest replacement of fixed strings, keeping the original span behind every
//! character: the reading lexicon (総務省 → そうむしょう) and the honorific prefixes (お電話 →
//! でんわ).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::chars::Unit;

/// A table of replacements compiled into one automaton.
#[derive(Debug, Default)]
pub(crate) struct Rewriter {
    automaton: Option<AhoCorasick>,
    values: Vec<String>,
}

impl Rewriter {
    /// A rewriter from `(key, value)` pairs; keys must be distinct and non-empty.
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Result<Rewriter, String> {
        if pairs.is_empty() {
            return Ok(Rewriter::default());
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(pairs.iter().map(|(k, _)| k))
            .map_err(|e| e.to_string())?;
        Ok(Rewriter {
            automaton: Some(automaton),
            values: pairs.into_iter().map(|(_, v)| v).collect(),
        })
    }

    /// The units with every leftmost-longest key replaced by its value; each character of a
    /// value spans the whole original range of the key it replaced.
    pub(crate) fn apply(&self, units: Vec<Unit>) -> Vec<Unit> {
        let Some(automaton) = &self.automaton else {
            return units;
        };
        let text: String = units.iter().map(|u| u.c).collect();
        let mut matches = automaton.find_iter(&text).peekable();
        if matches.peek().is_none() {
            return units;
        }
        let mut out = Vec::with_capacity(units.len());
        // Walk units and bytes together.
        let mut unit = 0;
        let mut byte = 0;
        for m in matches {
            while byte < m.start() {
                byte += units[unit].c.len_utf8();
                out.push(units[unit]);
                unit += 1;
            }
            let first = unit;
            while byte < m.end() {
                byte += units[unit].c.len_utf8();
                unit += 1;
            }
            let span = (units[first].span.0, units[unit - 1].span.1);
            out.extend(
                self.values[m.pattern().as_usize()]
                    .chars()
                    .map(|c| Unit { c, span }),
            );
        }
        out.extend_from_slice(&units[unit..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_key_wins_and_spans_follow() {
        let r = Rewriter::new(vec![
            ("警察".into(), "けいさつ".into()),
            ("警察署".into(), "けいさつしょ".into()),
        ])
        .expect("rewriter");
        let text = "あ警察署へ";
        let units: Vec<Unit> = text
            .char_indices()
            .map(|(i, c)| Unit {
                c,
                span: (i as u32, (i + c.len_utf8()) as u32),
            })
            .collect();
        let out = r.apply(units);
        let s: String = out.iter().map(|u| u.c).collect();
        assert_eq!(s, "あけいさつしょへ");
        let (a, b) = out[1].span;
        assert_eq!(&text[a as usize..b as usize], "警察署");
        assert_eq!(out.last().map(|u| u.c), Some('へ'));
    }
}
