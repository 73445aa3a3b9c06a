//! The numbering, reason-text and official-directory packs: any text loads or is refused with
//! an error naming where, never a panic.
#![no_main]

use callguard_core::risk::ReasonTexts;
use callguard_core::NumberingRules;
use callguard_core::Organisations;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 3 {
        0 => {
            if let Ok(rules) = NumberingRules::from_json(text) {
                let _ = rules.hidden_word("非通知");
            }
        }
        1 => {
            let _ = ReasonTexts::from_json(text);
        }
        _ => {
            if let Ok(directory) = Organisations::from_json(text) {
                let _ = directory.find("総務省の者です");
            }
        }
    }
});
