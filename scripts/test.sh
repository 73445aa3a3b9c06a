#!/usr/bin/env bash
# Runs every test in the repository. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: unit, integration, property and CLI tests"
cargo test --workspace --all-targets
cargo test --workspace --doc
