//! The Live Caller ID Lookup (iOS 18) dataset: what a lookup server builds its private
//! information retrieval databases from.
//!
//! With Live Caller ID Lookup the phone asks a server, privately, for a block byte and an
//! identity keyed by the caller's number as a "+E164" string. callguard writes, into one
//! directory, the two datasets such a server loads and a manifest. In Apple's format
//! ([`LiveFormat::Apple`], the default), what `PIRProcessDatabase` reads:
//!
//! - `block.binpb`: a `KeywordDatabase` ([`super::keyword_database`]), one row per number:
//!   keyword the UTF-8 `+E164`, value one byte, 1 to block and 0 not (as Apple's
//!   `ConstructDatabase` writes it, every identified number has a block row too);
//! - `identity.binpb`: a `KeywordDatabase` whose values are serialized `CallIdentity`s: the
//!   label as the name, [`LiveOptions::cache_expiry_minutes`], and the category mapped onto
//!   Apple's ([`identity_category`]); a number the policy blocks on reports is labelled too, so
//!   the call history says why;
//! - `block-config.json`, `identity-config.json`: sample `PIRProcessDatabase` configurations
//!   for the two files (run it in the folder: `PIRProcessDatabase block-config.json`).
//!
//! Or JSON Lines ([`LiveFormat::Jsonl`]): `block.jsonl`, one `{"number": "+815012345678"}`
//! per blocked number, and `identity.jsonl`, one `{"number", "name", "category"}` per
//! labelled number (`suspected_scam`, `nuisance`, or `user_label`).
//!
//! Both come with `manifest.json`: `{"format": "callguard-live-caller-id", "format_version": 2,
//! "data_format": "apple"|"jsonl", "version": N, "generated_at": "...", "block": {"file",
//! "entries", "bytes", "sha256"}, "identity": {...}, "pir_configs": [...], "plan": {summary},
//! ...}`.
//!
//! **The user's own labels never leave the device by default.** A dataset is served to every
//! user of a lookup server; the labels people give their allow-list entries ("母の病院") are
//! theirs. An allow-listed number with such a label is left out of both files, and of the
//! manifest's summary (its number too), unless [`LiveOptions::user_labels`] asks for them by
//! name.
//!
//! The lines are the planner's decisions, under a budget ([`DEFAULT_LIVE_BUDGET`] entries unless
//! another is given: one block-list prefix can stand for a billion numbers). The server itself
//! (the PIR encoding) is not callguard's.
//!
//! The files are written into a new folder inside the output folder, synced, then moved over
//! the old ones (data files first, the manifest last), each move atomic: a full disk or a crash
//! leaves the previous dataset whole, a file or link planted in the output folder is never
//! written through (a link where a dataset file goes is refused), and no temporary file is left
//! behind. A reader that finds a file's hash not the manifest's caught the few microseconds
//! between two moves, and reads again.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::keyword_database::{write_row, CallIdentity, IdentityCategory};
use super::{EntryKind, LabelCategory, LabelRef, PlanOptions, PlanSummary, Run};
use crate::files::TempDir;
use crate::risk::Policy;
use crate::store::{format_time, now, Store, StoreError};

/// The manifest file name.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The sample `PIRProcessDatabase` configuration of the block database.
pub const BLOCK_CONFIG_FILE: &str = "block-config.json";
/// The sample `PIRProcessDatabase` configuration of the identity database.
pub const IDENTITY_CONFIG_FILE: &str = "identity-config.json";
/// The default budget of a Live Caller ID export, in entries (about 30 MB of files); raise it
/// (`--budget`) for a bigger dataset.
pub const DEFAULT_LIVE_BUDGET: u64 = 1_000_000;
/// How long a phone reuses an identity by default: a day, so a number reported today is
/// labelled on every phone by tomorrow.
pub const DEFAULT_CACHE_EXPIRY_MINUTES: u32 = 24 * 60;

/// The files a dataset is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveFormat {
    /// Apple's `KeywordDatabase` protobufs, what `PIRProcessDatabase` reads, with sample
    /// configurations.
    Apple,
    /// JSON Lines, for people and other tools.
    Jsonl,
}

impl LiveFormat {
    /// The block and identity file names.
    pub fn files(self) -> (&'static str, &'static str) {
        match self {
            LiveFormat::Apple => ("block.binpb", "identity.binpb"),
            LiveFormat::Jsonl => ("block.jsonl", "identity.jsonl"),
        }
    }
}

/// How to write a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    /// Apple's format or JSON Lines.
    pub format: LiveFormat,
    /// How long a phone may reuse an identity before asking again (`CallIdentity`'s
    /// `cache_expiry_minutes`; 0 leaves it to the system).
    pub cache_expiry_minutes: u32,
    /// Export the labels people gave their allow-list entries. Off unless asked for: they are
    /// the user's, and a dataset is served to everyone.
    pub user_labels: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            format: LiveFormat::Apple,
            cache_expiry_minutes: DEFAULT_CACHE_EXPIRY_MINUTES,
            user_labels: false,
        }
    }
}

/// Our label categories as Apple's: the name carries the meaning ("詐欺の疑い (3件)"); the
/// category only says how the phone may present it. A suspected scam is never dignified as a
/// business; nuisance callers (telemarketing, robocalls, surveys) are businesses; a person's own
/// label names a caller of either kind.
pub fn identity_category(category: LabelCategory) -> IdentityCategory {
    match category {
        LabelCategory::Nuisance => IdentityCategory::Business,
        LabelCategory::None | LabelCategory::SuspectedScam | LabelCategory::UserLabel => {
            IdentityCategory::Unspecified
        }
    }
}

/// The version of the dataset already in `dir`, if its manifest says one: the next export's
/// version must be greater.
pub fn installed_version(dir: &Path) -> Option<u64> {
    let path = dir.join(MANIFEST_FILE);
    // Only a plain file of a sane size: a link or a huge file is no manifest of ours.
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let mut text = String::new();
    File::open(&path).ok()?.read_to_string(&mut text).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("version")?.as_u64()
}

/// One dataset file as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetFile {
    /// The file name, in the manifest's directory.
    pub file: String,
    /// Lines (entries).
    pub entries: u64,
    /// Bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveManifest {
    /// Always `callguard-live-caller-id`.
    pub format: &'static str,
    /// The manifest's version: 2 (1 had JSON Lines only, and exported people's own labels).
    pub format_version: u32,
    /// The files' format: `apple` or `jsonl`.
    pub data_format: LiveFormat,
    /// The dataset's version: grows with every export into the same folder (the Unix seconds
    /// of the export, or one more than the version already there if that is not less).
    pub version: u64,
    /// When it was written, `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated_at: String,
    /// The block database: `block.binpb` (or `block.jsonl`).
    pub block: DatasetFile,
    /// The identity database: `identity.binpb` (or `identity.jsonl`).
    pub identity: DatasetFile,
    /// The sample `PIRProcessDatabase` configurations (Apple's format only).
    pub pir_configs: Vec<String>,
    /// The identities' `cache_expiry_minutes` (Apple's format).
    pub cache_expiry_minutes: u32,
    /// Whether people's own allow-list labels (and those numbers) were exported.
    pub user_labels: bool,
    /// What the planner decided and left out.
    pub plan: PlanSummary,
}

struct Dataset {
    file: BufWriter<HashingFile>,
    name: &'static str,
    entries: u64,
}

/// A file that hashes what is written through it.
struct HashingFile {
    file: File,
    hash: Sha256,
    bytes: u64,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Dataset {
    fn create(dir: &TempDir, name: &'static str) -> std::io::Result<Dataset> {
        Ok(Dataset {
            file: BufWriter::with_capacity(
                1 << 16,
                HashingFile {
                    file: dir.create(name)?,
                    hash: Sha256::new(),
                    bytes: 0,
                },
            ),
            name,
            entries: 0,
        })
    }

    fn finish(self) -> std::io::Result<DatasetFile> {
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.file.sync_all()?;
        Ok(DatasetFile {
            file: self.name.to_owned(),
            entries: self.entries,
            bytes: file.bytes,
            sha256: file
                .hash
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        })
    }
}

/// Writes the two datasets from planned runs, then the manifest.
pub struct LiveWriter {
    /// The output folder.
    dir: std::path::PathBuf,
    /// Where the files are written until all are complete; removed if they never are.
    tmp: TempDir,
    options: LiveOptions,
    block: Dataset,
    identity: Dataset,
    /// The identity of the current run, encoded once per run: a serialized `CallIdentity`,
    /// or the JSON-escaped label.
    value: Vec<u8>,
    /// One row, or one keyword, being written.
    scratch: Vec<u8>,
    keyword: Vec<u8>,
}

impl LiveWriter {
    /// Starts a dataset for `dir`, which must exist: its files are written in a new folder
    /// inside it and replace those in `dir` only when [`LiveWriter::finish`] succeeds.
    pub fn create(dir: &Path, options: &LiveOptions) -> std::io::Result<LiveWriter> {
        let tmp = TempDir::new_in(dir, "callguard-live")?;
        let (block, identity) = options.format.files();
        Ok(LiveWriter {
            dir: dir.to_owned(),
            block: Dataset::create(&tmp, block)?,
            identity: Dataset::create(&tmp, identity)?,
            tmp,
            options: options.clone(),
            value: Vec::new(),
            scratch: Vec::new(),
            keyword: Vec::new(),
        })
    }

    /// Writes one planned run (runs come in ascending order).
    pub fn run(&mut self, run: Run, label: LabelRef<'_>) -> std::io::Result<()> {
        let (name, category) = label;
        if category == LabelCategory::UserLabel && !self.options.user_labels {
            // The planner withholds them already; a person's words never reach the files.
            return Ok(());
        }
        let blocked = run.kind == EntryKind::Block;
        let identified = category != LabelCategory::None && !name.is_empty();
        self.value.clear();
        match self.options.format {
            LiveFormat::Apple => {
                if identified {
                    CallIdentity {
                        name,
                        cache_expiry_minutes: self.options.cache_expiry_minutes,
                        category: identity_category(category),
                    }
                    .encode(&mut self.value);
                }
                for n in run.first..=run.last {
                    self.keyword.clear();
                    write!(self.keyword, "+{n}")?;
                    let block = [u8::from(blocked)];
                    write_row(
                        &mut self.block.file,
                        &mut self.scratch,
                        &self.keyword,
                        &block,
                    )?;
                    if identified {
                        let value = &self.value;
                        write_row(
                            &mut self.identity.file,
                            &mut self.scratch,
                            &self.keyword,
                            value,
                        )?;
                    }
                }
                self.block.entries += run.len();
            }
            LiveFormat::Jsonl => {
                serde_json::to_writer(&mut self.value, name).map_err(std::io::Error::from)?;
                for n in run.first..=run.last {
                    if blocked {
                        writeln!(self.block.file, "{{\"number\":\"+{n}\"}}")?;
                    }
                    if identified {
                        write!(self.identity.file, "{{\"number\":\"+{n}\",\"name\":")?;
                        self.identity.file.write_all(&self.value)?;
                        writeln!(
                            self.identity.file,
                            ",\"category\":\"{}\"}}",
                            category.as_str()
                        )?;
                    }
                }
                if blocked {
                    self.block.entries += run.len();
                }
            }
        }
        if identified {
            self.identity.entries += run.len();
        }
        Ok(())
    }

    /// Closes the datasets, writes the sample configurations and `manifest.json`, and moves
    /// the files into the output folder (the manifest last). On failure the folder is as it
    /// was.
    pub fn finish(
        self,
        version: u64,
        generated_at: String,
        plan: PlanSummary,
    ) -> std::io::Result<LiveManifest> {
        let block = self.block.finish()?;
        let identity = self.identity.finish()?;
        let mut names = vec![block.file.clone(), identity.file.clone()];
        if self.options.format == LiveFormat::Apple {
            for (config, data, per_shard) in [
                (BLOCK_CONFIG_FILE, &block.file, BLOCK_ENTRIES_PER_SHARD),
                (
                    IDENTITY_CONFIG_FILE,
                    &identity.file,
                    IDENTITY_ENTRIES_PER_SHARD,
                ),
            ] {
                write_synced(&self.tmp, config, &pir_config(data, per_shard))?;
                names.push(config.to_owned());
            }
        }
        let manifest = LiveManifest {
            format: "callguard-live-caller-id",
            format_version: 2,
            data_format: self.options.format,
            version,
            generated_at,
            block,
            identity,
            pir_configs: names[2..].to_vec(),
            cache_expiry_minutes: self.options.cache_expiry_minutes,
            user_labels: self.options.user_labels,
            plan,
        };
        let mut text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::from)?;
        text.push(b'\n');
        write_synced(&self.tmp, MANIFEST_FILE, &text)?;
        names.push(MANIFEST_FILE.to_owned());
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.tmp.move_into(&self.dir, &names)?;
        Ok(manifest)
    }
}

/// Rows per shard in the sample configurations, as Apple's testing guide has them: block rows
/// are one byte, identity rows far larger.
const BLOCK_ENTRIES_PER_SHARD: u64 = 50_000;
const IDENTITY_ENTRIES_PER_SHARD: u64 = 5_000;

/// A sample `PIRProcessDatabase` configuration for the database `data`, with the parameters
/// Apple's testing guide uses (`PIRProcessDatabase --help` prints every key).
fn pir_config(data: &str, entries_per_shard: u64) -> Vec<u8> {
    let stem = data.trim_end_matches(".binpb");
    let config = serde_json::json!({
        "inputDatabase": data,
        "outputDatabase": format!("{stem}-SHARD_ID.bin"),
        "outputPirParameters": format!("{stem}-SHARD_ID.params.txtpb"),
        "rlweParameters": "n_4096_logq_27_28_28_logt_5",
        "sharding": { "entryCountPerShard": entries_per_shard },
        "trialsPerShard": 5,
    });
    let mut text = serde_json::to_vec_pretty(&config).unwrap_or_default();
    text.push(b'\n');
    text
}

fn write_synced(dir: &TempDir, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = dir.create(name)?;
    file.write_all(bytes)?;
    file.sync_all()
}

impl Store {
    /// Writes the Live Caller ID Lookup dataset into `dir` (created if needed): see
    /// [`crate::call_directory::live`]. Reads the lists and reports in one read transaction and
    /// stores nothing.
    pub fn export_live_caller_id(
        &self,
        policy: &Policy,
        options: &PlanOptions,
        live: &LiveOptions,
        dir: &Path,
    ) -> Result<LiveManifest, StoreError> {
        let context = "exporting the Live Caller ID dataset";
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        // Every export gets a new version, even two in the same second.
        let at = now();
        let version = match installed_version(dir) {
            Some(previous) if previous >= at.max(0) as u64 => previous
                .checked_add(1)
                .filter(|&v| v <= i64::MAX as u64)
                .ok_or_else(|| {
                    StoreError::io(
                        &dir.join(MANIFEST_FILE),
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "the dataset there has version {previous}: no later version \
                                     exists (export into a new folder)"
                            ),
                        ),
                    )
                })?,
            _ => at.max(0) as u64,
        };
        let mut writer = LiveWriter::create(dir, live).map_err(|e| StoreError::io(dir, e))?;
        let reader = self.reader_conn();
        let tx = reader
            .conn
            .unchecked_transaction()
            .map_err(self.err(context))?;
        let (mut planner, sources) = self.directory_planner(&tx, policy, options)?;
        planner.label_blocked_reports(true);
        if !live.user_labels {
            planner.withhold_user_labels();
        }
        let summary = planner.plan(
            options,
            |push| sources.stream(&tx, push).map_err(self.err(context)),
            &mut |_, run, label| writer.run(run, label).map_err(|e| StoreError::io(dir, e)),
        )?;
        tx.commit().map_err(self.err(context))?;
        drop(reader);

        writer
            .finish(version, format_time(at), summary)
            .map_err(|e| StoreError::io(dir, e))
    }
}
