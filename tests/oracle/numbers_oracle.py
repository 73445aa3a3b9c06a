"""callguard's numbers against libphonenumber: the differential test's machinery.

The reference is libphonenumber at the release whose metadata callguard embeds
(number/data/LIBPHONENUMBER_VERSION), through its Python port `phonenumbers`. Both sides read the
same generated caller-ID texts under the same home region:

- every region's example numbers (libphonenumber's own) in E.164, international and national
  format and as dialled from the home region (its international prefix);
- mutations of them: a digit changed, dropped or added;
- random digits after every valid country code;
- every region's emergency numbers and its other short numbers (the finite ones expanded from
  the short-number patterns, else the examples), read with that region as home;
- random valid numbers of every region with a trunk prefix, written nationally, read with that
  region as home (the national read-back).

The reference answer for one text is what an app would compute with libphonenumber:
ShortNumberInfo.isEmergencyNumber → emergency; else parse + isValidNumber → the number, its
region and type; else isValidShortNumberForRegion → special; else invalid. callguard's answer is
`callguard check --batch --json`'s `number`. Every disagreement either falls into one of the
deliberate differences in BUCKETS (each documented in docs/NUMBERS.md) or is a failure.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import json
import os
import random
import re
import subprocess
import tempfile
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType, shortnumberinfo

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261202
# Home regions for the example, mutation and random-digit inputs: Japan first, the regions the
# first outside tests found wrong (CN, BR, CO), and a spread of numbering plans (trunk prefix 0,
# 1 and 8, none; shared country codes; long and short international prefixes).
HOMES = ["JP", "US", "GB", "CN", "BR", "CO", "IN", "DE", "FR", "IT", "AR", "MX", "AU", "RU",
         "KR", "ZA", "NG", "ID", "EG", "CH", "KZ", "TW", "SG", "PH"]
NATIONAL_SAMPLES = 300
PRESETS = ["balanced", "elderly", "minimal"]

TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
EXAMPLE_TYPES = list(TYPE_NAMES)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What a number is, on either side: emergency, special, valid (with its facts) or invalid."""

    category: str
    e164: str | None = None
    country: str | None = None
    kind: str | None = None
    flags: tuple = ()
    service: str | None = None


@dataclasses.dataclass
class Case:
    home: str
    text: str
    source: str  # example, international, national, dialled, mutation, random, short, readback
    reference: Answer
    ours: Answer | None = None
    bucket: str | None = None
    verdicts: dict = dataclasses.field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The reference


def reference(text: str, home: str) -> Answer:
    if shortnumberinfo.is_emergency_number(text, home):
        return Answer("emergency")
    try:
        number = phonenumbers.parse(text, home)
    except phonenumbers.NumberParseException:
        return Answer("invalid")
    if phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_number(number)
        return Answer(
            "valid",
            phonenumbers.format_number(number, PhoneNumberFormat.E164),
            None if region in (None, "001", "ZZ") else region,
            TYPE_NAMES.get(phonenumbers.number_type(number)),
        )
    if shortnumberinfo.is_valid_short_number_for_region(number, home):
        return Answer("special")
    return Answer("invalid")


# ---------------------------------------------------------------------------------------------
# callguard


def callguard_binary() -> Path:
    explicit = os.environ.get("CALLGUARD_BIN")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("debug", "release"):
        candidate = target / profile / "callguard"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("build callguard first: cargo build -p callguard-cli")


def ours(texts: list[str], home: str, policy: str = "balanced") -> list[dict]:
    """callguard's JSON for each text, screened with `home` as the home region."""
    with tempfile.TemporaryDirectory() as data_home:
        result = subprocess.run(
            [str(callguard_binary()), "check", "--batch", "-", "--region", home, "--json",
             "--policy", policy],
            input="".join(t + "\n" for t in texts),
            capture_output=True,
            text=True,
            env={**os.environ, "XDG_DATA_HOME": data_home, "LANG": "C"},
            check=False,
        )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or len(lines) != len(texts):
        raise RuntimeError(
            f"callguard check --batch --region {home}: exit {result.returncode}, "
            f"{len(lines)} answers for {len(texts)} lines: {result.stderr[-2000:]}"
        )
    return lines


def answer_of(screened: dict) -> Answer:
    n = screened["number"]
    kind = n["kind"]
    if kind in ("emergency", "special"):
        return Answer(kind, service=n.get("service"))
    if kind in ("invalid", "hidden"):
        return Answer("invalid")
    return Answer("valid", n["e164"], n["country"], kind, tuple(n["flags"]))


# ---------------------------------------------------------------------------------------------
# Inputs


def expand(pattern: str, limit: int = 200) -> list[str] | None:
    """Every digit string a finite pattern matches, or None when there are too many."""

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
                    elif o is sre_constants.CATEGORY:
                        options += list("0123456789")
                    else:
                        raise OverflowError
            elif op is sre_constants.CATEGORY:
                options = list("0123456789")
            elif op is sre_constants.SUBPATTERN:
                options = walk(av[-1])
            elif op is sre_constants.BRANCH:
                options = [s for branch in av[1] for s in walk(branch)]
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, item = av
                inner = walk(item)
                if high > 12 or len(inner) ** high > limit * 10:
                    raise OverflowError
                options = ["".join(c) for n in range(low, high + 1)
                           for c in itertools.product(inner, repeat=n)]
            else:
                raise OverflowError
            results = [r + o for r in results for o in options]
            if len(results) > limit:
                raise OverflowError
        return results

    try:
        return sorted(set(walk(sre_parse.parse(pattern))))
    except OverflowError:
        return None


def sample(pattern: str, rng: random.Random) -> str:
    """One random string the pattern matches (a random walk through it)."""

    def walk(parsed):
        out = []
        for op, av in parsed:
            if op is sre_constants.LITERAL:
                out.append(chr(av))
            elif op is sre_constants.IN:
                options = []
                for o, a in av:
                    if o is sre_constants.LITERAL:
                        options.append(chr(a))
                    elif o is sre_constants.RANGE:
                        options += [chr(c) for c in range(a[0], a[1] + 1)]
                    else:
                        options += list("0123456789")
                out.append(rng.choice(options))
            elif op is sre_constants.CATEGORY:
                out.append(rng.choice("0123456789"))
            elif op is sre_constants.SUBPATTERN:
                out.append(walk(av[-1]))
            elif op is sre_constants.BRANCH:
                out.append(walk(rng.choice(av[1])))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, item = av
                count = rng.randint(low, min(high, low + 12))
                out.extend(walk(item) for _ in range(count))
            elif op is sre_constants.ANY:
                out.append(rng.choice("0123456789"))
        return "".join(out)

    return walk(sre_parse.parse(pattern))


def example_numbers():
    """(region, type, number) for every region's example of every type."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for t in EXAMPLE_TYPES:
            number = phonenumbers.example_number_for_type(region, t)
            if number is not None:
                yield region, t, number
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        for t in EXAMPLE_TYPES:
            number = phonenumbers.example_number_for_non_geo_entity(code)
            if number is not None and t == PhoneNumberType.FIXED_LINE:
                yield "001", t, number


def mutations(digits: str, rng: random.Random) -> list[str]:
    """The E.164 digits with one digit changed, one dropped and one added."""
    at = rng.randrange(1, len(digits))
    changed = digits[:at] + str((int(digits[at]) + rng.randint(1, 9)) % 10) + digits[at + 1:]
    dropped = digits[:at] + digits[at + 1:]
    added = digits[:at] + str(rng.randint(0, 9)) + digits[at:]
    return ["+" + changed, "+" + dropped, "+" + added]


def home_inputs(home: str, rng: random.Random) -> list[tuple[str, str]]:
    """(text, source) read with `home` as the home region."""
    inputs = []
    home_code = phonenumbers.country_code_for_region(home)
    for region, _, number in example_numbers():
        inputs.append((phonenumbers.format_number(number, PhoneNumberFormat.E164), "example"))
        inputs.append((phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                       "international"))
        dialled = phonenumbers.format_out_of_country_calling_number(number, home)
        inputs.append((dialled, "dialled"))
        if number.country_code == home_code:
            inputs.append((phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                           "national"))
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
        inputs += [(m, "mutation") for m in mutations(e164, rng)]
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        for _ in range(3):
            length = rng.randint(4, 12)
            digits = "".join(rng.choice("0123456789") for _ in range(length))
            inputs.append((f"+{code}{digits}", "random"))
    return inputs


def short_inputs(region: str) -> list[tuple[str, str]]:
    """Every short number of `region` the data lists (finite patterns expanded)."""
    meta = PhoneMetadata.short_metadata_for_region(region)
    if meta is None:
        return []
    numbers = set()
    for desc in (meta.emergency, meta.short_code, meta.toll_free, meta.premium_rate,
                 meta.standard_rate, meta.carrier_specific, meta.sms_services):
        if desc is None or not desc.national_number_pattern:
            continue
        expanded = expand(desc.national_number_pattern)
        if expanded is not None:
            lengths = set(desc.possible_length or ()) | set(meta.general_desc.possible_length or ())
            numbers.update(n for n in expanded if not lengths or len(n) in lengths
                           or desc is meta.emergency)
        if desc.example_number:
            numbers.add(desc.example_number)
    return [(n, "short") for n in sorted(numbers)]


def readback_inputs(region: str, rng: random.Random) -> list[tuple[str, str]]:
    """Random valid numbers of `region`, written nationally."""
    meta = PhoneMetadata.metadata_for_region(region)
    descs = [d for d in (meta.fixed_line, meta.mobile, meta.toll_free, meta.premium_rate,
                         meta.shared_cost, meta.voip, meta.personal_number, meta.pager, meta.uan,
                         meta.voicemail)
             if d is not None and d.national_number_pattern and d.example_number]
    inputs = []
    attempts = 0
    while len(inputs) < NATIONAL_SAMPLES and descs and attempts < NATIONAL_SAMPLES * 40:
        attempts += 1
        desc = descs[attempts % len(descs)]
        nsn = sample(desc.national_number_pattern, rng)
        try:
            number = phonenumbers.parse("+" + str(meta.country_code) + nsn)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number_for_region(number, region):
            continue
        # Longer than E.164's 15 digits: no caller ID (see longer_than_e164).
        if len(str(meta.country_code)) + len(phonenumbers.national_significant_number(number)) > 15:
            continue
        text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        # Only what libphonenumber itself reads back (Bulgaria's toll-free 0800 numbers are
        # formatted 00800 ..., which it then takes for an international prefix).
        if reference(text, region).e164 != phonenumbers.format_number(number, PhoneNumberFormat.E164):
            continue
        inputs.append((text, "readback"))
    return inputs


def trunk_prefix_regions() -> list[str]:
    return sorted(r for r in phonenumbers.SUPPORTED_REGIONS
                  if PhoneMetadata.metadata_for_region(r).national_prefix)


# ---------------------------------------------------------------------------------------------
# Deliberate differences


class Pack:
    """callguard's numbering rule pack (what it adds to libphonenumber), read from the repository."""

    def __init__(self):
        pack = json.loads((ROOT / "number/data/numbering.json").read_text(encoding="utf-8"))
        self.short = {(r, s["number"]) for r, e in pack["regions"].items()
                      for s in e.get("short_numbers", [])}
        self.global_short = {s["number"] for s in pack["global_short_numbers"]}
        self.overrides = [(o["prefix"], o["digits"]) for o in pack["kind_overrides"]]
        data = json.loads((ROOT / "number/data/libphonenumber.json").read_text(encoding="utf-8"))
        self.emergency = data["emergency_numbers"]

    def lists_short(self, home: str, digits: str) -> bool:
        return (home, digits) in self.short or digits in self.global_short

    def overrides_number(self, e164: str | None) -> bool:
        if e164 is None:
            return False
        return any(e164.startswith(p) and len(e164) - 1 in lengths for p, lengths in self.overrides)


# Inputs written with a country code (+ or the home region's international prefix).
INTERNATIONAL_SOURCES = ("dialled", "international", "example", "mutation", "random")


def digits_of(text: str) -> str:
    return "".join(c for c in phonenumbers.normalize_digits_only(text))


# The deliberate differences. docs/NUMBERS.md has a section per name: what, why, who is right.
BUCKETS = {
    "missing_plus": "impossible as written nationally, valid with its country code: read as international",
    "pack_short_number": "a short number the numbering pack adds or protects more than libphonenumber",
    "emergency_number_abroad": "another region's emergency number rings as a special number",
    "short_number_behind_country_code": "the home country's short numbers and any emergency number after +CC",
    "short_number_not_an_international_prefix": "a short number that starts like the international prefix",
    "numbering_pack_range": "a range the numbering pack types differently (JP 020, 0170, 0180, 0600)",
    "longer_than_e164": "a national number longer than E.164's 15 digits: no caller ID",
}


def bucket_for(case: Case, pack: Pack) -> str | None:
    ref, got = case.reference, case.ours
    digits = digits_of(case.text)
    if ref.category == "valid" and len(ref.e164) - 1 > 15:
        return "longer_than_e164"
    plus = case.text.lstrip().startswith("+")
    if got.category == "valid" and "missing_plus" in got.flags and ref.category != "valid":
        return "missing_plus"
    if got.category in ("emergency", "special") and ref.category != got.category:
        if ref.category != "valid" and case.source in INTERNATIONAL_SOURCES:
            return "short_number_behind_country_code"
        if pack.lists_short(case.home, digits):
            return "pack_short_number"
        if got.category == "special" and digits in pack.emergency and case.home not in pack.emergency[digits]:
            return "emergency_number_abroad"
        idd = PhoneMetadata.metadata_for_region(case.home).international_prefix
        if ref.category == "invalid" and idd and re.match(idd, digits) and len(digits) <= 6:
            return "short_number_not_an_international_prefix"
    if pack.overrides_number(got.e164 if got.category == "valid" else ref.e164):
        return "numbering_pack_range"
    return None


def agrees(ref: Answer, got: Answer) -> bool:
    if ref.category != got.category:
        return False
    if ref.category != "valid":
        return True
    return (ref.e164, ref.country, ref.kind) == (got.e164, got.country, got.kind)


# ---------------------------------------------------------------------------------------------
# A whole run


@dataclasses.dataclass
class Report:
    cases: list[Case]
    readback: dict  # region -> (agreeing, total, [failing texts])
    emergency: list[tuple[str, str, str, str]]  # (home, text, policy, what went wrong)

    def by_home(self):
        homes = collections.defaultdict(list)
        for c in self.cases:
            homes[c.home].append(c)
        return homes

    def undocumented(self) -> list[Case]:
        return [c for c in self.cases if c.bucket is None and not agrees(c.reference, c.ours)]


def screen_cases(cases: list[Case]) -> None:
    by_home = collections.defaultdict(list)
    for c in cases:
        by_home[c.home].append(c)
    for home, group in by_home.items():
        for c, screened in zip(group, ours([c.text for c in group], home)):
            c.ours = answer_of(screened)


def emergency_spellings(number: str) -> list[str]:
    """An emergency number as caller-ID text may carry it, long and short, clean and noisy."""
    domain = "ims." + "a" * 300 + ".example"
    spellings = [
        number,
        "\u200b" * 86 + number,
        number + "\u200b" * 254,
        f"tel:{number};phone-context={domain}",
        "".join(chr(ord(c) + 0xFEE0) for c in number),  # full width
        "\u202a" + number + "\u202c",
        number + "\ufffd",  # a byte that was not UTF-8, decoded
    ]
    if len(number) > 1:
        spellings.append("-".join(number))
    return spellings


def check_emergency(homes: list[str]) -> list[tuple[str, str, str, str]]:
    """Every region's emergency numbers, as that region's and as every tested home's, under
    every preset: each must be an emergency or special number that rings (never silenced or
    blocked). Returns what went wrong."""
    numbers = collections.defaultdict(set)  # home -> texts
    for region in sorted(phonenumbers.SUPPORTED_SHORT_REGIONS):
        meta = PhoneMetadata.short_metadata_for_region(region)
        if meta.emergency is None or not meta.emergency.national_number_pattern:
            continue
        for number in expand(meta.emergency.national_number_pattern, 1000) or []:
            numbers[region].update(emergency_spellings(number))
            for home in homes:
                numbers[home].add(number)
    for home in homes:
        numbers[home].update(emergency_spellings("112") + emergency_spellings("911"))
    failures = []
    for home, texts in sorted(numbers.items()):
        texts = sorted(texts)
        for policy in PRESETS:
            for text, screened in zip(texts, ours(texts, home, policy)):
                kind, verdict = screened["number"]["kind"], screened["verdict"]
                if kind not in ("emergency", "special") or verdict in ("silence", "block"):
                    failures.append((home, text, policy, f"{kind} {verdict}"))
    return failures


def log(message: str) -> None:
    if os.environ.get("ORACLE_VERBOSE"):
        import sys
        import time

        print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def rng_for(name: str) -> random.Random:
    """A generator per home region or region: any one of them can be rerun alone."""
    return random.Random(f"{SEED}-{name}")


def run(homes: list[str] = HOMES, readback_regions: list[str] | None = None) -> Report:
    log("generating")
    cases = []
    for home in homes:
        for text, source in home_inputs(home, rng_for(home)):
            cases.append(Case(home, text, source, reference(text, home)))
    log("short numbers")
    for region in sorted(phonenumbers.SUPPORTED_SHORT_REGIONS):
        for text, source in short_inputs(region):
            cases.append(Case(region, text, source, reference(text, region)))
    log("read-back")
    readback_regions = trunk_prefix_regions() if readback_regions is None else readback_regions
    readback_cases = []
    for region in readback_regions:
        for text, source in readback_inputs(region, rng_for("readback-" + region)):
            readback_cases.append(Case(region, text, source, reference(text, region)))
    log(f"{len(cases) + len(readback_cases)} inputs; screening")
    screen_cases(cases + readback_cases)
    log("bucketing")
    pack = Pack()
    for c in cases:
        if not agrees(c.reference, c.ours):
            c.bucket = bucket_for(c, pack)
    readback = {}
    for region in readback_regions:
        group = [c for c in readback_cases if c.home == region]
        wrong = [c.text for c in group
                 if c.reference.category != "valid" or c.ours.e164 != c.reference.e164]
        readback[region] = (len(group) - len(wrong), len(group), wrong)
    log("emergency numbers")
    emergency = check_emergency(homes)
    log("done")
    return Report(cases, readback, emergency)


# ---------------------------------------------------------------------------------------------
# The published table


def pct(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100 * part / whole:.2f} %"


def agreement_rows(report: Report) -> list[str]:
    rows = ["| home | inputs | in buckets | valid / invalid | E.164 | country | kind | undocumented |",
            "|---|---|---|---|---|---|---|---|"]
    homes = report.by_home()
    for home in HOMES:
        group = homes.get(home, [])
        if not group:
            continue
        outside = [c for c in group if c.bucket is None]
        both_valid = [c for c in outside
                      if c.reference.category == "valid" and c.ours.category == "valid"]
        rows.append(
            f"| {home} | {len(group)} | {len(group) - len(outside)} "
            f"| {pct(sum(c.reference.category == c.ours.category for c in outside), len(outside))} "
            f"| {pct(sum(c.reference.e164 == c.ours.e164 for c in both_valid), len(both_valid))} "
            f"| {pct(sum(c.reference.country == c.ours.country for c in both_valid), len(both_valid))} "
            f"| {pct(sum(c.reference.kind == c.ours.kind for c in both_valid), len(both_valid))} "
            f"| {sum(not agrees(c.reference, c.ours) for c in outside)} |"
        )
    short = [c for c in report.cases if c.source == "short"]
    outside = [c for c in short if c.bucket is None]
    rows.append(
        f"| every region, its short numbers | {len(short)} | {len(short) - len(outside)} "
        f"| {pct(sum(c.reference.category == c.ours.category for c in outside), len(outside))} "
        f"| — | — | — | {sum(not agrees(c.reference, c.ours) for c in outside)} |"
    )
    return rows


def bucket_rows(report: Report) -> list[str]:
    counts = collections.Counter(c.bucket for c in report.cases if c.bucket)
    rows = ["| bucket | cases |", "|---|---|"]
    rows += [f"| `{name}` | {count} |" for name, count in sorted(counts.items())]
    return rows


def readback_summary(report: Report) -> tuple[int, int, list[str]]:
    good = sum(g for g, _, _ in report.readback.values())
    total = sum(t for _, t, _ in report.readback.values())
    worst = sorted(report.readback.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1))[:8]
    lines = [f"{region} {g}/{t}" for region, (g, t, _) in worst if g < t]
    return good, total, lines


def markdown(report: Report) -> str:
    good, total, worst = readback_summary(report)
    lines = [
        f"libphonenumber {phonenumbers.__version__} (Python `phonenumbers`), seed {SEED}, "
        f"{len(report.cases)} inputs under {len(HOMES)} home regions and every region's short "
        "numbers under that region:",
        "",
        *agreement_rows(report),
        "",
        "Disagreements in the documented buckets:",
        "",
        *bucket_rows(report),
        "",
        f"National read-back, {len(report.readback)} regions with a trunk prefix, "
        f"{NATIONAL_SAMPLES} random valid numbers each: {good} of {total} "
        f"({pct(good, total)}) read back as the same E.164"
        + (f"; the lowest: {', '.join(worst)}." if worst else "."),
        "",
        f"Emergency numbers of every region, in {len(emergency_spellings('110'))} spellings "
        f"(plain, long invisible padding, long tel: URIs, full width, bidi marks, dashes, an undecodable byte), under "
        f"every preset: {len(report.emergency)} silenced or blocked.",
    ]
    return "\n".join(lines)


BEGIN = "<!-- numbers-oracle:begin (scripts/numbers-oracle.sh --write-docs) -->"
END = "<!-- numbers-oracle:end -->"


def write_docs(report: Report, path: Path = ROOT / "docs/NUMBERS.md") -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(text[:start] + "\n" + markdown(report) + "\n" + text[end:], encoding="utf-8")


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description="callguard's numbers against libphonenumber")
    parser.add_argument("--write-docs", action="store_true", help="update docs/NUMBERS.md's table")
    parser.add_argument("--show", type=int, default=40, help="undocumented cases to print")
    args = parser.parse_args()
    report = run()
    print(markdown(report))
    bad = report.undocumented()
    for c in bad[: args.show]:
        print(f"UNDOCUMENTED {c.home} {c.source} {c.text!r}: reference {c.reference}, callguard {c.ours}")
    for failure in report.emergency[: args.show]:
        print("EMERGENCY", *failure)
    if args.write_docs:
        write_docs(report)
    return 1 if bad or report.emergency else 0


if __name__ == "__main__":
    raise SystemExit(main())
