//! Unit tests of the parent module.

use super::*;

/// Japan's and North America's prefixes, without the metadata.
struct FixedIdd;
impl DialPlan for FixedIdd {
    fn international_prefix_len(&self, region: Region, digits: &str) -> Option<usize> {
        let idd = match region.as_str() {
            "JP" => "010",
            "US" | "CA" => "011",
            _ => "00",
        };
        digits.starts_with(idd).then_some(idd.len())
    }

    /// Only the rule pack's short numbers.
    fn is_short_number(&self, _region: Region, _digits: &str) -> bool {
        false
    }
}

fn norm(text: &str, region: Region) -> ParsedNumber {
    let rules = NumberingRules::embedded();
    parse(text, Presentation::Allowed, region, &rules, &FixedIdd)
}

fn parsed(text: &str, region: Region) -> Parsed {
    norm(text, region).parsed
}

#[test]
fn plus_and_punctuation() {
    assert_eq!(
        parsed("+1 202-555-0143", Region::JP),
        Parsed::International("12025550143".into())
    );
    assert_eq!(
        parsed("+44 (0)20 7946 0958", Region::JP),
        Parsed::International("442079460958".into())
    );
    assert_eq!(
        parsed("03-5253-5111", Region::JP),
        Parsed::National("0352535111".into())
    );
    assert_eq!(
        parsed("(03) 5253.5111", Region::JP),
        Parsed::National("0352535111".into())
    );
}

#[test]
fn full_width_and_japanese_dashes() {
    assert_eq!(
        parsed("＋８１　９０ー１２３４－５６７８", Region::JP),
        Parsed::International("819012345678".into())
    );
    assert_eq!(
        parsed("０３（５２５３）５１１１", Region::JP),
        Parsed::National("0352535111".into())
    );
}

#[test]
fn international_prefix_and_carrier_codes() {
    let n = norm("010-1-202-555-0143", Region::JP);
    assert_eq!(n.parsed, Parsed::International("12025550143".into()));
    assert_eq!(
        n.prefixes,
        vec![DialPrefix::International {
            prefix: "010".into()
        }]
    );

    let n = norm("0041-010-44-20-7946-0958", Region::JP);
    assert_eq!(n.parsed, Parsed::International("442079460958".into()));
    assert_eq!(
        n.prefixes,
        vec![
            DialPrefix::Carrier {
                prefix: "0041".into()
            },
            DialPrefix::International {
                prefix: "010".into()
            }
        ]
    );
    assert_eq!(
        parsed("001 010 1 202 555 0143", Region::JP),
        Parsed::International("12025550143".into())
    );
    assert_eq!(
        parsed("011 44 20 7946 0958", Region::US),
        Parsed::International("442079460958".into())
    );
}

#[test]
fn caller_id_prefixes() {
    let n = norm("186-090-1234-5678", Region::JP);
    assert_eq!(n.parsed, Parsed::National("09012345678".into()));
    assert_eq!(
        n.prefixes,
        vec![DialPrefix::CallerId {
            prefix: "186".into(),
            sends_caller_id: true
        }]
    );
    let n = norm("184 03 5253 5111", Region::JP);
    assert_eq!(n.parsed, Parsed::National("0352535111".into()));
    assert!(matches!(
        n.prefixes[0],
        DialPrefix::CallerId {
            sends_caller_id: false,
            ..
        }
    ));
    // 184 alone is not a prefix of anything.
    assert_eq!(parsed("184", Region::JP), Parsed::National("184".into()));
    let n = norm("*67 415 555 2671", Region::US);
    assert_eq!(n.parsed, Parsed::National("4155552671".into()));
}

#[test]
fn uris() {
    assert_eq!(
        parsed("tel:%2B12025550143", Region::JP),
        Parsed::International("12025550143".into())
    );
    assert_eq!(
        parsed("TEL:+1-202-555-0143;ext=1", Region::JP),
        Parsed::International("12025550143".into())
    );
    assert_eq!(
        parsed("tel:03-5253-5111;phone-context=+81", Region::JP),
        Parsed::National("0352535111".into())
    );
    assert_eq!(
        parsed("sip:+819012345678@ims.example;user=phone", Region::JP),
        Parsed::International("819012345678".into())
    );
    assert_eq!(
        parsed("tel:%23%39110", Region::JP),
        Parsed::Short("#9110".into())
    );
    assert_eq!(
        parsed("tel:%FF", Region::JP),
        Parsed::Invalid(InvalidReason::BadCharacter { character: '%' })
    );
}

#[test]
fn short_numbers_stay_short() {
    for n in ["110", "118", "119", "188", "189", "#9110", "112", "911"] {
        assert_eq!(parsed(n, Region::JP), Parsed::Short(n.into()), "{n}");
    }
    assert_eq!(parsed("999", Region::GB), Parsed::Short("999".into()));
    assert_eq!(parsed("９１１", Region::US), Parsed::Short("911".into()));
    assert_eq!(
        parsed("#1234", Region::JP),
        Parsed::Invalid(InvalidReason::UnknownServiceCode)
    );
    assert_eq!(
        parsed("+110", Region::JP),
        Parsed::International("110".into())
    );
}

#[test]
fn hidden() {
    let rules = NumberingRules::embedded();
    for p in Presentation::ALL
        .into_iter()
        .filter(|p| *p != Presentation::Allowed)
    {
        let n = parse("+12025550143", p, Region::JP, &rules, &FixedIdd);
        assert_eq!(n.parsed, Parsed::Hidden(p));
    }
    assert_eq!(
        parsed("", Region::JP),
        Parsed::Hidden(Presentation::Unknown)
    );
    assert_eq!(
        parsed("非通知", Region::JP),
        Parsed::Hidden(Presentation::Restricted)
    );
    assert_eq!(
        parsed("公衆電話", Region::JP),
        Parsed::Hidden(Presentation::Payphone)
    );
    assert_eq!(
        parsed("表示圏外", Region::JP),
        Parsed::Hidden(Presentation::Unavailable)
    );
    assert_eq!(
        parsed("Anonymous", Region::US),
        Parsed::Hidden(Presentation::Restricted)
    );
}

#[test]
fn garbage_is_invalid_with_a_reason() {
    assert_eq!(
        parsed("---", Region::JP),
        Parsed::Invalid(InvalidReason::Empty)
    );
    assert_eq!(
        parsed("1-800-FLOWERS", Region::US),
        Parsed::Invalid(InvalidReason::Letters)
    );
    assert_eq!(
        parsed("12+34", Region::JP),
        Parsed::Invalid(InvalidReason::MisplacedPlus)
    );
    assert_eq!(
        parsed("12;34", Region::JP),
        Parsed::Invalid(InvalidReason::BadCharacter { character: ';' })
    );
    assert_eq!(
        parsed("+1234567890123456", Region::JP),
        Parsed::Invalid(InvalidReason::TooLong { digits: 16 })
    );
    assert_eq!(
        parsed("+0123", Region::JP),
        Parsed::Invalid(InvalidReason::TooShort { digits: 4 })
    );
    let long = "9".repeat(300);
    assert!(matches!(
        parsed(&long, Region::JP),
        Parsed::Invalid(InvalidReason::TooLong { .. })
    ));
}

#[test]
fn display_words_are_no_number_not_a_fake_one() {
    for text in ["Unknown Caller", "Name Unavailable"] {
        assert_eq!(
            parsed(text, Region::US),
            Parsed::Hidden(Presentation::Unknown),
            "{text}"
        );
    }
    assert_eq!(
        parsed("ＰＲＩＶＡＴＥ ＣＡＬＬ", Region::US),
        Parsed::Hidden(Presentation::Restricted)
    );
    assert_eq!(
        parsed("No Caller ID", Region::US),
        Parsed::Hidden(Presentation::Restricted)
    );
    // Letters among digits stay invalid: that is not a display word.
    assert_eq!(
        parsed("0120-HELLO", Region::JP),
        Parsed::Invalid(InvalidReason::Letters)
    );
}

#[test]
fn bidi_and_zero_width_marks_are_ignored() {
    assert_eq!(
        parsed("\u{202A}+81 90\u{200B}1234 5678\u{202C}", Region::JP),
        Parsed::International("819012345678".into())
    );
}
