//! The user's allow and block lists: exact numbers, prefixes and ranges.
//!
//! Entries are normalised with the home region before they are stored, so `050-1234-5678` and
//! `+81 50 1234 5678` are one entry, written `+815012345678`. Prefixes are written `+8150*`
//! (or nationally, `050*`) and ranges `FROM..TO` with two full numbers of the same length.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::str::FromStr;

use callguard_number::{Classifier, NumberKind, Presentation, E164};
use callguard_text::Lang;
use rusqlite::params;
use serde::{Serialize, Serializer};

use super::{bump, lock, now, text, Need, Part, Store};
use crate::store::error::{parse_name, StoreError};
use crate::store::time::UnixTime;

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

impl Store {
    /// Reads a number a person typed (see [`parse_number`]).
    pub fn parse_number(&self, text: &str) -> Result<E164, StoreError> {
        parse_number(text, &self.classifier)
    }

    /// Adds an entry to a list, or updates its label and note if the pattern is already there.
    pub fn add_list_entry(
        &self,
        list: ListKind,
        pattern: &str,
        label: Option<&str>,
        note: Option<&str>,
    ) -> Result<ListEntry, StoreError> {
        let pattern = Pattern::parse(pattern, &self.classifier)?;
        if let Some(label) = label {
            text::check_text(text::TextKind::Label, label)?;
        }
        if let Some(note) = note {
            text::check_text(text::TextKind::Note, note)?;
        }
        let added_at = now();
        let (entry, gen) = self.write_quietly("adding a list entry", |tx| {
            let (lo, hi, digits) = pattern.columns();
            tx.execute(
                "INSERT INTO list_entries (list, kind, lo, hi, digits, pattern, label, note, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (list, pattern) DO UPDATE SET label = excluded.label,
                     note = excluded.note",
                params![
                    list.as_str(),
                    pattern.kind_str(),
                    lo,
                    hi,
                    digits,
                    pattern.to_string(),
                    label,
                    note,
                    added_at
                ],
            )
            .map_err(self.err("adding a list entry"))?;
            let gen = bump(tx, "lists_gen").map_err(self.err("adding a list entry"))?;
            let added_at: i64 = tx
                .query_row(
                    "SELECT added_at FROM list_entries WHERE list = ?1 AND pattern = ?2",
                    params![list.as_str(), pattern.to_string()],
                    |r| r.get(0),
                )
                .map_err(self.err("adding a list entry"))?;
            let entry = ListEntry {
                list,
                pattern,
                label: label.map(str::to_owned),
                note: note.map(str::to_owned),
                added_at,
            };
            Ok((entry, gen))
        })?;
        // Patch our own reader's view rather than reload every entry on the next call.
        let mut reader = lock(&self.reader);
        if reader.own_write(Part::Lists, gen) {
            reader.lists.upsert(entry.clone());
        } else {
            self.mark_dirty();
        }
        Ok(entry)
    }

    /// Removes an entry; `Ok(false)` if it was not there.
    pub fn remove_list_entry(&self, list: ListKind, pattern: &str) -> Result<bool, StoreError> {
        let pattern = Pattern::parse(pattern, &self.classifier)?;
        let gen = self.write_quietly("removing a list entry", |tx| {
            let removed = tx
                .execute(
                    "DELETE FROM list_entries WHERE list = ?1 AND pattern = ?2",
                    params![list.as_str(), pattern.to_string()],
                )
                .map_err(self.err("removing a list entry"))?;
            if removed == 0 {
                return Ok(None);
            }
            bump(tx, "lists_gen")
                .map(Some)
                .map_err(self.err("removing a list entry"))
        })?;
        let Some(gen) = gen else {
            return Ok(false);
        };
        let mut reader = lock(&self.reader);
        if reader.own_write(Part::Lists, gen) {
            reader.lists.remove(list, pattern);
        } else {
            self.mark_dirty();
        }
        Ok(true)
    }

    /// Every list entry, oldest first.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, StoreError> {
        Ok(self.view(Need::LISTS)?.lists.entries().to_vec())
    }
}

#[cfg(test)]
mod tests;
