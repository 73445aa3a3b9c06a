"""The figures of the report: precision, recall, F1 and false-alarm rate for `scan`; the share
of scams that ring and of ordinary items blocked, silenced or warned for `check`; each per
split, language, family, kind of text and caller-number class."""

from __future__ import annotations

from collections import Counter

from .corpus import SPLITS

# A scam counts as caught by a scan at one of these levels (recall at level >= medium).
POSITIVE_LEVELS = ("medium", "high")


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def scan_metrics(rows: list[tuple[dict, bool]]) -> dict:
    """rows: (item, flagged). Precision, recall, F1 and false-alarm rate."""
    tp = sum(1 for it, f in rows if f and it["label"] == "scam")
    fp = sum(1 for it, f in rows if f and it["label"] == "ordinary")
    scams = sum(1 for it, _ in rows if it["label"] == "scam")
    ordinary = len(rows) - scams
    precision, recall = ratio(tp, tp + fp), ratio(tp, scams)
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall else
          (0.0 if scams and tp == 0 else None))
    return {"scams": scams, "ordinary": ordinary, "caught": tp, "false_alarms": fp,
            "precision": precision, "recall": recall, "f1": f1,
            "false_alarm_rate": ratio(fp, ordinary)}


def check_metrics(rows: list[tuple[dict, str]]) -> dict:
    """rows: (item, verdict)."""
    scams = [v for it, v in rows if it["label"] == "scam"]
    ordinary = [v for it, v in rows if it["label"] == "ordinary"]
    return {
        "scams": len(scams), "ordinary": len(ordinary),
        "scams_ring": ratio(sum(v == "allow" for v in scams), len(scams)),
        "scams_blocked_or_silenced": ratio(sum(v in ("block", "silence") for v in scams),
                                           len(scams)),
        "ordinary_blocked_or_silenced": ratio(sum(v in ("block", "silence") for v in ordinary),
                                              len(ordinary)),
        "ordinary_warned_or_worse": ratio(sum(v != "allow" for v in ordinary), len(ordinary)),
        "verdicts": {label: dict(Counter(v for it, v in rows if it["label"] == label))
                     for label in ("scam", "ordinary")},
    }


def grouped(items: list[dict], value, metric, numbers: dict) -> dict:
    """Metrics per split: all, per language, per family, per kind, per language and kind, per
    number class."""
    out = {}
    for split in SPLITS:
        chosen = [it for it in items if it["split"] == split]
        if not chosen:
            continue
        keyed = lambda key: {k: metric([(it, value(it)) for it in chosen if key(it) == k])
                             for k in sorted({key(it) for it in chosen})}
        out[split] = {
            "all": metric([(it, value(it)) for it in chosen]),
            "lang": keyed(lambda it: it["lang"]),
            "family": keyed(lambda it: f"{it['lang']}/{it['label']}/{it['family']}"),
            "kind": keyed(lambda it: it["kind"]),
            "lang_kind": keyed(lambda it: f"{it['lang']}/{it['kind']}"),
            "number_class": keyed(lambda it: numbers[it["id"]]["class"]),
        }
    return out
