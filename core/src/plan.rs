//! Numbering-plan look-ups: which region of a country code a national significant number
//! belongs to, and its kind.
//!
//! Built from the phonenumber crate's metadata, one region at a time, on first use. The crate's
//! own typing drops the leading zeros of national numbers (Italy's 06 ...) and matches pattern
//! prefixes rather than whole numbers; here every pattern is compiled anchored at both ends.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

use crate::classify::NumberKind;
use crate::region::Region;

/// One descriptor (a set of numbers of one kind) with an anchored pattern.
#[derive(Debug)]
struct Pattern {
    lengths: Vec<u16>,
    regex: Regex,
}

impl Pattern {
    fn new(desc: &Descriptor) -> Option<Pattern> {
        let source = format!("^(?:{})$", desc.national_number().as_str());
        let regex = RegexBuilder::new(&source)
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Pattern {
            lengths: desc.possible_length().to_vec(),
            regex,
        })
    }

    fn matches(&self, nsn: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(nsn.len() as u16)))
            && self.regex.is_match(nsn)
    }
}

/// One region's plan.
#[derive(Debug)]
struct RegionPlan {
    /// None for non-geographic entities (+800, +979 ...).
    region: Option<Region>,
    /// For regions sharing a country code: the leading digits that pick this region.
    leading: Option<Regex>,
    general: Option<Pattern>,
    /// In libphonenumber's order of precedence.
    kinds: Vec<(NumberKind, Pattern)>,
    fixed: Option<Pattern>,
    mobile: Option<Pattern>,
    fixed_is_mobile: bool,
}

impl RegionPlan {
    fn new(meta: &Metadata) -> RegionPlan {
        let kinds = [
            (NumberKind::Premium, meta.descriptors().premium_rate()),
            (NumberKind::TollFree, meta.descriptors().toll_free()),
            (NumberKind::SharedCost, meta.descriptors().shared_cost()),
            (NumberKind::Voip, meta.descriptors().voip()),
            (NumberKind::Personal, meta.descriptors().personal_number()),
            (NumberKind::Pager, meta.descriptors().pager()),
            (NumberKind::Uan, meta.descriptors().uan()),
            (NumberKind::Voicemail, meta.descriptors().voicemail()),
        ]
        .into_iter()
        .filter_map(|(kind, desc)| Some((kind, Pattern::new(desc?)?)))
        .collect();
        let fixed_is_mobile = match (meta.descriptors().fixed_line(), meta.descriptors().mobile()) {
            (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
            _ => false,
        };
        RegionPlan {
            region: meta.id().parse().ok(),
            leading: meta.leading_digits().and_then(|l| {
                RegexBuilder::new(&format!("^(?:{})", l.as_str()))
                    .ignore_whitespace(true)
                    .build()
                    .ok()
            }),
            general: Pattern::new(meta.descriptors().general()),
            kinds,
            fixed: meta.descriptors().fixed_line().and_then(Pattern::new),
            mobile: meta.descriptors().mobile().and_then(Pattern::new),
            fixed_is_mobile,
        }
    }

    fn kind_of(&self, nsn: &str) -> Option<NumberKind> {
        if self.leading.as_ref().is_some_and(|l| !l.is_match(nsn)) {
            return None;
        }
        if !self.general.as_ref().is_some_and(|g| g.matches(nsn)) {
            return None;
        }
        if let Some((kind, _)) = self.kinds.iter().find(|(_, p)| p.matches(nsn)) {
            return Some(*kind);
        }
        let fixed = self.fixed.as_ref().is_some_and(|p| p.matches(nsn));
        let mobile = self.mobile.as_ref().is_some_and(|p| p.matches(nsn));
        match (fixed, mobile) {
            (true, _) if self.fixed_is_mobile => Some(NumberKind::FixedOrMobile),
            (true, true) => Some(NumberKind::FixedOrMobile),
            (true, false) => Some(NumberKind::Fixed),
            (false, true) => Some(NumberKind::Mobile),
            (false, false) => None,
        }
    }
}

type Plans = RwLock<HashMap<u16, Arc<Vec<RegionPlan>>>>;

fn plans() -> &'static Plans {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    PLANS.get_or_init(|| RwLock::new(HashMap::new()))
}

fn plans_for(code: u16) -> Option<Arc<Vec<RegionPlan>>> {
    if let Some(found) = plans().read().ok().and_then(|p| p.get(&code).cloned()) {
        return Some(found);
    }
    let metas = DATABASE.by_code(&code)?;
    // As libphonenumber does: the main country of a shared code first, then the others, each
    // taken when its leading digits (if it has any) and its patterns fit.
    let mut built: Vec<RegionPlan> = metas
        .iter()
        .filter(|m| m.is_main_country_for_code())
        .chain(metas.iter().filter(|m| !m.is_main_country_for_code()))
        .map(|m| RegionPlan::new(m))
        .collect();
    built.shrink_to_fit();
    let built = Arc::new(built);
    if let Ok(mut p) = plans().write() {
        p.insert(code, built.clone());
    }
    Some(built)
}

/// Whether the country code is in the metadata. Answered from the plan cache once the code
/// has been seen, so the call path does not allocate.
pub(crate) fn is_known_country_code(code: u16) -> bool {
    plans_for(code).is_some()
}

/// The main region of a country code, if it is geographic.
pub(crate) fn main_region(code: u16) -> Option<Region> {
    DATABASE
        .region(&code)
        .and_then(|regions| regions.first().and_then(|id| id.parse().ok()))
}

/// The region and kind of a national significant number under a country code, or None if the
/// plan has no such number. The region is None for non-geographic codes.
pub(crate) fn lookup(code: u16, nsn: &str) -> Option<(Option<Region>, NumberKind)> {
    let plans = plans_for(code)?;
    plans
        .iter()
        .find_map(|plan| plan.kind_of(nsn).map(|kind| (plan.region, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_leading_zero_is_kept() {
        assert_eq!(
            lookup(39, "0612345678"),
            Some((Some("IT".parse().expect("IT")), NumberKind::Fixed))
        );
    }

    #[test]
    fn shared_codes_find_the_right_region() {
        let (region, _) = lookup(1, "8095550199").expect("DO number");
        assert_eq!(region.map(|r| r.to_string()).as_deref(), Some("DO"));
        let (region, _) = lookup(1, "2025550143").expect("US number");
        assert_eq!(region, Some(Region::US));
        let (region, kind) = lookup(979, "123456789").expect("international premium");
        assert_eq!((region, kind), (None, NumberKind::Premium));
    }

    #[test]
    fn whole_numbers_only() {
        assert!(lookup(81, "9012345678").is_some());
        assert!(lookup(81, "90123456789").is_none());
        assert!(lookup(81, "901234567").is_none());
    }
}
