"""Running the callguard binary, and the verdict the core would give the prototype's scan.

The prototype under check. The prototype (eval/prototype/) is not part of the CLI, so for it the
harness asks the CLI for the verdict of the number alone (plus `--claims ORG` when the prototype
reads an organisation's claim in the text at medium or above) and adds the scam_script reason
the way the core weighs it: weight = policy weight x script score / 100, added to the reasons'
weights, capped at 100, turned into a verdict by the policy's thresholds, never below the CLI's
verdict (which already holds the policy's hard rules). `fold_script` does that arithmetic.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from . import die

PRESETS = ("balanced", "elderly", "minimal")
# Verdicts from the mildest to the strictest.
VERDICTS = ("allow", "warn", "silence", "block")


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
    """The verdict the policy's thresholds give a score."""
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
