//! The store's commands end to end: exit codes, messages, JSON output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("store_cli_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn callguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callguard"))
        .args(args)
        .arg("--db")
        .arg(dir.join("callguard.db"))
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("run callguard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn lists_reports_and_stats() {
    let dir = workdir("lists");
    let out = callguard(
        &dir,
        &[
            "list",
            "add",
            "block",
            "050-1234-5678",
            "--label",
            "fake police",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "block list: +815012345678");
    let out = callguard(&dir, &["list", "add", "allow", "+8190*"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["list", "show", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(entries[0]["pattern"], "+815012345678");
    assert_eq!(entries[0]["label"], "fake police");
    assert_eq!(entries[1]["list"], "allow");

    let out = callguard(&dir, &["report", "110", "--category", "scam"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("can never be blocked or reported"));
    let out = callguard(
        &dir,
        &[
            "report",
            "03-1234-5678",
            "--category",
            "scam",
            "--note",
            "ministry",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["reports", "export"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["reports"][0]["number"], "+81312345678");
    assert_eq!(doc["reports"][0]["note"], "ministry");

    let out = callguard(&dir, &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(stats["block_entries"], 1);
    assert_eq!(stats["allow_entries"], 1);
    assert_eq!(stats["user_reports"], 1);

    let out = callguard(&dir, &["list", "remove", "block", "+815012345678"]);
    assert!(out.status.success());
    let out = callguard(&dir, &["list", "remove", "block", "+815012345678"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn import_summaries_and_errors() {
    let dir = workdir("import");
    let feed = dir.join("police.csv");
    std::fs::write(
        &feed,
        "# name: police\n# version: 1\nnumber,category,count\n+815012345678,scam,2\n\
         +819011112222,fraud,1\n",
    )
    .expect("write");
    let out = callguard(&dir, &["import", feed.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("rows read 2, imported 2"), "{summary}");
    // Piped: no progress bar on stderr.
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["import", feed.to_str().expect("utf-8")]);
    assert!(text(&out.stdout).contains("already imported"));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "# name: bad\nnumber,category\n+815012345678,scam\n+81,scam\n",
    )
    .expect("write");
    let out = callguard(&dir, &["import", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.csv: line 4: number \"+81\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = callguard(
        &dir,
        &[
            "import",
            "--skip-invalid",
            "--json",
            bad.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (json["imported"].as_u64(), json["skipped"].as_u64()),
        (Some(1), Some(1))
    );

    let out = callguard(
        &dir,
        &["import", dir.join("missing.csv").to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.csv"));
    let out = callguard(
        &dir,
        &["import", "--format", "xml", feed.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));

    let out = callguard(&dir, &["feed", "list", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(feeds.as_array().map(Vec::len), Some(2));
    let out = callguard(&dir, &["feed", "remove", "police"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
