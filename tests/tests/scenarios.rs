//! The scenario corpus: calls with a policy and a store → the expected verdict and reasons.
//!
//! Each file in `tests/scenarios/` holds scenarios of one theme. A scenario names the region
//! (default JP) and policy (default balanced), what the store holds (block and allow entries,
//! reports, earlier calls from the same number), the call, and what must come out: the verdict,
//! reason codes that must be there and ones that must not, a score, words the advice contains.

use std::path::Path;
use std::sync::Arc;

use callguard_core::store::{ListKind, ReportCategory, Store};
use callguard_core::{IncomingCall, Policy, Region, Screener};
use callguard_testkit::workdir::WorkDir;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)] // documentation in the data
    description: String,
    scenarios: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    store: Option<StoreSetup>,
    call: Call,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StoreSetup {
    #[serde(default)]
    block: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    reports: Vec<ReportSetup>,
    /// Earlier screened calls from the call's number, logged now.
    #[serde(default)]
    calls: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSetup {
    number: String,
    category: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Call {
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    presentation: Option<String>,
    #[serde(default)]
    verification: Option<String>,
    #[serde(default)]
    contact: bool,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    claims: Option<String>,
    #[serde(default)]
    transcript: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    verdict: Option<String>,
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    not_reasons: Vec<String>,
    #[serde(default)]
    score: Option<u8>,
    #[serde(default)]
    advice_contains: Option<String>,
}

fn run(scenario: &Scenario, dir: &Path) -> Result<Vec<String>, String> {
    let region: Region = scenario
        .region
        .as_deref()
        .unwrap_or("JP")
        .parse()
        .map_err(|e| format!("region: {e}"))?;
    let policy_name = scenario.policy.as_deref().unwrap_or("balanced");
    let policy = Policy::preset(policy_name).ok_or(format!("no preset {policy_name}"))?;
    let mut screener = Screener::with_parts(callguard_core::Classifier::new(region), policy);

    let c = &scenario.call;
    let call = IncomingCall {
        number: c.number.clone(),
        presentation: match &c.presentation {
            Some(p) => p.parse()?,
            None => Default::default(),
        },
        verification: match &c.verification {
            Some(v) => v.parse()?,
            None => Default::default(),
        },
        is_contact: c.contact,
        local_time: c.at.as_deref().map(str::parse).transpose()?,
        claims: c.claims.clone(),
        transcript: c.transcript.clone(),
    };

    if let Some(setup) = &scenario.store {
        let store = Arc::new(
            Store::open(dir.join("scenario.db"), region).map_err(|e| format!("store: {e}"))?,
        );
        for (kind, patterns) in [
            (ListKind::Block, &setup.block),
            (ListKind::Allow, &setup.allow),
        ] {
            for p in patterns {
                store
                    .add_list_entry(kind, p, None, None)
                    .map_err(|e| format!("list {p}: {e}"))?;
            }
        }
        for r in &setup.reports {
            let category: ReportCategory = r.category.parse().map_err(|e| format!("{e}"))?;
            store
                .report(&r.number, category, None)
                .map_err(|e| format!("report {}: {e}", r.number))?;
        }
        screener = screener.with_store(store);
        let now = callguard_core::store::now();
        for _ in 0..setup.calls {
            let earlier = screener.screen(&call);
            screener
                .record(&earlier, now)
                .map_err(|e| format!("log: {e}"))?;
        }
    }

    let a = screener.screen(&call);
    let codes: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
    let e = &scenario.expect;
    let mut wrong = Vec::new();
    if let Some(v) = &e.verdict {
        if a.verdict.as_str() != v {
            wrong.push(format!("verdict {} (expected {v})", a.verdict));
        }
    }
    for r in &e.reasons {
        if !codes.contains(&r.as_str()) {
            wrong.push(format!("no reason {r}"));
        }
    }
    for r in &e.not_reasons {
        if codes.contains(&r.as_str()) {
            wrong.push(format!("unexpected reason {r}"));
        }
    }
    if let Some(score) = e.score {
        if a.score != score {
            wrong.push(format!("score {} (expected {score})", a.score));
        }
    }
    if let Some(words) = &e.advice_contains {
        let advice: Vec<String> = callguard_core::Lang::all()
            .iter()
            .filter_map(|&lang| a.advice_in(lang))
            .collect();
        if !advice.iter().any(|t| t.contains(words.as_str())) {
            wrong.push(format!("advice without {words:?}: {advice:?}"));
        }
    }
    if wrong.is_empty() {
        Ok(codes.iter().map(|c| (*c).to_owned()).collect())
    } else {
        Err(format!(
            "{} — got {} {} {codes:?}",
            wrong.join("; "),
            a.verdict,
            a.score
        ))
    }
}

#[test]
fn the_scenario_corpus_holds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());

    let mut count = 0;
    let mut failures = Vec::new();
    let mut seen_codes = std::collections::BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read scenario file");
        let file: File =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for scenario in &file.scenarios {
            count += 1;
            let dir = WorkDir::new();
            let outcome = run(scenario, dir.path());
            if let Ok(codes) = &outcome {
                seen_codes.extend(codes.iter().cloned());
            }
            if let Err(why) = outcome {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                failures.push(format!(
                    "{}: {}: {why}",
                    name.unwrap_or_default(),
                    scenario.name
                ));
            }
        }
    }
    assert!(count >= 50, "the corpus has {count} scenarios");
    // Every reason code shows up in some scenario, but the fault path, which has its own
    // tests (tests/screening.rs: a store that cannot answer fails open).
    let missing: Vec<&str> = callguard_core::ReasonCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| *c != "screening_unavailable" && !seen_codes.contains(*c))
        .collect();
    assert!(missing.is_empty(), "no scenario shows {missing:?}");
    assert!(
        failures.is_empty(),
        "{} of {count} scenarios failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
