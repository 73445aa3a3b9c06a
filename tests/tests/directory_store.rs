//! The iOS directory through the store: plans from real lists and reports, stored versions,
//! the delivery protocol (full, delta, reset) replayed on the model of iOS's store, and the
//! Live Caller ID export.

use std::collections::BTreeMap;
use std::io::BufRead;

use callguard_core::call_directory::DirectoryLoadMode;
use callguard_core::call_directory::{PlanOptions, DEFAULT_CHUNK};
use callguard_core::store::{ImportOptions, ListKind, Store};
use callguard_core::{Classifier, Lang, Policy, Region, E164};
use callguard_testkit::ios::IosModel;
use callguard_testkit::workdir::WorkDir;

fn options() -> PlanOptions {
    PlanOptions {
        lang: Lang::JA,
        ..PlanOptions::default()
    }
}

fn store_with_data(dir: &WorkDir) -> Store {
    let store = Store::open(dir.db(), Region::JP).expect("open");
    store
        .add_list_entry(ListKind::Block, "+8150123*", None, None)
        .expect("prefix");
    store
        .add_list_entry(ListKind::Allow, "050-1230-0005", Some("歯医者"), None)
        .expect("allow");
    store
        .add_list_entry(ListKind::Allow, "050-1230-0006", None, None)
        .expect("allow");
    store
        .report(
            "090-1234-5678",
            callguard_core::store::ReportCategory::Scam,
            None,
        )
        .expect("report");
    let feed = dir.path().join("feed.csv");
    std::fs::write(
        &feed,
        format!(
            "# name: police\nnumber,category,count,last_seen\n\
             +819011112222,scam,1,{t}\n+819033334444,spam,5,{t}\n+819055556666,spam,1,{t}\n",
            t = callguard_core::store::format_time(callguard_core::store::now())
        ),
    )
    .expect("feed");
    store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    store
}

/// Runs one request against the model the way the extension does.
fn deliver(store: &Store, model: &mut IosModel, incremental: bool) -> DirectoryLoadMode {
    let version = store.begin_directory_load(0).expect("begin");
    let load = store.directory_load(0, incremental).expect("load");
    assert_eq!(load.version, version);
    let mut request = model.request(incremental);
    for chunk in store.directory_chunks(&load, 1_000).expect("chunks") {
        request.apply(&chunk.expect("chunk")).expect("iOS accepts");
    }
    request.complete();
    store
        .finish_directory_load(0, version, true)
        .expect("finish");
    load.mode
}

fn full(store: &Store) -> IosModel {
    let mut model = IosModel::new(1_000_000);
    let version = store.latest_directory_version().expect("v").unwrap_or(0);
    let load = callguard_core::call_directory::DirectoryLoad {
        extension: 0,
        version,
        base: None,
        mode: DirectoryLoadMode::Full,
    };
    let mut request = model.request(false);
    for chunk in store
        .directory_chunks(&load, DEFAULT_CHUNK)
        .expect("chunks")
    {
        request.apply(&chunk.expect("chunk")).expect("iOS accepts");
    }
    request.complete();
    model
}

#[test]
fn a_plan_from_lists_and_reports() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    // 050-123x-xxxx: Japanese IP phone numbers have 12 digits in E.164, nothing else.
    assert_eq!(store.prefix_lengths(8_150_123, 7), vec![12]);
    let policy = Policy::default_policy();
    let summary = store.plan_directory(&policy, &options()).expect("plan");
    assert_eq!(summary.version, 1);
    let model = full(&store);
    let d = &model.current;
    // The prefix, minus the two allow-listed numbers, plus the user's scam report.
    assert_eq!(d.blocking.len(), 100_000 - 2 + 1);
    assert!(d.blocking.contains(&815_012_300_000));
    assert!(d.blocking.contains(&815_012_399_999));
    assert!(!d.blocking.contains(&815_012_300_005));
    assert!(!d.blocking.contains(&815_012_300_006));
    assert!(d.blocking.contains(&819_012_345_678));
    let labels: BTreeMap<i64, &str> = d
        .identification
        .iter()
        .map(|(n, l)| (*n, l.as_str()))
        .collect();
    assert_eq!(
        labels,
        BTreeMap::from([
            (815_012_300_005, "歯医者"),
            (819_011_112_222, "詐欺の疑い (1件)"),
            (819_033_334_444, "迷惑電話 (5件)"),
        ])
    );
    assert_eq!(
        summary.entries,
        (d.blocking.len() + d.identification.len()) as u64
    );
    assert_eq!(summary.left_out, 0);
    // Nothing planned is an emergency or special number.
    let classifier = Classifier::new(Region::JP);
    for &n in d.blocking.iter().step_by(97) {
        let n = E164::from_u64(n as u64).expect("e164");
        assert!(!classifier.classify_e164(n).kind.is_protected());
    }
}

#[test]
fn deliveries_full_delta_and_reset_end_equal_to_a_full_reload() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    let policy = Policy::preset("elderly").expect("elderly");
    let mut system = IosModel::new(1_000_000);

    store.plan_directory(&policy, &options()).expect("v1");
    assert_eq!(deliver(&store, &mut system, false), DirectoryLoadMode::Full);
    assert_eq!(system.current, full(&store).current);

    // The lists change: a delta from version 1.
    store
        .remove_list_entry(ListKind::Allow, "050-1230-0005")
        .expect("remove");
    store
        .add_list_entry(ListKind::Block, "+819099990000..+819099990099", None, None)
        .expect("range");
    store
        .add_list_entry(ListKind::Allow, "+819011112222", Some("Friend"), None)
        .expect("allow");
    let v2 = store.plan_directory(&policy, &options()).expect("v2");
    assert_eq!(v2.version, 2);
    let load = store.directory_load(0, true).expect("load");
    assert_eq!(
        (load.mode, load.base, load.version),
        (DirectoryLoadMode::Delta, Some(1), 2)
    );
    assert_eq!(deliver(&store, &mut system, true), DirectoryLoadMode::Delta);
    assert_eq!(system.current, full(&store).current);
    assert_eq!(
        system
            .current
            .identification
            .get(&819_011_112_222)
            .map(String::as_str),
        Some("Friend")
    );

    // Version 1 is no longer held by anyone: it is gone.
    let err = store
        .directory_delta(0, Some(1), 2, 100)
        .err()
        .expect("gone");
    assert!(err.to_string().contains("version 1 is not stored"), "{err}");

    // A failed load: what the system holds is unknown, and the next incremental load resets.
    store
        .add_list_entry(ListKind::Block, "+81312345678", None, None)
        .expect("add");
    let v3 = store.plan_directory(&policy, &options()).expect("v3");
    let version = store.begin_directory_load(0).expect("begin");
    assert_eq!(version, v3.version);
    store
        .finish_directory_load(0, version, false)
        .expect("failed");
    assert_eq!(
        store.directory_load(0, true).expect("load").mode,
        DirectoryLoadMode::Reset
    );
    assert_eq!(deliver(&store, &mut system, true), DirectoryLoadMode::Reset);
    assert_eq!(system.current, full(&store).current);
    // Nothing changed since: an incremental load is an empty delta.
    let load = store.directory_load(0, true).expect("load");
    assert_eq!(
        (load.mode, load.base),
        (DirectoryLoadMode::Delta, Some(v3.version))
    );
    assert_eq!(
        store.directory_chunks(&load, 100).expect("chunks").count(),
        0
    );
}

#[test]
fn the_extension_reads_with_a_read_only_store() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    store
        .plan_directory(&Policy::default_policy(), &options())
        .expect("plan");
    let reader = Store::open_with(
        dir.db(),
        callguard_core::store::StoreOptions {
            read_only: true,
            ..Default::default()
        },
    )
    .expect("read-only");
    let load = reader.directory_load(0, false).expect("load");
    let entries: usize = reader
        .directory_chunks(&load, 4096)
        .expect("chunks")
        .map(|c| c.expect("chunk").len())
        .sum();
    assert_eq!(entries, 100_000 - 2 + 1 + 3);
    assert!(reader.begin_directory_load(0).is_err());
}

#[test]
fn the_live_caller_id_dataset() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    let out = dir.path().join("live");
    let manifest = store
        .export_live_caller_id(&Policy::default_policy(), &options(), &out)
        .expect("export");
    assert_eq!(manifest.block.entries, 100_000 - 2 + 1);
    assert_eq!(manifest.identity.entries, 3);
    let lines = |name: &str| -> Vec<serde_json::Value> {
        let file = std::fs::File::open(out.join(name)).expect("file");
        std::io::BufReader::new(file)
            .lines()
            .map(|l| serde_json::from_str(&l.expect("line")).expect("json"))
            .collect()
    };
    let block = lines("block.jsonl");
    assert_eq!(block.len() as u64, manifest.block.entries);
    assert_eq!(block[0]["number"], "+815012300000");
    let identity = lines("identity.jsonl");
    assert_eq!(identity[0]["number"], "+815012300005");
    assert_eq!(identity[0]["name"], "歯医者");
    assert_eq!(identity[0]["category"], "user_label");
    assert_eq!(identity[1]["category"], "suspected_scam");
    assert_eq!(identity[2]["category"], "nuisance");
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["format"], "callguard-live-caller-id");
    assert_eq!(json["identity"]["entries"], 3);
    assert_eq!(json["block"]["sha256"].as_str().map(str::len), Some(64));
}

/// The Live Caller ID dataset: two exports in one second get two versions (the version was
/// the second of the export), a link planted where a dataset file goes is refused and not
/// written through (File::create followed it), and neither leaves a temporary file behind.
#[cfg(unix)]
#[test]
fn live_caller_id_exports_are_versioned_and_never_follow_links() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    let out = dir.path().join("live");
    let policy = Policy::default_policy();
    let first = store
        .export_live_caller_id(&policy, &options(), &out)
        .expect("first");
    let second = store
        .export_live_caller_id(&policy, &options(), &out)
        .expect("second");
    assert!(
        second.version > first.version,
        "{} {}",
        first.version,
        second.version
    );

    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep").expect("victim");
    std::fs::remove_file(out.join("identity.jsonl")).expect("remove");
    std::os::unix::fs::symlink(&victim, out.join("identity.jsonl")).expect("link");
    let err = store
        .export_live_caller_id(&policy, &options(), &out)
        .expect_err("a link is refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["block.jsonl", "identity.jsonl", "manifest.json"]);
}
