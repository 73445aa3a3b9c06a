//! `callguard check`: one number, or one per line with `--batch`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use callguard_core::{
    Classifier, IncomingCall, Lang, LocalTime, Policy, Presentation, Region, Screener, Verification,
};
use clap::Args;

use callguard_core::store::{self, Store};

use crate::output;
use crate::store_cmd::{default_db_path, store_error};
use crate::CliError;

/// Options shared by `check` and `demo`: where the caller is and how to speak.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// The home region (ISO 3166 code): national numbers are read as dialled there.
    #[arg(long, default_value = "JP", value_parser = parse_region)]
    pub region: Region,
    /// The policy: a preset (balanced, elderly, minimal) or a policy JSON file.
    #[arg(long, default_value = "balanced")]
    pub policy: String,
    /// Language of messages and advice (default: from LANG, else en).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

impl ScreenArgs {
    /// The screener these options describe.
    pub fn screener(&self) -> Result<Screener, CliError> {
        let risk = load_policy(&self.policy)?;
        Ok(Screener::with_parts(Classifier::new(self.region), risk))
    }

    /// The language to speak.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_else(lang_from_env)
    }
}

/// `callguard check` options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    screen: ScreenArgs,
    /// How the network presented the number.
    #[arg(long, default_value = "allowed", value_parser = parse_presentation)]
    presentation: Presentation,
    /// Whether the network verified the number (STIR/SHAKEN).
    #[arg(long, default_value = "not-verified", value_parser = parse_verification)]
    verification: Verification,
    /// The caller is in the person's contacts.
    #[arg(long)]
    contact: bool,
    /// Who the caller says they are (e.g. "総務省", "the police"): compared with the number.
    #[arg(long, value_name = "TEXT")]
    claims: Option<String>,
    /// A file with the words heard on the call or left as a message (- for standard input):
    /// scanned for scam scripts.
    #[arg(long, value_name = "FILE|-")]
    transcript: Option<PathBuf>,
    /// The local time of the call (HH:MM), for the policy's quiet hours.
    #[arg(long, value_name = "HH:MM", value_parser = parse_time)]
    at: Option<LocalTime>,
    /// Print JSON instead of text for people.
    #[arg(long)]
    json: bool,
    /// The database to consult for lists, reports and recent calls [default: the default
    /// database, if it exists].
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Record the screened call in the database's call log (repeat-caller rules count these).
    #[arg(long)]
    log: bool,
    /// Screen every line of FILE (or - for standard input); prints one JSON object per line.
    #[arg(long, value_name = "FILE|-", conflicts_with = "number")]
    batch: Option<PathBuf>,
    /// The caller's number as shown (national, international, tel: URI ...). May be left out
    /// for a call without a number (--presentation restricted, unavailable ...).
    #[arg(allow_hyphen_values = true)]
    number: Option<String>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    let mut screener = args.screen.screener()?;
    if let Some(store) = open_store(args)? {
        screener = screener.with_store(Arc::new(store));
    } else if args.log {
        return Err(CliError::Usage(
            "--log needs a database: give --db PATH (create one with `callguard list` or `import`)"
                .into(),
        ));
    }
    let lang = args.screen.lang();
    if let Some(path) = &args.batch {
        return batch(args, &screener, lang, path);
    }
    if args.number.is_none() && args.presentation == Presentation::Allowed {
        return Err(CliError::Usage(
            "give the caller's NUMBER, --presentation for a call without one, or --batch FILE"
                .into(),
        ));
    }
    let call = IncomingCall {
        number: args.number.clone(),
        transcript: read_transcript(args)?,
        ..call_template(args)
    };
    let assessment = screener.screen(&call);
    if args.log {
        screener
            .record(&assessment, store::now())
            .map_err(store_error)?;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = if args.json {
        output::write_json_line(&mut out, &assessment, lang)
    } else {
        output::write_human(&mut out, &assessment, lang)
    };
    written.map_err(CliError::output)
}

fn batch(args: &CheckArgs, screener: &Screener, lang: Lang, path: &Path) -> Result<(), CliError> {
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut call = IncomingCall {
        transcript: read_transcript(args)?,
        ..call_template(args)
    };
    for (index, line) in input.lines().enumerate() {
        let line = line
            .map_err(|e| CliError::Usage(format!("{}: line {}: {e}", path.display(), index + 1)))?;
        let number = line.trim();
        if number.is_empty() {
            continue;
        }
        call.number = Some(number.to_owned());
        let assessment = screener.screen(&call);
        if args.log {
            screener
                .record(&assessment, store::now())
                .map_err(store_error)?;
        }
        output::write_json_line(&mut out, &assessment, lang).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)
}

/// The call the options describe, without its number and transcript.
fn call_template(args: &CheckArgs) -> IncomingCall {
    IncomingCall {
        number: None,
        presentation: args.presentation,
        verification: args.verification,
        is_contact: args.contact,
        local_time: args.at,
        claims: args.claims.clone(),
        transcript: None,
    }
}

/// The transcript file's text, if one was given.
fn read_transcript(args: &CheckArgs) -> Result<Option<String>, CliError> {
    let Some(path) = &args.transcript else {
        return Ok(None);
    };
    let text = if path.as_os_str() == "-" {
        if args.batch.as_deref().is_some_and(|b| b.as_os_str() == "-") {
            return Err(CliError::Usage(
                "--transcript - and --batch - cannot both read standard input".into(),
            ));
        }
        std::io::read_to_string(io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| CliError::Usage(format!("cannot read transcript {}: {e}", path.display())))?;
    Ok(Some(text))
}

/// The store `check` consults: `--db PATH` (which must exist), else the default database if
/// there is one, else none.
fn open_store(args: &CheckArgs) -> Result<Option<Store>, CliError> {
    let path = match &args.db {
        Some(path) if !path.exists() => {
            return Err(CliError::Usage(format!(
                "no database at {}: create one with `callguard list add` or `callguard import`",
                path.display()
            )))
        }
        Some(path) => path.clone(),
        None => match default_db_path().filter(|p| p.exists()) {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    // One call: read reported numbers from SQLite rather than load them all only to exit.
    // A batch loads them in the background and answers from memory once they are in.
    let report_loading = if args.batch.is_some() {
        store::ReportLoading::Background
    } else {
        store::ReportLoading::Never
    };
    let options = store::StoreOptions {
        region: args.screen.region,
        report_loading,
        ..store::StoreOptions::default()
    };
    Store::open_with(&path, options)
        .map(Some)
        .map_err(store_error)
}

/// A preset name or a policy file.
pub fn load_policy(policy: &str) -> Result<Arc<Policy>, CliError> {
    if let Some(preset) = Policy::preset(policy) {
        return Ok(preset);
    }
    let path = Path::new(policy);
    if !path.exists() && !policy.contains(['/', '.']) {
        let presets: Vec<&str> = Policy::preset_names().collect();
        return Err(CliError::Usage(format!(
            "unknown policy {policy:?}: expected a preset ({}) or a policy file",
            presets.join(", ")
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read policy {}: {e}", path.display())))?;
    Policy::from_json(&text)
        .map(Arc::new)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// The language from the environment: `LC_ALL`, then `LANG`; `ja*` is Japanese, else English.
pub fn lang_from_env() -> Lang {
    let lang = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    if lang.starts_with("ja") {
        Lang::Ja
    } else {
        Lang::En
    }
}

fn parse_region(text: &str) -> Result<Region, String> {
    text.parse()
        .map_err(|e: callguard_core::region::UnknownRegion| e.to_string())
}

/// Parses `--lang`.
pub fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

fn parse_presentation(text: &str) -> Result<Presentation, String> {
    text.parse()
}

fn parse_time(text: &str) -> Result<LocalTime, String> {
    text.parse()
}

fn parse_verification(text: &str) -> Result<Verification, String> {
    text.parse()
}
