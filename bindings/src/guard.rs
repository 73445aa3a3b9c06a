//! [`CallGuard`]: the one entry object, and what its calls share: the screener in use
//! (replaced whole when the policy or the database changes) and the database, guarded so a
//! recovery never moves it under a call that uses it.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError};
use std::time::{Duration, Instant};

use callguard_core::claims::script::ScriptScanner;
use callguard_core::store::{Store, StoreOptions};
use callguard_core::{Classifier, Policy, Region, Screener};

use crate::error::CallGuardError;

/// The screening engine for one home region, policy and (optionally) on-device database.
///
/// Every method is safe to call from several threads at once: screening never waits for an
/// import or another write running in another thread, nor for a recovery.
#[derive(uniffi::Object)]
pub struct CallGuard {
    pub(crate) region: Region,
    /// The database asked for, if any.
    pub(crate) db_path: Option<PathBuf>,
    pub(crate) scanner: Arc<ScriptScanner>,
    /// Replaced whole when the policy or the database changes; screening clones the `Arc` and
    /// runs unlocked. It holds the database: open, unavailable (with why) or none.
    screener: RwLock<Arc<Screener>>,
    /// Serialises policy changes and the swap of a recovered database, so a PIN check and the
    /// change it allows cannot interleave, and neither can undo the other.
    pub(crate) policy_change: Mutex<()>,
    /// Held shared by every call that uses the database and exclusively by `recover`, so a
    /// recovery never moves the file under an import or a list change of this object.
    /// Screening never takes it. (Shared holders may take it again: a progress callback may
    /// call back into the object; see `wait_for_store_use`.)
    store_use: RwLock<()>,
}

impl std::fmt::Debug for CallGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let screener = self.screener();
        f.debug_struct("CallGuard")
            .field("region", &self.region)
            .field("store", &screener.store())
            .field("store_error", &screener.store_error())
            .finish_non_exhaustive()
    }
}

/// The database, for one call that uses it; a recovery waits until it is dropped.
pub(crate) struct StoreRef<'a> {
    store: Arc<Store>,
    _use: RwLockReadGuard<'a, ()>,
}

impl Deref for StoreRef<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

/// A preset name (`balanced`, `elderly`, `minimal`; empty for the default) or a policy as JSON.
pub(crate) fn parse_policy(policy: &str) -> Result<Arc<Policy>, CallGuardError> {
    let text = policy.trim();
    if text.is_empty() {
        return Ok(Policy::default_policy());
    }
    if text.starts_with('{') {
        return Policy::from_json(text)
            .map(Arc::new)
            .map_err(|e| CallGuardError::invalid(format!("policy: {e}")));
    }
    Policy::preset(text).ok_or_else(|| {
        let names: Vec<&str> = Policy::preset_names().collect();
        CallGuardError::invalid(format!(
            "unknown policy {text:?}: expected one of {} or a policy as JSON",
            names.join(", ")
        ))
    })
}

#[uniffi::export]
impl CallGuard {
    /// Opens (creating if needed) the database at `db_path`, or none: then lists, reports,
    /// imports and the call log are unavailable and screening uses the number alone.
    /// `home_region` is an ISO 3166 code (`JP`); `policy` a preset name or a policy as JSON.
    ///
    /// Only a bad region or policy throws. A database that cannot be opened (damaged, from a
    /// newer callguard, locked by another process, in a read-only folder) gives a working
    /// object all the same: screening lets the calls only the database could decide ring with
    /// `screening_unavailable` (emergency numbers ring as always), the calls that need the
    /// database throw `Database` with the reason, `store_status` says why, and `recover`
    /// repairs or reopens it.
    #[uniffi::constructor]
    pub fn new(
        db_path: Option<String>,
        home_region: String,
        policy: String,
    ) -> Result<Arc<CallGuard>, CallGuardError> {
        let region: Region = home_region
            .parse()
            .map_err(|e: callguard_core::UnknownRegion| CallGuardError::invalid(e.to_string()))?;
        let policy = parse_policy(&policy)?;
        let db_path = db_path.map(PathBuf::from);
        let mut screener = Screener::with_parts(Classifier::new(region), policy);
        if let Some(path) = &db_path {
            screener = screener.with_store_at(path, store_options(region));
        }
        Ok(Arc::new(CallGuard {
            region,
            db_path,
            scanner: ScriptScanner::embedded(),
            screener: RwLock::new(Arc::new(screener)),
            policy_change: Mutex::new(()),
            store_use: RwLock::new(()),
        }))
    }

    /// The home region, as given (upper case).
    pub fn home_region(&self) -> String {
        self.region.to_string()
    }
}

impl CallGuard {
    pub(crate) fn screener(&self) -> Arc<Screener> {
        self.screener
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The database to itself, once the calls using it (an import) are done. It polls rather
    /// than waits in `write()`: a waiting writer would block new readers, and a progress
    /// callback that calls back into this object from inside an import would then deadlock.
    pub(crate) fn wait_for_store_use(&self) -> Result<RwLockWriteGuard<'_, ()>, CallGuardError> {
        let deadline = Instant::now() + STORE_USE_WAIT;
        loop {
            match self.store_use.try_write() {
                Ok(guard) => return Ok(guard),
                Err(TryLockError::Poisoned(poisoned)) => return Ok(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(CallGuardError::Database {
                        reason: "recovering the database: another call on it (an import?) \
                                 is still running: nothing changed"
                            .into(),
                    })
                }
            }
        }
    }

    /// Puts the screener in use, changed by `change` (its store), keeping its policy.
    pub(crate) fn swap_store(&self, change: impl FnOnce(Screener) -> Screener) {
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.set_screener(change(Screener::clone(&self.screener())));
    }

    pub(crate) fn set_screener(&self, screener: Screener) {
        *self
            .screener
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(screener);
    }

    /// The database, for a call that uses it, or why there is none.
    pub(crate) fn store(&self) -> Result<StoreRef<'_>, CallGuardError> {
        self.store_for("using the database")
    }

    /// [`CallGuard::store`], the error saying what was being done.
    pub(crate) fn store_for(&self, doing: &str) -> Result<StoreRef<'_>, CallGuardError> {
        let store_use = self
            .store_use
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let screener = self.screener();
        let Some(store) = screener.store() else {
            return Err(match screener.store_error() {
                Some(error) => CallGuardError::from_store(
                    error.unavailable(self.db_path.as_deref().unwrap_or_else(|| "".as_ref())),
                    doing,
                ),
                None => no_database(),
            });
        };
        // A file deleted or replaced under the store: refuse every use rather than answer from
        // (or write into) a file that is gone.
        store
            .ensure_same_file()
            .map_err(|e| CallGuardError::Database {
                reason: format!("{doing}: {e} (recover() opens a new one)"),
            })?;
        Ok(StoreRef {
            store: store.clone(),
            _use: store_use,
        })
    }
}

/// How long `recover` waits for the calls using the database (an import) to finish.
const STORE_USE_WAIT: Duration = Duration::from_secs(60);

/// How the bindings open the database.
pub(crate) fn store_options(region: Region) -> StoreOptions {
    StoreOptions {
        region,
        ..StoreOptions::default()
    }
}

pub(crate) fn no_database() -> CallGuardError {
    CallGuardError::Database {
        reason: "no database was opened (db_path was null)".into(),
    }
}
