//! The `callguard` command: check caller numbers, screen a call log, run the demo.
//!
//! Exit codes: 0 when a verdict was produced (an invalid caller number is a verdict), 2 for bad
//! usage or unreadable input, 1 for any other failure.

mod check;
mod demo;
mod export_cmd;
mod input;
mod output;
mod policy_cmd;
mod scan_cmd;
mod store_cmd;
mod texts;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// callguard: on-device call screening for people who get scam calls.
#[derive(Debug, Parser)]
#[command(name = "callguard", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one caller number, or a whole call log with --batch.
    Check(check::CheckArgs),
    /// Show, lock and unlock policies.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// Screen a built-in set of sample calls (scam calls among them) and print a table.
    Demo(demo::DemoArgs),
    /// Look for scam-script phrases in a transcript, voicemail or SMS (TEXT, or - for stdin).
    Scan(scan_cmd::ScanArgs),
    /// The on-device database: import, list, report, reports, stats, feed, key, db.
    #[command(flatten)]
    Store(store_cmd::StoreCommand),
    /// Export the iOS Call Directory plan or the Live Caller ID Lookup dataset.
    #[command(subcommand)]
    Export(export_cmd::ExportCommand),
}

/// A failure the command reports on one line of stderr.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage or unreadable input: exit 2.
    Usage(String),
    /// Anything else: exit 1.
    Failed(String),
    /// The reader of our output went away (`callguard demo | head`): stop quietly.
    Closed,
}

impl CliError {
    /// An output error: a closed pipe ends the command quietly, anything else fails it.
    pub fn output(error: std::io::Error) -> CliError {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::Closed
        } else {
            CliError::Failed(format!("cannot write the output: {error}"))
        }
    }
}

impl CliError {
    fn exit(self) -> ExitCode {
        let (message, code) = match self {
            CliError::Usage(m) => (m, 2),
            CliError::Failed(m) => (m, 1),
            CliError::Closed => return ExitCode::SUCCESS,
        };
        eprintln!("callguard: {message}");
        ExitCode::from(code)
    }
}

/// A command-line error from clap as one line (the exit-status contract: bad usage is one line
/// on stderr and exit 2); help and the version print as clap prints them.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => error.exit(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "callguard: a command is missing: check, demo, scan, policy, import, list, \
                 report, reports, stats, feed, key, db or export (try '--help')"
            );
            return ExitCode::from(2);
        }
        _ => {}
    }
    let rendered = error.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("Usage:") || line.starts_with("For more information")
        {
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    eprintln!("callguard: {} (try '--help')", parts.join("; "));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Policy(cmd) => policy_cmd::run(&cmd),
        Command::Scan(args) => scan_cmd::run(&args),
        Command::Store(cmd) => store_cmd::run(cmd),
        Command::Export(cmd) => export_cmd::run(&cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.exit(),
    }
}
