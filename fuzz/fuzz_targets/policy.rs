//! Policy files: any text is refused with an error or accepted as a policy that screens an
//! emergency number as allowed.
#![no_main]

use std::sync::Arc;

use callguard_core::{Classifier, IncomingCall, Policy, Region, Screener, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::from_json(text) {
        let screener = Screener::with_parts(Classifier::new(Region::JP), Arc::new(policy));
        let a = screener.screen(&IncomingCall::from_number("110"));
        assert_eq!(a.verdict, Verdict::Allow);
        let _ = screener.screen(&IncomingCall::from_number("+1 202 555 0143"));
    }
});
