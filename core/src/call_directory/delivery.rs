//! Delivering a stored plan to the Call Directory extension: what one request loads (full,
//! delta or reset), the chunks it reads, and the record of what the system holds.

use std::ops::Deref;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};

use super::store::collect_directory_garbage;
use super::{decode_runs, ChunkReader, Run, RunSource};
use crate::store::{Store, StoreError};
/// How the extension loads a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryLoadMode {
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
    pub mode: DirectoryLoadMode,
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

    fn rewind(&mut self) {
        self.next_seq = 0;
        self.buf.clear();
        self.at = 0;
        // Plan versions start at 1: 0 is "no plan", which has nothing to read.
        self.done = self.version == 0;
    }
}

/// The chunks of one extension request: `Iterator<Item = Result<DirectoryChunk, StoreError>>`.
pub type DirectoryChunks<'a> = ChunkReader<StoredRuns<'a>, StoredRuns<'a>>;

impl Store {
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
            (DirectoryLoadMode::Full, None)
        } else {
            match delivered {
                Some(base) if base == version || self.directory_plan_exists(base)? => {
                    (DirectoryLoadMode::Delta, Some(base))
                }
                _ => (DirectoryLoadMode::Reset, None),
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
            DirectoryLoadMode::Delta => load.base.filter(|&b| b > 0),
            DirectoryLoadMode::Full | DirectoryLoadMode::Reset => None,
        };
        Ok(ChunkReader::new(
            StoredRuns::open(Handle::Borrowed(self), base, load.extension)?,
            StoredRuns::open(Handle::Borrowed(self), version, load.extension)?,
            max_entries,
            load.mode == DirectoryLoadMode::Reset,
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
            DirectoryLoadMode::Delta => load.base.filter(|&b| b > 0),
            DirectoryLoadMode::Full | DirectoryLoadMode::Reset => None,
        };
        Ok(ChunkReader::new(
            StoredRuns::open(Handle::Shared(store.clone()), base, load.extension)?,
            StoredRuns::open(Handle::Shared(store.clone()), version, load.extension)?,
            max_entries,
            load.mode == DirectoryLoadMode::Reset,
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
}
