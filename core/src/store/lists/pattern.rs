//! What numbers a list entry covers (one number, a prefix, a range), how each is written and
//! stored, and how a number typed by a person becomes one.

use std::fmt;

use callguard_number::{Classifier, NumberKind, Presentation, E164};
use callguard_text::Lang;
use serde::{Serialize, Serializer};

use crate::store::error::StoreError;

/// What numbers a list entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// One number.
    Exact(E164),
    /// Every number whose E.164 digits start with `digits` (`len` digits long, the first not 0).
    Prefix {
        /// The prefix digits as an integer.
        digits: u64,
        /// How many digits the prefix has.
        len: u8,
    },
    /// Every number from `from` to `to` inclusive (same length).
    Range {
        /// The first number.
        from: E164,
        /// The last number.
        to: E164,
    },
}

impl Pattern {
    /// Whether `number` is covered.
    pub fn matches(&self, number: E164) -> bool {
        match *self {
            Pattern::Exact(n) => n == number,
            Pattern::Range { from, to } => from <= number && number <= to,
            Pattern::Prefix { digits, len } => {
                let count = number.digit_count();
                let len = usize::from(len);
                count >= len && number.as_u64() / 10u64.pow((count - len) as u32) == digits
            }
        }
    }

    /// Larger is more specific: an exact number beats a range, a range beats a prefix, and a
    /// longer prefix beats a shorter one.
    pub(crate) fn specificity(&self) -> u64 {
        match *self {
            Pattern::Exact(_) => u64::MAX,
            Pattern::Range { from, to } => {
                u64::MAX - 1 - (to.as_u64() - from.as_u64()).min(1 << 62)
            }
            Pattern::Prefix { len, .. } => u64::from(len),
        }
    }

    pub(crate) fn kind_str(&self) -> &'static str {
        match self {
            Pattern::Exact(_) => "exact",
            Pattern::Prefix { .. } => "prefix",
            Pattern::Range { .. } => "range",
        }
    }

    /// The (lo, hi, digits) columns of `list_entries`.
    pub(crate) fn columns(&self) -> (i64, i64, i64) {
        match *self {
            Pattern::Exact(n) => (n.as_i64(), n.as_i64(), n.digit_count() as i64),
            Pattern::Prefix { digits, len } => (digits as i64, digits as i64, i64::from(len)),
            Pattern::Range { from, to } => (from.as_i64(), to.as_i64(), from.digit_count() as i64),
        }
    }

    /// Rebuilds a pattern from its columns (the inverse of [`Pattern::columns`]).
    pub(crate) fn from_columns(kind: &str, lo: i64, hi: i64, digits: i64) -> Option<Pattern> {
        let number = |v: i64| u64::try_from(v).ok().and_then(E164::from_u64);
        match kind {
            "exact" => number(lo).map(Pattern::Exact),
            "range" => Some(Pattern::Range {
                from: number(lo)?,
                to: number(hi)?,
            }),
            "prefix" => Some(Pattern::Prefix {
                digits: u64::try_from(lo).ok()?,
                len: u8::try_from(digits).ok()?,
            }),
            _ => None,
        }
    }

    /// Parses a pattern typed by a person, normalising numbers for `classifier`'s home region.
    pub fn parse(text: &str, classifier: &Classifier) -> Result<Pattern, StoreError> {
        let bad = |reason: String| StoreError::InvalidPattern {
            input: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();
        if let Some((from, to)) = trimmed.split_once("..") {
            let from = parse_number(from, classifier)?;
            let to = parse_number(to, classifier)?;
            if from.digit_count() != to.digit_count() {
                return Err(bad(format!(
                    "{from} and {to} differ in length: a range covers numbers of one length"
                )));
            }
            if from > to {
                return Err(bad(format!("{from} comes after {to}")));
            }
            return Ok(if from == to {
                Pattern::Exact(from)
            } else {
                Pattern::Range { from, to }
            });
        }
        if let Some(stem) = trimmed.strip_suffix('*') {
            let digits = classifier
                .prefix_digits(stem)
                .map_err(|reason| bad(reason.message().get(Lang::EN).to_owned()))?;
            if digits.is_empty() || digits.len() > callguard_number::MAX_E164_DIGITS {
                return Err(bad(format!("{digits:?} is not a number prefix")));
            }
            let value = digits
                .parse::<u64>()
                .map_err(|_| bad(format!("{digits:?} is not a number prefix")))?;
            return Ok(Pattern::Prefix {
                digits: value,
                len: digits.len() as u8,
            });
        }
        parse_number(trimmed, classifier).map(Pattern::Exact)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Exact(n) => write!(f, "+{}", n.as_u64()),
            Pattern::Prefix { digits, .. } => write!(f, "+{digits}*"),
            Pattern::Range { from, to } => write!(f, "+{}..+{}", from.as_u64(), to.as_u64()),
        }
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Normalises a number typed by a person, refusing what can never be listed or reported:
/// emergency and special numbers, hidden and invalid texts.
pub fn parse_number(text: &str, classifier: &Classifier) -> Result<E164, StoreError> {
    let info = classifier.classify(text, Presentation::Allowed);
    if info.kind.is_protected() {
        return Err(StoreError::ProtectedNumber {
            input: text.trim().to_owned(),
            kind: info.kind.as_str().to_owned(),
        });
    }
    match (info.kind, info.e164) {
        (NumberKind::Invalid | NumberKind::Hidden, _) | (_, None) => {
            Err(StoreError::InvalidNumber {
                input: text.trim().to_owned(),
                reason: info
                    .invalid
                    .map(|r| r.message().get(Lang::EN).to_owned())
                    .unwrap_or_else(|| "no complete number".to_owned()),
            })
        }
        (_, Some(number)) => Ok(number),
    }
}
