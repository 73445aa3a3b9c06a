//! iOS directory benchmarks: planning (one million reported numbers and list rules, in
//! memory), streaming a ten-million-entry plan in chunks, and planning from a store with
//! reported numbers read from SQLite.
//!
//! ```text
//! cargo bench -p callguard-core --bench directory
//! ```

use std::hint::black_box;
use std::time::Duration;

use callguard_core::call_directory::{
    ChunkReader, MemoryPlan, NoRuns, PlanOptions, Planner, ReportPoint, Rule,
};
use callguard_core::risk::Thresholds;
use callguard_core::store::{ImportOptions, ListKind, Store};
use callguard_core::{Lang, Policy, Region};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const THRESHOLDS: Thresholds = Thresholds {
    warn: 30,
    silence: 60,
    block: 80,
};

fn options(budget: u64) -> PlanOptions {
    PlanOptions {
        budget,
        extensions: 1,
        lang: Lang::JA,
        now: 0,
    }
}

/// One million reported numbers (ascending, a fifth of them labelled rather than blocked)
/// and 1,000 list rules.
fn reports_and_rules() -> (Planner, Vec<ReportPoint>) {
    let rules: Vec<Rule> = (0..1_000u64)
        .map(|i| {
            let lo = 817_000_000_000 + i * 1_000_000;
            Rule {
                lo,
                hi: lo + 99,
                list: if i % 10 == 0 {
                    ListKind::Allow
                } else {
                    ListKind::Block
                },
                label: (i % 20 == 0).then(|| format!("label {i}")),
                source: format!("rule {i}"),
                size: 100,
            }
        })
        .collect();
    let mut planner = Planner::new(rules, THRESHOLDS, Lang::JA);
    let source = planner.source_id("reports: feed bench");
    let reports = (0..1_000_000u64)
        .map(|i| ReportPoint {
            number: 819_000_000_000 + i * 97,
            score: if i % 5 == 0 { 50 } else { 100 },
            scam: true,
            count: 1 + i % 7,
            source,
        })
        .collect();
    (planner, reports)
}

fn plan(c: &mut Criterion) {
    let (planner, reports) = reports_and_rules();
    let entries = MemoryPlan::plan(&planner, &reports, &options(10_000_000))
        .summary
        .entries;
    let mut group = c.benchmark_group("directory");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Elements(entries));
    group.bench_function("plan_1m_reports_1k_rules", |b| {
        b.iter(|| black_box(MemoryPlan::plan(&planner, &reports, &options(10_000_000))))
    });
    // The same over a budget of half: the cut costs nothing more.
    group.bench_function("plan_1m_reports_budget_half", |b| {
        b.iter(|| black_box(MemoryPlan::plan(&planner, &reports, &options(entries / 2))))
    });
    group.finish();
}

fn stream(c: &mut Criterion) {
    let planner = Planner::new(
        vec![Rule {
            lo: 815_010_000_000,
            hi: 815_019_999_999,
            list: ListKind::Block,
            label: None,
            source: "+81501*".into(),
            size: 10_000_000,
        }],
        THRESHOLDS,
        Lang::JA,
    );
    let plan = MemoryPlan::plan(&planner, &[], &options(10_000_000));
    let mut group = c.benchmark_group("directory");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(10_000_000));
    group.bench_function("plan_and_stream_10m_prefix_chunks_4096", |b| {
        b.iter(|| {
            let plan = MemoryPlan::plan(&planner, &[], &options(10_000_000));
            let mut n = 0usize;
            for chunk in ChunkReader::new(NoRuns, plan.source(0), 4096, false) {
                n += chunk.map(|c| c.len()).unwrap_or(0);
            }
            black_box(n)
        })
    });
    drop(plan);
    group.finish();
}

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Store::open(dir.path().join("bench.db"), Region::JP).expect("open");
    let feed = dir.path().join("feed.csv");
    let mut text = String::from("# name: bench\nnumber,category,count\n");
    for i in 0..200_000u64 {
        let category = if i % 4 == 0 { "spam" } else { "scam" };
        text.push_str(&format!(
            "+8190{:08},{category},{}\n",
            i * 373 % 100_000_000,
            1 + i % 3
        ));
    }
    std::fs::write(&feed, text).expect("feed");
    db.import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    db.add_list_entry(ListKind::Block, "+81501*", None, None)
        .expect("prefix");
    let policy = Policy::default_policy();
    let opts = PlanOptions {
        budget: 20_000_000,
        ..PlanOptions::default()
    };
    let entries = db.plan_directory(&policy, &opts).expect("plan").entries;
    let mut group = c.benchmark_group("directory");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(entries));
    group.bench_function("store_plan_200k_reports_10m_prefix", |b| {
        b.iter(|| black_box(db.plan_directory(&policy, &opts).expect("plan")))
    });
    group.finish();
}

criterion_group!(benches, plan, stream, store);
criterion_main!(benches);
