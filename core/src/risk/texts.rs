//! What callguard tells people about each reason: a message and, where there is something to
//! do, advice, in Japanese and English (`core/rules/reasons.json`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::ReasonCode;
use crate::rules::{LocalText, RulePackError};
use crate::Lang;

const PACK: &str = "reasons";
const EMBEDDED: &str = include_str!("../../rules/reasons.json");
const FORMAT: u32 = 1;

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
struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    reasons: HashMap<ReasonCode, Entry>,
}

/// The message and advice of every reason code.
#[derive(Debug)]
pub struct ReasonTexts {
    version: String,
    entries: HashMap<ReasonCode, Entry>,
}

impl ReasonTexts {
    /// The texts built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<ReasonTexts> {
        static TEXTS: OnceLock<Arc<ReasonTexts>> = OnceLock::new();
        TEXTS
            .get_or_init(|| {
                // Checked by a unit test, so this cannot fail in a release.
                Arc::new(
                    ReasonTexts::from_json(EMBEDDED).unwrap_or_else(|err| {
                        panic!("the embedded reason texts are invalid: {err}")
                    }),
                )
            })
            .clone()
    }

    /// Reads and checks the texts: every reason code needs a message.
    pub fn from_json(text: &str) -> Result<ReasonTexts, RulePackError> {
        let file: PackFile = crate::rules::parse_json(PACK, text)?;
        crate::rules::check_format(PACK, file.format, FORMAT)?;
        if let Some(missing) = ReasonCode::ALL
            .iter()
            .find(|c| !file.reasons.contains_key(c))
        {
            return Err(RulePackError::new(
                PACK,
                format_args!("reasons.{}", missing.as_str()),
                "missing",
            ));
        }
        Ok(ReasonTexts {
            version: file.version,
            entries: file.reasons,
        })
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The short label of `code` ("国際電話", "Impersonation"), for a notification's title.
    pub fn label(&self, code: ReasonCode) -> &LocalText {
        // `from_json` guarantees an entry for every code.
        &self.entries[&code].label
    }

    /// The message of `code` with `detail` filled in (or its placeholder removed), and the
    /// advice, if the reason has any.
    pub fn render(
        &self,
        code: ReasonCode,
        detail: Option<&LocalText>,
    ) -> (LocalText, Option<&LocalText>) {
        // `from_json` guarantees an entry for every code.
        let entry = &self.entries[&code];
        let fill = |text: &str, lang: Lang| match detail {
            Some(d) => text.replace("{detail}", d.get(lang)),
            None => text
                .replace(" ({detail})", "")
                .replace("（{detail}）", "")
                .replace("{detail}", ""),
        };
        let message = LocalText {
            ja: fill(&entry.message.ja, Lang::Ja),
            en: fill(&entry.message.en, Lang::En),
        };
        (message, entry.advice.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_texts_cover_every_code() {
        let texts = ReasonTexts::from_json(EMBEDDED).expect("embedded texts");
        for code in ReasonCode::ALL {
            let (message, _) = texts.render(code, None);
            let label = texts.label(code);
            assert!(!label.ja.is_empty() && !label.en.is_empty(), "{code:?}");
            assert!(label.en.len() <= 32, "{code:?}: a label is short");
            assert!(!message.ja.is_empty() && !message.en.is_empty(), "{code:?}");
            assert!(!message.en.contains("{detail}"), "{code:?}: {}", message.en);
            assert!(!message.ja.contains("{detail}"), "{code:?}: {}", message.ja);
        }
    }

    #[test]
    fn a_missing_code_is_named() {
        let err = ReasonTexts::from_json(&EMBEDDED.replace("\"payphone\": {", "\"payfone\": {"))
            .expect_err("unknown code");
        assert!(err.message.contains("payfone"), "{err}");
    }
}
