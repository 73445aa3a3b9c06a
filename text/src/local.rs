//! One text in every language callguard speaks.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Lang, RulePackError};

/// A text in every language, keyed by language; `{name}` marks a placeholder filled in by
/// [`LocalText::render`]. In packs it is a JSON object: `{"ja": "…", "en": "…"}`.
#[derive(Clone, PartialEq, Eq)]
pub struct LocalText(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// The same text in every language (a number, a code).
    Same(String),
    /// One text per language, sorted by language.
    Each(Vec<(Lang, String)>),
}

impl LocalText {
    /// The same text in every language: a number, a name that is not translated.
    pub fn same(text: impl Into<String>) -> LocalText {
        LocalText(Repr::Same(text.into()))
    }

    /// A text for every language callguard speaks, made by `make`.
    pub fn from_fn(mut make: impl FnMut(Lang) -> String) -> LocalText {
        LocalText(Repr::Each(
            Lang::all().iter().map(|&lang| (lang, make(lang))).collect(),
        ))
    }

    /// A text from `(language, text)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Lang, String)>) -> LocalText {
        let mut each: Vec<(Lang, String)> = pairs.into_iter().collect();
        each.sort_by_key(|(lang, _)| *lang);
        each.dedup_by_key(|(lang, _)| *lang);
        LocalText(Repr::Each(each))
    }

    /// The text in `lang`; in English where this text has no `lang` (a pack from elsewhere
    /// that lacks a language), else in the first language it has.
    pub fn get(&self, lang: Lang) -> &str {
        match &self.0 {
            Repr::Same(text) => text,
            Repr::Each(each) => each
                .iter()
                .find(|(l, _)| *l == lang)
                .or_else(|| each.iter().find(|(l, _)| *l == Lang::EN))
                .or_else(|| each.first())
                .map_or("", |(_, text)| text.as_str()),
        }
    }

    /// The text in `lang` with each `{name}` of `args` replaced by its value.
    pub fn render(&self, lang: Lang, args: &[(&str, &str)]) -> String {
        fill(self.get(lang), args)
    }

    /// The same placeholders filled in every language.
    pub fn filled(&self, args: &[(&str, &str)]) -> LocalText {
        match &self.0 {
            Repr::Same(text) => LocalText::same(fill(text, args)),
            Repr::Each(each) => LocalText(Repr::Each(
                each.iter()
                    .map(|(lang, text)| (*lang, fill(text, args)))
                    .collect(),
            )),
        }
    }

    /// The languages callguard speaks that this text lacks.
    pub fn missing(&self) -> Vec<Lang> {
        match &self.0 {
            Repr::Same(_) => Vec::new(),
            Repr::Each(each) => Lang::all()
                .iter()
                .copied()
                .filter(|lang| each.iter().all(|(l, t)| l != lang || t.trim().is_empty()))
                .collect(),
        }
    }

    /// Checks a text from a pack: every language there, with the same placeholders in each.
    pub fn check(&self, pack: &str, location: impl fmt::Display) -> Result<(), RulePackError> {
        if let Some(lang) = self.missing().first() {
            return Err(RulePackError::new(
                pack,
                location,
                format_args!("no text in {lang} ({})", lang.name()),
            ));
        }
        if let Repr::Each(each) = &self.0 {
            // Most texts have no placeholder at all: nothing to compare, nothing to allocate.
            if !each.iter().any(|(_, text)| text.contains('{')) {
                return Ok(());
            }
            let first = placeholders(&each[0].1);
            if let Some((lang, _)) = each.iter().find(|(_, text)| placeholders(text) != first) {
                return Err(RulePackError::new(
                    pack,
                    location,
                    format_args!(
                        "the {lang} text has other placeholders than the {} one",
                        each[0].0
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `{name}` placeholders in a text.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if after[..end]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                out.insert(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

impl fmt::Debug for LocalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Same(text) => write!(f, "LocalText({text:?})"),
            Repr::Each(each) => f
                .debug_map()
                .entries(each.iter().map(|(l, t)| (l, t)))
                .finish(),
        }
    }
}

impl Serialize for LocalText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let langs: Vec<Lang> = match &self.0 {
            Repr::Same(_) => Lang::all().to_vec(),
            Repr::Each(each) => each.iter().map(|(l, _)| *l).collect(),
        };
        let mut map = serializer.serialize_map(Some(langs.len()))?;
        for lang in langs {
            map.serialize_entry(lang.code(), self.get(lang))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for LocalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = LocalText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text per language, such as {\"ja\": \"…\", \"en\": \"…\"}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<LocalText, A::Error> {
                let mut pairs = Vec::with_capacity(Lang::all().len());
                while let Some(lang) = access.next_key_seed(LangKey)? {
                    let text: String = access.next_value()?;
                    if pairs.iter().any(|(l, _)| *l == lang) {
                        return Err(serde::de::Error::custom(format!("{lang} given twice")));
                    }
                    pairs.push((lang, text));
                }
                Ok(LocalText::from_pairs(pairs))
            }
        }
        deserializer.deserialize_map(TextVisitor)
    }
}

/// A language code as a map key, read without allocating: packs hold hundreds of texts, and
/// every one of their keys is read when a pack loads.
struct LangKey;

impl<'de> serde::de::DeserializeSeed<'de> for LangKey {
    type Value = Lang;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Lang, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for LangKey {
    type Value = Lang;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a language code")
    }

    fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Lang, E> {
        match Lang::listed(code) {
            Some(lang) => Ok(lang),
            // A key written otherwise (`JA`, ` ja`) is read as `Lang`'s parser reads it.
            None => code.parse().map_err(E::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str) -> LocalText {
        serde_json::from_str(json).expect("a text")
    }

    #[test]
    fn a_text_in_every_language() {
        let t = text(r#"{"en": "{n} calls", "ja": "{n}回", "ko": "{n}회"}"#);
        assert_eq!(t.render(Lang::JA, &[("n", "3")]), "3回");
        assert_eq!(t.render(Lang::EN, &[("n", "3")]), "3 calls");
        let korean: Lang = "ko".parse().expect("Korean is listed");
        assert_eq!(t.render(korean, &[("n", "3")]), "3회");
        assert!(t.missing().is_empty());
        assert!(t.check("test", "here").is_ok());
        assert_eq!(LocalText::same("+81").get(Lang::JA), "+81");
        let round: LocalText =
            serde_json::from_str(&serde_json::to_string(&t).expect("json")).expect("back");
        assert_eq!(round, t);
    }

    #[test]
    fn a_missing_language_or_placeholder_is_named() {
        let err = text(r#"{"en": "calls"}"#)
            .check("p", "x.y")
            .expect_err("no ja");
        assert_eq!(err.location, "x.y");
        assert!(err.message.contains("ja"), "{err}");
        let err = text(r#"{"en": "calls", "ja": "回"}"#)
            .check("p", "x.y")
            .expect_err("no ko");
        assert!(err.message.contains("ko (한국어)"), "{err}");
        let err = text(r#"{"en": "{n} calls", "ja": "回", "ko": "{n}회"}"#)
            .check("p", "x")
            .expect_err("placeholder");
        assert!(err.message.contains("placeholders"), "{err}");
        assert!(serde_json::from_str::<LocalText>(r#"{"xx": "?"}"#).is_err());
        // A missing language falls back to English.
        assert_eq!(text(r#"{"en": "calls"}"#).get(Lang::JA), "calls");
    }
}
