//! The normaliser on the embedded pack: the foldings DESIGN.md promises.

use callguard_text::pack::RulePack;

use super::Normaliser;
use crate::claims::script::PackTexts;

fn norm() -> Normaliser {
    Normaliser::from_json(PackTexts::EMBEDDED.normalise).expect("embedded normaliser")
}

fn fold(text: &str) -> String {
    norm().normalise(text).text
}

#[test]
fn kanji_kana_and_katakana_fold_to_one_reading() {
    for form in ["総務省", "そうむしょう", "ソウムショウ", "ｿｳﾑｼｮｳ"] {
        assert_eq!(fold(form), "そうむしょう", "{form}");
    }
}

#[test]
fn numerals_in_kanji_kana_and_digits_agree() {
    for form in ["2時間以内", "二時間以内", "２時間以内", "にじかんいない"] {
        assert_eq!(fold(form), "2じかんいない", "{form}");
    }
    assert_eq!(fold("あと にじかん いない"), "あと2じかんいない");
    assert_eq!(fold("いちを おしてください"), fold("1を押してください"));
    assert_eq!(fold("いちを　おして"), fold("1をおして"));
}

#[test]
fn kana_numerals_inside_words_stay() {
    assert_eq!(fold("でんわに ばんごうを"), "でんわにばんごうを");
    assert_eq!(fold("こんにちは"), "こんにちは");
}

#[test]
fn honorifics_and_okurigana_fold() {
    assert_eq!(fold("お電話"), fold("電話"));
    assert_eq!(fold("お預かりします"), fold("預かりします"));
    for form in ["振り込み", "振込み", "振込", "ふりこみ"] {
        assert_eq!(fold(form), "ふりこみ", "{form}");
    }
}

#[test]
fn english_inflection_contractions_and_numbers() {
    assert_eq!(fold("iTunes gift cards"), fold("itunes gift card"));
    assert_eq!(fold("has been issued"), fold("has been issue"));
    assert_eq!(fold("don't"), "do not");
    assert_eq!(fold("within two hours"), "within 2 hour");
    assert_eq!(fold("$2,000"), "2000");
    assert_eq!(fold("LINEで 友だち追加"), "lineでともだちついか");
}

#[test]
fn spans_point_into_the_source() {
    let text = "こちらは総務省です";
    let n = norm().normalise(text);
    let start = n.text.find("そうむしょう").expect("reading");
    let (s, e) = n
        .original_range(start, start + "そうむしょう".len())
        .expect("range");
    assert_eq!(&text[s..e], "総務省");
}

#[test]
fn a_bad_pack_names_the_entry() {
    let bad = PackTexts::EMBEDDED
        .normalise
        .replacen("\"いち\": \"1\"", "\"いち\": \"x\"", 1);
    let err = Normaliser::from_json(&bad).expect_err("bad digit");
    assert!(err.to_string().contains("kana_digits"), "{err}");
}
