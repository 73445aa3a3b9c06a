//! Reported numbers: what the user and the feeds say about a number, and how much it weighs.

use std::fmt;
use std::str::FromStr;

use callguard_number::E164;
use rusqlite::params;
use serde::Serialize;

use super::{bump, format_time, lock, now, text, Part, Path, Store, Write};
use crate::store::error::StoreError;
use crate::store::time::UnixTime;

/// What a number was reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCategory {
    /// A scam: impersonation, fake police or ministry, refund or cash-card fraud.
    Scam,
    /// Fraud other than a scripted scam (fake invoices, investment fraud).
    Fraud,
    /// Unwanted bulk calls.
    Spam,
    /// Sales calls.
    Telemarketing,
    /// An automated or recorded voice.
    Robocall,
    /// Surveys and polls.
    Survey,
    /// Anything else.
    Other,
}

impl ReportCategory {
    /// Every category, in bit order.
    pub const ALL: [ReportCategory; 7] = [
        ReportCategory::Scam,
        ReportCategory::Fraud,
        ReportCategory::Spam,
        ReportCategory::Telemarketing,
        ReportCategory::Robocall,
        ReportCategory::Survey,
        ReportCategory::Other,
    ];

    /// The stable name used in feeds, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportCategory::Scam => "scam",
            ReportCategory::Fraud => "fraud",
            ReportCategory::Spam => "spam",
            ReportCategory::Telemarketing => "telemarketing",
            ReportCategory::Robocall => "robocall",
            ReportCategory::Survey => "survey",
            ReportCategory::Other => "other",
        }
    }

    /// The bit of this category in the `categories` column (a set in one byte).
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The categories in a bit set.
    pub fn from_bits(bits: u8) -> Vec<ReportCategory> {
        ReportCategory::ALL
            .into_iter()
            .filter(|c| bits & c.bit() != 0)
            .collect()
    }

    /// Parses a name without allocating (feeds call this once per row).
    pub fn parse_bytes(text: &[u8]) -> Option<ReportCategory> {
        let text = text.trim_ascii();
        ReportCategory::ALL
            .into_iter()
            .find(|c| c.as_str().as_bytes().eq_ignore_ascii_case(text))
    }
}

impl FromStr for ReportCategory {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ReportCategory::parse_bytes(text.as_bytes()).ok_or_else(|| {
            StoreError::Unknown(format!(
                "unknown category {text:?}: expected scam, fraud, spam, telemarketing, \
                 robocall, survey or other"
            ))
        })
    }
}

impl fmt::Display for ReportCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything reported about one number, summed over the user and the feeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSummary {
    /// Reports from every source.
    pub total_count: u64,
    /// The user's own reports.
    pub user_count: u32,
    /// The decayed weight: each source adds `trust × log2(1 + count) × 0.5^(age / half-life)`,
    /// age counted from its last report (user trust 2, feeds 1). A single fresh feed report
    /// weighs 1; a thousand stale ones fade.
    pub weight: f64,
    /// Every category any source gave.
    pub categories: Vec<ReportCategory>,
    /// The first report (Unix seconds).
    pub first_seen: UnixTime,
    /// The last report (Unix seconds).
    pub last_seen: UnixTime,
    /// Who reported: `user` and feed names.
    pub sources: Vec<String>,
}

/// One row of `reports`: one source's view of one number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceRow {
    pub source: i64,
    pub categories: u8,
    pub count: u64,
    pub first_seen: UnixTime,
    pub last_seen: UnixTime,
}

/// Trust of the user's own reports against a feed's.
const USER_TRUST: f64 = 2.0;
const FEED_TRUST: f64 = 1.0;

/// One source's share of a number's weight: `trust × log2(1 + count) × 0.5^(age / half-life)`
/// (`half_life` in seconds), age counted from the source's last report.
fn source_weight(trust: f64, row: &SourceRow, now: UnixTime, half_life: f64) -> f64 {
    let age = (now - row.last_seen).max(0) as f64;
    trust * (1.0 + row.count as f64).log2() * 0.5f64.powf(age / half_life)
}

/// The decayed weight of a number's rows, as [`ReportSummary::weight`] sums it, without
/// building the summary (the iOS directory weighs every reported number this way).
pub(crate) fn weight_of(rows: &[SourceRow], now: UnixTime, half_life_days: f64) -> f64 {
    let half_life = (half_life_days * 86_400.0).max(1.0);
    rows.iter()
        .map(|row| {
            let trust = if row.source == 0 {
                USER_TRUST
            } else {
                FEED_TRUST
            };
            source_weight(trust, row, now, half_life)
        })
        .sum()
}

/// Sums the sources' rows into one summary at time `now`.
pub(crate) fn summarize(
    rows: impl IntoIterator<Item = SourceRow>,
    now: UnixTime,
    half_life_days: f64,
    feed_name: impl Fn(i64) -> String,
) -> Option<ReportSummary> {
    let mut rows = rows.into_iter().peekable();
    let first = *rows.peek()?;
    let mut summary = ReportSummary {
        total_count: 0,
        user_count: 0,
        weight: 0.0,
        categories: Vec::new(),
        first_seen: first.first_seen,
        last_seen: first.last_seen,
        sources: Vec::with_capacity(1),
    };
    let mut bits = 0u8;
    let half_life = (half_life_days * 86_400.0).max(1.0);
    for row in rows {
        summary.total_count += row.count;
        bits |= row.categories;
        summary.first_seen = summary.first_seen.min(row.first_seen);
        summary.last_seen = summary.last_seen.max(row.last_seen);
        let (trust, name) = if row.source == 0 {
            summary.user_count = u32::try_from(row.count).unwrap_or(u32::MAX);
            (USER_TRUST, "user".to_owned())
        } else {
            (FEED_TRUST, feed_name(row.source))
        };
        summary.weight += source_weight(trust, &row, now, half_life);
        summary.sources.push(name);
    }
    summary.categories = ReportCategory::from_bits(bits);
    Some(summary)
}

/// One row of `reports` in 16 bytes: what the in-memory index keeps per (number, source).
///
/// Rows whose values do not fit (a feed id of 65,535 or more, a count above 2^32 - 1, a time
/// before 1970 or after 2106) are kept as a marker only: their number is read from SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompactRow {
    source: u16,
    /// The categories bit set; [`CompactRow::SPILLED`] marks a row that did not fit.
    categories: u8,
    count: u32,
    first_seen: u32,
    last_seen: u32,
}

impl CompactRow {
    const SPILLED: u8 = 0x80;

    /// Packs `row`, or marks it as spilled if a value does not fit.
    pub fn pack(row: &SourceRow) -> CompactRow {
        let packed = (|| {
            Some(CompactRow {
                source: u16::try_from(row.source).ok().filter(|&s| s != u16::MAX)?,
                categories: (row.categories < Self::SPILLED).then_some(row.categories)?,
                count: u32::try_from(row.count).ok()?,
                first_seen: u32::try_from(row.first_seen).ok()?,
                last_seen: u32::try_from(row.last_seen).ok()?,
            })
        })();
        packed.unwrap_or(CompactRow {
            // The user's row (source 0) stays recognisable when spilled.
            source: u16::try_from(row.source).unwrap_or(u16::MAX),
            categories: Self::SPILLED,
            count: 0,
            first_seen: 0,
            last_seen: 0,
        })
    }

    /// The row, or `None` if it spilled.
    pub fn unpack(self) -> Option<SourceRow> {
        (self.categories & Self::SPILLED == 0).then_some(SourceRow {
            source: i64::from(self.source),
            categories: self.categories,
            count: u64::from(self.count),
            first_seen: i64::from(self.first_seen),
            last_seen: i64::from(self.last_seen),
        })
    }
}

/// What the reader keeps in memory about reported numbers: every (number, source) row of
/// `reports`, sorted, as a column of numbers (8 bytes a row, binary-searched) and, unless the
/// store was opened with `reports_in_memory: false`, a parallel column of [`CompactRow`]s
/// (16 bytes a row). A number with one source costs 24 bytes, or 8 without the rows.
#[derive(Debug, Default)]
pub(crate) struct ReportIndex {
    numbers: Vec<u64>,
    rows: Vec<CompactRow>,
    with_rows: bool,
}

/// What the index says about one number.
pub(crate) enum Reported {
    /// No report at all.
    No,
    /// The number's rows, from memory.
    Rows(Vec<SourceRow>),
    /// Reported; its rows are in SQLite only.
    InDatabase,
}

impl ReportIndex {
    /// An empty index; `with_rows` keeps the rows, not just the numbers.
    pub fn new(with_rows: bool) -> ReportIndex {
        ReportIndex {
            with_rows,
            ..ReportIndex::default()
        }
    }

    /// Reserves room for `rows` rows.
    pub fn reserve(&mut self, rows: usize) {
        self.numbers.reserve_exact(rows);
        if self.with_rows {
            self.rows.reserve_exact(rows);
        }
    }

    /// Appends a row: rows come in (number, source) order.
    pub fn push(&mut self, number: u64, row: &SourceRow) {
        if self.with_rows {
            self.numbers.push(number);
            self.rows.push(CompactRow::pack(row));
        } else if self.numbers.last() != Some(&number) {
            self.numbers.push(number);
        }
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.numbers.shrink_to_fit();
        self.rows.shrink_to_fit();
    }

    /// Bytes of memory the index holds.
    pub fn heap_bytes(&self) -> usize {
        self.numbers.capacity() * std::mem::size_of::<u64>()
            + self.rows.capacity() * std::mem::size_of::<CompactRow>()
    }

    /// What is known about `number`, without touching SQLite when it is not reported.
    pub fn get(&self, number: u64) -> Reported {
        let start = self.numbers.partition_point(|&n| n < number);
        if self.numbers.get(start) != Some(&number) {
            return Reported::No;
        }
        if !self.with_rows {
            return Reported::InDatabase;
        }
        let end = start + self.numbers[start..].partition_point(|&n| n == number);
        let rows: Option<Vec<SourceRow>> =
            self.rows[start..end].iter().map(|r| r.unpack()).collect();
        rows.map_or(Reported::InDatabase, Reported::Rows)
    }

    /// Sets the user's row (source 0) of `number`, as it is now in the database.
    pub fn set_user_row(&mut self, number: u64, row: &SourceRow) {
        let start = self.numbers.partition_point(|&n| n < number);
        let found = self.numbers.get(start) == Some(&number);
        if !self.with_rows {
            if !found {
                self.numbers.insert(start, number);
            }
            return;
        }
        // Source 0 sorts first among the number's rows (a spilled row keeps source 0 too).
        if found && self.rows[start].source == 0 {
            self.rows[start] = CompactRow::pack(row);
        } else {
            self.numbers.insert(start, number);
            self.rows.insert(start, CompactRow::pack(row));
        }
    }
}

/// One of the user's own reports, as exported for an app to upload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserReport {
    /// The number, `+` and E.164 digits.
    pub number: E164,
    /// What it was reported for.
    pub category: ReportCategory,
    /// The user's words.
    pub note: Option<String>,
    /// When (Unix seconds).
    pub reported_at: UnixTime,
}

impl Store {
    /// Records the user's report of `number` (typed text) as `category`.
    pub fn report(
        &self,
        number: &str,
        category: ReportCategory,
        note: Option<&str>,
    ) -> Result<UserReport, StoreError> {
        let number = self.parse_number(number)?;
        self.report_number(number, category, note, now())
    }

    /// Records the user's report of a normalised `number` at time `at`.
    pub fn report_number(
        &self,
        number: E164,
        category: ReportCategory,
        note: Option<&str>,
        at: UnixTime,
    ) -> Result<UserReport, StoreError> {
        if let Some(note) = note {
            text::check_text(text::TextKind::Note, note)?;
        }
        let (row, gen) = self.write_quietly("recording a report", |tx| {
            let e = || self.err("recording a report");
            tx.execute(
                "INSERT INTO user_reports (number, category, note, reported_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![number.as_i64(), category.as_str(), note, at],
            )
            .map_err(e())?;
            let row = tx
                .query_row(
                    "INSERT INTO reports (number, source, categories, count, first_seen,
                         last_seen)
                     VALUES (?1, 0, ?2, 1, ?3, ?3)
                     ON CONFLICT (number, source) DO UPDATE SET
                         categories = categories | excluded.categories, count = count + 1,
                         first_seen = min(first_seen, excluded.first_seen),
                         last_seen = max(last_seen, excluded.last_seen)
                     RETURNING source, categories, count, first_seen, last_seen",
                    params![number.as_i64(), category.bit(), at],
                    |r| source_row(r, 0),
                )
                .map_err(e())?;
            Ok((row, bump(tx, "reports_gen").map_err(e())?))
        })?;
        // Patch our own reader's view rather than reload every reported number.
        let mut reader = lock(&self.reader);
        if reader.own_write(Part::Reports, gen) {
            reader.reports.set_user_row(number.as_u64(), &row);
        } else {
            self.mark_dirty();
        }
        Ok(UserReport {
            number,
            category,
            note: note.map(str::to_owned),
            reported_at: at,
        })
    }

    /// Runs `sql` on the reader connection and maps every row with `row`.
    pub(super) fn select<T>(
        &self,
        context: &'static str,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let reader = self.reader_conn();
        let mut stmt = reader.conn.prepare(sql).map_err(self.err(context))?;
        let rows = stmt.query_map([], row).map_err(self.err(context))?;
        rows.collect::<Result<_, _>>().map_err(self.err(context))
    }

    /// The user's own reports, oldest first.
    pub fn user_reports(&self) -> Result<Vec<UserReport>, StoreError> {
        let rows = self.select(
            "reading the user's reports",
            "SELECT number, category, note, reported_at FROM user_reports ORDER BY id",
            |r| {
                let number = u64::try_from(r.get::<_, i64>(0)?)
                    .ok()
                    .and_then(E164::from_u64);
                let category = r.get::<_, String>(1)?.parse::<ReportCategory>().ok();
                let (note, reported_at) = (r.get(2)?, r.get(3)?);
                Ok(number.zip(category).map(|(number, category)| UserReport {
                    number,
                    category,
                    note,
                    reported_at,
                }))
            },
        )?;
        Ok(rows.into_iter().flatten().collect())
    }

    /// Writes the user's own reports as one JSON document for an app to upload:
    /// `{"format": "callguard-user-reports", "version": 1, "exported_at": TIME, "reports":
    /// [{"number": "+81...", "category": "scam", "note": null, "reported_at": TIME}]}` with
    /// times as `YYYY-MM-DDTHH:MM:SSZ`. Returns how many reports were written.
    pub fn export_user_reports(&self, out: &mut dyn Write) -> Result<usize, StoreError> {
        #[derive(Serialize)]
        struct Item<'a> {
            number: E164,
            category: ReportCategory,
            note: Option<&'a str>,
            reported_at: String,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            format: &'static str,
            version: u32,
            exported_at: String,
            reports: Vec<Item<'a>>,
        }
        let reports = self.user_reports()?;
        let doc = Doc {
            format: "callguard-user-reports",
            version: 1,
            exported_at: format_time(now()),
            reports: reports
                .iter()
                .map(|r| Item {
                    number: r.number,
                    category: r.category,
                    note: r.note.as_deref(),
                    reported_at: format_time(r.reported_at),
                })
                .collect(),
        };
        let io = |e: std::io::Error| StoreError::io(Path::new("<export>"), e);
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
        Ok(reports.len())
    }
}

/// Reads a `reports` row's (source, categories, count, first_seen, last_seen) starting at
/// column `first`.
pub(crate) fn source_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        source: row.get(first)?,
        categories: row.get::<_, i64>(first + 1)? as u8,
        count: row.get::<_, i64>(first + 2)?.max(0) as u64,
        first_seen: row.get(first + 3)?,
        last_seen: row.get(first + 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_bits_round_trip() {
        let bits = ReportCategory::Scam.bit() | ReportCategory::Robocall.bit();
        assert_eq!(
            ReportCategory::from_bits(bits),
            vec![ReportCategory::Scam, ReportCategory::Robocall]
        );
        assert_eq!(
            ReportCategory::parse_bytes(b" SCAM "),
            Some(ReportCategory::Scam)
        );
        assert!("nonsense".parse::<ReportCategory>().is_err());
    }

    #[test]
    fn weight_decays_and_user_counts_more() {
        let now = 100 * 86_400;
        let row = |source, count, last_seen| SourceRow {
            source,
            categories: ReportCategory::Scam.bit(),
            count,
            first_seen: 0,
            last_seen,
        };
        let fresh = summarize([row(1, 1, now)], now, 90.0, |_| "f".into()).expect("some");
        assert!((fresh.weight - 1.0).abs() < 1e-9);
        let stale =
            summarize([row(1, 1, now - 90 * 86_400)], now, 90.0, |_| "f".into()).expect("some");
        assert!((stale.weight - 0.5).abs() < 1e-9);
        let user =
            summarize([row(0, 1, now), row(1, 3, now)], now, 90.0, |_| "f".into()).expect("some");
        assert!((user.weight - 4.0).abs() < 1e-9);
        assert_eq!(user.user_count, 1);
        assert_eq!(user.total_count, 4);
        assert_eq!(user.sources, vec!["user".to_owned(), "f".to_owned()]);
    }
}
