//! Feed imports: formats, transactions, versions, signatures, and reading while importing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use callguard_core::store::{FeedKind, ImportOptions, ListKind, ReportCategory, Store, StoreError};
use callguard_core::{Region, E164};
use callguard_testkit::feeds::{manifest, sign};
use callguard_testkit::workdir::WorkDir;
use ed25519_dalek::SigningKey;

fn n(digits: &str) -> E164 {
    E164::from_digits(digits).expect("number")
}

struct Fixture {
    dir: WorkDir,
    store: Store,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = WorkDir::new();
        let store = Store::open(dir.db(), Region::JP).expect("open");
        Fixture { dir, store }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        self.dir.write(name, text)
    }

    fn import(&self, path: &Path) -> Result<callguard_core::store::ImportSummary, StoreError> {
        self.store
            .import_file(path, &ImportOptions::default(), None)
    }

    fn count(&self, number: &str) -> u64 {
        self.store
            .lookup(n(number))
            .expect("lookup")
            .reports
            .map_or(0, |r| r.total_count)
    }
}

const POLICE_V1: &str = "\
# callguard-feed: 1
# name: police
# version: 1
# kind: full
number,category,count,first_seen,last_seen,op
+815012345678,scam,3,2025-11-01,2025-11-28,
050-2222-3333,fraud,1,,,
+12025550123,robocall|spam,2,2025-10-01 08:00:00,2025-10-02T09:00:00Z,
110,scam,1,,,
";

#[test]
fn csv_import_stores_rows_and_skips_protected_numbers() {
    let f = Fixture::new();
    let s = f.import(&f.file("police.csv", POLICE_V1)).expect("import");
    assert_eq!(
        (s.feed.as_str(), s.version, s.kind),
        ("police", 1, FeedKind::Full)
    );
    assert_eq!(
        (s.rows_read, s.imported, s.protected, s.skipped),
        (4, 3, 1, 0)
    );
    assert_eq!(s.numbers_touched, 3);
    let e = f.store.lookup(n("815012345678")).expect("lookup");
    let r = e.reports.expect("reported");
    assert_eq!((r.total_count, r.user_count), (3, 0));
    assert_eq!(r.categories, vec![ReportCategory::Scam]);
    assert_eq!(r.sources, vec!["police".to_owned()]);
    assert_eq!(f.count("815022223333"), 1, "national format normalised");
    let us = f
        .store
        .lookup(n("12025550123"))
        .expect("lookup")
        .reports
        .expect("us");
    assert_eq!(
        us.categories,
        vec![ReportCategory::Spam, ReportCategory::Robocall]
    );
    assert_eq!(us.first_seen, 1_759_305_600);
}

#[test]
fn a_bad_line_aborts_and_changes_nothing() {
    let f = Fixture::new();
    f.import(&f.file("police.csv", POLICE_V1)).expect("v1");
    f.store
        .add_list_entry(ListKind::Block, "0312345678", None, None)
        .expect("list");
    let before = f.store.stats().expect("stats");
    let bad = f.file(
        "police2.csv",
        "# name: police\n# version: 2\nnumber,category,count\n+819011112222,scam,1\n\
         +819011113333,scam,lots\n+819011114444,scam,1\n",
    );
    let err = f.import(&bad).expect_err("bad count");
    let text = err.to_string();
    assert!(matches!(err, StoreError::BadLine { line: 5, .. }), "{text}");
    assert!(
        text.contains("police2.csv: line 5: count \"lots\""),
        "{text}"
    );
    assert!(err.is_bad_input());
    // Nothing of version 2 went in, version 1 is intact.
    assert_eq!(f.count("819011112222"), 0);
    assert_eq!(f.count("815012345678"), 3);
    assert_eq!(f.store.stats().expect("stats"), before);
}

#[test]
fn skip_invalid_counts_and_quotes_bad_lines() {
    let f = Fixture::new();
    let path = f.file(
        "feed.csv",
        "# name: community\nnumber,category\n+819011112222,scam\nnonsense,scam\n\
         +819011113333,weird\n+819011114444,spam,extra\n+819011115555,spam\n",
    );
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let s = f.store.import_file(&path, &options, None).expect("import");
    assert_eq!((s.rows_read, s.imported, s.skipped), (5, 2, 3));
    assert_eq!(s.problems.len(), 3);
    assert!(
        s.problems[0].starts_with("line 4: number \"nonsense\""),
        "{:?}",
        s.problems
    );
    assert!(
        s.problems[1].starts_with("line 5: unknown category"),
        "{:?}",
        s.problems
    );
    assert!(s.problems[2].starts_with("line 6: "), "{:?}", s.problems);
    assert_eq!(f.count("819011115555"), 1);
}

#[test]
fn reimporting_the_same_file_counts_nothing_twice() {
    let f = Fixture::new();
    let path = f.file("police.csv", POLICE_V1);
    f.import(&path).expect("first");
    let again = f.import(&path).expect("second");
    assert!(again.already_imported);
    assert_eq!(f.count("815012345678"), 3);
    // Version-less delta files (FTC-style) too.
    let ftc = f.file(
        "dnc.csv",
        "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,\
         Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n\
         2025550123,2025-11-02 10:00:00,2025-11-01 09:00:00,Springfield,IL,217,Imposters,Y\n\
         2025550123,2025-11-03 10:00:00,2025-11-03 09:00:00,Springfield,IL,217,Medical,\n\
         3125550199,2025-11-03 10:00:00,,Chicago,IL,312,Reducing your debt,\n",
    );
    let first = f.import(&ftc).expect("ftc");
    assert_eq!(
        (first.feed.as_str(), first.kind, first.imported),
        ("ftc-dnc", FeedKind::Delta, 3)
    );
    assert!(f.import(&ftc).expect("ftc again").already_imported);
    let r = f
        .store
        .lookup(n("12025550123"))
        .expect("lookup")
        .reports
        .expect("r");
    assert_eq!(
        r.total_count,
        2 + 2,
        "police's 2 plus the FTC's 2 rows, not 4 + 2"
    );
    assert!(
        r.categories.contains(&ReportCategory::Scam)
            && r.categories.contains(&ReportCategory::Robocall)
    );
    assert_eq!(f.count("13125550199"), 1);
}

#[test]
fn versions_replace_patch_and_never_go_back() {
    let f = Fixture::new();
    f.import(&f.file("v1.csv", POLICE_V1)).expect("v1");
    // A delta adds to one number, removes another, adds a new one.
    let delta = f.file(
        "v2.csv",
        "# name: police\n# version: 2\n# kind: delta\nnumber,category,count,op\n\
         +815012345678,scam,2,add\n+815022223333,,,remove\n+819099998888,scam,1,\n",
    );
    let s = f.import(&delta).expect("delta");
    assert_eq!((s.imported, s.removed), (2, 1));
    assert_eq!(f.count("815012345678"), 5);
    assert_eq!(f.count("815022223333"), 0);
    assert_eq!(f.count("819099998888"), 1);
    // A full version 3 replaces everything the feed said.
    let full = f.file(
        "v3.csv",
        "# name: police\n# version: 3\nnumber,category\n+819077776666,scam\n",
    );
    let s = f.import(&full).expect("full");
    assert_eq!(s.numbers_touched, 1);
    assert_eq!(f.count("815012345678"), 0);
    assert_eq!(f.count("819077776666"), 1);
    // Going back to version 1 is refused; so is a different file claiming version 3.
    let old = f.import(&f.file(
        "v1-again.csv",
        &POLICE_V1.replace("3,2025-11-01", "4,2025-11-01"),
    ));
    assert!(
        matches!(
            old,
            Err(StoreError::FeedOutdated {
                installed: 3,
                given: 1,
                ..
            })
        ),
        "{old:?}"
    );
    let clash = f.import(&f.file(
        "v3b.csv",
        "# name: police\n# version: 3\nnumber\n+819000000001\n",
    ));
    assert!(
        matches!(clash, Err(StoreError::FeedConflict { version: 3, .. })),
        "{clash:?}"
    );
    assert_eq!(f.count("819077776666"), 1);
    assert_eq!(f.store.feeds().expect("feeds")[0].version, 3);
    // remove in a full feed is an error.
    let err = f
        .import(&f.file(
            "v4.csv",
            "# name: police\n# version: 4\nnumber,op\n+819000000001,remove\n",
        ))
        .expect_err("remove in full");
    assert!(
        err.to_string()
            .contains("line 4: op remove is only allowed in a delta feed"),
        "{err}"
    );
}

#[test]
fn removing_a_feed_keeps_the_users_lists_and_reports() {
    let f = Fixture::new();
    f.import(&f.file("police.csv", POLICE_V1)).expect("import");
    f.store
        .add_list_entry(ListKind::Block, "+815012345678", Some("mine"), None)
        .expect("list");
    f.store
        .report("+815012345678", ReportCategory::Scam, Some("mine too"))
        .expect("report");
    assert_eq!(f.count("815012345678"), 4);
    assert_eq!(f.store.remove_feed("police").expect("remove"), 3);
    let e = f.store.lookup(n("815012345678")).expect("lookup");
    assert_eq!(e.list.expect("still listed").label.as_deref(), Some("mine"));
    let r = e.reports.expect("user report stays");
    assert_eq!((r.total_count, r.user_count), (1, 1));
    assert_eq!(f.count("815022223333"), 0);
    assert!(f.store.feeds().expect("feeds").is_empty());
    assert!(f.store.remove_feed("police").is_err());
    // The feed can come back from scratch.
    assert_eq!(
        f.import(&f.file("again.csv", POLICE_V1))
            .expect("again")
            .imported,
        3
    );
}

#[test]
fn jsonl_feeds() {
    let f = Fixture::new();
    let path = f.file(
        "feed.jsonl",
        "# name: carrier\n# version: 7\n\
         {\"number\": \"+815012345678\", \"category\": \"scam\", \"count\": 4, \"last_seen\": \"2025-11-28\"}\n\
         \n\
         {\"number\": \"03-1234-5678\", \"first_seen\": 1700000000, \"last_seen\": 1700000001}\n",
    );
    let s = f.import(&path).expect("jsonl");
    assert_eq!((s.version, s.imported), (7, 2));
    assert_eq!(f.count("815012345678"), 4);
    assert_eq!(f.count("81312345678"), 1);
    let bad = f.file(
        "bad.jsonl",
        "# name: carrier2\n{\"number\": \"+815012345678\"\n",
    );
    let err = f.import(&bad).expect_err("bad JSON");
    assert!(
        err.to_string().contains("bad.jsonl: line 2: bad JSON"),
        "{err}"
    );
}

#[test]
fn unusable_files_are_named() {
    let f = Fixture::new();
    let missing = f.dir.path().join("nope.csv");
    let err = f.import(&missing).expect_err("missing");
    assert!(err.to_string().contains("nope.csv"), "{err}");
    assert!(err.is_bad_input());
    let no_column = f.file("x.csv", "# name: x\nphone,category\n+815012345678,scam\n");
    let err = f.import(&no_column).expect_err("no number column");
    assert!(
        err.to_string()
            .contains("x.csv: line 2: the header has no number column"),
        "{err}"
    );
    let no_name = f.file("y.csv", "number\n+815012345678\n");
    let err = f.import(&no_name).expect_err("no name");
    assert!(err.to_string().contains("no feed name"), "{err}");
    let bad_kind = f.file("z.csv", "# name: z\n# kind: sometimes\nnumber\n");
    let err = f.import(&bad_kind).expect_err("bad kind");
    assert!(
        err.to_string().contains("z.csv: line 2: unknown feed kind"),
        "{err}"
    );
    assert!("xml".parse::<callguard_core::store::FeedFormat>().is_err());
}

#[test]
fn signed_feeds_are_checked_and_tampering_changes_nothing() {
    let f = Fixture::new();
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let options = ImportOptions {
        trusted_keys: vec![key.verifying_key()],
        ..ImportOptions::default()
    };
    let path = f.file("police.csv", POLICE_V1);
    // Unsigned: refused.
    let err = f
        .store
        .import_file(&path, &options, None)
        .expect_err("unsigned");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    assert!(err.to_string().contains("unsigned"), "{err}");
    // Signed: accepted.
    sign(&key, &path);
    let s = f.store.import_file(&path, &options, None).expect("signed");
    assert!(s.signed);
    // Tampered after signing (a count raised): refused, nothing changed.
    let v2 = f.file(
        "police2.csv",
        &POLICE_V1.replace("version: 1", "version: 2"),
    );
    sign(&key, &v2);
    std::fs::write(
        &v2,
        POLICE_V1
            .replace("version: 1", "version: 2")
            .replace(",3,", ",9,"),
    )
    .expect("tamper");
    let err = f
        .store
        .import_file(&v2, &options, None)
        .expect_err("tampered");
    assert!(err.to_string().contains("does not match"), "{err}");
    assert_eq!(f.count("815012345678"), 3);
    assert_eq!(f.store.feeds().expect("feeds")[0].version, 1);
    // Signed by someone else: refused.
    let v3 = f.file(
        "police3.csv",
        &POLICE_V1.replace("version: 1", "version: 3"),
    );
    sign(&SigningKey::from_bytes(&[1u8; 32]), &v3);
    assert!(f.store.import_file(&v3, &options, None).is_err());
    // A key stored in the database applies to every import, even without --key.
    f.store
        .add_trusted_key("police", &key.verifying_key())
        .expect("store key");
    let v4 = f.file(
        "police4.csv",
        &POLICE_V1.replace("version: 1", "version: 4"),
    );
    assert!(f.import(&v4).is_err(), "unsigned with a stored key");
    sign(&key, &v4);
    assert!(f.import(&v4).expect("signed").signed);
}

#[test]
fn a_reader_screens_while_an_import_runs() {
    let dir = WorkDir::new();
    let db = dir.db();
    let store = Arc::new(Store::open(&db, Region::JP).expect("open"));
    store
        .add_list_entry(ListKind::Block, "+815012345678", None, None)
        .expect("list");
    let feed = dir.path().join("big.csv");
    let mut text = String::from("# name: big\nnumber,category\n");
    for i in 0..200_000u64 {
        text.push_str(&format!("+8190{:08},scam\n", i * 37 % 100_000_000));
    }
    std::fs::write(&feed, text).expect("write");
    // Another process's view of the same file.
    let other = Store::open(&db, Region::JP).expect("open again");
    let importer = {
        let store = store.clone();
        std::thread::spawn(move || store.import_file(&feed, &ImportOptions::default(), None))
    };
    let mut lookups = 0u64;
    while !importer.is_finished() {
        let e = store
            .lookup(n("815012345678"))
            .expect("lookup during import");
        assert!(e.list.is_some());
        let e = other
            .lookup(n("815012345678"))
            .expect("other lookup during import");
        assert!(e.list.is_some());
        lookups += 1;
    }
    let summary = importer.join().expect("thread").expect("import");
    assert_eq!(summary.imported, 200_000);
    assert!(lookups > 0);
    // The other handle looks for writes once per refresh interval, or now when asked.
    other.refresh().expect("refresh");
    assert_eq!(
        other
            .lookup(n("819000000037"))
            .expect("lookup")
            .reports
            .map(|r| r.total_count),
        Some(1)
    );
}

#[test]
fn signed_manifests_cover_the_file_by_its_hash() {
    let f = Fixture::new();
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let options = ImportOptions {
        trusted_keys: vec![key.verifying_key()],
        ..ImportOptions::default()
    };
    let unchanged = |f: &Fixture| {
        assert_eq!(f.count("815012345678"), 3);
        assert_eq!(f.store.feeds().expect("feeds")[0].version, 1);
    };

    // A signed manifest next to the file is found and checked; no FILE.sig is needed.
    let v1 = f.file("police.csv", POLICE_V1);
    manifest(
        &v1,
        r#""name": "police", "version": 1, "kind": "full", "format": "csv", "rows": 4"#,
        Some(&key),
    );
    let s = f
        .store
        .import_file(&v1, &options, None)
        .expect("signed manifest");
    assert!(s.signed);
    unchanged(&f);

    let v2_text = POLICE_V1.replace("version: 1", "version: 2");
    let v2 = f.file("police2.csv", &v2_text);
    let v2_manifest = r#""name": "police", "version": 2"#;

    // The manifest changed after signing (a version raised): refused before reading the file.
    let m = manifest(&v2, v2_manifest, Some(&key));
    let signed = std::fs::read_to_string(&m).expect("read");
    std::fs::write(&m, signed.replace("\"version\": 2", "\"version\": 9")).expect("tamper");
    let err = f
        .store
        .import_file(&v2, &options, None)
        .expect_err("tampered manifest");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    assert!(err.to_string().contains("manifest's signature"), "{err}");
    unchanged(&f);

    // The file changed after the manifest was signed (same size, a count raised).
    manifest(&v2, v2_manifest, Some(&key));
    std::fs::write(&v2, v2_text.replace(",3,", ",9,")).expect("tamper");
    let err = f
        .store
        .import_file(&v2, &options, None)
        .expect_err("tampered file");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    assert!(err.to_string().contains("SHA-256"), "{err}");
    unchanged(&f);

    // Signed by a key that is not trusted.
    std::fs::write(&v2, &v2_text).expect("restore");
    manifest(&v2, v2_manifest, Some(&SigningKey::from_bytes(&[1u8; 32])));
    let err = f
        .store
        .import_file(&v2, &options, None)
        .expect_err("wrong key");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    unchanged(&f);

    // Not signed at all.
    manifest(&v2, v2_manifest, None);
    std::fs::remove_file(format!("{}.manifest.json.sig", v2.display())).expect("unsign");
    let err = f
        .store
        .import_file(&v2, &options, None)
        .expect_err("unsigned manifest");
    assert!(err.to_string().contains("unsigned"), "{err}");
    unchanged(&f);

    // What the manifest says must agree with the file and the count of rows.
    manifest(&v2, r#""name": "carrier", "version": 2"#, Some(&key));
    let err = f.store.import_file(&v2, &options, None).expect_err("name");
    assert!(
        err.to_string()
            .contains(r#"file says name "police" but the manifest says "carrier""#),
        "{err}"
    );
    manifest(
        &v2,
        r#""name": "police", "version": 2, "rows": 7"#,
        Some(&key),
    );
    let err = f.store.import_file(&v2, &options, None).expect_err("rows");
    assert!(err.to_string().contains("manifest says 7"), "{err}");
    unchanged(&f);

    // A manifest given by path, under any name.
    let elsewhere = f.dir.path().join("police-v2.json");
    let m = manifest(&v2, v2_manifest, Some(&key));
    std::fs::rename(&m, &elsewhere).expect("move");
    std::fs::rename(
        format!("{}.sig", m.display()),
        format!("{}.sig", elsewhere.display()),
    )
    .expect("move sig");
    let s = f
        .store
        .import_file(
            &v2,
            &ImportOptions {
                manifest: Some(elsewhere),
                ..options.clone()
            },
            None,
        )
        .expect("manifest by path");
    assert!(s.signed);
    assert_eq!(f.store.feeds().expect("feeds")[0].version, 2);
}

#[test]
fn without_trusted_keys_a_manifest_still_checks_the_hash() {
    let f = Fixture::new();
    let path = f.file("police.csv", POLICE_V1);
    manifest(&path, r#""name": "police", "version": 1"#, None);
    std::fs::write(&path, POLICE_V1.replace(",3,", ",8,")).expect("tamper");
    let err = f.import(&path).expect_err("tampered");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    assert!(f.store.feeds().expect("feeds").is_empty());
    std::fs::write(&path, POLICE_V1).expect("restore");
    let s = f.import(&path).expect("matches its manifest");
    assert!(!s.signed);
}

#[test]
fn a_delta_counts_numbers_touched_across_chunks_once() {
    let f = Fixture::new();
    let rows = callguard_core::store::feed::CHUNK_ROWS + 10_000;
    let mut text = String::from("# name: ftc-like\n# kind: delta\nnumber,category\n");
    for i in 0..rows {
        text.push_str(&format!("+8190{:08},scam\n", 10_000_000 + i % 1000));
    }
    let s = f.import(&f.file("delta.csv", &text)).expect("delta");
    assert_eq!(s.rows_read, rows as u64);
    assert_eq!(
        s.numbers_touched, 1000,
        "each number once, whatever chunk it was in"
    );
    assert_eq!(f.count("819010000007"), (rows / 1000 + 1) as u64);
}
