"""Caller numbers: the corpus holds texts, not numbers, so the harness gives each item a caller
number by one rule that never looks at the label, the family or the text:

- home region: JP for Japanese items, US for English items;
- within each (language, label, split, batch) group, items are ordered by the SHA-256 of their
  id and dealt the number classes in fixed shares, so that scams and ordinary items get the same
  mix: mobile 40 %, fixed 30 %, IP phone (050) 10 %, international 15 %, toll-free 5 % (US has
  no separate IP-phone range: that share gets domestic numbers, so US items are 80 % domestic);
- the digits come from the same hash; every number is in a valid range (US numbers in the
  fictional 555-01xx block) and the run stops if the CLI reads one as invalid
  (`Cli.validate_numbers`).

Scams really come from abroad far more often than ordinary calls do (DOMAIN.md: 59-70 % of the
numbers used in Japan in 2024-2025); giving both labels the same mix keeps the label out of the
number, so what `check` measures beyond the number is the words. The report splits `check`
results by number class so that the domestic calls, where only the words can help, can be read
apart.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict

from .corpus import batch_of

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


def number_summary(items: list[dict], numbers: dict[str, dict]) -> dict:
    """The rule's shares and regions, and how many items of each group got each class."""
    counts = Counter((it["lang"], it["label"], it["split"], numbers[it["id"]]["class"])
                     for it in items)
    return {"shares_percent": dict(NUMBER_SHARES), "regions": REGION,
            "counts": [{"lang": l, "label": lab, "split": s, "class": c, "items": n}
                       for (l, lab, s, c), n in sorted(counts.items())]}
