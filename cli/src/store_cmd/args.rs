//! The store commands' arguments, as clap reads them.

use std::path::PathBuf;

use callguard_core::store::{ListKind, ReportCategory};
use callguard_core::Region;
use clap::{Args, Subcommand, ValueEnum};

use super::parse_category;
use crate::input::parse_region;

/// Where the database is and how to read numbers.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The database file [default: $XDG_DATA_HOME/callguard/callguard.db].
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The home region (ISO 3166 code): national numbers are read as dialled there.
    #[arg(long, value_name = "CC", default_value = "JP", value_parser = parse_region)]
    pub region: Region,
}

/// The store's commands (flattened into the top-level command list).
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Import a feed of reported numbers (CSV, JSON Lines or the FTC's DNC CSV).
    Import(ImportArgs),
    /// Manage the allow and block lists.
    #[command(subcommand)]
    List(ListCommand),
    /// Report a number (it counts as evidence at once, and is kept for export).
    Report(ReportArgs),
    /// The user's own reports.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Show what the database holds.
    Stats(ShowArgs),
    /// Installed feeds: list or remove.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Trusted feed-signing keys kept in the database.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The database file itself: repair a damaged one.
    #[command(subcommand)]
    Db(DbCommand),
    /// Pause protection for a while (every call rings; the block list still blocks), end a
    /// pause, or show it.
    Pause(PauseArgs),
    /// A policy preset per phone line (SIM): set, clear, show.
    #[command(subcommand)]
    Line(LineCommand),
}

/// `callguard pause`: with no option, shows the pause in force.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("how_long").args(["minutes", "hours", "until", "off"])))]
pub struct PauseArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Pause for this many minutes (a pause lasts at most 24 hours).
    #[arg(long, value_name = "N")]
    pub minutes: Option<u32>,
    /// Pause for this many hours (at most 24).
    #[arg(long, value_name = "N")]
    pub hours: Option<u32>,
    /// Pause until this time (UTC: YYYY-MM-DDTHH:MM:SSZ, or Unix seconds), at most 24 hours
    /// from now.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// End the pause now.
    #[arg(long)]
    pub off: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `callguard line ...`: calls on a line (as the phone names it) screened under a preset.
#[derive(Debug, Subcommand)]
pub enum LineCommand {
    /// Screen calls on LINE under PRESET (balanced, elderly, minimal).
    Set {
        /// The line's id, as the phone names it.
        line: String,
        /// The preset.
        preset: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Screen calls on LINE under the policy in use again.
    Clear {
        /// The line's id.
        line: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Show every line's preset.
    Show(ShowArgs),
}

/// `callguard db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Repair a damaged database (a healthy one is left as it is).
    ///
    /// Keeps what can be read of the lists, your reports, trusted keys and the call log, moves
    /// the damaged file aside (it is never deleted) and starts a fresh database with them.
    /// Feeds must be imported again: the summary names them. Exits 1 without changing
    /// anything when the database is locked by another process, from a newer callguard, in a
    /// read-only folder or on a full disk.
    Recover(ShowArgs),
}

/// Feed formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// callguard's CSV.
    Csv,
    /// JSON Lines.
    Jsonl,
    /// The FTC's "Do Not Call reported calls" CSV.
    Ftc,
}

/// Feed kinds on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Replaces the feed's previous entries.
    Full,
    /// Adds to (and removes from) the installed feed.
    Delta,
}

/// Lists on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListArg {
    /// The block list.
    Block,
    /// The allow list.
    Allow,
}

impl From<ListArg> for ListKind {
    fn from(list: ListArg) -> ListKind {
        match list {
            ListArg::Block => ListKind::Block,
            ListArg::Allow => ListKind::Allow,
        }
    }
}

/// `callguard import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The feed file.
    pub file: PathBuf,
    /// The format [default: from the content and the file name].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// The feed's name [default: the file's `# name:` line; `ftc-dnc` for FTC files].
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The feed's version [default: the file's `# version:` line, else installed + 1].
    #[arg(long, value_name = "N")]
    pub feed_version: Option<u64>,
    /// Full replaces the feed, delta patches it [default: `# kind:`, else full; delta for FTC].
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// A trusted ed25519 public key file (repeatable): the feed must carry a valid signature.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// The detached signature [default: FILE.sig].
    #[arg(long, value_name = "FILE")]
    pub sig: Option<PathBuf>,
    /// A signed manifest naming the file's SHA-256 [default: FILE.manifest.json if present].
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Skip and count malformed lines instead of aborting.
    #[arg(long)]
    pub skip_invalid: bool,
    /// `--json` prints the summary as JSON.
    #[command(flatten)]
    pub out: ShowArgs,
}

/// For the commands that show something: `--json` and the database.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub store: StoreArgs,
}

/// For the commands that name a feed or a key: the name and the database.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The feed's or the key's name.
    pub name: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub store: StoreArgs,
}

/// A list entry: which list, the pattern, and the database.
#[derive(Debug, Args)]
pub struct EntryArgs {
    /// block or allow.
    #[arg(value_enum)]
    pub list: ListArg,
    /// An exact number, a prefix (`+8150*`, `050*`) or a range (`FROM..TO`); any spelling of
    /// the same numbers.
    pub pattern: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub store: StoreArgs,
}

/// `callguard list ...`.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Add an exact number, a prefix (`+8150*`, `050*`) or a range (`FROM..TO`).
    Add {
        #[command(flatten)]
        #[allow(missing_docs)]
        entry: EntryArgs,
        /// A short name shown with the call.
        #[arg(long)]
        label: Option<String>,
        /// A longer note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Remove an entry.
    Remove(EntryArgs),
    /// Show both lists.
    Show(ShowArgs),
}

/// `callguard report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The number.
    pub number: String,
    /// What it was.
    #[arg(long, value_parser = parse_category)]
    pub category: ReportCategory,
    /// What happened, in the user's words.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub store: StoreArgs,
}

/// `callguard reports ...`.
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Write the user's own reports as JSON (for an app to upload).
    Export {
        /// The output file [default: standard output].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        #[allow(missing_docs)]
        store: StoreArgs,
    },
}

/// `callguard feed ...`.
#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// List installed feeds.
    List(ShowArgs),
    /// Remove a feed and its reports (the user's lists and reports stay).
    Remove(NameArgs),
    /// Publishing: the publisher's signing key.
    #[command(subcommand)]
    Key(PublisherKeyCommand),
    /// Publishing: build a full feed from many phones' reports.
    Build(BuildArgs),
    /// Publishing: sign a feed (writes FEED.manifest.json and its .sig).
    Sign(SignArgs),
    /// Publishing: the delta from one full version of a feed to the next.
    Diff(DiffArgs),
}

/// `callguard feed key ...`.
#[derive(Debug, Subcommand)]
pub enum PublisherKeyCommand {
    /// Generate an ed25519 key pair: the private key readable only by you (never printed),
    /// the public key beside it as FILE with the extension `.pub`.
    Generate {
        /// The private key file to create (never replaced).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        #[allow(missing_docs)]
        say: SayArgs,
    },
}

/// How a publishing command speaks: JSON or a summary in a language.
#[derive(Debug, Args)]
pub struct SayArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// The summary's language [default: from LANG].
    #[arg(long, value_parser = crate::input::parse_lang)]
    pub lang: Option<callguard_core::Lang>,
}

/// Report formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    /// The phones' `reports export` JSON (one document per phone, or many in a row).
    Export,
    /// CSV: number, reporter, category, reported_at.
    Csv,
    /// The FTC's "Do Not Call reported calls" CSV (a row is one complaint).
    Ftc,
}

/// `callguard feed build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Report files, or folders of them.
    #[arg(required = true, value_name = "REPORTS")]
    pub inputs: Vec<PathBuf>,
    /// The feed file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The feed's name, as phones list it.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The feed's version (each build a larger one).
    #[arg(long = "feed-version", value_name = "N")]
    pub version: u64,
    /// The reports' format [default: from each file's content].
    #[arg(long, value_enum)]
    pub format: Option<ReportFormatArg>,
    /// The home region: national numbers in the reports are read as dialled there.
    #[arg(long, value_name = "CC", default_value = "JP", value_parser = parse_region)]
    pub region: Region,
    /// Independent reporters a number needs before it is published.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_reporters: u64,
    /// Days after which a report weighs half.
    #[arg(long, value_name = "DAYS", default_value_t = 30.0)]
    pub half_life_days: f64,
    /// The build's time, to which ages are counted (YYYY-MM-DD or RFC 3339) [default: now].
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Memory for sorting, in MiB: beyond it, sorted runs go to disk.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub memory_mib: usize,
    /// Where sorted runs go [default: the system's temporary folder].
    #[arg(long, value_name = "DIR")]
    pub tmp: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub say: SayArgs,
}

/// `callguard feed sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The feed (full or delta) to sign.
    pub feed: PathBuf,
    /// The private key (from `feed key generate`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub say: SayArgs,
}

/// `callguard feed diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older full feed (the version phones have).
    pub old: PathBuf,
    /// The newer full feed.
    pub new: PathBuf,
    /// The delta file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub say: SayArgs,
}

/// `callguard key ...`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Trust a public key for every later import.
    Add {
        #[command(flatten)]
        #[allow(missing_docs)]
        key: NameArgs,
        /// The public key file (base64, hex or PEM).
        file: PathBuf,
    },
    /// Stop trusting a key.
    Remove(NameArgs),
    /// List trusted keys.
    List(StoreArgs),
}
