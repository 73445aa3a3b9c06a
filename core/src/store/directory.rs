//! The iOS Call Directory's plans in the database (tables in schema version 2).
//!
//! The app plans ([`Store::plan_directory`]): the user's lists and every reported number are
//! read in number order (SQLite cursors, O(1) memory), planned by [`Planner`] and stored as a
//! new version, compactly (runs of consecutive numbers packed into blobs). The extension only
//! reads: [`Store::directory_load`] says what to load (the full plan, the delta from the
//! version the system holds, or a reset), and [`Store::directory_chunks`] streams it in chunks.
//!
//! Delivery: the app calls [`Store::begin_directory_load`] before `reloadExtension` and
//! [`Store::finish_directory_load`] with its result. A failed or unknown load makes the next
//! incremental request a reset (remove everything, then load in full), so the system never
//! drifts from the plan whatever happened in between.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension};

use crate::directory::live::{self, LiveManifest, LiveWriter};
use crate::directory::{
    decode_runs, encode_runs, ChunkReader, PlanOptions, PlanSummary, Planner, ReportPoint, Rule,
    Run, RunSource, RUNS_PER_BLOB,
};
use crate::number::E164;
use crate::risk::Policy;
use crate::store::lists::{ListEntry, Pattern};
use crate::store::reports::{self, Category, SourceRow};
use crate::store::time::{format_time, now};
use crate::store::{filter, Store, StoreError};

/// How the extension loads a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadMode {
    /// A full (non-incremental) request: add every entry of the plan.
    Full,
    /// An incremental request from a version the system holds: removals, then additions.
    Delta,
    /// An incremental request when what the system holds is unknown: remove everything, then
    /// add every entry of the plan.
    Reset,
}

/// What one extension request loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DirectoryLoad {
    /// The extension (0 is the first).
    pub extension: u32,
    /// The version loaded (0: no plan yet, nothing to load).
    pub version: u64,
    /// For a delta, the version the system holds.
    pub base: Option<u64>,
    /// How.
    pub mode: LoadMode,
}

/// The store a [`StoredRuns`] reads: borrowed, or shared (for a stream that outlives the
/// borrow, as the bindings need).
enum Handle<'a> {
    Borrowed(&'a Store),
    Shared(Arc<Store>),
}

impl Deref for Handle<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        match self {
            Handle::Borrowed(store) => store,
            Handle::Shared(store) => store,
        }
    }
}

/// A stored plan's runs for one extension, read one blob at a time.
pub struct StoredRuns<'a> {
    store: Handle<'a>,
    version: u64,
    extension: u32,
    next_seq: i64,
    buf: Vec<Run>,
    at: usize,
    labels: Vec<String>,
    done: bool,
}

impl<'a> StoredRuns<'a> {
    fn open(store: Handle<'a>, version: Option<u64>, extension: u32) -> Result<Self, StoreError> {
        let labels = match version {
            Some(v) => {
                let mut labels: Vec<String> = vec![String::new()];
                for (id, text) in store.select_params(
                    "reading directory labels",
                    "SELECT id, text FROM directory_labels WHERE version = ?1 ORDER BY id",
                    [v as i64],
                    |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, String>(1)?)),
                )? {
                    if labels.len() <= id {
                        labels.resize(id + 1, String::new());
                    }
                    labels[id] = text;
                }
                labels
            }
            None => Vec::new(),
        };
        Ok(StoredRuns {
            store,
            version: version.unwrap_or(0),
            extension,
            next_seq: 0,
            buf: Vec::new(),
            at: 0,
            labels,
            done: version.is_none(),
        })
    }
}

impl RunSource for StoredRuns<'_> {
    fn next_run(&mut self) -> Result<Option<Run>, StoreError> {
        while self.at >= self.buf.len() {
            if self.done {
                return Ok(None);
            }
            let context = "reading a directory plan";
            let reader = self.store.reader_conn();
            let row = reader
                .conn
                .prepare_cached(
                    "SELECT seq, first, data FROM directory_runs
                     WHERE version = ?1 AND extension = ?2 AND seq >= ?3 ORDER BY seq LIMIT 1",
                )
                .and_then(|mut stmt| {
                    stmt.query_row(
                        params![self.version as i64, self.extension, self.next_seq],
                        |r| {
                            Ok((
                                r.get::<_, i64>(0)?,
                                r.get::<_, i64>(1)?,
                                r.get::<_, Vec<u8>>(2)?,
                            ))
                        },
                    )
                    .optional()
                })
                .map_err(self.store.err(context))?;
            drop(reader);
            let Some((seq, first, data)) = row else {
                self.done = true;
                return Ok(None);
            };
            decode_runs(first as u64, &data, &mut self.buf).ok_or_else(|| StoreError::Corrupt {
                path: self.store.path.clone(),
                detail: format!("directory plan {} blob {seq} is damaged", self.version),
            })?;
            self.next_seq = seq + 1;
            self.at = 0;
        }
        self.at += 1;
        Ok(Some(self.buf[self.at - 1]))
    }

    fn label(&self, id: u32) -> &str {
        self.labels.get(id as usize).map_or("", String::as_str)
    }
}

/// The chunks of one extension request: `Iterator<Item = Result<Chunk, StoreError>>`.
pub type DirectoryChunks<'a> = ChunkReader<StoredRuns<'a>, StoredRuns<'a>>;

/// Number lengths probed for a prefix: seven digits (nothing shorter is planned) to fifteen.
const PROBE_LENGTHS: std::ops::RangeInclusive<u8> = 7..=15;

impl Store {
    pub(crate) fn select_params<T, P: rusqlite::Params>(
        &self,
        context: &'static str,
        sql: &str,
        params: P,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let reader = self.reader_conn();
        let mut stmt = reader.conn.prepare(sql).map_err(self.err(context))?;
        let rows = stmt.query_map(params, row).map_err(self.err(context))?;
        rows.collect::<Result<_, _>>().map_err(self.err(context))
    }

    /// The number lengths (all digits) a prefix expands to: those at which the numbering plan
    /// knows a number starting with it. The plan's patterns cannot be asked "which lengths
    /// start so", so each length is probed with a few sample numbers (the prefix followed by
    /// one repeated digit, or by ascending and descending digits); a length counts if any
    /// sample is a valid number that is not an emergency or special one.
    pub fn prefix_lengths(&self, digits: u64, len: u8) -> Vec<u8> {
        let mut lengths = Vec::new();
        for total in PROBE_LENGTHS.filter(|&t| t >= len) {
            let rest = u32::from(total - len);
            let scale = 10u64.pow(rest);
            let Some(base) = digits.checked_mul(scale) else {
                continue;
            };
            let repunit = (scale - 1) / 9;
            let ascending = (0..rest).fold(0u64, |acc, i| acc * 10 + u64::from((i + 1) % 10));
            let descending = (0..rest).fold(0u64, |acc, i| acc * 10 + u64::from(9 - i % 10));
            let fills = (0..10u64)
                .map(|d| d * repunit)
                .chain([ascending, descending]);
            let valid = fills
                .filter_map(|fill| E164::from_u64(base + fill))
                .any(|n| {
                    let info = self.classifier.classify_e164(n);
                    info.kind.is_number_range_kind() && !info.kind.is_protected()
                });
            if valid {
                lengths.push(total);
            }
        }
        lengths
    }

    /// The list entries as planner rules: a prefix becomes one interval per length it expands
    /// to ([`Store::prefix_lengths`]).
    pub fn directory_rules(&self, entries: &[ListEntry]) -> Vec<Rule> {
        let mut rules = Vec::with_capacity(entries.len());
        for entry in entries {
            let mut push = |lo: u64, hi: u64, size: u64| {
                rules.push(Rule {
                    lo,
                    hi,
                    list: entry.list,
                    label: entry.label.clone(),
                    source: entry.pattern.to_string(),
                    size,
                })
            };
            match entry.pattern {
                Pattern::Exact(n) => {
                    // Lists refuse emergency and special numbers; a full number never is one.
                    debug_assert!(!self.classifier.classify_e164(n).kind.is_protected());
                    push(n.as_u64(), n.as_u64(), 1)
                }
                Pattern::Range { from, to } => {
                    push(from.as_u64(), to.as_u64(), to.as_u64() - from.as_u64() + 1)
                }
                Pattern::Prefix { digits, len } => {
                    let lengths = self.prefix_lengths(digits, len);
                    let size = lengths
                        .iter()
                        .map(|&t| 10u64.saturating_pow(u32::from(t - len)))
                        .fold(0u64, u64::saturating_add);
                    for total in lengths {
                        let scale = 10u64.pow(u32::from(total - len));
                        push(digits * scale, (digits + 1) * scale - 1, size);
                    }
                }
            }
        }
        rules
    }

    /// A planner for the lists and the policy, and the report sources' ids.
    fn directory_planner(
        &self,
        conn: &Connection,
        policy: &Policy,
        options: &PlanOptions,
    ) -> Result<(Planner, ReportSources), StoreError> {
        let entries = filter::load_entries(conn).map_err(self.err("reading the lists"))?;
        let mut planner = Planner::new(
            self.directory_rules(&entries),
            policy.thresholds,
            options.lang,
        );
        let mut feeds = HashMap::new();
        let mut stmt = conn
            .prepare("SELECT id, name FROM feeds")
            .map_err(self.err("reading feeds"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(self.err("reading feeds"))?;
        for row in rows {
            let (id, name) = row.map_err(self.err("reading feeds"))?;
            feeds.insert(id, planner.source_id(&format!("reports: feed {name}")));
        }
        let user = planner.source_id("reports: user");
        let other = planner.source_id("reports: other");
        Ok((
            planner,
            ReportSources {
                user,
                other,
                feeds,
                policy: policy.clone(),
                now: options.now,
                half_life_days: self.options.half_life_days,
            },
        ))
    }

    /// Plans the directory from the lists and reports under `policy`, stores it as a new
    /// version, and returns its summary (with the version). One write transaction: the plan
    /// and what it was planned from agree. Versions no extension holds or loads, other than
    /// the newest, are deleted.
    pub fn plan_directory(
        &self,
        policy: &Policy,
        options: &PlanOptions,
    ) -> Result<PlanSummary, StoreError> {
        let context = "planning the iOS directory";
        self.write_quietly(context, |tx| {
            let e = || self.err(context);
            let (planner, sources) = self.directory_planner(tx, policy, options)?;
            tx.execute(
                "INSERT INTO directory_plans (created_at, budget, extensions, entries, summary)
                 VALUES (?1, ?2, ?3, 0, '{}')",
                params![
                    now(),
                    options.budget.min(i64::MAX as u64) as i64,
                    options.extensions.max(1)
                ],
            )
            .map_err(e())?;
            let version = tx.last_insert_rowid();
            let mut insert = tx
                .prepare(
                    "INSERT INTO directory_runs (version, extension, seq, first, entries, data)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(e())?;
            let mut block: Vec<Run> = Vec::with_capacity(RUNS_PER_BLOB);
            let mut block_ext = 0u32;
            let mut seq = 0i64;
            let mut blob = Vec::new();
            let mut flush = |block: &mut Vec<Run>, ext: u32| -> Result<(), StoreError> {
                if block.is_empty() {
                    return Ok(());
                }
                encode_runs(block, &mut blob);
                let entries: u64 = block.iter().map(Run::len).sum();
                insert
                    .execute(params![
                        version,
                        ext,
                        seq,
                        block[0].first as i64,
                        entries as i64,
                        blob
                    ])
                    .map_err(self.err(context))?;
                seq += 1;
                block.clear();
                Ok(())
            };
            let mut summary = planner.plan(
                options,
                |push| sources.stream(tx, push).map_err(self.err(context)),
                &mut |ext, run, _| {
                    if ext != block_ext || block.len() == RUNS_PER_BLOB {
                        flush(&mut block, block_ext)?;
                        block_ext = ext;
                    }
                    block.push(run);
                    Ok(())
                },
            )?;
            flush(&mut block, block_ext)?;
            drop(insert);
            for (id, text) in planner.labels().iter().enumerate().skip(1) {
                tx.execute(
                    "INSERT INTO directory_labels (version, id, text) VALUES (?1, ?2, ?3)",
                    params![version, id as i64, text],
                )
                .map_err(e())?;
            }
            summary.version = version as u64;
            tx.execute(
                "UPDATE directory_plans SET entries = ?2, summary = ?3 WHERE version = ?1",
                params![
                    version,
                    summary.entries as i64,
                    serde_json::to_string(&summary).unwrap_or_default()
                ],
            )
            .map_err(e())?;
            collect_directory_garbage(tx).map_err(e())?;
            Ok(summary)
        })
    }

    /// The newest stored plan's version, if any.
    pub fn latest_directory_version(&self) -> Result<Option<u64>, StoreError> {
        let rows = self.select_params(
            "reading directory plans",
            "SELECT max(version) FROM directory_plans",
            [],
            |r| r.get::<_, Option<i64>>(0),
        )?;
        Ok(rows.into_iter().flatten().next().map(|v| v as u64))
    }

    /// The summary stored with plan `version` (JSON, as [`PlanSummary`] serialises), if stored.
    pub fn directory_summary_json(&self, version: u64) -> Result<Option<String>, StoreError> {
        Ok(self
            .select_params(
                "reading directory plans",
                "SELECT summary FROM directory_plans WHERE version = ?1",
                [version as i64],
                |r| r.get::<_, String>(0),
            )?
            .into_iter()
            .next())
    }

    fn directory_state(&self, extension: u32) -> Result<(Option<u64>, Option<u64>), StoreError> {
        let rows = self.select_params(
            "reading the directory state",
            "SELECT delivered, loading FROM directory_state WHERE extension = ?1",
            [extension],
            |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
        )?;
        let (delivered, loading) = rows.into_iter().next().unwrap_or((None, None));
        Ok((delivered.map(|v| v as u64), loading.map(|v| v as u64)))
    }

    fn directory_plan_exists(&self, version: u64) -> Result<bool, StoreError> {
        Ok(!self
            .select_params(
                "reading directory plans",
                "SELECT 1 FROM directory_plans WHERE version = ?1",
                [version as i64],
                |r| r.get::<_, i64>(0),
            )?
            .is_empty())
    }

    /// What extension `extension` loads when the system asks it (`incremental`: the
    /// request's `isIncremental`). The version is the one being loaded by the app
    /// ([`Store::begin_directory_load`]), else the newest. A full request loads it all; an
    /// incremental one loads the delta from the version the system holds, or resets when that
    /// is unknown. Read-only: the extension calls this.
    pub fn directory_load(
        &self,
        extension: u32,
        incremental: bool,
    ) -> Result<DirectoryLoad, StoreError> {
        let (delivered, loading) = self.directory_state(extension)?;
        let version = match loading {
            Some(v) => Some(v),
            None => self.latest_directory_version()?,
        }
        .unwrap_or(0);
        let (mode, base) = if !incremental {
            (LoadMode::Full, None)
        } else {
            match delivered {
                Some(base) if base == version || self.directory_plan_exists(base)? => {
                    (LoadMode::Delta, Some(base))
                }
                _ => (LoadMode::Reset, None),
            }
        };
        Ok(DirectoryLoad {
            extension,
            version,
            base,
            mode,
        })
    }

    /// The chunks of `load`, at most `max_entries` numbers each.
    pub fn directory_chunks(
        &self,
        load: &DirectoryLoad,
        max_entries: usize,
    ) -> Result<DirectoryChunks<'_>, StoreError> {
        let version = (load.version > 0).then_some(load.version);
        let base = match load.mode {
            LoadMode::Delta => load.base.filter(|&b| b > 0),
            LoadMode::Full | LoadMode::Reset => None,
        };
        Ok(ChunkReader::new(
            StoredRuns::open(Handle::Borrowed(self), base, load.extension)?,
            StoredRuns::open(Handle::Borrowed(self), version, load.extension)?,
            max_entries,
            load.mode == LoadMode::Reset,
        ))
    }

    /// [`Store::directory_chunks`] for a shared store: the stream owns its handle, so it can be
    /// kept between calls (the bindings hand it to Swift).
    pub fn directory_chunks_shared(
        store: &Arc<Store>,
        load: &DirectoryLoad,
        max_entries: usize,
    ) -> Result<DirectoryChunks<'static>, StoreError> {
        let version = (load.version > 0).then_some(load.version);
        let base = match load.mode {
            LoadMode::Delta => load.base.filter(|&b| b > 0),
            LoadMode::Full | LoadMode::Reset => None,
        };
        Ok(ChunkReader::new(
            StoredRuns::open(Handle::Shared(store.clone()), base, load.extension)?,
            StoredRuns::open(Handle::Shared(store.clone()), version, load.extension)?,
            max_entries,
            load.mode == LoadMode::Reset,
        ))
    }

    /// The chunks that turn plan `from` (`None`: nothing) into plan `to` for one extension.
    /// A version that is not stored is an error naming the versions that are.
    pub fn directory_delta(
        &self,
        extension: u32,
        from: Option<u64>,
        to: u64,
        max_entries: usize,
    ) -> Result<DirectoryChunks<'_>, StoreError> {
        for v in from.into_iter().chain([to]) {
            if !self.directory_plan_exists(v)? {
                let stored = self.select_params(
                    "reading directory plans",
                    "SELECT version FROM directory_plans ORDER BY version",
                    [],
                    |r| r.get::<_, i64>(0),
                )?;
                let stored: Vec<String> = stored.iter().map(i64::to_string).collect();
                return Err(StoreError::Unknown(format!(
                    "directory plan version {v} is not stored (stored: {}): load a full plan",
                    if stored.is_empty() {
                        "none".to_owned()
                    } else {
                        stored.join(", ")
                    }
                )));
            }
        }
        Ok(ChunkReader::new(
            StoredRuns::open(Handle::Borrowed(self), from, extension)?,
            StoredRuns::open(Handle::Borrowed(self), Some(to), extension)?,
            max_entries,
            false,
        ))
    }

    /// Before `reloadExtension`: marks the newest plan as loading for `extension` and returns
    /// its version (0 if there is no plan).
    pub fn begin_directory_load(&self, extension: u32) -> Result<u64, StoreError> {
        let context = "starting a directory load";
        self.write_quietly(context, |tx| {
            let version: Option<i64> = tx
                .query_row("SELECT max(version) FROM directory_plans", [], |r| r.get(0))
                .map_err(self.err(context))?;
            tx.execute(
                "INSERT INTO directory_state (extension, delivered, loading) VALUES (?1, NULL, ?2)
                 ON CONFLICT (extension) DO UPDATE SET loading = excluded.loading",
                params![extension, version],
            )
            .map_err(self.err(context))?;
            Ok(version.unwrap_or(0) as u64)
        })
    }

    /// After `reloadExtension`: records whether `version` reached the system for
    /// `extension`. On failure what the system holds is unknown, and the next incremental
    /// load resets.
    pub fn finish_directory_load(
        &self,
        extension: u32,
        version: u64,
        delivered: bool,
    ) -> Result<(), StoreError> {
        let context = "finishing a directory load";
        self.write_quietly(context, |tx| {
            tx.execute(
                "INSERT INTO directory_state (extension, delivered, loading) VALUES (?1, ?2, NULL)
                 ON CONFLICT (extension) DO UPDATE SET delivered = excluded.delivered,
                     loading = NULL",
                params![extension, delivered.then_some(version as i64)],
            )
            .map_err(self.err(context))?;
            collect_directory_garbage(tx).map_err(self.err(context))?;
            Ok(())
        })
    }

    /// Writes the Live Caller ID Lookup dataset into `dir` (created if needed): see
    /// [`crate::directory::live`]. Reads the lists and reports in one read transaction and
    /// stores nothing.
    pub fn export_live_caller_id(
        &self,
        policy: &Policy,
        options: &PlanOptions,
        dir: &Path,
    ) -> Result<LiveManifest, StoreError> {
        let context = "exporting the Live Caller ID dataset";
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        // Every export gets a new version, even two in the same second.
        let at = now();
        let version = match live::installed_version(dir) {
            Some(previous) if previous >= at.max(0) as u64 => previous
                .checked_add(1)
                .filter(|&v| v <= i64::MAX as u64)
                .ok_or_else(|| {
                    StoreError::io(
                        &dir.join(live::MANIFEST_FILE),
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "the dataset there has version {previous}: no later version \
                                     exists (export into a new folder)"
                            ),
                        ),
                    )
                })?,
            _ => at.max(0) as u64,
        };
        let mut writer = LiveWriter::create(dir).map_err(|e| StoreError::io(dir, e))?;
        let reader = self.reader_conn();
        let tx = reader
            .conn
            .unchecked_transaction()
            .map_err(self.err(context))?;
        let (planner, sources) = self.directory_planner(&tx, policy, options)?;
        let summary = planner.plan(
            options,
            |push| sources.stream(&tx, push).map_err(self.err(context)),
            &mut |_, run, label| writer.run(run, label).map_err(|e| StoreError::io(dir, e)),
        )?;
        tx.commit().map_err(self.err(context))?;
        drop(reader);
        writer
            .finish(version, format_time(at), summary)
            .map_err(|e| StoreError::io(dir, e))
    }
}

/// Deletes plans that are neither the newest nor delivered to or loading in an extension.
fn collect_directory_garbage(conn: &Connection) -> rusqlite::Result<()> {
    let keep = "SELECT max(version) FROM directory_plans
                UNION SELECT delivered FROM directory_state WHERE delivered IS NOT NULL
                UNION SELECT loading FROM directory_state WHERE loading IS NOT NULL";
    conn.execute(
        &format!("DELETE FROM directory_runs WHERE version NOT IN ({keep})"),
        [],
    )?;
    conn.execute(
        &format!("DELETE FROM directory_labels WHERE version NOT IN ({keep})"),
        [],
    )?;
    conn.execute(
        &format!("DELETE FROM directory_plans WHERE version NOT IN ({keep})"),
        [],
    )?;
    Ok(())
}

/// How reported numbers become [`ReportPoint`]s.
struct ReportSources {
    user: u32,
    other: u32,
    feeds: HashMap<i64, u32>,
    policy: Policy,
    now: i64,
    half_life_days: f64,
}

impl ReportSources {
    /// Pushes every reported number, ascending, scored as the risk engine scores reports.
    fn stream(&self, conn: &Connection, push: &mut dyn FnMut(ReportPoint)) -> rusqlite::Result<()> {
        // The primary key is (number, source): the rows come in order without a sort.
        let mut stmt = conn.prepare_cached(
            "SELECT number, source, categories, count, first_seen, last_seen FROM reports
             ORDER BY number, source",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<u64> = None;
        let mut group: Vec<SourceRow> = Vec::with_capacity(4);
        let scam_bits = Category::Scam.bit() | Category::Fraud.bit();
        let mut emit = |number: u64, group: &[SourceRow]| {
            let weight = reports::weight_of(group, self.now, self.half_life_days);
            let scam = group.iter().any(|r| r.categories & scam_bits != 0);
            let source = if group.iter().any(|r| r.source == 0) {
                self.user
            } else {
                group
                    .iter()
                    .find_map(|r| self.feeds.get(&r.source).copied())
                    .unwrap_or(self.other)
            };
            push(ReportPoint {
                number,
                score: self.policy.report_weight(scam, weight),
                scam,
                count: group.iter().map(|r| r.count).sum(),
                source,
            });
        };
        while let Some(row) = rows.next()? {
            let number = row.get::<_, i64>(0)? as u64;
            if current != Some(number) {
                if let Some(n) = current {
                    emit(n, &group);
                }
                group.clear();
                current = Some(number);
            }
            group.push(filter::source_row(row, 1)?);
        }
        if let Some(n) = current {
            emit(n, &group);
        }
        Ok(())
    }
}
