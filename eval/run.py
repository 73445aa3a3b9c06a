#!/usr/bin/env python3
"""Measure callguard's scam detection on the evaluation corpus.

Usage:
    python3 eval/run.py [--corpus FILE] [--split dev|test|all] [--batch N|all] [--prototype]
                        [--markdown FILE|-] [--json FILE|-] [--floors FILE]
                        [--errors FILE] [--jobs N] [--presets balanced,elderly,minimal]

The callguard binary is $CALLGUARD_BIN, else target/debug/callguard (build it with
`cargo build -p callguard-cli`).

For every item of the corpus (eval/corpus/calls.jsonl) the run

- scans the text with `callguard scan --json` (one process per item: the CLI has no batch
  mode for scan) and counts a scam as caught when the level is medium or high;
- screens the item as a call with `callguard check --json --transcript FILE NUMBER` under each
  preset (balanced, elderly, minimal; --presets names fewer), with the caller number the harness derives for the item
  (see "Caller numbers" below);
- applies a naive keyword baseline (20 keywords, flag if any occurs; harness/baseline.py) to
  the same items;
- with --prototype, also runs the Python prototype detector of eval/prototype/ (see its
  DESIGN.md) in process, and folds its result into the CLI's verdict for `check` (see
  "The prototype under check" below).

and reports, per split (dev / test), per language, per family and per kind of text:
precision, recall (level >= medium), F1 and the false-alarm rate on ordinary items; and, for
`check` under each preset, the share of scams that ring (verdict allow) and the share of
ordinary items blocked or silenced (harness/metrics.py, harness/report.py).

Caller numbers. The corpus holds texts, not numbers, so each item gets a caller number by one
rule that never looks at the label, the family or the text: a home region by language, and
number classes (mobile, fixed, IP phone, international, toll-free) dealt in the same shares to
scams and ordinary items, so that what `check` measures beyond the number is the words. The
rule, its shares and why are in harness/caller_numbers.py.

The prototype under check. The prototype is not part of the CLI, so for it the harness asks the
CLI for the verdict of the number alone and adds the prototype's scam_script reason the way the
core weighs it, never below the CLI's verdict (harness/cli.py, `fold_script`).

The run never prints the text of a test item: --errors lists dev items only.

Exit status: 0 when the run finished (and every floor held); 1 when a floor failed; 2 for bad
usage, a missing binary, an invalid corpus or a CLI failure.

Standard library only (Python 3.11), so CI runs it without installing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# eval/ is the first entry of sys.path when this file runs as a script.
from harness import die
from harness.baseline import KEYWORDS, keyword_scan
from harness.caller_numbers import assign_numbers, number_summary
from harness.cli import PRESETS, Cli, fold_script
from harness.corpus import DEFAULT_CORPUS, batch_of, load_corpus
from harness.metrics import POSITIVE_LEVELS, check_metrics, grouped, scan_metrics
from harness.report import check_floors, markdown, write

HERE = Path(__file__).resolve().parent
DEFAULT_BIN = HERE.parent / "target" / "debug" / "callguard"


def run(args) -> tuple[dict, list[dict]]:
    """The report (metrics per system, split and group) and the per-item rows of dev items."""
    items = load_corpus(Path(args.corpus))
    if args.split != "all":
        items = [it for it in items if it["split"] == args.split]
    if args.batch != "all":
        items = [it for it in items if batch_of(it) == int(args.batch)]
    binary = Path(os.environ.get("CALLGUARD_BIN") or DEFAULT_BIN)
    if not binary.is_file():
        die(f"no callguard binary at {binary}: build it with `cargo build -p callguard-cli` "
            "or set CALLGUARD_BIN")
    numbers = assign_numbers(items)
    prototype = None
    if args.prototype:
        sys.path.insert(0, str(HERE / "prototype"))
        import detector as prototype_module  # eval/prototype/detector.py
        prototype = prototype_module.Detector.load()

    with tempfile.TemporaryDirectory(prefix="callguard-eval-") as tmp:
        tmp = Path(tmp)
        cli = Cli(binary, tmp)
        cli.validate_numbers(numbers)
        policies = {p: cli.policy(p) for p in args.presets}
        transcripts = {}
        for it in items:
            path = tmp / f"{it['id']}.txt"
            path.write_text(it["text"], encoding="utf-8")
            transcripts[it["id"]] = path

        def scan_one(it):
            # Through standard input, so that a text starting with "-" is not read as an option.
            return cli.run_json("scan", ["scan", "--json", "--lang", "en", "-"], stdin=it["text"])

        def check_one(job):
            it, preset = job
            n = numbers[it["id"]]
            return cli.run_json("check", [
                "check", "--json", "--lang", "en", "--region", n["region"], "--policy", preset,
                "--transcript", str(transcripts[it["id"]]), "--", n["number"]])

        wall = {}
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            start = time.perf_counter()
            scans = dict(zip((it["id"] for it in items), pool.map(scan_one, items)))
            wall["scan"] = time.perf_counter() - start
            jobs = [(it, p) for p in args.presets for it in items]
            start = time.perf_counter()
            checks = dict(zip(((it["id"], p) for it, p in jobs), pool.map(check_one, jobs)))
            wall["check"] = time.perf_counter() - start

            proto_scans, proto_checks = {}, {}
            if prototype is not None:
                start = time.perf_counter()
                for it in items:
                    proto_scans[it["id"]] = prototype.scan(it["text"], kind=it["kind"])
                wall["prototype_scan"] = time.perf_counter() - start

                def proto_check_one(job):
                    it, preset = job
                    n, found = numbers[it["id"]], proto_scans[it["id"]]
                    claims = found.get("claims") if found["level"] in POSITIVE_LEVELS else None
                    args_ = ["check", "--json", "--lang", "en", "--region", n["region"],
                             "--policy", preset]
                    if claims:
                        args_ += ["--claims", claims[0]]
                    number_only = cli.run_json("check_number_only", [*args_, "--", n["number"]])
                    score = found["score"] if found["level"] in POSITIVE_LEVELS else 0
                    score = max(score, found.get("verdict_score", 0))
                    return fold_script(policies[preset], number_only, score)

                start = time.perf_counter()
                proto_checks = dict(zip(((it["id"], p) for it, p in jobs),
                                        pool.map(proto_check_one, jobs)))
                wall["prototype_check"] = time.perf_counter() - start

    systems = {
        "callguard": {
            "scan": grouped(items, lambda it: scans[it["id"]]["level"] in POSITIVE_LEVELS,
                            scan_metrics, numbers),
            "check": {p: grouped(items, lambda it, p=p: checks[(it["id"], p)]["verdict"],
                                 check_metrics, numbers) for p in args.presets},
        },
        "keywords": {
            "scan": grouped(items, lambda it: keyword_scan(it["text"])["positive"],
                            scan_metrics, numbers),
        },
    }
    if prototype is not None:
        systems["prototype"] = {
            "scan": grouped(items, lambda it: proto_scans[it["id"]]["level"] in POSITIVE_LEVELS,
                            scan_metrics, numbers),
            "check": {p: grouped(items, lambda it, p=p: proto_checks[(it["id"], p)],
                                 check_metrics, numbers) for p in args.presets},
        }

    timing = {
        "jobs": args.jobs,
        "scan_processes": len(cli.seconds["scan"]),
        "scan_wall_s": round(wall["scan"], 2),
        "scan_ms_per_process": round(1000 * sum(cli.seconds["scan"]) / max(1, len(cli.seconds["scan"])), 2),
        "check_processes": len(cli.seconds["check"]),
        "check_wall_s": round(wall["check"], 2),
        "check_ms_per_process": round(1000 * sum(cli.seconds["check"]) / max(1, len(cli.seconds["check"])), 2),
    }
    if prototype is not None:
        timing["prototype_scan_s"] = round(wall["prototype_scan"], 3)
        timing["prototype_us_per_item_python"] = round(1e6 * wall["prototype_scan"] / max(1, len(items)), 1)
        timing["prototype_check_wall_s"] = round(wall["prototype_check"], 2)

    report = {
        "corpus": {
            "path": str(Path(args.corpus)),
            "sha256": hashlib.sha256(Path(args.corpus).read_bytes()).hexdigest(),
            "items": len(items),
            "split": args.split,
            "batch": args.batch,
        },
        "binary": str(binary),
        "keywords": list(KEYWORDS),
        "numbers": number_summary(items, numbers),
        "timing": timing,
        "systems": systems,
    }
    errors = []
    for it in items:
        if it["split"] != "dev":
            continue  # never list test items
        row = {"id": it["id"], "label": it["label"], "kind": it["kind"],
               "number": numbers[it["id"]]["number"],
               "callguard": {"level": scans[it["id"]]["level"], "score": scans[it["id"]]["score"],
                             "families": [f["family"] for f in scans[it["id"]]["families"]],
                             "explain": scans[it["id"]].get("explain")},
               "keywords": keyword_scan(it["text"])["matched"],
               "check": {p: checks[(it["id"], p)]["verdict"] for p in args.presets}}
        if prototype is not None:
            found = proto_scans[it["id"]]
            row["prototype"] = {"level": found["level"], "score": found["score"],
                                "explain": found.get("explain")}
            row["prototype_check"] = {p: proto_checks[(it["id"], p)] for p in args.presets}
        errors.append(row)
    return report, errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Measure callguard's scam detection on the corpus.")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--batch", choices=[str(n) for n in range(1, 20)] + ["all"], default="all",
                    help="only the items of one batch (eval/corpus/README.md)")
    ap.add_argument("--prototype", action="store_true",
                    help="also evaluate eval/prototype's detector")
    ap.add_argument("--markdown", metavar="FILE|-", help="write the Markdown report")
    ap.add_argument("--json", metavar="FILE|-", help="write the metrics as JSON")
    ap.add_argument("--floors", metavar="FILE", help="exit 1 if a metric is beyond its floor")
    ap.add_argument("--errors", metavar="FILE|-",
                    help="write per-item results of dev items (JSON Lines; never test items)")
    ap.add_argument("--jobs", type=int, default=2, help="processes at a time (default 2)")
    ap.add_argument("--presets", default=",".join(PRESETS), metavar="P,P",
                    help="the presets `check` runs under, comma-separated (default: all); "
                         "CI's floor run needs only balanced")
    args = ap.parse_args(argv)
    args.presets = [p for p in args.presets.split(",") if p]
    unknown = [p for p in args.presets if p not in PRESETS]
    if unknown or not args.presets:
        ap.error(f"--presets: {','.join(unknown) or 'none given'}; "
                 f"choose from {','.join(PRESETS)}")

    command = "python3 eval/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report, errors = run(args)
    if args.markdown:
        write(args.markdown, markdown(report, command))
    if args.json:
        write(args.json, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    if args.errors:
        write(args.errors, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors))
    if not (args.markdown or args.json or args.errors):
        write("-", markdown(report, command))
    if args.floors:
        failures = check_floors(report, Path(args.floors))
        for f in failures:
            print(f"floor failed: {f}", file=sys.stderr)
        if failures:
            return 1
        print(f"all floors in {args.floors} hold", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
