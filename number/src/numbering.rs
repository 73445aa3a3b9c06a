//! The numbering rule pack: what libphonenumber's metadata (built into this crate) lacks.
//!
//! Carrier-selection and caller-ID dial prefixes, short service and emergency numbers per
//! region, unassigned country codes seen as caller IDs, number ranges the metadata does not know
//! or types wrongly, and prefixes that deserve a flag (international premium, one-ring-prone).
//! The embedded pack is `number/data/numbering.json`; every entry there names its source.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use callguard_text::pack::{self, RulePack, Versioned};
use callguard_text::{fold, LocalText, RulePackError};
use serde::Deserialize;

use crate::kind::{NumberFlag, NumberKind};
use crate::presentation::Presentation;
use crate::region::Region;

const PACK: &str = "numbering";
const EMBEDDED: &str = include_str!("../data/numbering.json");

/// A short number (emergency or special service) as the rule pack describes it: its name, and
/// its kind where libphonenumber's short-number data lacks the number or classes it lower.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShortNumber {
    /// The digits as dialled, possibly with `#` or `*` (e.g. `110`, `#9110`).
    pub number: String,
    /// `emergency` or `special`; absent when libphonenumber's data already says as much. A kind
    /// here can only add protection, never take it away.
    #[serde(default)]
    pub kind: Option<NumberKind>,
    /// What the number reaches.
    pub name: LocalText,
    /// Where the fact comes from.
    pub source: String,
}

/// A dial prefix that selects a carrier for the call (Japan's 001, 0033 ...).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierPrefix {
    /// The digits.
    pub prefix: String,
    /// Whose prefix it is.
    pub note: String,
    /// Where the fact comes from.
    pub source: String,
}

/// A dial prefix that withholds or sends the caller ID for one call (Japan's 184 / 186).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallerIdPrefix {
    /// The digits (may start with `*`).
    pub prefix: String,
    /// True when the prefix sends the caller ID, false when it withholds it.
    pub sends_caller_id: bool,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionEntry {
    #[serde(default)]
    carrier_prefixes: Vec<CarrierPrefix>,
    #[serde(default)]
    caller_id_prefixes: Vec<CallerIdPrefix>,
    #[serde(default)]
    short_numbers: Vec<ShortNumber>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HiddenWord {
    text: String,
    presentation: Presentation,
    #[allow(dead_code)] // documentation in the data
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnassignedCode {
    code: u16,
    #[allow(dead_code)] // documentation in the data
    source: String,
}

/// A range the metadata does not know or types wrongly, with the kind callguard gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindOverride {
    /// `+` and the leading E.164 digits.
    pub prefix: String,
    /// Total E.164 digit counts (country code included) a number in the range has.
    pub digits: Vec<usize>,
    /// The kind numbers in the range have.
    pub kind: NumberKind,
    /// The country the range belongs to.
    pub country: Region,
    /// What the range is.
    pub note: String,
    /// Where the fact comes from.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlaggedPrefix {
    prefix: String,
    flag: NumberFlag,
    note: String,
    #[allow(dead_code)] // documentation in the data
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    #[serde(default)]
    hidden_words: Vec<HiddenWord>,
    #[serde(default)]
    global_short_numbers: Vec<ShortNumber>,
    #[serde(default)]
    short_number_classes: HashMap<String, LocalText>,
    #[serde(default)]
    regions: BTreeMap<Region, RegionEntry>,
    #[serde(default)]
    unassigned_country_codes: Vec<UnassignedCode>,
    #[serde(default)]
    kind_overrides: Vec<KindOverride>,
    #[serde(default)]
    flagged_prefixes: Vec<FlaggedPrefix>,
}

/// The numbering rule pack, checked and indexed for lookups on the call path.
#[derive(Debug)]
pub struct NumberingRules {
    version: String,
    hidden_words: HashMap<String, Presentation>,
    global_short: HashMap<String, ShortNumber>,
    short_classes: HashMap<String, LocalText>,
    regions: HashMap<Region, RegionRules>,
    unassigned: HashSet<u16>,
    /// Digits without `+`, longest first so the most specific entry wins.
    overrides: Vec<(String, KindOverride)>,
    overrides_by_start: PrefixBuckets,
    /// Digits without `+`, with the flag and its note.
    flagged: Vec<(String, NumberFlag, String)>,
    flagged_by_start: PrefixBuckets,
}

/// The positions of a list of digit prefixes by their first two digits, so that a number is
/// compared only with the prefixes it can start with (every call classifies its number against
/// both lists). A one-digit prefix sits in all ten buckets of its digit. Positions keep the
/// list's order.
#[derive(Debug)]
struct PrefixBuckets(Vec<Vec<usize>>);

impl PrefixBuckets {
    fn new<'a>(prefixes: impl Iterator<Item = &'a str>) -> PrefixBuckets {
        let mut buckets = vec![Vec::new(); 100];
        for (position, prefix) in prefixes.enumerate() {
            let digit = |i: usize| prefix.as_bytes().get(i).map(|b| usize::from(b - b'0'));
            match (digit(0), digit(1)) {
                (Some(first), Some(second)) => buckets[first * 10 + second].push(position),
                (Some(first), None) => {
                    for bucket in &mut buckets[first * 10..first * 10 + 10] {
                        bucket.push(position);
                    }
                }
                _ => {}
            }
        }
        PrefixBuckets(buckets)
    }

    /// The positions of the prefixes that `digits` (ASCII digits) may start with.
    fn candidates(&self, digits: &str) -> &[usize] {
        match digits.as_bytes() {
            [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                &self.0[usize::from(a - b'0') * 10 + usize::from(b - b'0')]
            }
            // One digit can only start with a one-digit prefix, which is in every bucket of it.
            [a] if a.is_ascii_digit() => &self.0[usize::from(a - b'0') * 10],
            _ => &[],
        }
    }
}

/// One region's entries.
#[derive(Debug, Default)]
pub struct RegionRules {
    /// Carrier-selection prefixes, longest first.
    pub carrier_prefixes: Vec<CarrierPrefix>,
    /// Caller-ID prefixes, longest first.
    pub caller_id_prefixes: Vec<CallerIdPrefix>,
    short: HashMap<String, ShortNumber>,
}

impl NumberingRules {
    /// The pack built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<NumberingRules> {
        static SLOT: OnceLock<Arc<NumberingRules>> = OnceLock::new();
        pack::embedded(&SLOT, EMBEDDED)
    }

    /// Reads and checks a pack from JSON text.
    pub fn from_json(text: &str) -> Result<NumberingRules, RulePackError> {
        <NumberingRules as RulePack>::from_json(text)
    }

    /// The pack's version string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The presentation a caller-ID word such as `非通知` or `Anonymous` stands for.
    pub fn hidden_word(&self, text: &str) -> Option<Presentation> {
        // A caller ID with digits is a number, not a word: skip the allocation below.
        if text.len() > 64 || text.bytes().any(|b| b.is_ascii_digit() || b == b'+') {
            return None;
        }
        self.hidden_words.get(&fold(text)).copied()
    }

    /// The region's entries, if the pack has any for it.
    pub fn region(&self, region: Region) -> Option<&RegionRules> {
        self.regions.get(&region)
    }

    /// What people call a class of short numbers libphonenumber names (`emergency`,
    /// `toll_free`, `carrier_specific` ..., and `emergency_abroad` with `{regions}`).
    pub fn short_class_name(&self, class: &str) -> Option<&LocalText> {
        self.short_classes.get(class)
    }

    /// A short number dialled in `region`, from the region's list or the global one.
    pub fn short_number(&self, region: Region, digits: &str) -> Option<&ShortNumber> {
        self.regions
            .get(&region)
            .and_then(|r| r.short.get(digits))
            .or_else(|| self.global_short.get(digits))
    }

    /// Whether the country code is listed as unassigned.
    pub fn is_unassigned_country_code(&self, code: u16) -> bool {
        self.unassigned.contains(&code)
    }

    /// The override for a complete E.164 number (digits without `+`), if one covers it.
    pub fn kind_override(&self, e164_digits: &str) -> Option<&KindOverride> {
        self.overrides_by_start
            .candidates(e164_digits)
            .iter()
            .map(|&i| &self.overrides[i])
            .find(|(prefix, o)| {
                e164_digits.starts_with(prefix.as_str()) && o.digits.contains(&e164_digits.len())
            })
            .map(|(_, o)| o)
    }

    /// Every flag whose prefix starts the E.164 digits, with its note.
    pub fn flags<'a>(
        &'a self,
        e164_digits: &'a str,
    ) -> impl Iterator<Item = (NumberFlag, &'a str)> + 'a {
        self.flagged_by_start
            .candidates(e164_digits)
            .iter()
            .map(|&i| &self.flagged[i])
            .filter(move |(prefix, _, _)| e164_digits.starts_with(prefix.as_str()))
            .map(|(_, flag, note)| (*flag, note.as_str()))
    }
}

impl Versioned for PackFile {
    fn format(&self) -> u32 {
        self.format
    }
}

impl RulePack for NumberingRules {
    const NAME: &'static str = PACK;
    const FORMAT: u32 = 1;
    type File = PackFile;

    fn compile(file: PackFile) -> Result<NumberingRules, RulePackError> {
        let mut hidden_words = HashMap::new();
        for (i, word) in file.hidden_words.into_iter().enumerate() {
            let key = fold(&word.text);
            if key.is_empty() {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("hidden_words[{i}]"),
                    "empty text",
                ));
            }
            if word.presentation == Presentation::Allowed {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("hidden_words[{i}]"),
                    "a hidden word cannot stand for the allowed presentation",
                ));
            }
            hidden_words.insert(key, word.presentation);
        }

        let global_short = index_short_numbers(file.global_short_numbers, "global_short_numbers")?;
        // A global number has no region whose data could give its kind.
        if let Some(short) = global_short.values().find(|s| s.kind.is_none()) {
            return Err(RulePackError::new(
                PACK,
                format_args!("global_short_numbers ({})", short.number),
                "a global short number needs its kind",
            ));
        }

        let mut regions = HashMap::new();
        for (region, entry) in file.regions {
            let at = |field: &str, i: usize| format!("regions.{region}.{field}[{i}]");
            for (i, p) in entry.carrier_prefixes.iter().enumerate() {
                check_dial_prefix(&p.prefix, &at("carrier_prefixes", i))?;
            }
            for (i, p) in entry.caller_id_prefixes.iter().enumerate() {
                check_dial_prefix(&p.prefix, &at("caller_id_prefixes", i))?;
            }
            let short = index_short_numbers(
                entry.short_numbers,
                &format!("regions.{region}.short_numbers"),
            )?;
            let mut carrier_prefixes = entry.carrier_prefixes;
            carrier_prefixes.sort_by_key(|p| std::cmp::Reverse(p.prefix.len()));
            let mut caller_id_prefixes = entry.caller_id_prefixes;
            caller_id_prefixes.sort_by_key(|p| std::cmp::Reverse(p.prefix.len()));
            regions.insert(
                region,
                RegionRules {
                    carrier_prefixes,
                    caller_id_prefixes,
                    short,
                },
            );
        }

        let unassigned = file
            .unassigned_country_codes
            .iter()
            .enumerate()
            .map(|(i, u)| {
                if (1..=999).contains(&u.code) {
                    Ok(u.code)
                } else {
                    Err(RulePackError::new(
                        PACK,
                        format_args!("unassigned_country_codes[{i}]"),
                        "a country code has 1 to 3 digits",
                    ))
                }
            })
            .collect::<Result<HashSet<_>, _>>()?;

        let mut overrides = Vec::new();
        for (i, o) in file.kind_overrides.into_iter().enumerate() {
            let at = format!("kind_overrides[{i}]");
            let digits = e164_prefix_digits(&o.prefix, &at)?;
            if !o.kind.is_number_range_kind() {
                return Err(RulePackError::new(
                    PACK,
                    &at,
                    format_args!("kind {} cannot be given to a number range", o.kind.as_str()),
                ));
            }
            if o.digits.is_empty() || o.digits.iter().any(|&n| !(digits.len()..=15).contains(&n)) {
                return Err(RulePackError::new(
                    PACK,
                    &at,
                    "digits must list total lengths between the prefix's length and 15",
                ));
            }
            overrides.push((digits, o));
        }
        overrides.sort_by_key(|(d, _)| std::cmp::Reverse(d.len()));

        let mut flagged = Vec::new();
        for (i, f) in file.flagged_prefixes.into_iter().enumerate() {
            let digits = e164_prefix_digits(&f.prefix, &format!("flagged_prefixes[{i}]"))?;
            flagged.push((digits, f.flag, f.note));
        }

        for (class, name) in &file.short_number_classes {
            name.check(PACK, format_args!("short_number_classes.{class}"))?;
        }
        Ok(NumberingRules {
            version: file.version,
            hidden_words,
            global_short,
            short_classes: file.short_number_classes,
            regions,
            unassigned,
            overrides_by_start: PrefixBuckets::new(overrides.iter().map(|(d, _)| d.as_str())),
            overrides,
            flagged_by_start: PrefixBuckets::new(flagged.iter().map(|(d, _, _)| d.as_str())),
            flagged,
        })
    }
}

fn index_short_numbers(
    list: Vec<ShortNumber>,
    at: &str,
) -> Result<HashMap<String, ShortNumber>, RulePackError> {
    let mut map = HashMap::new();
    for (i, short) in list.into_iter().enumerate() {
        let location = format!("{at}[{i}]");
        let n = &short.number;
        let well_formed = (2..=8).contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_digit() || b == b'#' || b == b'*')
            && n.bytes().any(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(RulePackError::new(
                PACK,
                location,
                format_args!("{n:?} is not a short number (2 to 8 digits, # or *)"),
            ));
        }
        if short
            .kind
            .is_some_and(|k| !matches!(k, NumberKind::Emergency | NumberKind::Special))
        {
            return Err(RulePackError::new(
                PACK,
                location,
                "a short number's kind is emergency or special",
            ));
        }
        short.name.check(PACK, format_args!("{location}.name"))?;
        if map.insert(short.number.clone(), short).is_some() {
            return Err(RulePackError::new(PACK, location, "listed twice"));
        }
    }
    Ok(map)
}

fn check_dial_prefix(prefix: &str, at: &str) -> Result<(), RulePackError> {
    let ok = (1..=6).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#');
    if ok {
        Ok(())
    } else {
        Err(RulePackError::new(
            PACK,
            at,
            format_args!("{prefix:?} is not a dial prefix (1 to 6 digits, * or #)"),
        ))
    }
}

fn e164_prefix_digits(prefix: &str, at: &str) -> Result<String, RulePackError> {
    match prefix.strip_prefix('+') {
        Some(d) if (1..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(d.to_owned())
        }
        _ => Err(RulePackError::new(
            PACK,
            at,
            format_args!("{prefix:?} is not an E.164 prefix (+ and 1 to 15 digits)"),
        )),
    }
}

#[cfg(test)]
mod tests;
