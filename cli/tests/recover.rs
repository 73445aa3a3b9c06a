//! `callguard db recover` end to end: a damaged database is repaired and says what it kept, a
//! healthy one is left alone, one from a newer callguard is refused; and the other commands
//! point at `db recover` when the database is damaged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("recover_{name}"));
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

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn damaged_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("callguard.db.damaged-") && !n.ends_with("-wal"))
        .filter(|n| !n.ends_with("-shm"))
        .collect();
    names.sort();
    names
}

/// A database with both lists, a report and a feed, all in the one file.
fn fixture(dir: &Path) -> PathBuf {
    ok(&callguard(
        dir,
        &[
            "list",
            "add",
            "block",
            "050-1234-5678",
            "--label",
            "偽の警察",
        ],
    ));
    ok(&callguard(dir, &["list", "add", "allow", "03-1234-5678"]));
    ok(&callguard(
        dir,
        &[
            "report",
            "050-9876-5432",
            "--category",
            "scam",
            "--note",
            "総務省",
        ],
    ));
    let feed = dir.join("police.csv");
    std::fs::write(
        &feed,
        "# name: police\n# version: 3\nnumber,category\n+819011112222,scam\n+819011113333,fraud\n",
    )
    .expect("feed");
    ok(&callguard(dir, &["import", feed.to_str().expect("path")]));
    let path = dir.join("callguard.db");
    // Everything into the one file: a command may exit before SQLite folds its log in.
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    drop(conn);
    assert!(!dir.join("callguard.db-wal").exists());
    path
}

#[test]
fn a_damaged_database_is_repaired_and_a_healthy_one_left_alone() {
    let dir = workdir("damaged");
    let path = fixture(&dir);
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch("DROP TABLE reports")
        .expect("drop");

    // The commands that meet the damage say what repairs it, and change nothing.
    let feed = dir.join("police.csv");
    let out = callguard(&dir, &["import", feed.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("callguard.db"), "{err}");
    assert!(err.contains("no such table: reports"), "{err}");
    assert!(err.contains("callguard db recover --db"), "{err}");

    let out = ok(&callguard(&dir, &["db", "recover"]));
    assert!(out.contains("was damaged"), "{out}");
    assert!(out.contains("table reports is missing"), "{out}");
    assert!(out.contains("the damaged file was moved to"), "{out}");
    assert!(out.contains("list_entries   kept      2"), "{out}");
    assert!(out.contains("user_reports   kept      1"), "{out}");
    assert!(
        out.contains("import again: feed police (version 3 was installed)"),
        "{out}"
    );
    let moved = damaged_files(&dir);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(out.contains(&moved[0]), "{out}");

    let entries: serde_json::Value =
        serde_json::from_str(&ok(&callguard(&dir, &["list", "show", "--json"]))).expect("JSON");
    let patterns: Vec<&str> = entries
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["pattern"].as_str())
        .collect();
    assert_eq!(patterns, ["+815012345678", "+81312345678"]);
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&callguard(&dir, &["stats", "--json"]))).expect("JSON");
    assert_eq!(stats["user_reports"], 1);
    assert_eq!(stats["feeds"].as_array().map(Vec::len), Some(0));
    // The user's report counts in screening again.
    let check: serde_json::Value =
        serde_json::from_str(&ok(&callguard(&dir, &["check", "--json", "050-9876-5432"])))
            .expect("JSON");
    let codes: Vec<&str> = check["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"reported"), "{check}");

    // Healthy now: a second recovery changes nothing.
    let out = ok(&callguard(&dir, &["db", "recover"]));
    assert!(out.contains("is healthy: nothing changed"), "{out}");
    assert_eq!(damaged_files(&dir), moved);
}

#[test]
fn json_for_a_file_cut_to_100_bytes() {
    let dir = workdir("truncated");
    let path = fixture(&dir);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..100]).expect("truncate");
    let out = callguard(&dir, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("callguard db recover"));

    let report: serde_json::Value =
        serde_json::from_str(&ok(&callguard(&dir, &["db", "recover", "--json"]))).expect("JSON");
    assert!(
        report["damage"]
            .as_str()
            .is_some_and(|d| d.contains("callguard.db")),
        "{report}"
    );
    assert_eq!(report["created"], false);
    let moved = PathBuf::from(report["moved_to"].as_str().expect("moved_to"));
    assert_eq!(std::fs::read(&moved).expect("moved"), &bytes[..100]);
    let tables: Vec<&str> = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|t| t["table"].as_str())
        .collect();
    assert_eq!(
        tables,
        [
            "list_entries",
            "user_reports",
            "reports",
            "trusted_keys",
            "call_log"
        ]
    );
    for table in report["tables"].as_array().expect("tables") {
        assert_eq!(table["kept"], 0, "{report}");
    }
    let out = ok(&callguard(&dir, &["list", "show"]));
    assert!(out.is_empty(), "{out}");
}

#[test]
fn a_database_from_a_newer_callguard_is_refused_and_left_alone() {
    let dir = workdir("newer");
    let path = fixture(&dir);
    rusqlite::Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("user_version");
    let out = callguard(&dir, &["db", "recover"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("recovering the database"), "{err}");
    assert!(err.contains("newer"), "{err}");
    assert!(damaged_files(&dir).is_empty());
    // Not damage: no advice to recover.
    let out = callguard(&dir, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains("db recover"));
    let version: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, 99);
}

#[test]
fn a_missing_database_is_created() {
    let dir = workdir("missing");
    let out = ok(&callguard(&dir, &["db", "recover"]));
    assert!(out.contains("no database was at"), "{out}");
    assert!(out.contains("created an empty one"), "{out}");
    assert!(dir.join("callguard.db").exists());
    let out = ok(&callguard(&dir, &["db", "recover"]));
    assert!(out.contains("is healthy"), "{out}");
}
