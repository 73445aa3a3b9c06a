#!/usr/bin/env python3
"""Checks the relative links of the project's Markdown documents.

Usage: scripts/check-doc-links.py [FILE.md ...]
(default: README.md, ARCHITECTURE.md, CHANGELOG.md, BENCHMARKS.md and every docs/**/*.md)

Every relative link `[text](path)`, `[text](path#anchor)` or `<img src="path">` must name a file
or folder that exists, relative to the document; `#anchor` must name a heading of the target
document (GitHub's rule: lower case, punctuation dropped, spaces to hyphens). Links to other
sites (`https:`, `mailto:`) are not fetched: nothing here uses the network. Prints one line per
broken link and exits 1 if there is any.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["README.md", "ARCHITECTURE.md", "CHANGELOG.md", "BENCHMARKS.md"]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
FENCE = re.compile(r"^\s*(```|~~~)")


def prose_lines(text):
    """The lines outside fenced code blocks, with their numbers."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def anchors(path):
    """The anchors GitHub makes of a document's headings."""
    seen = {}
    out = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = heading.group(1).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", slug).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def check(doc):
    problems = []
    text = doc.read_text(encoding="utf-8")
    for number, line in prose_lines(text):
        # Inline code is not a link.
        line = re.sub(r"`[^`]*`", "", line)
        for match in LINK.finditer(line):
            target = match.group(1) or match.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            path_part, _, anchor = target.partition("#")
            resolved = (doc.parent / path_part).resolve() if path_part else doc
            where = f"{doc.relative_to(ROOT)}:{number}"
            if not resolved.exists():
                problems.append(f"{where}: {target}: no such file")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                problems.append(f"{where}: {target}: no heading #{anchor}")
    return problems


def main(args):
    if args:
        docs = [Path(a).resolve() for a in args]
    else:
        docs = [ROOT / name for name in DEFAULT]
        docs += sorted((ROOT / "docs").rglob("*.md"))
    problems = [p for doc in docs for p in check(doc)]
    for problem in problems:
        print(problem)
    print(f"{len(docs)} documents, {len(problems)} broken links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
