#!/usr/bin/env bash
# The differential test: callguard's numbers against libphonenumber (tests/oracle/). Installs the
# pinned `phonenumbers` release (number/data/LIBPHONENUMBER_VERSION) and pytest into a venv under
# target/, builds the callguard CLI if needed, and runs the tests.
#   scripts/numbers-oracle.sh                 the tests (what scripts/test.sh runs)
#   scripts/numbers-oracle.sh --write-docs    regenerate docs/NUMBERS.md's agreement table
#   scripts/numbers-oracle.sh --show N        print the table and up to N undocumented cases
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(cat number/data/LIBPHONENUMBER_VERSION)
venv=target/venv-numbering
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if [[ "$("$venv/bin/python" -c 'import phonenumbers; print(phonenumbers.__version__)' 2>/dev/null)" != "$version" ]] ||
  ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "phonenumbers==$version" pytest
fi
target_dir=$(realpath "${CARGO_TARGET_DIR:-target}")
if [[ -z "${CALLGUARD_BIN:-}" ]]; then
  cargo build --quiet -p callguard-cli
  export CALLGUARD_BIN="$target_dir/debug/callguard"
fi
if [[ $# -gt 0 ]]; then
  exec "$venv/bin/python" tests/oracle/numbers_oracle.py "$@"
fi
exec "$venv/bin/python" -m pytest tests/oracle -q -p no:cacheprovider
