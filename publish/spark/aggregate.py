"""`callguard feed build` on Apache Spark: reports from many phones into one full feed, when the
reports outgrow one machine.

The same aggregation as the crate callguard-publish (publish/src/build.rs), with the same
output, byte for byte (scripts/spark-test.sh checks it):
- every number is read by callguard itself, through its Python bindings (the `callguard` wheel
  built by scripts/python-package.sh), inside the executors: one CallGuard per partition, so a
  number is the same number on the phone, in `callguard feed build` and here;
- emergency and special numbers (of the home region and of the United States), the numbers
  organisations publish (`official_numbers()`) and numbers that cannot exist are dropped as they
  are read, and never published;
- a reporter counts once per number; a number is published when at least `--min-reporters`
  reporters reported it and their weight, `0.5 ** (age / half-life)` each (age from their last
  report of it to `--now`), is at least half of that; otherwise it is too few reporters, or stale;
- the feed is callguard's CSV, numbers ascending, `count` the number of reporters, which
  `callguard feed sign` signs and `callguard feed diff` compares.

Input: the back-end's CSV (`number`, and optionally `reporter`, `category` with several joined
by `|`, `reported_at`; any order, any case, `#` comments), the format `callguard feed build
--format csv` reads. Without a `reporter` column each row is its own reporter.

    spark-submit publish/spark/aggregate.py --name community --feed-version 2 \\
        --region JP --out community-2.csv 's3://bucket/reports/2026-12-01/*.csv'

The normalisation runs in Python on the executors; the grouping runs in Spark's engine. The
feed is written by the driver, streamed partition by partition in number order
(`toLocalIterator`), so the driver holds one partition of published numbers at a time. The
dropped-report counts of the summary are Spark accumulators: a task Spark retries counts twice
(the feed itself is exact).
"""

import argparse
import functools
import json
import os
import sys
import time

# callguard's report categories, in bit order (core/src/store/reports.rs, `ReportCategory`).
CATEGORIES = ("scam", "fraud", "spam", "telemarketing", "robocall", "survey", "other")
OTHER = 1 << CATEGORIES.index("other")
# A report may be dated this far after the build's time (clocks differ); later is malformed.
CLOCK_SLACK = 86_400
# The latest time a feed may carry: 2100-01-01 (core/src/store/time.rs).
LATEST = 4_102_444_800
# The reasons a report is dropped, as callguard's summary names them.
REPORT_REASONS = ("malformed", "invalid_number", "protected", "official")


def _days_from_civil(y, m, d):
    y = y - 1 if m <= 2 else y
    era = y // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _civil_from_days(z):
    z += 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y, m, d)


def _digits(text):
    if not text or len(text) > 9 or not all("0" <= c <= "9" for c in text):
        return None
    return int(text)


def parse_time(text):
    """Unix seconds of the times feeds carry, all UTC, or None: `YYYY-MM-DD`,
    `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` with an optional `Z`, or whole seconds since
    1970. The same reading as callguard's `parse_time` (core/src/store/time.rs)."""
    text = text.strip(" \t\r\n\f\v")
    if len(text) < 10 or text[4] != "-":
        if not text or not all("0" <= c <= "9" or c in "+-" for c in text):
            return None
        try:
            seconds = int(text)
        except ValueError:
            return None
        return seconds if 0 <= seconds <= LATEST else None
    y, mo, d = _digits(text[0:4]), _digits(text[5:7]), _digits(text[8:10])
    if y is None or mo is None or d is None:
        return None
    if text[7] != "-" or not 1 <= mo <= 12 or not 1 <= d <= 31:
        return None
    seconds = 0
    rest = text[10:]
    if rest:
        if rest.endswith("Z"):
            rest = rest[:-1]
        if len(rest) != 9 or rest[0] not in " T" or rest[3] != ":" or rest[6] != ":":
            return None
        h, mi, s = _digits(rest[1:3]), _digits(rest[4:6]), _digits(rest[7:9])
        if h is None or mi is None or s is None or h > 23 or mi > 59 or s > 60:
            return None
        seconds = h * 3600 + mi * 60 + s
    days = _days_from_civil(y, mo, d)
    if _civil_from_days(days) != (y, mo, d):
        return None
    t = days * 86_400 + seconds
    return t if 0 <= t <= LATEST else None


def format_time(t):
    """`YYYY-MM-DDTHH:MM:SSZ`, as callguard writes feed times."""
    y, m, d = _civil_from_days(t // 86_400)
    s = t % 86_400
    return f"{y:04}-{m:02}-{d:02}T{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}Z"


def parse_categories(text):
    """The categories' bit set, or None for an unknown name; none given means `other`."""
    text = text.strip()
    if not text:
        return OTHER
    bits = 0
    for part in text.split("|"):
        name = part.strip(" \t\r\n\f\v").lower()
        if name not in CATEGORIES:
            return None
        bits |= 1 << CATEGORIES.index(name)
    return bits


def category_names(bits):
    return "|".join(name for i, name in enumerate(CATEGORIES) if bits & (1 << i))


def _bindings():
    """callguard's Python bindings: the installed wheel (`callguard`), or the module
    scripts/bindings.sh generates (`callguard_ffi`). Imported on the executors, never pickled."""
    try:
        import callguard
    except ImportError:
        import callguard_ffi as callguard
    return callguard


class NumberReader:
    """Reads a reported number as a phone in `region` does, or says why it is never published
    (the same decisions as callguard-publish's `Numbers::read`)."""

    def __init__(self, region):
        cg = _bindings()
        self.home = cg.CallGuard(None, region, "balanced")
        # American files' short numbers (911, 311 ...) are protected too.
        self.us = cg.CallGuard(None, "US", "balanced")
        self.protected = (cg.NumberKind.EMERGENCY, cg.NumberKind.SPECIAL)
        self.unusable = (cg.NumberKind.INVALID, cg.NumberKind.HIDDEN)
        self.official = frozenset(int(n[1:]) for n in cg.official_numbers())
        # The same spellings come back again and again (the numbers being reported are few
        # against the reports): each is read through the FFI once per partition.
        self.read = functools.lru_cache(maxsize=1 << 16)(self._read)

    def _read(self, text):
        """The E.164 digits as one integer, or the reason (a string) the report is dropped."""
        text = text.strip()
        if not text:
            return "invalid_number"
        info = self.home.classify(text, "en")
        if info.kind in self.protected or self.us.classify(text, "en").kind in self.protected:
            return "protected"
        if info.kind in self.unusable or info.e164 is None:
            return "invalid_number"
        number = int(info.e164[1:])
        if number in self.official:
            return "official"
        return number


def find_column(columns, name):
    for i, column in enumerate(columns):
        if column.strip().lstrip("\ufeff").lower() == name:
            return i
    return None


def read_partition(index, rows, columns, region, now, tallies):
    """One partition's rows into (number, reporter, reported_at, categories), dropping and
    counting what is never published. One NumberReader (two CallGuards) per partition."""
    numbers = NumberReader(region)
    number_at = find_column(columns, "number")
    reporter_at = find_column(columns, "reporter")
    category_at = find_column(columns, "category")
    when_at = find_column(columns, "reported_at")
    counts = dict.fromkeys(("reports_read", "reports_used") + REPORT_REASONS, 0)

    def get(row, i):
        return (row[i] or "") if i is not None else ""

    for position, row in enumerate(rows):
        counts["reports_read"] += 1
        who = get(row, reporter_at).strip()
        # A row without a reporter is its own reporter.
        reporter = f"reporter:{who}" if who else f"row:{index}:{position}"
        when = get(row, when_at)
        at = now if not when.strip() else parse_time(when)
        bits = parse_categories(get(row, category_at))
        if at is None or at > now + CLOCK_SLACK or bits is None:
            counts["malformed"] += 1
            continue
        number = numbers.read(get(row, number_at))
        if isinstance(number, str):
            counts[number] += 1
            continue
        counts["reports_used"] += 1
        yield (number, reporter, at, bits)
    for name, value in counts.items():
        tallies[name].add(value)


def build(spark, inputs, options):
    """Builds the feed `options.out`; returns the summary (the keys of `callguard feed build
    --json`)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark import StorageLevel

    started = time.monotonic()
    # Every field as text, as callguard reads it; `#` lines are comments.
    raw = spark.read.csv(inputs, header=True, comment="#", inferSchema=False, mode="FAILFAST")
    if find_column(raw.columns, "number") is None:
        raise SystemExit(
            f"{inputs}: no number column (expected number,reporter,category,reported_at)"
        )
    sc = spark.sparkContext
    tallies = {
        name: sc.accumulator(0) for name in ("reports_read", "reports_used") + REPORT_REASONS
    }
    columns, region, now = list(raw.columns), options.region, options.now
    reports = raw.rdd.mapPartitionsWithIndex(
        lambda index, rows: read_partition(index, rows, columns, region, now, tallies)
    )
    schema = T.StructType(
        [
            T.StructField("number", T.LongType(), False),
            T.StructField("reporter", T.StringType(), False),
            T.StructField("at", T.LongType(), False),
            T.StructField("bits", T.IntegerType(), False),
        ]
    )
    # One row per reporter and number: however often a phone reported a number, it is one
    # reporter, weighed from its last report.
    reporters = (
        spark.createDataFrame(reports, schema)
        .groupBy("number", "reporter")
        .agg(
            F.min("at").alias("first_seen"),
            F.max("at").alias("last_seen"),
            F.bit_or("bits").alias("bits"),
        )
    )
    half_life = options.half_life_days * 86_400.0
    age = F.greatest(F.lit(now) - F.col("last_seen"), F.lit(0)).cast("double")
    per_number = (
        reporters.groupBy("number")
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.bit_or("bits").alias("bits"),
            F.min("first_seen").alias("first_seen"),
            F.max("last_seen").alias("last_seen"),
            F.sum(F.pow(F.lit(0.5), age / F.lit(half_life))).alias("weight"),
        )
        .withColumn(
            "outcome",
            F.when(F.col("count") < options.min_reporters, "too_few_reporters")
            .when(F.col("weight") < options.min_reporters / 2.0, "stale")
            .otherwise("published"),
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    outcomes = {row["outcome"]: row["n"] for row in
                per_number.groupBy("outcome").agg(F.count(F.lit(1)).alias("n")).collect()}
    published = (
        per_number.filter(F.col("outcome") == "published")
        .select("number", "bits", "count", "first_seen", "last_seen")
        .orderBy("number")
    )
    tmp = options.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# name: {options.name}\n# version: {options.feed_version}\n# kind: full\n")
        out.write("number,category,count,first_seen,last_seen\n")
        for row in published.toLocalIterator():
            out.write(
                f"+{row['number']},{category_names(row['bits'])},{row['count']},"
                f"{format_time(row['first_seen'])},{format_time(row['last_seen'])}\n"
            )
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, options.out)
    per_number.unpersist()
    summary = {"file": options.out, "feed": options.name, "version": options.feed_version}
    summary.update({name: acc.value for name, acc in tallies.items()})
    summary.update(
        {
            "numbers_seen": sum(outcomes.values()),
            "numbers_published": outcomes.get("published", 0),
            "too_few_reporters": outcomes.get("too_few_reporters", 0),
            "stale": outcomes.get("stale", 0),
            "min_reporters": options.min_reporters,
            "half_life_days": options.half_life_days,
            "seconds": round(time.monotonic() - started, 3),
        }
    )
    return summary


def arguments(argv):
    p = argparse.ArgumentParser(
        description="callguard feed build on Spark: report CSVs into a full callguard feed."
    )
    p.add_argument("inputs", nargs="+", help="report CSV files, folders or globs (any Spark path)")
    p.add_argument("--out", required=True, help="the feed file to write (on the driver)")
    p.add_argument("--name", required=True, help="the feed's name, as phones list it")
    p.add_argument("--feed-version", type=int, required=True, help="the feed's version")
    p.add_argument("--region", default="JP", help="the home region (default JP)")
    p.add_argument("--min-reporters", type=int, default=3, help="reporters a number needs (3)")
    p.add_argument("--half-life-days", type=float, default=30.0, help="half-life in days (30)")
    p.add_argument("--now", help="the build's time (YYYY-MM-DD or RFC 3339) [default: now]")
    options = p.parse_args(argv)
    if options.min_reporters < 1:
        p.error("--min-reporters: at least one reporter")
    if not options.half_life_days > 0:
        p.error("--half-life-days: a positive number of days")
    if not 1 <= options.feed_version:
        p.error("--feed-version: from 1")
    if not options.name or len(options.name) > 64 or "," in options.name or any(
        not c.isprintable() for c in options.name
    ):
        p.error("--name: one line of at most 64 characters, without commas")
    if options.now is None:
        options.now = int(time.time())
    else:
        now = parse_time(options.now)
        if now is None:
            p.error(f"--now {options.now!r}: expected YYYY-MM-DD or RFC 3339")
        options.now = now
    return options


def main(argv=None):
    from pyspark.sql import SparkSession

    options = arguments(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("callguard-feed-build").getOrCreate()
    try:
        summary = build(spark, options.inputs, options)
    finally:
        spark.stop()
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
