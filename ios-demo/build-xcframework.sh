#!/bin/sh
# Builds CallGuardFFI.xcframework (the Rust core + bindings as a static library) for iOS
# devices and both simulators, and generates the Swift bindings, for ios-demo/.
#
# Needs macOS with Xcode and rustup:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#   ios-demo/build-xcframework.sh            # from the repository root
#
# The library is linked into an app extension too, so everything is built with
# -application_extension (only extension-safe APIs; Xcode refuses the link otherwise).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/ios-demo"
out="$demo/Frameworks"
gen="$demo/Generated"
crate=callguard-ffi
lib=libcallguard_ffi.a
targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios"

export IPHONEOS_DEPLOYMENT_TARGET=15.0
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-application_extension"

cd "$root"
for t in $targets; do
    cargo build --release --locked -p "$crate" --lib --target "$t"
done

# The Swift bindings, module map and header, from the host build's metadata.
rm -rf "$gen" && mkdir -p "$gen/include"
cargo run --release --locked -p "$crate" --features cli --bin uniffi-bindgen -- generate \
    --library "target/aarch64-apple-ios/release/$lib" --language swift --out-dir "$gen"
mv "$gen"/*.h "$gen/include/"
cat "$gen"/*.modulemap > "$gen/include/module.modulemap"
rm -f "$gen"/*.modulemap

# Both simulator architectures in one library.
mkdir -p target/ios-sim-universal/release
lipo -create \
    target/aarch64-apple-ios-sim/release/$lib \
    target/x86_64-apple-ios/release/$lib \
    -output target/ios-sim-universal/release/$lib

rm -rf "$out/CallGuardFFI.xcframework" && mkdir -p "$out"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/$lib -headers "$gen/include" \
    -library target/ios-sim-universal/release/$lib -headers "$gen/include" \
    -output "$out/CallGuardFFI.xcframework"
echo "wrote $out/CallGuardFFI.xcframework and $gen/*.swift"
