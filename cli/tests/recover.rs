//! `callguard db recover` end to end: a damaged database is repaired and says what it kept, a
//! healthy one is left alone, one from a newer callguard is refused; and the other commands
//! point at `db recover` when the database is damaged.

use std::path::PathBuf;

use callguard_testkit::cli::{success, text, Cli};
use callguard_testkit::faults::{from_a_newer_callguard, moved_databases, settle, FUTURE_SCHEMA};
use callguard_testkit::workdir::WorkDir;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

/// A database with both lists, a report and a feed, all in the one file.
fn fixture(dir: &WorkDir) -> PathBuf {
    success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "list",
            "add",
            "block",
            "050-1234-5678",
            "--label",
            "偽の警察",
        ],
    ));
    success(&CALLGUARD.run_on(&dir.db(), &["list", "add", "allow", "03-1234-5678"]));
    success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "report",
            "050-9876-5432",
            "--category",
            "scam",
            "--note",
            "総務省",
        ],
    ));
    let feed = dir.write(
        "police.csv",
        "# name: police\n# version: 3\nnumber,category\n+819011112222,scam\n+819011113333,fraud\n",
    );
    success(&CALLGUARD.run_on(&dir.db(), &["import", feed.to_str().expect("path")]));
    let path = dir.db();
    // Everything into the one file: a command may exit before SQLite folds its log in.
    settle(&path);
    assert!(!dir.join("callguard.db-wal").exists());
    path
}

#[test]
fn a_damaged_database_is_repaired_and_a_healthy_one_left_alone() {
    let dir = WorkDir::new();
    let path = fixture(&dir);
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch("DROP TABLE reports")
        .expect("drop");

    // The commands that meet the damage say what repairs it, and change nothing.
    let feed = dir.join("police.csv");
    let out = CALLGUARD.run_on(&dir.db(), &["import", feed.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("callguard.db"), "{err}");
    assert!(err.contains("no such table: reports"), "{err}");
    assert!(err.contains("callguard db recover --db"), "{err}");

    let out = success(&CALLGUARD.run_on(&dir.db(), &["db", "recover"]));
    assert!(out.contains("was damaged"), "{out}");
    assert!(out.contains("table reports is missing"), "{out}");
    assert!(out.contains("the damaged file was moved to"), "{out}");
    assert!(out.contains("list_entries   kept      2"), "{out}");
    assert!(out.contains("user_reports   kept      1"), "{out}");
    assert!(
        out.contains("import again: feed police (version 3 was installed)"),
        "{out}"
    );
    let moved = moved_databases(dir.path());
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(out.contains(&moved[0]), "{out}");

    let entries: serde_json::Value = serde_json::from_str(&success(
        &CALLGUARD.run_on(&dir.db(), &["list", "show", "--json"]),
    ))
    .expect("JSON");
    let patterns: Vec<&str> = entries
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["pattern"].as_str())
        .collect();
    assert_eq!(patterns, ["+815012345678", "+81312345678"]);
    let stats: serde_json::Value =
        serde_json::from_str(&success(&CALLGUARD.run_on(&dir.db(), &["stats", "--json"])))
            .expect("JSON");
    assert_eq!(stats["user_reports"], 1);
    assert_eq!(stats["feeds"].as_array().map(Vec::len), Some(0));
    // The user's report counts in screening again.
    let check: serde_json::Value = serde_json::from_str(&success(
        &CALLGUARD.run_on(&dir.db(), &["check", "--json", "050-9876-5432"]),
    ))
    .expect("JSON");
    let codes: Vec<&str> = check["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"reported"), "{check}");

    // Healthy now: a second recovery changes nothing.
    let out = success(&CALLGUARD.run_on(&dir.db(), &["db", "recover"]));
    assert!(out.contains("is healthy: nothing changed"), "{out}");
    assert_eq!(moved_databases(dir.path()), moved);
}

#[test]
fn json_for_a_file_cut_to_100_bytes() {
    let dir = WorkDir::new();
    let path = fixture(&dir);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..100]).expect("truncate");
    let out = CALLGUARD.run_on(&dir.db(), &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("callguard db recover"));

    let report: serde_json::Value = serde_json::from_str(&success(
        &CALLGUARD.run_on(&dir.db(), &["db", "recover", "--json"]),
    ))
    .expect("JSON");
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
    let out = success(&CALLGUARD.run_on(&dir.db(), &["list", "show"]));
    assert!(out.is_empty(), "{out}");
}

#[test]
fn a_database_from_a_newer_callguard_is_refused_and_left_alone() {
    let dir = WorkDir::new();
    let path = fixture(&dir);
    from_a_newer_callguard(&path);
    let out = CALLGUARD.run_on(&dir.db(), &["db", "recover"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("recovering the database"), "{err}");
    assert!(err.contains("newer"), "{err}");
    assert!(moved_databases(dir.path()).is_empty());
    // Not damage: no advice to recover.
    let out = CALLGUARD.run_on(&dir.db(), &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains("db recover"));
    let version: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, FUTURE_SCHEMA);
}

#[test]
fn a_missing_database_is_created() {
    let dir = WorkDir::new();
    let out = success(&CALLGUARD.run_on(&dir.db(), &["db", "recover"]));
    assert!(out.contains("no database was at"), "{out}");
    assert!(out.contains("created an empty one"), "{out}");
    assert!(dir.db().exists());
    let out = success(&CALLGUARD.run_on(&dir.db(), &["db", "recover"]));
    assert!(out.contains("is healthy"), "{out}");
}
