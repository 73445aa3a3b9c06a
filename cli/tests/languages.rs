//! The command speaks every language listed in `text/data/languages.json`: `--lang` takes each,
//! the environment's locale picks it, and what `check`, `demo` and `scan` print for people is
//! in that language (its own texts, `cli/texts.json`, and the packs'), never English in its place.

use callguard_core::Lang;
use callguard_testkit::cli::{stdout, text, Cli};
use serde_json::Value;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

const TRANSCRIPT: &str =
    "こちらは総務省です。2時間以内に電話が使えなくなります。1を押してください。";

/// `check`, `demo` and `scan` for people, in `lang`.
fn outputs(lang: &str) -> Vec<String> {
    vec![
        stdout(CALLGUARD.command().args([
            "check",
            "--lang",
            lang,
            "--claims",
            "総務省",
            "+1 202-555-0143",
        ])),
        stdout(
            CALLGUARD
                .command()
                .args(["check", "--lang", lang, "+83 1234 5678"]),
        ),
        stdout(
            CALLGUARD
                .command()
                .args(["check", "--lang", lang, "--presentation", "restricted"]),
        ),
        stdout(CALLGUARD.command().args(["demo", "--lang", lang])),
        stdout(
            CALLGUARD
                .command()
                .args(["scan", "--lang", lang, TRANSCRIPT]),
        ),
    ]
}

#[test]
fn check_in_korean() {
    let text = stdout(
        CALLGUARD
            .command()
            .args(["check", "--lang", "ko", "+1 202-555-0143"]),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("주의  국제전화  (점수 40/100)"),
        "{text}"
    );
    assert!(lines[1].starts_with("  번호: +1 202-555-0143"), "{text}");
    assert!(lines[1].contains("유선 또는 휴대전화 · 국제"), "{text}");
    assert_eq!(lines[2], "  이유:", "{text}");
    assert!(lines[3].contains("US에서 걸려 온 국제전화입니다"), "{text}");
    assert!(lines[4].starts_with("  조언: "), "{text}");
    assert!(
        lines[4].contains("직접 확인한 번호로 다시 전화하세요"),
        "{text}"
    );

    let v: Value = serde_json::from_str(&stdout(CALLGUARD.command().args([
        "check",
        "--json",
        "--lang",
        "ko",
        "--claims",
        "総務省",
        "+1 202-555-0143",
    ])))
    .expect("JSON");
    assert_eq!(v["label"], "사칭 의심");
    for reason in v["reasons"].as_array().expect("reasons") {
        let message = reason["message"].as_str().expect("a message");
        assert!(has_hangul(message), "{message}");
    }
    let advice = v["advice"].as_str().expect("advice");
    assert!(advice.contains("총무성 대표번호 03-5253-5111"), "{advice}");
}

#[test]
fn the_locale_picks_korean() {
    let text = stdout(
        CALLGUARD
            .command()
            .env("LANG", "ko_KR.UTF-8")
            .args(["check", "+1 202-555-0143"]),
    );
    assert!(text.starts_with("주의"), "{text}");
}

#[test]
fn every_line_for_people_is_korean() {
    for output in outputs("ko") {
        for line in output.lines().filter(|l| !l.trim().is_empty()) {
            // The table's rule is dashes; everything else carries words.
            if line.chars().all(|c| c == '-' || c == ' ') {
                continue;
            }
            assert!(has_hangul(line), "not Korean: {line:?}\nin:\n{output}");
        }
    }
}

#[test]
fn every_language_has_its_own_words() {
    let english = outputs("en");
    for lang in Lang::all().iter().filter(|&&l| l != Lang::EN) {
        for (output, in_english) in outputs(lang.code()).iter().zip(&english) {
            for (line, english_line) in output.lines().zip(in_english.lines()) {
                if english_line.chars().any(char::is_alphabetic) {
                    assert_ne!(line, english_line, "{lang}: English in its place: {line}");
                }
            }
        }
    }
}

#[test]
fn an_unknown_language_names_every_known_one() {
    let out = CALLGUARD
        .command()
        .args(["check", "--lang", "xx", "110"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for lang in Lang::all() {
        assert!(err.contains(lang.code()), "{lang} missing from: {err}");
    }
}
