//! Rows into the database, in chunks: what an import writes and what it touched.

use rusqlite::{params, Transaction};

use super::{FeedKind, Row, CHUNK_ROWS, TOUCHED_EXACT_MAX};
/// Rows waiting to be written, and the counters of the import.
pub(super) struct Writer<'t> {
    pub(super) rows: Vec<Row>,
    pub(super) upsert: rusqlite::CachedStatement<'t>,
    pub(super) delete: rusqlite::CachedStatement<'t>,
    pub(super) source: i64,
    pub(super) imported: u64,
    pub(super) removed: u64,
    /// Distinct numbers per chunk, summed.
    pub(super) touched: u64,
    /// Every distinct number written so far, sorted, while there are at most
    /// [`TOUCHED_EXACT_MAX`]; `None` beyond.
    pub(super) seen: Option<Vec<u64>>,
}

impl<'t> Writer<'t> {
    pub(super) fn new(
        tx: &'t Transaction<'t>,
        source: i64,
        kind: FeedKind,
    ) -> rusqlite::Result<Writer<'t>> {
        Ok(Writer {
            rows: Vec::with_capacity(CHUNK_ROWS),
            upsert: tx.prepare_cached(
                "INSERT INTO reports (number, source, categories, count, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (number, source) DO UPDATE SET
                     categories = categories | excluded.categories,
                     count = count + excluded.count,
                     first_seen = min(first_seen, excluded.first_seen),
                     last_seen = max(last_seen, excluded.last_seen)",
            )?,
            delete: tx.prepare_cached("DELETE FROM reports WHERE number = ?1 AND source = ?2")?,
            source,
            imported: 0,
            removed: 0,
            touched: 0,
            // A full import counts the feed's rows at the end instead.
            seen: (kind == FeedKind::Delta).then(Vec::new),
        })
    }

    pub(super) fn push(&mut self, row: Row) -> rusqlite::Result<()> {
        if row.remove {
            self.removed += 1;
        } else {
            self.imported += 1;
        }
        self.rows.push(row);
        if self.rows.len() >= CHUNK_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Sorts the buffer by number (stably, so a number's rows keep their file order), folds
    /// each number's rows into one write, and writes them in key order.
    pub(super) fn flush(&mut self) -> rusqlite::Result<()> {
        self.rows.sort_by_key(|r| r.number);
        let mut chunk = Vec::new();
        let mut i = 0;
        while i < self.rows.len() {
            let number = self.rows[i].number;
            let mut delete = false;
            let mut acc: Option<Row> = None;
            while i < self.rows.len() && self.rows[i].number == number {
                let row = self.rows[i];
                if row.remove {
                    delete = true;
                    acc = None;
                } else if let Some(a) = acc.as_mut() {
                    a.count = a.count.saturating_add(row.count);
                    a.categories |= row.categories;
                    a.first_seen = a.first_seen.min(row.first_seen);
                    a.last_seen = a.last_seen.max(row.last_seen);
                } else {
                    acc = Some(row);
                }
                i += 1;
            }
            let key = number as i64;
            if delete {
                self.delete.execute(params![key, self.source])?;
            }
            if let Some(a) = acc {
                self.upsert.execute(params![
                    key,
                    self.source,
                    a.categories,
                    a.count,
                    a.first_seen,
                    a.last_seen
                ])?;
            }
            self.touched += 1;
            if self.seen.is_some() {
                chunk.push(number);
            }
        }
        self.rows.clear();
        self.seen = self
            .seen
            .take()
            .map(|seen| merge_sorted(seen, &chunk))
            .filter(|seen| seen.len() <= TOUCHED_EXACT_MAX);
        Ok(())
    }

    /// Distinct numbers written: exact while they were few enough to remember.
    pub(super) fn numbers_touched(&self) -> u64 {
        self.seen
            .as_ref()
            .map_or(self.touched, |seen| seen.len() as u64)
    }
}

/// The union of two sorted lists of distinct numbers.
pub(super) fn merge_sorted(seen: Vec<u64>, chunk: &[u64]) -> Vec<u64> {
    if seen.is_empty() {
        return chunk.to_vec();
    }
    let mut out = Vec::with_capacity(seen.len() + chunk.len());
    let (mut a, mut b) = (seen.iter().peekable(), chunk.iter().peekable());
    while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
        out.push(x.min(y));
        if x <= y {
            a.next();
        }
        if y <= x {
            b.next();
        }
    }
    out.extend(a);
    out.extend(b);
    out
}
