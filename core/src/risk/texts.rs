//! What callguard tells people about each reason (`core/rules/reasons.json`), in every
//! language: a label, a message with `{detail}` filled in, advice where there is something to
//! do; the words for the verdicts; and the details and policy rules the engine writes into
//! messages.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use callguard_text::pack::{self, RulePack, Versioned};
use callguard_text::{Lang, LocalText, RulePackError};
use serde::Deserialize;

use super::{ReasonCode, Verdict};

const EMBEDDED: &str = include_str!("../../rules/reasons.json");

/// The detail texts the engine fills in, by key.
pub(crate) const DETAIL_KEYS: [&str; 11] = [
    "carrier_service_code",
    "international_service",
    "reports_one",
    "reports_many",
    "recent_calls",
    "directory_scam_one",
    "directory_scam_many",
    "directory_nuisance_one",
    "directory_nuisance_many",
    "last_call_minutes",
    "pause_remaining",
];
/// The policy-rule texts, `{rule}_{verdict}`.
pub(crate) const RULE_KEYS: [&str; 9] = [
    "international_block",
    "international_silence",
    "international_warn",
    "hidden_block",
    "hidden_silence",
    "hidden_warn",
    "kind_block",
    "kind_silence",
    "kind_warn",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    label: LocalText,
    message: LocalText,
    #[serde(default)]
    advice: Option<LocalText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    reasons: HashMap<ReasonCode, Entry>,
    verdicts: HashMap<Verdict, LocalText>,
    details: HashMap<String, LocalText>,
    rules: HashMap<String, LocalText>,
}

impl Versioned for PackFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The reason texts, checked: every code, verdict, detail and rule, in every language.
#[derive(Debug)]
pub struct ReasonTexts {
    version: String,
    entries: HashMap<ReasonCode, Entry>,
    verdicts: HashMap<Verdict, LocalText>,
    details: HashMap<String, LocalText>,
    rules: HashMap<String, LocalText>,
}

fn check_keys(
    pack: &str,
    section: &str,
    map: &HashMap<String, LocalText>,
    keys: &[&str],
) -> Result<(), RulePackError> {
    for key in keys {
        map.get(*key)
            .ok_or_else(|| RulePackError::new(pack, format_args!("{section}.{key}"), "missing"))?
            .check(pack, format_args!("{section}.{key}"))?;
    }
    if let Some(key) = map.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(RulePackError::new(
            pack,
            format_args!("{section}.{key}"),
            "unknown: nothing uses this text",
        ));
    }
    Ok(())
}

impl RulePack for ReasonTexts {
    const NAME: &'static str = "reasons";
    const FORMAT: u32 = 1;
    type File = PackFile;

    fn compile(file: PackFile) -> Result<ReasonTexts, RulePackError> {
        for code in ReasonCode::ALL {
            let at = |field: &str| format!("reasons.{}.{field}", code.as_str());
            let entry = file.reasons.get(&code).ok_or_else(|| {
                RulePackError::new(Self::NAME, at("").trim_end_matches('.'), "missing")
            })?;
            entry.label.check(Self::NAME, at("label"))?;
            entry.message.check(Self::NAME, at("message"))?;
            if let Some(advice) = &entry.advice {
                advice.check(Self::NAME, at("advice"))?;
            }
        }
        for verdict in Verdict::ALL {
            file.verdicts
                .get(&verdict)
                .ok_or_else(|| {
                    RulePackError::new(Self::NAME, format_args!("verdicts.{verdict}"), "missing")
                })?
                .check(Self::NAME, format_args!("verdicts.{verdict}"))?;
        }
        check_keys(Self::NAME, "details", &file.details, &DETAIL_KEYS)?;
        check_keys(Self::NAME, "rules", &file.rules, &RULE_KEYS)?;
        Ok(ReasonTexts {
            version: file.version,
            entries: file.reasons,
            verdicts: file.verdicts,
            details: file.details,
            rules: file.rules,
        })
    }
}

impl ReasonTexts {
    /// The texts built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<ReasonTexts> {
        static SLOT: OnceLock<Arc<ReasonTexts>> = OnceLock::new();
        pack::embedded(&SLOT, EMBEDDED)
    }

    /// The embedded texts, borrowed for the life of the process.
    pub(crate) fn embedded_ref() -> &'static ReasonTexts {
        static TEXTS: OnceLock<Arc<ReasonTexts>> = OnceLock::new();
        TEXTS.get_or_init(ReasonTexts::embedded)
    }

    /// Reads and checks texts from JSON: every reason code needs a label and a message.
    pub fn from_json(text: &str) -> Result<ReasonTexts, RulePackError> {
        <ReasonTexts as RulePack>::from_json(text)
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn entry(&self, code: ReasonCode) -> &Entry {
        // `compile` guarantees an entry for every code.
        &self.entries[&code]
    }

    /// The short label of `code` ("国際電話", "Impersonation"), for a notification's title.
    pub fn label(&self, code: ReasonCode, lang: Lang) -> &str {
        self.entry(code).label.get(lang)
    }

    /// The message of `code` in `lang` with `detail` filled in (or its placeholder and the
    /// brackets around it removed).
    pub fn message(&self, code: ReasonCode, detail: Option<&LocalText>, lang: Lang) -> String {
        let text = self.entry(code).message.get(lang);
        match detail {
            Some(d) => text.replace("{detail}", d.get(lang)),
            None => text
                .replace(" ({detail})", "")
                .replace("（{detail}）", "")
                .replace("{detail}", ""),
        }
    }

    /// The advice of `code` in `lang`, if the reason has any.
    pub fn advice(&self, code: ReasonCode, lang: Lang) -> Option<&str> {
        self.entry(code).advice.as_ref().map(|a| a.get(lang))
    }

    /// Whether `code` has advice.
    pub fn has_advice(&self, code: ReasonCode) -> bool {
        self.entry(code).advice.is_some()
    }

    /// The word for a verdict in `lang` ("注意", "Warning").
    pub fn verdict(&self, verdict: Verdict, lang: Lang) -> &str {
        // `compile` guarantees a word for every verdict.
        self.verdicts[&verdict].get(lang)
    }

    /// A detail text (`details.{key}`); `key` is one of [`DETAIL_KEYS`].
    pub(crate) fn detail(&self, key: &str) -> &LocalText {
        // `compile` guarantees every key the engine uses.
        &self.details[key]
    }

    /// A policy-rule text (`rules.{key}`); `key` is one of [`RULE_KEYS`].
    pub(crate) fn rule(&self, key: &str) -> &LocalText {
        // `compile` guarantees every key the engine uses.
        &self.rules[key]
    }
}

impl Verdict {
    /// The word for people, in `lang` ("注意", "Warning"), from the reason texts. It lives with
    /// the texts so that the verdict knows nothing of the pack.
    pub fn label(self, lang: Lang) -> &'static str {
        ReasonTexts::embedded_ref().verdict(self, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_texts_cover_every_code() {
        let texts = ReasonTexts::from_json(EMBEDDED).expect("embedded texts");
        for code in ReasonCode::ALL {
            for &lang in Lang::all() {
                let message = texts.message(code, None, lang);
                let label = texts.label(code, lang);
                assert!(!label.is_empty() && !message.is_empty(), "{code:?} {lang}");
                assert!(!message.contains("{detail}"), "{code:?}: {message}");
                if lang == Lang::EN {
                    assert!(label.len() <= 32, "{code:?}: a label is short");
                }
            }
        }
    }

    #[test]
    fn a_missing_code_or_text_is_named() {
        let err = ReasonTexts::from_json(&EMBEDDED.replace("\"payphone\": {", "\"payfone\": {"))
            .expect_err("unknown code");
        assert!(err.message.contains("payfone"), "{err}");
        let err = ReasonTexts::from_json(&EMBEDDED.replace("\"recent_calls\":", "\"recent\":"))
            .expect_err("a missing detail");
        assert_eq!(err.location, "details.recent_calls");
    }
}
