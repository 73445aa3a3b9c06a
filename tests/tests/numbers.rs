//! The number path end to end: text → normalised number → country, kind, international.

use callguard_core::{Classifier, NumberFlag, NumberInfo, NumberKind, Presentation, Region};

fn classify(region: &str, text: &str) -> NumberInfo {
    let region: Region = region.parse().expect("region");
    Classifier::new(region).classify(text, Presentation::Allowed)
}

/// (region, input, e164, kind, international)
type Row = (
    &'static str,
    &'static str,
    Option<&'static str>,
    NumberKind,
    Option<bool>,
);

const MUST_HOLD: &[Row] = &[
    (
        "JP",
        "03-5253-5111",
        Some("+81352535111"),
        NumberKind::Fixed,
        Some(false),
    ),
    (
        "JP",
        "050-1234-5678",
        Some("+815012345678"),
        NumberKind::Voip,
        Some(false),
    ),
    (
        "JP",
        "0120-123-456",
        Some("+81120123456"),
        NumberKind::TollFree,
        Some(false),
    ),
    (
        "JP",
        "010-1-202-555-0143",
        Some("+12025550143"),
        NumberKind::FixedOrMobile,
        Some(true),
    ),
    (
        "JP",
        "0041-010-44-20-7946-0958",
        Some("+442079460958"),
        NumberKind::Fixed,
        Some(true),
    ),
    (
        "JP",
        "186-090-1234-5678",
        Some("+819012345678"),
        NumberKind::Mobile,
        Some(false),
    ),
    (
        "JP",
        "＋８１ ９０ １２３４ ５６７８",
        Some("+819012345678"),
        NumberKind::Mobile,
        Some(false),
    ),
    (
        "JP",
        "tel:%2B12025550143",
        Some("+12025550143"),
        NumberKind::FixedOrMobile,
        Some(true),
    ),
    ("JP", "119", None, NumberKind::Emergency, None),
    ("JP", "+83 1234 5678", None, NumberKind::Invalid, None),
    (
        "US",
        "(415) 555-2671",
        Some("+14155552671"),
        NumberKind::FixedOrMobile,
        Some(false),
    ),
];

#[test]
fn the_issue_table_holds() {
    for &(region, input, e164, kind, international) in MUST_HOLD {
        let info = classify(region, input);
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            e164,
            "{region} {input}: e164"
        );
        assert_eq!(info.kind, kind, "{region} {input}: kind");
        assert_eq!(
            info.international, international,
            "{region} {input}: international"
        );
    }
}

#[test]
fn japanese_ranges() {
    let cases = [
        ("090-1234-5678", NumberKind::Mobile),
        ("080-1234-5678", NumberKind::Mobile),
        ("070-1234-5678", NumberKind::Mobile),
        ("0800-123-4567", NumberKind::TollFree),
        // Navi-dial: libphonenumber types it as a universal access number.
        ("0570-012-345", NumberKind::Uan),
        ("0990-123-456", NumberKind::Premium),
        ("06-6123-4567", NumberKind::Fixed),
        ("011-211-2111", NumberKind::Fixed),
        // From the rule pack: unknown to or mistyped by the metadata.
        ("0170-12-3456", NumberKind::Uan),
        ("0180-12-3456", NumberKind::Premium),
        ("020-1234-5678", NumberKind::M2m),
        ("0204-123-4567", NumberKind::Pager),
        ("060-1234-5678", NumberKind::Mobile),
        ("0600-123-4567", NumberKind::FixedOrMobile),
    ];
    for (input, kind) in cases {
        let info = classify("JP", input);
        assert_eq!(info.kind, kind, "{input}: {info:?}");
        assert_eq!(info.country, Some(Region::JP), "{input}");
        assert_eq!(info.international, Some(false), "{input}");
    }
}

#[test]
fn trunk_notation_and_international_formats() {
    for input in [
        "+44 (0)20 7946 0958",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "00 44 (0) 20 7946 0958",
    ] {
        let info = classify("DE", input);
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            Some("+442079460958"),
            "{input}"
        );
        assert_eq!(info.international, Some(true));
    }
    // From the UK itself the same number is national.
    let info = classify("GB", "020 7946 0958");
    assert_eq!(
        info.e164.map(|e| e.to_string()).as_deref(),
        Some("+442079460958")
    );
    assert_eq!(info.international, Some(false));
    // North America dials out with 011.
    let info = classify("US", "011 81 3 5253 5111");
    assert_eq!(
        info.e164.map(|e| e.to_string()).as_deref(),
        Some("+81352535111")
    );
    assert_eq!(info.country, Some(Region::JP));
    // Australia's international prefix is 0011.
    let info = classify("AU", "0011 81 90 1234 5678");
    assert_eq!(
        info.e164.map(|e| e.to_string()).as_deref(),
        Some("+819012345678")
    );
}

#[test]
fn every_carrier_code_before_010() {
    for carrier in ["001", "0033", "0041", "0061"] {
        let info = classify("JP", &format!("{carrier} 010 1 202 555 0143"));
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            Some("+12025550143"),
            "{carrier}"
        );
        assert_eq!(
            info.prefixes.len(),
            2,
            "{carrier}: carrier and international prefixes"
        );
    }
}

#[test]
fn caribbean_numbers_are_international_for_the_us_and_flagged() {
    for (input, country) in [("+1 809 555 0199", "DO"), ("+1 876 555 0199", "JM")] {
        let info = classify("US", input);
        assert_eq!(
            info.country.map(|c| c.to_string()).as_deref(),
            Some(country),
            "{input}"
        );
        assert_eq!(info.international, Some(true), "{input}");
        assert!(info.has_flag(NumberFlag::OneRingProne), "{input}");
    }
    let info = classify("US", "+1 202 555 0143");
    assert!(!info.has_flag(NumberFlag::OneRingProne));
}

#[test]
fn non_geographic_codes() {
    let info = classify("JP", "+979 123456789");
    assert_eq!(info.kind, NumberKind::Premium);
    assert_eq!(info.country, None);
    assert_eq!(info.international, Some(true));
    assert!(info.has_flag(NumberFlag::InternationalPremium));

    let info = classify("JP", "+882 16 1234 5678");
    assert!(info.has_flag(NumberFlag::InternationalNetwork), "{info:?}");
    assert_eq!((info.kind, info.country), (NumberKind::Voip, None));
    // An unallocated +882 range is invalid, not an international-network number.
    assert_eq!(
        classify("JP", "+882 1234 5678 90").kind,
        NumberKind::Invalid
    );
    let info = classify("JP", "+800 1234 5678");
    assert_eq!(info.kind, NumberKind::TollFree);
    assert_eq!(info.international, Some(true));
}

#[test]
fn short_numbers_per_region() {
    let cases = [
        ("JP", "110", NumberKind::Emergency),
        ("JP", "118", NumberKind::Emergency),
        ("JP", "119", NumberKind::Emergency),
        ("JP", "112", NumberKind::Emergency),
        ("JP", "911", NumberKind::Emergency),
        ("JP", "188", NumberKind::Special),
        ("JP", "189", NumberKind::Special),
        ("JP", "#9110", NumberKind::Special),
        ("JP", "＃９１１０", NumberKind::Special),
        ("US", "911", NumberKind::Emergency),
        ("US", "988", NumberKind::Special),
        ("GB", "999", NumberKind::Emergency),
        ("GB", "112", NumberKind::Emergency),
        ("GB", "111", NumberKind::Special),
        ("AU", "000", NumberKind::Emergency),
        ("FR", "15", NumberKind::Emergency),
        ("KR", "112", NumberKind::Emergency),
    ];
    for (region, input, kind) in cases {
        let info = classify(region, input);
        assert_eq!(info.kind, kind, "{region} {input}");
        assert_eq!(info.e164, None, "{region} {input}: no bogus long number");
        assert_eq!(info.country, None);
        assert_eq!(info.international, None);
        assert!(
            info.service.is_some(),
            "{region} {input}: names the service"
        );
    }
    // 999 is not an emergency number in Japan but is one in the UK, Hong Kong, Singapore ...:
    // an emergency service abroad calling back a traveller must ring, so it is a special
    // number here, and says where it is an emergency number.
    let abroad = classify("JP", "999");
    assert_eq!(abroad.kind, NumberKind::Special);
    assert!(abroad
        .service
        .expect("named")
        .get(callguard_core::Lang::EN)
        .starts_with("Emergency number abroad"));
    // A carrier's service code (au's and SoftBank's 157, which also sends their SMS) rings.
    assert_eq!(classify("JP", "157").kind, NumberKind::Special);
}

/// Every region's emergency numbers are emergency numbers there (libphonenumber's short-number
/// data), not the 15 regions a hand-written list once covered.
#[test]
fn emergency_numbers_of_every_region() {
    let cases = [
        ("IT", &["112", "113", "115", "118"][..]),
        ("IN", &["100", "101", "102", "108", "112"]),
        ("AR", &["100", "101", "107", "911"]),
        ("BR", &["190", "192", "193"]),
        ("MX", &["060", "065", "911"]),
        ("RU", &["01", "02", "03", "112"]),
        ("ZA", &["10111", "10177", "112"]),
    ];
    for (region, numbers) in cases {
        for number in numbers {
            let info = classify(region, number);
            assert_eq!(
                info.kind,
                NumberKind::Emergency,
                "{region} {number}: {info:?}"
            );
        }
    }
}

/// A number that is valid as written nationally in the home region is read that way, before
/// any "shown without +" reading (CN 133 ... is a Chinese mobile, not +1 334 ...).
#[test]
fn home_numbers_are_read_as_home_numbers() {
    let cases = [
        ("CN", "133 4919 8311", "+8613349198311", NumberKind::Mobile),
        ("CO", "(608) 8415765", "+576088415765", NumberKind::Fixed),
        ("BR", "(82) 2568-6891", "+558225686891", NumberKind::Fixed),
        ("RU", "8 495 123-45-67", "+74951234567", NumberKind::Fixed),
        (
            "AR",
            "011 15 2345-6789",
            "+5491123456789",
            NumberKind::Mobile,
        ),
    ];
    for (region, input, e164, kind) in cases {
        let info = classify(region, input);
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            Some(e164),
            "{region} {input}"
        );
        assert_eq!(info.kind, kind, "{region} {input}");
        assert_eq!(info.international, Some(false), "{region} {input}");
        assert!(!info.has_flag(NumberFlag::MissingPlus), "{region} {input}");
    }
}

/// Length limits apply to what is left once separators, invisible marks and URI parameters are
/// removed: long caller-ID text cannot hide an emergency number.
#[test]
fn long_caller_id_text_is_cleaned_before_limits() {
    let domain = format!("{}.example", "a".repeat(300));
    let inputs = [
        format!("110{}", " ".repeat(254)),
        format!("{}110", "\u{200B}".repeat(86)),
        format!("tel:110;phone-context={domain}"),
        format!("1-1-0{}", "-".repeat(500)),
        format!(
            "\u{202A}{}110{}\u{202C}",
            " ".repeat(1000),
            "\u{3000}".repeat(300)
        ),
    ];
    for input in &inputs {
        let info = classify("JP", input);
        assert_eq!(info.kind, NumberKind::Emergency, "{} bytes", input.len());
    }
    // Noise around an emergency number (a byte that was not UTF-8, a symbol) does not hide it.
    for input in ["110\u{FFFD}", "☎110", "110 (police)", "１１９番"] {
        let info = classify("JP", input);
        assert_eq!(info.kind, NumberKind::Emergency, "{input}: {info:?}");
    }
    assert_eq!(classify("JP", "03-5253-5111 ☎").kind, NumberKind::Invalid);
    let number = classify("JP", &format!("tel:+81-3-5253-5111;phone-context={domain}"));
    assert_eq!(
        number.e164.map(|e| e.to_string()).as_deref(),
        Some("+81352535111")
    );
    // Digits still count: a thousand of them are too long, however they are spaced.
    let long = classify("JP", &"1 ".repeat(1000));
    assert_eq!(long.invalid.map(|r| r.code()), Some("too_long"));
}

/// Words that are not a caller-ID display word are an impossible number, not "no number".
#[test]
fn plain_words_are_impossible_numbers() {
    for text in ["Hello", "abc", "Free money"] {
        let info = classify("JP", text);
        assert_eq!(info.kind, NumberKind::Invalid, "{text}");
        assert_eq!(info.invalid.map(|r| r.code()), Some("letters"), "{text}");
    }
    for text in ["Anonymous", "Unknown Caller", "非通知", "Name Unavailable"] {
        assert_eq!(classify("JP", text).kind, NumberKind::Hidden, "{text}");
    }
}

#[test]
fn impossible_numbers_are_invalid_with_reasons() {
    let cases = [
        ("JP", "+83 1234 5678", "unassigned_country_code"),
        ("JP", "+210 1234 5678", "unassigned_country_code"),
        ("JP", "+885 1234 5678", "unassigned_country_code"),
        ("JP", "+28 1234 5678", "unassigned_country_code"),
        ("US", "+1 055 555 0143", "north_american_format"),
        ("US", "+1 155 555 0143", "north_american_format"),
        ("US", "+1 202 555 014", "north_american_format"),
        ("JP", "+81 1", "not_in_numbering_plan"),
        ("JP", "12345", "unknown_short_number"),
        ("JP", "+0123", "too_short"),
        ("JP", "0120-HELLO", "letters"),
        ("JP", "+1234567890123456", "too_long"),
        ("JP", "#12", "unknown_service_code"),
        ("JP", "03-5253-5111 ☎", "bad_character"),
    ];
    for (region, input, code) in cases {
        let info = classify(region, input);
        assert_eq!(info.kind, NumberKind::Invalid, "{region} {input}: {info:?}");
        assert_eq!(
            info.invalid.as_ref().map(|r| r.code()),
            Some(code),
            "{region} {input}"
        );
        assert_eq!(
            (info.e164, info.country, info.international),
            (None, None, None)
        );
    }
}

#[test]
fn international_number_without_plus_on_a_japanese_line() {
    let info = classify("JP", "12025550143");
    assert_eq!(
        info.e164.map(|e| e.to_string()).as_deref(),
        Some("+12025550143")
    );
    assert!(info.has_flag(NumberFlag::MissingPlus));
    assert_eq!(info.international, Some(true));
}

#[test]
fn hidden_presentations_are_screened_not_errors() {
    let jp = Classifier::new(Region::JP);
    for p in [
        Presentation::Restricted,
        Presentation::Unknown,
        Presentation::Payphone,
        Presentation::Unavailable,
    ] {
        let info = jp.classify("", p);
        assert_eq!(info.kind, NumberKind::Hidden);
        assert_eq!(info.presentation, p);
        assert_eq!(
            (info.e164, info.country, info.international),
            (None, None, None)
        );
    }
}

#[test]
fn other_regions() {
    let cases = [
        ("GB", "07400 123456", "+447400123456", NumberKind::Mobile),
        ("DE", "030 123456", "+4930123456", NumberKind::Fixed),
        ("FR", "06 12 34 56 78", "+33612345678", NumberKind::Mobile),
        ("IT", "06 1234 5678", "+390612345678", NumberKind::Fixed),
        ("AU", "0412 345 678", "+61412345678", NumberKind::Mobile),
        ("KR", "010-1234-5678", "+821012345678", NumberKind::Mobile),
        ("US", "1-800-555-0199", "+18005550199", NumberKind::TollFree),
    ];
    for (region, input, e164, kind) in cases {
        let info = classify(region, input);
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            Some(e164),
            "{region} {input}"
        );
        assert_eq!(info.kind, kind, "{region} {input}");
        assert_eq!(info.international, Some(false), "{region} {input}");
    }
}

#[test]
fn prefix_digits_for_list_rules() {
    let jp = Classifier::new(Region::JP);
    assert_eq!(jp.prefix_digits("+8150").as_deref(), Ok("8150"));
    assert_eq!(jp.prefix_digits("050").as_deref(), Ok("8150"));
    assert_eq!(jp.prefix_digits("+1 809").as_deref(), Ok("1809"));
    assert_eq!(jp.prefix_digits("+1").as_deref(), Ok("1"));
    assert_eq!(jp.prefix_digits("+81").as_deref(), Ok("81"));
    assert!(jp.prefix_digits("+0").is_err());
    assert!(jp.prefix_digits("非通知").is_err());
}

/// Cases the differential test against libphonenumber found, each read as libphonenumber reads
/// it: a trunk prefix after the country code, Russia's "8~10" international prefix, an
/// international prefix followed by 0 (no country code starts with 0), short North American
/// numbers the plan has, a trunk prefix rewritten (San Marino's 0549).
#[test]
fn as_libphonenumber_reads_them() {
    let cases = [
        (
            "JP",
            "+44 020 7946 0958",
            "+442079460958",
            NumberKind::Fixed,
        ),
        (
            "RU",
            "8~10 44 20 7946 0958",
            "+442079460958",
            NumberKind::Fixed,
        ),
        (
            "IN",
            "000 800 001 4165",
            "+910008000014165",
            NumberKind::TollFree,
        ),
        ("JP", "+1 310-1234", "+13101234", NumberKind::Uan),
        ("JP", "+378 981418", "+3780549981418", NumberKind::Fixed),
    ];
    for (region, input, e164, kind) in cases {
        let info = classify(region, input);
        assert_eq!(
            info.e164.map(|e| e.to_string()).as_deref(),
            Some(e164),
            "{region} {input}: {info:?}"
        );
        assert_eq!(info.kind, kind, "{region} {input}");
    }
    // Behind a country code: that country's emergency numbers, and the home country's short
    // numbers; another country's other short codes cannot be dialled from abroad.
    assert_eq!(classify("JP", "+44 999").kind, NumberKind::Emergency);
    assert_eq!(classify("JP", "+81 188").kind, NumberKind::Special);
    assert_eq!(classify("JP", "+385 600124").kind, NumberKind::Invalid);
}
