#!/usr/bin/env bash
# Runs every test in the repository. This is the README's test command and what CI runs.
# Ends with one summary line, "tests: N passed, N failed", over every test binary that ran.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Rust: doc tests"
cargo test --workspace --doc 2>&1 | tee -a "$log"
echo "== Rust: unit, integration, property and CLI tests"
cargo test --workspace --all-targets 2>&1 | tee -a "$log"

passed=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s += $1} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed"
