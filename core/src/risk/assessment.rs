//! The verdict on one call with what counted, and the same in words in one language.

use std::sync::Arc;

use callguard_number::NumberInfo;
use callguard_text::Lang;
use serde::Serialize;

use super::{Advice, Reason, ReasonCode, ReasonTexts, Verdict};

/// The verdict on one call, with what counted. Language-neutral: [`Assessment::explain`] puts
/// it in words, in one language, when a person is to read it.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// What callguard made of the number.
    pub number: NumberInfo,
    /// What the phone should do.
    pub verdict: Verdict,
    /// 0 (no concern) to 100.
    pub score: u8,
    /// Every reason that counted, heaviest first.
    pub reasons: Vec<Reason>,
    /// The reason whose label names the call ("Impersonation", "International call"), for a
    /// notification's title; none when nothing was found.
    pub label: Option<ReasonCode>,
    /// What the person should do, if anything.
    pub advice: Option<Advice>,
    /// The texts the words come from.
    pub(crate) texts: Arc<ReasonTexts>,
}

impl PartialEq for Assessment {
    fn eq(&self, other: &Assessment) -> bool {
        (
            &self.number,
            self.verdict,
            self.score,
            &self.reasons,
            self.label,
            &self.advice,
        ) == (
            &other.number,
            other.verdict,
            other.score,
            &other.reasons,
            other.label,
            &other.advice,
        )
    }
}

impl Eq for Assessment {}

/// A reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedReason {
    /// The stable code.
    pub code: ReasonCode,
    /// How much it added to the score.
    pub weight: u8,
    /// What it means, in the language asked for.
    pub message: String,
}

/// An assessment in words, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The call's title, if something was found.
    pub label: Option<String>,
    /// Every reason, heaviest first.
    pub reasons: Vec<ExplainedReason>,
    /// What to do, unless the call simply rings.
    pub advice: Option<String>,
}

impl Assessment {
    /// Whether a reason with `code` is among the reasons.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The call's title in `lang`, if something was found.
    pub fn label_in(&self, lang: Lang) -> Option<&str> {
        self.label.map(|code| self.texts.label(code, lang))
    }

    /// What `reason` means, in `lang`.
    pub fn message(&self, reason: &Reason, lang: Lang) -> String {
        self.texts
            .message(reason.code, reason.detail.as_ref(), lang)
    }

    /// What to do, in `lang`, unless the call simply rings.
    pub fn advice_in(&self, lang: Lang) -> Option<String> {
        match self.advice.as_ref()? {
            Advice::Reason(code) => self.texts.advice(*code, lang).map(str::to_owned),
            Advice::Text(text) => Some(text.get(lang).to_owned()),
        }
    }

    /// The whole assessment in words, in `lang`.
    pub fn explain(&self, lang: Lang) -> Explanation {
        Explanation {
            label: self.label_in(lang).map(str::to_owned),
            reasons: self
                .reasons
                .iter()
                .map(|r| ExplainedReason {
                    code: r.code,
                    weight: r.weight,
                    message: self.message(r, lang),
                })
                .collect(),
            advice: self.advice_in(lang),
        }
    }
}
