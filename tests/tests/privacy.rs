//! Nothing leaves the device: the core's dependency tree holds no network client.
//!
//! Reads `cargo metadata` and walks callguard-core's normal (non-dev, non-build) dependencies.
//! A crate on the list below appearing there fails the build: whoever adds it must move the
//! network work out of the core (feeds arrive as files; reports leave as an export).

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// Crates that open sockets or speak network protocols.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "h2",
    "h3",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "tokio",
    "async-std",
    "smol",
    "mio",
    "socket2",
    "tungstenite",
    "quinn",
    "rustls",
    "native-tls",
    "openssl",
    "openssl-sys",
    "trust-dns-resolver",
    "hickory-resolver",
    "tonic",
    "awc",
    "actix-web",
    "axum",
    "warp",
    "libp2p",
];

#[test]
fn the_core_has_no_network_client() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");

    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve")
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let core = names
        .iter()
        .find(|(_, name)| **name == "callguard-core")
        .map(|(id, _)| *id)
        .expect("callguard-core in the workspace");

    let mut seen = BTreeSet::new();
    let mut todo = vec![core];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if normal {
                if let Some(pkg) = dep["pkg"].as_str() {
                    todo.push(pkg);
                }
            }
        }
    }
    let tree: BTreeSet<&str> = seen.iter().map(|id| names[id]).collect();
    assert!(
        tree.contains("rusqlite"),
        "the walk found the core's own dependencies: {tree:?}"
    );
    let network: Vec<&&str> = NETWORK_CRATES
        .iter()
        .filter(|c| tree.contains(**c))
        .collect();
    assert!(
        network.is_empty(),
        "callguard-core depends on network crates {network:?}; the core must not touch the network"
    );
}
