//! The person's own lists and reports.

use callguard_core::store::{self, ListKind, ReportCategory};

use crate::error::Doing;
use crate::{CallGuard, CallGuardError};

/// The user's two lists.
#[uniffi::remote(Enum)]
pub enum ListKind {
    /// Always let these ring (above everything but emergency numbers).
    Allow,
    /// Always block these.
    Block,
}

/// What a number is reported for.
#[uniffi::remote(Enum)]
pub enum ReportCategory {
    /// A scam: impersonation, fake police or ministry, refund fraud.
    Scam,
    /// Fraud other than a scripted scam.
    Fraud,
    /// Unwanted bulk calls.
    Spam,
    /// Sales calls.
    Telemarketing,
    /// An automated or recorded voice.
    Robocall,
    /// Surveys and polls.
    Survey,
    /// Anything else.
    Other,
}

/// One entry of the user's lists.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListEntry {
    /// The list.
    pub list: ListKind,
    /// The numbers covered, normalised: `+815012345678`, `+8150*` or `+81501..+81502`.
    pub pattern: String,
    /// A short name shown with the call.
    pub label: Option<String>,
    /// A longer note.
    pub note: Option<String>,
    /// When it was added (Unix seconds).
    pub added_at: i64,
}

impl From<&store::ListEntry> for ListEntry {
    fn from(e: &store::ListEntry) -> ListEntry {
        ListEntry {
            list: e.list,
            pattern: e.pattern.to_string(),
            label: e.label.clone(),
            note: e.note.clone(),
            added_at: e.added_at,
        }
    }
}

/// The user's own report of a number.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserReport {
    /// The number, `+` and E.164 digits.
    pub number: String,
    /// What it was reported for.
    pub category: ReportCategory,
    /// The user's words.
    pub note: Option<String>,
    /// When (Unix seconds).
    pub reported_at: i64,
}

impl From<store::UserReport> for UserReport {
    fn from(r: store::UserReport) -> UserReport {
        UserReport {
            number: r.number.to_string(),
            category: r.category,
            note: r.note,
            reported_at: r.reported_at,
        }
    }
}

#[uniffi::export]
impl CallGuard {
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
            .add_list_entry(list, &pattern, label.as_deref(), note.as_deref())
            .doing(doing)?;
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
            .remove_list_entry(list, &pattern)
            .doing(doing)
    }

    /// Every list entry, oldest first.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, CallGuardError> {
        let doing = "reading the lists";
        let entries = self.store_for(doing)?.list_entries().doing(doing)?;
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
            .report(&number, category, note.as_deref())
            .doing(doing)?;
        Ok(report.into())
    }

    /// The user's own reports as one JSON document for the app to upload (format
    /// `callguard-user-reports`, docs/STORE.md).
    pub fn export_reports(&self) -> Result<String, CallGuardError> {
        let mut out = Vec::new();
        let doing = "exporting reports";
        self.store_for(doing)?
            .export_user_reports(&mut out)
            .doing(doing)?;
        String::from_utf8(out).map_err(|e| CallGuardError::Internal {
            reason: format!("report export is not UTF-8: {e}"),
        })
    }
}
