//! What a caller number is: country, kind, and whether it is international for the home region.
//!
//! libphonenumber's metadata (through [`crate::plan`]) covers the world; the numbering rule pack
//! ([`crate::numbering`]) adds what it lacks. [`Classifier`] owns both and is the one entry
//! point: text in, [`NumberInfo`] out, never an error.

use std::sync::Arc;

use callguard_text::LocalText;
use unicode_normalization::UnicodeNormalization;

use crate::e164::{E164, MAX_E164_DIGITS};
use crate::info::NumberInfo;
use crate::invalid::InvalidReason;
use crate::kind::{NumberFlag, NumberKind};
use crate::numbering::NumberingRules;
use crate::parse::{parse, DialPlan, Parsed, ParsedNumber};
use crate::plan::ShortClass;
use crate::presentation::Presentation;
use crate::region::Region;

/// Classifies caller numbers for one home region.
///
/// Cheap to clone (the rule pack is shared). The numbering metadata is loaded on first use and
/// kept for the life of the process; [`Classifier::warm_up`] prepares the home region ahead of
/// the first call.
#[derive(Debug, Clone)]
pub struct Classifier {
    home: Region,
    rules: Arc<NumberingRules>,
}

/// A short number has at most this many digits; a digit string this short that is no known
/// short number is an unknown short number (weak evidence), not an impossible one.
const MAX_SHORT_NUMBER_DIGITS: usize = 6;

/// The numbering plan as the [`DialPlan`] normalisation asks.
struct PlanDial;

impl DialPlan for PlanDial {
    fn international_prefix_len(&self, region: Region, digits: &str) -> Option<usize> {
        crate::plan::international_prefix_len(region, digits)
    }

    fn is_short_number(&self, region: Region, digits: &str) -> bool {
        // An emergency number anywhere (the home region's included), else a valid short number
        // of the home region.
        !crate::plan::emergency_regions(digits).is_empty()
            || crate::plan::is_valid_short_number(region, digits)
    }
}

impl Classifier {
    /// A classifier for `home` with the embedded numbering rule pack.
    pub fn new(home: Region) -> Classifier {
        Classifier::with_rules(home, NumberingRules::embedded())
    }

    /// A classifier for `home` with a numbering rule pack of the caller's choosing.
    pub fn with_rules(home: Region, rules: Arc<NumberingRules>) -> Classifier {
        Classifier { home, rules }
    }

    /// The home region.
    pub fn home(&self) -> Region {
        self.home
    }

    /// The numbering rule pack in use.
    pub fn rules(&self) -> &Arc<NumberingRules> {
        &self.rules
    }

    /// Prepares the home region's numbering plan now rather than on the first call (a few
    /// milliseconds: the plan's data is parsed and the home region's patterns compiled).
    pub fn warm_up(&self) {
        let _ = self.classify("+0", Presentation::Allowed);
        if let Some(code) = crate::plan::country_code(self.home) {
            let _ = crate::plan::lookup(code, "0");
        }
        let _ = crate::plan::international_prefix_len(self.home, "0");
    }

    /// Parses without classifying (see [`crate::parse::parse`]).
    pub fn parse(&self, text: &str, presentation: Presentation) -> ParsedNumber {
        parse(text, presentation, self.home, &self.rules, &PlanDial)
    }

    /// Classifies caller-ID text presented with `presentation`.
    pub fn classify(&self, text: &str, presentation: Presentation) -> NumberInfo {
        let parsed = self.parse(text, presentation);
        let mut info = match parsed.parsed {
            Parsed::Hidden(p) => NumberInfo::hidden(text, p),
            Parsed::Invalid(reason) => self
                .emergency_in_noise(text, &reason)
                .unwrap_or_else(|| NumberInfo::invalid(text, reason)),
            Parsed::Short(code) => self.short(text, &code),
            Parsed::International(digits) => self.full_number(text, &digits),
            Parsed::National(digits) => self.national(text, &digits),
        };
        info.prefixes = parsed.prefixes;
        info
    }

    /// An emergency number inside caller-ID text that is otherwise no number ("110\u{FFFD}"
    /// from a line that was not UTF-8, "110☎"): its digits alone are an emergency number here
    /// or anywhere, so it rings. An emergency number is never blocked, whatever its spelling.
    fn emergency_in_noise(&self, text: &str, reason: &InvalidReason) -> Option<NumberInfo> {
        if !matches!(
            reason,
            InvalidReason::BadCharacter { .. }
                | InvalidReason::Letters
                | InvalidReason::MisplacedPlus
        ) {
            return None;
        }
        let mut digits = String::new();
        // NFKC: full-width digits are digits.
        for c in text.nfkc().filter_map(|c| c.to_digit(10)) {
            if digits.len() == MAX_SHORT_NUMBER_DIGITS {
                return None;
            }
            digits.push(char::from(b'0' + c as u8));
        }
        let emergency_anywhere = !crate::plan::emergency_regions(&digits).is_empty()
            || self
                .rules
                .short_number(self.home, &digits)
                .is_some_and(|s| s.kind == Some(NumberKind::Emergency));
        if !emergency_anywhere {
            return None;
        }
        self.short_in(self.home, text, &digits)
    }

    /// The E.164 digits (without `+`) that a number prefix written by a person stands for:
    /// `+8150`, `050` and `+81 50` all give `8150` for a Japanese home region. Used for prefix
    /// rules in lists (`+8150*`). Short, hidden and invalid texts give the reason they are not a
    /// prefix.
    pub fn prefix_digits(&self, text: &str) -> Result<String, InvalidReason> {
        // A bare country code (`+1`, `+81`) is a fine prefix though too short for a number.
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')'))
            .collect();
        if let Some(digits) = compact.strip_prefix('+') {
            if (1..=3).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
            {
                return Ok(digits.to_owned());
            }
        }
        match self.parse(text, Presentation::Allowed).parsed {
            Parsed::International(digits) => Ok(digits),
            // A prefix is read as written nationally, even where its digits alone would be a
            // short number (050 is an emergency number in Uzbekistan).
            Parsed::National(digits) => self.national_prefix_digits(&digits),
            Parsed::Short(code) if code.bytes().all(|b| b.is_ascii_digit()) => {
                self.national_prefix_digits(&code)
            }
            Parsed::Short(code) => Err(InvalidReason::TooShort { digits: code.len() }),
            Parsed::Hidden(_) => Err(InvalidReason::Empty),
            Parsed::Invalid(reason) => Err(reason),
        }
    }

    fn national_prefix_digits(&self, digits: &str) -> Result<String, InvalidReason> {
        let trunk = crate::plan::national_prefix(self.home).unwrap_or_default();
        let national = digits.strip_prefix(trunk).unwrap_or(digits);
        let code = crate::plan::country_code(self.home).unwrap_or(0);
        if national.is_empty() || code == 0 {
            return Err(InvalidReason::TooShort {
                digits: digits.len(),
            });
        }
        Ok(format!("{code}{national}"))
    }

    /// Classifies a number already in E.164 form (the fast path for stored numbers).
    pub fn classify_e164(&self, number: E164) -> NumberInfo {
        let digits = number.digits();
        self.complete(&number.to_string(), &digits, false)
    }

    fn short(&self, input: &str, code: &str) -> NumberInfo {
        self.short_in(self.home, input, code).unwrap_or_else(|| {
            let digits = code.bytes().filter(u8::is_ascii_digit).count();
            let reason = if code.bytes().any(|b| b == b'*' || b == b'#') {
                InvalidReason::UnknownServiceCode
            } else {
                InvalidReason::UnknownShortNumber { digits }
            };
            NumberInfo::invalid(input, reason)
        })
    }

    /// A short number dialled in `region`: an emergency number of the region (or everywhere:
    /// 112, 911), a valid short number of the region, or an emergency number of another region
    /// (a service abroad calling back a traveller). None if it is none of these.
    ///
    /// libphonenumber's short-number data decides; the rule pack names the numbers and adds
    /// those the data lacks, and its kind can only raise protection.
    fn short_in(&self, region: Region, input: &str, code: &str) -> Option<NumberInfo> {
        let listed = self.rules.short_number(region, code);
        let class = crate::plan::short_number(region, code);
        let from_data = match class {
            Some(ShortClass::Emergency) => Some(NumberKind::Emergency),
            Some(_) => Some(NumberKind::Special),
            None => None,
        };
        let kind = match (listed.and_then(|s| s.kind), from_data) {
            (Some(NumberKind::Emergency), _) | (_, Some(NumberKind::Emergency)) => {
                Some(NumberKind::Emergency)
            }
            (Some(kind), _) | (None, Some(kind)) => Some(kind),
            (None, None) => None,
        };
        let (kind, service) = match kind {
            Some(kind) => {
                let service = listed
                    .map(|s| s.name.clone())
                    .or_else(|| self.class_name(class?.as_str()));
                (kind, service)
            }
            None if region == self.home => {
                let abroad = crate::plan::emergency_regions(code);
                if abroad.is_empty() {
                    return None;
                }
                let service = self
                    .class_name("emergency_abroad")
                    .map(|text| text.filled(&[("regions", &region_list(abroad))]));
                (NumberKind::Special, service)
            }
            None => return None,
        };
        Some(NumberInfo {
            kind,
            presentation: Presentation::Allowed,
            service,
            ..NumberInfo::hidden(input, Presentation::Allowed)
        })
    }

    fn class_name(&self, class: &str) -> Option<LocalText> {
        self.rules.short_class_name(class).cloned()
    }

    /// A number written nationally for the home region.
    ///
    /// The home region's own reading comes first, as libphonenumber parses it. Only where that
    /// is impossible is the number read as international without its `+` (DOMAIN: calls from
    /// abroad reach Japan's landlines so), and flagged. A few digits that are neither are an
    /// unknown short number.
    fn national(&self, input: &str, digits: &str) -> NumberInfo {
        let home = crate::plan::national_to_e164(self.home, digits)
            .map(|full| self.complete(input, &full, false));
        if let Some(info) = home.as_ref().filter(|i| i.kind != NumberKind::Invalid) {
            return info.clone();
        }
        if digits.len() > MAX_SHORT_NUMBER_DIGITS && !digits.starts_with('0') {
            let mut info = self.full_number(input, digits);
            if info.kind != NumberKind::Invalid {
                info.flags.push(NumberFlag::MissingPlus);
                return info;
            }
        }
        if digits.len() <= MAX_SHORT_NUMBER_DIGITS {
            return self.short(input, digits);
        }
        home.unwrap_or_else(|| {
            NumberInfo::invalid(
                input,
                InvalidReason::TooShort {
                    digits: digits.len(),
                },
            )
        })
    }

    /// A number written internationally: country code and national significant number, as
    /// digits. A trunk prefix written after the country code (+44 020 ..., +7 8 ...) is
    /// removed as libphonenumber removes it.
    fn full_number(&self, input: &str, digits: &str) -> NumberInfo {
        self.complete(input, digits, true)
    }

    /// A complete number as digits; `strip_trunk` removes a trunk prefix after the country
    /// code (not for numbers already read nationally, whose trunk prefix is gone).
    fn complete(&self, input: &str, digits: &str, strip_trunk: bool) -> NumberInfo {
        let Some(country_code) = self.country_code(digits) else {
            let listed = self.listed_unassigned_code(digits);
            let code = digits.get(..3).unwrap_or(digits).parse().unwrap_or(0);
            return NumberInfo::invalid(
                input,
                InvalidReason::UnassignedCountryCode {
                    country_code: listed.unwrap_or(code),
                    seen_on_scam_calls: listed.is_some(),
                },
            );
        };
        let written = &digits[code_digits(country_code)..];
        // A short number behind a country code (+81 110, tel:+1-911, as IMS networks may hand
        // it over) is that country's service number, never a bogus long number: an emergency
        // call back must ring. Behind another country's code only its emergency numbers count:
        // short codes cannot be dialled from abroad, so a "+385 600124" is no service calling.
        if written.len() <= 8 {
            let home_code = crate::plan::country_code(self.home) == Some(country_code);
            let region = if home_code {
                Some(self.home)
            } else {
                crate::plan::main_region(country_code)
            };
            if let Some(info) = region
                .and_then(|r| self.short_in(r, input, written))
                .filter(|info| home_code || info.kind == NumberKind::Emergency)
            {
                return info;
            }
        }
        let stripped = strip_trunk
            .then(|| crate::plan::strip_trunk_after_code(country_code, written))
            .flatten();
        let nsn = stripped.as_deref().unwrap_or(written);
        let full;
        let digits = match &stripped {
            Some(nsn) => {
                full = format!("{country_code}{nsn}");
                full.as_str()
            }
            None => digits,
        };
        if digits.len() > MAX_E164_DIGITS {
            return NumberInfo::invalid(
                input,
                InvalidReason::TooLong {
                    digits: digits.len(),
                },
            );
        }
        let Some(e164) = E164::from_digits(digits) else {
            return NumberInfo::invalid(
                input,
                InvalidReason::TooShort {
                    digits: digits.len(),
                },
            );
        };
        let mut flags: Vec<NumberFlag> = self.rules.flags(digits).map(|(f, _)| f).collect();

        let (kind, country) = if let Some(o) = self.rules.kind_override(digits) {
            (o.kind, Some(o.country))
        } else {
            match crate::plan::lookup(country_code, nsn) {
                Some((country, kind)) => {
                    if kind == NumberKind::Premium {
                        flags.retain(|f| *f != NumberFlag::InternationalNetwork);
                    }
                    (kind, country)
                }
                // +1 is followed by 10 digits and an area code that never starts with 0 or 1:
                // say so, which people understand better than "not in the plan".
                None if country_code == 1
                    && (nsn.len() != 10 || nsn.starts_with('0') || nsn.starts_with('1')) =>
                {
                    return NumberInfo::invalid(input, InvalidReason::NorthAmericanFormat)
                }
                None => {
                    return NumberInfo::invalid(
                        input,
                        InvalidReason::NotInNumberingPlan {
                            country: crate::plan::main_region(country_code),
                        },
                    )
                }
            }
        };
        // Non-geographic codes (+800, +870, +979 ...) have no country: always international.
        let international = country.is_none_or(|c| c != self.home);
        NumberInfo {
            input: input.to_owned(),
            presentation: Presentation::Allowed,
            e164: Some(e164),
            country,
            kind,
            international: Some(international),
            flags,
            prefixes: Vec::new(),
            invalid: None,
            service: None,
        }
    }

    /// The assigned country code the digits start with.
    fn country_code(&self, digits: &str) -> Option<u16> {
        (1..=3.min(digits.len())).find_map(|len| {
            let code: u16 = digits[..len].parse().ok()?;
            if self.rules.is_unassigned_country_code(code) {
                return None;
            }
            crate::plan::is_known_country_code(code).then_some(code)
        })
    }

    fn listed_unassigned_code(&self, digits: &str) -> Option<u16> {
        (1..=3.min(digits.len())).find_map(|len| {
            let code: u16 = digits[..len].parse().ok()?;
            self.rules.is_unassigned_country_code(code).then_some(code)
        })
    }
}

/// Up to six regions, then "…": 999 is an emergency number in 48 regions.
fn region_list(regions: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut list = regions[..regions.len().min(SHOWN)].join(", ");
    if regions.len() > SHOWN {
        list.push_str(", …");
    }
    list
}

/// How many digits a country code (1 to 999) has.
fn code_digits(code: u16) -> usize {
    match code {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    }
}
