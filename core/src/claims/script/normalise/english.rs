//! English words as the matcher sees them: contractions expanded, number words as digits, a few
//! words replaced, and a light stemmer, so "don't", "iTunes cards" and "has been issued" meet
//! the cues "do not", "itunes card" and "has been issue".

use std::collections::HashMap;

/// The English data of the normaliser pack.
#[derive(Debug, Default)]
pub(crate) struct English {
    /// Whole words expanded (`dont` → `do not`, `it's` → `it is`).
    pub(crate) contractions: HashMap<String, String>,
    /// `two` → `2`.
    pub(crate) number_words: HashMap<String, String>,
    /// Replacements applied before stemming (`hrs` → `hour`, `grandma` → `grandmother`).
    pub(crate) words: HashMap<String, String>,
    /// Stems that the rules would get wrong (`news` stays `news`, `told` → `tell`); values are
    /// stemmed by the rules unless equal to their key.
    pub(crate) stem_exceptions: HashMap<String, String>,
}

impl English {
    /// The data with the exceptions' values stemmed, as [`English::stem`] expects them.
    pub(crate) fn new(
        contractions: HashMap<String, String>,
        number_words: HashMap<String, String>,
        words: HashMap<String, String>,
        stem_exceptions: HashMap<String, String>,
    ) -> English {
        let stem_exceptions = stem_exceptions
            .into_iter()
            .map(|(k, v)| {
                let v = if v == k { v } else { stem_rules(&v) };
                (k, v)
            })
            .collect();
        English {
            contractions,
            number_words,
            words,
            stem_exceptions,
        }
    }

    /// The words one raw token (`[a-z0-9]` with `'` between letters) stands for, each stemmed.
    pub(crate) fn words(&self, raw: &str, out: &mut Vec<String>) {
        let raw = raw.trim_matches('\'');
        let expanded: Vec<&str> = if let Some(words) = self.contractions.get(raw) {
            words.split_whitespace().collect()
        } else if let Some(head) = raw.strip_suffix("n't") {
            vec![head, "not"]
        } else if let Some((head, tail)) = raw.split_once('\'') {
            let tail = match tail {
                "ll" => Some("will"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "m" => Some("am"),
                "d" => Some("would"),
                _ => None,
            };
            std::iter::once(head).chain(tail).collect()
        } else {
            vec![raw]
        };
        for word in expanded {
            for part in letter_or_digit_runs(word) {
                let part = self.number_words.get(part).map_or(part, String::as_str);
                let part = self.words.get(part).map_or(part, String::as_str);
                for w in part.split_whitespace() {
                    out.push(self.stem(w));
                }
            }
        }
    }

    /// The stem of one word: the exceptions first, then the rules.
    pub(crate) fn stem(&self, word: &str) -> String {
        match self.stem_exceptions.get(word) {
            Some(stem) => stem.clone(),
            None => stem_rules(word),
        }
    }
}

/// Runs of letters and runs of digits: `24hrs` → `24`, `hrs`.
fn letter_or_digit_runs(word: &str) -> impl Iterator<Item = &str> {
    let bytes = word.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < bytes.len() && !bytes[start].is_ascii_alphanumeric() {
            start += 1;
        }
        if start >= bytes.len() {
            return None;
        }
        let digit = bytes[start].is_ascii_digit();
        let mut end = start;
        while end < bytes.len()
            && bytes[end].is_ascii_alphanumeric()
            && bytes[end].is_ascii_digit() == digit
        {
            end += 1;
        }
        let run = &word[start..end];
        start = end;
        Some(run)
    })
}

/// The stemming rules: plural, then -ed/-ing, then a doubled final consonant and a final e.
/// Words of three letters or fewer, and words with digits, stay as they are.
pub(crate) fn stem_rules(word: &str) -> String {
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if ["sses", "ches", "shes", "xes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !["ss", "us", "is"].iter().any(|s| w.ends_with(s)) {
        w.truncate(w.len() - 1);
    }
    if w.ends_with("ied") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("ed") && w.len() > 4 {
        w.truncate(w.len() - 2);
    } else if w.ends_with("ing") && w.len() > 5 {
        w.truncate(w.len() - 3);
    }
    let b = w.as_bytes();
    if b.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && !b"lsz".contains(&b[b.len() - 1]) {
        w.truncate(w.len() - 1);
    }
    if w.ends_with('e') && w.len() > 3 {
        w.truncate(w.len() - 1);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn english() -> English {
        English::new(
            map(&[("dont", "do not"), ("it's", "it is")]),
            map(&[("two", "2")]),
            map(&[("hrs", "hour"), ("asap", "as soon as possible")]),
            map(&[("news", "news"), ("told", "tell")]),
        )
    }

    fn words(raw: &str) -> Vec<String> {
        let mut out = Vec::new();
        english().words(raw, &mut out);
        out
    }

    #[test]
    fn stems_fold_inflections() {
        for (word, stem) in [
            ("cards", "card"),
            ("issued", "issu"),
            ("issue", "issu"),
            ("arrested", "arrest"),
            ("arrest", "arrest"),
            ("parties", "party"),
            ("buses", "bus"),
            ("classes", "class"),
            ("watches", "watch"),
            ("stopped", "stop"),
            ("calling", "call"),
            ("sing", "sing"),
            ("was", "was"),
            ("status", "status"),
            ("24hrs", "24hrs"),
        ] {
            assert_eq!(stem_rules(word), stem, "{word}");
        }
    }

    #[test]
    fn contractions_numbers_and_replacements() {
        assert_eq!(words("dont"), ["do", "not"]);
        assert_eq!(words("it's"), ["it", "is"]);
        assert_eq!(words("isn't"), ["is", "not"]);
        assert_eq!(words("you'll"), ["you", "will"]);
        assert_eq!(words("mom's"), ["mom"]);
        assert_eq!(words("two"), ["2"]);
        assert_eq!(words("24hrs"), ["24", "hour"]);
        assert_eq!(words("asap"), ["as", "soon", "as", "possibl"]);
        assert_eq!(words("news"), ["news"]);
        assert_eq!(words("told"), ["tell"]);
    }
}
