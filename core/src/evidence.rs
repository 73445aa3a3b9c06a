//! What is known about a caller's number from the person's own data: the list entry that
//! decides for it, what was reported about it, how often it called lately.
//!
//! The store ([`crate::store`]) keeps these facts and answers a look-up from memory; this
//! module is what the layers above read them as, so that risk and the screener never reach
//! into the store for its vocabulary.

pub use crate::store::{Evidence, ListHit, ListKind, ReportCategory, ReportSummary};
