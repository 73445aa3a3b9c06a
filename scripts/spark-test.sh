#!/usr/bin/env bash
# Runs `callguard feed build` on Apache Spark in local mode (publish/spark/aggregate.py) and
# checks it writes the same feed, byte for byte, and the same summary counts as the CLI for the
# same reports; then signs the Spark feed with `callguard feed sign` and imports it into a phone's
# store. Not part of scripts/test.sh (PySpark is about 500 MB and a run takes a minute or two).
#
#   scripts/spark-test.sh            # 6,000 generated reports (publish/spark/make_reports.py)
#   scripts/spark-test.sh 100000     # more
#
# Needs python3 with venv and a JDK 17 or newer (`java` on the PATH). Builds the Python package
# with scripts/python-package.sh (maturin into a venv under target/), installs pyspark and the
# wheel into target/venv-spark. Ends with "spark test: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-6000}
target=$(realpath "${CARGO_TARGET_DIR:-target}")
venv="$target/venv-spark"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # NAME COMMAND...: runs a check and counts it
  local name=$1; shift
  if "$@"; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAILED: $name"
  fi
}

echo "== the Python package (scripts/python-package.sh)"
./scripts/python-package.sh
wheel=$(ls "$target"/wheels/callguard-*.whl | head -n 1)

echo "== pyspark and the wheel into $venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pyspark
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

echo "== $rows reports, and the feed callguard builds from them"
cargo build -q -p callguard-cli
cli="$target/debug/callguard"
python3 publish/spark/make_reports.py "$work/reports" "$rows"
common=(--name community --feed-version 1 --region JP --now 2026-12-01 --min-reporters 3 --half-life-days 30)
"$cli" feed build "$work/reports" --format csv "${common[@]}" --out "$work/cli.csv" --json >"$work/cli.json"

echo "== the same on Spark, local mode"
# Loopback only, no UI, no progress bars; the executors run the venv's Python (and its wheel).
export SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
spark_run() {
  "$venv/bin/spark-submit" --master 'local[2]' \
    --conf spark.driver.bindAddress=127.0.0.1 --conf spark.driver.host=127.0.0.1 \
    --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false \
    --conf spark.sql.shuffle.partitions=4 \
    publish/spark/aggregate.py "$work/reports" "${common[@]}" --out "$work/spark.csv" \
    >"$work/spark.json" 2>"$work/spark.log"
}
if ! check "the Spark job runs in local mode" spark_run; then
  tail -n 40 "$work/spark.log"
fi
check "the Spark feed is the CLI's feed, byte for byte" cmp "$work/cli.csv" "$work/spark.csv"
same_counts() {
  python3 - "$work/cli.json" "$work/spark.json" <<'EOF'
import json, sys
cli, spark = (json.load(open(p)) for p in sys.argv[1:])
keys = ["reports_read", "reports_used", "malformed", "invalid_number", "protected", "official",
        "numbers_seen", "numbers_published", "too_few_reporters", "stale"]
differ = [(k, cli[k], spark.get(k)) for k in keys if cli[k] != spark.get(k)]
print("counts:", {k: cli[k] for k in keys})
print(f"seconds: callguard feed build {cli['seconds']:.2f}, Spark {spark['seconds']:.2f} "
      f"(local mode, the debug wheel: a check, not a benchmark)")
if differ:
    print("differ (key, cli, spark):", differ)
# Something of each kind was in the reports, so the comparison means something.
assert all(cli[k] > 0 for k in keys), "a kind of report or number is missing from the data"
sys.exit(1 if differ else 0)
EOF
}
check "the Spark summary counts are the CLI's" same_counts

sign_and_import() {
  "$cli" feed key generate --out "$work/publisher.key" >/dev/null &&
    "$cli" feed sign "$work/spark.csv" --key "$work/publisher.key" >/dev/null &&
    "$cli" key add community "$work/publisher.pub" --db "$work/phone.db" >/dev/null &&
    "$cli" import "$work/spark.csv" --db "$work/phone.db" >/dev/null
}
check "callguard feed sign signs the Spark feed and a phone imports it" sign_and_import

echo "spark test: ${passed} passed, ${failed} failed"
(( failed == 0 ))
