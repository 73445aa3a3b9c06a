#!/usr/bin/env python3
"""Writes callguard's numbering data from a released libphonenumber.

Run through scripts/update-numbering-data.sh, which installs the pinned `phonenumbers` release
into a venv first. The output (number/data/libphonenumber.json) is embedded by number/build.rs: the
whole-number plans of every region and non-geographic code (patterns, possible lengths,
international and trunk prefixes, the trunk-prefix parsing rule) and every region's short
numbers (emergency, valid short codes and their cost classes, carrier-specific codes, SMS
services). Patterns are copied as libphonenumber wrote them; the transform rule is written in
libphonenumber's own `$1` form.

Why the PyPI package: `phonenumbers` is the maintained Python port of libphonenumber, released
with the same version number as each libphonenumber release and carrying its metadata
unchanged, as plain objects. The Java artifact on Maven Central stores the same metadata in a
serialized binary form read only through the library's internal classes.
"""

import argparse
import itertools
import json
import re
import sys

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

import phonenumbers
from phonenumbers import PhoneMetadata

# Whole-number descriptors, in the order libphonenumber tests them for a number's type.
KINDS = [
    ("premium", "premium_rate"),
    ("toll_free", "toll_free"),
    ("shared_cost", "shared_cost"),
    ("voip", "voip"),
    ("personal", "personal_number"),
    ("pager", "pager"),
    ("uan", "uan"),
    ("voicemail", "voicemail"),
    ("fixed", "fixed_line"),
    ("mobile", "mobile"),
]

SHORT_KINDS = [
    ("emergency", "emergency"),
    ("short_code", "short_code"),
    ("toll_free", "toll_free"),
    ("premium", "premium_rate"),
    ("standard_rate", "standard_rate"),
    ("carrier_specific", "carrier_specific"),
    ("sms", "sms_services"),
]


def desc(d):
    """A descriptor as {"pattern", "lengths", "local"?}; None when the region has no such numbers."""
    if d is None or d.national_number_pattern in (None, "", "NA"):
        return None
    lengths = [n for n in (d.possible_length or ()) if n > 0]
    if d.possible_length and not lengths:
        return None  # (-1,): libphonenumber's "no numbers of this type"
    out = {"pattern": d.national_number_pattern, "lengths": lengths}
    # Lengths dialled only within an area (a local number without its area code).
    local = [n for n in (d.possible_length_local_only or ()) if n > 0]
    if local:
        out["local"] = local
    return out


def java_rule(rule):
    """libphonenumber writes group references as $1; the Python port as \\1."""
    return None if rule is None else re.sub(r"\\(\d)", r"$\1", rule)


def plan(meta):
    entry = {
        "id": meta.id,
        "code": meta.country_code,
        "main": bool(meta.main_country_for_code),
        "idd": meta.international_prefix,
        "national_prefix": meta.national_prefix,
        # libphonenumber's build uses the trunk prefix itself when no parsing rule is given.
        "npp": meta.national_prefix_for_parsing or meta.national_prefix,
        "npp_transform": java_rule(meta.national_prefix_transform_rule),
        "leading": meta.leading_digits,
        "same_fixed_mobile": bool(meta.same_mobile_and_fixed_line_pattern),
        "general": desc(meta.general_desc),
    }
    for name, attr in KINDS:
        d = desc(getattr(meta, attr))
        if d is not None:
            entry[name] = d
    return entry


def short(region):
    meta = PhoneMetadata.short_metadata_for_region(region)
    if meta is None:
        return None
    entry = {"general": desc(meta.general_desc)}
    for name, attr in SHORT_KINDS:
        d = desc(getattr(meta, attr))
        if d is not None:
            entry[name] = d
    return entry


def expand(pattern, limit=10000):
    """Every digit string a finite pattern matches (emergency numbers are a handful each)."""

    def walk(parsed):
        results = [""]
        for op, av in parsed:
            if op is sre_constants.LITERAL:
                options = [chr(av)]
            elif op is sre_constants.IN:
                options = []
                for o, a in av:
                    if o is sre_constants.LITERAL:
                        options.append(chr(a))
                    elif o is sre_constants.RANGE:
                        options += [chr(c) for c in range(a[0], a[1] + 1)]
                    elif o is sre_constants.CATEGORY and a is sre_constants.CATEGORY_DIGIT:
                        options += list("0123456789")
                    else:
                        raise ValueError(f"{pattern}: cannot expand {o} {a}")
            elif op is sre_constants.CATEGORY and av is sre_constants.CATEGORY_DIGIT:
                options = list("0123456789")
            elif op is sre_constants.SUBPATTERN:
                options = walk(av[-1])
            elif op is sre_constants.BRANCH:
                options = [s for branch in av[1] for s in walk(branch)]
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, item = av
                inner = walk(item)
                if high > 20:
                    raise ValueError(f"{pattern}: unbounded repeat")
                options = ["".join(c) for n in range(low, high + 1) for c in itertools.product(inner, repeat=n)]
            else:
                raise ValueError(f"{pattern}: cannot expand {op}")
            results = [r + o for r in results for o in options]
            if len(results) > limit:
                raise ValueError(f"{pattern}: more than {limit} numbers")
        return results

    return sorted(set(walk(sre_parse.parse(pattern))))


def emergency_numbers(regions):
    """Every emergency number of any region, with the regions it is one in."""
    numbers = {}
    for r in regions:
        e = r.get("short", {}).get("emergency")
        if e is None:
            continue
        for number in expand(e["pattern"]):
            numbers.setdefault(number, []).append(r["id"])
    return dict(sorted(numbers.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--expect-version", help="refuse to run with another release")
    args = parser.parse_args()
    version = phonenumbers.__version__
    if args.expect_version and version != args.expect_version:
        sys.exit(f"phonenumbers {version} is installed, {args.expect_version} was asked for")

    regions = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        entry = plan(PhoneMetadata.metadata_for_region(region))
        s = short(region)
        if s is not None:
            entry["short"] = s
        regions.append(entry)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        regions.append(plan(PhoneMetadata.metadata_for_nongeo_region(code)))
    # Regions with short-number data but no whole-number plan (none today) would be lost.
    missing = sorted(set(phonenumbers.SUPPORTED_SHORT_REGIONS) - set(phonenumbers.SUPPORTED_REGIONS))
    if missing:
        sys.exit(f"short-number data for regions without a plan: {missing}")

    header = {
        "source": "libphonenumber metadata (PhoneNumberMetadata.xml and ShortNumberMetadata.xml), "
        "as carried by the phonenumbers package on PyPI",
        "library": "phonenumbers",
        "version": version,
        "licence": "Apache-2.0; Copyright (C) 2009-2026 The Libphonenumber Authors. "
        "See number/data/NOTICE-libphonenumber.",
        "generated_by": "scripts/update-numbering-data.sh",
    }
    emergency = emergency_numbers(regions)
    lines = [json.dumps(header, ensure_ascii=False)[:-1] + ","]
    lines.append('"emergency_numbers": ' + json.dumps(emergency, separators=(",", ":")) + ",")
    lines.append('"regions": [')
    lines += [
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(regions) - 1 else "")
        for i, r in enumerate(regions)
    ]
    lines.append("]}")
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    geo = sum(1 for r in regions if r["id"] != "001")
    with_short = sum(1 for r in regions if "short" in r)
    print(f"{args.out}: libphonenumber {version}, {geo} regions ({with_short} with short numbers), "
          f"{len(regions) - geo} non-geographic codes, {len(emergency)} distinct emergency numbers")


if __name__ == "__main__":
    main()
