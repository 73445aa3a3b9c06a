//! The one public error of the bindings, and the one place the core's errors are mapped to it.

use callguard_core::store::StoreError;

/// What went wrong, with a reason in plain words (English).
///
/// Kotlin sees `CallGuardException.InvalidInput` ..., Swift `CallGuardError.InvalidInput`,
/// Python `CallGuardError.InvalidInput`; each carries `reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CallGuardError {
    /// An argument is unusable: a number, a region, a policy, a list pattern, a key, a path.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong with it.
        reason: String,
    },
    /// The database cannot be opened, read or written (or none was opened).
    #[error("database: {reason}")]
    Database {
        /// What failed.
        reason: String,
    },
    /// A feed file is malformed, badly signed, outdated or conflicting: nothing was imported.
    #[error("feed: {reason}")]
    Feed {
        /// What is wrong with the feed.
        reason: String,
    },
    /// The policy is locked by a caregiver and the PIN given does not unlock it.
    #[error("locked: {reason}")]
    Locked {
        /// Which policy.
        reason: String,
    },
    /// The import was cancelled (the progress callback returned `false`): nothing changed.
    #[error("cancelled: {reason}")]
    Cancelled {
        /// What was cancelled.
        reason: String,
    },
    /// A fault inside callguard or in a callback: a bug, never the caller's input.
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

impl CallGuardError {
    pub(crate) fn invalid(reason: impl Into<String>) -> CallGuardError {
        CallGuardError::InvalidInput {
            reason: reason.into(),
        }
    }

    /// `error`, seen while `doing` something (`adding a list entry`), as the caller sees it:
    /// where the store's words do not say what was being done (a read-only, damaged, missing
    /// or unavailable database), the reason starts with it.
    pub(crate) fn from_store(error: StoreError, doing: &str) -> CallGuardError {
        let says_what = !matches!(
            error,
            StoreError::ReadOnly { .. }
                | StoreError::Corrupt { .. }
                | StoreError::Foreign { .. }
                | StoreError::NeedsUpgrade { .. }
                | StoreError::SchemaTooNew { .. }
                | StoreError::Unavailable { .. }
                | StoreError::Io { .. }
        );
        match CallGuardError::from(error) {
            CallGuardError::Database { reason } if !says_what => CallGuardError::Database {
                reason: format!("{doing}: {reason}"),
            },
            other => other,
        }
    }
}

/// `store.add_list_entry(...).doing("adding a list entry")?`: a store error as the caller sees
/// it, saying what was being done ([`CallGuardError::from_store`]).
pub(crate) trait Doing<T> {
    /// The error mapped, `what` named where the store's words do not say it.
    fn doing(self, what: &str) -> Result<T, CallGuardError>;
}

impl<T> Doing<T> for Result<T, StoreError> {
    fn doing(self, what: &str) -> Result<T, CallGuardError> {
        self.map_err(|e| CallGuardError::from_store(e, what))
    }
}

impl From<StoreError> for CallGuardError {
    fn from(error: StoreError) -> CallGuardError {
        let reason = error.to_string();
        match error {
            StoreError::BadLine { .. }
            | StoreError::BadFeed { .. }
            | StoreError::Signature { .. }
            | StoreError::FeedOutdated { .. }
            | StoreError::FeedConflict { .. } => CallGuardError::Feed { reason },
            StoreError::Cancelled { .. } => CallGuardError::Cancelled { reason },
            StoreError::Io { .. } if error_is_not_found(&error) => {
                CallGuardError::InvalidInput { reason }
            }
            StoreError::BadKey { .. }
            | StoreError::InvalidNumber { .. }
            | StoreError::ProtectedNumber { .. }
            | StoreError::InvalidPattern { .. }
            | StoreError::InvalidText { .. }
            | StoreError::Unknown(_) => CallGuardError::InvalidInput { reason },
            _ => CallGuardError::Database { reason },
        }
    }
}

fn error_is_not_found(error: &StoreError) -> bool {
    matches!(error, StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
}

/// A foreign callback threw something other than a `CallGuardError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for CallGuardError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> CallGuardError {
        CallGuardError::Internal {
            reason: format!("a callback failed: {}", error.reason),
        }
    }
}
