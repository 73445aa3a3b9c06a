//! Store benchmarks: look-ups in a store of one million reported numbers (hit and miss), and a
//! generator for the import benchmark's input files.
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

use callguard_core::store::{ImportOptions, Store};
use callguard_core::{Region, E164};
use criterion::{criterion_group, Criterion};

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

fn bench_lookup(c: &mut Criterion) {
    let numbers: u64 = std::env::var("CALLGUARD_BENCH_NUMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = dir.path().join("feed.csv");
    generate(&feed, numbers).expect("generate");
    let store = Store::open(dir.path().join("bench.db"), Region::JP).expect("open");
    let summary = store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    eprintln!(
        "store: {} numbers imported in {:.2} s",
        summary.numbers_touched, summary.seconds
    );
    store
        .add_list_entry(
            callguard_core::store::ListKind::Block,
            "+8150*",
            Some("IP phones"),
            None,
        )
        .expect("list");
    let hits: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(number(i * 977 % numbers)).expect("number"))
        .collect();
    let misses: Vec<E164> = (0..1024)
        .map(|i| E164::from_u64(816_000_000_000 + i * 104_729).expect("number"))
        .collect();
    // Warm the in-memory filter.
    store.lookup(hits[0]).expect("lookup");
    let mut group = c.benchmark_group("store_lookup_1M");
    let mut i = 0usize;
    group.bench_function("miss", |b| {
        b.iter(|| {
            i = (i + 1) % misses.len();
            black_box(store.lookup(black_box(misses[i])).expect("lookup"))
        })
    });
    group.bench_function("hit", |b| {
        b.iter(|| {
            i = (i + 1) % hits.len();
            black_box(store.lookup(black_box(hits[i])).expect("lookup"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_lookup);

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
