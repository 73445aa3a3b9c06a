#!/usr/bin/env bash
# Runs every test in the repository. This is the README's test command and what CI runs.
# Ends with one summary line, "tests: N passed, N failed", over every test binary that ran:
# the Rust tests, the differential test of numbers against libphonenumber (phonenumbers and
# pytest into a venv under target/), then the Python and Kotlin tests of the bindings (which need python3 and
# Maven; they install pytest into a venv under target/ and their jars from Maven Central), then
# the Android demo's check on the JVM (Maven; Robolectric's android-all jar, about 138 MB, is
# downloaded once into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
pylog=$(mktemp)
oraclelog=$(mktemp)
mvnlog=$(mktemp)
androidlog=$(mktemp)
trap 'rm -f "$log" "$pylog" "$oraclelog" "$mvnlog" "$androidlog"' EXIT

# "passed failed" from a pytest log's closing line ("21 passed in 8.7s", "1 failed, 20 passed,
# 2 errors in 9.1s"); a run that never got to its summary counts as one failure.
pytest_counts() {
  local line passed failed
  line=$(grep -E '^=*[ ]*[0-9]+ (passed|failed|errors?|skipped).* in [0-9.]+s' "$1" | tail -n 1 || true)
  count() { { grep -Eo "[0-9]+ $1" <<<"$line" || true; } | awk '{s += $1} END {print s + 0}'; }
  passed=$(count passed)
  failed=$(( $(count failed) + $(count 'errors?') ))
  if [[ -z "$line" ]]; then
    failed=$(( failed + 1 ))
  fi
  echo "$passed $failed"
}

echo "== Rust: doc tests"
cargo test --workspace --doc 2>&1 | tee -a "$log"
echo "== Rust: unit, integration, property and CLI tests"
cargo test --workspace --all-targets 2>&1 | tee -a "$log"

passed=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s += $1} END {print s + 0}')

status=0
# The differential test: callguard's numbers against libphonenumber (docs/NUMBERS.md).
echo "== Numbers: differential test against libphonenumber (scripts/numbers-oracle.sh)"
./scripts/numbers-oracle.sh 2>&1 | tee "$oraclelog" || status=1
read -r or_passed or_failed < <(pytest_counts "$oraclelog")

# The bindings: generated here (never committed), then tested across the FFI.
echo "== Bindings: host library + generated Kotlin, Swift, Python (scripts/bindings.sh)"
./scripts/bindings.sh

echo "== Python bindings: pytest (bindings/tests/python)"
venv=target/venv-bindings
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest
fi
"$venv/bin/python" -m pytest bindings/tests/python -q -p no:cacheprovider 2>&1 | tee "$pylog" ||
  status=1
read -r py_passed py_failed < <(pytest_counts "$pylog")

echo "== Kotlin bindings: JUnit on the JVM through JNA (bindings/tests/kotlin, Maven)"
target_dir=$(realpath "${CARGO_TARGET_DIR:-target}")
mvn -B -ntp -Dstyle.color=never -f bindings/tests/kotlin/pom.xml \
  -Dcallguard.generated="$target_dir/bindings/kotlin" -Dcallguard.lib.dir="$target_dir/debug" \
  test 2>&1 | tee "$mvnlog" || status=1
# Surefire's total: "Tests run: 10, Failures: 0, Errors: 0, Skipped: 0" (per-class lines go on).
mvn_line=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$mvnlog" |
  tail -n 1 || true)
read -r kt_run kt_failures kt_errors kt_skipped < <(
  { grep -Eo '[0-9]+' <<<"${mvn_line:-0 0 0 0}" || true; } | tr '\n' ' '; echo)
kt_passed=$(( kt_run - kt_failures - kt_errors - kt_skipped ))
kt_failed=$(( kt_failures + kt_errors ))
if [[ -z "$mvn_line" ]]; then
  kt_failed=$(( kt_failed + 1 )) # Maven failed before any test ran (a compile error)
fi

echo "== Android demo: app sources compiled against android-all, mapping tests on the JVM (android-demo/jvm-check, Maven)"
mvn -B -ntp -Dstyle.color=never -f android-demo/jvm-check/pom.xml \
  -Dcallguard.generated="$target_dir/bindings/kotlin" -Dcallguard.lib.dir="$target_dir/debug" \
  test 2>&1 | tee "$androidlog" || status=1
# Counted like the Kotlin bindings above, from Surefire's total line.
android_line=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$androidlog" |
  tail -n 1 || true)
read -r ad_run ad_failures ad_errors ad_skipped < <(
  { grep -Eo '[0-9]+' <<<"${android_line:-0 0 0 0}" || true; } | tr '\n' ' '; echo)
ad_passed=$(( ad_run - ad_failures - ad_errors - ad_skipped ))
ad_failed=$(( ad_failures + ad_errors ))
if [[ -z "$android_line" ]]; then
  ad_failed=$(( ad_failed + 1 )) # Maven failed before any test ran (a compile error)
fi

echo "== counts: rust ${passed} passed, ${failed} failed; numbers oracle ${or_passed} passed, ${or_failed} failed; python ${py_passed} passed, ${py_failed} failed; kotlin ${kt_passed} passed, ${kt_failed} failed; android ${ad_passed} passed, ${ad_failed} failed"
passed=$(( passed + or_passed + py_passed + kt_passed + ad_passed ))
failed=$(( failed + or_failed + py_failed + kt_failed + ad_failed ))
echo "tests: ${passed} passed, ${failed} failed"
if (( status != 0 || failed != 0 )); then
  exit 1
fi
