//! Reading reports: the phones' `reports export` documents, a back-end's CSV and the FTC's
//! "Do Not Call reported calls" CSV, streamed record by record.
//!
//! - **Export** (`callguard-user-reports`, what `callguard reports export` and the bindings'
//!   `exportReports` write): one JSON document per phone; a file may hold one document or many
//!   in a row (a back-end appending uploads). A document may carry a top-level `"reporter"`
//!   (the id the back-end knows the phone by); without one, each document is its own reporter.
//! - **CSV**: a header naming `number` (required), `reporter`, `category` (several joined by
//!   `|`) and `reported_at` in any order. Without a `reporter` column each row is its own
//!   reporter.
//! - **FTC**: each row is one consumer's complaint, so one reporter; numbers are ten-digit
//!   North American numbers, subjects map to categories as the phone's import maps them.
//!
//! Memory is bounded per record: a line of at most [`MAX_LINE_BYTES`], an export document of
//! at most [`MAX_DOCUMENT_BYTES`]. A record with an unreadable field is dropped and counted
//! (the first few are quoted in the summary); a file that is not of its format is an error.

use std::cell::Cell;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::str::FromStr;

use callguard_core::store::feed::ftc_category;
use callguard_core::store::{parse_time, ReportCategory, UnixTime};
use serde::{Deserialize, Serialize};

use crate::error::PublishError;
use crate::numbers::Numbers;
use crate::report::{parse_categories as categories, Dropped, Report};

/// The longest line a report file may have.
pub const MAX_LINE_BYTES: u64 = 1 << 20;
/// The largest export document (one phone's reports).
pub const MAX_DOCUMENT_BYTES: u64 = 16 << 20;
/// A report may be dated this far after the build's time (clocks differ); later is malformed.
const CLOCK_SLACK: UnixTime = 86_400;
/// The read buffer.
const BUFFER_BYTES: usize = 256 * 1024;
/// How many dropped records a summary quotes.
const PROBLEMS_QUOTED: usize = 5;

/// The formats reports come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// The phones' `reports export` JSON.
    Export,
    /// A CSV with `number`, `reporter`, `category`, `reported_at`.
    Csv,
    /// The FTC's "Do Not Call reported calls" CSV.
    Ftc,
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "export" | "json" => Ok(ReportFormat::Export),
            "csv" => Ok(ReportFormat::Csv),
            "ftc" => Ok(ReportFormat::Ftc),
            _ => Err(format!(
                "report format {text:?}: expected export, csv or ftc"
            )),
        }
    }
}

/// What reading the inputs counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Records read (reports, rows, complaints).
    pub reports_read: u64,
    /// Reports kept for aggregation.
    pub reports_used: u64,
    /// Reports dropped, by reason (the per-report reasons of [`Dropped`]).
    pub malformed: u64,
    /// Reports of numbers that cannot exist.
    pub invalid_number: u64,
    /// Reports of emergency and special numbers.
    pub protected: u64,
    /// Reports of organisations' published numbers.
    pub official: u64,
    /// The first few dropped records, as `FILE: line N: what`.
    pub problems: Vec<String>,
}

impl Tally {
    fn drop_report(&mut self, reason: Dropped, problem: impl FnOnce() -> String) {
        match reason {
            Dropped::Malformed => self.malformed += 1,
            Dropped::InvalidNumber => self.invalid_number += 1,
            Dropped::Protected => self.protected += 1,
            Dropped::Official => self.official += 1,
            Dropped::TooFewReporters | Dropped::Stale => return,
        }
        if matches!(reason, Dropped::Malformed | Dropped::InvalidNumber)
            && self.problems.len() < PROBLEMS_QUOTED
        {
            self.problems.push(problem());
        }
    }
}

/// Where reports go: the aggregation's buffer.
pub type Sink<'a> = &'a mut dyn FnMut(Report) -> Result<(), PublishError>;

/// Reads every report in `path` (its format sniffed when `format` is `None`), dropping and
/// counting what is never published, and hands the rest to `sink`. Reports dated after
/// `now` (plus a day of clock slack) are malformed; undated CSV rows are dated `now`.
pub fn read_reports(
    path: &Path,
    format: Option<ReportFormat>,
    numbers: &Numbers,
    now: UnixTime,
    tally: &mut Tally,
    sink: Sink<'_>,
) -> Result<(), PublishError> {
    let file = File::open(path).map_err(|e| PublishError::io(path, e))?;
    let since_mark = Rc::new(Cell::new(None));
    let mut reader = BufReader::with_capacity(
        BUFFER_BYTES,
        Bounded {
            inner: file,
            line: 0,
            since_mark: since_mark.clone(),
        },
    );
    let head = reader.fill_buf().map_err(|e| read_error(path, e))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let format = format.unwrap_or_else(|| sniff(head));
    let mut reading = Reading {
        path,
        numbers,
        now,
        tally,
        sink,
    };
    match format {
        ReportFormat::Export => reading.exports(reader, &since_mark),
        ReportFormat::Csv | ReportFormat::Ftc => reading.csv(reader, format),
    }
}

fn sniff(head: &[u8]) -> ReportFormat {
    let head = head.trim_ascii_start();
    if head.starts_with(b"{") {
        ReportFormat::Export
    } else if head.len() >= 20 && head[..20].eq_ignore_ascii_case(b"Company_Phone_Number") {
        ReportFormat::Ftc
    } else {
        ReportFormat::Csv
    }
}

fn read_error(path: &Path, e: io::Error) -> PublishError {
    if e.kind() == io::ErrorKind::InvalidData {
        PublishError::bad(path, None, e.to_string())
    } else {
        PublishError::io(path, e)
    }
}

/// An opaque reporter id.
fn reporter_id(parts: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Where a record is, for a summary's quotes.
#[derive(Clone, Copy)]
enum Place {
    Line(u64),
    Document(u64),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Document(n) => write!(f, "document {n}"),
        }
    }
}

/// The reading of one file.
struct Reading<'a, 's> {
    path: &'a Path,
    numbers: &'a Numbers,
    now: UnixTime,
    tally: &'a mut Tally,
    sink: Sink<'s>,
}

impl Reading<'_, '_> {
    /// One record: its number text (or already E.164 digits for the FTC), categories and time.
    fn take(
        &mut self,
        place: Place,
        reporter: u64,
        number: &str,
        categories: Result<u8, String>,
        when: &str,
    ) -> Result<(), PublishError> {
        self.tally.reports_read += 1;
        let path = self.path;
        let at = if when.trim().is_empty() {
            Ok(self.now)
        } else {
            parse_time(when.trim().as_bytes())
                .ok_or_else(|| format!("time {:?}: not a date", shorten(when)))
                .and_then(|t| {
                    (t <= self.now + CLOCK_SLACK)
                        .then_some(t)
                        .ok_or_else(|| format!("time {:?} is in the future", shorten(when)))
                })
        };
        let (bits, at) = match (categories, at) {
            (Ok(bits), Ok(at)) => (bits, at),
            (Err(m), _) | (_, Err(m)) => {
                let problem = || format!("{}: {place}: {m}", path.display());
                self.tally.drop_report(Dropped::Malformed, problem);
                return Ok(());
            }
        };
        match self.numbers.read(number) {
            Ok(number) => {
                self.tally.reports_used += 1;
                (self.sink)(Report {
                    number,
                    reporter,
                    first_seen: at,
                    last_seen: at,
                    categories: bits,
                })
            }
            Err(reason) => {
                let problem = || {
                    format!(
                        "{}: {place}: number {:?} cannot exist",
                        path.display(),
                        shorten(number)
                    )
                };
                self.tally.drop_report(reason, problem);
                Ok(())
            }
        }
    }

    fn exports(
        &mut self,
        reader: BufReader<Bounded>,
        since_mark: &Rc<Cell<Option<u64>>>,
    ) -> Result<(), PublishError> {
        let mut documents =
            serde_json::Deserializer::from_reader(reader).into_iter::<ExportDocument>();
        let mut index = 0u64;
        loop {
            since_mark.set(Some(0));
            let Some(document) = documents.next() else {
                return Ok(());
            };
            index += 1;
            let document = document.map_err(|e| {
                let message = if e.is_io() {
                    format!("document {index}: {e}")
                } else {
                    format!("document {index}: not a callguard-user-reports document: {e}")
                };
                PublishError::bad(self.path, Some(e.line() as u64), message)
            })?;
            if document.format != "callguard-user-reports" || document.version != 1 {
                return Err(PublishError::bad(
                    self.path,
                    None,
                    format!(
                        "document {index}: format {:?} version {}: expected \
                         callguard-user-reports version 1",
                        shorten(&document.format),
                        document.version
                    ),
                ));
            }
            let reporter = match &document.reporter {
                Some(id) => reporter_id(("reporter", id)),
                None => reporter_id(("document", self.path, index)),
            };
            for item in &document.reports {
                let when = item.reported_at.as_deref().unwrap_or("");
                let place = Place::Document(index);
                self.take(
                    place,
                    reporter,
                    &item.number,
                    categories(&item.category),
                    when,
                )?;
            }
        }
    }

    fn csv(
        &mut self,
        reader: BufReader<Bounded>,
        format: ReportFormat,
    ) -> Result<(), PublishError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .comment(Some(b'#'))
            .from_reader(reader);
        let header = csv
            .headers()
            .map_err(|e| PublishError::bad(self.path, Some(1), e.to_string()))?
            .clone();
        let find = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let (number, reporter, category, when, robocall, created) = match format {
            ReportFormat::Ftc => (
                find("Company_Phone_Number").ok_or_else(|| {
                    PublishError::bad(
                        self.path,
                        Some(1),
                        "no Company_Phone_Number column (not an FTC file?)",
                    )
                })?,
                None,
                find("Subject"),
                find("Violation_Date"),
                find("Recorded_Message_Or_Robocall"),
                find("Created_Date"),
            ),
            _ => (
                find("number").ok_or_else(|| {
                    PublishError::bad(
                        self.path,
                        Some(1),
                        "no number column (expected number,reporter,category,reported_at)",
                    )
                })?,
                find("reporter"),
                find("category"),
                find("reported_at"),
                None,
                None,
            ),
        };
        let mut record = csv::StringRecord::new();
        let mut row = 0u64;
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    if let csv::ErrorKind::Io(source) = e.into_kind() {
                        return Err(read_error(self.path, source));
                    }
                    return Err(PublishError::bad(
                        self.path,
                        line,
                        "wrong number of fields or not UTF-8",
                    ));
                }
            }
            row += 1;
            let line = record.position().map_or(row + 1, |p| p.line());
            let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
            let who = match get(reporter).trim() {
                "" => reporter_id(("row", self.path, row)),
                id => reporter_id(("reporter", id)),
            };
            if format == ReportFormat::Ftc {
                let digits = get(Some(number)).trim();
                let ten = digits
                    .strip_prefix('1')
                    .filter(|d| d.len() == 10)
                    .unwrap_or(digits);
                let text = if ten.len() == 10 && ten.bytes().all(|b| b.is_ascii_digit()) {
                    format!("+1{ten}")
                } else {
                    digits.to_owned()
                };
                let mut bits = ftc_category(get(category).as_bytes()).bit();
                if get(robocall).trim().eq_ignore_ascii_case("y") {
                    bits |= ReportCategory::Robocall.bit();
                }
                let when = match get(when).trim() {
                    "" => get(created),
                    v => v,
                };
                let when = when.to_owned();
                self.take(Place::Line(line), who, &text, Ok(bits), &when)?;
            } else {
                let (text, bits, when) = (
                    get(Some(number)).to_owned(),
                    categories(get(category)),
                    get(when).to_owned(),
                );
                self.take(Place::Line(line), who, &text, bits, &when)?;
            }
        }
    }
}

/// A phone's `reports export`.
#[derive(Deserialize)]
struct ExportDocument {
    format: String,
    version: u32,
    #[serde(default)]
    reporter: Option<String>,
    reports: Vec<ExportItem>,
}

#[derive(Deserialize)]
struct ExportItem {
    number: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    reported_at: Option<String>,
}

/// Refuses a line longer than [`MAX_LINE_BYTES`], and an export document longer than
/// [`MAX_DOCUMENT_BYTES`] (counted from the mark the reader resets before each document).
struct Bounded {
    inner: File,
    line: u64,
    /// Bytes read since the mark; `None` while documents are not counted (CSV).
    since_mark: Rc<Cell<Option<u64>>>,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.line = if b == b'\n' { 0 } else { self.line + 1 };
            if self.line > MAX_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("a line longer than {MAX_LINE_BYTES} bytes"),
                ));
            }
        }
        let Some(before) = self.since_mark.get() else {
            return Ok(n);
        };
        let total = before + n as u64;
        self.since_mark.set(Some(total));
        // The reader's buffer runs ahead of the document by up to its capacity.
        if total > MAX_DOCUMENT_BYTES + BUFFER_BYTES as u64 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("an export document longer than {MAX_DOCUMENT_BYTES} bytes"),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        text: &str,
        format: Option<ReportFormat>,
    ) -> (Result<(), PublishError>, Tally, Vec<Report>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("reports");
        std::fs::write(&path, text).expect("write");
        let numbers = Numbers::new(callguard_core::Region::JP);
        let mut tally = Tally::default();
        let mut got = Vec::new();
        let mut sink = |r: Report| {
            got.push(r);
            Ok(())
        };
        let now = 1_796_083_200; // 2026-12-01
        let result = read_reports(&path, format, &numbers, now, &mut tally, &mut sink);
        (result, tally, got)
    }

    #[test]
    fn a_back_ends_csv_with_reporters() {
        let (result, tally, got) = read(
            "reported_at,number,reporter,category\n\
             2026-11-30,050-1234-5678,alice,scam|robocall\n\
             2026-11-30,+815012345678,bob,\n\
             2026-11-30,110,carol,scam\n\
             2026-11-30,hello,dave,scam\n\
             2026-11-30,050-1234-5678,erin,nonsense\n\
             2031-01-01,050-1234-5678,frank,scam\n",
            None,
        );
        result.expect("reads");
        assert_eq!(tally.reports_read, 6);
        assert_eq!(tally.reports_used, 2);
        assert_eq!(
            (tally.protected, tally.invalid_number, tally.malformed),
            (1, 1, 2)
        );
        assert_eq!(tally.problems.len(), 3);
        assert!(tally.problems[1].contains("line 6"), "{:?}", tally.problems);
        assert!(tally.problems[2].contains("future"), "{:?}", tally.problems);
        assert_eq!(got[0].number, 815_012_345_678);
        assert_eq!(got[0].number, got[1].number);
        assert_ne!(got[0].reporter, got[1].reporter);
        let scam_robocall = ReportCategory::Scam.bit() | ReportCategory::Robocall.bit();
        assert_eq!(got[0].categories, scam_robocall);
        assert_eq!(got[1].categories, ReportCategory::Other.bit());
    }

    #[test]
    fn rows_without_reporters_are_each_their_own() {
        let (result, _, got) = read(
            "number\n+815012345678\n+815012345678\n",
            Some(ReportFormat::Csv),
        );
        result.expect("reads");
        assert_ne!(got[0].reporter, got[1].reporter);
    }

    #[test]
    fn the_ftcs_complaints() {
        let (result, tally, got) = read(
            "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,\
             Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n\
             2025550143,2026-11-02 10:00:00,2026-11-01 09:00:00,Austin,TX,512,Reducing your debt,Y\n\
             12025550143,2026-11-02 10:00:00,,Austin,TX,512,Dropped call or no message,N\n\
             911,2026-11-02 10:00:00,,Austin,TX,512,Other,N\n",
            None,
        );
        result.expect("reads");
        assert_eq!((tally.reports_used, tally.protected), (2, 1));
        assert_eq!(got[0].number, 12_025_550_143);
        assert_eq!(got[1].number, 12_025_550_143);
        assert_ne!(got[0].reporter, got[1].reporter);
        assert_eq!(
            got[0].categories,
            ReportCategory::Fraud.bit() | ReportCategory::Robocall.bit()
        );
        assert_eq!(
            got[1].first_seen,
            parse_time(b"2026-11-02 10:00:00").expect("time")
        );
    }

    #[test]
    fn export_documents_in_a_row_and_their_reporters() {
        let doc = |reporter: &str| {
            format!(
                r#"{{"format": "callguard-user-reports", "version": 1, {reporter}
                    "exported_at": "2026-11-30T00:00:00Z",
                    "reports": [{{"number": "+815012345678", "category": "scam", "note": null,
                                  "reported_at": "2026-11-29T10:00:00Z"}}]}}"#
            )
        };
        let text = format!(
            "{}\n{}\n{}",
            doc(""),
            doc(r#""reporter": "p1","#),
            doc(r#""reporter": "p1","#)
        );
        let (result, tally, got) = read(&text, None);
        result.expect("reads");
        assert_eq!(tally.reports_used, 3);
        assert_ne!(got[0].reporter, got[1].reporter);
        assert_eq!(got[1].reporter, got[2].reporter);

        let (result, _, _) = read(
            r#"{"format": "something-else", "version": 1, "reports": []}"#,
            None,
        );
        let err = result.expect_err("another format");
        assert!(err.to_string().contains("callguard-user-reports"), "{err}");
        let (result, _, _) = read(r#"{"format": "callguard-user-reports", "#, None);
        assert!(result.is_err());
    }

    #[test]
    fn a_line_too_long_is_refused() {
        let text = format!("number\n+81{}\n", "5".repeat(MAX_LINE_BYTES as usize + 10));
        let (result, _, _) = read(&text, None);
        let err = result.expect_err("too long");
        assert!(err.to_string().contains("longer than"), "{err}");
    }
}
