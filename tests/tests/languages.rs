//! callguard speaks every language listed in `text/data/languages.json`, everywhere it speaks
//! to people. Adding a language is a data change, and these tests name what it still lacks:
//! every text of every pack exists in every language, non-empty, with the default language's
//! placeholders; the packs load and answer in every language as the code asks them; and a
//! screened call explained in a language is in that language, never English in its place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use callguard_core::claims::script::{LinkSign, ScriptLevel, ScriptScanner};
use callguard_core::risk::ReasonTexts;
use callguard_core::{
    Assessment, IncomingCall, Lang, LocalTime, NumberKind, NumberingRules, Organisations, Policy,
    Presentation, ReasonCode, Region, Screener, Verdict, Verification,
};
use serde_json::Value;

/// The packs that speak to people, from the repository's root. Each holds texts.
const PACKS: &[&str] = &[
    "core/rules/reasons.json",
    "core/rules/presets.json",
    "core/rules/organisations.json",
    "core/rules/script/cues.json",
    "core/rules/script/scoring.json",
    "core/rules/script/context.json",
    "core/rules/script/links.json",
    "number/data/numbering.json",
    "number/data/texts.json",
    "cli/texts.json",
    "cli/src/demo_calls.json",
    "ios-demo/CallGuardKit/Sources/CallGuardKit/Resources/texts.json",
];

/// Folders whose JSON files are all checked, so that a pack added there is checked too.
const DATA_FOLDERS: &[&str] = &[
    "core/rules",
    "core/rules/script",
    "core/rules/policies",
    "number/data",
    "text/data",
    "cli",
    "cli/src",
    "ios-demo/CallGuardKit/Sources/CallGuardKit/Resources",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the repository")
        .to_path_buf()
}

fn korean() -> Lang {
    "ko".parse()
        .expect("Korean is listed in text/data/languages.json")
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

/// `{name}` placeholders, as `LocalText::render` fills them.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if !after[..end].is_empty()
                    && after[..end]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                out.insert(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// A text as packs write it: an object whose keys are language codes (two lower-case letters)
/// and whose values are strings, `{"ja": "…", "en": "…"}`.
fn as_text(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    let map = value.as_object()?;
    let is_text = !map.is_empty()
        && map.iter().all(|(key, value)| {
            key.len() == 2 && key.bytes().all(|b| b.is_ascii_lowercase()) && value.is_string()
        });
    is_text.then_some(map)
}

/// Every text in a pack, with its JSON path.
fn texts<'a>(
    value: &'a Value,
    path: String,
    out: &mut Vec<(String, &'a serde_json::Map<String, Value>)>,
) {
    if let Some(text) = as_text(value) {
        out.push((path, text));
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                texts(value, path, out);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                texts(value, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// What is wrong with one text: a language missing or empty, a language callguard does not
/// speak, placeholders other than the default language's.
fn problems(path: &str, text: &serde_json::Map<String, Value>) -> Vec<String> {
    let default = Lang::default();
    let mut out = Vec::new();
    let in_lang = |lang: Lang| text.get(lang.code()).and_then(Value::as_str);
    let Some(reference) = in_lang(default) else {
        return vec![format!("{path}: no text in {default} ({})", default.name())];
    };
    for &lang in Lang::all() {
        match in_lang(lang) {
            None => out.push(format!("{path}: no text in {lang} ({})", lang.name())),
            Some(t) if t.trim().is_empty() => out.push(format!("{path}: the {lang} text is empty")),
            Some(t) if placeholders(t) != placeholders(reference) => out.push(format!(
                "{path}: the {lang} text has placeholders {:?}, the {default} one {:?}",
                placeholders(t),
                placeholders(reference)
            )),
            Some(_) => {}
        }
    }
    for key in text.keys() {
        if !Lang::all().iter().any(|l| l.code() == key) {
            out.push(format!(
                "{path}: {key:?} is not a language callguard speaks"
            ));
        }
    }
    out
}

fn json_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_text_of_every_pack_in_every_language() {
    assert!(
        Lang::all().contains(&korean()),
        "the languages: {:?}",
        Lang::all()
    );
    let root = root();
    let mut files: Vec<PathBuf> = DATA_FOLDERS
        .iter()
        .flat_map(|folder| json_files(&root.join(folder)))
        .collect();
    files.dedup();
    let mut problems_found = Vec::new();
    let mut checked = 0;
    for file in &files {
        let name = file
            .strip_prefix(&root)
            .expect("inside the repository")
            .to_string_lossy()
            .replace('\\', "/");
        let json = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut found = Vec::new();
        texts(&value, String::new(), &mut found);
        if PACKS.contains(&name.as_str()) {
            assert!(!found.is_empty(), "{name}: no texts found");
        }
        checked += found.len();
        for (path, text) in found {
            problems_found.extend(
                problems(&path, text)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
        }
    }
    for pack in PACKS {
        assert!(
            files.iter().any(|f| f.ends_with(pack)),
            "{pack} is not in the data folders"
        );
    }
    assert!(checked > 250, "only {checked} texts found");
    assert!(
        problems_found.is_empty(),
        "{} texts are not in every language:\n  {}",
        problems_found.len(),
        problems_found.join("\n  ")
    );
}

#[test]
fn the_packs_answer_in_every_language() {
    let reasons = ReasonTexts::embedded();
    let organisations = Organisations::embedded();
    let script = ScriptScanner::embedded();
    let numbering = NumberingRules::embedded();
    for &lang in Lang::all() {
        for code in ReasonCode::ALL {
            let message = reasons.message(code, None, lang);
            assert!(!reasons.label(code, lang).is_empty(), "{code:?} in {lang}");
            assert!(
                !message.is_empty() && !message.contains('{'),
                "{code:?} in {lang}: {message}"
            );
            if reasons.has_advice(code) {
                assert!(
                    reasons.advice(code, lang).is_some_and(|a| !a.is_empty()),
                    "{code:?}"
                );
            }
        }
        for verdict in Verdict::ALL {
            assert!(!verdict.label(lang).is_empty(), "{verdict:?} in {lang}");
        }
        for code in script.family_codes() {
            let label = script.family_label(code).expect("a label");
            assert!(label.missing().is_empty(), "{code}");
        }
        for sign in LinkSign::ALL {
            assert!(script.sign_label(sign).missing().is_empty(), "{sign:?}");
        }
        for level in ScriptLevel::ALL {
            assert!(
                !script.level_label(level, lang).is_empty(),
                "{level:?} in {lang}"
            );
        }
        for kind in NumberKind::ALL {
            assert!(kind.label().missing().is_empty(), "{kind:?}");
        }
        for presentation in Presentation::ALL {
            assert!(
                presentation.label().missing().is_empty(),
                "{presentation:?}"
            );
        }
    }
    for organisation in organisations.organisations() {
        for text in [
            &organisation.name,
            &organisation.call_back,
            &organisation.never,
        ] {
            assert!(text.missing().is_empty(), "{}: {text:?}", organisation.id);
        }
    }
    let police = numbering
        .short_number(Region::JP, "110")
        .expect("110 is named");
    assert!(police.name.missing().is_empty(), "{:?}", police.name);
    let class = numbering
        .short_class_name("emergency_abroad")
        .expect("a class name");
    assert!(class.missing().is_empty(), "{class:?}");
}

/// Calls that together give most reasons, their details and advice.
fn sample_calls() -> Vec<IncomingCall> {
    let at_night = LocalTime {
        hour: 23,
        minute: 30,
    };
    vec![
        IncomingCall {
            claims: Some("総務省".into()),
            transcript: Some(
                "こちらは総務省です。2時間以内に電話が使えなくなります。1を押してください。".into(),
            ),
            ..IncomingCall::from_number("+1 202-555-0143")
        },
        IncomingCall {
            claims: Some("警察".into()),
            ..IncomingCall::from_number("03-5253-5111")
        },
        IncomingCall {
            claims: Some("総務省".into()),
            ..IncomingCall::from_number("03-5253-5111")
        },
        IncomingCall::from_number("+83 1234 5678"),
        IncomingCall::from_number("050-1234-5678"),
        IncomingCall::from_number("+979 123456789"),
        IncomingCall::from_number("+1 809 555 0199"),
        IncomingCall::from_number("020-1234-5678"),
        IncomingCall::from_number("12345"),
        IncomingCall::from_number("110"),
        IncomingCall::from_number("188"),
        IncomingCall {
            verification: Verification::Failed,
            ..IncomingCall::from_number("090-1234-5678")
        },
        IncomingCall {
            local_time: Some(at_night),
            ..IncomingCall::from_number("090-1234-5678")
        },
        IncomingCall {
            number: None,
            presentation: Presentation::Restricted,
            ..IncomingCall::from_number("")
        },
        IncomingCall {
            number: None,
            presentation: Presentation::Unavailable,
            ..IncomingCall::from_number("")
        },
    ]
}

/// Every sentence of an assessment in `lang`: verdict, label, reasons, advice, the number's kind.
fn words(a: &Assessment, lang: Lang) -> Vec<(String, String)> {
    let explained = a.explain(lang);
    let mut out = vec![
        ("verdict".to_owned(), a.verdict.label(lang).to_owned()),
        (
            "kind".to_owned(),
            a.number.kind.label().get(lang).to_owned(),
        ),
    ];
    out.extend(explained.label.map(|l| ("label".to_owned(), l)));
    out.extend(
        explained
            .reasons
            .into_iter()
            .map(|r| (r.code.as_str().to_owned(), r.message)),
    );
    out.extend(explained.advice.map(|a| ("advice".to_owned(), a)));
    out
}

#[test]
fn a_call_screened_in_each_language_is_explained_in_it() {
    let screener = Screener::new(Region::JP)
        .with_policy(Policy::preset("elderly").expect("the elderly preset"));
    let mut codes = BTreeSet::new();
    for call in sample_calls() {
        let a = screener.screen(&call);
        codes.extend(a.reasons.iter().map(|r| r.code));
        let english = words(&a, Lang::EN);
        for &lang in Lang::all().iter().filter(|&&l| l != Lang::EN) {
            for ((what, text), (_, in_english)) in words(&a, lang).iter().zip(&english) {
                assert_ne!(
                    text, in_english,
                    "{:?}: the {what} in {lang} is the English one",
                    call.number
                );
                assert!(!text.contains('{'), "{:?}: {text}", call.number);
            }
        }
        for (what, text) in words(&a, korean()) {
            assert!(
                has_hangul(&text),
                "{:?}: the {what} is not Korean: {text}",
                call.number
            );
        }
    }
    // The calls reach the reasons people most often read.
    for code in [
        ReasonCode::Impersonation,
        ReasonCode::ScamScript,
        ReasonCode::International,
        ReasonCode::ClaimMatches,
        ReasonCode::ClaimUnverified,
        ReasonCode::InvalidNumber,
        ReasonCode::IpPhone,
        ReasonCode::Withheld,
        ReasonCode::EmergencyNumber,
        ReasonCode::PolicyRule,
        ReasonCode::QuietHours,
    ] {
        assert!(codes.contains(&code), "no sample call gives {code:?}");
    }
}

#[test]
fn korean_advice_for_a_fake_ministry_call() {
    let call = IncomingCall {
        claims: Some("総務省".into()),
        ..IncomingCall::from_number("+1 202-555-0143")
    };
    let a = Screener::new(Region::JP).screen(&call);
    let words = a.explain(korean());
    assert_eq!(words.label.as_deref(), Some("사칭 의심"));
    let advice = words.advice.expect("advice");
    assert!(advice.contains("총무성 대표번호 03-5253-5111"), "{advice}");
    assert!(advice.contains("전화를 끊고"), "{advice}");
    assert!(
        words
            .reasons
            .iter()
            .any(|r| r.message.starts_with("총무성")),
        "{:?}",
        words.reasons
    );
}
