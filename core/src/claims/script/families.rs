//! Cue families (`core/rules/script/cues.json`): what a scam script says, grouped by what it
//! does (a pretext, pressure, a demand, urgency, a mention of money), each family with its
//! weight, its words for people and its cues.

use serde::Deserialize;

use super::cues::{CueBuilder, CueEntry, CueMatcher};
use super::normalise::Normaliser;
use callguard_text::pack::Versioned;
use callguard_text::{LocalText, RulePackError};

pub(crate) const PACK: &str = "script/cues";

/// At most this many families (cue families and computed ones): a set of them is a bit mask.
pub(crate) const MAX_FAMILIES: usize = 64;

/// What a family does in a script. A scam asks for something: without a family of the
/// `demand` group the score stays low unless a combination with a floor holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Who is calling and why: an authority, a parcel, a relative, a prize.
    Pretext,
    /// Threats, accusations, secrecy, insistence.
    Pressure,
    /// What the caller wants done: pay, tell, go, call, click, install, wait for a courier.
    Demand,
    /// Pressure of time.
    Urgency,
    /// Money named without a request.
    Mention,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct CuesFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    gap: usize,
    families: Vec<FamilyEntry>,
}

impl Versioned for CuesFile {
    fn format(&self) -> u32 {
        self.format
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyEntry {
    code: String,
    group: Group,
    weight: u8,
    label: LocalText,
    /// Its words name who is calling (the caller's claim).
    #[serde(default)]
    claim: bool,
    /// Counted inside negation and reported speech too.
    #[serde(default)]
    context_exempt: bool,
    cues: Vec<CueEntry>,
}

/// A family as the scanner uses it.
#[derive(Debug, Clone)]
pub(crate) struct Family {
    pub(crate) code: String,
    pub(crate) group: Group,
    pub(crate) label: LocalText,
    pub(crate) claim: bool,
    pub(crate) context_exempt: bool,
}

/// The families (cue families first, in pack order, then the computed ones) and the cues of
/// the cue families, compiled. A cue's owner is its family's index.
#[derive(Debug)]
pub(crate) struct Families {
    pub(crate) version: String,
    /// Characters allowed between the parts of a phrase (`…`), for the context cues too.
    pub(crate) gap: usize,
    pub(crate) list: Vec<Family>,
    pub(crate) cues: CueMatcher,
}

fn err(location: impl std::fmt::Display, message: impl std::fmt::Display) -> RulePackError {
    RulePackError::new(PACK, location, message)
}

impl Families {
    /// Checks and compiles the cue families; `computed` are the families the scanner adds
    /// from evidence outside the words (code, group, label), from the scoring pack.
    pub(crate) fn compile(
        file: CuesFile,
        normaliser: &Normaliser,
        computed: Vec<(String, Group, LocalText)>,
    ) -> Result<Families, RulePackError> {
        callguard_text::pack::check_format(PACK, file.format, 1)?;
        if !(1..=100).contains(&file.gap) {
            return Err(err("gap", "the gap is between 1 and 100 characters"));
        }
        let mut builder = CueBuilder::new(PACK, normaliser, file.gap);
        let mut list: Vec<Family> = Vec::new();
        for (i, family) in file.families.into_iter().enumerate() {
            let at = format!("families[{i}] ({})", family.code);
            if family.code.trim().is_empty() {
                return Err(err(&at, "empty code"));
            }
            if list.iter().any(|f| f.code == family.code) {
                return Err(err(&at, "family listed twice"));
            }
            if !(1..=100).contains(&family.weight) {
                return Err(err(&at, "weight is not between 1 and 100"));
            }
            if family.cues.is_empty() {
                return Err(err(&at, "a family needs at least one cue"));
            }
            family.label.check(PACK, format_args!("{at}.label"))?;
            let owner = u16::try_from(list.len()).map_err(|_| err(&at, "too many families"))?;
            for (j, cue) in family.cues.iter().enumerate() {
                builder.add(owner, family.weight, cue, &format!("{at}.cues[{j}]"))?;
            }
            list.push(Family {
                code: family.code,
                group: family.group,
                label: family.label,
                claim: family.claim,
                context_exempt: family.context_exempt,
            });
        }
        for (code, group, label) in computed {
            let at = format!("computed family {code}");
            if list.iter().any(|f| f.code == code) {
                return Err(err(&at, "a computed family has the code of a cue family"));
            }
            list.push(Family {
                code,
                group,
                label,
                claim: false,
                context_exempt: true,
            });
        }
        if list.len() > MAX_FAMILIES {
            return Err(err(
                "families",
                format_args!("at most {MAX_FAMILIES} families"),
            ));
        }
        Ok(Families {
            version: file.version,
            gap: file.gap,
            list,
            cues: builder.build()?,
        })
    }

    /// The index of the family with this code.
    pub(crate) fn index(&self, code: &str) -> Option<usize> {
        self.list.iter().position(|f| f.code == code)
    }

    /// The family at `index`.
    pub(crate) fn get(&self, index: usize) -> &Family {
        &self.list[index]
    }
}

/// A set of families by index, as a bit mask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FamilySet(u64);

impl FamilySet {
    pub(crate) fn insert(&mut self, index: usize) {
        self.0 |= 1 << index;
    }

    pub(crate) fn contains(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    pub(crate) fn contains_all(self, other: FamilySet) -> bool {
        self.0 & other.0 == other.0
    }

    pub(crate) fn intersects(self, other: FamilySet) -> bool {
        self.0 & other.0 != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The indices in the set, lowest first.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
        (0..MAX_FAMILIES).filter(move |&i| self.contains(i))
    }
}
