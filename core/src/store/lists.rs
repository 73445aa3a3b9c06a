//! The user's allow and block lists: exact numbers, prefixes and ranges.
//!
//! Entries are normalised with the home region before they are stored, so `050-1234-5678` and
//! `+81 50 1234 5678` are one entry, written `+815012345678`. Prefixes are written `+8150*`
//! (or nationally, `050*`) and ranges `FROM..TO` with two full numbers of the same length.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::classify::{Classifier, NumberKind};
use crate::number::{Presentation, E164};
use crate::store::error::{parse_name, StoreError};
use crate::store::time::UnixTime;
use crate::Lang;

/// Which list an entry is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Always let these ring (above everything but emergency numbers).
    Allow,
    /// Always block these.
    Block,
}

impl ListKind {
    /// The stable name: `allow` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Allow => "allow",
            ListKind::Block => "block",
        }
    }
}

impl FromStr for ListKind {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_name(
            "list",
            text,
            &[("allow", ListKind::Allow), ("block", ListKind::Block)],
        )
    }
}

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
            let from = normalize_number(from, classifier)?;
            let to = normalize_number(to, classifier)?;
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
                .map_err(|reason| bad(reason.message(Lang::En)))?;
            if digits.is_empty() || digits.len() > crate::number::MAX_E164_DIGITS {
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
        normalize_number(trimmed, classifier).map(Pattern::Exact)
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
pub fn normalize_number(text: &str, classifier: &Classifier) -> Result<E164, StoreError> {
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
                    .map(|r| r.message(Lang::En))
                    .unwrap_or_else(|| "no complete number".to_owned()),
            })
        }
        (_, Some(number)) => Ok(number),
    }
}

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListEntry {
    /// The list.
    pub list: ListKind,
    /// The numbers covered.
    pub pattern: Pattern,
    /// A short name shown with the call ("Dentist", "Fake police").
    pub label: Option<String>,
    /// A longer note.
    pub note: Option<String>,
    /// When it was added (Unix seconds).
    pub added_at: UnixTime,
}

/// A number found on a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListHit {
    /// The list.
    pub list: ListKind,
    /// The entry's label.
    pub label: Option<String>,
    /// The entry's note.
    pub note: Option<String>,
    /// The entry that matched.
    pub pattern: Pattern,
}

impl ListEntry {
    fn hit(&self) -> ListHit {
        ListHit {
            list: self.list,
            label: self.label.clone(),
            note: self.note.clone(),
            pattern: self.pattern,
        }
    }

    /// What decides between entries that match one number: the allow list first, then the
    /// more specific pattern, then the later entry.
    fn rank(&self, position: usize) -> (bool, u64, usize) {
        (
            self.list == ListKind::Allow,
            self.pattern.specificity(),
            position,
        )
    }
}

/// The entry that decides for `number`: the allow list beats the block list (the user's
/// "always ring" wins), and within a list the most specific entry wins (on a tie, the later
/// entry). A linear scan: the reference [`ListIndex`] is tested against.
#[cfg(test)]
pub(crate) fn best_hit(entries: &[ListEntry], number: E164) -> Option<ListHit> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.pattern.matches(number))
        .max_by_key(|(i, e)| e.rank(*i))
        .map(|(_, e)| e.hit())
}

/// A hasher for integer keys the user chose (list entries): one multiplication, with the high
/// bits folded down for the table's bucket index.
#[derive(Default, Clone, Copy)]
struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).rotate_left(5);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type IntMap<V> = HashMap<u64, V, BuildHasherDefault<IntHasher>>;

/// One range entry, sorted by its first number.
#[derive(Debug, Clone, Copy)]
struct RangeItem {
    from: u64,
    to: u64,
    /// The largest `to` of this item and every item before it.
    max_to: u64,
    position: u32,
}

/// The lists, indexed for look-ups: exact numbers in a hash map, prefixes in a hash map keyed
/// by (digits, length) probed once per prefix length in use, ranges sorted by their first
/// number with a running maximum of their last, so a look-up scans back only over ranges that
/// can still cover the number. Same answers as a scan of the entries in order (`best_hit`,
/// the reference the tests compare it with).
#[derive(Debug, Default)]
pub(crate) struct ListIndex {
    entries: Vec<ListEntry>,
    exact: IntMap<Vec<u32>>,
    /// Key: `digits << 4 | len`.
    prefixes: IntMap<Vec<u32>>,
    /// The prefix lengths in use, longest first.
    prefix_lengths: Vec<u8>,
    ranges: Vec<RangeItem>,
}

impl ListIndex {
    /// Indexes `entries` (in the order ties are decided: later wins).
    pub fn new(entries: Vec<ListEntry>) -> ListIndex {
        let mut index = ListIndex::default();
        for (position, entry) in entries.iter().enumerate() {
            index.add_position(position as u32, entry.pattern);
        }
        index.finish();
        index.entries = entries;
        index
    }

    /// Indexes `pattern` as the entry at `position` (call [`ListIndex::finish`] after).
    fn add_position(&mut self, position: u32, pattern: Pattern) {
        match pattern {
            Pattern::Exact(n) => self.exact.entry(n.as_u64()).or_default().push(position),
            Pattern::Prefix { digits, len } => {
                self.prefixes
                    .entry(digits << 4 | u64::from(len))
                    .or_default()
                    .push(position);
                if !self.prefix_lengths.contains(&len) {
                    self.prefix_lengths.push(len);
                }
            }
            Pattern::Range { from, to } => self.ranges.push(RangeItem {
                from: from.as_u64(),
                to: to.as_u64(),
                max_to: 0,
                position,
            }),
        }
    }

    /// Orders the prefix lengths and the ranges and sets the ranges' running maximum.
    fn finish(&mut self) {
        self.prefix_lengths.sort_unstable_by(|a, b| b.cmp(a));
        self.ranges.sort_unstable_by_key(|r| (r.from, r.position));
        let mut max_to = 0;
        for range in &mut self.ranges {
            max_to = max_to.max(range.to);
            range.max_to = max_to;
        }
    }

    /// The index after this store's own write of `entry`: added at the end (SQLite gives a new
    /// row the next id, and entries load in id order), or, if its list already holds its
    /// pattern, that entry's label and note replaced (the row keeps its id and `added_at`).
    /// Patched in place, without the allocations of a rebuild: screening waits on this.
    pub fn upsert(&mut self, entry: ListEntry) {
        if let Some(existing) = self
            .entries
            .iter_mut()
            .find(|e| e.list == entry.list && e.pattern == entry.pattern)
        {
            existing.label = entry.label;
            existing.note = entry.note;
            return;
        }
        self.add_position(self.entries.len() as u32, entry.pattern);
        self.entries.push(entry);
        self.finish();
    }

    /// The index after this store's own removal of `pattern` from `list`: the entry goes and
    /// every later position moves down by one, as a reload in id order would number them.
    pub fn remove(&mut self, list: ListKind, pattern: Pattern) {
        let Some(gone) = self
            .entries
            .iter()
            .position(|e| e.list == list && e.pattern == pattern)
        else {
            return;
        };
        self.entries.remove(gone);
        let gone = gone as u32;
        let renumber = |positions: &mut Vec<u32>| {
            positions.retain(|&p| p != gone);
            for p in positions.iter_mut().filter(|p| **p > gone) {
                *p -= 1;
            }
        };
        self.exact.values_mut().for_each(renumber);
        self.exact.retain(|_, positions| !positions.is_empty());
        self.prefixes.values_mut().for_each(renumber);
        self.prefixes.retain(|_, positions| !positions.is_empty());
        self.prefix_lengths = self.prefixes.keys().map(|key| (key & 0xF) as u8).collect();
        self.ranges.retain(|r| r.position != gone);
        for range in self.ranges.iter_mut().filter(|r| r.position > gone) {
            range.position -= 1;
        }
        self.finish();
        self.prefix_lengths.dedup();
    }

    /// Every entry, in the order given.
    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    /// The entry that decides for `number`: allow beats block, then the most specific entry,
    /// then the later one.
    pub fn best_hit(&self, number: E164) -> Option<ListHit> {
        let mut best: Option<((bool, u64, usize), usize)> = None;
        let mut consider = |position: u32| {
            let position = position as usize;
            let rank = self.entries[position].rank(position);
            if best.is_none_or(|(b, _)| rank > b) {
                best = Some((rank, position));
            }
        };
        let n = number.as_u64();
        if let Some(positions) = self.exact.get(&n) {
            positions.iter().copied().for_each(&mut consider);
        }
        if !self.prefix_lengths.is_empty() {
            let count = number.digit_count() as u32;
            for &len in &self.prefix_lengths {
                let Some(shift) = count.checked_sub(u32::from(len)) else {
                    continue;
                };
                let key = (n / 10u64.pow(shift)) << 4 | u64::from(len);
                if let Some(positions) = self.prefixes.get(&key) {
                    positions.iter().copied().for_each(&mut consider);
                }
            }
        }
        let end = self.ranges.partition_point(|r| r.from <= n);
        for range in self.ranges[..end].iter().rev() {
            if range.max_to < n {
                break;
            }
            if range.to >= n {
                consider(range.position);
            }
        }
        best.map(|(_, position)| self.entries[position].hit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::Region;

    fn jp() -> Classifier {
        Classifier::new(Region::JP)
    }

    #[test]
    fn national_and_international_forms_are_one_entry() {
        let a = Pattern::parse("050-1234-5678", &jp()).expect("national");
        let b = Pattern::parse("+81 50 1234 5678", &jp()).expect("international");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "+815012345678");
    }

    #[test]
    fn prefixes_and_ranges() {
        let p = Pattern::parse("050*", &jp()).expect("prefix");
        assert_eq!(p, Pattern::parse("+8150*", &jp()).expect("prefix"));
        assert_eq!(p.to_string(), "+8150*");
        let n = E164::from_digits("815012345678").expect("number");
        assert!(p.matches(n));
        assert!(!p.matches(E164::from_digits("819012345678").expect("number")));
        let r = Pattern::parse("+815012345600..+815012345699", &jp()).expect("range");
        assert!(r.matches(n));
        assert!(!r.matches(E164::from_digits("815012345700").expect("number")));
        assert_eq!(
            Pattern::parse(&r.to_string(), &jp()).expect("round trip"),
            r
        );
    }

    #[test]
    fn refuses_emergency_invalid_and_bad_ranges() {
        assert!(matches!(
            Pattern::parse("110", &jp()),
            Err(StoreError::ProtectedNumber { .. })
        ));
        assert!(matches!(
            Pattern::parse("hello", &jp()),
            Err(StoreError::InvalidNumber { .. })
        ));
        assert!(matches!(
            Pattern::parse("+815012345699..+815012345600", &jp()),
            Err(StoreError::InvalidPattern { .. })
        ));
        assert!(matches!(
            Pattern::parse("+815012345699..+81312345678", &jp()),
            Err(StoreError::InvalidPattern { .. })
        ));
    }

    #[test]
    fn allow_beats_block_and_specific_beats_general() {
        let n = E164::from_digits("815012345678").expect("number");
        let entry = |list, text: &str| ListEntry {
            list,
            pattern: Pattern::parse(text, &jp()).expect("pattern"),
            label: Some(text.to_owned()),
            note: None,
            added_at: 0,
        };
        let entries = vec![
            entry(ListKind::Block, "+8150*"),
            entry(ListKind::Block, "+815012345678"),
            entry(ListKind::Block, "+81501*"),
        ];
        let hit = best_hit(&entries, n).expect("hit");
        assert_eq!(hit.pattern, Pattern::Exact(n));
        let mut with_allow = entries.clone();
        with_allow.push(entry(ListKind::Allow, "+815012*"));
        assert_eq!(best_hit(&with_allow, n).expect("hit").list, ListKind::Allow);
        assert!(best_hit(&entries, E164::from_digits("819012345678").expect("n")).is_none());
    }

    /// A pattern over a small space of 12-digit numbers, so that entries overlap often.
    fn pattern_strategy() -> impl proptest::strategy::Strategy<Value = Pattern> {
        use proptest::prelude::*;
        let base = 815_012_340_000u64;
        prop_oneof![
            (0u64..2_000)
                .prop_map(move |i| Pattern::Exact(E164::from_u64(base + i).expect("number"))),
            (0u64..2_000, 4u8..=12).prop_map(move |(i, len)| Pattern::Prefix {
                digits: (base + i) / 10u64.pow(12 - u32::from(len)),
                len,
            }),
            (0u64..2_000, 0u64..300).prop_map(move |(i, width)| {
                let from = E164::from_u64(base + i).expect("number");
                let to = E164::from_u64(base + i + width).expect("number");
                if width == 0 {
                    Pattern::Exact(from)
                } else {
                    Pattern::Range { from, to }
                }
            }),
        ]
    }

    proptest::proptest! {
        /// The index answers exactly as the linear scan, ties and duplicates included.
        #[test]
        fn the_index_agrees_with_the_linear_scan(
            specs in proptest::collection::vec((pattern_strategy(), proptest::bool::ANY), 0..60),
            probes in proptest::collection::vec(0u64..2_400, 1..40),
        ) {
            let entries: Vec<ListEntry> = specs
                .into_iter()
                .enumerate()
                .map(|(i, (pattern, allow))| ListEntry {
                    list: if allow { ListKind::Allow } else { ListKind::Block },
                    pattern,
                    label: Some(format!("entry {i}")),
                    note: None,
                    added_at: i as i64,
                })
                .collect();
            let index = ListIndex::new(entries.clone());
            for probe in probes {
                let n = E164::from_u64(815_012_340_000 - 100 + probe).expect("number");
                proptest::prop_assert_eq!(index.best_hit(n), best_hit(&entries, n), "{}", n);
            }
            // Numbers of other lengths match no range and only short enough prefixes.
            for n in [8150123u64, 81501234000000] {
                let n = E164::from_u64(n).expect("number");
                proptest::prop_assert_eq!(index.best_hit(n), best_hit(&entries, n));
            }
        }

        /// An index patched in place by adds (new patterns, or new labels for known ones) and
        /// removals is the index a reload of the resulting entries would build.
        #[test]
        fn patching_in_place_equals_rebuilding(
            ops in proptest::collection::vec(
                (pattern_strategy(), proptest::bool::ANY, proptest::bool::weighted(0.3)),
                0..80,
            ),
            probes in proptest::collection::vec(0u64..2_400, 1..40),
        ) {
            let mut patched = ListIndex::new(Vec::new());
            let mut entries: Vec<ListEntry> = Vec::new();
            for (i, (pattern, allow, remove)) in ops.into_iter().enumerate() {
                let list = if allow { ListKind::Allow } else { ListKind::Block };
                let found = entries.iter().position(|e| e.list == list && e.pattern == pattern);
                if remove {
                    patched.remove(list, pattern);
                    if let Some(at) = found {
                        entries.remove(at);
                    }
                } else {
                    let entry = ListEntry {
                        list,
                        pattern,
                        label: Some(format!("entry {i}")),
                        note: None,
                        added_at: i as i64,
                    };
                    patched.upsert(entry.clone());
                    match found {
                        Some(at) => entries[at].label = entry.label,
                        None => entries.push(entry),
                    }
                }
            }
            let rebuilt = ListIndex::new(entries.clone());
            proptest::prop_assert_eq!(patched.entries(), &entries[..]);
            let mut lengths = patched.prefix_lengths.clone();
            lengths.dedup();
            proptest::prop_assert_eq!(&lengths, &patched.prefix_lengths);
            proptest::prop_assert_eq!(&patched.prefix_lengths, &rebuilt.prefix_lengths);
            for probe in probes {
                let n = E164::from_u64(815_012_340_000 - 100 + probe).expect("number");
                proptest::prop_assert_eq!(patched.best_hit(n), rebuilt.best_hit(n), "{}", n);
                proptest::prop_assert_eq!(patched.best_hit(n), best_hit(&entries, n), "{}", n);
            }
        }
    }
}
