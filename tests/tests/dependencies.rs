//! What may enter the dependency tree: `deny.toml` at the root, enforced on every test run.
//!
//! cargo-deny reads the same file where it is installed; this test needs only `cargo metadata`,
//! so the rules hold on any machine that runs the suite. It walks every crate that a build of the
//! workspace resolves (normal, dev and build dependencies, every platform) and checks:
//! - **bans**: nothing leaves the device, so no crate on the deny list (network clients, sockets,
//!   TLS, DNS) appears anywhere;
//! - **licences**: every crate's licence expression is satisfied by the allowed licences;
//! - **sources**: every crate comes from crates.io or from this repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct DenyToml {
    licenses: Licenses,
    bans: Bans,
    sources: Sources,
}

#[derive(Deserialize)]
struct Licenses {
    allow: Vec<String>,
}

#[derive(Deserialize)]
struct Bans {
    deny: Vec<Ban>,
}

#[derive(Deserialize)]
struct Ban {
    #[serde(rename = "crate")]
    name: String,
    reason: String,
}

#[derive(Deserialize)]
struct Sources {
    #[serde(rename = "allow-registry")]
    allow_registry: Vec<String>,
    #[serde(rename = "allow-git", default)]
    allow_git: Vec<String>,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

fn deny_toml() -> DenyToml {
    let path = workspace_root().join("deny.toml");
    let text = std::fs::read_to_string(&path).expect("deny.toml at the workspace root");
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One crate of the resolved tree.
struct Package {
    name: String,
    version: String,
    license: Option<String>,
    source: Option<String>,
}

/// Every package `cargo metadata` resolves for the workspace (all targets, all platforms).
fn resolved_packages() -> Vec<Package> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let resolved: BTreeSet<&str> = meta["resolve"]["nodes"]
        .as_array()
        .expect("a resolved graph")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let packages: Vec<Package> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| resolved.contains(id)))
        .map(|p| Package {
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            version: p["version"].as_str().unwrap_or_default().to_owned(),
            license: p["license"].as_str().map(str::to_owned),
            source: p["source"].as_str().map(str::to_owned),
        })
        .collect();
    // The walk must have seen the real tree, or every check below passes vacuously.
    for expected in ["callguard-core", "rusqlite", "uniffi", "criterion"] {
        assert!(
            packages.iter().any(|p| p.name == expected),
            "{expected} missing from the resolved tree"
        );
    }
    packages
}

#[test]
fn no_banned_crate_is_in_the_tree() {
    let deny = deny_toml();
    assert!(
        deny.bans.deny.iter().any(|b| b.name == "reqwest"),
        "deny.toml bans network clients"
    );
    let banned: BTreeMap<&str, &str> = deny
        .bans
        .deny
        .iter()
        .map(|b| (b.name.as_str(), b.reason.as_str()))
        .collect();
    let found: Vec<String> = resolved_packages()
        .iter()
        .filter_map(|p| {
            banned
                .get(p.name.as_str())
                .map(|why| format!("{} {} ({why})", p.name, p.version))
        })
        .collect();
    assert!(
        found.is_empty(),
        "banned crates in the dependency tree (deny.toml [bans]): {found:#?}"
    );
}

/// Whether a crate's licence expression is satisfied by the allowed licences. Crates.io still
/// carries old spellings (`MIT/Apache-2.0`), which the lax mode reads as cargo-deny does.
fn licence_allowed(expression: &str, allowed: &BTreeSet<&str>) -> Result<bool, String> {
    let parsed = spdx::Expression::parse_mode(expression, spdx::ParseMode::LAX)
        .map_err(|e| format!("unparseable licence {expression:?}: {e}"))?;
    Ok(parsed.evaluate(|req| allowed.contains(req.to_string().as_str())))
}

#[test]
fn every_crate_has_an_allowed_licence() {
    let deny = deny_toml();
    let allowed: BTreeSet<&str> = deny.licenses.allow.iter().map(String::as_str).collect();
    let mut refused = Vec::new();
    for package in resolved_packages() {
        let verdict = match &package.license {
            None => Err("no licence expression".to_owned()),
            Some(expression) => licence_allowed(expression, &allowed),
        };
        match verdict {
            Ok(true) => {}
            Ok(false) => refused.push(format!(
                "{} {}: {}",
                package.name,
                package.version,
                package.license.as_deref().unwrap_or_default()
            )),
            Err(why) => refused.push(format!("{} {}: {why}", package.name, package.version)),
        }
    }
    assert!(
        refused.is_empty(),
        "crates whose licence deny.toml does not allow: {refused:#?}"
    );
}

#[test]
fn the_licence_check_refuses_what_is_not_allowed() {
    let allowed: BTreeSet<&str> = ["MIT", "Apache-2.0"].into_iter().collect();
    assert_eq!(licence_allowed("MIT OR Apache-2.0", &allowed), Ok(true));
    assert_eq!(licence_allowed("MIT/Apache-2.0", &allowed), Ok(true));
    assert_eq!(licence_allowed("GPL-3.0-only", &allowed), Ok(false));
    assert_eq!(licence_allowed("MIT AND GPL-3.0-only", &allowed), Ok(false));
    assert!(licence_allowed("not a licence ((", &allowed).is_err());
}

#[test]
fn every_crate_comes_from_crates_io_or_this_repository() {
    let deny = deny_toml();
    let registries: BTreeSet<String> = deny
        .sources
        .allow_registry
        .iter()
        .map(|r| format!("registry+{r}"))
        .collect();
    let foreign: Vec<String> = resolved_packages()
        .iter()
        .filter_map(|p| {
            let source = p.source.as_deref()?; // None: a path crate of this workspace
            let allowed = registries.contains(source)
                || (source.starts_with("git+")
                    && deny.sources.allow_git.iter().any(|g| source.contains(g)));
            (!allowed).then(|| format!("{} {} from {source}", p.name, p.version))
        })
        .collect();
    assert!(
        foreign.is_empty(),
        "crates from sources deny.toml does not allow: {foreign:#?}"
    );
}
