//! The user's allow and block lists: exact numbers, prefixes and ranges.
//!
//! Entries are normalised with the home region before they are stored, so `050-1234-5678` and
//! `+81 50 1234 5678` are one entry, written `+815012345678`. Prefixes are written `+8150*`
//! (or nationally, `050*`) and ranges `FROM..TO` with two full numbers of the same length.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::str::FromStr;

use callguard_number::E164;
use rusqlite::params;
use serde::Serialize;

use super::{bump, lock, now, text, Need, Part, Store};
use crate::store::error::{parse_name, StoreError};
use crate::store::time::UnixTime;

mod pattern;

pub use pattern::{parse_number, Pattern};

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

/// Every list entry, in the order they were added.
pub(crate) fn load_entries(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<ListEntry>> {
    let mut stmt = conn.prepare(
        "SELECT list, kind, lo, hi, digits, label, note, added_at FROM list_entries ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let list: String = r.get(0)?;
        let kind: String = r.get(1)?;
        Ok((
            list,
            kind,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, i64>(7)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (list, kind, lo, hi, digits, label, note, added_at) = row?;
        // The CHECK constraints keep `list` and `kind` valid; skip anything else rather than
        // fail screening over one odd row.
        let list = if list == "allow" {
            ListKind::Allow
        } else {
            ListKind::Block
        };
        if let Some(pattern) = Pattern::from_columns(&kind, lo, hi, digits) {
            entries.push(ListEntry {
                list,
                pattern,
                label,
                note,
                added_at,
            });
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests;
