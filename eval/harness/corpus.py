"""The evaluation corpus (eval/corpus/README.md): loading it, and the batch of an item."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from . import die

EVAL_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = EVAL_DIR / "corpus" / "calls.jsonl"

# eval/corpus/check.py holds the corpus's rules: the harness validates with them, not a copy.
sys.path.insert(0, str(EVAL_DIR / "corpus"))
try:
    import check as corpus_check
finally:
    sys.path.pop(0)

SPLITS = corpus_check.SPLITS
LANGS = corpus_check.LANGS


def load_corpus(path: Path) -> list[dict]:
    """The corpus items, validated by eval/corpus/check.py's rules; exits 2 on any problem."""
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


def batch_of(item: dict) -> int:
    """The batch an item was written in (eval/corpus/README.md): numbers 001-199 are the first,
    then one hundred per batch (201-299 the second, 301-399 the third ...); each later batch was
    written after the earlier test parts' figures were public."""
    return max(int(item["id"].rsplit("-", 1)[1]) // 100, 1)
