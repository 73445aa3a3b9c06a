//! The store against a malicious feed publisher and against other applications' files: keys and
//! signatures checked strictly and failing closed, lines and versions bounded, emergency rows
//! protected, foreign SQLite files never written.

use std::path::Path;

use base64::Engine as _;
use callguard_core::store::feed::{parse_public_key, MAX_FEED_VERSION};
use callguard_core::store::{ImportOptions, Store, StoreError, StoreOptions};
use callguard_core::Region;
use callguard_testkit::workdir::WorkDir;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

fn store(dir: &Path) -> Store {
    Store::open(dir.join("callguard.db"), Region::JP).expect("open")
}

const FEED: &str = "# name: carrier\nnumber,category\n+815012345678,scam\n+815012345679,fraud\n";

/// The identity point `01 00 ... 00`: a public key of small order.
fn identity_bytes() -> [u8; 32] {
    let mut raw = [0u8; 32];
    raw[0] = 1;
    raw
}

/// Under the identity key, R = identity and s = 0 verify any message non-strictly.
fn forged_signature_b64() -> String {
    let mut sig = [0u8; 64];
    sig[0] = 1;
    base64::engine::general_purpose::STANDARD.encode(sig)
}

fn plant_key(db: &Path, name: &str, key: &[u8]) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute(
        "INSERT INTO trusted_keys (name, key, added_at) VALUES (?1, ?2, 0)",
        rusqlite::params![name, key],
    )
    .expect("plant key");
}

/// `key add` accepted the identity point, and the detached `.sig` path verified non-strictly:
/// one fixed signature then "verified" any feed. Now weak keys are refused wherever a key is
/// read, and one already stored (by an older callguard) fails every import closed.
#[test]
fn weak_keys_never_verify_anything() {
    let dir = WorkDir::new();
    let b64 = base64::engine::general_purpose::STANDARD;
    let err = parse_public_key(&b64.encode(identity_bytes())).expect_err("weak");
    assert!(err.contains("weak"), "{err}");
    let weak = VerifyingKey::from_bytes(&identity_bytes()).expect("decodes");
    let db = store(dir.path());
    let err = db.add_trusted_key("forger", &weak).expect_err("weak");
    assert!(err.to_string().contains("weak"), "{err}");

    let feed = dir.write("feed.csv", FEED);
    dir.write("feed.csv.sig", forged_signature_b64());
    let options = ImportOptions {
        trusted_keys: vec![weak],
        ..ImportOptions::default()
    };
    let err = db
        .import_file(&feed, &options, None)
        .expect_err("weak key given");
    assert!(matches!(err, StoreError::BadKey { .. }), "{err}");

    drop(db);
    plant_key(&dir.db(), "forger", &identity_bytes());
    let db = store(dir.path());
    let err = db
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("weak key stored");
    assert!(err.to_string().contains("forger"), "{err}");
    assert!(db.feeds().expect("feeds").is_empty());
}

/// A stored trusted key that no longer parses was skipped: with it the only key, signature
/// checking turned off and an unsigned feed went in. Now every import fails, naming the key.
#[test]
fn a_damaged_stored_key_fails_closed() {
    let dir = WorkDir::new();
    let db = store(dir.path());
    let good = SigningKey::from_bytes(&[5; 32]).verifying_key();
    db.add_trusted_key("police", &good).expect("key");
    drop(db);
    let conn = rusqlite::Connection::open(dir.db()).expect("open");
    conn.execute(
        "UPDATE trusted_keys SET key = x'00112233' WHERE name = 'police'",
        [],
    )
    .expect("damage the key");
    drop(conn);
    let db = store(dir.path());
    let feed = dir.write("unsigned.csv", FEED);
    let err = db
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("fails closed");
    let text = err.to_string();
    assert!(
        text.contains("\"police\"") && text.contains("unusable"),
        "{text}"
    );
    assert!(db.feeds().expect("feeds").is_empty());
    assert_eq!(db.stats().expect("stats").reported_numbers, 0);
}

/// With a trusted key, the signature is checked over the whole file before a line is parsed: a
/// feed with a wrong signature is refused as such, whatever its lines hold. Before, the lines
/// were parsed first (a bad one was reported, a huge one read into memory).
#[test]
fn the_signature_is_checked_before_any_line_is_parsed() {
    let dir = WorkDir::new();
    let db = store(dir.path());
    let signer = SigningKey::from_bytes(&[9; 32]);
    db.add_trusted_key("carrier", &signer.verifying_key())
        .expect("key");
    let text = format!("{FEED}this line is not a number\n");
    let feed = dir.write("feed.csv", &text);
    let other = SigningKey::from_bytes(&[1; 32]).sign(text.as_bytes());
    dir.write(
        "feed.csv.sig",
        base64::engine::general_purpose::STANDARD.encode(other.to_bytes()),
    );
    let err = db
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("wrong signature");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");

    // Signed right, the bad line is found (and named) as before.
    let good = signer.sign(text.as_bytes());
    dir.write(
        "feed.csv.sig",
        base64::engine::general_purpose::STANDARD.encode(good.to_bytes()),
    );
    let err = db
        .import_file(&feed, &ImportOptions::default(), None)
        .expect_err("bad line");
    assert!(matches!(err, StoreError::BadLine { line: 5, .. }), "{err}");
}

/// A line (a CSV record) longer than 64 KiB fails the import with its number before it is
/// held in memory, with `skip_invalid` too. Before, the line was read whole, then skipped.
#[test]
fn a_line_too_long_is_refused_with_its_number() {
    let dir = WorkDir::new();
    let db = store(dir.path());
    let long = "7".repeat(200_000);
    for (name, text) in [
        ("long.csv", format!("{FEED}{long}\n+815012345670,scam\n")),
        (
            "quoted.csv",
            format!("{FEED}+815012345670,\"{}\n", "x\n".repeat(50_000)),
        ),
        (
            "long.jsonl",
            format!("# name: j\n{{\"number\": \"{long}\"}}\n"),
        ),
    ] {
        let feed = dir.write(name, &text);
        let options = ImportOptions {
            skip_invalid: true,
            ..ImportOptions::default()
        };
        let err = db.import_file(&feed, &options, None).expect_err(name);
        let message = err.to_string();
        assert!(
            matches!(err, StoreError::BadLine { .. }) && message.contains("longer than 65536"),
            "{name}: {message}"
        );
        let line = if name == "long.jsonl" { 2 } else { 5 };
        assert!(
            matches!(err, StoreError::BadLine { line: l, .. } if l == line),
            "{name}: {message}"
        );
    }
    assert!(db.feeds().expect("feeds").is_empty());
}

/// A feed at version 2^64 - 1 could never be updated again (the next version wrapped to 0; it
/// was stored as -1). Versions are bounded now, and the next one always exists.
#[test]
fn feed_versions_are_bounded() {
    let dir = WorkDir::new();
    let db = store(dir.path());
    let huge = dir.write("huge.csv", format!("# version: {}\n{FEED}", u64::MAX));
    let err = db
        .import_file(&huge, &ImportOptions::default(), None)
        .expect_err("huge");
    assert!(matches!(err, StoreError::BadLine { line: 1, .. }), "{err}");
    let feed = dir.write("feed.csv", FEED);
    let options = ImportOptions {
        version: Some(MAX_FEED_VERSION + 1),
        ..ImportOptions::default()
    };
    let err = db.import_file(&feed, &options, None).expect_err("too big");
    assert!(err.to_string().contains("out of range"), "{err}");

    let top = ImportOptions {
        version: Some(MAX_FEED_VERSION),
        ..ImportOptions::default()
    };
    let summary = db.import_file(&feed, &top, None).expect("largest version");
    assert_eq!(summary.version, MAX_FEED_VERSION);
    assert_eq!(db.feeds().expect("feeds")[0].version, MAX_FEED_VERSION);
    let next = dir.write("next.csv", format!("{FEED}+815012345670,scam\n"));
    let err = db
        .import_file(&next, &ImportOptions::default(), None)
        .expect_err("no next");
    assert!(err.to_string().contains("largest"), "{err}");

    // A version an older callguard stored out of range: refused with the remedy.
    drop(db);
    let conn = rusqlite::Connection::open(dir.db()).expect("open");
    conn.execute("UPDATE feeds SET version = -1", [])
        .expect("wrap");
    drop(conn);
    let db = store(dir.path());
    let err = db
        .import_file(&next, &ImportOptions::default(), None)
        .expect_err("wrapped");
    assert!(err.to_string().contains("feed remove"), "{err}");
    db.remove_feed("carrier").expect("remove");
    db.import_file(&next, &ImportOptions::default(), None)
        .expect("imports again");
}

/// An FTC row for 911 aborted the import; it is an emergency number, counted as protected.
#[test]
fn an_ftc_row_for_an_emergency_number_is_protected() {
    let dir = WorkDir::new();
    let db = store(dir.path());
    let feed = dir.write(
        "ftc.csv",
        "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,\
         Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n\
         2025550123,2025-11-01 10:00:00,2025-11-01 09:00:00,X,DC,202,Other,N\n\
         911,2025-11-01 10:00:00,2025-11-01 09:00:00,X,DC,202,Other,N\n",
    );
    let summary = db
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("imports");
    assert_eq!((summary.imported, summary.protected), (1, 1));
}

/// Another application's SQLite file, opened by mistake: refused before anything is written
/// (never switched to WAL, never given callguard's tables), by screening, by a read-write open
/// and by recovery alike; the file stays byte for byte.
#[test]
fn another_applications_file_is_never_written() {
    let dir = WorkDir::new();
    for (name, setup) in [
        (
            "tagged.db",
            "PRAGMA application_id = 1234; CREATE TABLE t (x);",
        ),
        (
            "notes.db",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); PRAGMA user_version = 3;",
        ),
        (
            "reports.db",
            "CREATE TABLE reports (x); CREATE TABLE meta (k, v); PRAGMA user_version = 1;",
        ),
    ] {
        let path = dir.path().join(name);
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(setup).expect("setup");
        drop(conn);
        let before = std::fs::read(&path).expect("read");
        let err = Store::open(&path, Region::JP).expect_err(name);
        assert!(matches!(err, StoreError::Foreign { .. }), "{name}: {err}");
        assert!(!err.is_damage(), "{name}: recovery is no remedy");
        let read_only = StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        };
        let err = Store::open_with(&path, read_only).expect_err(name);
        assert!(matches!(err, StoreError::Foreign { .. }), "{name}: {err}");
        let err = Store::recover(&path, StoreOptions::default()).expect_err(name);
        assert!(
            err.to_string().contains("not a callguard database"),
            "{name}: {err}"
        );
        assert_eq!(std::fs::read(&path).expect("read"), before, "{name}");
        assert!(!dir.path().join(format!("{name}-wal")).exists(), "{name}");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// A database of an older callguard (no application id) is recognised by its schema, works,
/// and is marked callguard's on its first read-write open; screening never creates a file.
#[test]
fn an_older_callguard_file_is_recognised_and_nothing_is_created_for_screening() {
    let dir = WorkDir::new();
    let path = dir.db();
    let db = store(dir.path());
    db.add_list_entry(
        callguard_core::store::ListKind::Block,
        "+815012345678",
        None,
        None,
    )
    .expect("entry");
    drop(db);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.pragma_update(None, "application_id", 0)
        .expect("unmark");
    drop(conn);
    let read_only = StoreOptions {
        read_only: true,
        ..StoreOptions::default()
    };
    let screening = Store::open_with(&path, read_only.clone()).expect("recognised");
    assert_eq!(screening.list_entries().expect("entries").len(), 1);
    drop(screening);
    drop(store(dir.path()));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("id");
    assert_eq!(id, callguard_core::store::schema::APPLICATION_ID);

    let missing = dir.path().join("missing.db");
    assert!(Store::open_with(&missing, read_only).is_err());
    let no_create = StoreOptions {
        create: false,
        ..StoreOptions::default()
    };
    assert!(Store::open_with(&missing, no_create).is_err());
    assert!(!missing.exists());
}

/// A label with a new line or a tab was stored as given, and forged rows wherever the lists
/// are listed; feed and key names too. One-line texts now refuse control characters; a note
/// keeps its lines.
#[test]
fn labels_and_names_are_one_line() {
    use callguard_core::store::ListKind;
    let dir = WorkDir::new();
    let db = store(dir.path());
    let err = db
        .add_list_entry(
            ListKind::Block,
            "+815012345678",
            Some("x\nallow\t+81*"),
            None,
        )
        .expect_err("label");
    assert!(matches!(err, StoreError::InvalidText { .. }), "{err}");
    let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key();
    assert!(db.add_trusted_key("police\u{1b}[2J", &key).is_err());
    let feed = dir.write("feed.csv", "# name: a\tb\nnumber\n+815012345678\n");
    assert!(db
        .import_file(&feed, &ImportOptions::default(), None)
        .is_err());
    let entry = db
        .add_list_entry(
            ListKind::Block,
            "+815012345678",
            None,
            Some("line one\nline two"),
        )
        .expect("a note keeps its lines");
    assert_eq!(entry.note.as_deref(), Some("line one\nline two"));
    assert_eq!(db.list_entries().expect("entries").len(), 1);
    assert!(db.feeds().expect("feeds").is_empty());
}
