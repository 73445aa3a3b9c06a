#!/usr/bin/env python3
"""Measure callguard's scam detection on the evaluation corpus.

Usage:
    python3 eval/run.py [--corpus FILE] [--split dev|test|all] [--batch 1|2|all] [--prototype]
                        [--markdown FILE|-] [--json FILE|-] [--floors FILE]
                        [--errors FILE] [--jobs N]

The callguard binary is $CALLGUARD_BIN, else target/debug/callguard (build it with
`cargo build -p callguard-cli`).

For every item of the corpus (eval/corpus/calls.jsonl) the run

- scans the text with `callguard scan --json` (one process per item: the CLI has no batch
  mode for scan) and counts a scam as caught when the level is medium or high;
- screens the item as a call with `callguard check --json --transcript FILE NUMBER` under each
  preset (balanced, elderly, minimal), with the caller number the harness derives for the item
  (see "Caller numbers" below);
- applies a naive keyword baseline (20 keywords, flag if any occurs) to the same items;
- with --prototype, also runs the Python prototype detector of eval/prototype/ (see its
  DESIGN.md) in process, and folds its result into the CLI's verdict for `check` (see
  "The prototype under check" below).

and reports, per split (dev / test), per language, per family and per kind of text:
precision, recall (level >= medium), F1 and the false-alarm rate on ordinary items; and, for
`check` under each preset, the share of scams that ring (verdict allow) and the share of
ordinary items blocked or silenced.

Caller numbers. The corpus holds texts, not numbers, so the harness gives each item a caller
number by one rule that never looks at the label, the family or the text:

- home region: JP for Japanese items, US for English items;
- within each (language, label, split, batch) group, items are ordered by the SHA-256 of their id and
  dealt the number classes in fixed shares, so that scams and ordinary items get the same mix:
  mobile 40 %, fixed 30 %, IP phone (050) 10 %, international 15 %, toll-free 5 %
  (US has no separate IP-phone range: that share gets domestic numbers, so US items are 80 %
  domestic);
- the digits come from the same hash; every number is in a valid range (US numbers in the
  fictional 555-01xx block) and the run stops if the CLI reads one as invalid.

Scams really come from abroad far more often than ordinary calls do (DOMAIN.md: 59-70 % of the
numbers used in Japan in 2024-2025); giving both labels the same mix keeps the label out of the
number, so what `check` measures beyond the number is the words. The report splits `check`
results by number class so that the domestic calls, where only the words can help, can be read
apart.

The prototype under check. The prototype is not part of the CLI, so for it the harness asks the
CLI for the verdict of the number alone (plus `--claims ORG` when the prototype reads an
organisation's claim in the text at medium or above) and adds the scam_script reason the way
the core weighs it: weight = policy weight x script score / 100, added to the reasons' weights,
capped at 100, turned into a verdict by the policy's thresholds, never below the CLI's verdict
(which already holds the policy's hard rules).

The run never prints the text of a test item: --errors lists dev items only.

Exit status: 0 when the run finished (and every floor held); 1 when a floor failed; 2 for bad
usage, a missing binary, an invalid corpus or a CLI failure.

Standard library only (Python 3.11), so CI runs it without installing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = HERE / "corpus" / "calls.jsonl"
DEFAULT_BIN = REPO / "target" / "debug" / "callguard"

PRESETS = ("balanced", "elderly", "minimal")
SPLITS = ("dev", "test")
LANGS = ("ja", "en")
KINDS = ("call", "voicemail", "sms")
VERDICTS = ("allow", "warn", "silence", "block")
POSITIVE_LEVELS = ("medium", "high")

# The naive baseline: an item is flagged if any of these occurs in its text.
KEYWORDS = (
    "還付金", "暗証番号", "ATM", "キャッシュカード", "総務省", "警察", "逮捕", "未納", "至急", "振込",
    "gift card", "warrant", "arrest", "IRS", "Social Security", "suspended", "bitcoin",
    "remote access", "verify your account", "click",
)


# --------------------------------------------------------------------------------------------
# Corpus


def load_corpus(path: Path) -> list[dict]:
    """The corpus items, validated by eval/corpus/check.py's rules; exits 2 on any problem."""
    sys.path.insert(0, str(HERE / "corpus"))
    try:
        import check as corpus_check  # eval/corpus/check.py
    finally:
        sys.path.pop(0)
    try:
        numbered, problems = corpus_check.load(path)
    except OSError as e:
        die(f"{path}: cannot read ({e.strerror})")
    for lineno, obj in numbered:
        problems += corpus_check.check_item(lineno, obj)
    ids = Counter(obj.get("id") for _, obj in numbered)
    problems += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    if problems:
        die(f"{path}: invalid corpus (run eval/corpus/check.py):\n  " + "\n  ".join(problems[:20]))
    return [obj for _, obj in numbered]


# --------------------------------------------------------------------------------------------
# Caller numbers: one label-blind rule (see the module's doc)

# (class, share in percent), dealt in this order.
NUMBER_SHARES = (("mobile", 40), ("fixed", 30), ("ip", 10), ("international", 15), ("toll_free", 5))
REGION = {"ja": "JP", "en": "US"}


def _digits(seed: bytes, n: int) -> str:
    """n decimal digits drawn from a hash."""
    value = int.from_bytes(hashlib.sha256(b"digits:" + seed).digest(), "big")
    return str(value % 10**n).zfill(n)


def _pick(seed: bytes, options: tuple) -> object:
    return options[int.from_bytes(hashlib.sha256(b"pick:" + seed).digest()[:4], "big") % len(options)]


def number_for(region: str, klass: str, seed: bytes) -> str:
    """A caller number of the class in the region, made from the seed."""
    d = _digits(seed, 12)
    if region == "JP":
        if klass == "mobile":
            return f"{_pick(seed, ('090', '080', '070'))}-{'123456789'[int(d[0]) % 9]}{d[1:4]}-{d[4:8]}"
        if klass == "fixed":
            area = _pick(seed, ("03", "06", "052", "045", "092", "022", "075"))
            if len(area) == 2:
                return f"{area}-{'23456789'[int(d[0]) % 8]}{d[1:4]}-{d[4:8]}"
            return f"{area}-{'23456789'[int(d[0]) % 8]}{d[1:3]}-{d[3:7]}"
        if klass == "ip":
            return f"050-{'123456789'[int(d[0]) % 9]}{d[1:4]}-{d[4:8]}"
        if klass == "toll_free":
            return f"0120-{d[0:3]}-{d[3:6]}"
        if klass == "international":
            # The country codes seen most on scam calls to Japan (DOMAIN.md), valid ranges.
            return _pick(seed, (
                f"+1 {_pick(seed, ('202', '213', '312', '646', '713'))} 555 01{d[0:2]}",
                f"+86 10 8{d[0:3]} {d[3:7]}",
                f"+63 2 8{d[0:3]} {d[3:7]}",
                f"+855 12 {d[0:3]} {d[3:6]}",
                f"+44 20 7946 0{d[0:3]}",
            ))
    if region == "US":
        area = _pick(seed, ("202", "213", "312", "415", "646", "713", "305", "206"))
        if klass == "domestic":
            return f"({area}) 555-01{d[0:2]}"
        if klass == "toll_free":
            return f"{_pick(seed, ('800', '888', '877'))}-555-01{d[0:2]}"
        if klass == "international":
            return _pick(seed, (
                f"+44 20 7946 0{d[0:3]}",
                f"+63 2 8{d[0:3]} {d[3:7]}",
                f"+91 98{d[0:3]} {d[3:8]}",
                f"+234 803 {d[0:3]} {d[3:7]}",
                f"+86 10 8{d[0:3]} {d[3:7]}",
            ))
    raise ValueError(f"no number rule for region {region} and class {klass}")


def batch_of(item: dict) -> int:
    """The batch an item was written in (eval/corpus/README.md): numbers 001-199 are the first,
    201-299 the second, 301-399 the third, 401-499 the fourth (development only); each later
    batch was written after the earlier test parts' figures were public."""
    return min(max(int(item["id"].rsplit("-", 1)[1]) // 100, 1), 4)


def assign_numbers(items: list[dict]) -> dict[str, dict]:
    """id -> {"region", "class", "number"}, by the label-blind rule of the module's doc."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in items:
        # Grouping by batch too keeps every earlier item's number when a batch is added.
        groups[(item["lang"], item["label"], item["split"], batch_of(item))].append(item)
    out = {}
    for group in groups.values():
        group.sort(key=lambda it: hashlib.sha256(it["id"].encode()).hexdigest())
        n = len(group)
        # Largest-remainder quotas, so every group gets the same shares up to one item.
        raw = [(klass, n * share / 100) for klass, share in NUMBER_SHARES]
        quota = {klass: math.floor(q) for klass, q in raw}
        left = n - sum(quota.values())
        for klass, q in sorted(raw, key=lambda kq: (-(kq[1] - math.floor(kq[1])), kq[0]))[:left]:
            quota[klass] += 1
        dealt = [klass for klass, _ in NUMBER_SHARES for _ in range(quota[klass])]
        for item, klass in zip(group, dealt):
            region = REGION[item["lang"]]
            seed = item["id"].encode()
            if region == "US" and klass in ("mobile", "fixed", "ip"):
                klass = "domestic"
            out[item["id"]] = {
                "region": region,
                "class": klass,
                "number": number_for(region, klass, seed),
            }
    return out


# --------------------------------------------------------------------------------------------
# The keyword baseline

_LATIN = re.compile(r"[A-Za-z]")


def _keyword_pattern(word: str) -> re.Pattern:
    """Japanese keywords match anywhere; Latin ones as whole words, any case, with an
    optional -s/-es/-ed/-ing (so "IRS" does not match "first", "arrest" matches "arrested")."""
    if not _LATIN.search(word):
        return re.compile(re.escape(word))
    body = r"\s+".join(re.escape(w) for w in word.split())
    return re.compile(rf"(?<![a-z0-9]){body}(?:s|es|ed|ing)?(?![a-z0-9])", re.IGNORECASE)


KEYWORD_PATTERNS = tuple((w, _keyword_pattern(w)) for w in KEYWORDS)


def keyword_scan(text: str) -> dict:
    folded = unicodedata.normalize("NFKC", text)
    found = [w for w, pattern in KEYWORD_PATTERNS if pattern.search(folded)]
    return {"positive": bool(found), "level": "medium" if found else "none", "matched": found}


# --------------------------------------------------------------------------------------------
# Running the CLI


def die(message: str, code: int = 2):
    print(f"eval/run.py: {message}", file=sys.stderr)
    sys.exit(code)


class Cli:
    """Runs the callguard binary with an empty data directory (no default database is
    consulted), and keeps the wall time of every process."""

    def __init__(self, binary: Path, workdir: Path):
        self.binary = binary
        self.env = dict(os.environ, XDG_DATA_HOME=str(workdir / "data"), LANG="C.UTF-8")
        self.env.pop("LC_ALL", None)
        (workdir / "data").mkdir()
        self.seconds: dict[str, list[float]] = defaultdict(list)

    def run_json(self, what: str, args: list[str], stdin: str | None = None) -> dict:
        start = time.perf_counter()
        proc = subprocess.run(
            [str(self.binary), *args], capture_output=True, env=self.env, timeout=60,
            input=None if stdin is None else stdin.encode("utf-8"),
        )
        self.seconds[what].append(time.perf_counter() - start)
        if proc.returncode != 0:
            die(f"`callguard {' '.join(args[:3])} ...` exited {proc.returncode}: "
                f"{proc.stderr.decode(errors='replace').strip()}")
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError:
            die(f"`callguard {' '.join(args[:3])} ...` printed no JSON: {proc.stdout[:200]!r}")

    def validate_numbers(self, numbers: dict[str, dict]):
        """Reads every harness number with `check --batch` (one process per region) and stops
        the run if one is not of the class it was made for."""
        expected = {"mobile": {"mobile"}, "fixed": {"fixed"}, "ip": {"voip"},
                    "toll_free": {"toll_free"}, "domestic": {"fixed_or_mobile", "mobile", "fixed"}}
        for region in sorted({n["region"] for n in numbers.values()}):
            chosen = [(i, n) for i, n in sorted(numbers.items()) if n["region"] == region]
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
                f.write("".join(n["number"] + "\n" for _, n in chosen))
            try:
                proc = subprocess.run(
                    [str(self.binary), "check", "--json", "--region", region, "--batch", f.name],
                    capture_output=True, env=self.env, check=False)
            finally:
                os.unlink(f.name)
            if proc.returncode != 0:
                die(f"`callguard check --batch` failed: {proc.stderr.decode().strip()}")
            lines = proc.stdout.decode().splitlines()
            if len(lines) != len(chosen):
                die(f"`callguard check --batch` answered {len(lines)} lines for {len(chosen)} numbers")
            for (item_id, n), line in zip(chosen, lines):
                info = json.loads(line)["number"]
                ok = (info["international"] is True if n["class"] == "international"
                      else info["kind"] in expected[n["class"]] and not info["international"])
                if not ok:
                    die(f"{item_id}: the harness's {n['class']} number {n['number']!r} reads as "
                        f"{info['kind']} (international: {info['international']}) in {region}: "
                        "fix number_for()")

    def policy(self, name: str) -> dict:
        proc = subprocess.run([str(self.binary), "policy", "show", name, "--json"],
                              capture_output=True, env=self.env, check=False)
        if proc.returncode != 0:
            die(f"`callguard policy show {name} --json` failed: {proc.stderr.decode().strip()}")
        return json.loads(proc.stdout)


def verdict_for(policy: dict, score: int) -> str:
    t = policy["thresholds"]
    if score >= t["block"]:
        return "block"
    if score >= t["silence"]:
        return "silence"
    if score >= t["warn"]:
        return "warn"
    return "allow"


def fold_script(policy: dict, number_only: dict, script_score: int) -> str:
    """The verdict the core gives when a scan of `script_score` is added to a number-only
    check (see the module's doc, "The prototype under check")."""
    weight = policy["weights"].get("scam_script", 0) * min(script_score, 100) // 100
    total = min(100, sum(r["weight"] for r in number_only["reasons"]) + weight)
    return max(number_only["verdict"], verdict_for(policy, total), key=VERDICTS.index)


# --------------------------------------------------------------------------------------------
# Metrics


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


# --------------------------------------------------------------------------------------------
# The run


def run(args) -> dict:
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
        policies = {p: cli.policy(p) for p in PRESETS}
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
            jobs = [(it, p) for p in PRESETS for it in items]
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
                                 check_metrics, numbers) for p in PRESETS},
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
                                 check_metrics, numbers) for p in PRESETS},
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

    number_counts = Counter((it["lang"], it["label"], it["split"], numbers[it["id"]]["class"])
                            for it in items)
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
        "numbers": {"shares_percent": dict(NUMBER_SHARES), "regions": REGION,
                    "counts": [{"lang": l, "label": lab, "split": s, "class": c, "items": n}
                               for (l, lab, s, c), n in sorted(number_counts.items())]},
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
               "check": {p: checks[(it["id"], p)]["verdict"] for p in PRESETS}}
        if prototype is not None:
            found = proto_scans[it["id"]]
            row["prototype"] = {"level": found["level"], "score": found["score"],
                                "explain": found.get("explain")}
            row["prototype_check"] = {p: proto_checks[(it["id"], p)] for p in PRESETS}
        errors.append(row)
    return report, errors


# --------------------------------------------------------------------------------------------
# Markdown


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def f2(x) -> str:
    return "–" if x is None else f"{x:.2f}"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(report: dict, command: str) -> str:
    systems = report["systems"]
    splits = [s for s in SPLITS if s in systems["callguard"]["scan"]]
    out = [
        "# Scam-detection evaluation",
        "",
        f"Corpus `{report['corpus']['path']}` (sha256 `{report['corpus']['sha256'][:16]}…`), "
        f"{report['corpus']['items']} items, split `{report['corpus']['split']}`, "
        f"batch `{report['corpus']['batch']}`; "
        f"binary `{report['binary']}`.",
        "",
        f"Command: `{command}`",
        "",
        "A scam counts as caught by `scan` at level medium or high; the keyword baseline flags "
        "an item when any of its 20 keywords occurs. False-alarm rate: ordinary items flagged "
        "/ ordinary items.",
        "",
        "## scan: all items",
        "",
    ]
    rows = []
    for name, sysrep in systems.items():
        for split in splits:
            for lang in ("all", *LANGS):
                m = sysrep["scan"][split]["all"] if lang == "all" else sysrep["scan"][split]["lang"].get(lang)
                if m is None:
                    continue
                rows.append([name, split, lang, f"{m['scams']}/{m['ordinary']}", pct(m["precision"]),
                             pct(m["recall"]), f2(m["f1"]), pct(m["false_alarm_rate"])])
    out += [md_table(["system", "split", "lang", "scams/ordinary", "precision", "recall (≥ medium)",
                      "F1", "false alarms"], rows), ""]

    out += ["## scan: per kind of text", ""]
    rows = []
    for name, sysrep in systems.items():
        for split in splits:
            for key, m in sysrep["scan"][split]["lang_kind"].items():
                rows.append([name, split, key, f"{m['scams']}/{m['ordinary']}", pct(m["precision"]),
                             pct(m["recall"]), f2(m["f1"]), pct(m["false_alarm_rate"])])
    out += [md_table(["system", "split", "lang/kind", "scams/ordinary", "precision", "recall",
                      "F1", "false alarms"], rows), ""]

    out += ["## scan: per family", "",
            "Scam families: recall (caught / items); ordinary families: false alarms "
            "(flagged / items).", ""]
    names = list(systems)
    header = ["family"] + [f"{n} {s}" for n in names for s in splits]
    families = sorted({k for s in splits for k in systems["callguard"]["scan"][s]["family"]},
                      key=lambda k: (k.split("/")[1] != "scam", k))
    rows = []
    for fam in families:
        cells = [fam]
        for n in names:
            for s in splits:
                m = systems[n]["scan"][s]["family"].get(fam)
                if m is None:
                    cells.append("–")
                elif m["scams"]:
                    cells.append(f"{pct(m['recall'])} ({m['caught']}/{m['scams']})")
                else:
                    cells.append(f"{pct(m['false_alarm_rate'])} ({m['false_alarms']}/{m['ordinary']})")
        rows.append(cells)
    out += [md_table(header, rows), ""]

    out += ["## check: verdicts with the caller number and the transcript", "",
            "Scams that ring: verdict `allow`. Ordinary blocked or silenced: verdict `block` or "
            "`silence`. Numbers come from the harness's label-blind rule (see `eval/run.py`).", ""]
    rows = []
    for name, sysrep in systems.items():
        if "check" not in sysrep:
            continue
        for preset in PRESETS:
            for split in splits:
                g = sysrep["check"][preset][split]
                for lang in ("all", *LANGS):
                    m = g["all"] if lang == "all" else g["lang"].get(lang)
                    if m is None:
                        continue
                    rows.append([name, preset, split, lang, pct(m["scams_ring"]),
                                 pct(m["scams_blocked_or_silenced"]),
                                 pct(m["ordinary_blocked_or_silenced"]),
                                 pct(m["ordinary_warned_or_worse"])])
    out += [md_table(["system", "preset", "split", "lang", "scams ring", "scams blocked/silenced",
                      "ordinary blocked/silenced", "ordinary warned or worse"], rows), ""]

    for key, title, column in (("number_class", "caller-number class", "number class"),
                               ("kind", "kind of text", "kind")):
        out += [f"## check: per {title}", ""]
        rows = []
        for name, sysrep in systems.items():
            if "check" not in sysrep:
                continue
            for preset in PRESETS:
                for split in splits:
                    for group, m in sysrep["check"][preset][split][key].items():
                        rows.append([name, preset, split, group, f"{m['scams']}/{m['ordinary']}",
                                     pct(m["scams_ring"]), pct(m["ordinary_blocked_or_silenced"])])
        out += [md_table(["system", "preset", "split", column, "scams/ordinary", "scams ring",
                          "ordinary blocked/silenced"], rows), ""]

    t = report["timing"]
    out += ["## Timing", "",
            f"- `scan`: {t['scan_processes']} processes, {t['scan_wall_s']} s wall with "
            f"{t['jobs']} at a time, {t['scan_ms_per_process']} ms per process (start-up included)",
            f"- `check`: {t['check_processes']} processes, {t['check_wall_s']} s wall, "
            f"{t['check_ms_per_process']} ms per process"]
    if "prototype_scan_s" in t:
        out += [f"- prototype (Python, in process): {t['prototype_us_per_item_python']} µs per item; "
                f"its `check` fold {t['prototype_check_wall_s']} s wall"]
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Floors


def check_floors(report: dict, path: Path) -> list[str]:
    """Failures as messages. The file maps a metric path under `systems`
    ("callguard/scan/dev/lang/ja/recall") to {"min": x} and/or {"max": y}."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        die(f"{path}: cannot read floors ({e})")
    if not isinstance(floors, dict):
        die(f"{path}: floors must be a JSON object of metric path -> {{\"min\"|\"max\": number}}")
    failures = []
    for metric, bound in floors.items():
        if metric.startswith("_"):
            continue  # comments
        node = report["systems"]
        for part in metric.split("/"):
            if not isinstance(node, dict) or part not in node:
                die(f"{path}: {metric}: no such metric in this run (is its split included?)")
            node = node[part]
        if not isinstance(bound, dict) or not set(bound) <= {"min", "max"} or not bound:
            die(f"{path}: {metric}: expected {{\"min\": x}} and/or {{\"max\": y}}")
        if node is None:
            failures.append(f"{metric}: no value (no items)")
            continue
        if "min" in bound and node < bound["min"]:
            failures.append(f"{metric} = {node:.4f}, below its floor {bound['min']}")
        if "max" in bound and node > bound["max"]:
            failures.append(f"{metric} = {node:.4f}, above its ceiling {bound['max']}")
    return failures


def write(dest: str, text: str):
    if dest == "-":
        sys.stdout.write(text)
    else:
        Path(dest).write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Measure callguard's scam detection on the corpus.")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--batch", choices=("1", "2", "3", "4", "all"), default="all",
                    help="only the items of one batch (eval/corpus/README.md)")
    ap.add_argument("--prototype", action="store_true",
                    help="also evaluate eval/prototype's detector")
    ap.add_argument("--markdown", metavar="FILE|-", help="write the Markdown report")
    ap.add_argument("--json", metavar="FILE|-", help="write the metrics as JSON")
    ap.add_argument("--floors", metavar="FILE", help="exit 1 if a metric is beyond its floor")
    ap.add_argument("--errors", metavar="FILE|-",
                    help="write per-item results of dev items (JSON Lines; never test items)")
    ap.add_argument("--jobs", type=int, default=2, help="processes at a time (default 2)")
    args = ap.parse_args(argv)

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
