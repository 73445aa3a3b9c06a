//! From what callguard knows about a call to a verdict with its reasons.
//!
//! Each signal has a stable [`ReasonCode`]. The [`Policy`] gives each a weight; weights add up
//! to a score of 0 to 100 and the policy's thresholds turn the score into a verdict. What a
//! reason means to people, and what to do about it, is in [`ReasonTexts`].
//!
//! Precedence, highest first: emergency and special service numbers ring; the user's allow list
//! and contacts ring; the user's block list blocks; the policy's hard rules set a verdict at
//! least; scored evidence decides the rest.

mod assessment;
mod engine;
mod policy;
mod reason;
mod texts;
mod verdict;

pub use assessment::{Assessment, ExplainedReason, Explanation};
pub use engine::RiskEngine;
pub use policy::{
    pin_weakness, HardRule, Policy, PolicyError, PolicyLock, Thresholds, LOCK_VERSION,
};
pub use reason::{Advice, Reason, ReasonCode};
pub use texts::ReasonTexts;
pub use verdict::Verdict;
