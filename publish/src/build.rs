//! `feed build`: reports from many phones into one full feed.
//!
//! The reports are read in one pass (see [`crate::input`]), sorted by number and reporter in
//! bounded memory (see [`crate::runs`]), and aggregated number by number:
//! - **independent reporters**: a reporter counts once per number, however often it reported
//!   it (one phone cannot publish a number by reporting it a hundred times);
//! - **time decay**: each reporter weighs `0.5^(age / half-life)`, age counted from its last
//!   report of the number to the build's time;
//! - **threshold**: a number is published when at least `min_reporters` reporters reported
//!   it and their decayed weight is at least half of that (as many reporters within the last
//!   half-life, or more of them longer ago); otherwise it is dropped as too few reporters or
//!   as stale;
//! - emergency, special and official numbers, and numbers that cannot exist, were dropped as
//!   they were read.
//!
//! The feed is callguard's CSV, numbers ascending, `count` the number of reporters, so phones
//! weigh it as they weigh any feed. The summary says what was kept and dropped, and why.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use callguard_core::files::AtomicFile;
use callguard_core::store::{FeedKind, UnixTime};
use callguard_core::Region;
use serde::Serialize;

use crate::error::PublishError;
use crate::feed_file::{check_header, write_header, write_row, FeedHeader, FeedRow};
use crate::input::{read_reports, ReportFormat, Tally};
use crate::numbers::Numbers;
use crate::report::Report;
use crate::runs::{Runs, REPORT_BYTES};

/// How to build a feed.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The feed's name, as phones list it.
    pub name: String,
    /// The feed's version: each build a larger one.
    pub version: u64,
    /// The home region: national numbers in the reports are read as dialled there.
    pub region: Region,
    /// The reports' format; sniffed per file when `None`.
    pub format: Option<ReportFormat>,
    /// Independent reporters a number needs.
    pub min_reporters: u64,
    /// Days after which a report weighs half.
    pub half_life_days: f64,
    /// The build's time (Unix seconds): ages are counted to it.
    pub now: UnixTime,
    /// Memory for the sort buffer, in bytes.
    pub memory_bytes: usize,
    /// Where the sort's temporary runs go.
    pub tmp: PathBuf,
}

impl BuildOptions {
    /// The defaults: 3 reporters, a half-life of 30 days, 64 MiB, the system's temporary
    /// folder, the current time.
    pub fn new(name: &str, version: u64, region: Region) -> BuildOptions {
        BuildOptions {
            name: name.to_owned(),
            version,
            region,
            format: None,
            min_reporters: 3,
            half_life_days: 30.0,
            now: callguard_core::store::now(),
            memory_bytes: 64 << 20,
            tmp: std::env::temp_dir(),
        }
    }
}

/// What a build kept and dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildSummary {
    /// The feed written.
    pub file: PathBuf,
    /// Its name.
    pub feed: String,
    /// Its version.
    pub version: u64,
    /// Input files read.
    pub inputs: usize,
    /// What reading them counted: reports read, used, dropped per reason, quotes.
    #[serde(flatten)]
    pub reports: Tally,
    /// Distinct numbers among the reports used.
    pub numbers_seen: u64,
    /// Numbers published.
    pub numbers_published: u64,
    /// Numbers dropped: fewer independent reporters than the threshold.
    pub too_few_reporters: u64,
    /// Numbers dropped: enough reporters, but their reports have aged.
    pub stale: u64,
    /// The threshold used.
    pub min_reporters: u64,
    /// The half-life used, in days.
    pub half_life_days: f64,
    /// Sorted runs written to disk (0 when everything fit in memory).
    pub runs_written: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl BuildSummary {
    /// Reports read per second.
    pub fn reports_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.reports.reports_read as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// The files `inputs` name: files as given, folders by their files (sorted, not descending
/// into subfolders, hidden files left out).
pub fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, PublishError> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| PublishError::io(input, e))?;
        if !meta.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut inside = Vec::new();
        for entry in std::fs::read_dir(input).map_err(|e| PublishError::io(input, e))? {
            let entry = entry.map_err(|e| PublishError::io(input, e))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().is_ok_and(|t| t.is_file()) {
                inside.push(entry.path());
            }
        }
        inside.sort();
        files.extend(inside);
    }
    Ok(files)
}

/// Builds the feed `out` from the reports in `inputs` (files or folders of files).
pub fn build(
    inputs: &[PathBuf],
    out: &Path,
    options: &BuildOptions,
) -> Result<BuildSummary, PublishError> {
    let started = Instant::now();
    let header = FeedHeader {
        name: options.name.clone(),
        version: options.version,
        kind: FeedKind::Full,
        base: None,
    };
    check_header(&header)?;
    if options.min_reporters == 0 {
        return Err(PublishError::Options(
            "min reporters 0: a number needs at least one reporter".into(),
        ));
    }
    if !(options.half_life_days.is_finite() && options.half_life_days > 0.0) {
        return Err(PublishError::Options(format!(
            "half-life {} days: a positive number of days",
            options.half_life_days
        )));
    }
    let files = input_files(inputs)?;
    if files.is_empty() {
        return Err(PublishError::Options("no report files to read".into()));
    }
    let numbers = Numbers::new(options.region);
    let tmp_error = |e| PublishError::io(&options.tmp, e);
    let mut runs = Runs::new(&options.tmp, options.memory_bytes / REPORT_BYTES);
    let mut tally = Tally::default();
    for file in &files {
        let mut sink = |report: Report| runs.push(report).map_err(tmp_error);
        read_reports(
            file,
            options.format,
            &numbers,
            options.now,
            &mut tally,
            &mut sink,
        )?;
    }
    let runs_written = runs.runs_written();

    let write_error = |e| PublishError::io(out, e);
    let mut file = AtomicFile::create(out).map_err(write_error)?;
    let mut w = BufWriter::new(&mut file);
    write_header(&mut w, &header).map_err(write_error)?;
    let mut summary = BuildSummary {
        file: out.to_owned(),
        feed: options.name.clone(),
        version: options.version,
        inputs: files.len(),
        reports: tally,
        numbers_seen: 0,
        numbers_published: 0,
        too_few_reporters: 0,
        stale: 0,
        min_reporters: options.min_reporters,
        half_life_days: options.half_life_days,
        runs_written,
        seconds: 0.0,
    };
    let half_life = options.half_life_days * 86_400.0;
    let mut number: Option<Aggregate> = None;
    let mut finish = |agg: Aggregate, w: &mut BufWriter<&mut AtomicFile>| {
        summary.numbers_seen += 1;
        if agg.row.count < options.min_reporters {
            summary.too_few_reporters += 1;
        } else if agg.weight < options.min_reporters as f64 / 2.0 {
            summary.stale += 1;
        } else {
            summary.numbers_published += 1;
            write_row(w, &agg.row, None).map_err(write_error)?;
        }
        Ok::<(), PublishError>(())
    };
    for report in runs.finish().map_err(tmp_error)? {
        let report = report.map_err(tmp_error)?;
        let age = (options.now - report.last_seen).max(0) as f64;
        let weight = 0.5f64.powf(age / half_life);
        match number.as_mut() {
            Some(agg) if agg.row.number == report.number => {
                agg.row.count += 1;
                agg.row.categories |= report.categories;
                agg.row.first_seen = agg.row.first_seen.min(report.first_seen);
                agg.row.last_seen = agg.row.last_seen.max(report.last_seen);
                agg.weight += weight;
            }
            _ => {
                if let Some(done) = number.take() {
                    finish(done, &mut w)?;
                }
                number = Some(Aggregate {
                    row: FeedRow {
                        number: report.number,
                        categories: report.categories,
                        count: 1,
                        first_seen: report.first_seen,
                        last_seen: report.last_seen,
                    },
                    weight,
                });
            }
        }
    }
    if let Some(done) = number.take() {
        finish(done, &mut w)?;
    }
    w.flush().map_err(write_error)?;
    drop(w);
    file.commit().map_err(write_error)?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// One number's reporters so far.
struct Aggregate {
    row: FeedRow,
    weight: f64,
}
