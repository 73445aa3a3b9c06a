#!/usr/bin/env python3
"""The prototype's answers on the development part, with the Rust port's data, for the parity
test of the port (tests/tests/script_parity.rs).

    python3 eval/prototype/parity.py            # rewrite eval/prototype/parity-dev.jsonl
    python3 eval/prototype/parity.py --check    # exit 1 if the file is out of date

The prototype (detector.py, normalise.py) is run on core/rules/script/, the data the Rust
scanner embeds, over the items of eval/corpus/calls.jsonl whose split is `dev` (never the test
part). Each line: id, level, score, verdict_score and the families present. The Rust test scans
the same items and must give the same answers.

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from detector import Detector  # noqa: E402
from generated import write_or_check  # noqa: E402

CORPUS = REPO / "eval" / "corpus" / "calls.jsonl"
PACK = REPO / "core" / "rules" / "script"
OUT = HERE / "parity-dev.jsonl"


def answers() -> str:
    detector = Detector.load(PACK)
    lines = []
    with CORPUS.open(encoding="utf-8") as corpus:
        for line in corpus:
            item = json.loads(line)
            if item["split"] != "dev":
                continue
            r = detector.scan(item["text"])
            lines.append(json.dumps({
                "id": item["id"], "level": r["level"], "score": r["score"],
                "verdict_score": r["verdict_score"], "families": sorted(r["families"]),
            }, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args()
    text = answers()
    return write_or_check(OUT, text, args.check, "python3 eval/prototype/parity.py",
                          f"{text.count(chr(10))} dev items")


if __name__ == "__main__":
    sys.exit(main())
