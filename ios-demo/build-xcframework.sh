#!/bin/sh
# Builds the Swift package CallGuardKit's generated parts (ios-demo/CallGuardKit):
#   Frameworks/CallGuardFFI.xcframework.zip   the Rust core as a static library for iOS devices
#                                             and both simulators, with its C header and module
#   Frameworks/CallGuardFFI.xcframework.zip.sha256   its SwiftPM checksum (for a release's
#                                             .binaryTarget(url:checksum:))
#   Sources/CallGuardKit/Generated/callguard_ffi.swift   the generated Swift bindings
#
# Needs macOS with Xcode and rustup:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#   ios-demo/build-xcframework.sh            # from the repository root
#
# The library is linked into an app extension too, so everything is built with
# -application_extension (only extension-safe APIs; Xcode refuses the link otherwise).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
kit="$root/ios-demo/CallGuardKit"
out="$kit/Frameworks"
gen="$kit/Sources/CallGuardKit/Generated"
headers="$root/target/ios/headers"
crate=callguard-ffi
lib=libcallguard_ffi.a
targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios"

export IPHONEOS_DEPLOYMENT_TARGET=15.0
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-application_extension"

cd "$root"
for t in $targets; do
    cargo build --release --locked -p "$crate" --lib --target "$t"
done

# The Swift bindings into the package's source target; the header and the module map
# (module CallGuardFFI, bindings/uniffi.toml) into the XCFramework's headers.
rm -rf "$gen" "$headers" && mkdir -p "$gen" "$headers"
cargo run --release --locked -p "$crate" --features cli --bin uniffi-bindgen -- generate \
    --library "target/aarch64-apple-ios/release/$lib" --language swift --out-dir "$headers"
mv "$headers"/*.swift "$gen/"
mv "$headers/CallGuardFFI.modulemap" "$headers/module.modulemap"

# Both simulator architectures in one library.
mkdir -p target/ios-sim-universal/release
lipo -create \
    target/aarch64-apple-ios-sim/release/$lib \
    target/x86_64-apple-ios/release/$lib \
    -output target/ios-sim-universal/release/$lib

rm -rf "$out" && mkdir -p "$out"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/$lib -headers "$headers" \
    -library target/ios-sim-universal/release/$lib -headers "$headers" \
    -output "$out/CallGuardFFI.xcframework"

# The archive SwiftPM unpacks (the .xcframework at its root, named as the binary target), with
# fixed times and order so the same build gives the same checksum.
cd "$out"
find CallGuardFFI.xcframework -exec touch -h -t 198001010000 {} +
find CallGuardFFI.xcframework | LC_ALL=C sort | zip -X -q -@ CallGuardFFI.xcframework.zip
rm -rf CallGuardFFI.xcframework
shasum -a 256 CallGuardFFI.xcframework.zip | cut -d' ' -f1 > CallGuardFFI.xcframework.zip.sha256
echo "wrote $out/CallGuardFFI.xcframework.zip (checksum $(cat CallGuardFFI.xcframework.zip.sha256))"
echo "and $gen/callguard_ffi.swift"
