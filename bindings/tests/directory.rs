//! The iOS Call Directory surface from Rust: the app plans and records deliveries through
//! `CallGuard`, the extension reads through a second, read-only `DirectoryReader`. The planner
//! and the delta themselves are tested in the core (tests/tests/directory_store.rs).

use std::collections::BTreeMap;

use callguard_ffi::Lang;
use callguard_ffi::{
    CallGuard, CallGuardError, DirectoryChunks, DirectoryLoad, DirectoryLoadMode, DirectoryReader,
    ListKind, ReportCategory,
};
use callguard_testkit::ios::IosModel;
use callguard_testkit::workdir::WorkDir;

/// 050-1234-xxxx: 10,000 Japanese IP-phone numbers of 12 digits.
const PREFIX: &str = "+81501234*";
const FIRST: i64 = 815_012_340_000;
const DENTIST: i64 = 815_012_340_005;
const REPORTED: i64 = 819_012_345_678;

fn guard(dir: &WorkDir) -> (std::sync::Arc<CallGuard>, String) {
    let path = dir.db().display().to_string();
    let guard = CallGuard::new(Some(path.clone()), "JP".into(), "balanced".into()).expect("guard");
    guard
        .add_list_entry(ListKind::Block, PREFIX.into(), None, None)
        .expect("prefix");
    guard
        .add_list_entry(
            ListKind::Allow,
            "050-1234-0005".into(),
            Some("歯医者".into()),
            None,
        )
        .expect("allow");
    guard
        .report("090-1234-5678".into(), ReportCategory::Scam, None)
        .expect("report");
    (guard, path)
}

/// Replays every chunk in one request against the model of what iOS keeps for the
/// extension, checking what iOS demands (each list strictly ascending across chunks, no
/// duplicates, removals only of what is held and only in an incremental request), and that the
/// chunks are as the extension expects them. Returns how many chunks there were.
fn apply_all(chunks: &DirectoryChunks, system: &mut IosModel, incremental: bool) -> usize {
    let mut request = system.request(incremental);
    let mut count = 0;
    while let Some(chunk) = chunks.next_chunk().expect("chunk") {
        count += 1;
        assert!(chunk.add_blocking.len() + chunk.add_identification.len() <= 4096);
        assert!(
            !chunk.remove_all || count == 1,
            "remove all only in the first chunk"
        );
        assert_eq!(chunk.add_identification.len(), chunk.labels.len());
        let chunk = callguard_core::call_directory::DirectoryChunk {
            remove_all: chunk.remove_all,
            remove_blocking: chunk.remove_blocking,
            remove_identification: chunk.remove_identification,
            add_blocking: chunk.add_blocking,
            add_identification: chunk.add_identification,
            labels: chunk.labels,
        };
        request.apply(&chunk).expect("a chunk iOS accepts");
    }
    request.complete();
    assert!(chunks.next_chunk().expect("after the end").is_none());
    count
}

#[test]
fn the_objects_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<DirectoryReader>();
    assert_send_sync::<DirectoryChunks>();
}

#[test]
fn plan_load_read_and_deliver_then_a_delta_then_a_reset() {
    let dir = WorkDir::new();
    let (guard, path) = guard(&dir);
    let summary = guard.plan_directory(1_000_000, 1, Lang::JA).expect("plan");
    assert_eq!(summary.version, 1);
    assert_eq!(summary.blocking, 10_000 - 1 + 1);
    assert_eq!(summary.identification, 1);
    assert_eq!(summary.entries, 10_001);
    assert_eq!(
        (summary.left_out, summary.budget, summary.extensions),
        (0, 1_000_000, 1)
    );
    assert!(summary.summary_json.contains("\"version\":1"));

    let version = guard.begin_directory_load(0).expect("begin");
    assert_eq!(version, 1);

    // The extension: its own read-only object on the same file.
    let reader = DirectoryReader::open(path.clone()).expect("reader");
    let load = reader.load(0, false).expect("load");
    assert_eq!(
        load,
        DirectoryLoad {
            extension: 0,
            version: 1,
            base: None,
            mode: DirectoryLoadMode::Full
        }
    );
    let mut system = IosModel::new(1_000_000);
    let chunks = apply_all(
        &reader.chunks(load, 4096).expect("chunks"),
        &mut system,
        false,
    );
    assert_eq!(chunks, 3);
    assert_eq!(system.current.blocking.len(), 10_000);
    assert_eq!(system.current.blocking.first(), Some(&FIRST));
    assert!(!system.current.blocking.contains(&DENTIST));
    assert!(system.current.blocking.contains(&REPORTED));
    assert_eq!(
        system.current.identification,
        BTreeMap::from([(DENTIST, "歯医者".to_owned())])
    );
    guard
        .finish_directory_load(0, version, true)
        .expect("finish");

    // A change: the dentist leaves the allow list, so the prefix blocks the number.
    assert!(guard
        .remove_list_entry(ListKind::Allow, "050-1234-0005".into())
        .expect("remove"));
    assert_eq!(
        guard
            .plan_directory(1_000_000, 1, Lang::EN)
            .expect("plan")
            .version,
        2
    );
    let version = guard.begin_directory_load(0).expect("begin");
    let load = reader.load(0, true).expect("load");
    assert_eq!(
        (load.mode, load.base, load.version),
        (DirectoryLoadMode::Delta, Some(1), 2)
    );
    let chunks = reader.chunks(load, 4096).expect("chunks");
    let first = chunks.next_chunk().expect("chunk").expect("a change");
    assert!(!first.remove_all);
    assert_eq!(first.remove_identification, vec![DENTIST]);
    assert_eq!(first.add_blocking, vec![DENTIST]);
    assert!(first.remove_blocking.is_empty() && first.add_identification.is_empty());
    assert!(chunks.next_chunk().expect("end").is_none());
    // iOS failed: what it holds is unknown, so the next incremental load resets.
    guard
        .finish_directory_load(0, version, false)
        .expect("finish");
    let load = reader.load(0, true).expect("load");
    assert_eq!((load.mode, load.base), (DirectoryLoadMode::Reset, None));
    // What iOS held is unknown: something stale, gone after the reset.
    let mut system = IosModel::new(1_000_000);
    system.current.blocking.insert(1_234_567);
    apply_all(
        &reader.chunks(load, 1000).expect("chunks"),
        &mut system,
        true,
    );
    assert_eq!(system.current.blocking.len(), 10_001);
    assert!(!system.current.blocking.contains(&1_234_567));
    assert!(system.current.identification.is_empty());
}

#[test]
fn bad_arguments_and_missing_databases_are_errors() {
    let dir = WorkDir::new();
    let (guard, path) = guard(&dir);
    for (budget, extensions) in [(0, 1), (10, 0), (10, 65)] {
        let err = guard
            .plan_directory(budget, extensions, Lang::JA)
            .expect_err("bad argument");
        assert!(
            matches!(err, CallGuardError::InvalidInput { .. }),
            "{err:?}"
        );
    }
    let reader = DirectoryReader::open(path).expect("reader");
    let load = reader.load(0, true).expect("load with no plan");
    assert_eq!((load.version, load.mode), (0, DirectoryLoadMode::Reset));
    let chunks = reader.chunks(load, 4096).expect("chunks");
    let only = chunks.next_chunk().expect("chunk").expect("remove all");
    assert!(only.remove_all && only.add_blocking.is_empty());
    assert!(chunks.next_chunk().expect("end").is_none());
    assert!(matches!(
        reader.chunks(load, 0),
        Err(CallGuardError::InvalidInput { .. })
    ));
    let forged = DirectoryLoad {
        mode: DirectoryLoadMode::Delta,
        base: None,
        ..load
    };
    assert!(matches!(
        reader.chunks(forged, 10),
        Err(CallGuardError::InvalidInput { .. })
    ));

    let missing = dir.path().join("nothing.db").display().to_string();
    let err = DirectoryReader::open(missing).expect_err("missing");
    assert!(
        matches!(&err, CallGuardError::InvalidInput { reason } if reason.contains("nothing.db"))
    );
    let memory = CallGuard::new(None, "JP".into(), "balanced".into()).expect("guard");
    assert!(matches!(
        memory.plan_directory(10, 1, Lang::JA),
        Err(CallGuardError::Database { .. })
    ));
    assert!(matches!(
        memory.begin_directory_load(0),
        Err(CallGuardError::Database { .. })
    ));
}

#[test]
fn the_live_caller_id_dataset_and_its_manifest() {
    let dir = WorkDir::new();
    let (guard, _) = guard(&dir);
    let out = dir.path().join("live");
    let manifest = guard
        .export_live_caller_id(out.display().to_string(), Lang::EN)
        .expect("export");
    assert!(manifest.contains("callguard-live-caller-id"), "{manifest}");
    let block = std::fs::read_to_string(out.join("block.jsonl")).expect("block");
    assert_eq!(block.lines().count(), 10_000);
    assert!(block.contains("\"+819012345678\""));
    let identity = std::fs::read_to_string(out.join("identity.jsonl")).expect("identity");
    assert!(identity.contains("歯医者"), "{identity}");
    // A language callguard does not speak never gets this far: the foreign string is lifted
    // into English (the Python tests check that).
    assert!("xx".parse::<Lang>().is_err());
}
