//! Sorting more reports than fit in memory: an external merge sort.
//!
//! Reports are buffered up to a fixed number, sorted by (number, reporter), folded (one record
//! per reporter and number) and written to a temporary file, a *run*. At the end the runs are
//! merged in order, folding again across runs, so the aggregation sees each number's reporters
//! one after another. When more than [`MAX_RUNS`] runs pile up they are merged into one first,
//! so the merge never holds more than [`MAX_RUNS`] read buffers. Memory is the buffer plus
//! those read buffers, whatever the number of reports.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use callguard_core::files::TempDir;

use crate::report::Report;

/// The most runs merged at once.
pub const MAX_RUNS: usize = 64;
/// Bytes of one report in a run file.
const RECORD_BYTES: usize = 33;
/// Each run's read buffer during the merge.
const RUN_BUFFER: usize = 64 * 1024;
/// Bytes of one report in memory (what the buffer's capacity is counted in).
pub const REPORT_BYTES: usize = std::mem::size_of::<Report>();

/// Reports collected, in memory and in runs.
pub struct Runs {
    parent: std::path::PathBuf,
    dir: Option<TempDir>,
    buffer: Vec<Report>,
    capacity: usize,
    runs: Vec<String>,
    made: usize,
}

impl Runs {
    /// Buffers up to `capacity` reports in memory; runs go to a new folder in `tmp`.
    pub fn new(tmp: &Path, capacity: usize) -> Runs {
        Runs {
            parent: tmp.to_owned(),
            dir: None,
            buffer: Vec::new(),
            capacity: capacity.max(1),
            runs: Vec::new(),
            made: 0,
        }
    }

    /// Adds one report.
    pub fn push(&mut self, report: Report) -> io::Result<()> {
        if self.buffer.len() >= self.capacity {
            self.spill()?;
        }
        if self.buffer.capacity() == 0 {
            self.buffer.reserve_exact(self.capacity);
        }
        self.buffer.push(report);
        Ok(())
    }

    /// How many runs were written (for the summary).
    pub fn runs_written(&self) -> usize {
        self.made
    }

    fn sort_buffer(&mut self) {
        self.buffer.sort_unstable_by_key(Report::key);
        self.buffer.dedup_by(|later, kept| {
            let same = later.key() == kept.key();
            if same {
                kept.fold(later);
            }
            same
        });
    }

    fn dir(&mut self) -> io::Result<&TempDir> {
        if self.dir.is_none() {
            self.dir = Some(TempDir::new_in(&self.parent, "callguard-feed-build")?);
        }
        self.dir
            .as_ref()
            .ok_or_else(|| io::Error::other("no folder for runs"))
    }

    fn new_run(&mut self) -> io::Result<(String, BufWriter<File>)> {
        self.made += 1;
        let name = format!("run-{}", self.made);
        let file = self.dir()?.create(&name)?;
        Ok((name, BufWriter::with_capacity(RUN_BUFFER, file)))
    }

    /// Writes the buffer as a run.
    fn spill(&mut self) -> io::Result<()> {
        self.sort_buffer();
        let (name, mut out) = self.new_run()?;
        for report in &self.buffer {
            write_record(&mut out, report)?;
        }
        out.flush()?;
        self.buffer.clear();
        self.runs.push(name);
        if self.runs.len() >= MAX_RUNS {
            // Merge them into one, so that the final merge holds few buffers.
            let runs = std::mem::take(&mut self.runs);
            let merged = self.merge(runs.clone(), Vec::new())?;
            let (name, mut out) = self.new_run()?;
            for report in merged {
                write_record(&mut out, &report?)?;
            }
            out.flush()?;
            for old in &runs {
                std::fs::remove_file(self.dir()?.path().join(old))?;
            }
            self.runs.push(name);
        }
        Ok(())
    }

    fn merge(&mut self, runs: Vec<String>, memory: Vec<Report>) -> io::Result<Merged> {
        let mut sources: Vec<Source> = Vec::with_capacity(runs.len() + 1);
        for name in &runs {
            let file = File::open(self.dir()?.path().join(name))?;
            sources.push(Source::Run(BufReader::with_capacity(RUN_BUFFER, file)));
        }
        sources.push(Source::Memory(memory.into_iter()));
        Merged::new(sources)
    }

    /// Every report, sorted by (number, reporter), one per reporter and number. The runs'
    /// folder is removed when the returned iterator is dropped.
    pub fn finish(mut self) -> io::Result<Merged> {
        self.sort_buffer();
        let memory = std::mem::take(&mut self.buffer);
        let runs = std::mem::take(&mut self.runs);
        let mut merged = self.merge(runs, memory)?;
        merged.dir = self.dir.take();
        Ok(merged)
    }
}

fn write_record(out: &mut impl Write, r: &Report) -> io::Result<()> {
    let mut bytes = [0u8; RECORD_BYTES];
    bytes[0..8].copy_from_slice(&r.number.to_le_bytes());
    bytes[8..16].copy_from_slice(&r.reporter.to_le_bytes());
    bytes[16..24].copy_from_slice(&r.first_seen.to_le_bytes());
    bytes[24..32].copy_from_slice(&r.last_seen.to_le_bytes());
    bytes[32] = r.categories;
    out.write_all(&bytes)
}

fn read_record(input: &mut impl Read) -> io::Result<Option<Report>> {
    let mut bytes = [0u8; RECORD_BYTES];
    match input.read_exact(&mut bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        w
    };
    Ok(Some(Report {
        number: u64::from_le_bytes(word(0)),
        reporter: u64::from_le_bytes(word(8)),
        first_seen: i64::from_le_bytes(word(16)),
        last_seen: i64::from_le_bytes(word(24)),
        categories: bytes[32],
    }))
}

enum Source {
    Run(BufReader<File>),
    Memory(std::vec::IntoIter<Report>),
}

impl Source {
    fn next(&mut self) -> io::Result<Option<Report>> {
        match self {
            Source::Run(r) => read_record(r),
            Source::Memory(m) => Ok(m.next()),
        }
    }
}

/// The merge of sorted sources, folding a reporter's records of one number into one.
pub struct Merged {
    sources: Vec<Source>,
    heads: Vec<Option<Report>>,
    heap: BinaryHeap<Reverse<((u64, u64), usize)>>,
    dir: Option<TempDir>,
}

impl Merged {
    fn new(mut sources: Vec<Source>) -> io::Result<Merged> {
        let mut heads = Vec::with_capacity(sources.len());
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, source) in sources.iter_mut().enumerate() {
            let head = source.next()?;
            if let Some(r) = &head {
                heap.push(Reverse((r.key(), i)));
            }
            heads.push(head);
        }
        Ok(Merged {
            sources,
            heads,
            heap,
            dir: None,
        })
    }

    /// Takes source `i`'s head and reads its next record.
    fn take(&mut self, i: usize) -> io::Result<Option<Report>> {
        let head = self.heads[i].take();
        let next = self.sources[i].next()?;
        if let Some(r) = &next {
            self.heap.push(Reverse((r.key(), i)));
        }
        self.heads[i] = next;
        Ok(head)
    }

    fn next_report(&mut self) -> io::Result<Option<Report>> {
        let Some(Reverse((key, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let Some(mut report) = self.take(i)? else {
            return Ok(None);
        };
        while let Some(Reverse((next, j))) = self.heap.peek().copied() {
            if next != key {
                break;
            }
            self.heap.pop();
            if let Some(other) = self.take(j)? {
                report.fold(&other);
            }
        }
        Ok(Some(report))
    }
}

impl Iterator for Merged {
    type Item = io::Result<Report>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_report().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(number: u64, reporter: u64, at: i64, categories: u8) -> Report {
        Report {
            number,
            reporter,
            first_seen: at,
            last_seen: at,
            categories,
        }
    }

    /// However small the buffer (many runs, merged more than once), the merge gives what
    /// sorting everything in memory gives.
    #[test]
    fn spilled_runs_merge_to_the_in_memory_answer() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut all = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for i in 0..5_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            all.push(report(
                state % 97,
                state % 13,
                (i % 50) as i64,
                1 << (state % 7),
            ));
        }
        let mut expected = all.clone();
        expected.sort_by_key(Report::key);
        expected.dedup_by(|later, kept| {
            let same = later.key() == kept.key();
            if same {
                kept.fold(later);
            }
            same
        });
        for capacity in [1, 7, 100, 10_000] {
            let mut runs = Runs::new(tmp.path(), capacity);
            for r in &all {
                runs.push(*r).expect("push");
            }
            let merged: Vec<Report> = runs
                .finish()
                .expect("finish")
                .collect::<io::Result<_>>()
                .expect("merge");
            assert_eq!(merged, expected, "capacity {capacity}");
        }
        // Every run folder is gone.
        assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 0);
    }
}
