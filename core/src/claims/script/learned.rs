//! The learned weighting (`core/rules/script/model.json`, docs/SCRIPT.md): a logistic
//! regression over what the rules found (families, combinations, the score, families with a
//! cue not counted) and over the character n-grams of the normalised clauses, each n-gram
//! keyed by its clause's context. `eval/prototype/train.py` fits it on the corpus's
//! development part; this module only adds the shipped weights.
//!
//! The features are summed in the order the prototype (`eval/prototype/learned.py`) builds
//! them, so both give the same probability to the last bit.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use callguard_text::pack::{check_format, Versioned};
use callguard_text::RulePackError;

use super::context::ContextKind;

pub(crate) const PACK: &str = "script/model";
const FORMAT: u32 = 1;
/// Longest n-gram a model may ask for.
const MAX_NGRAM: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct ModelFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    threshold: f64,
    raise_from_score: u8,
    notice_families: Vec<String>,
    keep_at_weight: u8,
    keep_families: Vec<Vec<String>>,
    keep_above: f64,
    ngrams: Vec<usize>,
    bias: f64,
    weights: HashMap<String, f64>,
}

impl Versioned for ModelFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The compiled model: n-gram weights by context, the rest by feature name.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) version: String,
    threshold: f64,
    /// The weighting raises only a text the rules scored at least this much: a few words of
    /// one weak family are not enough to call a text a scam.
    raise_from_score: u8,
    /// ... and only a text with a family beyond these, the words a genuine notice carries too
    /// (a bill, a date, a cut-off, a parcel): the n-grams alone do not make a notice a scam.
    notice_families: Vec<String>,
    /// A text in which a cue at least this heavy counted is not lowered ...
    keep_at_weight: u8,
    /// ... nor one in which every family of one of these sets is present ...
    keep_families: Vec<Vec<String>>,
    /// ... unless the probability is below this: the model is sure the text is ordinary.
    keep_above: f64,
    ngrams: Vec<usize>,
    bias: f64,
    /// `f:…`, `c:…`, `d:…` and `score`.
    named: HashMap<String, f64>,
    /// `g:<context>:<n-gram>`, by context (plain, negation, reported).
    grams: [HashMap<String, f64>; 3],
}

/// The clause contexts the n-grams are keyed by, in the prototype's words.
const CONTEXTS: [&str; 3] = ["plain", "negation", "reported"];

fn context_index(kind: Option<ContextKind>) -> usize {
    match kind {
        Some(ContextKind::Negation) => 1,
        Some(ContextKind::Reported) => 2,
        _ => 0,
    }
}

/// What the rules found in one text, as the model reads it.
pub(crate) struct Findings<'a> {
    /// Codes of the families present, sorted.
    pub(crate) families: Vec<&'a str>,
    /// Ids of the combinations that hold, in pack order.
    pub(crate) combos: Vec<&'a str>,
    /// The rules' score.
    pub(crate) score: u8,
    /// The weight of the heaviest cue counted.
    pub(crate) heaviest: u8,
    /// Codes of the families with a cue not counted, sorted and without repeats.
    pub(crate) discounted: Vec<&'a str>,
    /// Each clause's normalised text and context.
    pub(crate) clauses: &'a [(String, Option<ContextKind>)],
}

/// The model's reading of a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Weighing {
    pub(crate) probability: f64,
    /// Scam-like (at or above the threshold), the rules' score at least `raise_from_score`
    /// and a family present beyond `notice_families`: the text is at least medium.
    pub(crate) raises: bool,
    /// Not scam-like, and nothing keeps the rules' score: the text is at most just below
    /// medium.
    pub(crate) lowers: bool,
    /// The three features that pushed hardest either way: (feature, contribution).
    pub(crate) strongest: Vec<(String, f64)>,
}

impl Model {
    /// Checks and indexes a model file; `is_family` tells the family codes of the rules, so a
    /// misspelt code in a setting is an error instead of a setting that never applies.
    pub(crate) fn compile(
        file: ModelFile,
        is_family: impl Fn(&str) -> bool,
    ) -> Result<Model, RulePackError> {
        check_format(PACK, file.format, FORMAT)?;
        if file.keep_families.iter().any(Vec::is_empty) {
            // An empty set is present in every text: nothing would ever be lowered.
            return Err(RulePackError::new(
                PACK,
                "keep_families",
                "a set with no family",
            ));
        }
        let sets = std::iter::once(("notice_families", &file.notice_families))
            .chain(file.keep_families.iter().map(|set| ("keep_families", set)));
        for (field, set) in sets {
            if let Some(code) = set.iter().find(|code| !is_family(code)) {
                return Err(RulePackError::new(
                    PACK,
                    field,
                    format_args!("{code:?} is not a family of the rules"),
                ));
            }
        }
        if !(file.threshold > 0.0 && file.threshold < 1.0) {
            return Err(RulePackError::new(
                PACK,
                "threshold",
                "must be between 0 and 1",
            ));
        }
        if !(file.keep_above >= 0.0 && file.keep_above < file.threshold) {
            return Err(RulePackError::new(
                PACK,
                "keep_above",
                "must be at least 0 and below the threshold",
            ));
        }
        if file.raise_from_score > 100 {
            return Err(RulePackError::new(
                PACK,
                "raise_from_score",
                "must be between 0 and 100",
            ));
        }
        if file.ngrams.is_empty() || file.ngrams.iter().any(|&n| n == 0 || n > MAX_NGRAM) {
            return Err(RulePackError::new(
                PACK,
                "ngrams",
                format_args!("lengths between 1 and {MAX_NGRAM}"),
            ));
        }
        if !file.bias.is_finite() {
            return Err(RulePackError::new(PACK, "bias", "not a finite number"));
        }
        let mut named = HashMap::new();
        let mut grams: [HashMap<String, f64>; 3] = Default::default();
        for (feature, weight) in file.weights {
            if !weight.is_finite() {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("weights[{feature:?}]"),
                    "not a finite number",
                ));
            }
            if let Some(rest) = feature.strip_prefix("g:") {
                let (context, gram) = rest.split_once(':').ok_or_else(|| {
                    RulePackError::new(
                        PACK,
                        format_args!("weights[{feature:?}]"),
                        "g:<context>:<n-gram>",
                    )
                })?;
                let i = CONTEXTS.iter().position(|c| *c == context).ok_or_else(|| {
                    RulePackError::new(
                        PACK,
                        format_args!("weights[{feature:?}]"),
                        "the context is plain, negation or reported",
                    )
                })?;
                grams[i].insert(gram.to_owned(), weight);
            } else if feature == "score"
                || ["f:", "c:", "d:"].iter().any(|p| feature.starts_with(p))
            {
                named.insert(feature, weight);
            } else {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("weights[{feature:?}]"),
                    "unknown kind of feature",
                ));
            }
        }
        Ok(Model {
            version: file.version,
            threshold: file.threshold,
            raise_from_score: file.raise_from_score,
            notice_families: file.notice_families,
            keep_at_weight: file.keep_at_weight,
            keep_families: file.keep_families,
            keep_above: file.keep_above,
            ngrams: file.ngrams,
            bias: file.bias,
            named,
            grams,
        })
    }

    /// Whether a text the weighting reads as ordinary keeps the rules' score anyway: a cue of
    /// at least `keep_at_weight` counted (`heaviest`), or every family of a `keep_families` set
    /// is present (`present`: codes of the families found), and the probability is not below
    /// `keep_above`.
    fn keeps(&self, heaviest: u8, present: &[&str], probability: f64) -> bool {
        let strong = heaviest >= self.keep_at_weight
            || self
                .keep_families
                .iter()
                .any(|set| set.iter().all(|f| present.contains(&f.as_str())));
        strong && probability >= self.keep_above
    }

    /// Whether a scam-like reading raises a text: the rules found at least `raise_from_score`
    /// and a family beyond a notice's (`present`: codes of the families found).
    fn raises(&self, score: u8, present: &[&str]) -> bool {
        score >= self.raise_from_score
            && present
                .iter()
                .any(|code| !self.notice_families.iter().any(|n| n == code))
    }

    /// The probability the text is a scam, and what pushed it.
    pub(crate) fn weigh(&self, found: &Findings<'_>) -> Weighing {
        /// A feature with a weight: named, or an n-gram of a context (named only if shown).
        enum Part<'t> {
            Named(String),
            Gram(usize, &'t str),
        }
        let mut z = self.bias;
        let mut parts: Vec<(Part<'_>, f64)> = Vec::new();
        let named = found
            .families
            .iter()
            .map(|code| (format!("f:{code}"), 1.0))
            .chain(found.combos.iter().map(|id| (format!("c:{id}"), 1.0)))
            .chain(std::iter::once((
                "score".to_owned(),
                f64::from(found.score) / 100.0,
            )))
            .chain(
                found
                    .discounted
                    .iter()
                    .map(|code| (format!("d:{code}"), 1.0)),
            );
        for (key, value) in named {
            if let Some(&w) = self.named.get(&key) {
                z += w * value;
                parts.push((Part::Named(key), w * value));
            }
        }
        // Each (context, n-gram) counts once however often it occurs.
        let mut seen: HashSet<(usize, &str)> = HashSet::new();
        for (text, kind) in found.clauses {
            let context = context_index(*kind);
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect();
            let chars = bounds.len() - 1;
            for &n in &self.ngrams {
                for start in 0..chars.saturating_sub(n - 1) {
                    let gram = &text[bounds[start]..bounds[start + n]];
                    if !seen.insert((context, gram)) {
                        continue;
                    }
                    if let Some(&w) = self.grams[context].get(gram) {
                        z += w;
                        parts.push((Part::Gram(context, gram), w));
                    }
                }
            }
        }
        parts.retain(|(_, c)| *c != 0.0);
        // Name only the strongest three (and any tied with the third), then order by name
        // within a tie, as the prototype does.
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let cut = parts.get(2).map_or(0.0, |(_, c)| c.abs());
        let name = |part: &Part<'_>| match part {
            Part::Named(key) => key.clone(),
            Part::Gram(context, gram) => format!("g:{}:{gram}", CONTEXTS[*context]),
        };
        let mut strongest: Vec<(String, f64)> = parts
            .iter()
            .enumerate()
            .take_while(|(i, (_, c))| *i < 3 || c.abs() == cut)
            .map(|(_, (p, c))| (name(p), *c))
            .collect();
        strongest.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        strongest.truncate(3);
        let probability = 1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp());
        let scam_like = probability >= self.threshold;
        Weighing {
            probability,
            raises: scam_like && self.raises(found.score, &found.families),
            lowers: !scam_like && !self.keeps(found.heaviest, &found.families, probability),
            strongest,
        }
    }
}
