//! What each policy preset is called and does, for people, in every language
//! (`core/rules/presets.json`): the shells show these on their settings screens instead of
//! writing their own.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use callguard_text::pack::{self, RulePack, Versioned};
use callguard_text::{LocalText, RulePackError};
use serde::Deserialize;

use super::Policy;

const EMBEDDED: &str = include_str!("../../rules/presets.json");

/// A preset as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetText {
    /// Its name for people ("Standard (recommended)", "標準(おすすめ)").
    pub title: LocalText,
    /// What it does, in a sentence or two.
    pub description: LocalText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct PackFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    presets: HashMap<String, PresetText>,
}

impl Versioned for PackFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The presets' texts, checked: one for every embedded preset and none for another name.
#[derive(Debug)]
pub struct PresetTexts {
    presets: HashMap<String, PresetText>,
}

impl RulePack for PresetTexts {
    const NAME: &'static str = "presets";
    const FORMAT: u32 = 1;
    type File = PackFile;

    fn compile(file: PackFile) -> Result<PresetTexts, RulePackError> {
        for name in Policy::preset_names() {
            let text = file.presets.get(name).ok_or_else(|| {
                RulePackError::new(Self::NAME, format_args!("presets.{name}"), "missing")
            })?;
            text.title
                .check(Self::NAME, format_args!("presets.{name}.title"))?;
            text.description
                .check(Self::NAME, format_args!("presets.{name}.description"))?;
        }
        if let Some(name) = file
            .presets
            .keys()
            .find(|n| !Policy::preset_names().any(|p| p == n.as_str()))
        {
            return Err(RulePackError::new(
                Self::NAME,
                format_args!("presets.{name}"),
                "no preset has this name",
            ));
        }
        Ok(PresetTexts {
            presets: file.presets,
        })
    }
}

impl PresetTexts {
    /// The texts built into this library.
    pub fn embedded() -> Arc<PresetTexts> {
        static SLOT: OnceLock<Arc<PresetTexts>> = OnceLock::new();
        pack::embedded(&SLOT, EMBEDDED)
    }

    /// The texts of the preset `name`, if it is one.
    pub fn get(&self, name: &str) -> Option<&PresetText> {
        self.presets.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callguard_text::Lang;

    #[test]
    fn every_preset_is_named_and_described() {
        let texts = PresetTexts::from_json(EMBEDDED).expect("embedded");
        for name in Policy::preset_names() {
            let text = texts.get(name).expect(name);
            for &lang in Lang::all() {
                assert!(!text.title.get(lang).is_empty() && !text.description.get(lang).is_empty());
            }
        }
        assert_eq!(
            texts.get("elderly").expect("elderly").title.get(Lang::JA),
            "高齢の方向け(きびしめ)"
        );
        let err = PresetTexts::from_json(&EMBEDDED.replace("\"minimal\": {", "\"minimul\": {"))
            .expect_err("a preset without texts");
        assert_eq!(err.location, "presets.minimal");
    }
}
