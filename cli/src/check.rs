//! `callguard check`: one number, or one per line with `--batch`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use callguard_core::store::{self, Store, StoreError};
use callguard_core::{
    Assessment, Classifier, IncomingCall, Lang, LocalTime, Policy, Presentation, Region, Screener,
    Verification,
};
use clap::Args;

use crate::input::{parse_lang, parse_region};
use crate::store_cmd::default_db_path;
use crate::{input, output, CliError};

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
    /// scanned for scam scripts (its first 64 KiB).
    #[arg(long, value_name = "FILE|-")]
    transcript: Option<PathBuf>,
    /// The local time of the call (HH:MM), for the policy's quiet hours.
    #[arg(long, value_name = "HH:MM", value_parser = parse_time)]
    at: Option<LocalTime>,
    /// Print JSON instead of text for people.
    #[arg(long)]
    json: bool,
    /// The database to consult for lists, reports and recent calls [default: the default
    /// database, if it exists]. Never created or changed by screening; if it cannot be used,
    /// the verdict still comes (fail open) with a warning on stderr.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Record the screened call in the database's call log (repeat-caller rules count these),
    /// after the verdict is printed; a call that cannot be logged is a warning.
    #[arg(long)]
    log: bool,
    /// Screen every line of FILE (or - for standard input); prints one JSON object per line.
    #[arg(long, value_name = "FILE|-", conflicts_with = "number")]
    batch: Option<PathBuf>,
    /// The caller's number as shown (national, international, tel: URI ...). May be left out
    /// for a call without a number (--presentation restricted, unavailable ...). A number
    /// that starts with `-` goes after `--`.
    number: Option<String>,
}

/// Runs `check`: usage is checked first (exit 2), then every call gets its verdict, whatever
/// the database does (fail open), and only then is it logged.
pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    let screener = args.screen.screener()?;
    let lang = args.screen.lang();
    if args.batch.is_none() && args.number.is_none() && args.presentation == Presentation::Allowed {
        return Err(CliError::Usage(
            "give the caller's NUMBER, --presentation for a call without one, or --batch FILE"
                .into(),
        ));
    }
    let transcript = read_transcript(args)?;
    let input = match &args.batch {
        Some(path) => Some(open_batch(path)?),
        None => None,
    };
    let mut screening = Screening::open(args, screener);
    let template = IncomingCall {
        transcript,
        ..call_template(args)
    };
    if let Some(input) = input {
        let path = args.batch.as_deref().unwrap_or(Path::new("-"));
        return batch(&mut screening, template, lang, input, path);
    }
    let call = IncomingCall {
        number: args.number.clone(),
        ..template
    };
    let assessment = screening.screener.screen(&call);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = if args.json {
        output::write_json_line(&mut out, &assessment, lang)
    } else {
        output::write_human(&mut out, &assessment, lang)
    };
    written
        .and_then(|()| out.flush())
        .map_err(CliError::output)?;
    drop(out);
    // The verdict is out: only now may the call log (which can wait for a lock) have its turn.
    if let Err(problem) = screening.log(&assessment) {
        eprintln!("callguard: warning: the call was not logged: {problem}");
    }
    Ok(())
}

/// The screener `check` uses, with its database (or why there is none), and where screened
/// calls are logged.
struct Screening {
    screener: Screener,
    /// With `--log`: the store that logs, or why calls cannot be logged.
    log: Option<Result<Arc<Store>, String>>,
}

impl Screening {
    /// Opens the database `check` consults: `--db PATH`, else the default database if there is
    /// one. Screening never creates, converts or changes the file: it is opened read-only, or
    /// with `--log` read-write without creating it. If it cannot be used, screening fails open
    /// (the calls only it could decide ring with `screening_unavailable`) and one warning on
    /// stderr says why and what repairs it.
    fn open(args: &CheckArgs, screener: Screener) -> Screening {
        let path = match &args.db {
            Some(path) => Some(path.clone()),
            None => default_db_path().filter(|p| p.exists()),
        };
        let Some(path) = path else {
            return Screening {
                screener,
                log: args.log.then(|| {
                    Err(
                        "no database: give --db PATH (create one with `callguard list add` \
                         or `callguard import`)"
                            .to_owned(),
                    )
                }),
            };
        };
        // One call: read reported numbers from SQLite rather than load them all only to exit.
        // A batch loads them in the background and answers from memory once they are in.
        let report_loading = if args.batch.is_some() {
            store::ReportLoading::Background
        } else {
            store::ReportLoading::Never
        };
        let options = |read_only: bool| store::StoreOptions {
            region: args.screen.region,
            report_loading,
            read_only,
            create: false,
            ..store::StoreOptions::default()
        };
        let mut opened = Store::open_with(&path, options(!args.log));
        if matches!(opened, Err(StoreError::NeedsUpgrade { .. })) {
            // A database of an older callguard: upgrading it is opening it read-write once.
            opened = Store::open_with(&path, options(false));
        }
        let mut log_error = None;
        if args.log {
            if let Err(error) = &opened {
                // Screen from what can be read; say why nothing will be logged.
                log_error = Some(error.to_string());
                if let Ok(store) = Store::open_with(&path, options(true)) {
                    opened = Ok(store);
                }
            }
        }
        match opened {
            Ok(store) => {
                let store = Arc::new(store);
                let log = args.log.then(|| match log_error {
                    Some(error) => Err(error),
                    None if !store.is_writable() => Err(format!(
                        "{}: the database is read-only",
                        store.path().display()
                    )),
                    None => Ok(store.clone()),
                });
                Screening {
                    screener: screener.with_store(store),
                    log,
                }
            }
            Err(error) => {
                eprintln!(
                    "callguard: warning: {error}: calls only the database could decide ring \
                     (screening_unavailable){}",
                    repair_hint(&error, &path)
                );
                let log = args.log.then(|| Err(error.to_string()));
                Screening {
                    screener: screener.with_unavailable_store(error),
                    log,
                }
            }
        }
    }

    /// Logs a screened call, if `--log` asked for it. After a failure nothing more is logged
    /// (each attempt could wait seconds for a lock): the error is kept and returned once.
    fn log(&mut self, assessment: &Assessment) -> Result<(), String> {
        let Some(Ok(store)) = &self.log else {
            return match self.log.take() {
                Some(Err(problem)) => Err(problem),
                _ => Ok(()),
            };
        };
        let codes: Vec<&str> = assessment.reasons.iter().map(|r| r.code.as_str()).collect();
        let logged = store.log_call(
            assessment.number.e164,
            store::now(),
            assessment.verdict.as_str(),
            &codes,
        );
        logged.map_err(|error| {
            self.log = None;
            error.to_string()
        })
    }
}

/// What the warning about a database that cannot be used suggests.
fn repair_hint(error: &StoreError, path: &Path) -> String {
    match error {
        StoreError::Foreign { .. } => " (give callguard's own database with --db)".to_owned(),
        StoreError::SchemaTooNew { .. } => " (a newer callguard made it: update callguard)".into(),
        StoreError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => {
            " (create one with `callguard list add` or `callguard import`)".to_owned()
        }
        _ => format!(
            " (`callguard db recover --db {}` checks it and repairs it)",
            path.display()
        ),
    }
}

/// The batch input: a file, or standard input for `-`.
fn open_batch(path: &Path) -> Result<BufReader<Box<dyn Read>>, CliError> {
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(
            File::open(path)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?,
        )
    };
    Ok(BufReader::with_capacity(1 << 16, input))
}

/// Screens every line of `input`. Every line gets an answer, in order: a line that is not
/// UTF-8 is read as it decodes (an invalid number), a line too long is cut (too long a number);
/// a call that cannot be logged is a warning. Output is flushed whenever the input has nothing
/// more buffered, so a line filter sees each answer before it blocks for the next line.
fn batch(
    screening: &mut Screening,
    mut call: IncomingCall,
    lang: Lang,
    mut input: BufReader<Box<dyn Read>>,
    path: &Path,
) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut line = Vec::with_capacity(256);
    let mut number = 0u64;
    loop {
        if input.buffer().is_empty() {
            out.flush().map_err(CliError::output)?;
        }
        let more = input::read_capped_line(&mut input, &mut line, input::MAX_BATCH_LINE_BYTES)
            .map_err(|e| {
                CliError::Usage(format!("{}: line {}: {e}", path.display(), number + 1))
            })?;
        if !more {
            break;
        }
        number += 1;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        call.number = Some(text.to_owned());
        let assessment = screening.screener.screen(&call);
        output::write_json_line(&mut out, &assessment, lang).map_err(CliError::output)?;
        if let Err(problem) = screening.log(&assessment) {
            out.flush().map_err(CliError::output)?;
            eprintln!(
                "callguard: warning: line {number}: the call was not logged, nor will the \
                 calls after it be: {problem}"
            );
        }
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

/// The transcript's text (as much as the scanner reads), if one was given.
fn read_transcript(args: &CheckArgs) -> Result<Option<String>, CliError> {
    let Some(path) = &args.transcript else {
        return Ok(None);
    };
    let what = format!("transcript {}", path.display());
    let text = if path.as_os_str() == "-" {
        if args.batch.as_deref().is_some_and(|b| b.as_os_str() == "-") {
            return Err(CliError::Usage(
                "--transcript - and --batch - cannot both read standard input".into(),
            ));
        }
        input::read_scanned_text(io::stdin().lock(), &what)?
    } else {
        let file =
            File::open(path).map_err(|e| CliError::Usage(format!("cannot read {what}: {e}")))?;
        input::read_scanned_text(file, &what)?
    };
    Ok(Some(text))
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
    let text = input::read_policy_file(path)?;
    Policy::from_json(&text)
        .map(Arc::new)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// The language from the environment: `LC_ALL`, then `LANG` (`ja_JP.UTF-8` is Japanese); a
/// language callguard does not speak, or none, is English.
pub fn lang_from_env() -> Lang {
    let locale = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    Lang::from_locale(&locale).unwrap_or(Lang::EN)
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
