//! Compact screening calls for the bindings.
//!
//! [`CallGuard::screen`] returns the whole [`Assessment`](crate::Assessment): the number's
//! details, every reason with its message in two languages, the advice. Python reads that record
//! field by field in interpreted code, at many times the cost of the screening itself
//! (BENCHMARKS.md, "Bindings"). A call-screening service needs much less to answer the system:
//! what to do, how sure, and a title for a notification. [`CallGuard::screen_summary`] returns
//! just that, from the same screening; the full assessment stays one `screen` call away for the
//! screen that explains the call.
//!
//! Its shape follows what the generated code makes cheap. Each argument or result that is not a
//! primitive travels in a buffer of its own, and each buffer costs the foreign side one more
//! call into the library (in Kotlin, with JNA structures allocated for it). So the summary takes
//! the same single `IncomingCall` as `screen` and returns one small record; the language is the
//! same two-letter code as everywhere else (one short buffer: the price of languages as data
//! rather than a flag for two of them), and the reason codes are bits of an integer rather than
//! a list of strings to read one by one.

use callguard_core::{Lang, ReasonCode};

use callguard_core::Verdict;

use crate::{CallGuard, IncomingCall};

// Every reason code needs a bit of `ScreenSummary::reasons` below the sign bit.
const _: () = assert!(ReasonCode::ALL.len() <= 63);

/// The outcome of screening one call, in brief: the verdict, the score, which reasons counted
/// and a title for a notification. Same verdict and score as `screen` on the same call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreenSummary {
    /// What to do.
    pub verdict: Verdict,
    /// 0 to 100.
    pub score: i32,
    /// One bit per reason that counted: bit `i` (`1 shl i`) set means the reason
    /// `reasonCodes()[i]` is among the assessment's reasons. Look the positions up once with
    /// `reasonCodes()` rather than writing them into the app: a later version may add codes.
    pub reasons: i64,
    /// A short title for the call (the deciding reason's label, "国際電話", "Impersonation") in
    /// the language asked for; none when nothing was found.
    pub label: Option<String>,
}

/// The bit of `ScreenSummary::reasons` that stands for `code`.
fn reason_bit(code: ReasonCode) -> i64 {
    // `ALL` lists every code, so the search always finds it (30 codes, once per reason).
    ReasonCode::ALL
        .iter()
        .position(|c| *c == code)
        .map_or(0, |i| 1 << i)
}

impl ScreenSummary {
    /// The summary of a screening, with the label in `lang`.
    fn new(assessment: &callguard_core::Assessment, lang: Lang) -> ScreenSummary {
        ScreenSummary {
            verdict: assessment.verdict,
            score: i32::from(assessment.score),
            reasons: assessment
                .reasons
                .iter()
                .fold(0, |mask, r| mask | reason_bit(r.code)),
            label: assessment.label_in(lang).map(str::to_owned),
        }
    }
}

#[uniffi::export]
impl CallGuard {
    /// Screens one call like `screen` and returns only its summary: the verdict, the score,
    /// the reasons as bits and the label in `lang`. For the hot path
    /// of a call-screening service; call `screen` for everything else. Never throws: a fault
    /// inside lets the call ring (verdict `Allow`, the reason `screening_unavailable`).
    pub fn screen_summary(&self, call: IncomingCall, lang: Lang) -> ScreenSummary {
        ScreenSummary::new(&self.screener().screen(&call.into()), lang)
    }
}

/// The reason codes in the order of the bits of `ScreenSummary.reasons`: bit `i` stands for
/// the `i`-th code. The codes are the stable strings of `Reason.code`.
#[uniffi::export]
pub fn reason_codes() -> Vec<String> {
    ReasonCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_bit() {
        let mut seen = 0i64;
        for code in ReasonCode::ALL {
            let bit = reason_bit(code);
            assert_eq!(bit.count_ones(), 1, "{code:?}");
            assert_eq!(seen & bit, 0, "{code:?} shares a bit");
            seen |= bit;
        }
        assert!(seen > 0, "the sign bit stays clear");
    }

    #[test]
    fn codes_are_listed_in_bit_order() {
        let codes = reason_codes();
        for (i, code) in ReasonCode::ALL.iter().enumerate() {
            assert_eq!(codes[i], code.as_str());
            assert_eq!(reason_bit(*code), 1 << i);
        }
    }
}
