//! Scam-script scanning of any text: no panic, matches point into the text on char boundaries.
#![no_main]

use callguard_core::claims::script::ScriptScanner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = ScriptScanner::embedded().scan(text);
    assert!(result.score <= 100);
    for m in &result.matches {
        assert!(m.start <= m.end && m.end <= text.len());
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    }
});
