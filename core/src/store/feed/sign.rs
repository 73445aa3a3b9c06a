//! Feed signatures: ed25519 over the file's bytes, checked while the file streams in.
//!
//! A signed feed `FILE` comes with `FILE.sig`: the 64-byte ed25519 signature (RFC 8032,
//! "pure" Ed25519, not the prehashed variant) of the file's exact bytes, written as base64 or
//! as 128 hex digits, surrounding whitespace ignored. `openssl pkeyutl -sign -rawin` makes one.
//! Verification streams the file (ed25519-dalek's stream verifier), so memory stays bounded
//! whatever the file size, and is strict on every path: the same checks as
//! `VerifyingKey::verify_strict` (no weak, small-order public key; no small-order `R`; a
//! canonical `s`), so no fixed signature verifies every file under a degenerate key. With a
//! trusted key, the whole file is verified before any line of it is parsed.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

use base64::Engine as _;
use ed25519_dalek::{Signature, StreamVerifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::store::error::StoreError;

/// The DER prefix of an ed25519 SubjectPublicKeyInfo (what `openssl pkey -pubout` writes).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Decodes an even number of hex digits.
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Decodes hex (if it is all hex digits of the expected length) or base64.
fn decode(text: &str, hex_len: usize) -> Option<Vec<u8>> {
    let compact: String = text.split_whitespace().collect();
    if compact.len() == hex_len && compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        return decode_hex(&compact);
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()
}

/// Parses an ed25519 public key: 32 bytes as base64 or 64 hex digits, or an
/// `openssl pkey -pubout` PEM / base64 DER SubjectPublicKeyInfo. Lines starting with `#` and
/// PEM armour lines are ignored.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with("-----"))
        .collect();
    let bytes = decode(&body, 64).ok_or("neither base64 nor hex")?;
    let raw: [u8; 32] = match bytes.len() {
        32 => bytes.try_into().map_err(|_| "bad length")?,
        44 if bytes[..12] == SPKI_PREFIX => bytes[12..].try_into().map_err(|_| "bad length")?,
        n => return Err(format!("{n} bytes where an ed25519 public key has 32")),
    };
    let key =
        VerifyingKey::from_bytes(&raw).map_err(|e| format!("not an ed25519 public key: {e}"))?;
    check_key_strength(&key)?;
    Ok(key)
}

/// Refuses a weak (small-order) public key: the identity `01 00 ... 00` and the other points
/// of small order. Under such a key a fixed signature verifies any file (non-strictly), so it
/// can never be trusted.
pub fn check_key_strength(key: &VerifyingKey) -> Result<(), String> {
    if key.is_weak() {
        return Err(
            "a weak (small-order) ed25519 public key: signatures under it prove nothing, so \
             it cannot be trusted"
                .into(),
        );
    }
    Ok(())
}

/// A stream verifier that accepts exactly what `VerifyingKey::verify_strict` accepts: the
/// stream verifier compares the recomputed `R` with the signature's (as `verify_strict` does),
/// and this refuses first what `verify_strict` refuses before that comparison: a weak key and a
/// small-order (or undecodable) `R`.
pub(crate) fn strict_verifier(
    key: &VerifyingKey,
    signature: &Signature,
) -> Result<StreamVerifier, String> {
    check_key_strength(key)?;
    // R is a curve point: decoded as a key, its order is what `is_weak` tells.
    match VerifyingKey::from_bytes(signature.r_bytes()) {
        Ok(r) if !r.is_weak() => {}
        Ok(_) => return Err("its R is a point of small order".into()),
        Err(_) => return Err("its R is not a curve point".into()),
    }
    key.verify_stream(signature).map_err(|e| e.to_string())
}

/// Reads a public key file (see [`parse_public_key`]).
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, StoreError> {
    let text = read_small(path)?;
    parse_public_key(&text).map_err(|message| StoreError::BadKey {
        path: path.to_owned(),
        message,
    })
}

fn read_small(path: &Path) -> Result<String, StoreError> {
    let mut text = String::new();
    File::open(path)
        .and_then(|f| f.take(16 * 1024).read_to_string(&mut text))
        .map_err(|e| StoreError::io(path, e))?;
    Ok(text)
}

/// Reads a detached signature file: 64 bytes as base64 or 128 hex digits.
pub fn read_signature(path: &Path, feed: &Path) -> Result<Signature, StoreError> {
    let text = match read_small(path) {
        Ok(text) => text,
        Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Err(StoreError::Signature {
                path: feed.to_owned(),
                message: format!(
                    "unsigned: trusted keys are configured but there is no signature file {}",
                    path.display()
                ),
            })
        }
        Err(e) => return Err(e),
    };
    let bytes = decode(text.trim(), 128).ok_or_else(|| StoreError::Signature {
        path: feed.to_owned(),
        message: format!("{}: neither base64 nor hex", path.display()),
    })?;
    let raw: [u8; 64] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| StoreError::Signature {
            path: feed.to_owned(),
            message: format!(
                "{}: {} bytes where an ed25519 signature has 64",
                path.display(),
                b.len()
            ),
        })?;
    Ok(Signature::from_bytes(&raw))
}

/// Passes a file's bytes through, hashing them (SHA-256, for idempotent re-imports and the
/// manifest) and feeding the signature verifiers, and counting them for the progress bar.
pub(crate) struct HashingReader {
    file: File,
    sha: Sha256,
    verifiers: Vec<StreamVerifier>,
    bytes: Rc<Cell<u64>>,
}

impl HashingReader {
    pub fn new(file: File, verifiers: Vec<StreamVerifier>, bytes: Rc<Cell<u64>>) -> Self {
        HashingReader {
            file,
            sha: Sha256::new(),
            verifiers,
            bytes,
        }
    }

    /// Reads what is left (so the hash covers the whole file), then returns the SHA-256 and
    /// whether any verifier accepted the signature (`None` when there were no verifiers).
    pub fn finish(self) -> io::Result<([u8; 32], Option<bool>)> {
        self.finish_keeping_file()
            .map(|(sha, verified, _)| (sha, verified))
    }

    /// [`HashingReader::finish`], giving the file back (to read it again).
    pub fn finish_keeping_file(mut self) -> io::Result<([u8; 32], Option<bool>, File)> {
        let mut rest = [0u8; 8192];
        while self.read(&mut rest)? > 0 {}
        let sha = self.sha.finalize().into();
        if self.verifiers.is_empty() {
            return Ok((sha, None, self.file));
        }
        let ok = self
            .verifiers
            .into_iter()
            .any(|v| v.finalize_and_verify().is_ok());
        Ok((sha, Some(ok), self.file))
    }
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        let chunk = &buf[..n];
        self.sha.update(chunk);
        for verifier in &mut self.verifiers {
            verifier.update(chunk);
        }
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn keys_in_every_accepted_form() {
        let key = SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        let b64 = base64::engine::general_purpose::STANDARD.encode(key.as_bytes());
        let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(key.as_bytes());
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(&der)
        );
        for text in [
            b64,
            hex,
            pem,
            format!("# police feed key\n{}", key_b64(&key)),
        ] {
            assert_eq!(parse_public_key(&text).expect("parses"), key, "{text}");
        }
        assert!(parse_public_key("not a key").is_err());
        assert!(parse_public_key("AAAA").is_err());
    }

    fn key_b64(key: &VerifyingKey) -> String {
        base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
    }

    #[test]
    fn weak_keys_are_refused() {
        // The identity point, and a key of order 8 (its low-order companions are the same kind).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let b64 = base64::engine::general_purpose::STANDARD;
        for raw in [identity, [0u8; 32]] {
            let Ok(key) = VerifyingKey::from_bytes(&raw) else {
                continue;
            };
            assert!(key.is_weak());
            let err = parse_public_key(&b64.encode(raw)).expect_err("weak");
            assert!(err.contains("weak"), "{err}");
        }
    }

    /// The forgery the weak identity key allows: R = identity, s = 0 verifies any message with
    /// the non-strict check. The strict stream verifier refuses it, and agrees with
    /// `verify_strict` on honest and wrong signatures.
    #[test]
    fn the_stream_verifier_is_as_strict_as_verify_strict() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifyingKey::from_bytes(&identity).expect("identity decodes");
        let mut forged = [0u8; 64];
        forged[0] = 1;
        let forged = Signature::from_bytes(&forged);
        let message = b"number,category\n+815012345678,scam\n";
        let lax = weak.verify_stream(&forged).map(|mut v| {
            v.update(message);
            v.finalize_and_verify()
        });
        assert!(
            matches!(lax, Ok(Ok(()))),
            "the forgery verifies non-strictly"
        );
        assert!(weak.verify_strict(message, &forged).is_err());
        assert!(strict_verifier(&weak, &forged).is_err());

        let signing = SigningKey::from_bytes(&[9u8; 32]);
        let key = signing.verifying_key();
        let honest = signing.sign(message);
        let other = SigningKey::from_bytes(&[1u8; 32]).sign(message);
        // A small-order R under an honest key.
        let mut small_r = honest.to_bytes();
        small_r[..32].copy_from_slice(&identity);
        let small_r = Signature::from_bytes(&small_r);
        for sig in [honest, other, forged, small_r] {
            let streamed = strict_verifier(&key, &sig).is_ok_and(|mut v| {
                v.update(message);
                v.finalize_and_verify().is_ok()
            });
            assert_eq!(
                streamed,
                key.verify_strict(message, &sig).is_ok(),
                "{sig:?}"
            );
        }
    }

    #[test]
    fn streamed_verification_matches_one_shot() {
        let signing = SigningKey::from_bytes(&[9u8; 32]);
        let message = b"number,category\n+815012345678,scam\n".repeat(1000);
        let signature = signing.sign(&message);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.csv");
        std::fs::write(&path, &message).expect("write");
        let verify = |sig: &Signature| {
            let verifier = signing
                .verifying_key()
                .verify_stream(sig)
                .expect("verifier");
            let file = File::open(&path).expect("open");
            let mut reader = HashingReader::new(file, vec![verifier], Rc::default());
            let mut buf = [0u8; 100];
            reader.read_exact(&mut buf).expect("read");
            reader.finish().expect("finish").1
        };
        assert_eq!(verify(&signature), Some(true));
        let other = SigningKey::from_bytes(&[1u8; 32]).sign(&message);
        assert_eq!(verify(&other), Some(false));
    }
}
