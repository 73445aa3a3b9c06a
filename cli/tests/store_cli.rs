//! The store's commands end to end: exit codes, messages, JSON output.

use callguard_testkit::cli::{text, Cli};
use callguard_testkit::feeds::{public_key_file, sha256_hex, sign};
use callguard_testkit::workdir::WorkDir;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

#[test]
fn lists_reports_and_stats() {
    let dir = WorkDir::new();
    let out = CALLGUARD.run_on(
        &dir.db(),
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
    let out = CALLGUARD.run_on(&dir.db(), &["list", "add", "allow", "+8190*"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = CALLGUARD.run_on(&dir.db(), &["list", "show", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(entries[0]["pattern"], "+815012345678");
    assert_eq!(entries[0]["label"], "fake police");
    assert_eq!(entries[1]["list"], "allow");

    let out = CALLGUARD.run_on(&dir.db(), &["report", "110", "--category", "scam"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("can never be blocked or reported"));
    let out = CALLGUARD.run_on(
        &dir.db(),
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
    let out = CALLGUARD.run_on(&dir.db(), &["reports", "export"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["reports"][0]["number"], "+81312345678");
    assert_eq!(doc["reports"][0]["note"], "ministry");

    let out = CALLGUARD.run_on(&dir.db(), &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(stats["block_entries"], 1);
    assert_eq!(stats["allow_entries"], 1);
    assert_eq!(stats["user_reports"], 1);

    let out = CALLGUARD.run_on(&dir.db(), &["list", "remove", "block", "+815012345678"]);
    assert!(out.status.success());
    let out = CALLGUARD.run_on(&dir.db(), &["list", "remove", "block", "+815012345678"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn import_summaries_and_errors() {
    let dir = WorkDir::new();
    let feed = dir.write(
        "police.csv",
        "# name: police\n# version: 1\nnumber,category,count\n+815012345678,scam,2\n\
         +819011112222,fraud,1\n",
    );
    let out = CALLGUARD.run_on(&dir.db(), &["import", feed.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("rows read 2, imported 2"), "{summary}");
    // Piped: no progress bar on stderr.
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = CALLGUARD.run_on(&dir.db(), &["import", feed.to_str().expect("utf-8")]);
    assert!(text(&out.stdout).contains("already imported"));

    let bad = dir.write(
        "bad.csv",
        "# name: bad\nnumber,category\n+815012345678,scam\n+81,scam\n",
    );
    let out = CALLGUARD.run_on(&dir.db(), &["import", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.csv: line 4: number \"+81\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = CALLGUARD.run_on(
        &dir.db(),
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

    let out = CALLGUARD.run_on(
        &dir.db(),
        &["import", dir.join("missing.csv").to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.csv"));
    let out = CALLGUARD.run_on(
        &dir.db(),
        &["import", "--format", "xml", feed.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2));

    let out = CALLGUARD.run_on(&dir.db(), &["feed", "list", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(feeds.as_array().map(Vec::len), Some(2));
    let out = CALLGUARD.run_on(&dir.db(), &["feed", "remove", "police"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn import_with_a_signed_manifest() {
    let dir = WorkDir::new();
    let body = "# name: police\nnumber,category\n+815012345678,scam\n";
    let feed = dir.write("police.csv", body);
    let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
    let public = public_key_file(dir.path(), "police.pub", &key);
    let sha = sha256_hex(body.as_bytes());
    let write_manifest = |version: u64| {
        let manifest = dir.write(
            "police-7.json",
            format!(
                r#"{{"manifest": "callguard-feed-manifest/1", "name": "police", "version": {version}, "sha256": "{sha}"}}"#
            ),
        );
        sign(&key, &manifest);
    };
    let manifest = dir.join("police-7.json");
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
        CALLGUARD.run_on(&dir.db(), &args)
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
