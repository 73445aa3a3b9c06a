//! Normalisation and classification of any caller-ID text, for several home regions, and a
//! whole screening decision: nothing panics, and the output keeps its invariants.
#![no_main]

use callguard_core::{
    Classifier, IncomingCall, NumberKind, Presentation, Region, Screener, Verdict,
};
use libfuzzer_sys::fuzz_target;

const REGIONS: [Region; 3] = [Region::JP, Region::US, Region::GB];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let region = REGIONS[usize::from(selector) % REGIONS.len()];
    let info = Classifier::new(region).classify(text, Presentation::Allowed);
    let full = !matches!(
        info.kind,
        NumberKind::Invalid | NumberKind::Hidden | NumberKind::Emergency | NumberKind::Special
    );
    assert_eq!(info.e164.is_some(), full, "{text:?}: {info:?}");
    let a = Screener::new(region).screen(&IncomingCall::from_number(text));
    assert!(a.score <= 100);
    if info.kind.is_protected() {
        assert_eq!(a.verdict, Verdict::Allow, "{text:?}");
    }
});
