//! How an assessment is printed: one JSON object per line for tools, text for people.

use crate::texts;
use std::borrow::Cow;
use std::io::{self, Write};

use callguard_core::{Assessment, Lang, NumberKind};
use serde::Serialize;

#[derive(Serialize)]
struct JsonAssessment<'a> {
    number: JsonNumber<'a>,
    verdict: &'static str,
    score: u8,
    label: Option<&'a str>,
    reasons: Vec<JsonReason<'a>>,
    advice: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonNumber<'a> {
    input: &'a str,
    e164: Option<String>,
    country: Option<&'a str>,
    kind: &'static str,
    international: Option<bool>,
    presentation: &'static str,
    flags: Vec<&'static str>,
    service: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    code: &'static str,
    weight: u8,
    message: &'a str,
}

/// Writes the assessment as one line of JSON (the `--json` contract).
pub fn write_json_line(out: &mut impl Write, a: &Assessment, lang: Lang) -> io::Result<()> {
    let n = &a.number;
    let words = a.explain(lang);
    let json = JsonAssessment {
        number: JsonNumber {
            input: &n.input,
            e164: n.e164.map(|e| e.to_string()),
            country: n.country.as_ref().map(|c| c.as_str()),
            kind: n.kind.as_str(),
            international: n.international,
            presentation: n.presentation.as_str(),
            flags: n.flags.iter().map(|f| f.as_str()).collect(),
            service: n.service.as_ref().map(|s| s.get(lang)),
        },
        verdict: a.verdict.as_str(),
        score: a.score,
        label: words.label.as_deref(),
        reasons: words
            .reasons
            .iter()
            .map(|r| JsonReason {
                code: r.code.as_str(),
                weight: r.weight,
                message: &r.message,
            })
            .collect(),
        advice: words.advice.as_deref(),
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")
}

/// `text` made safe to print on one line of a terminal or a tab-separated listing: control
/// characters (a new line would forge a row, an escape sequence would drive the terminal) and
/// the bidirectional controls that reorder what is shown are written as escapes (`\n`,
/// `\u{202e}`). The caller's number, labels, notes, feed and policy names come from people and
/// files callguard does not control.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A one-line description of the number, e.g. `+81 352535111 · JP · fixed line`.
pub fn describe_number(a: &Assessment, lang: Lang) -> String {
    let n = &a.number;
    let mut parts: Vec<String> = Vec::new();
    if let Some(e164) = n.e164 {
        parts.push(e164.to_string());
    }
    if let Some(country) = n.country {
        parts.push(country.to_string());
    }
    match (n.kind, &n.service) {
        (NumberKind::Hidden, _) => parts.push(format!(
            "{} ({})",
            n.kind.label().get(lang),
            n.presentation.as_str()
        )),
        (_, Some(service)) => parts.push(format!(
            "{}: {}",
            n.kind.label().get(lang),
            service.get(lang)
        )),
        _ => parts.push(n.kind.label().get(lang).to_owned()),
    }
    if n.international == Some(true) {
        parts.push(texts::text("number.international", lang));
    }
    parts.join(" · ")
}

/// Writes the assessment for a person: the verdict first, then the reasons and the advice.
pub fn write_human(out: &mut impl Write, a: &Assessment, lang: Lang) -> io::Result<()> {
    let [score, number, reasons, advice] = [
        "check.score",
        "check.number",
        "check.reasons",
        "check.advice",
    ]
    .map(|key| texts::text(key, lang));
    let words = a.explain(lang);
    let label = words
        .label
        .as_deref()
        .map(|l| format!("  {}", printable(l)))
        .unwrap_or_default();
    writeln!(
        out,
        "{}{label}  ({score} {}/100)",
        a.verdict.label(lang),
        a.score
    )?;
    writeln!(
        out,
        "  {number}: {}  [{}]",
        printable(&a.number.input),
        printable(&describe_number(a, lang))
    )?;
    writeln!(out, "  {reasons}:")?;
    for r in &words.reasons {
        writeln!(
            out,
            "    - {} (+{}): {}",
            r.code.as_str(),
            r.weight,
            printable(&r.message)
        )?;
    }
    if let Some(text) = &words.advice {
        writeln!(out, "  {advice}: {}", printable(text))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(printable("偽の警察"), "偽の警察");
        assert_eq!(
            printable("a\nallow\t+81*\u{1b}[2J\u{202e}x"),
            "a\\nallow\\t+81*\\u{001b}[2J\\u{202e}x"
        );
    }
}
