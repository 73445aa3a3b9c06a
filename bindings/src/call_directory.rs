//! The iOS Call Directory across the FFI (docs/IOS.md, ios-demo/README.md).
//!
//! The app plans and records deliveries through [`CallGuard`] (`plan_directory`,
//! `begin_directory_load`, `finish_directory_load`); the Call Directory extension, a separate
//! process, opens the same database read-only as a [`DirectoryReader`] and streams the load in
//! [`DirectoryChunks`], one chunk at a time (memory O(chunk) whatever the plan's size).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use callguard_core::call_directory::live::MANIFEST_FILE;
use callguard_core::call_directory::{
    self, DirectoryChunk, DirectoryLoad, DirectoryLoadMode, PlanOptions,
};
use callguard_core::store::{self, Store, StoreOptions};
use callguard_core::Lang;

use crate::error::CallGuardError;
use crate::CallGuard;

/// The most extensions a plan is split across (one extension target each).
const MAX_EXTENSIONS: u32 = 64;

/// How the Call Directory extension loads one request.
#[uniffi::remote(Enum)]
pub enum DirectoryLoadMode {
    /// A full (non-incremental) request: add every entry of the plan.
    Full,
    /// An incremental request from the version the system holds: removals, then additions.
    Delta,
    /// An incremental request when what the system holds is unknown: remove everything, then
    /// add every entry of the plan.
    Reset,
}

/// What one Call Directory extension request loads (`DirectoryReader.load`), handed back to
/// `DirectoryReader.chunks` as is.
#[uniffi::remote(Record)]
pub struct DirectoryLoad {
    /// The extension (0 is the first).
    pub extension: u32,
    /// The plan version loaded (0: no plan yet, nothing to load).
    pub version: u64,
    /// For a delta, the version the system holds.
    pub base: Option<u64>,
    /// Full, delta or reset.
    pub mode: DirectoryLoadMode,
}

/// One chunk for the Call Directory extension, applied in this order: remove everything
/// (first chunk of a reset only), removals, additions. Every list is strictly ascending and
/// continues the previous chunk's.
#[uniffi::remote(Record)]
pub struct DirectoryChunk {
    /// `removeAllBlockingEntries()` and `removeAllIdentificationEntries()` first.
    pub remove_all: bool,
    /// `removeBlockingEntry(withPhoneNumber:)` for each.
    pub remove_blocking: Vec<i64>,
    /// `removeIdentificationEntry(withPhoneNumber:)` for each.
    pub remove_identification: Vec<i64>,
    /// `addBlockingEntry(withNextSequentialPhoneNumber:)` for each.
    pub add_blocking: Vec<i64>,
    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)` for each, with
    /// `labels[i]`.
    pub add_identification: Vec<i64>,
    /// The labels of `add_identification`, one each.
    pub labels: Vec<String>,
}

/// What a stored Call Directory plan holds and left out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryPlanSummary {
    /// The plan's version (grows with every plan, never reused).
    pub version: u64,
    /// Entries planned, over every extension.
    pub entries: u64,
    /// Blocking entries planned.
    pub blocking: u64,
    /// Identification entries planned.
    pub identification: u64,
    /// Entries the lists and reports would give with no budget.
    pub candidates: u64,
    /// Entries left out for the budget.
    pub left_out: u64,
    /// Entries per extension at most.
    pub budget: u64,
    /// Extensions the plan is split across.
    pub extensions: u32,
    /// The whole summary as JSON (per source and per extension; docs/IOS.md).
    pub summary_json: String,
}

impl DirectoryPlanSummary {
    pub(crate) fn new(
        summary: &call_directory::PlanSummary,
        summary_json: String,
    ) -> DirectoryPlanSummary {
        DirectoryPlanSummary {
            version: summary.version,
            entries: summary.entries,
            blocking: summary.blocking,
            identification: summary.identification,
            candidates: summary.candidates,
            left_out: summary.left_out,
            budget: summary.budget,
            extensions: u32::try_from(summary.extensions.len()).unwrap_or(u32::MAX),
            summary_json,
        }
    }
}

#[uniffi::export]
impl CallGuard {
    /// Plans the Call Directory from the lists and reports under the policy in use, stores it
    /// as a new version and returns its summary. `budget`: entries per extension at most (about
    /// a million per extension is known to load); `extensions`: how many extensions to split
    /// across (1 to 64); `lang`: the language of labels.
    pub fn plan_directory(
        &self,
        budget: u64,
        extensions: u32,
        lang: Lang,
    ) -> Result<DirectoryPlanSummary, CallGuardError> {
        if budget == 0 {
            return Err(CallGuardError::invalid(
                "directory budget 0: expected 1 or more entries per extension",
            ));
        }
        if !(1..=MAX_EXTENSIONS).contains(&extensions) {
            return Err(CallGuardError::invalid(format!(
                "{extensions} directory extensions: expected 1 to {MAX_EXTENSIONS}"
            )));
        }
        let options = PlanOptions {
            budget,
            extensions,
            lang,
            now: store::now(),
        };
        let store = self.store()?;
        let summary = store.plan_directory(self.screener().policy(), &options)?;
        let json = store
            .directory_summary_json(summary.version)?
            .ok_or_else(|| CallGuardError::Internal {
                reason: format!("directory plan {} was not stored", summary.version),
            })?;
        Ok(DirectoryPlanSummary::new(&summary, json))
    }

    /// Before `reloadExtension`: marks the newest plan as loading for `extension` and returns
    /// its version (0 if nothing was planned yet).
    pub fn begin_directory_load(&self, extension: u32) -> Result<u64, CallGuardError> {
        Ok(self.store()?.begin_directory_load(extension)?)
    }

    /// In `reloadExtension`'s completion handler: records whether `version` reached the
    /// system for `extension`. After a failure the next incremental load resets.
    pub fn finish_directory_load(
        &self,
        extension: u32,
        version: u64,
        delivered: bool,
    ) -> Result<(), CallGuardError> {
        Ok(self
            .store()?
            .finish_directory_load(extension, version, delivered)?)
    }

    /// Writes the Live Caller ID Lookup (iOS 18) dataset into the folder `dir` (created if
    /// needed): `block.jsonl`, `identity.jsonl` and `manifest.json`, planned under the policy
    /// in use with labels in `lang`. Returns the manifest (JSON). Stores nothing.
    pub fn export_live_caller_id(&self, dir: String, lang: Lang) -> Result<String, CallGuardError> {
        let options = PlanOptions {
            budget: u64::MAX,
            extensions: 1,
            lang,
            now: store::now(),
        };
        let dir = Path::new(&dir);
        self.store()?
            .export_live_caller_id(self.screener().policy(), &options, dir)?;
        let manifest = dir.join(MANIFEST_FILE);
        std::fs::read_to_string(&manifest).map_err(|e| CallGuardError::Database {
            reason: format!("reading {}: {e}", manifest.display()),
        })
    }
}

/// The Call Directory extension's view of the database: opened read-only (the app keeps
/// writing), it says what a request loads and streams it in chunks.
#[derive(Debug, uniffi::Object)]
pub struct DirectoryReader {
    store: Arc<Store>,
}

#[uniffi::export]
impl DirectoryReader {
    /// Opens the database the app writes (in the App Group container) read-only. It must
    /// exist: the app creates it.
    #[uniffi::constructor]
    pub fn open(db_path: String) -> Result<Arc<DirectoryReader>, CallGuardError> {
        let store = Store::open_with(
            &db_path,
            StoreOptions {
                read_only: true,
                // The extension never screens: no reported numbers are held in memory.
                reports_in_memory: false,
                ..StoreOptions::default()
            },
        )?;
        Ok(Arc::new(DirectoryReader {
            store: Arc::new(store),
        }))
    }

    /// What extension `extension` loads for a request (`incremental`: the request's
    /// `isIncremental`): the full plan, the delta from the version the system holds, or a
    /// reset when that version is unknown.
    pub fn load(&self, extension: u32, incremental: bool) -> Result<DirectoryLoad, CallGuardError> {
        Ok(self.store.directory_load(extension, incremental)?)
    }

    /// The chunks of `load` (as `load` returned it), at most `max_entries` numbers each
    /// (4,096 keeps the extension's memory small).
    pub fn chunks(
        &self,
        load: DirectoryLoad,
        max_entries: u32,
    ) -> Result<Arc<DirectoryChunks>, CallGuardError> {
        if max_entries == 0 {
            return Err(CallGuardError::invalid(
                "max_entries 0: expected 1 or more numbers per chunk",
            ));
        }
        if load.mode == DirectoryLoadMode::Delta && load.base.is_none() {
            return Err(CallGuardError::invalid(
                "a delta load needs the base version the system holds",
            ));
        }
        let reader = Store::directory_chunks_shared(&self.store, &load, max_entries as usize)?;
        Ok(Arc::new(DirectoryChunks {
            reader: Mutex::new(reader),
        }))
    }
}

/// The chunks of one extension request, read one at a time from the database.
#[derive(uniffi::Object)]
pub struct DirectoryChunks {
    reader: Mutex<call_directory::DirectoryChunks<'static>>,
}

impl std::fmt::Debug for DirectoryChunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryChunks").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl DirectoryChunks {
    /// The next chunk, or none when the load is complete.
    pub fn next_chunk(&self) -> Result<Option<DirectoryChunk>, CallGuardError> {
        let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(reader.next_chunk()?)
    }
}
