//! callguard-ffi: the surface the Kotlin, Swift and Python bindings are generated from.
//!
//! Thin wrappers over `callguard-core`, exported with uniffi's proc-macros (no UDL):
//! - [`CallGuard`]: the one entry object (a database, a home region, a policy) with coarse
//!   calls: one call per screening, never per field. Safe to share between threads.
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
pub mod types;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use callguard_core as core;
use callguard_core::script::ScriptScanner;
use callguard_core::store::{self, Store};
use callguard_core::{Classifier, Policy, Region, Screener};

pub use directory::{DirectoryChunks, DirectoryReader};
pub use error::CallGuardError;
pub use types::*;

uniffi::setup_scaffolding!();

/// Follows a feed import. Implemented by the app (Kotlin, Swift, Python).
#[uniffi::export(foreign)]
pub trait ImportProgress: Send + Sync {
    /// Called now and then with the bytes read so far and the file's size, on the importing
    /// thread, and once more with (size, size) after the import finished. Return `false` to
    /// cancel: the import stops, changes nothing and fails with `CallGuardError.Cancelled`.
    /// Throwing cancels it too, failing with the error thrown (others become `Internal`).
    fn on_progress(&self, bytes_read: i64, total_bytes: i64) -> Result<bool, CallGuardError>;
}

/// The screening engine for one home region, policy and (optionally) on-device database.
///
/// Every method is safe to call from several threads at once: screening never waits for an
/// import or another write running in another thread.
#[derive(uniffi::Object)]
pub struct CallGuard {
    region: Region,
    store: Option<Arc<Store>>,
    scanner: Arc<ScriptScanner>,
    /// Replaced whole when the policy changes; screening clones the `Arc` and runs unlocked.
    screener: RwLock<Arc<Screener>>,
    /// Serialises policy changes, so a PIN check and the change it allows cannot interleave.
    policy_change: Mutex<()>,
}

impl std::fmt::Debug for CallGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallGuard")
            .field("region", &self.region)
            .field("store", &self.store)
            .finish_non_exhaustive()
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
        let store = match db_path {
            Some(path) => Some(Arc::new(Store::open(path, region)?)),
            None => None,
        };
        let mut screener = Screener::with_parts(Classifier::new(region), policy);
        if let Some(store) = &store {
            screener = screener.with_store(store.clone());
        }
        Ok(Arc::new(CallGuard {
            region,
            store,
            scanner: ScriptScanner::embedded(),
            screener: RwLock::new(Arc::new(screener)),
            policy_change: Mutex::new(()),
        }))
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
        let Some(store) = &self.store else {
            return Ok(());
        };
        let number = match &assessment.number.e164 {
            Some(text) => Some(text.parse::<core::E164>().map_err(|e| {
                CallGuardError::invalid(format!("assessment number {text:?}: {e}"))
            })?),
            None => None,
        };
        let codes: Vec<&str> = assessment.reasons.iter().map(|r| r.code.as_str()).collect();
        store.log_call(number, store::now(), assessment.verdict.as_str(), &codes)?;
        Ok(())
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
        let entry = self.store()?.add_list_entry(
            list.into(),
            &pattern,
            label.as_deref(),
            note.as_deref(),
        )?;
        Ok((&entry).into())
    }

    /// Removes an entry; `false` if it was not there.
    pub fn remove_list_entry(
        &self,
        list: ListKind,
        pattern: String,
    ) -> Result<bool, CallGuardError> {
        Ok(self.store()?.remove_list_entry(list.into(), &pattern)?)
    }

    /// Every list entry, oldest first.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, CallGuardError> {
        Ok(self
            .store()?
            .list_entries()?
            .iter()
            .map(ListEntry::from)
            .collect())
    }

    /// Records the user's report of `number` (as typed).
    pub fn report(
        &self,
        number: String,
        category: ReportCategory,
        note: Option<String>,
    ) -> Result<UserReport, CallGuardError> {
        Ok(self
            .store()?
            .report(&number, category.into(), note.as_deref())?
            .into())
    }

    /// The user's own reports as one JSON document for the app to upload (format
    /// `callguard-user-reports`, docs/STORE.md).
    pub fn export_reports(&self) -> Result<String, CallGuardError> {
        let mut out = Vec::new();
        self.store()?.export_user_reports(&mut out)?;
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
        let store = self.store()?;
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
        Ok(result?.into())
    }

    /// Counts for a settings screen.
    pub fn stats(&self) -> Result<Stats, CallGuardError> {
        Ok(self.store()?.stats()?.into())
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
    /// only with the right PIN when it is.
    pub fn policy_change_allowed(&self, pin: Option<String>) -> bool {
        self.screener().policy().change_allowed(pin.as_deref())
    }

    /// Replaces the policy (a preset name or JSON). A locked policy needs its PIN, else this
    /// fails with `Locked` and nothing changes.
    #[uniffi::method(default(pin = None))]
    pub fn set_policy(&self, policy: String, pin: Option<String>) -> Result<(), CallGuardError> {
        let new_policy = parse_policy(&policy)?;
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.screener();
        if !current.policy().change_allowed(pin.as_deref()) {
            return Err(CallGuardError::Locked {
                reason: format!(
                    "policy {:?} is locked: the PIN given does not unlock it",
                    current.policy().name
                ),
            });
        }
        let mut screener = Screener::with_parts(Classifier::new(self.region), new_policy);
        if let Some(store) = &self.store {
            screener = screener.with_store(store.clone());
        }
        *self
            .screener
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(screener);
        Ok(())
    }

    /// The policy in use, locked with `pin` (4 to 64 characters), as JSON to keep; it is also
    /// put in use. Locking a locked policy needs its current PIN as `current_pin`.
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
        let mut screener = Screener::with_parts(Classifier::new(self.region), Arc::new(locked));
        if let Some(store) = &self.store {
            screener = screener.with_store(store.clone());
        }
        *self
            .screener
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(screener);
        Ok(json)
    }
}

impl CallGuard {
    fn screener(&self) -> Arc<Screener> {
        self.screener
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self) -> Result<&Arc<Store>, CallGuardError> {
        self.store.as_ref().ok_or_else(|| CallGuardError::Database {
            reason: "no database was opened (db_path was null)".into(),
        })
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
