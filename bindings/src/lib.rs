//! callguard-ffi: the surface the Kotlin, Swift and Python bindings are generated from.
//!
//! Thin wrappers over `callguard-core`, exported with uniffi's proc-macros (no UDL). The core's
//! enums cross the FFI as they are (`#[uniffi::remote]`: the compiler checks each against the
//! core's definition, and no conversion code exists to drift); records keep the shape foreign
//! code wants (plain signed integers, text in the language asked for). By domain:
//! - [`guard`]: [`CallGuard`], the one entry object (a database, a home region, a policy),
//!   with coarse calls: one call per screening, never per field. Safe to share between threads.
//! - [`screening`]: the call handed in and the verdict, reasons and advice in the person's
//!   language ([`Lang`], one typed parameter); [`fast`]: `screenSummary` for the hot path.
//! - [`lists`], [`feeds`], [`policy`], [`database`]: the person's lists and reports, feed
//!   imports (with [`ImportProgress`] to follow and cancel them), the policy and the caregiver's
//!   lock, the database's state and repair.
//! - [`call_directory`]: the iOS Call Directory: planning and delivery on [`CallGuard`], and
//!   [`DirectoryReader`] / [`DirectoryChunks`] for the extension, which only reads.
//! - [`CallGuardError`]: the one error, with a reason; the core's errors map to it in
//!   [`error`].
//!
//! `scripts/bindings.sh` builds this library and generates the Kotlin, Swift and Python sources
//! from it (docs/BINDINGS.md).

// The scaffolding uniffi generates exports `extern "C"` functions, which is what this crate is
// for; the code written here has no `unsafe` of its own.
#![allow(unsafe_code)]

pub mod call_directory;
pub mod database;
pub mod error;
pub mod fast;
pub mod feeds;
pub mod guard;
pub mod lists;
pub mod policy;
pub mod screening;

pub use callguard_core::Lang;
use callguard_core::Policy;

pub use call_directory::{DirectoryChunks, DirectoryPlanSummary, DirectoryReader};
// The core's types that cross the FFI as they are.
pub use callguard_core::call_directory::{DirectoryChunk, DirectoryLoad, DirectoryLoadMode};
pub use callguard_core::claims::script::ScriptLevel;
pub use callguard_core::store::{FeedFormat, FeedKind, ListKind, ReportCategory};
pub use callguard_core::{NumberKind, Presentation, Verdict, Verification};
pub use database::{FeedInfo, RecoveryReport, Stats, StoreState, StoreStatus};
pub use error::CallGuardError;
pub use fast::ScreenSummary;
pub use feeds::{ImportOptions, ImportProgress, ImportSummary};
pub use guard::CallGuard;
pub(crate) use guard::{no_database, parse_policy, store_options};
pub use lists::{ListEntry, UserReport};
pub use screening::{Assessment, IncomingCall, LocalTime, NumberInfo, Reason, ScanResult};

uniffi::setup_scaffolding!();

// A language crosses the FFI as its code (`"ja"`, `"en"`, or a locale such as `"ja-JP"`):
// Kotlin and Swift see a `Lang` type alias of their string type. One callguard does not speak
// falls back to English, as an app's resources do: a language setting never makes a screening
// fail.
uniffi::custom_type!(Lang, String, {
    remote,
    lower: |lang| lang.code().to_owned(),
    try_lift: |code| Ok(code.parse::<Lang>().ok().or_else(|| Lang::from_locale(&code)).unwrap_or(Lang::EN)),
});

/// The languages callguard speaks (`ja`, `en` ...), the default first.
#[uniffi::export]
pub fn languages() -> Vec<Lang> {
    Lang::all().to_vec()
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
