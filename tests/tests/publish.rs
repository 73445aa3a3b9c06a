//! Publishing, end to end: many phones report numbers, the publisher builds a feed from their
//! exports, signs it, builds the next version and the delta between them, and a phone imports
//! both and screens calls as the reports justify. A tampered delta, a delta for another base
//! version and a feed signed by another key are refused and change nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use callguard_core::store::{ImportOptions, ReportCategory, Store, StoreError};
use callguard_core::{IncomingCall, ReasonCode, Region, Screener, Verdict};
use callguard_publish::keys::{generate, read_signing_key};
use callguard_publish::{build, diff, sign, BuildOptions, Dropped};
use callguard_testkit::workdir::WorkDir;

const A: &str = "050-1111-2222";
const B: &str = "050-3333-4444";
const C: &str = "050-7777-8888";
const G: &str = "090-5555-6666";

/// One simulated phone: its own database, its user's reports, its export.
fn phone(dir: &Path, id: usize, reports: &[(&str, ReportCategory)]) -> PathBuf {
    let db = Store::open(dir.join(format!("phone-{id}.db")), Region::JP).expect("phone store");
    for (number, category) in reports {
        db.report(number, *category, None).expect("report");
    }
    let export = dir.join(format!("uploads-{id}.json"));
    let mut out = std::fs::File::create(&export).expect("export file");
    db.export_user_reports(&mut out).expect("export");
    export
}

/// What a phone with `store` makes of a call from `number`.
fn screen(store: &Arc<Store>, number: &str) -> (Verdict, Vec<ReasonCode>) {
    let screener = Screener::new(Region::JP).with_store(store.clone());
    let a = screener.screen(&IncomingCall::from_number(number));
    (a.verdict, a.reasons.iter().map(|r| r.code).collect())
}

fn import(store: &Store, feed: &Path) -> Result<(), StoreError> {
    store
        .import_file(feed, &ImportOptions::default(), None)
        .map(|_| ())
}

#[test]
fn reports_from_many_phones_reach_a_phone_as_a_signed_feed_and_delta() {
    use ReportCategory::{Scam, Spam};
    let dir = WorkDir::new();
    let d = dir.path();
    let week1 = d.join("week1");
    let week2 = d.join("week2");
    std::fs::create_dir_all(&week1).expect("dir");
    std::fs::create_dir_all(&week2).expect("dir");

    // Week 1: A by three phones, B by two, C by one phone four times, G by three as spam.
    let uploads = [
        vec![(A, Scam)],
        vec![(A, Scam)],
        vec![(A, Scam)],
        vec![(B, Scam), (G, Spam)],
        vec![(B, Scam), (G, Spam)],
        vec![(C, Scam), (C, Scam), (C, Scam), (C, Scam), (G, Spam)],
    ];
    for (id, reports) in uploads.iter().enumerate() {
        let export = phone(d, id, reports);
        std::fs::rename(&export, week1.join(format!("phone-{id}.json"))).expect("move");
    }
    // A modified phone's upload, three times under different ids: an emergency number, the
    // Ministry's switchboard and a number reported long ago. None may be published.
    let old = "2025-01-10T09:00:00Z";
    for id in ["x1", "x2", "x3"] {
        std::fs::write(
            week1.join(format!("hostile-{id}.json")),
            format!(
                r#"{{"format": "callguard-user-reports", "version": 1, "reporter": "{id}",
                    "reports": [{{"number": "110", "category": "scam"}},
                                {{"number": "03-5253-5111", "category": "scam"}},
                                {{"number": "050-9999-0000", "category": "scam", "reported_at": "{old}"}}]}}"#
            ),
        )
        .expect("write");
    }

    let key_file = d.join("publisher.key");
    let made = generate(&key_file).expect("key");
    let key = read_signing_key(&key_file).expect("read key");

    let v1 = d.join("feed-v1.csv");
    let mut options = BuildOptions::new("community", 1, Region::JP);
    options.memory_bytes = 200; // a handful of reports: the sort spills runs to disk
    options.tmp = d.to_owned();
    let s1 = build(std::slice::from_ref(&week1), &v1, &options).expect("build v1");
    assert_eq!(s1.numbers_published, 2, "{s1:?}");
    assert_eq!(s1.reports.protected, 3);
    assert_eq!(s1.reports.official, 3);
    assert_eq!(s1.too_few_reporters, 2, "B and C");
    assert_eq!(s1.stale, 1, "the old number");
    assert!(s1.runs_written > 0);
    assert_eq!(Dropped::ALL.len(), 6);
    let text = std::fs::read_to_string(&v1).expect("feed");
    assert!(text.contains("+815011112222,scam,3,"), "{text}");
    assert!(text.contains("+819055556666,spam,3,"), "{text}");
    assert!(
        !text.contains("+81352535111") && !text.contains("110"),
        "{text}"
    );
    sign(&v1, &key).expect("sign v1");

    // Week 2: the window holds phones 3 to 5 only. B now has three reporters; phone 3 calls G
    // a scam too; A has no reporter left.
    let uploads2 = [
        (3, vec![(B, Scam), (G, Scam)]),
        (4, vec![(B, Scam), (G, Spam)]),
        (5, vec![(B, Scam), (G, Spam)]),
    ];
    for (id, reports) in &uploads2 {
        let later = d.join("later");
        std::fs::create_dir_all(&later).expect("dir");
        let export = phone(&later, *id, reports);
        std::fs::rename(&export, week2.join(format!("phone-{id}.json"))).expect("move");
    }
    let v2 = d.join("feed-v2.csv");
    options.version = 2;
    build(&[week2], &v2, &options).expect("build v2");
    let delta = d.join("delta-1-2.csv");
    let ds = diff(&v1, &v2, &delta).expect("diff");
    assert_eq!((ds.added, ds.removed, ds.changed), (1, 1, 1), "{ds:?}");
    let signed = sign(&delta, &key).expect("sign delta");
    assert_eq!(signed.manifest.base_version, Some(1));

    // A phone that trusts the publisher's key.
    let public = callguard_core::store::feed::read_public_key(&made.public_key).expect("pub");
    let store = Arc::new(Store::open(d.join("mine.db"), Region::JP).expect("store"));
    store.add_trusted_key("community", &public).expect("trust");

    // The delta before its base: refused.
    let err = import(&store, &delta).expect_err("no base installed");
    assert!(err.to_string().contains("version 1"), "{err}");

    import(&store, &v1).expect("import v1");
    let (verdict, reasons) = screen(&store, A);
    assert!(verdict >= Verdict::Warn && reasons.contains(&ReasonCode::Reported));
    assert!(!screen(&store, B).1.contains(&ReasonCode::Reported));
    assert!(screen(&store, G).1.contains(&ReasonCode::ReportedNuisance));
    assert_eq!(screen(&store, "110").0, Verdict::Allow);

    // The delta, tampered after signing: refused, nothing changes.
    let tampered = d.join("tampered.csv");
    let bytes = std::fs::read_to_string(&delta).expect("delta");
    std::fs::write(&tampered, bytes.replace("+815033334444", "+815033334445")).expect("write");
    std::fs::copy(&signed.manifest_file, d.join("tampered.csv.manifest.json")).expect("copy");
    std::fs::copy(
        &signed.signature_file,
        d.join("tampered.csv.manifest.json.sig"),
    )
    .expect("copy");
    let err = import(&store, &tampered).expect_err("tampered");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");
    assert!(!screen(&store, B).1.contains(&ReasonCode::Reported));
    assert!(screen(&store, A).1.contains(&ReasonCode::Reported));

    // A delta signed by another key: refused.
    let other = d.join("other.key");
    generate(&other).expect("other key");
    let forged = d.join("forged.csv");
    std::fs::copy(&delta, &forged).expect("copy");
    sign(&forged, &read_signing_key(&other).expect("other")).expect("sign");
    let err = import(&store, &forged).expect_err("other key");
    assert!(matches!(err, StoreError::Signature { .. }), "{err}");

    // The real delta: the phone now screens as the second week's reports justify, exactly as
    // a phone that imported version 2 whole.
    import(&store, &delta).expect("import delta");
    let fresh = Arc::new(Store::open(d.join("fresh.db"), Region::JP).expect("store"));
    fresh.add_trusted_key("community", &public).expect("trust");
    sign(&v2, &key).expect("sign v2");
    import(&fresh, &v2).expect("import v2");
    for number in [A, B, C, G, "110", "03-5253-5111", "050-9999-0000"] {
        assert_eq!(screen(&store, number), screen(&fresh, number), "{number}");
    }
    assert!(!screen(&store, A).1.contains(&ReasonCode::Reported));
    assert!(screen(&store, B).1.contains(&ReasonCode::Reported));
    let g = screen(&store, G).1;
    assert!(g.contains(&ReasonCode::Reported), "G is a scam now: {g:?}");
    assert!(!screen(&store, C).1.contains(&ReasonCode::Reported));
}

/// However little memory the build has, the feed is the same, byte for byte.
#[test]
fn the_feed_does_not_depend_on_the_memory_given() {
    let dir = WorkDir::new();
    let input = dir.path().join("reports.csv");
    let mut text = String::from("reporter,number,category,reported_at\n");
    for i in 0..3_000u64 {
        let number = 1_000 + (i * 7919) % 400;
        let reporter = i % 47;
        let category = ["scam", "spam", "fraud|robocall"][(i % 3) as usize];
        text.push_str(&format!(
            "r{reporter},+81501234{number:04},{category},2026-11-{:02}\n",
            1 + i % 28
        ));
    }
    std::fs::write(&input, text).expect("write");
    let feeds: Vec<String> = [40usize, 4_000, 64 << 20]
        .into_iter()
        .map(|memory| {
            let out = dir.path().join(format!("feed-{memory}.csv"));
            let mut options = BuildOptions::new("t", 1, Region::JP);
            options.now = 1_796_083_200;
            options.memory_bytes = memory;
            options.tmp = dir.path().to_owned();
            let s = build(std::slice::from_ref(&input), &out, &options).expect("build");
            assert_eq!(s.reports.reports_used, 3_000);
            std::fs::read_to_string(out).expect("feed")
        })
        .collect();
    assert_eq!(feeds[0], feeds[2]);
    assert_eq!(feeds[1], feeds[2]);
    assert!(feeds[2].lines().count() > 300);
}
