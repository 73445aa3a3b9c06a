//! The on-device database: its state, its repair, and counts for a settings screen.

use std::sync::Arc;

use callguard_core::store::{self, Store};

use crate::error::Doing;
use crate::{no_database, store_options, CallGuard, CallGuardError};

/// Whether the on-device database is in use (`CallGuard.store_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StoreState {
    /// None was asked for (`db_path` was null): screening uses the number alone.
    NoDatabase,
    /// Open and answering.
    Ready,
    /// Asked for, but it could not be opened or does not answer now (the status's `reason`
    /// says why): screening lets the calls only it could decide ring with
    /// `screening_unavailable`, and the calls that need it throw `Database`. `recover`
    /// repairs or reopens it.
    Unavailable,
}

/// The state of the on-device database and, when it is unavailable, why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreStatus {
    /// Ready, unavailable or none.
    pub state: StoreState,
    /// The database file asked for.
    pub path: Option<String>,
    /// Why it is unavailable, naming the file (English).
    pub reason: Option<String>,
}

/// What recovery kept of one table of the user's data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TableRecovery {
    /// The table: `list_entries` (both lists), `user_reports` (the user's reports with their
    /// notes), `reports` (what screening counts of them), `trusted_keys` or `call_log`.
    pub table: String,
    /// Rows copied into the new database.
    pub kept: i64,
    /// Rows read whose values were unusable, left behind.
    pub lost: i64,
    /// Why reading the table stopped, if it did: the rows after that point are lost too.
    pub error: Option<String>,
}

/// A feed that was installed in the damaged database: import it again.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedToImport {
    /// Its name.
    pub name: String,
    /// The version that was installed.
    pub version: i64,
}

/// What `CallGuard.recover` found and did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryReport {
    /// The database file.
    pub path: String,
    /// The file was healthy and nothing was changed (it was reopened).
    pub healthy: bool,
    /// No file was there: a new, empty database was created.
    pub created: bool,
    /// What was wrong, naming the file (English); none when healthy.
    pub damage: Option<String>,
    /// Where the damaged file was moved (its `-wal` and `-shm` beside it with the same
    /// suffixes); none when nothing was moved.
    pub moved_to: Option<String>,
    /// Per table of the user's data, what was kept and lost (empty when nothing was moved).
    pub tables: Vec<TableRecovery>,
    /// The feeds that were installed: their reports were not kept, import them again.
    pub feeds_to_import: Vec<FeedToImport>,
    /// Why the installed feeds could not be listed, if they could not.
    pub feeds_error: Option<String>,
}

impl From<store::RecoveryReport> for RecoveryReport {
    fn from(r: store::RecoveryReport) -> RecoveryReport {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        RecoveryReport {
            path: r.path.display().to_string(),
            healthy: r.healthy(),
            created: r.created,
            damage: r.damage,
            moved_to: r.moved_to.map(|p| p.display().to_string()),
            tables: r
                .tables
                .into_iter()
                .map(|t| TableRecovery {
                    table: t.table,
                    kept: count(t.kept),
                    lost: count(t.lost),
                    error: t.error,
                })
                .collect(),
            feeds_to_import: r
                .feeds_to_import
                .into_iter()
                .map(|f| FeedToImport {
                    name: f.name,
                    version: count(f.version),
                })
                .collect(),
            feeds_error: r.feeds_error,
        }
    }
}

/// A feed as installed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedInfo {
    /// Its name.
    pub name: String,
    /// The installed version.
    pub version: i64,
    /// `full` or `delta`: how the last import applied.
    pub kind: String,
    /// The format of the last import.
    pub format: String,
    /// When it was last imported (Unix seconds).
    pub imported_at: i64,
    /// How many numbers it reports.
    pub numbers: i64,
}

/// Counts for people (a settings screen).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Stats {
    /// The database file.
    pub path: String,
    /// Its schema version.
    pub schema_version: i64,
    /// Bytes on disk, the write-ahead log included.
    pub file_bytes: i64,
    /// Entries on the allow list.
    pub allow_entries: i64,
    /// Entries on the block list.
    pub block_entries: i64,
    /// Distinct reported numbers.
    pub reported_numbers: i64,
    /// The user's own reports.
    pub user_reports: i64,
    /// Installed feeds.
    pub feeds: Vec<FeedInfo>,
    /// Calls in the call log.
    pub logged_calls: i64,
    /// Trusted feed-signing keys.
    pub trusted_keys: i64,
}

impl From<store::Stats> for Stats {
    fn from(s: store::Stats) -> Stats {
        Stats {
            path: s.path.display().to_string(),
            schema_version: s.schema_version,
            file_bytes: s.file_bytes as i64,
            allow_entries: s.allow_entries as i64,
            block_entries: s.block_entries as i64,
            reported_numbers: s.reported_numbers as i64,
            user_reports: s.user_reports as i64,
            feeds: s
                .feeds
                .into_iter()
                .map(|f| FeedInfo {
                    name: f.name,
                    version: f.version as i64,
                    kind: f.kind,
                    format: f.format,
                    imported_at: f.imported_at,
                    numbers: f.numbers as i64,
                })
                .collect(),
            logged_calls: s.logged_calls as i64,
            trusted_keys: s.trusted_keys as i64,
        }
    }
}

#[uniffi::export]
impl CallGuard {
    /// The state of the database: ready, unavailable (and why), or none asked for. For an
    /// open database it also checks that the file is still there, that its tables are whole,
    /// and loads what another process changed, as the next screening would (milliseconds;
    /// longer after a big import by another process): call it off the UI thread.
    pub fn store_status(&self) -> StoreStatus {
        let screener = self.screener();
        let path = self.db_path.as_ref().map(|p| p.display().to_string());
        let (state, reason) = match (screener.store(), screener.store_error()) {
            (Some(store), _) => match store.check() {
                Ok(()) => (StoreState::Ready, None),
                Err(error) => (StoreState::Unavailable, Some(error.to_string())),
            },
            (None, Some(error)) => (StoreState::Unavailable, Some(error.to_string())),
            (None, None) => (StoreState::NoDatabase, None),
        };
        StoreStatus {
            state,
            path,
            reason,
        }
    }

    /// Repairs the database if it is damaged, or reopens it after a passing fault (another
    /// process held it, the disk was full), and puts it in use; returns what was found and
    /// done. A healthy file is left as it is; a missing one is created. A damaged one is
    /// moved aside (never deleted) and replaced by a fresh database holding what could be
    /// saved of the lists, the user's reports, trusted keys and the call log: import the
    /// feeds named in the report again.
    ///
    /// It reads the whole file (seconds for a big one): call it off the UI thread. It first
    /// waits (up to a minute) for calls on the database, such as an import, to finish;
    /// screening goes on meanwhile (failing open while a damaged database is rebuilt), and
    /// other calls on the database wait for it. Throws
    /// `Database` when the database is from a newer callguard, still locked by another
    /// process, in a read-only folder or on a full disk, when an import outlasts the wait,
    /// and when none was asked for; then nothing changed.
    pub fn recover(&self) -> Result<RecoveryReport, CallGuardError> {
        let Some(path) = &self.db_path else {
            return Err(no_database());
        };
        let _use = self.wait_for_store_use()?;
        // A damaged store only fails open: stop screening through it while the file moves, so
        // that nothing (a background reload) opens the file meanwhile. A healthy or merely
        // locked one goes on screening; nothing moves under it.
        let damaged = self
            .screener()
            .store()
            .filter(|store| store.check().is_err_and(|e| e.is_damage()))
            .cloned();
        if damaged.is_some() {
            let recovering = store::StoreError::Unavailable {
                path: path.clone(),
                reason: format!("{}: being recovered", path.display()),
            };
            self.swap_store(|screener| screener.with_unavailable_store(recovering));
        }
        let result = Store::recover(path, store_options(self.region));
        let (store, report) = match result {
            Ok(recovered) => recovered,
            Err(error) => {
                if let Some(store) = damaged {
                    self.swap_store(|screener| screener.with_store(store));
                }
                return Err(match CallGuardError::from(error) {
                    // Whatever the store's words, say it was the recovery that failed.
                    CallGuardError::Database { reason } => CallGuardError::Database {
                        reason: format!("recovering the database: {reason}"),
                    },
                    other => other,
                });
            }
        };
        self.swap_store(|screener| screener.with_store(Arc::new(store)));
        Ok(report.into())
    }

    /// Counts for a settings screen.
    pub fn stats(&self) -> Result<Stats, CallGuardError> {
        let doing = "counting";
        let stats = self.store_for(doing)?.stats().doing(doing)?;
        Ok(stats.into())
    }
}
