//! The store's lists, reports, look-ups and call log, through the public API.

use std::time::Duration;

use callguard_core::store::{
    ImportOptions, ListKind, Pattern, ReportCategory, ReportLoading, Store, StoreError,
    StoreOptions, DEFAULT_REFRESH_INTERVAL,
};
use callguard_core::{Region, E164};
use callguard_testkit::workdir::WorkDir;

fn n(digits: &str) -> E164 {
    E164::from_digits(digits).expect("number")
}

fn open(dir: &WorkDir) -> Store {
    Store::open(dir.db(), Region::JP).expect("open")
}

#[test]
fn list_entries_are_normalised_persist_and_decide_lookups() {
    let dir = WorkDir::new();
    {
        let store = open(&dir);
        store
            .add_list_entry(ListKind::Block, "050-1234-5678", Some("fake police"), None)
            .expect("add");
        // The same number in another spelling updates the entry rather than adding one.
        store
            .add_list_entry(
                ListKind::Block,
                "+81 50 1234 5678",
                Some("fake police 2"),
                Some("n"),
            )
            .expect("add again");
        store
            .add_list_entry(ListKind::Block, "+8190*", None, None)
            .expect("prefix");
        store
            .add_list_entry(
                ListKind::Allow,
                "090-1111-0000..090-1111-0099",
                Some("family"),
                None,
            )
            .expect("range");
        assert_eq!(store.list_entries().expect("entries").len(), 3);
    }
    // Reopen: everything is still there.
    let store = open(&dir);
    let entries = store.list_entries().expect("entries");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].label.as_deref(), Some("fake police 2"));

    let hit = store
        .lookup(n("815012345678"))
        .expect("lookup")
        .list
        .expect("hit");
    assert_eq!(
        (hit.list, hit.pattern),
        (ListKind::Block, Pattern::Exact(n("815012345678")))
    );
    let prefix = store
        .lookup(n("819012345678"))
        .expect("lookup")
        .list
        .expect("hit");
    assert_eq!(prefix.list, ListKind::Block);
    // The allow range wins over the block prefix it sits in.
    let family = store
        .lookup(n("819011110042"))
        .expect("lookup")
        .list
        .expect("hit");
    assert_eq!(
        (family.list, family.label.as_deref()),
        (ListKind::Allow, Some("family"))
    );
    assert!(store.lookup(n("81312345678")).expect("lookup").is_empty());

    assert!(store
        .remove_list_entry(ListKind::Block, "05012345678")
        .expect("remove"));
    assert!(!store
        .remove_list_entry(ListKind::Block, "05012345678")
        .expect("remove"));
    assert!(store
        .lookup(n("815012345678"))
        .expect("lookup")
        .list
        .is_none());
}

#[test]
fn emergency_special_and_invalid_numbers_are_refused() {
    let dir = WorkDir::new();
    let store = open(&dir);
    for text in ["110", "119", "188"] {
        let err = store
            .add_list_entry(ListKind::Block, text, None, None)
            .expect_err(text);
        assert!(
            matches!(err, StoreError::ProtectedNumber { .. }),
            "{text}: {err}"
        );
        assert!(
            store.report(text, ReportCategory::Scam, None).is_err(),
            "{text}"
        );
    }
    let err = store
        .add_list_entry(ListKind::Block, "not a number", None, None)
        .expect_err("invalid");
    assert!(matches!(err, StoreError::InvalidNumber { .. }), "{err}");
    assert!(err.is_bad_input());
    assert!(store.list_entries().expect("entries").is_empty());
}

#[test]
fn reports_sum_up_decay_and_export() {
    let dir = WorkDir::new();
    let store = open(&dir);
    let number = n("815012345678");
    let day = 86_400;
    store
        .report_number(
            number,
            ReportCategory::Scam,
            Some("said he was police"),
            100 * day,
        )
        .expect("report");
    store
        .report_number(number, ReportCategory::Robocall, None, 110 * day)
        .expect("report");
    let fresh = store.lookup_at(number, 110 * day).expect("lookup");
    let reports = fresh.reports.expect("reports");
    assert_eq!(reports.total_count, 2);
    assert_eq!(reports.user_count, 2);
    assert_eq!(
        reports.categories,
        vec![ReportCategory::Scam, ReportCategory::Robocall]
    );
    assert_eq!(
        (reports.first_seen, reports.last_seen),
        (100 * day, 110 * day)
    );
    assert_eq!(reports.sources, vec!["user".to_owned()]);
    let later = store
        .lookup_at(number, 200 * day)
        .expect("lookup")
        .reports
        .expect("reports");
    assert!(
        later.weight < reports.weight / 1.9,
        "decays: {later:?} vs {reports:?}"
    );

    let mut out = Vec::new();
    assert_eq!(store.export_user_reports(&mut out).expect("export"), 2);
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(doc["format"], "callguard-user-reports");
    assert_eq!(doc["reports"][0]["number"], "+815012345678");
    assert_eq!(doc["reports"][0]["category"], "scam");
    assert_eq!(doc["reports"][0]["note"], "said he was police");
    assert_eq!(doc["reports"][1]["category"], "robocall");
}

#[test]
fn call_log_counts_recent_calls_and_keeps_its_bound() {
    let dir = WorkDir::new();
    let store = Store::open_with(
        dir.path().join("db"),
        StoreOptions {
            call_log_max_rows: 5,
            ..StoreOptions::default()
        },
    )
    .expect("open");
    let number = n("815012345678");
    let now = callguard_core::store::now();
    store
        .log_call(Some(number), now - 7200, "allow", &[])
        .expect("log");
    store
        .log_call(Some(number), now - 60, "warn", &["reported"])
        .expect("log");
    store
        .log_call(None, now - 30, "silence", &["hidden"])
        .expect("log");
    assert_eq!(store.lookup(number).expect("lookup").recent_calls, 1);
    assert_eq!(
        store
            .recent_calls(number, Duration::from_secs(3 * 3600))
            .expect("recent"),
        2
    );
    // A second handle on the same file (another process, say) sees the calls too.
    let other = Store::open(dir.path().join("db"), Region::JP).expect("open");
    assert_eq!(
        other
            .recent_calls(number, Duration::from_secs(3 * 3600))
            .expect("recent"),
        2
    );
    for _ in 0..10 {
        store.log_call(None, now, "allow", &[]).expect("log");
    }
    assert_eq!(store.stats().expect("stats").logged_calls, 5);
    // The writing handle's own view drops the pruned calls at once ...
    assert_eq!(
        store
            .recent_calls(number, Duration::from_secs(3 * 3600))
            .expect("recent"),
        0,
        "old calls pruned beyond the row bound"
    );
    // ... the other handle within its refresh interval.
    std::thread::sleep(DEFAULT_REFRESH_INTERVAL);
    assert_eq!(
        other
            .recent_calls(number, Duration::from_secs(3 * 3600))
            .expect("recent"),
        0,
        "the other handle sees the pruning after its refresh interval"
    );
}

#[test]
fn read_only_stores_refuse_writes_and_missing_files_are_named() {
    let dir = WorkDir::new();
    let path = dir.db();
    let missing = Store::open_with(
        &path,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
    .expect_err("no file yet");
    assert!(missing.to_string().contains("callguard.db"), "{missing}");

    open(&dir)
        .add_list_entry(ListKind::Block, "05012345678", None, None)
        .expect("add");
    let reader = Store::open_with(
        &path,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
    .expect("open read-only");
    assert!(reader
        .lookup(n("815012345678"))
        .expect("lookup")
        .list
        .is_some());
    let err = reader
        .add_list_entry(ListKind::Block, "05099998888", None, None)
        .expect_err("read-only");
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_gives_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = WorkDir::new();
    let path = dir.db();
    drop(open(&dir));
    for p in [dir.path().to_owned(), path.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    // Root ignores permissions: only check when they bite.
    let bites = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .is_err();
    let result = Store::open(&path, Region::JP)
        .and_then(|s| s.add_list_entry(ListKind::Block, "05012345678", None, None));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    if bites {
        let err = result.expect_err("read-only file");
        assert!(
            matches!(err, StoreError::ReadOnly { .. } | StoreError::Sqlite { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("callguard.db"), "{err}");
    }
}

#[test]
fn a_file_that_is_not_a_database_is_named() {
    let dir = WorkDir::new();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "this is not SQLite ".repeat(100)).expect("write");
    let err = Store::open(&path, Region::JP).expect_err("not a db");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

/// The in-memory report rows, the same rows read from SQLite, and a view patched by the
/// user's reports all give the same evidence, including rows too big for the compact form.
#[test]
fn reports_answer_the_same_from_memory_and_from_sqlite() {
    let dir = WorkDir::new();
    let path = dir.path().join("db");
    let store = Store::open(&path, Region::JP).expect("open");
    let feed = |name: &str, kind: &str, body: &str| {
        let file = dir.path().join(format!("{name}-{kind}.csv"));
        std::fs::write(
            &file,
            format!(
                "# name: {name}\n# kind: {kind}\n\
                 number,category,count,first_seen,last_seen\n{body}"
            ),
        )
        .expect("write");
        store
            .import_file(&file, &ImportOptions::default(), None)
            .expect("import");
    };
    feed(
        "police",
        "full",
        "+815012345678,scam,3,2025-11-01,2025-11-28\n\
         +819012345678,fraud|robocall,1,2025-10-01,2025-10-01\n\
         +12025550123,robocall,4000000000,2025-01-01,2025-01-02\n\
         +442079460958,scam,1,2025-01-01,2025-01-02\n",
    );
    // A delta adds counts up beyond what the compact form holds.
    feed(
        "police",
        "delta",
        "+12025550123,spam,4000000000,2025-01-01,2025-01-03\n",
    );
    feed(
        "carrier",
        "full",
        "+815012345678,spam,2,2025-09-01,2025-11-29\n+819012345678,telemarketing,5,,\n",
    );
    // Load the view, then let the user's reports patch it.
    store.refresh().expect("refresh");
    store
        .report("050-1234-5678", ReportCategory::Fraud, None)
        .expect("report existing");
    store
        .report("03-1234-5678", ReportCategory::Scam, None)
        .expect("report new");
    store
        .report("03-1234-5678", ReportCategory::Robocall, None)
        .expect("report again");
    let lean = Store::open_with(
        &path,
        StoreOptions {
            reports_in_memory: false,
            ..StoreOptions::default()
        },
    )
    .expect("open lean");
    let fresh = Store::open(&path, Region::JP).expect("open fresh");
    let at = callguard_core::store::now();
    let numbers = [
        "815012345678",
        "819012345678",
        "12025550123",
        "442079460958",
        "81312345678",
        "81399999999",
    ];
    for number in numbers {
        let patched = store.lookup_at(n(number), at).expect("patched");
        assert_eq!(
            patched,
            lean.lookup_at(n(number), at).expect("lean"),
            "{number}"
        );
        assert_eq!(
            patched,
            fresh.lookup_at(n(number), at).expect("fresh"),
            "{number}"
        );
    }
    let big = store
        .lookup(n("12025550123"))
        .expect("lookup")
        .reports
        .expect("reported");
    assert_eq!(big.total_count, 8_000_000_000);
    let user = store
        .lookup(n("81312345678"))
        .expect("lookup")
        .reports
        .expect("reported");
    assert_eq!(
        (user.user_count, user.sources.clone()),
        (2, vec!["user".to_owned()])
    );
    let mixed = store
        .lookup(n("815012345678"))
        .expect("lookup")
        .reports
        .expect("reported");
    assert_eq!(mixed.sources, vec!["user", "police", "carrier"]);
    assert_eq!(mixed.total_count, 6);
}

/// Opens `path` and looks up `numbers` until the in-memory view of reported numbers has loaded
/// in the background, checking every answer on the way; returns the answers read from SQLite
/// (before the view was ready) and from memory (after).
fn answers_before_and_after_loading(
    store: &Store,
    numbers: &[E164],
    at: i64,
) -> (
    Vec<callguard_core::store::Evidence>,
    Vec<callguard_core::store::Evidence>,
) {
    let ask = || -> Vec<_> {
        numbers
            .iter()
            .map(|&number| store.lookup_at(number, at).expect("lookup"))
            .collect()
    };
    let before = ask();
    // Bounded: the load takes milliseconds; a minute means it never finished.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !store.reports_loaded() {
        assert!(
            std::time::Instant::now() < deadline,
            "the view never loaded"
        );
        std::thread::sleep(Duration::from_millis(5));
        store.lookup_at(numbers[0], at).expect("lookup");
    }
    (before, ask())
}

#[test]
fn lookups_read_sqlite_while_the_view_loads_in_the_background_and_agree_with_it() {
    let dir = WorkDir::new();
    let path = dir.db();
    let feed = dir.path().join("feed.csv");
    let mut text = String::from("# name: big\n# version: 1\nnumber,category,count\n");
    for i in 0..50_000u64 {
        text.push_str(&format!(
            "+8190{},scam,{}\n",
            12_000_000 + i * 13,
            1 + i % 4
        ));
    }
    std::fs::write(&feed, text).expect("feed");
    {
        let store = Store::open(&path, Region::JP).expect("open");
        store
            .import_file(&feed, &ImportOptions::default(), None)
            .expect("import");
        store
            .report("090-1200-0013", ReportCategory::Fraud, None)
            .expect("report");
    }
    let numbers = [
        n("819012000000"),
        n("819012000013"),
        n("819012000014"),
        n("819012649987"),
        n("815012345678"),
    ];
    let at = callguard_core::store::now();
    let store = Store::open(&path, Region::JP).expect("reopen");
    assert!(!store.reports_loaded(), "nothing is loaded at open");
    let (from_sqlite, from_memory) = answers_before_and_after_loading(&store, &numbers, at);
    assert_eq!(from_sqlite, from_memory);
    let both = from_memory[1].reports.as_ref().expect("reported");
    assert_eq!(both.sources, vec!["user", "big"]);
    assert!(from_memory[2].reports.is_none());
    assert!(from_memory[3].reports.is_some());

    // A store that loads in the calling thread gives the same answers from the first call,
    // and one that never loads gives them from SQLite, every time.
    for (loading, loaded) in [(ReportLoading::Wait, true), (ReportLoading::Never, false)] {
        let other = Store::open_with(
            &path,
            StoreOptions {
                report_loading: loading,
                ..StoreOptions::default()
            },
        )
        .expect("open");
        let first: Vec<_> = numbers
            .iter()
            .map(|&number| other.lookup_at(number, at).expect("lookup"))
            .collect();
        other.refresh().expect("refresh");
        assert_eq!(other.reports_loaded(), loaded, "{loading:?}");
        assert_eq!(first, from_memory, "{loading:?}");
    }

    // After an import the view reloads in the background: look-ups see the new feed at once.
    let delta = dir.path().join("delta.csv");
    std::fs::write(
        &delta,
        "# name: big\n# version: 2\n# kind: delta\nnumber,category,op\n\
         +819012000014,spam,add\n+819012000000,,remove\n",
    )
    .expect("delta");
    store
        .import_file(&delta, &ImportOptions::default(), None)
        .expect("import delta");
    let (during, after) = answers_before_and_after_loading(&store, &numbers, at);
    assert_eq!(during, after);
    assert!(after[0].reports.is_none(), "removed by the delta");
    assert!(after[2].reports.is_some(), "added by the delta");
}

#[test]
fn list_changes_patch_the_view_exactly_as_a_reload_would() {
    let dir = WorkDir::new();
    let path = dir.db();
    let store = Store::open(&path, Region::JP).expect("open");
    let probes = [
        n("815012345678"),
        n("815012340000"),
        n("819011112222"),
        n("81312345678"),
    ];
    // Each step changes the lists through `store`, whose view is then patched in place; a
    // store opened afresh loads the same file from SQLite. Both must agree, entry by entry
    // and look-up by look-up.
    let steps: [(&str, ListKind, &str, Option<&str>); 8] = [
        ("add", ListKind::Block, "+8150*", Some("050")),
        ("add", ListKind::Allow, "050-1234-5678", Some("family")),
        ("add", ListKind::Block, "+815012345678", None),
        ("add", ListKind::Block, "+8150*", Some("050 relabelled")),
        ("add", ListKind::Block, "090-1111-0000..090-1111-9999", None),
        ("remove", ListKind::Allow, "050-1234-5678", None),
        ("remove", ListKind::Block, "+819098765432", None),
        ("add", ListKind::Allow, "03-1234-5678", Some("clinic")),
    ];
    for (i, (op, list, pattern, label)) in steps.into_iter().enumerate() {
        // Look up first, so the view is loaded and current before the change.
        store.lookup(probes[0]).expect("lookup");
        if op == "add" {
            store
                .add_list_entry(list, pattern, label, None)
                .expect("add");
        } else {
            store.remove_list_entry(list, pattern).expect("remove");
        }
        let fresh = Store::open(&path, Region::JP).expect("fresh");
        assert_eq!(
            store.list_entries().expect("patched"),
            fresh.list_entries().expect("reloaded"),
            "step {i}"
        );
        for probe in probes {
            assert_eq!(
                store.lookup(probe).expect("patched").list,
                fresh.lookup(probe).expect("reloaded").list,
                "step {i}, {probe}"
            );
        }
    }
    let entries = store.list_entries().expect("entries");
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].label.as_deref(), Some("050 relabelled"));
}
