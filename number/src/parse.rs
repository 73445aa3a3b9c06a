//! From what a phone shows or a person types to a caller number.
//!
//! [`parse`] turns caller-ID text into one of: a hidden presentation, a short service
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

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::e164::MAX_E164_DIGITS;
use crate::invalid::InvalidReason;
use crate::numbering::NumberingRules;
use crate::presentation::Presentation;
use crate::region::Region;

/// What remains after a caller-ID prefix must be at least this long for the prefix to count
/// (so that `184` alone stays a three-digit number and is not read as a prefix).
const MIN_DIGITS_AFTER_DIAL_PREFIX: usize = 6;

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

/// The result of [`parse`]: what the text is, and the dial prefixes removed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNumber {
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

/// Turns caller-ID text into a [`ParsedNumber`] for `region`. Never fails.
///
/// `presentation` wins over the text: a withheld call is hidden whatever number text came along.
pub fn parse(
    text: &str,
    presentation: Presentation,
    region: Region,
    rules: &NumberingRules,
    plan: &dyn DialPlan,
) -> ParsedNumber {
    let mut prefixes = Vec::new();
    let parsed = parse_inner(text, presentation, region, rules, plan, &mut prefixes);
    ParsedNumber { parsed, prefixes }
}

fn parse_inner(
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
mod tests;
