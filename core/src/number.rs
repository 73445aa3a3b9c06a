//! From what a phone shows or a person types to a caller number.
//!
//! [`normalize`] turns caller-ID text into one of: a hidden presentation, a short service
//! number, an international number (country code and national significant number), a national
//! number as dialled in the home region, or an invalid text with the reason why. It copes with
//! spacing and punctuation, `+`, the home region's international prefixes, carrier-selection codes
//! before them, caller-ID prefixes (184 / 186, *67 / *82), full-width text (NFKC), the `(0)` trunk
//! notation and `tel:` / `sip:` URIs. It never fails: for a call screener a malformed number is
//! evidence, not an error. Classification (country, kind) is [`crate::classify`]'s job.
//!
//! Length limits apply to the digits that remain once separators, invisible marks and URI
//! parameters are gone, never to the raw text: `110` followed by hundreds of spaces is still
//! 110. The work is linear in the text's length, and at most a bounded number of digits is
//! kept.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::region::Region;
use crate::rules::numbering::NumberingRules;
use crate::Lang;

/// E.164 allows at most 15 digits, country code included.
pub const MAX_E164_DIGITS: usize = 15;
/// What remains after a caller-ID prefix must be at least this long for the prefix to count
/// (so that `184` alone stays a three-digit number and is not read as a prefix).
const MIN_DIGITS_AFTER_DIAL_PREFIX: usize = 6;

/// How the network presented the caller's number, as Android's `Call.Details` and Japanese
/// caller-ID displays tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    /// The number is shown.
    #[default]
    Allowed,
    /// The caller withheld the number (非通知, "Anonymous", "Private").
    Restricted,
    /// The network does not know the number.
    Unknown,
    /// A payphone (公衆電話).
    Payphone,
    /// The number could not be delivered (表示圏外), often a call from abroad.
    Unavailable,
}

impl Presentation {
    /// The stable name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Presentation::Allowed => "allowed",
            Presentation::Restricted => "restricted",
            Presentation::Unknown => "unknown",
            Presentation::Payphone => "payphone",
            Presentation::Unavailable => "unavailable",
        }
    }

    /// All presentations, in a fixed order.
    pub const ALL: [Presentation; 5] = [
        Presentation::Allowed,
        Presentation::Restricted,
        Presentation::Unknown,
        Presentation::Payphone,
        Presentation::Unavailable,
    ];
}

impl FromStr for Presentation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Presentation::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown presentation {text:?}: expected allowed, restricted, unknown, payphone or unavailable"
                )
            })
    }
}

impl fmt::Display for Presentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A complete international number: the E.164 digits (country code first) as one integer.
///
/// The first digit of a country code is never 0, so the integer keeps every digit; at most 15
/// digits fit comfortably in 64 bits. This is the key of every per-number table and the entry
/// format of iOS's Call Directory.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct E164(u64);

impl E164 {
    /// From the digits without `+`: 1 to 15 ASCII digits, the first not 0.
    pub fn from_digits(digits: &str) -> Option<E164> {
        let bytes = digits.as_bytes();
        if bytes.is_empty()
            || bytes.len() > MAX_E164_DIGITS
            || bytes[0] == b'0'
            || !bytes.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        digits.parse().ok().map(E164)
    }

    /// From the integer form (as stored in the database or handed to iOS).
    pub fn from_u64(value: u64) -> Option<E164> {
        (value > 0 && value < 10u64.pow(MAX_E164_DIGITS as u32)).then_some(E164(value))
    }

    /// The integer form.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The integer form as iOS's Call Directory wants it.
    pub fn as_i64(self) -> i64 {
        // At most 15 digits, far below i64::MAX.
        self.0 as i64
    }

    /// The digits without `+`.
    pub fn digits(self) -> String {
        self.0.to_string()
    }

    /// How many digits the number has.
    pub fn digit_count(self) -> usize {
        self.0.checked_ilog10().map_or(1, |l| l as usize + 1)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.0)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164(+{})", self.0)
    }
}

impl From<E164> for String {
    fn from(value: E164) -> String {
        value.to_string()
    }
}

impl TryFrom<String> for E164 {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl FromStr for E164 {
    type Err = String;

    /// Strict: `+` and the digits, nothing else. Use [`normalize`] for text a person wrote.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.strip_prefix('+')
            .and_then(E164::from_digits)
            .ok_or_else(|| format!("{text:?} is not an E.164 number (+ and 1 to 15 digits)"))
    }
}

/// A prefix that was dialled before the number itself and removed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DialPrefix {
    /// A per-call caller-ID prefix such as Japan's 184 (withhold) or 186 (send).
    CallerId {
        /// The digits.
        prefix: String,
        /// Whether it asks to send the caller ID.
        sends_caller_id: bool,
    },
    /// A carrier-selection code such as Japan's 0033.
    Carrier {
        /// The digits.
        prefix: String,
    },
    /// The home region's international prefix (010 in Japan, 011 in North America, 00 ...).
    International {
        /// The digits.
        prefix: String,
    },
}

/// Why a text is not a usable caller number. For a screener this is evidence of spoofing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum InvalidReason {
    /// Nothing but spaces or punctuation.
    Empty,
    /// Letters where digits should be.
    Letters,
    /// A character no phone number contains.
    BadCharacter {
        /// The character.
        character: char,
    },
    /// A `+` that is not at the start.
    MisplacedPlus,
    /// More digits than any phone number has.
    TooLong {
        /// How many digits there were.
        digits: usize,
    },
    /// Fewer digits than a phone number in the region has, and not a known service number.
    TooShort {
        /// How many digits there were.
        digits: usize,
    },
    /// A `*` or `#` code that is not a known service number.
    UnknownServiceCode,
    /// A few digits that are not a short number of the home region (nor an emergency number
    /// anywhere): perhaps a service the data does not know, perhaps a fake. Weak evidence.
    UnknownShortNumber {
        /// How many digits there were.
        digits: usize,
    },
    /// A country code that is not assigned to anyone.
    UnassignedCountryCode {
        /// The code.
        country_code: u16,
        /// Whether it is one of the codes seen as fake caller IDs on scam calls.
        seen_on_scam_calls: bool,
    },
    /// A North American (+1) number whose area code starts with 0 or 1 or whose length is not 10.
    NorthAmericanFormat,
    /// A number the country's numbering plan does not have (unallocated range or wrong length).
    NotInNumberingPlan {
        /// The country whose plan was consulted.
        country: Option<Region>,
    },
}

impl InvalidReason {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            InvalidReason::Empty => "empty",
            InvalidReason::Letters => "letters",
            InvalidReason::BadCharacter { .. } => "bad_character",
            InvalidReason::MisplacedPlus => "misplaced_plus",
            InvalidReason::TooLong { .. } => "too_long",
            InvalidReason::TooShort { .. } => "too_short",
            InvalidReason::UnknownServiceCode => "unknown_service_code",
            InvalidReason::UnknownShortNumber { .. } => "unknown_short_number",
            InvalidReason::UnassignedCountryCode { .. } => "unassigned_country_code",
            InvalidReason::NorthAmericanFormat => "north_american_format",
            InvalidReason::NotInNumberingPlan { .. } => "not_in_numbering_plan",
        }
    }

    /// Whether the text was a short code no data knows (`unknown_short_number`,
    /// `unknown_service_code`): weak evidence, unlike a number that cannot exist.
    pub fn is_unknown_short(&self) -> bool {
        matches!(
            self,
            InvalidReason::UnknownShortNumber { .. } | InvalidReason::UnknownServiceCode
        )
    }

    /// The reason in plain words.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (InvalidReason::Empty, Lang::En) => "no digits at all".into(),
            (InvalidReason::Empty, Lang::Ja) => "数字がありません".into(),
            (InvalidReason::Letters, Lang::En) => "contains letters; a caller ID never does".into(),
            (InvalidReason::Letters, Lang::Ja) => {
                "文字が含まれています（発信者番号に文字は入りません）".into()
            }
            (InvalidReason::BadCharacter { character }, Lang::En) => {
                format!("contains {character:?}, which no phone number has")
            }
            (InvalidReason::BadCharacter { character }, Lang::Ja) => {
                format!("電話番号にない文字 {character:?} が含まれています")
            }
            (InvalidReason::MisplacedPlus, Lang::En) => "a + that is not at the start".into(),
            (InvalidReason::MisplacedPlus, Lang::Ja) => "「+」が先頭以外にあります".into(),
            (InvalidReason::TooLong { digits }, Lang::En) => {
                format!("{digits} digits: longer than any phone number (at most 15)")
            }
            (InvalidReason::TooLong { digits }, Lang::Ja) => {
                format!("{digits}桁: 電話番号としては長すぎます（最大15桁）")
            }
            (InvalidReason::TooShort { digits }, Lang::En) => {
                format!("{digits} digits: too short for a phone number and not a known service number")
            }
            (InvalidReason::TooShort { digits }, Lang::Ja) => {
                format!("{digits}桁: 電話番号としては短すぎ、既知のサービス番号でもありません")
            }
            (InvalidReason::UnknownServiceCode, Lang::En) => {
                "a * or # code that is not a known service number".into()
            }
            (InvalidReason::UnknownServiceCode, Lang::Ja) => {
                "既知のサービス番号ではない「*」「#」付きの番号です".into()
            }
            (InvalidReason::UnknownShortNumber { digits }, Lang::En) => {
                format!("{digits} digits: a short number that is not a known service number here")
            }
            (InvalidReason::UnknownShortNumber { digits }, Lang::Ja) => {
                format!("{digits}桁: この地域で知られていない短い番号です")
            }
            (
                InvalidReason::UnassignedCountryCode {
                    country_code,
                    seen_on_scam_calls,
                },
                Lang::En,
            ) => {
                let seen = if *seen_on_scam_calls {
                    "; such numbers are shown on scam calls"
                } else {
                    ""
                };
                format!("+{country_code} is not an assigned country code: the caller ID is fake{seen}")
            }
            (
                InvalidReason::UnassignedCountryCode {
                    country_code,
                    seen_on_scam_calls,
                },
                Lang::Ja,
            ) => {
                let seen = if *seen_on_scam_calls {
                    "（詐欺電話で表示される番号です）"
                } else {
                    ""
                };
                format!("+{country_code} は存在しない国番号です。番号は偽装されています{seen}")
            }
            (InvalidReason::NorthAmericanFormat, Lang::En) => {
                "not a North American number: +1 is followed by 10 digits and an area code never starts with 0 or 1".into()
            }
            (InvalidReason::NorthAmericanFormat, Lang::Ja) => {
                "北米の番号の形式ではありません（+1 の後は10桁で、市外局番は0や1で始まりません）"
                    .into()
            }
            (InvalidReason::NotInNumberingPlan { country }, Lang::En) => match country {
                Some(c) => format!("not a number in use in {c}'s numbering plan"),
                None => "not a number in use in that numbering plan".into(),
            },
            (InvalidReason::NotInNumberingPlan { country }, Lang::Ja) => match country {
                Some(c) => format!("{c} の番号計画にない番号です"),
                None => "番号計画にない番号です".into(),
            },
        }
    }
}

/// What the caller-ID text turned out to be, before classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// No number: the presentation says why.
    Hidden(Presentation),
    /// A short number known in the home region or everywhere (emergency, service).
    Short(String),
    /// Written internationally (`+` or an international prefix): country code and national
    /// significant number, as digits.
    International(String),
    /// Written nationally: the digits as dialled in the home region, trunk prefix included.
    National(String),
    /// Not a usable number.
    Invalid(InvalidReason),
}

/// The result of [`normalize`]: what the text is, and the dial prefixes removed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// What the text is.
    pub parsed: Parsed,
    /// Prefixes dialled before the number and removed from it, in the order they appeared.
    pub prefixes: Vec<DialPrefix>,
}

/// What normalisation needs to know of the home region's dial plan.
///
/// Implemented with the numbering metadata by [`crate::classify`]; kept behind a trait so that
/// normalisation stays free of it and can be tested alone.
pub trait DialPlan {
    /// The length of the home region's international prefix at the start of `digits`, if any.
    fn international_prefix_len(&self, region: Region, digits: &str) -> Option<usize>;

    /// Whether `digits`, dialled in `region`, are a short number the region or the world knows
    /// (an emergency number, a valid short code). Short numbers are read before any prefix is
    /// removed: `000` in Australia is not an international prefix.
    fn is_short_number(&self, region: Region, digits: &str) -> bool;
}

/// Turns caller-ID text into a [`Normalized`] number for `region`. Never fails.
///
/// `presentation` wins over the text: a withheld call is hidden whatever number text came along.
pub fn normalize(
    text: &str,
    presentation: Presentation,
    region: Region,
    rules: &NumberingRules,
    plan: &dyn DialPlan,
) -> Normalized {
    let mut prefixes = Vec::new();
    let parsed = normalize_inner(text, presentation, region, rules, plan, &mut prefixes);
    Normalized { parsed, prefixes }
}

fn normalize_inner(
    text: &str,
    presentation: Presentation,
    region: Region,
    rules: &NumberingRules,
    plan: &dyn DialPlan,
    prefixes: &mut Vec<DialPrefix>,
) -> Parsed {
    if presentation != Presentation::Allowed {
        return Parsed::Hidden(presentation);
    }
    let text = text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if text.is_empty() {
        // A call that is "allowed" but carries no number: the network did not know it.
        return Parsed::Hidden(Presentation::Unknown);
    }
    // A display word the network or the phone put where the number should be ("非通知",
    // "Anonymous", "Unknown Caller"): no number was shown, which is not a fake number. Any
    // other word ("Hello") is an impossible caller ID.
    if let Some(hidden) = rules.hidden_word(text) {
        return Parsed::Hidden(hidden);
    }

    let cleaned = match clean(text) {
        Ok(cleaned) => cleaned,
        Err(reason) => return Parsed::Invalid(reason),
    };
    let mut digits: &str = &cleaned.digits;
    let region_rules = rules.region(region);
    let is_short = |digits: &str| {
        rules.short_number(region, digits).is_some() || plan.is_short_number(region, digits)
    };

    // A caller-ID prefix (184, 186, *67 ...) before a longer number.
    if !cleaned.plus {
        if let Some(p) = region_rules.and_then(|r| {
            r.caller_id_prefixes.iter().find(|p| {
                digits.len() >= p.prefix.len() + MIN_DIGITS_AFTER_DIAL_PREFIX
                    && digits.starts_with(&p.prefix)
            })
        }) {
            prefixes.push(DialPrefix::CallerId {
                prefix: p.prefix.clone(),
                sends_caller_id: p.sends_caller_id,
            });
            digits = &digits[p.prefix.len()..];
        }
    }

    if digits.bytes().any(|b| b == b'*' || b == b'#') {
        return if !cleaned.plus && is_short(digits) {
            Parsed::Short(digits.to_owned())
        } else {
            Parsed::Invalid(InvalidReason::UnknownServiceCode)
        };
    }
    if cleaned.plus {
        return international(digits);
    }
    if is_short(digits) {
        return Parsed::Short(digits.to_owned());
    }

    // The international prefix counts only with a country code after it, and no country code
    // starts with 0 (as libphonenumber reads it: India's 000 800 ... is a national number).
    let idd_len = |digits: &str| {
        plan.international_prefix_len(region, digits)
            .filter(|&len| digits.len() > len && !digits[len..].starts_with('0'))
    };
    // A carrier-selection code, then the international prefix (0033-010-44-...).
    if let Some(carrier) = region_rules.and_then(|r| {
        r.carrier_prefixes
            .iter()
            .find(|c| digits.starts_with(&c.prefix) && idd_len(&digits[c.prefix.len()..]).is_some())
    }) {
        prefixes.push(DialPrefix::Carrier {
            prefix: carrier.prefix.clone(),
        });
        digits = &digits[carrier.prefix.len()..];
    }
    if let Some(len) = idd_len(digits) {
        prefixes.push(DialPrefix::International {
            prefix: digits[..len].to_owned(),
        });
        return international(&digits[len..]);
    }
    if prefixes
        .iter()
        .any(|p| matches!(p, DialPrefix::Carrier { .. }))
    {
        // A carrier code and an international prefix with nothing after them.
        return Parsed::Invalid(InvalidReason::TooShort {
            digits: cleaned.digits.len(),
        });
    }

    let national = match cleaned.trunk_zero_at {
        // "(0)" written in a national number is the trunk prefix itself: keep it.
        Some(at) if at <= digits.len() => {
            let mut with_zero = String::with_capacity(digits.len() + 1);
            with_zero.push_str(&digits[..at.min(digits.len())]);
            with_zero.push('0');
            with_zero.push_str(&digits[at.min(digits.len())..]);
            with_zero
        }
        _ => digits.to_owned(),
    };
    Parsed::National(national)
}

fn international(digits: &str) -> Parsed {
    if digits.len() > MAX_E164_DIGITS {
        Parsed::Invalid(InvalidReason::TooLong {
            digits: digits.len(),
        })
    } else if digits.len() < 3 || digits.starts_with('0') {
        // No country code starts with 0, and none is followed by fewer than one digit.
        Parsed::Invalid(InvalidReason::TooShort {
            digits: digits.len(),
        })
    } else {
        Parsed::International(digits.to_owned())
    }
}

/// Caller-ID text reduced to its dialable characters.
#[derive(Debug, PartialEq, Eq)]
struct Cleaned {
    /// Whether the text started with `+`.
    plus: bool,
    /// Digits, `*` and `#`, in order.
    digits: String,
    /// Where a "(0)" trunk notation stood, counted in digits, if there was one.
    trunk_zero_at: Option<usize>,
}

fn clean(text: &str) -> Result<Cleaned, InvalidReason> {
    let text = text.trim();
    let text = strip_uri(text)?;
    // Full-width digits and symbols from Japanese keyboards; skipped for plain ASCII.
    let text: Cow<'_, str> = if text.is_ascii() {
        text
    } else {
        Cow::Owned(text.nfkc().collect())
    };

    // Only so many digits are kept: anything longer is too long whatever follows, and the
    // count goes on so that the message says how long it was.
    const KEPT: usize = 2 * MAX_E164_DIGITS;
    let mut digits = String::with_capacity(text.len().min(KEPT + 1));
    let mut count = 0usize;
    let mut plus = false;
    let mut trunk_zero_at = None;
    let mut rest = text.as_ref();
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("(0)") && (plus || !digits.is_empty()) {
            trunk_zero_at = Some(digits.len());
            rest = &rest[3..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '0'..='9' | '*' | '#' => {
                count += 1;
                if digits.len() <= KEPT {
                    digits.push(c);
                }
            }
            '+' if !plus && digits.is_empty() => plus = true,
            '+' => return Err(InvalidReason::MisplacedPlus),
            c if is_separator(c) => {}
            c if c.is_alphabetic() => return Err(InvalidReason::Letters),
            c => return Err(InvalidReason::BadCharacter { character: c }),
        }
    }
    if !digits.bytes().any(|b| b.is_ascii_digit()) {
        return Err(InvalidReason::Empty);
    }
    if count > KEPT {
        return Err(InvalidReason::TooLong { digits: count });
    }
    Ok(Cleaned {
        plus,
        digits,
        trunk_zero_at,
    })
}

/// Spacing, punctuation and invisible marks people and phones put between digits.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '-' | '.' | '(' | ')' | '/' | '[' | ']'
            // "wait for the dial tone", as in Russia's 8~10 international prefix
            | '~'
            // dashes and the katakana prolonged sound mark, which Japanese text uses as a dash
            | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}'
            // no-break and other spaces (NFKC turns most into ' ', these survive it)
            | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{3000}'
    ) || is_invisible(c)
}

/// Marks that take no room on screen: zero-width and bidirectional controls copied along with
/// numbers.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// The number inside a `tel:` or `sip:` URI, percent-decoded; other text unchanged.
fn strip_uri(text: &str) -> Result<Cow<'_, str>, InvalidReason> {
    let lower_starts = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let body = if lower_starts("tel:") {
        &text[4..]
    } else if lower_starts("sip:") {
        let user = &text[4..];
        user.split('@').next().unwrap_or(user)
    } else if lower_starts("sips:") {
        let user = &text[5..];
        user.split('@').next().unwrap_or(user)
    } else {
        return Ok(Cow::Borrowed(text));
    };
    // Parameters (";phone-context=...", ";isub=...") are not part of the number.
    let number = body.split(';').next().unwrap_or(body);
    percent_encoding::percent_decode_str(number)
        .decode_utf8()
        .map_err(|_| InvalidReason::BadCharacter { character: '%' })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Japan's and North America's prefixes, without the metadata.
    struct FixedIdd;
    impl DialPlan for FixedIdd {
        fn international_prefix_len(&self, region: Region, digits: &str) -> Option<usize> {
            let idd = match region.as_str() {
                "JP" => "010",
                "US" | "CA" => "011",
                _ => "00",
            };
            digits.starts_with(idd).then_some(idd.len())
        }

        /// Only the rule pack's short numbers.
        fn is_short_number(&self, _region: Region, _digits: &str) -> bool {
            false
        }
    }

    fn norm(text: &str, region: Region) -> Normalized {
        let rules = NumberingRules::embedded();
        normalize(text, Presentation::Allowed, region, &rules, &FixedIdd)
    }

    fn parsed(text: &str, region: Region) -> Parsed {
        norm(text, region).parsed
    }

    #[test]
    fn plus_and_punctuation() {
        assert_eq!(
            parsed("+1 202-555-0143", Region::JP),
            Parsed::International("12025550143".into())
        );
        assert_eq!(
            parsed("+44 (0)20 7946 0958", Region::JP),
            Parsed::International("442079460958".into())
        );
        assert_eq!(
            parsed("03-5253-5111", Region::JP),
            Parsed::National("0352535111".into())
        );
        assert_eq!(
            parsed("(03) 5253.5111", Region::JP),
            Parsed::National("0352535111".into())
        );
    }

    #[test]
    fn full_width_and_japanese_dashes() {
        assert_eq!(
            parsed("＋８１　９０ー１２３４－５６７８", Region::JP),
            Parsed::International("819012345678".into())
        );
        assert_eq!(
            parsed("０３（５２５３）５１１１", Region::JP),
            Parsed::National("0352535111".into())
        );
    }

    #[test]
    fn international_prefix_and_carrier_codes() {
        let n = norm("010-1-202-555-0143", Region::JP);
        assert_eq!(n.parsed, Parsed::International("12025550143".into()));
        assert_eq!(
            n.prefixes,
            vec![DialPrefix::International {
                prefix: "010".into()
            }]
        );

        let n = norm("0041-010-44-20-7946-0958", Region::JP);
        assert_eq!(n.parsed, Parsed::International("442079460958".into()));
        assert_eq!(
            n.prefixes,
            vec![
                DialPrefix::Carrier {
                    prefix: "0041".into()
                },
                DialPrefix::International {
                    prefix: "010".into()
                }
            ]
        );
        assert_eq!(
            parsed("001 010 1 202 555 0143", Region::JP),
            Parsed::International("12025550143".into())
        );
        assert_eq!(
            parsed("011 44 20 7946 0958", Region::US),
            Parsed::International("442079460958".into())
        );
    }

    #[test]
    fn caller_id_prefixes() {
        let n = norm("186-090-1234-5678", Region::JP);
        assert_eq!(n.parsed, Parsed::National("09012345678".into()));
        assert_eq!(
            n.prefixes,
            vec![DialPrefix::CallerId {
                prefix: "186".into(),
                sends_caller_id: true
            }]
        );
        let n = norm("184 03 5253 5111", Region::JP);
        assert_eq!(n.parsed, Parsed::National("0352535111".into()));
        assert!(matches!(
            n.prefixes[0],
            DialPrefix::CallerId {
                sends_caller_id: false,
                ..
            }
        ));
        // 184 alone is not a prefix of anything.
        assert_eq!(parsed("184", Region::JP), Parsed::National("184".into()));
        let n = norm("*67 415 555 2671", Region::US);
        assert_eq!(n.parsed, Parsed::National("4155552671".into()));
    }

    #[test]
    fn uris() {
        assert_eq!(
            parsed("tel:%2B12025550143", Region::JP),
            Parsed::International("12025550143".into())
        );
        assert_eq!(
            parsed("TEL:+1-202-555-0143;ext=1", Region::JP),
            Parsed::International("12025550143".into())
        );
        assert_eq!(
            parsed("tel:03-5253-5111;phone-context=+81", Region::JP),
            Parsed::National("0352535111".into())
        );
        assert_eq!(
            parsed("sip:+819012345678@ims.example;user=phone", Region::JP),
            Parsed::International("819012345678".into())
        );
        assert_eq!(
            parsed("tel:%23%39110", Region::JP),
            Parsed::Short("#9110".into())
        );
        assert_eq!(
            parsed("tel:%FF", Region::JP),
            Parsed::Invalid(InvalidReason::BadCharacter { character: '%' })
        );
    }

    #[test]
    fn short_numbers_stay_short() {
        for n in ["110", "118", "119", "188", "189", "#9110", "112", "911"] {
            assert_eq!(parsed(n, Region::JP), Parsed::Short(n.into()), "{n}");
        }
        assert_eq!(parsed("999", Region::GB), Parsed::Short("999".into()));
        assert_eq!(parsed("９１１", Region::US), Parsed::Short("911".into()));
        assert_eq!(
            parsed("#1234", Region::JP),
            Parsed::Invalid(InvalidReason::UnknownServiceCode)
        );
        assert_eq!(
            parsed("+110", Region::JP),
            Parsed::International("110".into())
        );
    }

    #[test]
    fn hidden() {
        let rules = NumberingRules::embedded();
        for p in Presentation::ALL
            .into_iter()
            .filter(|p| *p != Presentation::Allowed)
        {
            let n = normalize("+12025550143", p, Region::JP, &rules, &FixedIdd);
            assert_eq!(n.parsed, Parsed::Hidden(p));
        }
        assert_eq!(
            parsed("", Region::JP),
            Parsed::Hidden(Presentation::Unknown)
        );
        assert_eq!(
            parsed("非通知", Region::JP),
            Parsed::Hidden(Presentation::Restricted)
        );
        assert_eq!(
            parsed("公衆電話", Region::JP),
            Parsed::Hidden(Presentation::Payphone)
        );
        assert_eq!(
            parsed("表示圏外", Region::JP),
            Parsed::Hidden(Presentation::Unavailable)
        );
        assert_eq!(
            parsed("Anonymous", Region::US),
            Parsed::Hidden(Presentation::Restricted)
        );
    }

    #[test]
    fn garbage_is_invalid_with_a_reason() {
        assert_eq!(
            parsed("---", Region::JP),
            Parsed::Invalid(InvalidReason::Empty)
        );
        assert_eq!(
            parsed("1-800-FLOWERS", Region::US),
            Parsed::Invalid(InvalidReason::Letters)
        );
        assert_eq!(
            parsed("12+34", Region::JP),
            Parsed::Invalid(InvalidReason::MisplacedPlus)
        );
        assert_eq!(
            parsed("12;34", Region::JP),
            Parsed::Invalid(InvalidReason::BadCharacter { character: ';' })
        );
        assert_eq!(
            parsed("+1234567890123456", Region::JP),
            Parsed::Invalid(InvalidReason::TooLong { digits: 16 })
        );
        assert_eq!(
            parsed("+0123", Region::JP),
            Parsed::Invalid(InvalidReason::TooShort { digits: 4 })
        );
        let long = "9".repeat(300);
        assert!(matches!(
            parsed(&long, Region::JP),
            Parsed::Invalid(InvalidReason::TooLong { .. })
        ));
    }

    #[test]
    fn display_words_are_no_number_not_a_fake_one() {
        for text in ["Unknown Caller", "Name Unavailable"] {
            assert_eq!(
                parsed(text, Region::US),
                Parsed::Hidden(Presentation::Unknown),
                "{text}"
            );
        }
        assert_eq!(
            parsed("ＰＲＩＶＡＴＥ ＣＡＬＬ", Region::US),
            Parsed::Hidden(Presentation::Restricted)
        );
        assert_eq!(
            parsed("No Caller ID", Region::US),
            Parsed::Hidden(Presentation::Restricted)
        );
        // Letters among digits stay invalid: that is not a display word.
        assert_eq!(
            parsed("0120-HELLO", Region::JP),
            Parsed::Invalid(InvalidReason::Letters)
        );
    }

    #[test]
    fn bidi_and_zero_width_marks_are_ignored() {
        assert_eq!(
            parsed("\u{202A}+81 90\u{200B}1234 5678\u{202C}", Region::JP),
            Parsed::International("819012345678".into())
        );
    }

    #[test]
    fn e164_round_trips() {
        let n = E164::from_digits("819012345678").expect("valid");
        assert_eq!(n.to_string(), "+819012345678");
        assert_eq!(n.digit_count(), 12);
        assert_eq!("+819012345678".parse::<E164>(), Ok(n));
        assert_eq!(E164::from_u64(n.as_u64()), Some(n));
        assert!(E164::from_digits("0123").is_none());
        assert!(E164::from_digits("1234567890123456").is_none());
        assert!("819012345678".parse::<E164>().is_err());
    }
}
