//! Signed feed manifests: a small JSON file naming a feed file's SHA-256, signed instead of the
//! (possibly large) file itself.
//!
//! A feed `FILE` may come with `FILE.manifest.json` (or a manifest given with `--manifest`):
//! ```json
//! {"manifest": "callguard-feed-manifest/1", "name": "police-jp", "version": 20251129,
//!  "kind": "full", "format": "csv", "sha256": "<64 hex digits>", "size": 1234, "rows": 56}
//! ```
//! `manifest`, `name`, `version` and `sha256` are required; `kind`, `format`, `size` (bytes),
//! `rows` (data rows) and, for a delta, `base_version` (the version it applies to, which must
//! be the one installed) are checked when present. The manifest's detached signature,
//! `MANIFEST.sig`, is an ed25519 signature of the manifest's exact bytes, written like a
//! feed's `.sig`. With trusted keys the signature must verify before the feed is read; with
//! none it is not checked, but the file must still match the manifest.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::store::error::StoreError;
use crate::store::feed::sign::{decode_hex, read_signature};
use crate::store::feed::{FeedFormat, FeedKind};

/// The value of a manifest's `manifest` field.
pub const MANIFEST_TAG: &str = "callguard-feed-manifest/1";
/// A manifest larger than this is refused.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// What a signed manifest says about a feed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_TAG`].
    pub manifest: String,
    /// The feed's name.
    pub name: String,
    /// The feed's version.
    pub version: u64,
    /// Full or delta, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FeedKind>,
    /// The file's format, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<FeedFormat>,
    /// The SHA-256 of the feed file's exact bytes, 64 hex digits.
    pub sha256: String,
    /// The file's size in bytes, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// How many data rows the file has, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// For a delta: the version it applies to. An import refuses the delta unless exactly
    /// that version is installed (a skipped delta would leave the feed silently wrong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<u64>,
}

/// A manifest read, checked against the trusted keys, with its hash decoded.
#[derive(Debug)]
pub(crate) struct Checked {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub sha256: [u8; 32],
    /// Whether a trusted key's signature was verified.
    pub signed: bool,
}

/// The manifest path an import uses: the one given, else `FILE.manifest.json` if it exists.
pub(crate) fn find(feed: &Path, given: Option<&Path>) -> Option<PathBuf> {
    given.map(Path::to_owned).or_else(|| {
        let auto = PathBuf::from(format!("{}.manifest.json", feed.display()));
        auto.is_file().then_some(auto)
    })
}

/// Reads the manifest at `path`, verifies its signature (`path.sig`) if `keys` are trusted,
/// and parses it. Nothing of the feed is read yet.
pub(crate) fn check(path: &Path, keys: &[VerifyingKey]) -> Result<Checked, StoreError> {
    let bad = |message: String| StoreError::BadFeed {
        path: path.to_owned(),
        message,
    };
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| StoreError::io(path, e))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(bad(format!(
            "a manifest is at most {MAX_MANIFEST_BYTES} bytes"
        )));
    }
    let signed = !keys.is_empty();
    if signed {
        let sig_path = PathBuf::from(format!("{}.sig", path.display()));
        let signature = read_signature(&sig_path, path)?;
        if !keys
            .iter()
            .any(|k| k.verify_strict(&bytes, &signature).is_ok())
        {
            return Err(StoreError::Signature {
                path: path.to_owned(),
                message: "the manifest's signature does not match it for any trusted key \
                          (tampered, or signed by another key)"
                    .into(),
            });
        }
    }
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a feed manifest: {e}")))?;
    if manifest.manifest != MANIFEST_TAG {
        return Err(bad(format!(
            "manifest {:?}: expected {MANIFEST_TAG:?}",
            manifest.manifest
        )));
    }
    let sha256 = decode_sha256(&manifest.sha256).ok_or_else(|| {
        bad(format!(
            "sha256 {:?}: expected 64 hex digits",
            manifest.sha256
        ))
    })?;
    Ok(Checked {
        path: path.to_owned(),
        manifest,
        sha256,
        signed,
    })
}

fn decode_sha256(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    (text.len() == 64)
        .then(|| decode_hex(text))??
        .try_into()
        .ok()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_parse_and_refuse_bad_hashes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.json");
        let sha = "ab".repeat(32);
        std::fs::write(
            &path,
            format!(
                r#"{{"manifest": "{MANIFEST_TAG}", "name": "police", "version": 3,
                    "kind": "delta", "sha256": "{sha}", "rows": 2}}"#
            ),
        )
        .expect("write");
        let checked = check(&path, &[]).expect("parses");
        assert_eq!(checked.sha256, [0xab; 32]);
        assert_eq!(checked.manifest.kind, Some(FeedKind::Delta));
        assert_eq!(checked.manifest.rows, Some(2));
        assert!(!checked.signed);
        assert_eq!(hex(&checked.sha256), sha);

        std::fs::write(
            &path,
            format!(
                r#"{{"manifest": "{MANIFEST_TAG}", "name": "p", "version": 1, "sha256": "xyz"}}"#
            ),
        )
        .expect("write");
        let err = check(&path, &[]).expect_err("bad hash");
        assert!(err.to_string().contains("64 hex digits"), "{err}");
        std::fs::write(
            &path,
            r#"{"manifest": "other/9", "name": "p", "version": 1, "sha256": ""}"#,
        )
        .expect("write");
        assert!(check(&path, &[]).is_err());
    }
}
