//! `callguard pause` and `callguard line`: the person's screening settings in the database.
//!
//! The command line is the operator's tool: it changes a line's preset without a caregiver's
//! PIN (the apps ask for it through the bindings), and a pause needs none anywhere.

use callguard_core::store::{format_time, now, parse_time, ProtectionPause, MAX_PAUSE};
use callguard_core::Policy;
use serde::Serialize;

use super::{open_store, print_json, show, store_error, with_store, LineCommand, PauseArgs};
use crate::output::printable;
use crate::CliError;

/// What `pause` prints as JSON: the pause in force, if any.
#[derive(Serialize)]
struct PauseState {
    paused: bool,
    started_at: Option<String>,
    until: Option<String>,
}

impl From<Option<ProtectionPause>> for PauseState {
    fn from(pause: Option<ProtectionPause>) -> PauseState {
        PauseState {
            paused: pause.is_some(),
            started_at: pause.map(|p| format_time(p.started_at)),
            until: pause.map(|p| format_time(p.until)),
        }
    }
}

/// Runs `pause`.
pub fn pause(args: &PauseArgs) -> Result<(), CliError> {
    let start = now();
    let until = match (&args.minutes, &args.hours, &args.until) {
        (Some(m), _, _) => Some(start + i64::from(*m) * 60),
        (_, Some(h), _) => Some(start + i64::from(*h) * 3600),
        (_, _, Some(text)) => Some(parse_time(text.as_bytes()).ok_or_else(|| {
            CliError::Usage(format!(
                "--until {text:?}: expected YYYY-MM-DDTHH:MM:SSZ (UTC) or Unix seconds"
            ))
        })?),
        _ => None,
    };
    let state = if let Some(until) = until {
        let pause = with_store(&args.store, |db| {
            db.pause_protection(start, until).map_err(store_error)
        })?;
        Some(pause)
    } else if args.off {
        open_store(&args.store)?
            .resume_protection()
            .map_err(store_error)?;
        None
    } else {
        open_store(&args.store)?
            .protection_pause(start)
            .map_err(store_error)?
    };
    if args.json {
        return print_json(&PauseState::from(state));
    }
    match state {
        Some(p) => println!(
            "protection paused until {} (it ends by itself; at most {} hours)",
            format_time(p.until),
            MAX_PAUSE.as_secs() / 3600
        ),
        None => println!("protection is on"),
    }
    Ok(())
}

/// Runs `line set|clear|show`.
pub fn line(cmd: LineCommand) -> Result<(), CliError> {
    match cmd {
        LineCommand::Set {
            line,
            preset,
            store,
        } => {
            if Policy::preset(&preset).is_none() {
                let names: Vec<&str> = Policy::preset_names().collect();
                return Err(CliError::Usage(format!(
                    "unknown preset {preset:?}: expected one of {}",
                    names.join(", ")
                )));
            }
            with_store(&store, |db| {
                db.set_line_preset(&line, &preset, now())
                    .map_err(store_error)
            })?;
            println!("line {}: {preset}", printable(&line));
            Ok(())
        }
        LineCommand::Clear { line, store } => {
            if open_store(&store)?
                .clear_line_preset(&line)
                .map_err(store_error)?
            {
                println!("line {}: the policy in use", printable(&line));
                Ok(())
            } else {
                Err(CliError::Usage(format!(
                    "line {} has no preset",
                    printable(&line)
                )))
            }
        }
        LineCommand::Show(args) => {
            let lines = open_store(&args.store)?
                .line_presets()
                .map_err(store_error)?;
            show(args.json, &lines, |l| {
                format!(
                    "{}\t{}\t{}",
                    printable(&l.line),
                    printable(&l.preset),
                    format_time(l.set_at)
                )
            })
        }
    }
}
