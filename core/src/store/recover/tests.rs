//! Unit tests of the parent module.

use super::*;

#[test]
fn damaged_names_carry_the_time_and_never_collide() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("callguard.db");
    // 2025-11-29 01:51:02 UTC
    let first = damaged_name(&path, 1_764_381_062);
    assert_eq!(
        first.file_name().and_then(|n| n.to_str()),
        Some("callguard.db.damaged-20251129-015102")
    );
    std::fs::write(sibling(&first, "-wal"), b"").expect("write");
    let second = damaged_name(&path, 1_764_381_062);
    assert_eq!(
        second.file_name().and_then(|n| n.to_str()),
        Some("callguard.db.damaged-20251129-015102-2")
    );
}

#[test]
fn the_expected_schema_lists_every_table() {
    let schema = expected_schema().expect("schema");
    let names: Vec<&str> = schema.iter().map(|(t, _)| t.as_str()).collect();
    for table in [
        "meta",
        "list_entries",
        "reports",
        "user_reports",
        "trusted_keys",
    ] {
        assert!(names.contains(&table), "{names:?}");
    }
    let reports = schema
        .iter()
        .find(|(t, _)| t == "reports")
        .expect("reports");
    assert_eq!(
        reports.1,
        [
            "number",
            "source",
            "categories",
            "count",
            "first_seen",
            "last_seen"
        ]
    );
}
