//! The publisher's commands as a publisher runs them: a key, a feed built from exports, a
//! delta, their signatures, and a phone importing them.

use callguard_testkit::cli::{success, text, Cli};

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

fn run(args: &[&str]) -> String {
    success(&CALLGUARD.run(args))
}

#[test]
fn from_exports_to_a_signed_delta_a_phone_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).display().to_string();
    std::fs::create_dir(p("uploads")).expect("dir");
    for phone in 0..3 {
        let db = p(&format!("phone{phone}.db"));
        run(&["report", "050-1111-2222", "--category", "scam", "--db", &db]);
        let out = p(&format!("uploads/phone{phone}.json"));
        run(&["reports", "export", "--db", &db, "--out", &out]);
    }

    let said = run(&["feed", "key", "generate", "--out", &p("publisher.key")]);
    let private = std::fs::read_to_string(p("publisher.key")).expect("key");
    let body = private.lines().nth(1).expect("PEM body");
    assert!(!said.contains(body), "the private key is never printed");

    let json = run(&[
        "feed",
        "build",
        &p("uploads"),
        "--name",
        "community",
        "--feed-version",
        "1",
        "--out",
        &p("v1.csv"),
        "--json",
    ]);
    let summary: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(summary["numbers_published"], 1, "{summary}");
    assert_eq!(summary["reports_read"], 3, "{summary}");
    let ja = run(&[
        "feed",
        "build",
        &p("uploads"),
        "--name",
        "community",
        "--feed-version",
        "2",
        "--out",
        &p("v2.csv"),
        "--min-reporters",
        "4",
        "--lang",
        "ja",
    ]);
    assert!(ja.contains("独立した通報者が 4 人未満のもの 1 件"), "{ja}");
    run(&[
        "feed",
        "diff",
        &p("v1.csv"),
        &p("v2.csv"),
        "--out",
        &p("d12.csv"),
    ]);
    run(&["feed", "sign", &p("v1.csv"), "--key", &p("publisher.key")]);
    let signed = run(&["feed", "sign", &p("d12.csv"), "--key", &p("publisher.key")]);
    assert!(signed.contains("from version 1 to 2"), "{signed}");

    let phone = p("phone.db");
    run(&[
        "key",
        "add",
        "community",
        &p("publisher.pub"),
        "--db",
        &phone,
    ]);
    run(&["import", &p("v1.csv"), "--db", &phone]);
    let check = run(&["check", "--json", "050-1111-2222", "--db", &phone]);
    assert!(check.contains("\"reported\""), "{check}");
    run(&["import", &p("d12.csv"), "--db", &phone]);
    let check = run(&["check", "--json", "050-1111-2222", "--db", &phone]);
    assert!(!check.contains("\"reported\""), "{check}");

    // A wrong option is bad usage (exit 2), and writes nothing.
    let out = CALLGUARD.run(&[
        "feed",
        "build",
        &p("uploads"),
        "--name",
        "x",
        "--feed-version",
        "0",
        "--out",
        &p("never.csv"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!dir.path().join("never.csv").exists());
}
