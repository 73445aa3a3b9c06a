//! The publisher's ed25519 key: generated here, the private half written only to a file that
//! only its owner can read, never printed.
//!
//! The private key file is PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the form
//! `openssl genpkey -algorithm ed25519` writes, so either tool can make or use it. The public
//! key goes beside it as base64, the form `callguard key add` and `import --key` read.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use serde::Serialize;

use crate::error::PublishError;

/// The DER prefix of an ed25519 private key in PKCS#8 (RFC 8410): version 0, the algorithm
/// id 1.3.101.112, then the 32-byte seed as an octet string inside an octet string.
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// A key pair written by [`generate`].
#[derive(Debug, Clone, Serialize)]
pub struct GeneratedKey {
    /// The private key file (owner-only).
    pub private_key: PathBuf,
    /// The public key file, for phones (`callguard key add NAME FILE`).
    pub public_key: PathBuf,
    /// The public key, base64.
    pub public_base64: String,
}

/// Where [`generate`] puts the public key: beside the private one, ending in `.pub`.
pub fn public_path(private: &Path) -> PathBuf {
    private.with_extension("pub")
}

/// Generates a key pair: the private key at `private` (created, never replaced, readable
/// by its owner only) and the public key beside it ([`public_path`]).
pub fn generate(private: &Path) -> Result<GeneratedKey, PublishError> {
    let public = public_path(private);
    if public == private {
        return Err(PublishError::Options(format!(
            "{}: name the private key file something other than *.pub",
            private.display()
        )));
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| {
        PublishError::io(
            private,
            std::io::Error::other(format!("no randomness: {e}")),
        )
    })?;
    let key = SigningKey::from_bytes(&seed);
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut der = PKCS8_PREFIX.to_vec();
    der.extend_from_slice(&seed);
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        b64.encode(&der)
    );
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(private)
        .map_err(|e| PublishError::io(private, e))?;
    let written = file
        .write_all(pem.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(private);
        return Err(PublishError::io(private, e));
    }
    let public_base64 = b64.encode(key.verifying_key().as_bytes());
    let text = format!("# callguard feed publisher key (ed25519)\n{public_base64}\n");
    let mut out = callguard_core::files::AtomicFile::create(&public)
        .map_err(|e| PublishError::io(&public, e))?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.commit())
        .map_err(|e| PublishError::io(&public, e))?;
    Ok(GeneratedKey {
        private_key: private.to_owned(),
        public_key: public,
        public_base64,
    })
}

/// Reads a private key: PKCS#8 PEM as [`generate`] and openssl write it. A file that others
/// than its owner may read is refused: the key signs what every phone trusts.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, PublishError> {
    let bad = |message: &str| PublishError::BadKey {
        path: path.to_owned(),
        message: message.to_owned(),
    };
    let file = std::fs::File::open(path).map_err(|e| PublishError::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_err(|e| PublishError::io(path, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(bad(&format!(
                "others can read this private key (mode {:o}): `chmod 600` it, and replace \
                 the key if it may have been copied",
                mode & 0o777
            )));
        }
    }
    let mut text = String::new();
    file.take(16 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| PublishError::io(path, e))?;
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----") && !l.starts_with('#'))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|_| bad("not a PEM private key"))?;
    match der.strip_prefix(&PKCS8_PREFIX[..]) {
        Some(seed) if seed.len() == 32 => {
            let mut raw = [0u8; 32];
            raw.copy_from_slice(seed);
            Ok(SigningKey::from_bytes(&raw))
        }
        _ => Err(bad(
            "not an ed25519 private key in PKCS#8 (make one with `callguard feed key generate`)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_reads_back_and_stays_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let private = dir.path().join("publisher.key");
        let made = generate(&private).expect("generate");
        assert_eq!(made.public_key, dir.path().join("publisher.pub"));
        let key = read_signing_key(&private).expect("read");
        let public = callguard_core::store::feed::read_public_key(&made.public_key).expect("pub");
        assert_eq!(key.verifying_key(), public);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o644))
                .expect("chmod");
            let err = read_signing_key(&private).expect_err("readable by others");
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        // Never replaced.
        assert!(generate(&private).is_err());
    }

    /// RFC 8032's first test vector, in the PKCS#8 form openssl writes.
    #[test]
    fn openssl_keys_are_read() {
        let seed: Vec<u8> = (0..32)
            .map(|i| {
                let hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
                u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).expect("hex")
            })
            .collect();
        let mut der = PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&seed);
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(&der)
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.pem");
        std::fs::write(&path, pem).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let key = read_signing_key(&path).expect("read");
        let public: String = key
            .verifying_key()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            public,
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
    }
}
