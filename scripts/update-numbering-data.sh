#!/usr/bin/env bash
# Regenerates number/data/libphonenumber.json, the numbering data the core embeds, from a released
# libphonenumber (the `phonenumbers` package on PyPI; scripts/numbering_data.py says why).
#   scripts/update-numbering-data.sh [VERSION]     (default: the version pinned below)
# Then run the tests: the differential test (scripts/numbers-oracle.sh) compares callguard with
# the same release.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-$(cat number/data/LIBPHONENUMBER_VERSION)}
venv=target/venv-numbering
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if [[ "$("$venv/bin/python" -c 'import phonenumbers; print(phonenumbers.__version__)' 2>/dev/null)" != "$version" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "phonenumbers==$version"
fi
"$venv/bin/python" scripts/numbering_data.py --expect-version "$version" --out number/data/libphonenumber.json
echo "$version" > number/data/LIBPHONENUMBER_VERSION
