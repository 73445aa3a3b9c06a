//! The call log: calls screened on this phone, for repeat-caller rules and statistics.

use std::time::Duration;

use callguard_number::E164;
use rusqlite::params;

use super::{bump, lock, now, Need, Part, Store, StoreError, UnixTime};

impl Store {
    /// Logs a screened call (number `None` for hidden callers) with its verdict and reason
    /// codes. The log keeps [`StoreOptions::call_log_max_rows`] calls and none older than
    /// [`StoreOptions::call_log_max_age`].
    pub fn log_call(
        &self,
        number: Option<E164>,
        at: UnixTime,
        verdict: &str,
        reason_codes: &[&str],
    ) -> Result<(), StoreError> {
        let max_rows = i64::from(self.options.call_log_max_rows);
        let oldest = at - self.options.call_log_max_age.as_secs() as i64;
        let (gen, pruned) = self.write_quietly("logging a call", |tx| {
            let e = || self.err("logging a call");
            tx.execute(
                "INSERT INTO call_log (number, at, verdict, reasons) VALUES (?1, ?2, ?3, ?4)",
                params![
                    number.map(E164::as_i64),
                    at,
                    verdict,
                    reason_codes.join(",")
                ],
            )
            .map_err(e())?;
            let id = tx.last_insert_rowid();
            // What retention removes, so our reader's view can drop it too.
            let mut pruned = Vec::new();
            let mut prune = |sql: &str, bound: i64| -> rusqlite::Result<()> {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query([bound])?;
                while let Some(row) = rows.next()? {
                    if let Some(number) = row.get::<_, Option<i64>>(0)? {
                        pruned.push((number as u64, row.get::<_, i64>(1)?));
                    }
                }
                Ok(())
            };
            prune(
                "DELETE FROM call_log WHERE id <= ?1 RETURNING number, at",
                id - max_rows,
            )
            .map_err(e())?;
            if id % 64 == 0 {
                prune(
                    "DELETE FROM call_log WHERE at < ?1 RETURNING number, at",
                    oldest,
                )
                .map_err(e())?;
            }
            Ok((bump(tx, "calls_gen").map_err(e())?, pruned))
        })?;
        // Keep our own reader's view exact without reloading the whole log.
        let mut reader = lock(&self.reader);
        if reader.own_write(Part::Calls, gen) {
            if let Some(number) = number {
                reader.calls.entry(number.as_u64()).or_default().push(at);
            }
            for (number, at) in pruned {
                let std::collections::hash_map::Entry::Occupied(mut times) =
                    reader.calls.entry(number)
                else {
                    continue;
                };
                if let Some(i) = times.get().iter().position(|&t| t == at) {
                    times.get_mut().remove(i);
                    if times.get().is_empty() {
                        times.remove();
                    }
                }
            }
        } else {
            self.mark_dirty();
        }
        Ok(())
    }

    /// How many calls from `number` were logged within `window` before now.
    pub fn recent_calls(&self, number: E164, window: Duration) -> Result<u32, StoreError> {
        let since = now() - window.as_secs() as i64;
        let reader = self.view(Need {
            lists: false,
            reports: false,
            calls: true,
        })?;
        Ok(reader.calls.get(&number.as_u64()).map_or(0, |times| {
            times.iter().filter(|&&t| t >= since).count() as u32
        }))
    }
}
