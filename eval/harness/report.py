"""The outputs of a run: the Markdown report, the floors check, writing to a file or stdout."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import die
from .corpus import LANGS, SPLITS


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def f2(x) -> str:
    return "–" if x is None else f"{x:.2f}"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(report: dict, command: str) -> str:
    """The report as Markdown, naming the command line that made it."""
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
        for preset in sysrep["check"]:
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
            for preset in sysrep["check"]:
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
    """Writes the text to the file, or to standard output when `dest` is "-"."""
    if dest == "-":
        sys.stdout.write(text)
    else:
        Path(dest).write_text(text, encoding="utf-8")
