//! `callguard scan` end to end: the JSON contract, text for people, stdin, exit codes.

use callguard_testkit::cli::{json, stdout, Cli};
use serde_json::Value;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

fn scan_json(text: &str) -> Value {
    serde_json::from_str(&stdout(CALLGUARD.command().args(["scan", "--json", text])))
        .expect("one JSON object")
}

#[test]
fn json_contract_for_a_ministry_script() {
    let v = scan_json("総務省です。２時間以内に通信を停止します。");
    assert_eq!(v["level"], "high");
    let score = v["score"].as_u64().expect("score");
    assert!((70..=100).contains(&score), "{score}");
    let families = v["families"].as_array().expect("families");
    let threat = families
        .iter()
        .find(|f| f["family"] == "threat")
        .expect("threat");
    assert_eq!(threat["text"], "停止");
    assert!(threat["weight"].as_u64().is_some_and(|w| w > 0));
    assert!(threat["start"].is_u64() && threat["end"].is_u64());
    assert!(families
        .iter()
        .any(|f| f["family"] == "urgency" && f["text"] == "２時間以内"));
    assert_eq!(v["claims"][0], "総務省");
    // Every point is explained: the weights and bonuses add up to the sum.
    let weights: u64 = families.iter().filter_map(|f| f["weight"].as_u64()).sum();
    let bonuses: u64 = v["combos"]
        .as_array()
        .expect("combos")
        .iter()
        .filter_map(|c| c["bonus"].as_u64())
        .sum();
    assert_eq!(v["steps"]["sum"].as_u64(), Some(weights + bonuses), "{v}");
    assert!(v["explain"].as_array().is_some_and(|e| !e.is_empty()));
    assert_eq!(v["truncated"], false);
}

#[test]
fn json_for_a_news_sentence_is_not_alarming() {
    let v = scan_json("総務省は本日、新しい方針を発表した");
    assert!(v["level"] == "none" || v["level"] == "low", "{v}");
    let v = scan_json("See you on Sunday!");
    assert_eq!(v["level"], "none");
    assert_eq!(v["score"], 0);
    assert_eq!(v["families"], Value::Array(vec![]));
}

#[test]
fn labels_follow_the_language() {
    let out = CALLGUARD
        .command()
        .args([
            "scan",
            "--json",
            "--lang",
            "ja",
            "This is the police. There is an arrest warrant.",
        ])
        .output()
        .expect("run");
    let v = json(&out);
    let labels: Vec<&str> = v["families"]
        .as_array()
        .expect("families")
        .iter()
        .filter_map(|m| m["label"].as_str())
        .collect();
    assert!(labels.contains(&"公的機関・警察を名乗る"), "{labels:?}");
}

#[test]
fn text_for_people_in_english_and_japanese() {
    let text =
        "This is the city office. Take your mobile phone to the ATM today, the deadline is today.";
    let out = CALLGUARD
        .command()
        .args(["scan", "--lang", "en", text])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("Level: HIGH"), "{stdout}");
    assert!(stdout.contains("\"city office\""), "{stdout}");
    assert!(stdout.contains("+15"), "{stdout}");
    assert!(stdout.contains("Claims to be an authority"), "{stdout}");
    assert!(stdout.contains("Advice: hang up"), "{stdout}");

    let out = CALLGUARD
        .command()
        .env("LANG", "ja_JP.UTF-8")
        .args([
            "scan",
            "区役所です。還付金があります。ATMで手続きしてください",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("判定: 高"), "{stdout}");
    assert!(stdout.contains("「区役所」"), "{stdout}");
    assert!(stdout.contains("助言"), "{stdout}");

    let out = CALLGUARD
        .command()
        .args(["scan", "Happy birthday!"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("No phrases common in scam calls were found."),
        "{stdout}"
    );
}

#[test]
fn reads_standard_input() {
    let out = CALLGUARD
        .command()
        .args(["scan", "--json", "-"])
        .write_stdin("警察です。\nあなたの口座が犯罪に使われています。\n")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    // An accusation in the police's name that asks for nothing yet is a warning (medium).
    assert_eq!(v["level"], "medium");
    assert!(v["families"]
        .as_array()
        .expect("families")
        .iter()
        .any(|f| f["family"] == "crime"));
}

#[test]
fn long_standard_input_is_truncated_not_refused() {
    let mut text = "あ".repeat(40_000);
    text.push_str("総務省です。通信を停止します");
    let out = CALLGUARD
        .command()
        .args(["scan", "--json", "-"])
        .write_stdin(text)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["truncated"], true);
}

#[test]
fn bad_usage_exits_2_with_one_line() {
    let out = CALLGUARD
        .command()
        .args(["scan", "-"])
        .write_stdin(vec![0xff, 0xfe, b'a'])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not UTF-8"), "{stderr}");

    let out = CALLGUARD
        .command()
        .args(["scan", "--lang", "fr", "hello"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));

    let out = CALLGUARD.command().arg("scan").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}
