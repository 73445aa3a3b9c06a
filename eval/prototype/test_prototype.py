"""Tests of the prototype detector: python3 -m unittest discover -s eval/prototype

Each test pins one behaviour DESIGN.md describes, so that a port can copy the cases.
"""

import json
import unittest
from pathlib import Path

from detector import Detector, PackError
from normalise import Normaliser

HERE = Path(__file__).resolve().parent
DETECTOR = Detector.load()
NORM = DETECTOR.norm
# The data the Rust scanner ships (core/rules/script), for behaviours added after the design.
SHIPPED = Detector.load(HERE.parent.parent / "core" / "rules" / "script")


def level(text: str) -> str:
    return DETECTOR.scan(text)["level"]


def caught(text: str) -> bool:
    return level(text) in ("medium", "high")


class Normalisation(unittest.TestCase):
    def test_kanji_kana_and_katakana_fold_to_one_reading(self):
        forms = ["総務省", "そうむしょう", "ソウムショウ", "ｿｳﾑｼｮｳ"]
        self.assertEqual({NORM.normalise(f).text for f in forms}, {"そうむしょう"})

    def test_numerals_in_kanji_kana_and_digits_agree(self):
        forms = ["2時間以内", "二時間以内", "２時間以内", "にじかんいない", "あと にじかん いない"]
        folded = {NORM.normalise(f).text.removeprefix("あと") for f in forms}
        self.assertEqual(folded, {"2じかんいない"})

    def test_kana_numeral_inside_a_word_stays_kana(self):
        # に is a particle here, not "2": でんわにばんごう must not become でんわ2ばんごう.
        self.assertEqual(NORM.normalise("でんわに ばんごうを").text, "でんわにばんごうを")
        self.assertEqual(NORM.normalise("こんにちは").text, "こんにちは")

    def test_press_one_in_kana(self):
        self.assertEqual(NORM.normalise("いちを おしてください").text,
                         NORM.normalise("1を押してください").text)

    def test_honorific_prefix_is_dropped(self):
        self.assertEqual(NORM.normalise("お電話").text, NORM.normalise("電話").text)
        self.assertEqual(NORM.normalise("お預かりします").text, NORM.normalise("預かりします").text)

    def test_okurigana_variants_fold(self):
        forms = {NORM.normalise(f).text for f in ("振り込み", "振込み", "振込", "ふりこみ")}
        self.assertEqual(forms, {"ふりこみ"})

    def test_english_plurals_and_inflections_fold(self):
        self.assertEqual(NORM.normalise("iTunes gift cards").text, NORM.normalise("itunes gift card").text)
        self.assertEqual(NORM.normalise("has been issued").text, NORM.normalise("has been issue").text)
        self.assertEqual(NORM.normalise("arrested").text, NORM.normalise("arrest").text)

    def test_english_contractions_and_number_words(self):
        self.assertEqual(NORM.normalise("don't").text, "do not")
        self.assertEqual(NORM.normalise("within two hours").text, "within 2 hour")
        self.assertEqual(NORM.normalise("$2,000").text, "2000")

    def test_latin_words_keep_one_space_and_join_kana(self):
        self.assertEqual(NORM.normalise("LINEで 友だち追加").text, "lineでともだちついか")

    def test_spans_point_into_the_source(self):
        text = "こちらは総務省です"
        n = NORM.normalise(text)
        start = n.text.index("そうむしょう")
        s, e = n.source_span(start, start + len("そうむしょう"))
        self.assertEqual(text[s:e], "総務省")


class CuesAndCombinations(unittest.TestCase):
    def test_an_authority_named_alone_is_not_a_scam(self):
        self.assertIn(level("総務省は本日、新しい方針を発表した。"), ("none", "low"))
        self.assertIn(level("This is Officer Grant about the collision on Saturday."), ("none", "low"))

    def test_ministry_script_is_high(self):
        self.assertEqual(level("総務省です。2時間以内に通信を停止します。1を押してください。"), "high")

    def test_asr_kana_ministry_script_is_caught(self):
        self.assertTrue(caught("そうむしょう です にじかん いないに つうしんを ていし します いちを おしてください"))

    def test_threat_without_any_demand_stays_below_medium(self):
        r = DETECTOR.scan("〇〇カードです。不正利用の疑いがあるため、このカードは本日で停止します。")
        self.assertNotIn(r["level"], ("medium", "high"), r["explain"])

    def test_relative_opening_without_money_is_medium(self):
        r = DETECTOR.scan("もしもし、俺だけど。風邪ひいて声が変なんだ。携帯変えたから番号が変わった。")
        self.assertEqual(r["level"], "medium", r["explain"])

    def test_family_call_with_a_name_and_no_request_is_not_flagged(self):
        self.assertFalse(caught("Hi Mum, it's Sarah. New work phone, so this is my new number. See you Sunday."))

    def test_grandparent_scam(self):
        self.assertTrue(caught("Grandma, it's me. I'm in jail after an accident and I need bail money. "
                               "Please don't tell Mom."))

    def test_every_point_is_traced_to_a_cue_or_a_combination(self):
        r = DETECTOR.scan("The IRS has a warrant for your arrest. Pay today with gift cards.")
        total = sum(f["weight"] for f in r["families"].values()) + sum(c["bonus"] for c in r["combos"])
        self.assertEqual(r["score"], min(100, total))
        self.assertTrue(all(f["text"] for f in r["families"].values()))


class Context(unittest.TestCase):
    def test_negated_warning_is_not_a_scam(self):
        self.assertFalse(caught("警察官や銀行員が、暗証番号を聞いたりキャッシュカードを預かったりすることはありません。"))
        self.assertFalse(caught("The IRS will never call to demand immediate payment by gift card or threaten arrest."))

    def test_reported_speech_is_not_a_scam(self):
        self.assertFalse(caught("総務省をかたる電話があってね、2時間後に電話が止まるって言われたんだって。"))
        self.assertFalse(caught("My friend got a call claiming to be from the IRS saying there was a warrant "
                                "for her arrest and she had to pay in gift cards."))

    def test_recited_warning_followed_by_a_real_demand_still_scores_high(self):
        text = ("警察官が暗証番号を聞くことはありません。ただ、今回は特別な捜査です。"
                "あなたの口座が犯罪に使われています。今すぐ暗証番号を教えてください。")
        self.assertEqual(level(text), "high", DETECTOR.scan(text)["explain"])
        text = ("I know you've heard the IRS never calls. This is different. There is a warrant for "
                "your arrest and you must pay today with gift cards.")
        self.assertEqual(level(text), "high", DETECTOR.scan(text)["explain"])

    def test_a_demand_after_but_is_outside_the_negation(self):
        for text in ("Your bank will never ask for your PIN but I need you to read me the code "
                     "from the text right now.",
                     "銀行が暗証番号を聞くことはありませんが、今回は特別に暗証番号を教えてください。"):
            r = SHIPPED.scan(text)
            self.assertIn(r["level"], ("medium", "high"), r["explain"])
            self.assertEqual([c["context"] for c in r["clauses"]], ["negation", ""])

    def test_a_quotation_of_several_sentences_is_one_reported_clause(self):
        r = SHIPPED.scan("「総務省です。2時間後に通信を停止します。1番を押してください」という自動音声でした。")
        self.assertEqual(r["level"], "none", r["explain"])
        self.assertEqual(len(r["clauses"]), 1)

    def test_a_thing_named_without_a_request_is_not_a_demand(self):
        r = SHIPPED.scan("Two attempts overnight to buy gift cards online were blocked on your card.")
        self.assertNotIn("payment_method", r["families"], r["explain"])
        r = SHIPPED.scan("You need to buy gift cards at the pharmacy and read me the numbers.")
        self.assertIn("payment_method", r["families"], r["explain"])
        self.assertNotIn("credentials", SHIPPED.scan("新しいカードは来週届きます。暗証番号は今のままです。")["families"])
        self.assertIn("credentials", SHIPPED.scan("確認のため、暗証番号は何番ですか。")["families"])

    def test_organisation_inside_negation_is_not_a_claim(self):
        r = DETECTOR.scan("総務省が電話で料金を請求することはありません。")
        self.assertEqual(r["claims"], [])
        self.assertTrue(any(d["family"] == "authority" for d in r["discounted"]))

    def test_organisation_outside_negation_is_a_claim(self):
        r = DETECTOR.scan("こちらは総務省です。2時間後に通信を停止します。")
        self.assertEqual(r["claims"][0], "総務省")

    def test_quotation_reported_with_tte_is_discounted(self):
        r = DETECTOR.scan("隣の人に『逮捕状が出ている』って電話があったらしいよ。")
        self.assertFalse(any(f == "threat" for f in r["families"]), r["explain"])

    def test_kana_cue_does_not_match_inside_a_longer_reading(self):
        # 保証金 (ほしょうきん) contains the reading of 賞金 (しょうきん); 新しい contains らしい.
        r = DETECTOR.scan("保証金が必要です")
        self.assertNotIn("prize", r["families"])
        r = DETECTOR.scan("新しいカードに替えないと預金が引き出されます。今日中です。")
        self.assertFalse(any("らしい" in d["why"] for d in r["discounted"]), r["explain"])


class LinksAndNumbers(unittest.TestCase):
    def test_lookalike_throwaway_domain_with_nondelivery_is_high(self):
        r = DETECTOR.scan("お客様宛にお荷物のお届けにあがりましたが不在の為持ち帰りました。http://sagawa-delivery.top/x")
        self.assertEqual(r["level"], "high", r["explain"])
        self.assertIn("lookalike", r["links"][0]["signs"])
        self.assertIn("throwaway_tld", r["links"][0]["signs"])

    def test_shortener_is_suspicious(self):
        r = DETECTOR.scan("Your parcel is held at customs. Pay the fee: bit.ly/3abcDEF")
        self.assertIn("shortener", r["links"][0]["signs"])
        self.assertTrue(caught("Your parcel is held at customs. Pay the fee: bit.ly/3abcDEF"))

    def test_official_domain_is_not_suspicious(self):
        r = DETECTOR.scan("【ヤマト運輸】本日14時~16時にお荷物をお届けします。https://www.kuronekoyamato.co.jp/")
        self.assertEqual(r["links"][0]["signs"], [])
        self.assertNotIn(r["level"], ("medium", "high"))

    def test_raw_ip_address_link(self):
        r = DETECTOR.scan("Your account is locked. Restore access: http://203.0.113.7/login")
        self.assertIn("ip_address", r["links"][0]["signs"])

    def test_callback_number_unlike_the_organisations_published_one(self):
        r = DETECTOR.scan("総務省です。至急こちらまでご連絡ください。03-1234-5678")
        self.assertIn("callback_suspect", r["families"], r["explain"])
        r = DETECTOR.scan("総務省です。至急こちらまでご連絡ください。03-5253-5111")
        self.assertNotIn("callback_suspect", r["families"], r["explain"])

    def test_mobile_number_given_by_an_organisation(self):
        r = DETECTOR.scan("全国銀行協会です。カードの件で 090-1234-5678 までお電話ください。")
        self.assertIn("callback_suspect", r["families"], r["explain"])


class Pack(unittest.TestCase):
    def read(self, name):
        return json.loads((HERE / "pack" / name).read_text(encoding="utf-8"))

    def test_unknown_family_in_a_combination_is_refused(self):
        scoring = self.read("scoring.json")
        scoring["combos"].append({"id": "bad", "all": ["no_such_family"], "bonus": 5})
        with self.assertRaisesRegex(PackError, "no_such_family"):
            Detector(self.read("normalise.json"), self.read("cues.json"), self.read("context.json"),
                     scoring, self.read("links.json"))

    def test_cue_empty_after_normalisation_is_refused(self):
        cues = self.read("cues.json")
        cues["families"][0]["cues"].append("、。")
        with self.assertRaisesRegex(PackError, "empty after normalisation"):
            Detector(self.read("normalise.json"), cues, self.read("context.json"),
                     self.read("scoring.json"), self.read("links.json"))

    def test_every_cue_folds_the_same_whatever_follows_it(self):
        # A cue written as a stem (預か) must still match when the text goes on (預かる): the
        # reading lexicon needs the stem too. This guards the pack against partial readings.
        cues = self.read("cues.json")
        tails = ["る", "り", "って", "た", "ます", "ない", "し", "す", "く", "て", "に", "を", "の", "が"]
        fragile = []
        for f in cues["families"]:
            for cue in f["cues"]:
                text = cue if isinstance(cue, str) else cue.get("text")
                for part in (text or "").split("…"):
                    if not part:
                        continue
                    folded = NORM.fold_cue(part)
                    if any(folded not in NORM.normalise(part + t).text for t in tails):
                        fragile.append(part)
        self.assertEqual(fragile, [])

    def test_normaliser_data_loads_alone(self):
        Normaliser(self.read("normalise.json"))


if __name__ == "__main__":
    unittest.main()
