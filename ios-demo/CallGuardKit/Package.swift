// swift-tools-version:5.9
// CallGuardKit: the callguard core for iOS apps and their Call Directory extensions.
//
// - `CallGuardFFI`: the Rust core as a static library for devices and simulators
//   (`Frameworks/CallGuardFFI.xcframework.zip`, made by ../build-xcframework.sh with its checksum
//   beside it). The XCFramework, its clang module and this target share one name.
// - `CallGuardKit`: the generated Swift bindings (`Sources/CallGuardKit/Generated/`, also made by
//   the script), the extension's chunk-copy loop, and the explanations of Call Directory errors
//   in the person's language (`Resources/texts.json`).
//
// A release replaces the local archive with
//   .binaryTarget(name: "CallGuardFFI", url: "https://…/CallGuardFFI.xcframework.zip",
//                 checksum: "<Frameworks/CallGuardFFI.xcframework.zip.sha256>")
import PackageDescription

let package = Package(
    name: "CallGuardKit",
    defaultLocalization: "en",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "CallGuardKit", targets: ["CallGuardKit"]),
    ],
    targets: [
        .binaryTarget(name: "CallGuardFFI", path: "Frameworks/CallGuardFFI.xcframework.zip"),
        .target(
            name: "CallGuardKit",
            dependencies: ["CallGuardFFI"],
            path: "Sources/CallGuardKit",
            resources: [.copy("Resources/texts.json")]
        ),
    ]
)
