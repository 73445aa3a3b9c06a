//! Scam-script scanning of any text: no panic, the words found point into the text on char
//! boundaries.
#![no_main]

use callguard_core::claims::script::ScriptScanner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = ScriptScanner::embedded().scan(text);
    assert!(result.score <= 100);
    let spans = result
        .families
        .iter()
        .map(|f| (f.start, f.end))
        .chain(result.discounted.iter().map(|d| (d.start, d.end)));
    for (start, end) in spans {
        assert!(start <= end && end <= text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }
});
