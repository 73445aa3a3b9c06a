//! Unit tests of the parent module.

use super::*;

#[test]
fn a_full_disk_fails_the_import_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path().join("db"), Region::JP).expect("open");
    store
        .add_list_entry(ListKind::Block, "+815012345678", None, None)
        .expect("list");
    let feed = dir.path().join("feed.csv");
    let mut text = String::from("# name: big\nnumber\n");
    for i in 0..50_000u64 {
        text.push_str(&format!("+8190{:08}\n", i * 7));
    }
    std::fs::write(&feed, text).expect("write");
    // SQLite's page limit stands in for a full disk.
    if let Some(writer) = &store.writer {
        let conn = lock(writer);
        let pages: i64 = conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("pages");
        conn.pragma_update(None, "max_page_count", pages + 20)
            .expect("limit");
    }
    let err = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("full");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    assert!(store.feeds().expect("feeds").is_empty());
    assert_eq!(store.list_entries().expect("entries").len(), 1);
    assert!(store
        .lookup(E164::from_u64(819_000_000_007).expect("n"))
        .expect("lookup")
        .reports
        .is_none());
}
