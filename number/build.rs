//! Turns the numbering data (`number/data/libphonenumber.json`, written from a released
//! libphonenumber by `scripts/update-numbering-data.sh`) into Rust statics, so that the library
//! neither parses nor loads any metadata at run time: a region's patterns are compiled when a
//! number first reaches them (`src/plan.rs`).
//!
//! Generated in OUT_DIR:
//! - `numbering_data.rs`: `REGIONS` (sorted by id, the non-geographic entities "001" last),
//!   `BY_CODE` (country code → region indices, the main region first), `EMERGENCY` (every
//!   region's emergency numbers, each with its regions) and `LIBPHONENUMBER_VERSION`;
//! - `region_ids.rs`: `REGION_IDS`, every two-letter region, sorted.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

const DATA: &str = "data/libphonenumber.json";

/// The whole-number descriptors, in libphonenumber's order of precedence for a number's type.
const KINDS: [&str; 10] = [
    "premium",
    "toll_free",
    "shared_cost",
    "voip",
    "personal",
    "pager",
    "uan",
    "voicemail",
    "fixed",
    "mobile",
];
const SHORT_KINDS: [&str; 7] = [
    "emergency",
    "short_code",
    "toll_free",
    "premium",
    "standard_rate",
    "carrier_specific",
    "sms",
];

fn text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_owned(),
    }
}

fn desc(value: Option<&Value>) -> String {
    let Some(d) = value.filter(|v| !v.is_null()) else {
        return "None".to_owned();
    };
    let pattern = d["pattern"].as_str().expect("a descriptor has a pattern");
    let lengths: Vec<String> = d["lengths"]
        .as_array()
        .expect("a descriptor has lengths")
        .iter()
        .map(|n| {
            let n = n.as_u64().expect("a length is a number");
            assert!(n > 0 && n < 256, "length {n} out of range");
            n.to_string()
        })
        .collect();
    let local: Vec<String> = d
        .get("local")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|n| n.as_u64().expect("a length").to_string())
                .collect()
        })
        .unwrap_or_default();
    format!(
        "Some(Desc {{ pattern: {pattern:?}, lengths: &[{}], local: &[{}] }})",
        lengths.join(", "),
        local.join(", ")
    )
}

/// libphonenumber writes the transform's group references as `$1`; the regex crate reads
/// `$1x` as a group named "1x", so write `${1}`.
fn transform(value: &Value) -> String {
    let Some(rule) = value.as_str() else {
        return "None".to_owned();
    };
    let mut out = String::new();
    let mut chars = rule.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(d) if c == '$' && d.is_ascii_digit() => {
                let d = *d;
                chars.next();
                write!(out, "${{{d}}}").expect("write to a String");
            }
            _ => out.push(c),
        }
    }
    format!("Some({out:?})")
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={DATA}");
    let data: Value = serde_json::from_str(&fs::read_to_string(DATA).expect("read the data"))
        .expect("the numbering data is JSON");
    let version = data["version"].as_str().expect("a version");
    let mut regions: Vec<&Value> = data["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .collect();
    // Two-letter regions by id, then the non-geographic entities ("001") by code.
    regions.sort_by_key(|r| {
        let id = r["id"].as_str().expect("an id");
        (id == "001", id.to_owned(), r["code"].as_u64())
    });

    let mut out = String::new();
    writeln!(
        out,
        "/// The libphonenumber release the data comes from.\npub(crate) const LIBPHONENUMBER_VERSION: &str = {version:?};"
    )
    .expect("write");
    writeln!(
        out,
        "/// Every region's plan, sorted by id; non-geographic entities (\"001\") last.\npub(crate) static REGIONS: [RegionData; {}] = [",
        regions.len()
    )
    .expect("write");
    let mut by_code: BTreeMap<u64, Vec<(bool, usize)>> = BTreeMap::new();
    let mut ids = Vec::new();
    for (index, r) in regions.iter().enumerate() {
        let id = r["id"].as_str().expect("an id");
        let code = r["code"].as_u64().expect("a country code");
        let main = r["main"].as_bool().unwrap_or(false);
        by_code.entry(code).or_default().push((main, index));
        if id.len() == 2 {
            ids.push(id.to_owned());
        }
        let kinds: Vec<String> = KINDS
            .iter()
            .map(|k| format!("{k}: {}", desc(r.get(*k))))
            .collect();
        let short = match r.get("short") {
            Some(s) => {
                let kinds: Vec<String> = SHORT_KINDS
                    .iter()
                    .map(|k| format!("{k}: {}", desc(s.get(*k))))
                    .collect();
                format!(
                    "Some(ShortData {{ general: {}, {} }})",
                    desc(s.get("general")),
                    kinds.join(", ")
                )
            }
            None => "None".to_owned(),
        };
        writeln!(
            out,
            "RegionData {{ id: {id:?}, code: {code}, main: {main}, idd: {}, national_prefix: {}, npp: {}, npp_transform: {}, leading: {}, same_fixed_mobile: {}, general: {}, {}, short: {short} }},",
            text(&r["idd"]),
            text(&r["national_prefix"]),
            text(&r["npp"]),
            transform(&r["npp_transform"]),
            text(&r["leading"]),
            r["same_fixed_mobile"].as_bool().unwrap_or(false),
            desc(r.get("general")),
            kinds.join(", "),
        )
        .expect("write");
    }
    writeln!(out, "];").expect("write");

    writeln!(
        out,
        "/// Country code → indices into `REGIONS`, the main region of a shared code first.\npub(crate) static BY_CODE: [(u16, &[u16]); {}] = [",
        by_code.len()
    )
    .expect("write");
    for (code, mut list) in by_code {
        // The main region first, then the others in id order, as libphonenumber lists them.
        list.sort_by_key(|&(main, index)| (!main, index));
        let indices: Vec<String> = list.iter().map(|(_, i)| i.to_string()).collect();
        writeln!(out, "({code}, &[{}]),", indices.join(", ")).expect("write");
    }
    writeln!(out, "];").expect("write");

    let emergency = data["emergency_numbers"]
        .as_object()
        .expect("emergency numbers");
    writeln!(
        out,
        "/// Every region's emergency numbers, sorted, with the regions each is one in.\npub(crate) static EMERGENCY: [(&str, &[&str]); {}] = [",
        emergency.len()
    )
    .expect("write");
    let mut numbers: Vec<(&String, &Value)> = emergency.iter().collect();
    numbers.sort_by(|a, b| a.0.cmp(b.0));
    for (number, regions) in numbers {
        let regions: Vec<String> = regions
            .as_array()
            .expect("regions")
            .iter()
            .map(|r| format!("{:?}", r.as_str().expect("a region")))
            .collect();
        writeln!(out, "({number:?}, &[{}]),", regions.join(", ")).expect("write");
    }
    writeln!(out, "];").expect("write");

    let dir = env::var("OUT_DIR").expect("OUT_DIR");
    fs::write(Path::new(&dir).join("numbering_data.rs"), out).expect("write the data");
    let list: Vec<String> = ids.iter().map(|id| format!("{id:?}")).collect();
    fs::write(
        Path::new(&dir).join("region_ids.rs"),
        format!(
            "/// Every ISO 3166-1 region with a numbering plan, sorted.\npub(crate) const REGION_IDS: &[&str] = &[{}];\n",
            list.join(", ")
        ),
    )
    .expect("write the region list");
}
