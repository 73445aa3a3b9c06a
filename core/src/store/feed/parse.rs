//! Row parsers for the three feed formats. Each turns one line into a [`Row`], a protected
//! number to skip, or a message saying what is wrong with the line.

use std::borrow::Cow;
use std::io::{BufRead, Read};
use std::sync::OnceLock;

use callguard_number::{Classifier, NumberKind, Presentation, Region, E164};
use callguard_text::Lang;
use serde::Deserialize;

use crate::store::feed::FeedKind;
use crate::store::reports::ReportCategory;
use crate::store::time::{parse_time, UnixTime};

/// A field as an error message quotes it: at most [`QUOTED_CHARS`] characters, then `…`, so
/// that a 64 KiB field does not make a 64 KiB message (five of them in a summary).
pub(crate) struct Quoted<'a>(pub &'a [u8]);

/// How much of a field an error message quotes.
const QUOTED_CHARS: usize = 40;

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        let mut chars = text.chars();
        let shown: String = chars.by_ref().take(QUOTED_CHARS).collect();
        if chars.next().is_some() {
            write!(f, "{shown:?}… ({} bytes)", self.0.len())
        } else {
            write!(f, "{shown:?}")
        }
    }
}

/// One feed row, ready to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Row {
    pub number: u64,
    pub first_seen: UnixTime,
    pub last_seen: UnixTime,
    pub count: u32,
    pub categories: u8,
    pub remove: bool,
}

/// What one line gave.
pub(crate) enum Parsed {
    Row(Row),
    /// An emergency or special number: never stored.
    Protected,
}

/// Turns number texts into E.164, cheaply when the text already is one.
pub(crate) struct Numbers<'a> {
    pub classifier: &'a Classifier,
}

impl Numbers<'_> {
    /// `+` and 8 to 15 digits is taken as E.164 after cheap checks (the North American plan's
    /// shape for +1); anything else goes through the classifier (about 1–3 µs a row).
    pub fn parse(&self, text: &[u8]) -> Result<Option<E164>, String> {
        let text = text.trim_ascii();
        if let Some(digits) = text.strip_prefix(b"+") {
            if (8..=15).contains(&digits.len())
                && digits.iter().all(u8::is_ascii_digit)
                && digits[0] != b'0'
            {
                if digits[0] == b'1' && !nanp_ok(&digits[1..]) {
                    return Err(format!(
                        "number {}: not a North American number (+1 and 10 digits, area \
                         code and exchange not starting with 0 or 1)",
                        Quoted(text)
                    ));
                }
                let value = digits
                    .iter()
                    .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
                return Ok(E164::from_u64(value));
            }
        }
        let Ok(text) = std::str::from_utf8(text) else {
            return Err("number is not UTF-8".to_owned());
        };
        if text.is_empty() {
            return Err("no number".to_owned());
        }
        let info = self.classifier.classify(text, Presentation::Allowed);
        if info.kind.is_protected() {
            return Ok(None);
        }
        match (info.kind, info.e164) {
            (NumberKind::Invalid | NumberKind::Hidden, _) | (_, None) => Err(format!(
                "number {}: {}",
                Quoted(text.as_bytes()),
                info.invalid
                    .map(|r| r.message().get(Lang::EN).to_owned())
                    .unwrap_or_else(|| "not a complete number".to_owned())
            )),
            (_, Some(n)) => Ok(Some(n)),
        }
    }
}

impl Numbers<'_> {
    /// Whether `text` is an emergency or special service number, in the home region or in the
    /// United States (the FTC's files are American: `911`, `311` ...). Such a row is skipped
    /// and counted as protected, never an error.
    pub fn is_protected(&self, text: &[u8]) -> bool {
        static US: OnceLock<Classifier> = OnceLock::new();
        let Ok(text) = std::str::from_utf8(text.trim_ascii()) else {
            return false;
        };
        if text.is_empty() {
            return false;
        }
        let us = US.get_or_init(|| Classifier::new(Region::US));
        [self.classifier, us]
            .iter()
            .any(|c| c.classify(text, Presentation::Allowed).kind.is_protected())
    }
}

/// Ten digits, area code and exchange starting with 2-9.
fn nanp_ok(ten: &[u8]) -> bool {
    ten.len() == 10 && ten.iter().all(u8::is_ascii_digit) && ten[0] >= b'2' && ten[3] >= b'2'
}

fn categories(text: &[u8]) -> Result<u8, String> {
    let text = text.trim_ascii();
    if text.is_empty() {
        return Ok(ReportCategory::Other.bit());
    }
    let mut bits = 0;
    for part in text.split(|&b| b == b'|') {
        bits |= ReportCategory::parse_bytes(part)
            .ok_or_else(|| {
                format!(
                    "unknown category {}: expected scam, fraud, spam, telemarketing, \
                     robocall, survey or other",
                    Quoted(part)
                )
            })?
            .bit();
    }
    Ok(bits)
}

fn time_field(name: &str, text: &[u8], now: UnixTime) -> Result<UnixTime, String> {
    if text.trim_ascii().is_empty() {
        return Ok(now);
    }
    parse_time(text).ok_or_else(|| {
        format!(
            "{name} {}: expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SSZ or \
             Unix seconds",
            Quoted(text)
        )
    })
}

/// The fields of a callguard row, as bytes.
#[derive(Default)]
struct Fields<'a> {
    category: &'a [u8],
    count: Option<u32>,
    count_text: &'a [u8],
    first_seen: &'a [u8],
    last_seen: &'a [u8],
    op: &'a [u8],
}

fn build(
    number: Option<E164>,
    f: &Fields<'_>,
    kind: FeedKind,
    now: UnixTime,
) -> Result<Parsed, String> {
    let Some(number) = number else {
        return Ok(Parsed::Protected);
    };
    let remove = match f.op.trim_ascii() {
        b"" | b"add" | b"ADD" => false,
        b"remove" | b"REMOVE" if kind == FeedKind::Delta => true,
        b"remove" | b"REMOVE" => {
            return Err("op remove is only allowed in a delta feed (# kind: delta)".to_owned())
        }
        other => return Err(format!("op {}: expected add or remove", Quoted(other))),
    };
    let count = match f.count {
        Some(c) => c,
        None if f.count_text.trim_ascii().is_empty() => 1,
        None => std::str::from_utf8(f.count_text.trim_ascii())
            .ok()
            .and_then(|t| t.parse::<u32>().ok())
            .ok_or_else(|| format!("count {}: expected a whole number", Quoted(f.count_text)))?,
    };
    if count == 0 && !remove {
        return Err("count 0: a reported number has at least one report".to_owned());
    }
    // A missing time takes the other one's value, or the import time if both are missing.
    let (first_blank, last_blank) = (
        f.first_seen.trim_ascii().is_empty(),
        f.last_seen.trim_ascii().is_empty(),
    );
    let mut first_seen = time_field("first_seen", f.first_seen, now)?;
    let mut last_seen = time_field("last_seen", f.last_seen, now)?;
    if first_blank && !last_blank {
        first_seen = last_seen;
    } else if last_blank && !first_blank {
        last_seen = first_seen;
    }
    if first_seen > last_seen {
        return Err("first_seen is after last_seen".to_owned());
    }
    Ok(Parsed::Row(Row {
        number: number.as_u64(),
        first_seen,
        last_seen,
        count,
        categories: categories(f.category)?,
        remove,
    }))
}

/// Where a callguard CSV's columns are.
pub(crate) struct CsvColumns {
    number: usize,
    category: Option<usize>,
    count: Option<usize>,
    first_seen: Option<usize>,
    last_seen: Option<usize>,
    op: Option<usize>,
}

/// Where the FTC file's columns are.
pub(crate) struct FtcColumns {
    number: usize,
    created: Option<usize>,
    violation: Option<usize>,
    subject: Option<usize>,
    robocall: Option<usize>,
}

/// The header of a CSV feed.
pub(crate) enum Layout {
    Callguard(CsvColumns),
    Ftc(FtcColumns),
}

fn find(header: &csv::ByteRecord, name: &str) -> Option<usize> {
    header
        .iter()
        .position(|h| h.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
}

impl Layout {
    pub fn callguard(header: &csv::ByteRecord) -> Result<Layout, String> {
        let number = find(header, "number").ok_or(
            "the header has no number column (expected \
             number,category,count,first_seen,last_seen,op)",
        )?;
        Ok(Layout::Callguard(CsvColumns {
            number,
            category: find(header, "category"),
            count: find(header, "count"),
            first_seen: find(header, "first_seen"),
            last_seen: find(header, "last_seen"),
            op: find(header, "op"),
        }))
    }

    pub fn ftc(header: &csv::ByteRecord) -> Result<Layout, String> {
        let number = find(header, "Company_Phone_Number")
            .ok_or("the header has no Company_Phone_Number column (not an FTC DNC file?)")?;
        Ok(Layout::Ftc(FtcColumns {
            number,
            created: find(header, "Created_Date"),
            violation: find(header, "Violation_Date"),
            subject: find(header, "Subject"),
            robocall: find(header, "Recorded_Message_Or_Robocall"),
        }))
    }

    pub fn parse(
        &self,
        rec: &csv::ByteRecord,
        numbers: &Numbers<'_>,
        kind: FeedKind,
        now: UnixTime,
    ) -> Result<Parsed, String> {
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or(b"");
        match self {
            Layout::Callguard(c) => {
                let number = numbers.parse(get(Some(c.number)))?;
                let fields = Fields {
                    category: get(c.category),
                    count: None,
                    count_text: get(c.count),
                    first_seen: get(c.first_seen),
                    last_seen: get(c.last_seen),
                    op: get(c.op),
                };
                build(number, &fields, kind, now)
            }
            Layout::Ftc(c) => {
                let text = get(Some(c.number));
                let number = match ftc_number(text) {
                    Ok(number) => number,
                    Err(_) if numbers.is_protected(text) => return Ok(Parsed::Protected),
                    Err(message) => return Err(message),
                };
                let when = match get(c.violation).trim_ascii() {
                    b"" => get(c.created),
                    v => v,
                };
                let at = time_field("Violation_Date", when, now)?;
                let mut bits = ftc_category(get(c.subject)).bit();
                if get(c.robocall).trim_ascii().eq_ignore_ascii_case(b"y") {
                    bits |= ReportCategory::Robocall.bit();
                }
                Ok(Parsed::Row(Row {
                    number,
                    first_seen: at,
                    last_seen: at,
                    count: 1,
                    categories: bits,
                    remove: false,
                }))
            }
        }
    }
}

/// The FTC gives ten-digit North American numbers.
fn ftc_number(text: &[u8]) -> Result<u64, String> {
    let t = text.trim_ascii();
    let ten = match t.len() {
        10 => t,
        11 if t[0] == b'1' => &t[1..],
        _ => t,
    };
    if !nanp_ok(ten) {
        return Err(format!(
            "Company_Phone_Number {}: expected a 10-digit North American number",
            Quoted(t)
        ));
    }
    Ok(ten
        .iter()
        .fold(1u64, |acc, d| acc * 10 + u64::from(d - b'0')))
}

/// Maps the FTC's free-text subjects to categories (an approximation, documented in
/// docs/STORE.md): impostors are scams, debt and prizes fraud, dropped calls spam, surveys
/// surveys, and the rest telemarketing.
pub(crate) fn ftc_category(subject: &[u8]) -> ReportCategory {
    let s = subject.to_ascii_lowercase();
    let has = |w: &str| s.windows(w.len()).any(|win| win == w.as_bytes());
    if has("impost") || has("pretend") || has("government") {
        ReportCategory::Scam
    } else if has("debt") || has("loan") || has("credit") || has("prize") || has("lotter") {
        ReportCategory::Fraud
    } else if has("survey") || has("poll") {
        ReportCategory::Survey
    } else if has("dropped call") || has("no message") {
        ReportCategory::Spam
    } else {
        ReportCategory::Telemarketing
    }
}

/// A JSON Lines row.
#[derive(Deserialize)]
struct JsonRow<'a> {
    #[serde(borrow)]
    number: Cow<'a, str>,
    #[serde(borrow, default)]
    category: Option<Cow<'a, str>>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    first_seen: Option<JsonTime>,
    #[serde(default)]
    last_seen: Option<JsonTime>,
    #[serde(borrow, default)]
    op: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonTime {
    Secs(i64),
    Text(String),
}

impl JsonTime {
    fn text(&self) -> Cow<'_, [u8]> {
        match self {
            JsonTime::Secs(s) => Cow::Owned(s.to_string().into_bytes()),
            JsonTime::Text(t) => Cow::Borrowed(t.as_bytes()),
        }
    }
}

/// Parses one JSON Lines row.
pub(crate) fn parse_json(
    line: &[u8],
    numbers: &Numbers<'_>,
    kind: FeedKind,
    now: UnixTime,
) -> Result<Parsed, String> {
    let row: JsonRow<'_> = serde_json::from_slice(line).map_err(|e| format!("bad JSON: {e}"))?;
    let number = numbers.parse(row.number.as_bytes())?;
    let first = row.first_seen.as_ref().map(JsonTime::text);
    let last = row.last_seen.as_ref().map(JsonTime::text);
    let fields = Fields {
        category: row.category.as_deref().map_or(b"", str::as_bytes),
        count: row.count,
        count_text: b"",
        first_seen: first.as_deref().unwrap_or(b""),
        last_seen: last.as_deref().unwrap_or(b""),
        op: row.op.as_deref().map_or(b"", str::as_bytes),
    };
    build(number, &fields, kind, now)
}

/// Reads one line into `buf` (cleared first); `Ok(false)` at the end of the file.
pub(crate) fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.clear();
    Ok(reader.read_until(b'\n', buf)? > 0)
}

/// Anything readable can feed the CSV reader.
pub(crate) fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .comment(Some(b'#'))
        .from_reader(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_fast_and_slow() {
        let classifier = Classifier::new(Region::JP);
        let n = Numbers {
            classifier: &classifier,
        };
        let want = E164::from_digits("815012345678");
        assert_eq!(n.parse(b"+815012345678"), Ok(want));
        assert_eq!(n.parse(b"050-1234-5678"), Ok(want));
        assert_eq!(n.parse(b"110"), Ok(None), "emergency is protected");
        assert!(n.parse(b"+12025550123").is_ok());
        assert!(
            n.parse(b"+11025550123").is_err(),
            "area code starting with 1"
        );
        assert!(n.parse(b"").is_err());
        assert!(n.parse(b"hello").is_err());
    }

    #[test]
    fn ftc_emergency_and_service_rows_are_protected() {
        let classifier = Classifier::new(Region::JP);
        let numbers = Numbers {
            classifier: &classifier,
        };
        let header =
            csv::ByteRecord::from(vec!["Company_Phone_Number", "Violation_Date", "Subject"]);
        let layout = Layout::ftc(&header).expect("layout");
        for text in ["911", "110", " 911 "] {
            let row = csv::ByteRecord::from(vec![text, "2025-11-01", "Other"]);
            let parsed = layout.parse(&row, &numbers, FeedKind::Delta, 0);
            assert!(matches!(parsed, Ok(Parsed::Protected)), "{text}");
        }
        let row = csv::ByteRecord::from(vec!["12345", "2025-11-01", "Other"]);
        assert!(layout.parse(&row, &numbers, FeedKind::Delta, 0).is_err());
    }

    /// A skipped line is quoted in the summary: a 64 KiB field once made a 64 KiB message
    /// (and, before lines were bounded, a 100 MiB one).
    #[test]
    fn messages_quote_a_field_shortened() {
        let classifier = Classifier::new(Region::JP);
        let numbers = Numbers {
            classifier: &classifier,
        };
        let long = "7".repeat(60_000);
        let err = numbers.parse(long.as_bytes()).expect_err("too long");
        assert!(err.len() < 300, "{} bytes", err.len());
        assert!(err.contains("60000 bytes"), "{err}");
        let err = categories("nonsense".repeat(1000).as_bytes()).expect_err("category");
        assert!(err.len() < 300, "{err}");
        assert_eq!(Quoted(b"scam").to_string(), "\"scam\"");
    }

    #[test]
    fn ftc_numbers_and_subjects() {
        assert_eq!(ftc_number(b"2025550123"), Ok(12_025_550_123));
        assert!(ftc_number(b"0025550123").is_err());
        assert!(ftc_number(b"202555012").is_err());
        assert_eq!(
            ftc_category(b"Calls pretending to be government, businesses, or family and friends"),
            ReportCategory::Scam
        );
        assert_eq!(ftc_category(b"Reducing your debt"), ReportCategory::Fraud);
        assert_eq!(
            ftc_category(b"Vacation & timeshares"),
            ReportCategory::Telemarketing
        );
    }
}
