//! Scam-script detection in text: call transcripts, voicemail and SMS, in Japanese and English
//! (docs/SCRIPT.md describes it as built).
//!
//! The detector is data, six files in `core/rules/script/`, embedded in the library:
//!
//! - `normalise.json`: the normaliser ([`normalise`]) folds the text and every cue alike:
//!   width, case, katakana, kanji and kana numerals, readings (`総務省` / `そうむしょう`,
//!   `振り込み` / `振込`), honorific `お` / `ご`, English contractions, number words and
//!   inflection, so one cue matches the ways people and speech recognisers write it;
//! - `cues.json`: cue families (authority, threat, money request, gift cards, a relative's
//!   new number ...), each with a group, a weight and its cues;
//! - `context.json`: clause breaks, negation and reported speech: cues inside 「…ことは
//!   ありません」, "the IRS will never call", 「総務省をかたる電話があった」 or a reported
//!   quotation are found but not counted, clause by clause, so a demand made after a recited
//!   warning still counts;
//! - `scoring.json`: combinations of families, the cap without a demand, thresholds and what a
//!   result passes to a verdict;
//! - `links.json`: links and call-back numbers as evidence (shorteners, throw-away domains,
//!   look-alikes of brands' domains, a mobile number given in an organisation's name);
//! - `model.json`: the learned weighting, fitted on the evaluation corpus's
//!   development part by `eval/prototype/train.py` (`learned.rs`): it settles whether a text the rules scored
//!   is at least medium or at most low, and says which features weighed most.
//!
//! Every point of a [`ScanResult`]'s score is traced to the words that earned it
//! ([`ScriptScanner::explain`]). Scanning never panics and takes time linear in the input;
//! input beyond [`MAX_INPUT_BYTES`] is not scanned (the result says so with `truncated`).

mod context;
mod cues;
mod evidence;
mod explain;
mod families;
mod learned;
pub mod normalise;
mod result;
mod scan;
mod scoring;

use std::sync::{Arc, OnceLock};

use callguard_text::pack::{parse_json, RulePack};
use callguard_text::{Lang, LocalText, RulePackError};

use super::organisations::Organisations;
use context::Context;
use evidence::LinkRules;
use families::Families;
use learned::Model;
use normalise::Normaliser;
use scoring::Scoring;

pub use context::ContextKind;
pub use evidence::{Link, LinkSign, Phone, PhoneKind};
pub use families::Group;
pub use result::{
    ComboFound, Discounted, FamilyFound, LearnedStep, ScanResult, ScoreSteps, ScriptLevel,
};

/// Only the first 64 KiB of a text are scanned (cut at a character boundary); a call transcript
/// or a message is far shorter.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// The texts of the files of a script pack.
#[derive(Debug, Clone, Copy)]
pub struct PackTexts<'a> {
    /// `normalise.json`: the normaliser's data.
    pub normalise: &'a str,
    /// `cues.json`: the cue families.
    pub cues: &'a str,
    /// `context.json`: clauses, negation, reported speech, quotations.
    pub context: &'a str,
    /// `scoring.json`: combinations, caps, thresholds, texts of explanations.
    pub scoring: &'a str,
    /// `links.json`: link and call-back evidence.
    pub links: &'a str,
    /// `model.json`: the learned weighting; without it the rules decide alone.
    pub model: Option<&'a str>,
}

impl PackTexts<'static> {
    /// The pack built into this library.
    pub const EMBEDDED: PackTexts<'static> = PackTexts {
        normalise: include_str!("../../../rules/script/normalise.json"),
        cues: include_str!("../../../rules/script/cues.json"),
        context: include_str!("../../../rules/script/context.json"),
        scoring: include_str!("../../../rules/script/scoring.json"),
        links: include_str!("../../../rules/script/links.json"),
        model: Some(include_str!("../../../rules/script/model.json")),
    };
}

/// Finds scam scripts in text. Build it once; scanning is read-only and thread-safe.
#[derive(Debug)]
pub struct ScriptScanner {
    normaliser: Normaliser,
    families: Families,
    context: Context,
    scoring: Scoring,
    links: LinkRules,
    /// The folded reply-to-activate phrases ("reply y", 「yと返信」).
    reply_to_activate: Vec<String>,
    organisations: Arc<Organisations>,
    model: Option<Model>,
}

impl ScriptScanner {
    /// The pack built into this library, with the embedded organisations. Parsed once, then
    /// shared.
    pub fn embedded() -> Arc<ScriptScanner> {
        static SLOT: OnceLock<Arc<ScriptScanner>> = OnceLock::new();
        callguard_text::pack::embedded_with(&SLOT, "script", || {
            ScriptScanner::from_packs(PackTexts::EMBEDDED, Organisations::embedded())
        })
    }

    /// Reads and checks a pack; the error names the file and the entry that is wrong.
    /// `organisations` gives the published numbers a call-back number is compared with.
    pub fn from_packs(
        texts: PackTexts<'_>,
        organisations: Arc<Organisations>,
    ) -> Result<ScriptScanner, RulePackError> {
        let normaliser = Normaliser::from_json(texts.normalise)?;
        let links = LinkRules::from_json(texts.links)?;
        let scoring = scoring::Parsed::from_json(texts.scoring)?;
        let cues = parse_json(families::PACK, texts.cues)?;
        let families = Families::compile(cues, &normaliser, scoring.computed_families()?)?;
        let scoring = scoring.compile(&families)?;
        let context = parse_json(context::PACK, texts.context)?;
        let context = Context::compile(context, &normaliser, families.gap)?;
        let mut reply_to_activate = Vec::new();
        for (i, phrase) in links.reply_to_activate.iter().enumerate() {
            let folded = normaliser.fold_cue(phrase);
            if folded.is_empty() {
                return Err(RulePackError::new(
                    evidence::PACK,
                    format_args!("reply_to_activate[{i}]"),
                    "empty after normalisation",
                ));
            }
            reply_to_activate.push(folded);
        }
        let model = texts
            .model
            .map(|text| {
                Model::compile(parse_json(learned::PACK, text)?, |code| {
                    families.index(code).is_some()
                })
            })
            .transpose()?;
        Ok(ScriptScanner {
            normaliser,
            families,
            context,
            scoring,
            links,
            reply_to_activate,
            organisations,
            model,
        })
    }

    /// The pack's version string.
    pub fn version(&self) -> &str {
        &self.families.version
    }

    /// The learned weighting's version, when the pack has one.
    pub fn model_version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    /// A level in words for people ("中（注意）", "HIGH: this sounds like a scam").
    pub fn level_label(&self, level: ScriptLevel, lang: Lang) -> &str {
        self.scoring.level_label(level).get(lang)
    }

    /// A family's words for people, by its code.
    pub fn family_label(&self, code: &str) -> Option<&LocalText> {
        self.families
            .index(code)
            .map(|i| &self.families.get(i).label)
    }

    /// A combination's words for people, by its id.
    pub fn combo_label(&self, id: &str) -> Option<&LocalText> {
        self.scoring.combo(id).map(|c| &c.label)
    }

    /// A link sign's words for people.
    pub fn sign_label(&self, sign: LinkSign) -> &LocalText {
        self.links.sign_label(sign)
    }

    /// The codes of every family, cue families in pack order, then the computed ones.
    pub fn family_codes(&self) -> impl Iterator<Item = &str> {
        self.families.list.iter().map(|f| f.code.as_str())
    }

    /// Folds text the way the scanner does before matching (useful to write and test cues).
    pub fn fold(&self, text: &str) -> String {
        self.normaliser.normalise(cap(text).0).text
    }
}

/// The longest prefix of `text` within [`MAX_INPUT_BYTES`], cut at a character boundary, and
/// whether it was cut.
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

#[cfg(test)]
mod tests;
