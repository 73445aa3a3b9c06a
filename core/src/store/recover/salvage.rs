//! Reading what can be saved of each table of a damaged file, row by row, checking each row
//! again.

use std::collections::BTreeMap;
use std::path::Path;

use callguard_number::{Classifier, E164};
use rusqlite::{params, Connection};

use super::{
    schema, FeedToImport, ListKind, OpenFlags, Pattern, ReportCategory, Row, TableRecovery,
    UnixTime, ValueRef, BUSY_TIMEOUT,
};
/// A list entry as salvaged.
struct ListRow {
    list: ListKind,
    pattern: Pattern,
    label: Option<String>,
    note: Option<String>,
    added_at: UnixTime,
}

/// A user's report as salvaged.
struct UserReportRow {
    number: E164,
    category: ReportCategory,
    note: Option<String>,
    reported_at: UnixTime,
}

/// The user's own row of `reports` (source 0) as salvaged.
struct ReportRow {
    number: E164,
    categories: u8,
    count: i64,
    first_seen: UnixTime,
    last_seen: UnixTime,
}

/// A trusted key as salvaged.
struct KeyRow {
    name: String,
    key: Vec<u8>,
    added_at: UnixTime,
}

/// A logged call as salvaged.
struct CallRow {
    number: Option<E164>,
    at: UnixTime,
    verdict: String,
    reasons: String,
}

/// What could be read of the damaged file, and what became of each table.
pub(super) struct Salvage {
    lists: Vec<ListRow>,
    user_reports: Vec<UserReportRow>,
    reports: Vec<ReportRow>,
    keys: Vec<KeyRow>,
    calls: Vec<CallRow>,
    /// The count of wrong caregiver PINs (`meta`), so a recovery does not reset it.
    pin_counts: Vec<(String, i64)>,
    pub(super) feeds: Result<Vec<FeedToImport>, String>,
    /// Per table, in the order read: rows left behind, and why reading stopped.
    read: Vec<(&'static str, u64, Option<String>)>,
}

/// An E.164 number from its integer column.
fn e164(value: i64) -> Option<E164> {
    u64::try_from(value).ok().and_then(E164::from_u64)
}

impl Salvage {
    /// Reads what it can of the database at `path`, read-only, each table on its own.
    pub(super) fn read(path: &Path, classifier: &Classifier) -> Salvage {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // SQLite refuses a file shorter than its header says (a truncated copy) unless
            // the schema is writable; reading the pages that are there is what salvage wants.
            // (The connection is read-only: nothing is written.)
            conn.pragma_update(None, "writable_schema", true)?;
            Ok(conn)
        })
        .map_err(|e| e.to_string());
        let mut read = Vec::new();
        let lists = salvage(
            &conn,
            &mut read,
            "list_entries",
            "SELECT list, pattern, label, note, added_at FROM list_entries ORDER BY id",
            |r| {
                let list = r.get::<_, String>(0)?.parse::<ListKind>().ok();
                // The pattern is parsed again as typed text: a damaged row cannot bring back
                // an emergency number or a malformed range.
                let pattern = Pattern::parse(&r.get::<_, String>(1)?, classifier).ok();
                let (label, note, added_at) = (r.get(2)?, r.get(3)?, r.get(4)?);
                Ok(list.zip(pattern).map(|(list, pattern)| ListRow {
                    list,
                    pattern,
                    label,
                    note,
                    added_at,
                }))
            },
        );
        let user_reports = salvage(
            &conn,
            &mut read,
            "user_reports",
            "SELECT number, category, note, reported_at FROM user_reports ORDER BY id",
            |r| {
                let number = e164(r.get(0)?);
                let category = r.get::<_, String>(1)?.parse::<ReportCategory>().ok();
                let (note, reported_at) = (r.get(2)?, r.get(3)?);
                Ok(number
                    .zip(category)
                    .map(|(number, category)| UserReportRow {
                        number,
                        category,
                        note,
                        reported_at,
                    }))
            },
        );
        let reports = salvage(
            &conn,
            &mut read,
            "reports",
            "SELECT number, categories, count, first_seen, last_seen FROM reports
             WHERE source = 0",
            |r| {
                let categories = u8::try_from(r.get::<_, i64>(1)?).ok();
                let count = Some(r.get::<_, i64>(2)?).filter(|&c| c >= 1);
                let (first_seen, last_seen) = (r.get(3)?, r.get(4)?);
                Ok(e164(r.get(0)?).zip(categories).zip(count).map(
                    |((number, categories), count)| ReportRow {
                        number,
                        categories,
                        count,
                        first_seen,
                        last_seen,
                    },
                ))
            },
        );
        let keys = salvage(
            &conn,
            &mut read,
            "trusted_keys",
            "SELECT name, key, added_at FROM trusted_keys ORDER BY name",
            |r| {
                // Kept whatever the key's bytes: an import refuses to run while a trusted key
                // is unusable (it names the key), where dropping it could leave no key and
                // let unsigned feeds in. A value that is neither bytes nor text is lost.
                let key = match r.get_ref(1)? {
                    ValueRef::Blob(bytes) | ValueRef::Text(bytes) => Some(bytes.to_vec()),
                    _ => None,
                };
                let (name, added_at) = (r.get(0)?, r.get(2)?);
                Ok(key.map(|key| KeyRow {
                    name,
                    key,
                    added_at,
                }))
            },
        );
        let calls = salvage(
            &conn,
            &mut read,
            "call_log",
            "SELECT number, at, verdict, reasons FROM call_log ORDER BY id",
            |r| {
                let number = match r.get::<_, Option<i64>>(0)? {
                    None => Some(None),
                    Some(value) => e164(value).map(Some),
                };
                let (at, verdict, reasons) = (r.get(1)?, r.get(2)?, r.get(3)?);
                Ok(number.map(|number| CallRow {
                    number,
                    at,
                    verdict,
                    reasons,
                }))
            },
        );
        let mut feeds_read = Vec::new();
        let feeds = salvage(
            &conn,
            &mut feeds_read,
            "feeds",
            "SELECT name, version FROM feeds ORDER BY name",
            |r| {
                Ok(Some(FeedToImport {
                    name: r.get(0)?,
                    version: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                }))
            },
        );
        let mut pins_read = Vec::new();
        let pin_counts = salvage(
            &conn,
            &mut pins_read,
            "meta",
            "SELECT key, value FROM meta WHERE key IN ('pin_failures', 'pin_last_failure')",
            |r| Ok(Some((r.get(0)?, r.get(1)?))),
        );
        let feeds = match feeds_read.pop() {
            Some((_, _, Some(error))) => Err(error),
            _ => Ok(feeds),
        };
        Salvage {
            lists,
            user_reports,
            reports,
            keys,
            calls,
            pin_counts,
            feeds,
            read,
        }
    }

    /// Creates a fresh database at `path` holding the salvaged rows, in one transaction, and
    /// says what was kept per table.
    pub(super) fn write(&self, path: &Path) -> rusqlite::Result<Vec<TableRecovery>> {
        // A new file: never one a link planted at its name points to.
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::default() | OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        schema::migrate_to(&mut conn, schema::SCHEMA_VERSION)?;
        let tx = conn.transaction()?;
        let mut kept: BTreeMap<&'static str, u64> = BTreeMap::new();
        for row in &self.lists {
            let (lo, hi, digits) = row.pattern.columns();
            *kept.entry("list_entries").or_default() += tx.execute(
                "INSERT INTO list_entries (list, kind, lo, hi, digits, pattern, label, note,
                     added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (list, pattern) DO NOTHING",
                params![
                    row.list.as_str(),
                    row.pattern.kind_str(),
                    lo,
                    hi,
                    digits,
                    row.pattern.to_string(),
                    row.label,
                    row.note,
                    row.added_at
                ],
            )? as u64;
        }
        for row in &self.user_reports {
            *kept.entry("user_reports").or_default() += tx.execute(
                "INSERT INTO user_reports (number, category, note, reported_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    row.number.as_i64(),
                    row.category.as_str(),
                    row.note,
                    row.reported_at
                ],
            )? as u64;
        }
        for row in &self.reports {
            *kept.entry("reports").or_default() += tx.execute(
                "INSERT INTO reports (number, source, categories, count, first_seen, last_seen)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5) ON CONFLICT (number, source) DO NOTHING",
                params![
                    row.number.as_i64(),
                    row.categories,
                    row.count,
                    row.first_seen,
                    row.last_seen
                ],
            )? as u64;
        }
        // Screening counts the user's reports through their rows in `reports`: rebuild the
        // rows that table lost from the reports themselves, as `Store::report_number` wrote
        // them (one count per report, their categories, the first and last time).
        let mut rebuilt: BTreeMap<E164, (u8, i64, UnixTime, UnixTime)> = BTreeMap::new();
        for row in &self.user_reports {
            let at = row.reported_at;
            let entry = rebuilt.entry(row.number).or_insert((0, 0, at, at));
            entry.0 |= row.category.bit();
            entry.1 += 1;
            entry.2 = entry.2.min(at);
            entry.3 = entry.3.max(at);
        }
        for (number, (categories, count, first_seen, last_seen)) in rebuilt {
            *kept.entry("reports").or_default() += tx.execute(
                "INSERT INTO reports (number, source, categories, count, first_seen, last_seen)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5) ON CONFLICT (number, source) DO NOTHING",
                params![number.as_i64(), categories, count, first_seen, last_seen],
            )? as u64;
        }
        for row in &self.keys {
            *kept.entry("trusted_keys").or_default() += tx.execute(
                "INSERT INTO trusted_keys (name, key, added_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![row.name, row.key, row.added_at],
            )? as u64;
        }
        for (key, value) in &self.pin_counts {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        for row in &self.calls {
            *kept.entry("call_log").or_default() += tx.execute(
                "INSERT INTO call_log (number, at, verdict, reasons) VALUES (?1, ?2, ?3, ?4)",
                params![
                    row.number.map(E164::as_i64),
                    row.at,
                    row.verdict,
                    row.reasons
                ],
            )? as u64;
        }
        tx.commit()?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(self
            .read
            .iter()
            .map(|(table, lost, error)| TableRecovery {
                table: (*table).to_owned(),
                kept: kept.get(table).copied().unwrap_or(0),
                lost: *lost,
                error: error.clone(),
            })
            .collect())
    }
}

/// Reads `query`'s rows with `row` (`None`: a row whose values are unusable) until the end or
/// the first error that stops the query, and notes in `read` how many rows were left behind
/// and why reading stopped.
fn salvage<T>(
    conn: &Result<Connection, String>,
    read: &mut Vec<(&'static str, u64, Option<String>)>,
    table: &'static str,
    query: &str,
    mut row: impl FnMut(&Row<'_>) -> rusqlite::Result<Option<T>>,
) -> Vec<T> {
    let mut kept = Vec::new();
    let mut lost = 0;
    let result = match conn {
        Err(error) => Err(error.clone()),
        Ok(conn) => (|| -> rusqlite::Result<()> {
            let mut stmt = conn.prepare(query)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                match row(r) {
                    Ok(Some(value)) => kept.push(value),
                    // A value of the wrong type spoils this row only: read on.
                    Ok(None) | Err(_) => lost += 1,
                }
            }
            Ok(())
        })()
        .map_err(|e| e.to_string()),
    };
    read.push((table, lost, result.err()));
    kept
}
