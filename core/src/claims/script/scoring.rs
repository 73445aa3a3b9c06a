//! Scoring (`core/rules/script/scoring.json`): each family present adds its weight; each
//! combination of families that holds adds its bonus; the sum is capped at 100; without a
//! family of the demand group the score stays at or below a cap unless a combination with a
//! floor holds; thresholds give the level; and what a result passes to a verdict.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::families::{Families, FamilySet, Group};
use super::learned::Weighing;
use super::result::{ComboFound, LearnedStep, ScoreSteps, ScriptLevel};
use callguard_text::pack::Versioned;
use callguard_text::{LocalText, RulePackError};

pub(crate) const PACK: &str = "script/scoring";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct ScoringFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    description: String,
    thresholds: Thresholds,
    computed_families: Vec<ComputedEntry>,
    callback_suspect_weight: u8,
    group_combos: Vec<GroupComboEntry>,
    check: CheckEntry,
    no_demand_cap: CapEntry,
    levels: BTreeMap<ScriptLevel, LocalText>,
    texts: Texts,
    combos: Vec<ComboEntry>,
}

impl Versioned for ScoringFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// Scores at or above which a result reaches each level.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Thresholds {
    pub(crate) low: u8,
    pub(crate) medium: u8,
    pub(crate) high: u8,
}

impl Thresholds {
    fn level(&self, score: u8) -> ScriptLevel {
        if score >= self.high {
            ScriptLevel::High
        } else if score >= self.medium {
            ScriptLevel::Medium
        } else if score >= self.low {
            ScriptLevel::Low
        } else {
            ScriptLevel::None
        }
    }

    fn floor(&self, level: ScriptLevel) -> u8 {
        match level {
            ScriptLevel::None => 0,
            ScriptLevel::Low => self.low,
            ScriptLevel::Medium => self.medium,
            ScriptLevel::High => self.high,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComputedEntry {
    code: String,
    group: Group,
    label: LocalText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupComboEntry {
    id: String,
    groups: Vec<Group>,
    bonus: u8,
    label: LocalText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckEntry {
    low_families_min: usize,
    low_score_cap: u8,
    #[allow(dead_code)] // documentation in the data
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CapEntry {
    group: Group,
    max: u8,
    #[allow(dead_code)] // documentation in the data
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComboEntry {
    id: String,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    any2: Vec<String>,
    bonus: u8,
    #[serde(default)]
    floor: Option<ScriptLevel>,
    label: LocalText,
}

/// The words of an explanation, one template per kind of line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Texts {
    pub(crate) family: LocalText,
    pub(crate) combo: LocalText,
    pub(crate) total: LocalText,
    pub(crate) at_most_100: LocalText,
    pub(crate) no_demand: LocalText,
    pub(crate) floor: LocalText,
    pub(crate) not_counted: LocalText,
    pub(crate) link: LocalText,
    pub(crate) link_plain: LocalText,
    pub(crate) phone: LocalText,
    pub(crate) result: LocalText,
    pub(crate) claim: LocalText,
    pub(crate) learned: LocalText,
    pub(crate) learned_raised: LocalText,
    pub(crate) learned_lowered: LocalText,
}

impl Texts {
    fn check(&self) -> Result<(), RulePackError> {
        for (name, text) in [
            ("family", &self.family),
            ("combo", &self.combo),
            ("total", &self.total),
            ("at_most_100", &self.at_most_100),
            ("no_demand", &self.no_demand),
            ("floor", &self.floor),
            ("not_counted", &self.not_counted),
            ("link", &self.link),
            ("link_plain", &self.link_plain),
            ("phone", &self.phone),
            ("result", &self.result),
            ("claim", &self.claim),
            ("learned", &self.learned),
            ("learned_raised", &self.learned_raised),
            ("learned_lowered", &self.learned_lowered),
        ] {
            text.check(PACK, format_args!("texts.{name}"))?;
        }
        Ok(())
    }
}

/// A combination of families: every one of `all`, and at least one of `any` and of `any2`
/// when they are given; or, for a group combination, a family of every group.
#[derive(Debug)]
pub(crate) struct Combo {
    pub(crate) id: String,
    pub(crate) label: LocalText,
    all: FamilySet,
    any: FamilySet,
    any2: FamilySet,
    groups: Vec<Group>,
    bonus: u8,
    floor: Option<ScriptLevel>,
}

impl Combo {
    fn holds(&self, present: FamilySet, groups: &[Group]) -> bool {
        present.contains_all(self.all)
            && (self.any.is_empty() || present.intersects(self.any))
            && (self.any2.is_empty() || present.intersects(self.any2))
            && self.groups.iter().all(|g| groups.contains(g))
    }
}

/// The parsed scoring file, before the families it names are known.
pub(crate) struct Parsed {
    file: ScoringFile,
}

/// The scoring rules, compiled against the families.
#[derive(Debug)]
pub(crate) struct Scoring {
    thresholds: Thresholds,
    /// Group combinations first, then the others, in pack order.
    pub(crate) combos: Vec<Combo>,
    pub(crate) callback_suspect_weight: u8,
    low_families_min: usize,
    low_score_cap: u8,
    cap_group: Group,
    cap: u8,
    levels: BTreeMap<ScriptLevel, LocalText>,
    pub(crate) texts: Texts,
}

/// What the families present come to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scored {
    pub(crate) score: u8,
    pub(crate) level: ScriptLevel,
    pub(crate) verdict_score: u8,
    pub(crate) combos: Vec<ComboFound>,
    pub(crate) steps: ScoreSteps,
}

fn err(location: impl std::fmt::Display, message: impl std::fmt::Display) -> RulePackError {
    RulePackError::new(PACK, location, message)
}

impl Parsed {
    /// Reads the scoring file.
    pub(crate) fn from_json(text: &str) -> Result<Parsed, RulePackError> {
        let file: ScoringFile = callguard_text::pack::parse_json(PACK, text)?;
        callguard_text::pack::check_format(PACK, file.format, 1)?;
        Ok(Parsed { file })
    }

    /// The families computed from evidence outside the words: code, group, label.
    pub(crate) fn computed_families(
        &self,
    ) -> Result<Vec<(String, Group, LocalText)>, RulePackError> {
        let mut out = Vec::new();
        for (i, f) in self.file.computed_families.iter().enumerate() {
            f.label
                .check(PACK, format_args!("computed_families[{i}].label"))?;
            out.push((f.code.clone(), f.group, f.label.clone()));
        }
        for code in ["link", "link_suspect", "callback_suspect"] {
            if !out.iter().any(|(c, _, _)| c == code) {
                return Err(err("computed_families", format_args!("{code} is missing")));
            }
        }
        Ok(out)
    }

    /// Checks the file against the families and compiles it.
    pub(crate) fn compile(self, families: &Families) -> Result<Scoring, RulePackError> {
        let file = self.file;
        let t = file.thresholds;
        if !(1 <= t.low && t.low < t.medium && t.medium < t.high && t.high <= 100) {
            return Err(err("thresholds", "need 1 <= low < medium < high <= 100"));
        }
        for level in ScriptLevel::ALL {
            file.levels
                .get(&level)
                .ok_or_else(|| err(format_args!("levels.{level}"), "missing"))?
                .check(PACK, format_args!("levels.{level}"))?;
        }
        file.texts.check()?;
        let set = |codes: &[String], at: &str| -> Result<FamilySet, RulePackError> {
            let mut set = FamilySet::default();
            for code in codes {
                let index = families
                    .index(code)
                    .ok_or_else(|| err(at, format_args!("unknown family {code:?}")))?;
                set.insert(index);
            }
            Ok(set)
        };
        let mut combos: Vec<Combo> = Vec::new();
        for (i, g) in file.group_combos.into_iter().enumerate() {
            let at = format!("group_combos[{i}] ({})", g.id);
            g.label.check(PACK, format_args!("{at}.label"))?;
            if g.groups.is_empty() {
                return Err(err(&at, "needs groups"));
            }
            combos.push(Combo {
                id: g.id,
                label: g.label,
                all: FamilySet::default(),
                any: FamilySet::default(),
                any2: FamilySet::default(),
                groups: g.groups,
                bonus: g.bonus,
                floor: None,
            });
        }
        for (i, c) in file.combos.into_iter().enumerate() {
            let at = format!("combos[{i}] ({})", c.id);
            c.label.check(PACK, format_args!("{at}.label"))?;
            if c.all.is_empty() && c.any.is_empty() {
                return Err(err(&at, "needs families in all or any"));
            }
            if c.bonus > 100 || (c.bonus == 0 && c.floor.is_none()) {
                return Err(err(&at, "a bonus between 1 and 100, or a floor"));
            }
            combos.push(Combo {
                all: set(&c.all, &at)?,
                any: set(&c.any, &at)?,
                any2: set(&c.any2, &at)?,
                id: c.id,
                label: c.label,
                groups: Vec::new(),
                bonus: c.bonus,
                floor: c.floor,
            });
        }
        for (i, c) in combos.iter().enumerate() {
            if combos[..i].iter().any(|o| o.id == c.id) {
                return Err(err(format_args!("combos ({})", c.id), "id used twice"));
            }
        }
        if file.no_demand_cap.max > 100 || file.check.low_score_cap > 100 {
            return Err(err("no_demand_cap", "a cap is at most 100"));
        }
        Ok(Scoring {
            thresholds: t,
            combos,
            callback_suspect_weight: file.callback_suspect_weight,
            low_families_min: file.check.low_families_min,
            low_score_cap: file.check.low_score_cap,
            cap_group: file.no_demand_cap.group,
            cap: file.no_demand_cap.max,
            levels: file.levels,
            texts: file.texts,
        })
    }
}

impl Scoring {
    /// A level in words for people.
    pub(crate) fn level_label(&self, level: ScriptLevel) -> &LocalText {
        // The loader checks a text for every level.
        &self.levels[&level]
    }

    /// The combination with this id.
    pub(crate) fn combo(&self, id: &str) -> Option<&Combo> {
        self.combos.iter().find(|c| c.id == id)
    }

    /// The score, level and combinations of the families present, whose weights sum to
    /// `weights`.
    pub(crate) fn score(&self, families: &Families, present: FamilySet, weights: u32) -> Scored {
        if present.is_empty() {
            return Scored::default();
        }
        let groups: Vec<Group> = present.iter().map(|i| families.get(i).group).collect();
        let mut sum = weights;
        let mut combos = Vec::new();
        let mut floor: Option<(String, u8)> = None;
        for combo in &self.combos {
            if !combo.holds(present, &groups) {
                continue;
            }
            sum += u32::from(combo.bonus);
            combos.push(ComboFound {
                id: combo.id.clone(),
                bonus: combo.bonus,
            });
            if let Some(level) = combo.floor {
                let at_least = self.thresholds.floor(level);
                if floor.as_ref().is_none_or(|(_, f)| at_least > *f) {
                    floor = Some((combo.id.clone(), at_least));
                }
            }
        }
        let mut score = u8::try_from(sum.min(100)).unwrap_or(100);
        let mut steps = ScoreSteps {
            sum: u16::try_from(sum).unwrap_or(u16::MAX),
            ..ScoreSteps::default()
        };
        if !groups.contains(&self.cap_group) && score > self.cap {
            score = self.cap;
            steps.no_demand_cap = Some(self.cap);
        }
        if let Some((id, at_least)) = floor {
            if at_least > score {
                score = at_least;
                steps.floor = Some((id, at_least));
            }
        }
        let (level, verdict_score) = self.settle(score, present.len());
        Scored {
            score,
            level,
            verdict_score,
            combos,
            steps,
        }
    }

    /// The level of a score, and what it passes to a verdict with `families` present.
    fn settle(&self, score: u8, families: usize) -> (ScriptLevel, u8) {
        let level = self.thresholds.level(score);
        let verdict_score = match level {
            ScriptLevel::Medium | ScriptLevel::High => score,
            ScriptLevel::Low if families >= self.low_families_min => score.min(self.low_score_cap),
            _ => 0,
        };
        (level, verdict_score)
    }

    /// Applies the learned weighting to the rules' result: a text the model `raises` is at
    /// least medium, one it `lowers` at most just below medium (the model decides which,
    /// `learned.rs`); any other keeps the rules' score.
    pub(crate) fn weigh(&self, scored: &mut Scored, weighing: &Weighing, families: usize) {
        let medium = self.thresholds.floor(ScriptLevel::Medium);
        let mut step = LearnedStep {
            percent: (weighing.probability * 100.0).round() as u8,
            raised_to: None,
            lowered_to: None,
            strongest: weighing
                .strongest
                .iter()
                .map(|(feature, c)| (feature.clone(), (c * 1000.0).round() as i32))
                .collect(),
        };
        if weighing.raises && scored.score < medium {
            scored.score = medium;
            step.raised_to = Some(medium);
        } else if weighing.lowers && scored.score >= medium {
            scored.score = medium - 1;
            step.lowered_to = Some(medium - 1);
        }
        (scored.level, scored.verdict_score) = self.settle(scored.score, families);
        scored.steps.learned = Some(step);
    }
}
