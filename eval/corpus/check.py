#!/usr/bin/env python3
"""Validate the scam-detection evaluation corpus and print its counts.

Usage:
    python3 eval/corpus/check.py [PATH] [--markdown] [--sources]

PATH defaults to calls.jsonl next to this script. Every problem is printed
with its line number, and the exit status is 1 if there is any problem, so a
malformed item can never slip into an evaluation run unnoticed.

--markdown prints the count tables in the form README.md uses.
--sources  prints every distinct source URL with the number of items citing it.

Standard library only.
"""

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

FIELDS = ("id", "lang", "label", "family", "kind", "text", "source", "basis", "note", "split")
LANGS = ("ja", "en")
LABELS = ("scam", "ordinary")
KINDS = ("call", "voicemail", "sms")
BASES = ("paraphrase", "composed")
SPLITS = ("dev", "test")

# A family belongs to exactly one label, so a family name alone tells what an
# item is; README.md describes each one.
FAMILIES = {
    "scam": (
        "ministry",
        "fake_police",
        "refund",
        "cash_card",
        "relative",
        "smishing",
        "carrier_billing",
        "investment",
        "prize",
        "gov_threat_en",
        "bank_safe_account",
        "tech_support",
        "utility",
    ),
    "ordinary": (
        "bank",
        "clinic",
        "city_office",
        "gov_real",
        "police_real",
        "carrier_real",
        "family",
        "delivery_real",
        "utility_real",
        "warning",
        "news",
        "business",
    ),
}

ID_RE = re.compile(r"^(ja|en)-(scam|ordinary)-([a-z_]+)-(\d{3,})$")
URL_RE = re.compile(r"^https?://\S+$")


def load(path):
    """Read the JSONL file; returns (items with line numbers, problems)."""
    items, problems = [], []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                problems.append(f"line {lineno}: empty line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})")
                continue
            if not isinstance(obj, dict):
                problems.append(f"line {lineno}: not a JSON object")
                continue
            items.append((lineno, obj))
    return items, problems


def check_item(lineno, obj):
    """Problems of one item, each naming the line and field."""
    out = []
    where = f"line {lineno}"
    missing = [k for k in FIELDS if k not in obj]
    extra = sorted(k for k in obj if k not in FIELDS)
    if missing:
        out.append(f"{where}: missing field(s) {', '.join(missing)}")
    if extra:
        out.append(f"{where}: unknown field(s) {', '.join(extra)}")
    for k in FIELDS:
        if k in obj and not isinstance(obj[k], str):
            out.append(f"{where}: field {k} must be a string")
    if out:
        return out

    for field, allowed in (("lang", LANGS), ("label", LABELS), ("kind", KINDS),
                           ("basis", BASES), ("split", SPLITS)):
        if obj[field] not in allowed:
            out.append(f"{where}: {field} {obj[field]!r} is not one of {', '.join(allowed)}")
    label = obj["label"]
    if label in FAMILIES and obj["family"] not in FAMILIES[label]:
        other = [lab for lab, fams in FAMILIES.items() if obj["family"] in fams]
        hint = f" (it is an {other[0]} family)" if other == ["ordinary"] else (
            f" (it is a {other[0]} family)" if other else "")
        out.append(f"{where}: family {obj['family']!r} is not a {label} family{hint}")

    m = ID_RE.match(obj["id"])
    if not m:
        out.append(f"{where}: id {obj['id']!r} is not of the form lang-label-family-NNN")
    elif (m.group(1), m.group(2), m.group(3)) != (obj["lang"], obj["label"], obj["family"]):
        out.append(f"{where}: id {obj['id']!r} does not match lang/label/family "
                   f"{obj['lang']}/{obj['label']}/{obj['family']}")

    if not obj["text"].strip():
        out.append(f"{where}: text is empty")
    elif obj["text"] != obj["text"].strip():
        out.append(f"{where}: text has leading or trailing whitespace")
    if not obj["note"].strip():
        out.append(f"{where}: note is empty")

    src = obj["source"]
    if src and not URL_RE.match(src):
        out.append(f"{where}: source {src!r} is not an http(s) URL")
    if obj["basis"] == "paraphrase" and not src:
        out.append(f"{where}: a paraphrase needs the source page it paraphrases")
    if label == "scam" and obj["basis"] != "paraphrase":
        out.append(f"{where}: scam items are paraphrased from a published source, basis must be paraphrase")
    return out


def table(rows, header):
    """A plain-text or markdown table from rows of cells."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    fmt = "| " + " | ".join("{:<%d}" % w for w in widths) + " |"
    lines = [fmt.format(*header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(lines)


def summary(objs):
    """Count tables: lang x label x kind x split, per family, kind shares."""
    parts = []
    c = Counter((o["lang"], o["label"], o["kind"], o["split"]) for o in objs)
    rows = []
    for lang in LANGS:
        for label in LABELS:
            for kind in KINDS:
                dev, test = c[(lang, label, kind, "dev")], c[(lang, label, kind, "test")]
                rows.append([lang, label, kind, dev, test, dev + test])
    for lang in LANGS:
        dev = sum(c[(lang, lab, k, "dev")] for lab in LABELS for k in KINDS)
        test = sum(c[(lang, lab, k, "test")] for lab in LABELS for k in KINDS)
        rows.append([lang, "all", "all", dev, test, dev + test])
    dev = sum(v for k, v in c.items() if k[3] == "dev")
    test = sum(v for k, v in c.items() if k[3] == "test")
    rows.append(["all", "all", "all", dev, test, dev + test])
    parts.append(table(rows, ["lang", "label", "kind", "dev", "test", "total"]))

    fc = Counter((o["lang"], o["label"], o["family"], o["split"]) for o in objs)
    rows = []
    for label in LABELS:
        for fam in FAMILIES[label]:
            cells = [label, fam]
            total = 0
            for lang in LANGS:
                d, t = fc[(lang, label, fam, "dev")], fc[(lang, label, fam, "test")]
                cells.append(f"{d}/{t}" if d + t else "-")
                total += d + t
            if total:
                rows.append(cells + [total])
    parts.append(table(rows, ["label", "family", "ja dev/test", "en dev/test", "total"]))

    rows = []
    for lang in LANGS:
        n = sum(1 for o in objs if o["lang"] == lang)
        kc = Counter(o["kind"] for o in objs if o["lang"] == lang)
        rows.append([lang, n] + [f"{kc[k]} ({100 * kc[k] / n:.0f}%)" if n else "-" for k in KINDS])
    parts.append(table(rows, ["lang", "items"] + list(KINDS)))

    sources = {o["source"] for o in objs if o["source"]}
    basis = Counter(o["basis"] for o in objs)
    parts.append(f"distinct sources: {len(sources)}; basis: "
                 + ", ".join(f"{b} {basis[b]}" for b in BASES))
    return "\n\n".join(parts)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Validate the evaluation corpus.")
    ap.add_argument("path", nargs="?", default=str(Path(__file__).with_name("calls.jsonl")))
    ap.add_argument("--markdown", action="store_true", help="print only the count tables")
    ap.add_argument("--sources", action="store_true", help="list distinct source URLs")
    args = ap.parse_args(argv)

    try:
        items, problems = load(args.path)
    except OSError as e:
        print(f"{args.path}: cannot read ({e.strerror})", file=sys.stderr)
        return 1

    seen_ids, seen_texts = {}, {}
    good = []
    for lineno, obj in items:
        item_problems = check_item(lineno, obj)
        problems += item_problems
        if isinstance(obj.get("id"), str):
            if obj["id"] in seen_ids:
                problems.append(f"line {lineno}: id {obj['id']!r} already used on line {seen_ids[obj['id']]}")
            else:
                seen_ids[obj["id"]] = lineno
        if isinstance(obj.get("text"), str) and obj["text"].strip():
            key = " ".join(obj["text"].split())
            if key in seen_texts:
                problems.append(f"line {lineno}: same text as line {seen_texts[key]}")
            else:
                seen_texts[key] = lineno
        if not item_problems:
            good.append(obj)

    if not items and not problems:
        problems.append(f"{args.path}: no items")

    def line_of(problem):
        m = re.match(r"line (\d+):", problem)
        return int(m.group(1)) if m else 0

    for p in sorted(problems, key=line_of):
        print(f"{args.path}: {p}", file=sys.stderr)

    if args.sources:
        counts = Counter(o["source"] for o in good if o["source"])
        for url, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"{n:3d}  {url}")
    elif good:
        if not args.markdown:
            print(f"{len(good)} valid items in {args.path}\n")
        print(summary(good))

    if problems:
        print(f"\n{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
