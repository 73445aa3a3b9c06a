#!/usr/bin/env python3
"""Five-fold cross-validation of the prototype detector on the corpus's DEV part only.

Usage:
    python3 eval/prototype/cv.py [--markdown]

Never reads a test item: lines whose split is not "dev" are dropped as they are parsed.

Compared, with the same folds (stratified by language and label, fixed by a hash of the id):

- rules: the pack as written (no fitted parameter; thresholds from scoring.json);
- rules, medium threshold chosen on the training folds (the highest F1 with false alarms
  <= 3 % there), applied to the held-out fold;
- lr-rules: logistic regression over the rule features (families present, combinations, link
  signs), trained on the training folds;
- lr-ngrams: logistic regression over character 2- and 3-grams of the normalised clauses,
  n-grams of negated or reported clauses in their own namespace;
- lr-rules+ngrams: both feature sets.

The cue lists were written while reading all of dev, so the rules' figures here are not a
generalisation estimate: they show how the folds vary. The learned variants fit everything
they learn inside the training folds. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from detector import Detector  # noqa: E402

CORPUS = HERE.parent / "corpus" / "calls.jsonl"
FOLDS = 5
LEVEL_POSITIVE = ("medium", "high")


def dev_items(path: Path = CORPUS) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item.get("split") == "dev":
                out.append(item)
    return out


def assign_folds(items: list[dict]) -> dict[str, int]:
    """Stratified by (lang, label): items ordered by the SHA-256 of their id, dealt round robin."""
    folds, groups = {}, {}
    for it in items:
        groups.setdefault((it["lang"], it["label"]), []).append(it)
    for group in groups.values():
        group.sort(key=lambda it: hashlib.sha256(it["id"].encode()).hexdigest())
        for i, it in enumerate(group):
            folds[it["id"]] = i % FOLDS
    return folds


def rule_features(r: dict) -> dict[str, float]:
    f = {f"family:{c}": 1.0 for c in r["families"]}
    f.update({f"combo:{c['id']}": 1.0 for c in r["combos"]})
    return f


def ngram_features(r: dict) -> dict[str, float]:
    f = {}
    for clause in r["clauses"]:
        ns = clause["context"] or "plain"
        t = clause["text"]
        for n in (2, 3):
            for i in range(len(t) - n + 1):
                f[f"{ns}:{t[i:i + n]}"] = 1.0
    return f


class LogisticRegression:
    """L2-regularised logistic regression on sparse binary features, AdaGrad, full batch."""

    def __init__(self, l2: float = 0.01, epochs: int = 300, rate: float = 0.5, min_count: int = 2):
        self.l2, self.epochs, self.rate, self.min_count = l2, epochs, rate, min_count
        self.w: dict[str, float] = {}
        self.b = 0.0

    def fit(self, xs: list[dict], ys: list[int]):
        counts: dict[str, int] = {}
        for x in xs:
            for k in x:
                counts[k] = counts.get(k, 0) + 1
        keep = {k for k, n in counts.items() if n >= self.min_count}
        xs = [{k: v for k, v in x.items() if k in keep} for x in xs]
        w = dict.fromkeys(keep, 0.0)
        g2 = dict.fromkeys(keep, 1e-8)
        b, gb2 = 0.0, 1e-8
        n = len(xs)
        for _ in range(self.epochs):
            grad = {k: self.l2 * w[k] for k in keep}
            gb = 0.0
            for x, y in zip(xs, ys):
                z = b + sum(w[k] * v for k, v in x.items())
                p = 1 / (1 + math.exp(-max(-30, min(30, z))))
                d = (p - y) / n
                gb += d
                for k, v in x.items():
                    grad[k] += d * v
            for k, g in grad.items():
                g2[k] += g * g
                w[k] -= self.rate * g / math.sqrt(g2[k])
            gb2 += gb * gb
            b -= self.rate * gb / math.sqrt(gb2)
        self.w, self.b = w, b
        return self

    def prob(self, x: dict) -> float:
        z = self.b + sum(self.w.get(k, 0.0) * v for k, v in x.items())
        return 1 / (1 + math.exp(-max(-30, min(30, z))))

    def top(self, x: dict, k: int = 5) -> list[tuple[str, float]]:
        contrib = [(f, self.w.get(f, 0.0) * v) for f, v in x.items() if self.w.get(f)]
        return sorted(contrib, key=lambda fv: -abs(fv[1]))[:k]


def metrics(rows: list[tuple[dict, bool]]) -> dict:
    scams = [f for it, f in rows if it["label"] == "scam"]
    ords = [f for it, f in rows if it["label"] == "ordinary"]
    tp, fp = sum(scams), sum(ords)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / len(scams) if scams else 0.0
    return {"recall": r, "false_alarm_rate": fp / len(ords) if ords else 0.0, "precision": p,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "scams": len(scams), "ordinary": len(ords)}


def best_threshold(scored: list[tuple[dict, int]], max_fa: float = 0.03) -> int:
    """The medium threshold with the highest F1 whose false-alarm rate is at most max_fa."""
    best, best_f1 = 40, -1.0
    for t in range(10, 100, 5):
        m = metrics([(it, s >= t) for it, s in scored])
        if m["false_alarm_rate"] <= max_fa and m["f1"] > best_f1:
            best, best_f1 = t, m["f1"]
    return best


def run() -> dict:
    detector = Detector.load()
    items = dev_items()
    folds = assign_folds(items)
    scans = {it["id"]: detector.scan(it["text"]) for it in items}
    y = {it["id"]: int(it["label"] == "scam") for it in items}
    feats = {
        "lr-rules": {i: rule_features(r) for i, r in scans.items()},
        "lr-ngrams": {i: ngram_features(r) for i, r in scans.items()},
    }
    feats["lr-rules+ngrams"] = {i: {**feats["lr-rules"][i], **feats["lr-ngrams"][i]} for i in scans}

    predictions = {name: {} for name in ("rules", "rules-cv-threshold", *feats)}
    thresholds = []
    for k in range(FOLDS):
        train = [it for it in items if folds[it["id"]] != k]
        held = [it for it in items if folds[it["id"]] == k]
        for it in held:
            predictions["rules"][it["id"]] = scans[it["id"]]["level"] in LEVEL_POSITIVE
        t = best_threshold([(it, scans[it["id"]]["score"]) for it in train])
        thresholds.append(t)
        for it in held:
            predictions["rules-cv-threshold"][it["id"]] = scans[it["id"]]["score"] >= t
        for name, fx in feats.items():
            model = LogisticRegression().fit([fx[it["id"]] for it in train], [y[it["id"]] for it in train])
            for it in held:
                predictions[name][it["id"]] = model.prob(fx[it["id"]]) >= 0.5

    out = {"folds": FOLDS, "items": len(items), "cv_thresholds": thresholds, "systems": {}}
    for name, pred in predictions.items():
        res = {}
        for lang in ("all", "ja", "en"):
            rows = [(it, pred[it["id"]]) for it in items if lang == "all" or it["lang"] == lang]
            res[lang] = metrics(rows)
        per_fold = [metrics([(it, pred[it["id"]]) for it in items if folds[it["id"]] == k]) for k in range(FOLDS)]
        res["fold_f1"] = [round(m["f1"], 3) for m in per_fold]
        res["fold_false_alarm_rate"] = [round(m["false_alarm_rate"], 3) for m in per_fold]
        out["systems"][name] = res
    return out


def markdown(out: dict) -> str:
    lines = [f"5-fold cross-validation within dev ({out['items']} items); pooled over the held-out folds.",
             "", "| system | lang | recall (≥ medium) | false alarms | precision | F1 | F1 per fold |",
             "|---|---|---|---|---|---|---|"]
    for name, res in out["systems"].items():
        for lang in ("all", "ja", "en"):
            m = res[lang]
            lines.append(f"| {name} | {lang} | {100 * m['recall']:.1f} % | {100 * m['false_alarm_rate']:.1f} % | "
                         f"{100 * m['precision']:.1f} % | {m['f1']:.3f} | "
                         f"{', '.join(f'{x:.2f}' for x in res['fold_f1']) if lang == 'all' else ''} |")
    lines += ["", f"Medium thresholds chosen on the training folds: {out['cv_thresholds']}"]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table instead of JSON")
    args = ap.parse_args(argv)
    out = run()
    print(markdown(out) if args.markdown else json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
