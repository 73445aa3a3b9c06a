"""Files the repository keeps that a script writes from the corpus and the rules
(parity-dev.jsonl, core/rules/script/model.json): write them, or check they are current."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def write_or_check(path: Path, text: str, check: bool, command: str, what: str) -> int:
    """With `check`, exit status 1 and a message naming `command` if `path` is not `text`;
    else writes it and says `what` was written. Returns the exit status."""
    shown = path.relative_to(REPO)
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{shown} is out of date: run {command}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {shown} ({what})")
    return 0
