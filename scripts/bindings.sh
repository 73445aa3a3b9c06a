#!/usr/bin/env bash
# Builds the host library (crate callguard-ffi) and generates the Kotlin, Swift and Python
# sources from it in uniffi's library mode:
#
#   target/bindings/kotlin/callguard/callguard_ffi.kt  (package `callguard`, bindings/uniffi.toml)
#   target/bindings/swift/callguard_ffi.swift, callguard_ffiFFI.h, callguard_ffiFFI.modulemap
#   target/bindings/python/callguard_ffi.py  (+ a copy of the host library beside it)
#
# The generated sources are not committed: this script makes them (scripts/test.sh runs it).
# Usage: scripts/bindings.sh [--release | --profile NAME]   (default: the dev profile)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev
case "${1:-}" in
  "") ;;
  --release) profile=release ;;
  --profile) profile="${2:?--profile needs a name}" ;;
  *) echo "usage: $0 [--release | --profile NAME]" >&2; exit 2 ;;
esac
dir=$profile
[[ $profile == dev ]] && dir=debug
target=${CARGO_TARGET_DIR:-target}

case "$(uname -s)" in
  Darwin) lib_name=libcallguard_ffi.dylib ;;
  *) lib_name=libcallguard_ffi.so ;;
esac

echo "== building the host library ($profile)" >&2
cargo build -p callguard-ffi --lib --profile "$profile"
lib="$target/$dir/$lib_name"

echo "== building uniffi-bindgen" >&2
cargo build -q -p callguard-ffi --features cli --bin uniffi-bindgen
bindgen="$target/debug/uniffi-bindgen"

out="$target/bindings"
for language in kotlin swift python; do
  rm -rf "${out:?}/$language"
  "$bindgen" generate --library "$lib" --language "$language" --no-format \
    --out-dir "$out/$language" >&2
done
cp "$lib" "$out/python/"
echo "== generated in $out/{kotlin,swift,python} from $lib" >&2
