//! `feed sign`: the signed manifest a phone checks before it reads a feed.
//!
//! For `FEED` it writes `FEED.manifest.json` (`docs/STORE.md`, "Signed feeds": name, version,
//! kind, format, SHA-256, size, rows and, for a delta, the version it applies to) and
//! `FEED.manifest.json.sig`, the ed25519 signature of the manifest's exact bytes (base64). A
//! phone that trusts the public key imports the feed only if the manifest verifies and the
//! file is the one it names.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use callguard_core::files::AtomicFile;
use callguard_core::store::feed::{hex, Manifest, MANIFEST_TAG};
use callguard_core::store::FeedFormat;
use ed25519_dalek::{Signer, SigningKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::PublishError;
use crate::feed_file::{check_header, FeedReader};

/// What [`sign`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The manifest file.
    pub manifest_file: PathBuf,
    /// Its signature file.
    pub signature_file: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
}

/// The manifest path of a feed.
pub fn manifest_path(feed: &Path) -> PathBuf {
    PathBuf::from(format!("{}.manifest.json", feed.display()))
}

/// Signs the feed `feed` (a callguard CSV with `# name:`, `# version:`, `# kind:` and, for a
/// delta, `# base:` lines, as `feed build` and `feed diff` write it) with `key`.
pub fn sign(feed: &Path, key: &SigningKey) -> Result<Signed, PublishError> {
    let mut reader = FeedReader::open(feed)?;
    let header = reader.header.clone();
    check_header(&header)?;
    let rows = reader.count_rows()?;
    let (sha256, size) = hash_file(feed).map_err(|e| PublishError::io(feed, e))?;
    let manifest = Manifest {
        manifest: MANIFEST_TAG.to_owned(),
        name: header.name,
        version: header.version,
        kind: Some(header.kind),
        format: Some(FeedFormat::Csv),
        sha256: hex(&sha256),
        size: Some(size),
        rows: Some(rows),
        base_version: header.base,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| PublishError::io(feed, io::Error::other(e)))?;
    bytes.push(b'\n');
    let signature = key.sign(&bytes);
    let manifest_file = manifest_path(feed);
    let signature_file = PathBuf::from(format!("{}.sig", manifest_file.display()));
    let text = format!(
        "{}\n",
        base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
    );
    write_whole(&manifest_file, &bytes)?;
    write_whole(&signature_file, text.as_bytes())?;
    Ok(Signed {
        manifest_file,
        signature_file,
        manifest,
    })
}

fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let mut file = AtomicFile::create(path).map_err(|e| PublishError::io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.commit())
        .map_err(|e| PublishError::io(path, e))
}

/// The SHA-256 and size of a file, streamed.
fn hash_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut file = File::open(path)?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok((sha.finalize().into(), size));
        }
        sha.update(&buf[..n]);
        size += n as u64;
    }
}
