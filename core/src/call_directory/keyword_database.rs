//! Apple's Live Caller ID Lookup data format, written as a stream.
//!
//! `PIRProcessDatabase` (apple/swift-homomorphic-encryption) builds a lookup server's databases
//! from a serialized `KeywordDatabase` protobuf (package `apple.swift_homomorphic_encryption.pir.v1`):
//!
//! ```text
//! message KeywordDatabaseRow { bytes keyword = 1; bytes value = 2; }
//! message KeywordDatabase { repeated KeywordDatabaseRow rows = 1; }
//! ```
//!
//! On the wire a `KeywordDatabase` is nothing but its rows, one length-delimited field 1 each,
//! so rows can be written one at a time as the planner emits them, never held together. An
//! identity row's value is a serialized `CallIdentity` (no package):
//!
//! ```text
//! message CallIdentity { string name = 1; Icon icon = 2; uint32 cache_expiry_minutes = 3;
//!                        IdentityCategory category = 4; }
//! enum IdentityCategory { IDENTITY_CATEGORY_UNSPECIFIED = 0; IDENTITY_CATEGORY_PERSON = 1;
//!                         IDENTITY_CATEGORY_BUSINESS = 2; }
//! ```
//!
//! The bytes are those a protobuf library writes (proto3: fields in number order, fields at
//! their default value left out); a test compares them with prost's, byte for byte. A crate is
//! not used here because the whole format is three field kinds, and streaming is the point.

use std::io::{self, Write};

/// The largest value a row may hold: `PIRProcessDatabase` stores a value's size as a `UInt16`
/// and refuses a larger one (`HashBucketEntry.maxValueSize`).
pub const MAX_VALUE_BYTES: usize = u16::MAX as usize;

/// The wire types used: varint and length-delimited.
const VARINT: u8 = 0;
const LEN: u8 = 2;

fn key(field: u8, wire_type: u8) -> u8 {
    field << 3 | wire_type
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn varint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Field `field` as length-delimited bytes, left out when empty (proto3's default).
fn put_bytes(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    if !bytes.is_empty() {
        out.push(key(field, LEN));
        put_varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
}

fn bytes_len(bytes: &[u8]) -> usize {
    match bytes.len() {
        0 => 0,
        n => 1 + varint_len(n as u64) + n,
    }
}

/// Apple's `IdentityCategory`: the system may show an identity differently by category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityCategory {
    /// `IDENTITY_CATEGORY_UNSPECIFIED` (0).
    Unspecified = 0,
    /// `IDENTITY_CATEGORY_PERSON` (1).
    Person = 1,
    /// `IDENTITY_CATEGORY_BUSINESS` (2).
    Business = 2,
}

/// Apple's `CallIdentity`, without an icon (callguard has none to give).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallIdentity<'a> {
    /// What the phone shows for the caller.
    pub name: &'a str,
    /// How long the phone may reuse this answer before asking again (0: left to the system).
    pub cache_expiry_minutes: u32,
    /// Person, business or unspecified.
    pub category: IdentityCategory,
}

impl CallIdentity<'_> {
    /// Appends the serialized message to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_bytes(out, 1, self.name.as_bytes());
        if self.cache_expiry_minutes != 0 {
            out.push(key(3, VARINT));
            put_varint(out, u64::from(self.cache_expiry_minutes));
        }
        if self.category != IdentityCategory::Unspecified {
            out.push(key(4, VARINT));
            put_varint(out, self.category as u64);
        }
    }
}

/// Writes `KeywordDatabase` rows to `out`: the file is complete after any number of rows
/// (none is an empty database). Returns the bytes written.
pub fn write_row(
    out: &mut impl Write,
    scratch: &mut Vec<u8>,
    keyword: &[u8],
    value: &[u8],
) -> io::Result<u64> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the value for {} is {} bytes; a Live Caller ID value holds at most {MAX_VALUE_BYTES}",
                String::from_utf8_lossy(keyword),
                value.len()
            ),
        ));
    }
    scratch.clear();
    scratch.push(key(1, LEN));
    put_varint(scratch, (bytes_len(keyword) + bytes_len(value)) as u64);
    put_bytes(scratch, 1, keyword);
    put_bytes(scratch, 2, value);
    out.write_all(scratch)?;
    Ok(scratch.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_as_the_protobuf_encoding_guide_shows_them() {
        let cases: [(u64, &[u8]); 5] = [
            (0, &[0]),
            (1, &[1]),
            (127, &[0x7f]),
            (150, &[0x96, 0x01]),
            (
                u64::MAX,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            ),
        ];
        for (value, bytes) in cases {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(varint_len(value), bytes.len(), "{value}");
        }
    }

    #[test]
    fn a_block_row_by_hand() {
        let mut out = Vec::new();
        let written = write_row(&mut out, &mut Vec::new(), b"+81", &[1]).expect("row");
        assert_eq!(
            out,
            [0x0a, 0x08, 0x0a, 0x03, b'+', b'8', b'1', 0x12, 0x01, 0x01]
        );
        assert_eq!(written, 10);
    }

    #[test]
    fn a_value_over_the_limit_is_refused_and_nothing_written() {
        let mut out = Vec::new();
        let err = write_row(&mut out, &mut Vec::new(), b"+81", &[0; MAX_VALUE_BYTES + 1])
            .expect_err("too big");
        assert!(err.to_string().contains("+81"), "{err}");
        assert!(out.is_empty());
    }
}
