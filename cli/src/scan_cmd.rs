//! `callguard scan`: look for a scam script in a transcript, a voicemail or an SMS, and explain
//! every point of the score.

use crate::texts;
use std::io::{self, Write};

use callguard_core::claims::script::{
    ComboFound, Discounted, Link, Phone, ScanResult, ScoreSteps, ScriptLevel, ScriptScanner,
};
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

/// The JSON contract of `scan --json`: the result, with labels in the chosen language and the
/// explanation lines.
#[derive(Serialize)]
struct JsonScan<'a> {
    level: ScriptLevel,
    level_label: &'a str,
    score: u8,
    verdict_score: u8,
    families: Vec<JsonFamily<'a>>,
    combos: Vec<JsonCombo<'a>>,
    steps: &'a ScoreSteps,
    discounted: &'a [Discounted],
    links: &'a [Link],
    phones: &'a [Phone],
    claims: &'a [String],
    explain: Vec<String>,
    truncated: bool,
}

#[derive(Serialize)]
struct JsonFamily<'a> {
    family: &'a str,
    label: &'a str,
    weight: u8,
    cue: &'a str,
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonCombo<'a> {
    id: &'a str,
    label: &'a str,
    bonus: u8,
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

fn combo<'a>(scanner: &'a ScriptScanner, c: &'a ComboFound, lang: Lang) -> JsonCombo<'a> {
    JsonCombo {
        id: &c.id,
        label: scanner.combo_label(&c.id).map_or("", |l| l.get(lang)),
        bonus: c.bonus,
    }
}

fn write_json(
    out: &mut impl Write,
    scanner: &ScriptScanner,
    r: &ScanResult,
    lang: Lang,
) -> io::Result<()> {
    let json = JsonScan {
        level: r.level,
        level_label: scanner.level_label(r.level, lang),
        score: r.score,
        verdict_score: r.verdict_score,
        families: r
            .families
            .iter()
            .map(|f| JsonFamily {
                family: &f.family,
                label: scanner.family_label(&f.family).map_or("", |l| l.get(lang)),
                weight: f.weight,
                cue: &f.cue,
                text: &f.text,
                start: f.start,
                end: f.end,
            })
            .collect(),
        combos: r.combos.iter().map(|c| combo(scanner, c, lang)).collect(),
        steps: &r.steps,
        discounted: &r.discounted,
        links: &r.links,
        phones: &r.phones,
        claims: &r.claims,
        explain: scanner.explain(r, lang),
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
    if r.families.is_empty() && r.discounted.is_empty() {
        writeln!(out, "{nothing}")?;
    } else {
        writeln!(out, "{found}:")?;
        for line in scanner.explain(r, lang) {
            let line = texts::render("scan.match", lang, &[("line", &one_line(&line))]);
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
