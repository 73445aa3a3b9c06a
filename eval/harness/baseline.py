"""The naive keyword baseline, measured beside callguard in the same run: an item is flagged
when any of 20 keywords occurs in its text."""

from __future__ import annotations

import re
import unicodedata

KEYWORDS = (
    "還付金", "暗証番号", "ATM", "キャッシュカード", "総務省", "警察", "逮捕", "未納", "至急", "振込",
    "gift card", "warrant", "arrest", "IRS", "Social Security", "suspended", "bitcoin",
    "remote access", "verify your account", "click",
)

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
    """The baseline's finding for a text: flagged or not, and the keywords that matched."""
    folded = unicodedata.normalize("NFKC", text)
    found = [w for w, pattern in KEYWORD_PATTERNS if pattern.search(folded)]
    return {"positive": bool(found), "level": "medium" if found else "none", "matched": found}
