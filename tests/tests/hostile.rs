//! Hostile data: random feeds (callguard CSV and JSON Lines, with emergency numbers in every
//! spelling, numbers on the user's allow list and garbage lines), random allow and block lists
//! (exact numbers, prefixes as wide as `+81*`, ranges), random user reports and random policies,
//! all thrown at one real store, and the precedence rules checked through `Screener::screen`:
//!
//! - (a) an emergency or special service number always rings, whatever the lists, feeds,
//!   reports, policy, claims or transcript say;
//! - (b) a number on the allow list, or a contact, always rings: no feed, report, block-list
//!   entry (even a prefix covering it) or hard rule warns, silences or blocks it;
//! - (c) a feed that is refused (a bad line without `skip_invalid`, a version that goes back, a
//!   clash, a missing signature) changes nothing, as this handle and a fresh one see it.
//!
//! The expected coverage of the lists is computed here from the digits, independently of the
//! store's index, and the block list is checked too, so a model that drifted from the store
//! would fail loudly rather than make the properties vacuous.

use std::sync::Arc;

use callguard_core::risk::{HardRule, Policy, ReasonCode, Thresholds};
use callguard_core::store::{
    Evidence, FeedInfo, ImportOptions, ListEntry, ListKind, Pattern, ReportCategory, Store,
    StoreError, TrustedKey, UserReport,
};
use callguard_core::{
    Classifier, IncomingCall, LocalTime, NumberKind, Presentation, Region, Screener, Verdict,
    Verification, E164,
};
use callguard_testkit::workdir::{write, WorkDir};
use proptest::prelude::*;

/// A time for look-ups that must not drift while a case runs (report weights decay with time).
const AT: i64 = 1_767_225_600; // 2026-01-01

/// Templates of valid numbers: E.164 digits before, and how many random digits follow (the
/// first of them 1-9, so the national number never starts with a digit the plan refuses).
const TEMPLATES: [(&str, u32); 8] = [
    ("8190", 8),    // 090 mobile
    ("8180", 8),    // 080 mobile
    ("8170", 8),    // 070 mobile
    ("8150", 8),    // 050 IP phone
    ("813", 8),     // 03 Tokyo
    ("816", 8),     // 06 Osaka
    ("1202555", 4), // Washington, D.C.
    ("4420794", 5), // London
];

/// Emergency and special service numbers as a Japanese phone may show them. Each is refused by
/// the lists and reports, skipped by feeds, and rings.
const PROTECTED_JP: [&str; 26] = [
    "110",
    "119",
    "118",
    "112",
    "911",
    "188",
    "189",
    "#9110",
    "#7119",
    "+81110",
    "+81 119",
    "+81-118",
    "+81188",
    "１１０",
    "＃９１１０",
    "tel:110",
    "tel:+81119",
    "010-81-110",
    "(110)",
    " 119 ",
    "\u{200B}110",
    "+1911",
    // An emergency number abroad (the UK's), a carrier's service code, and 110 hidden in long
    // caller-ID text.
    "999",
    "157",
    "110                                                                                     ",
    "tel:110;phone-context=a-very-long-domain-name.of.some.ims.network.example.invalid",
];

/// Emergency numbers elsewhere, screened with a screener for that region over the same store.
const PROTECTED_ABROAD: [(&str, &str); 6] = [
    ("GB", "999"),
    ("GB", "+44999"),
    ("GB", "112"),
    ("US", "911"),
    ("US", "+1911"),
    ("DE", "112"),
];

/// Block-list prefixes a hostile or careless user might add: the whole country, and prefixes
/// that share their first digits with `+81 110` / `+81 119`.
const WIDE_PREFIXES: [&str; 6] = ["+81*", "+811*", "+8111*", "+81119*", "+1*", "+44*"];

/// Lines no feed parser may accept, whatever the format (the number is the first field).
const GARBAGE_NUMBERS: [&str; 5] = ["nonsense", "+83 1234 5678", "+81 1", "12", "ＡＢＣ"];

const CATEGORIES: [ReportCategory; 7] = [
    ReportCategory::Scam,
    ReportCategory::Fraud,
    ReportCategory::Spam,
    ReportCategory::Telemarketing,
    ReportCategory::Robocall,
    ReportCategory::Survey,
    ReportCategory::Other,
];

const SCRIPT: &str = "こちらは総務省です。お客様の携帯電話は２時間以内に使えなくなります。\
                      1を押してください。";

/// A number of the pool: its E.164 digits.
fn pool_number(template: usize, fill: u64) -> String {
    let (head, rest) = TEMPLATES[template % TEMPLATES.len()];
    let span = 10u64.pow(rest - 1);
    // First random digit 2-8, the others anything: a range of ±500 around the number stays
    // inside the template's block (090-0xxx and 091 are no mobile numbers).
    let tail = (2 + fill % 7) * span + (fill / 7) % span;
    format!("{head}{tail}")
}

/// A way to write `digits` (E.164 without `+`): international, national, spaced, URI, full
/// width, caller-ID prefix. Ways that only a Japanese number has fall back to `+digits`.
fn spell(digits: &str, how: usize) -> String {
    let national = digits.strip_prefix("81").map(|rest| format!("0{rest}"));
    match (how % 7, national) {
        (1, Some(n)) => format!("{}-{}-{}", &n[..3], &n[3..n.len() - 4], &n[n.len() - 4..]),
        (2, _) => format!("+{} {}", &digits[..2], &digits[2..]),
        (3, _) => format!("tel:+{digits}"),
        (4, _) => format!("+{digits}")
            .chars()
            .map(|c| match c {
                '+' => '＋',
                d => char::from_u32(u32::from(d) - u32::from('0') + 0xFF10).unwrap_or(d),
            })
            .collect(),
        (5, Some(n)) => format!("186-{n}"),
        (6, Some(n)) => format!("010-81-{}", &n[1..]),
        _ => format!("+{digits}"),
    }
}

/// Spellings a person types into a list or a report (no URIs or caller-ID prefixes).
fn typed(digits: &str, how: usize) -> String {
    spell(digits, [0, 1, 2][how % 3])
}

#[derive(Debug, Clone)]
enum EntrySpec {
    /// A pool number.
    Exact { at: usize, how: usize },
    /// The first `len` digits of a pool number (at least 2, never the whole number).
    Prefix { at: usize, len: usize },
    /// One of [`WIDE_PREFIXES`].
    Wide(usize),
    /// From `below` under a pool number to `above` over it (same length).
    Range { at: usize, below: u64, above: u64 },
    /// One of [`PROTECTED_JP`]: must be refused.
    Protected(usize),
}

#[derive(Debug, Clone)]
enum RowSpec {
    Pool {
        at: usize,
        how: usize,
        category: usize,
        count: u32,
    },
    Protected(usize),
    /// One of [`GARBAGE_NUMBERS`], or a good number with a bad category, count or date.
    Garbage(usize),
}

#[derive(Debug, Clone)]
struct FeedSpec {
    jsonl: bool,
    name: usize,
    delta: bool,
    skip_invalid: bool,
    rows: Vec<RowSpec>,
}

#[derive(Debug, Clone)]
struct World {
    pool: Vec<String>,
    allow: Vec<EntrySpec>,
    block: Vec<EntrySpec>,
    /// (pool index or protected number, how it is written, category)
    reports: Vec<(Result<usize, usize>, usize, usize)>,
    feeds: Vec<FeedSpec>,
    policy: Arc<Policy>,
}

const POOL: usize = 12;

fn entry_spec(pool: usize) -> impl Strategy<Value = EntrySpec> {
    prop_oneof![
        4 => (0..pool, 0usize..3).prop_map(|(at, how)| EntrySpec::Exact { at, how }),
        3 => (0..pool, 2usize..12).prop_map(|(at, len)| EntrySpec::Prefix { at, len }),
        1 => (0..WIDE_PREFIXES.len()).prop_map(EntrySpec::Wide),
        3 => (0..pool, 0u64..500, 0u64..500)
            .prop_map(|(at, below, above)| EntrySpec::Range { at, below, above }),
        1 => (0..PROTECTED_JP.len()).prop_map(EntrySpec::Protected),
    ]
}

fn row_spec(pool: usize) -> impl Strategy<Value = RowSpec> {
    prop_oneof![
        6 => (0..pool, 0usize..3, 0..CATEGORIES.len(), 1u32..20).prop_map(
            |(at, how, category, count)| RowSpec::Pool { at, how, category, count }
        ),
        2 => (0..PROTECTED_JP.len()).prop_map(RowSpec::Protected),
        1 => (0usize..GARBAGE_NUMBERS.len() + 3).prop_map(RowSpec::Garbage),
    ]
}

fn feed_spec(pool: usize) -> impl Strategy<Value = FeedSpec> {
    (
        any::<bool>(),
        0usize..3,
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(row_spec(pool), 1..25),
    )
        .prop_map(|(jsonl, name, delta, skip_invalid, rows)| FeedSpec {
            jsonl,
            name,
            delta,
            skip_invalid,
            rows,
        })
}

/// A policy that starts from a preset and varies its weights, thresholds and hard rules: the
/// approach of `properties.rs`, with every hard rule set to block.
fn policies() -> impl Strategy<Value = Arc<Policy>> {
    let weighted: Vec<ReasonCode> = ReasonCode::ALL
        .into_iter()
        .filter(|c| Policy::takes_weight(*c))
        .collect();
    let n = weighted.len();
    (
        prop::sample::select(vec!["balanced", "elderly", "minimal"]),
        prop::collection::vec(prop::option::of(0u8..=100), n),
        (1u8..=98, 1u8..=50, 1u8..=50),
        prop::collection::vec(0usize..4, 0..4),
        2u32..6,
    )
        .prop_map(move |(preset, weights, (warn, a, b), rules, repeat)| {
            let mut policy = (*Policy::preset(preset).expect("preset")).clone();
            // A weight left `None` keeps the preset's.
            for (code, weight) in weighted.iter().zip(weights) {
                if let Some(weight) = weight {
                    policy.weights.insert(*code, weight);
                }
            }
            let silence = warn.saturating_add(a).min(99);
            let block = silence.saturating_add(b).min(100);
            policy.thresholds = Thresholds {
                warn: warn.min(silence - 1),
                silence: silence.min(block - 1),
                block,
            };
            policy.repeat_caller_min_calls = repeat;
            for rule in rules {
                policy.hard_rules.push(match rule {
                    0 => HardRule::International {
                        verdict: Verdict::Block,
                    },
                    1 => HardRule::Hidden {
                        presentations: vec![Presentation::Restricted, Presentation::Unknown],
                        verdict: Verdict::Block,
                    },
                    2 => HardRule::Kind {
                        kinds: vec![
                            NumberKind::Mobile,
                            NumberKind::Fixed,
                            NumberKind::FixedOrMobile,
                            NumberKind::Voip,
                            NumberKind::Invalid,
                        ],
                        verdict: Verdict::Block,
                    },
                    _ => HardRule::QuietHours {
                        from: LocalTime { hour: 0, minute: 0 },
                        to: LocalTime {
                            hour: 23,
                            minute: 59,
                        },
                        verdict: Verdict::Block,
                    },
                });
            }
            Arc::new(Policy::from_json(&policy.to_json()).expect("a valid policy"))
        })
}

fn worlds() -> impl Strategy<Value = World> {
    (
        prop::collection::vec((0..TEMPLATES.len(), any::<u64>()), POOL),
        // Enough entries that most probes meet an allow entry, a block entry, or both.
        prop::collection::vec(entry_spec(POOL), 1..9),
        prop::collection::vec(entry_spec(POOL), 1..11),
        prop::collection::vec(
            (
                prop_oneof![
                    4 => (0..POOL).prop_map(Ok),
                    1 => (0..PROTECTED_JP.len()).prop_map(Err),
                ],
                0usize..3,
                0..CATEGORIES.len(),
            ),
            0..6,
        ),
        prop::collection::vec(feed_spec(POOL), 0..4),
        policies(),
    )
        .prop_map(|(seeds, allow, block, reports, feeds, policy)| World {
            pool: seeds
                .into_iter()
                .map(|(t, fill)| pool_number(t, fill))
                .collect(),
            allow,
            block,
            reports,
            feeds,
            policy,
        })
}

/// What an accepted list entry covers, from digits alone.
#[derive(Debug, Clone)]
enum Cover {
    Exact(String),
    Prefix(String),
    Range(u64, u64, usize),
}

impl Cover {
    fn covers(&self, digits: &str) -> bool {
        match self {
            Cover::Exact(d) => d == digits,
            Cover::Prefix(p) => digits.starts_with(p.as_str()) && digits.len() > p.len(),
            Cover::Range(lo, hi, len) => {
                digits.len() == *len && digits.parse::<u64>().is_ok_and(|n| *lo <= n && n <= *hi)
            }
        }
    }

    /// The pattern the store must have made of the text.
    fn pattern(&self) -> Pattern {
        let n = |d: &str| E164::from_digits(d).expect("number");
        match self {
            Cover::Exact(d) => Pattern::Exact(n(d)),
            Cover::Prefix(p) => Pattern::Prefix {
                digits: p.parse().expect("digits"),
                len: p.len() as u8,
            },
            Cover::Range(lo, hi, _) => Pattern::Range {
                from: n(&lo.to_string()),
                to: n(&hi.to_string()),
            },
        }
    }
}

/// The text to add for an entry, and what it must cover (`None`: it must be refused as an
/// emergency or special number).
fn entry_text(spec: &EntrySpec, pool: &[String]) -> (String, Option<Cover>) {
    match spec {
        EntrySpec::Exact { at, how } => {
            let d = &pool[*at];
            (typed(d, *how), Some(Cover::Exact(d.clone())))
        }
        EntrySpec::Prefix { at, len } => {
            let d = &pool[*at];
            let p = &d[..(*len).min(d.len() - 1)];
            (format!("+{p}*"), Some(Cover::Prefix(p.to_owned())))
        }
        EntrySpec::Wide(i) => {
            let text = WIDE_PREFIXES[*i];
            let digits = text.trim_start_matches('+').trim_end_matches('*');
            (text.to_owned(), Some(Cover::Prefix(digits.to_owned())))
        }
        EntrySpec::Range { at, below, above } => {
            let d = &pool[*at];
            let n: u64 = d.parse().expect("digits");
            let len = d.len();
            // Stay within numbers of the same length.
            let floor = 10u64.pow(len as u32 - 1);
            let ceil = 10u64.pow(len as u32) - 1;
            let (lo, hi) = (
                n.saturating_sub(*below).max(floor),
                n.saturating_add(*above).min(ceil),
            );
            let cover = if lo == hi {
                Cover::Exact(lo.to_string())
            } else {
                Cover::Range(lo, hi, len)
            };
            (format!("+{lo}..+{hi}"), Some(cover))
        }
        EntrySpec::Protected(i) => (PROTECTED_JP[*i].to_owned(), None),
    }
}

/// The store built from a world, with what its lists cover.
struct Built {
    dir: WorkDir,
    store: Arc<Store>,
    allow: Vec<Cover>,
    block: Vec<Cover>,
}

impl Built {
    fn path(&self) -> std::path::PathBuf {
        self.dir.db()
    }
}

/// A feed's text. Returns it with the number of protected and garbage rows.
fn feed_text(spec: &FeedSpec, pool: &[String], version: u64) -> (String, u64, u64) {
    let name = ["police-jp", "carrier", "community"][spec.name];
    let kind = if spec.delta { "delta" } else { "full" };
    let mut text = format!("# name: {name}\n# version: {version}\n# kind: {kind}\n");
    if !spec.jsonl {
        text.push_str("number,category,count,last_seen\n");
    }
    let (mut protected, mut garbage) = (0, 0);
    for row in &spec.rows {
        // (number, category, count, last_seen)
        let (number, category, count, seen) = match row {
            RowSpec::Pool {
                at,
                how,
                category,
                count,
            } => (
                typed(&pool[*at], *how),
                CATEGORIES[*category].as_str().to_owned(),
                count.to_string(),
                "2025-11-28".to_owned(),
            ),
            RowSpec::Protected(i) => {
                protected += 1;
                (
                    PROTECTED_JP[*i].to_owned(),
                    "scam".into(),
                    "5".into(),
                    "2025-11-28".into(),
                )
            }
            RowSpec::Garbage(i) => {
                garbage += 1;
                let good = format!("+{}", pool[0]);
                match i.checked_sub(GARBAGE_NUMBERS.len()) {
                    None => (
                        GARBAGE_NUMBERS[*i].to_owned(),
                        "scam".into(),
                        "1".into(),
                        "2025-11-28".into(),
                    ),
                    Some(0) => (good, "weird".into(), "1".into(), "2025-11-28".into()),
                    Some(1) => (good, "scam".into(), "lots".into(), "2025-11-28".into()),
                    Some(_) => (good, "scam".into(), "1".into(), "yesterday".into()),
                }
            }
        };
        if spec.jsonl {
            text.push_str(&format!(
                "{{\"number\": {}, \"category\": {}, \"count\": {}, \"last_seen\": {}}}\n",
                serde_json::Value::from(number),
                serde_json::Value::from(category),
                // A count that is not a number stays a string: the parser must refuse it.
                count
                    .parse::<u64>()
                    .map_or_else(|_| serde_json::Value::from(count), serde_json::Value::from),
                serde_json::Value::from(seen),
            ));
        } else {
            // A field starting with `#` would make the line a comment: quote it, as a
            // spreadsheet does.
            let number = if number.starts_with('#') {
                format!("\"{number}\"")
            } else {
                number
            };
            text.push_str(&format!("{number},{category},{count},{seen}\n"));
        }
    }
    (text, protected, garbage)
}

/// Everything the store holds, as its public API shows it, and the evidence for `numbers`.
#[derive(Debug, PartialEq)]
struct Snapshot {
    entries: Vec<ListEntry>,
    user_reports: Vec<UserReport>,
    feeds: Vec<FeedInfo>,
    keys: Vec<TrustedKey>,
    counts: [u64; 6],
    evidence: Vec<Evidence>,
}

fn snapshot(store: &Store, numbers: &[String]) -> Snapshot {
    let stats = store.stats().expect("stats");
    Snapshot {
        entries: store.list_entries().expect("entries"),
        user_reports: store.user_reports().expect("user reports"),
        feeds: store.feeds().expect("feeds"),
        keys: store.trusted_keys().expect("keys"),
        // Not `file_bytes`: a rolled-back write may leave the write-ahead log longer.
        counts: [
            stats.allow_entries,
            stats.block_entries,
            stats.reported_numbers,
            stats.user_reports,
            stats.logged_calls,
            stats.trusted_keys,
        ],
        evidence: numbers
            .iter()
            .map(|d| {
                store
                    .lookup_at(E164::from_digits(d).expect("number"), AT)
                    .expect("lookup")
            })
            .collect(),
    }
}

/// Builds the world in a new store, checking along the way that protected numbers are refused
/// and that every feed is taken or refused as its lines say. Fails the case (with a message)
/// when something the store does is not what the world implies.
fn build(world: &World) -> Result<Built, TestCaseError> {
    let dir = WorkDir::new();
    let store = Arc::new(Store::open(dir.db(), Region::JP).expect("open"));
    let classifier = Classifier::new(Region::JP);
    for d in &world.pool {
        let info = classifier.classify(&format!("+{d}"), Presentation::Allowed);
        prop_assert_eq!(info.e164.map(|n| n.as_u64().to_string()), Some(d.clone()));
    }
    let mut lists = (Vec::new(), Vec::new());
    for (list, specs) in [
        (ListKind::Allow, &world.allow),
        (ListKind::Block, &world.block),
    ] {
        for spec in specs {
            let (text, cover) = entry_text(spec, &world.pool);
            let added = store.add_list_entry(list, &text, Some("テスト"), None);
            match (cover, added) {
                (Some(cover), Ok(entry)) => {
                    prop_assert_eq!(entry.pattern, cover.pattern(), "{}", text);
                    match list {
                        ListKind::Allow => lists.0.push(cover),
                        ListKind::Block => lists.1.push(cover),
                    }
                }
                (None, Err(StoreError::ProtectedNumber { .. })) => {}
                (cover, added) => {
                    return Err(TestCaseError::fail(format!(
                        "{list} {text:?}: expected {cover:?}, got {added:?}"
                    )))
                }
            }
        }
    }
    for (target, how, category) in &world.reports {
        let category = CATEGORIES[*category];
        match target {
            Ok(at) => {
                store
                    .report(&typed(&world.pool[*at], *how), category, Some("しつこい"))
                    .map_err(|e| TestCaseError::fail(format!("report: {e}")))?;
            }
            Err(i) => {
                let refused = store.report(PROTECTED_JP[*i], category, None);
                prop_assert!(
                    matches!(refused, Err(StoreError::ProtectedNumber { .. })),
                    "report {:?}: {:?}",
                    PROTECTED_JP[*i],
                    refused
                );
            }
        }
    }
    for (i, spec) in world.feeds.iter().enumerate() {
        let (text, protected, garbage) = feed_text(spec, &world.pool, i as u64 + 1);
        let ext = if spec.jsonl { "jsonl" } else { "csv" };
        let path = write(dir.path(), &format!("feed-{i}.{ext}"), &text);
        let options = ImportOptions {
            skip_invalid: spec.skip_invalid,
            ..ImportOptions::default()
        };
        let before = snapshot(&store, &world.pool);
        match store.import_file(&path, &options, None) {
            Ok(summary) => {
                prop_assert!(garbage == 0 || spec.skip_invalid, "{}", text);
                prop_assert_eq!(summary.rows_read, spec.rows.len() as u64, "{}", text);
                prop_assert_eq!(summary.protected, protected, "{}", text);
                prop_assert_eq!(summary.skipped, garbage, "{}: {:?}", text, summary.problems);
                prop_assert_eq!(
                    summary.imported,
                    spec.rows.len() as u64 - protected - garbage,
                    "{}",
                    text
                );
            }
            Err(err) => {
                prop_assert!(garbage > 0 && !spec.skip_invalid, "{}: {}", text, err);
                prop_assert!(matches!(err, StoreError::BadLine { .. }), "{}", err);
                prop_assert_eq!(&snapshot(&store, &world.pool), &before, "{}", err);
            }
        }
    }
    Ok(Built {
        dir,
        store,
        allow: lists.0,
        block: lists.1,
    })
}

/// A call as hostile as the case allows: failed verification, late at night, a claim, a scam
/// script.
fn call(number: String, hostile: (usize, bool, bool, bool)) -> IncomingCall {
    let (verification, night, claims, script) = hostile;
    IncomingCall {
        number: Some(number),
        verification: [
            Verification::NotVerified,
            Verification::Passed,
            Verification::Failed,
        ][verification % 3],
        local_time: Some(LocalTime {
            hour: if night { 23 } else { 10 },
            minute: 30,
        }),
        claims: claims.then(|| "総務省".to_owned()),
        transcript: script.then(|| SCRIPT.to_owned()),
        ..IncomingCall::default()
    }
}

fn hostility() -> impl Strategy<Value = (usize, bool, bool, bool)> {
    (0usize..3, any::<bool>(), any::<bool>(), any::<bool>())
}

proptest! {
    // Each case builds a SQLite store and imports up to four feeds, so the cases are few (the
    // file runs in seconds in a debug build) and each varies everything at once.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// (a) Emergency and special numbers ring, in every spelling, whatever the store and the
    /// policy say, also for a contact, with a claim or a scam script.
    #[test]
    fn emergency_and_special_numbers_always_ring(
        world in worlds(),
        hostile in prop::collection::vec(hostility(), PROTECTED_JP.len()),
        contact in any::<bool>(),
    ) {
        let built = build(&world)?;
        let screener = Screener::with_parts(Classifier::new(Region::JP), world.policy.clone())
            .with_store(built.store.clone());
        for (text, hostile) in PROTECTED_JP.iter().zip(hostile) {
            let call = IncomingCall { is_contact: contact, ..call((*text).to_owned(), hostile) };
            let a = screener.screen(&call);
            prop_assert!(a.number.kind.is_protected(), "{:?}: {:?}", text, a.number);
            prop_assert_eq!((a.verdict, a.score), (Verdict::Allow, 0), "{:?}: {:?}", text, a);
            prop_assert!(
                a.has_reason(ReasonCode::EmergencyNumber) || a.has_reason(ReasonCode::SpecialService),
                "{:?}: {:?}", text, a.reasons
            );
            prop_assert!(!a.has_reason(ReasonCode::BlockList), "{:?}", text);
        }
        // Emergency numbers of other regions, through the same store.
        for (region, text) in PROTECTED_ABROAD {
            let region: Region = region.parse().expect("region");
            let screener = Screener::with_parts(Classifier::new(region), world.policy.clone())
                .with_store(built.store.clone());
            let a = screener.screen(&call(text.to_owned(), (2, true, true, true)));
            prop_assert_eq!(a.number.kind, NumberKind::Emergency, "{} {:?}", region, text);
            prop_assert_eq!(a.verdict, Verdict::Allow, "{} {:?}: {:?}", region, text, a);
        }
    }

    /// (b) The allow list and contacts ring whatever else the store holds; the block list
    /// blocks the rest it covers (the check that the model of the lists is right).
    #[test]
    fn allowed_numbers_and_contacts_always_ring(
        world in worlds(),
        probes in prop::collection::vec(
            (0..POOL, 0usize..7, prop::bool::weighted(0.25), hostility()), 1..16
        ),
    ) {
        let built = build(&world)?;
        let classifier = Classifier::new(Region::JP);
        let screener = Screener::with_parts(classifier.clone(), world.policy.clone())
            .with_store(built.store.clone());
        for (at, how, contact, hostile) in probes {
            let digits = &world.pool[at];
            let text = spell(digits, how);
            let info = classifier.classify(&text, Presentation::Allowed);
            prop_assert_eq!(
                info.e164.map(|n| n.as_u64().to_string()), Some(digits.clone()),
                "{:?} is the same number", text
            );
            let call = IncomingCall { is_contact: contact, ..call(text.clone(), hostile) };
            let a = screener.screen(&call);
            prop_assert!(!a.has_reason(ReasonCode::ScreeningUnavailable), "{:?}", a);
            let allowed = built.allow.iter().any(|c| c.covers(digits));
            let blocked = built.block.iter().any(|c| c.covers(digits));
            if allowed || contact {
                prop_assert_eq!(
                    (a.verdict, a.score, a.advice.is_none()), (Verdict::Allow, 0, true),
                    "{:?} (allow list {}, contact {}): {:?}", text, allowed, contact, a
                );
                let reason = if allowed { ReasonCode::AllowList } else { ReasonCode::Contact };
                prop_assert!(a.has_reason(reason), "{:?}: {:?}", text, a.reasons);
            } else if blocked {
                prop_assert_eq!(a.verdict, Verdict::Block, "{:?}: {:?}", text, a);
                prop_assert!(a.has_reason(ReasonCode::BlockList), "{:?}: {:?}", text, a.reasons);
            } else {
                prop_assert!(
                    !a.has_reason(ReasonCode::AllowList) && !a.has_reason(ReasonCode::BlockList),
                    "{:?} is on no list: {:?}", text, a.reasons
                );
            }
        }
    }

    /// (c) A refused feed changes nothing: not the lists, the reports, the feeds, the keys nor
    /// any look-up, as this handle and a freshly opened one see it; and the store still takes
    /// a good feed afterwards.
    #[test]
    fn a_refused_feed_changes_nothing(
        world in worlds(),
        bad in feed_spec(POOL),
        position in any::<prop::sample::Index>(),
        how in 0usize..6,
    ) {
        let built = build(&world)?;
        let store = &built.store;
        let dir = built.dir.path();
        // Installed versions go up to the number of feeds; a good feed takes the next one.
        let next = world.feeds.len() as u64 + 1;
        let (mut text, _, _) = feed_text(&FeedSpec { skip_invalid: false, ..bad.clone() }, &world.pool, next);
        let mut options = ImportOptions::default();
        let ext = if bad.jsonl { "jsonl" } else { "csv" };
        // One way to be refused, at a random place in the file where a line decides it.
        let lines: Vec<&str> = text.lines().collect();
        let first_data = if bad.jsonl { 3 } else { 4 };
        let at = first_data + position.index(lines.len() - first_data + 1);
        let bad_line = if bad.jsonl { "{\"number\": \"+8190" } else { "nonsense,scam,1,2025-11-28" };
        match how {
            // A bad line anywhere among the data.
            0 | 1 => {
                let mut with: Vec<&str> = lines.clone();
                with.insert(at, bad_line);
                text = with.join("\n") + "\n";
            }
            // `remove` in a full feed (a column the others lack is a bad line in CSV too).
            2 => {
                let mut with: Vec<&str> = lines.clone();
                let remove = if bad.jsonl {
                    "{\"number\": \"+819011112222\", \"op\": \"remove\"}"
                } else {
                    "+819011112222,scam,1,2025-11-28,remove"
                };
                with.insert(at, remove);
                text = with.join("\n").replace("# kind: delta", "# kind: full") + "\n";
            }
            // A version older than one installed (the store holds version 1 of this feed).
            3 => {
                let name = ["police-jp", "carrier", "community"][bad.name];
                let v1 = write(dir, &format!("v1-{name}.csv"), format!(
                    "# name: {name}\n# version: {}\nnumber\n+{}\n", next + 5, world.pool[1]
                ));
                store.import_file(&v1, &ImportOptions::default(), None).expect("newer version");
            }
            // A signature is required (a trusted key is stored) and the feed has none.
            4 => {
                let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
                store.add_trusted_key("publisher", &key.verifying_key()).expect("key");
            }
            // A key given for this import and no signature.
            _ => {
                let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
                options.trusted_keys = vec![key.verifying_key()];
            }
        }
        // The bad feed's own numbers are looked up too: none of them may appear.
        let mut numbers = world.pool.clone();
        numbers.push("819011112222".to_owned());
        let before = snapshot(store, &numbers);
        let path = write(dir, &format!("bad.{ext}"), &text);
        let err = store.import_file(&path, &options, None);
        prop_assert!(err.is_err(), "accepted: {}", text);
        let err = err.expect_err("refused");
        // The reason given is the one made here, or a garbage line of the random rows.
        let expected = match how {
            0..=2 => matches!(err, StoreError::BadLine { .. }),
            3 => matches!(err, StoreError::FeedOutdated { .. } | StoreError::BadLine { .. }),
            _ => matches!(err, StoreError::Signature { .. } | StoreError::BadLine { .. }),
        };
        prop_assert!(expected, "refused for another reason: {}", err);
        prop_assert_eq!(&snapshot(store, &numbers), &before, "{}\n{}", err, text);
        let fresh = Store::open(built.path(), Region::JP).expect("reopen");
        prop_assert_eq!(&snapshot(&fresh, &numbers), &before, "fresh handle: {}", err);
        if how != 4 {
            // Still writable: a good feed goes in.
            let good = write(dir, "good.csv", format!(
                "# name: after\nnumber,category\n+{},scam\n", world.pool[2]
            ));
            store.import_file(&good, &ImportOptions::default(), None).expect("good feed");
            prop_assert!(store.lookup_at(E164::from_digits(&world.pool[2]).expect("n"), AT)
                .expect("lookup").reports.is_some());
        }
    }
}
