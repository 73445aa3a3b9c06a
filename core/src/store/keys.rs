//! The keys trusted to sign feeds.

use std::path::PathBuf;

use rusqlite::params;
use serde::Serialize;

use super::{feed, now, text, Store, StoreError, UnixTime};

/// A trusted feed-signing key stored in the database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustedKey {
    /// A name for people.
    pub name: String,
    /// The ed25519 public key, base64.
    pub key: String,
    /// When it was added (Unix seconds).
    pub added_at: UnixTime,
}

impl Store {
    /// Trusts `key` for signed feeds from now on, under `name`.
    pub fn add_trusted_key(
        &self,
        name: &str,
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(), StoreError> {
        text::check_text(text::TextKind::KeyName, name)?;
        feed::sign::check_key_strength(key).map_err(|message| StoreError::BadKey {
            path: PathBuf::from(name),
            message,
        })?;
        self.write("adding a trusted key", |tx| {
            tx.execute(
                "INSERT INTO trusted_keys (name, key, added_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET key = excluded.key",
                params![name, key.as_bytes().as_slice(), now()],
            )
            .map_err(self.err("adding a trusted key"))?;
            Ok(())
        })
    }

    /// Stops trusting the key named `name`; `Ok(false)` if there was none.
    pub fn remove_trusted_key(&self, name: &str) -> Result<bool, StoreError> {
        self.write("removing a trusted key", |tx| {
            let n = tx
                .execute("DELETE FROM trusted_keys WHERE name = ?1", [name])
                .map_err(self.err("removing a trusted key"))?;
            Ok(n > 0)
        })
    }

    /// The trusted keys stored in the database.
    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>, StoreError> {
        use base64::Engine as _;
        self.select(
            "reading trusted keys",
            "SELECT name, key, added_at FROM trusted_keys ORDER BY name",
            |r| {
                Ok(TrustedKey {
                    name: r.get(0)?,
                    key: base64::engine::general_purpose::STANDARD.encode(r.get::<_, Vec<u8>>(1)?),
                    added_at: r.get(2)?,
                })
            },
        )
    }
}
