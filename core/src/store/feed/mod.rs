//! Feed imports: CSV, JSON Lines and the FTC's "Do Not Call reported calls" CSV.
//!
//! An import streams the file once, through a buffer of [`CHUNK_ROWS`] rows that is sorted by
//! number and written in order (sorted inserts into the `reports` b-tree are several times
//! faster than random ones), so memory stays bounded whatever the file size; no line (no CSV
//! record) may be longer than [`MAX_LINE_BYTES`], so one line cannot grow it either. With
//! trusted keys the whole file is verified first (one streamed read: SHA-256 and the strict
//! ed25519 check), and only a verified file is parsed. The whole import is one transaction,
//! committed only once every line parsed, the signature verified and the version checked:
//! anything wrong leaves the database as it was. The progress callback's last call comes with
//! the whole file read and before the commit: cancelling there still changes nothing.
//!
//! The formats, the metadata lines and the signature scheme are described in `docs/STORE.md`.

mod bounded;
pub mod manifest;
mod metadata;
mod options;
mod parse;
pub mod sign;
mod writer;

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use bounded::{read_error, LineLimit};
use metadata::{agree, bad_line, read_metadata, sniff, version_too_big};
use parse::{Layout, Numbers, Parsed, Row};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use sign::HashingReader;
use writer::Writer;

pub use options::{FeedFormat, FeedKind, ImportOptions, ImportSummary, CANCEL_CHECK_ROWS};

use crate::store::error::{parse_name, sql, StoreError};
use crate::store::text::{self, TextKind};
use crate::store::time::now;
use crate::store::{bump, Store};

pub use bounded::MAX_LINE_BYTES;
pub use manifest::{Manifest, MANIFEST_TAG};
pub use sign::{parse_public_key, read_public_key};

/// Rows buffered, sorted and written together: 131,072 rows of 32 bytes, 4 MiB.
pub const CHUNK_ROWS: usize = 1 << 17;
/// A delta import counts the distinct numbers it touched exactly up to this many (8 bytes
/// each in memory); beyond, it counts per chunk, an upper bound.
pub const TOUCHED_EXACT_MAX: usize = 1 << 19;
/// The largest feed version: 2^53 - 1, the largest integer every JSON reader keeps exactly. A
/// version above it is refused, so the installed version + 1 (the default for the next file)
/// always exists and is stored exactly (versions are SQLite integers).
pub const MAX_FEED_VERSION: u64 = (1 << 53) - 1;
/// How many skipped lines an import summary quotes.
const PROBLEMS_QUOTED: usize = 5;
/// SQLite's page cache during an import (KiB), reset afterwards.
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

/// The error for a file whose SHA-256 is not the one its manifest names.
fn tampered_manifest(path: &Path, sha: &[u8; 32], m: &manifest::Checked) -> StoreError {
    StoreError::Signature {
        path: path.to_owned(),
        message: format!(
            "the file's SHA-256 {} is not the {} its manifest {} names (tampered, or the wrong \
             file)",
            manifest::hex(sha),
            m.manifest.sha256,
            m.path.display()
        ),
    }
}

/// Reports progress as (bytes read, file size).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

impl Store {
    /// Imports a feed file in one transaction (see the module docs). `progress` is called now
    /// and then with (bytes read, file size), the last time with the whole file read, before
    /// the import is decided: it is never called after the commit.
    pub fn import_file(
        &self,
        path: &Path,
        options: &ImportOptions,
        mut progress: Option<Progress<'_>>,
    ) -> Result<ImportSummary, StoreError> {
        let started = Instant::now();
        let io = |e| read_error(path, e);
        let cancelled = || {
            options
                .cancel
                .as_ref()
                .is_some_and(|flag| flag.load(Ordering::Relaxed))
        };
        let mut file = File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();

        // Trusted keys: given for this import, and stored in the database. A key that is
        // unusable fails the import (closed): skipping it could leave no key, and then an
        // unsigned feed would go in.
        let mut keys = Vec::new();
        for key in &options.trusted_keys {
            sign::check_key_strength(key).map_err(|message| StoreError::BadKey {
                path: path.to_owned(),
                message: format!("a trusted key given for this import: {message}"),
            })?;
            keys.push(*key);
        }
        for stored in self.trusted_keys()? {
            let key = parse_public_key(&stored.key).map_err(|e| StoreError::BadKey {
                path: self.path.clone(),
                message: format!(
                    "the trusted key {:?} stored in the database is unusable ({e}): nothing \
                     was imported; remove it (`callguard key remove {}`) or add it again",
                    stored.name, stored.name
                ),
            })?;
            keys.push(key);
        }
        // A manifest, if any, is checked (and its signature verified) before the file is read.
        let manifest = match manifest::find(path, options.manifest.as_deref()) {
            Some(m) => Some(manifest::check(&m, &keys)?),
            None => None,
        };
        if let Some(m) = &manifest {
            if m.manifest.size.is_some_and(|s| s != size) {
                return Err(StoreError::Signature {
                    path: path.to_owned(),
                    message: format!(
                        "the file has {size} bytes but its manifest {} says {}",
                        m.path.display(),
                        m.manifest.size.unwrap_or(0)
                    ),
                });
            }
        }
        // With trusted keys, the whole file is verified before a line of it is parsed: a
        // tampered or unsigned feed is refused having cost a read of its bytes (bounded
        // memory), never a parse. The parse below hashes the bytes again and must see the same
        // file.
        let verified_sha = if keys.is_empty() {
            None
        } else {
            let verifiers = match &manifest {
                Some(_) => Vec::new(),
                None => {
                    let sig_path = options
                        .signature
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(format!("{}.sig", path.display())));
                    let signature = sign::read_signature(&sig_path, path)?;
                    keys.iter()
                        .map(|k| sign::strict_verifier(k, &signature))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| StoreError::Signature {
                            path: path.to_owned(),
                            message: format!(
                                "the signature {} is refused: {e}",
                                sig_path.display()
                            ),
                        })?
                }
            };
            let mut hashing = HashingReader::new(file, verifiers, Rc::default());
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                if cancelled() {
                    return Err(StoreError::Cancelled {
                        path: path.to_owned(),
                    });
                }
                if hashing.read(&mut buf).map_err(io)? == 0 {
                    break;
                }
            }
            let (sha, verified, whole) = hashing.finish_keeping_file().map_err(io)?;
            if let Some(m) = &manifest {
                if sha != m.sha256 {
                    return Err(tampered_manifest(path, &sha, m));
                }
            }
            if verified == Some(false) {
                return Err(StoreError::Signature {
                    path: path.to_owned(),
                    message: "the signature does not match the file for any trusted key \
                              (tampered, or signed by another key)"
                        .into(),
                });
            }
            file = whole;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            Some(sha)
        };

        let bytes = Rc::new(Cell::new(0u64));
        let csv_mode = Rc::new(Cell::new(false));
        let mut reader = BufReader::with_capacity(
            256 * 1024,
            LineLimit::new(
                HashingReader::new(file, Vec::new(), bytes.clone()),
                csv_mode.clone(),
            ),
        );
        let meta = read_metadata(&mut reader, path)?;
        let m = manifest.as_ref().map(|m| &m.manifest);
        let (cli, by_manifest, by_file) = ("command line", "manifest", "file");
        let format = match agree(
            path,
            "format",
            [
                (cli, options.format),
                (by_manifest, m.and_then(|m| m.format)),
                (by_file, meta.format),
            ],
        )? {
            Some(f) => f,
            None => sniff(&mut reader, path)?,
        };
        // CSV records may span lines inside quotes: bound them too.
        csv_mode.set(format != FeedFormat::Jsonl);
        let name = agree(
            path,
            "name",
            [
                (cli, options.name.clone()),
                (by_manifest, m.map(|m| m.name.clone())),
                (by_file, meta.name.clone()),
            ],
        )?
        .or_else(|| (format == FeedFormat::Ftc).then(|| "ftc-dnc".to_owned()))
        .ok_or_else(|| StoreError::BadFeed {
            path: path.to_owned(),
            message: "no feed name: add a `# name: NAME` line to the feed, or name it in the import options (the CLI's --source NAME)".into(),
        })?;
        // The name is shown in listings and summaries: one line of text.
        text::check_text(TextKind::FeedName, &name).map_err(|e| StoreError::BadFeed {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let kind = agree(
            path,
            "kind",
            [
                (cli, options.kind),
                (by_manifest, m.and_then(|m| m.kind)),
                (by_file, meta.kind),
            ],
        )?
        .unwrap_or(match format {
            FeedFormat::Ftc => FeedKind::Delta,
            _ => FeedKind::Full,
        });
        let given_version = agree(
            path,
            "version",
            [
                (cli, options.version),
                (by_manifest, m.map(|m| m.version)),
                (by_file, meta.version),
            ],
        )?;
        if let Some(version) = given_version.filter(|&v| v > MAX_FEED_VERSION) {
            return Err(StoreError::BadFeed {
                path: path.to_owned(),
                message: version_too_big(version),
            });
        }

        let mut conn = self.writer()?;
        let e = |context| sql(&self.path, context);
        conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .map_err(e("preparing the import"))?;
        let result = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(e("starting the import"))?;
            let installed: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT id, version FROM feeds WHERE name = ?1",
                    [&name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(e("reading the feed"))?;
            let installed_version = match installed {
                None => None,
                Some((_, v)) => Some(
                    u64::try_from(v)
                        .ok()
                        .filter(|&v| v <= MAX_FEED_VERSION)
                        .ok_or_else(|| StoreError::BadFeed {
                            path: path.to_owned(),
                            message: format!(
                                "feed {name:?} is installed with version {v}, out of range (an \
                                 older callguard stored it): remove the feed (`callguard feed \
                                 remove {name}`) and import it again"
                            ),
                        })?,
                ),
            };
            let version = match (given_version, installed_version) {
                (Some(v), _) => v,
                (None, None) => 1,
                (None, Some(v)) if v < MAX_FEED_VERSION => v + 1,
                (None, Some(v)) => {
                    return Err(StoreError::BadFeed {
                        path: path.to_owned(),
                        message: format!(
                            "feed {name:?} is at version {v}, the largest there is: no later \
                             version exists (remove the feed to start again)"
                        ),
                    })
                }
            };
            let stamp = now();
            let source = match installed {
                Some((id, _)) => id,
                None => {
                    tx.execute(
                        "INSERT INTO feeds (name, version, kind, format, imported_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![name, version as i64, kind.as_str(), format.as_str(), stamp],
                    )
                    .map_err(e("adding the feed"))?;
                    tx.last_insert_rowid()
                }
            };
            if kind == FeedKind::Full && installed.is_some() {
                tx.execute("DELETE FROM reports WHERE source = ?1", [source])
                    .map_err(e("replacing the feed"))?;
            }

            let mut summary = ImportSummary {
                file: path.to_owned(),
                feed: name.clone(),
                version,
                kind,
                format,
                rows_read: 0,
                imported: 0,
                removed: 0,
                skipped: 0,
                protected: 0,
                numbers_touched: 0,
                already_imported: false,
                signed: manifest.as_ref().map_or(!keys.is_empty(), |m| m.signed),
                problems: Vec::new(),
                seconds: 0.0,
            };
            let numbers = Numbers {
                classifier: &self.classifier,
            };
            let mut out = Writer::new(&tx, source, kind).map_err(e("preparing the import"))?;
            let skip = options.skip_invalid;
            // One line's outcome: a row, a protected number, or a problem to skip or abort on.
            let mut take = |summary: &mut ImportSummary,
                            out: &mut Writer<'_>,
                            line: u64,
                            parsed: Result<Parsed, String>|
             -> Result<(), StoreError> {
                summary.rows_read += 1;
                match parsed {
                    Ok(Parsed::Row(row)) => out.push(row).map_err(e("writing reports"))?,
                    Ok(Parsed::Protected) => summary.protected += 1,
                    Err(message) if skip => {
                        summary.skipped += 1;
                        if summary.problems.len() < PROBLEMS_QUOTED {
                            summary.problems.push(format!("line {line}: {message}"));
                        }
                    }
                    Err(message) => return Err(bad_line(path, line, message)),
                }
                if summary.rows_read % 65_536 == 0 {
                    if let Some(progress) = progress.as_mut() {
                        progress(bytes.get(), size);
                    }
                }
                if summary.rows_read % CANCEL_CHECK_ROWS == 0 && cancelled() {
                    return Err(StoreError::Cancelled {
                        path: path.to_owned(),
                    });
                }
                Ok(())
            };

            let hashing = match format {
                FeedFormat::Jsonl => {
                    let mut line = Vec::with_capacity(256);
                    let mut n = meta.lines;
                    while parse::read_line(&mut reader, &mut line).map_err(io)? {
                        n += 1;
                        let text = line.trim_ascii();
                        if text.is_empty() || text.starts_with(b"#") {
                            continue;
                        }
                        let parsed = parse::parse_json(text, &numbers, kind, stamp);
                        take(&mut summary, &mut out, n, parsed)?;
                    }
                    reader.into_inner().into_inner()
                }
                FeedFormat::Csv | FeedFormat::Ftc => {
                    let mut csv = parse::csv_reader(reader);
                    let header_line = meta.lines + 1;
                    let header = csv
                        .byte_headers()
                        .map_err(|err| bad_line(path, header_line, err.to_string()))?
                        .clone();
                    let layout = if format == FeedFormat::Ftc {
                        Layout::ftc(&header)
                    } else {
                        Layout::callguard(&header)
                    }
                    .map_err(|m| bad_line(path, header_line, m))?;
                    let mut record = csv::ByteRecord::new();
                    loop {
                        match csv.read_byte_record(&mut record) {
                            Ok(false) => break,
                            Ok(true) => {
                                let line = meta.lines + record.position().map_or(0, |p| p.line());
                                let parsed = layout.parse(&record, &numbers, kind, stamp);
                                take(&mut summary, &mut out, line, parsed)?;
                            }
                            Err(err) => {
                                let line = meta.lines
                                    + err.position().map_or(summary.rows_read + 2, |p| p.line());
                                if let csv::ErrorKind::Io(source) = err.into_kind() {
                                    return Err(io(source));
                                }
                                take(
                                    &mut summary,
                                    &mut out,
                                    line,
                                    Err("wrong number of fields".to_owned()),
                                )?;
                            }
                        }
                    }
                    csv.into_inner().into_inner().into_inner()
                }
            };
            out.flush().map_err(e("writing reports"))?;
            summary.imported = out.imported;
            summary.removed = out.removed;
            summary.numbers_touched = out.numbers_touched();
            drop(out);

            let (sha, _) = hashing.finish().map_err(io)?;
            // The whole file is read: say so before anything is decided, so that a callback
            // that cancels (or fails) here still changes nothing, and none comes after the
            // commit to contradict its result.
            if let Some(progress) = progress.as_mut() {
                progress(size.max(bytes.get()), size.max(bytes.get()));
            }
            if cancelled() {
                return Err(StoreError::Cancelled {
                    path: path.to_owned(),
                });
            }
            if verified_sha.is_some_and(|verified| verified != sha) {
                return Err(StoreError::Signature {
                    path: path.to_owned(),
                    message: "the file changed while it was imported: its bytes are not the ones \
                              whose signature was verified"
                        .into(),
                });
            }
            if let Some(m) = &manifest {
                if sha != m.sha256 {
                    return Err(tampered_manifest(path, &sha, m));
                }
                if let Some(rows) = m.manifest.rows.filter(|&r| r != summary.rows_read) {
                    return Err(StoreError::BadFeed {
                        path: path.to_owned(),
                        message: format!(
                            "the file has {} data rows but its manifest says {rows}",
                            summary.rows_read
                        ),
                    });
                }
            }
            let seen: Option<i64> = tx
                .query_row(
                    "SELECT version FROM feed_imports WHERE feed = ?1 AND sha256 = ?2",
                    params![source, sha.as_slice()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(e("checking earlier imports"))?;
            if let Some(seen) = seen {
                // Roll back: this exact file is already in.
                drop(tx);
                return Ok(ImportSummary {
                    version: seen as u64,
                    imported: 0,
                    removed: 0,
                    numbers_touched: 0,
                    already_imported: true,
                    ..summary
                });
            }
            if let Some(installed) = installed_version {
                if version < installed {
                    return Err(StoreError::FeedOutdated {
                        name,
                        installed,
                        given: version,
                    });
                }
                if version == installed {
                    return Err(StoreError::FeedConflict { name, version });
                }
            }
            tx.execute(
                "UPDATE feeds SET version = ?2, kind = ?3, format = ?4, imported_at = ?5,
                     sha256 = ?6 WHERE id = ?1",
                params![
                    source,
                    version as i64,
                    kind.as_str(),
                    format.as_str(),
                    stamp,
                    sha.as_slice()
                ],
            )
            .map_err(e("recording the feed"))?;
            tx.execute(
                "INSERT INTO feed_imports (feed, sha256, version, kind, rows, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    source,
                    sha.as_slice(),
                    version as i64,
                    kind.as_str(),
                    summary.rows_read as i64,
                    stamp
                ],
            )
            .map_err(e("recording the feed"))?;
            if kind == FeedKind::Full {
                summary.numbers_touched =
                    tx.query_row(
                        "SELECT count(*) FROM reports WHERE source = ?1",
                        [source],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(e("counting the feed"))? as u64;
            }
            bump(&tx, "reports_gen").map_err(e("recording the feed"))?;
            if cancelled() {
                return Err(StoreError::Cancelled {
                    path: path.to_owned(),
                });
            }
            tx.commit().map_err(e("committing the import"))?;
            Ok(summary)
        })();
        // Give the import's page cache back, and the WAL's disk space after a big import.
        let _ = conn.pragma_update(None, "cache_size", -2000);
        if matches!(&result, Ok(s) if s.rows_read > 100_000) {
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        drop(conn);
        self.mark_dirty();
        result.map(|mut s| {
            s.seconds = started.elapsed().as_secs_f64();
            s
        })
    }
}
