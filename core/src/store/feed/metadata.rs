//! A feed file's metadata lines (`# name:`, `# version:` ...) and its format, read before
//! its rows.

use std::fmt;
use std::io::BufRead;
use std::path::Path;

use super::{parse, read_error, FeedFormat, FeedKind, StoreError, MAX_FEED_VERSION};
/// Metadata from the `# key: value` lines at the top of a file.
#[derive(Debug, Default)]
pub(super) struct Metadata {
    pub(super) name: Option<String>,
    pub(super) version: Option<u64>,
    pub(super) kind: Option<FeedKind>,
    pub(super) format: Option<FeedFormat>,
    pub(super) lines: u64,
}

pub(super) fn bad_line(path: &Path, line: u64, message: impl Into<String>) -> StoreError {
    StoreError::BadLine {
        path: path.to_owned(),
        line,
        message: message.into(),
    }
}

pub(super) fn read_metadata(
    reader: &mut impl BufRead,
    path: &Path,
) -> Result<Metadata, StoreError> {
    let io = |e| read_error(path, e);
    let mut meta = Metadata::default();
    // A UTF-8 byte-order mark, as spreadsheet programs write.
    if reader.fill_buf().map_err(io)?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut line = Vec::new();
    while reader.fill_buf().map_err(io)?.first() == Some(&b'#') {
        parse::read_line(reader, &mut line).map_err(io)?;
        meta.lines += 1;
        let n = meta.lines;
        let text = std::str::from_utf8(&line)
            .map_err(|_| bad_line(path, n, "metadata line is not UTF-8"))?;
        let Some((key, value)) = text.trim_start_matches('#').split_once(':') else {
            continue; // a plain comment
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" if !value.is_empty() => meta.name = Some(value.to_owned()),
            "version" => {
                let version = value.parse::<u64>().map_err(|_| {
                    bad_line(
                        path,
                        n,
                        format!("version {value:?}: expected a whole number"),
                    )
                })?;
                if version > MAX_FEED_VERSION {
                    return Err(bad_line(path, n, version_too_big(version)));
                }
                meta.version = Some(version);
            }
            "kind" => {
                meta.kind = Some(
                    value
                        .parse()
                        .map_err(|e: StoreError| bad_line(path, n, e.to_string()))?,
                )
            }
            "format" => {
                meta.format = Some(
                    value
                        .parse()
                        .map_err(|e: StoreError| bad_line(path, n, e.to_string()))?,
                )
            }
            _ => {} // other keys (callguard-feed, source, ...) are informative
        }
    }
    Ok(meta)
}

pub(super) fn version_too_big(version: u64) -> String {
    format!("version {version} is out of range: a feed version is at most {MAX_FEED_VERSION}")
}

/// The values the command line, the manifest and the file give for one fact must agree;
/// the first given is the answer.
pub(super) fn agree<T: PartialEq + fmt::Debug, const N: usize>(
    path: &Path,
    what: &str,
    given: [(&str, Option<T>); N],
) -> Result<Option<T>, StoreError> {
    let mut found: Option<(&str, T)> = None;
    for (by, value) in given {
        let Some(value) = value else { continue };
        match &found {
            Some((first, v)) if *v != value => {
                return Err(StoreError::BadFeed {
                    path: path.to_owned(),
                    message: format!("the {by} says {what} {value:?} but the {first} says {v:?}"),
                })
            }
            Some(_) => {}
            None => found = Some((by, value)),
        }
    }
    Ok(found.map(|(_, v)| v))
}

pub(super) fn sniff(reader: &mut impl BufRead, path: &Path) -> Result<FeedFormat, StoreError> {
    let head = reader.fill_buf().map_err(|e| read_error(path, e))?;
    let head = head.trim_ascii_start();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(if head.starts_with(b"{") {
        FeedFormat::Jsonl
    } else if head.len() >= 20 && head[..20].eq_ignore_ascii_case(b"Company_Phone_Number") {
        FeedFormat::Ftc
    } else if matches!(ext.as_deref(), Some("jsonl" | "ndjson")) {
        FeedFormat::Jsonl
    } else {
        FeedFormat::Csv
    })
}
