//! A model of what iOS keeps for one Call Directory extension, with the errors iOS raises:
//! the tests replay the core's plans and deltas (`callguard_core::call_directory`) against it.
//!
//! One request is one transaction, like the system's: an error, or a request never completed,
//! leaves the previous entries as they were. Within a request, each kind's additions must be
//! strictly ascending (a smaller number is `EntriesOutOfOrder`, an equal one
//! `DuplicateEntries`), removals are allowed only in incremental mode
//! (`UnexpectedIncrementalRemoval`), and the extension may hold at most `max_entries` entries
//! (`MaximumEntriesExceeded`). The model is stricter than iOS in two places, so that deltas
//! must be exact: adding a number the kind already holds is `DuplicateEntries`, and removing
//! one it does not hold is `RemovedMissingEntry`.

use std::collections::{BTreeMap, BTreeSet};

use callguard_core::call_directory::DirectoryChunk;

/// An error of a request, with iOS's `CXErrorCodeCallDirectoryManagerError` code where iOS
/// has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IosError {
    /// `entriesOutOfOrder` (3).
    #[error("entries out of order at {0}")]
    EntriesOutOfOrder(i64),
    /// `duplicateEntries` (4).
    #[error("duplicate entry {0}")]
    DuplicateEntries(i64),
    /// `maximumEntriesExceeded` (5).
    #[error("maximum entries exceeded")]
    MaximumEntriesExceeded,
    /// `unexpectedIncrementalRemoval` (8): a removal in a full (non-incremental) request.
    #[error("a removal in a non-incremental request")]
    UnexpectedIncrementalRemoval,
    /// The model's own check: removing an entry the extension does not hold.
    #[error("removing {0}, which is not there")]
    RemovedMissingEntry(i64),
}

impl IosError {
    /// iOS's error code (`CXErrorCodeCallDirectoryManagerError`), if iOS has this error.
    pub fn code(self) -> Option<i64> {
        match self {
            IosError::EntriesOutOfOrder(_) => Some(3),
            IosError::DuplicateEntries(_) => Some(4),
            IosError::MaximumEntriesExceeded => Some(5),
            IosError::UnexpectedIncrementalRemoval => Some(8),
            IosError::RemovedMissingEntry(_) => None,
        }
    }
}

/// What the system holds for one extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IosDirectory {
    /// Blocking entries.
    pub blocking: BTreeSet<i64>,
    /// Identification entries and their labels.
    pub identification: BTreeMap<i64, String>,
}

impl IosDirectory {
    /// Entries of both kinds.
    pub fn len(&self) -> usize {
        self.blocking.len() + self.identification.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The model of one extension's entries in the system.
#[derive(Debug, Clone)]
pub struct IosModel {
    /// Entries the extension may hold.
    pub max_entries: usize,
    /// What the system holds now.
    pub current: IosDirectory,
}

/// One request in progress: chunks are applied to a copy, kept only by [`IosRequest::complete`].
#[derive(Debug)]
pub struct IosRequest<'a> {
    model: &'a mut IosModel,
    incremental: bool,
    staged: IosDirectory,
    last_block: Option<i64>,
    last_ident: Option<i64>,
}

impl IosModel {
    /// An empty extension that may hold `max_entries` entries.
    pub fn new(max_entries: usize) -> IosModel {
        IosModel {
            max_entries,
            current: IosDirectory::default(),
        }
    }

    /// Starts a request: a full one (`incremental == false`) starts from nothing.
    pub fn request(&mut self, incremental: bool) -> IosRequest<'_> {
        let staged = if incremental {
            self.current.clone()
        } else {
            IosDirectory::default()
        };
        IosRequest {
            model: self,
            incremental,
            staged,
            last_block: None,
            last_ident: None,
        }
    }
}

impl IosRequest<'_> {
    fn check_order(last: &mut Option<i64>, n: i64) -> Result<(), IosError> {
        match *last {
            Some(l) if n < l => Err(IosError::EntriesOutOfOrder(n)),
            Some(l) if n == l => Err(IosError::DuplicateEntries(n)),
            _ => {
                *last = Some(n);
                Ok(())
            }
        }
    }

    fn check_room(&self) -> Result<(), IosError> {
        if self.staged.len() > self.model.max_entries {
            Err(IosError::MaximumEntriesExceeded)
        } else {
            Ok(())
        }
    }

    /// `addBlockingEntry(withNextSequentialPhoneNumber:)`.
    pub fn add_blocking(&mut self, n: i64) -> Result<(), IosError> {
        Self::check_order(&mut self.last_block, n)?;
        if !self.staged.blocking.insert(n) {
            return Err(IosError::DuplicateEntries(n));
        }
        self.check_room()
    }

    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)`.
    pub fn add_identification(&mut self, n: i64, label: &str) -> Result<(), IosError> {
        Self::check_order(&mut self.last_ident, n)?;
        if self
            .staged
            .identification
            .insert(n, label.to_owned())
            .is_some()
        {
            return Err(IosError::DuplicateEntries(n));
        }
        self.check_room()
    }

    fn removal(&self) -> Result<(), IosError> {
        if self.incremental {
            Ok(())
        } else {
            Err(IosError::UnexpectedIncrementalRemoval)
        }
    }

    /// `removeBlockingEntry(withPhoneNumber:)`.
    pub fn remove_blocking(&mut self, n: i64) -> Result<(), IosError> {
        self.removal()?;
        if self.staged.blocking.remove(&n) {
            Ok(())
        } else {
            Err(IosError::RemovedMissingEntry(n))
        }
    }

    /// `removeIdentificationEntry(withPhoneNumber:)`.
    pub fn remove_identification(&mut self, n: i64) -> Result<(), IosError> {
        self.removal()?;
        if self.staged.identification.remove(&n).is_some() {
            Ok(())
        } else {
            Err(IosError::RemovedMissingEntry(n))
        }
    }

    /// `removeAllBlockingEntries()` and `removeAllIdentificationEntries()`.
    pub fn remove_all(&mut self) -> Result<(), IosError> {
        self.removal()?;
        self.staged = IosDirectory::default();
        Ok(())
    }

    /// Applies one chunk the way the extension does: remove all, removals, then additions.
    pub fn apply(&mut self, chunk: &DirectoryChunk) -> Result<(), IosError> {
        if chunk.remove_all {
            self.remove_all()?;
        }
        for &n in &chunk.remove_blocking {
            self.remove_blocking(n)?;
        }
        for &n in &chunk.remove_identification {
            self.remove_identification(n)?;
        }
        for &n in &chunk.add_blocking {
            self.add_blocking(n)?;
        }
        for (&n, label) in chunk.add_identification.iter().zip(&chunk.labels) {
            self.add_identification(n, label)?;
        }
        Ok(())
    }

    /// `completeRequest()`: the system keeps what the request built.
    pub fn complete(self) {
        self.model.current = self.staged;
    }
}
