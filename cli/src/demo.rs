//! `callguard demo`: screens a built-in set of sample calls and prints a table.
//!
//! The samples follow the scam calls described by Japan's police and ministry (fake ministry,
//! fake police, 050 and international numbers) beside ordinary calls (family, a clinic, a
//! delivery driver), so that a newcomer sees at once what callguard does and why.

use crate::texts;
use std::io::{self, Write};

use callguard_core::{IncomingCall, LocalText, LocalTime, Presentation, Verification};
use clap::Args;
use serde::Deserialize;
use unicode_width::UnicodeWidthStr;

use crate::check::ScreenArgs;
use crate::output;
use crate::CliError;

const SAMPLES: &str = include_str!("demo_calls.json");

/// `callguard demo` options.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    screen: ScreenArgs,
    /// Print one JSON object per call instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sample {
    number: Option<String>,
    #[serde(default)]
    presentation: Presentation,
    #[serde(default)]
    verification: Verification,
    #[serde(default)]
    contact: bool,
    /// Who the caller said they were.
    #[serde(default)]
    claims: Option<String>,
    /// What the caller said.
    #[serde(default)]
    transcript: Option<String>,
    /// The local time of the call.
    #[serde(default)]
    at: Option<LocalTime>,
    caller: LocalText,
}

fn samples() -> Result<Vec<Sample>, CliError> {
    parse_samples(SAMPLES)
}

/// Reads sample calls; what each call is must be said in every language, like a pack's texts.
fn parse_samples(json: &str) -> Result<Vec<Sample>, CliError> {
    let malformed = |e: &dyn std::fmt::Display| {
        CliError::Failed(format!("built-in demo calls are malformed: {e}"))
    };
    let samples: Vec<Sample> = serde_json::from_str(json).map_err(|e| malformed(&e))?;
    for (i, sample) in samples.iter().enumerate() {
        sample
            .caller
            .check("demo calls", format_args!("[{i}].caller"))
            .map_err(|e| malformed(&e))?;
    }
    Ok(samples)
}

/// Runs `demo`.
pub fn run(args: &DemoArgs) -> Result<(), CliError> {
    let screener = args.screen.screener()?;
    let lang = args.screen.lang();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let write_err = CliError::output;

    let samples = samples()?;
    let results: Vec<_> = samples
        .iter()
        .map(|s| {
            let call = IncomingCall {
                number: s.number.clone(),
                presentation: s.presentation,
                verification: s.verification,
                is_contact: s.contact,
                local_time: s.at,
                claims: s.claims.clone(),
                transcript: s.transcript.clone(),
            };
            (s, screener.screen(&call))
        })
        .collect();

    if args.json {
        for (_, a) in &results {
            output::write_json_line(&mut out, a, lang).map_err(write_err)?;
        }
        return Ok(());
    }

    let headers = [
        "#".to_owned(),
        texts::text("demo.verdict", lang),
        texts::text("demo.score", lang),
        texts::text("demo.caller_id", lang),
        texts::text("demo.number", lang),
        texts::text("demo.the_call", lang),
        texts::text("demo.main_reason", lang),
    ];
    let rows: Vec<[String; 7]> = results
        .iter()
        .enumerate()
        .map(|(i, (sample, a))| {
            let shown = match (&sample.number, sample.presentation) {
                (Some(n), Presentation::Allowed) => n.clone(),
                (_, p) => format!("({})", p.as_str()),
            };
            let main_reason = a
                .label_in(lang)
                .map_or_else(|| "-".to_owned(), str::to_owned);
            [
                (i + 1).to_string(),
                a.verdict.label(lang).to_owned(),
                a.score.to_string(),
                shown,
                output::describe_number(a, lang),
                truncate(sample.caller.get(lang), 48),
                main_reason,
            ]
        })
        .collect();
    let mut widths = headers.clone().map(|h| h.width());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(w.saturating_sub(cell.width())));
            }
        }
        text
    };
    let header_cells: Vec<&str> = headers.iter().map(String::as_str).collect();
    writeln!(out, "{}", line(&header_cells)).map_err(write_err)?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let rule: Vec<&str> = rule.iter().map(String::as_str).collect();
    writeln!(out, "{}", line(&rule)).map_err(write_err)?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells)).map_err(write_err)?;
    }

    let heading = texts::text("demo.advice", lang);
    writeln!(out, "\n{heading}:").map_err(write_err)?;
    // The same advice for several calls is printed once, with the calls it is for.
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (i, (_, a)) in results.iter().enumerate() {
        let Some(text) = a.advice_in(lang) else {
            continue;
        };
        match grouped.iter_mut().find(|(t, _)| *t == text) {
            Some((_, calls)) => calls.push((i + 1).to_string()),
            None => grouped.push((text, vec![(i + 1).to_string()])),
        }
    }
    for (text, calls) in grouped {
        writeln!(out, "  [{}] {text}", calls.join(", ")).map_err(write_err)?;
    }
    Ok(())
}

fn truncate(text: &str, max_width: usize) -> String {
    if text.width() <= max_width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        // Leave room for the ellipsis, one column wide.
        if width + w + 1 > max_width {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_parse() {
        let samples = samples().map_err(|_| "malformed").expect("samples");
        assert!(samples.len() >= 15);
    }

    #[test]
    fn a_sample_without_a_language_is_named() {
        let json = r#"[{"number": "110", "caller": {"en": "The police"}}]"#;
        match parse_samples(json) {
            Err(CliError::Failed(message)) => {
                assert!(message.contains("[0].caller"), "{message}");
                assert!(message.contains("no text in"), "{message}");
            }
            other => panic!("a caller text in English only was accepted: {other:?}"),
        }
    }

    #[test]
    fn truncate_respects_display_width() {
        assert_eq!(truncate("abc", 10), "abc");
        let t = truncate("総務省を名乗る自動音声です", 10);
        assert!(t.width() <= 10, "{t}");
        assert!(t.ends_with('…'));
    }
}
