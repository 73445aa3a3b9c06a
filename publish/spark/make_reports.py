"""Writes a deterministic set of back-end report CSVs for scripts/spark-test.sh: numbers in the
spellings phones report them in (national, international, full-width), reporters reporting a
number once or many times, rows without a reporter, every time format callguard reads, and what
is never published or is malformed (emergency, special and official numbers, numbers that cannot
exist, unknown categories, impossible and future dates).

    python3 publish/spark/make_reports.py OUT_DIR [ROWS]
"""

import datetime
import os
import random
import sys

HEADER = "reported_at,number,reporter,category\n"
# 2026-12-01T00:00:00Z, the build's time the test passes as --now.
NOW = 1_796_083_200
NEVER_PUBLISHED = ["110", "119", "118", "911", "#9110", "188", "03-5253-5111", "hello",
                   "+83 1234 5678", "", "非通知"]
MALFORMED_TIMES = ["2026-02-31", "yesterday", "1709210096000", "2031-01-01", "2026-13-01"]
CATEGORIES = ["scam", "fraud", "spam", "telemarketing", "robocall", "survey", "other"]


def spellings(rng, digits):
    """One of the ways a phone reports the Japanese number 0 + `digits` (ten digits)."""
    national = "0" + digits
    dashed = f"{national[:3]}-{national[3:7]}-{national[7:]}"
    choice = rng.randrange(5)
    if choice == 0:
        return dashed
    if choice == 1:
        return national
    if choice == 2:
        return f"+81 {digits[:2]} {digits[2:6]} {digits[6:]}"
    if choice == 3:
        return "+81" + digits
    return dashed.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))


def when(rng):
    """A report time in one of the formats callguard reads, up to 200 days before NOW."""
    t = NOW - rng.randrange(200 * 86_400)
    choice = rng.randrange(5)
    if choice == 0:
        return ""  # undated: the build's time
    if choice == 1:
        return str(t)
    text = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if choice == 2:
        return text[:10]
    if choice == 3:
        return text.replace("T", " ").rstrip("Z")
    return text


def category(rng):
    roll = rng.randrange(20)
    if roll == 0:
        return ""
    if roll == 1:
        return "SCAM"
    return "|".join(rng.sample(CATEGORIES, rng.randrange(1, 3)))


def rows(rng, count):
    # 400 numbers: mobiles (090/080/070) and IP phones (050), a few reported by many phones.
    numbers = [rng.choice(["90", "80", "70", "50"]) + f"{rng.randrange(10**8):08}"
               for _ in range(400)]
    phones = [f"phone-{i}" for i in range(300)]
    for _ in range(count):
        roll = rng.randrange(100)
        if roll < 4:
            number = rng.choice(NEVER_PUBLISHED)
        elif roll < 6:
            number = "+1 212-" + f"{rng.randrange(200, 1000)}-{rng.randrange(10000):04}"
        else:
            # Skewed: the first numbers are reported far more often.
            number = spellings(rng, numbers[min(int(rng.expovariate(1 / 40)), 399)])
        reporter = "" if rng.randrange(25) == 0 else rng.choice(phones)
        at = rng.choice(MALFORMED_TIMES) if rng.randrange(100) == 0 else when(rng)
        cat = "bogus" if rng.randrange(200) == 0 else category(rng)
        yield f"{at},{number},{reporter},{cat}\n"


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
    rng = random.Random(19)
    os.makedirs(out, exist_ok=True)
    lines = list(rows(rng, count))
    half = len(lines) // 2
    for name, part in (("reports-1.csv", lines[:half]), ("reports-2.csv", lines[half:])):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(HEADER)
            f.write("# uploads of 2026-11-30\n")
            f.writelines(part)


if __name__ == "__main__":
    main()
