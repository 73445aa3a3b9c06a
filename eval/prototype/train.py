#!/usr/bin/env python3
"""Fit the learned weighting on the corpus's development part and write it as data.

    python3 eval/prototype/train.py            # rewrite core/rules/script/model.json
    python3 eval/prototype/train.py --check    # exit 1 if model.json is not what this gives
    python3 eval/prototype/train.py --validate # leave one dev batch out, for each batch

Each development item (never a test item) is scanned by the prototype with the rules the Rust
scanner embeds (core/rules/script/, the learned weighting left out), turned into features
(learned.py) and fitted by a logistic regression. The settings below were chosen on the
development part alone: by leaving one batch of it out at a time (each batch was written by
other writers from other pages, so a left-out batch is the nearest thing to new calls the
development part has) and comparing the rules alone with the rules and the weighting on it
(docs/QUALITY.md); the shipped weights are fitted on the whole development part.

The fit is deterministic (full-batch, from zero, features in sorted order), so the same corpus
and rules give the same file. Weights smaller than 0.0005 are left out, the rest rounded to
four decimals. Standard library only; about a minute each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # eval/: the harness's corpus module

import learned  # noqa: E402
from harness.corpus import batch_of  # noqa: E402
from detector import Detector  # noqa: E402
from generated import write_or_check  # noqa: E402

CORPUS = REPO / "eval" / "corpus" / "calls.jsonl"
PACK = REPO / "core" / "rules" / "script"
OUT = PACK / "model.json"

NGRAMS = (2, 3, 4)
L2 = 0.003
MIN_COUNT = 3
THRESHOLD = 0.6
# The weighting raises a text to medium only if the rules found at least this much: one weak
# cue ("refund", "freeze") in an ordinary notice is not a script, whatever its n-grams say.
RAISE_FROM_SCORE = 20
# Nor a text whose only families are these, the words a genuine notice carries too (who sends
# it, money, an unpaid bill, a date, a cut-off, a parcel): the weighting may not turn a bill
# reminder into a scam on its n-grams; a demand, a claim of authority or a relative's story
# must be there too.
NOTICE_FAMILIES = ["delivery", "money", "organisation", "threat", "unpaid", "urgency"]
# The weighting does not lower a text in which a cue at least this heavy counted: a PIN or a
# code read out, an ATM run, a cover story. A recited warning followed by such a demand stays a
# scam.
KEEP_AT_WEIGHT = 35
# Nor a text where all families of one of these sets counted: an authority that moves the call
# to LINE or a video call is a script no real office follows, however short the text.
KEEP_FAMILIES = [["authority", "channel"]]
# Unless the model is this sure the text is ordinary (a probability below it): a carrier's shop
# reminding you to bring your phone, a news story retold about a fake police video call.
KEEP_ABOVE = 0.2


def dev_items() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as corpus:
        return [item for item in map(json.loads, corpus) if item["split"] == "dev"]


def scan_features(detector: Detector, text: str) -> dict[str, float]:
    r = detector.scan(text)
    return learned.features(r["families"].keys(), [c["id"] for c in r["combos"]], r["rule_score"],
                            [d["family"] for d in r["discounted"]], r["clauses"], NGRAMS)


def model_text() -> str:
    detector = Detector.load(PACK, with_model=False)  # the rules alone
    items = dev_items()
    xs = [scan_features(detector, it["text"]) for it in items]
    ys = [int(it["label"] == "scam") for it in items]
    weights, bias = learned.fit(xs, ys, L2, MIN_COUNT)
    kept = {k: round(w, 4) for k, w in sorted(weights.items()) if abs(w) >= 0.0005}
    model = {
        "format": 1,
        "version": f"dev-{len(items)}",
        "description": (
            "Learned weighting of the scam-script detector (docs/SCRIPT.md, Learned weighting): "
            "a logistic regression over the families, combinations, score and discounted "
            "families the rules found and the character n-grams of the normalised clauses "
            "(g:<context>:<n-gram>). Written by eval/prototype/train.py from the development "
            f"part ({len(items)} items; L2 {L2}, features in at least {MIN_COUNT} items); do not "
            "edit by hand. At or above the threshold a text with a rule score of at least "
            "raise_from_score and a family present that is not in notice_families is at least "
            "medium; below it a text is at most "
            "low unless a cue of at least keep_at_weight counted or all families of a "
            "keep_families set are present, and the probability is at least keep_above."),
        **settings(),
        "ngrams": list(NGRAMS),
        "bias": round(bias, 4),
        "weights": kept,
    }
    return json.dumps(model, ensure_ascii=False, indent=0, sort_keys=False) + "\n"


def settings() -> dict:
    """The model's decision settings, as model.json carries them."""
    return {"threshold": THRESHOLD, "raise_from_score": RAISE_FROM_SCORE,
            "notice_families": NOTICE_FAMILIES, "keep_at_weight": KEEP_AT_WEIGHT,
            "keep_families": KEEP_FAMILIES, "keep_above": KEEP_ABOVE}


def validate() -> str:
    """For each batch of the development part: fits on the other batches and compares, on the
    left-out one, the rules alone with the rules and the weighting (docs/QUALITY.md)."""
    detector = Detector.load(PACK, with_model=False)
    medium = detector.scoring["thresholds"]["medium"]
    items = dev_items()
    scans = {it["id"]: detector.scan(it["text"]) for it in items}
    xs = {i: learned.features(r["families"].keys(), [c["id"] for c in r["combos"]],
                              r["rule_score"], [d["family"] for d in r["discounted"]],
                              r["clauses"], NGRAMS) for i, r in scans.items()}
    weighed: dict[str, bool] = {}
    for held in sorted({batch_of(it) for it in items}):
        train = [it for it in items if batch_of(it) != held]
        weights, bias = learned.fit([xs[it["id"]] for it in train],
                                    [int(it["label"] == "scam") for it in train], L2, MIN_COUNT)
        model = learned.Model({"version": "validation", "bias": bias, "ngrams": NGRAMS,
                               "weights": weights, **settings()})
        for it in items:
            if batch_of(it) == held:
                r = scans[it["id"]]
                heaviest = max((f["weight"] for f in r["families"].values()), default=0)
                score = model.settle(r["rule_score"], heaviest, r["families"].keys(),
                                     model.probability(xs[it["id"]]), medium)
                weighed[it["id"]] = score >= medium

    def line(name: str, held: list[dict], caught) -> list[str]:
        out = []
        for lang in ("ja", "en"):
            scams = [caught(it) for it in held if it["lang"] == lang and it["label"] == "scam"]
            ordinary = [caught(it) for it in held if it["lang"] == lang and it["label"] != "scam"]
            out.append(f"{name} {lang}: recall {sum(scams) / len(scams):.1%} "
                       f"({sum(scams)}/{len(scams)}), false alarms "
                       f"{sum(ordinary) / len(ordinary):.1%} ({sum(ordinary)}/{len(ordinary)})")
        return out

    lines = []
    groups = [(f"batch {b}", [it for it in items if batch_of(it) == b])
              for b in sorted({batch_of(it) for it in items})] + [("all batches", items)]
    for title, held in groups:
        lines.append(f"{title} left out ({len(held)} items):")
        lines += line("  rules alone", held, lambda it: scans[it["id"]]["rule_score"] >= medium)
        lines += line("  rules and weighting", held, lambda it: weighed[it["id"]])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if model.json is out of date")
    parser.add_argument("--validate", action="store_true",
                        help="leave one dev batch out at a time and measure on it")
    args = parser.parse_args()
    if args.validate:
        print(validate())
        return 0
    text = model_text()
    return write_or_check(OUT, text, args.check, "python3 eval/prototype/train.py",
                          f"{len(json.loads(text)['weights'])} weights")


if __name__ == "__main__":
    sys.exit(main())
