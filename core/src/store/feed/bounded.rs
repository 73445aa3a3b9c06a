//! Memory bounded per line: a feed file is read through [`LineLimit`], which fails the read as
//! soon as one line (or, in CSV, one record: quoted fields may hold new lines) grows past
//! [`MAX_LINE_BYTES`], before the parser above it has buffered the whole of it. A 1 GiB line
//! costs 64 KiB of memory and a clear error naming the line, not a gigabyte.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;

use crate::store::error::StoreError;

/// The longest line (CSV: record) a feed may have, in bytes. Real rows are well under 200.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The error a read gives for a line or record past [`MAX_LINE_BYTES`].
#[derive(Debug)]
pub(crate) struct LineTooLong {
    /// The line (from 1, the whole file counted) where the line or record starts.
    pub line: u64,
    /// Whether it is a CSV record still inside a quoted field.
    pub quoted: bool,
}

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} is longer than {MAX_LINE_BYTES} bytes{}",
            self.line,
            if self.quoted {
                " (a quoted field that never closes?)"
            } else {
                ""
            }
        )
    }
}

impl std::error::Error for LineTooLong {}

/// Where a CSV record stands, byte by byte, as the CSV reader sees it: a quote opens a quoted
/// field only at the start of a field, `""` inside one is a quote, `#` at the start of a line
/// makes a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csv {
    /// At the start of a physical line, outside quotes.
    LineStart,
    /// After a comma.
    FieldStart,
    /// In an unquoted field.
    InField,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a second quote stays inside.
    QuoteEnd,
    /// In a `#` comment line (the CSV reader skips it whole).
    Comment,
}

impl Csv {
    fn next(self, b: u8) -> Csv {
        match (self, b) {
            (Csv::Quoted, b'"') => Csv::QuoteEnd,
            (Csv::Quoted, _) => Csv::Quoted,
            (Csv::Comment, b'\n') => Csv::LineStart,
            (Csv::Comment, _) => Csv::Comment,
            (Csv::QuoteEnd, b'"') => Csv::Quoted,
            (Csv::LineStart, b'#') => Csv::Comment,
            (Csv::LineStart | Csv::FieldStart, b'"') => Csv::Quoted,
            (_, b'\n') => Csv::LineStart,
            (_, b',') => Csv::FieldStart,
            _ => Csv::InField,
        }
    }
}

/// Passes bytes through, failing the read when a line, or in CSV mode a record, is too long.
pub(crate) struct LineLimit<R> {
    inner: R,
    /// Set once the format is known to be CSV: records are then bounded too.
    csv_mode: Rc<Cell<bool>>,
    /// Physical lines ended so far.
    newlines: u64,
    /// Bytes since the last new line.
    line_bytes: usize,
    /// Bytes since the current record started, and the line it started on.
    record_bytes: usize,
    record_line: u64,
    state: Csv,
    /// A record past the bound seen before the format was known: refused as soon as it is
    /// known to be CSV (the bytes read ahead of the parser were bounded by its buffer).
    pending_record: Option<u64>,
}

impl<R: Read> LineLimit<R> {
    /// A limit over `inner`; `csv_mode` switches record bounds on.
    pub fn new(inner: R, csv_mode: Rc<Cell<bool>>) -> Self {
        LineLimit {
            inner,
            csv_mode,
            newlines: 0,
            line_bytes: 0,
            record_bytes: 0,
            record_line: 1,
            state: Csv::LineStart,
            pending_record: None,
        }
    }

    /// The reader underneath.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn too_long(&self, line: u64, quoted: bool) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, LineTooLong { line, quoted })
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let csv = self.csv_mode.get();
        if let Some(line) = self.pending_record.filter(|_| csv) {
            return Err(self.too_long(line, true));
        }
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.line_bytes += 1;
            self.record_bytes += 1;
            self.state = self.state.next(b);
            if b == b'\n' {
                self.newlines += 1;
                self.line_bytes = 0;
                if self.state != Csv::Quoted {
                    self.record_bytes = 0;
                    self.record_line = self.newlines + 1;
                }
            }
            if self.line_bytes > MAX_LINE_BYTES {
                return Err(self.too_long(self.newlines + 1, false));
            }
            if self.record_bytes > MAX_LINE_BYTES {
                if csv {
                    return Err(self.too_long(self.record_line, true));
                }
                self.pending_record.get_or_insert(self.record_line);
            }
        }
        Ok(n)
    }
}

/// A read error of a feed file: a line too long is a bad line of the feed (exit 2), anything
/// else an I/O error naming the file.
pub(crate) fn read_error(path: &Path, error: io::Error) -> StoreError {
    if let Some(long) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<LineTooLong>())
    {
        return StoreError::BadLine {
            path: path.to_owned(),
            line: long.line,
            message: format!(
                "longer than {MAX_LINE_BYTES} bytes{}: not a feed line; nothing was imported",
                if long.quoted {
                    " (a quoted field that never closes?)"
                } else {
                    ""
                }
            ),
        };
    }
    StoreError::io(path, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], csv: bool) -> io::Result<Vec<u8>> {
        let mode = Rc::new(Cell::new(csv));
        let mut out = Vec::new();
        LineLimit::new(data, mode).read_to_end(&mut out)?;
        Ok(out)
    }

    fn too_long(error: io::Error) -> (u64, bool) {
        let long = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<LineTooLong>())
            .expect("LineTooLong");
        (long.line, long.quoted)
    }

    #[test]
    fn lines_and_records_are_bounded() {
        let ok = format!(
            "# name: x\nnumber\n+81{}\n",
            "1".repeat(MAX_LINE_BYTES - 10)
        );
        assert_eq!(read_all(ok.as_bytes(), true).expect("fits"), ok.as_bytes());
        let long = format!("# name: x\nnumber\n{}\n", "1".repeat(MAX_LINE_BYTES + 1));
        assert_eq!(
            too_long(read_all(long.as_bytes(), false).expect_err("long")),
            (3, false)
        );
        // A quoted field across lines counts as one record in CSV, lines elsewhere.
        let lines = "x\n".repeat(MAX_LINE_BYTES);
        let quoted = format!("number,note\n+8150,\"{lines}\"\n");
        assert_eq!(
            too_long(read_all(quoted.as_bytes(), true).expect_err("quoted")),
            (2, true)
        );
        assert!(read_all(quoted.as_bytes(), false).is_ok());
        // Read ahead before the format was known, then found to be CSV: refused at the next
        // read.
        let mode = Rc::new(Cell::new(false));
        let mut limit = LineLimit::new(quoted.as_bytes(), mode.clone());
        let mut all = vec![0u8; quoted.len() + 1];
        let n = limit.read(&mut all).expect("read ahead");
        assert_eq!(n, quoted.len());
        mode.set(true);
        assert_eq!(
            too_long(limit.read(&mut all).expect_err("pending")),
            (2, true)
        );
        // Quotes in comments, doubled quotes and quotes inside a field do not open a record.
        let comments = format!(
            "# it's a \"feed\nnumber,c\n+8150,\"a\"\"b\"\n+8150,5\" tall\n{}",
            "y\n".repeat(40_000)
        );
        assert!(read_all(comments.as_bytes(), true).is_ok());
    }
}
