//! `feed build` throughput: reports per second, from a back-end's CSV to a full feed, with
//! the sort spilling to disk (a 4 MiB buffer for 200,000 reports).

use std::io::Write;

use callguard_core::Region;
use callguard_publish::{build, BuildOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const REPORTS: u64 = 200_000;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("reports.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&input).expect("create"));
    writeln!(out, "reporter,number,category,reported_at").expect("write");
    // 50,000 numbers, each reported by a few of 100,000 phones.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..REPORTS {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let number = 9_000_000 + state % 50_000;
        let phone = (state >> 20) % 100_000;
        let day = 1 + (state >> 40) % 28;
        writeln!(out, "phone-{phone},+81{number:08}0,scam,2026-11-{day:02}").expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    let feed = dir.path().join("feed.csv");
    let mut options = BuildOptions::new("bench", 1, Region::JP);
    options.now = 1_796_083_200; // 2026-12-01
    options.memory_bytes = 4 << 20;
    options.tmp = dir.path().to_owned();
    let mut group = c.benchmark_group("feed_build");
    group.throughput(Throughput::Elements(REPORTS));
    group.sample_size(10);
    group.bench_function("csv_200k_reports", |b| {
        b.iter(|| build(std::slice::from_ref(&input), &feed, &options).expect("build"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
