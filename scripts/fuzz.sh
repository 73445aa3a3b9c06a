#!/usr/bin/env bash
# Runs callguard's fuzz targets (docs/FUZZING.md) with cargo-fuzz and libFuzzer.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 600 seconds for each of every target
#
# Seeds each target's corpus (fuzz/corpus/<target>/, kept out of git) from the project's own
# data first: the numbers and transcripts of the scenario corpus and the demo, the rule packs,
# the policy presets and one feed of each format. Installs cargo-fuzz if it is missing.
# FUZZ_SANITIZER picks the sanitizer (address by default; none builds faster). CI runs
# `FUZZ_SANITIZER=none scripts/fuzz.sh 15` so every target keeps building and runs clean.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(number feed policy rule_packs scan)
fi
sanitizer=${FUZZ_SANITIZER:-address}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install --locked --quiet cargo-fuzz --version 0.13.2
fi

echo "== seeding fuzz/corpus from the project's data"
python3 - <<'PY'
import glob, hashlib, json, os

def put(target, data):
    folder = os.path.join("fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

calls = []
for path in sorted(glob.glob("tests/scenarios/*.json")):
    calls += [s["call"] for s in json.load(open(path, encoding="utf-8"))["scenarios"]]
calls += json.load(open("cli/src/demo_calls.json", encoding="utf-8"))
for call in calls:
    number = (call.get("number") or "").encode()
    if number:
        for region in (0, 1, 2):  # the number target's selector: home region JP, US, GB
            put("number", bytes([region]) + number)
    for text in (call.get("transcript"), call.get("claims")):
        if text:
            put("scan", text.encode())

for path in sorted(glob.glob("core/rules/policies/*.json")):
    put("policy", open(path, "rb").read())
for selector, path in enumerate(
    ["number/data/numbering.json", "core/rules/reasons.json", "core/rules/organisations.json"]
):
    put("rule_packs", bytes([selector]) + open(path, "rb").read())

feeds = [
    (1, b"# name: seed\n# version: 1\nnumber,category,count,first_seen,last_seen,op\n"
        b"+815012345678,scam,3,2025-11-01,2025-11-28,\n+819012345678,fraud|robocall,1,,,\n"
        b"03-1234-5678,spam,,,,remove\n"),
    (2, b"# name: seed\n# version: 2\n# kind: delta\n"
        b'{"number": "+815012345678", "category": "scam", "count": 2, "last_seen": "2025-11-28"}\n'
        b'{"number": "03-1234-5678", "first_seen": 1700000000, "op": "remove"}\n'),
    (3, b"Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,"
        b"Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n"
        b"202-555-0143,2025-11-01,2025-10-30 12:00:00,Boston,Massachusetts,617,"
        b"Imposters,Y\n"),
]
for selector, body in feeds:
    put("feed", bytes([selector]) + body)
    put("feed", bytes([0x80 | selector]) + body + b"not a number,scam\n")
PY

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds} s (sanitizer: $sanitizer)"
  status=0
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O --sanitizer "$sanitizer" "$target" \
    -- -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 >"$log" 2>&1 || status=$?
  # libFuzzer's progress lines are many: show the totals, and everything after a failure.
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )' "$log" || true
  if [[ $status -ne 0 ]]; then
    tail -n 60 "$log" >&2
    echo "fuzz target $target failed (exit $status): see fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
