#!/usr/bin/env bash
# Builds the Python package `callguard` (a wheel, with maturin from bindings/pyproject.toml),
# installs it into a fresh venv and screens calls with it (bindings/tests/wheel/).
#
#   scripts/python-package.sh           # a debug wheel for this machine: the quick check
#   scripts/python-package.sh --zig     # a release wheel for glibc 2.17 (manylinux2014), linked
#                                       # with zig from PyPI (the `ziglang` package)
#
# maturin (and ziglang) go into a venv under target/. The wheel lands in target/wheels/.
# Ends with "python package: N passed, N failed" like scripts/test.sh's parts.
set -euo pipefail
cd "$(dirname "$0")/.."

zig=false
case "${1:-}" in
  "") ;;
  --zig) zig=true ;;
  *) echo "usage: $0 [--zig]" >&2; exit 2 ;;
esac
target=$(realpath "${CARGO_TARGET_DIR:-target}")
tools="$target/venv-maturin"
wheels="$target/wheels"
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

if [[ ! -x "$tools/bin/python" ]]; then
  python3 -m venv "$tools"
fi
wanted=(maturin)
$zig && wanted+=(ziglang)
for package in "${wanted[@]}"; do
  if ! "$tools/bin/python" -m pip show -q "$package" >/dev/null 2>&1; then
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "$package"
  fi
done

rm -rf "$wheels"
build() {
  if $zig; then
    # zig's linker takes `--strip-debug` (which the release profile passes) for "strip all",
    # and uniffi reads its metadata from the symbol table: keep the symbols.
    (cd bindings && CARGO_PROFILE_RELEASE_STRIP=none PATH="$tools/bin:$PATH" \
      "$tools/bin/maturin" build --release --zig --compatibility manylinux2014 -o "$wheels")
  else
    (cd bindings && PATH="$tools/bin:$PATH" "$tools/bin/maturin" build -o "$wheels")
  fi
}
check "maturin builds the wheel" build

wheel=$(ls "$wheels"/callguard-*.whl 2>/dev/null | head -n 1 || true)
fresh="$target/venv-wheel-test"
install() {
  [[ -n "$wheel" ]] || return 1
  rm -rf "$fresh"
  python3 -m venv "$fresh"
  "$fresh/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
}
check "the wheel installs into a fresh venv" install
# Run from a folder without sources, so only the installed package can be imported.
check "the installed package screens calls" \
  bash -c "cd / && '$fresh/bin/python' '$PWD/bindings/tests/wheel/screen_a_call.py'"
if $zig && [[ -n "$wheel" ]]; then
  glibc() {
    local so
    so=$(mktemp -d)
    "$fresh/bin/python" -m zipfile -e "$wheel" "$so"
    local needed
    needed=$(objdump -T "$so"/callguard/libcallguard_ffi.so | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
    rm -rf "$so"
    echo "highest glibc symbol: $needed ($(basename "$wheel"))"
    [[ $(printf '%s\n' "$needed" GLIBC_2.17 | sort -V | tail -n 1) == GLIBC_2.17 ]]
  }
  check "the zig wheel needs glibc 2.17 at most" glibc
fi
echo "python package: ${passed} passed, ${failed} failed"
(( failed == 0 ))
