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
        // Benchmarks: run by `tabula bench ...`, nothing of them in the shipped modules.
        .target(name: "TabulaBenchmarks", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaReports", "TabulaTimeTracking"]),
        .executableTarget(name: "TabulaCLI", dependencies: [
            "TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports", "TabulaTimeTracking", "TabulaREPL", "TabulaBenchmarks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TabulaLanguageTests", dependencies: ["TabulaLanguage"]),
        .testTarget(name: "TabulaEngineTests", dependencies: ["TabulaEngine", "TabulaLanguage", "TabulaReports"]),
        .testTarget(name: "TabulaIOTests", dependencies: ["TabulaIO"]),
        .testTarget(name: "TabulaReportsTests", dependencies: ["TabulaReports", "TabulaIO", "TabulaEngine", "TabulaLanguage"]),
        .testTarget(name: "TabulaREPLTests", dependencies: ["TabulaREPL", "TabulaEngine", "TabulaLanguage", "TabulaIO", "TabulaReports"]),
        .testTarget(name: "TabulaTimeTrackingTests", dependencies: ["TabulaTimeTracking", "TabulaEngine", "TabulaReports"]),
        .testTarget(name: "TabulaCLITests", dependencies: ["TabulaCLI", "TabulaEngine", "TabulaIO", "TabulaReports", "TabulaTimeTracking"]),
    ],
    swiftLanguageModes: [.v6]
)
