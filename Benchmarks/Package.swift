// swift-tools-version: 6.1
import PackageDescription

/// The benchmarks live in their own package (as swift-nio's do) so the main build stays light:
/// `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "hedgetop", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HedgeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HedgeCore", package: "hedgetop"),
                .product(name: "HedgeVenues", package: "hedgetop"),
                .product(name: "HedgeEngine", package: "hedgetop"),
                .product(name: "HedgeTerminal", package: "hedgetop"),
                .product(name: "HedgeLive", package: "hedgetop"),
            ],
            path: "Benchmarks/HedgeBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        /// A plain executable for profilers: `ReplayProfile feed|engine QUOTES.csv`.
        .executableTarget(
            name: "ReplayProfile",
            dependencies: [
                .product(name: "HedgeCore", package: "hedgetop"),
                .product(name: "HedgeVenues", package: "hedgetop"),
                .product(name: "HedgeEngine", package: "hedgetop"),
            ],
            path: "Sources/ReplayProfile",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
