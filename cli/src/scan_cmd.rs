//! `callguard scan`: look for scam-script phrases in a transcript, a voicemail or an SMS.

use crate::texts;
use std::io::{self, Write};

use callguard_core::claims::script::{ScanResult, ScriptLevel, ScriptScanner};
use callguard_core::Lang;
use clap::Args;
use serde::Serialize;

use crate::CliError;

/// `callguard scan` options.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The text to scan, or - to read it from standard input (the first 64 KiB are scanned).
    #[arg(value_name = "TEXT|-")]
    text: String,
    /// Language of labels and messages (default: from LANG, else en).
    #[arg(long, value_parser = crate::input::parse_lang)]
    lang: Option<Lang>,
    /// Print one JSON object instead of text for people.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct JsonScan<'a> {
    level: ScriptLevel,
    score: u8,
    matches: Vec<JsonMatch<'a>>,
    categories: Vec<&'static str>,
    combos: &'a [String],
    truncated: bool,
}

#[derive(Serialize)]
struct JsonMatch<'a> {
    category: &'static str,
    label: &'a str,
    text: &'a str,
    start: usize,
    end: usize,
}

/// Runs `callguard scan`.
pub fn run(args: &ScanArgs) -> Result<(), CliError> {
    let lang = args.lang.unwrap_or_else(crate::check::lang_from_env);
    let text = if args.text == "-" {
        read_stdin()?
    } else {
        args.text.clone()
    };
    let scanner = ScriptScanner::embedded();
    let result = scanner.scan(&text);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        write_json(&mut out, &scanner, &result, lang)
    } else {
        write_human(&mut out, &scanner, &result, lang)
    }
    .and_then(|()| out.flush())
    .map_err(CliError::output)
}

/// Standard input as text, read only as far as the scanner looks.
fn read_stdin() -> Result<String, CliError> {
    crate::input::read_scanned_text(io::stdin().lock(), "standard input")
}

fn write_json(
    out: &mut impl Write,
    scanner: &ScriptScanner,
    r: &ScanResult,
    lang: Lang,
) -> io::Result<()> {
    let json = JsonScan {
        level: r.level,
        score: r.score,
        matches: r
            .matches
            .iter()
            .map(|m| JsonMatch {
                category: m.category.as_str(),
                label: scanner.label(m.category).get(lang),
                text: &m.text,
                start: m.start,
                end: m.end,
            })
            .collect(),
        categories: r.categories.iter().map(|c| c.as_str()).collect(),
        combos: &r.combos,
        truncated: r.truncated,
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")
}

fn write_human(
    out: &mut impl Write,
    scanner: &ScriptScanner,
    r: &ScanResult,
    lang: Lang,
) -> io::Result<()> {
    let [level, score, found, nothing, truncated] = [
        "scan.level",
        "scan.score",
        "scan.found",
        "scan.nothing",
        "scan.truncated",
    ]
    .map(|key| texts::text(key, lang));
    writeln!(
        out,
        "{level}: {} ({score} {}/100)",
        scanner.level_label(r.level, lang),
        r.score
    )?;
    if r.matches.is_empty() {
        writeln!(out, "{nothing}")?;
    } else {
        writeln!(out, "{found}:")?;
        for m in &r.matches {
            let words = one_line(&m.text);
            let label = scanner.label(m.category).get(lang);
            let line = texts::render("scan.match", lang, &[("words", &words), ("label", label)]);
            writeln!(out, "{line}")?;
        }
    }
    if r.level >= ScriptLevel::Medium {
        writeln!(out, "{}", advice(lang))?;
    }
    if r.truncated {
        writeln!(out, "{truncated}")?;
    }
    Ok(())
}

fn advice(lang: Lang) -> String {
    texts::text("scan.advice", lang)
}

/// The words on one line: control characters (line breaks, bidi overrides) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}
