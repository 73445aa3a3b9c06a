//! Explanations for people: every point of a score, the words that earned it, and what was
//! found but not counted, in the pack's words (`scoring.json` `texts`).

use callguard_text::{Lang, LocalText};

use super::result::ScanResult;
use super::ScriptScanner;

/// The words of a text on one line, at most this many characters (a family's words are
/// short; a link can be long).
const MAX_WORDS_CHARS: usize = 60;

fn one_line(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            {
                ' '
            } else {
                c
            }
        })
        .take(MAX_WORDS_CHARS)
        .collect();
    if text.chars().count() > MAX_WORDS_CHARS {
        out.push('…');
    }
    out
}

impl ScriptScanner {
    /// The score of `r` explained, one line each: every family with its weight and the words
    /// that earned it, every combination with its bonus, how the sum became the score, the
    /// caller's claims, the links with their signs and the phone numbers, and the cues found
    /// but not counted with the reason.
    pub fn explain(&self, r: &ScanResult, lang: Lang) -> Vec<String> {
        let texts = &self.scoring.texts;
        let mut lines = self.score_lines(r, lang);
        if !r.claims.is_empty() {
            let claims = r.claims.join(lang.list_separator());
            lines.push(texts.claim.render(lang, &[("claims", &one_line(&claims))]));
        }
        for link in &r.links {
            let url = one_line(&link.url);
            let line = if link.signs.is_empty() {
                texts.link_plain.render(lang, &[("url", &url)])
            } else {
                let signs: Vec<&str> = link
                    .signs
                    .iter()
                    .map(|&s| self.sign_label(s).get(lang))
                    .collect();
                let signs = signs.join(lang.list_separator());
                texts.link.render(lang, &[("url", &url), ("signs", &signs)])
            };
            lines.push(line);
        }
        for phone in &r.phones {
            lines.push(
                texts
                    .phone
                    .render(lang, &[("number", &one_line(&phone.text))]),
            );
        }
        for d in &r.discounted {
            let label = self.family_label(&d.family).map_or("", |l| l.get(lang));
            let why = self
                .context
                .label(d.context)
                .render(lang, &[("cue", &d.because)]);
            lines.push(texts.not_counted.render(
                lang,
                &[
                    ("words", &one_line(&d.text)),
                    ("label", label),
                    ("why", &why),
                ],
            ));
        }
        lines
    }

    /// The lines that add up to the score.
    fn score_lines(&self, r: &ScanResult, lang: Lang) -> Vec<String> {
        let texts = &self.scoring.texts;
        let mut lines = Vec::new();
        for f in &r.families {
            let label = self.family_label(&f.family).map_or("", |l| l.get(lang));
            lines.push(texts.family.render(
                lang,
                &[
                    ("weight", &f.weight.to_string()),
                    ("label", label),
                    ("words", &one_line(&f.text)),
                ],
            ));
        }
        for c in &r.combos {
            let label = self
                .combo_label(&c.id)
                .map_or(c.id.as_str(), |l| l.get(lang));
            lines.push(
                texts
                    .combo
                    .render(lang, &[("bonus", &c.bonus.to_string()), ("label", label)]),
            );
        }
        if r.families.is_empty() {
            return lines;
        }
        lines.push(
            texts
                .total
                .render(lang, &[("sum", &r.steps.sum.to_string())]),
        );
        if r.steps.sum > 100 {
            lines.push(texts.at_most_100.get(lang).to_owned());
        }
        if let Some(max) = r.steps.no_demand_cap {
            lines.push(texts.no_demand.render(lang, &[("max", &max.to_string())]));
        }
        if let Some((id, floor)) = &r.steps.floor {
            let label = self.combo_label(id).map_or(id.as_str(), |l| l.get(lang));
            lines.push(
                texts
                    .floor
                    .render(lang, &[("label", label), ("floor", &floor.to_string())]),
            );
        }
        if let Some(learned) = &r.steps.learned {
            let strongest: Vec<String> = learned
                .strongest
                .iter()
                .map(|(feature, c)| {
                    format!(
                        "{} {:+.2}",
                        self.feature_words(feature, lang),
                        f64::from(*c) / 1000.0
                    )
                })
                .collect();
            lines.push(texts.learned.render(
                lang,
                &[
                    ("percent", &learned.percent.to_string()),
                    ("strongest", &strongest.join(lang.list_separator())),
                ],
            ));
            if let Some(floor) = learned.raised_to {
                lines.push(
                    texts
                        .learned_raised
                        .render(lang, &[("floor", &floor.to_string())]),
                );
            }
            if let Some(max) = learned.lowered_to {
                lines.push(
                    texts
                        .learned_lowered
                        .render(lang, &[("max", &max.to_string())]),
                );
            }
        }
        lines.push(texts.result.render(
            lang,
            &[
                ("score", &r.score.to_string()),
                ("level", self.level_label(r.level, lang)),
            ],
        ));
        lines
    }

    /// A feature of the learned weighting in words: a family's or combination's label, a
    /// family not counted, the rules' score, or the characters themselves.
    fn feature_words(&self, feature: &str, lang: Lang) -> String {
        if let Some(code) = feature.strip_prefix("f:") {
            return self
                .family_label(code)
                .map_or(code.to_owned(), |l| l.get(lang).to_owned());
        }
        if let Some(id) = feature.strip_prefix("c:") {
            return self
                .combo_label(id)
                .map_or(id.to_owned(), |l| l.get(lang).to_owned());
        }
        if let Some(code) = feature.strip_prefix("d:") {
            let label = self.family_label(code).map_or(code, |l| l.get(lang));
            return format!("({label})");
        }
        if let Some(gram) = feature
            .strip_prefix("g:")
            .and_then(|rest| rest.split_once(':'))
            .map(|(_, gram)| gram)
        {
            return format!("“{}”", one_line(gram));
        }
        feature.to_owned()
    }

    /// What a verdict says about the words, in every language: each family with its weight
    /// and words, each combination with its bonus, and the score.
    pub fn summary(&self, r: &ScanResult) -> LocalText {
        LocalText::from_fn(|lang| self.score_lines(r, lang).join(lang.list_separator()))
    }
}
