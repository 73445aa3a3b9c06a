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
