//! What the command prints for people, in every language (`cli/texts.json`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use callguard_core::{Lang, LocalText, RulePackError};
use callguard_text::pack::{self, RulePack, Versioned};
use serde::Deserialize;

const EMBEDDED: &str = include_str!("../texts.json");

/// Every key the command uses.
const KEYS: [&str; 19] = [
    "check.score",
    "check.number",
    "check.reasons",
    "check.advice",
    "number.international",
    "demo.verdict",
    "demo.score",
    "demo.caller_id",
    "demo.number",
    "demo.the_call",
    "demo.main_reason",
    "demo.advice",
    "scan.level",
    "scan.score",
    "scan.found",
    "scan.nothing",
    "scan.truncated",
    "scan.match",
    "scan.advice",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextsFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    texts: HashMap<String, LocalText>,
}

impl Versioned for TextsFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The command's texts, checked: every key, in every language.
#[derive(Debug)]
pub struct CliTexts(HashMap<String, LocalText>);

impl RulePack for CliTexts {
    const NAME: &'static str = "cli texts";
    const FORMAT: u32 = 1;
    type File = TextsFile;

    fn compile(file: TextsFile) -> Result<CliTexts, RulePackError> {
        for key in KEYS {
            file.texts
                .get(key)
                .ok_or_else(|| RulePackError::new(Self::NAME, key, "missing"))?
                .check(Self::NAME, key)?;
        }
        if let Some(key) = file.texts.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(RulePackError::new(
                Self::NAME,
                key,
                "unknown: nothing uses this text",
            ));
        }
        Ok(CliTexts(file.texts))
    }
}

fn texts() -> Arc<CliTexts> {
    static SLOT: OnceLock<Arc<CliTexts>> = OnceLock::new();
    pack::embedded(&SLOT, EMBEDDED)
}

/// The text `key` in `lang`.
pub fn text(key: &str, lang: Lang) -> String {
    texts()
        .0
        .get(key)
        .map_or_else(|| key.to_owned(), |t| t.get(lang).to_owned())
}

/// The text `key` in `lang` with its placeholders filled.
pub fn render(key: &str, lang: Lang, args: &[(&str, &str)]) -> String {
    texts()
        .0
        .get(key)
        .map_or_else(|| key.to_owned(), |t| t.render(lang, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_in_every_language() {
        let texts = CliTexts::from_json(EMBEDDED).expect("embedded texts");
        assert_eq!(texts.0.len(), KEYS.len());
    }
}
