//! The Live Caller ID Lookup dataset in Apple's format: the hand-written streaming encoder
//! gives prost's bytes exactly, the export decodes as `KeywordDatabase`s of the rows the plan
//! decided (a number blocked on reports is labelled too; categories mapped; the cache expiry
//! set), and people's own allow-list labels never leave the device unless asked for.
//!
//! The messages below are written from Apple's published schema (field names, numbers and
//! types): `apple.swift_homomorphic_encryption.pir.v1.KeywordDatabase` and `CallIdentity`.

use std::collections::BTreeSet;

use callguard_core::call_directory::keyword_database::{
    write_row, CallIdentity, IdentityCategory, MAX_VALUE_BYTES,
};
use callguard_core::call_directory::live::{LiveFormat, LiveManifest, LiveOptions};
use callguard_core::call_directory::PlanOptions;
use callguard_core::store::{ImportOptions, ListKind, ReportCategory, Store};
use callguard_core::{Lang, Policy, Region};
use callguard_testkit::workdir::WorkDir;
use proptest::prelude::*;
use prost::Message;

#[derive(Clone, PartialEq, prost::Message)]
struct KeywordDatabaseRow {
    #[prost(bytes = "vec", tag = "1")]
    keyword: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct KeywordDatabase {
    #[prost(message, repeated, tag = "1")]
    rows: Vec<KeywordDatabaseRow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
enum ImageFormat {
    Unspecified = 0,
    Heic = 1,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Icon {
    #[prost(enumeration = "ImageFormat", tag = "1")]
    format: i32,
    #[prost(bytes = "vec", tag = "2")]
    image: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
enum ProtoCategory {
    Unspecified = 0,
    Person = 1,
    Business = 2,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ProtoCallIdentity {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(message, optional, tag = "2")]
    icon: Option<Icon>,
    #[prost(uint32, tag = "3")]
    cache_expiry_minutes: u32,
    #[prost(enumeration = "ProtoCategory", tag = "4")]
    category: i32,
}

fn category(index: u8) -> IdentityCategory {
    match index % 3 {
        0 => IdentityCategory::Unspecified,
        1 => IdentityCategory::Person,
        _ => IdentityCategory::Business,
    }
}

proptest! {
    /// Any rows, streamed one at a time, are the bytes prost writes for the whole database.
    #[test]
    fn rows_are_prosts_bytes(rows in prop::collection::vec(
        (prop::collection::vec(any::<u8>(), 0..40), prop::collection::vec(any::<u8>(), 0..300)),
        0..20,
    )) {
        let mut ours = Vec::new();
        let mut scratch = Vec::new();
        let mut written = 0;
        for (keyword, value) in &rows {
            written += write_row(&mut ours, &mut scratch, keyword, value).expect("row");
        }
        let theirs = KeywordDatabase {
            rows: rows
                .iter()
                .map(|(keyword, value)| KeywordDatabaseRow {
                    keyword: keyword.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
        .encode_to_vec();
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(written, ours.len() as u64);
    }

    /// Any identity (names of any length and script, any expiry, each category) is the
    /// bytes prost writes.
    #[test]
    fn identities_are_prosts_bytes(name in ".{0,200}", expiry in any::<u32>(), c in 0u8..3) {
        let mut ours = Vec::new();
        CallIdentity { name: &name, cache_expiry_minutes: expiry, category: category(c) }
            .encode(&mut ours);
        let theirs = ProtoCallIdentity {
            name: name.clone(),
            icon: None,
            cache_expiry_minutes: expiry,
            category: i32::from(c),
        }
        .encode_to_vec();
        prop_assert_eq!(ours, theirs);
    }
}

/// Values near the size field's limits: a 65,535-byte value is the largest Apple's tools
/// take, and lengths that need two and three varint bytes.
#[test]
fn rows_at_the_length_boundaries() {
    for len in [127, 128, 16_383, 16_384, MAX_VALUE_BYTES] {
        let value = vec![7u8; len];
        let mut ours = Vec::new();
        write_row(&mut ours, &mut Vec::new(), b"+815012345678", &value).expect("row");
        let theirs = KeywordDatabase {
            rows: vec![KeywordDatabaseRow {
                keyword: b"+815012345678".to_vec(),
                value,
            }],
        }
        .encode_to_vec();
        assert_eq!(ours, theirs, "{len}");
    }
}

/// A store with the user's own labelled allow entry inside a blocked prefix, a number the
/// user reported (blocked), and a feed's scam (labelled) and nuisance (labelled) numbers.
fn store_with_data(dir: &WorkDir) -> Store {
    let store = Store::open(dir.db(), Region::JP).expect("open");
    store
        .add_list_entry(ListKind::Block, "+8150123000*", None, None)
        .expect("prefix");
    store
        .add_list_entry(ListKind::Allow, "050-1230-0005", Some("母の病院"), None)
        .expect("allow");
    store
        .report("090-1234-5678", ReportCategory::Scam, None)
        .expect("report");
    let feed = dir.write(
        "feed.csv",
        format!(
            "# name: police\nnumber,category,count,last_seen\n\
             +819011112222,scam,1,{t}\n+819033334444,spam,5,{t}\n+819055556666,spam,1,{t}\n",
            t = callguard_core::store::format_time(callguard_core::store::now())
        ),
    );
    store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    store
}

fn export(store: &Store, out: &std::path::Path, live: &LiveOptions) -> LiveManifest {
    let options = PlanOptions {
        lang: Lang::JA,
        ..PlanOptions::default()
    };
    store
        .export_live_caller_id(&Policy::default_policy(), &options, live, out)
        .expect("export")
}

fn database(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("database");
    KeywordDatabase::decode(&bytes[..])
        .expect("a KeywordDatabase")
        .rows
        .into_iter()
        .map(|row| (String::from_utf8(row.keyword).expect("UTF-8"), row.value))
        .collect()
}

#[test]
fn the_export_decodes_as_apples_databases() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    let out = dir.path().join("live");
    let manifest = export(&store, &out, &LiveOptions::default());
    assert_eq!(manifest.data_format, LiveFormat::Apple);

    let block = database(&out.join("block.binpb"));
    assert_eq!(block.len() as u64, manifest.block.entries);
    // The prefix's hundred numbers but the allowed one, the user's report, and a 0 row for
    // each number that is only identified.
    assert_eq!(block.len(), 99 + 1 + 2);
    let keywords: Vec<&str> = block.iter().map(|(k, _)| k.as_str()).collect();
    let unique: BTreeSet<&str> = keywords.iter().copied().collect();
    assert_eq!(unique.len(), keywords.len(), "duplicate keywords");
    assert!(keywords
        .iter()
        .all(|k| k.starts_with('+') && k[1..].bytes().all(|b| b.is_ascii_digit())));
    let value = |k: &str| block.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(value("+815012300000"), Some(vec![1]));
    assert_eq!(value("+815012300005"), None, "the allow-listed number");
    assert_eq!(value("+819012345678"), Some(vec![1]));
    assert_eq!(value("+819011112222"), Some(vec![0]));
    assert_eq!(value("+819055556666"), None, "below the warn threshold");

    let identity: Vec<(String, ProtoCallIdentity)> = database(&out.join("identity.binpb"))
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                ProtoCallIdentity::decode(&v[..]).expect("a CallIdentity"),
            )
        })
        .collect();
    assert_eq!(identity.len() as u64, manifest.identity.entries);
    let names: Vec<(&str, &str, i32, u32)> = identity
        .iter()
        .map(|(k, id)| {
            (
                k.as_str(),
                id.name.as_str(),
                id.category,
                id.cache_expiry_minutes,
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("+819011112222", "詐欺の疑い (1件)", 0, 1440),
            // Blocked, and the call history says why.
            ("+819012345678", "詐欺の疑い (1件)", 0, 1440),
            ("+819033334444", "迷惑電話 (5件)", 2, 1440),
        ]
    );
    assert!(identity.iter().all(|(_, id)| id.icon.is_none()));

    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("identity-config.json")).expect("config"))
            .expect("json");
    assert_eq!(config["inputDatabase"], "identity.binpb");
    assert_eq!(config["outputDatabase"], "identity-SHARD_ID.bin");
    assert_eq!(
        manifest.pir_configs,
        ["block-config.json", "identity-config.json"]
    );
}

/// The labels people give their allow-list entries are theirs: exported only when asked for.
/// (The export used to write `{"name":"母の病院","category":"user_label"}` into a dataset every
/// user of a lookup server is served.)
#[test]
fn user_labels_leave_only_when_asked_for() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    for format in [LiveFormat::Apple, LiveFormat::Jsonl] {
        let out = dir.path().join(format!("{format:?}"));
        let manifest = export(
            &store,
            &out,
            &LiveOptions {
                format,
                ..LiveOptions::default()
            },
        );
        assert!(!manifest.user_labels);
        assert_eq!(manifest.identity.entries, 3, "{format:?}");
        for file in std::fs::read_dir(&out).expect("dir") {
            let bytes = std::fs::read(file.expect("entry").path()).expect("file");
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("母の病院"), "{format:?}: {text}");
            assert!(!text.contains("815012300005"), "{format:?}: the number");
        }

        let asked = export(
            &store,
            &out,
            &LiveOptions {
                format,
                user_labels: true,
                ..LiveOptions::default()
            },
        );
        assert_eq!(asked.identity.entries, 4, "{format:?}");
        let identity = std::fs::read(out.join(asked.identity.file)).expect("identity");
        assert!(String::from_utf8_lossy(&identity).contains("母の病院"));
    }
}

/// A cache expiry of 0 leaves the field out (the system decides), as protobuf does.
#[test]
fn no_cache_expiry_is_no_field() {
    let dir = WorkDir::new();
    let store = store_with_data(&dir);
    let out = dir.path().join("live");
    export(
        &store,
        &out,
        &LiveOptions {
            cache_expiry_minutes: 0,
            ..LiveOptions::default()
        },
    );
    let identities = database(&out.join("identity.binpb"));
    assert_eq!(identities.len(), 3);
    for (_, value) in identities {
        let identity = ProtoCallIdentity::decode(&value[..]).expect("identity");
        assert_eq!(identity.cache_expiry_minutes, 0);
        // The name's field, and the category's when it is not the default: nothing else.
        let category = if identity.category == 0 { 0 } else { 2 };
        assert_eq!(value.len(), 2 + identity.name.len() + category, "{value:?}");
    }
}
