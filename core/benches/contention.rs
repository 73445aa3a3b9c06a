//! Reader latency under writes: two threads screen calls in a loop through one shared store
//! (1,000,000 reported numbers, 10,000 list rules) and time every call, first in a quiet run,
//! then while the main thread imports a 100,000-row feed, replaces the million-number feed with
//! a new full version, and makes 1,000 list edits, and for a moment after the last write. It
//! prints p50 / p99 / p99.9 / max and the number of calls for each phase, and how long each
//! write took.
//!
//! ```sh
//! cargo bench -p callguard-core --bench contention
//! CALLGUARD_BENCH_NUMBERS=100000 CALLGUARD_BENCH_RULES=1000 cargo bench -p callguard-core --bench contention
//! ```
//! Without `--bench` (`cargo test --benches`, `cargo test --all-targets`) it runs as a smoke
//! test on a small store in a few seconds. Not a criterion bench: the point is the tail of
//! single calls while another thread writes, so every call is timed on its own.
//!
//! The figures depend on how the store brings its in-memory view up to date after a write
//! (docs/STORE.md, "Freshness"), which is exactly what this measures: nothing here calls
//! `Store::refresh`, so whatever a write costs the readers shows up in their latencies.

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use callguard_core::store::{ImportOptions, ListKind, Store};
use callguard_core::{IncomingCall, Region, Screener};

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

/// The i-th reported number: distinct for i < 3 × 10^8, scrambled, Japanese mobile.
fn number(i: u64) -> u64 {
    let prefix = [817_000_000_000, 818_000_000_000, 819_000_000_000][(i % 3) as usize];
    prefix + (i / 3 * 48_271 + 12_345) % 100_000_000
}

/// Writes a full feed named `name` at `version` reporting `number(i)` for i in `range`.
fn write_feed(path: &Path, name: &str, version: u64, range: std::ops::Range<u64>) {
    let file = std::fs::File::create(path).expect("feed file");
    let mut out = BufWriter::new(file);
    writeln!(
        out,
        "# name: {name}\n# version: {version}\n# kind: full\nnumber,category,count,last_seen"
    )
    .expect("write");
    for i in range {
        let category = ["scam", "fraud", "spam", "robocall"][(i % 4) as usize];
        writeln!(
            out,
            "+{},{category},{},2025-11-{:02}",
            number(i),
            1 + i % 5,
            1 + i % 28
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

/// Phases of the run (a call counts in the phase it started in): quiet, importing the extra
/// feed, replacing the big feed, list edits, just after the last write.
const PHASES: usize = 5;

/// Per-phase latencies in nanoseconds, one vector per phase.
type Samples = Vec<Vec<u32>>;

/// Screens `calls` in a loop until `stop`, timing each call into the current `phase`.
fn screen_loop(
    screener: &Screener,
    calls: &[IncomingCall],
    offset: usize,
    phase: &AtomicUsize,
    stop: &AtomicBool,
) -> Samples {
    // Room for a million calls per phase up front: growing a vector mid-run would stall this
    // thread between two timed calls.
    let mut samples: Samples = (0..PHASES).map(|_| Vec::with_capacity(1 << 20)).collect();
    let mut i = offset;
    while !stop.load(Ordering::Relaxed) {
        let call = &calls[i % calls.len()];
        let at = phase.load(Ordering::Relaxed);
        let start = Instant::now();
        black_box(screener.screen(black_box(call)));
        let nanos = start.elapsed().as_nanos().min(u128::from(u32::MAX)) as u32;
        samples[at].push(nanos);
        i += 1;
    }
    samples
}

fn print_row(name: &str, mut times: Vec<u32>) {
    if times.is_empty() {
        println!("{name:<44} {:>10}", 0);
        return;
    }
    times.sort_unstable();
    let at = |q: f64| f64::from(times[((times.len() - 1) as f64 * q) as usize]) / 1e3;
    let max = f64::from(times[times.len() - 1]) / 1e3;
    println!(
        "{name:<44} {:>10} {:>10.2} {:>10.2} {:>10.2} {:>12.1}",
        times.len(),
        at(0.5),
        at(0.99),
        at(0.999),
        max
    );
}

/// The system's load averages, to print beside the figures (Linux; elsewhere nothing).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    // `cargo bench` passes --bench; without it this is a smoke test on a small store.
    let full = std::env::args().any(|a| a == "--bench");
    let numbers = env_count(
        "CALLGUARD_BENCH_NUMBERS",
        if full { 1_000_000 } else { 2_000 },
    ) as u64;
    let rules = env_count("CALLGUARD_BENCH_RULES", if full { 10_000 } else { 20 });
    let extra = numbers / 10;
    let edits = if full { 1_000 } else { 100 };
    let quiet_for = Duration::from_millis(if full { 3_000 } else { 200 });
    let settle_for = Duration::from_millis(if full { 1_000 } else { 100 });

    let dir =
        std::env::temp_dir().join(format!("callguard-contention-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let db = dir.join("bench.db");
    let base = dir.join("base.csv");
    let added = dir.join("extra.csv");
    let replacement = dir.join("replacement.csv");
    // Version 2 keeps half of version 1's numbers and brings as many new ones, as a daily
    // full feed does; the extra feed reports numbers of its own.
    write_feed(&base, "bench", 1, 0..numbers);
    write_feed(&replacement, "bench", 2, numbers / 2..numbers / 2 + numbers);
    write_feed(&added, "extra", 1, 3 * numbers..3 * numbers + extra);

    let store = Store::open(&db, Region::JP).expect("store");
    let started = Instant::now();
    store
        .import_file(&base, &ImportOptions::default(), None)
        .expect("import");
    let mut rng = Lcg(11);
    let mut listed = Vec::new();
    for i in 0..rules {
        // Block entries in the 080 range: exact numbers and prefixes, as in the screen bench.
        let pattern = if i % 2 == 0 {
            let n = format!("+8180{}{:07}", 1 + rng.next() % 9, rng.next() % 10_000_000);
            listed.push(n.clone());
            n
        } else {
            format!("+8180{:04}*", rng.next() % 10_000)
        };
        store
            .add_list_entry(ListKind::Block, &pattern, None, None)
            .expect("list rule");
    }
    // Start from a loaded view, as a screening process that has been up for a while.
    store.refresh().expect("refresh");
    println!(
        "store: {numbers} reported numbers, {rules} list rules, built in {:.1} s; load average {}",
        started.elapsed().as_secs_f64(),
        load_average()
    );

    let store = Arc::new(store);
    let screener = Arc::new(Screener::new(Region::JP).with_store(store.clone()));
    // What a phone sees: reported numbers (some only in the old version, some in both, some
    // only in the new), unknown numbers, list hits and national spellings.
    let calls: Arc<Vec<IncomingCall>> = Arc::new(
        (0..4096u64)
            .map(|k| {
                let r = rng.next();
                let text = match k % 4 {
                    0 => format!("+{}", number(r % (numbers + numbers / 2))),
                    1 => format!("+81701{:07}", r % 10_000_000),
                    2 if !listed.is_empty() => listed[r as usize % listed.len()].clone(),
                    _ => format!("090-{}-{:04}", 1_000 + r % 9_000, rng.next() % 10_000),
                };
                IncomingCall::from_number(text)
            })
            .collect(),
    );

    let run = |phases: &mut dyn FnMut(&AtomicUsize)| -> Samples {
        let phase = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..2)
            .map(|t| {
                let (screener, calls) = (screener.clone(), calls.clone());
                let (phase, stop) = (phase.clone(), stop.clone());
                thread::spawn(move || screen_loop(&screener, &calls, t * 2048, &phase, &stop))
            })
            .collect();
        phases(&phase);
        stop.store(true, Ordering::Relaxed);
        let mut all: Samples = vec![Vec::new(); PHASES];
        for t in threads {
            for (phase, times) in t.join().expect("screening thread").into_iter().enumerate() {
                all[phase].extend(times);
            }
        }
        all
    };

    // Warm up (code paths, caches), then the quiet baseline.
    run(&mut |_| thread::sleep(quiet_for / 4));
    let quiet = run(&mut |_| thread::sleep(quiet_for));

    let mut took = [Duration::ZERO; PHASES];
    let mut during = run(&mut |phase| {
        let mut timed = |at: usize, work: &mut dyn FnMut()| {
            phase.store(at, Ordering::Relaxed);
            let start = Instant::now();
            work();
            took[at] = start.elapsed();
        };
        timed(1, &mut || {
            store
                .import_file(&added, &ImportOptions::default(), None)
                .expect("import extra");
        });
        timed(2, &mut || {
            store
                .import_file(&replacement, &ImportOptions::default(), None)
                .expect("replace");
        });
        timed(3, &mut || {
            // 070-2xxx-xxxx: valid numbers no call in the mix uses.
            let pattern = |i: usize| format!("+81702{:07}", i * 7_919 % 10_000_000);
            for i in 0..edits / 2 {
                store
                    .add_list_entry(ListKind::Block, &pattern(i), Some("bench"), None)
                    .expect("add");
            }
            for i in 0..edits / 2 {
                store
                    .remove_list_entry(ListKind::Block, &pattern(i))
                    .expect("remove");
            }
        });
        timed(4, &mut || thread::sleep(settle_for));
    });

    println!(
        "2 screening threads, Screener::screen per call; latencies in µs; load average {}",
        load_average()
    );
    println!(
        "{:<44} {:>10} {:>10} {:>10} {:>10} {:>12}",
        "phase", "calls", "p50", "p99", "p99.9", "max"
    );
    let names = [
        "quiet (no writes)".to_owned(),
        format!("importing a {extra}-row feed"),
        format!("replacing the {numbers}-number feed"),
        format!("{edits} list edits"),
        "just after the last write".to_owned(),
    ];
    print_row(&names[0], quiet.into_iter().next().unwrap_or_default());
    let mut writing = Vec::new();
    for (at, name) in names.iter().enumerate().skip(1) {
        let times = std::mem::take(&mut during[at]);
        if at < 4 {
            writing.extend_from_slice(&times);
        }
        print_row(&format!("{name} ({:.2} s)", took[at].as_secs_f64()), times);
    }
    print_row("all three writes", writing);

    drop(screener);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
