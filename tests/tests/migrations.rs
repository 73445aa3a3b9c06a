//! Released schemas, as released builds wrote them: every `tests/fixtures/schema-vN.sql` (a
//! database filled by the `callguard` binary of that release and dumped as SQL; see
//! `tests/fixtures/make-schema-fixture.sh`) is loaded into a fresh file and opened with
//! `Store::open`, which migrates it. The user's data must come through whole (every row of
//! every table, byte for byte, and the same answers through the API), the schema must end up
//! exactly as a fresh database's, opening twice must change nothing, and a read-only open
//! before the upgrade must say so clearly.
//!
//! The unit tests in `core/src/store/schema.rs` migrate databases built by this build's own
//! steps; these fixtures stand for files on people's phones, written by older builds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use callguard_core::call_directory::DirectoryLoadMode;
use callguard_core::store::schema::SCHEMA_VERSION;
use callguard_core::store::{
    Evidence, ImportOptions, ListKind, Pattern, ReportCategory, Store, StoreError, StoreOptions,
};
use callguard_core::{IncomingCall, Region, Screener, Verdict, E164};
use callguard_testkit::workdir::WorkDir;
use rusqlite::types::Value;
use rusqlite::Connection;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The fixture of schema `version`, as SQL text.
fn fixture(version: i64) -> String {
    let path = fixtures_dir().join(format!("schema-v{version}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: every released schema version needs its fixture (see tests/fixtures/README.md)",
            path.display()
        )
    })
}

/// Every released version: 1 (the first) up to the one this build writes.
fn released() -> std::ops::RangeInclusive<i64> {
    1..=SCHEMA_VERSION
}

/// Writes the fixture of `version` into a new database file in `dir`, as it was on a phone.
fn load(dir: &Path, version: i64) -> PathBuf {
    let path = dir.join(format!("callguard-v{version}.db"));
    let conn = Connection::open(&path).expect("create");
    conn.execute_batch(&fixture(version)).expect("load fixture");
    assert_eq!(user_version(&conn), version, "the fixture sets its version");
    path
}

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

/// The schema as SQLite keeps it: (type, name, SQL text) of every object but SQLite's own.
fn schema_of(path: &Path) -> Vec<(String, String, String)> {
    let conn = Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// Every row of every table (SQLite's own included: the AUTOINCREMENT counter matters),
/// sorted, as raw SQLite values.
fn rows_of(path: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = Connection::open(path).expect("open");
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .expect("prepare");
        let names = stmt.query_map([], |r| r.get(0)).expect("query");
        names.collect::<Result<_, _>>().expect("names")
    };
    tables
        .into_iter()
        .map(|table| {
            let columns = conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
                .expect("prepare")
                .column_count();
            let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT * FROM \"{table}\" ORDER BY {}",
                    order.join(", ")
                ))
                .expect("prepare");
            let rows = stmt
                .query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
                .expect("query");
            (table, rows.collect::<Result<_, _>>().expect("rows"))
        })
        .collect()
}

fn fresh_schema(dir: &Path) -> Vec<(String, String, String)> {
    let path = dir.join("fresh.db");
    drop(Store::open(&path, Region::JP).expect("fresh store"));
    schema_of(&path)
}

fn read_only(path: &Path) -> Result<Store, StoreError> {
    Store::open_with(
        path,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
}

fn n(digits: &str) -> E164 {
    E164::from_digits(digits).expect("number")
}

#[test]
fn every_released_schema_has_a_fixture() {
    for version in released() {
        let text = fixture(version);
        assert!(
            text.contains(&format!("PRAGMA user_version = {version};")),
            "schema-v{version}.sql sets its version"
        );
    }
    assert!(
        !fixtures_dir()
            .join(format!("schema-v{}.sql", SCHEMA_VERSION + 1))
            .exists(),
        "a fixture for a version this build does not know"
    );
}

/// Opening migrates: every row survives byte for byte, the schema becomes exactly a fresh
/// database's (which also proves the fixture's CREATE statements are the released ones), and
/// a second open changes nothing at all.
#[test]
fn each_fixture_migrates_keeping_every_row() {
    let dir = WorkDir::new();
    let fresh = fresh_schema(dir.path());
    for version in released() {
        let path = load(dir.path(), version);
        let before = rows_of(&path);
        assert!(
            before
                .iter()
                .any(|(t, rows)| t == "list_entries" && rows.len() == 7),
            "v{version}: the fixture holds the user's lists"
        );

        let store = Store::open(&path, Region::JP).expect("open migrates");
        assert_eq!(store.stats().expect("stats").schema_version, SCHEMA_VERSION);
        drop(store);
        assert_eq!(
            schema_of(&path),
            fresh,
            "v{version}: migrated schema = fresh schema"
        );
        let after = rows_of(&path);
        for (table, rows) in &before {
            let kept = after.iter().find(|(t, _)| t == table).map(|(_, rows)| rows);
            assert_eq!(kept, Some(rows), "v{version}: table {table} kept every row");
        }
        // Tables the migration added start empty (SQLite's own bookkeeping aside).
        for (table, rows) in &after {
            if !before.iter().any(|(t, _)| t == table) && !table.starts_with("sqlite_") {
                assert!(rows.is_empty(), "v{version}: new table {table} is empty");
            }
        }

        // Idempotent: opening the migrated file again writes nothing.
        drop(Store::open(&path, Region::JP).expect("open again"));
        assert_eq!(rows_of(&path), after, "v{version}: second open");
        assert_eq!(schema_of(&path), fresh, "v{version}: second open");
        let conn = Connection::open(&path).expect("open");
        assert_eq!(user_version(&conn), SCHEMA_VERSION);
    }
}

/// A reader that cannot write (the iOS extension, a second process) finds an old file: it is
/// told to open it read-write once, and the file stays as it was.
#[test]
fn a_read_only_open_before_the_upgrade_says_so() {
    let dir = WorkDir::new();
    for version in released() {
        let path = load(dir.path(), version);
        let before = rows_of(&path);
        match read_only(&path) {
            Ok(store) => {
                assert_eq!(version, SCHEMA_VERSION, "v{version} opened read-only");
                assert_eq!(store.list_entries().expect("entries").len(), 7);
            }
            Err(err) => {
                assert!(version < SCHEMA_VERSION, "v{version}: {err}");
                // An older schema is no damage: recovery is not the remedy, opening it is.
                assert!(matches!(err, StoreError::NeedsUpgrade { .. }), "{err}");
                assert!(!err.is_damage(), "{err}");
                let text = err.to_string();
                assert!(
                    text.contains(&format!("schema version {version} is older"))
                        && text.contains("open it once read-write")
                        && text.contains(&format!("callguard-v{version}.db")),
                    "{text}"
                );
            }
        }
        assert_eq!(rows_of(&path), before, "v{version}: read-only open wrote");
        let conn = Connection::open(&path).expect("open");
        assert_eq!(user_version(&conn), version);
        drop(conn);
        // After one read-write open, read-only works.
        drop(Store::open(&path, Region::JP).expect("migrate"));
        let store = read_only(&path).expect("read-only after the upgrade");
        assert!(store
            .lookup(n("819012345678"))
            .expect("lookup")
            .list
            .is_some());
    }
}

/// What every fixture holds, through the API, after the upgrade.
fn check_user_data(store: &Store, version: i64) {
    let v = format!("v{version}");
    let entries: Vec<(ListKind, String, Option<String>, Option<String>)> = store
        .list_entries()
        .expect("entries")
        .into_iter()
        .map(|e| (e.list, e.pattern.to_string(), e.label, e.note))
        .collect();
    let s = |t: &str| Some(t.to_owned());
    assert_eq!(
        entries,
        vec![
            (
                ListKind::Allow,
                "+819012345678".into(),
                s("娘の携帯"),
                s("花子")
            ),
            (
                ListKind::Allow,
                "+81335810000..+81335819999".into(),
                s("かかりつけ病院"),
                s("代表と各科の直通")
            ),
            (ListKind::Allow, "+8175*".into(), s("京都の実家"), None),
            (
                ListKind::Block,
                "+815011112222".into(),
                s("偽の警察"),
                s("「警察の者です」と名乗り、口座番号を聞いた")
            ),
            (
                ListKind::Block,
                "+1876*".into(),
                s("ワン切り（ジャマイカ）"),
                None
            ),
            (
                ListKind::Block,
                "+815022220000..+815022229999".into(),
                s("IP電話の迷惑業者"),
                s("毎晩鳴る")
            ),
            (
                ListKind::Block,
                "+12025550143".into(),
                s("総務省を名乗る"),
                None
            ),
        ],
        "{v}: list entries"
    );

    let reports: Vec<(String, ReportCategory, Option<String>)> = store
        .user_reports()
        .expect("user reports")
        .into_iter()
        .map(|r| (r.number.to_string(), r.category, r.note))
        .collect();
    assert_eq!(
        reports,
        vec![
            (
                "+815011112222".into(),
                ReportCategory::Scam,
                s("総務省を名乗り、２時間以内に電話が止まると言った")
            ),
            ("+12025550143".into(), ReportCategory::Fraud, None),
            (
                "+81120444555".into(),
                ReportCategory::Telemarketing,
                s("光回線の勧誘")
            ),
        ],
        "{v}: user reports"
    );

    let feeds: Vec<(String, u64, String, String, u64)> = store
        .feeds()
        .expect("feeds")
        .into_iter()
        .map(|f| (f.name, f.version, f.kind, f.format, f.numbers))
        .collect();
    assert_eq!(
        feeds,
        vec![
            ("carrier".into(), 7, "delta".into(), "jsonl".into(), 3),
            (
                "police-jp".into(),
                20_251_129,
                "full".into(),
                "csv".into(),
                5
            ),
        ],
        "{v}: feeds"
    );

    let keys = store.trusted_keys().expect("keys");
    let rfc8032_key1 = [
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ];
    assert_eq!(keys.len(), 1, "{v}: keys");
    assert_eq!(keys[0].name, "警察庁");
    assert_eq!(
        keys[0].key,
        base64::engine::general_purpose::STANDARD.encode(rfc8032_key1)
    );

    let stats = store.stats().expect("stats");
    assert_eq!(
        (
            stats.allow_entries,
            stats.block_entries,
            stats.user_reports,
            stats.logged_calls,
            stats.trusted_keys,
        ),
        (3, 4, 3, 4, 1),
        "{v}: counts"
    );
}

/// The answers a look-up must give for the fixtures' data: (number, list and label, reports as
/// (total, by the user, categories, sources)).
type Expected = (
    &'static str,
    Option<(ListKind, &'static str)>,
    Option<(u64, u64, Vec<ReportCategory>, Vec<&'static str>)>,
);

fn expected_lookups() -> Vec<Expected> {
    use ReportCategory::*;
    vec![
        // The daughter: allowed, never reported.
        ("819012345678", Some((ListKind::Allow, "娘の携帯")), None),
        // The hospital's range, reported by the police feed: the allow list still decides.
        (
            "81335814321",
            Some((ListKind::Allow, "かかりつけ病院")),
            Some((2, 0, vec![Scam], vec!["police-jp"])),
        ),
        ("81752345678", Some((ListKind::Allow, "京都の実家")), None),
        // Fake police: blocked, reported by the user and by both feeds.
        (
            "815011112222",
            Some((ListKind::Block, "偽の警察")),
            Some((
                1 + 12 + 30,
                1,
                vec![Scam, Spam],
                vec!["user", "police-jp", "carrier"],
            )),
        ),
        (
            "18765551234",
            Some((ListKind::Block, "ワン切り（ジャマイカ）")),
            None,
        ),
        (
            "815022225555",
            Some((ListKind::Block, "IP電話の迷惑業者")),
            None,
        ),
        (
            "12025550143",
            Some((ListKind::Block, "総務省を名乗る")),
            Some((1 + 3, 1, vec![Fraud], vec!["user", "police-jp"])),
        ),
        // Reported only.
        (
            "815033334444",
            None,
            Some((4, 0, vec![Scam, Robocall], vec!["police-jp"])),
        ),
        (
            "81120444555",
            None,
            Some((
                1 + 9,
                1,
                vec![Telemarketing, Survey],
                vec!["user", "carrier"],
            )),
        ),
        (
            "818012345678",
            None,
            Some((2, 0, vec![Telemarketing], vec!["carrier"])),
        ),
        (
            "442079460958",
            None,
            Some((1, 0, vec![Scam], vec!["police-jp"])),
        ),
        // Unknown to the store.
        ("819087654321", None, None),
    ]
}

/// A look-up's list hit (list and label) and reports (total, by the user, categories,
/// sources), without the weights, which decay with time.
type Answer = (
    Option<(ListKind, String)>,
    Option<(u64, u64, Vec<ReportCategory>, Vec<String>)>,
);

fn summarise(e: &Evidence) -> Answer {
    (
        e.list
            .as_ref()
            .map(|h| (h.list, h.label.clone().unwrap_or_default())),
        e.reports.as_ref().map(|r| {
            (
                r.total_count,
                u64::from(r.user_count),
                r.categories.clone(),
                r.sources.clone(),
            )
        }),
    )
}

/// After the upgrade the API shows the same lists, reports, feeds, keys and call log, and
/// look-ups and whole screening decisions answer as the data says.
#[test]
fn migrated_fixtures_keep_the_users_data_and_answers() {
    let dir = WorkDir::new();
    let mut answers = Vec::new();
    for version in released() {
        let path = load(dir.path(), version);
        let store = Arc::new(Store::open(&path, Region::JP).expect("open migrates"));
        check_user_data(&store, version);
        let mut these = Vec::new();
        for (digits, list, reports) in expected_lookups() {
            let evidence = store.lookup(n(digits)).expect("lookup");
            let (got_list, got_reports) = summarise(&evidence);
            assert_eq!(
                got_list,
                list.map(|(l, label)| (l, label.to_owned())),
                "v{version}: {digits}: list"
            );
            assert_eq!(
                got_reports,
                reports.map(|(total, user, categories, sources)| (
                    total,
                    user,
                    categories,
                    sources.into_iter().map(str::to_owned).collect()
                )),
                "v{version}: {digits}: reports"
            );
            these.push(evidence.list);
        }
        // Every fixture holds the same user data, so they answer alike (list hits include the
        // pattern that matched and its note).
        if let Some(previous) = answers.last() {
            assert_eq!(&these, previous, "v{version} answers as v{}", version - 1);
        }
        answers.push(these);

        let screener = Screener::new(Region::JP).with_store(store.clone());
        let verdict = |text: &str| screener.screen(&IncomingCall::from_number(text)).verdict;
        assert_eq!(verdict("050-1111-2222"), Verdict::Block);
        assert_eq!(verdict("090-1234-5678"), Verdict::Allow);
        assert_eq!(verdict("+1 876 555 1234"), Verdict::Block);
        assert_eq!(verdict("110"), Verdict::Allow);
        let hit = store
            .lookup(n("815022225555"))
            .expect("lookup")
            .list
            .expect("listed");
        assert_eq!(
            hit.pattern,
            Pattern::Range {
                from: n("815022220000"),
                to: n("815022229999")
            }
        );
    }
}

/// The upgraded store keeps working as the user left it: the stored key still guards imports,
/// a feed file imported by the old build is recognised, an older version is refused, and the
/// lists, reports and call log take new rows.
#[test]
fn migrated_fixtures_keep_working() {
    let dir = WorkDir::new();
    let feeds = fixtures_dir().join("feeds");
    for version in released() {
        let path = load(dir.path(), version);
        let store = Store::open(&path, Region::JP).expect("open migrates");
        let police = feeds.join("police-jp.csv");
        // The trusted key came through: an unsigned feed is refused.
        let err = store
            .import_file(&police, &ImportOptions::default(), None)
            .expect_err("unsigned with a stored key");
        assert!(
            matches!(err, StoreError::Signature { .. }),
            "v{version}: {err}"
        );
        assert!(store.remove_trusted_key("警察庁").expect("remove key"));
        // The import records came through: the same file is recognised ...
        let again = store
            .import_file(&police, &ImportOptions::default(), None)
            .expect("re-import");
        assert!(again.already_imported, "v{version}: {again:?}");
        // ... and the installed version too: an older one is refused.
        let old = dir.path().join(format!("police-old-v{version}.csv"));
        std::fs::write(
            &old,
            "# name: police-jp\n# version: 20251001\nnumber\n+819011110000\n",
        )
        .expect("write");
        let err = store
            .import_file(&old, &ImportOptions::default(), None)
            .expect_err("older version");
        assert!(
            matches!(
                err,
                StoreError::FeedOutdated {
                    installed: 20_251_129,
                    given: 20_251_001,
                    ..
                }
            ),
            "v{version}: {err}"
        );
        // New rows go in next to the old ones.
        store
            .add_list_entry(
                ListKind::Block,
                "03-9999-0000",
                Some("新しい迷惑電話"),
                None,
            )
            .expect("add");
        store
            .report("03-9999-0000", ReportCategory::Scam, Some("還付金詐欺"))
            .expect("report");
        store
            .log_call(
                Some(n("81399990000")),
                callguard_core::store::now(),
                "block",
                &["block_list"],
            )
            .expect("log");
        let stats = store.stats().expect("stats");
        assert_eq!(
            (stats.block_entries, stats.user_reports, stats.logged_calls),
            (5, 4, 5),
            "v{version}"
        );
        assert_eq!(
            store.lookup(n("81399990000")).expect("lookup").recent_calls,
            1
        );
        // The iOS directory: a plan stored by a version 2 build is still there and loads as
        // a delta from what the extension holds; an upgraded version 1 file has none yet.
        let load = store.directory_load(0, true).expect("directory load");
        if version >= 2 {
            assert_eq!(store.latest_directory_version().expect("plans"), Some(1));
            assert_eq!(
                (load.version, load.base, load.mode),
                (1, Some(1), DirectoryLoadMode::Delta)
            );
        } else {
            assert_eq!(store.latest_directory_version().expect("plans"), None);
            assert_eq!(load.version, 0);
        }
    }
}
