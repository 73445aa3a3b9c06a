"""The differential test: callguard against libphonenumber (numbers_oracle.py says how).

Run with scripts/numbers-oracle.sh (which installs the pinned phonenumbers release and builds
callguard first); scripts/test.sh runs it.
"""

import re
from pathlib import Path

import pytest

import numbers_oracle as oracle

NUMBERS_MD = oracle.ROOT / "docs/NUMBERS.md"


@pytest.fixture(scope="session")
def report():
    return oracle.run()


def describe(case):
    return (f"{case.home} {case.source} {case.text!r}: libphonenumber {case.reference}, "
            f"callguard {case.ours}")


def test_the_reference_is_the_release_callguard_embeds():
    embedded = (oracle.ROOT / "number/data/LIBPHONENUMBER_VERSION").read_text().strip()
    assert oracle.phonenumbers.__version__ == embedded


@pytest.mark.parametrize("home", oracle.HOMES)
def test_every_disagreement_is_documented(report, home):
    bad = [c for c in report.undocumented() if c.home == home]
    assert not bad, "\n".join(describe(c) for c in bad[:30])


def test_short_numbers_of_every_region(report):
    bad = [c for c in report.undocumented() if c.source == "short"]
    assert not bad, "\n".join(describe(c) for c in bad[:30])


@pytest.mark.parametrize("home", oracle.HOMES)
def test_agreement_outside_the_buckets(report, home):
    outside = [c for c in report.by_home()[home] if c.bucket is None]
    agreeing = sum(oracle.agrees(c.reference, c.ours) for c in outside)
    assert agreeing / len(outside) >= 0.995


def test_national_numbers_read_back(report):
    good, total, worst = oracle.readback_summary(report)
    assert good / total >= 0.997, f"{good}/{total}; lowest: {worst}"
    for region, (g, t, wrong) in report.readback.items():
        assert t >= oracle.NATIONAL_SAMPLES * 0.9, f"{region}: only {t} samples"
        assert g / t >= 0.99, f"{region}: {g}/{t}, e.g. {wrong[:5]}"


def test_no_emergency_number_is_silenced_or_blocked(report):
    assert not report.emergency, report.emergency[:30]


def test_every_bucket_is_documented(report):
    text = NUMBERS_MD.read_text(encoding="utf-8")
    for name in oracle.BUCKETS:
        assert re.search(rf"^### `{name}`", text, re.M), f"docs/NUMBERS.md has no section for {name}"
    used = {c.bucket for c in report.cases if c.bucket}
    assert used <= set(oracle.BUCKETS)


def test_the_published_table_is_this_run(report):
    text = NUMBERS_MD.read_text(encoding="utf-8")
    start = text.index(oracle.BEGIN) + len(oracle.BEGIN)
    published = text[start:text.index(oracle.END)].strip()
    assert published == oracle.markdown(report).strip(), (
        "docs/NUMBERS.md's table is out of date: run scripts/numbers-oracle.sh --write-docs")
