#!/usr/bin/env python3
"""Assign the development/test split to corpus items that have none yet.

Usage:
    python3 eval/corpus/split.py [PATH] [--dry-run]

The split is frozen: an item that already has a split keeps it, whatever
else changes in the file. Only items without a "split" field are assigned,
so adding items never moves an existing one from dev to test or back.

New items are stratified by (lang, label, family). Within a stratum they are
shuffled with a fixed seed derived from the stratum, then each goes to the
split that currently has fewer items of that stratum (existing items
included); a tie is broken by the same seeded generator. On a first run this
puts about half of every stratum in each split, and every stratum with two or
more items gets at least one of each.

The shuffle is reproducible: random.Random seeded with a str hashes it with
SHA-512, independent of PYTHONHASHSEED and platform.

Standard library only. The file is rewritten atomically, lines in the same
order, with "split" appended to each newly assigned item.
"""

import argparse
import json
import os
import random
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

SEED = "callguard-eval-corpus-v1"
SPLITS = ("dev", "test")


def stratum_rng(lang, label, family):
    """The seeded generator of one stratum; the same stratum always gets the same one."""
    return random.Random(f"{SEED}/{lang}/{label}/{family}")


def assign(items):
    """Map item index -> split for every item without one.

    items is a list of dicts; existing splits are counted, never changed.
    """
    counts = defaultdict(Counter)
    pending = defaultdict(list)
    for i, obj in enumerate(items):
        key = (obj["lang"], obj["label"], obj["family"])
        if "split" in obj:
            counts[key][obj["split"]] += 1
        else:
            pending[key].append(i)

    result = {}
    for key in sorted(pending):
        rng = stratum_rng(*key)
        # Shuffle in id order so the file's line order does not matter.
        idx = sorted(pending[key], key=lambda i: items[i]["id"])
        rng.shuffle(idx)
        for i in idx:
            dev, test = counts[key]["dev"], counts[key]["test"]
            if dev < test:
                choice = "dev"
            elif test < dev:
                choice = "test"
            else:
                choice = rng.choice(SPLITS)
            counts[key][choice] += 1
            result[i] = choice
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description="Assign dev/test to items that have no split yet.")
    ap.add_argument("path", nargs="?", default=str(Path(__file__).with_name("calls.jsonl")))
    ap.add_argument("--dry-run", action="store_true", help="report what would be assigned, write nothing")
    args = ap.parse_args(argv)

    path = Path(args.path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        print(f"{path}: cannot read ({e.strerror})", file=sys.stderr)
        return 1

    items, problems = [], []
    for lineno, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {lineno}: not a JSON object")
            continue
        for k in ("id", "lang", "label", "family"):
            if not isinstance(obj.get(k), str) or not obj[k]:
                problems.append(f"line {lineno}: field {k} is missing or empty; needed to stratify")
        if "split" in obj and obj["split"] not in SPLITS:
            problems.append(f"line {lineno}: split {obj['split']!r} is not dev or test; "
                            "fix it by hand, this script never changes an assigned split")
        items.append(obj)
    if problems:
        for p in problems:
            print(f"{path}: {p}", file=sys.stderr)
        print(f"{path}: nothing written", file=sys.stderr)
        return 1

    new = assign(items)
    if not new:
        print(f"{path}: every item already has a split; nothing to do")
        return 0

    tally = Counter(new.values())
    print(f"{path}: {len(new)} new item(s): {tally['dev']} dev, {tally['test']} test")
    if args.dry_run:
        for i in sorted(new):
            print(f"  {items[i]['id']}: {new[i]}")
        return 0

    for i, split in new.items():
        items[i]["split"] = split
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".calls.", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for obj in items:
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
