//! The Live Caller ID Lookup (iOS 18) dataset: what a lookup server builds its private
//! information retrieval databases from.
//!
//! With Live Caller ID Lookup the phone asks a server, privately, for a block byte and an
//! identity keyed by the caller's number as a "+E164" string. callguard writes, into one
//! directory, the two datasets such a server loads and a manifest:
//!
//! - `block.jsonl`: one line per number to block, ascending: `{"number": "+815012345678"}`.
//! - `identity.jsonl`: one line per number to label, ascending:
//!   `{"number": "+815012345679", "name": "詐欺の疑い (3件)", "category": "suspected_scam"}`;
//!   `category` is `suspected_scam`, `nuisance` or `user_label` (an allow-list entry's label).
//! - `manifest.json`: `{"format": "callguard-live-caller-id", "format_version": 1, "version":
//!   N, "generated_at": "...", "block": {"file": "block.jsonl", "entries": N, "bytes": N,
//!   "sha256": "..."}, "identity": {...}, "plan": {summary}}`.
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

use super::{EntryKind, LabelCategory, PlanOptions, PlanSummary, Run};
use crate::files::TempDir;
use crate::risk::Policy;
use crate::store::{format_time, now, Store, StoreError};

/// The block and identity file names.
pub const BLOCK_FILE: &str = "block.jsonl";
/// The identity file name.
pub const IDENTITY_FILE: &str = "identity.jsonl";
/// The manifest file name.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The default budget of a Live Caller ID export, in entries (about 30 MB of files); raise it
/// (`--budget`) for a bigger dataset.
pub const DEFAULT_LIVE_BUDGET: u64 = 1_000_000;

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
    /// The format's version: 1.
    pub format_version: u32,
    /// The dataset's version: grows with every export into the same folder (the Unix seconds
    /// of the export, or one more than the version already there if that is not less).
    pub version: u64,
    /// When it was written, `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated_at: String,
    /// `block.jsonl`.
    pub block: DatasetFile,
    /// `identity.jsonl`.
    pub identity: DatasetFile,
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
    block: Dataset,
    identity: Dataset,
    /// The label of the last identity run, JSON-escaped once per run.
    label_json: String,
}

impl LiveWriter {
    /// Starts a dataset for `dir`, which must exist: its files are written in a new folder
    /// inside it and replace those in `dir` only when [`LiveWriter::finish`] succeeds.
    pub fn create(dir: &Path) -> std::io::Result<LiveWriter> {
        let tmp = TempDir::new_in(dir, "callguard-live")?;
        Ok(LiveWriter {
            dir: dir.to_owned(),
            block: Dataset::create(&tmp, BLOCK_FILE)?,
            identity: Dataset::create(&tmp, IDENTITY_FILE)?,
            tmp,
            label_json: String::new(),
        })
    }

    /// Writes one planned run (runs come in ascending order).
    pub fn run(&mut self, run: Run, label: (&str, LabelCategory)) -> std::io::Result<()> {
        match run.kind {
            EntryKind::Block => {
                for n in run.first..=run.last {
                    writeln!(self.block.file, "{{\"number\":\"+{n}\"}}")?;
                }
                self.block.entries += run.len();
            }
            EntryKind::Identify => {
                self.label_json = serde_json::to_string(label.0).map_err(std::io::Error::from)?;
                for n in run.first..=run.last {
                    writeln!(
                        self.identity.file,
                        "{{\"number\":\"+{n}\",\"name\":{},\"category\":\"{}\"}}",
                        self.label_json,
                        label.1.as_str()
                    )?;
                }
                self.identity.entries += run.len();
            }
        }
        Ok(())
    }

    /// Closes the datasets, writes `manifest.json`, and moves the three files into the output
    /// folder (the manifest last). On failure the folder is as it was.
    pub fn finish(
        self,
        version: u64,
        generated_at: String,
        plan: PlanSummary,
    ) -> std::io::Result<LiveManifest> {
        let manifest = LiveManifest {
            format: "callguard-live-caller-id",
            format_version: 1,
            version,
            generated_at,
            block: self.block.finish()?,
            identity: self.identity.finish()?,
            plan,
        };
        let mut text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::from)?;
        text.push(b'\n');
        let mut file = self.tmp.create(MANIFEST_FILE)?;
        file.write_all(&text)?;
        file.sync_all()?;
        drop(file);
        self.tmp
            .move_into(&self.dir, &[BLOCK_FILE, IDENTITY_FILE, MANIFEST_FILE])?;
        Ok(manifest)
    }
}

impl Store {
    /// Writes the Live Caller ID Lookup dataset into `dir` (created if needed): see
    /// [`crate::directory::live`]. Reads the lists and reports in one read transaction and
    /// stores nothing.
    pub fn export_live_caller_id(
        &self,
        policy: &Policy,
        options: &PlanOptions,
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
        let mut writer = LiveWriter::create(dir).map_err(|e| StoreError::io(dir, e))?;
        let reader = self.reader_conn();
        let tx = reader
            .conn
            .unchecked_transaction()
            .map_err(self.err(context))?;
        let (planner, sources) = self.directory_planner(&tx, policy, options)?;
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
