//! The iOS Call Directory's plans in the database (tables in schema version 2): planning from
//! the lists and reports and storing the plan; delivering it is [`super::delivery`].
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

use callguard_number::E164;
use rusqlite::{params, Connection};

use super::{
    encode_runs, PlanOptions, PlanSummary, Planner, ReportPoint, Rule, Run, RUNS_PER_BLOB,
};
use crate::risk::Policy;
use crate::store::lists::{ListEntry, Pattern};
use crate::store::reports::{self, ReportCategory, SourceRow};
use crate::store::time::now;
use crate::store::{lists, Store, StoreError};

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
    pub(super) fn directory_planner(
        &self,
        conn: &Connection,
        policy: &Policy,
        options: &PlanOptions,
    ) -> Result<(Planner, ReportSources), StoreError> {
        let entries = lists::load_entries(conn).map_err(self.err("reading the lists"))?;
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
}

/// Deletes plans that are neither the newest nor delivered to or loading in an extension.
pub(super) fn collect_directory_garbage(conn: &Connection) -> rusqlite::Result<()> {
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
pub(super) struct ReportSources {
    user: u32,
    other: u32,
    feeds: HashMap<i64, u32>,
    policy: Policy,
    now: i64,
    half_life_days: f64,
}

impl ReportSources {
    /// Pushes every reported number, ascending, scored as the risk engine scores reports.
    pub(super) fn stream(
        &self,
        conn: &Connection,
        push: &mut dyn FnMut(ReportPoint),
    ) -> rusqlite::Result<()> {
        // The primary key is (number, source): the rows come in order without a sort.
        let mut stmt = conn.prepare_cached(
            "SELECT number, source, categories, count, first_seen, last_seen FROM reports
             ORDER BY number, source",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<u64> = None;
        let mut group: Vec<SourceRow> = Vec::with_capacity(4);
        let scam_bits = ReportCategory::Scam.bit() | ReportCategory::Fraud.bit();
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
            group.push(reports::source_row(row, 1)?);
        }
        if let Some(n) = current {
            emit(n, &group);
        }
        Ok(())
    }
}
