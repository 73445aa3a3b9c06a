//! The Rust scanner gives the prototype's answers (eval/prototype, DESIGN.md) on every item of
//! the corpus's development part: the same level, score, verdict score and families.
//!
//! The expected answers are the prototype's, run on the data the scanner embeds
//! (core/rules/script/) by `python3 eval/prototype/parity.py`, which writes
//! eval/prototype/parity-dev.jsonl; rerun it after changing the data. Only dev items are
//! compared: the test part stays for measuring.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use callguard_core::claims::script::ScriptScanner;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    id: String,
    split: String,
    text: String,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Expected {
    id: String,
    level: String,
    score: u8,
    verdict_score: u8,
    families: BTreeSet<String>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn lines(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join(path)).expect(path);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn rust_and_the_prototype_agree_on_every_dev_item() {
    let expected: BTreeMap<String, Expected> = lines("eval/prototype/parity-dev.jsonl")
        .iter()
        .map(|l| serde_json::from_str::<Expected>(l).expect("parity line"))
        .map(|e| (e.id.clone(), e))
        .collect();
    let items: Vec<Item> = lines("eval/corpus/calls.jsonl")
        .iter()
        .map(|l| serde_json::from_str::<Item>(l).expect("corpus line"))
        .filter(|i| i.split == "dev")
        .collect();
    assert_eq!(
        items.len(),
        expected.len(),
        "eval/prototype/parity-dev.jsonl is out of date: python3 eval/prototype/parity.py"
    );
    let scanner = ScriptScanner::embedded();
    let mut differ = Vec::new();
    for item in &items {
        let want = expected
            .get(&item.id)
            .expect("every dev item has an answer");
        let r = scanner.scan(&item.text);
        let got = Expected {
            id: item.id.clone(),
            level: r.level.as_str().to_owned(),
            score: r.score,
            verdict_score: r.verdict_score,
            families: r.families.iter().map(|f| f.family.clone()).collect(),
        };
        if &got != want {
            differ.push(format!(
                "{}:\n  prototype {want:?}\n  rust      {got:?}",
                item.id
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} dev items differ:\n{}",
        differ.len(),
        items.len(),
        differ.join("\n")
    );
}
