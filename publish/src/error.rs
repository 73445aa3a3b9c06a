//! What can go wrong while publishing, naming the file (and line) at fault.

use std::path::{Path, PathBuf};

/// A publishing step that failed. Nothing is written when one fails: outputs are written
/// beside their target and renamed into place only when whole.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An input is not what it should be (a header, a document, a feed line).
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(": line {l}")).unwrap_or_default())]
    BadInput {
        /// The file.
        path: PathBuf,
        /// The line, when one is to blame.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// A key file that cannot be used.
    #[error("{}: {message}", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Options that contradict each other or are out of range.
    #[error("{0}")]
    Options(String),
}

impl PublishError {
    /// An I/O error at `path`.
    pub fn io(path: &Path, source: std::io::Error) -> PublishError {
        PublishError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// A bad input at `path` (and `line`).
    pub fn bad(path: &Path, line: Option<u64>, message: impl Into<String>) -> PublishError {
        PublishError::BadInput {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// Whether the publisher's input or options are at fault (exit 2 on the command line),
    /// rather than the machine (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            PublishError::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            PublishError::BadInput { .. } | PublishError::BadKey { .. } => true,
            PublishError::Options(_) => true,
        }
    }
}
