//! Feeds: signed, versioned lists of reported numbers, imported in one transaction.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use callguard_core::store::{self, FeedFormat, FeedKind};

use crate::error::Doing;
use crate::{CallGuard, CallGuardError};

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

/// A feed file format.
#[uniffi::remote(Enum)]
pub enum FeedFormat {
    /// callguard's CSV.
    Csv,
    /// JSON Lines.
    Jsonl,
    /// The US FTC's "Do Not Call reported calls" CSV.
    Ftc,
}

/// Whether a feed file replaces the installed feed or patches it.
#[uniffi::remote(Enum)]
pub enum FeedKind {
    /// The file is the whole feed.
    Full,
    /// The file adds to (or removes from) the installed feed.
    Delta,
}

/// How to import a feed; anything left empty comes from the file's metadata lines.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ImportOptions {
    /// The format; by default sniffed from the content and the file name.
    #[uniffi(default = None)]
    pub format: Option<FeedFormat>,
    /// The feed's name; must agree with a `# name:` line if both are given.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// The feed's version (1 or more); must agree with a `# version:` line if both are given.
    #[uniffi(default = None)]
    pub version: Option<i64>,
    /// Full or delta; must agree with a `# kind:` line if both are given.
    #[uniffi(default = None)]
    pub kind: Option<FeedKind>,
    /// Skip (and count) malformed lines instead of aborting the import.
    #[uniffi(default = false)]
    pub skip_invalid: bool,
    /// ed25519 public keys (base64) trusted for this import, on top of the stored ones.
    #[uniffi(default)]
    pub trusted_keys: Vec<String>,
    /// The detached signature file; `FILE.sig` by default.
    #[uniffi(default = None)]
    pub signature: Option<String>,
    /// A signed manifest; `FILE.manifest.json` by default if it exists.
    #[uniffi(default = None)]
    pub manifest: Option<String>,
}

impl ImportOptions {
    pub(crate) fn to_core(&self) -> Result<store::ImportOptions, CallGuardError> {
        let version = match self.version {
            None => None,
            Some(v) if v >= 1 => Some(v as u64),
            Some(v) => {
                return Err(CallGuardError::invalid(format!(
                    "feed version {v}: expected 1 or more"
                )))
            }
        };
        let trusted_keys = self
            .trusted_keys
            .iter()
            .map(|k| {
                store::feed::parse_public_key(k)
                    .map_err(|e| CallGuardError::invalid(format!("trusted key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(store::ImportOptions {
            format: self.format,
            name: self.name.clone(),
            version,
            kind: self.kind,
            skip_invalid: self.skip_invalid,
            trusted_keys,
            signature: self.signature.as_ref().map(Into::into),
            manifest: self.manifest.as_ref().map(Into::into),
            cancel: None,
        })
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportSummary {
    /// The feed's name.
    pub feed: String,
    /// The version now installed.
    pub version: i64,
    /// Full or delta.
    pub kind: FeedKind,
    /// The format read.
    pub format: FeedFormat,
    /// Data lines read.
    pub rows_read: i64,
    /// Rows added.
    pub imported: i64,
    /// Rows that removed a number (delta feeds).
    pub removed: i64,
    /// Malformed lines skipped (with `skip_invalid`).
    pub skipped: i64,
    /// Rows for emergency or special numbers, never stored.
    pub protected: i64,
    /// Distinct numbers the feed now reports (full) or that this file touched (delta).
    pub numbers_touched: i64,
    /// The same file was imported before: nothing changed.
    pub already_imported: bool,
    /// The signature was checked against a trusted key.
    pub signed: bool,
    /// The first few skipped lines, as `line N: what is wrong`.
    pub problems: Vec<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl From<store::ImportSummary> for ImportSummary {
    fn from(s: store::ImportSummary) -> ImportSummary {
        ImportSummary {
            feed: s.feed,
            version: s.version as i64,
            kind: s.kind,
            format: s.format,
            rows_read: s.rows_read as i64,
            imported: s.imported as i64,
            removed: s.removed as i64,
            skipped: s.skipped as i64,
            protected: s.protected as i64,
            numbers_touched: s.numbers_touched as i64,
            already_imported: s.already_imported,
            signed: s.signed,
            problems: s.problems,
            seconds: s.seconds,
        }
    }
}

#[uniffi::export]
impl CallGuard {
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
        Ok(result.doing(&doing)?.into())
    }
}
