//! Unit tests of the parent module.

use callguard_number::{Classifier, Region};

use super::*;

fn jp() -> Classifier {
    Classifier::new(Region::JP)
}

#[test]
fn national_and_international_forms_are_one_entry() {
    let a = Pattern::parse("050-1234-5678", &jp()).expect("national");
    let b = Pattern::parse("+81 50 1234 5678", &jp()).expect("international");
    assert_eq!(a, b);
    assert_eq!(a.to_string(), "+815012345678");
}

#[test]
fn prefixes_and_ranges() {
    let p = Pattern::parse("050*", &jp()).expect("prefix");
    assert_eq!(p, Pattern::parse("+8150*", &jp()).expect("prefix"));
    assert_eq!(p.to_string(), "+8150*");
    let n = E164::from_digits("815012345678").expect("number");
    assert!(p.matches(n));
    assert!(!p.matches(E164::from_digits("819012345678").expect("number")));
    let r = Pattern::parse("+815012345600..+815012345699", &jp()).expect("range");
    assert!(r.matches(n));
    assert!(!r.matches(E164::from_digits("815012345700").expect("number")));
    assert_eq!(
        Pattern::parse(&r.to_string(), &jp()).expect("round trip"),
        r
    );
}

#[test]
fn refuses_emergency_invalid_and_bad_ranges() {
    assert!(matches!(
        Pattern::parse("110", &jp()),
        Err(StoreError::ProtectedNumber { .. })
    ));
    assert!(matches!(
        Pattern::parse("hello", &jp()),
        Err(StoreError::InvalidNumber { .. })
    ));
    assert!(matches!(
        Pattern::parse("+815012345699..+815012345600", &jp()),
        Err(StoreError::InvalidPattern { .. })
    ));
    assert!(matches!(
        Pattern::parse("+815012345699..+81312345678", &jp()),
        Err(StoreError::InvalidPattern { .. })
    ));
}

#[test]
fn allow_beats_block_and_specific_beats_general() {
    let n = E164::from_digits("815012345678").expect("number");
    let entry = |list, text: &str| ListEntry {
        list,
        pattern: Pattern::parse(text, &jp()).expect("pattern"),
        label: Some(text.to_owned()),
        note: None,
        added_at: 0,
    };
    let entries = vec![
        entry(ListKind::Block, "+8150*"),
        entry(ListKind::Block, "+815012345678"),
        entry(ListKind::Block, "+81501*"),
    ];
    let hit = best_hit(&entries, n).expect("hit");
    assert_eq!(hit.pattern, Pattern::Exact(n));
    let mut with_allow = entries.clone();
    with_allow.push(entry(ListKind::Allow, "+815012*"));
    assert_eq!(best_hit(&with_allow, n).expect("hit").list, ListKind::Allow);
    assert!(best_hit(&entries, E164::from_digits("819012345678").expect("n")).is_none());
}

/// A pattern over a small space of 12-digit numbers, so that entries overlap often.
fn pattern_strategy() -> impl proptest::strategy::Strategy<Value = Pattern> {
    use proptest::prelude::*;
    let base = 815_012_340_000u64;
    prop_oneof![
        (0u64..2_000).prop_map(move |i| Pattern::Exact(E164::from_u64(base + i).expect("number"))),
        (0u64..2_000, 4u8..=12).prop_map(move |(i, len)| Pattern::Prefix {
            digits: (base + i) / 10u64.pow(12 - u32::from(len)),
            len,
        }),
        (0u64..2_000, 0u64..300).prop_map(move |(i, width)| {
            let from = E164::from_u64(base + i).expect("number");
            let to = E164::from_u64(base + i + width).expect("number");
            if width == 0 {
                Pattern::Exact(from)
            } else {
                Pattern::Range { from, to }
            }
        }),
    ]
}

proptest::proptest! {
    /// The index answers exactly as the linear scan, ties and duplicates included.
    #[test]
    fn the_index_agrees_with_the_linear_scan(
        specs in proptest::collection::vec((pattern_strategy(), proptest::bool::ANY), 0..60),
        probes in proptest::collection::vec(0u64..2_400, 1..40),
    ) {
        let entries: Vec<ListEntry> = specs
            .into_iter()
            .enumerate()
            .map(|(i, (pattern, allow))| ListEntry {
                list: if allow { ListKind::Allow } else { ListKind::Block },
                pattern,
                label: Some(format!("entry {i}")),
                note: None,
                added_at: i as i64,
            })
            .collect();
        let index = ListIndex::new(entries.clone());
        for probe in probes {
            let n = E164::from_u64(815_012_340_000 - 100 + probe).expect("number");
            proptest::prop_assert_eq!(index.best_hit(n), best_hit(&entries, n), "{}", n);
        }
        // Numbers of other lengths match no range and only short enough prefixes.
        for n in [8150123u64, 81501234000000] {
            let n = E164::from_u64(n).expect("number");
            proptest::prop_assert_eq!(index.best_hit(n), best_hit(&entries, n));
        }
    }

    /// An index patched in place by adds (new patterns, or new labels for known ones) and
    /// removals is the index a reload of the resulting entries would build.
    #[test]
    fn patching_in_place_equals_rebuilding(
        ops in proptest::collection::vec(
            (pattern_strategy(), proptest::bool::ANY, proptest::bool::weighted(0.3)),
            0..80,
        ),
        probes in proptest::collection::vec(0u64..2_400, 1..40),
    ) {
        let mut patched = ListIndex::new(Vec::new());
        let mut entries: Vec<ListEntry> = Vec::new();
        for (i, (pattern, allow, remove)) in ops.into_iter().enumerate() {
            let list = if allow { ListKind::Allow } else { ListKind::Block };
            let found = entries.iter().position(|e| e.list == list && e.pattern == pattern);
            if remove {
                patched.remove(list, pattern);
                if let Some(at) = found {
                    entries.remove(at);
                }
            } else {
                let entry = ListEntry {
                    list,
                    pattern,
                    label: Some(format!("entry {i}")),
                    note: None,
                    added_at: i as i64,
                };
                patched.upsert(entry.clone());
                match found {
                    Some(at) => entries[at].label = entry.label,
                    None => entries.push(entry),
                }
            }
        }
        let rebuilt = ListIndex::new(entries.clone());
        proptest::prop_assert_eq!(patched.entries(), &entries[..]);
        let mut lengths = patched.prefix_lengths.clone();
        lengths.dedup();
        proptest::prop_assert_eq!(&lengths, &patched.prefix_lengths);
        proptest::prop_assert_eq!(&patched.prefix_lengths, &rebuilt.prefix_lengths);
        for probe in probes {
            let n = E164::from_u64(815_012_340_000 - 100 + probe).expect("number");
            proptest::prop_assert_eq!(patched.best_hit(n), rebuilt.best_hit(n), "{}", n);
            proptest::prop_assert_eq!(patched.best_hit(n), best_hit(&entries, n), "{}", n);
        }
    }
}
