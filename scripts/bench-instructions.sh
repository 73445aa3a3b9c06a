#!/usr/bin/env bash
# Instructions per screened call, counted by valgrind's callgrind: repeatable to the instruction
# for the same binary and inputs, whatever else the machine is doing (wall-clock figures on a
# shared 2-core machine vary by ±30 %). For each kind of caller number, `check --batch` runs
# once with 20,000 lines and once with 1: the difference divided by 19,999 is the cost of one
# call (normalise, classify, risk, JSON out); the single run is start-up plus one call.
#   scripts/bench-instructions.sh [CALLGUARD_BINARY ...]    (default: target/release/callguard)
# Build the binary first: cargo bench --no-run -p callguard-cli --bench cold
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
binaries=("$@")
[[ ${#binaries[@]} -gt 0 ]] || binaries=(target/release/callguard)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=(
  "e164 +819012345678"
  "national 03-5253-5111"
  "emergency 110"
  "carrier_and_idd 0041-010-44-20-7946-0958"
  "north_america +1-202-555-0143"
)
for c in "${cases[@]}"; do
  read -r name text <<<"$c"
  for ((i = 0; i < 20000; i++)); do echo "$text"; done >"$work/$name.many"
  echo "$text" >"$work/$name.one"
done
instructions() { # binary, input file
  XDG_DATA_HOME="$work/data" valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    "$1" check --batch "$2" --json --region JP 2>&1 >/dev/null |
    grep -Eo 'Collected : [0-9]+' | grep -Eo '[0-9]+'
}
printf '%-18s' "case"
for b in "${binaries[@]}"; do printf ' | %-30s' "$b"; done
echo
for c in "${cases[@]}"; do
  read -r name _ <<<"$c"
  printf '%-18s' "$name"
  for b in "${binaries[@]}"; do
    many=$(instructions "$b" "$work/$name.many")
    one=$(instructions "$b" "$work/$name.one")
    printf ' | %8d per call, %5.1fM start' "$(( (many - one) / 19999 ))" "$(awk -v n="$one" 'BEGIN { print n / 1e6 }')"
  done
  echo
done
