//! Chunks for the extension: a full plan, or the delta between two plans, cut into chunks of
//! a bounded number of entries.
//!
//! Both plans are read as streams of runs in ascending order; the delta walks them side by
//! side, so two plans of ten million entries compare in O(chunk) memory, and two runs that
//! agree (the same kind and label over the same numbers) cost nothing however long they are.
//!
//! The walk is made twice: every removal first, then every addition. An extension may hold at
//! most its maximum number of entries at any moment of a request, and a delta walked once, in
//! number order, adds low numbers before it removes high ones: an extension that is nearly
//! full would overflow in the middle of a delta whose end fits (`maximumEntriesExceeded`).
//! Removing first, the extension never holds more than the larger of the two plans.

use serde::Serialize;

use super::{EntryKind, Run};
use crate::store::StoreError;

/// A sorted stream of runs with their labels: a stored plan, or one in memory.
pub trait RunSource {
    /// The next run, in ascending order, or `None` at the end.
    fn next_run(&mut self) -> Result<Option<Run>, StoreError>;
    /// The text of label `id` (`""` for 0).
    fn label(&self, id: u32) -> &str;
    /// Back to the first run, for the second walk of a delta.
    fn rewind(&mut self);
}

/// A plan in memory, read as a [`RunSource`].
#[derive(Debug, Clone)]
pub struct VecRuns<'a> {
    runs: &'a [Run],
    labels: &'a [String],
    next: usize,
}

impl<'a> VecRuns<'a> {
    /// Reads `runs` (ascending) with `labels`.
    pub fn new(runs: &'a [Run], labels: &'a [String]) -> VecRuns<'a> {
        VecRuns {
            runs,
            labels,
            next: 0,
        }
    }
}

impl RunSource for VecRuns<'_> {
    fn next_run(&mut self) -> Result<Option<Run>, StoreError> {
        let run = self.runs.get(self.next).copied();
        self.next += 1;
        Ok(run)
    }

    fn label(&self, id: u32) -> &str {
        self.labels.get(id as usize).map_or("", String::as_str)
    }

    fn rewind(&mut self) {
        self.next = 0;
    }
}

/// A stream with nothing in it: the base of a full load.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRuns;

impl RunSource for NoRuns {
    fn next_run(&mut self) -> Result<Option<Run>, StoreError> {
        Ok(None)
    }

    fn label(&self, _: u32) -> &str {
        ""
    }

    fn rewind(&mut self) {}
}

/// What one chunk asks the extension to do, in this order: remove everything (only in the
/// first chunk of a reset), remove entries, then add entries. Each list is strictly ascending,
/// and each chunk's additions come after the previous chunk's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DirectoryChunk {
    /// `removeAllBlockingEntries()` and `removeAllIdentificationEntries()` first.
    pub remove_all: bool,
    /// `removeBlockingEntry(withPhoneNumber:)` for each.
    pub remove_blocking: Vec<i64>,
    /// `removeIdentificationEntry(withPhoneNumber:)` for each.
    pub remove_identification: Vec<i64>,
    /// `addBlockingEntry(withNextSequentialPhoneNumber:)` for each.
    pub add_blocking: Vec<i64>,
    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)` for each, with
    /// `labels[i]`.
    pub add_identification: Vec<i64>,
    /// The labels of `add_identification`.
    pub labels: Vec<String>,
}

impl DirectoryChunk {
    /// How many operations the chunk holds (a reset counts as one).
    pub fn len(&self) -> usize {
        usize::from(self.remove_all)
            + self.remove_blocking.len()
            + self.remove_identification.len()
            + self.add_blocking.len()
            + self.add_identification.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Walks an old and a new plan and yields the chunks that turn the old into the new. With
/// [`NoRuns`] as the old plan it yields the new plan in full.
pub struct ChunkReader<O, N> {
    old: O,
    new: N,
    cur_old: Option<Run>,
    cur_new: Option<Run>,
    old_done: bool,
    new_done: bool,
    max: usize,
    reset: bool,
    /// The first walk removes, the second adds.
    adding: bool,
}

impl<O: RunSource, N: RunSource> ChunkReader<O, N> {
    /// Chunks of at most `max_entries` numbers (at least 1). With `reset`, the first chunk
    /// removes everything first (use [`NoRuns`] as `old` then).
    pub fn new(old: O, new: N, max_entries: usize, reset: bool) -> ChunkReader<O, N> {
        ChunkReader {
            old,
            new,
            cur_old: None,
            cur_new: None,
            old_done: false,
            new_done: false,
            max: max_entries.max(1),
            reset,
            adding: false,
        }
    }

    fn fill(&mut self) -> Result<(), StoreError> {
        if self.cur_old.is_none() && !self.old_done {
            self.cur_old = self.old.next_run()?;
            self.old_done = self.cur_old.is_none();
        }
        if self.cur_new.is_none() && !self.new_done {
            self.cur_new = self.new.next_run()?;
            self.new_done = self.cur_new.is_none();
        }
        Ok(())
    }

    /// The next chunk, or `None` when there is nothing more to do.
    pub fn next_chunk(&mut self) -> Result<Option<DirectoryChunk>, StoreError> {
        let chunk = DirectoryChunk {
            remove_all: std::mem::take(&mut self.reset),
            ..DirectoryChunk::default()
        };
        self.continue_chunk(chunk, self.max as u64)
    }

    /// Fills `chunk` with at most `room` more numbers.
    fn continue_chunk(
        &mut self,
        mut chunk: DirectoryChunk,
        mut room: u64,
    ) -> Result<Option<DirectoryChunk>, StoreError> {
        // In the walk that removes, a stretch only the new plan has is skipped whole (and the
        // other way round): only what is written counts against the chunk's room.
        let (removing, adding) = (!self.adding, self.adding);
        while room > 0 {
            self.fill()?;
            match (self.cur_old, self.cur_new) {
                (None, None) if removing => {
                    self.old.rewind();
                    self.new.rewind();
                    self.old_done = false;
                    self.new_done = false;
                    self.adding = true;
                    // The additions go on in this chunk, after its removals.
                    return self.continue_chunk(chunk, room);
                }
                (None, None) => break,
                (Some(o), n) if n.is_none_or(|n| o.first < n.first) => {
                    let end = n.map_or(o.last, |n| o.last.min(n.first - 1));
                    let end = if removing {
                        let end = end.min(o.first + room - 1);
                        push_remove(&mut chunk, o.kind, o.first, end);
                        room -= end - o.first + 1;
                        end
                    } else {
                        end
                    };
                    self.cur_old = advance(o, end);
                }
                (o, Some(n)) if o.is_none_or(|o| n.first < o.first) => {
                    let end = o.map_or(n.last, |o| n.last.min(o.first - 1));
                    let end = if adding {
                        let end = end.min(n.first + room - 1);
                        push_add(&mut chunk, n, n.first, end, self.new.label(n.label));
                        room -= end - n.first + 1;
                        end
                    } else {
                        end
                    };
                    self.cur_new = advance(n, end);
                }
                (Some(o), Some(n)) => {
                    // Both start at the same number.
                    let end = o.last.min(n.last);
                    let same = o.kind == n.kind
                        && (o.kind == EntryKind::Block
                            || self.old.label(o.label) == self.new.label(n.label));
                    let end = if same {
                        end
                    } else {
                        let end = end.min(n.first + room - 1);
                        if removing {
                            push_remove(&mut chunk, o.kind, o.first, end);
                        } else {
                            push_add(&mut chunk, n, n.first, end, self.new.label(n.label));
                        }
                        room -= end - n.first + 1;
                        end
                    };
                    self.cur_old = advance(o, end);
                    self.cur_new = advance(n, end);
                }
                (None, Some(_)) | (Some(_), None) => unreachable!("covered by the guards above"),
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}

impl<O: RunSource, N: RunSource> Iterator for ChunkReader<O, N> {
    type Item = Result<DirectoryChunk, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_chunk().transpose()
    }
}

fn advance(run: Run, end: u64) -> Option<Run> {
    (end < run.last).then_some(Run {
        first: end + 1,
        ..run
    })
}

fn push_remove(chunk: &mut DirectoryChunk, kind: EntryKind, first: u64, last: u64) {
    let list = match kind {
        EntryKind::Block => &mut chunk.remove_blocking,
        EntryKind::Identify => &mut chunk.remove_identification,
    };
    list.extend((first..=last).map(|n| n as i64));
}

fn push_add(chunk: &mut DirectoryChunk, run: Run, first: u64, last: u64, label: &str) {
    match run.kind {
        EntryKind::Block => chunk.add_blocking.extend((first..=last).map(|n| n as i64)),
        EntryKind::Identify => {
            chunk
                .add_identification
                .extend((first..=last).map(|n| n as i64));
            chunk
                .labels
                .extend(std::iter::repeat_n(label, (last - first + 1) as usize).map(str::to_owned));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(first: u64, last: u64) -> Run {
        Run {
            first,
            last,
            kind: EntryKind::Block,
            label: 0,
        }
    }

    /// An extension holding 100 numbers at its maximum of 100, whose next plan moves them all
    /// lower: walked once in number order, the delta would add before it removes and hold up
    /// to 200 numbers in the middle of the request.
    #[test]
    fn a_delta_removes_everything_before_it_adds_anything() {
        let (old, new) = ([block(1_000, 1_099)], [block(10, 109)]);
        let mut held: i64 = 100;
        let mut added = false;
        for chunk in ChunkReader::new(VecRuns::new(&old, &[]), VecRuns::new(&new, &[]), 7, false) {
            let chunk = chunk.expect("in memory");
            assert!(!added || chunk.remove_blocking.is_empty(), "{chunk:?}");
            held -= chunk.remove_blocking.len() as i64;
            held += chunk.add_blocking.len() as i64;
            added |= !chunk.add_blocking.is_empty();
            assert!(held <= 100, "holds {held} after {chunk:?}");
            assert!(chunk.len() <= 7);
        }
        assert_eq!(held, 100);
    }

    /// The second walk starts from the first run again, also for a reset.
    #[test]
    fn a_reset_is_one_remove_all_then_the_plan() {
        let new = [block(10, 19), block(30, 30)];
        let chunks: Vec<DirectoryChunk> =
            ChunkReader::new(NoRuns, VecRuns::new(&new, &[]), 4, true)
                .collect::<Result<_, _>>()
                .expect("in memory");
        assert!(chunks[0].remove_all);
        assert!(chunks[1..].iter().all(|c| !c.remove_all));
        let added: Vec<i64> = chunks.iter().flat_map(|c| c.add_blocking.clone()).collect();
        let want: Vec<i64> = (10..=19).chain([30]).collect();
        assert_eq!(added, want);
    }
}
