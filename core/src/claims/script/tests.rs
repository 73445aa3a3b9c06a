//! Unit tests of the parent module.

use super::*;

fn scanner() -> Arc<ScriptScanner> {
    ScriptScanner::embedded()
}

fn codes(r: &ScanResult) -> Vec<&'static str> {
    r.categories.iter().map(|c| c.as_str()).collect()
}

#[test]
fn embedded_pack_loads_and_labels_every_category() {
    let s = ScriptScanner::from_json(EMBEDDED).expect("embedded pack");
    assert!(!s.version().is_empty());
    for c in Cue::ALL {
        assert!(s.label(c).missing().is_empty());
        assert_eq!(c.as_str().parse::<Cue>(), Ok(c));
    }
}

#[test]
fn ministry_script_is_high_and_quotes_the_original() {
    let text = "総務省です。２時間以内に通信を停止します。";
    let r = scanner().scan(text);
    assert_eq!(r.level, ScriptLevel::High, "{r:?}");
    assert!(r.score >= 65);
    assert_eq!(
        codes(&r),
        ["authority_impersonation", "urgency", "service_cutoff"]
    );
    let cutoff = r
        .matches
        .iter()
        .find(|m| m.category == Cue::ServiceCutoff)
        .expect("cutoff match");
    assert_eq!(cutoff.text, "通信を停止");
    assert_eq!(&text[cutoff.start..cutoff.end], "通信を停止");
    let urgency = r
        .matches
        .iter()
        .find(|m| m.category == Cue::Urgency)
        .expect("urgency match");
    assert_eq!(urgency.text, "２時間以内");
}

#[test]
fn lone_authority_is_at_most_low() {
    for text in [
        "総務省は本日、新しい方針を発表した",
        "警察署の前で待ち合わせ",
        "The police officer helped my grandmother",
    ] {
        let r = scanner().scan(text);
        assert!(r.level <= ScriptLevel::Low, "{text}: {r:?}");
        assert_eq!(codes(&r), ["authority_impersonation"], "{text}");
    }
}

#[test]
fn nothing_found_is_none_with_zero() {
    let r = scanner().scan("明日は晴れるでしょう。See you tomorrow!");
    assert_eq!(r.level, ScriptLevel::None);
    assert_eq!(r.score, 0);
    assert!(r.matches.is_empty() && r.categories.is_empty() && r.combos.is_empty());
    assert_eq!(scanner().scan(""), ScanResult::default());
}

#[test]
fn english_words_need_word_boundaries() {
    let r = scanner().scan("The spinning top was shopping online");
    assert_eq!(r.level, ScriptLevel::None, "{r:?}");
    let r = scanner().scan("Tell me your PIN.");
    assert_eq!(codes(&r), ["pin_and_card"]);
}

#[test]
fn overlapping_matches_of_one_category_collapse() {
    let r = scanner().scan("警察官です");
    let authority: Vec<_> = r
        .matches
        .iter()
        .filter(|m| m.category == Cue::AuthorityImpersonation)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(authority, ["警察官"]);
    let r = scanner().scan("通信を停止します");
    let quoted: Vec<_> = r.matches.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(quoted, ["通信を停止"]);
}

#[test]
fn long_input_is_capped_at_a_char_boundary() {
    let text = "あ".repeat(MAX_INPUT_BYTES) + "総務省です。通信を停止します";
    let r = scanner().scan(&text);
    assert!(r.truncated);
    assert_eq!(r.level, ScriptLevel::None);
    let (capped, cut) = cap(&text);
    assert!(cut && capped.len() <= MAX_INPUT_BYTES && capped.len() > MAX_INPUT_BYTES - 3);
}

#[test]
fn matches_per_category_are_capped() {
    let text = "警察 ".repeat(100);
    let r = scanner().scan(&text);
    assert_eq!(r.matches.len(), MAX_MATCHES_PER_CATEGORY);
}

#[test]
fn bad_packs_name_the_entry() {
    let base = |categories: &str, combos: &str| {
        format!(
            r#"{{"format":1,"version":"t","description":"d",
            "thresholds":{{"low":10,"medium":35,"high":65}},
            "levels":{{"none":{{"ja":"x","en":"x"}},"low":{{"ja":"x","en":"x"}},
            "medium":{{"ja":"x","en":"x"}},"high":{{"ja":"x","en":"x"}}}},
            "categories":[{categories}],"combos":[{combos}]}}"#
        )
    };
    let all_but_first: String = Cue::ALL[1..]
        .iter()
        .map(|c| {
            format!(
                r#",{{"code":"{}","label":{{"ja":"x","en":"x"}},"weight":10,"source":"s"}}"#,
                c.as_str()
            )
        })
        .collect();
    let first = |phrases: &str| {
        format!(
            r#"{{"code":"authority_impersonation","label":{{"ja":"x","en":"x"}},"weight":10,"source":"s",{phrases}}}{all_but_first}"#
        )
    };

    let ok = base(&first(r#""phrases":["総務省"]"#), "");
    assert!(ScriptScanner::from_json(&ok).is_ok());

    let e = ScriptScanner::from_json(&base(
        &first(r#""phrases":["総務省","ソウムショウ","、"]"#),
        "",
    ))
    .expect_err("empty phrase");
    assert_eq!(
        e.location,
        "categories[0] (authority_impersonation).phrases[2]"
    );

    let e = ScriptScanner::from_json(&base(&first(r#""phrases":["ＡＴＭ","atm"]"#), ""))
        .expect_err("twice");
    assert!(e.location.ends_with("phrases[1]"), "{e}");
    assert!(e.message.contains("twice"), "{e}");

    let e = ScriptScanner::from_json(&base(&first(r#""regexes":[{"pattern":"(unclosed"}]"#), ""))
        .expect_err("regex");
    assert!(e.location.ends_with("regexes[0]"), "{e}");

    let e = ScriptScanner::from_json(&base(&first(r#""regexes":[{"pattern":"a*"}]"#), ""))
        .expect_err("empty regex");
    assert!(e.message.contains("empty"), "{e}");

    let e = ScriptScanner::from_json(&base(&first(r#""phrases":[{"text":"x","weight":0}]"#), ""))
        .expect_err("weight");
    assert!(e.message.contains("weight"), "{e}");

    let e = ScriptScanner::from_json(&base(
        &first(r#""phrases":[]"#),
        r#"{"id":"c","bonus":10,"note":"n"}"#,
    ))
    .expect_err("combo");
    assert_eq!(e.location, "combos[0] (c)");

    let e = ScriptScanner::from_json(&base(
        &first(r#""phrases":[]"#),
        r#"{"id":"c","all":["nope"],"bonus":10,"note":"n"}"#,
    ))
    .expect_err("unknown category");
    assert!(e.location.starts_with("line"), "{e}");

    let missing = base(
        r#"{"code":"urgency","label":{"ja":"x","en":"x"},"weight":10,"source":"s"}"#,
        "",
    );
    let e = ScriptScanner::from_json(&missing).expect_err("missing");
    assert!(e.message.contains("authority_impersonation"), "{e}");

    let e =
        ScriptScanner::from_json(&ok.replace("\"format\":1", "\"format\":2")).expect_err("format");
    assert_eq!(e.location, "format");

    let e = ScriptScanner::from_json(&ok.replace("\"medium\":35", "\"medium\":5"))
        .expect_err("thresholds");
    assert_eq!(e.location, "thresholds");
}
