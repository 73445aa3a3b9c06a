//! Scam-script detection over a corpus: the scripts from ../shared/DOMAIN.md in several
//! spellings and in English must score high; ordinary sentences that merely name the ministry,
//! the police, an ATM or a deadline must not alarm. Plus: scanning never panics.

use callguard_core::claims::script::{ScanResult, ScriptLevel, ScriptScanner};
use proptest::prelude::*;

fn scan(text: &str) -> ScanResult {
    ScriptScanner::embedded().scan(text)
}

fn fold(text: &str) -> String {
    ScriptScanner::embedded().fold(text)
}

fn codes(r: &ScanResult) -> Vec<&str> {
    r.families.iter().map(|f| f.family.as_str()).collect()
}

fn describe(r: &ScanResult) -> String {
    let found: Vec<String> = r
        .families
        .iter()
        .map(|f| format!("{}={:?}", f.family, f.text))
        .collect();
    format!(
        "level {} score {} combos {:?} matches {}",
        r.level,
        r.score,
        r.combos,
        found.join(", ")
    )
}

/// Scam scripts: each must scan as high.
const SCAMS: &[&str] = &[
    // The demo's calls, word for word.
    "こちらは総務省です。お客様の携帯電話は２時間以内に使えなくなります。詳しくは1を押してください。",
    "マイナ保険証とマイナポータルの連携が必要です。今日中に手続きしないと保険証が使えなくなります。",
    // Ministry impersonation (総務省, 総合通信局, 電波監理審議会).
    "こちらは総務省です。お客様の携帯電話が不正に利用されています。２時間以内に通信を停止します。",
    "総務省総合通信局です。2時間以内に電話が使えなくなります。詳しくは1を押してください。",
    "総務省です。二時間以内にお客様の電話が使えなくなります。",
    "こちらは総務省です。二 時間 以内に 通信を 停止 いたします。一を押してください。",
    "総合通信局の者です。ご家族の携帯電話が乗っ取られ、迷惑メールが大量に送付されています。警察署に電話を転送します。",
    "電波監理審議会です。お客様の端末にウイルスが入っているため、回線を止めます。",
    "お客様の携帯電話は２時間後にご利用できなくなります。詳しくは１番を押してください。",
    "総務省の者です。マイナ保険証とマイナポータルの連携に不備があります。本日中に手続きが必要です。",
    "総務省の者です。これから警察に繋ぎますので、ＬＩＮＥでビデオ通話をしてください。",
    "【総務省】お客様の回線は本日中に停止されます。",
    "This is the Ministry of Internal Affairs and Communications. Your phone will be cut off within two hours. Press 1 to speak to an operator.",
    "Your mobile line will be suspended within 2 hours. Press one for more information.",
    "I'm transferring your call to the police. Your number was used in a crime.",
    // Fake police (口座が犯罪に使われている / 逮捕状 / 資産を保護 / LINE).
    "警察です。あなたの口座が犯罪に使われている疑いがあります。逮捕状が出ています。",
    "こちら警視庁捜査二課の者です。資産を保護するため、LINEでビデオ通話をお願いします。",
    "検察庁です。あなたに逮捕状が出ている。資産を保護するため、指定の口座に振り込んでください。",
    "This is the police. There is an arrest warrant in your name. To protect your assets, move your money to a safe account.",
    "Officer Tanaka from the Tokyo police department. Your bank account was used in a crime. We will continue on a LINE video call.",
    // Refund (還付金): deadline today, take your phone to the ATM.
    "市役所の保険年金課です。医療費の還付金があります。期限は今日までです。携帯電話を持ってATMへ行ってください。",
    "区役所です。保険料の払い戻しがございます。本日中にお近くのＡＴＭで手続きをお願いします。",
    "年金事務所の者です。還付金の受け取り期限が今日です。携帯を持ってATMに行ってください。",
    "医療費の還付金があります。期限は今日です。携帯電話を持ってＡＴＭへ向かってください。",
    "This is the city office. You are owed a medical refund. Today is the deadline, so please take your mobile phone to the nearest ATM.",
    // Cash card (暗証番号, replace the card, put it in an envelope).
    "全国銀行協会の者です。あなたのキャッシュカードが不正に利用されています。新しいカードに交換しますので、暗証番号を教えてください。",
    "銀行協会です。ｷｬｯｼｭｶｰﾄﾞを封筒に入れて、職員が取りに伺うまでお待ちください。",
    "きゃっしゅかーどが不正利用されています。カードを交換しますので暗証番号をお教えください。",
    "This is the bank association. Your cash card has been fraudulently used. We will replace your card; please tell me your PIN and put the card in an envelope.",
    "警察官がご自宅にカードを取りに伺います。暗証番号を紙に書いて封筒に入れてください。",
    // A voicemail with line breaks, zero-width spaces and bidi marks between the words.
    "総務省\u{200B}です。\n２時間\u{202E}以内に\r\n通信を停止します",
];

/// Openers that accuse or threaten in an authority's name but ask for nothing yet: each must
/// scan as medium or above. (A script is high once it asks for something; genuine police and
/// bank alerts share an opener's words, so an opener alone is a warning, not a block.)
const OPENERS: &[&str] = &[
    "警察の者です。アナタの口座が犯罪に使われています。",
    "警察です。\nあなたの口座が犯罪に使われています。",
    "総合通信局の者です。携帯電話が不正に利用されています。",
    "This is the police. Your bank account was used in a crime.",
];

/// Ordinary sentences that resemble scripts: each must scan as none or low.
const BENIGN: &[&str] = &[
    "洗濯機が使えなくなったので修理を頼んだ",
    "総務省は本日、新しい方針を発表した。",
    "駅前の警察署の前で待ち合わせしよう。",
    "いま運転中だから、2時間以内に折り返すね。",
    "I'm in a meeting, I'll call you back within two hours.",
    "〇〇銀行からのお知らせ：年末年始のATMのご利用時間は9時から17時までです。",
    "Our bank's ATM hours are 8 a.m. to 9 p.m. on weekdays.",
    "The police officer helped my grandmother cross the street.",
    "明日は病院の予約があるので、十時に迎えに来てね。",
    "Happy birthday Grandma! See you on Sunday.",
    "警察のドラマが面白かった。",
    "今日中に荷物をお届けします。",
    "孫からLINEで写真が届いた。",
    "The police station is next to the library.",
    "お父さん、今日は二時間くらい遅くなるよ。",
    "The Ministry announced a new policy today.",
    "Can you pick up some cash on the way home?",
    "来週、市役所で手続きをしてきます。",
    "警察を名乗る不審な電話に注意しましょう。",
    "The spinning wheel is in the shopping centre online.",
];

/// Cues that deserve care but are not a whole script: each must scan as medium.
const CAREFUL: &[&str] = &[
    "警察の者です。このあとLINEでビデオ通話をお願いします。",
    "暗証番号を教えてください。",
    "Please go to the ATM right away.",
];

#[test]
fn partial_scripts_are_medium() {
    for text in CAREFUL {
        let r = scan(text);
        assert_eq!(r.level, ScriptLevel::Medium, "{text}: {}", describe(&r));
    }
}

#[test]
fn openers_are_at_least_medium() {
    for text in OPENERS {
        let r = scan(text);
        assert!(r.level >= ScriptLevel::Medium, "{text}: {}", describe(&r));
    }
}

#[test]
fn scam_scripts_score_high() {
    let failures: Vec<String> = SCAMS
        .iter()
        .map(|text| (text, scan(text)))
        .filter(|(_, r)| r.level != ScriptLevel::High)
        .map(|(text, r)| format!("{text}\n    {}", describe(&r)))
        .collect();
    assert!(failures.is_empty(), "not high:\n{}", failures.join("\n"));
}

#[test]
fn benign_look_alikes_stay_low() {
    let failures: Vec<String> = BENIGN
        .iter()
        .map(|text| (text, scan(text)))
        .filter(|(_, r)| r.level > ScriptLevel::Low)
        .map(|(text, r)| format!("{text}\n    {}", describe(&r)))
        .collect();
    assert!(failures.is_empty(), "alarmed:\n{}", failures.join("\n"));
}

#[test]
fn corpus_is_large_enough() {
    assert!(SCAMS.len() + BENIGN.len() >= 30);
    assert!(SCAMS.len() >= 20 && BENIGN.len() >= 10);
}

#[test]
fn numeral_and_kana_variants_give_the_same_categories() {
    let variants = [
        "総務省です。２時間以内に通信を停止します",
        "総務省です。2時間以内に通信を停止します",
        "総務省です。二時間以内に通信を停止します",
        "総務省です。二 時間 以内に 通信を 停止します",
        "総務省です。 2 時間以内に、通信を停止します。",
    ];
    let first = scan(variants[0]);
    assert_eq!(codes(&first), ["authority", "threat", "urgency"]);
    for text in variants {
        let r = scan(text);
        assert_eq!(codes(&r), codes(&first), "{text}: {}", describe(&r));
        assert_eq!(r.score, first.score, "{text}");
    }
    assert_eq!(fold("二 時間"), fold("２時間"));
    assert_eq!(fold("キャッシュカード"), fold("きゃっしゅかーど"));
    assert_eq!(fold("ｷｬｯｼｭｶｰﾄﾞ"), fold("キャッシュカード"));
}

#[test]
fn matches_quote_the_original_words() {
    let text = "こちらは総務省です。二 時間 以内に ＬＩＮＥ で連絡してください。";
    let r = scan(text);
    for f in &r.families {
        assert_eq!(&text[f.start..f.end], f.text);
    }
    let quoted: Vec<(&str, &str)> = r
        .families
        .iter()
        .map(|f| (f.family.as_str(), f.text.as_str()))
        .collect();
    assert!(quoted.contains(&("authority", "総務省")), "{quoted:?}");
    assert!(quoted.contains(&("urgency", "二 時間 以内")), "{quoted:?}");
    assert!(quoted.contains(&("channel", "ＬＩＮＥ")), "{quoted:?}");
}

#[test]
fn json_shape_is_the_cli_contract() {
    let r = scan("総務省です。通信を停止します。1を押してください。");
    let v = serde_json::to_value(&r).expect("serialize");
    assert_eq!(v["level"], "high");
    assert!(v["score"].as_u64().is_some_and(|s| (70..=100).contains(&s)));
    let families = v["families"].as_array().expect("families");
    assert!(families
        .iter()
        .any(|f| f["family"] == "threat" && f["text"] == "停止" && f["weight"] == 20));
    assert_eq!(v["families"][0]["family"], "authority");
    assert_eq!(v["claims"][0], "総務省");
    assert!(v["combos"].as_array().is_some_and(|c| !c.is_empty()));
    assert_eq!(v["truncated"], false);
}

#[test]
fn adding_a_cue_never_lowers_the_score() {
    let base = "総務省です。";
    let more = "総務省です。通信を停止します。";
    let most = "総務省です。２時間以内に通信を停止します。１を押してください。";
    let (a, b, c) = (scan(base), scan(more), scan(most));
    assert!(
        a.score <= b.score && b.score <= c.score,
        "{a:?} {b:?} {c:?}"
    );
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        "\\PC{0,400}",
        "[\\u{0}-\\u{1F}\\u{202A}-\\u{202E}\\u{2066}-\\u{2069}\\u{200B}-\\u{200F}\\u{FEFF}a-z 0-9]{0,200}",
        "[ぁ-んァ-ヶｦ-ﾟ一二三四五六七八九十〇０-９ー・、。 ]{0,300}",
        "[\\u{300}-\\u{36F}\\u{3099}\\u{309A}ｶﾞﾟ]{0,300}",
        "(総務省|警察|通信を停止|二|十|時間以内|ＡＴＭ|PIN|press 1|\u{200B}| ){0,200}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn scanning_never_panics_and_offsets_are_valid(text in hostile_text()) {
        let r = scan(&text);
        prop_assert!(r.score <= 100);
        prop_assert_eq!(r.level == ScriptLevel::None, r.families.is_empty() || r.score < 15);
        for f in &r.families {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert_eq!(text.get(f.start..f.end), Some(f.text.as_str()));
        }
        for d in &r.discounted {
            prop_assert_eq!(text.get(d.start..d.end), Some(d.text.as_str()));
        }
        let _ = fold(&text);
    }
}

#[test]
fn huge_and_odd_inputs_do_not_panic() {
    let inputs = [
        "総務省".repeat(100_000),
        "\u{3099}".repeat(70_000),
        "十".repeat(50_000),
        "a\u{0301}".repeat(40_000),
        format!("{}総務省です", "x".repeat(65_535)),
        "\u{FEFF}\u{202E}\u{2066}\0\u{7}".repeat(20_000),
    ];
    for text in &inputs {
        let r = scan(text);
        assert!(r.score <= 100);
        for f in &r.families {
            assert_eq!(&text[f.start..f.end], f.text);
        }
    }
    assert!(scan(&inputs[0]).truncated);
}
