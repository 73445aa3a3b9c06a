//! The `callguard` command as other tools script against it.

use callguard_testkit::cli::{json, json_lines, reason_codes, stdout, text, Cli};
use callguard_testkit::workdir::WorkDir;
use serde_json::Value;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

fn check_json(args: &[&str]) -> Value {
    CALLGUARD.check_json(args)
}

#[test]
fn check_json_contract() {
    let v = check_json(&["03-5253-5111"]);
    assert_eq!(v["number"]["input"], "03-5253-5111");
    assert_eq!(v["number"]["e164"], "+81352535111");
    assert_eq!(v["number"]["country"], "JP");
    assert_eq!(v["number"]["kind"], "fixed");
    assert_eq!(v["number"]["international"], false);
    assert_eq!(v["verdict"], "allow");
    assert!(v["score"].as_u64().is_some_and(|s| s <= 100));
    assert!(v["reasons"].is_array());
    assert!(v["advice"].is_null());
}

#[test]
fn international_call_warns_with_a_reason() {
    let v = check_json(&["--lang", "en", "+1 202-555-0143"]);
    assert_eq!(v["verdict"], "warn");
    assert_eq!(v["number"]["international"], true);
    let codes = reason_codes(&v);
    assert!(codes.iter().any(|c| c == "international"), "{codes:?}");
    assert!(v["advice"]
        .as_str()
        .is_some_and(|a| a.contains("looked up")));
}

#[test]
fn japanese_messages() {
    let v = check_json(&["--lang", "ja", "+83 1234 5678"]);
    assert_eq!(v["verdict"], "block");
    assert_eq!(v["number"]["kind"], "invalid");
    assert!(v["number"]["e164"].is_null());
    let message = v["reasons"][0]["message"].as_str().expect("message");
    assert!(message.contains("存在しない"), "{message}");
}

#[test]
fn hidden_and_short_numbers() {
    let v = check_json(&["--presentation", "restricted"]);
    assert_eq!(v["number"]["kind"], "hidden");
    assert_eq!(v["reasons"][0]["code"], "withheld");
    let v = check_json(&["110"]);
    assert_eq!(v["number"]["kind"], "emergency");
    assert_eq!(v["verdict"], "allow");
    assert!(v["number"]["country"].is_null() && v["number"]["international"].is_null());
    let v = check_json(&["--region", "US", "--contact", "+44 20 7946 0958"]);
    assert_eq!(v["verdict"], "allow");
    assert_eq!(v["reasons"][0]["code"], "contact");
    let v = check_json(&["--verification", "failed", "+1 202 555 0143"]);
    assert_eq!(v["verdict"], "block");
}

#[test]
fn human_output_puts_the_verdict_first() {
    let text = stdout(
        CALLGUARD
            .command()
            .args(["check", "--lang", "en", "+1 202-555-0143"]),
    );
    assert!(text.starts_with("Warning"), "{text}");
    assert!(text.contains("international"));
    assert!(text.contains("advice:"));
}

#[test]
fn batch_prints_one_object_per_line() {
    let input = "03-5253-5111\n\n+83 1234 5678\n110\n0120-123-456\n";
    let out = CALLGUARD
        .command()
        .args(["check", "--batch", "-"])
        .write_stdin(input)
        .output()
        .expect("run");
    assert!(out.status.success());
    let lines = json_lines(&out);
    let verdicts: Vec<&str> = lines.iter().filter_map(|v| v["verdict"].as_str()).collect();
    assert_eq!(verdicts, ["allow", "block", "allow", "allow"]);
}

#[test]
fn batch_from_a_file_and_a_missing_file() {
    let dir = WorkDir::new();
    let file = dir.write("calls.txt", "+819012345678\n");
    CALLGUARD
        .command()
        .args(["check", "--batch"])
        .arg(&file)
        .assert()
        .success();
    let out = CALLGUARD
        .command()
        .args(["check", "--batch"])
        .arg(dir.join("missing.txt"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("missing.txt") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    for args in [
        vec!["check", "--presentation", "sideways", "123"],
        vec!["check", "--region", "ZZ", "123"],
        vec!["check", "--verification", "maybe", "123"],
        vec!["check", "--lang", "fr", "123"],
        vec!["check", "--policy", "nonexistent", "123"],
        vec!["check", "--policy", "/no/such/policy.json", "123"],
        vec!["check"],
    ] {
        let out = CALLGUARD.command().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_malformed_policy_file_names_the_place() {
    let dir = WorkDir::new();
    let file = dir.write("policy.json", "{\n \"format\": 1,\n oops }");
    let out = CALLGUARD
        .command()
        .args(["check", "--policy"])
        .arg(&file)
        .arg("123")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("policy.json") && err.contains("line 3"),
        "{err}"
    );
}

#[test]
fn demo_shows_the_scam_calls_and_the_ordinary_ones() {
    let text = stdout(CALLGUARD.command().args(["demo", "--lang", "en"]));
    assert!(text.contains("Blocked") && text.contains("Warning") && text.contains("Ring"));
    assert!(text.contains("Ministry") && text.contains("emergency number"));
    let out = CALLGUARD
        .command()
        .args(["demo", "--json"])
        .output()
        .expect("run");
    let calls = json_lines(&out);
    assert!(calls.len() >= 15);
}

#[test]
fn check_consults_the_database() {
    let dir = WorkDir::new();
    let db = dir.join("cg.db");
    let db_arg = format!("--db={}", db.display());

    // A --db that is not there fails open (a verdict, a warning) and is never created; --log
    // without a database is a warning, never a lost verdict.
    let out = CALLGUARD
        .command()
        .args(["check", "--json", &db_arg, "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["reasons"][0]["code"], "screening_unavailable");
    let err = text(&out.stderr);
    assert!(err.contains("cg.db") && err.lines().count() == 1, "{err}");
    assert!(!db.exists());
    let out = CALLGUARD
        .command()
        .args(["check", "--json", "--log", "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verdict"], "allow");
    assert!(text(&out.stderr).contains("not logged"));

    CALLGUARD
        .command()
        .args([
            "list",
            "add",
            "block",
            "050-1234-5678",
            "--label",
            "fake police",
            &db_arg,
        ])
        .assert()
        .success();
    let v = check_json(&[&db_arg, "+81 50 1234 5678"]);
    assert_eq!(v["verdict"], "block");
    assert_eq!(v["reasons"][0]["code"], "block_list");

    CALLGUARD
        .command()
        .args(["report", "+44 20 7946 0958", "--category", "scam", &db_arg])
        .assert()
        .success();
    let v = check_json(&[&db_arg, "0041-010-44-20-7946-0958"]);
    assert_eq!(v["reasons"][0]["code"], "reported");

    for _ in 0..3 {
        check_json(&[&db_arg, "--log", "03-1234-5678"]);
    }
    let v = check_json(&[&db_arg, "03-1234-5678"]);
    let codes = reason_codes(&v);
    assert!(codes.iter().any(|c| c == "repeat_caller"), "{codes:?}");
}

#[test]
fn policies_claims_and_quiet_hours() {
    let v = check_json(&["--policy", "elderly", "+1 202 555 0143"]);
    assert_eq!(v["verdict"], "block");
    let v = check_json(&["--policy", "minimal", "+1 202 555 0143"]);
    assert_eq!(v["verdict"], "allow");
    let v = check_json(&["--policy", "elderly", "--at", "22:15", "03-1234-5678"]);
    assert_eq!(v["verdict"], "silence");
    assert_eq!(v["reasons"][0]["code"], "quiet_hours");
    let v = check_json(&["--lang", "en", "--claims", "総務省", "+1 202 555 0143"]);
    assert_eq!(v["verdict"], "block");
    assert!(
        v["advice"]
            .as_str()
            .is_some_and(|a| a.contains("03-5253-5111")),
        "{v}"
    );
    assert_eq!(v["label"], "Impersonation");
    let out = CALLGUARD
        .command()
        .args(["check", "--at", "25:00", "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_caregiver_locks_a_policy() {
    let dir = WorkDir::new();
    let file = dir.join("family.json");
    CALLGUARD
        .command()
        .args(["policy", "lock", "elderly", "--pin", "2468", "--out"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).expect("policy file");
    assert!(text.contains("\"lock\"") && !text.contains("2468"));
    let verify = |pin: &str| {
        CALLGUARD
            .command()
            .args(["policy", "verify"])
            .arg(&file)
            .args(["--pin", pin])
            .output()
            .expect("run")
            .status
            .code()
    };
    assert_eq!(verify("2468"), Some(0));
    assert_eq!(verify("1357"), Some(1));
    // A locked policy still screens.
    let v = check_json(&["--policy", file.to_str().expect("utf-8"), "+1 202 555 0143"]);
    assert_eq!(v["verdict"], "block");
    let unlocked = dir.join("open.json");
    CALLGUARD
        .command()
        .args(["policy", "unlock"])
        .arg(&file)
        .args(["--pin", "1357", "--out"])
        .arg(&unlocked)
        .assert()
        .code(1);
    assert!(!unlocked.exists());
}
