"""The evaluation harness behind `eval/run.py`, one concern to a module:

- `corpus`: loading and validating eval/corpus/calls.jsonl, the batch of an item;
- `caller_numbers`: the label-blind caller number each item is screened with;
- `baseline`: the naive keyword baseline;
- `cli`: running the callguard binary, and folding a script score into a number-only verdict;
- `metrics`: precision, recall, F1, false alarms and `check` verdict shares, per group;
- `report`: the Markdown report, the floors, writing the outputs.

Standard library only (Python 3.11), so CI runs it without installing anything.
"""

from __future__ import annotations

import sys


def die(message: str, code: int = 2):
    """Stops the run: exit status 2 is bad usage, a missing binary, an invalid corpus or a CLI
    failure (eval/run.py's doc)."""
    print(f"eval/run.py: {message}", file=sys.stderr)
    sys.exit(code)
