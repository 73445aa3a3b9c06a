"""The learned weighting next to the rules: a logistic regression over what the rules found and
over character n-grams of the normalised clauses (docs/SCRIPT.md, "Learned weighting").

The features of a scan, all binary except `score`:

- `f:<family>` for each family present (counted cues and the computed link families);
- `c:<combination>` for each combination that holds;
- `score`: the rules' score / 100;
- `d:<family>` for each family with a cue not counted (negation, reported speech, quotation,
  named but not asked for);
- `g:<context>:<n-gram>` for each character n-gram (n in the model's `ngrams`) of each
  clause's normalised text, `<context>` being `negation`, `reported` or `plain`.

The Rust scanner computes the same features from the same scan and sums the same weights
(core/src/claims/script/learned.rs); `train.py` fits the weights on the corpus's development
part and writes core/rules/script/model.json. Standard library only.
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def features(families, combos, score: int, discounted, clauses, ngrams) -> dict[str, float]:
    """The features of one scan (see the module's doc), in a fixed order."""
    out: dict[str, float] = {}
    for code in sorted(families):
        out[f"f:{code}"] = 1.0
    for combo in combos:
        out[f"c:{combo}"] = 1.0
    out["score"] = score / 100
    for code in sorted(set(discounted)):
        out[f"d:{code}"] = 1.0
    for clause in clauses:
        context = clause["context"] or "plain"
        text = clause["text"]
        for n in ngrams:
            for i in range(len(text) - n + 1):
                out.setdefault(f"g:{context}:{text[i:i + n]}", 1.0)
    return out


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


class Model:
    """Weights, bias, threshold and the decision settings as shipped in model.json."""

    def __init__(self, data: dict):
        self.version = data["version"]
        self.bias = float(data["bias"])
        self.threshold = float(data["threshold"])
        self.raise_from_score = int(data["raise_from_score"])
        self.keep_at_weight = int(data["keep_at_weight"])
        self.keep_families = [set(s) for s in data["keep_families"]]
        self.keep_above = float(data["keep_above"])
        self.notice_families = set(data["notice_families"])
        self.ngrams = tuple(data["ngrams"])
        self.weights = {k: float(v) for k, v in data["weights"].items()}

    @classmethod
    def load(cls, path: Path) -> "Model":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def keeps(self, heaviest: int, families, probability: float) -> bool:
        """Whether a text the weighting reads as ordinary keeps the rules' score anyway: one of
        the strongest cues or a keep_families set, unless the model is sure it is ordinary."""
        present = set(families)
        strong = heaviest >= self.keep_at_weight or any(s <= present for s in self.keep_families)
        return strong and probability >= self.keep_above

    def raises(self, score: int, families) -> bool:
        """Whether a scam-like reading raises the text: the rules found at least
        raise_from_score, and some family that a genuine notice does not also carry (a bill, a
        date, a cut-off, a parcel say nothing of who is calling or what they want done)."""
        present = set(families)
        return bool(present) and score >= self.raise_from_score and \
            not present <= self.notice_families

    def settle(self, score: int, heaviest: int, families, probability: float,
               medium: int) -> int:
        """The score after the weighting: a scam-like text with at least raise_from_score found
        by the rules, and a family present beyond a notice's (notice_families), is at least
        medium; a text not scam-like is at most just below medium unless it keeps the rules'
        score."""
        if probability >= self.threshold:
            if self.raises(score, families):
                return max(score, medium)
            return score
        if self.keeps(heaviest, families, probability):
            return score
        return min(score, medium - 1)

    def probability(self, x: dict[str, float]) -> float:
        z = self.bias
        for k, v in x.items():
            w = self.weights.get(k)
            if w is not None:
                z += w * v
        return sigmoid(z)

    def strongest(self, x: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
        """The k features that pushed hardest, either way, largest first (ties by name)."""
        contrib = [(f, self.weights[f] * v) for f, v in x.items() if self.weights.get(f)]
        return sorted(contrib, key=lambda fv: (-abs(fv[1]), fv[0]))[:k]


def fit(xs: list[dict[str, float]], ys: list[int], l2: float, min_count: int,
        epochs: int = 400, rate: float = 0.1) -> tuple[dict[str, float], float]:
    """L2-regularised logistic regression, full-batch AdaGrad from zero: deterministic, so the
    same corpus gives the same weights. Features seen in fewer than `min_count` items are
    dropped."""
    counts: dict[str, int] = {}
    for x in xs:
        for k in x:
            counts[k] = counts.get(k, 0) + 1
    keep = sorted(k for k, n in counts.items() if n >= min_count)
    index = {k: i for i, k in enumerate(keep)}
    rows = [[(index[k], v) for k, v in x.items() if k in index] for x in xs]
    w = [0.0] * len(keep)
    g2 = [1e-8] * len(keep)
    b, gb2 = 0.0, 1e-8
    n = len(rows)
    for _ in range(epochs):
        grad = [l2 * wi for wi in w]
        gb = 0.0
        for row, y in zip(rows, ys):
            z = b
            for i, v in row:
                z += w[i] * v
            d = (sigmoid(z) - y) / n
            gb += d
            for i, v in row:
                grad[i] += d * v
        for i, g in enumerate(grad):
            g2[i] += g * g
            w[i] -= rate * g / math.sqrt(g2[i])
        gb2 += gb * gb
        b -= rate * gb / math.sqrt(gb2)
    return {k: w[i] for k, i in index.items()}, b
