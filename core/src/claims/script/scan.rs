//! One scan, step by step: evidence outside the words, clauses, cues and their context,
//! families, computed families, score, claims.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use super::context::ContextKind;
use super::cues::Hit;
use super::evidence::{LinkSign, Masked, Phone};
use super::families::FamilySet;
use super::learned::Findings;
use super::normalise::chars;
use super::result::{Discounted, FamilyFound, ScanResult};
use super::{cap, ScriptScanner};

/// A clause's normalised text and its context, as the learned weighting reads it.
type Clause = (String, Option<ContextKind>);

/// A cue counted: its family and weight, the cue as written, the words and where they are.
#[derive(Debug, Clone)]
struct Counted {
    family: usize,
    weight: u8,
    cue: String,
    start: usize,
    end: usize,
}

impl ScriptScanner {
    /// Scans `text` (its first [`super::MAX_INPUT_BYTES`] bytes): a call transcript, a
    /// voicemail or a message.
    pub fn scan(&self, text: &str) -> ScanResult {
        let (input, truncated) = cap(text);
        let masked = self.links.mask(&chars::fold(input), input);
        let (counted, discounted, clauses) = self.cues_in_clauses(&masked, input);

        // Each family present adds the weight of its heaviest cue (the first on a tie).
        let mut best: Vec<Option<&Counted>> = vec![None; self.families.list.len()];
        for c in &counted {
            let slot = &mut best[c.family];
            if slot.is_none_or(|b| c.weight > b.weight) {
                *slot = Some(c);
            }
        }
        let mut families: Vec<FamilyFound> = best
            .iter()
            .flatten()
            .map(|c| FamilyFound {
                family: self.families.get(c.family).code.clone(),
                weight: c.weight,
                cue: c.cue.clone(),
                text: input[c.start..c.end].to_owned(),
                start: c.start,
                end: c.end,
            })
            .collect();
        families.extend(self.link_families(&masked, input));
        families.extend(self.callback_family(&masked.phones, &counted, input));

        let mut present = FamilySet::default();
        let mut weights = 0u32;
        for f in &families {
            if let Some(i) = self.families.index(&f.family) {
                present.insert(i);
                weights += u32::from(f.weight);
            }
        }
        let mut scored = self.scoring.score(&self.families, present, weights);
        // Without any family the score is 0 and the weighting could change nothing.
        if let Some(model) = self.model.as_ref().filter(|_| !present.is_empty()) {
            let mut codes: Vec<&str> = families.iter().map(|f| f.family.as_str()).collect();
            codes.sort_unstable();
            let mut not_counted: Vec<&str> = discounted.iter().map(|d| d.family.as_str()).collect();
            not_counted.sort_unstable();
            not_counted.dedup();
            let weighing = model.weigh(&Findings {
                families: codes,
                combos: scored.combos.iter().map(|c| c.id.as_str()).collect(),
                score: scored.score,
                heaviest: families.iter().map(|f| f.weight).max().unwrap_or(0),
                discounted: not_counted,
                clauses: &clauses,
            });
            self.scoring.weigh(&mut scored, &weighing, present.len());
        }

        // The caller's claims: the words of families that name who is calling, counted
        // (never inside negation or reported speech), by family then in text order.
        let mut claimed: Vec<&Counted> = counted
            .iter()
            .filter(|c| self.families.get(c.family).claim)
            .collect();
        claimed.sort_by_key(|c| (c.family, c.start));
        let mut claims: Vec<String> = Vec::new();
        for c in claimed {
            let words = &input[c.start..c.end];
            if !claims.iter().any(|w| w == words) {
                claims.push(words.to_owned());
            }
        }

        ScanResult {
            level: scored.level,
            score: scored.score,
            verdict_score: scored.verdict_score,
            families,
            combos: scored.combos,
            steps: scored.steps,
            discounted,
            links: masked.links,
            phones: masked.phones,
            claims,
            truncated,
        }
    }

    /// Every cue found, clause by clause: counted, or discounted with the reason; and each
    /// clause's normalised text with its context, for the learned weighting.
    fn cues_in_clauses(
        &self,
        masked: &Masked,
        input: &str,
    ) -> (Vec<Counted>, Vec<Discounted>, Vec<Clause>) {
        let mut counted = Vec::new();
        let mut discounted = Vec::new();
        let mut clauses = Vec::new();
        let mut hits: Vec<Hit> = Vec::new();
        let mut context_hits: Vec<Hit> = Vec::new();
        for range in self.context.clauses(&masked.units) {
            let units = &masked.units[range];
            let norm = self.normaliser.normalise_units(units.to_vec());
            let context = self.context.of_clause(units, &norm.text, &mut context_hits);
            hits.clear();
            self.families.cues.find(&norm.text, &mut hits);
            for hit in &hits {
                let cue = self.families.cues.cue(hit.cue);
                let Some((start, end)) = norm.original_range(hit.start, hit.end) else {
                    continue;
                };
                let family = usize::from(cue.owner);
                let quoted = || {
                    context
                        .quotes
                        .iter()
                        .any(|&(qs, qe)| qs <= start && end <= qe)
                };
                let why = match &context.clause {
                    Some((kind, because)) => Some((*kind, because.clone())),
                    None if quoted() => Some((ContextKind::Quotation, String::new())),
                    None if cue.mention && !context.asks => {
                        Some((ContextKind::NotAsked, String::new()))
                    }
                    None => None,
                };
                match why {
                    Some((context, because)) if !self.families.get(family).context_exempt => {
                        discounted.push(Discounted {
                            family: self.families.get(family).code.clone(),
                            text: input[start..end].to_owned(),
                            start,
                            end,
                            context,
                            because,
                        });
                    }
                    _ => counted.push(Counted {
                        family,
                        weight: cue.weight,
                        cue: cue.label.clone(),
                        start,
                        end,
                    }),
                }
            }
            if self.model.is_some() {
                clauses.push((norm.text, context.clause.map(|(kind, _)| kind)));
            }
        }
        (counted, discounted, clauses)
    }

    /// `link` when the text holds a link; `link_suspect` when a link shows a sign (or the text
    /// asks for a reply to make its link clickable).
    fn link_families(&self, masked: &Masked, input: &str) -> Vec<FamilyFound> {
        let Some(first) = masked.links.first() else {
            return Vec::new();
        };
        let found = |family: &str, weight: u8, cue: String| FamilyFound {
            family: family.to_owned(),
            weight,
            cue,
            text: input[first.start..first.end].to_owned(),
            start: first.start,
            end: first.end,
        };
        let weights = &self.links.weights;
        let mut out = vec![found("link", weights.link, "link".to_owned())];
        let mut signs: BTreeSet<LinkSign> = masked
            .links
            .iter()
            .flat_map(|l| l.signs.iter().copied())
            .collect();
        if !self.reply_to_activate.is_empty() {
            let whole = self.normaliser.normalise(input).text;
            if self.reply_to_activate.iter().any(|r| whole.contains(r)) {
                signs.insert(LinkSign::ReplyToActivate);
            }
        }
        if !signs.is_empty() {
            let signs: Vec<LinkSign> = signs.into_iter().collect();
            let cue: Vec<&str> = signs.iter().map(|s| s.as_str()).collect();
            out.push(found(
                "link_suspect",
                weights.of_signs(&signs),
                cue.join("+"),
            ));
        }
        out
    }

    /// `callback_suspect` when the caller names an organisation and gives a number to call that
    /// is a mobile or IP-phone number, or not one the organisation named publishes.
    fn callback_family(
        &self,
        phones: &[Phone],
        counted: &[Counted],
        input: &str,
    ) -> Option<FamilyFound> {
        let claimed: Vec<&Counted> = counted
            .iter()
            .filter(|c| self.families.get(c.family).claim)
            .collect();
        if phones.is_empty() || claimed.is_empty() {
            return None;
        }
        let mut odd: Vec<&Phone> = phones.iter().filter(|p| p.kind.is_personal()).collect();
        let words: Vec<&str> = claimed.iter().map(|c| &input[c.start..c.end]).collect();
        let said = lower(&words.join(" "));
        for org in self.organisations.organisations() {
            if !org.aliases.iter().any(|a| said.contains(&lower(a))) {
                continue;
            }
            let mut published: Vec<String> = org.numbers.iter().map(|n| n.digits()).collect();
            let national: Vec<String> = published
                .iter()
                .filter_map(|d| d.strip_prefix("81").map(|rest| format!("0{rest}")))
                .collect();
            published.extend(national);
            for p in phones {
                if !published.contains(&p.digits) && !odd.iter().any(|o| std::ptr::eq(*o, p)) {
                    odd.push(p);
                }
            }
        }
        let first = odd.first()?;
        Some(FamilyFound {
            family: "callback_suspect".to_owned(),
            weight: self.scoring.callback_suspect_weight,
            cue: first.kind.as_str().to_owned(),
            text: first.text.clone(),
            start: first.start,
            end: first.end,
        })
    }
}

/// NFKC and lower case, as organisation names are compared with the words of a claim.
fn lower(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}
