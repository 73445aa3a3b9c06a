//! The feeds as installed: listing and removing them (importing is [`super::feed`]).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::{bump, Store, StoreError, UnixTime};

/// A feed as installed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedInfo {
    /// Its name.
    pub name: String,
    /// The installed version.
    pub version: u64,
    /// Whether the last import replaced (`full`) or patched (`delta`).
    pub kind: String,
    /// The format of the last import.
    pub format: String,
    /// When it was last imported (Unix seconds).
    pub imported_at: UnixTime,
    /// How many numbers it reports.
    pub numbers: u64,
}

impl Store {
    /// The installed feeds.
    pub fn feeds(&self) -> Result<Vec<FeedInfo>, StoreError> {
        feeds_of(&self.reader_conn().conn).map_err(self.err("listing feeds"))
    }

    /// Removes a feed and everything it reported; the user's lists and reports stay.
    /// Returns how many numbers it had.
    pub fn remove_feed(&self, name: &str) -> Result<u64, StoreError> {
        self.write("removing a feed", |tx| {
            let e = || self.err("removing a feed");
            let id: Option<i64> = tx
                .query_row("SELECT id FROM feeds WHERE name = ?1", [name], |r| r.get(0))
                .optional()
                .map_err(e())?;
            let Some(id) = id else {
                return Err(StoreError::Unknown(format!("no feed named {name:?}")));
            };
            let removed = tx
                .execute("DELETE FROM reports WHERE source = ?1", [id])
                .map_err(e())?;
            tx.execute("DELETE FROM feed_imports WHERE feed = ?1", [id])
                .map_err(e())?;
            tx.execute("DELETE FROM feeds WHERE id = ?1", [id])
                .map_err(e())?;
            bump(tx, "reports_gen").map_err(e())?;
            Ok(removed as u64)
        })
    }
}

pub(super) fn feeds_of(conn: &Connection) -> rusqlite::Result<Vec<FeedInfo>> {
    let mut counts = std::collections::HashMap::<i64, u64>::new();
    {
        let mut stmt = conn.prepare("SELECT source, count(*) FROM reports GROUP BY source")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (source, n) = row?;
            counts.insert(source, n as u64);
        }
    }
    let mut stmt = conn
        .prepare("SELECT id, name, version, kind, format, imported_at FROM feeds ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        let id: i64 = r.get(0)?;
        Ok(FeedInfo {
            name: r.get(1)?,
            version: r.get::<_, i64>(2)? as u64,
            kind: r.get(3)?,
            format: r.get(4)?,
            imported_at: r.get(5)?,
            numbers: counts.get(&id).copied().unwrap_or(0),
        })
    })?;
    rows.collect()
}
