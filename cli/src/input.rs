//! Reading what the commands are given, with memory bounded whatever the input: a transcript
//! or a text to scan is read only as far as the scanner looks, a policy file up to a size no
//! policy reaches, a batch line up to a length no caller ID reaches. And the parsers of the
//! options every command shares (`--region`, `--lang`).

use std::io::{self, BufRead, Read};
use std::path::Path;

use callguard_core::claims::script::MAX_INPUT_BYTES;

use crate::CliError;

/// A policy file larger than this is refused (the presets are about 2 KiB).
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// A `--batch` line keeps at most this many bytes; the rest of the line is read past, never
/// held. A caller ID longer than this is invalid (`too_long`) whatever its tail says.
pub const MAX_BATCH_LINE_BYTES: usize = 4096;

/// The text the scam-script scanner reads from `reader`: its first [`MAX_INPUT_BYTES`] (a few
/// bytes more, so the scanner can say it was truncated), never the rest. A read cut inside a
/// character keeps what came before it; text that is not UTF-8 is refused.
pub fn read_scanned_text(reader: impl Read, what: &str) -> Result<String, CliError> {
    let limit = MAX_INPUT_BYTES + 4;
    let mut bytes = Vec::new();
    reader
        .take(limit as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Usage(format!("cannot read {what}: {e}")))?;
    let not_utf8 = || CliError::Usage(format!("{what} is not UTF-8 text"));
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let utf8 = err.utf8_error();
            let full = err.as_bytes().len() == limit;
            if full && utf8.error_len().is_none() {
                // The read stopped inside a character: keep what came before it.
                let mut bytes = err.into_bytes();
                bytes.truncate(utf8.valid_up_to());
                String::from_utf8(bytes).map_err(|_| not_utf8())
            } else {
                Err(not_utf8())
            }
        }
    }
}

/// A policy file's text, refused beyond [`MAX_POLICY_BYTES`].
pub fn read_policy_file(path: &Path) -> Result<String, CliError> {
    let cannot =
        |e: io::Error| CliError::Usage(format!("cannot read policy {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut text = String::new();
    file.take(MAX_POLICY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    if text.len() as u64 > MAX_POLICY_BYTES {
        return Err(CliError::Usage(format!(
            "policy {}: larger than {MAX_POLICY_BYTES} bytes: not a policy file",
            path.display()
        )));
    }
    Ok(text)
}

/// Reads one line (without its `\n`) into `line`, keeping at most `max` bytes of it and
/// reading past the rest. Returns `false` at the end of the input.
pub fn read_capped_line(
    input: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<bool> {
    line.clear();
    let mut read_any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(read_any);
        }
        read_any = true;
        let (chunk, used, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1, true),
            None => (buf, buf.len(), false),
        };
        let room = max.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        input.consume(used);
        if ends {
            return Ok(true);
        }
    }
}

/// Parses `--region` (an ISO 3166 code such as `JP`).
pub fn parse_region(text: &str) -> Result<callguard_core::Region, String> {
    text.parse()
        .map_err(|e: callguard_core::UnknownRegion| e.to_string())
}

/// Parses `--lang` (`ja`, `en` ...).
pub fn parse_lang(text: &str) -> Result<callguard_core::Lang, String> {
    text.parse()
        .map_err(|e: callguard_core::UnknownLang| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines_keep_the_start_and_skip_the_rest() {
        let long = "9".repeat(10_000);
        let text = format!("110\n{long}\n\n+81 3\n");
        let mut input = io::BufReader::with_capacity(16, text.as_bytes());
        let mut line = Vec::new();
        let mut lines = Vec::new();
        while read_capped_line(&mut input, &mut line, 8).expect("read") {
            lines.push(String::from_utf8(line.clone()).expect("utf-8"));
        }
        assert_eq!(lines, ["110", "99999999", "", "+81 3"]);
    }

    #[test]
    fn scanned_text_stops_at_the_scanner_limit() {
        let text = "あ".repeat(MAX_INPUT_BYTES);
        let read = read_scanned_text(text.as_bytes(), "input").expect("text");
        assert!(read.len() <= MAX_INPUT_BYTES + 4 && read.len() > MAX_INPUT_BYTES);
        assert!(read_scanned_text(&b"\xff\xfe"[..], "input").is_err());
    }
}
