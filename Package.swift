// swift-tools-version:6.0
import PackageDescription

let swift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    // Release builds only (debug, the tests and the sanitizer builds keep every check):
    // - exclusivity is proved at compile time where it can be; the dynamic checks left (class
    //   properties, globals) were 3% of `canary run`'s CPU at 10,000 canaries (swift_beginAccess,
    //   swift_endAccess, AccessSet::insert), for no check a release run acts on;
    // - generic code of one module is specialised in the next (RecordJSON's containers, the
    //   engine's types), instead of going through witness tables.
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "canary",
    products: [
        .executable(name: "canary", targets: ["canary"]),
    ],
    targets: [
        // libcurl, found through pkg-config.
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // zlib, for reading and writing the PNGs of screenshots and visual diffs.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libxml2 (what Foundation's XMLDocument wraps), called directly for `expect.xpath`:
        // XMLDocument on Linux crashes on unreadable bodies and has no XPath for numbers or strings.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Typed, non-variadic wrappers around curl's variadic calls; nothing else.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // A lock the thread sanitizer can see (Synchronization.Mutex's futex hand-off it can't).
        .target(name: "Locking", swiftSettings: swift6),
        // HTTP over one curl multi handle; knows nothing about canaries.
        .target(name: "CurlEngine", dependencies: ["CCurl", "CCurlShim", "Locking"], swiftSettings: swift6),
        // Canary model, loading, evaluation, running, recording, reporting.
        .target(name: "CanaryKit", dependencies: ["CurlEngine", "Locking", "CZlib", "CLibXML2"], swiftSettings: swift6),
        // The command line: argument parsing, commands, console output.
        .executableTarget(name: "canary", dependencies: ["CanaryKit", "Locking"], swiftSettings: swift6),
        // libFuzzer target for the canary loader (scripts/fuzz-loader builds it with
        // -sanitize=fuzzer); a plain build replays input files through the same checks.
        .executableTarget(name: "LoaderFuzz", dependencies: ["CanaryKit", "FuzzDriver"], swiftSettings: swift6),
        // libFuzzer target for the JSONPath parser and evaluator (scripts/fuzz-jsonpath).
        .executableTarget(name: "JSONPathFuzz", dependencies: ["CanaryKit", "FuzzDriver"], swiftSettings: swift6),
        // libFuzzer target for the JSON Schema compiler and validator (scripts/fuzz-schema).
        .executableTarget(name: "SchemaFuzz", dependencies: ["CanaryKit", "FuzzDriver"], swiftSettings: swift6),
        // libFuzzer target for `canary import`: curl command lines and HAR files (scripts/fuzz-import).
        .executableTarget(name: "ImportFuzz", dependencies: ["CanaryKit", "FuzzDriver"], swiftSettings: swift6),
        // libFuzzer target for the dns step's reply parser (scripts/fuzz-dns).
        .executableTarget(name: "DNSFuzz", dependencies: ["CanaryKit", "FuzzDriver"], swiftSettings: swift6),
        // The entry point the fuzz targets share: libFuzzer's driver, or replaying input files.
        .target(name: "FuzzDriver", swiftSettings: swift6),

        .testTarget(name: "CurlEngineTests", dependencies: ["CurlEngine"], swiftSettings: swift6),
        .testTarget(name: "CanaryKitTests", dependencies: ["CanaryKit"], swiftSettings: swift6),
        // Talks to real httpbin and nginx started by scripts/test.
        .testTarget(name: "IntegrationTests", dependencies: ["CanaryKit", "CurlEngine", "canary"], swiftSettings: swift6),
    ]
)
