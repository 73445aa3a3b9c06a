//! How a stored plan's runs are packed into blobs (`directory_runs.data`).
//!
//! A blob holds up to [`RUNS_PER_BLOB`] runs of one extension, in ascending order. Each run is
//! three LEB128 varints: the gap from the end of the previous run (from the blob's `first`
//! column for the first run), the run's length minus one, and `label << 1 | kind` (kind 0
//! block, 1 identify; label 0 is none). A prefix of ten million numbers is one run of a few
//! bytes; a reported number costs about 4-6 bytes.

use super::{EntryKind, Run};

/// Runs per blob: a reader holds one blob's runs at a time (under 100 KiB).
pub const RUNS_PER_BLOB: usize = 4096;

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *data.get(*at)?;
        *at += 1;
        if shift > 63 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

/// Packs `runs` (ascending, non-empty) as a blob relative to `runs[0].first`.
pub fn encode(runs: &[Run], out: &mut Vec<u8>) {
    out.clear();
    let mut next = runs.first().map_or(0, |r| r.first);
    for run in runs {
        put(out, run.first - next);
        put(out, run.last - run.first);
        let kind = match run.kind {
            EntryKind::Block => 0,
            EntryKind::Identify => 1,
        };
        put(out, u64::from(run.label) << 1 | kind);
        next = run.last + 1;
    }
}

/// Unpacks a blob whose first run starts at `first` into `runs`; `None` if it is damaged.
pub fn decode(first: u64, data: &[u8], runs: &mut Vec<Run>) -> Option<()> {
    runs.clear();
    let mut at = 0;
    let mut next = first;
    while at < data.len() {
        let start = next.checked_add(get(data, &mut at)?)?;
        let last = start.checked_add(get(data, &mut at)?)?;
        let tag = get(data, &mut at)?;
        let kind = if tag & 1 == 0 {
            EntryKind::Block
        } else {
            EntryKind::Identify
        };
        runs.push(Run {
            first: start,
            last,
            kind,
            label: u32::try_from(tag >> 1).ok()?,
        });
        next = last.checked_add(1)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_round_trip() {
        let runs = vec![
            Run {
                first: 815_012_345_678,
                last: 815_012_345_678,
                kind: EntryKind::Identify,
                label: 3,
            },
            Run {
                first: 815_012_345_679,
                last: 815_099_999_999,
                kind: EntryKind::Block,
                label: 0,
            },
            Run {
                first: 999_999_999_999_999,
                last: 999_999_999_999_999,
                kind: EntryKind::Block,
                label: 0,
            },
        ];
        let mut blob = Vec::new();
        encode(&runs, &mut blob);
        let mut back = Vec::new();
        decode(runs[0].first, &blob, &mut back).expect("decode");
        assert_eq!(back, runs);
        assert!(decode(0, &[0x80], &mut back).is_none());
    }
}
