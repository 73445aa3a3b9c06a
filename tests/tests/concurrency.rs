//! Concurrency: screening threads share one `Arc<Store>` (through a `Screener`) while one
//! thread replaces a feed again and again and another edits the lists; two more `Store`s on
//! the same file stand in for another process (one asking SQLite for changes on every look-up,
//! one at the default interval). Every call must be answered without an error, and no reader
//! may see half an import or go back in time.
//!
//! How a torn read would show: version `v` of the feed `flip` reports every number of `P` with
//! count `v`, and the numbers of `X` (odd versions, category scam) or of `Y` (even versions,
//! category robocall), also with count `v`. A reader looks up a number of `P` (version `a`),
//! then one of `X` or `Y`, then another of `P` (version `b`). Versions only grow, so with
//! `a == b` the middle look-up must agree with version `a` exactly: reported with count `a` if
//! its set belongs to `a`, not reported otherwise. In general it must agree with some version
//! between `a` and `b`. A list entry whose label carries a revision number that only grows
//! checks the lists the same way.
//!
//! Going back in time: once a look-up through a store has shown version `v` (or revision `r`),
//! no later look-up through that store, in any thread, may show an older one. A number that was
//! reported must not look unreported again because the store's view fell behind what it had
//! already answered.
//!
//! Freshness is checked as documented (docs/STORE.md): a look-up through the writing store sees
//! every write that returned before it started; a store asking on every look-up too; one with
//! the default interval sees every write that returned more than that interval before. The
//! test runs for a bounded number of imports or about three seconds, whichever comes first.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use callguard_core::store::{
    Evidence, ImportOptions, ListKind, ReportCategory, Store, StoreOptions,
    DEFAULT_REFRESH_INTERVAL,
};
use callguard_core::{IncomingCall, ReasonCode, Region, Screener, Verdict, E164};
use callguard_testkit::workdir::WorkDir;

/// Numbers in every version.
const P: u64 = 400;
/// Numbers in the odd versions (`X`) and in the even ones (`Y`).
const XY: u64 = 800;
/// Feed versions imported at most, and the time allowed for them.
const MAX_VERSIONS: u64 = 40;
const RUN_FOR: Duration = Duration::from_secs(3);

fn p(i: u64) -> E164 {
    E164::from_u64(819_010_000_000 + i % P * 7).expect("number")
}
fn x(i: u64) -> E164 {
    E164::from_u64(818_010_000_000 + i % XY * 7).expect("number")
}
fn y(i: u64) -> E164 {
    E164::from_u64(817_010_000_000 + i % XY * 7).expect("number")
}
/// A block entry whose label the editor rewrites as `rev N`, N growing.
const REVISED: &str = "+815099990000";
/// Entries the editor adds and removes: exact numbers from here on.
const CHURN: u64 = 815_088_880_000;

/// Version `v` of the feed, rows interleaved so that every part of the file carries all sets.
fn feed(v: u64) -> String {
    let mut text =
        format!("# name: flip\n# version: {v}\n# kind: full\nnumber,category,count,last_seen\n");
    for i in 0..XY {
        if i < P {
            text.push_str(&format!("{},spam,{v},2025-11-28\n", p(i)));
        }
        if v % 2 == 1 {
            text.push_str(&format!("{},scam,{v},2025-11-28\n", x(i)));
        } else {
            text.push_str(&format!("{},robocall,{v},2025-11-28\n", y(i)));
        }
    }
    text
}

/// The feed version a look-up of a `P` number shows.
fn version_of_p(e: &Evidence, number: E164) -> u64 {
    let r = e
        .reports
        .as_ref()
        .unwrap_or_else(|| panic!("{number} is in every version: {e:?}"));
    assert_eq!(r.categories, vec![ReportCategory::Spam], "{number}: {r:?}");
    assert_eq!(r.sources, vec!["flip".to_owned()], "{number}: {r:?}");
    r.total_count
}

/// Checks a look-up of an `X` (`odd`) or `Y` number against the versions `a..=b`.
fn check_middle(name: &str, e: &Evidence, number: E164, odd: bool, a: u64, b: u64) {
    let belongs = |v: u64| (v % 2 == 1) == odd;
    match &e.reports {
        Some(r) => {
            let want = if odd {
                ReportCategory::Scam
            } else {
                ReportCategory::Robocall
            };
            assert_eq!(r.categories, vec![want], "{number}: {r:?}");
            let v = r.total_count;
            assert!(
                (a..=b).contains(&v) && belongs(v),
                "{name}: torn read: {number} reported as in version {v}, between look-ups of \
                 versions {a} and {b}"
            );
        }
        None => assert!(
            (a..=b).any(|v| !belongs(v)),
            "{name}: torn read: {number} not reported, but version {a} (up to {b}) reports it"
        ),
    }
}

/// The revision in the label of the revised block entry.
fn revision(e: &Evidence) -> u64 {
    let hit = e.list.as_ref().expect("the revised entry is never removed");
    assert_eq!(hit.list, ListKind::Block);
    hit.label
        .as_deref()
        .and_then(|l| l.strip_prefix("rev "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("label {:?}", hit.label))
}

/// What writers have finished: versions and revisions, with when, for freshness checks.
#[derive(Default)]
struct Progress {
    /// (feed version, list revision) after each write returned, with the time it returned.
    log: Mutex<Vec<(Instant, u64, u64)>>,
}

impl Progress {
    fn record(&self, version: u64, revision: u64) {
        let mut log = self.log.lock().expect("log");
        let (_, v, r) = log.last().copied().unwrap_or((Instant::now(), 0, 0));
        log.push((Instant::now(), version.max(v), revision.max(r)));
    }

    /// The versions and revisions every write that returned before `t` had reached.
    fn before(&self, t: Instant) -> (u64, u64) {
        let log = self.log.lock().expect("log");
        log.iter()
            .rev()
            .find(|(at, _, _)| *at <= t)
            .map_or((0, 0), |&(_, v, r)| (v, r))
    }
}

/// A reader of one store: how fresh it must be, and what it has seen so far (shared by the
/// threads that read through it, so going back in time is caught across threads too).
struct Reader {
    name: &'static str,
    store: Arc<Store>,
    screener: Screener,
    /// How long after a write returns this store must show it (`None`: at once).
    lag: Option<Duration>,
    seen_version: AtomicU64,
    seen_revision: AtomicU64,
    versions: Mutex<BTreeSet<u64>>,
    calls: AtomicU64,
}

impl Reader {
    fn new(name: &'static str, store: Arc<Store>, lag: Option<Duration>) -> Arc<Reader> {
        let screener = Screener::new(Region::JP).with_store(store.clone());
        Arc::new(Reader {
            name,
            store,
            screener,
            lag,
            seen_version: AtomicU64::new(0),
            seen_revision: AtomicU64::new(0),
            versions: Mutex::new(BTreeSet::new()),
            calls: AtomicU64::new(0),
        })
    }

    fn lookup(&self, number: E164) -> Evidence {
        self.store
            .lookup(number)
            .unwrap_or_else(|e| panic!("{}: look-up of {number} failed: {e}", self.name))
    }

    /// One round of checks; `i` picks the numbers.
    fn round(&self, i: u64, progress: &Progress) {
        let started = Instant::now();
        let (min_version, min_revision) = match self.lag {
            None => progress.before(started),
            Some(lag) => started
                .checked_sub(lag)
                .map_or((0, 0), |t| progress.before(t)),
        };
        let seen = self.seen_version.load(Ordering::SeqCst);
        let seen_rev = self.seen_revision.load(Ordering::SeqCst);

        let a = version_of_p(&self.lookup(p(i)), p(i));
        // Alternate between a number of the odd versions' set and one of the even ones'.
        let odd = i % 2 == 0;
        let middle = if odd { x(i * 13) } else { y(i * 13) };
        let e = self.lookup(middle);
        let b = version_of_p(&self.lookup(p(i + 1)), p(i + 1));
        let name = self.name;
        assert!(a <= b, "{name}: version {b} read after {a}");
        assert!(a >= seen, "{name}: version {a} read after {seen} had been");
        assert!(
            a >= min_version,
            "{name}: stale: version {a} read after version {min_version} was written"
        );
        check_middle(name, &e, middle, odd, a, b);
        self.seen_version.fetch_max(b, Ordering::SeqCst);
        self.versions.lock().expect("versions").insert(b);

        let rev = revision(&self.lookup(E164::from_digits(&REVISED[1..]).expect("n")));
        assert!(
            rev >= seen_rev,
            "{name}: list revision {rev} read after {seen_rev}"
        );
        assert!(
            rev >= min_revision,
            "{name}: stale: list revision {rev} read after {min_revision} was written"
        );
        self.seen_revision.fetch_max(rev, Ordering::SeqCst);

        // Whole decisions: never a fault; the allow entry and the revised block entry decide.
        let call = |n: E164| IncomingCall::from_number(n.to_string());
        let allowed = self.screener.screen(&call(p(0)));
        assert_eq!(allowed.verdict, Verdict::Allow, "{name}: {allowed:?}");
        assert!(allowed.has_reason(ReasonCode::AllowList), "{name}");
        let blocked = self.screener.screen(&IncomingCall::from_number(REVISED));
        assert_eq!(blocked.verdict, Verdict::Block, "{name}: {blocked:?}");
        for n in [p(i + 2), middle, E164::from_u64(CHURN + i % 64).expect("n")] {
            let a = self.screener.screen(&call(n));
            assert!(
                !a.has_reason(ReasonCode::ScreeningUnavailable),
                "{name}: {n}: {a:?}"
            );
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn readers_never_see_half_an_import_or_go_back_in_time() {
    let dir = WorkDir::new();
    let path = dir.db();
    let store = Arc::new(Store::open(&path, Region::JP).expect("open"));
    let write_feed = |v: u64| {
        let file = dir.path().join(format!("flip-{v}.csv"));
        std::fs::write(&file, feed(v)).expect("write feed");
        file
    };
    // Version 1 and the fixed entries before anyone reads: every look-up then has a version.
    store
        .import_file(&write_feed(1), &ImportOptions::default(), None)
        .expect("version 1");
    store
        .add_list_entry(ListKind::Allow, &p(0).to_string(), Some("家族"), None)
        .expect("allow");
    store
        .add_list_entry(ListKind::Block, REVISED, Some("rev 0"), None)
        .expect("block");
    let files: Vec<_> = (2..=MAX_VERSIONS).map(write_feed).collect();

    let other = |interval: Duration| {
        Arc::new(
            Store::open_with(
                &path,
                StoreOptions {
                    refresh_interval: interval,
                    ..StoreOptions::default()
                },
            )
            .expect("open again"),
        )
    };
    let readers = [
        Reader::new("shared store", store.clone(), None),
        Reader::new("other process, asking always", other(Duration::ZERO), None),
        Reader::new(
            "other process, default interval",
            other(DEFAULT_REFRESH_INTERVAL),
            // Twice the interval: one for the interval itself, one for the clock's grain.
            Some(DEFAULT_REFRESH_INTERVAL * 2),
        ),
    ];
    let progress = Arc::new(Progress::default());
    progress.record(1, 0);
    let done = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + RUN_FOR;

    let mut threads = Vec::new();
    // Two screening threads on the shared store, one on each other store.
    for (t, reader) in [0, 0, 1, 2].into_iter().enumerate() {
        let reader = readers[reader].clone();
        let (progress, done) = (progress.clone(), done.clone());
        threads.push(thread::spawn(move || {
            let mut i = t as u64 * 1_000;
            while !done.load(Ordering::SeqCst) {
                reader.round(i, &progress);
                i += 1;
            }
        }));
    }
    let importer = {
        let (store, progress, done) = (store.clone(), progress.clone(), done.clone());
        thread::spawn(move || {
            let mut imported = 1;
            for (file, v) in files.iter().zip(2..) {
                if Instant::now() >= deadline {
                    break;
                }
                let summary = store
                    .import_file(file, &ImportOptions::default(), None)
                    .unwrap_or_else(|e| panic!("import of version {v}: {e}"));
                assert_eq!(summary.version, v);
                assert_eq!(summary.numbers_touched, P + XY);
                progress.record(v, 0);
                imported = v;
            }
            done.store(true, Ordering::SeqCst);
            imported
        })
    };
    let editor = {
        let (store, progress, done) = (store.clone(), progress.clone(), done.clone());
        thread::spawn(move || {
            let mut rev = 0;
            while !done.load(Ordering::SeqCst) {
                rev += 1;
                let label = format!("rev {rev}");
                store
                    .add_list_entry(ListKind::Block, REVISED, Some(&label), None)
                    .expect("relabel");
                progress.record(0, rev);
                // A person edits lists now and then, not in a loop: leave the writer to the
                // importer most of the time.
                thread::sleep(Duration::from_millis(2));
                let churn = format!("+{}", CHURN + rev % 64);
                if rev % 128 < 64 {
                    store
                        .add_list_entry(ListKind::Block, &churn, Some("迷惑"), None)
                        .expect("add");
                } else {
                    store
                        .remove_list_entry(ListKind::Block, &churn)
                        .expect("remove");
                }
            }
            rev
        })
    };

    let mut panics = Vec::new();
    for t in threads {
        if let Err(e) = t.join() {
            panics.push(e);
        }
    }
    // A failed reader stops nobody else: stop the writers before reporting it.
    done.store(true, Ordering::SeqCst);
    let imported = importer.join().expect("importer");
    let revisions = editor.join().expect("editor");
    if let Some(e) = panics.pop() {
        std::panic::resume_unwind(e);
    }

    assert!(imported >= 3, "only {imported} versions imported");
    assert!(revisions >= 3, "only {revisions} list revisions");
    for reader in &readers {
        assert!(reader.calls.load(Ordering::Relaxed) > 0, "{}", reader.name);
    }
    let shared = readers[0].versions.lock().expect("versions").len();
    assert!(
        shared >= 2,
        "the shared store's readers saw {shared} version(s): nothing was tested"
    );
    // In the end every store shows the last writes.
    for reader in &readers {
        reader.store.refresh().expect("refresh");
        let last = version_of_p(&reader.lookup(p(7)), p(7));
        assert_eq!(last, imported, "{}", reader.name);
        let rev = revision(&reader.lookup(E164::from_digits(&REVISED[1..]).expect("n")));
        assert_eq!(rev, revisions, "{}", reader.name);
    }
}
