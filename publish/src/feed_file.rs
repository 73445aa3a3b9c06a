//! The feed files a publisher writes and reads back: callguard's CSV, as phones import it
//! (`docs/STORE.md`), rows sorted by number so that two versions can be compared in one pass.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use callguard_core::store::feed::MAX_FEED_VERSION;
use callguard_core::store::{format_time, parse_time, FeedKind, UnixTime};

use crate::error::PublishError;
use crate::report::{parse_categories, Report};

/// One number in a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedRow {
    /// E.164 digits.
    pub number: u64,
    /// The categories' bit set.
    pub categories: u8,
    /// Independent reporters.
    pub count: u64,
    /// The first report (Unix seconds).
    pub first_seen: UnixTime,
    /// The last report (Unix seconds).
    pub last_seen: UnixTime,
}

/// A feed's metadata lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedHeader {
    /// `# name:`.
    pub name: String,
    /// `# version:`.
    pub version: u64,
    /// `# kind:`.
    pub kind: FeedKind,
    /// `# base:`: the version a delta applies to.
    pub base: Option<u64>,
}

/// Checks a feed name and version as the phones' import will.
pub fn check_header(header: &FeedHeader) -> Result<(), PublishError> {
    let name = &header.name;
    if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control() || c == ',') {
        return Err(PublishError::Options(format!(
            "feed name {name:?}: one line of at most 64 characters, without commas"
        )));
    }
    if header.version == 0 || header.version > MAX_FEED_VERSION {
        return Err(PublishError::Options(format!(
            "feed version {}: from 1 to {MAX_FEED_VERSION}",
            header.version
        )));
    }
    Ok(())
}

/// Writes a feed's metadata lines and its header row.
pub fn write_header(out: &mut impl Write, header: &FeedHeader) -> std::io::Result<()> {
    writeln!(out, "# name: {}", header.name)?;
    writeln!(out, "# version: {}", header.version)?;
    writeln!(out, "# kind: {}", header.kind.as_str())?;
    if let Some(base) = header.base {
        writeln!(out, "# base: {base}")?;
    }
    match header.kind {
        FeedKind::Full => writeln!(out, "number,category,count,first_seen,last_seen"),
        FeedKind::Delta => writeln!(out, "number,category,count,first_seen,last_seen,op"),
    }
}

/// Writes one row (`op` for a delta).
pub fn write_row(out: &mut impl Write, row: &FeedRow, op: Option<&str>) -> std::io::Result<()> {
    write!(
        out,
        "+{},{},{},{},{}",
        row.number,
        Report::category_names(row.categories),
        row.count,
        format_time(row.first_seen),
        format_time(row.last_seen)
    )?;
    match op {
        Some(op) => writeln!(out, ",{op}"),
        None => writeln!(out),
    }
}

/// Reads a full feed written by [`write_header`] and [`write_row`], one row at a time,
/// checking the numbers ascend.
pub struct FeedReader {
    path: std::path::PathBuf,
    /// The metadata lines.
    pub header: FeedHeader,
    csv: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    last: Option<u64>,
}

impl FeedReader {
    /// Opens `path` and reads its metadata and header.
    pub fn open(path: &Path) -> Result<FeedReader, PublishError> {
        let bad = |line: u64, m: String| PublishError::bad(path, Some(line), m);
        let mut reader = BufReader::new(File::open(path).map_err(|e| PublishError::io(path, e))?);
        let (mut name, mut version, mut kind, mut base) = (None, None, None, None);
        let mut line = String::new();
        let mut n = 0;
        while reader
            .fill_buf()
            .map_err(|e| PublishError::io(path, e))?
            .first()
            == Some(&b'#')
        {
            line.clear();
            reader
                .read_line(&mut line)
                .map_err(|e| PublishError::io(path, e))?;
            n += 1;
            let Some((key, value)) = line.trim_start_matches('#').split_once(':') else {
                continue;
            };
            let value = value.trim();
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| bad(n, format!("{value:?}: not a version")))
            };
            match key.trim() {
                "name" => name = Some(value.to_owned()),
                "version" => version = Some(number()?),
                "base" => base = Some(number()?),
                "kind" => {
                    kind = Some(
                        value
                            .parse::<FeedKind>()
                            .map_err(|e| bad(n, e.to_string()))?,
                    )
                }
                _ => {}
            }
        }
        let header = FeedHeader {
            name: name.ok_or_else(|| bad(1, "no `# name:` line".into()))?,
            version: version.ok_or_else(|| bad(1, "no `# version:` line".into()))?,
            kind: kind.unwrap_or(FeedKind::Full),
            base,
        };
        let mut csv = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(reader);
        let columns = csv
            .headers()
            .map_err(|e| bad(n + 1, e.to_string()))?
            .iter()
            .collect::<Vec<_>>()
            .join(",");
        if !columns.starts_with("number,category,count,first_seen,last_seen") {
            return Err(bad(
                n + 1,
                format!("header {columns:?}: expected number,category,count,first_seen,last_seen"),
            ));
        }
        Ok(FeedReader {
            path: path.to_owned(),
            header,
            csv,
            record: csv::StringRecord::new(),
            last: None,
        })
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<FeedRow>, PublishError> {
        let path = self.path.as_path();
        let more = self
            .csv
            .read_record(&mut self.record)
            .map_err(|e| PublishError::bad(path, e.position().map(|p| p.line()), e.to_string()))?;
        if !more {
            return Ok(None);
        }
        let line = self.record.position().map(|p| p.line());
        let bad = |m: String| PublishError::bad(path, line, m);
        let field = |i: usize| self.record.get(i).unwrap_or("").trim();
        let number = field(0)
            .strip_prefix('+')
            .and_then(|d| d.parse::<u64>().ok())
            .ok_or_else(|| bad(format!("number {:?}: expected +E.164", field(0))))?;
        if self.last.is_some_and(|last| number <= last) {
            return Err(bad(format!(
                "number +{number} is out of order: a publisher's feed lists numbers in \
                 ascending order, once each"
            )));
        }
        self.last = Some(number);
        let time = |i: usize| {
            parse_time(field(i).as_bytes())
                .ok_or_else(|| bad(format!("{:?}: not a time", field(i))))
        };
        Ok(Some(FeedRow {
            number,
            categories: parse_categories(field(1)).map_err(bad)?,
            count: field(2)
                .parse()
                .map_err(|_| bad(format!("count {:?}: not a number", field(2))))?,
            first_seen: time(3)?,
            last_seen: time(4)?,
        }))
    }
}

impl FeedReader {
    /// Counts the data rows left (as a phone's import counts them), without checking them.
    pub fn count_rows(&mut self) -> Result<u64, PublishError> {
        let path = self.path.as_path();
        let mut rows = 0;
        while self
            .csv
            .read_record(&mut self.record)
            .map_err(|e| PublishError::bad(path, e.position().map(|p| p.line()), e.to_string()))?
        {
            rows += 1;
        }
        Ok(rows)
    }
}
