//! The iOS directory planner on its own: order, uniqueness, precedence, budget and split as
//! properties over random lists and reports, and plans and deltas replayed against a model of
//! the system's store.

use std::collections::BTreeMap;

use callguard_core::call_directory::{
    ChunkReader, DirectoryChunk, EntryKind, MemoryPlan, NoRuns, PlanOptions, Planner, ReportPoint,
    Rule, RunSource,
};
use callguard_core::risk::Thresholds;
use callguard_core::store::ListKind;
use callguard_core::Lang;
use callguard_testkit::ios::{IosDirectory, IosModel};
use proptest::prelude::*;

/// Numbers of the small universe the properties use: `BASE + 0..SPAN`.
const BASE: u64 = 815_012_340_000;
const SPAN: u64 = 3_000;
const THRESHOLDS: Thresholds = Thresholds {
    warn: 30,
    silence: 60,
    block: 80,
};

#[derive(Debug, Clone)]
struct RuleSpec {
    lo: u64,
    width: u64,
    allow: bool,
    label: Option<u8>,
}

fn rule_strategy() -> impl Strategy<Value = RuleSpec> {
    (
        0..SPAN,
        prop_oneof![Just(0u64), 0u64..20, 0u64..400],
        prop::bool::weighted(0.3),
        prop::option::of(0u8..3),
    )
        .prop_map(|(lo, width, allow, label)| RuleSpec {
            lo,
            width,
            allow,
            label,
        })
}

fn reports_strategy() -> impl Strategy<Value = Vec<(u64, u8, bool, u64)>> {
    prop::collection::btree_map(0..SPAN, (0u8..=100, any::<bool>(), 1u64..9), 0..300).prop_map(
        |m: BTreeMap<u64, (u8, bool, u64)>| {
            m.into_iter()
                .map(|(n, (s, scam, c))| (n, s, scam, c))
                .collect()
        },
    )
}

fn rules_of(specs: &[RuleSpec]) -> Vec<Rule> {
    specs
        .iter()
        .map(|s| {
            let lo = BASE + s.lo;
            let hi = (lo + s.width).min(BASE + SPAN - 1);
            Rule {
                lo,
                hi,
                list: if s.allow {
                    ListKind::Allow
                } else {
                    ListKind::Block
                },
                label: s.label.map(|l| format!("label {l}")),
                source: format!("+{lo}..+{hi}"),
                size: hi - lo + 1,
            }
        })
        .collect()
}

fn points_of(planner: &mut Planner, reports: &[(u64, u8, bool, u64)]) -> Vec<ReportPoint> {
    let source = planner.source_id("reports: test");
    reports
        .iter()
        .map(|&(n, score, scam, count)| ReportPoint {
            number: BASE + n,
            score,
            scam,
            count,
            source,
        })
        .collect()
}

/// What a number should be, by brute force over the rules in the risk engine's order: the
/// most specific allow entry (then the later one) decides if any covers the number (its label
/// identifies, no label leaves it out), else any block entry blocks, else the report's score.
fn expected(
    specs: &[RuleSpec],
    reports: &[(u64, u8, bool, u64)],
) -> BTreeMap<u64, (EntryKind, String, u8)> {
    let rules = rules_of(specs);
    let mut out = BTreeMap::new();
    let reported: BTreeMap<u64, (u8, bool, u64)> = reports
        .iter()
        .map(|&(n, s, scam, c)| (BASE + n, (s, scam, c)))
        .collect();
    for n in BASE..BASE + SPAN {
        let covering = |list: ListKind| {
            rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.list == list && r.lo <= n && n <= r.hi)
                .min_by_key(|(i, r)| (r.size, std::cmp::Reverse(*i)))
                .map(|(_, r)| r)
        };
        if let Some(a) = covering(ListKind::Allow) {
            if let Some(label) = &a.label {
                out.insert(n, (EntryKind::Identify, label.clone(), 100));
            }
            continue;
        }
        if covering(ListKind::Block).is_some() {
            out.insert(n, (EntryKind::Block, String::new(), 100));
            continue;
        }
        if let Some(&(score, scam, count)) = reported.get(&n) {
            if score >= THRESHOLDS.block {
                out.insert(n, (EntryKind::Block, String::new(), score));
            } else if score >= THRESHOLDS.warn {
                let label = callguard_core::call_directory::report_label(scam, count, Lang::EN);
                out.insert(n, (EntryKind::Identify, label, score));
            }
        }
    }
    out
}

fn options(budget: u64, extensions: u32) -> PlanOptions {
    PlanOptions {
        budget,
        extensions,
        lang: Lang::EN,
        now: 0,
    }
}

/// Loads one extension in full into a model; panics on any iOS error.
fn full_load(model: &mut IosModel, chunks: impl Iterator<Item = DirectoryChunk>) {
    let mut request = model.request(false);
    for chunk in chunks {
        request.apply(&chunk).expect("a full load iOS accepts");
    }
    request.complete();
}

fn chunks<O: RunSource, N: RunSource>(
    old: O,
    new: N,
    max: usize,
    reset: bool,
) -> Vec<DirectoryChunk> {
    ChunkReader::new(old, new, max, reset)
        .collect::<Result<Vec<_>, _>>()
        .expect("chunks")
}

/// The model's contents as (number → (kind, label)).
fn contents(dirs: &[IosDirectory]) -> BTreeMap<u64, (EntryKind, String)> {
    let mut out = BTreeMap::new();
    for d in dirs {
        for &n in &d.blocking {
            assert!(out
                .insert(n as u64, (EntryKind::Block, String::new()))
                .is_none());
        }
        for (&n, label) in &d.identification {
            assert!(out
                .insert(n as u64, (EntryKind::Identify, label.clone()))
                .is_none());
        }
    }
    out
}

fn load_all(plan: &MemoryPlan, budget: u64, chunk: usize) -> Vec<IosModel> {
    (0..plan.runs.len())
        .map(|ext| {
            let mut model = IosModel::new(budget as usize);
            full_load(
                &mut model,
                chunks(NoRuns, plan.source(ext), chunk, false).into_iter(),
            );
            model
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every plan is strictly ascending and unique within and across extensions, each
    /// extension holds a contiguous range under its budget, iOS accepts it as a full load,
    /// and with room for everything it is exactly the brute-force decision of every number.
    #[test]
    fn plans_are_ordered_unique_and_decided_as_the_risk_engine_does(
        specs in prop::collection::vec(rule_strategy(), 0..12),
        reports in reports_strategy(),
        budget in prop_oneof![Just(1_000_000u64), 0u64..2_000],
        extensions in 1u32..4,
        chunk in prop_oneof![Just(4096usize), 1usize..50],
    ) {
        let mut planner = Planner::new(rules_of(&specs), THRESHOLDS, Lang::EN);
        let points = points_of(&mut planner, &reports);
        let plan = MemoryPlan::plan(&planner, &points, &options(budget, extensions));
        let want = expected(&specs, &reports);

        let mut last: Option<u64> = None;
        for (ext, runs) in plan.runs.iter().enumerate() {
            let mut count = 0;
            for run in runs {
                prop_assert!(run.first <= run.last);
                prop_assert!(last.is_none_or(|l| l < run.first), "not ascending at {}", run.first);
                last = Some(run.last);
                count += run.len();
            }
            prop_assert!(count <= budget, "extension {} holds {} > {}", ext, count, budget);
            let s = &plan.summary.extensions[ext];
            prop_assert_eq!(s.blocking + s.identification, count);
        }
        let models = load_all(&plan, budget, chunk);
        let got = contents(&models.iter().map(|m| m.current.clone()).collect::<Vec<_>>());
        prop_assert_eq!(got.len() as u64, plan.summary.entries);
        prop_assert_eq!(plan.summary.candidates, want.len() as u64);
        prop_assert_eq!(plan.summary.entries + plan.summary.left_out, plan.summary.candidates);
        let capacity = budget * u64::from(extensions);
        prop_assert_eq!(plan.summary.entries, capacity.min(want.len() as u64));
        // Everything planned is what the number should be.
        for (n, (kind, label)) in &got {
            let (k, l, _) = &want[n];
            prop_assert_eq!((kind, label), (k, l), "number {}", n);
        }
        // When the budget cuts, nothing left out scores higher than anything planned.
        let kept_min = got.keys().map(|n| want[n].2).min();
        let dropped_max = want.iter().filter(|(n, _)| !got.contains_key(n)).map(|(_, v)| v.2).max();
        if let (Some(k), Some(d)) = (kept_min, dropped_max) {
            prop_assert!(k >= d, "kept a score {} while leaving out {}", k, d);
        }
        let left: u64 = plan.summary.sources.iter().map(|s| s.left_out).sum();
        prop_assert_eq!(left, plan.summary.left_out);
    }

    /// Plans replayed as deltas against the model of iOS's store end exactly where a full
    /// reload of the last plan ends, through changes of lists, reports, budget and extension
    /// count; a reset (remove all, then the full plan) gets there from anything.
    #[test]
    fn deltas_replayed_on_the_ios_model_equal_a_full_reload(
        versions in prop::collection::vec(
            (prop::collection::vec(rule_strategy(), 0..8), reports_strategy(), 1u32..4, prop_oneof![Just(100_000u64), 200u64..2_000]),
            2..5),
        chunk in prop_oneof![Just(4096usize), 1usize..64],
    ) {
        let max_ext = 4usize;
        let plans: Vec<MemoryPlan> = versions
            .iter()
            .map(|(specs, reports, ext, budget)| {
                let mut planner = Planner::new(rules_of(specs), THRESHOLDS, Lang::EN);
                let points = points_of(&mut planner, reports);
                MemoryPlan::plan(&planner, &points, &options(*budget, *ext))
            })
            .collect();
        // The system's extensions may hold as much as the largest budget.
        let max_entries = versions.iter().map(|v| v.3).max().unwrap_or(0) as usize;
        let mut models: Vec<IosModel> = (0..max_ext).map(|_| IosModel::new(max_entries)).collect();
        for (ext, model) in models.iter_mut().enumerate() {
            full_load(model, chunks(NoRuns, plans[0].source(ext), chunk, false).into_iter());
        }
        for pair in plans.windows(2) {
            for (ext, model) in models.iter_mut().enumerate() {
                let mut request = model.request(true);
                for c in chunks(pair[0].source(ext), pair[1].source(ext), chunk, false) {
                    prop_assert!(c.len() <= chunk + usize::from(c.remove_all) + chunk);
                    request.apply(&c).map_err(|e| TestCaseError::fail(format!("ext {ext}: {e}")))?;
                }
                request.complete();
            }
        }
        let last = plans.last().expect("plans");
        let mut fresh: Vec<IosModel> = (0..max_ext).map(|_| IosModel::new(max_entries)).collect();
        for (ext, model) in fresh.iter_mut().enumerate() {
            full_load(model, chunks(NoRuns, last.source(ext), chunk, false).into_iter());
        }
        for (ext, (model, fresh)) in models.iter().zip(&fresh).enumerate() {
            prop_assert_eq!(&model.current, &fresh.current, "extension {}", ext);
        }
        // A reset from whatever the system holds (here: the first plan) gives the same.
        for (ext, model) in models.iter_mut().enumerate() {
            let mut request = model.request(true);
            for c in chunks(NoRuns, plans[0].source(ext), chunk, true) {
                request.apply(&c).expect("reset");
            }
            request.complete();
            let mut request = model.request(true);
            for c in chunks(NoRuns, last.source(ext), chunk, true) {
                request.apply(&c).expect("reset");
            }
            request.complete();
            prop_assert_eq!(&model.current, &fresh[ext].current);
        }
    }
}

#[test]
fn the_model_raises_ios_errors() {
    let mut model = IosModel::new(3);
    let mut r = model.request(false);
    r.add_blocking(815_012_345_679).expect("first");
    assert_eq!(
        r.add_blocking(815_012_345_678).map_err(|e| e.code()),
        Err(Some(3))
    );
    let mut r = model.request(false);
    r.add_blocking(815_012_345_678).expect("first");
    assert_eq!(
        r.add_blocking(815_012_345_678).map_err(|e| e.code()),
        Err(Some(4))
    );
    let mut r = model.request(false);
    assert_eq!(
        r.remove_blocking(815_012_345_678).map_err(|e| e.code()),
        Err(Some(8))
    );
    let mut r = model.request(false);
    for n in 0..3 {
        r.add_identification(815_012_345_670 + n, "x")
            .expect("room");
    }
    assert_eq!(
        r.add_blocking(815_012_345_600).map_err(|e| e.code()),
        Err(Some(5))
    );
    // A request that failed or was never completed leaves the system as it was.
    assert!(model.current.is_empty());
}

/// Over budget, the block list (score 100) and the strongest reports stay; the summary names
/// what was left out, per source.
#[test]
fn the_budget_keeps_the_highest_risk_and_reports_what_it_left_out() {
    let rules = vec![
        Rule {
            lo: BASE,
            hi: BASE + 999,
            list: ListKind::Block,
            label: None,
            source: "+8150123400*".into(),
            size: 1_000,
        },
        Rule {
            lo: BASE + 5,
            hi: BASE + 5,
            list: ListKind::Allow,
            label: Some("Dentist".into()),
            source: "+815012340005".into(),
            size: 1,
        },
    ];
    let mut planner = Planner::new(rules, THRESHOLDS, Lang::JA);
    let feed = planner.source_id("reports: feed police");
    let point = |n: u64, score: u8, count: u64| ReportPoint {
        number: BASE + n,
        score,
        scam: true,
        count,
        source: feed,
    };
    // Reports inside the blocked range count for the list; outside they score.
    let reports = vec![
        point(7, 40, 1),
        point(2_000, 100, 4),
        point(2_001, 50, 3),
        point(2_002, 10, 1),
    ];
    let plan = MemoryPlan::plan(&planner, &reports, &options(1_100, 1));
    let s = &plan.summary;
    // 999 blocked + 1 identified (allow label) + 2000 blocked + 2001 identified.
    assert_eq!((s.candidates, s.entries, s.left_out), (1_002, 1_002, 0));
    assert_eq!(
        plan.labels
            .iter()
            .filter(|l| l.as_str() == "詐欺の疑い (3件)")
            .count(),
        1
    );

    let plan = MemoryPlan::plan(&planner, &reports, &options(500, 1));
    let s = &plan.summary;
    assert_eq!((s.entries, s.left_out), (500, 502));
    // The allow-list label and the score-100 report rank first (exact numbers at 100), then
    // the first 498 numbers of the block range; the score-50 report is left out.
    let runs = &plan.runs[0];
    assert_eq!(runs.first().map(|r| r.first), Some(BASE));
    assert!(runs
        .iter()
        .any(|r| r.first == BASE + 5 && r.kind == EntryKind::Identify));
    assert!(runs
        .iter()
        .any(|r| r.first == BASE + 2_000 && r.kind == EntryKind::Block));
    assert!(!runs.iter().any(|r| r.first == BASE + 2_001));
    assert_eq!(s.cut_at_score, Some(100));
    let block = s
        .sources
        .iter()
        .find(|c| c.source == "block +8150123400*")
        .expect("source");
    assert_eq!(
        (block.candidates, block.planned, block.left_out),
        (999, 498, 501)
    );
    let police = s
        .sources
        .iter()
        .find(|c| c.source == "reports: feed police")
        .expect("source");
    assert_eq!(
        (police.candidates, police.planned, police.left_out),
        (2, 1, 1)
    );
}

/// Split across extensions: contiguous ranges, as even as the plan allows, each under budget.
#[test]
fn a_plan_splits_into_contiguous_extensions() {
    let rules = vec![Rule {
        lo: BASE,
        hi: BASE + 2_999,
        list: ListKind::Block,
        label: None,
        source: "range".into(),
        size: 3_000,
    }];
    let planner = Planner::new(rules, THRESHOLDS, Lang::EN);
    let plan = MemoryPlan::plan(&planner, &[], &options(1_000, 3));
    let ranges: Vec<(Option<u64>, Option<u64>, u64)> = plan
        .summary
        .extensions
        .iter()
        .map(|e| (e.first, e.last, e.blocking))
        .collect();
    assert_eq!(
        ranges,
        vec![
            (Some(BASE), Some(BASE + 999), 1_000),
            (Some(BASE + 1_000), Some(BASE + 1_999), 1_000),
            (Some(BASE + 2_000), Some(BASE + 2_999), 1_000),
        ]
    );
    let plan = MemoryPlan::plan(&planner, &[], &options(1_000, 4));
    assert!(plan.summary.extensions.iter().all(|e| e.blocking == 750));
    let plan = MemoryPlan::plan(&planner, &[], &options(1_000, 2));
    assert_eq!(plan.summary.left_out, 1_000);
}

/// Nothing below seven digits is planned: emergency and special numbers are short codes.
#[test]
fn short_codes_are_never_entries() {
    let rules = vec![Rule {
        lo: 1,
        hi: 1_000_100,
        list: ListKind::Block,
        label: None,
        source: "everything short".into(),
        size: 1_000_100,
    }];
    let mut planner = Planner::new(rules, THRESHOLDS, Lang::EN);
    let src = planner.source_id("reports");
    let reports = [110u64, 119, 911].map(|n| ReportPoint {
        number: n,
        score: 100,
        scam: true,
        count: 9,
        source: src,
    });
    let plan = MemoryPlan::plan(&planner, &reports, &options(10_000_000, 1));
    assert_eq!(plan.runs[0].first().map(|r| r.first), Some(1_000_000));
    assert_eq!(plan.summary.entries, 101);
}
