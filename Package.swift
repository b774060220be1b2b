// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Tabula",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tabula", targets: ["TabulaCLI"]),
        .library(name: "TabulaEngine", targets: ["TabulaEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The server (`tabula serve`): HTTP, password hashes, webhook signatures and delivery.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // libedit is loaded at run time (dlopen), so building needs none of its headers.
        .target(name: "CLibEdit", path: "Sources/CLibEdit", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "CICU", path: "Sources/CICU",
                linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata")]),
        .target(name: "TabulaLanguage"),
        .target(name: "TabulaEngine", dependencies: ["TabulaLanguage", "CSQLite", "CICU"]),
        .target(name: "TabulaIO", dependencies: ["TabulaEngine", "TabulaLanguage",
                                                .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "TabulaReports", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaIO"]),
        .target(name: "TabulaTimeTracking", dependencies: ["TabulaEngine", "TabulaIO", "TabulaReports"],
                resources: [.copy("Resources")]),
        .target(name: "TabulaREPL", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports", "CLibEdit"]),
        .target(name: "TabulaServer", dependencies: [
            "TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports", "TabulaTimeTracking",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Benchmarks: run by `tabula bench ...`, nothing of them in the shipped modules.
        .target(name: "TabulaBenchmarks", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaReports", "TabulaTimeTracking", "TabulaServer",
                                                     .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "TabulaCLI", dependencies: [
            "TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports", "TabulaTimeTracking", "TabulaREPL", "TabulaBenchmarks", "TabulaServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TabulaLanguageTests", dependencies: ["TabulaLanguage"]),
        .testTarget(name: "TabulaEngineTests", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaReports"]),
        .testTarget(name: "TabulaIOTests", dependencies: ["TabulaIO"]),
        .testTarget(name: "TabulaReportsTests", dependencies: ["TabulaReports", "TabulaIO", "TabulaEngine", "TabulaLanguage"]),
        .testTarget(name: "TabulaREPLTests", dependencies: ["TabulaREPL", "TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports"]),
        .testTarget(name: "TabulaTimeTrackingTests", dependencies: ["TabulaTimeTracking", "TabulaEngine", "TabulaLanguage", "TabulaReports",
                                                                .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "TabulaServerTests", dependencies: [
            "TabulaServer", "TabulaEngine", "TabulaTimeTracking", "TabulaReports",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TabulaCLITests", dependencies: ["TabulaCLI", "TabulaEngine", "TabulaIO", "TabulaReports", "TabulaTimeTracking"]),
    ],
    swiftLanguageModes: [.v6]
)
