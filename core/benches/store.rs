//! Store benchmarks: look-ups in a store of one million reported numbers (hit and miss) and
//! against 10,000 list rules, and a generator for the import benchmark's input files.
//!
//! ```text
//! cargo bench -p callguard-core --bench store                      # look-ups (builds the store)
//! cargo bench -p callguard-core --bench store -- --generate FILE N  # write an N-row feed
//! cargo bench -p callguard-core --bench store -- --generate-ftc FILE N
//! ```
//! `CALLGUARD_BENCH_NUMBERS` changes the store size (default 1,000,000).

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use callguard_core::store::{ImportOptions, ListKind, Store, StoreOptions};
use callguard_core::{Region, E164};
use criterion::measurement::WallTime;
use criterion::{criterion_group, BenchmarkGroup, Criterion};

/// The i-th generated number: distinct for i < 3 × 10^8, in scrambled order, Japanese mobile.
fn number(i: u64) -> u64 {
    let prefix = [817_000_000_000, 818_000_000_000, 819_000_000_000][(i % 3) as usize];
    prefix + (i / 3 * 48_271 + 12_345) % 100_000_000
}

const CATEGORIES: [&str; 5] = ["scam", "fraud", "spam", "robocall", "telemarketing"];

/// Writes an `rows`-row callguard CSV feed of distinct numbers in random order.
fn generate(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "# name: bench\n# version: 1\n# kind: full")?;
    writeln!(out, "number,category,count,first_seen,last_seen,op")?;
    for i in 0..rows {
        let day = 1 + i % 28;
        writeln!(
            out,
            "+{},{},{},2025-06-{day:02},2025-11-{day:02} 12:00:00,",
            number(i),
            CATEGORIES[(i % 5) as usize],
            1 + i % 7
        )?;
    }
    out.flush()
}

/// Writes an FTC-style file: `rows` rows over `rows / 4` US numbers (many rows per number).
fn generate_ftc(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall")?;
    let distinct = (rows / 4).max(1);
    for i in 0..rows {
        let n = (i * 7_919) % distinct;
        let area = 201 + n % 700;
        let rest = 2_000_000 + (n / 700) % 8_000_000;
        writeln!(
            out,
            "{area}{rest:07},2025-11-0{} 10:00:00,2025-11-0{} 09:30:00,Springfield,IL,{area},Imposters,{}",
            1 + i % 9,
            1 + i % 9,
            if i % 2 == 0 { "Y" } else { "" }
        )?;
    }
    out.flush()
}

/// Benchmarks `store.lookup` over `numbers` in turn.
fn lookups(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, store: &Store, numbers: &[E164]) {
    let mut i = 0usize;
    group.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % numbers.len();
            black_box(store.lookup(black_box(numbers[i])).expect("lookup"))
        })
    });
}

fn bench_lookup(c: &mut Criterion) {
    let numbers: u64 = std::env::var("CALLGUARD_BENCH_NUMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.csv");
    generate(&feed, numbers).expect("generate");
    let db = dir.path().join("bench.db");
    let store = Store::open(&db, Region::JP).expect("open");
    let summary = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    eprintln!(
        "store: {} numbers imported in {:.2} s",
        summary.numbers_touched, summary.seconds
    );
    store
        .add_list_entry(ListKind::Block, "+8150*", Some("IP phones"), None)
        .expect("list");
    let hits: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(number(i * 977 % numbers)).expect("number"))
        .collect();
    let misses: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(816_000_000_000 + i * 104_729).expect("number"))
        .collect();
    // Load the in-memory view (what the first look-up after opening does).
    let started = std::time::Instant::now();
    store.refresh().expect("refresh");
    eprintln!(
        "store: in-memory view loaded in {:.2} s; reports {} bytes ({:.1} per number)",
        started.elapsed().as_secs_f64(),
        store.report_memory_bytes(),
        store.report_memory_bytes() as f64 / numbers as f64
    );
    // The same file with only the numbers in memory: a hit reads its rows from SQLite.
    let lean = Store::open_with(
        &db,
        StoreOptions {
            reports_in_memory: false,
            ..StoreOptions::default()
        },
    )
    .expect("open lean");
    lean.refresh().expect("refresh");
    // Asking SQLite on every look-up whether another process wrote.
    let strict = Store::open_with(
        &db,
        StoreOptions {
            refresh_interval: Duration::ZERO,
            ..StoreOptions::default()
        },
    )
    .expect("open strict");
    strict.refresh().expect("refresh");

    let mut group = c.benchmark_group("store_lookup_1M");
    lookups(&mut group, "miss", &store, &misses);
    lookups(&mut group, "hit", &store, &hits);
    lookups(&mut group, "hit_rows_in_sqlite", &lean, &hits);
    lookups(&mut group, "miss_check_every_lookup", &strict, &misses);
    lookups(&mut group, "hit_check_every_lookup", &strict, &hits);
    group.finish();
}

/// Look-ups against 10,000 list rules (a third exact numbers, a third prefixes of 7 to 11
/// digits, a third ranges of 100 numbers) in an otherwise empty store.
fn bench_lists(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path().join("lists.db"), Region::JP).expect("open");
    let rules = 10_000u64;
    // Japanese mobile numbers, +81 90 ...
    let rule_number = |i: u64| 819_020_000_000 + (i * 48_271 + 12_345) % 70_000_000;
    for i in 0..rules {
        let n = rule_number(i);
        let pattern = match i % 3 {
            0 => format!("+{n}"),
            1 => format!("+{}*", n / 10u64.pow(4 + (i % 5) as u32)),
            _ => format!("+{}..+{}", n / 100 * 100, n / 100 * 100 + 99),
        };
        let list = if i % 10 == 0 {
            ListKind::Allow
        } else {
            ListKind::Block
        };
        store
            .add_list_entry(list, &pattern, None, None)
            .expect("rule");
    }
    store.refresh().expect("refresh");
    let hits: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(rule_number(i * 7 % rules)).expect("number"))
        .collect();
    let misses: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(816_000_000_000 + i * 104_729).expect("number"))
        .collect();
    let mut group = c.benchmark_group("store_lookup_10k_rules");
    lookups(&mut group, "miss", &store, &misses);
    lookups(&mut group, "hit", &store, &hits);
    group.finish();
}

criterion_group!(benches, bench_lookup, bench_lists);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args
        .iter()
        .position(|a| a == "--generate" || a == "--generate-ftc")
    {
        let (Some(path), Some(rows)) = (
            args.get(pos + 1),
            args.get(pos + 2).and_then(|n| n.parse::<u64>().ok()),
        ) else {
            eprintln!("usage: --generate FILE ROWS | --generate-ftc FILE ROWS");
            std::process::exit(2);
        };
        let result = if args[pos] == "--generate" {
            generate(Path::new(path), rows)
        } else {
            generate_ftc(Path::new(path), rows)
        };
        if let Err(e) = result {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
