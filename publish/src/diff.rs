//! `feed diff`: the delta that turns one version of a feed into the next.
//!
//! Both versions are full feeds as `feed build` writes them (numbers ascending), read side by
//! side in one pass, so memory stays constant whatever their size. A number only in the new
//! version is added; one only in the old is removed; one whose row changed is removed and
//! added again (a phone adds a delta's counts to what it has, so a changed row must replace,
//! not add). The delta names the version it applies to (`# base:`), which `feed sign` puts
//! in the manifest and phones check.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use callguard_core::files::AtomicFile;
use callguard_core::store::FeedKind;
use serde::Serialize;

use crate::error::PublishError;
use crate::feed_file::{write_header, write_row, FeedHeader, FeedReader, FeedRow};

/// What a diff found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffSummary {
    /// The delta written.
    pub file: PathBuf,
    /// The feed's name.
    pub feed: String,
    /// The version the delta applies to.
    pub base_version: u64,
    /// The version it makes.
    pub version: u64,
    /// Numbers added.
    pub added: u64,
    /// Numbers removed.
    pub removed: u64,
    /// Numbers whose row changed (removed and added again).
    pub changed: u64,
    /// Numbers left as they are.
    pub unchanged: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Writes to `out` the delta from the full feed `old` to the full feed `new`.
pub fn diff(old: &Path, new: &Path, out: &Path) -> Result<DiffSummary, PublishError> {
    let started = Instant::now();
    let mut a = FeedReader::open(old)?;
    let mut b = FeedReader::open(new)?;
    for (reader, path) in [(&a, old), (&b, new)] {
        if reader.header.kind != FeedKind::Full {
            return Err(PublishError::bad(
                path,
                None,
                "a delta: diff compares two full feeds",
            ));
        }
    }
    if a.header.name != b.header.name {
        return Err(PublishError::Options(format!(
            "{} is feed {:?} but {} is feed {:?}: a delta is between versions of one feed",
            old.display(),
            a.header.name,
            new.display(),
            b.header.name
        )));
    }
    if b.header.version <= a.header.version {
        return Err(PublishError::Options(format!(
            "{} has version {}, not after {}'s {}: give the older version first",
            new.display(),
            b.header.version,
            old.display(),
            a.header.version
        )));
    }
    let header = FeedHeader {
        name: b.header.name.clone(),
        version: b.header.version,
        kind: FeedKind::Delta,
        base: Some(a.header.version),
    };
    let write_error = |e| PublishError::io(out, e);
    let mut file = AtomicFile::create(out).map_err(write_error)?;
    let mut w = BufWriter::new(&mut file);
    write_header(&mut w, &header).map_err(write_error)?;
    let mut summary = DiffSummary {
        file: out.to_owned(),
        feed: header.name.clone(),
        base_version: a.header.version,
        version: b.header.version,
        added: 0,
        removed: 0,
        changed: 0,
        unchanged: 0,
        seconds: 0.0,
    };
    let (mut x, mut y) = (a.next_row()?, b.next_row()?);
    let put = |row: &FeedRow, op: &str, w: &mut BufWriter<&mut AtomicFile>| {
        write_row(w, row, Some(op)).map_err(write_error)
    };
    loop {
        match (x, y) {
            (None, None) => break,
            (Some(o), n) if n.is_none_or(|n| o.number < n.number) => {
                put(&o, "remove", &mut w)?;
                summary.removed += 1;
                x = a.next_row()?;
            }
            (o, Some(n)) if o.is_none_or(|o| n.number < o.number) => {
                put(&n, "add", &mut w)?;
                summary.added += 1;
                y = b.next_row()?;
            }
            (Some(o), Some(n)) => {
                if o == n {
                    summary.unchanged += 1;
                } else {
                    put(&o, "remove", &mut w)?;
                    put(&n, "add", &mut w)?;
                    summary.changed += 1;
                }
                x = a.next_row()?;
                y = b.next_row()?;
            }
            // Unreachable: one side is `None` and the guards above took it.
            (None, Some(_)) | (Some(_), None) => break,
        }
    }
    w.flush().map_err(write_error)?;
    drop(w);
    file.commit().map_err(write_error)?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
