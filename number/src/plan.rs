//! Numbering-plan look-ups: which region of a country code a national significant number
//! belongs to and its kind, a region's short numbers, the home region's international and trunk
//! prefixes, and national numbers turned into E.164.
//!
//! The facts are libphonenumber's metadata (`number/data/libphonenumber.json`, written from a
//! released libphonenumber by `scripts/update-numbering-data.sh`), turned into Rust statics by
//! `build.rs`: nothing is parsed at run time, and a country code's patterns are compiled only
//! when a number first reaches them. Matching follows libphonenumber's: whole numbers only
//! (every pattern anchored at both ends), possible lengths checked first, national leading
//! zeros kept (Italy's 06 ...), types tested in libphonenumber's order.

use std::sync::OnceLock;

use regex::Regex;

use crate::kind::NumberKind;
use crate::region::{Region, REGION_IDS};

include!(concat!(env!("OUT_DIR"), "/numbering_data.rs"));

/// One descriptor of the metadata: a set of numbers of one kind.
#[derive(Debug)]
pub(crate) struct Desc {
    pattern: &'static str,
    /// Possible lengths; empty means "as the general descriptor".
    lengths: &'static [u8],
    /// Lengths dialled only within an area.
    local: &'static [u8],
}

/// A region's short numbers (libphonenumber's ShortNumberMetadata).
#[derive(Debug)]
pub(crate) struct ShortData {
    general: Option<Desc>,
    /// Screening reads the expanded `EMERGENCY` table; the pattern checks that table.
    #[cfg_attr(not(test), allow(dead_code))]
    emergency: Option<Desc>,
    short_code: Option<Desc>,
    toll_free: Option<Desc>,
    premium: Option<Desc>,
    standard_rate: Option<Desc>,
    carrier_specific: Option<Desc>,
    sms: Option<Desc>,
}

/// One region's (or non-geographic entity's) plan, as generated from the metadata.
#[derive(Debug)]
pub(crate) struct RegionData {
    id: &'static str,
    code: u16,
    main: bool,
    idd: Option<&'static str>,
    national_prefix: Option<&'static str>,
    npp: Option<&'static str>,
    npp_transform: Option<&'static str>,
    leading: Option<&'static str>,
    same_fixed_mobile: bool,
    general: Option<Desc>,
    premium: Option<Desc>,
    toll_free: Option<Desc>,
    shared_cost: Option<Desc>,
    voip: Option<Desc>,
    personal: Option<Desc>,
    pager: Option<Desc>,
    uan: Option<Desc>,
    voicemail: Option<Desc>,
    fixed: Option<Desc>,
    mobile: Option<Desc>,
    short: Option<ShortData>,
}

/// The libphonenumber release the embedded numbering data comes from (e.g. "9.0.43").
pub fn libphonenumber_version() -> &'static str {
    LIBPHONENUMBER_VERSION
}

/// The index into `REGIONS` of a two-letter region.
fn region_index(region: Region) -> Option<usize> {
    let geographic = &REGIONS[..REGION_IDS.len()];
    geographic
        .binary_search_by(|r| r.id.cmp(region.as_str()))
        .ok()
}

fn region_data(region: Region) -> Option<&'static RegionData> {
    region_index(region).map(|i| &REGIONS[i])
}

fn code_regions(code: u16) -> Option<&'static [u16]> {
    BY_CODE
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| BY_CODE[i].1)
}

fn compile(source: &str) -> Option<Regex> {
    Regex::new(source).ok()
}

/// A descriptor with its pattern compiled, anchored at both ends.
#[derive(Debug)]
struct Pattern {
    lengths: &'static [u8],
    regex: Regex,
}

impl Pattern {
    fn new(desc: &Desc) -> Option<Pattern> {
        Some(Pattern {
            lengths: desc.lengths,
            regex: compile(&format!("^(?:{})$", desc.pattern))?,
        })
    }

    /// libphonenumber's `matchesPossibleNumberAndNationalNumber`: a possible length (when the
    /// descriptor lists any), then the whole pattern.
    fn matches(&self, nsn: &str) -> bool {
        self.has_length(nsn.len()) && self.regex.is_match(nsn)
    }

    fn has_length(&self, len: usize) -> bool {
        self.lengths.is_empty() || self.lengths.iter().any(|&l| usize::from(l) == len)
    }

    /// The pattern alone, as libphonenumber's `matchNationalNumber` tests viability.
    fn matches_pattern(&self, nsn: &str) -> bool {
        self.regex.is_match(nsn)
    }
}

fn pattern(desc: &Option<Desc>) -> Option<Pattern> {
    desc.as_ref().and_then(Pattern::new)
}

/// One region's plan, compiled.
#[derive(Debug)]
struct RegionPlan {
    /// None for non-geographic entities (+800, +979 ...).
    region: Option<Region>,
    general: Option<Pattern>,
    /// In libphonenumber's order of precedence.
    kinds: Vec<(NumberKind, Pattern)>,
    fixed: Option<Pattern>,
    mobile: Option<Pattern>,
    same_fixed_mobile: bool,
}

impl RegionPlan {
    fn new(r: &RegionData) -> RegionPlan {
        let kinds = [
            (NumberKind::Premium, &r.premium),
            (NumberKind::TollFree, &r.toll_free),
            (NumberKind::SharedCost, &r.shared_cost),
            (NumberKind::Voip, &r.voip),
            (NumberKind::Personal, &r.personal),
            (NumberKind::Pager, &r.pager),
            (NumberKind::Uan, &r.uan),
            (NumberKind::Voicemail, &r.voicemail),
        ]
        .into_iter()
        .filter_map(|(kind, desc)| Some((kind, pattern(desc)?)))
        .collect();
        RegionPlan {
            region: r.id.parse().ok(),
            general: pattern(&r.general),
            kinds,
            fixed: pattern(&r.fixed),
            mobile: pattern(&r.mobile),
            same_fixed_mobile: r.same_fixed_mobile,
        }
    }

    /// libphonenumber's `getNumberTypeHelper`.
    fn kind_of(&self, nsn: &str) -> Option<NumberKind> {
        if !self.general.as_ref().is_some_and(|g| g.matches(nsn)) {
            return None;
        }
        if let Some((kind, _)) = self.kinds.iter().find(|(_, p)| p.matches(nsn)) {
            return Some(*kind);
        }
        let fixed = self.fixed.as_ref().is_some_and(|p| p.matches(nsn));
        if fixed {
            let mobile =
                self.same_fixed_mobile || self.mobile.as_ref().is_some_and(|p| p.matches(nsn));
            return Some(if mobile {
                NumberKind::FixedOrMobile
            } else {
                NumberKind::Fixed
            });
        }
        (!self.same_fixed_mobile && self.mobile.as_ref().is_some_and(|p| p.matches(nsn)))
            .then_some(NumberKind::Mobile)
    }
}

/// A region of a country code whose patterns are compiled when a number first reaches it:
/// +1 has 25 regions, and a call from Jamaica need not compile Canada's.
struct LazyRegion {
    data: &'static RegionData,
    /// The leading-digits pattern alone, compiled first: it rules most regions out cheaply.
    leading: OnceLock<Option<Regex>>,
    plan: OnceLock<RegionPlan>,
}

impl LazyRegion {
    fn may_hold(&self, nsn: &str) -> bool {
        let leading = self.leading.get_or_init(|| {
            self.data
                .leading
                .and_then(|l| compile(&format!("^(?:{l})")))
        });
        leading.as_ref().is_none_or(|l| l.is_match(nsn))
    }

    fn plan(&self) -> &RegionPlan {
        self.plan.get_or_init(|| RegionPlan::new(self.data))
    }
}

/// Country codes are 1 to 3 digits: one slot each, filled on first use and then read without a
/// lock or a hash on every call.
const CODE_SLOTS: usize = 1000;

fn plans_for(code: u16) -> Option<&'static [LazyRegion]> {
    static PLANS: [OnceLock<Option<Vec<LazyRegion>>>; CODE_SLOTS] =
        [const { OnceLock::new() }; CODE_SLOTS];
    let slot = PLANS.get(usize::from(code))?;
    slot.get_or_init(|| build_plans(code)).as_deref()
}

fn build_plans(code: u16) -> Option<Vec<LazyRegion>> {
    // The main country of a shared code first, as libphonenumber does (`BY_CODE` is in that
    // order); then the regions that name their leading digits (cheap to rule out), then the
    // rest (Canada has none, so a call from Jamaica reaches Jamaica without compiling Canada's
    // plan). Regions of one code hold disjoint numbers, so the order changes the cost, not the
    // answer.
    let regions = || {
        code_regions(code)
            .into_iter()
            .flatten()
            .map(|&i| &REGIONS[usize::from(i)])
    };
    let built: Vec<LazyRegion> = regions()
        .filter(|r| r.main)
        .chain(regions().filter(|r| !r.main && r.leading.is_some()))
        .chain(regions().filter(|r| !r.main && r.leading.is_none()))
        .map(|data| LazyRegion {
            data,
            leading: OnceLock::new(),
            plan: OnceLock::new(),
        })
        .collect();
    (!built.is_empty()).then_some(built)
}

/// Whether the country code is in the metadata.
pub(crate) fn is_known_country_code(code: u16) -> bool {
    code_regions(code).is_some()
}

/// The main region of a country code, if it is geographic.
pub(crate) fn main_region(code: u16) -> Option<Region> {
    let regions = code_regions(code)?;
    let first = regions.first().map(|&i| &REGIONS[usize::from(i)])?;
    first.id.parse().ok()
}

/// The region and kind of a national significant number under a country code, or None if the
/// plan has no such number. The region is None for non-geographic codes.
pub(crate) fn lookup(code: u16, nsn: &str) -> Option<(Option<Region>, NumberKind)> {
    let plans = plans_for(code)?;
    plans
        .iter()
        .filter(|lazy| lazy.may_hold(nsn))
        .find_map(|lazy| {
            let plan = lazy.plan();
            plan.kind_of(nsn).map(|kind| (plan.region, kind))
        })
}

/// What libphonenumber's short-number data says a short number of a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShortClass {
    /// An emergency number of the region.
    Emergency,
    /// A valid short number that is free to call.
    TollFree,
    /// A valid short number that costs more than a normal call.
    Premium,
    /// A valid short number at the standard rate.
    StandardRate,
    /// A valid short number that works on one carrier's network only (its service codes).
    CarrierSpecific,
    /// A valid short number used for SMS services.
    Sms,
    /// A valid short number of no more specific class.
    ShortCode,
}

impl ShortClass {
    /// The class's name in the numbering rule pack's `short_number_classes`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ShortClass::Emergency => "emergency",
            ShortClass::TollFree => "toll_free",
            ShortClass::Premium => "premium",
            ShortClass::StandardRate => "standard_rate",
            ShortClass::CarrierSpecific => "carrier_specific",
            ShortClass::Sms => "sms",
            ShortClass::ShortCode => "short_code",
        }
    }
}

/// One region's short-number descriptors, compiled.
#[derive(Debug)]
struct ShortPlan {
    general: Option<Pattern>,
    short_code: Option<Pattern>,
    /// Tested in this order once a number is known to be a valid short number.
    classes: Vec<(ShortClass, Pattern)>,
}

impl ShortPlan {
    fn new(s: &ShortData) -> ShortPlan {
        ShortPlan {
            general: pattern(&s.general),
            short_code: pattern(&s.short_code),
            classes: [
                (ShortClass::CarrierSpecific, &s.carrier_specific),
                (ShortClass::Sms, &s.sms),
                (ShortClass::Premium, &s.premium),
                (ShortClass::StandardRate, &s.standard_rate),
                (ShortClass::TollFree, &s.toll_free),
            ]
            .into_iter()
            .filter_map(|(class, desc)| Some((class, pattern(desc)?)))
            .collect(),
        }
    }

    /// libphonenumber's isValidShortNumberForRegion: the general descriptor, then the
    /// short-code one.
    fn is_valid(&self, digits: &str) -> bool {
        self.general.as_ref().is_some_and(|g| g.matches(digits))
            && self.short_code.as_ref().is_some_and(|s| s.matches(digits))
    }

    /// The class of a valid short number that is no emergency number.
    fn class_of(&self, digits: &str) -> Option<ShortClass> {
        if !self.is_valid(digits) {
            return None;
        }
        let class = self
            .classes
            .iter()
            .find(|(_, p)| p.matches(digits))
            .map_or(ShortClass::ShortCode, |(class, _)| *class);
        Some(class)
    }
}

/// One slot per two-letter region code (A-Z × A-Z), filled on first use.
const REGION_SLOTS: usize = 26 * 26;

fn region_slot(region: Region) -> Option<usize> {
    let [a, b] = region.as_str().as_bytes() else {
        return None;
    };
    Some(usize::from(a.checked_sub(b'A')?) * 26 + usize::from(b.checked_sub(b'A')?))
}

fn short_plan(region: Region) -> Option<&'static ShortPlan> {
    static SHORT: [OnceLock<Option<ShortPlan>>; REGION_SLOTS] =
        [const { OnceLock::new() }; REGION_SLOTS];
    SHORT
        .get(region_slot(region)?)?
        .get_or_init(|| region_data(region)?.short.as_ref().map(ShortPlan::new))
        .as_ref()
}

/// What a short number dialled in `region` is, by libphonenumber's short-number data: an
/// emergency number, a valid short number of some class, or None.
pub(crate) fn short_number(region: Region, digits: &str) -> Option<ShortClass> {
    // libphonenumber's isEmergencyNumber (the pattern alone, whole number, no lengths),
    // answered from the table of every region's emergency numbers: an emergency call back
    // compiles no pattern at all.
    if emergency_regions(digits).contains(&region.as_str()) {
        return Some(ShortClass::Emergency);
    }
    short_plan(region)?.class_of(digits)
}

/// Whether the digits are a valid short number of `region` (emergency numbers aside).
pub(crate) fn is_valid_short_number(region: Region, digits: &str) -> bool {
    short_plan(region).is_some_and(|plan| plan.is_valid(digits))
}

/// The regions where the digits are an emergency number (empty for none), from a table built
/// with the data: no region's patterns are compiled to answer.
pub(crate) fn emergency_regions(digits: &str) -> &'static [&'static str] {
    EMERGENCY
        .binary_search_by(|(number, _)| (*number).cmp(digits))
        .map_or(&[], |i| EMERGENCY[i].1)
}

/// What a home region needs for numbers written nationally: its country code, international
/// prefix, trunk prefix and the rule that strips it.
struct HomePlan {
    code: u16,
    idd: Option<Regex>,
    national_prefix: Option<&'static str>,
    /// Anchored at the start.
    npp: Option<Regex>,
    npp_transform: Option<&'static str>,
    general: Option<Pattern>,
    local_lengths: &'static [u8],
}

fn home(region: Region) -> Option<&'static HomePlan> {
    static HOMES: [OnceLock<Option<HomePlan>>; REGION_SLOTS] =
        [const { OnceLock::new() }; REGION_SLOTS];
    HOMES
        .get(region_slot(region)?)?
        .get_or_init(|| build_home(region))
        .as_ref()
}

fn build_home(region: Region) -> Option<HomePlan> {
    let r = region_data(region)?;
    Some(HomePlan {
        code: r.code,
        idd: r.idd.and_then(|i| compile(&format!("^(?:{i})"))),
        national_prefix: r.national_prefix,
        npp: r.npp.and_then(|n| compile(&format!("^(?:{n})"))),
        npp_transform: r.npp_transform,
        general: pattern(&r.general),
        local_lengths: r.general.as_ref().map_or(&[], |g| g.local),
    })
}

impl HomePlan {
    /// libphonenumber's `testNumberLength` for an unknown type: whether a national number of
    /// `len` digits is possible, or too long (which parsing still accepts).
    fn possible_or_too_long(&self, len: usize) -> bool {
        let Some(general) = &self.general else {
            return false;
        };
        if self.local_lengths.iter().any(|&l| usize::from(l) == len) {
            return false;
        }
        let (Some(&min), Some(&max)) = (general.lengths.first(), general.lengths.last()) else {
            return true;
        };
        len >= usize::from(min) && (len > usize::from(max) || general.has_length(len))
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: the national significant
    /// number left after the trunk prefix (and a carrier code) is removed or transformed, or
    /// None when nothing is to be removed.
    fn strip_trunk_prefix(&self, digits: &str) -> Option<String> {
        let npp = self.npp.as_ref()?;
        // A plain match first: far cheaper than capturing, and most numbers have no trunk
        // prefix to strip (every number written internationally passes here).
        if !npp.is_match(digits) {
            return None;
        }
        let caps = npp.captures(digits)?;
        let whole = caps.get(0)?;
        let general = self.general.as_ref()?;
        let viable_as_is = general.matches_pattern(digits);
        let last_group = caps.len().checked_sub(1).filter(|&n| n > 0);
        let candidate = match (self.npp_transform, last_group.and_then(|g| caps.get(g))) {
            (Some(rule), Some(_)) => {
                let mut out = String::new();
                caps.expand(rule, &mut out);
                out.push_str(&digits[whole.end()..]);
                out
            }
            _ => digits[whole.end()..].to_owned(),
        };
        // The original was a viable number and what is left is not: it was no trunk prefix.
        if viable_as_is && !general.matches_pattern(&candidate) {
            return None;
        }
        Some(candidate)
    }
}

/// The length of the region's international prefix at the start of `digits`, if any.
pub(crate) fn international_prefix_len(region: Region, digits: &str) -> Option<usize> {
    let found = home(region)?.idd.as_ref()?.find(digits)?;
    (found.start() == 0 && found.end() > 0).then_some(found.end())
}

/// The region's trunk prefix ("0" in Japan, "1" in North America), if it has one.
pub(crate) fn national_prefix(region: Region) -> Option<&'static str> {
    home(region)?.national_prefix
}

/// The region's country code.
pub(crate) fn country_code(region: Region) -> Option<u16> {
    home(region).map(|h| h.code)
}

/// The E.164 digits of a number written nationally in `region`, as libphonenumber parses it:
/// the trunk prefix (and any carrier code) stripped or transformed when what is left is long
/// enough for a number of the region, the country code put in front.
pub(crate) fn national_to_e164(region: Region, digits: &str) -> Option<String> {
    let h = home(region)?;
    let nsn = match h.strip_trunk_prefix(digits) {
        Some(stripped) if h.possible_or_too_long(stripped.len()) => stripped,
        _ => digits.to_owned(),
    };
    if nsn.is_empty() {
        return None;
    }
    Some(format!("{}{}", h.code, nsn))
}

/// The national significant number left when a trunk prefix written after the country code is
/// removed (+44 020 7946 0958 is +44 20 7946 0958), as libphonenumber's parsing removes it; None
/// when there is none to remove.
pub(crate) fn strip_trunk_after_code(code: u16, nsn: &str) -> Option<String> {
    let h = home(main_region(code)?)?;
    h.strip_trunk_prefix(nsn)
        .filter(|stripped| stripped != nsn && h.possible_or_too_long(stripped.len()))
}

#[cfg(test)]
mod tests;
