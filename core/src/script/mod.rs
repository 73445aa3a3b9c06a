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

use crate::rules::{LocalText, RulePackError};
use crate::Lang;
use pack::{CategorySet, Compiled};

const EMBEDDED: &str = include_str!("../../rules/script.json");

/// Only the first 64 KiB of a text are scanned (cut at a character boundary); a call transcript
/// or a message is far shorter.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// At most this many matches are reported per category (all of them count for the score).
pub const MAX_MATCHES_PER_CATEGORY: usize = 8;

/// A kind of scam cue. The snake_case codes are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
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

impl Category {
    /// Every category, in code order.
    pub const ALL: [Category; 10] = [
        Category::AuthorityImpersonation,
        Category::Urgency,
        Category::ServiceCutoff,
        Category::PoliceTransfer,
        Category::CrimeAccusation,
        Category::Money,
        Category::PinAndCard,
        Category::AppOrSns,
        Category::MyNumber,
        Category::AutomatedVoice,
    ];

    /// The stable snake_case code used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::AuthorityImpersonation => "authority_impersonation",
            Category::Urgency => "urgency",
            Category::ServiceCutoff => "service_cutoff",
            Category::PoliceTransfer => "police_transfer",
            Category::CrimeAccusation => "crime_accusation",
            Category::Money => "money",
            Category::PinAndCard => "pin_and_card",
            Category::AppOrSns => "app_or_sns",
            Category::MyNumber => "my_number",
            Category::AutomatedVoice => "automated_voice",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Category::ALL
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
pub enum Level {
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

impl Level {
    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }

    /// A short word for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Level::None, Lang::En) => "no scam cues",
            (Level::Low, Lang::En) => "low",
            (Level::Medium, Lang::En) => "medium",
            (Level::High, Lang::En) => "HIGH: this sounds like a scam",
            (Level::None, Lang::Ja) => "詐欺の手がかりなし",
            (Level::Low, Lang::Ja) => "低",
            (Level::Medium, Lang::Ja) => "中",
            (Level::High, Lang::Ja) => "高：詐欺の疑いが強い",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One phrase found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScriptMatch {
    /// The category the phrase belongs to.
    pub category: Category,
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
    pub level: Level,
    /// 0 to 100.
    pub score: u8,
    /// The phrases found, in text order (at most [`MAX_MATCHES_PER_CATEGORY`] per category).
    pub matches: Vec<ScriptMatch>,
    /// Every category found, in code order.
    pub categories: Vec<Category>,
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

/// Normalises text the way the scanner does before matching (useful to write and test
/// phrases): NFKC, lower case, katakana → hiragana, kanji numerals → digits, spaces and
/// punctuation removed except one space between Latin words.
pub fn normalize(text: &str) -> String {
    normalize::normalize(cap(text).0).text
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
    category: Category,
    weight: u8,
    start: usize,
    end: usize,
}

impl ScriptScanner {
    /// The pack built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<ScriptScanner> {
        static EMBEDDED_SCANNER: OnceLock<Arc<ScriptScanner>> = OnceLock::new();
        EMBEDDED_SCANNER
            .get_or_init(|| {
                // The embedded pack is checked by a unit test, so this cannot fail in a release.
                Arc::new(ScriptScanner::from_json(EMBEDDED).unwrap_or_else(|err| {
                    panic!("the embedded script rule pack is invalid: {err}")
                }))
            })
            .clone()
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

    /// The category's short label in Japanese and English.
    pub fn label(&self, category: Category) -> &LocalText {
        &self.pack.labels[category.index()]
    }

    /// Scans `text` (its first [`MAX_INPUT_BYTES`] bytes) for scam-script phrases.
    pub fn scan(&self, text: &str) -> ScanResult {
        let (input, truncated) = cap(text);
        let norm = normalize::normalize(input);
        let hits = self.find(&norm.text);

        let mut best = [0u8; Category::ALL.len()];
        let mut found = CategorySet::default();
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
        let mut reach = [0usize; Category::ALL.len()];
        let mut count = [0usize; Category::ALL.len()];
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
            level: if found == CategorySet::default() {
                Level::None
            } else {
                self.pack.thresholds.level(score)
            },
            score: if found == CategorySet::default() {
                0
            } else {
                score
            },
            matches,
            categories: Category::ALL
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
mod tests {
    use super::*;

    fn scanner() -> Arc<ScriptScanner> {
        ScriptScanner::embedded()
    }

    fn codes(r: &ScanResult) -> Vec<&'static str> {
        r.categories.iter().map(|c| c.as_str()).collect()
    }

    #[test]
    fn embedded_pack_loads_and_labels_every_category() {
        let s = ScriptScanner::from_json(EMBEDDED).expect("embedded pack");
        assert!(!s.version().is_empty());
        for c in Category::ALL {
            assert!(!s.label(c).ja.is_empty() && !s.label(c).en.is_empty());
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
        }
    }

    #[test]
    fn ministry_script_is_high_and_quotes_the_original() {
        let text = "総務省です。２時間以内に通信を停止します。";
        let r = scanner().scan(text);
        assert_eq!(r.level, Level::High, "{r:?}");
        assert!(r.score >= 65);
        assert_eq!(
            codes(&r),
            ["authority_impersonation", "urgency", "service_cutoff"]
        );
        let cutoff = r
            .matches
            .iter()
            .find(|m| m.category == Category::ServiceCutoff)
            .expect("cutoff match");
        assert_eq!(cutoff.text, "通信を停止");
        assert_eq!(&text[cutoff.start..cutoff.end], "通信を停止");
        let urgency = r
            .matches
            .iter()
            .find(|m| m.category == Category::Urgency)
            .expect("urgency match");
        assert_eq!(urgency.text, "２時間以内");
    }

    #[test]
    fn lone_authority_is_at_most_low() {
        for text in [
            "総務省は本日、新しい方針を発表した",
            "警察署の前で待ち合わせ",
            "The police officer helped my grandmother",
        ] {
            let r = scanner().scan(text);
            assert!(r.level <= Level::Low, "{text}: {r:?}");
            assert_eq!(codes(&r), ["authority_impersonation"], "{text}");
        }
    }

    #[test]
    fn nothing_found_is_none_with_zero() {
        let r = scanner().scan("明日は晴れるでしょう。See you tomorrow!");
        assert_eq!(r.level, Level::None);
        assert_eq!(r.score, 0);
        assert!(r.matches.is_empty() && r.categories.is_empty() && r.combos.is_empty());
        assert_eq!(scanner().scan(""), ScanResult::default());
    }

    #[test]
    fn english_words_need_word_boundaries() {
        let r = scanner().scan("The spinning top was shopping online");
        assert_eq!(r.level, Level::None, "{r:?}");
        let r = scanner().scan("Tell me your PIN.");
        assert_eq!(codes(&r), ["pin_and_card"]);
    }

    #[test]
    fn overlapping_matches_of_one_category_collapse() {
        let r = scanner().scan("警察官です");
        let authority: Vec<_> = r
            .matches
            .iter()
            .filter(|m| m.category == Category::AuthorityImpersonation)
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(authority, ["警察官"]);
        let r = scanner().scan("通信を停止します");
        let quoted: Vec<_> = r.matches.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(quoted, ["通信を停止"]);
    }

    #[test]
    fn long_input_is_capped_at_a_char_boundary() {
        let text = "あ".repeat(MAX_INPUT_BYTES) + "総務省です。通信を停止します";
        let r = scanner().scan(&text);
        assert!(r.truncated);
        assert_eq!(r.level, Level::None);
        let (capped, cut) = cap(&text);
        assert!(cut && capped.len() <= MAX_INPUT_BYTES && capped.len() > MAX_INPUT_BYTES - 3);
    }

    #[test]
    fn matches_per_category_are_capped() {
        let text = "警察 ".repeat(100);
        let r = scanner().scan(&text);
        assert_eq!(r.matches.len(), MAX_MATCHES_PER_CATEGORY);
    }

    #[test]
    fn bad_packs_name_the_entry() {
        let base = |categories: &str, combos: &str| {
            format!(
                r#"{{"format":1,"version":"t","description":"d",
                "thresholds":{{"low":10,"medium":35,"high":65}},
                "categories":[{categories}],"combos":[{combos}]}}"#
            )
        };
        let all_but_first: String = Category::ALL[1..]
            .iter()
            .map(|c| {
                format!(
                    r#",{{"code":"{}","label":{{"ja":"x","en":"x"}},"weight":10,"source":"s"}}"#,
                    c.as_str()
                )
            })
            .collect();
        let first = |phrases: &str| {
            format!(
                r#"{{"code":"authority_impersonation","label":{{"ja":"x","en":"x"}},"weight":10,"source":"s",{phrases}}}{all_but_first}"#
            )
        };

        let ok = base(&first(r#""phrases":["総務省"]"#), "");
        assert!(ScriptScanner::from_json(&ok).is_ok());

        let e = ScriptScanner::from_json(&base(
            &first(r#""phrases":["総務省","ソウムショウ","、"]"#),
            "",
        ))
        .expect_err("empty phrase");
        assert_eq!(
            e.location,
            "categories[0] (authority_impersonation).phrases[2]"
        );

        let e = ScriptScanner::from_json(&base(&first(r#""phrases":["ＡＴＭ","atm"]"#), ""))
            .expect_err("twice");
        assert!(e.location.ends_with("phrases[1]"), "{e}");
        assert!(e.message.contains("twice"), "{e}");

        let e =
            ScriptScanner::from_json(&base(&first(r#""regexes":[{"pattern":"(unclosed"}]"#), ""))
                .expect_err("regex");
        assert!(e.location.ends_with("regexes[0]"), "{e}");

        let e = ScriptScanner::from_json(&base(&first(r#""regexes":[{"pattern":"a*"}]"#), ""))
            .expect_err("empty regex");
        assert!(e.message.contains("empty"), "{e}");

        let e =
            ScriptScanner::from_json(&base(&first(r#""phrases":[{"text":"x","weight":0}]"#), ""))
                .expect_err("weight");
        assert!(e.message.contains("weight"), "{e}");

        let e = ScriptScanner::from_json(&base(
            &first(r#""phrases":[]"#),
            r#"{"id":"c","bonus":10,"note":"n"}"#,
        ))
        .expect_err("combo");
        assert_eq!(e.location, "combos[0] (c)");

        let e = ScriptScanner::from_json(&base(
            &first(r#""phrases":[]"#),
            r#"{"id":"c","all":["nope"],"bonus":10,"note":"n"}"#,
        ))
        .expect_err("unknown category");
        assert!(e.location.starts_with("line"), "{e}");

        let missing = base(
            r#"{"code":"urgency","label":{"ja":"x","en":"x"},"weight":10,"source":"s"}"#,
            "",
        );
        let e = ScriptScanner::from_json(&missing).expect_err("missing");
        assert!(e.message.contains("authority_impersonation"), "{e}");

        let e = ScriptScanner::from_json(&ok.replace("\"format\":1", "\"format\":2"))
            .expect_err("format");
        assert_eq!(e.location, "format");

        let e = ScriptScanner::from_json(&ok.replace("\"medium\":35", "\"medium\":5"))
            .expect_err("thresholds");
        assert_eq!(e.location, "thresholds");
    }
}
