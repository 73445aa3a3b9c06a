//! Unit tests of the parent module.

use super::*;

#[test]
fn presets_load() {
    for name in Policy::preset_names() {
        let policy = Policy::preset(name).expect("preset");
        assert_eq!(policy.name, name);
        assert!(!policy.is_locked());
        let again = Policy::from_json(&policy.to_json()).expect("round trip");
        assert_eq!(&again, policy.as_ref());
    }
    assert!(Policy::preset("strict").is_none());
    let elderly = Policy::preset("elderly").expect("elderly");
    assert!(elderly.hard_rules.iter().any(|r| matches!(
        r,
        HardRule::International {
            verdict: Verdict::Block
        }
    )));
}

#[test]
fn bad_policies_are_named() {
    let base = Policy::default_policy().to_json();
    let cases = [
        (base.replace("\"warn\": 30", "\"warn\": 90"), "thresholds"),
        (base.replace("\"invalid_number\": 90", "\"invalid_number\": 190"), "weights.invalid_number"),
        (base.replace("\"hard_rules\": []", r#""hard_rules": [{"rule": "kind", "kinds": ["emergency"], "verdict": "block"}]"#), "hard_rules[0]"),
        (base.replace("\"hard_rules\": []", r#""hard_rules": [{"rule": "international", "verdict": "allow"}]"#), "hard_rules[0]"),
        (base.replace("\"repeat_caller_min_calls\": 3", "\"repeat_caller_min_calls\": 1"), "repeat_caller_min_calls"),
        (base.replace("\"ip_phone\": 30", "\"contact\": 30"), "weights.contact"),
        (base.replace("\"ip_phone\": 30", "\"quiet_hours\": 30"), "weights.quiet_hours"),
        (base.replace("\"silence\": 60", "\"silence\": 30"), "thresholds"),
        (base.replace("\"hard_rules\": []", r#""hard_rules": [{"rule": "kind", "kinds": [], "verdict": "warn"}]"#), "hard_rules[0]"),
        (base.replace("\"hard_rules\": []", r#""hard_rules": [{"rule": "hidden", "presentations": [], "verdict": "warn"}]"#), "hard_rules[0]"),
        (base.replace("\"hard_rules\": []", r#""hard_rules": [{"rule": "quiet_hours", "from": "21:00", "to": "21:00", "verdict": "silence"}]"#), "hard_rules[0]"),
        (base.replace("\"lock\": null", r#""lock": {"salt": "AA==", "hash": "AA==", "rounds": 4000000000}"#), "lock.rounds"),
    ];
    for (json, location) in cases {
        assert_ne!(json, base, "the replacement for {location} must apply");
        let err = Policy::from_json(&json).expect_err(location);
        assert_eq!(err.location, location, "{err}");
    }
    let err = Policy::from_json(&base.replace("\"ip_phone\"", "\"ip_fone\"")).expect_err("code");
    assert!(err.message.contains("ip_fone"), "{err}");
}

#[test]
fn a_caregiver_lock() {
    let open = Policy::preset("elderly").expect("elderly");
    assert!(open.change_allowed(None));
    let locked = open.locked_with("2468", None).expect("lock");
    assert!(locked.is_locked());
    assert!(!locked.change_allowed(None));
    assert!(!locked.change_allowed(Some("1357")));
    assert!(locked.change_allowed(Some("2468")));
    // The lock survives a round trip through JSON and keeps no PIN in clear.
    let json = locked.to_json();
    assert!(!json.contains("2468"));
    let reread = Policy::from_json(&json).expect("locked policy");
    assert!(reread.change_allowed(Some("2468")));
    assert_eq!(
        reread.locked_with("9999", Some("0000")),
        Err(PolicyError::Locked("elderly".into()))
    );
    assert!(reread.unlocked("1111").is_err());
    assert!(!reread.unlocked("2468").expect("unlock").is_locked());
    assert!(open.locked_with("12", None).is_err());
    // Two locks with the same PIN use different salts.
    let other = open.locked_with("2468", None).expect("lock");
    assert_ne!(other.lock, locked.lock);
}

/// Edit a locked file's thresholds or hard rules, or copy its lock onto another policy: it
/// is refused when read, and no PIN opens the edited content.
#[test]
fn a_lock_is_bound_to_the_policy_content() {
    let locked = Policy::preset("elderly")
        .expect("elderly")
        .locked_with("2468", None)
        .expect("lock");
    let json = locked.to_json();
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
    value["thresholds"] = serde_json::json!({"warn": 97, "silence": 98, "block": 99});
    value["hard_rules"] = serde_json::json!([]);
    let edited = value.to_string();
    let err = Policy::from_json(&edited).expect_err("edited");
    assert_eq!(err.location, "lock", "{err}");
    // Even read past the check, the PIN does not open the edited content.
    let mut raw: Policy = serde_json::from_value(value).expect("raw");
    assert!(!raw.change_allowed(Some("2468")));
    // Rewriting `content` to match breaks the hash: no PIN opens it.
    let digest = raw.content_digest();
    if let Some(lock) = raw.lock.as_mut() {
        lock.content = digest;
    }
    let forged = Policy::from_json(&raw.to_json()).expect("consistent");
    assert!(forged.is_locked());
    assert!(!forged.change_allowed(Some("2468")));

    // A lock copied from another policy.
    let mut minimal: serde_json::Value =
        serde_json::from_str(&Policy::preset("minimal").expect("minimal").to_json()).expect("json");
    minimal["lock"] = serde_json::to_value(&locked.lock).expect("lock");
    let err = Policy::from_json(&minimal.to_string()).expect_err("copied");
    assert_eq!(err.location, "lock", "{err}");

    // A lock of the first format (no content) is refused.
    let mut old: serde_json::Value = serde_json::from_str(&json).expect("json");
    old["lock"] = serde_json::json!({"salt": "AAAAAAAAAAAAAAAAAAAAAA==",
        "hash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "rounds": 100000});
    let err = Policy::from_json(&old.to_string()).expect_err("old lock");
    assert!(err.message.contains("older"), "{err}");
    // Key order in the file does not matter: the digest is over canonical JSON.
    let reordered: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(Policy::from_json(&reordered.to_string())
        .expect("same content")
        .change_allowed(Some("2468")));
}

#[test]
fn the_weakest_pins_are_refused() {
    let open = Policy::preset("balanced").expect("balanced");
    for pin in [
        "0000", "1111", "1234", "4321", "0123", "9876", "123456", "1212", "1122", "1985", "2001",
        "1004", "abcd", "123", "",
    ] {
        assert!(pin_weakness(pin).is_some(), "{pin}");
        assert!(
            matches!(open.locked_with(pin, None), Err(PolicyError::Lock(_))),
            "{pin}"
        );
    }
    for pin in ["2468", "7391", "50825", "kiku-no-hana"] {
        assert_eq!(pin_weakness(pin), None, "{pin}");
    }
}
