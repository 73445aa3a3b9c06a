//! The iOS Call Directory: what a Call Directory extension loads, planned ahead of time.
//!
//! iOS never tells an app who is calling. A Call Directory extension hands the system, ahead
//! of time, every number to block and every number to label, as `Int64` E.164 digits in
//! strictly ascending order without duplicates, within a memory and time budget. This module
//! makes every decision that takes, so the Swift extension only copies chunks across:
//!
//! - [`Planner`]: list rules (exact numbers, prefixes and ranges, as intervals) and reported
//!   numbers (a sorted stream) → sorted [`Run`]s of blocking and identification entries.
//!   Precedence is the risk engine's: the allow list is never blocked (a labelled allow entry
//!   becomes an identification entry), the block list blocks, and a reported number is scored
//!   by [`crate::Policy::report_weight`] and thresholded: at or above the policy's `block`
//!   it is blocked, at or above `warn` it is labelled ("詐欺の疑い (3件)" / "Suspected scam
//!   (3 reports)"). Emergency and special numbers are short codes and never entries: nothing
//!   below seven digits ([`MIN_ENTRY`]) is planned.
//! - A budget of entries per extension ([`PlanOptions::budget`], default 1,000,000): when the
//!   candidates exceed it, the highest ranks are kept (score, then the narrower source) and
//!   the summary counts what was left out per source ([`PlanSummary`]).
//! - A split across N extensions: contiguous number ranges of at most `budget` entries each.
//! - [`ChunkReader`]: a plan, or the delta between two plans (removals, then additions), in
//!   chunks of bounded size: memory stays O(chunk) whatever the plan's size.
//! - [`live`]: the Live Caller ID Lookup (iOS 18) dataset.
//! - [`store`](mod@store): the plans' persistence. Plans are stored in the database with a
//!   version, and the extension's delivered version is recorded (`Store::plan_directory`,
//!   `directory_load`, `directory_chunks`); see `docs/IOS.md`.

mod codec;
mod delivery;
mod delta;
mod labels;
pub mod live;
mod plan;
pub mod store;

use serde::Serialize;

pub use codec::{decode as decode_runs, encode as encode_runs, RUNS_PER_BLOB};
pub use delivery::{DirectoryChunks, DirectoryLoad, DirectoryLoadMode, StoredRuns};
pub use delta::{ChunkReader, DirectoryChunk, NoRuns, RunSource, VecRuns};
pub use labels::{report_label, LabelCategory};
pub use plan::{
    ExtensionSummary, LabelRef, PlanSummary, Planner, ReportPoint, Rule, RunSink, SourceCount,
};

use crate::store::{now, UnixTime};
use callguard_text::Lang;

/// One past the largest E.164 number (15 digits).
pub const NUMBER_END: u64 = 1_000_000_000_000_000;
/// The smallest number planned: seven digits. Emergency and special service numbers are short
/// codes and have no E.164 form; nothing shorter than a full number is ever an entry.
pub const MIN_ENTRY: u64 = 1_000_000;
/// The default entries per extension.
pub const DEFAULT_BUDGET: u64 = 1_000_000;
/// The default entries per chunk handed to the extension.
pub const DEFAULT_CHUNK: usize = 4096;

/// What an entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A blocking entry: the call never rings.
    Block,
    /// An identification entry: the call rings with a label.
    Identify,
}

impl EntryKind {
    /// The stable name: `block` or `identify`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Block => "block",
            EntryKind::Identify => "identify",
        }
    }
}

/// Consecutive numbers `first..=last` with one kind and label (an id into the plan's labels;
/// 0 is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Run {
    /// The first number.
    pub first: u64,
    /// The last number (inclusive).
    pub last: u64,
    /// Block or identify.
    pub kind: EntryKind,
    /// The label id.
    pub label: u32,
}

impl Run {
    /// How many numbers it holds.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Never empty: a run holds at least one number.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// How to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Entries per extension at most (iOS kills extensions that load too many; about a
    /// million per extension is known to work).
    pub budget: u64,
    /// Extensions to split the plan across (at least 1).
    pub extensions: u32,
    /// The language of labels.
    pub lang: Lang,
    /// The time reports' decay is measured from.
    pub now: UnixTime,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            budget: DEFAULT_BUDGET,
            extensions: 1,
            lang: Lang::JA,
            now: now(),
        }
    }
}

/// A plan held in memory: runs per extension and their labels (tests, benchmarks, small
/// plans).
#[derive(Debug, Clone)]
pub struct MemoryPlan {
    /// Runs per extension, ascending.
    pub runs: Vec<Vec<Run>>,
    /// Label texts (id 0 is none).
    pub labels: Vec<String>,
    /// What it holds and left out.
    pub summary: PlanSummary,
}

impl MemoryPlan {
    /// Plans `rules` and `reports` (ascending by number) in memory.
    pub fn plan(planner: &Planner, reports: &[ReportPoint], options: &PlanOptions) -> MemoryPlan {
        let mut runs = vec![Vec::new(); options.extensions.max(1) as usize];
        let result: Result<PlanSummary, std::convert::Infallible> = planner.plan(
            options,
            |push| {
                reports.iter().for_each(|p| push(*p));
                Ok(())
            },
            &mut |ext, run, _| {
                runs[ext as usize].push(run);
                Ok(())
            },
        );
        let summary = match result {
            Ok(summary) => summary,
            Err(never) => match never {},
        };
        MemoryPlan {
            runs,
            labels: planner.labels(),
            summary,
        }
    }

    /// Extension `ext`'s runs as a [`RunSource`] (empty past the last extension).
    pub fn source(&self, ext: usize) -> VecRuns<'_> {
        VecRuns::new(
            self.runs.get(ext).map_or(&[][..], Vec::as_slice),
            &self.labels,
        )
    }
}
