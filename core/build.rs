//! Extracts the numbering-plan facts callguard needs from the phonenumber crate's metadata at
//! build time, so that the library never loads that metadata at run time.
//!
//! The crate compiles every region's patterns when its database is first touched (about
//! 120 ms); callguard instead embeds the pattern sources (`numbering_plan.json` in OUT_DIR) and
//! compiles one country code's patterns when a number from it is first seen.

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::path::Path;

use phonenumber::metadata::{Descriptor, DATABASE};
use serde_json::{json, Value};

fn descriptor(desc: Option<&Descriptor>) -> Value {
    match desc {
        Some(d) => json!({
            "pattern": d.national_number().as_str(),
            "lengths": d.possible_length(),
        }),
        None => Value::Null,
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut regions = Vec::new();
    let mut ids = BTreeSet::new();
    // By country code, not `DATABASE.iter()`: that walks a map keyed by region id, where every
    // non-geographic entity (+800, +882, +979 ...) shares the id "001" and only one survives.
    let metas = (1..=999u16).flat_map(|code| DATABASE.by_code(&code).unwrap_or_default());
    for meta in metas {
        let d = meta.descriptors();
        if meta.id().len() == 2 {
            ids.insert(meta.id().to_owned());
        }
        regions.push(json!({
            "id": meta.id(),
            "code": meta.country_code(),
            "main": meta.is_main_country_for_code(),
            "idd": meta.international_prefix().map(|r| r.as_str()),
            "national_prefix": meta.national_prefix(),
            "npp": meta.national_prefix_for_parsing().map(|r| r.as_str()),
            "npp_transform": meta.national_prefix_transform_rule(),
            "leading": meta.leading_digits().map(|r| r.as_str()),
            "general": descriptor(Some(d.general())),
            "fixed": descriptor(d.fixed_line()),
            "mobile": descriptor(d.mobile()),
            "toll_free": descriptor(d.toll_free()),
            "premium": descriptor(d.premium_rate()),
            "shared_cost": descriptor(d.shared_cost()),
            "voip": descriptor(d.voip()),
            "personal": descriptor(d.personal_number()),
            "pager": descriptor(d.pager()),
            "uan": descriptor(d.uan()),
            "voicemail": descriptor(d.voicemail()),
        }));
    }
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    let plan = serde_json::to_string(&json!({ "regions": regions })).expect("plan JSON");
    fs::write(Path::new(&out).join("numbering_plan.json"), plan).expect("write the plan");
    let list: Vec<String> = ids.iter().map(|id| format!("{id:?}")).collect();
    fs::write(
        Path::new(&out).join("region_ids.rs"),
        format!(
            "/// Every ISO 3166-1 region with a numbering plan, sorted.\npub(crate) const REGION_IDS: &[&str] = &[{}];\n",
            list.join(", ")
        ),
    )
    .expect("write the region list");
}
