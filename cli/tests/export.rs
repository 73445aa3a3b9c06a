//! `callguard export ios` and `export live-caller-id` end to end: the file format, deltas
//! between exported versions, the budget and split, exit codes.

use std::collections::BTreeSet;

use callguard_testkit::cli::{json_file, success, Cli};
use callguard_testkit::workdir::WorkDir;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

/// Applies an export file to a set of (number, kind, label).
fn apply(state: &mut BTreeSet<(i64, String, String)>, file: &[serde_json::Value]) {
    for line in &file[1..file.len() - 1] {
        if line["op"] == "remove_all" {
            state.clear();
            continue;
        }
        let kind = line["kind"].as_str().expect("kind").to_owned();
        let numbers = line["numbers"].as_array().expect("numbers");
        for (i, n) in numbers.iter().enumerate() {
            let n = n.as_i64().expect("number");
            let label = line["labels"][i].as_str().unwrap_or("").to_owned();
            if line["op"] == "add" {
                assert!(!state.iter().any(|(m, _, _)| *m == n), "{n} added twice");
                state.insert((n, kind.clone(), label));
            } else {
                let before = state.len();
                state.retain(|(m, k, _)| !(*m == n && *k == kind));
                assert_eq!(state.len() + 1, before, "{n} removed but not there");
            }
        }
    }
}

#[test]
fn full_exports_and_deltas_agree() {
    let dir = WorkDir::new();
    success(&CALLGUARD.run_on(&dir.db(), &["list", "add", "block", "+8150123456*"]));
    success(&CALLGUARD.run_on(
        &dir.db(),
        &["list", "add", "allow", "050-1234-5600", "--label", "Office"],
    ));
    let v1 = dir.join("v1.jsonl");
    let summary = success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "export",
            "ios",
            "--out",
            v1.to_str().expect("path"),
            "--chunk",
            "7",
        ],
    ));
    assert!(
        summary.contains("plan version 1: 100 entries (99 blocking, 1 identification)"),
        "{summary}"
    );
    let v1 = json_file(&v1);
    assert_eq!(v1[0]["format"], "callguard-ios-directory");
    assert_eq!(v1[0]["mode"], "full");
    assert_eq!(v1.last().expect("trailer")["summary"]["entries"], 100);
    let mut state = BTreeSet::new();
    apply(&mut state, &v1);
    assert_eq!(state.len(), 100);
    // Ascending per kind across the whole file.
    for kind in ["block", "identify"] {
        let numbers: Vec<i64> = v1[1..v1.len() - 1]
            .iter()
            .filter(|l| l["kind"] == kind)
            .flat_map(|l| {
                l["numbers"]
                    .as_array()
                    .expect("numbers")
                    .iter()
                    .map(|n| n.as_i64().expect("n"))
            })
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "{kind} not ascending"
        );
    }

    success(&CALLGUARD.run_on(&dir.db(), &["list", "remove", "allow", "050-1234-5600"]));
    success(&CALLGUARD.run_on(&dir.db(), &["list", "add", "block", "+81312345678"]));
    let v2 = dir.join("v2.jsonl");
    success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "export",
            "ios",
            "--since",
            "1",
            "--out",
            v2.to_str().expect("path"),
        ],
    ));
    let v2 = json_file(&v2);
    assert_eq!(
        (v2[0]["mode"].as_str(), v2[0]["base"].as_u64()),
        (Some("delta"), Some(1))
    );
    apply(&mut state, &v2);
    let full = dir.join("full.jsonl");
    success(&CALLGUARD.run_on(
        &dir.db(),
        &["export", "ios", "--out", full.to_str().expect("path")],
    ));
    let mut fresh = BTreeSet::new();
    apply(&mut fresh, &json_file(&full));
    assert_eq!(state, fresh);
    assert_eq!(fresh.len(), 101);

    // A version that is no longer stored: exit 2, with the way out.
    let out = CALLGUARD.run_on(&dir.db(), &["export", "ios", "--since", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("export a full plan"));
}

#[test]
fn budget_split_and_live_caller_id() {
    let dir = WorkDir::new();
    success(&CALLGUARD.run_on(
        &dir.db(),
        &["list", "add", "block", "+815012340000..+815012349999"],
    ));
    success(&CALLGUARD.run_on(
        &dir.db(),
        &["report", "090-1111-2222", "--category", "fraud"],
    ));
    let out = dir.join("plan.jsonl");
    let summary = success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "export",
            "ios",
            "--budget",
            "3000",
            "--extensions",
            "2",
            "--json",
            "--out",
            out.to_str().expect("path"),
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&summary).expect("json summary");
    assert_eq!(json["summary"]["entries"], 6_000);
    assert_eq!(json["summary"]["left_out"], 4_001);
    let exts = json["summary"]["extensions"]
        .as_array()
        .expect("extensions");
    assert_eq!(exts.len(), 2);
    assert!(exts.iter().all(|e| e["blocking"].as_u64() == Some(3_000)));

    let live = dir.join("live");
    let text = success(&CALLGUARD.run_on(
        &dir.db(),
        &[
            "export",
            "live-caller-id",
            "--out",
            live.to_str().expect("path"),
            "--json",
        ],
    ));
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest");
    assert_eq!(manifest["block"]["entries"], 10_001);
    let first = std::fs::read_to_string(live.join("block.jsonl")).expect("block");
    assert_eq!(first.lines().next(), Some(r#"{"number":"+815012340000"}"#));
    assert!(live.join("manifest.json").exists());
}
