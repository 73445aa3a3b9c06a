//! Feed files as publishers write them: CSV feeds of scam reports, Ed25519 keys, detached
//! signatures (`FILE.sig`, base64) and manifests (`FILE.manifest.json`).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};

/// The key of the publisher the fault fixtures trust.
pub fn publisher_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// `rows` Japanese mobile numbers (`+8190` and eight digits), spread out: the i-th is
/// `(first + i) * 7`, so feeds with different `first` overlap only where meant to.
pub fn mobile_numbers(first: u64, rows: u64) -> impl Iterator<Item = String> {
    (0..rows).map(move |i| format!("+8190{:08}", (first + i) * 7))
}

/// The text of a CSV feed `name` (version `version`, if given) reporting each of `numbers`
/// as a scam.
pub fn scam_csv(
    name: &str,
    version: Option<u64>,
    numbers: impl IntoIterator<Item = String>,
) -> String {
    let mut text = format!("# name: {name}\n");
    if let Some(version) = version {
        text.push_str(&format!("# version: {version}\n"));
    }
    text.push_str("number,category\n");
    for number in numbers {
        text.push_str(&number);
        text.push_str(",scam\n");
    }
    text
}

/// Writes `dir/NAME-VERSION.csv`: feed `name`, version `version`, with `rows` scam reports of
/// [`mobile_numbers`] from `first`. Unsigned; [`sign`] signs it.
pub fn scam_feed(dir: &Path, name: &str, version: u64, rows: u64, first: u64) -> PathBuf {
    crate::workdir::write(
        dir,
        &format!("{name}-{version}.csv"),
        scam_csv(name, Some(version), mobile_numbers(first, rows)),
    )
}

/// Signs the file at `path` with `key` into `PATH.sig` (the base64 signature of its bytes) and
/// returns the signature's path.
pub fn sign(key: &SigningKey, path: &Path) -> PathBuf {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let signature = key.sign(&bytes).to_bytes();
    let sig_path = PathBuf::from(format!("{}.sig", path.display()));
    std::fs::write(
        &sig_path,
        base64::engine::general_purpose::STANDARD.encode(signature),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", sig_path.display()));
    sig_path
}

/// The SHA-256 of `bytes` in lower-case hex, as manifests and exports give it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the public half of `key` to `dir/name` as `callguard key add` reads it (base64 of
/// the 32 bytes) and returns its path.
pub fn public_key_file(dir: &Path, name: &str, key: &SigningKey) -> PathBuf {
    crate::workdir::write(
        dir,
        name,
        base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes()),
    )
}

/// Writes `FEED.manifest.json` for `feed` (its SHA-256, its size and the JSON members
/// `extra`) and, with a key, signs the manifest. Returns the manifest's path.
pub fn manifest(feed: &Path, extra: &str, key: Option<&SigningKey>) -> PathBuf {
    let bytes = std::fs::read(feed).unwrap_or_else(|e| panic!("{}: {e}", feed.display()));
    let sha = sha256_hex(&bytes);
    let path = PathBuf::from(format!("{}.manifest.json", feed.display()));
    let text = format!(
        "{{\"manifest\": \"callguard-feed-manifest/1\", \"sha256\": \"{sha}\", \
         \"size\": {}, {extra}}}\n",
        bytes.len()
    );
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Some(key) = key {
        sign(key, &path);
    }
    path
}
