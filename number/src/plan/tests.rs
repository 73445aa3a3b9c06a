//! Unit tests of the parent module.

use super::*;

#[test]
fn every_pattern_compiles() {
    for r in &REGIONS {
        let descs = [
            &r.general,
            &r.premium,
            &r.toll_free,
            &r.shared_cost,
            &r.voip,
            &r.personal,
            &r.pager,
            &r.uan,
            &r.voicemail,
            &r.fixed,
            &r.mobile,
        ];
        for d in descs.into_iter().flatten() {
            assert!(Pattern::new(d).is_some(), "{} {}", r.id, d.pattern);
        }
        for p in [r.idd, r.npp, r.leading].into_iter().flatten() {
            assert!(compile(p).is_some(), "{} {p}", r.id);
        }
        if let Some(s) = &r.short {
            let descs = [
                &s.general,
                &s.emergency,
                &s.short_code,
                &s.toll_free,
                &s.premium,
                &s.standard_rate,
                &s.carrier_specific,
                &s.sms,
            ];
            for d in descs.into_iter().flatten() {
                assert!(Pattern::new(d).is_some(), "{} short {}", r.id, d.pattern);
            }
        }
    }
    assert_eq!(
        libphonenumber_version(),
        include_str!("../../data/LIBPHONENUMBER_VERSION").trim()
    );
}

#[test]
fn italian_leading_zero_is_kept() {
    assert_eq!(
        lookup(39, "0612345678"),
        Some((Some("IT".parse().expect("IT")), NumberKind::Fixed))
    );
}

#[test]
fn shared_codes_find_the_right_region() {
    let (region, _) = lookup(1, "8095550199").expect("DO number");
    assert_eq!(region.map(|r| r.to_string()).as_deref(), Some("DO"));
    let (region, _) = lookup(1, "2025550143").expect("US number");
    assert_eq!(region, Some(Region::US));
    let (region, kind) = lookup(979, "123456789").expect("international premium");
    assert_eq!((region, kind), (None, NumberKind::Premium));
    assert_eq!(main_region(1), Some(Region::US));
    assert_eq!(main_region(44), Some(Region::GB));
    assert_eq!(main_region(979), None);
}

#[test]
fn whole_numbers_only() {
    assert!(lookup(81, "9012345678").is_some());
    assert!(lookup(81, "90123456789").is_none());
    assert!(lookup(81, "901234567").is_none());
}

#[test]
fn short_numbers_of_a_region() {
    let it: Region = "IT".parse().expect("IT");
    assert_eq!(short_number(Region::JP, "110"), Some(ShortClass::Emergency));
    assert_eq!(short_number(it, "113"), Some(ShortClass::Emergency));
    assert_eq!(short_number(Region::GB, "999"), Some(ShortClass::Emergency));
    assert_eq!(short_number(Region::JP, "999"), None);
    assert!(short_number(Region::US, "211").is_some());
    assert!(emergency_regions("999").contains(&"GB"));
    assert!(!emergency_regions("999").contains(&"JP"));
    assert!(emergency_regions("12345").is_empty());
    // The table is the expansion of each region's emergency pattern: every listed number
    // matches it, and every short digit string that matches it is listed.
    let short_strings: Vec<String> = (1..=4u32)
        .flat_map(|len| (0..10u32.pow(len)).map(move |n| format!("{n:0len$}", len = len as usize)))
        .collect();
    for r in &REGIONS {
        let Some(pattern) = r.short.as_ref().and_then(|s| s.emergency.as_ref()) else {
            continue;
        };
        let regex = compile(&format!("^(?:{})$", pattern.pattern)).expect("compiles");
        let listed = EMERGENCY
            .iter()
            .filter(|(_, regions)| regions.contains(&r.id))
            .map(|(number, _)| *number);
        for number in listed {
            assert!(regex.is_match(number), "{number} listed for {}", r.id);
        }
        for text in &short_strings {
            assert_eq!(
                regex.is_match(text),
                emergency_regions(text).contains(&r.id),
                "{text} in {}",
                r.id
            );
        }
    }
}

#[test]
fn national_numbers_become_e164() {
    let it: Region = "IT".parse().expect("IT");
    let ar: Region = "AR".parse().expect("AR");
    let cn: Region = "CN".parse().expect("CN");
    assert_eq!(
        national_to_e164(Region::JP, "0352535111").as_deref(),
        Some("81352535111")
    );
    assert_eq!(
        national_to_e164(Region::US, "14155552671").as_deref(),
        Some("14155552671")
    );
    assert_eq!(
        national_to_e164(Region::US, "4155552671").as_deref(),
        Some("14155552671")
    );
    assert_eq!(
        national_to_e164(it, "0612345678").as_deref(),
        Some("390612345678")
    );
    // Argentina's rule rewrites 0 11 15 xxxx-xxxx (a mobile) into 9 11 xxxx xxxx.
    assert_eq!(
        national_to_e164(ar, "01115 2345 6789".replace(' ', "").as_str()).as_deref(),
        Some("5491123456789")
    );
    // A Chinese mobile is written without the trunk prefix.
    assert_eq!(
        national_to_e164(cn, "13349198311").as_deref(),
        Some("8613349198311")
    );
    assert_eq!(international_prefix_len(Region::JP, "0101202"), Some(3));
    assert_eq!(international_prefix_len(Region::US, "01144"), Some(3));
    assert_eq!(international_prefix_len(Region::JP, "0312345"), None);
    assert!("JP".parse::<Region>().is_ok() && "ZZ".parse::<Region>().is_err());
    assert!("001".parse::<Region>().is_err());
}
