//! A whole screening decision with a 1,000,000-number store and 10,000 list rules, the naive
//! path beside it in the same run. Prints p50 / p99 / mean per case.
//!
//! ```sh
//! cargo bench -p callguard-core --bench screen
//! CALLGUARD_BENCH_NUMBERS=100000 CALLGUARD_BENCH_RULES=1000 cargo bench -p callguard-core --bench screen
//! ```
//! Not a criterion bench: criterion reports means and intervals, and the product's goal is a
//! median and a 99th percentile, so every call is timed on its own.

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callguard_core::store::{ImportOptions, ListKind, Store};
use callguard_core::{IncomingCall, Presentation, Region, Screener};

/// A small deterministic generator, so every run screens the same numbers.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    (at(0.5), at(0.99), mean)
}

fn measure(
    name: &str,
    rounds: usize,
    calls: &[IncomingCall],
    mut screen: impl FnMut(&IncomingCall),
) {
    for call in calls.iter().cycle().take(rounds / 10) {
        screen(call);
    }
    let mut times = Vec::with_capacity(rounds);
    for call in calls.iter().cycle().take(rounds) {
        let start = Instant::now();
        screen(call);
        times.push(start.elapsed());
    }
    let (p50, p99, mean) = percentiles(times);
    println!(
        "{name:<44} p50 {:>8.2} µs   p99 {:>8.2} µs   mean {:>8.2} µs",
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a smoke test with a
    // small store, so the bench keeps building and working.
    let full = std::env::args().any(|a| a == "--bench");
    let numbers = env_count(
        "CALLGUARD_BENCH_NUMBERS",
        if full { 1_000_000 } else { 2_000 },
    );
    let rules = env_count("CALLGUARD_BENCH_RULES", if full { 10_000 } else { 20 });
    let rounds = if full { 200_000 } else { 2_000 };
    let dir = std::env::temp_dir().join(format!("callguard-screen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let feed = dir.join("feed.csv");
    let db = dir.join("bench.db");

    // Reported numbers: random Japanese mobiles.
    let mut rng = Lcg(7);
    let mut reported = Vec::with_capacity(numbers);
    {
        let mut out = BufWriter::new(std::fs::File::create(&feed).expect("feed file"));
        writeln!(out, "# name: bench\n# version: 1\nnumber,category").expect("write");
        for _ in 0..numbers {
            let n = 819_000_000_000 + rng.next() % 100_000_000;
            reported.push(n);
            writeln!(out, "+{n},scam").expect("write");
        }
    }
    let store = Store::open(&db, Region::JP).expect("store");
    let started = Instant::now();
    let summary = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    println!(
        "store: {} rows imported in {:.2} s; {} list rules",
        summary.rows_read,
        started.elapsed().as_secs_f64(),
        rules
    );
    for i in 0..rules {
        // Block entries in the 080 range: exact numbers and prefixes, none covering the probes.
        let pattern = if i % 2 == 0 {
            format!("+8180{:08}", rng.next() % 100_000_000)
        } else {
            format!("+8180{:04}*", rng.next() % 10_000)
        };
        store
            .add_list_entry(ListKind::Block, &pattern, None, None)
            .expect("list rule");
    }
    // Warm: the in-memory view loaded (a fresh process's first calls read SQLite while it
    // loads in the background; the cold bench in cli/benches measures those).
    store.refresh().expect("refresh");
    let store = Arc::new(store);
    let screener = Screener::new(Region::JP).with_store(store.clone());

    let e164 = |n: u64| IncomingCall::from_number(format!("+{n}"));
    let unknown: Vec<IncomingCall> = (0..1000)
        .map(|_| e164(817_000_000_000 + rng.next() % 100_000_000))
        .collect();
    let hits: Vec<IncomingCall> = (0..1000)
        .map(|_| e164(reported[(rng.next() as usize) % reported.len()]))
        .collect();
    let national: Vec<IncomingCall> = (0..1000)
        .map(|_| {
            IncomingCall::from_number(format!(
                "070-{:04}-{:04}",
                rng.next() % 10_000,
                rng.next() % 10_000
            ))
        })
        .collect();
    let hidden = vec![IncomingCall {
        presentation: Presentation::Restricted,
        ..IncomingCall::default()
    }];

    println!("whole decision (normalise, classify, store, risk):");
    measure("E.164, in no list or report", rounds, &unknown, |c| {
        black_box(screener.screen(c));
    });
    measure("E.164, reported", rounds, &hits, |c| {
        black_box(screener.screen(c));
    });
    measure(
        "national format (070-...), unknown",
        rounds,
        &national,
        |c| {
            black_box(screener.screen(c));
        },
    );
    measure("withheld", rounds, &hidden, |c| {
        black_box(screener.screen(c));
    });

    // The naive path: the phonenumber crate's parse, validity and type, then a primary-key
    // look-up in SQLite.
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("naive connection");
    let mut stmt = conn
        .prepare("SELECT count FROM reports WHERE number = ?1")
        .expect("statement");
    let db_meta = &phonenumber::metadata::DATABASE;
    let mut naive = |c: &IncomingCall| {
        let text = c.number.as_deref().unwrap_or("");
        if let Ok(pn) = phonenumber::parse(Some(phonenumber::country::Id::JP), text) {
            let valid = phonenumber::is_valid(&pn);
            let kind = pn.number_type(db_meta);
            let key = format!("{}{}", pn.code().value(), pn.national().value());
            let n: i64 = key.parse().unwrap_or(0);
            let found: Option<i64> = stmt.query_row([n], |r| r.get(0)).ok();
            black_box((valid, kind, found));
        }
    };
    println!("naive path (phonenumber parse + valid + type, SQLite look-up), same run:");
    measure("naive: E.164, in no report", rounds, &unknown, &mut naive);
    measure("naive: E.164, reported", rounds, &hits, &mut naive);

    drop(screener);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
