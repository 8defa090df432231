// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "hedgetop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hedgetop", targets: ["hedgetop"]),
        .library(name: "HedgeCore", targets: ["HedgeCore"]),
        .library(name: "HedgeVenues", targets: ["HedgeVenues"]),
        .library(name: "HedgeEngine", targets: ["HedgeEngine"]),
        .library(name: "HedgeTerminal", targets: ["HedgeTerminal"]),
        .library(name: "HedgeMetrics", targets: ["HedgeMetrics"]),
        .library(name: "HedgeLive", targets: ["HedgeLive"]),
        .library(name: "HedgeExchange", targets: ["HedgeExchange"]),
        .executable(name: "hedgetop-exchange", targets: ["hedgetop-exchange"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        /// ncursesw through a small C shim: the macros and globals Swift cannot import directly.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        /// zlib, for gunzip in the replay readers (Foundation on Linux cannot inflate gzip).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        /// ISA-L's igzip, the fastest inflate Debian has (measured against zlib and libdeflate in
        /// Benchmarks/README.md): recordings are read at its speed.
        .systemLibrary(name: "CIsal", providers: [.apt(["libisal-dev"])]),
        /// Pure values and rules: no I/O, no clock, no tasks.
        .target(
            name: "HedgeCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")]
        ),
        /// Venues (simulated) and market feeds.
        .target(name: "HedgeVenues", dependencies: ["HedgeCore", "CIsal"]),
        /// The runtime: drives strategies on venues, publishes snapshots, takes commands.
        .target(
            name: "HedgeEngine",
            dependencies: [
                "HedgeCore", "HedgeVenues", "CZlib",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// The screen: cell grid, widgets, themes, keys, the ncurses backend.
        .target(
            name: "HedgeTerminal",
            dependencies: [
                "HedgeCore", "HedgeVenues", "HedgeEngine", "CNcursesw", .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Prometheus metrics of the engine's snapshots, served over HTTP for existing monitoring.
        .target(
            name: "HedgeMetrics",
            dependencies: [
                "HedgeCore", "HedgeEngine",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Live venues: WebSocket and REST connectors around pure connector state machines, and
        /// the recorder. The only module that touches the network for market data.
        .target(
            name: "HedgeLive",
            dependencies: [
                "HedgeCore", "HedgeVenues", "HedgeEngine", "CZlib",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// A local exchange: serves recordings over the venues' own WebSocket and REST protocols,
        /// with faults on a schedule or on command, so connectors can be tested without the internet.
        .target(
            name: "HedgeExchange",
            dependencies: [
                "HedgeCore", "HedgeVenues", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hedgetop-exchange",
            dependencies: [
                "HedgeExchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hedgetop",
            dependencies: [
                "HedgeCore", "HedgeVenues", "HedgeEngine", "HedgeTerminal", "HedgeMetrics", "HedgeLive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "HedgeCoreTests",
            dependencies: ["HedgeCore", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "HedgeVenuesTests", dependencies: ["HedgeVenues"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "HedgeEngineTests",
            dependencies: ["HedgeEngine", "MetricsScrape", .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")],
            resources: [.copy("Fixtures")]
        ),
        /// Test support: a plain-socket HTTP client and a strict exposition parser, for scraping
        /// the metrics endpoint the way Prometheus does.
        .target(name: "MetricsScrape", path: "Tests/MetricsScrape"),
        .testTarget(name: "HedgeMetricsTests", dependencies: ["HedgeMetrics", "MetricsScrape", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "HedgeTerminalTests", dependencies: ["HedgeTerminal"], exclude: ["Expected"]),
        .testTarget(
            name: "HedgeExchangeTests",
            dependencies: [
                "HedgeExchange", "HedgeVenues", "HedgeCore", "MetricsScrape",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["MetricsScrape"]),
        .testTarget(
            name: "HedgeLiveTests",
            dependencies: ["HedgeLive", "HedgeEngine", "HedgeVenues", "HedgeCore", "HedgeExchange", "MetricsScrape", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Fixtures")]
        ),
    ]
)
