//! The store's commands end to end: exit codes, messages, JSON output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("store_cli_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn callguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callguard"))
        .args(args)
        .arg("--db")
        .arg(dir.join("callguard.db"))
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("run callguard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn lists_reports_and_stats() {
    let dir = workdir("lists");
    let out = callguard(
        &dir,
        &[
            "list",
            "add",
            "block",
            "050-1234-5678",
            "--label",
            "fake police",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "block list: +815012345678");
    let out = callguard(&dir, &["list", "add", "allow", "+8190*"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["list", "show", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(entries[0]["pattern"], "+815012345678");
    assert_eq!(entries[0]["label"], "fake police");
    assert_eq!(entries[1]["list"], "allow");

    let out = callguard(&dir, &["report", "110", "--category", "scam"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("can never be blocked or reported"));
    let out = callguard(
        &dir,
        &[
            "report",
            "03-1234-5678",
            "--category",
            "scam",
            "--note",
            "ministry",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["reports", "export"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["reports"][0]["number"], "+81312345678");
    assert_eq!(doc["reports"][0]["note"], "ministry");

    let out = callguard(&dir, &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(stats["block_entries"], 1);
    assert_eq!(stats["allow_entries"], 1);
    assert_eq!(stats["user_reports"], 1);

    let out = callguard(&dir, &["list", "remove", "block", "+815012345678"]);
    assert!(out.status.success());
    let out = callguard(&dir, &["list", "remove", "block", "+815012345678"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn import_summaries_and_errors() {
    let dir = workdir("import");
    let feed = dir.join("police.csv");
    std::fs::write(
        &feed,
        "# name: police\n# version: 1\nnumber,category,count\n+815012345678,scam,2\n\
         +819011112222,fraud,1\n",
    )
    .expect("write");
    let out = callguard(&dir, &["import", feed.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("rows read 2, imported 2"), "{summary}");
    // Piped: no progress bar on stderr.
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = callguard(&dir, &["import", feed.to_str().expect("utf-8")]);
    assert!(text(&out.stdout).contains("already imported"));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "# name: bad\nnumber,category\n+815012345678,scam\n+81,scam\n",
    )
    .expect("write");
    let out = callguard(&dir, &["import", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.csv: line 4: number \"+81\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = callguard(
        &dir,
        &[
            "import",
            "--skip-invalid",
            "--json",
            bad.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (json["imported"].as_u64(), json["skipped"].as_u64()),
        (Some(1), Some(1))
    );

    let out = callguard(
        &dir,
        &["import", dir.join("missing.csv").to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.csv"));
    let out = callguard(
        &dir,
        &["import", "--format", "xml", feed.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));

    let out = callguard(&dir, &["feed", "list", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(feeds.as_array().map(Vec::len), Some(2));
    let out = callguard(&dir, &["feed", "remove", "police"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn import_with_a_signed_manifest() {
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    use sha2::Digest as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let dir = workdir("manifest");
    let feed = dir.join("police.csv");
    let body = "# name: police\nnumber,category\n+815012345678,scam\n";
    std::fs::write(&feed, body).expect("write");
    let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
    let public = dir.join("police.pub");
    std::fs::write(&public, b64(key.verifying_key().as_bytes())).expect("key");
    let sha: String = sha2::Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = dir.join("police-7.json");
    let write_manifest = |version: u64| {
        let text = format!(
            r#"{{"manifest": "callguard-feed-manifest/1", "name": "police", "version": {version}, "sha256": "{sha}"}}"#
        );
        std::fs::write(&manifest, &text).expect("manifest");
        std::fs::write(
            dir.join("police-7.json.sig"),
            b64(&key.sign(text.as_bytes()).to_bytes()),
        )
        .expect("sig");
    };
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "--key",
            public.to_str().expect("utf-8"),
            "--manifest",
            manifest.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        args.push(feed.to_str().expect("utf-8"));
        callguard(&dir, &args)
    };

    // Tampered after signing: exit 2, one line naming the manifest, nothing imported.
    write_manifest(7);
    let signed = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(
        &manifest,
        signed.replace("\"version\": 7", "\"version\": 8"),
    )
    .expect("edit");
    let out = import(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("police-7.json: the manifest's signature"),
        "{err}"
    );
    // Nothing imported, not even a database created for it.
    assert!(!dir.join("callguard.db").exists());

    write_manifest(7);
    let out = import(&["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (json["version"].as_u64(), json["signed"].as_bool()),
        (Some(7), Some(true))
    );
}
