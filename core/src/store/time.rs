//! Unix-time helpers: the store keeps times as whole seconds since 1970 (UTC), which SQLite
//! stores in 4 bytes until 2038 and 6 after, and which every feed format can be turned into
//! without a calendar library.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01 00:00:00 UTC.
pub type UnixTime = i64;

/// The current time (0 if the clock is before 1970).
pub fn now() -> UnixTime {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The latest time a feed may carry: 2100-01-01. Later ones are typos or milliseconds, and a
/// time in the future would keep a report from ever decaying.
const LATEST: UnixTime = 4_102_444_800;

/// A small decimal field (at most 9 digits, so it cannot overflow).
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')),
    )
}

/// Parses the times feeds carry, all UTC: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`,
/// `YYYY-MM-DDTHH:MM:SS` with an optional `Z`, or whole seconds since 1970.
pub fn parse_time(text: &[u8]) -> Option<UnixTime> {
    let text = text.trim_ascii();
    if text.len() < 10 || text[4] != b'-' {
        // Whole seconds since 1970 (epoch milliseconds and the like are refused).
        return std::str::from_utf8(text)
            .ok()?
            .parse::<i64>()
            .ok()
            .filter(|t| (0..=LATEST).contains(t));
    }
    let (y, mo, d) = (
        digits(&text[0..4])?,
        digits(&text[5..7])?,
        digits(&text[8..10])?,
    );
    if text[7] != b'-' || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = 0i64;
    let rest = &text[10..];
    if !rest.is_empty() {
        let rest = rest.strip_suffix(b"Z").unwrap_or(rest);
        if rest.len() != 9
            || !(rest[0] == b' ' || rest[0] == b'T')
            || rest[3] != b':'
            || rest[6] != b':'
        {
            return None;
        }
        let (h, mi, s) = (
            digits(&rest[1..3])?,
            digits(&rest[4..6])?,
            digits(&rest[7..9])?,
        );
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        secs = i64::from(h * 3600 + mi * 60 + s);
    }
    let days = days_from_civil(i64::from(y), mo, d);
    // Reject 2025-02-31 and the like: the date must come back the same.
    if civil_from_days(days) != (i64::from(y), mo, d) {
        return None;
    }
    Some(days * 86_400 + secs).filter(|t| (0..=LATEST).contains(t))
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_time(t: UnixTime) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_feed_times() {
        assert_eq!(parse_time(b"1970-01-01"), Some(0));
        // Milliseconds, long digit runs and far-future dates are refused, never wrapped.
        assert_eq!(parse_time(b"1709210096000"), None);
        assert_eq!(parse_time(b"4294967296"), None);
        assert_eq!(parse_time(b"99999999999999999999999"), None);
        assert_eq!(parse_time(b"2101-01-01"), None);
        assert_eq!(parse_time(b"1709210096"), Some(1_709_210_096));
        assert_eq!(parse_time(b"2024-02-29 12:34:56"), Some(1_709_210_096));
        assert_eq!(parse_time(b"2024-02-29T12:34:56Z"), Some(1_709_210_096));
        assert_eq!(parse_time(b"1709210096"), Some(1_709_210_096));
        assert_eq!(parse_time(b"2023-02-29"), None);
        assert_eq!(parse_time(b"2023-13-01"), None);
        assert_eq!(parse_time(b"yesterday"), None);
        assert_eq!(parse_time(b"2024-02-29 25:00:00"), None);
    }

    #[test]
    fn formats_round_trip() {
        for t in [0, 1_709_210_096, 951_782_400, 4_102_444_800] {
            assert_eq!(parse_time(format_time(t).as_bytes()), Some(t));
        }
        assert_eq!(format_time(1_709_210_096), "2024-02-29T12:34:56Z");
    }
}
