//! callguard-ffi: the surface the Kotlin, Swift and Python bindings are generated from.
//!
//! Thin wrappers over `callguard-core`, exported with uniffi's proc-macros (no UDL):
//! - [`CallGuard`]: the one entry object (a database, a home region, a policy) with coarse
//!   calls: one call per screening, never per field. Safe to share between threads. A
//!   database that cannot be opened never leaves the app without it: screening fails open,
//!   [`CallGuard::store_status`] says why, and [`CallGuard::recover`] repairs or reopens it.
//! - [`types`]: the records and enums that cross the FFI, converted from the core in one place.
//! - [`CallGuardError`]: the one error, with a reason; the core's errors map to it in
//!   [`error`].
//! - [`ImportProgress`]: the callback a foreign caller implements to follow (and cancel) a
//!   feed import.
//! - [`directory`]: the iOS Call Directory: planning and delivery on [`CallGuard`], and
//!   [`DirectoryReader`] / [`DirectoryChunks`] for the extension, which only reads.
//!
//! `scripts/bindings.sh` builds this library and generates the Kotlin, Swift and Python sources
//! from it (docs/BINDINGS.md).

// The scaffolding uniffi generates exports `extern "C"` functions, which is what this crate is
// for; the code written here has no `unsafe` of its own.
#![allow(unsafe_code)]

pub mod directory;
pub mod error;
pub mod fast;
pub mod types;

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError};
use std::time::{Duration, Instant};

use callguard_core as core;
use callguard_core::script::ScriptScanner;
use callguard_core::store::{self, Store, StoreOptions};
use callguard_core::{Classifier, Policy, Region, Screener};

pub use directory::{DirectoryChunks, DirectoryReader};
pub use error::CallGuardError;
pub use types::*;

uniffi::setup_scaffolding!();

/// Follows a feed import. Implemented by the app (Kotlin, Swift, Python).
#[uniffi::export(foreign)]
pub trait ImportProgress: Send + Sync {
    /// Called now and then with the bytes read so far and the file's size, on the importing
    /// thread, the last time with (size, size) once the whole file is read and before the
    /// import is committed (never after). Return `false` to cancel: the import stops, changes
    /// nothing and fails with `CallGuardError.Cancelled`. Throwing cancels it too, failing with
    /// the error thrown (others become `Internal`); the result always says what happened.
    fn on_progress(&self, bytes_read: i64, total_bytes: i64) -> Result<bool, CallGuardError>;
}

/// The screening engine for one home region, policy and (optionally) on-device database.
///
/// Every method is safe to call from several threads at once: screening never waits for an
/// import or another write running in another thread, nor for a recovery.
#[derive(uniffi::Object)]
pub struct CallGuard {
    region: Region,
    /// The database asked for, if any.
    db_path: Option<PathBuf>,
    scanner: Arc<ScriptScanner>,
    /// Replaced whole when the policy or the database changes; screening clones the `Arc` and
    /// runs unlocked. It holds the database: open, unavailable (with why) or none.
    screener: RwLock<Arc<Screener>>,
    /// Serialises policy changes and the swap of a recovered database, so a PIN check and the
    /// change it allows cannot interleave, and neither can undo the other.
    policy_change: Mutex<()>,
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
fn parse_policy(policy: &str) -> Result<Arc<Policy>, CallGuardError> {
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
            .map_err(|e: core::region::UnknownRegion| CallGuardError::invalid(e.to_string()))?;
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

    /// Screens one call. Never throws: a fault inside lets the call ring, with the reason
    /// `screening_unavailable` (fail open).
    pub fn screen(&self, call: IncomingCall) -> Assessment {
        self.screener().screen(&call.into()).into()
    }

    /// What a number is (country, kind, international?), from the number alone.
    pub fn classify(&self, number: String) -> NumberInfo {
        let info = self
            .screener()
            .classifier()
            .classify(&number, core::Presentation::Allowed);
        (&info).into()
    }

    /// Looks for scam-script phrases in a transcript, voicemail or message (Japanese or
    /// English).
    pub fn scan(&self, text: String) -> ScanResult {
        types::scan_result(&self.scanner.scan(&text), &self.scanner)
    }

    /// Records a screened call in the call log (repeat-caller rules count these). Call it after
    /// answering the phone, off the screening path. Without a database this does nothing.
    pub fn record(&self, assessment: Assessment) -> Result<(), CallGuardError> {
        if self.db_path.is_none() {
            return Ok(());
        }
        let number = match &assessment.number.e164 {
            Some(text) => Some(text.parse::<core::E164>().map_err(|e| {
                CallGuardError::invalid(format!("assessment number {text:?}: {e}"))
            })?),
            None => None,
        };
        let codes: Vec<&str> = assessment.reasons.iter().map(|r| r.code.as_str()).collect();
        let doing = "logging a call";
        self.store_for(doing)?
            .log_call(number, store::now(), assessment.verdict.as_str(), &codes)
            .map_err(|e| CallGuardError::from_store(e, doing))
    }

    /// Adds (or relabels) an entry: a number as people type it (`050-1234-5678`), a prefix
    /// (`+8150*`) or a range (`FROM..TO`). Emergency and special numbers cannot be blocked.
    pub fn add_list_entry(
        &self,
        list: ListKind,
        pattern: String,
        label: Option<String>,
        note: Option<String>,
    ) -> Result<ListEntry, CallGuardError> {
        let doing = "adding a list entry";
        let entry = self
            .store_for(doing)?
            .add_list_entry(list.into(), &pattern, label.as_deref(), note.as_deref())
            .map_err(|e| CallGuardError::from_store(e, doing))?;
        Ok((&entry).into())
    }

    /// Removes an entry; `false` if it was not there.
    pub fn remove_list_entry(
        &self,
        list: ListKind,
        pattern: String,
    ) -> Result<bool, CallGuardError> {
        let doing = "removing a list entry";
        self.store_for(doing)?
            .remove_list_entry(list.into(), &pattern)
            .map_err(|e| CallGuardError::from_store(e, doing))
    }

    /// Every list entry, oldest first.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, CallGuardError> {
        let doing = "reading the lists";
        let entries = self
            .store_for(doing)?
            .list_entries()
            .map_err(|e| CallGuardError::from_store(e, doing))?;
        Ok(entries.iter().map(ListEntry::from).collect())
    }

    /// Records the user's report of `number` (as typed).
    pub fn report(
        &self,
        number: String,
        category: ReportCategory,
        note: Option<String>,
    ) -> Result<UserReport, CallGuardError> {
        let doing = "recording a report";
        let report = self
            .store_for(doing)?
            .report(&number, category.into(), note.as_deref())
            .map_err(|e| CallGuardError::from_store(e, doing))?;
        Ok(report.into())
    }

    /// The user's own reports as one JSON document for the app to upload (format
    /// `callguard-user-reports`, docs/STORE.md).
    pub fn export_reports(&self) -> Result<String, CallGuardError> {
        let mut out = Vec::new();
        let doing = "exporting reports";
        self.store_for(doing)?
            .export_user_reports(&mut out)
            .map_err(|e| CallGuardError::from_store(e, doing))?;
        String::from_utf8(out).map_err(|e| CallGuardError::Internal {
            reason: format!("report export is not UTF-8: {e}"),
        })
    }

    /// Imports a feed file in one transaction. `progress`, if given, is called now and then
    /// and can cancel; a cancelled or failed import changes nothing.
    #[uniffi::method(default(progress = None))]
    pub fn import_feed(
        &self,
        path: String,
        options: ImportOptions,
        progress: Option<Arc<dyn ImportProgress>>,
    ) -> Result<ImportSummary, CallGuardError> {
        let doing = format!("importing {path}");
        let store = self.store_for(&doing)?;
        let mut core_options = options.to_core()?;
        let cancel = Arc::new(AtomicBool::new(false));
        core_options.cancel = Some(cancel.clone());
        let mut thrown: Option<CallGuardError> = None;
        let mut tick = |done: u64, total: u64| {
            let Some(progress) = &progress else {
                return;
            };
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            match progress.on_progress(as_i64(done), as_i64(total)) {
                Ok(true) => {}
                Ok(false) => cancel.store(true, Ordering::Relaxed),
                Err(error) => {
                    thrown = Some(error);
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        };
        let result = store.import_file(std::path::Path::new(&path), &core_options, Some(&mut tick));
        if let Some(error) = thrown {
            return Err(error);
        }
        Ok(result
            .map_err(|e| CallGuardError::from_store(e, &doing))?
            .into())
    }

    /// Counts for a settings screen.
    pub fn stats(&self) -> Result<Stats, CallGuardError> {
        let doing = "counting";
        let stats = self
            .store_for(doing)?
            .stats()
            .map_err(|e| CallGuardError::from_store(e, doing))?;
        Ok(stats.into())
    }

    /// The home region, as given (upper case).
    pub fn home_region(&self) -> String {
        self.region.to_string()
    }

    /// The name of the policy in use.
    pub fn policy_name(&self) -> String {
        self.screener().policy().name.clone()
    }

    /// The policy in use as JSON (to show, edit or keep).
    pub fn policy_json(&self) -> String {
        self.screener().policy().to_json()
    }

    /// Whether a caregiver locked the policy in use.
    pub fn policy_locked(&self) -> bool {
        self.screener().policy().is_locked()
    }

    /// Whether a change to the policy is allowed with `pin`: always when it is not locked,
    /// only with the right PIN when it is. With a database, a PIN given counts as an attempt
    /// (see `set_policy`): a wrong one adds to the wait.
    pub fn policy_change_allowed(&self, pin: Option<String>) -> bool {
        let policy = self.screener().policy().clone();
        self.pin_opens(&policy, pin.as_deref()).is_ok()
    }

    /// Replaces the policy (a preset name or JSON). A locked policy needs its PIN, else this
    /// fails with `Locked` and nothing changes. With a database, wrong PINs are counted there:
    /// after three in a row each attempt must wait (30 s, doubling, at most an hour) and is
    /// refused meanwhile, whatever the PIN; a right PIN clears the count. If the database
    /// cannot keep the count (unavailable, read-only), a locked policy cannot be changed until
    /// it is repaired.
    #[uniffi::method(default(pin = None))]
    pub fn set_policy(&self, policy: String, pin: Option<String>) -> Result<(), CallGuardError> {
        let new_policy = parse_policy(&policy)?;
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.screener();
        self.pin_opens(current.policy(), pin.as_deref())?;
        self.set_screener(Screener::clone(&current).with_policy(new_policy));
        Ok(())
    }

    /// The policy in use, locked with `pin` (4 to 64 characters, not one of the weakest such as
    /// `0000`, `1234` or a year), as JSON to keep; it is also put in use. Locking a locked
    /// policy needs its current PIN as `current_pin`, counted as `set_policy` counts it.
    #[uniffi::method(default(current_pin = None))]
    pub fn lock_policy(
        &self,
        pin: String,
        current_pin: Option<String>,
    ) -> Result<String, CallGuardError> {
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.screener();
        if let Some(why) = core::risk::pin_weakness(&pin) {
            return Err(CallGuardError::invalid(format!(
                "this PIN cannot lock a policy: {why}; choose another"
            )));
        }
        self.pin_opens(current.policy(), current_pin.as_deref())?;
        let locked = current
            .policy()
            .locked_with(&pin, current_pin.as_deref())
            .map_err(|e| match e {
                core::risk::PolicyError::Locked(_) => CallGuardError::Locked {
                    reason: e.to_string(),
                },
                _ => CallGuardError::invalid(e.to_string()),
            })?;
        let json = locked.to_json();
        self.set_screener(Screener::clone(&current).with_policy(Arc::new(locked)));
        Ok(json)
    }
}

impl CallGuard {
    /// Whether `pin` opens `policy`: `Ok` for an unlocked policy; for a locked one the PIN is
    /// counted in the database, if there is one (`Store::pin_attempt`), before it is checked.
    fn pin_opens(&self, policy: &Policy, pin: Option<&str>) -> Result<(), CallGuardError> {
        if !policy.is_locked() {
            return Ok(());
        }
        let locked = |why: String| CallGuardError::Locked {
            reason: format!("policy {:?} is locked: {why}", policy.name),
        };
        let Some(pin) = pin else {
            return Err(locked("a PIN is needed".into()));
        };
        if self.db_path.is_none() {
            // Nowhere to count attempts: the PIN's hash is all there is.
            return if policy.change_allowed(Some(pin)) {
                Ok(())
            } else {
                Err(locked("the PIN given does not unlock it".into()))
            };
        }
        let doing = "checking the caregiver's PIN";
        let attempt = self
            .store_for(doing)
            .map_err(|e| e.to_string())
            .and_then(|store| {
                store
                    .pin_attempt(store::now(), || policy.change_allowed(Some(pin)))
                    .map_err(|e| e.to_string())
            });
        match attempt {
            Ok(store::PinAttempt::Accepted) => Ok(()),
            Ok(store::PinAttempt::Refused { failures, wait }) => Err(locked(format!(
                "the PIN given does not unlock it ({failures} wrong in a row{})",
                if wait.is_zero() {
                    String::new()
                } else {
                    format!("; the next attempt must wait {} s", wait.as_secs())
                }
            ))),
            Ok(store::PinAttempt::Throttled { wait }) => Err(locked(format!(
                "too many wrong PINs: try again in {} s",
                wait.as_secs().max(1)
            ))),
            Err(error) => Err(locked(format!(
                "wrong PINs cannot be counted, so none is checked ({error}); recover() repairs \
                 the database"
            ))),
        }
    }

    fn screener(&self) -> Arc<Screener> {
        self.screener
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The database to itself, once the calls using it (an import) are done. It polls rather
    /// than waits in `write()`: a waiting writer would block new readers, and a progress
    /// callback that calls back into this object from inside an import would then deadlock.
    fn wait_for_store_use(&self) -> Result<RwLockWriteGuard<'_, ()>, CallGuardError> {
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
    fn swap_store(&self, change: impl FnOnce(Screener) -> Screener) {
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.set_screener(change(Screener::clone(&self.screener())));
    }

    fn set_screener(&self, screener: Screener) {
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
    fn store_for(&self, doing: &str) -> Result<StoreRef<'_>, CallGuardError> {
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
fn store_options(region: Region) -> StoreOptions {
    StoreOptions {
        region,
        ..StoreOptions::default()
    }
}

fn no_database() -> CallGuardError {
    CallGuardError::Database {
        reason: "no database was opened (db_path was null)".into(),
    }
}

/// The policy presets: `balanced`, `elderly`, `minimal`.
#[uniffi::export]
pub fn policy_presets() -> Vec<String> {
    Policy::preset_names().map(str::to_owned).collect()
}

/// The version of callguard behind these bindings.
#[uniffi::export]
pub fn callguard_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
