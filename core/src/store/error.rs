//! The one public error of the store, and the one place SQLite's errors are mapped to it.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// What went wrong in the store, naming the file, line or value concerned.
///
/// Every failing write leaves the database exactly as it was: writes run in one transaction each.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// A feed line is malformed (and `skip_invalid` was not set).
    #[error("{}: line {line}: {message}", path.display())]
    BadLine {
        /// The feed file.
        path: PathBuf,
        /// The line, counting from 1 (metadata and header lines included).
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// The feed as a whole is unusable: no name, no `number` column, an unknown format ...
    #[error("{}: {message}", path.display())]
    BadFeed {
        /// The feed file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Trusted keys are configured and the feed's signature is missing, malformed or wrong.
    #[error("{}: {message}", path.display())]
    Signature {
        /// The feed file.
        path: PathBuf,
        /// What is wrong with its signature.
        message: String,
    },
    /// A key file is not an ed25519 public key.
    #[error("{}: {message}", path.display())]
    BadKey {
        /// The key file (or the name the key was given).
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The feed's version is older than the one installed: importing it would go back in time.
    #[error("feed {name:?} version {given} is older than the installed version {installed}")]
    FeedOutdated {
        /// The feed's name.
        name: String,
        /// The version installed.
        installed: u64,
        /// The version of the file.
        given: u64,
    },
    /// The same feed version was imported before from a file with different contents.
    #[error("feed {name:?} version {version} was already imported from a different file")]
    FeedConflict {
        /// The feed's name.
        name: String,
        /// The version.
        version: u64,
    },
    /// A number typed for a list or a report is not a usable phone number.
    #[error("{input:?} is not a phone number callguard can store: {reason}")]
    InvalidNumber {
        /// The text as given.
        input: String,
        /// Why.
        reason: String,
    },
    /// Emergency and special service numbers can never be blocked or reported.
    #[error("{input:?} is a protected {kind} number: it can never be blocked or reported")]
    ProtectedNumber {
        /// The text as given.
        input: String,
        /// `emergency` or `special`.
        kind: String,
    },
    /// A list pattern is malformed.
    #[error("{input:?} is not a list pattern: {reason}")]
    InvalidPattern {
        /// The text as given.
        input: String,
        /// Why.
        reason: String,
    },
    /// A text given for a label, a note or a name cannot be stored: a control character (a
    /// new line would forge rows where it is shown), or too long.
    #[error("{what} {text:?}: {reason}")]
    InvalidText {
        /// What the text is for (`label`, `note`, `feed name`, `key name`).
        what: &'static str,
        /// The text, shortened.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A name given on input is unknown (a category, a feed, a list, a format).
    #[error("{0}")]
    Unknown(String),
    /// The store was opened read-only, or its file cannot be written.
    #[error("{}: the database is read-only", path.display())]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },
    /// The disk (or the database's size limit) is full.
    #[error("{}: the disk is full while {context}", path.display())]
    DiskFull {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        context: &'static str,
    },
    /// Another process holds a lock on the database for too long.
    #[error(
        "{}: the database is busy while {context}: another process is writing to it",
        path.display()
    )]
    Busy {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        context: &'static str,
    },
    /// The file is not a callguard database, or it is damaged.
    #[error("{}: not a callguard database or damaged: {detail}", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// SQLite's words.
        detail: String,
    },
    /// The file is not callguard's: another application's SQLite database (its application id,
    /// or tables callguard does not make). callguard never writes to it, converts it or moves
    /// it aside.
    #[error(
        "{}: not a callguard database: {reason}; callguard leaves it as it is",
        path.display()
    )]
    Foreign {
        /// The file.
        path: PathBuf,
        /// How it was told apart from a callguard database.
        reason: String,
    },
    /// The database has an older schema and was opened read-only, so it cannot be upgraded.
    #[error(
        "{}: schema version {found} is older than this callguard's ({supported}) and the \
         database was opened read-only: open it once read-write to upgrade it",
        path.display()
    )]
    NeedsUpgrade {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The version this build uses.
        supported: i64,
    },
    /// The database was written by a newer callguard.
    #[error(
        "{}: schema version {found} is newer than this callguard supports ({supported})",
        path.display()
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// The import was cancelled through [`crate::store::ImportOptions::cancel`]: nothing changed.
    #[error("{}: import cancelled: nothing changed", path.display())]
    Cancelled {
        /// The feed file.
        path: PathBuf,
    },
    /// The database could not be opened (or stopped answering) earlier, and what was asked
    /// needs it. `reason` is the original failure, naming the file; [`Store::recover`] repairs
    /// a damaged file, and reopens a healthy one after a passing fault (a lock, a full disk).
    ///
    /// [`Store::recover`]: crate::store::Store::recover
    #[error("the database is unavailable: {reason}")]
    Unavailable {
        /// The database file.
        path: PathBuf,
        /// Why: the error seen when it was opened.
        reason: String,
    },
    /// Any other SQLite failure.
    #[error("{}: database error while {context}: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        context: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Whether the input (a file, a number, a pattern) was at fault rather than the system:
    /// the CLI exits with 2 for these and 1 for the rest.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            StoreError::BadLine { .. }
                | StoreError::BadFeed { .. }
                | StoreError::Signature { .. }
                | StoreError::BadKey { .. }
                | StoreError::FeedOutdated { .. }
                | StoreError::FeedConflict { .. }
                | StoreError::InvalidNumber { .. }
                | StoreError::ProtectedNumber { .. }
                | StoreError::InvalidPattern { .. }
                | StoreError::InvalidText { .. }
                | StoreError::Foreign { .. }
                | StoreError::Unknown(_)
        ) || matches!(self, StoreError::Io { source, .. }
            if source.kind() == io::ErrorKind::NotFound)
    }

    /// Whether the error says the database file itself is damaged (not a database, truncated,
    /// a table or column missing, a value of the wrong type where the schema guarantees one),
    /// rather than locked, read-only, full, missing or from a newer callguard: then
    /// [`Store::recover`](crate::store::Store::recover) is the remedy.
    pub fn is_damage(&self) -> bool {
        match self {
            StoreError::Corrupt { .. } => true,
            StoreError::Sqlite { source, .. } => match source {
                rusqlite::Error::SqliteFailure(..) => matches!(
                    source.sqlite_error_code(),
                    // SQLITE_ERROR is what a missing table or column gives.
                    Some(
                        ErrorCode::Unknown
                            | ErrorCode::DatabaseCorrupt
                            | ErrorCode::NotADatabase
                            | ErrorCode::TypeMismatch
                    )
                ),
                // A value of the wrong type, or a row missing (from `meta`) where the schema
                // guarantees one.
                rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
                | rusqlite::Error::QueryReturnedNoRows => true,
                _ => false,
            },
            _ => false,
        }
    }

    /// The file the error is about (the database, a feed, a key file), if it names one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::Io { path, .. }
            | StoreError::BadLine { path, .. }
            | StoreError::BadFeed { path, .. }
            | StoreError::Signature { path, .. }
            | StoreError::BadKey { path, .. }
            | StoreError::ReadOnly { path }
            | StoreError::DiskFull { path, .. }
            | StoreError::Busy { path, .. }
            | StoreError::Corrupt { path, .. }
            | StoreError::Foreign { path, .. }
            | StoreError::NeedsUpgrade { path, .. }
            | StoreError::SchemaTooNew { path, .. }
            | StoreError::Cancelled { path }
            | StoreError::Unavailable { path, .. }
            | StoreError::Sqlite { path, .. } => Some(path),
            StoreError::FeedOutdated { .. }
            | StoreError::FeedConflict { .. }
            | StoreError::InvalidNumber { .. }
            | StoreError::ProtectedNumber { .. }
            | StoreError::InvalidPattern { .. }
            | StoreError::InvalidText { .. }
            | StoreError::Unknown(_) => None,
        }
    }

    /// The error to give for a database that could not be opened because of `self`.
    pub fn unavailable(&self, path: &Path) -> StoreError {
        match self {
            StoreError::Unavailable { path, reason } => StoreError::Unavailable {
                path: path.clone(),
                reason: reason.clone(),
            },
            _ => StoreError::Unavailable {
                path: self.path().unwrap_or(path).to_owned(),
                reason: self.to_string(),
            },
        }
    }

    pub(crate) fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Maps a SQLite error for the database at `path`, seen while doing `context`: the one place
/// where rusqlite's errors become [`StoreError`]s.
pub(crate) fn sql(
    path: &Path,
    context: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    move |error| {
        let code = error.sqlite_error_code();
        match code {
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path, context },
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::Busy { path, context }
            }
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt {
                    path,
                    detail: error.to_string(),
                }
            }
            _ => StoreError::Sqlite {
                path,
                context,
                source: error,
            },
        }
    }
}

/// Parses a stable name (trimmed, any case) from `names`, or says which names there are:
/// `unknown WHAT "text": expected a, b or c`.
pub(crate) fn parse_name<T: Copy>(
    what: &str,
    text: &str,
    names: &[(&str, T)],
) -> Result<T, StoreError> {
    let wanted = text.trim();
    if let Some((_, value)) = names.iter().find(|(n, _)| n.eq_ignore_ascii_case(wanted)) {
        return Ok(*value);
    }
    let mut expected = String::new();
    for (i, (name, _)) in names.iter().enumerate() {
        if i > 0 {
            expected.push_str(if i + 1 == names.len() { " or " } else { ", " });
        }
        expected.push_str(name);
    }
    Err(StoreError::Unknown(format!(
        "unknown {what} {text:?}: expected {expected}"
    )))
}
