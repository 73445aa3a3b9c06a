//! The languages callguard speaks, as data.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const LANGUAGES: &str = include_str!("../data/languages.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguagesFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    description: String,
    languages: Vec<LanguageEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageEntry {
    code: String,
    name: String,
    list_separator: String,
}

struct Registry {
    langs: Vec<Lang>,
    names: Vec<String>,
    separators: Vec<String>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // Embedded and checked by a unit test: a failure here is a build bug.
        let file: LanguagesFile = serde_json::from_str(LANGUAGES)
            .unwrap_or_else(|e| panic!("data/languages.json is invalid: {e}"));
        assert_eq!(file.format, 1, "data/languages.json: unknown format");
        let mut registry = Registry {
            langs: Vec::new(),
            names: Vec::new(),
            separators: Vec::new(),
        };
        for entry in file.languages {
            let lang = Lang::code_of(&entry.code)
                .unwrap_or_else(|| panic!("data/languages.json: bad code {:?}", entry.code));
            registry.langs.push(lang);
            registry.names.push(entry.name);
            registry.separators.push(entry.list_separator);
        }
        assert!(
            registry.langs.contains(&Lang::EN),
            "English is the fallback language"
        );
        registry
    })
}

/// A language callguard speaks to people in: a two-letter ISO 639-1 code listed in
/// `data/languages.json` (`ja`, `en` ...). Every text in every pack exists in each of them.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang([u8; 2]);

/// The text given for a language is not one callguard speaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {given:?}: expected one of {known}")]
pub struct UnknownLang {
    /// What was given.
    pub given: String,
    /// The languages callguard speaks, comma-separated.
    pub known: String,
}

impl Lang {
    /// Japanese, the default.
    pub const JA: Lang = Lang(*b"ja");
    /// English, the fallback for a text missing in another language.
    pub const EN: Lang = Lang(*b"en");

    fn code_of(text: &str) -> Option<Lang> {
        match text.as_bytes() {
            [a, b] if a.is_ascii_lowercase() && b.is_ascii_lowercase() => Some(Lang([*a, *b])),
            _ => None,
        }
    }

    /// The language of exactly this code (`ja`, not `JA` or ` ja`) if callguard speaks it;
    /// for reading packs, whose keys are written exactly.
    pub(crate) fn listed(code: &str) -> Option<Lang> {
        Lang::code_of(code).filter(|lang| Lang::all().contains(lang))
    }

    /// Every language callguard speaks, the default first.
    pub fn all() -> &'static [Lang] {
        &registry().langs
    }

    /// The two-letter code.
    pub fn code(&self) -> &str {
        // Built only from ASCII lower-case letters.
        std::str::from_utf8(&self.0).unwrap_or("en")
    }

    /// The language's own name for itself ("日本語", "English").
    pub fn name(self) -> &'static str {
        let r = registry();
        r.langs
            .iter()
            .position(|l| *l == self)
            .map_or("", |i| r.names[i].as_str())
    }

    /// What separates the items of a list in running text ("、" in Japanese, ", " in English).
    pub fn list_separator(self) -> &'static str {
        let r = registry();
        r.langs
            .iter()
            .position(|l| *l == self)
            .map_or(", ", |i| r.separators[i].as_str())
    }

    /// The language of a locale such as `ja_JP.UTF-8`, `en-US` or `ko`, if callguard speaks it.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let code = locale.get(..2)?.to_ascii_lowercase();
        code.parse().ok()
    }
}

impl Default for Lang {
    /// The first language listed (Japanese).
    fn default() -> Lang {
        Lang::all().first().copied().unwrap_or(Lang::JA)
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lower = text.trim().to_ascii_lowercase();
        Lang::code_of(&lower)
            .filter(|lang| Lang::all().contains(lang))
            .ok_or_else(|| UnknownLang {
                given: text.to_owned(),
                known: Lang::all()
                    .iter()
                    .map(|l| l.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_load_and_parse() {
        assert!(Lang::all().len() >= 2);
        assert_eq!(Lang::default(), Lang::JA);
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::EN));
        assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Some(Lang::JA));
        assert_eq!(Lang::from_locale("en-US"), Some(Lang::EN));
        assert_eq!(Lang::from_locale("C"), None);
        let err = "xx".parse::<Lang>().expect_err("unknown");
        assert!(err.to_string().contains("ja, en"), "{err}");
        assert_eq!(Lang::JA.name(), "日本語");
    }
}
