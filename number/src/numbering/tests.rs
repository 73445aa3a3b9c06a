//! Unit tests of the parent module.

use super::*;

#[test]
fn prefix_buckets_answer_as_a_scan_of_every_prefix_would() {
    let rules = NumberingRules::embedded();
    let scan_flags = |digits: &str| -> Vec<NumberFlag> {
        rules
            .flagged
            .iter()
            .filter(|(prefix, _, _)| digits.starts_with(prefix.as_str()))
            .map(|(_, flag, _)| *flag)
            .collect()
    };
    let scan_override = |digits: &str| {
        rules
            .overrides
            .iter()
            .find(|(p, o)| digits.starts_with(p.as_str()) && o.digits.contains(&digits.len()))
            .map(|(_, o)| o.kind)
    };
    // Every prefix of the pack, padded to every length, and some that match nothing.
    let mut inputs: Vec<String> = vec!["1".into(), "8".into(), "".into(), "x1".into()];
    for (prefix, _) in &rules.overrides {
        for len in prefix.len()..=15 {
            inputs.push(format!("{prefix:0<len$}"));
        }
    }
    for (prefix, _, _) in &rules.flagged {
        inputs.push(prefix.clone());
        inputs.push(format!("{prefix}1234567"));
    }
    for input in &inputs {
        let flags: Vec<NumberFlag> = rules.flags(input).map(|(f, _)| f).collect();
        assert_eq!(flags, scan_flags(input), "{input}");
        assert_eq!(
            rules.kind_override(input).map(|o| o.kind),
            scan_override(input),
            "{input}"
        );
    }
    // A one-digit prefix is a candidate for every number starting with its digit.
    let buckets = PrefixBuckets::new(["8", "81", "1"].into_iter());
    assert_eq!(buckets.candidates("815012345678"), &[0, 1]);
    assert_eq!(buckets.candidates("8"), &[0]);
    assert_eq!(buckets.candidates("12025550123"), &[2]);
    assert!(buckets.candidates("44").is_empty());
}

#[test]
fn embedded_pack_loads() {
    let rules = NumberingRules::from_json(EMBEDDED).expect("embedded pack");
    assert!(!rules.version().is_empty());
    let jp = rules.short_number(Region::JP, "118").expect("118 in JP");
    assert_eq!(jp.kind, Some(NumberKind::Emergency));
    assert_eq!(
        rules.short_number(Region::JP, "112").and_then(|s| s.kind),
        Some(NumberKind::Emergency),
        "GSM 112 is known in every region"
    );
    for class in [
        "emergency",
        "toll_free",
        "premium",
        "standard_rate",
        "carrier_specific",
        "sms",
        "short_code",
        "emergency_abroad",
    ] {
        assert!(rules.short_class_name(class).is_some(), "{class}");
    }
    assert!(rules.is_unassigned_country_code(83));
    assert_eq!(
        rules.hidden_word(" 非通知 "),
        Some(Presentation::Restricted)
    );
    assert_eq!(
        rules.hidden_word("Anonymous"),
        Some(Presentation::Restricted)
    );
}

#[test]
fn longest_override_wins_and_length_matters() {
    let rules = NumberingRules::embedded();
    assert_eq!(rules.kind_override("81204123456789").map(|o| o.kind), None);
    assert_eq!(
        rules.kind_override("812041234567").map(|o| o.kind),
        Some(NumberKind::Pager)
    );
    assert_eq!(
        rules.kind_override("812011234567").map(|o| o.kind),
        Some(NumberKind::M2m)
    );
}

fn pack_with(field: &str, value: &str) -> String {
    format!(r#"{{"format": 1, "version": "t", "description": "d", "{field}": {value}}}"#)
}

#[test]
fn bad_entries_are_named() {
    let cases = [
        (
            pack_with(
                "kind_overrides",
                r#"[{"prefix": "81", "digits": [11], "kind": "mobile", "country": "JP", "note": "", "source": ""}]"#,
            ),
            "kind_overrides[0]",
        ),
        (
            pack_with(
                "kind_overrides",
                r#"[{"prefix": "+81", "digits": [11], "kind": "emergency", "country": "JP", "note": "", "source": ""}]"#,
            ),
            "kind_overrides[0]",
        ),
        (
            pack_with(
                "global_short_numbers",
                r#"[{"number": "1a", "kind": "emergency", "name": {"ja": "", "en": ""}, "source": ""}]"#,
            ),
            "global_short_numbers[0]",
        ),
        (
            pack_with(
                "global_short_numbers",
                r#"[{"number": "110", "kind": "mobile", "name": {"ja": "", "en": ""}, "source": ""}]"#,
            ),
            "global_short_numbers[0]",
        ),
        (
            pack_with(
                "regions",
                r#"{"JP": {"carrier_prefixes": [{"prefix": "0x", "note": "", "source": ""}]}}"#,
            ),
            "regions.JP.carrier_prefixes[0]",
        ),
        (
            pack_with(
                "unassigned_country_codes",
                r#"[{"code": 1000, "source": ""}]"#,
            ),
            "unassigned_country_codes[0]",
        ),
    ];
    for (json, location) in cases {
        let err = NumberingRules::from_json(&json).expect_err(&json);
        assert_eq!(err.location, location, "{err}");
    }
}

#[test]
fn syntax_errors_name_line_and_column() {
    let err = NumberingRules::from_json("{\n  \"format\": 1,\n  oops\n}").expect_err("bad json");
    assert!(err.location.starts_with("line 3"), "{err}");
    let err = NumberingRules::from_json(&pack_with("regions", r#"{"XX": {}}"#))
        .expect_err("unknown region");
    assert!(err.message.contains("XX"), "{err}");
    let err = NumberingRules::from_json(r#"{"format": 2, "version": "", "description": ""}"#)
        .expect_err("future format");
    assert_eq!(err.location, "format");
}
