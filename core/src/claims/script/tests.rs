//! Unit tests of the scanner on the embedded pack: the worked examples of docs/SCRIPT.md.

use super::*;
use callguard_text::Lang;

fn scanner() -> Arc<ScriptScanner> {
    ScriptScanner::embedded()
}

fn scan(text: &str) -> ScanResult {
    scanner().scan(text)
}

/// The rules alone, without the learned weighting: for tests of a rule's own arithmetic.
fn rules_only() -> ScriptScanner {
    ScriptScanner::from_packs(
        PackTexts {
            model: None,
            ..PackTexts::EMBEDDED
        },
        Organisations::embedded(),
    )
    .expect("embedded pack")
}

fn codes(r: &ScanResult) -> Vec<&str> {
    r.families.iter().map(|f| f.family.as_str()).collect()
}

#[test]
fn embedded_pack_loads_and_labels_everything() {
    let s = ScriptScanner::from_packs(PackTexts::EMBEDDED, Organisations::embedded())
        .expect("embedded pack");
    assert!(!s.version().is_empty());
    for code in s.family_codes() {
        let label = s.family_label(code).expect("label");
        assert!(label.missing().is_empty(), "{code}");
    }
    for level in ScriptLevel::ALL {
        for &lang in Lang::all() {
            assert!(!s.level_label(level, lang).is_empty());
        }
    }
}

#[test]
fn ministry_script_is_high_and_every_point_is_explained() {
    let text = "総務省です。2時間以内に通信を停止します。1を押してください。";
    let r = scan(text);
    assert_eq!(r.level, ScriptLevel::High, "{r:?}");
    assert_eq!(r.score, 100);
    assert_eq!(
        codes(&r),
        ["authority", "threat", "urgency", "press_key"],
        "{r:?}"
    );
    for combo in ["authority_threat", "automated_threat", "urgency_demand"] {
        assert!(r.has_combo(combo), "{combo}: {r:?}");
    }
    let sum: u32 = r.families.iter().map(|f| u32::from(f.weight)).sum::<u32>()
        + r.combos.iter().map(|c| u32::from(c.bonus)).sum::<u32>();
    assert_eq!(u32::from(r.steps.sum), sum);
    let authority = r.family("authority").expect("authority");
    assert_eq!(authority.text, "総務省");
    assert_eq!(&text[authority.start..authority.end], "総務省");
    assert_eq!(r.claims, ["総務省"]);
    let lines = scanner().explain(&r, Lang::EN);
    assert!(lines.iter().any(|l| l.contains("総務省")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("= 100")), "{lines:?}");
}

#[test]
fn a_warning_then_a_demand_counts_the_demand_only() {
    let r = scan(
        "警察官が暗証番号を聞くことはありません。ただ、今回は特別な捜査です。\
         あなたの口座が犯罪に使われています。今すぐ暗証番号を教えてください。",
    );
    assert_eq!(r.level, ScriptLevel::High, "{r:?}");
    assert!(r.claims.is_empty(), "{r:?}");
    assert!(r
        .discounted
        .iter()
        .any(|d| d.text == "警察官" && d.context == ContextKind::Negation));
    assert_eq!(r.family("credentials").map(|f| f.weight), Some(40));
}

#[test]
fn a_threat_without_a_demand_stays_low() {
    let r = rules_only()
        .scan("〇〇カードです。不正利用の疑いがあるため、このカードは本日で停止します。");
    assert_eq!(r.steps.learned, None);
    assert_eq!(r.level, ScriptLevel::Low, "{r:?}");
    assert_eq!(r.score, 35);
    assert_eq!(r.steps.no_demand_cap, Some(35));
    // Two families below medium pass a little to a verdict, never more than the cap.
    assert_eq!(r.verdict_score, 15);
}

#[test]
fn reported_speech_and_negation_are_not_claims() {
    for text in [
        "総務省をかたる電話があって、通信を停止すると言われたそうです。",
        "The IRS will never call you to demand immediate payment by gift card.",
    ] {
        let r = scan(text);
        assert!(r.level <= ScriptLevel::Low, "{text}: {r:?}");
        assert!(r.claims.is_empty(), "{text}: {r:?}");
        assert!(!r.discounted.is_empty(), "{text}: {r:?}");
    }
}

#[test]
fn smishing_links_are_evidence() {
    let r = scan(
        "お客様宛にお荷物のお届けにあがりましたが不在の為持ち帰りました。http://sagawa-xx.top/t",
    );
    assert!(r.level >= ScriptLevel::Medium, "{r:?}");
    let link = r.links.first().expect("link");
    assert!(link.signs.contains(&LinkSign::ThrowawayTld), "{link:?}");
    assert!(r.family("link_suspect").is_some());
}

#[test]
fn a_mobile_call_back_number_in_an_organisations_name() {
    let r = scan("日本年金機構です。還付金があります。090-1234-5678までお電話ください。");
    let callback = r.family("callback_suspect").expect("callback_suspect");
    assert_eq!(callback.cue, "jp_mobile");
    assert_eq!(callback.text, "090-1234-5678");
}

#[test]
fn nothing_found_is_none_with_zero() {
    let r = scan("明日は晴れるでしょう。See you tomorrow!");
    assert_eq!(r.level, ScriptLevel::None);
    assert_eq!(r.score, 0);
    assert!(r.families.is_empty() && r.combos.is_empty());
    assert_eq!(scan(""), ScanResult::default());
}

#[test]
fn input_is_capped_at_a_character_boundary() {
    let text = "あ".repeat(MAX_INPUT_BYTES);
    let r = scan(&text);
    assert!(r.truncated);
    assert_eq!(r.level, ScriptLevel::None);
}

#[test]
fn a_bad_pack_names_the_file_and_entry() {
    let cues =
        PackTexts::EMBEDDED
            .cues
            .replacen("\"group\": \"pretext\"", "\"group\": \"nonsense\"", 1);
    assert_ne!(cues, PackTexts::EMBEDDED.cues);
    let texts = PackTexts {
        cues: &cues,
        ..PackTexts::EMBEDDED
    };
    let err = ScriptScanner::from_packs(texts, Organisations::embedded()).expect_err("bad");
    assert!(err.to_string().contains("script/cues"), "{err}");

    let scoring = PackTexts::EMBEDDED.scoring.replacen(
        "\"authority\"\n   ],\n   \"any\"",
        "\"nobody\"\n   ],\n   \"any\"",
        1,
    );
    assert_ne!(scoring, PackTexts::EMBEDDED.scoring);
    let texts = PackTexts {
        scoring: &scoring,
        ..PackTexts::EMBEDDED
    };
    let err = ScriptScanner::from_packs(texts, Organisations::embedded()).expect_err("bad");
    assert!(err.to_string().contains("nobody"), "{err}");
}

#[test]
fn a_demand_after_but_is_outside_the_negation() {
    for text in [
        "Your bank will never ask for your PIN but I need you to read me the code from the text right now.",
        "銀行が暗証番号を聞くことはありませんが、今回は特別に暗証番号を教えてください。",
    ] {
        let r = scan(text);
        assert!(r.level >= ScriptLevel::Medium, "{text}: {r:?}");
        assert!(r.family("credentials").is_some(), "{text}: {r:?}");
        assert!(!r.discounted.is_empty(), "{text}: {r:?}");
    }
}

#[test]
fn a_quotation_of_several_sentences_is_one_reported_clause() {
    let r = scan(
        "「総務省です。2時間後に通信を停止します。1番を押してください」という自動音声でした。",
    );
    assert_eq!(r.level, ScriptLevel::None, "{r:?}");
    assert!(r.claims.is_empty(), "{r:?}");
    assert!(r.discounted.len() >= 3, "{r:?}");
}

#[test]
fn a_thing_named_without_a_request_is_not_a_demand() {
    let r = scan("Two attempts overnight to buy gift cards online were blocked on your card.");
    assert!(r.family("payment_method").is_none(), "{r:?}");
    assert!(r
        .discounted
        .iter()
        .any(|d| d.family == "payment_method" && d.context == ContextKind::NotAsked));
    let lines = scanner().explain(&r, Lang::EN);
    assert!(
        lines.iter().any(|l| l.contains("named, not asked for")),
        "{lines:?}"
    );
    let r = scan("You need to buy gift cards at the pharmacy and read me the numbers.");
    assert!(r.family("payment_method").is_some(), "{r:?}");

    let r = scan("新しいカードは来週届きます。暗証番号は今のままです。");
    assert!(r.family("credentials").is_none(), "{r:?}");
    let r = scan("確認のため、暗証番号は何番ですか。");
    assert!(r.family("credentials").is_some(), "{r:?}");
}

#[test]
fn the_learned_weighting_settles_medium_and_is_explained() {
    // A dentist's reminder the rules read as a threat with a number to call back: the
    // weighting brings it below medium and says why.
    let text = "【さくら歯科】定期検診の時期になりました。ご予約はお電話(03-1234-5678)または受付でどうぞ。\
                従来の保険証は使えなくなりますので、マイナ保険証か資格確認書をお持ちください。";
    let rules = rules_only().scan(text);
    assert!(rules.level >= ScriptLevel::Medium, "{rules:?}");
    let r = scan(text);
    let learned = r
        .steps
        .learned
        .as_ref()
        .expect("the embedded pack has a model");
    assert!(learned.percent < 60, "{learned:?}");
    assert_eq!(learned.lowered_to, Some(39));
    assert_eq!((r.score, r.level), (39, ScriptLevel::Low), "{r:?}");
    assert_eq!(learned.strongest.len(), 3);
    let lines = scanner().explain(&r, Lang::EN);
    assert!(
        lines.iter().any(|l| l.starts_with("learned weighting: ")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "at most 39 by the learned weighting"),
        "{lines:?}"
    );
    // The strongest demands keep the rules' score unless the text reads as plainly ordinary:
    // a recited warning, then a real demand.
    let r = scan("Your bank will never ask for your PIN but I need you to read me the code from the text right now.");
    assert!(r.level >= ScriptLevel::Medium, "{r:?}");
    // Nothing found: the weighting has nothing to weigh.
    assert_eq!(scan("今日はいい天気ですね。").steps.learned, None);
}

/// The embedded rules with a model that has only a bias: every text gets the same probability.
fn with_bias_only(bias: f64, raise_from_score: u8, keep_above: f64) -> ScriptScanner {
    with_notice_families(bias, raise_from_score, "[]", keep_above)
}

/// As `with_bias_only`, with `notice_families` (a JSON list of family codes).
fn with_notice_families(
    bias: f64,
    raise_from_score: u8,
    notice_families: &str,
    keep_above: f64,
) -> ScriptScanner {
    let model = format!(
        r#"{{"format": 1, "version": "x", "description": "", "threshold": 0.6, "raise_from_score": {raise_from_score}, "notice_families": {notice_families}, "keep_at_weight": 35, "keep_families": [["authority", "channel"]], "keep_above": {keep_above}, "ngrams": [2], "bias": {bias}, "weights": {{}}}}"#
    );
    ScriptScanner::from_packs(
        PackTexts {
            model: Some(&model),
            ..PackTexts::EMBEDDED
        },
        Organisations::embedded(),
    )
    .expect("a valid model")
}

#[test]
fn the_weighting_raises_only_what_the_rules_found_enough_of() {
    // One weak cue: the rules say low; a model sure of a scam may raise it only when the
    // rules' score reaches raise_from_score.
    let text = "Your membership can be frozen at reception.";
    let rules = rules_only().scan(text);
    assert!(rules.score > 0 && rules.score < 40, "{rules:?}");
    let raised = with_bias_only(10.0, rules.score, 0.2).scan(text);
    assert_eq!(raised.score, 40, "{raised:?}");
    let learned = raised.steps.learned.as_ref().expect("weighed");
    assert_eq!(learned.raised_to, Some(40));
    let kept = with_bias_only(10.0, rules.score + 1, 0.2).scan(text);
    assert_eq!(kept.score, rules.score, "{kept:?}");
    let learned = kept.steps.learned.as_ref().expect("weighed");
    assert_eq!((learned.raised_to, learned.lowered_to), (None, None));
    // A scam-like reading never lowers, even where raise_from_score is out of reach and no
    // strong cue keeps the score (the heaviest cue here weighs 20).
    let script = "こちらは総務省です。２時間以内に電話が止まります。";
    let rules = rules_only().scan(script);
    assert!(
        rules.level >= ScriptLevel::Medium && rules.score < 100,
        "{rules:?}"
    );
    let unraised = with_bias_only(10.0, rules.score + 1, 0.2).scan(script);
    assert_eq!(unraised.score, rules.score, "{unraised:?}");
}

#[test]
fn the_weighting_does_not_raise_a_notice_on_its_words_alone() {
    // A bill's words only (who sends it, unpaid, a cut-off date): a model sure of a scam
    // raises it unless those families are notice_families.
    let notice = "〇〇電力です。料金が未納のため、明日停止します。";
    let families = r#"["delivery", "money", "organisation", "threat", "unpaid", "urgency"]"#;
    let rules = rules_only().scan(notice);
    assert!(rules.score >= 20 && rules.score < 40, "{rules:?}");
    let raised = with_notice_families(10.0, 20, "[]", 0.2).scan(notice);
    assert_eq!(raised.score, 40, "{raised:?}");
    let kept = with_notice_families(10.0, 20, families, 0.2).scan(notice);
    assert_eq!(kept.score, rules.score, "{kept:?}");
    let learned = kept.steps.learned.as_ref().expect("weighed");
    assert_eq!((learned.raised_to, learned.lowered_to), (None, None));
    // A bill that moves the talk to LINE has a family beyond a notice's.
    let demand = "〇〇電力です。料金が未納です。LINEで連絡してください。";
    let rules = rules_only().scan(demand);
    assert!(rules.score < 40, "{rules:?}");
    let raised = with_notice_families(10.0, 20, families, 0.2).scan(demand);
    assert_eq!(raised.score, 40, "{raised:?}");
    // The computed families are families too.
    let link = with_notice_families(10.0, 20, r#"["link", "callback_suspect"]"#, 0.2);
    assert_eq!(link.scan(demand).score, 40);
}

#[test]
fn a_strong_cue_keeps_the_rules_score_unless_the_model_is_sure() {
    // A PIN asked for is one of the strongest cues: a model that reads the text as ordinary
    // (probability 0.05) keeps the rules' score when keep_above is below that, and lowers it
    // to 39 when keep_above is above it.
    let text = "I need you to read me the PIN of your card right now.";
    let rules = rules_only().scan(text);
    assert!(rules.level >= ScriptLevel::Medium, "{rules:?}");
    let bias = (0.05f64 / 0.95).ln();
    let kept = with_bias_only(bias, 20, 0.01).scan(text);
    assert_eq!(kept.score, rules.score, "{kept:?}");
    let lowered = with_bias_only(bias, 20, 0.2).scan(text);
    assert_eq!(
        (lowered.score, lowered.level),
        (39, ScriptLevel::Low),
        "{lowered:?}"
    );
    assert_eq!(
        lowered.steps.learned.as_ref().and_then(|l| l.lowered_to),
        Some(39)
    );
}

#[test]
fn a_model_that_is_not_one_is_refused() {
    for (model, at) in [
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 1.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "threshold",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [9], "bias": 0, "weights": {}}"#,
            "ngrams",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {"x:y": 1}}"#,
            "weights",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {"g:shouted:ab": 1}}"#,
            "weights",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.5, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "keep_above",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 101, "notice_families": [], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "raise_from_score",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": ["bill"], "keep_at_weight": 35, "keep_families": [], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "notice_families",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [["authority", "chanel"]], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "keep_families",
        ),
        (
            r#"{"format": 1, "version": "x", "description": "", "threshold": 0.5, "raise_from_score": 20, "notice_families": [], "keep_at_weight": 35, "keep_families": [[]], "keep_above": 0.2, "ngrams": [2], "bias": 0, "weights": {}}"#,
            "keep_families",
        ),
    ] {
        let err = ScriptScanner::from_packs(
            PackTexts {
                model: Some(model),
                ..PackTexts::EMBEDDED
            },
            Organisations::embedded(),
        )
        .expect_err(model);
        assert!(err.to_string().contains(at), "{err}");
        assert!(err.to_string().contains("script/model"), "{err}");
    }
}

#[test]
fn words_that_only_look_like_cues_are_not_counted() {
    let scanner = rules_only();
    let has = |text: &str, code: &str| codes(&scanner.scan(text)).contains(&code);
    // A police e-mail that someone was arrested threatens no one; an arrest to come does, and
    // so does a relative's "I was arrested".
    assert!(!has("本日、30代の男を逮捕しました。", "threat"));
    assert!(!has("現行犯で逮捕することができました。", "threat"));
    for text in [
        "あなたを逮捕することになります。",
        "あなたを逮捕することができます。",
        "お母さん、俺、逮捕されました。お金が必要なんだ。",
    ] {
        assert!(has(text, "threat"), "{text}");
    }
    // A cut-off after も or このまま is still one.
    for text in [
        "電気も止めます。",
        "このまま止めます。",
        "口座も止められます。",
    ] {
        assert!(has(text, "threat"), "{text}");
    }
    // Bringing your phone to a shop is not an ATM run; bringing it to the ATM is.
    assert!(!has(
        "ご来店の際は今お使いの携帯電話をお持ちください。",
        "atm"
    ));
    assert!(has(
        "携帯電話をお持ちのうえ、近くのATMへ行ってください。",
        "atm"
    ));
    // A question for the number on your card asks for it; a question about a fee or a
    // family's PIN does not ask the listener for anything.
    assert!(has(
        "What's the long number on the front of your card?",
        "credentials"
    ));
    assert!(!has("What is the fee for replacing my debit card?", "fee"));
    assert!(!has(
        "Hi Mum, what is the PIN for the garage door?",
        "credentials"
    ));
}
