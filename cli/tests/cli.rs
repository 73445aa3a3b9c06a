//! The `callguard` command as other tools script against it.

use assert_cmd::Command;
use serde_json::Value;

fn callguard() -> Command {
    let mut cmd = Command::cargo_bin("callguard").expect("binary");
    // No default database: `check` consults one only when asked.
    let no_data = std::env::temp_dir().join("callguard-cli-tests-no-data");
    cmd.env_remove("LANG")
        .env_remove("LC_ALL")
        .env("XDG_DATA_HOME", no_data);
    cmd
}

fn check_json(args: &[&str]) -> Value {
    let out = callguard()
        .arg("check")
        .arg("--json")
        .args(args)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
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
    let codes: Vec<&str> = v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"international"), "{codes:?}");
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
    let out = callguard()
        .args(["check", "--lang", "en", "+1 202-555-0143"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("Warning"), "{text}");
    assert!(text.contains("international"));
    assert!(text.contains("advice:"));
}

#[test]
fn batch_prints_one_object_per_line() {
    let input = "03-5253-5111\n\n+83 1234 5678\n110\n0120-123-456\n";
    let out = callguard()
        .args(["check", "--batch", "-"])
        .write_stdin(input)
        .output()
        .expect("run");
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let verdicts: Vec<&str> = lines.iter().filter_map(|v| v["verdict"].as_str()).collect();
    assert_eq!(verdicts, ["allow", "block", "allow", "allow"]);
}

#[test]
fn batch_from_a_file_and_a_missing_file() {
    let dir = std::env::temp_dir().join(format!("callguard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("calls.txt");
    std::fs::write(&file, "+819012345678\n").expect("write");
    callguard()
        .args(["check", "--batch"])
        .arg(&file)
        .assert()
        .success();
    let out = callguard()
        .args(["check", "--batch"])
        .arg(dir.join("missing.txt"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.txt") && err.lines().count() == 1,
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
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
        let out = callguard().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_malformed_policy_file_names_the_place() {
    let dir = std::env::temp_dir().join(format!("callguard-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("policy.json");
    std::fs::write(&file, "{\n \"format\": 1,\n oops }").expect("write");
    let out = callguard()
        .args(["check", "--policy"])
        .arg(&file)
        .arg("123")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policy.json") && err.contains("line 3"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_shows_the_scam_calls_and_the_ordinary_ones() {
    let out = callguard()
        .args(["demo", "--lang", "en"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("Blocked") && text.contains("Warning") && text.contains("Ring"));
    assert!(text.contains("Ministry") && text.contains("emergency number"));
    let out = callguard().args(["demo", "--json"]).output().expect("run");
    let calls: Vec<Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert!(calls.len() >= 15);
}

#[test]
fn check_consults_the_database() {
    let dir = std::env::temp_dir().join(format!("callguard-check-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("cg.db");
    let db_arg = format!("--db={}", db.display());

    // A --db that is not there fails open (a verdict, a warning) and is never created; --log
    // without a database is a warning, never a lost verdict.
    let out = callguard()
        .args(["check", "--json", &db_arg, "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("a verdict");
    assert_eq!(v["reasons"][0]["code"], "screening_unavailable");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cg.db") && err.lines().count() == 1, "{err}");
    assert!(!db.exists());
    let out = callguard()
        .args(["check", "--json", "--log", "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("a verdict");
    assert_eq!(v["verdict"], "allow");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not logged"));

    callguard()
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

    callguard()
        .args(["report", "+44 20 7946 0958", "--category", "scam", &db_arg])
        .assert()
        .success();
    let v = check_json(&[&db_arg, "0041-010-44-20-7946-0958"]);
    assert_eq!(v["reasons"][0]["code"], "reported");

    for _ in 0..3 {
        check_json(&[&db_arg, "--log", "03-1234-5678"]);
    }
    let v = check_json(&[&db_arg, "03-1234-5678"]);
    let codes: Vec<&str> = v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"repeat_caller"), "{codes:?}");
    let _ = std::fs::remove_dir_all(&dir);
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
    let out = callguard()
        .args(["check", "--at", "25:00", "03-1234-5678"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_caregiver_locks_a_policy() {
    let dir = std::env::temp_dir().join(format!("callguard-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("family.json");
    callguard()
        .args(["policy", "lock", "elderly", "--pin", "2468", "--out"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).expect("policy file");
    assert!(text.contains("\"lock\"") && !text.contains("2468"));
    let verify = |pin: &str| {
        callguard()
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
    callguard()
        .args(["policy", "unlock"])
        .arg(&file)
        .args(["--pin", "1357", "--out"])
        .arg(&unlocked)
        .assert()
        .code(1);
    assert!(!unlocked.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
